package bos_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// connect logs in and connects with opts, returning Connect's error.
func connect(t *testing.T, srv *oscartest.Server, opts bos.Options) (*bos.Session, error) {
	t.Helper()
	res, err := login.Authorize(t.Context(), login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: "alicepw1", Dial: opts.Dial})
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	opts.Addr, opts.Cookie = res.BOSAddr, res.Cookie
	sess, err := bos.Connect(t.Context(), opts)
	if err == nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			sess.Logout(ctx)
		})
	}
	return sess, err
}

// inMemory starts srv without sockets, for a testing/synctest bubble (see
// oscartest.Server.StartPipes), and returns opts dialing it.
func inMemory(t *testing.T, srv *oscartest.Server, opts bos.Options) bos.Options {
	t.Helper()
	srv.StartPipes()
	t.Cleanup(srv.Close)
	opts.Dial = srv.Dial
	return opts
}

// online connects LabAlice and returns once the session has signed on and
// the server counts it online (so Send and SendRaw reach it).
func online(t *testing.T, srv *oscartest.Server, opts bos.Options) *bos.Session {
	t.Helper()
	sess, err := connect(t, srv, opts)
	if err != nil {
		t.Fatal(err)
	}
	nextEvent[*bos.SignedOn](t, sess)
	if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	return sess
}

// TestSignonCutAtEachStep: the server hangs up on the client's n-th BOS
// frame, for every n of a signon. Connect fails with a StepError naming a
// step, or (once the signon frames are all out) succeeds and then reports
// the lost connection. Never a hang, never a leak. Which step a cut is
// reported at depends on where it meets the client: writing the rest of a
// flight, or waiting for the answers (TestSignonCutWhileWaiting).
func TestSignonCutAtEachStep(t *testing.T) {
	t.Parallel()
	const signonFrames = 11 // cookie, 01,06, 01,08, five rights requests, 02,04, 04,02, 01,02
	for n := 0; n < signonFrames; n++ {
		srv := oscartest.NewUnstartedServer(alice)
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if ev.Service == "bos" && ev.Index == n {
				return oscartest.Hangup
			}
			return oscartest.Answer
		}
		srv.Start()
		sess, err := connect(t, srv, bos.Options{StepTimeout: 5 * time.Second})
		if err != nil {
			var se *bos.StepError
			if !errors.As(err, &se) {
				t.Errorf("cut at frame %d: %v, want a StepError", n, err)
			}
		} else {
			ev := nextEvent[*bos.Disconnected](t, sess)
			if !errors.Is(ev.Err, bos.ErrConnectionLost) {
				t.Errorf("cut at frame %d: Disconnected.Err = %v", n, ev.Err)
			}
		}
		srv.Close()
	}
}

// signonWaits are the waits of a signon: the step the client names while
// it waits for the server's answers after its after-th frame.
var signonWaits = []struct {
	after int
	step  string
}{
	{0, "waiting for host ready (01,03)"},
	{1, "waiting for rate limits (01,07)"},
	{2, "waiting for the signon replies"},
}

// deafAfter is a server (in memory, for a bubble) that reads and ignores
// every BOS frame from the after-th on, and the options to sign on to it.
func deafAfter(t *testing.T, after int) (*oscartest.Server, bos.Options) {
	srv := oscartest.NewUnstartedServer(alice)
	srv.Intercept = func(ev oscartest.Event) oscartest.Action {
		if ev.Service == "bos" && ev.Index >= after {
			return oscartest.Ignore
		}
		return oscartest.Answer
	}
	return srv, inMemory(t, srv, bos.Options{})
}

