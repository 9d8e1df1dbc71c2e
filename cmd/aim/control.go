package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// sessionRunningError is a second `aim login` for an account that has a
// live session here: it must not kick the first off.
type sessionRunningError struct {
	ScreenName string
	Path       string
}

func (e *sessionRunningError) Error() string {
	if e.Path == "" { // removed (made again soon), or none could be made
		return fmt.Sprintf("%s is already signed on here, but its control socket cannot be found just now "+
			"(if it was removed, the session makes it again within half a minute; if the session said it has none, "+
			"stop it where it runs)", e.ScreenName)
	}
	return fmt.Sprintf("%s is already signed on here (its session listens on %s): "+
		"use it with aim send, aim status or aim events, or end it with aim logout", e.ScreenName, e.Path)
}

// socketDirs are where control sockets may be, for sessions and commands.
func socketDirs(runtimeDir string) control.Dirs {
	return control.Dirs{Runtime: runtimeDir, Temp: os.TempDir()}
}

// sessionLockPath is the one-session lock of screenName's sessions, in its
// state directory ("" without one).
func sessionLockPath(cfg *config.Config) string {
	dir := cfg.StateDir(cfg.ScreenName)
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "session.lock")
}

// listenSession takes the session lock at lockPath ("" for none) and opens
// the control socket of screenName's session, before it signs on. A live
// session of the name is a *sessionRunningError; a lock or socket that
// cannot be had leaves the session without it, said on stderr.
func listenSession(streams *IOStreams, runtimeDir, lockPath, screenName string) (*sessionsock.Socket, error) {
	s, warn, err := sessionsock.Listen(socketDirs(runtimeDir), lockPath, screenName)
	var inUse *control.InUseError
	if errors.As(err, &inUse) {
		return nil, &sessionRunningError{ScreenName: screenName, Path: inUse.Path}
	}
	if warn != nil {
		fmt.Fprintf(streams.ErrOut, "aim: %v\n", warn)
	}
	return s, err
}

// noticeTo prints the session's notices on w's stderr, for people: a
// command waiting through a reconnect says why it waits.
func noticeTo(streams *IOStreams, jsonOut bool) func(client.Output) {
	if jsonOut {
		return nil
	}
	return func(o client.Output) { fmt.Fprintln(streams.ErrOut, "aim: session: "+client.Text(o)) }
}
