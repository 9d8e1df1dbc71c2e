// Package flapconn is one signed-on FLAP service connection of an OSCAR
// account: the BOS connection (internal/bos) and the chat navigation and
// chat room connections (internal/chat) are each one Conn, and differ only
// in the SNACs they send after the rate classes and in what they make of
// the SNACs the server sends.
//
// A Conn dials the address it is given, shows the cookie on channel 1,
// waits for host ready (01,03), asks for the rate classes (01,06 → 01,07)
// and hands the rest of the signon flight to its owner (Options.Signon:
// the rate acknowledge, the owner's requests, client ready, and the
// replies it awaits). Once running it owns three goroutines: a reader that
// matches replies to requests and hands every other SNAC to the owner
// (Options.Handle), a writer (the only one that writes to the connection
// once signed on) that sends queued SNACs at the pace the server's rate
// classes allow, and a keepalive that also probes a silent connection.
// Logout (or the end of the context given to Run) stops all three and
// waits for them; the reader calls Options.End last. When the server
// pauses the connection (01,0B) the writer holds the queue; when it moves
// it (01,12) the reader signs on at the new server (Options.Signon again)
// and the connection goes on there. The package never prints and dials
// only the address it is given or the one a migration names.
package flapconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// Defaults for zero Options fields.
const (
	DefaultStepTimeout = 20 * time.Second
	DefaultKeepalive   = 60 * time.Second
	DefaultQueueSize   = 1024
)

// Options says where to connect, how, and what the owner does.
type Options struct {
	Addr   string       // host:port
	Cookie secret.Bytes // from the authorizer or a 01,05
	// MultiConn says the login sent TLV 0x004A = 1, so the server states
	// why it ends the connection: an empty channel-4 frame is then a
	// shutdown (ReasonShutdown), not ReasonUnexplained.
	MultiConn bool

	// Dial opens the connection; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// StepTimeout bounds each signon step, each write and each reply
	// awaited, and, once signed on, the rest of a frame whose first bytes
	// came.
	StepTimeout time.Duration
	// Keepalive is how often an idle connection sends a channel-5 frame;
	// negative disables it.
	Keepalive time.Duration
	// ProbeAfter is how long the server may stay silent before the
	// connection asks for self info (01,0E) to learn whether it is alive;
	// zero or negative disables probing. Real servers may send nothing for
	// minutes, so silence alone is never taken for a dead connection.
	ProbeAfter time.Duration
	// QueueSize bounds the SNACs waiting for the rate limiter.
	QueueSize int
	// Trace, if set, sees every frame sent (sent=true) and received.
	Trace func(sent bool, f oscar.Frame)
	// Logf, if set, gets a line for each thing from the server that was
	// skipped (a SNAC that does not parse, an unknown channel).
	Logf func(format string, args ...any)
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
	// SequenceStart is the first FLAP sequence number.
	SequenceStart uint16

	// Signon sends the rest of the signon flight once the rate classes
	// are known and awaits its replies (see Signon). It runs in Connect,
	// and again on the reader after a migration.
	Signon func(*Signon) error
	// Handle gets each SNAC from the server that answers no request, once
	// the connection has acted on it (a 01,0A updates the limiter, a 01,0B
	// or 01,0D pauses or resumes the writer): during signon on Connect's
	// goroutine, then on the reader's. The body is valid until it returns.
	Handle func(oscar.SNAC)
	// Begin, if set, is the reader's first call, before any SNAC.
	Begin func()
	// Moved, if set, is called on the reader after a migration, with the
	// new address.
	Moved func(addr string)
	// End, if set, is the reader's last call, once the writer and the
	// keepalive have ended, with why the connection ended (Err).
	End func(err error)
}

// errLogout is the cause of a connection that ends because its owner
// ended it (Logout, or the end of Run's context).
var errLogout = errors.New("logout")

