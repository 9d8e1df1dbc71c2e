package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// tuiTerm starts aim in a 100×30 tmux pane with env's settings (and
// extra, "NAME=value" words), and returns the terminal.
func tuiTerm(t *testing.T, env *procEnv, name, extra string, args ...string) *tmuxTerm {
	t.Helper()
	m := &tmuxTerm{t: t, socket: fmt.Sprintf("aimtui%d%s", os.Getpid(), name)}
	t.Cleanup(func() { exec.Command("tmux", "-L", m.socket, "kill-server").Run() })
	script := "env -i " + strings.Join(env.base, " ") + " TERM=xterm-256color AIM_PASSWORD=alicepw1 " + extra + " " +
		env.bin + " " + strings.Join(args, " ") + "; echo EXIT=$?; sleep 30"
	m.tmux("new-session", "-d", "-s", "aim", "-x", "100", "-y", "30", script)
	return m
}

func (m *tmuxTerm) keys(keys ...string) {
	m.tmux(append([]string{"send-keys", "-t", "aim"}, keys...)...)
}

// typeLine types text as it is (no key names) and Enter.
func (m *tmuxTerm) typeLine(text string) {
	m.tmux("send-keys", "-t", "aim", "-l", text)
	m.keys("Enter")
}

// colored finds a colour in an SGR sequence: 30-37, 90-97, 38;… and the
// backgrounds, as tmux's capture-pane -e writes them.
var colored = regexp.MustCompile(`\x1b\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]+)*m`)

