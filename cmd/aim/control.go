package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
)

// The session's side of the control socket: every `aim login` (and `aim
// demo`) serves one for its account, and the other commands find it there
// (see the README's "One session, many commands").

// eventRing is how many of the session's last events `aim events` shows.
const eventRing = 64

// shutdownWait bounds how long the session's last word may take to reach
// the clients of its socket.
const shutdownWait = 2 * time.Second

// sessionSocket is the control socket of a running session. A nil
// *sessionSocket is a session without one: its methods do nothing.
type sessionSocket struct {
	srv   *control.Server
	ready chan struct{} // closed once c is set (nil: the signon failed)
	c     *client.Client
	ended chan struct{} // closed when the account has signed off for good

	mu   sync.Mutex
	ring []json.RawMessage            // the last events, oldest first
	subs map[*control.Stream]struct{} // events --follow
	last json.RawMessage              // the last disconnected event
}

// sessionRunningError is a second `aim login` for an account that has a
// live session here: it must not kick the first off.
type sessionRunningError struct {
	ScreenName string
	Path       string
}

func (e *sessionRunningError) Error() string {
	return fmt.Sprintf("%s is already signed on here (its session listens on %s): "+
		"use it with aim send, aim status or aim events, or end it with aim logout", e.ScreenName, e.Path)
}

// listenSession opens the control socket of screenName's session, before
// it signs on. A live session there is a *sessionRunningError; a system
// without Unix sockets, or a socket that cannot be made for a reason that
// is not a danger, leaves the session without one (said on stderr).
func listenSession(streams *IOStreams, runtimeDir, screenName string) (*sessionSocket, error) {
	path, err := control.SocketPath(runtimeDir, os.TempDir(), screenName)
	if err != nil {
		return nil, nil // a screen name the signon will refuse anyway
	}
	s := &sessionSocket{ready: make(chan struct{}), ended: make(chan struct{}), subs: map[*control.Stream]struct{}{}}
	s.srv, err = control.Listen(path, s.handle, control.Options{})
	var (
		inUse  *control.InUseError
		unsafe *control.UnsafeDirError
	)
	switch {
	case err == nil:
		return s, nil
	case errors.As(err, &inUse):
		return nil, &sessionRunningError{ScreenName: screenName, Path: path}
	case errors.As(err, &unsafe):
		return nil, err
	case errors.Is(err, errors.ErrUnsupported):
		return nil, nil
	}
	fmt.Fprintf(streams.ErrOut, "aim: no control socket for this session (other aim commands will sign on by themselves): %v\n", err)
	return nil, nil
}

// started hands the running account to the socket's requests (nil: the
// signon failed).
func (s *sessionSocket) started(c *client.Client) {
	if s == nil {
		return
	}
	s.c = c
	close(s.ready)
}