// Conn is a signed-on FLAP service connection.
type Conn struct {
	opts Options
	conn net.Conn
	fr   *oscar.FrameReader
	fw   *oscar.FrameWriter
	now  func() time.Time
	cmu  sync.Mutex // guards the conn field, which a migration replaces

	reqID     atomic.Uint32
	rates     *limiter
	outq      chan *job
	ping      chan struct{}      // the keepalive asks the writer for a channel-5 frame
	touch     chan chan struct{} // a peer asks the writer for a channel-5 frame now (SharePacing)
	ctl       chan control       // the reader tells the writer of pauses and migrations
	families  []uint16           // of the connection's 01,03, for the pause acknowledge
	migration *oscar.Migrate
	moves     []time.Time // of the migrations followed lately (the reader's; moveWait)
	running   bool        // set by Run before the goroutines start
	signingOn bool        // Connect's signon runs

	// The lifecycle. ctx ends when the connection starts to end, and its
	// cause says why (errLogout for a logout). wg counts the writer and
	// keepalive; the reader waits for them, then closes done.
	ctx         context.Context
	cancel      context.CancelCauseFunc
	wg          sync.WaitGroup
	done        chan struct{}
	readEnded   chan struct{} // closed when the reader's reads have ended
	abandon     chan struct{} // closed when a Logout gave up: events nobody reads are dropped
	abandonOnce sync.Once
	stopAfter   func() bool   // unregisters the logout at the end of Run's context
	byContext   atomic.Bool   // the end of Run's context started the logout
	started     atomic.Bool   // Run started the goroutines: wrote will close
	wrote       chan struct{} // closed when the writer has stopped: each job it took has its outcome

	mu      sync.Mutex
	pending map[uint32]*call
	peers   []*Conn // SharePacing's

	lastRead  atomic.Int64 // unix nanos
	lastWrite atomic.Int64

	// The reader's own, for the bound on a frame that has begun (readIdle).
	idleRead   bool // the reader waits between frames, after signon
	frameTimed bool // a read deadline bounds the rest of the current frame
}

