package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/secret"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// queuedSession signs LabAlice on (a session of the UI's own, as aim tui
// starts with none running) and sends n messages through it, as a script
// would, without waiting: after the first few the server's rate limit
// (the real IM class) holds them back. It returns the session and a func
// that waits for the sends and returns how many failed.
func queuedSession(t *testing.T, n int) (*runner.Hosted, func() int) {
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.StartPipes()
	t.Cleanup(srv.Close)
	srv.AddBot("EchoBot", func(_, _ string) string { return "" })
	h, err := runner.Host(t.Context(), client.Options{Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
		Password: secret.String("alicepw1"), Dial: srv.Dial}, Settle: true}, nil) // the signon's sync done first
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Run(context.Background(), client.CmdSend, []string{"EchoBot", fmt.Sprintf("m%02d", i)}); err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		}()
	}
	synctest.Wait()
	if h.Sending() == 0 {
		t.Fatal("no message held back by the rate limit")
	}
	return h, func() int {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return failed
	}
}

// quitCmd types /quit in the model's status window and returns what the
// model asks to run.
func quitCmd(m *Model) tea.Cmd {
	typeText(m, "/quit")
	_, cmd := m.Update(keyMsg("enter"))
	return cmd
}

// TestQuitWaitsForQueuedMessages: quitting a UI whose session it started,
// with messages held back by the rate limit, does not leave the screen
// blank for up to 2 minutes: the UI stays, says what it waits for, and
// leaves once they are sent.
func TestQuitWaitsForQueuedMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, failed := queuedSession(t, 15)
		m := New(t.Context(), h, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 20})
		n := h.Sending()
		cmd := quitCmd(m)
		if cmd == nil {
			t.Fatal("/quit asked for nothing to run")
		}
		want := fmt.Sprintf("signing off after %d queued messages are sent (Ctrl-C to drop them)", n)
		if f := m.Frame(); !strings.Contains(f, want) {
			t.Errorf("the screen does not say %q:\n%s", want, f)
		}
		msg := cmd() // the logout, waiting for them
		if _, ok := msg.(signedOffMsg); !ok {
			t.Fatalf("/quit ran %T, want the logout", msg)
		}
		if _, cmd := m.Update(msg); cmd == nil || cmd() != tea.Quit() {
			t.Error("the UI did not leave once signed off")
		}
		if m.signOffErr != nil || failed() != 0 {
			t.Errorf("the logout: %v; %d sends failed", m.signOffErr, failed())
		}
	})
}

// TestQuitCtrlCDropsQueuedMessages: Ctrl-C while the UI waits to sign
// off ends the wait at once; the messages still queued are not sent, and
// the error counts them.
func TestQuitCtrlCDropsQueuedMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, failed := queuedSession(t, 15)
		m := New(t.Context(), h, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 20})
		cmd := quitCmd(m)
		done := make(chan tea.Msg, 1)
		go func() { done <- cmd() }()
		time.Sleep(12 * time.Second) // a few go out meanwhile
		synctest.Wait()
		left := h.Sending()
		begun := time.Now()
		m.Update(keyMsg("ctrl+c"))
		msg := <-done
		if waited := time.Since(begun); waited > 0 {
			t.Errorf("the logout waited %v more after Ctrl-C", waited)
		}
		if f := m.Frame(); !strings.Contains(f, "signing off; the queued messages are not sent") {
			t.Errorf("the screen does not say the messages are dropped:\n%s", f)
		}
		m.Update(msg)
		var unsent *client.UnsentError
		if !errors.As(m.signOffErr, &unsent) || unsent.N != left || left == 0 {
			t.Errorf("the logout: %v, want %d queued messages not sent", m.signOffErr, left)
		}
		// Dropped by Ctrl-C: interrupted (exit 130), as aim login's are.
		if f := sessionsock.FailureOf(m.signOffErr); f != client.FailureInterrupted {
			t.Errorf("the logout: %v is failure %d, want FailureInterrupted", m.signOffErr, f)
		}
		if got := failed(); got != left {
			t.Errorf("%d sends failed, want the %d dropped", got, left)
		}
	})
}

