// Package runner runs the commands of client's table one way of three,
// each returning the same *client.Result: through the account's running
// session (over its control socket), in a session of its own (sign on,
// run, sign off), or offline (the config-file half of the commands that
// have one, client.RunOffline). A front end picks one with Pick, runs its
// commands and prints their results the one way, whichever ran them.
package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// Runner runs commands with their parsed arguments. Run returns the
// result (nil only when the command never reached a session) and the
// error it failed with, typed as the session's (client.FailureOf, the
// *sessionsock.RemoteError of a running session).
type Runner interface {
	Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error)
	// Close ends what the runner started: the connection to the running
	// session, or its own session (signing off).
	Close() error
}

// Session runs commands through the running session of an account.
type Session struct {
	Conn       *control.Client
	Notice     func(client.Output) // the session's notices while a command waits (reconnecting); may be nil
	ScreenName string              // whose session it is, for errors ("" when it was the one running)
}

func (s *Session) Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error) {
	notice := s.Notice
	if cmd == client.CmdLogout {
		notice = nil // its signing off is the answer, not news
	}
	r, err := sessionsock.Run(ctx, s.Conn, cmd.Name, args, notice)
	return s.settle(ctx, cmd, r, err)
}

// settle reads what running cmd through the session returned: the session
// ending with its logout is the logout's answer, a passive command finding
// it signed off finds no session, and ctx ending is a *WaitedError.
func (s *Session) settle(ctx context.Context, cmd *client.Command, r *client.Result, err error) (*client.Result, error) {
	var ended *sessionsock.EndedError
	switch {
	case !errors.As(err, &ended):
	case cmd == client.CmdLogout && ended.Last != nil && ended.Last.Reason == client.ReasonLogout:
		// The session's last word came before the answer: it is off.
		r = client.Stamp(&client.Result{Command: client.CommandLogout, OK: true}, time.Now()).(*client.Result)
		client.Describe(r)
		return r, nil
	case cmd.Passive && (ended.Last == nil || ended.Last.Reason == client.ReasonLogout):
		// It was signing off: there is no session to show.
		return nil, &sessionsock.NoSessionError{ScreenName: s.ScreenName}
	}
	// The socket's deadline may fire a moment before ctx says it ended.
	if err != nil && (ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded)) {
		return nil, &WaitedError{Err: err}
	}
	return r, err
}

// WaitedError is ctx ending while a command waited for the running
// session's answer. Closing the connection then cancels the command in the
// session (control's readEnded): a message still waiting there (for the
// rate limit, or for a reconnect) is dropped, never sent later
// (flapconn's given-up jobs); only one already on its way may arrive.
type WaitedError struct{ Err error }

func (e *WaitedError) Error() string { return e.Err.Error() }
func (e *WaitedError) Unwrap() error { return e.Err }

func (s *Session) Close() error { return s.Conn.Close() }

// Own signs on with Options at its first command, and off at Close. Its
// session is the command's alone: it keeps no socket, and other commands
// do not find it.
type Own struct {
	Options client.Options
	// Warn, if set, gets what went wrong but did not fail the command (a
	// message sent but not recorded in the history).
	Warn func(error)
	c    *client.Client
}

func (o *Own) Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error) {
	o.Options.Settle = true // what the server sends at signon is part of what it reports
	if o.c == nil && (cmd == client.CmdSend || cmd == client.CmdSendHTML || cmd == client.CmdAutoreply) {
		// One message: it goes in the signon's flight, and the session
		// ends once the server has answered (client.Send).
		return client.SendOnce(ctx, o.Options, cmd, args, o.Warn)
	}
	if o.c == nil {
		c, err := client.Start(ctx, o.Options)
		if err != nil {
			return nil, err
		}
		o.c = c
	}
	return o.c.Begin(ctx, cmd, args, true)()
}

func (o *Own) Close() error {
	if o.c != nil {
		o.c.Stop()
		o.c.Wait()
	}
	return nil
}

// Offline runs the config-file half of the commands that have one.
type Offline struct {
	Config *config.Config
}

func (o *Offline) Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error) {
	return client.RunOffline(ctx, o.Config, o.Config.ScreenName, cmd, args, nil)
}

func (o *Offline) Close() error { return nil }