// TestSignonCutWhileWaiting: a connection cut while the client waits for
// the server's answers in a signon fails Connect at once, with the step it
// waited at by name. The server reads (and ignores) every frame from the
// after-th on, and the cut comes once the client waits: over net.Pipe in a
// bubble that is known, where over TCP a cut at a frame may meet the
// client still writing (on a loaded machine, every one of them did).
func TestSignonCutWhileWaiting(t *testing.T) {
	t.Parallel()
	for _, tt := range signonWaits {
		synctest.Test(t, func(t *testing.T) {
			srv, opts := deafAfter(t, tt.after)
			res, err := login.Authorize(t.Context(), login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: "alicepw1", Dial: opts.Dial})
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			opts.Addr, opts.Cookie = res.BOSAddr, res.Cookie
			done := make(chan error, 1)
			go func() {
				sess, err := bos.Connect(t.Context(), opts)
				if err == nil {
					sess.Logout(t.Context())
				}
				done <- err
			}()
			synctest.Wait() // the client waits for an answer
			start := time.Now()
			srv.CloseClientConnections()
			err = <-done
			var se *bos.StepError
			if !errors.As(err, &se) || se.Step != tt.step {
				t.Errorf("cut after %d frames: %v, want a StepError at %q", tt.after, err, tt.step)
			}
			if d := time.Since(start); d != 0 {
				t.Errorf("cut after %d frames: failed %v after the cut, want at once", tt.after, d)
			}
		})
	}
}

// TestSignonServerSilent: a server that stops answering makes the step it
// stopped at time out, by name, after the step timeout (on a fake clock).
func TestSignonServerSilent(t *testing.T) {
	t.Parallel()
	for _, tt := range signonWaits {
		synctest.Test(t, func(t *testing.T) {
			srv, opts := deafAfter(t, tt.after)
			start := time.Now()
			_, err := connect(t, srv, opts)
			var se *bos.StepError
			var ne net.Error
			if !errors.As(err, &se) || se.Step != tt.step || !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("silent after %d frames: %v, want a timeout %q", tt.after, err, tt.step)
			}
			if d := time.Since(start); d != bos.DefaultStepTimeout {
				t.Errorf("silent after %d frames: failed after %v, want the step timeout %v", tt.after, d, bos.DefaultStepTimeout)
			}
		})
	}
}

