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

// TestSendToBlockedOffline: the 2026 release keeps an IM for an offline
// user whom the sender's privacy settings keep out (it refuses one only
// while they are signed on), so aim refuses it itself, with the words and
// the exit status of the server's refusal, and nothing is stored: with no
// session, through a running one and at its prompt. Under allow-buddies a
// user who is not a buddy is refused the same way, while an offline buddy
// still has the message stored.
func TestSendToBlockedOffline(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"},
		oscartest.Account{ScreenName: "LabCarol", Password: "carolpw1"})
	defer srv.Close()
	srv.Release = oscartest.Release2026
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\nbuddies:\n  - group: Friends\n    names: [LabCarol]\n")
	const refused = `you have blocked Lab Bob (aim unblock "Lab Bob")`
	// Under allow-buddies nobody was blocked: the words say what keeps
	// Lab Bob out, and what lets him through.
	const notBuddy = `your privacy setting allow-buddies lets only buddies write to you and get your messages (aim buddies add "Lab Bob")`
	refusedCLI := func(how, refused string, args ...string) {
		t.Helper()
		code, out, stderr := runCLI(t, "", append([]string{"send", "Lab Bob", "to blocked bob"}, args...)...)
		if code != exitRefused || stderr != "aim: "+refused+"\n" || out != "" {
			t.Errorf("%s: exit %d %q %q, want exit %d and %q", how, code, out, stderr, exitRefused, refused)
		}
		if n := srv.OfflineIMs("Lab Bob"); n != 0 {
			t.Errorf("%s: the server keeps %d IMs for Lab Bob, want none", how, n)
		}
	}

	if code, out, stderr := runCLI(t, "", "block", "Lab Bob"); code != 0 {
		t.Fatalf("block: exit %d %q %q", code, out, stderr)
	}
	refusedCLI("block-deny, no session", refused)
	if code, out, stderr := runCLI(t, "", "privacy", "allow-buddies"); code != 0 {
		t.Fatalf("privacy: exit %d %q %q", code, out, stderr)
	}
	refusedCLI("allow-buddies, no session", notBuddy)
	notToSelf := func(how string) {
		t.Helper()
		// Your own settings do not keep you out: a note to yourself is
		// the server's to take or refuse (this one refuses it online).
		if _, _, stderr := runCLI(t, "", "send", "LabAlice", "a note to self"); strings.Contains(stderr, "privacy setting") {
			t.Errorf("%s: an IM to yourself: %q", how, stderr)
		}
	}
	notToSelf("allow-buddies, no session")
	code, out, stderr := runCLI(t, "", "send", "LabCarol", "for carol")
	if code != 0 || out != "-> LabCarol (offline; the server keeps it for their next signon): for carol\n" || srv.OfflineIMs("LabCarol") != 1 {
		t.Errorf("to an offline buddy under allow-buddies: exit %d %q %q, %d stored", code, out, stderr, srv.OfflineIMs("LabCarol"))
	}

	// A running session goes by the list the server keeps, once its
	// signon's sync has stored the settings there.
	r := startCLI(t, "login", "--json")
	r.out.waitFor(t, `"type":"buddy_list_synced"`)
	refusedCLI("allow-buddies, through the session", notBuddy)
	refusedCLI("allow-buddies, --online-only", notBuddy, "--online-only")
	notToSelf("allow-buddies, through the session")
	r.send(t, `send "Lab Bob" typed at the prompt`)
	r.send(t, `autoreply "Lab Bob" an automatic reply`)
	r.send(t, `html "Lab Bob" <b>html</b>`)
	r.send(t, `send LabCarol again`)
	r.out.waitFor(t, `"to":"LabCarol"`)
	if n := strings.Count(r.out.String(), `"error":"`+strings.ReplaceAll(notBuddy, `"`, `\"`)+`"`); n != 3 {
		t.Errorf("the prompt's sends to Lab Bob: %d refused, want 3:\n%s", n, r.out.String())
	}
	if a, b := srv.OfflineIMs("Lab Bob"), srv.OfflineIMs("LabCarol"); a != 0 || b != 2 {
		t.Errorf("the server keeps %d IMs for Lab Bob, %d for LabCarol; want 0 and 2", a, b)
	}
}