// New returns a connection that is not connected yet: Connect signs it
// on, Run starts it. The owner may keep it before Connect, so that its
// Handle can use it during signon.
func New(opts Options) *Conn {
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	if opts.Keepalive == 0 {
		opts.Keepalive = DefaultKeepalive
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Handle == nil {
		opts.Handle = func(oscar.SNAC) {}
	}
	c := &Conn{
		opts:      opts,
		now:       opts.Now,
		rates:     newLimiter(),
		outq:      make(chan *job, opts.QueueSize),
		ping:      make(chan struct{}, 1),
		touch:     make(chan chan struct{}),
		ctl:       make(chan control),
		pending:   map[uint32]*call{},
		done:      make(chan struct{}),
		readEnded: make(chan struct{}),
		wrote:     make(chan struct{}),
		abandon:   make(chan struct{}),
		stopAfter: func() bool { return false },
	}
	c.ctx, c.cancel = context.WithCancelCause(context.Background())
	return c
}

// Connect dials and signs on. ctx bounds the signon: its end fails it at
// once. Each step also has its own deadline (Options.StepTimeout); a
// failed step is a *StepError naming it. A Conn that failed to connect is
// closed.
func (c *Conn) Connect(ctx context.Context) error {
	nc, err := c.dial(ctx, c.opts.Addr)
	if err != nil {
		c.cancel(ErrClosed)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &StepError{Step: "connecting to " + c.opts.Addr, Err: err}
	}
	c.use(nc)
	c.signingOn = true
	defer func() { c.signingOn = false }()
	if err := c.signonWithin(ctx, nc); err != nil {
		c.cancel(ErrClosed)
		nc.Close()
		return err
	}
	return nil
}

// signonWithin runs the signon on nc; ctx's end sets a past deadline. If
// ctx ends as the last step completes, that deadline may land after the
// signon cleared it, so the signon fails then too rather than hand over a
// connection whose next read times out at once.
func (c *Conn) signonWithin(ctx context.Context, nc net.Conn) error {
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	err := c.signon(ctx)
	if !stop() {
		return ctx.Err() // the watcher ran: ctx has ended
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	nc.SetDeadline(time.Time{})
	return nil
}

// Run starts the reader, the writer and the keepalive of a connection
// Connect signed on. The end of life starts a logout, as Logout does; the
// reader then bounds its wait for someone to take the last events (see
// Deliver).
func (c *Conn) Run(life context.Context) {
	c.running = true
	c.started.Store(true)
	c.stopAfter = context.AfterFunc(life, func() {
		c.byContext.Store(true)
		c.stop(errLogout)
	})
	c.wg.Add(2)
	go c.writeLoop()
	go c.keepaliveLoop()
	go c.readLoop()
}

// dial opens a connection to addr within the step timeout.
func (c *Conn) dial(ctx context.Context, addr string) (net.Conn, error) {
	d := c.opts.Dial
	if d == nil {
		d = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	}
	dctx, cancel := context.WithTimeout(ctx, c.opts.StepTimeout)
	defer cancel()
	return d(dctx, "tcp", addr)
}

// use makes nc the connection read and written.
func (c *Conn) use(nc net.Conn) {
	c.cmu.Lock()
	c.conn = nc
	c.cmu.Unlock()
	c.fr = oscar.NewFrameReader(nc)
	c.fr.Begun = c.frameBegun
	c.fw = oscar.NewFrameWriter(nc, c.opts.SequenceStart)
	c.fw.Trace = c.traceOut
}

// Now returns the time on the connection's clock (Options.Now).
func (c *Conn) Now() time.Time { return c.now() }

// Err returns why the connection ended: nil while it runs and after
// Logout.
func (c *Conn) Err() error {
	if err := context.Cause(c.ctx); err != nil && err != errLogout {
		return err
	}
	return nil
}

// Done is closed when the connection has ended and its goroutines are
// gone.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Ending is closed as soon as the connection starts to end: it takes no
// more requests.
func (c *Conn) Ending() <-chan struct{} { return c.ctx.Done() }

// Logout ends the connection and waits, until ctx ends, for its
// goroutines: the connection stops taking requests (those still queued get
// ErrClosed), the writer sends the zero-length channel-4 frame after what
// it was writing and, unless the server closes first (it does on reading
// the frame) within linger.PeerFirst, half-closes the connection, and the
// reader reads what the server still sends until it closes its side, at
// most linger.Bound, and hands it on (the server sent it before it read
// the logout frame: an IM among it is delivered, the server keeps no
// copy) but follows no migration; then the connection is closed. Closing at once could
// reset the connection and lose the logout frame. Logout may be called
// more than once and from any goroutine, and returns nil even if the
// connection had ended already. If ctx ends first (a write stuck on a
// dead connection, say), the connection is closed at once and events
// nobody reads any more are dropped, so the goroutines still end.
func (c *Conn) Logout(ctx context.Context) error {
	c.stop(errLogout)
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		c.abandonOnce.Do(func() { close(c.abandon) })
		c.closeConn()
		<-c.done
		return ctx.Err()
	}
}

// stop starts the end of the connection; the first cause is the one kept.
// A logout leaves the connection open for the writer's logout frame and
// the reader's last reads; any other cause closes it, which ends the
// reader.
func (c *Conn) stop(cause error) {
	c.cancel(cause)
	if context.Cause(c.ctx) != errLogout {
		c.closeConn()
	}
}

// closeConn closes the connection, whichever it is now.
func (c *Conn) closeConn() {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	if c.conn != nil {
		c.conn.Close()
	}
}

func (c *Conn) traceOut(f oscar.Frame) {
	c.lastWrite.Store(c.now().UnixNano())
	if c.opts.Trace != nil {
		c.opts.Trace(true, f)
	}
}

// NextReqID returns a fresh request id: never 0, high bit clear.
func (c *Conn) NextReqID() uint32 {
	for {
		if id := c.reqID.Add(1) & 0x7FFFFFFF; id != 0 {
			return id
		}
	}
}

// readFrame reads one frame, tracing it.
func (c *Conn) readFrame() (oscar.Frame, error) {
	f, err := c.fr.ReadFrame()
	if err != nil {
		return f, err
	}
	c.lastRead.Store(c.now().UnixNano())
	if c.opts.Trace != nil {
		c.opts.Trace(false, f)
	}
	return f, nil
}

// Deliver hands ev to events, on the reader goroutine (from Handle,
// Begin, Moved or End). It waits for a reader, unless a Logout gave up or
// the connection is ending by the end of Run's context and nobody read
// for a step's time: then this event and the rest are dropped.
func Deliver[E any](c *Conn, events chan<- E, ev E) {
	select {
	case events <- ev:
		return
	case <-c.abandon:
		return
	case <-c.ctx.Done():
	}
	if !c.byContext.Load() {
		select {
		case events <- ev:
		case <-c.abandon:
		}
		return
	}
	// The end of Run's context is ending the connection and nobody may
	// read events any more: wait a step's time for a reader, as a Logout
	// would, then drop this event and the rest.
	t := time.NewTimer(c.opts.StepTimeout)
	defer t.Stop()
	select {
	case events <- ev:
	case <-c.abandon:
	case <-t.C:
		c.abandonOnce.Do(func() { close(c.abandon) })
	}
}

func (c *Conn) readLoop() {
	defer close(c.done)
	if c.opts.Begin != nil {
		c.opts.Begin()
	}
	var cause error
	for cause == nil {
		f, err := c.readIdle()
		if err != nil {
			cause = err
			break
		}
		// Logging out, what the server still sends is handed on all the
		// same: it sent it before it read the logout frame, and keeps no
		// copy (an IM that came as the user quit would be lost).
		switch f.Channel {
		case oscar.ChannelSNAC:
			c.dispatch(f.Payload)
			if m := c.migration; m != nil {
				c.migration = nil
				if c.ctx.Err() == nil { // logging out: the session ends here
					cause = c.migrate(m)
				}
			}
		case oscar.ChannelSignon, oscar.ChannelKeepalive:
		case oscar.ChannelSignoff:
			cause = ClosedBy(f, c.opts.MultiConn)
		default:
			c.logf("skipped a frame on unknown channel %v", f.Channel)
		}
	}
	close(c.readEnded)
	c.stop(cause) // kept only if nothing ended the connection before
	c.closeConn()
	c.wg.Wait()
	c.stopAfter()
	c.failPending()
	if c.opts.End != nil {
		c.opts.End(c.Err())
	}
}

// readIdle reads the next frame once signed on. The wait for a frame has
// no bound (a server may say nothing for minutes; the keepalive's probe
// finds a dead connection), but a frame whose first bytes came must be
// whole within StepTimeout: a server that announces 65535 bytes and
// trickles them would otherwise hold the connection forever.
func (c *Conn) readIdle() (oscar.Frame, error) {
	c.idleRead = true
	f, err := c.readFrame()
	c.idleRead = false
	timed := c.frameTimed
	if timed {
		c.frameTimed = false
		c.setReadDeadline(time.Time{})
	}
	if err != nil {
		if timed && errors.Is(err, os.ErrDeadlineExceeded) {
			return f, fmt.Errorf("%w: the server began a frame and did not send the rest within %s", ErrConnectionLost, c.opts.StepTimeout)
		}
		return f, readError(err)
	}
	return f, nil
}

// frameBegun is the frame reader's Begun: while the reader waits between
// frames, the rest of one that has begun gets StepTimeout. During a signon
// (a migration's) the step's deadline bounds it already.
func (c *Conn) frameBegun() {
	if c.idleRead && c.setReadDeadline(time.Now().Add(c.opts.StepTimeout)) {
		c.frameTimed = true
	}
}

// setReadDeadline sets the read deadline of the connection unless it is
// ending, whose writer sets the deadline of its last reads (finish);
// false if it did not.
func (c *Conn) setReadDeadline(t time.Time) bool {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	if c.ctx.Err() != nil {
		return false
	}
	c.conn.SetReadDeadline(t)
	return true
}

func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return ErrConnectionLost
	}
	return &lostError{err}
}

