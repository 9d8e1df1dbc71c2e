package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// builtAim is the aim binary for the tests that need a real process: this
// test binary under the name aim (a symlink; TestMain runs main when it is
// started by that name), so no second link of the whole program (1.2 s)
// is needed. TestMain removes its directory.
var (
	builtAimDir string
	builtAim    = sync.OnceValues(func() (string, error) {
		self, err := os.Executable()
		if err != nil {
			return "", err
		}
		dir, err := os.MkdirTemp("", "aim-test-bin-")
		if err != nil {
			return "", err
		}
		builtAimDir = dir
		bin := filepath.Join(dir, aimName)
		if err := os.Symlink(self, bin); err != nil {
			return "", err
		}
		return bin, nil
	})
)

// aimName is the name this test binary answers to as aim itself.
const aimName = "aim"

// buildAim returns the aim binary, building it the first time.
func buildAim(t testing.TB) string {
	t.Helper()
	bin, err := builtAim()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// tmuxTerm is a terminal: aim runs in a detached tmux session on a
// private tmux server, keys go in with send-keys, the screen comes out with
// capture-pane.
type tmuxTerm struct {
	t      *testing.T
	socket string
}

func (m *tmuxTerm) tmux(args ...string) string {
	m.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", m.socket}, args...)...).CombinedOutput()
	if err != nil {
		m.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (m *tmuxTerm) screen() string { return m.tmux("capture-pane", "-p", "-t", "aim") }

// waitScreen waits, within a bound, until check accepts the screen.
func (m *tmuxTerm) waitScreen(what string, check func(string) bool) string {
	m.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := m.screen()
		if check(s) {
			return s
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("screen never showed %s:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lastLine returns the last non-empty line of a screen.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// TestInteractiveTerminal: on a terminal, an IM that arrives while a line
// is half typed prints above the prompt and leaves the line intact; tab
// completes; Ctrl-D signs off and gives the terminal back.
func TestInteractiveTerminal(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildAim(t)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("LabBob", func(string, string) string { return "" })
	home := t.TempDir()
	m := &tmuxTerm{t: t, socket: fmt.Sprintf("aimtest%d", os.Getpid())}
	t.Cleanup(func() { exec.Command("tmux", "-L", m.socket, "kill-server").Run() })
	script := fmt.Sprintf("env -i HOME=%[1]s XDG_RUNTIME_DIR=%[1]s TMPDIR=%[1]s TERM=xterm AIM_PASSWORD=alicepw1 %[2]s login --server %[3]s --screen-name LabAlice; echo EXIT=$?; sleep 30",
		home, bin, srv.AuthAddr())
	m.tmux("new-session", "-d", "-s", "aim", "-x", "100", "-y", "20", script)

	m.waitScreen("the prompt", func(s string) bool { return strings.HasPrefix(lastLine(s), "aim>") })
	m.tmux("send-keys", "-t", "aim", "se", "Tab")
	m.waitScreen("completion of send", func(s string) bool { return lastLine(s) == "aim> send" })
	m.tmux("send-keys", "-t", "aim", "LabBob half typed")
	m.waitScreen("the typed text", func(s string) bool { return lastLine(s) == "aim> send LabBob half typed" })

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.WaitOnline(ctx, "LabAlice"); err != nil {
		t.Fatal(err)
	}
	if err := srv.SendIM("LabBob", "LabAlice", "a message <b>meanwhile</b>"); err != nil {
		t.Fatal(err)
	}
	s := m.waitScreen("the IM above the prompt", func(s string) bool { return strings.Contains(s, "LabBob: a message meanwhile") })
	if got := lastLine(s); got != "aim> send LabBob half typed" {
		t.Errorf("after the IM the input line is %q, want it intact:\n%s", got, s)
	}

	m.tmux("send-keys", "-t", "aim", "C-u", "C-d")
	s = m.waitScreen("the exit", func(s string) bool { return strings.Contains(s, "EXIT=") })
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, "signed off") {
		t.Errorf("Ctrl-D did not sign off cleanly:\n%s", s)
	}
}
