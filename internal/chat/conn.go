// Package chat is the client side of the connections a chat room needs
// besides BOS: chat navigation (family 0x000D), where rooms are found and
// created by name, and one connection per room (family 0x000E), where its
// members come and go and messages are said.
//
// Both are reached the same way: the BOS session asks for the service
// (bos.Session.RequestService, 01,04 → 01,05) and gets an address and a
// cookie; OpenNav and Join open a FLAP connection there, show the cookie on
// channel 1 and sign on (01,03, rate classes 01,06/01,07/01,08, 01,02).
// Each connection has its own rate limiter (bos.Limiter) and keepalive, and
// ends with the zero-length channel-4 frame and a lingering close (Leave,
// Close), or when the context given to OpenNav or Join ends.
//
// A Room owns two goroutines, a reader that turns the room's SNACs into
// events and a keepalive; Leave stops both and waits for them. Writes go
// out under one mutex at the pace the rate limits allow. The package never
// prints and never dials anything but the address it is given.
package chat

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/linger"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// Defaults for zero Options fields.
const (
	DefaultStepTimeout = 20 * time.Second
	DefaultKeepalive   = 60 * time.Second
	DefaultEventBuffer = 64
)

// Options says where to connect and how.
type Options struct {
	Addr   string       // host:port from 01,05 (oscar.ServiceReply.Address)
	Cookie secret.Bytes // from 01,05

	// Dial opens the connection; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// StepTimeout bounds each signon step, each write and each reply
	// awaited.
	StepTimeout time.Duration
	// Keepalive is how often an idle connection sends a channel-5 frame;
	// negative disables it.
	Keepalive time.Duration
	// EventBuffer is the capacity of a Room's Events channel.
	EventBuffer int
	// Echo asks the server for the room's copy of each message said
	// (0E,05 TLV 6); it arrives as a Message with Self set.
	Echo bool
	// Trace, if set, sees every frame sent (sent=true) and received.
	Trace func(sent bool, f oscar.Frame)
	// Logf, if set, gets a line for each thing from the server that was
	// skipped (a SNAC that does not parse).
	Logf func(format string, args ...any)
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
	// SequenceStart is the first FLAP sequence number.
	SequenceStart uint16
}

// errLeave is the cause of a connection its owner ended.
var errLeave = errors.New("left")

// conn is one signed-on service connection: the part chat navigation and
// a room share.
type conn struct {
	opts  Options
	nc    net.Conn
	fr    *oscar.FrameReader
	fw    *oscar.FrameWriter
	now   func() time.Time
	rates *bos.Limiter
	reqID atomic.Uint32

	wmu       sync.Mutex // guards fw, left and every write once signed on
	left      bool       // the logout frame went out
	lastWrite atomic.Int64

	// The lifecycle, as in bos.Session: ctx ends when the connection starts
	// to end, its cause says why (errLeave for Leave/Close). wg counts the
	// keepalive; the reader waits for it, then closes done.
	ctx         context.Context
	cancel      context.CancelCauseFunc
	wg          sync.WaitGroup
	done        chan struct{}
	abandon     chan struct{} // closed when Leave gave up waiting
	abandonOnce sync.Once
	stopAfter   func() bool
	byContext   atomic.Bool // the end of the context given to OpenNav or Join started the leave

	mu      sync.Mutex
	pending map[uint32]awaiting // Nav's requests awaiting a reply

	handle func(oscar.SNAC) // the owner's, on the reader goroutine
	ended  func(error)      // the owner's, once, on the reader goroutine
}

