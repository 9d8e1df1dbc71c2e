package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSamePathsSameOutput: each command prints, with --json, only objects
// with type and time, and the same fields whether it ran through a running
// session or with --no-session; a message with leading spaces, quotes and
// tabs arrives the same both ways.
func TestSamePathsSameOutput(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpw1"})
	defer srv.Close()
	var mu sync.Mutex
	var got []string
	srv.AddBot("EchoBot", func(from, text string) string {
		mu.Lock()
		got = append(got, text)
		mu.Unlock()
		return ""
	})
	const message = "   three leading spaces, \"quotes\" and\ta tab"
	commands := [][]string{
		{"send", "EchoBot", message},
		{"block", "Lab Mallory"}, {"block", "Lab Mallory"}, {"unblock", "Lab Mallory"},
		{"privacy", "allow-all"}, {"blocked"},
		{"buddies", "add", "LabCarol"}, {"buddies", "add", "LabCarol"}, {"buddies", "move", "LabCarol", "Work"},
		{"buddies", "remove", "LabCarol"}, {"buddies", "remove", "LabCarol"}, {"buddies", "list"},
		{"set-away", "lunch"}, {"set-away", "--clear"}, {"set-away", "--clear"}, {"set-profile", "hi"}, {"set-profile", "--clear"},
		{"info", "EchoBot"}, {"config", "path"}, {"config", "show"}, {"version"}, {"status"},
	}
	// Each command runs with --json, then again in text (the second time
	// may say "already"): the same words on both paths, never the clock
	// first.
	since := regexp.MustCompile(` since [0-9-]+ [0-9:]+`) // status: when this session signed on
	clock := regexp.MustCompile(`^\d\d:\d\d(:\d\d)? `)
	var texts [2][]string
	phase := func(extra ...string) []map[string]any {
		var out []map[string]any
		for _, c := range commands {
			code, stdout, stderr := runCLI(t, "", append(append(slices.Clone(c), "--json"), extra...)...)
			if code != 0 {
				t.Fatalf("%q %q: exit %d: %s", c, extra, code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != 1 {
				t.Fatalf("%q %q: %d lines: %s", c, extra, len(lines), stdout)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
				t.Fatalf("%q %q: %v: %s", c, extra, err, stdout)
			}
			if m["type"] == nil || m["time"] == nil {
				t.Errorf("%q %q: no type or time: %s", c, extra, stdout)
			}
			out = append(out, m)

			code, stdout, stderr = runCLI(t, "", append(slices.Clone(c), extra...)...)
			if code != 0 {
				t.Fatalf("%q %q in text: exit %d: %s", c, extra, code, stderr)
			}
			if clock.MatchString(stdout) {
				t.Errorf("%q %q in text starts with the time: %s", c, extra, stdout)
			}
			texts[len(extra)] = append(texts[len(extra)], stdout+stderr)
		}
		return out
	}
	r, _ := startSessionInProcess(t, srv)
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	viaSession := phase()
	if code, _, stderr := runCLI(t, "", "logout"); code != 0 {
		t.Fatalf("logout: %d %s", code, stderr)
	}
	r.wait(t)
	writeConfig(t, filepath.Join(getenv(t, "XDG_CONFIG_HOME"), "aim", "config.yaml"), "screen_name: LabAlice\nbuddies:\n  - group: Bots\n    names: [EchoBot]\n")
	alone := phase("--no-session")

	for i, c := range commands {
		a, b := slices.Sorted(maps.Keys(viaSession[i])), slices.Sorted(maps.Keys(alone[i]))
		if !slices.Equal(a, b) {
			t.Errorf("%q: through the session %v, with --no-session %v", c, a, b)
		}
		for _, k := range a {
			if k == "time" || k == "signon_time" && c[0] == "status" { // two sessions, two signons
				continue
			}
			if v1, v2 := since.ReplaceAllString(fmt.Sprint(viaSession[i][k]), ""), since.ReplaceAllString(fmt.Sprint(alone[i][k]), ""); v1 != v2 {
				t.Errorf("%q: %s is %s through the session, %s with --no-session", c, k, v1, v2)
			}
		}
	}
	for i, c := range commands {
		if since.ReplaceAllString(texts[0][i], "") != since.ReplaceAllString(texts[1][i], "") {
			t.Errorf("%q in text: through the session\n%s\nwith --no-session\n%s", c, texts[0][i], texts[1][i])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 || got[0] != got[1] || got[0] != got[2] || got[0] != got[3] || !strings.HasPrefix(got[0], "   three") || !strings.Contains(got[0], "\t") {
		t.Errorf("EchoBot got %q, want the message as sent, each time", got)
	}
}

// TestTextThatBeginsWithADash: a message that begins with "-" reads as
// flags, and the error says how to pass it; after "--" it arrives as
// typed.
func TestTextThatBeginsWithADash(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	got := make(chan string, 1)
	srv.AddBot("EchoBot", func(_, text string) string { got <- text; return "" })
	cliEnv(t, srv, "alicepw1")
	code, _, stderr := runCLI(t, "", "send", "--screen-name", "LabAlice", "EchoBot", "-1 for me")
	if code != exitUsage || !strings.Contains(stderr, "put -- before the arguments: aim send -- NAME [MESSAGE...]") {
		t.Errorf("send NAME -TEXT: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "send", "--screen-name", "LabAlice", "--", "EchoBot", "-1 for me")
	if code != exitOK {
		t.Fatalf("send -- NAME -TEXT: exit %d, %q", code, stderr)
	}
	if text := <-got; text != "-1 for me" {
		t.Errorf("EchoBot got %q, want %q", text, "-1 for me")
	}
	// "-" alone is standard input, as for set-away.
	if code, _, stderr := runCLI(t, "from stdin\n", "send", "--screen-name", "LabAlice", "EchoBot", "-"); code != exitOK {
		t.Fatalf("send NAME -: exit %d, %q", code, stderr)
	}
	if text := <-got; text != "from stdin" {
		t.Errorf("send NAME - sent %q, want the standard input", text)
	}
	// A command with no arguments has no such hint, nor a mistyped long
	// flag.
	for _, args := range [][]string{{"status", "-x"}, {"send", "--bogus", "EchoBot", "hi"}} {
		if code, _, stderr := runCLI(t, "", args...); code != exitUsage || strings.Contains(stderr, "put --") {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
}
