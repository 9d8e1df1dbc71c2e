package main

import (
	"encoding/json"
	"maps"
	"path/filepath"
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
		{"set-away", "lunch"}, {"set-away", "--clear"}, {"set-profile", "hi"},
		{"info", "EchoBot"}, {"config", "path"}, {"config", "show"}, {"version"},
	}
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
		if s1, s2 := viaSession[i]["summary"], alone[i]["summary"]; c[0] != "info" && s1 != s2 {
			t.Errorf("%q: says %q through the session, %q with --no-session", c, s1, s2)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != got[1] || !strings.HasPrefix(got[0], "   three") || !strings.Contains(got[0], "\t") {
		t.Errorf("EchoBot got %q, want the message twice as sent", got)
	}
}
