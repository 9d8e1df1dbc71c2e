package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDemoFirstScreen (issue 22 item 6): the first screen of `aim demo`
// on a terminal with a fresh HOME says how to go on once, shows AIMBot
// online before its greeting, and reports no sync the user never asked
// for.
func TestDemoFirstScreen(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildAim(t)
	home := t.TempDir()
	m := &tmuxTerm{t: t, socket: fmt.Sprintf("aimdemo%d", os.Getpid())}
	t.Cleanup(func() { exec.Command("tmux", "-L", m.socket, "kill-server").Run() })
	script := fmt.Sprintf("env -i HOME=%[1]s XDG_RUNTIME_DIR=%[1]s TMPDIR=%[1]s TERM=xterm %[2]s demo; echo EXIT=$?; sleep 30", home, bin)
	m.tmux("new-session", "-d", "-s", "aim", "-x", "150", "-y", "30", script)

	s := m.waitScreen("the greeting", func(s string) bool { return strings.Contains(s, "AIMBot: Hi!") })
	m.tmux("send-keys", "-t", "aim", "quit", "Enter")
	s = m.waitScreen("the exit", func(s string) bool { return strings.Contains(s, "EXIT=") })
	if n := strings.Count(s, "for commands"); n != 1 {
		t.Errorf("the screen says how to go on %d times, want once:\n%s", n, s)
	}
	online, hi := strings.Index(s, "AIMBot is online"), strings.Index(s, "AIMBot: Hi!")
	if online < 0 || online > hi {
		t.Errorf("AIMBot's greeting comes before AIMBot is online:\n%s", s)
	}
	if strings.Contains(s, "buddy list synced") {
		t.Errorf("the first screen reports a sync:\n%s", s)
	}
}
