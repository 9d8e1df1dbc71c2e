package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"syscall"
	"testing"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"plain", errors.New("boom"), exitError},
		{"usage", client.Usagef("bad"), exitUsage},
		{"wrapped usage", fmt.Errorf("ctx: %w", client.Usagef("bad")), exitUsage},
		{"screen name", screenname.Validate("x!"), exitUsage},
		{"setting", &config.SettingError{Key: "auth"}, exitUsage},
		{"missing setting", &config.MissingSettingError{Key: "server"}, exitUsage},
		{"file", &config.FileError{Path: "c.yaml", Err: errors.New("yaml: line 1: bad")}, exitUsage},
		{"permission", &config.PermissionError{Path: "c.yaml", Mode: 0o644}, exitUsage},
		{"no password", fmt.Errorf("sign on: %w", &config.NoPasswordError{}), exitUsage},
		{"password command", &config.PasswordCommandError{Command: "false", Status: "exit status 1"}, exitUsage},
		{"config lock", fmt.Errorf("edit: %w", &config.LockError{Path: ".config.yaml.lock", Err: errors.New("busy")}), exitUsage},
		{"no answer in time", fmt.Errorf("no answer: %w", os.ErrDeadlineExceeded), exitNetwork},
		{"BUCP refusal", &login.AuthError{Code: 0x0e, SNAC: true}, exitAuth},
		{"auth", fmt.Errorf("login: %w", &login.AuthError{Code: 5}), exitAuth},
		{"kicked", fmt.Errorf("session ended: %w", &bos.ClosedError{Reason: 1}), exitKicked},
		{"another client holds the name", &client.ContestedError{ScreenName: "LabAlice", Err: &bos.ClosedError{Reason: bos.ReasonUnexplained}}, exitKicked},
		{"closed mid-signon", &bos.StepError{Step: "waiting for host ready (01,03)", Err: &bos.ClosedError{}}, exitKicked},
		{"refused", &bos.RequestError{Code: 4}, exitRefused},
		{"too long", &limits.TooLongError{What: "message", Len: 600, Limit: 512}, exitUsage},
		{"connection lost", fmt.Errorf("session ended: %w", bos.ErrConnectionLost), exitNetwork},
		{"login step", &login.StepError{Step: "waiting for the login reply", Err: errors.New("server closed the connection")}, exitNetwork},
		{"signon step", &bos.StepError{Step: "waiting for rate limits (01,07)", Err: errors.New("the server closed the connection")}, exitNetwork},
		{"child exit status is not ours", exitError42(t), exitError},
		{"dial refused", fmt.Errorf("connecting to authorizer: %w", dialErr), exitNetwork},
		{"bare ECONNREFUSED", syscall.ECONNREFUSED, exitNetwork},
		{"dns", &net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}, exitNetwork},
		{"deadline", os.ErrDeadlineExceeded, exitNetwork},
		{"step timeout", fmt.Errorf("waiting for host ready (01,03): %w", context.DeadlineExceeded), exitNetwork},
		{"file not found is not network", &fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, exitError},
		{"interrupted", fmt.Errorf("reading: %w", context.Canceled), exitInterrupted},
		{"interrupted during dial", &net.OpError{Op: "dial", Err: context.Canceled}, exitInterrupted},
		{"a session runs already", &sessionsock.RunningError{ScreenName: "LabAlice"}, exitRunning},
		{"no session", &sessionsock.NoSessionError{ScreenName: "LabAlice"}, exitNoSession},
		{"refused in the session", sessionsock.CallerErr(&control.Error{Code: "message_refused", Message: "not signed on"}), exitRefused},
		{"network in the session", sessionsock.CallerErr(&control.Error{Code: "network", Message: "lost"}), exitNetwork},
		{"failed in the session", sessionsock.CallerErr(&control.Error{Code: control.CodeFailed, Message: "no"}), exitError},
		{"session kicked while waiting", &sessionsock.EndedError{Last: &client.Disconnected{Reason: client.ReasonSignedOnElsewhere}}, exitKicked},
		{"session lost while waiting", &sessionsock.EndedError{Last: &client.Disconnected{Reason: client.ReasonConnectionLost}}, exitNetwork},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

// exitError42 returns the *exec.ExitError of a child that exited with 42.
func exitError42(t *testing.T) error {
	t.Helper()
	if runtime.GOOS == "windows" {
		return errors.New("no sh")
	}
	err := exec.Command("sh", "-c", "exit 42").Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 42 {
		t.Fatalf("sh -c 'exit 42' = %v", err)
	}
	return fmt.Errorf("notify command: %w", err)
}

func TestRunPrintsErrorOnceAndMapsIt(t *testing.T) {
	t.Parallel()
	isolate(t)
	streams, _, out, errOut := testIO()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	// Commands that do not block still finish under a cancelled context;
	// the exit code is theirs.
	if code := run(ctx, []string{"version"}, streams); code != exitOK || out.Len() == 0 || errOut.Len() != 0 {
		t.Errorf("run(version) = %d, %q, %q", code, out, errOut)
	}
}

// TestFailureCodesKeepTheConnection: a command's failure in the session
// travels with a code of its own, never one of the control protocol's
// codes that end the connection, so a client can send its next command on
// the same connection (a message refused used to read as "refused": the
// socket's word for another user, which ends it).
func TestFailureCodesKeepTheConnection(t *testing.T) {
	t.Parallel()
	ending := []string{control.CodeVersion, control.CodeRefused, control.CodeBadRequest, control.CodeTooLong,
		control.CodeUnknownCommand, control.CodeTooSlow}
	for f, code := range sessionsock.FailureCodes {
		if slices.Contains(ending, code) {
			t.Errorf("failure %v travels as %q, which the control protocol uses for an error that ends the connection", f, code)
		}
	}
}
