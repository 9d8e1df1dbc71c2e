package client_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// outputs collects what a client emits.
type outputs struct {
	mu   sync.Mutex
	list []client.Output
}

func (o *outputs) add(x client.Output) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, x)
}

// all returns what was emitted so far.
func (o *outputs) all() []client.Output {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.list)
}

// kinds returns the JSON types emitted so far, in order.
func (o *outputs) kinds() []string {
	var k []string
	for _, x := range o.all() {
		k = append(k, x.Kind())
	}
	return k
}

// last returns the last output of type T.
func last[T client.Output](t *testing.T, o *outputs) T {
	t.Helper()
	all := o.all()
	for i := len(all) - 1; i >= 0; i-- {
		if x, ok := all[i].(T); ok {
			return x
		}
	}
	var zero T
	t.Fatalf("no %T among %v", zero, o.kinds())
	return zero
}

// count returns how many outputs of type T were emitted.
func count[T client.Output](o *outputs) int {
	n := 0
	for _, x := range o.all() {
		if _, ok := x.(T); ok {
			n++
		}
	}
	return n
}

// ended returns what Wait returns, failing the test if the client is
// still online once everything in the bubble waits.
func ended(t *testing.T, c *client.Client) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	synctest.Wait()
	select {
	case err := <-done:
		return err
	default:
		t.Fatal("the client is still online")
		return nil
	}
}

// pipeServer starts an in-process server over net.Pipe, inside the
// caller's synctest bubble, with LabAlice (and more accounts if given).
func pipeServer(t *testing.T, configure func(*oscartest.Server)) *oscartest.Server {
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	if configure != nil {
		configure(srv)
	}
	srv.StartPipes()
	t.Cleanup(srv.Close)
	return srv
}

// start signs LabAlice on with reconnect on and the given fixed backoff.
func start(t *testing.T, srv *oscartest.Server, backoff time.Duration) (*client.Client, *outputs) {
	t.Helper()
	out := &outputs{}
	c, err := client.Start(t.Context(), client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
			Password: secret.String("alicepw1"), Dial: srv.Dial},
		Reconnect: true,
		Backoff:   func(int) time.Duration { return backoff },
		Emit:      out.add,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { c.Stop(); c.Wait() })
	// Let the signon's sync with the server's list finish, so that what
	// the test does next (a kick) does not race its writes.
	synctest.Wait()
	return c, out
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second,
		8: 2 * time.Minute, 40: 2 * time.Minute} {
		for range 100 {
			if d := client.Backoff(attempt); d < want/2 || d > want {
				t.Fatalf("Backoff(%d) = %v, want %v to %v", attempt, d, want/2, want)
			}
		}
	}
}

// TestReconnectAfterDrop: a dropped connection is connection_lost, and the
// account signs on again after exactly the backoff.
func TestReconnectAfterDrop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		_, out := start(t, srv, 3*time.Second)
		synctest.Wait()
		dropped := time.Now()
		srv.CloseClientConnections()
		synctest.Wait()
		if d := last[*client.Disconnected](t, out); d.Reason != client.ReasonConnectionLost {
			t.Errorf("reason %q, want %q", d.Reason, client.ReasonConnectionLost)
		}
		if r := last[*client.Reconnecting](t, out); r.Attempt != 1 || r.DelayMS != 3000 {
			t.Errorf("reconnecting = %+v, want attempt 1 after 3000 ms", r)
		}
		time.Sleep(3*time.Second - time.Nanosecond)
		synctest.Wait()
		if n := count[*client.SignedOn](out); n != 1 {
			t.Fatalf("%d signons before the backoff passed, want 1", n)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		s := last[*client.SignedOn](t, out)
		if !s.Reconnected || s.Time.Sub(dropped) != 3*time.Second {
			t.Errorf("signed on again %v after the drop (reconnected %v), want 3s", s.Time.Sub(dropped), s.Reconnected)
		}
	})
}

