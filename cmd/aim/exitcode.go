package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/login"
)

// Exit codes. These are the only numbers aim exits with; exitCode is the
// only place that chooses one.
const (
	exitOK          = 0   // success, including no-op edits
	exitError       = 1   // any failure not listed below
	exitUsage       = 2   // bad flags, arguments or settings (command line, environment or config file), or no password to use
	exitAuth        = 3   // the server refused the screen name or password
	exitNetwork     = 4   // could not reach the server, or the connection broke or timed out
	exitKicked      = 5   // signed off by the server: signed on elsewhere, or kicked
	exitRefused     = 6   // a message was refused: the recipient is offline or the server would not deliver it
	exitInterrupted = 130 // interrupted (SIGINT/SIGTERM cancelled the context), as shells report 128+SIGINT
)

// usageError is a mistake on the command line: a bad flag, a missing or
// extra argument, an invalid name. run prints a hint to see --help.
type usageError struct {
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf returns a *usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// exitCode turns an error returned by a command into the process's exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	if code, ok := sessionExitCode(err); ok {
		return code
	}
	if isUsage(err) {
		return exitUsage
	}
	if isNetwork(err) {
		return exitNetwork
	}
	return exitError
}

// isNetwork reports whether err comes from the network: a dial, read or
// write that failed or timed out, or a name that did not resolve.
func isNetwork(err error) bool {
	var (
		opErr  *net.OpError
		dnsErr *net.DNSError
	)
	if errors.As(err, &opErr) || errors.As(err, &dnsErr) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED,
		syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ETIMEDOUT, syscall.EPIPE} {
		if errors.Is(err, errno) {
			return true
		}
	}
	// Other net.Errors (deadlines, context.DeadlineExceeded), but not a bare
	// syscall.Errno: every Errno has the net.Error methods, including
	// ENOENT from opening a file.
	var netErr net.Error
	if errors.As(err, &netErr) {
		_, isErrno := netErr.(syscall.Errno)
		return !isErrno
	}
	return false
}

// isUsage reports whether err is one the user fixes by changing what they
// typed or configured.
func isUsage(err error) bool {
	var (
		usage      *usageError
		screenName *config.ScreenNameError
		setting    *config.SettingError
		missing    *config.MissingSettingError
		perm       *config.PermissionError
		file       *config.FileError
		tooLong    *config.TooLongError
		noPassword *config.NoPasswordError
		pwCommand  *config.PasswordCommandError
	)
	return errors.As(err, &usage) || errors.As(err, &screenName) || errors.As(err, &setting) ||
		errors.As(err, &missing) || errors.As(err, &perm) || errors.As(err, &file) ||
		errors.As(err, &tooLong) || errors.As(err, &noPassword) || errors.As(err, &pwCommand)
}

// sessionExitCode maps the errors of signing on and of a live session.
func sessionExitCode(err error) (int, bool) {
	var (
		auth      *login.AuthError
		closed    *bos.ClosedError
		refused   *bos.RequestError
		tooLong   *bos.TooLongError
		loginStep *login.StepError
		bosStep   *bos.StepError
	)
	switch {
	case errors.As(err, &auth):
		return exitAuth, true
	case errors.As(err, &closed):
		return exitKicked, true
	case errors.As(err, &refused):
		return exitRefused, true
	case errors.As(err, &tooLong):
		return exitUsage, true
	case errors.Is(err, bos.ErrConnectionLost), errors.As(err, &loginStep), errors.As(err, &bosStep):
		return exitNetwork, true
	}
	return 0, false
}
