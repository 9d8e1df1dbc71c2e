package sessionsock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
)

// The caller's side of the session protocol: find the account's running
// session, run a command through it, and turn its answers back into
// results and typed errors, so a command exits as it would have run here.

// FailureOf classifies an error of a command run here or through a
// running session, for the caller's exit status: the kinds of
// client.FailureOf, the kind a session answered with (a *RemoteError),
// how a session ended while the command waited, and this side's own (a
// session already running, none running, several to choose from, the
// caller interrupted).
func FailureOf(err error) client.Failure {
	var (
		remote *RemoteError
		ended  *EndedError
	)
	switch {
	case err == nil:
		return client.FailureOther
	case errors.Is(err, context.Canceled):
		return client.FailureInterrupted
	case errors.As(err, new(*ManySessionsError)):
		return client.FailureUsage
	case errors.As(err, new(*RunningError)), errors.As(err, new(*OtherServerError)):
		return client.FailureRunning
	case errors.As(err, new(*NoSessionError)):
		return client.FailureNoSession
	case errors.As(err, &remote):
		return remote.Failure
	case errors.As(err, &ended):
		switch {
		case ended.Last == nil:
		case ended.Last.Reason == client.ReasonSignedOnElsewhere, ended.Last.Reason == client.ReasonClosedByServer:
			return client.FailureKicked
		case ended.Last.Reason == client.ReasonConnectionLost:
			return client.FailureNetwork
		}
		return client.FailureOther
	}
	return client.FailureOf(err)
}

// NoSessionError is a command that needs a running session finding none.
type NoSessionError struct {
	ScreenName string
	Looked     []string // the sockets looked for (Looked), if known
	// Other is the session of the name that runs here, signed on to
	// another server than the command's; nil if none.
	Other *OtherServerError
}

func (e *NoSessionError) Error() string {
	if o := e.Other; o != nil {
		return fmt.Sprintf("no session is running here for %s on %s: %s; %s", e.ScreenName, o.Wanted, o.elsewhere(), o.useIt())
	}
	return fmt.Sprintf("no session is running here for %s%s: start one with 'aim login' (see 'aim login --help')", e.ScreenName, lookedIn(e.Looked))
}

// OtherServerError is the running session of a command's screen name
// signed on to another server than the one the command is for (the same
// screen name on two servers): the command must not go through it, and
// since one session of a name runs here at a time (its lock), no second
// one can start beside it.
type OtherServerError struct {
	ScreenName string // as the session or the command spells it
	Server     string // the session's
	Wanted     string // the command's
}

func (e *OtherServerError) Error() string {
	return fmt.Sprintf("%s, and this command is for %s: to use %s, sign that session off first (AIM_SERVER=%s aim logout --screen-name %s); %s",
		e.elsewhere(), e.Wanted, e.Wanted, e.Server, client.QuoteName(e.ScreenName), e.useIt())
}

// elsewhere and useIt are the words of both errors about such a session
// (AIM_SERVER, which every command reads; not all take --server).
func (e *OtherServerError) elsewhere() string {
	return fmt.Sprintf("%s is signed on to %s in another aim here", e.ScreenName, e.Server)
}

func (e *OtherServerError) useIt() string {
	return fmt.Sprintf("to go through it, run the command with AIM_SERVER=%s (or the config file for %s)", e.Server, e.Server)
}

// NoSession is the error of a command that found no session of
// screenName, saying where it looked.
func NoSession(dirs control.Dirs, screenName string) *NoSessionError {
	return &NoSessionError{ScreenName: screenName, Looked: Looked(dirs, screenName)}
}

// Looked returns the sockets where a command looks for screenName's
// session (nil for a name that cannot have one).
func Looked(dirs control.Dirs, screenName string) []string {
	places, _ := dirs.Places(screenName)
	return places
}

// lookedIn says where a command looked: " (looked for A, B)".
func lookedIn(places []string) string {
	if len(places) == 0 {
		return ""
	}
	return " (looked for " + strings.Join(places, ", ") + ")"
}

// ManySessionsError is a command with no screen name to pick a session by
// finding several running.
type ManySessionsError struct {
	Names []string // normalized, as their sockets are named
}

func (e *ManySessionsError) Error() string {
	return fmt.Sprintf("sessions of %s run here, and no screen name says which to use: pick one with --screen-name (or AIM_SCREEN_NAME, or screen_name in the config file)",
		strings.Join(e.Names, ", "))
}

// RemoteError is a command failing in the session, with the kind of
// failure it had there (FailureCodes, read back by FailureOfCode).
type RemoteError struct {
	Failure client.Failure
	Msg     string
}

func (e *RemoteError) Error() string { return e.Msg }

// EndedError is the session ending while a command waited for it.
type EndedError struct {
	Last *client.Disconnected // nil if it said nothing
}

func (e *EndedError) Error() string {
	if e.Last != nil && e.Last.Error != "" {
		return "the session ended: " + e.Last.Error
	}
	return "the session ended"
}

