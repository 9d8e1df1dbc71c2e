package main

import (
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSessionIsForItsServer: the same screen name on two servers. With
// aim login running as LabAlice on server A, a command for server B
// (--server, AIM_SERVER, a config file naming B) never goes through it:
// the ones that would use it exit 7 and say why, the ones that only talk
// to a session (status, events, logout) exit 8 and name it, and nothing
// reaches either server. A command for A, however spelled, still uses it.
func TestSessionIsForItsServer(t *testing.T) {
	t.Parallel()
	a := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer a.Close()
	b := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer b.Close()
	for _, srv := range []*oscartest.Server{a, b} {
		srv.AddBot("EchoBot", func(from, text string) string { return "" })
	}
	login, _ := startSessionInProcess(t, a) // AIM_PASSWORD stays set: nothing may sign on to B either
	A, B := a.AuthAddr(), b.AuthAddr()
	elsewhere := "LabAlice is signed on to " + A + " in another aim here"

	refused := func(what string, want int, args ...string) {
		t.Helper()
		code, out, stderr := runCLI(t, "", args...)
		words := "this command is for " + B
		if want == exitNoSession {
			words = "no session is running here for LabAlice on " + B
		}
		if code != want || !strings.Contains(stderr, elsewhere) || !strings.Contains(stderr, words) || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, nothing on stdout, and %q and %q",
				what, code, out, stderr, want, elsewhere, words)
		}
		// The logout it suggests works with no screen name configured.
		if logout := "aim logout --screen-name LabAlice)"; want == exitRunning && !strings.Contains(stderr, logout) {
			t.Errorf("%s: stderr %q does not suggest %q", what, stderr, logout)
		}
	}
	refused("send --server B", exitRunning, "--server", B, "send", "EchoBot", "for B by flag")
	setenv(t, "AIM_SERVER", B)
	refused("send with AIM_SERVER=B", exitRunning, "send", "EchoBot", "for B by env")
	setenv(t, "AIM_SERVER", "")
	cfgB := filepath.Join(t.TempDir(), "b.yaml")
	writeConfig(t, cfgB, "screen_name: LabAlice\nserver: "+B+"\n")
	setenv(t, "AIM_CONFIG", cfgB)
	refused("send with a config file for B", exitRunning, "send", "EchoBot", "for B by config")
	refused("info", exitRunning, "info", "EchoBot")
	refused("buddies add", exitRunning, "buddies", "add", "NewBot")
	refused("status", exitNoSession, "status")
	refused("events", exitNoSession, "events")
	refused("logout", exitNoSession, "logout")
	refused("chat", exitRunning, "chat", "Lab Lounge")
	refused("a second login", exitRunning, "login", "--no-input", "--for", "1s")

	for _, text := range imsSent(a, "LabAlice") {
		if strings.Contains(text, "for B") {
			t.Errorf("server A got %q, meant for B", text)
		}
	}
	if got := b.Sent("LabAlice"); len(got) != 0 {
		t.Errorf("server B got %d frames from LabAlice, want none", len(got))
	}

	// The session is still on A, and serves a command for A spelled
	// otherwise (an IPv4-mapped address).
	_, port, _ := net.SplitHostPort(A)
	setenv(t, "AIM_CONFIG", "")
	setenv(t, "AIM_SERVER", "[::ffff:127.0.0.1]:"+port)
	setenv(t, "AIM_PASSWORD", "")
	if code, _, stderr := runCLI(t, "", "send", "EchoBot", "for A"); code != 0 {
		t.Fatalf("send for A: exit %d, %s", code, stderr)
	}
	if sent := imsSent(a, "LabAlice"); !slices.Contains(sent, "for A") {
		t.Errorf("server A got %q, want %q", sent, "for A")
	}
	if code, _, stderr := runCLI(t, "", "logout"); code != 0 {
		t.Errorf("logout for A: exit %d, %s", code, stderr)
	}
	if code := login.wait(t); code != 0 {
		t.Errorf("aim login exited %d", code)
	}
}
