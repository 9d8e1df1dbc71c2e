package main

import (
	"context"
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
func sessionLockPath(screenName string) string {
	dir := stateDir(screenName)
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

// The commands' side: find the session, and run a command through it.

// noSessionError is a command that needs a running session finding none.
type noSessionError struct {
	ScreenName string
}

func (e *noSessionError) Error() string {
	return fmt.Sprintf("no session is running here for %s: start one with 'aim login' (see 'aim login --help')", e.ScreenName)
}

// remoteError is a command failing in the session: it exits as the same
// failure would have in this process.
type remoteError struct {
	Failure client.Failure
	Msg     string
}

func (e *remoteError) Error() string { return e.Msg }

// sessionEndedError is the session ending while a command waited for it.
type sessionEndedError struct {
	Last *client.Disconnected // nil if it said nothing
}

func (e *sessionEndedError) Error() string {
	if e.Last != nil && e.Last.Error != "" {
		return "the session ended: " + e.Last.Error
	}
	return "the session ended"
}

// dialSession connects to the running session of cfg's account: nil and
// no error when there is none (or no screen name to find it by).
func dialSession(ctx context.Context, runtimeDir string, cfg *config.Config) (*control.Client, error) {
	if cfg.ScreenName == "" {
		return nil, nil
	}
	path, err := control.Find(socketDirs(runtimeDir), cfg.ScreenName)
	if err != nil {
		return nil, nil // the command's own checks say what is wrong with the name
	}
	c, err := control.Dial(ctx, path)
	var (
		none  *control.NoSessionError
		ended *control.EndedError
	)
	switch {
	case err == nil:
		return c, nil
	case errors.As(err, &none), errors.As(err, &ended), errors.Is(err, errors.ErrUnsupported):
		return nil, nil // none, or one ending
	}
	return nil, err
}

// remote runs one command through a session and returns its result.
// Notices about the session (reconnecting, back) go to notice, if set.
func remote(ctx context.Context, c *control.Client, command string, args []string, notice func(client.Output)) (*client.Result, error) {
	body, err := c.Do(ctx, command, args, func(r control.Reply) error {
		if r.ID == 0 && notice != nil {
			if o, err := decodeOutput(r.Body); err == nil {
				notice(o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, remoteErr(err)
	}
	o, err := decodeOutput(body)
	if err != nil {
		return nil, fmt.Errorf("the session's answer: %w", err)
	}
	r, ok := o.(*client.Result)
	if !ok {
		return nil, fmt.Errorf("the session answered with a %s, not a result", o.Kind())
	}
	return r, nil
}

// remoteErr turns what the control client returns into an error that
// exits as it should.
func remoteErr(err error) error {
	var (
		ce    *control.Error
		ended *control.EndedError
	)
	switch {
	case errors.As(err, &ce) && ce.Code == sessionsock.CodeEnded:
		return &sessionEndedError{}
	case errors.As(err, &ce):
		for f, code := range sessionsock.FailureCodes {
			if ce.Code == code {
				return &remoteError{Failure: f, Msg: ce.Message}
			}
		}
		return err
	case errors.As(err, &ended):
		e := &sessionEndedError{}
		if o, derr := decodeOutput(ended.Body); derr == nil {
			e.Last, _ = o.(*client.Disconnected)
		}
		return e
	}
	return err
}

// noticeTo prints the session's notices on w's stderr, for people: a
// command waiting through a reconnect says why it waits.
func noticeTo(streams *IOStreams, jsonOut bool) func(client.Output) {
	if jsonOut {
		return nil
	}
	return func(o client.Output) { fmt.Fprintln(streams.ErrOut, "aim: session: "+client.Text(o)) }
}

// decodeOutput reads an Output the session sent; a Result gets its text
// for people back (client.Describe), which JSON does not carry.
func decodeOutput(b []byte) (client.Output, error) {
	o, err := client.DecodeOutput(b)
	if r, ok := o.(*client.Result); ok {
		client.Describe(r)
	}
	return o, err
}
