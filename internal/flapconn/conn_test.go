package flapconn_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// The lifecycle of a service connection, tested once here for bos's
// sessions and chat's rooms alike: each is a Conn whose owner turns SNACs
// into events, as the owner in these tests does.

var (
	alice = oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"}
	bob   = oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"}
)

// owner is what bos and chat are to a Conn, at its smallest: each SNAC
// the connection hands over becomes an event ("04,07"), and its end the
// last ("end" with the error), after which the channel is closed.
type owner struct {
	c      *flapconn.Conn
	events chan string
	err    error // End's, once events is closed
}

// open authorizes alice on srv and connects with opts (Addr, Cookie and
// Dial filled in), ctx bounding the signon and the connection's life; the
// owner's events channel holds buffer events.
func open(t *testing.T, ctx context.Context, srv *oscartest.Server, opts flapconn.Options, buffer int) (*owner, error) {
	t.Helper()
	return openAs(t, ctx, srv, alice, opts, buffer)
}

// openAs is open for the account a.
func openAs(t *testing.T, ctx context.Context, srv *oscartest.Server, a oscartest.Account, opts flapconn.Options, buffer int) (*owner, error) {
	t.Helper()
	authDial := srv.Dial
	if opts.Dial == nil {
		opts.Dial = srv.Dial
	} else if isTCP(opts.Dial) {
		authDial = nil // a net.Dialer's
	}
	res, err := login.Authorize(t.Context(), login.Options{Addr: srv.AuthAddr(), ScreenName: a.ScreenName, Password: secret.String(a.Password), Dial: authDial})
	if err != nil {
		t.Fatal(err)
	}
	o := &owner{events: make(chan string, buffer)}
	opts.Addr, opts.Cookie = res.BOSAddr, res.Cookie
	opts.Handle = func(s oscar.SNAC) { flapconn.Deliver(o.c, o.events, s.Type().String()) }
	opts.End = func(err error) {
		o.err = err
		flapconn.Deliver(o.c, o.events, "end")
		close(o.events)
	}
	o.c = flapconn.New(opts)
	if err := o.c.Connect(ctx); err != nil {
		return nil, err
	}
	o.c.Run(ctx)
	return o, nil
}

// tcpDial dials over loopback TCP, for a server started with Start.
func tcpDial(ctx context.Context, network, addr string) (net.Conn, error) {
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// isTCP reports whether dial is tcpDial (the authorizer is then dialed
// the same way).
func isTCP(dial func(context.Context, string, string) (net.Conn, error)) bool {
	return reflect.ValueOf(dial).Pointer() == reflect.ValueOf(tcpDial).Pointer()
}

// drain reads the events to the end and returns the last.
func (o *owner) drain() string {
	var last string
	for ev := range o.events {
		last = ev
	}
	return last
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

// TestContextEndOnlySignals: the end of the connection's context starts
// the logout but leaves the waiting to the connection's own goroutines: no
// goroutine that nobody owns sits in Logout while the connection lingers
// (the server here keeps its side open), so a Logout of the owner never
// returns while another is still running. The channel-4 frame still goes
// out, once.
func TestContextEndOnlySignals(t *testing.T) { // not parallel: it reads every goroutine's stack
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		var mu sync.Mutex
		signoffs := 0
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if ev.Service == "bos" && ev.Frame.Channel == oscar.ChannelSignoff {
				mu.Lock()
				signoffs++
				mu.Unlock()
				return oscartest.Ignore // and keep the connection open
			}
			return oscartest.Answer
		}
		srv.StartPipes()
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		o, err := open(t, ctx, srv, flapconn.Options{Keepalive: -1}, 16)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		synctest.Wait()
		select {
		case <-o.c.Done():
			t.Fatal("the connection ended at once: the test needs it to linger")
		default:
		}
		if g := goroutinesIn("flapconn.(*Conn).Logout"); g != "" {
			t.Errorf("a goroutine nobody owns is in Logout:\n%s", g)
		}
		if last := o.drain(); last != "end" || o.err != nil {
			t.Errorf("last event %q with %v, want the end of a logout", last, o.err)
		}
		mu.Lock()
		defer mu.Unlock()
		if signoffs != 1 {
			t.Errorf("%d channel-4 frames, want 1", signoffs)
		}
	})
}

// TestContextEndNobodyReads: when the connection's context ends and
// nobody reads events any more, the connection still ends, a step's time
// later, with its goroutines gone.
func TestContextEndNobodyReads(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice, bob)
		srv.StartPipes()
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		o, err := open(t, ctx, srv, flapconn.Options{Keepalive: -1}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.WaitOnline(t.Context(), alice.ScreenName); err != nil {
			t.Fatal(err)
		}
		// The first IM fills the buffer; the reader waits to hand over
		// the second.
		for range 2 {
			if err := srv.SendIM(bob.ScreenName, alice.ScreenName, "hello?"); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		start := time.Now()
		cancel()
		<-o.c.Done()
		if waited := time.Since(start); waited != flapconn.DefaultStepTimeout {
			t.Errorf("the connection ended %v after its context, want a step's time (%v)", waited, flapconn.DefaultStepTimeout)
		}
	})
}

// TestDeadlinesOnWallClock: a clock given to Options.Now (here a day
// behind) does not set socket deadlines: the signon's would otherwise be
// in the past and its first read time out.
func TestDeadlinesOnWallClock(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		srv.StartPipes()
		defer srv.Close()
		behind := func() time.Time { return time.Now().Add(-24 * time.Hour) }
		o, err := open(t, t.Context(), srv, flapconn.Options{Keepalive: -1, Now: behind}, 16)
		if err != nil {
			t.Fatalf("Connect with a clock a day behind: %v", err)
		}
		if err := o.c.Logout(t.Context()); err != nil {
			t.Fatal(err)
		}
		if last := o.drain(); last != "end" || o.err != nil {
			t.Errorf("last event %q with %v, want the end of a logout", last, o.err)
		}
	})
}

