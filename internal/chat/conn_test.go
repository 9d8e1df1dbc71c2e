package chat_test

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/oscar"
)

// pipeOpts dials a pipeRoom p in the bubble.
func pipeOpts(t *testing.T, p *pipeRoom, opts chat.Options) chat.Options {
	cli, srvEnd := net.Pipe()
	go p.serve(t, srvEnd, roomyClass)
	opts.Dial = func(context.Context, string, string) (net.Conn, error) { return cli, nil }
	opts.Addr, opts.Cookie = "pipe", []byte{1}
	return opts
}

// endAtClear is a connection whose signon's last act, clearing the
// deadline, ends the Join context and lets the context's watcher run
// before going on: the end of the context just as the signon completes.
// It notes whether a past deadline was set after the clear.
type endAtClear struct {
	net.Conn
	end context.CancelFunc

	mu      sync.Mutex
	cleared bool
	past    bool // a past deadline after the clear, as the bubble settled
}

func (c *endAtClear) SetDeadline(d time.Time) error {
	err := c.Conn.SetDeadline(d)
	c.mu.Lock()
	if c.cleared && !d.IsZero() && d.Before(time.Unix(2, 0)) {
		c.past = true
	}
	first := d.IsZero() && !c.cleared
	c.cleared = c.cleared || d.IsZero()
	c.mu.Unlock()
	if first {
		c.end()
		synctest.Wait() // the watcher, if it runs, has run
	}
	return err
}

// TestJoinEndsAtSignonEnd: Join's context ending as the signon completes
// either fails the Join with the context's error or leaves a room that
// leaves cleanly: never a room whose connection has a past deadline, whose
// reader times out at once and reports a lost connection.
func TestJoinEndsAtSignonEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		opts := pipeOpts(t, &pipeRoom{}, chat.Options{Keepalive: -1})
		dial := opts.Dial
		var w *endAtClear
		opts.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := dial(ctx, network, addr)
			w = &endAtClear{Conn: nc, end: cancel}
			return w, err
		}
		r, err := chat.Join(ctx, opts)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Join = %v, want context.Canceled", err)
			}
			return
		}
		w.mu.Lock()
		past := w.past
		w.mu.Unlock()
		if past {
			t.Error("Join returned a room whose connection has a past deadline")
		}
		var last chat.Event
		for ev := range r.Events() {
			last = ev
		}
		if left, ok := last.(*chat.Left); !ok || left.Err != nil {
			t.Errorf("last event %+v, want a clean Left", last)
		}
	})
}

// TestNavReplyType: a SNAC that carries the request's id but is not its
// reply (real servers put other ids on unsolicited SNACs) is not taken for
// the answer.
func TestNavReplyType(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		room := oscar.RoomInfo{RoomRef: oscar.RoomRef{Exchange: 4, Cookie: "4-0-Found"}, Detail: 2,
			TLVs: oscar.TLVList(oscar.AppendTLVString(nil, oscar.RoomTLVName, "Found"))}
		p := &pipeRoom{other: func(fw *oscar.FrameWriter, s oscar.SNAC) {
			if s.Type() == oscar.TypeCreateRoom {
				fw.WriteMessage(s.RequestID, &oscar.ChatUsersJoined{Users: []oscar.UserInfo{{ScreenName: "LabBob"}}})
				fw.WriteMessage(s.RequestID, &oscar.NavInfo{Rooms: []oscar.RoomInfo{room}})
			}
		}}
		nav, err := chat.OpenNav(t.Context(), pipeOpts(t, p, chat.Options{Keepalive: -1}))
		if err != nil {
			t.Fatal(err)
		}
		got, err := nav.Room(t.Context(), 4, "Found")
		if err != nil || got.Name() != "Found" {
			t.Errorf("Room = %+v, %v; want the room of the 0D,09", got, err)
		}
		if err := nav.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSignonRefused: an error SNAC answering 01,06 fails the signon at
// once with a *bos.RequestError naming 01,06, not at the step timeout.
func TestSignonRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, err := chat.Join(t.Context(), pipeOpts(t, &pipeRoom{rateErr: true}, chat.Options{Keepalive: -1}))
		var refused *bos.RequestError
		if !errors.As(err, &refused) || refused.Type != bos.SNACType(oscar.TypeRateRequest) || refused.Code != oscar.ErrCodeServiceUnavail {
			t.Errorf("Join = %v, want a *bos.RequestError for 01,06", err)
		}
	})
}