// TestReconnectBacksOff: failed attempts are reported, and each waits as
// the backoff says for its attempt.
func TestReconnectBacksOff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		var mu sync.Mutex
		failing := false
		out := &outputs{}
		c, err := client.Start(t.Context(), client.Options{
			Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"),
				Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
					mu.Lock()
					defer mu.Unlock()
					if failing {
						return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
					}
					return srv.Dial(ctx, network, addr)
				}},
			Reconnect: true,
			Backoff:   func(n int) time.Duration { return time.Duration(n) * 10 * time.Second },
			Emit:      out.add,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { c.Stop(); c.Wait() }()
		mu.Lock()
		failing = true
		mu.Unlock()
		dropped := time.Now()
		srv.CloseClientConnections()
		time.Sleep(45 * time.Second) // attempts 1 (10 s) and 2 (20 s) fail; 3 waits 30 s
		synctest.Wait()
		if n := count[*client.ReconnectFailed](out); n != 2 {
			t.Fatalf("%d failed attempts, want 2: %v", n, out.kinds())
		}
		mu.Lock()
		failing = false
		mu.Unlock()
		time.Sleep(time.Minute)
		synctest.Wait()
		var delays []int64
		for _, o := range out.all() {
			if r, ok := o.(*client.Reconnecting); ok {
				delays = append(delays, r.DelayMS)
			}
		}
		if want := []int64{10000, 20000, 30000}; !slices.Equal(delays, want) {
			t.Errorf("delays %v, want %v", delays, want)
		}
		if s := last[*client.SignedOn](t, out); s.Time.Sub(dropped) != time.Minute {
			t.Errorf("signed on again %v after the drop, want 1m0s (10 + 20 + 30 s)", s.Time.Sub(dropped))
		}
	})
}

// TestBackoffLastsUntilASessionDoes: a server that signs every session
// on and breaks it at once gets the backoff's growing waits (attempts 1,
// 2, 3, 4: four signons in 14 s, not one a second), and the backoff starts
// over only after a session that lasted a minute.
func TestBackoffLastsUntilASessionDoes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		srv.BreakAtSignon(true)
		out := &outputs{}
		c, err := client.Start(t.Context(), client.Options{
			Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
				Password: secret.String("alicepw1"), Dial: srv.Dial},
			Reconnect: true,
			Backoff:   func(n int) time.Duration { return time.Second << (n - 1) },
			Emit:      out.add,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { c.Stop(); c.Wait() }()
		attempts := func() []int {
			var n []int
			for _, o := range out.all() {
				if r, ok := o.(*client.Reconnecting); ok {
					n = append(n, r.Attempt)
				}
			}
			return n
		}
		time.Sleep(14 * time.Second) // signons at 0, 1, 3 and 7 s; the next at 15 s
		synctest.Wait()
		if n, a := count[*client.SignedOn](out), attempts(); n != 4 || !slices.Equal(a, []int{1, 2, 3, 4}) {
			t.Fatalf("%d signons in 14 s, reconnect attempts %v; want 4, [1 2 3 4]", n, a)
		}
		srv.BreakAtSignon(false)
		time.Sleep(2*time.Second + time.Minute) // the fifth session signs on at 15 s and lasts
		synctest.Wait()
		srv.CloseClientConnections()
		synctest.Wait()
		if a := attempts(); !slices.Equal(a, []int{1, 2, 3, 4, 1}) {
			t.Errorf("reconnect attempts %v; want [1 2 3 4 1]: a session that lasted a minute starts the backoff over", a)
		}
	})
}

// TestSignedOnElsewhereIsFinal: a server that says the name signed on
// elsewhere ends the account: no reconnect, and the error is the server's.
func TestSignedOnElsewhereIsFinal(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		c, out := start(t, srv, time.Second)
		if err := srv.Kick("LabAlice"); err != nil {
			t.Fatal(err)
		}
		err := ended(t, c)
		var closed *bos.ClosedError
		if !errors.As(err, &closed) || !closed.SignedOnElsewhere() {
			t.Errorf("Wait = %v, want a ClosedError for another signon", err)
		}
		if d := last[*client.Disconnected](t, out); d.Reason != client.ReasonSignedOnElsewhere {
			t.Errorf("reason %q, want %q", d.Reason, client.ReasonSignedOnElsewhere)
		}
		time.Sleep(time.Hour)
		if n := count[*client.Reconnecting](out); n != 0 {
			t.Errorf("%d reconnect attempts after another signon, want none", n)
		}
	})
}

// TestShutdownReconnects: a server that announces its shutdown (an empty
// channel-4 frame, after a login with 0x004A) and restarts is signed on
// to again.
func TestShutdownReconnects(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		_, out := start(t, srv, time.Second)
		srv.Shutdown() // and up again at once: a restart
		time.Sleep(time.Second)
		synctest.Wait()
		if d := last[*client.Disconnected](t, out); d.Reason != client.ReasonConnectionLost {
			t.Errorf("reason %q (%s), want %q", d.Reason, d.Error, client.ReasonConnectionLost)
		}
		if s := last[*client.SignedOn](t, out); !s.Reconnected {
			t.Errorf("not signed on again after a shutdown: %v", out.kinds())
		}
	})
}

