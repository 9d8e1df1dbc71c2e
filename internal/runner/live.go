package runner

import (
	"context"
	"errors"
	"sync"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// Live is a front end's hold on the account's session for as long as the
// front end runs (aim tui): the commands of the table, and the session's
// events as they come. Two kinds: Attached to a session that runs
// elsewhere (closing leaves it running), and Hosted, a session started
// here that serves the control socket like aim login (closing signs it
// off).
type Live interface {
	Runner
	// Follow calls each with the session's status (a result of
	// client.CommandStatus), then with each event of the session as it
	// comes, until ctx ends (nil) or the session does (an
	// *sessionsock.EndedError, with its last event). each is called from
	// one goroutine at a time and must not block.
	Follow(ctx context.Context, each func(client.Output)) error
	// Logout signs the session off, whichever kind.
	Logout(ctx context.Context) error
	// Owns reports whether Close signs the session off.
	Owns() bool
}

// Attached is a Live on the account's running session, over its control
// socket: one connection follows the events, and each command takes an
// idle connection or opens one (a control connection carries one request
// at a time, and a command waiting for the server must not hold up the
// next). Its goroutines are the callers'; Close closes every connection.
type Attached struct {
	// Dial opens a connection to the session; a nil one with no error:
	// the session is gone.
	Dial   func(ctx context.Context) (*control.Client, error)
	Notice func(client.Output) // the session's notices while a command waits; may be nil

	mu     sync.Mutex
	idle   []*control.Client
	open   map[*control.Client]bool
	closed bool
}

// Attach connects to the running session whose control connection c is
// (from sessionsock.Dial); dial opens more.
func Attach(c *control.Client, dial func(ctx context.Context) (*control.Client, error)) *Attached {
	return &Attached{Dial: dial, idle: []*control.Client{c}, open: map[*control.Client]bool{c: true}}
}

var errClosed = errors.New("the connection to the session is closed")

func (a *Attached) take(ctx context.Context) (*control.Client, error) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil, errClosed
	}
	if n := len(a.idle); n > 0 {
		c := a.idle[n-1]
		a.idle = a.idle[:n-1]
		a.mu.Unlock()
		return c, nil
	}
	a.mu.Unlock()
	c, err := a.Dial(ctx)
	if err == nil && c == nil {
		err = &sessionsock.EndedError{}
	}
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		c.Close()
		return nil, errClosed
	}
	if a.open == nil {
		a.open = map[*control.Client]bool{}
	}
	a.open[c] = true
	return c, nil
}

// put gives c back after a request that ended with err: a connection that
// can carry no other request (any error but the session's answer) is
// closed.
func (a *Attached) put(c *control.Client, err error) {
	var remote *sessionsock.RemoteError
	keep := err == nil || errors.As(err, &remote)
	a.mu.Lock()
	defer a.mu.Unlock()
	if keep && !a.closed {
		a.idle = append(a.idle, c)
		return
	}
	delete(a.open, c)
	c.Close()
}

// Run runs cmd as every command through the running session runs
// (Session.Run), on an idle connection or a new one.
func (a *Attached) Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error) {
	s := &Session{Notice: a.Notice}
	c, err := a.take(ctx)
	if err != nil {
		return s.settle(ctx, cmd, nil, err)
	}
	s.Conn = c
	r, err := s.Run(ctx, cmd, args)
	a.put(c, err)
	return r, err
}

func (a *Attached) Follow(ctx context.Context, each func(client.Output)) error {
	c, err := a.Dial(ctx)
	if err == nil && c == nil {
		err = &sessionsock.EndedError{}
	}
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Do(ctx, client.CommandEvents, []string{"follow"}, func(r control.Reply) error {
		if r.ID == 0 {
			return nil // notices: the events say the same
		}
		o, err := sessionsock.DecodeOutput(r.Body)
		if err != nil {
			return err
		}
		each(o)
		return nil
	})
	if ctx.Err() != nil {
		return nil
	}
	return sessionsock.CallerErr(err)
}

// Logout runs the session's logout as aim logout does (Session.Run: the
// session ending with its logout is the answer, not a failure).
func (a *Attached) Logout(ctx context.Context) error {
	_, err := a.Run(ctx, client.CmdLogout, nil)
	return err
}

func (a *Attached) Owns() bool { return false }

func (a *Attached) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	for c := range a.open {
		c.Close()
	}
	a.open, a.idle = nil, nil
	return nil
}

