package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// inOrder fails unless each of want is in s, each after the one before.
func inOrder(t *testing.T, what, s string, want ...string) {
	t.Helper()
	rest := s
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s: %q missing or out of order in:\n%s", what, w, s)
			return
		}
		rest = rest[i+len(w):]
	}
}

// TestHistoryEndToEnd: two accounts exchange IMs (CJK, emoji, HTML) and
// talk in a room, each through aim login, and one sends once with a signon
// of its own; after both sign off, aim history shows each one every line
// in order with its direction, --grep finds them, --json lines parse, and
// the files are private.
func TestHistoryEndToEnd(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
	defer srv.Close()
	cliEnv(t, srv, "")
	dir := t.TempDir()
	alice, bob := filepath.Join(dir, "alice.yaml"), filepath.Join(dir, "bob.yaml")
	writeConfig(t, alice, "screen_name: LabAlice\npassword: alicepw1\n")
	writeConfig(t, bob, "screen_name: Lab Bob\npassword: bobpass22\n")

	b := startCLI(t, "login", "--config", bob, "--json")
	b.out.waitFor(t, `"type":"signed_on"`)
	if code, _, stderr := runCLI(t, "", "send", "--config", alice, "--no-session", "labbob", "one-shot 🚀"); code != 0 {
		t.Fatalf("aim send: exit %d: %s", code, stderr)
	}
	b.out.waitFor(t, "one-shot 🚀")

	a := startCLI(t, "login", "--config", alice, "--json")
	a.out.waitFor(t, `"type":"signed_on"`)
	a.send(t, `send "Lab Bob" héllo 漢字 😀 <b>&`)
	b.out.waitFor(t, "héllo 漢字 😀")
	b.send(t, "html LabAlice <b>bold</b> &amp; 🎉")
	a.out.waitFor(t, "bold")
	a.send(t, "join Lab Lounge")
	a.out.waitFor(t, `"type":"chat_joined"`)
	b.send(t, "join lab lounge")
	b.out.waitFor(t, `"type":"chat_joined"`)
	a.out.waitFor(t, `"type":"chat_member_joined"`)
	a.send(t, "say Lab Lounge 你好 everyone")
	b.out.waitFor(t, "你好 everyone")
	b.send(t, "say --html Lab Lounge <i>hi</i> 🙂")
	a.out.waitFor(t, "hi 🙂")
	b.in.Close()
	if code := b.wait(t); code != 0 {
		t.Fatalf("bob's aim login: exit %d: %s", code, b.errOut.String())
	}
	a.out.waitFor(t, `"type":"chat_member_left"`)
	a.in.Close()
	if code := a.wait(t); code != 0 {
		t.Fatalf("alice's aim login: exit %d: %s", code, a.errOut.String())
	}

	history := func(args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, "", append([]string{"history"}, args...)...)
		if code != 0 {
			t.Fatalf("aim history %v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	inOrder(t, "alice's history with Lab Bob", history("--config", alice, "Lab Bob"),
		"-> labbob: one-shot 🚀", "signed on as LabAlice", "-> Lab Bob: héllo 漢字 😀 <b>&", "Lab Bob: bold & 🎉")
	inOrder(t, "bob's history with LabAlice", history("--config", bob, "LABALICE"),
		"LabAlice: one-shot 🚀", "LabAlice: héllo 漢字 😀 <b>&", "-> LabAlice: bold & 🎉")
	// With no screen name in the config file, --screen-name says whose
	// history it is, as the error without one says to.
	none := filepath.Join(dir, "none.yaml")
	writeConfig(t, none, "buddies: []\n")
	if code, _, stderr := runCLI(t, "", "history", "--config", none, "LabAlice"); code != exitUsage || !strings.Contains(stderr, "--screen-name") {
		t.Errorf("history with no screen name: exit %d, %q", code, stderr)
	}
	inOrder(t, "bob's history by --screen-name", history("--config", none, "--screen-name", "labbob", "LabAlice"), "LabAlice: one-shot 🚀")
	inOrder(t, "alice's room", history("--config", alice, "lab lounge"),
		"[Lab Lounge] you joined", "[Lab Lounge] Lab Bob joined", "[Lab Lounge] you: 你好 everyone",
		"[Lab Lounge] Lab Bob: hi 🙂", "[Lab Lounge] Lab Bob left", "[Lab Lounge] you left")
	inOrder(t, "bob's room", history("--config", bob, "Lab Lounge"),
		"[Lab Lounge] you joined", "[Lab Lounge] LabAlice: 你好 everyone", "[Lab Lounge] you: hi 🙂", "[Lab Lounge] you left")
	if out := history("--config", alice, "Lab Bob", "--limit", "1"); strings.Contains(out, "héllo") || !strings.Contains(out, "bold") {
		t.Errorf("--limit 1:\n%s", out)
	}

	// --grep, in any case, across every conversation.
	grep := history("--config", bob, "--grep", "HÉLLO 漢字")
	inOrder(t, "bob's --grep", grep, "== IMs with LabAlice", "LabAlice: héllo 漢字 😀")
	if strings.Contains(grep, "one-shot") || strings.Contains(grep, "Lab Lounge") {
		t.Errorf("--grep found lines without the text:\n%s", grep)
	}
	inOrder(t, "alice's --grep", history("--config", alice, "--grep", "hi 🙂"), "== room Lab Lounge", "[Lab Lounge] Lab Bob: hi 🙂")
	// A conversation whose lines found are all yours is named as the
	// buddy list spells it; without one, as you typed it.
	inOrder(t, "alice's --grep of her own", history("--config", alice, "--grep", "ONE-SHOT"), "== IMs with labbob", "-> labbob: one-shot 🚀")
	writeConfig(t, alice, "screen_name: LabAlice\npassword: alicepw1\nbuddies:\n  - group: Friends\n    names: [\"Lab Bob\"]\n")
	inOrder(t, "alice's --grep of her own, Lab Bob a buddy", history("--config", alice, "--grep", "ONE-SHOT"), "== IMs with Lab Bob", "-> labbob: one-shot 🚀")

	// --json: the stored lines, each with its direction, and the
	// session's markers between them.
	var dirs []string
	for _, line := range strings.Split(strings.TrimSpace(history("--config", alice, "Lab Bob", "--json")), "\n") {
		var ev struct{ Type, Direction, Text string }
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("--json line %q: %v", line, err)
		}
		dirs = append(dirs, ev.Type+" "+ev.Direction+" "+ev.Text)
	}
	if got, want := strings.Join(dirs, "|"), "im out one-shot 🚀|signed_on in |im out héllo 漢字 😀 <b>&|im in bold & 🎉"; got != want {
		t.Errorf("--json:\n got %s\nwant %s", got, want)
	}

	// The conversations are listed; files are 0600, directories 0700.
	inOrder(t, "the list", history("--config", alice), "im    labbob", "room  lablounge")
	// With --json, each one is an object with type and time as every other.
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(history("--config", alice, "--json")), "\n") {
		var c struct {
			Type, Kind, Name string
			Time, Last       time.Time
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil || c.Time.IsZero() || c.Last.IsZero() {
			t.Fatalf("--json list line %q: %v", line, err)
		}
		kinds = append(kinds, c.Type+" "+c.Kind+" "+c.Name)
	}
	if got, want := strings.Join(kinds, "|"), "history_conversation im labbob|history_conversation room lablounge"; got != want {
		t.Errorf("--json list:\n got %s\nwant %s", got, want)
	}
	state := filepath.Join(getenv(t, "XDG_STATE_HOME"), "aim", "labalice", "history")
	filepath.Walk(state, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, info.Mode().Perm(), want)
		}
		return nil
	})

	// --forget says what it removed; then there is nothing to show.
	if out := history("--config", alice, "--forget", "LabBob"); !strings.Contains(out, filepath.Join(state, "im", "labbob")) {
		t.Errorf("--forget said:\n%s", out)
	}
	if code, _, stderr := runCLI(t, "", "history", "--config", alice, "LabBob"); code == 0 || !strings.Contains(stderr, "no history with LabBob") {
		t.Errorf("after --forget: exit %d: %s", code, stderr)
	}
}