func newConn(opts Options) *conn {
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	if opts.Keepalive == 0 {
		opts.Keepalive = DefaultKeepalive
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = DefaultEventBuffer
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &conn{
		opts:    opts,
		now:     opts.Now,
		rates:   bos.NewLimiter(),
		done:    make(chan struct{}),
		abandon: make(chan struct{}),
		pending: map[uint32]awaiting{},
	}
	c.ctx, c.cancel = context.WithCancelCause(context.Background())
	return c
}

// dial connects and signs on: the cookie, 01,03, the rate classes, 01,02.
// While it runs, ctx's end closes the connection.
func (c *conn) dial(ctx context.Context) error {
	dial := c.opts.Dial
	if dial == nil {
		dial = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	}
	dctx, cancel := context.WithTimeout(ctx, c.opts.StepTimeout)
	nc, err := dial(dctx, "tcp", c.opts.Addr)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &bos.StepError{Step: "connecting to " + c.opts.Addr, Err: err}
	}
	c.nc = nc
	c.fr = oscar.NewFrameReader(nc)
	c.fw = oscar.NewFrameWriter(nc, c.opts.SequenceStart)
	c.fw.Trace = func(f oscar.Frame) {
		c.lastWrite.Store(c.now().UnixNano())
		if c.opts.Trace != nil {
			c.opts.Trace(true, f)
		}
	}
	return nil
}

// signon runs the service signon; awaitAfter, if not nil, reads what the
// server sends after 01,02 until it returns true. While it runs, ctx's end
// sets a past deadline; if ctx ends as the last step completes, that
// deadline may land after the signon cleared it, so the signon fails then
// too (as bos.Connect does) rather than hand over a connection whose next
// read times out at once.
func (c *conn) signon(ctx context.Context, awaitAfter func(oscar.SNAC) (bool, error)) error {
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
	err := c.signonSteps(ctx, awaitAfter)
	if !stop() {
		return ctx.Err() // the watcher ran: ctx has ended
	}
	if err != nil {
		return err
	}
	c.nc.SetDeadline(time.Time{})
	return nil
}

func (c *conn) signonSteps(ctx context.Context, awaitAfter func(oscar.SNAC) (bool, error)) error {
	c.deadline()
	if err := c.fw.WriteEncoded(oscar.ChannelSignon, &oscar.BOSSignon{Cookie: c.opts.Cookie.Reveal()}); err != nil {
		return c.stepErr(ctx, "sending the cookie", err)
	}
	var host oscar.HostReady
	if err := c.expect(ctx, "waiting for host ready (01,03)", nil, func(s oscar.SNAC) (bool, error) {
		return s.Type() == oscar.TypeHostReady, host.Decode(s.Body)
	}); err != nil {
		return err
	}
	rateReq := oscar.Empty(oscar.TypeRateRequest)
	id, err := c.writeSignon(ctx, rateReq)
	if err != nil {
		return c.stepErr(ctx, "asking for rate limits (01,06)", err)
	}
	var rates oscar.RateParams
	if err := c.expect(ctx, "waiting for rate limits (01,07)", &signonReq{id, rateReq.SNACType()}, func(s oscar.SNAC) (bool, error) {
		return s.Type() == oscar.TypeRateParams, rates.Decode(s.Body)
	}); err != nil {
		return err
	}
	c.rates.Set(&rates, c.now())
	ack := &oscar.RateAck{Classes: make([]uint16, len(rates.Classes))}
	for i, rc := range rates.Classes {
		ack.Classes[i] = rc.ID
	}
	ready := &oscar.ClientReady{}
	for _, f := range host.Families {
		ready.Families = append(ready.Families, oscar.ToolVersion{Family: f, Version: familyVersion(f), ToolID: 0x0110, ToolVersion: 0x0629})
	}
	for _, m := range []oscar.Message{ack, ready} {
		if _, err := c.writeSignon(ctx, m); err != nil {
			return c.stepErr(ctx, "sending "+m.SNACType().String(), err)
		}
	}
	if awaitAfter != nil {
		if err := c.expect(ctx, "waiting for the room (0E,03 and 0E,02)", nil, awaitAfter); err != nil {
			return err
		}
	}
	return nil
}

