package flapconn

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/aim-oscar/aim/internal/linger"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// migrate moves the connection to the server a 01,12 names, as the
// protocol has it: the old server closes the connection after the SNAC;
// the client connects to the new address, signs on there with the new
// cookie (the whole signon, Options.Signon included), and goes on as if
// nothing happened. The writer holds the queue meanwhile and sends it on
// the new connection. It runs on the reader. A migration that fails ends
// the connection as a lost one.
//
// Migrations are rationed (moveWait): a server that answers every signon
// with one would otherwise move the connection as fast as it can sign on.
func (c *Conn) migrate(m *oscar.Migrate) error {
	addr := migrationAddr(m.Address(), c.opts.Addr)
	if noCookie := len(m.Cookie()) == 0; addr == "" || noCookie {
		return &MoveError{Addr: addr, NoCookie: noCookie}
	}
	wait, ok := c.moveWait()
	if !ok {
		return fmt.Errorf("%w: the server moved this session to another server %d times in a minute and asks again; not following it",
			ErrConnectionLost, maxMoves)
	}
	if !c.tell(ctlMigrate) { // the writer keeps off the connection from now on
		return nil
	}
	linger.Close(c.ctx, c.conn) // the old server closes it: read what is left
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-c.ctx.Done():
			t.Stop()
			return nil
		}
	}
	nc, err := c.dial(c.ctx, addr)
	if err != nil {
		return &MoveError{Addr: addr, Err: err}
	}
	c.use(nc)
	if c.ctx.Err() != nil { // ended while dialing: stop closed the old one
		nc.Close()
		return nil
	}
	c.opts.Addr, c.opts.Cookie = addr, secret.Bytes(append([]byte(nil), m.Cookie()...))
	if err := c.signonWithin(c.ctx, nc); err != nil {
		if c.ctx.Err() != nil {
			return nil
		}
		return &MoveError{Addr: addr, Err: err, Signon: true}
	}
	c.tell(ctlResume)
	if c.opts.Moved != nil {
		c.opts.Moved(addr)
	}
	return nil
}

// MoveError is the server moving the connection to another server (01,12)
// and the move failing: the connection is lost (it wraps
// ErrConnectionLost, and the cause). Error says so in words; Detail names
// the SNAC, for --debug.
type MoveError struct {
	Addr     string // where the server sent it; "" when it named no address
	NoCookie bool   // it sent no cookie to sign on there with (and nothing was tried)
	Err      error  // why connecting or signing on there failed
	Signon   bool   // connected, but the signon there failed
}

func (e *MoveError) Error() string {
	const lost = "connection to the server lost: "
	switch {
	case e.Addr == "" && e.NoCookie:
		return lost + "the server moved this session to another server without saying where, or how to sign on there"
	case e.Addr == "":
		return lost + "the server moved this session to another server without saying where"
	case e.NoCookie:
		return lost + "the server moved this session to " + e.Addr + " without what aim needs to sign on there"
	case e.Signon:
		return lost + "the server moved this session to " + e.Addr + ", and signing on there failed: " + plainCause(e.Err)
	}
	return lost + "the server moved this session to " + e.Addr + ", which could not be reached: " + plainCause(e.Err)
}

func (e *MoveError) Detail() string {
	switch {
	case e.Addr == "" && e.NoCookie:
		return ErrConnectionLost.Error() + ": the server's migration (01,12) names no address and has no cookie"
	case e.Addr == "":
		return ErrConnectionLost.Error() + ": the server's migration (01,12) names no address"
	case e.NoCookie:
		return ErrConnectionLost.Error() + ": the server's migration (01,12) to " + e.Addr + " has no cookie"
	case e.Signon:
		return fmt.Sprintf("%v: signing on at %s after a migration (01,12): %s", ErrConnectionLost, e.Addr, oscar.DetailOf(e.Err))
	}
	return fmt.Sprintf("%v: moving to %s (01,12): %s", ErrConnectionLost, e.Addr, oscar.DetailOf(e.Err))
}

func (e *MoveError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrConnectionLost}
	}
	return []error{ErrConnectionLost, e.Err}
}

// plainCause is a step's cause without the "could not sign on" a
// StepError puts before it.
func plainCause(err error) string {
	var step *StepError
	if errors.As(err, &step) {
		return CauseWords(step.Err)
	}
	return CauseWords(err)
}

// How often the connection follows the server to another one: at most
// maxMoves times in any moveWindow, the first at once and each further one
// in the window after a wait that doubles from moveDelay (1 s, 2 s, 4 s).
const (
	maxMoves   = 4
	moveWindow = time.Minute // "in a minute" in the error
	moveDelay  = time.Second
)

// moveWait records a migration about to be followed and says how long to
// wait first; false means too many in the window: the connection ends.
func (c *Conn) moveWait() (time.Duration, bool) {
	now := c.now()
	recent := c.moves[:0]
	for _, t := range c.moves {
		if now.Sub(t) < moveWindow {
			recent = append(recent, t)
		}
	}
	c.moves = recent
	if len(recent) >= maxMoves {
		return 0, false
	}
	c.moves = append(c.moves, now)
	if len(recent) == 0 {
		return 0, true
	}
	return moveDelay << (len(recent) - 1), true
}

// migrationAddr adds the current server's port to an address without one,
// and its host to an unroutable one (0.0.0.0); none stays "".
func migrationAddr(addr, current string) string {
	if addr == "" {
		return ""
	}
	curHost, curPort, _ := net.SplitHostPort(current)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, curPort
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = curHost
	}
	return net.JoinHostPort(host, port)
}