// TestSignonPacing: the signon's 01,08 and 01,02 wait as the room's rate
// class requires. The class starts just above its limit (window 10, limit
// 200, current 205): a SNAC at no gap would take it to 184.5, so each must
// wait.
func TestSignonPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		class := roomyClass
		class.Current = 205
		r, p := joinPipe(t, chat.Options{Keepalive: -1}, class)
		ask := p.sent(oscar.ChannelSNAC, oscar.TypeRateRequest)
		ack := p.sent(oscar.ChannelSNAC, oscar.TypeRateAck)
		ready := p.sent(oscar.ChannelSNAC, oscar.TypeClientReady)
		if len(ask) != 1 || len(ack) != 1 || len(ready) != 1 {
			t.Fatalf("sent 01,06 %d, 01,08 %d, 01,02 %d times", len(ask), len(ack), len(ready))
		}
		if !ack[0].After(ask[0]) || !ready[0].After(ack[0]) {
			t.Errorf("01,06 at %v, 01,08 at %v, 01,02 at %v: want each later than the one before", ask[0], ack[0], ready[0])
		}
		if err := r.Leave(context.Background()); err != nil {
			t.Fatal(err)
		}
		for range r.Events() {
		}
	})
}

// TestDeadlinesOnWallClock: a clock given to Options.Now (here a day
// behind) stamps events but does not set socket deadlines: the signon's
// deadlines would otherwise be in the past and every read time out.
func TestDeadlinesOnWallClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		behind := func() time.Time { return time.Now().Add(-24 * time.Hour) }
		r, err := chat.Join(t.Context(), pipeOpts(t, &pipeRoom{}, chat.Options{Keepalive: -1, Now: behind}))
		if err != nil {
			t.Fatalf("Join with a clock a day behind: %v", err)
		}
		if err := r.Leave(context.Background()); err != nil {
			t.Fatal(err)
		}
		for range r.Events() {
		}
	})
}

// goroutinesIn returns the stacks of the goroutines, other than the
// caller, whose stack holds fn.
func goroutinesIn(fn string) string {
	buf := make([]byte, 1<<20)
	stacks := strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n")
	var out []string
	for _, g := range stacks[1:] { // the first is the caller's
		if strings.Contains(g, fn) {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// TestContextEndOnlySignals: the end of Join's context starts the leave
// but leaves the waiting to the room's own goroutines: no goroutine that
// nobody owns sits in leave while the room lingers (the server here keeps
// its side open), so the owner's Leave never returns while another is
// still running. The channel-4 frame still goes out.
func TestContextEndOnlySignals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := &pipeRoom{linger: true}
		r, err := chat.Join(ctx, pipeOpts(t, p, chat.Options{Keepalive: -1}))
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		synctest.Wait()
		select {
		case <-r.Done():
			t.Fatal("the room ended at once: the test needs it to linger")
		default:
		}
		if g := goroutinesIn("chat.(*conn).leave"); g != "" {
			t.Errorf("a goroutine nobody owns is in leave:\n%s", g)
		}
		if n := len(p.sent(oscar.ChannelSignoff, 0)); n != 1 {
			t.Errorf("%d channel-4 frames, want 1", n)
		}
		var last chat.Event
		for ev := range r.Events() {
			last = ev
		}
		if left, ok := last.(*chat.Left); !ok || left.Err != nil {
			t.Errorf("last event %+v, want a clean Left", last)
		}
	})
}

// TestContextEndNobodyReads: when Join's context ends and nobody reads
// events any more, the room still ends, a step's time later.
func TestContextEndNobodyReads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := &pipeRoom{}
		r, err := chat.Join(ctx, pipeOpts(t, p, chat.Options{Keepalive: -1, EventBuffer: 1}))
		if err != nil {
			t.Fatal(err)
		}
		// Joined fills the buffer; the server's 0E,03 leaves the reader
		// waiting to hand over a MemberJoined.
		p.push(&oscar.ChatUsersJoined{Users: []oscar.UserInfo{{ScreenName: "LabBob"}}})
		synctest.Wait()
		start := time.Now()
		cancel()
		<-r.Done()
		if waited := time.Since(start); waited != chat.DefaultStepTimeout {
			t.Errorf("the room ended %v after its context, want a step's time (%v)", waited, chat.DefaultStepTimeout)
		}
	})
}
