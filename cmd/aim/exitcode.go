package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/sessionsock"
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
	exitRunning     = 7   // aim login: this screen name already has a session here (use it, or aim logout)
	exitNoSession   = 8   // aim status, events, logout: no session is running here for this screen name
	exitInterrupted = 130 // interrupted (SIGINT/SIGTERM cancelled the context), as shells report 128+SIGINT
)

// exitMeanings name what each exit code means, for scripts reading JSON.
var exitMeanings = map[int]string{exitOK: "ok", exitError: "error", exitUsage: "usage", exitAuth: "auth",
	exitNetwork: "network", exitKicked: "kicked", exitRefused: "refused", exitRunning: "running",
	exitNoSession: "no_session", exitInterrupted: "interrupted"}

// exitMeaning names what an exit code means.
func exitMeaning(code int) string {
	if m, ok := exitMeanings[code]; ok {
		return m
	}
	return "error"
}

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
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case isUsage(err):
		return exitUsage
	}
	var (
		running *sessionsock.RunningError
		none    *sessionsock.NoSessionError
		remote  *sessionsock.RemoteError
		ended   *sessionsock.EndedError
	)
	switch {
	case errors.As(err, &running):
		return exitRunning
	case errors.As(err, &none):
		return exitNoSession
	case errors.As(err, &remote):
		return failureExit(remote.Failure)
	case errors.As(err, &ended):
		if ended.Last == nil {
			return exitError
		}
		switch ended.Last.Reason {
		case client.ReasonSignedOnElsewhere, client.ReasonClosedByServer:
			return exitKicked
		case client.ReasonConnectionLost:
			return exitNetwork
		}
		return exitError
	}
	return failureExit(client.FailureOf(err))
}

// failureExits are the exit codes of the kinds of failure; the others
// exit 1.
var failureExits = map[client.Failure]int{client.FailureAuth: exitAuth, client.FailureKicked: exitKicked,
	client.FailureRefused: exitRefused, client.FailureTooLong: exitUsage, client.FailureNetwork: exitNetwork,
	client.FailureUsage: exitUsage}

// failureExit is the exit code of a kind of failure.
func failureExit(f client.Failure) int {
	if code, ok := failureExits[f]; ok {
		return code
	}
	return exitError
}

// isUsage reports whether err is one the user fixes by changing what they
// typed or configured: a usage error, a screen name AIM would refuse, or
// any of config's errors (settings, the config file, the password).
func isUsage(err error) bool {
	var (
		usage      *usageError
		screenName *screenname.Error
	)
	return errors.As(err, &usage) || errors.As(err, &screenName) || errors.Is(err, config.ErrSettings) ||
		errors.As(err, new(*client.UsageError)) || errors.As(err, new(*sessionsock.ManySessionsError))
}
