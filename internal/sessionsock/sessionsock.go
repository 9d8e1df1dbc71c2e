// Package sessionsock is the session's side of the control socket: every
// `aim login` (and `aim demo`) serves one for its account, and the other
// commands find it there (see the README's "One session, many commands").
// It answers the socket's requests from a running *client.Client: the
// commands of the command table, status, events and logout.
package sessionsock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
)

// EventRing is how many of the session's last events `aim events` shows.
const EventRing = 64

// shutdownWait bounds how long the session's last word may take to reach
// the clients of its socket.
const shutdownWait = 2 * time.Second

// Socket is the control socket of a running session, and its
// one-session lock. A nil *Socket is a session without either, and one
// with a nil srv a session with only the lock: its methods then do
// nothing but keep and release the lock.
type Socket struct {
	srv    *control.Server
	unlock func() error  // the session lock's; nil without one
	ready  chan struct{} // closed once c is set (nil: the signon failed)
	c      *client.Client
	ended  chan struct{} // closed when the account has signed off for good
	// share hands on the results that are also events (Shared): the
	// session's own Emit when it has more followers than the socket's
	// (ShareThrough); nil: the socket's (Emit).
	share func(client.Output)

	mu   sync.Mutex
	ring []json.RawMessage            // the last events, oldest first
	subs map[*control.Stream]struct{} // events --follow
	last json.RawMessage              // the last disconnected event
}

// Listen takes the one-session lock of screenName at lockPath (in the
// account's state directory; "" for none, see control.LockSession) and
// opens its control socket in one of dirs (control.ListenSession), before
// the session signs on. The socket's hello says the server the session
// signs on to (ServerOf; "" says nothing: any command may use it). A live session of the name, holding the lock or
// answering on a socket, is a *RunningError. When there is no
// socket (no safe place for it, a path too long for a socket address) or
// no lock, the session goes on without it, and warn says so in a
// person's words, for the caller to print. On a system without Unix
// sockets the session has neither, and nothing is said.
func Listen(dirs control.Dirs, lockPath, screenName, server string) (s *Socket, warn, err error) {
	if _, err := control.Find(dirs, screenName); errors.As(err, new(*control.NameError)) {
		return nil, nil, nil // a screen name the signon will refuse anyway
	}
	s = &Socket{ready: make(chan struct{}), ended: make(chan struct{}), subs: map[*control.Stream]struct{}{}}
	if lockPath != "" {
		unlock, ok, err := control.LockSession(lockPath)
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			return nil, nil, nil
		case err != nil:
			warn = fmt.Errorf("a second aim login of this screen name here is not prevented: %w", err)
		case !ok:
			// Path is "" while the session has no socket (removed, and
			// not made again yet).
			path, _ := control.Find(dirs, screenName)
			if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
				path = ""
			}
			return nil, nil, &RunningError{ScreenName: screenName, Path: path}
		default:
			s.unlock = unlock
		}
	}
	var opts control.Options
	if server != "" {
		opts.About = map[string]string{aboutServer: server, aboutName: screenName}
	}
	srv, skipped, err := control.ListenSession(dirs, screenName, s.handle, opts)
	var inUse *control.InUseError
	switch {
	case err == nil:
		s.srv = srv
		if len(skipped) > 0 {
			// Said only when the socket is not where commands look first.
			warn = errors.Join(warn, fmt.Errorf("the control socket is at %s: %w", srv.Path(), errors.Join(skipped...)))
		}
		return s, warn, nil
	case errors.Is(err, errors.ErrUnsupported):
		return s, warn, nil
	case errors.As(err, &inUse):
		s.release()
		return nil, nil, &RunningError{ScreenName: screenName, Path: inUse.Path}
	}
	warn = errors.Join(warn, fmt.Errorf("no control socket for this session (other aim commands will sign on by themselves): %w", err))
	if s.unlock == nil {
		return nil, warn, nil
	}
	return s, warn, nil
}

