package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// Starter starts the account's session here (aim login, aim chat and aim
// tui with none running), or finds the running one. It starts no
// goroutines of its own.
type Starter struct {
	// Dirs are where the sessions' control sockets may be.
	Dirs control.Dirs
	// Say gets what the user is told on the way, one line each: a lock or
	// socket that cannot be had, the signon about to start.
	Say func(string)
	// Account resolves the account cfg signs on as, asking for the
	// password when it can.
	Account func(context.Context, *config.Config) (client.Account, error)
}

// Listen takes the session lock at lockPath ("" for none) and opens the
// control socket of screenName's session, which signs on to server (""
// for a session any command may use), before it signs on
// (sessionsock.Listen: a live session of the name is a
// *sessionsock.RunningError). A lock or socket that cannot be had leaves
// the session without it, told to say.
func Listen(dirs control.Dirs, lockPath, screenName, server string, say func(string)) (*sessionsock.Socket, error) {
	s, warn, err := sessionsock.Listen(dirs, lockPath, screenName, server)
	if warn != nil && say != nil {
		say(warn.Error())
	}
	return s, err
}

// Start is what a session of cfg's account started here does before it
// signs on: take the account's control socket before the password and the
// signon, so that a session of this screen name already here is neither
// asked for again nor signed off; resolve the account; and make the
// session's options, with the session following the config file (later
// versions as they are on disk).
func (s *Starter) Start(ctx context.Context, cfg *config.Config) (client.Options, *sessionsock.Socket, error) {
	var (
		sock *sessionsock.Socket
		err  error
	)
	if cfg.ScreenName != "" {
		sock, err = Listen(s.Dirs, sessionsock.LockPath(cfg.StateDir(cfg.ScreenName)), cfg.ScreenName, cfg.Server, s.Say)
		if errors.As(err, new(*sessionsock.RunningError)) {
			// Say which server the running one is on, if not this one.
			if c, derr := Dial(ctx, s.Dirs, cfg); c != nil {
				c.Close()
			} else if errors.As(derr, new(*sessionsock.OtherServerError)) {
				err = derr
			}
		}
		if err != nil {
			return client.Options{}, nil, err
		}
	}
	a, err := s.Account(ctx, cfg)
	if err != nil {
		sock.Finish(err)
		return client.Options{}, nil, err
	}
	return client.Options{
		Account:   a,
		Reconnect: cfg.Reconnect,
		HTML:      cfg.HTML,
		Config:    cfg,
		Reload:    func() (*config.Config, error) { return config.Load(config.Options{Path: cfg.Path}) },
		ChatAhead: true,
	}, sock, nil
}

// Live is the account's session for a front end that stays with it (aim
// chat, aim tui): the one running here, attached over its control socket
// (unless noSession), or else one hosted here, which serves the socket as
// aim login does and signs off at Close. Without a running session, it
// checks the screen name and asks for the password.
func (s *Starter) Live(ctx context.Context, cfg *config.Config, noSession bool) (Live, error) {
	if !noSession {
		dial := func(ctx context.Context) (*control.Client, error) {
			return Dial(ctx, s.Dirs, cfg)
		}
		c, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		if c != nil {
			return Attach(c, dial), nil
		}
	}
	opts, sock, err := s.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if s.Say != nil {
		s.Say(fmt.Sprintf("signing on to %s as %s...", opts.Server, opts.ScreenName))
	}
	return Host(ctx, opts, sock)
}

// Find finds the running session of cfg's screen name (with none set,
// the one session running here), for a command that only talks to one:
// none is a *sessionsock.NoSessionError (saying so when the name's
// session is signed on to another server), a screen name AIM would
// refuse a *screenname.Error.
func Find(ctx context.Context, dirs control.Dirs, cfg *config.Config) (*control.Client, error) {
	if cfg.ScreenName != "" {
		if _, err := cfg.RequireScreenName(); err != nil {
			return nil, err
		}
	}
	c, err := Dial(ctx, dirs, cfg)
	if err != nil || c != nil {
		return c, noSessionHere(dirs, err)
	}
	name, err := cfg.RequireScreenName()
	if err != nil {
		return nil, err
	}
	return nil, sessionsock.NoSession(dirs, name)
}

// Dial connects to the running session of cfg's screen name (with none
// set, the one session running here; sessionsock.Dial), when it is
// signed on to cfg's server: a session of the name signed on to another
// is a *sessionsock.OtherServerError, and used for nothing (a message
// sent through it would go to the other server). A session that does
// not say its server (aim demo's), or a cfg with none set, matches.
// None running is nil and no error.
func Dial(ctx context.Context, dirs control.Dirs, cfg *config.Config) (*control.Client, error) {
	c, err := sessionsock.Dial(ctx, dirs, cfg.ScreenName)
	if err != nil || c == nil {
		return c, err
	}
	server, name := sessionsock.ServerOf(c)
	if server == "" || cfg.Server == "" || config.SameServer(server, cfg.Server) {
		return c, nil
	}
	c.Close()
	if name == "" {
		name = cfg.ScreenName
	}
	return nil, &sessionsock.OtherServerError{ScreenName: name, Server: server, Wanted: cfg.Server}
}

// noSessionHere is err, or for a session signed on to another server
// (Dial), the *sessionsock.NoSessionError of a command that only talks
// to a running session and signs on to no server itself.
func noSessionHere(dirs control.Dirs, err error) error {
	var other *sessionsock.OtherServerError
	if !errors.As(err, &other) {
		return err
	}
	e := sessionsock.NoSession(dirs, other.ScreenName)
	e.Other = other
	return e
}