// TestUnexplainedEnds: on a server that kicks with the bare header, a kick
// is signed on again after, unless the session it ends had signed on again
// less than a minute before: then another client holds the name.
func TestUnexplainedEnds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) { s.BareKicks = true })
		c, out := start(t, srv, time.Second)
		kick := func() {
			t.Helper()
			if err := srv.Kick("LabAlice"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second) // the backoff
			synctest.Wait()
		}
		kick() // the first session: signed on again
		if d := last[*client.Disconnected](t, out); d.Reason != client.ReasonClosedByServer {
			t.Errorf("reason %q, want %q", d.Reason, client.ReasonClosedByServer)
		}
		time.Sleep(61 * time.Second)
		kick() // a session that lasted over a minute: signed on again
		if n := count[*client.SignedOn](out); n != 3 {
			t.Fatalf("%d signons, want 3: %v", n, out.kinds())
		}
		time.Sleep(59 * time.Second)
		kick() // within a minute of signing on again: give up
		err := ended(t, c)
		var contested *client.ContestedError
		var closed *bos.ClosedError
		if !errors.As(err, &contested) || !errors.As(err, &closed) {
			t.Errorf("Wait = %v, want a ContestedError wrapping the ClosedError", err)
		}
		if d := last[*client.Disconnected](t, out); d.Reason != client.ReasonSignedOnElsewhere || d.Error != err.Error() {
			t.Errorf("disconnected = %+v, want signed_on_elsewhere saying %q", d, err)
		}
		if n := count[*client.SignedOn](out); n != 3 {
			t.Errorf("%d signons, want no 4th: %v", n, out.kinds())
		}
	})
}

// TestTwoClientsDoNotFight: two clients of one name, on a server that
// kicks with the bare header, do not take turns signing each other off:
// the first kicked twice in a short time gives up, the other stays on.
func TestTwoClientsDoNotFight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) { s.BareKicks = true })
		a, aOut := start(t, srv, time.Second)
		_, bOut := start(t, srv, 2*time.Second) // kicks a
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		var contested *client.ContestedError
		if err := ended(t, a); !errors.As(err, &contested) {
			t.Fatalf("first client: Wait = %v, want a ContestedError; outputs %v", err, aOut.kinds())
		}
		if !srv.Online("LabAlice") {
			t.Error("no client is online")
		}
		if k := bOut.kinds(); k[len(k)-1] != "signed_on" {
			t.Errorf("second client's outputs %v, want it signed on at the end", k)
		}
		if n := count[*client.SignedOn](aOut) + count[*client.SignedOn](bOut); n > 4 {
			t.Errorf("%d signons between the two, want at most 4", n)
		}
	})
}

// TestPromptDoesNotWaitForReconnect: a command that may not wait fails at
// once while no session is online; one that may waits for the next session.
func TestPromptDoesNotWaitForReconnect(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		c, out := start(t, srv, time.Minute)
		srv.CloseClientConnections()
		synctest.Wait()
		c.Exec(t.Context(), 1, "send LabBob hi", false)
		if r := last[*client.Result](t, out); r.ID != 1 || r.Error != client.ErrReconnecting.Error() {
			t.Errorf("prompt command while offline: %+v", r)
		}
		done := make(chan struct{})
		go func() { defer close(done); c.Exec(t.Context(), 2, "away lunch", true) }()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("a script's command did not wait for the next session")
		default:
		}
		time.Sleep(time.Minute)
		<-done
		if r := last[*client.Result](t, out); r.ID != 2 || !r.OK {
			t.Errorf("script command after the reconnect: %+v", r)
		}
	})
}

// heard is what a test bot was sent, in order; reply is the bot (it
// answers nothing).
type heard struct {
	mu    sync.Mutex
	texts []string
}

func (h *heard) reply(_, text string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.texts = append(h.texts, text)
	return ""
}

func (h *heard) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.texts)
}