// Hosted is a Live that is the account's session: started here, serving
// its control socket (Socket, taken before the signon as aim login does;
// nil for none) so that other commands and other front ends attach to it.
// Host starts it. Its goroutine, which waits for the session's end and
// closes the socket, stops with the session: Close signs off and waits
// for it.
type Hosted struct {
	c    *client.Client
	sock *sessionsock.Socket

	mu   sync.Mutex
	subs map[*func(client.Output)]bool
	last *client.Disconnected
	// early keeps what the session said before anyone followed it (the
	// signon, the messages kept while offline), for the first Follow;
	// nil once it has had them.
	early []client.Output

	done chan struct{}
	err  error
}

// Host signs on with opts (its Emit is replaced) and serves sock. What
// the session says before anyone follows it (the signon, messages kept
// while offline) goes to the first Follow, after the status. On a
// failed signon the socket is closed, and the error returned.
func Host(ctx context.Context, opts client.Options, sock *sessionsock.Socket) (*Hosted, error) {
	h := &Hosted{sock: sock, subs: map[*func(client.Output)]bool{}, done: make(chan struct{}), early: []client.Output{}}
	opts.Emit = h.emit
	sock.ShareThrough(h.emit) // a script's aim send shows here too
	c, err := client.Start(context.WithoutCancel(ctx), opts)
	if err != nil {
		sock.Finish(err)
		return nil, err
	}
	h.c = c
	sock.Started(c)
	go func() {
		defer close(h.done)
		h.err = c.Wait()
		sock.Finish(h.err)
	}()
	return h, nil
}

// emit is the session's Emit: the socket's followers and ours.
func (h *Hosted) emit(o client.Output) {
	h.sock.Emit(o)
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := o.(*client.Disconnected); ok {
		h.last = d
	}
	if h.early != nil && len(h.early) < sessionsock.EventRing {
		h.early = append(h.early, o)
	}
	for f := range h.subs {
		(*f)(o)
	}
}

func (h *Hosted) Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error) {
	r, err := h.c.Begin(ctx, cmd, args, false)()
	if err == nil && r.Shared() {
		h.emit(r)
	}
	return r, err
}

func (h *Hosted) Follow(ctx context.Context, each func(client.Output)) error {
	h.mu.Lock()
	select {
	case <-h.done:
		h.mu.Unlock()
		return &sessionsock.EndedError{Last: h.last}
	default:
	}
	each(h.c.Status())
	for _, o := range h.early {
		each(o)
	}
	h.early = nil
	f := &each
	h.subs[f] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, f)
		h.mu.Unlock()
	}()
	select {
	case <-ctx.Done():
		return nil
	case <-h.done:
		h.mu.Lock()
		defer h.mu.Unlock()
		return &sessionsock.EndedError{Last: h.last}
	}
}

// Logout signs off once the commands under way have finished (up to a
// logout's 2 minutes), or at once when ctx ends: the messages still
// queued then are dropped, and the error (a *client.UnsentError) counts
// them, wrapping ctx's error when it was ctx that ended the wait.
func (h *Hosted) Logout(ctx context.Context) error {
	before := h.c.Unsent()
	h.c.LogoutWithin(ctx)
	<-h.done
	if n := h.c.Unsent() - before; n > 0 {
		return &client.UnsentError{N: n, Cause: ctx.Err()}
	}
	return nil
}

// Sending is how many messages are under way (client.Client.Sending): a
// logout waits for them.
func (h *Hosted) Sending() int { return h.c.Sending() }

func (h *Hosted) Owns() bool { return true }

// Followers is how many clients of its control socket follow the
// session's events: a front end closing it asks first when there are.
func (h *Hosted) Followers() int { return h.sock.Followers() }

// Complete and Choices are the session's tab completion of a command line
// (client.Client.Complete).
func (h *Hosted) Complete(line string) (string, bool) { return h.c.Complete(line) }
func (h *Hosted) Choices(line string) []string        { return h.c.Choices(line) }

// Close signs off and waits until the session has ended; it returns why
// the session ended, nil after a logout asked for.
func (h *Hosted) Close() error {
	h.c.Logout()
	<-h.done
	return h.err
}

// Err is why the session ended (nil after a logout asked for), once Done.
func (h *Hosted) Err() error {
	<-h.done
	return h.err
}
