package runner_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/runner"
)

// TestNoPasswordSaysWhereItLooked (issue 22 item 12): a command that
// finds no running session and has no password to sign on with (cron,
// without XDG_RUNTIME_DIR) says where it looked for the session, and
// stays a missing password (exit 2).
func TestNoPasswordSaysWhereItLooked(t *testing.T) {
	tmp := t.TempDir()
	d := control.Dirs{RunUser: filepath.Join(tmp, "none"), Temp: tmp}
	noPassword := func() (client.Options, error) { return client.Options{}, &config.NoPasswordError{Path: "config.yaml"} }
	_, err := runner.Pick(t.Context(), d, &config.Config{ScreenName: "LabAlice"}, client.CmdSend, false, noPassword, nil)
	want := filepath.Join(tmp, "aim-"+strconv.Itoa(os.Getuid()), "labalice.sock")
	if !errors.As(err, new(*config.NoPasswordError)) || !strings.Contains(err.Error(), want) {
		t.Errorf("Pick: %v; want a missing password that says it looked for %s", err, want)
	}
	// --no-session looked for none.
	_, err = runner.Pick(t.Context(), d, &config.Config{ScreenName: "LabAlice"}, client.CmdSend, true, noPassword, nil)
	if err == nil || strings.Contains(err.Error(), "looked") {
		t.Errorf("Pick with --no-session: %v", err)
	}
}

// TestWait (issue 22 item 12): a command with no one at a terminal (cron)
// waits a bounded time by default for a running session that is
// reconnecting; a person at a terminal, or --timeout, decides otherwise.
func TestWait(t *testing.T) {
	for _, tt := range []struct {
		timeout         time.Duration
		given, terminal bool
		want            time.Duration
	}{
		{0, false, false, runner.ScriptWait},
		{0, false, true, 0},
		{0, true, false, 0},
		{5 * time.Second, true, false, 5 * time.Second},
		{5 * time.Second, true, true, 5 * time.Second},
	} {
		if got := runner.Wait(tt.timeout, tt.given, tt.terminal); got != tt.want {
			t.Errorf("Wait(%v, given %v, terminal %v) = %v, want %v", tt.timeout, tt.given, tt.terminal, got, tt.want)
		}
	}
	if runner.ScriptWait <= 0 {
		t.Errorf("ScriptWait = %v: a script would wait forever", runner.ScriptWait)
	}
}

// TestListsCheckFirst: every argument list is checked before anything
// signs on: a bad name in the second list asks for no password.
func TestListsCheckFirst(t *testing.T) {
	tmp := t.TempDir()
	asked := false
	l := &runner.Lists{Dirs: control.Dirs{RunUser: filepath.Join(tmp, "none"), Temp: tmp},
		Config: &config.Config{ScreenName: "LabAlice"}, Command: client.CmdSend, NoSession: true,
		Lists: [][]string{{client.PlainText, "LabBob", "hi"}, {client.PlainText, "x!", "hi"}},
		Own: func(*config.Config) (client.Options, error) {
			asked = true
			return client.Options{}, errors.New("signed on")
		}}
	err := l.Run(t.Context(), func(*client.Result) error { t.Error("a result came"); return nil })
	if client.FailureOf(err) != client.FailureUsage || asked {
		t.Errorf("Run: %v (asked for the account: %v); want a usage error before signing on", err, asked)
	}
}