// finish tells every client that the session has ended, with its last
// event, and closes the socket. err is why it ended, for a session that
// never got as far as a disconnected event.
func (s *sessionSocket) finish(err error) {
	if s == nil {
		return
	}
	select {
	case <-s.ready:
	default:
		close(s.ready)
	}
	close(s.ended)
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if last == nil {
		d := &client.Disconnected{Reason: client.ReasonLogout}
		if err != nil {
			d.Reason, d.Error = client.ReasonError, err.Error()
		}
		last = rawOutput(client.Stamp(d, time.Now()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	s.srv.Shutdown(ctx, last)
}

// rawOutput is o's one JSON form, without the newline.
func rawOutput(o any) json.RawMessage {
	b, _ := client.JSON(o) // cannot fail: Outputs are plain structs
	return bytes.TrimSuffix(b, []byte("\n"))
}

// emit keeps o for `aim events`, streams it to the followers, and tells
// every client of the session's connection coming and going.
func (s *sessionSocket) emit(o client.Output) {
	if s == nil {
		return
	}
	raw := rawOutput(o)
	s.mu.Lock()
	if len(s.ring) == eventRing {
		s.ring = slices.Delete(s.ring, 0, 1)
	}
	s.ring = append(s.ring, raw)
	for st := range s.subs {
		if st.Send(raw) != nil { // gone, or too slow and dropped
			delete(s.subs, st)
		}
	}
	notice := false
	switch e := o.(type) {
	case *client.Disconnected:
		s.last, notice = raw, true
	case *client.Reconnecting, *client.ReconnectFailed:
		notice = true
	case *client.SignedOn:
		notice = e.Reconnected
	}
	s.mu.Unlock()
	if notice {
		s.srv.Notify(raw)
	}
}

// handle runs one request from the socket: a command of the command table
// (the words of standard input), or status, events or logout.
func (s *sessionSocket) handle(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
	select {
	case <-s.ready:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	c := s.c
	select {
	case <-s.ended:
		c = nil
	default:
	}
	if c == nil {
		return nil, &control.Error{Code: codeEnded, Message: "the session has ended"}
	}
	switch req.Command {
	case client.CommandStatus:
		return rawOutput(c.Status()), nil
	case client.CommandEvents:
		return s.events(ctx, req.Args, st)
	case client.CommandLogout:
		return s.logout(ctx, c), nil
	}
	cmd := client.Lookup(req.Command)
	switch cmd {
	case nil:
		return nil, fmt.Errorf("%w %q", control.ErrUnknownCommand, req.Command)
	case client.CmdQuit: // on the socket, quit is logout
		return s.logout(ctx, c), nil
	}
	result := c.Begin(ctx, cmd, req.Args, true)
	return control.Later(func() (any, error) {
		r, err := result()
		if err != nil {
			return nil, &control.Error{Code: failureCodes[client.FailureOf(err)], Message: err.Error()}
		}
		return rawOutput(r), nil
	}), nil
}

// logout signs the account off; the answer comes once it has.
func (s *sessionSocket) logout(ctx context.Context, c *client.Client) control.Later {
	c.Stop()
	return func() (any, error) {
		select {
		case <-s.ended:
		case <-ctx.Done():
		}
		return rawOutput(client.Stamp(&client.Result{Command: client.CommandLogout, OK: true}, time.Now())), nil
	}
}

// events answers `events` with the events kept, or with "follow" the
// session's status and then each new event, until the client goes or the
// session ends.
func (s *sessionSocket) events(ctx context.Context, args []string, st *control.Stream) (any, error) {
	follow := false
	for _, a := range args {
		if a != "follow" {
			return nil, &control.Error{Code: control.CodeFailed, Message: fmt.Sprintf("events: unknown argument %q (want follow or nothing)", a)}
		}
		follow = true
	}
	done := rawOutput(client.Stamp(&client.Result{Command: client.CommandEvents, OK: true}, time.Now()))
	s.mu.Lock()
	if !follow {
		kept := slices.Clone(s.ring)
		s.mu.Unlock()
		for _, raw := range kept {
			if err := st.Send(raw); err != nil {
				return nil, err
			}
		}
		return done, nil
	}
	// The first line is the session as it is now (a status result): the
	// follower knows where it starts, and that it is following.
	if err := st.Send(rawOutput(s.c.Status())); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.subs[st] = struct{}{}
	s.mu.Unlock()
	return control.Later(func() (any, error) {
		<-ctx.Done()
		s.mu.Lock()
		delete(s.subs, st)
		s.mu.Unlock()
		return done, nil
	}), nil
}

// codeEnded answers a request that reaches a session as it ends: the
// command finds no session.
const codeEnded = "ended"

// failureCodes name each client.Failure on the socket, so that a command
// run through a session exits as it would have on its own. None may be a
// code the control protocol itself uses for an error that ends the
// connection (control.CodeRefused, control.CodeTooLong, ...): a client
// would take a message refused by the server for its own connection cut.
var failureCodes = map[client.Failure]string{
	client.FailureOther:   control.CodeFailed,
	client.FailureAuth:    "auth",
	client.FailureKicked:  "kicked",
	client.FailureRefused: "message_refused",
	client.FailureTooLong: "message_too_long",
	client.FailureNetwork: "network",
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
	path, err := control.SocketPath(runtimeDir, os.TempDir(), cfg.ScreenName)
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
	case errors.As(err, &ce) && ce.Code == codeEnded:
		return &sessionEndedError{}
	case errors.As(err, &ce):
		for f, code := range failureCodes {
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