// TestGarbageFromServer: what a broken server sends mid-session ends the
// session with a clear error (framing lost) or is skipped with a note
// (a frame that is whole but makes no sense); the session goes on after
// the latter.
func TestGarbageFromServer(t *testing.T) {
	t.Parallel()
	snac := func(typ oscar.SNACType, body ...byte) []byte {
		p := oscar.SNACHeader{Family: typ.Family(), Subtype: typ.Subtype(), RequestID: 0x80000000}.AppendTo(nil)
		return oscar.Frame{Channel: oscar.ChannelSNAC, Seq: 7, Payload: append(p, body...)}.AppendTo(nil)
	}
	imHead := []byte{1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 3, 'b', 'o', 'b', 0, 0}
	skippable := map[string][]byte{
		"unknown channel":              oscar.Frame{Channel: 9, Payload: []byte{0xde, 0xad}}.AppendTo(nil),
		"unknown SNAC":                 snac(oscar.MakeSNACType(0x77, 1)),
		"SNAC shorter than its header": oscar.Frame{Channel: oscar.ChannelSNAC, Payload: []byte{0, 4, 0, 7}}.AppendTo(nil),
		"TLV count that lies":          snac(oscar.TypeICBMIncoming, append(imHead[:14:14], 0, 5)...), // 5 TLVs, none there
		"IM with no message":           snac(oscar.TypeICBMIncoming, imHead...),
		"rate change too short":        snac(oscar.TypeRateChange, 0, 2),
		"buddy arrival cut short":      snac(oscar.TypeBuddyArrived, 9, 'L', 'a', 'b'),
	}
	srv := startServer(t, alice, bob)
	var mu sync.Mutex
	var notes []string
	sess := online(t, srv, bos.Options{Logf: func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		notes = append(notes, f)
	}})
	for name, b := range skippable {
		if err := srv.SendRaw("LabAlice", b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// Still alive: a request gets its answer.
	if _, err := sess.GetInfo(t.Context(), "LabAlice"); err != nil {
		t.Fatalf("after skippable garbage: %v", err)
	}
	mu.Lock()
	if len(notes) < len(skippable) {
		t.Errorf("%d notes for %d skipped frames: %q", len(notes), len(skippable), notes)
	}
	mu.Unlock()

	// A wrong start marker loses the framing: the session ends, saying so.
	if err := srv.SendRaw("LabAlice", []byte("HTTP/1.1 400 Bad Request\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	ev := nextEvent[*bos.Disconnected](t, sess)
	if !errors.Is(ev.Err, bos.ErrConnectionLost) || !strings.Contains(oscar.DetailOf(ev.Err), "start marker") {
		t.Errorf("Disconnected.Err = %s, want a lost connection naming the start marker in its detail", oscar.DetailOf(ev.Err))
	}
	if got := ev.Err.Error(); got != "connection to the server lost: the server sent something aim cannot read" {
		t.Errorf("Disconnected.Err in words = %q", got)
	}
}

// TestTruncatedFrame: a frame that claims more bytes than arrive before
// the server closes ends the session cleanly.
func TestTruncatedFrame(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	sess := online(t, srv, bos.Options{})
	// A header promising 65535 bytes, 3 of them, then the close.
	if err := srv.SendRaw("LabAlice", []byte{0x2a, 0x02, 0, 9, 0xff, 0xff, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	srv.CloseClientConnections()
	ev := nextEvent[*bos.Disconnected](t, sess)
	if !errors.Is(ev.Err, bos.ErrConnectionLost) {
		t.Errorf("Disconnected.Err = %v", ev.Err)
	}
}

// TestTrickledFrame: a server that sends a frame header announcing 65535
// bytes and then one byte a second holds the session no longer than a
// step's time (on a fake clock): the rest of a frame that has begun must
// come within StepTimeout, while the wait between frames stays unbounded
// (an idle hour before it changes nothing). The probe is off: its answer
// would be stuck behind the frame, and it is not what is tested here.
func TestTrickledFrame(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		sess := online(t, srv, inMemory(t, srv, bos.Options{ProbeAfter: -1}))
		var ended *bos.Disconnected
		done := make(chan struct{})
		go func() {
			defer close(done)
			for e := range sess.Events() {
				if d, ok := e.(*bos.Disconnected); ok {
					ended = d
				}
			}
		}()
		time.Sleep(time.Hour)
		if sess.Err() != nil {
			t.Fatalf("an idle hour ended the session: %v", sess.Err())
		}
		start := time.Now()
		if err := srv.SendSlowly("LabAlice", append([]byte{0x2a, 0x02, 0, 9, 0xff, 0xff}, make([]byte, 0xffff)...), time.Second); err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("the session still waits for the rest of the frame after an hour")
		}
		if d := time.Since(start); d > bos.DefaultStepTimeout+time.Second {
			t.Errorf("the trickled frame held the session for %v, want at most %v", d, bos.DefaultStepTimeout+time.Second)
		}
		if !errors.Is(ended.Err, bos.ErrConnectionLost) || !strings.Contains(ended.Err.Error(), "did not send the rest") {
			t.Errorf("Disconnected.Err = %v, want a lost connection naming the unfinished frame", ended.Err)
		}
	})
}

// TestDeadConnectionProbe: when the server stops answering, the probe
// after a silence finds out and ends the session; while it answers (even
// with an error SNAC), silence alone never does. On a fake clock, with the
// default intervals: a keepalive a minute, a probe after 3 minutes of
// silence, 20 s for its answer.
func TestDeadConnectionProbe(t *testing.T) {
	t.Parallel()
	t.Run("answers", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(alice)
			sess := online(t, srv, inMemory(t, srv, bos.Options{}))
			time.Sleep(time.Hour)
			select {
			case <-sess.Done():
				t.Fatalf("session ended while the server answered: %v", sess.Err())
			default:
			}
			// Every 3 minutes of silence, then at the next minute's tick.
			if n := countSent(srv, oscar.TypeSelfInfoRequest); n < 1+15 {
				t.Errorf("%d 01,0E in an hour (one at signon), want a probe every 4 minutes", n)
			}
			if n := countChannel(srv, oscar.ChannelKeepalive); n < 45 {
				t.Errorf("%d keepalive frames in an idle hour, want about one a minute", n)
			}
		})
	})
	t.Run("answers with an error", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(alice)
			var probes atomic.Int32
			srv.Intercept = func(ev oscartest.Event) oscartest.Action {
				s, err := oscar.ParseSNAC(ev.Frame.Payload)
				if ev.Service != "bos" || ev.Frame.Channel != oscar.ChannelSNAC || err != nil || s.Type() != oscar.TypeSelfInfoRequest || !srv.Online("LabAlice") {
					return oscartest.Answer
				}
				probes.Add(1)
				srv.Send("LabAlice", s.RequestID, &oscar.SNACError{Family: 1, Code: oscar.ErrCodeServiceUnavail})
				return oscartest.Ignore
			}
			sess := online(t, srv, inMemory(t, srv, bos.Options{}))
			go func() {
				for range sess.Events() {
				}
			}()
			time.Sleep(time.Hour)
			if sess.Err() != nil {
				t.Fatalf("session ended though the server answered every probe: %v", sess.Err())
			}
			if n := probes.Load(); n < 10 {
				t.Errorf("%d probes in an hour, want one every 4 minutes", n)
			}
		})
	})
	t.Run("silent", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(alice)
			var quiet atomic.Bool
			srv.Intercept = func(ev oscartest.Event) oscartest.Action {
				if quiet.Load() {
					return oscartest.Ignore
				}
				return oscartest.Answer
			}
			sess := online(t, srv, inMemory(t, srv, bos.Options{}))
			quiet.Store(true)
			start := time.Now()
			var ev *bos.Disconnected
			for e := range sess.Events() { // nextEvent's 10 s would pass first
				if d, ok := e.(*bos.Disconnected); ok {
					ev = d
				}
			}
			if !errors.Is(ev.Err, bos.ErrConnectionLost) || !strings.Contains(ev.Err.Error(), "probe") {
				t.Errorf("Disconnected.Err = %v, want a lost connection found by the probe", ev.Err)
			}
			// The probe goes out at the first keepalive tick after 3 minutes
			// of silence and waits 20 s for its answer.
			if d, want := time.Since(start), bos.DefaultProbeAfter+bos.DefaultKeepalive+bos.DefaultStepTimeout; d > want {
				t.Errorf("the dead connection was found after %v, want at most %v", d, want)
			}
		})
	})
}