// attached starts LabAlice's session (serving its control socket, as aim
// login does) and returns a UI's Live attached to it, and the session.
func attached(t *testing.T) (*runner.Attached, *runner.Hosted) {
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	t.Cleanup(srv.Close)
	srv.AddBot("EchoBot", func(_, _ string) string { return "" })
	rt, err := os.MkdirTemp("", "aimt") // short: a socket's path is bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	dirs := control.Dirs{RunUser: rt, Temp: rt}
	sock, _, err := sessionsock.Listen(dirs, "", "LabAlice", "")
	if err != nil {
		t.Fatal(err)
	}
	h, err := runner.Host(t.Context(), client.Options{Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
		Password: secret.String("alicepw1")}}, sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	c, err := sessionsock.Dial(t.Context(), dirs, "LabAlice")
	if err != nil || c == nil {
		t.Fatalf("Dial: %v", err)
	}
	live := runner.Attach(c, func(ctx context.Context) (*control.Client, error) { return sessionsock.Dial(ctx, dirs, "LabAlice") })
	t.Cleanup(func() { live.Close() })
	return live, h
}

// TestLogoutAttachedSaysWhatItWaits: /logout in a UI attached to a
// session that runs elsewhere stays on screen while that session signs
// off (its wait for the messages under way is its own, up to 2 minutes),
// and leaves once it is off. Before, the screen went blank at once, and
// after 10 s "control socket: context deadline exceeded".
func TestLogoutAttachedSaysWhatItWaits(t *testing.T) {
	live, h := attached(t)
	m := New(t.Context(), live, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 20})
	typeText(m, "/logout")
	_, cmd := m.Update(keyMsg("enter"))
	const want = "signing off once the messages under way are sent (Ctrl-C to leave without waiting)"
	if f := m.Frame(); !strings.Contains(f, want) {
		t.Errorf("the screen does not say %q:\n%s", want, f)
	}
	if cmd == nil {
		t.Fatal("/logout asked for nothing to run")
	}
	msg := cmd()
	if _, ok := msg.(signedOffMsg); !ok {
		t.Fatalf("/logout ran %T, want the logout", msg)
	}
	if _, cmd := m.Update(msg); cmd == nil || cmd() != tea.Quit() || m.signOffErr != nil || !m.logout {
		t.Errorf("after the logout: %v, logout %v", m.signOffErr, m.logout)
	}
	if err := h.Err(); err != nil {
		t.Errorf("the session ended with %v, not a logout", err)
	}
}

// sendQueued sends n messages through h without waiting, as a script
// would, until the server's rate limit holds some back; it returns a func
// that waits for the sends and returns how many failed.
func sendQueued(t *testing.T, h *runner.Hosted, n int) func() int {
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Run(context.Background(), client.CmdSend, []string{"EchoBot", fmt.Sprintf("m%02d", i)}); err != nil {
				failed.Add(1)
			}
		}()
	}
	for h.Sending() == 0 {
		time.Sleep(time.Millisecond)
	}
	return func() int { wg.Wait(); return int(failed.Load()) }
}

// TestLogoutAttachedCtrlC: Ctrl-C while /logout waits for a session that
// runs elsewhere, the session signing off behind its queued messages,
// leaves at once; the session goes on to send them and sign off, as the
// screen and the error say.
func TestLogoutAttachedCtrlC(t *testing.T) {
	live, h := attached(t)
	m := New(t.Context(), live, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 20})
	failed := sendQueued(t, h, 7)
	typeText(m, "/logout")
	_, cmd := m.Update(keyMsg("enter"))
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	// The session is signing off: it refuses new commands.
	for {
		if _, err := h.Run(t.Context(), client.CmdRooms, nil); err != nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if h.Sending() == 0 {
		t.Fatal("the messages went out before the logout: nothing to wait for")
	}
	m.Update(keyMsg("ctrl+c"))
	const words = "leaving; if the session had the logout, it signs off once the messages under way are sent"
	if f := m.Frame(); !strings.Contains(f, words) {
		t.Errorf("the screen does not say %q:\n%s", words, f)
	}
	m.Update(<-done)
	if !errors.Is(m.signOffErr, ErrStillSigningOff) {
		t.Errorf("after Ctrl-C: %v, want ErrStillSigningOff", m.signOffErr)
	}
	if err := h.Err(); err != nil { // once it has ended
		t.Errorf("the session ended with %v, not its logout", err)
	}
	if n := failed(); n != 0 {
		t.Errorf("%d queued messages were not sent", n)
	}
}

// TestLogoutAttachedCtrlCAtOnce: Ctrl-C at once after /logout may close
// the connection before the session has the request (the control socket
// then drops it, and the session runs on): the screen does not say the
// session signs off, only that it does if it had the logout.
func TestLogoutAttachedCtrlCAtOnce(t *testing.T) {
	live, h := attached(t)
	m := New(t.Context(), live, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 20})
	typeText(m, "/logout")
	_, cmd := m.Update(keyMsg("enter"))
	m.Update(keyMsg("ctrl+c"))
	f := m.Frame()
	if strings.Contains(f, "leaving; the session signs off") || !strings.Contains(f, "if the session had the logout") {
		t.Errorf("the screen says the session signs off, which it may not have been asked:\n%s", f)
	}
	m.Update(cmd())
	if !errors.Is(m.signOffErr, ErrStillSigningOff) || !strings.HasPrefix(m.signOffErr.Error(), "if the session had the logout") {
		t.Errorf("after Ctrl-C: %v, want ErrStillSigningOff, saying the logout may not have reached the session", m.signOffErr)
	}
	h.Close()
}