// Pick chooses how cmd runs: through the account's running session (its
// socket in dirs) unless noSession; else offline when cmd has a config-file half; else in
// a session of its own, signed on with the options own returns (called
// only then: it may ask for the password). With no own, finding no
// running session is a *sessionsock.NoSessionError. A session of the
// name signed on to another server than cfg's is never used (Dial): the
// command fails with a *sessionsock.OtherServerError, or with no own and
// no config-file half, a *sessionsock.NoSessionError that names it.
func Pick(ctx context.Context, dirs control.Dirs, cfg *config.Config, cmd *client.Command, noSession bool,
	own func() (client.Options, error), notice func(client.Output)) (Runner, error) {
	// With no screen name, the one session running here serves a command
	// that needs one; one that edits the config file edits this file.
	if !noSession && (cfg.ScreenName != "" || !cmd.Offline) {
		c, err := Dial(ctx, dirs, cfg)
		if err != nil && own == nil && !cmd.Offline {
			return nil, noSessionHere(dirs, err) // status, logout: as if none ran
		}
		if err != nil {
			return nil, err
		}
		if c != nil {
			return &Session{Conn: c, Notice: notice, ScreenName: cfg.ScreenName}, nil
		}
	}
	if cmd.Offline {
		return &Offline{Config: cfg}, nil
	}
	if own == nil {
		name, err := cfg.RequireScreenName()
		if err != nil {
			return nil, err
		}
		return nil, sessionsock.NoSession(dirs, name)
	}
	opts, err := own()
	if noPassword := (*config.NoPasswordError)(nil); errors.As(err, &noPassword) && !noSession {
		// The running session the command would have gone through is
		// missed (no XDG_RUNTIME_DIR under cron, say): say where aim looked.
		return nil, &NoSessionPasswordError{Err: err, Looked: sessionsock.Looked(dirs, cfg.ScreenName)}
	}
	if err != nil {
		return nil, err
	}
	return &Own{Options: opts}, nil
}

// Lists is one command of the command line, run once for each of its
// argument lists (block A B: block twice) through the runner Pick
// chooses, each argument list checked before anything signs on.
type Lists struct {
	Dirs      control.Dirs
	Config    *config.Config
	Command   *client.Command
	NoSession bool
	Lists     [][]string
	// Own, if set, gives the options of a session of its own (Pick).
	Own func(*config.Config) (client.Options, error)
	// Notice gets the running session's notices while a command waits;
	// Warn what went wrong in a session of its own without failing the
	// command. Either may be nil.
	Notice func(client.Output)
	Warn   func(error)
}

// Run runs the lists in order, handing each result to each; the first
// error stops it.
func (l *Lists) Run(ctx context.Context, each func(*client.Result) error) error {
	for _, args := range l.Lists { // what needs no server, before signing on
		if err := l.Command.Check(args); err != nil {
			return err
		}
	}
	var own func() (client.Options, error)
	if l.Own != nil {
		own = func() (client.Options, error) { return l.Own(l.Config) }
	}
	r, err := Pick(ctx, l.Dirs, l.Config, l.Command, l.NoSession, own, l.Notice)
	if err != nil {
		return err
	}
	defer r.Close()
	if o, ok := r.(*Own); ok {
		o.Warn = l.Warn
	}
	for _, args := range l.Lists {
		res, err := r.Run(ctx, l.Command, args)
		if err != nil {
			return err
		}
		if err := each(res); err != nil {
			return err
		}
	}
	return nil
}

// NoSessionPasswordError is a command that found no running session to go
// through and no password to sign on by itself with.
type NoSessionPasswordError struct {
	Err    error    // the *config.NoPasswordError
	Looked []string // where the session's socket was looked for
}

func (e *NoSessionPasswordError) Error() string {
	if len(e.Looked) == 0 {
		return e.Err.Error()
	}
	return e.Err.Error() + "; and no running session was found to go through (looked for " + strings.Join(e.Looked, ", ") + ")"
}

func (e *NoSessionPasswordError) Unwrap() error { return e.Err }

// ScriptWait is how long a command waits by default for its answer when no
// one is at a terminal to interrupt it (cron, a script): long enough for a
// running session to come back from a lost connection, not forever.
const ScriptWait = 2 * time.Minute

// Wait is how long a command waits for its answer (0: until it comes):
// timeout when the user gave one (0 too), else ScriptWait when standard
// input is not a terminal, else until it comes.
func Wait(timeout time.Duration, given, terminal bool) time.Duration {
	if given || terminal {
		return timeout
	}
	return ScriptWait
}

// RunWithin runs run with ctx limited to timeout (0: no limit). A command
// the running session had when the time ran out is a *TimeoutError: the
// session drops it unless it was already on its way. given says the user
// chose timeout (else it is ScriptWait), for the words.
func RunWithin(ctx context.Context, timeout time.Duration, given bool, run func(context.Context) error) error {
	if timeout <= 0 {
		return run(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := run(ctx)
	if errors.As(err, new(*WaitedError)) && errors.Is(err, context.DeadlineExceeded) {
		return &TimeoutError{After: timeout, Given: given, Err: err}
	}
	return err
}

// TimeoutError is the time running out while the running session had the
// message, said in words. It wraps the deadline, so it is a network
// failure (a timeout).
type TimeoutError struct {
	After time.Duration
	Given bool // by --timeout; else the default wait of scripts
	Err   error
}

func (e *TimeoutError) Error() string {
	why := "--timeout"
	if !e.Given {
		why = "the wait when standard input is not a terminal; --timeout changes it"
	}
	return fmt.Sprintf("no confirmation from the server within %s (%s), so the running session drops the message: "+
		"it is not sent if it was still waiting for the server's rate limit or a new signon; if it was already on its way, "+
		"it may have arrived", e.After, why)
}

func (e *TimeoutError) Unwrap() error { return e.Err }
