package sessionsock

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
)

// Every failure has its own code on the socket, the inverse reads it
// back, and no code is one the control protocol ends a connection with.
func TestFailureCodesRoundTrip(t *testing.T) {
	all := []client.Failure{client.FailureOther, client.FailureAuth, client.FailureKicked, client.FailureRefused,
		client.FailureTooLong, client.FailureNetwork, client.FailureUsage}
	if len(FailureCodes) != len(all) {
		t.Errorf("FailureCodes has %d codes, there are %d failures", len(FailureCodes), len(all))
	}
	seen := map[string]bool{}
	for _, f := range all {
		code, ok := FailureCodes[f]
		if !ok {
			t.Errorf("failure %d has no code", f)
			continue
		}
		if seen[code] {
			t.Errorf("code %q names two failures", code)
		}
		seen[code] = true
		if back, ok := FailureOfCode(code); !ok || back != f {
			t.Errorf("FailureOfCode(%q) = %d, %v; want %d", code, back, ok, f)
		}
		if code == CodeEnded || code == control.CodeRefused || code == control.CodeTooLong {
			t.Errorf("failure %d uses %q, a code of the protocol itself", f, code)
		}
	}
	if _, ok := FailureOfCode("no such code"); ok {
		t.Error("an unknown code reads as a failure")
	}
	// A typed error keeps its kind across the socket.
	err := CallerErr(&control.Error{Code: FailureCodes[client.FailureUsage], Message: "no screen name"})
	if re, ok := err.(*RemoteError); !ok || re.Failure != client.FailureUsage || re.Msg != "no screen name" {
		t.Errorf("CallerErr = %#v", err)
	}
}

// The caller's own failures are told apart from those a session answers
// with, and a usage error stays one in front of them.
func TestFailureOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want client.Failure
	}{
		{nil, client.FailureOther},
		{errors.New("boom"), client.FailureOther},
		{fmt.Errorf("reading: %w", context.Canceled), client.FailureInterrupted},
		{&RunningError{ScreenName: "LabAlice"}, client.FailureRunning},
		{fmt.Errorf("status: %w", &NoSessionError{ScreenName: "LabAlice"}), client.FailureNoSession},
		{&ManySessionsError{Names: []string{"laba", "labb"}}, client.FailureUsage},
		{CallerErr(&control.Error{Code: "message_refused", Message: "not signed on"}), client.FailureRefused},
		{CallerErr(&control.Error{Code: control.CodeFailed, Message: "no"}), client.FailureOther},
		{&EndedError{}, client.FailureOther},
		{&EndedError{Last: &client.Disconnected{Reason: client.ReasonClosedByServer}}, client.FailureKicked},
		{&EndedError{Last: &client.Disconnected{Reason: client.ReasonConnectionLost}}, client.FailureNetwork},
		{&EndedError{Last: &client.Disconnected{Reason: client.ReasonLogout}}, client.FailureOther},
		{&client.UsageError{Err: errors.New("bad")}, client.FailureUsage},
	} {
		if got := FailureOf(tt.err); got != tt.want {
			t.Errorf("FailureOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestEnvDirs: the socket directories come from the environment given,
// not the process's.
func TestEnvDirs(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/test", "TMPDIR": "/tmp/test"}
	d := EnvDirs(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if d.Runtime != "/run/test" || d.Temp != "/tmp/test" {
		t.Errorf("EnvDirs = %+v", d)
	}
	if d := EnvDirs(func(string) (string, bool) { return "", false }); d.Runtime != "" || d.Temp == "" {
		t.Errorf("with nothing set, EnvDirs = %+v, want no runtime dir and the system's temp dir", d)
	}
}