func countSent(srv *oscartest.Server, typ oscar.SNACType) int {
	n := 0
	for _, f := range srv.Sent("LabAlice") {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == typ {
			n++
		}
	}
	return n
}

func countChannel(srv *oscartest.Server, ch oscar.Channel) int {
	n := 0
	for _, f := range srv.Sent("LabAlice") {
		if f.Channel == ch {
			n++
		}
	}
	return n
}

// TestServerCloseReasons: every channel-4 frame the server can end a
// session with is classified. An empty one is a shutdown only when the
// login sent TLV 0x004A (Options.MultiConn); without it servers end a
// session the same way for a kick and a shutdown.
func TestServerCloseReasons(t *testing.T) {
	t.Parallel()
	// The client ends the session on the channel-4 frame itself; the bare
	// 4-byte header is TestKickedWithBareHeader's.
	for _, tt := range []struct {
		name      string
		frame     []byte
		multiConn bool
		code      uint16
		reason    bos.Reason
	}{
		{"empty channel 4 after 0x4A", []byte{0x2a, 0x04, 0, 1, 0, 0}, true, 0, bos.ReasonShutdown},
		{"empty channel 4 without 0x4A", []byte{0x2a, 0x04, 0, 1, 0, 0}, false, 0, bos.ReasonUnexplained},
		{"reason in 2 bytes", []byte{0x2a, 0x04, 0, 1, 0, 6, 0, 9, 0, 2, 0, 1}, true, 1, bos.ReasonSignedOnElsewhere},
		{"reason in 1 byte", []byte{0x2a, 0x04, 0, 1, 0, 5, 0, 9, 0, 1, 1}, true, 1, bos.ReasonSignedOnElsewhere},
		{"reason without 0x4A", []byte{0x2a, 0x04, 0, 1, 0, 5, 0, 9, 0, 1, 1}, false, 1, bos.ReasonSignedOnElsewhere},
		{"other reason", []byte{0x2a, 0x04, 0, 1, 0, 5, 0, 9, 0, 1, 7}, true, 7, bos.ReasonClosedByServer},
		{"TLVs that lie", []byte{0x2a, 0x04, 0, 1, 0, 5, 0, 9, 0, 9, 7}, true, 0, bos.ReasonUnexplained},
		{"a URL alone", []byte{0x2a, 0x04, 0, 1, 0, 5, 0, 0x0b, 0, 1, 'x'}, true, 0, bos.ReasonUnexplained},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, alice)
			sess := online(t, srv, bos.Options{MultiConn: tt.multiConn})
			if err := srv.SendRaw("LabAlice", tt.frame); err != nil {
				t.Fatal(err)
			}
			ev := nextEvent[*bos.Disconnected](t, sess)
			var ce *bos.ClosedError
			if !errors.As(ev.Err, &ce) || ce.Code != tt.code || ce.Reason != tt.reason {
				t.Errorf("Disconnected.Err = %#v, want a ClosedError with code %d, %v", ev.Err, tt.code, tt.reason)
			}
			if ev.Reason != tt.reason || bos.ReasonOf(ev.Err) != tt.reason {
				t.Errorf("Disconnected.Reason = %v, ReasonOf = %v, want %v", ev.Reason, bos.ReasonOf(ev.Err), tt.reason)
			}
		})
	}
}

