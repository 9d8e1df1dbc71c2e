package client

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Failure is the kind of failure an error of signing on or of a session
// is, for a front end to turn into an exit status or an answer.
type Failure int

// Failures.
const (
	FailureOther   Failure = iota
	FailureAuth            // the server refused the screen name or password
	FailureKicked          // the server ended the session (a *bos.ClosedError)
	FailureRefused         // the server refused a request (a *bos.RequestError)
	FailureTooLong         // a message or profile longer than the server takes
	FailureNetwork         // the server cannot be reached, the connection broke, a step timed out
	FailureUsage           // the command's arguments or settings are wrong (a *UsageError, a screen name, a setting)

	// Kinds of failure of the caller's side, which FailureOf never
	// returns and no session sends (sessionsock.FailureOf).
	FailureRunning     // the screen name already has a session here
	FailureNoSession   // no session runs here for the screen name
	FailureInterrupted // the caller's context was cancelled (a signal)
)

// FailureOf classifies err.
func FailureOf(err error) Failure {
	var (
		auth      *login.AuthError
		closed    *bos.ClosedError
		refused   *bos.RequestError
		tooLong   *limits.TooLongError
		loginStep *login.StepError
		bosStep   *bos.StepError
	)
	switch {
	case err == nil:
		return FailureOther
	case errors.As(err, new(*UsageError)), errors.As(err, new(*screenname.Error)), errors.Is(err, config.ErrSettings):
		return FailureUsage
	case errors.As(err, &auth):
		return FailureAuth
	case errors.As(err, &closed):
		return FailureKicked
	case errors.As(err, &refused), errors.As(err, new(*YouBlockedError)):
		return FailureRefused
	case errors.As(err, &tooLong):
		return FailureTooLong
	case errors.Is(err, bos.ErrConnectionLost), errors.As(err, &loginStep), errors.As(err, &bosStep), isNetwork(err):
		return FailureNetwork
	}
	return FailureOther
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

// Failed is the result of a command run once (aim send) that failed with
// err, for a script that reads every outcome on standard output: its
// error in words, defused (errors can quote what a server sent), or
// "interrupted" when a signal cancelled it. The caller adds the exit
// status.
func Failed(command string, err error, interrupted bool, now time.Time) *Result {
	msg := Defuse(err.Error())
	if interrupted && errors.Is(err, context.Canceled) {
		msg = "interrupted"
		if unsent := (*UnsentError)(nil); errors.As(err, &unsent) {
			msg += ": " + unsent.Error()
		} else if command == CmdSend.Name || command == CmdSendHTML.Name {
			// The session drops a message given up on (aim send's help).
			msg += ": the message was not sent, unless it was already on its way"
		}
	}
	return Stamp(&Result{Command: command, Error: msg}, now).(*Result)
}