// lostError is the connection lost for a cause it names: in words, the
// cause as it was in Detail (a frame that does not parse, for --debug).
type lostError struct{ err error }

func (e *lostError) Error() string   { return ErrConnectionLost.Error() + ": " + CauseWords(e.err) }
func (e *lostError) Detail() string  { return ErrConnectionLost.Error() + ": " + oscar.DetailOf(e.err) }
func (e *lostError) Unwrap() []error { return []error{ErrConnectionLost, e.err} }

// dispatch handles one SNAC from the server, after signon or during it:
// a reply goes to the request awaiting it, what concerns the connection
// is acted on, and the rest goes to the owner.
func (c *Conn) dispatch(p []byte) {
	snac, err := oscar.ParseSNAC(p)
	if err != nil {
		c.logf("skipped a SNAC: %v", err)
		return
	}
	if c.deliver(snac) {
		return
	}
	switch snac.Type() {
	case oscar.TypeRateChange:
		var m oscar.RateChange
		if err := m.Decode(snac.Body); err != nil {
			c.logf("skipped %v: %v", snac.Type(), err)
			return
		}
		c.rates.update(&m, c.now())
	case oscar.TypePause, oscar.TypeResume:
		if c.signingOn { // no writer yet: nothing to hold
			return
		}
		ctl := ctlPause
		if snac.Type() == oscar.TypeResume {
			ctl = ctlResume
		}
		if !c.tell(ctl) {
			return
		}
	case oscar.TypeMigrate:
		var m oscar.Migrate
		if err := m.Decode(snac.Body); err != nil {
			c.logf("skipped %v: %v", snac.Type(), err)
			return
		}
		if c.signingOn {
			c.logf("skipped %v: a migration during signon", snac.Type())
			return
		}
		m.TLVs = append(oscar.TLVList(nil), m.TLVs...) // the body is the reader's buffer
		c.migration = &m                               // the reader moves once this SNAC is handled
		return
	}
	c.opts.Handle(snac)
}

func (c *Conn) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}