// stallConn is a connection whose writes can be made to hang, as on a
// server that stopped reading: a stalled Write returns when release is
// called (with an error) or when the connection is closed.
type stallConn struct {
	net.Conn
	mu      sync.Mutex
	stall   bool
	stalled chan struct{} // closed when a Write starts to hang
	release chan struct{}
	once    sync.Once
}

func (c *stallConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	stall := c.stall
	c.mu.Unlock()
	if !stall {
		return c.Conn.Write(b)
	}
	c.once.Do(func() { close(c.stalled) })
	<-c.release
	return 0, errors.New("write failed")
}

func (c *stallConn) Close() error {
	c.unblock()
	return c.Conn.Close()
}

func (c *stallConn) unblock() {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.release:
	default:
		close(c.release)
	}
}

// stalledSession signs on through a stallConn (to the server in memory:
// call it inside a synctest bubble), drains the events, and queues an IM
// whose write hangs; it returns once the writer is stuck.
func stalledSession(t *testing.T) (*bos.Session, *stallConn, *bos.Pending) {
	t.Helper()
	srv := oscartest.NewUnstartedServer(alice, bob)
	opts := inMemory(t, srv, bos.Options{})
	var sc *stallConn
	opts.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := srv.Dial(ctx, network, addr)
		if err != nil || addr != srv.BOSAddr() {
			return c, err
		}
		sc = &stallConn{Conn: c, stalled: make(chan struct{}), release: make(chan struct{})}
		return sc, nil
	}
	sess, err := connect(t, srv, opts)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range sess.Events() {
		}
	}()
	sc.mu.Lock()
	sc.stall = true
	sc.mu.Unlock()
	p, err := sess.QueueIM("Lab Bob", "stuck", false)
	if err != nil {
		t.Fatal(err)
	}
	<-sc.stalled
	return sess, sc, p
}

// TestLogoutWhileAWriteFails: Logout must end in bounded time when the
// writer is stuck in a write that then fails, or that never returns.
func TestLogoutWhileAWriteFails(t *testing.T) {
	t.Parallel()
	for _, failsWhileWaiting := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) { logoutWhileAWriteFails(t, failsWhileWaiting) })
	}
}

func logoutWhileAWriteFails(t *testing.T, failsWhileWaiting bool) {
	sess, sc, p := stalledSession(t)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	logoutDone := make(chan error, 1)
	go func() { logoutDone <- sess.Logout(ctx) }()
	if failsWhileWaiting {
		sc.unblock() // the write fails while Logout waits for the writer
	}
	select {
	case <-logoutDone:
	case <-time.After(10 * time.Second):
		t.Fatalf("Logout did not return (write fails while waiting: %v)", failsWhileWaiting)
	}
	<-sess.Done()
	if err := p.Wait(t.Context()); err == nil {
		t.Error("the stuck message was reported as sent")
	}
}

// TestErrorDuringSignon: an error SNAC answering a request signon waits
// for fails the signon and names that request; one answering a request
// that expects no reply (02,04) is an event, and signon goes on.
func TestErrorDuringSignon(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		refuse oscar.SNACType
		fails  bool
	}{
		{oscar.TypeSelfInfoRequest, true},
		{oscar.TypeSetInfo, false},
	} {
		srv := oscartest.NewUnstartedServer(alice)
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if ev.Service != "bos" || ev.Frame.Channel != oscar.ChannelSNAC {
				return oscartest.Answer
			}
			s, err := oscar.ParseSNAC(ev.Frame.Payload)
			if err != nil || s.Type() != tt.refuse {
				return oscartest.Answer
			}
			srv.Send(ev.ScreenName, s.RequestID, &oscar.SNACError{Family: s.Family, Code: oscar.ErrCodeServiceUnavail})
			return oscartest.Ignore
		}
		srv.Start()
		sess, err := connect(t, srv, bos.Options{StepTimeout: 5 * time.Second})
		var re *bos.RequestError
		switch {
		case tt.fails && (!errors.As(err, &re) || re.Type != bos.SNACType(tt.refuse)):
			t.Errorf("refusing %v: %v, want a RequestError naming it", tt.refuse, err)
		case !tt.fails && err != nil:
			t.Errorf("refusing %v: signon failed: %v", tt.refuse, err)
		case !tt.fails:
			if ev := nextEvent[*bos.ServerError](t, sess); ev.Code != oscar.ErrCodeServiceUnavail {
				t.Errorf("ServerError = %+v", ev)
			}
		}
		srv.Close()
	}
}

