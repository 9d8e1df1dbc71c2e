package main

import (
	"fmt"

	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// listenSession takes the session lock at lockPath ("" for none) and opens
// the control socket of screenName's session, before it signs on
// (sessionsock.Listen: a live session of the name is a
// *sessionsock.RunningError). A lock or socket that cannot be had leaves
// the session without it, said on stderr.
func listenSession(streams *IOStreams, dirs control.Dirs, lockPath, screenName string) (*sessionsock.Socket, error) {
	s, warn, err := sessionsock.Listen(dirs, lockPath, screenName)
	if warn != nil {
		fmt.Fprintf(streams.ErrOut, "aim: %v\n", warn)
	}
	return s, err
}