// familyVersion is the version sent in 01,02 for a family.
func familyVersion(f uint16) uint16 {
	if f == oscar.FamilyOService {
		return 3
	}
	return 1
}

// deadline gives the next signon step its time. Socket deadlines are on
// the wall clock, whatever Options.Now says.
func (c *conn) deadline() { c.nc.SetDeadline(time.Now().Add(c.opts.StepTimeout)) }

func (c *conn) stepErr(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &bos.StepError{Step: step, Err: err}
}

// writeSignon writes a SNAC during signon once its rate class allows,
// counting it against the class, and returns its request id.
func (c *conn) writeSignon(ctx context.Context, m oscar.Message) (uint32, error) {
	if d := c.rates.Delay(m.SNACType(), c.now()); d > 0 {
		// Only a server whose classes are tighter than a signon's three
		// SNACs gets here.
		if d > c.opts.StepTimeout {
			return 0, errors.New("the server's rate limits leave no room to sign on")
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		}
	}
	c.deadline()
	c.rates.Record(m.SNACType(), c.now())
	id := c.nextReqID()
	return id, c.fw.WriteMessage(id, m)
}

// signonReq is a signon request whose answer a step awaits.
type signonReq struct {
	id  uint32
	typ oscar.SNACType
}

// expect reads SNACs until done says so; a 01,0A updates the limiter on
// the way, an error SNAC answering req (if not nil) fails the step with a
// *bos.RequestError naming it, and anything else is skipped.
func (c *conn) expect(ctx context.Context, step string, req *signonReq, done func(oscar.SNAC) (bool, error)) error {
	c.deadline()
	for {
		f, err := c.readFrame()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the server closed the connection")
			}
			return c.stepErr(ctx, step, err)
		}
		switch f.Channel {
		case oscar.ChannelSignoff:
			return c.stepErr(ctx, step, bos.ClosedBy(f, true))
		case oscar.ChannelSNAC:
		default:
			continue
		}
		snac, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			return c.stepErr(ctx, step, err)
		}
		snac.Body = append([]byte(nil), snac.Body...) // decoded values outlive the next read
		if snac.Type() == oscar.TypeRateChange {
			c.rateChange(snac)
			continue
		}
		if req != nil && snac.Subtype == 1 && snac.Family == req.typ.Family() && snac.RequestID == req.id {
			var e oscar.SNACError
			e.Decode(snac.Body)
			return c.stepErr(ctx, step, &bos.RequestError{Type: bos.SNACType(req.typ), Code: e.Code})
		}
		ok, err := done(snac)
		if ok && err != nil {
			return c.stepErr(ctx, step, err)
		}
		if ok {
			return nil
		}
	}
}

func (c *conn) rateChange(snac oscar.SNAC) {
	var m oscar.RateChange
	if err := m.Decode(snac.Body); err != nil {
		c.logf("skipped %v: %v", snac.Type(), err)
		return
	}
	c.rates.Update(&m, c.now())
}

func (c *conn) readFrame() (oscar.Frame, error) {
	f, err := c.fr.ReadFrame()
	if err == nil && c.opts.Trace != nil {
		c.opts.Trace(false, f)
	}
	return f, err
}

func (c *conn) nextReqID() uint32 {
	for {
		if id := c.reqID.Add(1) & 0x7FFFFFFF; id != 0 {
			return id
		}
	}
}

func (c *conn) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

// start runs the reader and the keepalive; ctx's end leaves. That end
// only starts the leave: the keepalive goroutine writes the logout frame
// and the reader lingers, as for Leave, and the reader bounds its wait for
// someone to take the last events (see deliver).
func (c *conn) start(ctx context.Context) {
	c.stopAfter = context.AfterFunc(ctx, func() {
		c.byContext.Store(true)
		c.stop(errLeave)
	})
	c.wg.Add(1)
	go c.keepaliveLoop()
	go c.readLoop()
}