// TestSecondLogoutKeepsItsOwnDeadline: with the writer stuck, a Logout
// with a long context is waiting; another with a short one must return on
// its own deadline (and make the first give up too), not wait for the
// first's.
func TestSecondLogoutKeepsItsOwnDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, secondLogoutKeepsItsOwnDeadline)
}

func secondLogoutKeepsItsOwnDeadline(t *testing.T) {
	sess, _, _ := stalledSession(t)
	long, cancelLong := context.WithTimeout(t.Context(), time.Minute)
	defer cancelLong()
	first := make(chan error, 1)
	go func() { first <- sess.Logout(long) }()
	short, cancelShort := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancelShort()
	second := make(chan error, 1)
	go func() { second <- sess.Logout(short) }()
	for i, ch := range []chan error{second, first} {
		select {
		case err := <-ch:
			if i == 0 && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("second Logout = %v, want its own deadline", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Logout %d did not return within 10 s", 2-i)
		}
	}
	<-sess.Done()
}

// TestIMCutAfterWritten: the server hangs up as it reads an IM (04,06),
// before answering it. The IM went out, so it may have arrived: its
// outcome is ErrUnanswered ("sent, not confirmed"), never ErrClosed alone
// ("not sent"). Many rounds, since the writer's "written" and the
// reader's "connection lost" race.
func TestIMCutAfterWritten(t *testing.T) {
	t.Parallel()
	for round := range 20 {
		srv := oscartest.NewUnstartedServer(alice, bob)
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if s, err := oscar.ParseSNAC(ev.Frame.Payload); err == nil && ev.Frame.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeICBMSend {
				return oscartest.Hangup
			}
			return oscartest.Answer
		}
		srv.Start()
		sess := online(t, srv, bos.Options{})
		err := sess.SendIM(t.Context(), "Lab Bob", "are you there?")
		if !errors.Is(err, bos.ErrUnanswered) || !errors.Is(err, bos.ErrConnectionLost) {
			t.Errorf("round %d: SendIM = %v, want ErrUnanswered for a lost connection", round, err)
		}
		srv.Close()
	}
}

// TestBadReplyInWords: an answer to a request that aim cannot read fails
// the request in words ("could not be read"), the SNAC and the field in
// Detail only.
func TestBadReplyInWords(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(alice)
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		s, err := oscar.ParseSNAC(e.Frame.Payload)
		if e.Service != "bos" || e.Frame.Channel != oscar.ChannelSNAC || err != nil || s.Type() != oscar.TypeUserInfoQuery {
			return oscartest.Answer
		}
		p := oscar.SNACHeader{Family: 2, Subtype: 6, RequestID: s.RequestID}.AppendTo(nil)
		srv.SendRaw(e.ScreenName, oscar.Frame{Channel: oscar.ChannelSNAC, Seq: 9, Payload: append(p, 1)}.AppendTo(nil))
		return oscartest.Ignore
	}
	srv.Start()
	t.Cleanup(srv.Close)
	sess := online(t, srv, bos.Options{})
	_, err := sess.GetInfo(t.Context(), "LabAlice")
	const want = "the server's answer to the info request could not be read"
	if err == nil || err.Error() != want {
		t.Fatalf("GetInfo: %v, want %q", err, want)
	}
	if d := bos.DetailOf(err); !strings.Contains(d, "02,05") || !strings.Contains(d, "oscar: SNAC 02,06") {
		t.Errorf("detail %q, want the request and the decoder's error", d)
	}
}
