package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestColor (issue 22 item 18): on a terminal the demo's lines have
// colours; NO_COLOR, --color=never (or AIM_COLOR), a pipe and JSON have
// none; --color=always colours a pipe too, and wins over NO_COLOR.
func TestColor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		name              string
		terminal          bool
		noColor, aimColor string
		args              []string
		want              bool
	}{
		{"terminal", true, "", "", nil, true},
		{"NO_COLOR", true, "1", "", nil, false},
		{"never", true, "", "", []string{"--color=never"}, false},
		{"AIM_COLOR", true, "", "never", nil, false},
		{"pipe", false, "", "", nil, false},
		{"always on a pipe", false, "", "", []string{"--color=always"}, true},
		{"always over NO_COLOR", true, "1", "", []string{"--color", "always"}, true},
		{"json", true, "", "", []string{"--json", "--color=always"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			streams, in, out, errOut := testIO()
			streams.SetStdoutTTY(tt.terminal)
			in.WriteString("quit\n")
			env := func(k string) (string, bool) {
				switch k {
				case "HOME", "XDG_RUNTIME_DIR":
					return dir, true
				case "NO_COLOR":
					return tt.noColor, tt.noColor != ""
				case "AIM_COLOR":
					return tt.aimColor, tt.aimColor != ""
				case "TMPDIR":
					return testTemp(t), true
				case "PATH":
					return os.LookupEnv(k)
				}
				return "", false
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			args := append([]string{"demo"}, tt.args...)
			if code := runIn(ctx, args, streams, env); code != exitOK {
				t.Fatalf("aim %v: exit %d\n%s", args, code, errOut)
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tt.want || !strings.Contains(out.String(), "DemoUser") {
				t.Errorf("aim %v (terminal %v, NO_COLOR=%q, AIM_COLOR=%q): coloured %v, want %v:\n%q",
					args, tt.terminal, tt.noColor, tt.aimColor, got, tt.want, out)
			}
		})
	}
}
