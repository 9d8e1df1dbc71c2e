package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestBlockCLI: aim block refuses your own name, writes the blocked list
// and the privacy mode into the config file, and the next signon stores
// them on the server; the state directory is made, private.
func TestBlockCLI(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice  # me\n")
	code, _, stderr := runCLI(t, "", "block", "Lab Alice")
	if code != exitUsage || !strings.Contains(stderr, "cannot block yourself") {
		t.Errorf("block yourself: exit %d, %q", code, stderr)
	}
	if code, out, stderr := runCLI(t, "", "block", "Lab Mallory"); code != 0 || out != "Lab Mallory is blocked (privacy now block-deny, was allow-all)\n" {
		t.Fatalf("block: exit %d, %q, %q", code, out, stderr)
	}
	text, _ := os.ReadFile(cfg)
	if want := "screen_name: LabAlice  # me\nblocked: [Lab Mallory]\nprivacy: block-deny\n"; string(text) != want {
		t.Errorf("config file:\n%s\nwant:\n%s", text, want)
	}
	if code, _, stderr := runCLI(t, "quit\n", "login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	var deny []string
	var mode bool
	for _, f := range srv.Sent("LabAlice") {
		s, err := oscar.ParseSNAC(f.Payload)
		if err != nil || f.Channel != oscar.ChannelSNAC || s.Type() != oscar.TypeFeedbagInsertItem {
			continue
		}
		var m oscar.FeedbagInsert
		m.Decode(s.Body)
		for _, it := range m.Items {
			switch it.Class {
			case oscar.FeedbagClassDeny:
				deny = append(deny, it.Name)
			case oscar.FeedbagClassPDInfo:
				p, _ := it.PrivacyMode()
				mode = p == oscar.PrivacyBlockDeny
			}
		}
	}
	if !slices.Equal(deny, []string{"Lab Mallory"}) || !mode {
		t.Errorf("the server got deny items %q, block-deny mode %v", deny, mode)
	}
	state := filepath.Join(getenv(t, "XDG_STATE_HOME"), "aim", "labalice")
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state directory %s: %v, %v", state, fi, err)
	}
}

// TestPrivacyThroughSession: with aim login running, aim block, aim
// privacy and aim buddies move go through its control socket: the
// session stores them on the server at once and edits the file; blocking
// yourself is refused before anything is asked.
func TestPrivacyThroughSession(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	r, _ := startSessionInProcess(t, srv)
	cfgPath := filepath.Join(getenv(t, "XDG_CONFIG_HOME"), "aim", "config.yaml")
	setenv(t, "AIM_PASSWORD", "")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	if code, _, stderr := runCLI(t, "", "block", "labalice"); code != exitUsage || !strings.Contains(stderr, "cannot block yourself") {
		t.Errorf("block yourself: exit %d %q", code, stderr)
	}
	// Whichever path runs it, each says the same: the session's result is
	// worded where the edit is decided (client.Block, client.Unblock).
	if code, out, stderr := runCLI(t, "", "block", "Lab Mallory"); code != 0 || out != "Lab Mallory is blocked (privacy now block-deny, was allow-all)\n" {
		t.Fatalf("block: exit %d %q %q", code, out, stderr)
	}
	r.out.waitFor(t, `"deny_added"`)
	for _, path := range [][]string{nil, {"--no-session"}} {
		if code, out, stderr := runCLI(t, "", append([]string{"block", "labmallory"}, path...)...); code != 0 || out != "labmallory is blocked already (privacy block-deny)\n" {
			t.Errorf("block %v, blocked already: exit %d %q %q", path, code, out, stderr)
		}
		if code, out, stderr := runCLI(t, "", append([]string{"unblock", "LabEve"}, path...)...); code != 0 || out != "LabEve is not blocked (privacy block-deny)\n" {
			t.Errorf("unblock %v, not blocked: exit %d %q %q", path, code, out, stderr)
		}
	}
	if code, out, stderr := runCLI(t, "", "buddies", "move", "EchoBot", "Old bots"); code != 0 {
		t.Fatalf("move: exit %d %q %q", code, out, stderr)
	}
	r.out.waitFor(t, `"buddy_moved"`)
	file := readFile(t, cfgPath)
	if !strings.Contains(file, "blocked: [Lab Mallory]") || !strings.Contains(file, "privacy: block-deny") || !strings.Contains(file, "group: Old bots") {
		t.Errorf("the config file:\n%s", file)
	}
}

// TestBlockManyThroughSession: several names in one aim block go to the
// session as one command, and each name's words are the session's own.
func TestBlockManyThroughSession(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	r, _ := startSessionInProcess(t, srv)
	setenv(t, "AIM_PASSWORD", "")
	if code, out, stderr := runCLI(t, "", "block", "Lab Mallory"); code != 0 {
		t.Fatalf("block: exit %d %q %q", code, out, stderr)
	}
	r.out.waitFor(t, `"deny_added"`)
	code, out, stderr := runCLI(t, "", "block", "labmallory", "Lab Eve")
	if code != 0 || out != "labmallory is blocked already (privacy block-deny); Lab Eve is blocked (privacy block-deny)\n" {
		t.Errorf("block of two: exit %d %q %q", code, out, stderr)
	}
}