// TestSigningOffSaidOnce: while a quit waits for the queued messages, the
// window bar says so with the count going down; the status window does
// not say it a second time, with a count that goes stale.
func TestSigningOffSaidOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, _ := queuedSession(t, 15)
		m := New(t.Context(), h, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 20})
		first := client.SigningOffText(h.Sending())
		cmd := quitCmd(m)
		if f := m.Frame(); strings.Count(f, first) != 1 {
			t.Errorf("the screen says %q %d times, want once:\n%s", first, strings.Count(f, first), f)
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- cmd() }()
		time.Sleep(12 * time.Second) // a few go out meanwhile
		synctest.Wait()
		now := client.SigningOffText(h.Sending())
		f := m.Frame()
		if now == first || strings.Contains(f, first) || strings.Count(f, now) != 1 {
			t.Errorf("after some went out, the screen should say %q once and not %q:\n%s", now, first, f)
		}
		m.Update(keyMsg("ctrl+c"))
		const dropped = "signing off; the queued messages are not sent"
		if f := m.Frame(); strings.Count(f, dropped) != 1 {
			t.Errorf("after Ctrl-C the screen says %q %d times, want once:\n%s", dropped, strings.Count(f, dropped), f)
		}
		<-done
	})
}

// hungSession serves a control socket as a session whose logout never
// answers (it hangs: only the caller going ends the request), and returns
// a UI's Live attached to it and the count of the logouts asked for.
func hungSession(t *testing.T) (*runner.Attached, *atomic.Int32) {
	rt, err := os.MkdirTemp("", "aimt") // short: a socket's path is bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	path := filepath.Join(rt, "s")
	var logouts atomic.Int32
	srv, err := control.Listen(path, func(ctx context.Context, req control.Request, _ *control.Stream) (any, error) {
		if req.Command == client.CommandLogout {
			logouts.Add(1)
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}, control.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dial := func(ctx context.Context) (*control.Client, error) { return control.Dial(ctx, path) }
	c, err := dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	live := runner.Attach(c, dial)
	t.Cleanup(func() { live.Close() })
	return live, &logouts
}

// TestLogoutAttachedHung: /logout attached to a session that never
// answers leaves once the wait's bound has passed (it is the logout's 2
// minutes and a moment; shortened here), saying so. Before, the UI waited
// until Ctrl-C.
func TestLogoutAttachedHung(t *testing.T) {
	defer func(w time.Duration) { signOffWait = w }(signOffWait)
	signOffWait = 50 * time.Millisecond
	live, logouts := hungSession(t)
	m := New(t.Context(), live, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 20})
	typeText(m, "/logout")
	_, cmd := m.Update(keyMsg("enter"))
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(time.Minute): // only the code before gets here
		t.Fatal("the UI still waits for a session that does not answer")
	}
	if _, cmd := m.Update(msg); cmd == nil || cmd() != tea.Quit() {
		t.Error("the UI did not leave once the wait was over")
	}
	if !errors.Is(m.signOffErr, ErrNoSignOff) {
		t.Errorf("the UI left with %v, want %v", m.signOffErr, ErrNoSignOff)
	}
	if n := logouts.Load(); n != 1 {
		t.Errorf("the session was asked to log out %d times, want once", n)
	}
}

// TestRunEndsDuringLogoutWait: the context ending (SIGTERM) while /logout
// waits for a session that runs elsewhere ends Run with the logout's
// goroutine done, and the session asked to log out once. Before, Run
// returned with the logout still running and asked a second time.
func TestRunEndsDuringLogoutWait(t *testing.T) {
	live, logouts := hungSession(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	in, typed := io.Pipe()
	defer typed.Close()
	ran := make(chan error, 1)
	go func() {
		_, err := Run(ctx, live, Options{Self: "LabAlice", Now: time.Now, Location: time.UTC}, in, io.Discard, nil)
		ran <- err
	}()
	go typed.Write([]byte("/logout\r"))
	for logouts.Load() == 0 { // the session has the request
		select {
		case err := <-ran:
			t.Fatalf("Run returned %v before the logout was asked for", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	<-ran
	if n := logouts.Load(); n != 1 {
		t.Errorf("the session was asked to log out %d times, want once", n)
	}
}