func has(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// TestTUI drives aim tui in a real terminal against the test server: it
// signs on (the session its own), a buddy comes online, a window opens,
// a message with CJK and emoji goes out and the reply comes back, a
// message in another window marks it, and /quit signs off.
func TestTUI(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildAim(t)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	env := newProcEnv(t, bin, srv, "screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabBob, LabCarol]\n")
	m := tuiTerm(t, env, "own", "", "tui")

	m.waitScreen("signed on", has("signed on as LabAlice"))
	s := m.waitScreen("the list with both offline", has("Offline (2)"))
	if !strings.Contains(s, "Lab") {
		t.Errorf("the group is not listed:\n%s", s)
	}

	srv.AddBot("LabBob", func(from, text string) string { return "got: " + text })
	m.waitScreen("LabBob online", has("● LabBob"))
	if !colored.MatchString(m.tmux("capture-pane", "-e", "-p", "-t", "aim")) {
		t.Error("the screen has no colours on a 256-colour terminal (so the NO_COLOR test proves nothing)")
	}

	m.typeLine("/msg LabBob")
	m.waitScreen("LabBob's window", has("[2:LabBob]"))
	m.typeLine("hello 世界 😀")
	s = m.waitScreen("the reply", has("LabBob got: hello 世界 😀"))
	if !strings.Contains(s, "you hello 世界 😀") {
		t.Errorf("your line is not shown as yours:\n%s", s)
	}

	// Typing notifications on the wire: typing as the line fills, stopped
	// when it is cleared (typed, after a pause, is the model test's: no
	// test here waits on the clock).
	m.tmux("send-keys", "-t", "aim", "-l", "half a thought")
	waitTyping(t, srv, "LabBob", oscar.TypingStarted)
	m.keys("C-u")
	waitTyping(t, srv, "LabBob", oscar.TypingNone)

	m.typeLine("/msg LabCarol")
	m.waitScreen("LabCarol's window", has("[3:LabCarol]"))
	if err := srv.SendIM("LabBob", "LabAlice", "are you there?"); err != nil {
		t.Fatal(err)
	}
	s = m.waitScreen("the mark on LabBob's window", has("[2:LabBob+]"))
	if !strings.Contains(s, "LabBob   (1)") && !strings.Contains(s, "(1)") {
		t.Errorf("the list shows no unread count for LabBob:\n%s", s)
	}
	if strings.Contains(s, "are you there?") {
		t.Errorf("a message to another window shows in this one:\n%s", s)
	}
	m.keys("M-2")
	m.waitScreen("LabBob's window again, the message in it", has("LabBob are you there?"))

	// Someone else follows the session aim tui started: /quit asks first.
	follower := env.startSession(t, "", "events", "--follow")
	follower.waitLine(t, "LabAlice")
	m.typeLine("/quit")
	m.waitScreen("the question", has("another client follows this session"))
	m.typeLine("/quit")
	m.waitScreen("the exit", has("EXIT=0"))
	m.waitScreen("signed off", has("aim: signed off"))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.WaitOffline(ctx, "LabAlice"); err != nil {
		t.Errorf("the session aim tui started is still on after /quit: %v", err)
	}
}

// waitTyping waits, within a bound, until LabAlice has sent to the typing
// notification event.
func waitTyping(t *testing.T, srv *oscartest.Server, to string, event uint16) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var seen []uint16
		for _, f := range srv.Sent("LabAlice") {
			s, err := oscar.ParseSNAC(f.Payload)
			if err != nil || f.Channel != oscar.ChannelSNAC || s.Type() != oscar.TypeTyping {
				continue
			}
			var m oscar.Typing
			if m.Decode(s.Body) == nil && m.ScreenName == to {
				seen = append(seen, m.Event)
			}
		}
		if len(seen) > 0 && seen[len(seen)-1] == event {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no typing notification %d to %s on the wire (sent: %v)", event, to, seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTUIAttaches: with aim login running, aim tui attaches to its
// session (no second signon), sees what a script sends through it, and
// /quit leaves the session on.
func TestTUIAttaches(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildAim(t)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("LabBob", func(from, text string) string { return "" })
	env := newProcEnv(t, bin, srv, "screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabBob]\n")
	login := env.startSession(t, "alicepw1", "login", "--no-input")
	login.waitLine(t, "signed on")

	m := tuiTerm(t, env, "attach", "NO_COLOR=1", "tui")
	m.waitScreen("attached", has("signed on as LabAlice"))
	m.waitScreen("LabBob online", has("● LabBob"))
	if s := m.tmux("capture-pane", "-e", "-p", "-t", "aim"); colored.MatchString(s) {
		t.Errorf("with NO_COLOR the screen has colours:\n%q", s)
	}
	if code, _, errOut := env.run(t, "send", "LabBob", "from a script ✓"); code != 0 {
		t.Fatalf("aim send through the session: exit %d: %s", code, errOut)
	}
	m.waitScreen("the script's message in LabBob's window", has("[2:LabBob]"))
	m.keys("M-2")
	m.waitScreen("the script's line as yours", has("you from a script ✓"))

	m.typeLine("/quit")
	m.waitScreen("the exit", has("EXIT=0"))
	m.waitScreen("what became of the session", has("the session still runs"))
	if code, out, _ := env.run(t, "status"); code != 0 || !strings.Contains(out, "LabAlice") {
		t.Errorf("after aim tui quit, aim status: exit %d: %s (the session should still run)", code, out)
	}
}

// aim tui refuses what would garble or has no screen: no terminal, or
// --debug's trace.
func TestTUIRefuses(t *testing.T) {
	t.Parallel()
	bin := buildAim(t)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	env := newProcEnv(t, bin, srv, "screen_name: LabAlice\n")
	if code, _, errOut := env.run(t, "tui"); code != exitUsage || !strings.Contains(errOut, "needs a terminal") {
		t.Errorf("aim tui without a terminal: exit %d, %q", code, errOut)
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		return
	}
	m := tuiTerm(t, env, "debug", "", "tui", "--debug")
	m.waitScreen("the refusal", has("would write over it"))
	m.waitScreen("the exit", has("EXIT=2"))
}

// --color=never draws without colours, as NO_COLOR does.
func TestTUIColorNever(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildAim(t)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("LabBob", func(string, string) string { return "" })
	env := newProcEnv(t, bin, srv, "screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabBob]\n")
	m := tuiTerm(t, env, "never", "", "tui", "--color=never")
	m.waitScreen("LabBob online", has("● LabBob"))
	if s := m.tmux("capture-pane", "-e", "-p", "-t", "aim"); colored.MatchString(s) {
		t.Errorf("with --color=never the screen has colours:\n%q", s)
	}
	m.typeLine("/quit")
	m.waitScreen("the exit", has("EXIT=0"))
}
