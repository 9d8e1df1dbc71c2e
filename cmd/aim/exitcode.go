package main

import (
	"github.com/aim-oscar/aim/internal/client"
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
	exitRunning     = 7   // aim login: this screen name already has a session here (use it, or aim logout); any command: it is for another server
	exitNoSession   = 8   // aim status, events, logout: no session is running here for this screen name and server
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

// exitCode turns an error returned by a command into the process's exit
// code, by its kind (sessionsock.FailureOf).
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if code, ok := failureExits[sessionsock.FailureOf(err)]; ok {
		return code
	}
	return exitError
}

// failureExits are the exit codes of the kinds of failure; the others
// exit 1.
var failureExits = map[client.Failure]int{client.FailureAuth: exitAuth, client.FailureKicked: exitKicked,
	client.FailureRefused: exitRefused, client.FailureTooLong: exitUsage, client.FailureNetwork: exitNetwork,
	client.FailureUsage: exitUsage, client.FailureRunning: exitRunning, client.FailureNoSession: exitNoSession,
	client.FailureInterrupted: exitInterrupted}
