package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
)

// TestColored (issue 22 item 18): the time is dim, a person's name has a
// colour of its own (the same for every spelling of it), the words of an
// event the colour of its kind, and what people wrote none; the text is
// Text's, and control characters stay defused.
func TestColored(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 15, 4, 5, 0, time.Local)
	stamp := func(o client.Output) client.Output { return client.Stamp(o, at) }
	bob := "\x1b[" + client.NickColor("LabBob") + "m"
	for _, tt := range []struct {
		o    client.Output
		want string
	}{
		{&client.IM{From: "LabBob", Text: "hi <there>"}, "\x1b[2m15:04:05\x1b[0m " + bob + "LabBob\x1b[0m: hi <there>"},
		{&client.BuddyOnline{Name: "Lab Bob"}, "\x1b[2m15:04:05\x1b[0m " + bob + "Lab Bob\x1b[0m \x1b[32mis online\x1b[0m"},
		{&client.BuddyOffline{Name: "labbob"}, "\x1b[2m15:04:05\x1b[0m " + bob + "labbob\x1b[0m \x1b[33msigned off\x1b[0m"},
		{&client.ChatMessage{Room: "Lobby", From: "LabBob", Text: "a\nb"}, "\x1b[2m15:04:05\x1b[0m [Lobby] " + bob + "LabBob\x1b[0m: a\n" + strings.Repeat(" ", 25) + "b"},
		{&client.Result{Command: "info", Name: "LabBob", Error: "no answer", Line: "info LabBob"},
			"\x1b[2m15:04:05\x1b[0m \x1b[31merror: info \x1b[0m" + bob + "LabBob\x1b[0m\x1b[31m: no answer\x1b[0m"},
		{&client.IM{From: "Evil\x1b[2J", Text: "x"}, "\x1b[2m15:04:05\x1b[0m \x1b[" + client.NickColor("Evil^[[2J") + "mEvil^[[2J\x1b[0m: x"},
	} {
		o := stamp(tt.o)
		got := client.Colored(o)
		if got != tt.want {
			t.Errorf("%s: Colored =\n%q, want\n%q", o.Kind(), got, tt.want)
		}
		if plain := stripSGR(got); plain != client.Text(o) {
			t.Errorf("%s: without its colours %q, Text %q", o.Kind(), plain, client.Text(o))
		}
	}
}

// stripSGR removes the SGR sequences Colored adds.
func stripSGR(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], 'm')
		s = s[i+j+1:]
	}
}