// FailureOfCode is the inverse of FailureCodes: the failure a code
// names, and whether it names one.
func FailureOfCode(code string) (client.Failure, bool) {
	f, ok := failureOfCode[code]
	return f, ok
}

var failureOfCode = func() map[string]client.Failure {
	m := make(map[string]client.Failure, len(FailureCodes))
	for f, code := range FailureCodes {
		m[code] = f
	}
	return m
}()

// EnvDirs are where the sessions' control sockets may be, in the
// environment env looks up: $XDG_RUNTIME_DIR, and $TMPDIR (else
// os.TempDir()).
func EnvDirs(env func(string) (string, bool)) control.Dirs {
	d := control.Dirs{Temp: os.TempDir()}
	d.Runtime, _ = env("XDG_RUNTIME_DIR")
	if tmp, _ := env("TMPDIR"); tmp != "" {
		d.Temp = tmp
	}
	return d
}

// Dial connects to the running session of screenName, its socket in
// dirs: nil and no error when there is none. With no screen name it
// connects to the one session running here: none is nil, several a
// *ManySessionsError.
func Dial(ctx context.Context, dirs control.Dirs, screenName string) (*control.Client, error) {
	if screenName == "" {
		switch running := control.Running(dirs); len(running) {
		case 0:
			return nil, nil
		case 1:
			screenName = running[0]
		default:
			return nil, &ManySessionsError{Names: running}
		}
	}
	path, err := control.Find(dirs, screenName)
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

// Run runs one command through a session and returns its result. Notices
// about the session (reconnecting, back) go to notice, if set.
func Run(ctx context.Context, c *control.Client, command string, args []string, notice func(client.Output)) (*client.Result, error) {
	body, err := c.Do(ctx, command, args, func(r control.Reply) error {
		if r.ID == 0 && notice != nil {
			if o, err := DecodeOutput(r.Body); err == nil {
				notice(o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, CallerErr(err)
	}
	o, err := DecodeOutput(body)
	if err != nil {
		return nil, fmt.Errorf("the session's answer: %w", err)
	}
	r, ok := o.(*client.Result)
	if !ok {
		return nil, fmt.Errorf("the session answered with a %s, not a result", o.Kind())
	}
	return r, nil
}

// CallerErr turns what the control client returns into a typed error:
// *EndedError, *RemoteError, or err as it is.
func CallerErr(err error) error {
	var (
		ce    *control.Error
		ended *control.EndedError
	)
	switch {
	case errors.As(err, &ce) && ce.Code == CodeEnded:
		return &EndedError{}
	case errors.As(err, &ce):
		if f, ok := FailureOfCode(ce.Code); ok {
			return &RemoteError{Failure: f, Msg: ce.Message}
		}
		return err
	case errors.As(err, &ended):
		e := &EndedError{}
		if o, derr := DecodeOutput(ended.Body); derr == nil {
			e.Last, _ = o.(*client.Disconnected)
		}
		return e
	}
	return err
}

// DecodeOutput reads an Output the session sent; a Result gets its text
// for people back (client.Describe), which JSON does not carry.
func DecodeOutput(b []byte) (client.Output, error) {
	o, err := client.DecodeOutput(b)
	if r, ok := o.(*client.Result); ok && r.Summary == "" {
		client.Describe(r)
	}
	return o, err
}

// Events runs `aim events` on c: the events the session kept, or with
// follow its status and then each new event until ctx ends or the
// session does. show gets each as the session wrote it (its one JSON
// form), then the session's last word if it ended (unless shown
// already). A logout is nil; any other end is an *EndedError.
func Events(ctx context.Context, c *control.Client, follow bool, show func(json.RawMessage) error) error {
	var args []string
	if follow {
		args = []string{"follow"}
	}
	var last json.RawMessage
	_, err := c.Do(ctx, client.CommandEvents, args, func(r control.Reply) error {
		if r.ID == 0 {
			return nil // notices: the events say the same, when they happen
		}
		last = r.Body
		return show(r.Body)
	})
	var ended *control.EndedError
	if errors.As(err, &ended) && ended.Body != nil && !bytes.Equal(ended.Body, last) {
		if serr := show(ended.Body); serr != nil {
			return serr
		}
	}
	err = CallerErr(err)
	if e := (*EndedError)(nil); errors.As(err, &e) && e.Last != nil && e.Last.Reason == client.ReasonLogout {
		return nil
	}
	if follow && err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return nil // Ctrl-C is how one stops following
	}
	return err
}

// RunningError is a second session for an account that has a live one
// here: it must not sign the first off.
type RunningError struct {
	ScreenName string
	Path       string // its control socket; "" when it cannot be found just now
}

func (e *RunningError) Error() string {
	if e.Path == "" { // removed (made again soon), or none could be made
		return fmt.Sprintf("%s is already signed on here, but its control socket cannot be found just now "+
			"(if it was removed, the session makes it again within half a minute; if the session said it has none, "+
			"stop it where it runs)", e.ScreenName)
	}
	return fmt.Sprintf("%s is already signed on here (its session listens on %s): "+
		"use it with aim send, aim status or aim events, or end it with aim logout", e.ScreenName, e.Path)
}