func (c *conn) readLoop() {
	defer close(c.done)
	var cause error
	for cause == nil {
		f, err := c.readFrame()
		if err != nil {
			cause = bos.ErrConnectionLost
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				cause = fmt.Errorf("%w: %w", bos.ErrConnectionLost, err)
			}
			break
		}
		if c.ctx.Err() != nil { // leaving: what the server still sends is dropped
			continue
		}
		switch f.Channel {
		case oscar.ChannelSNAC:
			c.dispatch(f.Payload)
		case oscar.ChannelSignoff:
			cause = bos.ClosedBy(f, true)
		}
	}
	c.stop(cause)
	c.nc.Close()
	c.wg.Wait()
	c.stopAfter()
	c.failPending()
	c.ended(c.Err())
}

// dispatch hands a reply to the request awaiting it, or the SNAC to the
// owner.
func (c *conn) dispatch(p []byte) {
	snac, err := oscar.ParseSNAC(p)
	if err != nil {
		c.logf("skipped a SNAC: %v", err)
		return
	}
	snac.Body = append([]byte(nil), snac.Body...)
	if snac.Type() == oscar.TypeRateChange {
		c.rateChange(snac)
		return
	}
	c.mu.Lock()
	a, ok := c.pending[snac.RequestID]
	ok = ok && bos.Answers(a.want, snac)
	if ok {
		delete(c.pending, snac.RequestID)
	}
	c.mu.Unlock()
	if ok {
		a.ch <- snac
		return
	}
	c.handle(snac)
}

// awaiting is a request waiting for its reply: a SNAC with its request id
// that bos.Answers it, as in bos.Session.
type awaiting struct {
	want oscar.SNACType
	ch   chan oscar.SNAC
}

func (c *conn) failPending() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, a := range c.pending {
		delete(c.pending, id)
		close(a.ch)
	}
}

// Err returns why the connection ended: nil while it runs and after a
// Leave or Close.
func (c *conn) Err() error {
	if err := context.Cause(c.ctx); err != nil && err != errLeave {
		return err
	}
	return nil
}

// stop starts the end; the first cause is kept. Leaving keeps the
// connection open for the logout frame and the last reads.
func (c *conn) stop(cause error) {
	c.cancel(cause)
	if context.Cause(c.ctx) != errLeave {
		c.nc.Close()
	}
}

// send writes m when its rate class allows and returns its request id.
func (c *conn) send(ctx context.Context, m oscar.Message) (uint32, error) {
	return c.sendThen(ctx, m, nil)
}

// sendThen is send calling before with the request id before the write,
// so that a reply cannot come first.
func (c *conn) sendThen(ctx context.Context, m oscar.Message, before func(uint32)) (uint32, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	t := m.SNACType()
	for {
		if c.ctx.Err() != nil {
			return 0, c.closedErr()
		}
		d := c.rates.Delay(t, c.now())
		if d <= 0 {
			break
		}
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return 0, ctx.Err()
		case <-c.ctx.Done():
			timer.Stop()
			return 0, c.closedErr()
		}
	}
	c.rates.Record(t, c.now())
	id := c.nextReqID()
	if before != nil {
		before(id)
	}
	if err := c.write(func() error { return c.fw.WriteMessage(id, m) }); err != nil {
		if errors.Is(err, oscar.ErrFrameTooLarge) {
			// Nothing was written: an error for this SNAC alone.
			return 0, fmt.Errorf("sending %v: %w", t, err)
		}
		c.stop(fmt.Errorf("%w: %w", bos.ErrConnectionLost, err))
		return 0, c.closedErr()
	}
	return id, nil
}

