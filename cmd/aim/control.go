package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

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
// the control socket of screenName's session, before it signs on
// (sessionsock.Listen: a live session of the name is a
// *sessionsock.RunningError). A lock or socket that cannot be had leaves
// the session without it, said on stderr.
func listenSession(streams *IOStreams, runtimeDir, lockPath, screenName string) (*sessionsock.Socket, error) {
	s, warn, err := sessionsock.Listen(socketDirs(runtimeDir), lockPath, screenName)
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