// endAtClear is a connection whose signon's last act, clearing the
// deadline, ends the signon's context and lets the context's watcher run
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

// TestConnectEndsAtSignonEnd: the context ending as the signon completes
// either fails Connect with the context's error or leaves a connection
// that ends cleanly: never one with a past deadline, whose reader times
// out at once and reports a lost connection.
func TestConnectEndsAtSignonEnd(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		srv.StartPipes()
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var w *endAtClear
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := srv.Dial(ctx, network, addr)
			w = &endAtClear{Conn: nc, end: cancel}
			return w, err
		}
		o, err := open(t, ctx, srv, flapconn.Options{Keepalive: -1, Dial: dial}, 16)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Connect = %v, want context.Canceled", err)
			}
			return
		}
		w.mu.Lock()
		past := w.past
		w.mu.Unlock()
		if past {
			t.Error("Connect returned a connection with a past deadline")
		}
		if last := o.drain(); last != "end" || o.err != nil {
			t.Errorf("last event %q with %v, want the end of a logout", last, o.err)
		}
	})
}

// cancelOnWrite ends the signon's context once the first frame is written,
// and lets the context's watcher run before the write goes on.
type cancelOnWrite struct {
	net.Conn
	end  context.CancelFunc
	once sync.Once
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.once.Do(func() {
		c.end()
		synctest.Wait()
	})
	return n, err
}

// TestSignonEndsWithItsContext: a context that ends between two signon
// steps ends the signon at once, against a server that answers nothing:
// the next step keeps the past deadline the context's end set instead of
// giving itself a step's time (chat's copy of the signon did, and waited
// the whole StepTimeout).
func TestSignonEndsWithItsContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if ev.Service == "bos" {
				return oscartest.Ignore
			}
			return oscartest.Answer
		}
		srv.StartPipes()
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := srv.Dial(ctx, network, addr)
			return &cancelOnWrite{Conn: nc, end: cancel}, err
		}
		start := time.Now()
		_, err := open(t, ctx, srv, flapconn.Options{Keepalive: -1, Dial: dial}, 16)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Connect = %v, want context.Canceled", err)
		}
		if took := time.Since(start); took != 0 {
			t.Errorf("Connect returned %v after its context ended, want at once", took)
		}
	})
}

// TestQuickLogoutsRead: eight connections that log out as soon as they
// are on, against a server that, like Open OSCAR Server, takes the end of
// the stream instead of a frame half the time when both are there
// (RacyLogout): each logout frame is read, because the connection waits
// for the server to close before it half-closes. Half-closing right after
// the frame lost about half of them.
func TestQuickLogoutsRead(t *testing.T) {
	t.Parallel()
	const n = 8
	srv := oscartest.NewUnstartedServer(alice)
	srv.RacyLogout = true
	srv.Start()
	defer srv.Close()
	for range n {
		o, err := open(t, t.Context(), srv, flapconn.Options{Dial: tcpDial}, 16)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.c.Logout(t.Context()); err != nil {
			t.Fatal(err)
		}
		o.drain()
		if _, err := srv.WaitClosed(t.Context(), alice.ScreenName); err != nil {
			t.Fatal(err)
		}
	}
	read := 0
	for _, e := range srv.Ends() {
		if e.Service == "bos" && e.Logout {
			read++
		}
		if e.Reset {
			t.Errorf("%s connection reset", e.Service)
		}
	}
	if read != n {
		t.Errorf("the server read %d of %d logouts", read, n)
	}
}

// TestGivenUpNeverSent: a message whose sender gave up on it while it
// waited for its rate class is never written (the sender was told it was
// not sent), and the message queued behind it does not wait for it. This
// is what lets a stop with IMs held back by the rate limit end at once:
// the buddy-list edit of its last sync no longer waits out the IMs.
func TestGivenUpNeverSent(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		var mu sync.Mutex
		var got []string
		srv.AddBot("Palu", func(_, text string) string {
			mu.Lock()
			got = append(got, text)
			mu.Unlock()
			return ""
		})
		srv.StartPipes()
		defer srv.Close()
		o, err := open(t, t.Context(), srv, flapconn.Options{Keepalive: -1}, 64)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range o.events {
			}
		}()
		im := func(text string) oscar.Message {
			tx, err := oscar.NewText(text)
			if err != nil {
				t.Fatal(err)
			}
			return &oscar.ICBMSend{Cookie: [8]byte{1}, Channel: 1, ScreenName: "Palu", Message: oscar.NewMessage(tx)}
		}
		// The IM class lets a burst through, then holds each next one
		// back for seconds: send until one waits.
		n := 0
		for ; n < 20; n++ {
			ctx, cancel := context.WithCancel(t.Context())
			res := make(chan error, 1)
			go func() { res <- o.c.Send(ctx, im(fmt.Sprintf("m%d", n))) }()
			synctest.Wait()
			select {
			case err := <-res:
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				continue
			default:
			}
			cancel() // held back by the rate limit: give it up
			if err := <-res; !errors.Is(err, context.Canceled) {
				t.Fatalf("the message given up on: %v, want context.Canceled", err)
			}
			break
		}
		if n == 20 {
			t.Fatal("the rate limit never held a message back")
		}
		if err := o.c.Send(t.Context(), im("after")); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if slices.Contains(got, fmt.Sprintf("m%d", n)) {
			t.Errorf("the message given up on was sent: %q", got)
		}
		if !slices.Contains(got, "after") {
			t.Errorf("the message behind it never arrived: %q", got)
		}
		o.c.Logout(t.Context())
	})
}