// What a session's hello says of it (control.Options.About).
const (
	aboutServer = "server"      // the authorizer it signs on to, as configured
	aboutName   = "screen_name" // its screen name, as configured
)

// ServerOf is the server the session at the other end of c signs on to,
// and its screen name as configured: "" when it does not say (a session
// of aim demo, or of an aim before this one).
func ServerOf(c *control.Client) (server, screenName string) {
	return c.About(aboutServer), c.About(aboutName)
}

// LockPath is the one-session lock of an account's sessions, in its state
// directory ("" without one: no lock).
func LockPath(stateDir string) string {
	if stateDir == "" {
		return ""
	}
	return filepath.Join(stateDir, "session.lock")
}

// release lets the session lock go.
func (s *Socket) release() {
	if s.unlock != nil {
		s.unlock()
		s.unlock = nil
	}
}

// Started hands the running account to the socket's requests (nil: the
// signon failed).
func (s *Socket) Started(c *client.Client) {
	if s == nil {
		return
	}
	s.c = c
	close(s.ready)
}

// ShareThrough makes the results that are also the session's events
// (Shared), of commands run through the socket (aim send from a script),
// go to emit, the session's Emit, rather than only to the socket's
// followers: a front end that runs the session (aim tui) follows it
// without the socket, and sees them too. emit must hand them on to the
// socket (Emit). Call it before Started.
func (s *Socket) ShareThrough(emit func(client.Output)) {
	if s != nil {
		s.share = emit
	}
}

// Finish tells every client that the session has ended, with its last
// event, and closes the socket. err is why it ended, for a session that
// never got as far as a disconnected event.
func (s *Socket) Finish(err error) {
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
	defer s.release() // after the socket: a new session finds it gone
	if s.srv == nil {
		return
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

// Followers is how many clients follow the session's events (aim events
// --follow, each aim tui attached): those a signoff would leave without
// a session.
func (s *Socket) Followers() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

// Emit keeps o for `aim events`, streams it to the followers, and tells
// every client of the session's connection coming and going.
func (s *Socket) Emit(o client.Output) {
	if s == nil {
		return
	}
	raw := rawOutput(o)
	s.mu.Lock()
	if len(s.ring) == EventRing {
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
	if notice && s.srv != nil {
		s.srv.Notify(raw)
	}
}

// handle runs one request from the socket: a command of the command table
// (the words of standard input), or status, events or logout.
func (s *Socket) handle(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
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
		return nil, &control.Error{Code: CodeEnded, Message: "the session has ended"}
	}
	switch req.Command {
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
			return nil, &control.Error{Code: FailureCodes[client.FailureOf(err)], Message: err.Error()}
		}
		if r.Shared() {
			if s.share != nil {
				s.share(r)
			} else {
				s.Emit(r)
			}
		}
		return rawOutput(r), nil
	}), nil
}

// logout signs the account off once the commands under way have their
// results (client.Client.Logout); the answer comes once it is off.
func (s *Socket) logout(ctx context.Context, c *client.Client) control.Later {
	return func() (any, error) {
		c.Logout()
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
func (s *Socket) events(ctx context.Context, args []string, st *control.Stream) (any, error) {
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

// CodeEnded answers a request that reaches a session as it ends: the
// command finds no session.
const CodeEnded = "ended"

// FailureCodes name each client.Failure on the socket, so that a command
// run through a session exits as it would have on its own. None may be a
// code the control protocol itself uses for an error that ends the
// connection (control.CodeRefused, control.CodeTooLong, ...): a client
// would take a message refused by the server for its own connection cut.
var FailureCodes = map[client.Failure]string{
	client.FailureOther:   control.CodeFailed,
	client.FailureAuth:    "auth",
	client.FailureKicked:  "kicked",
	client.FailureRefused: "message_refused",
	client.FailureTooLong: "message_too_long",
	client.FailureNetwork: "network",
	client.FailureUsage:   "usage",
}