// request sends m and waits for the SNAC that answers it (same request
// id): its reply, of type want, or an error SNAC of want's family.
func (c *conn) request(ctx context.Context, m oscar.Message, want oscar.SNACType) (oscar.SNAC, error) {
	ch := make(chan oscar.SNAC, 1)
	id, err := c.sendThen(ctx, m, func(id uint32) {
		c.mu.Lock()
		c.pending[id] = awaiting{want: want, ch: ch}
		c.mu.Unlock()
	})
	if err != nil {
		c.forget(id)
		return oscar.SNAC{}, err
	}
	timer := time.NewTimer(c.opts.StepTimeout)
	defer timer.Stop()
	select {
	case snac, ok := <-ch:
		if !ok {
			return oscar.SNAC{}, c.closedErr()
		}
		return snac, nil
	case <-ctx.Done():
		c.forget(id)
		return oscar.SNAC{}, ctx.Err()
	case <-timer.C:
		c.forget(id)
		return oscar.SNAC{}, fmt.Errorf("no answer from the server to %v within %s: %w", m.SNACType(), c.opts.StepTimeout, os.ErrDeadlineExceeded)
	}
}

func (c *conn) forget(id uint32) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *conn) closedErr() error {
	if err := c.Err(); err != nil {
		return fmt.Errorf("%w: %w", bos.ErrClosed, err)
	}
	return bos.ErrClosed
}

// write runs one frame write under a deadline of StepTimeout.
func (c *conn) write(f func() error) error {
	c.nc.SetWriteDeadline(time.Now().Add(c.opts.StepTimeout))
	err := f()
	c.nc.SetWriteDeadline(time.Time{})
	return err
}

// keepaliveLoop sends a channel-5 frame when nothing was written for a
// Keepalive interval; when the connection ends by a leave, it sends the
// logout frame.
func (c *conn) keepaliveLoop() {
	defer c.wg.Done()
	defer c.signoff()
	if c.opts.Keepalive < 0 {
		<-c.ctx.Done()
		return
	}
	t := time.NewTicker(c.opts.Keepalive)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		if c.now().Sub(time.Unix(0, c.lastWrite.Load())) < c.opts.Keepalive {
			continue
		}
		c.wmu.Lock()
		if c.ctx.Err() == nil {
			if err := c.write(func() error { return c.fw.WriteFrame(oscar.ChannelKeepalive, nil) }); err != nil {
				c.stop(fmt.Errorf("%w: %w", bos.ErrConnectionLost, err))
			}
		}
		c.wmu.Unlock()
	}
}

// signoff sends, if the connection is ending by a leave, the zero-length
// channel-4 frame after what was being written, then half-closes: the
// reader reads what the server still sends until it closes its side (at
// most linger.Bound).
func (c *conn) signoff() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if context.Cause(c.ctx) != errLeave || c.left {
		return
	}
	c.left = true
	if err := c.write(func() error { return c.fw.WriteFrame(oscar.ChannelSignoff, nil) }); err != nil {
		c.nc.Close()
		return
	}
	linger.HalfClose(context.Background(), c.nc)
}

// deliver hands an event to events on the reader goroutine. It waits for
// a reader, unless a leave gave up (abandon) or the connection is ending
// by the end of its context and nobody read for a step's time: then this
// event and the rest are dropped.
func (c *conn) deliver(events chan<- Event, ev Event) {
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
	t := time.NewTimer(c.opts.StepTimeout)
	defer t.Stop()
	select {
	case events <- ev:
	case <-c.abandon:
	case <-t.C:
		c.abandonOnce.Do(func() { close(c.abandon) })
	}
}

// leave ends the connection the polite way and waits, until ctx ends, for
// its goroutines: the keepalive goroutine sends the zero-length channel-4
// frame and half-closes, and the reader reads until the server closes its
// side (at most linger.Bound). If ctx ends first, the connection is closed
// at once.
func (c *conn) leave(ctx context.Context) error {
	c.stop(errLeave)
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		c.abandonOnce.Do(func() { close(c.abandon) })
		c.nc.Close()
		<-c.done
		return ctx.Err()
	}
}

// newCookie is a message cookie: 8 random bytes.
func newCookie() [8]byte {
	var b [8]byte
	rand.Read(b[:])
	return b
}
