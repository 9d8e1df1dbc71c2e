package interactive

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/leakcheck"
)

func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }

// lines records what it is asked to run.
type lines struct {
	mu      sync.Mutex
	ran     []string
	refused int
	flushed bool
}

func (l *lines) Exec(_ context.Context, _ int, line string, wait bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !wait {
		l.ran = append(l.ran, "NOWAIT")
	}
	l.ran = append(l.ran, line)
	if line == "quit" {
		return client.ErrQuit
	}
	return nil
}
func (l *lines) Flush(context.Context) { l.mu.Lock(); l.flushed = true; l.mu.Unlock() }
func (l *lines) Refuse(int, error, bool) {
	l.mu.Lock()
	l.refused++
	l.mu.Unlock()
}

// Piped lines run in order, each waiting (a script), a rewrite applies, a
// line over the bound is refused and the input goes on, and quit ends it
// after a flush; the reader's goroutine is gone after stop.
func TestStartInputRunsLinesInOrder(t *testing.T) {
	in := "send a hi\n" + strings.Repeat("x", MaxInputLine+1) + "\nsay\nquit\nnever\n"
	streams := &iostreams.IOStreams{In: strings.NewReader(in), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	streams.SetStdinTTY(false)
	var l lines
	done := make(chan struct{})
	StartInput(t.Context(), func() { close(done) }, streams, &Printer{W: streams.Out}, &l, InputPlan{
		Rewrite: func(line string) (string, bool) {
			if line == "say" {
				return "say Lobby hello", false
			}
			return line, false
		},
	})
	<-done
	l.mu.Lock()
	defer l.mu.Unlock()
	if got := strings.Join(l.ran, "|"); got != "send a hi|say Lobby hello|quit" || l.refused != 1 || !l.flushed {
		t.Errorf("ran %q, refused %d, flushed %v", got, l.refused, l.flushed)
	}
}

// The line-based text output (aim login, aim events) leaves typing
// notifications out: the IM around which they came says it all. JSON has
// each of them.
func TestTypingOnlyInJSON(t *testing.T) {
	outs := []client.Output{
		&client.Typing{From: "LabBob", State: "typing"},
		&client.Typing{From: "LabBob", State: "typed"},
		&client.IM{From: "LabBob", Text: "hi"},
		&client.Typing{From: "LabBob", State: "stopped"},
	}
	var text, js bytes.Buffer
	tp, jp := &Printer{W: &text}, &Printer{W: &js, JSON: true}
	for _, o := range outs {
		client.Stamp(o, time.Now())
		tp.Print(o)
		jp.Print(o)
	}
	if got := strings.Count(text.String(), "\n"); got != 1 || !strings.Contains(text.String(), "LabBob: hi") {
		t.Errorf("text output:\n%swant the message alone", text.String())
	}
	if got := strings.Count(js.String(), `"type":"typing"`); got != 3 {
		t.Errorf("JSON has %d typing events, want 3:\n%s", got, js.String())
	}
}

// TestHistoryNoneYet: aim history with no name and nothing stored says on
// standard error where it looked, and prints nothing; with a conversation
// stored, or a name asked for, it says nothing of the kind.
func TestHistoryNoneYet(t *testing.T) {
	for _, tt := range []struct {
		a    *client.HistoryAnswer
		q    client.HistoryQuery
		note bool
	}{
		{&client.HistoryAnswer{Dir: "/tmp/h"}, client.HistoryQuery{}, true},
		{&client.HistoryAnswer{Dir: "/tmp/h", Conversations: []*client.HistoryConversation{{Name: "LabBob"}}}, client.HistoryQuery{}, false},
		{&client.HistoryAnswer{Dir: "/tmp/h"}, client.HistoryQuery{Name: "LabBob"}, false},
		{&client.HistoryAnswer{Dir: "/tmp/h"}, client.HistoryQuery{Grep: "lunch"}, false},
	} {
		for _, json := range []bool{false, true} {
			var out, errOut bytes.Buffer
			streams := &iostreams.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
			NewPrinter(streams, json, "never").History(tt.a, tt.q)
			want := ""
			if tt.note {
				want = "aim: no history yet in /tmp/h\n"
			}
			if errOut.String() != want || tt.note && out.Len() > 0 {
				t.Errorf("History(%+v, %+v), json %v: stderr %q, stdout %q; want stderr %q", tt.a, tt.q, json, errOut.String(), out.String(), want)
			}
		}
	}
}
