package client_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// peerSession signs name on with a classic session whose events the test
// reads (nextEventOf).
func peerSession(t *testing.T, srv *oscartest.Server, name, password string) *bos.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: name, Password: secret.String(password), Method: login.MD5})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := bos.Connect(t.Context(), bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName, MultiConn: res.MultiConn})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitOnline(ctx, name); err != nil { // 01,02 handled: typing reaches it
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
		for range sess.Events() {
		}
	})
	return sess
}

// nextEventOf returns sess's next event of type T, failing after 10 s.
func nextEventOf[T bos.Event](t *testing.T, sess *bos.Session) T {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case ev, ok := <-sess.Events():
			if !ok {
				var zero T
				t.Fatalf("events closed while waiting for %T: %v", zero, sess.Err())
			}
			if e, ok := ev.(T); ok {
				return e
			}
		case <-timeout.C:
			var zero T
			t.Fatalf("no %T within 10 s", zero)
		}
	}
}

// typingSent counts the typing notifications (04,14) LabAlice's
// connection has sent so far; run a command the server answers first, so
// that the server has read everything before it.
func typingSent(srv *oscartest.Server) int {
	n := 0
	for _, f := range srv.Sent("LabAlice") {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && s.Type() == oscar.TypeTyping {
			n++
		}
	}
	return n
}

// TestTypingSent: the typing command tells a buddy typing, typed and
// stopped as the words of the typing output, and the buddy's client gets
// them as the server relays them (from LabAlice, each state as sent). To
// someone blocked, or with typing_notifications off (as the config file
// is changed while the session runs), it succeeds and sends nothing.
func TestTypingSent(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
	t.Cleanup(srv.Close)
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start()
	bob := peerSession(t, srv, "Lab Bob", "bobpass22")
	for _, state := range []bos.TypingState{bos.TypingStarted, bos.TypingPaused, bos.TypingStopped} {
		r := a.c.Do(t.Context(), client.CmdTyping, []string{"labbob", state.String()}, true)
		if !r.OK || r.Unchanged || r.To != "labbob" || r.State != state.String() || r.Command != "typing" {
			t.Fatalf("typing %s = %+v", state, r)
		}
		if ev := nextEventOf[*bos.Typing](t, bob); ev.From != "LabAlice" || ev.State != state {
			t.Errorf("Bob got %+v, want LabAlice %s", ev, state)
		}
	}
	if r := a.c.Do(t.Context(), client.CmdTyping, []string{"labbob", "busy"}, true); r.OK || !strings.Contains(r.Error, "typing, typed or stopped") {
		t.Errorf("typing busy = %+v, want a usage error", r)
	}

	// Blocked: nothing sent, and no error.
	if err := a.c.Exec(t.Context(), 1, `block "Lab Bob"`, true); err != nil {
		t.Fatal(err)
	}
	if r := nextOut[*client.Result](a); !r.OK {
		t.Fatalf("block: %+v", r)
	}
	nextOut[*client.BuddyListSynced](a)
	r := a.c.Do(t.Context(), client.CmdTyping, []string{"Lab Bob", "typing"}, true)
	if !r.OK || !r.Unchanged {
		t.Errorf("typing to a blocked user = %+v, want ok and unchanged", r)
	}
	a.c.Do(t.Context(), client.CmdInfo, []string{"LabAlice"}, true) // a round trip: the server has read all before it
	if n := typingSent(srv); n != 3 {
		t.Errorf("%d typing notifications sent, want 3 (none to the blocked)", n)
	}
	if err := a.c.Exec(t.Context(), 2, `unblock "Lab Bob"`, true); err != nil {
		t.Fatal(err)
	}
	nextOut[*client.Result](a)
	nextOut[*client.BuddyListSynced](a)

	// The setting turned off in the file while the session runs (with a
	// profile change, whose config_applied says the file was read).
	cfg := a.load()
	if err := cfg.SetKey(config.KeyTyping, "false"); err != nil {
		t.Fatal(err)
	}
	if err := cfg.SetProfile("typing off"); err != nil {
		t.Fatal(err)
	}
	for ev := nextOut[*client.ConfigApplied](a); !ev.Profile; ev = nextOut[*client.ConfigApplied](a) {
	}
	r = a.c.Do(t.Context(), client.CmdTyping, []string{"Lab Bob", "typing"}, true)
	if !r.OK || !r.Unchanged {
		t.Errorf("typing with the setting off = %+v, want ok and unchanged", r)
	}
	a.c.Do(t.Context(), client.CmdInfo, []string{"LabAlice"}, true)
	if n := typingSent(srv); n != 3 {
		t.Errorf("%d typing notifications sent, want 3 (none with the setting off)", n)
	}
}

// TestTypingHidden: typing is for programs: help and completion leave it
// out, but it is a command of the table (the control socket runs it).
func TestTypingHidden(t *testing.T) {
	t.Parallel()
	if strings.Contains(client.HelpText(), "typing") {
		t.Errorf("help lists typing:\n%s", client.HelpText())
	}
	if client.Lookup("typing") != client.CmdTyping {
		t.Error("typing is not in the table")
	}
}
