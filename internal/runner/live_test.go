package runner_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/secret"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// hostWithSocket hosts LabAlice's session, on a test server with bots
// that answer nothing, with a control socket in a directory of the
// test's own; d is where callers find it. When the test ends the session
// is closed, then ctx (15 s) ended, then the server closed.
func hostWithSocket(t *testing.T, bots ...string) (ctx context.Context, d control.Dirs, h *runner.Hosted) {
	t.Helper()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	t.Cleanup(srv.Close)
	for _, b := range bots {
		srv.AddBot(b, func(from, text string) string { return "" })
	}
	tmp := t.TempDir()
	d = control.Dirs{RunUser: filepath.Join(tmp, "none"), Temp: tmp}
	sock, _, err := sessionsock.Listen(d, filepath.Join(tmp, "session.lock"), "LabAlice", srv.AuthAddr())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	h, err = runner.Host(ctx, client.Options{Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
		Password: secret.String("alicepw1")}}, sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return ctx, d, h
}

// TestHostedFollowGetsTheSignon: what a hosted session says before anyone
// follows it (its signon) reaches the first Follow, after the status,
// once; the signoff reaches it too, and Follow ends with the logout.
func TestHostedFollowGetsTheSignon(t *testing.T) {
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	h, err := runner.Host(t.Context(), client.Options{Account: client.Account{Server: srv.AuthAddr(),
		ScreenName: "LabAlice", Password: secret.String("alicepw1")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	following := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- h.Follow(t.Context(), func(o client.Output) {
			kinds = append(kinds, o.Kind())
			if len(kinds) == 1 { // the status: Follow is subscribed once it returns
				close(following)
			}
		})
	}()
	<-following
	h.Logout(t.Context())
	err = <-done
	if len(kinds) < 3 || kinds[0] != "result" || kinds[1] != "signed_on" || kinds[len(kinds)-1] != "disconnected" {
		t.Errorf("Follow got %q; want the status, signed_on, ..., disconnected", kinds)
	}
	if e := (*sessionsock.EndedError)(nil); !errors.As(err, &e) || e.Last == nil || e.Last.Reason != client.ReasonLogout {
		t.Errorf("Follow ended with %v; want the session's end by a logout", err)
	}
	h.Close()
}

// TestHostedSeesScriptSends: a session a front end started (aim tui
// with no aim login running) serves the control socket; what a script
// sends through that socket (aim send) reaches the front end's own
// follower too, not only the socket's, so it shows in the window.
func TestHostedSeesScriptSends(t *testing.T) {
	ctx, d, h := hostWithSocket(t, "LabBob")

	fctx, fcancel := context.WithCancel(ctx)
	sent := make(chan *client.Result, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.Follow(fctx, func(o client.Output) {
			if r, ok := o.(*client.Result); ok && r.Command == client.CmdSend.Name {
				select {
				case sent <- r:
				default:
				}
			}
		})
	}()
	defer wg.Wait()
	defer fcancel()

	c, err := sessionsock.Dial(ctx, d, "LabAlice")
	if err != nil || c == nil {
		t.Fatalf("Dial: %v, %v", c, err)
	}
	defer c.Close()
	if _, err := sessionsock.Run(ctx, c, client.CmdSend.Name, []string{"LabBob", "from a script"}, nil); err != nil {
		t.Fatalf("send through the socket: %v", err)
	}
	select {
	case r := <-sent:
		if r.To != "LabBob" || r.Text != "from a script" {
			t.Errorf("the follower saw %+v", r)
		}
	case <-ctx.Done():
		t.Fatal("the front end's follower never saw the IM the script sent")
	}
}

// TestAttachedRunsAsSession: a front end attached to the running session
// (aim tui beside aim login) runs its commands the way every other
// command through the session does (Session.Run): a command that only
// shows the session, run as the session signs off, finds no session; one
// whose ctx ended while it waited is a *runner.WaitedError.
func TestAttachedRunsAsSession(t *testing.T) {
	ctx, d, h := hostWithSocket(t)
	dial := func(ctx context.Context) (*control.Client, error) { return sessionsock.Dial(ctx, d, "LabAlice") }
	c, err := dial(ctx)
	if err != nil || c == nil {
		t.Fatalf("Dial: %v, %v", c, err)
	}
	a := runner.Attach(c, dial)
	defer a.Close()

	done, stop := context.WithCancel(ctx)
	stop()
	if _, err := a.Run(done, client.CmdStatus, nil); !errors.As(err, new(*runner.WaitedError)) {
		t.Errorf("status with its ctx ended: %v; want a *runner.WaitedError", err)
	}

	if _, err := a.Run(ctx, client.CmdStatus, nil); err != nil {
		t.Fatalf("status: %v", err)
	}
	if err := h.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if _, err := a.Run(ctx, client.CmdStatus, nil); !errors.As(err, new(*sessionsock.NoSessionError)) {
		t.Errorf("status after the signoff: %v; want a *sessionsock.NoSessionError", err)
	}
}