// TestSessionUsedAfterItsSignedOn: a session that signs on again is used
// (by a command that waited for it, as by the rooms joined again) only
// once its "signed on" has been handed on, so that what is done on it is
// said after that line, never before it. Here the handing on waits: a
// command that waited through the reconnect must still be waiting.
func TestSessionUsedAfterItsSignedOn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		bot := new(heard)
		srv := pipeServer(t, func(s *oscartest.Server) { s.AddBot("Echo Bot", bot.reply) })
		saying := make(chan struct{}) // the second "signed on" is being handed on
		release := make(chan struct{})
		out := &outputs{}
		c, err := client.Start(t.Context(), client.Options{
			Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
				Password: secret.String("alicepw1"), Dial: srv.Dial},
			Reconnect: true,
			Backoff:   func(int) time.Duration { return time.Second },
			Emit: func(o client.Output) {
				out.add(o)
				if s, ok := o.(*client.SignedOn); ok && s.Reconnected {
					close(saying)
					<-release
				}
			},
		})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		t.Cleanup(func() { c.Stop(); c.Wait() })
		handOn := sync.OnceFunc(func() { close(release) })
		t.Cleanup(handOn) // before the one above: a failed test must not hang
		synctest.Wait()
		srv.CloseClientConnections()
		synctest.Wait()
		sent := make(chan *client.Result, 1)
		go func() { sent <- c.Do(t.Context(), client.CmdSend, []string{"Echo Bot", "hi"}, true) }()
		time.Sleep(time.Second)
		synctest.Wait()
		select {
		case <-saying:
		default:
			t.Fatalf("did not sign on again: %v", out.kinds())
		}
		early := bot.all()
		var r *client.Result
		select {
		case r = <-sent:
			t.Errorf("the command was sent before \"signed on\" was handed on: the server got %q", early)
		default:
			if len(early) > 0 {
				t.Errorf("the server got %q before \"signed on\" was handed on", early)
			}
		}
		handOn()
		synctest.Wait()
		if r == nil {
			select {
			case r = <-sent:
			default:
				t.Fatal("the command still waits after \"signed on\"")
			}
		}
		if !r.OK {
			t.Errorf("send after the reconnect: %s", r.Error)
		}
		if got := bot.all(); !slices.Equal(got, []string{"hi"}) {
			t.Errorf("the server got %q, want [hi]", got)
		}
	})
}

// TestTwoClientsBothStayOn: the 2026 release keeps two sessions of one
// name (both logins send 0x004A = 1): neither client is signed off, and
// neither signs on again.
func TestTwoClientsBothStayOn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) { s.Release = oscartest.Release2026 })
		_, aOut := start(t, srv, time.Second)
		_, bOut := start(t, srv, time.Second)
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		for _, out := range []*outputs{aOut, bOut} {
			if n, d := count[*client.SignedOn](out), count[*client.Disconnected](out); n != 1 || d != 0 {
				t.Errorf("%d signons and %d disconnects, want 1 and 0: %v", n, d, out.kinds())
			}
		}
	})
}

// TestDo: a command given as a list returns its result once the server
// answered, to the caller only; a name with spaces is one argument.
func TestDo(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.AddBot("Echo Bot", func(from, text string) string { return "" })
		})
		c, out := start(t, srv, time.Second)
		synctest.Wait()
		before := len(out.all())
		r := c.Do(t.Context(), client.CmdSend, []string{"Echo Bot", "hi", "there"}, true)
		if !r.OK || r.To != "Echo Bot" || r.Command != client.CmdSend.Name {
			t.Errorf("send = %+v", r)
		}
		r = c.Do(t.Context(), client.CmdInfo, []string{"Echo Bot"}, true)
		if !r.OK || r.UserInfo == nil || r.Name != "Echo Bot" {
			t.Errorf("info = %+v", r)
		}
		r = c.Do(t.Context(), client.CmdInfo, []string{"Echo Bot", "extra"}, true)
		if r.OK || r.Error == "" {
			t.Errorf("info with an extra argument = %+v, want an error", r)
		}
		synctest.Wait()
		if after := out.all(); len(after) != before {
			t.Errorf("Do emitted %v", out.kinds()[before:])
		}
	})
}

// Arguments given as a list (the command line, the control socket) are
// never joined and read again: leading spaces, quotes and tabs in a
// message, and a name with spaces, arrive as given.
func TestDoKeepsArgumentsAsGiven(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		bot := new(heard)
		srv := pipeServer(t, func(s *oscartest.Server) { s.AddBot("Echo Bot", bot.reply) })
		c, _ := start(t, srv, time.Second)
		texts := []string{"   three leading spaces", "\ttab first", `"quoted" and 'single'`, "two  spaces  inside "}
		for _, text := range texts {
			if r := c.Do(t.Context(), client.CmdSend, []string{"Echo Bot", text}, true); !r.OK {
				t.Fatalf("send %q = %+v", text, r)
			}
		}
		synctest.Wait()
		got := bot.all()
		if len(got) != len(texts) {
			t.Fatalf("the bot got %q", got)
		}
		for i, text := range texts {
			if want := client.IMBody(text, false); got[i] != want {
				t.Errorf("sent %q, the bot got %q, want %q", text, got[i], want)
			}
		}
	})
}
