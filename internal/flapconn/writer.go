package flapconn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/aim-oscar/aim/internal/linger"
	"github.com/aim-oscar/aim/internal/oscar"
)

// ErrQueueFull is returned when more SNACs wait for the rate limiter than
// Options.QueueSize allows. Nothing was sent; the caller may try later.
var ErrQueueFull = errors.New("outgoing queue is full: the server's rate limit is slower than the messages being sent")

// job is one SNAC waiting for the writer.
type job struct {
	reqID uint32
	typ   oscar.SNACType
	body  []byte     // encoded when queued, so callers may reuse their values
	done  chan error // buffered: the writer never blocks on it
	// state is jobQueued until the writer takes the job to write it
	// (jobWriting) or its waiter gives up on it first (jobAbandoned,
	// and gone is closed): a job given up on is never written, so a
	// caller told "not sent" was told the truth, and the jobs behind it
	// do not wait out its rate class.
	state atomic.Int32
	gone  chan struct{}
}

const (
	jobQueued int32 = iota
	jobWriting
	jobAbandoned
)

// abandon gives j up unless the writer has taken it to write; it reports
// whether it did.
func (j *job) abandon() bool {
	if !j.state.CompareAndSwap(jobQueued, jobAbandoned) {
		return j.state.Load() == jobAbandoned
	}
	close(j.gone)
	return true
}

// call is a request waiting for its reply.
type call struct {
	sent     oscar.SNACType // the request, named in errors
	want     oscar.SNACType // its reply
	reply    chan callReply // buffered
	answered atomic.Bool    // the server's answer has been read
}

type callReply struct {
	body []byte // a copy
	err  error
	lost bool // no answer: the connection ended first (failPending)
}

// queue hands a SNAC to the writer without waiting. Jobs are written in
// the order they were queued.
func (c *Conn) queue(reqID uint32, m oscar.Message) (*job, error) {
	j := &job{reqID: reqID, typ: m.SNACType(), body: m.AppendTo(nil), done: make(chan error, 1), gone: make(chan struct{})}
	if c.ctx.Err() != nil {
		return nil, c.closedErr()
	}
	select {
	case c.outq <- j:
		return j, nil
	default:
		return nil, ErrQueueFull
	}
}

// Send queues a SNAC that gets no reply and waits until it is written.
// If ctx ends while the SNAC is still queued (behind the rate limit, say),
// it is given up: never written, and Send returns ctx's error.
func (c *Conn) Send(ctx context.Context, m oscar.Message) error {
	j, err := c.queue(c.NextReqID(), m)
	if err != nil {
		return err
	}
	return c.written(ctx, j)
}

func (c *Conn) written(ctx context.Context, j *job) error {
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		if j.abandon() {
			return ctx.Err()
		}
		// The writer is writing j: it went out or failed, and which
		// is known at once (a write is bounded by StepTimeout).
		return <-j.done
	case <-c.ctx.Done():
	}
	// The connection is ending, maybe just as the writer wrote j: once
	// the writer has stopped, j's outcome is known (it gives every job it
	// took one), and a job written is not one "not sent".
	if c.started.Load() {
		select {
		case err := <-j.done:
			return err
		case <-c.wrote:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case err := <-j.done:
		return err
	default:
		return c.closedErr()
	}
}

// lostErr is the outcome of a request written whose answer the end of
// the connection cut off: sent, so it may have been carried out.
func (c *Conn) lostErr() error {
	return fmt.Errorf("%w: %w", ErrUnanswered, c.closedErr())
}

func (c *Conn) closedErr() error {
	if err := c.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return ErrClosed
}

// control is what the reader tells the writer when the server pauses,
// resumes or moves the connection.
type control uint8

const (
	ctlPause   control = iota + 1 // 01,0B: acknowledge (01,0C), then hold the queue
	ctlResume                     // 01,0D, or a migration done: send again
	ctlMigrate                    // 01,12: hold the queue and keep off the connection
)

// writeLoop sends queued SNACs in order, each when its rate class allows,
// and the keepalive's channel-5 frames. Once signed on it is the only
// goroutine that writes to the connection, so the logout frame it writes
// when the connection ends is the last frame sent. While the server has the
// connection paused it sends nothing but the pause acknowledge; the queue
// waits.
func (c *Conn) writeLoop() {
	defer c.wg.Done()
	timer := time.NewTimer(time.Hour) // reset for each wait
	timer.Stop()
	var cur *job     // taken from the queue, waiting for its rate class
	quiet := true    // cur may count on the server not looking right after it
	touched := false // cur's peers were asked for their keepalives
	paused, migrating := false, false
	defer func() {
		if cur != nil {
			cur.done <- ErrClosed
		}
		c.finish(migrating)
		close(c.wrote)
	}()
	apply := func(ctl control) bool {
		switch ctl {
		case ctlPause:
			if paused {
				return true
			}
			paused = true
			ack := &oscar.PauseAck{Families: c.families}
			h := oscar.SNACHeader{Family: oscar.FamilyOService, Subtype: oscar.TypePauseAck.Subtype(), RequestID: c.NextReqID()}
			if err := c.write(func() error { return c.fw.WriteSNAC(h, nil, ack) }); err != nil {
				c.stop(readError(err))
				return false
			}
		case ctlResume:
			paused, migrating = false, false
		case ctlMigrate:
			paused, migrating = true, true
		}
		return true
	}
	for {
		switch {
		case paused:
			select {
			case ctl := <-c.ctl:
				if !apply(ctl) {
					return
				}
			case <-c.ctx.Done():
				return
			}
		case cur == nil:
			select {
			case cur = <-c.outq:
			case <-c.ping:
				if err := c.write(func() error { return c.fw.WriteFrame(oscar.ChannelKeepalive, nil) }); err != nil {
					c.stop(readError(err))
					return
				}
			case done := <-c.touch:
				if !c.keepaliveFor(done) {
					return
				}
			case ctl := <-c.ctl:
				if !apply(ctl) {
					return
				}
			case <-c.ctx.Done():
				return
			}
		default:
			// The pace when the server will not look right after the SNAC
			// (quiet): a SNAC that needs it has the connection's peers
			// write a keepalive within touchLead of it, once; if one
			// could not, the pace that is safe whenever the server looks.
			now := c.now()
			d := c.rates.delay(cur.typ, now, quiet)
			if quiet && !touched && c.rates.tight(cur.typ, now.Add(d)) {
				if d > touchLead {
					d -= touchLead // wake for the keepalives first
				} else {
					quiet, touched = c.touchPeers(), true
					continue
				}
			}
			if d > 0 {
				timer.Reset(d)
				select {
				case <-timer.C:
				case done := <-c.touch:
					timer.Stop()
					if !c.keepaliveFor(done) {
						return
					}
				case ctl := <-c.ctl:
					timer.Stop()
					if !apply(ctl) {
						return
					}
				case <-cur.gone: // its waiter gave up: the rest need not wait for it
					timer.Stop()
					cur, touched = nil, false
				case <-c.ctx.Done():
					timer.Stop()
					return
				}
				continue
			}
			if !cur.state.CompareAndSwap(jobQueued, jobWriting) { // given up on
				cur, touched = nil, false
				continue
			}
			quiet, touched = true, false
			j := cur
			cur = nil
			c.rates.record(j.typ, c.now())
			h := oscar.SNACHeader{Family: j.typ.Family(), Subtype: j.typ.Subtype(), RequestID: j.reqID}
			err := c.write(func() error { return c.fw.WriteSNAC(h, nil, rawBody(j.body)) })
			j.done <- err
			// A SNAC too big for one frame was not written at all: an error
			// for that one request, the connection is fine.
			if err != nil && !errors.Is(err, oscar.ErrFrameTooLarge) {
				c.stop(readError(err))
				return
			}
		}
	}
}

// keepaliveFor writes a keepalive a peer asked for (SharePacing) and
// closes done once it is written; false means the connection is ending.
func (c *Conn) keepaliveFor(done chan struct{}) bool {
	if err := c.write(func() error { return c.fw.WriteFrame(oscar.ChannelKeepalive, nil) }); err != nil {
		c.stop(readError(err))
		return false
	}
	close(done)
	return true
}

// tell hands the writer a control; false means the connection is ending.
func (c *Conn) tell(ctl control) bool {
	select {
	case c.ctl <- ctl:
		return true
	case <-c.ctx.Done():
		return false
	}
}

// finish ends the writer: queued jobs get ErrClosed, and on a logout the
// server gets the zero-length channel-4 frame; if the server has not
// closed its side within linger.PeerFirst, the half-close the reader's
// last reads wait on follows (see Logout). In the middle of a migration
// the connection is the reader's: it is closed without a word.
func (c *Conn) finish(migrating bool) {
	for len(c.outq) > 0 { // only the writer receives: this cannot block
		(<-c.outq).done <- ErrClosed
	}
	if context.Cause(c.ctx) != errLogout || migrating {
		return
	}
	if err := c.write(func() error { return c.fw.WriteFrame(oscar.ChannelSignoff, nil) }); err != nil {
		c.closeConn() // nothing more will come: end the reader now
		return
	}
	// The server closes at once on reading the frame: half-closing
	// before it has could make it take the EOF for the frame
	// (linger.PeerFirst).
	t := time.NewTimer(linger.PeerFirst)
	defer t.Stop()
	select {
	case <-c.readEnded:
		return
	case <-t.C:
	}
	// Under cmu, which the reader's own read deadlines take too: the
	// connection is ending, so the reader leaves this one alone.
	c.cmu.Lock()
	defer c.cmu.Unlock()
	linger.HalfClose(context.Background(), c.conn)
}

// write runs one frame write under a deadline of StepTimeout, cleared once
// the write is done: a deadline left armed would wake an idle process for
// nothing.
func (c *Conn) write(f func() error) error {
	c.conn.SetWriteDeadline(time.Now().Add(c.opts.StepTimeout))
	err := f()
	c.conn.SetWriteDeadline(time.Time{})
	return err
}

// noAnswerError is a request the server did not answer within the step
// timeout; it is os.ErrDeadlineExceeded.
type noAnswerError struct {
	what  SNACType
	after time.Duration
}

func (e *noAnswerError) Error() string {
	return fmt.Sprintf("no answer from the server to %s within %s", requestName(e.what), e.after)
}
func (e *noAnswerError) Detail() string {
	return fmt.Sprintf("no answer from the server to %v within %s", e.what, e.after)
}
func (e *noAnswerError) Unwrap() error { return os.ErrDeadlineExceeded }

type rawBody []byte

func (b rawBody) AppendTo(dst []byte) []byte { return append(dst, b...) }

// Pending is a request queued to the server whose answer has not been
// awaited yet. Requests are written in the order they were queued.
type Pending struct {
	conn *Conn
	id   uint32
	call *call
	j    *job
	what oscar.SNACType
}

// Queue queues m and registers for a reply of type want (or an error SNAC
// of the same family) with the same request id.
func (c *Conn) Queue(m oscar.Message, want oscar.SNACType) (*Pending, error) {
	id := c.NextReqID()
	cl := &call{sent: m.SNACType(), want: want, reply: make(chan callReply, 1)}
	c.mu.Lock()
	c.pending[id] = cl
	c.mu.Unlock()
	j, err := c.queue(id, m)
	if err != nil {
		c.forget(id)
		return nil, err
	}
	return &Pending{conn: c, id: id, call: cl, j: j, what: m.SNACType()}, nil
}

func (c *Conn) forget(id uint32) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// Reply waits for the reply and returns its body (a copy); an error SNAC
// answering it is a *RequestError. The time the request spent queued behind
// the rate limiter does not count: the step timeout starts once it is
// written.
//
// A request written whose answer the end of the connection (not the end
// of ctx) cut off is ErrUnanswered too, wrapping ErrClosed and the cause:
// it went out, so it may have been carried out. Only one never written is
// ErrClosed alone.
func (p *Pending) Reply(ctx context.Context) ([]byte, error) {
	c := p.conn
	defer c.forget(p.id)
	select {
	case r := <-p.call.reply: // answered already
		if !r.lost {
			return r.body, r.err
		}
		// The connection ended: the writer has stopped (failPending
		// runs after it), so whether p went out is known now.
		select {
		case err := <-p.j.done:
			if err == nil {
				return nil, c.lostErr()
			}
			return nil, err
		default:
			return nil, r.err
		}
	default:
	}
	if err := c.written(ctx, p.j); err != nil {
		return nil, err
	}
	timer := time.NewTimer(c.opts.StepTimeout)
	defer timer.Stop()
	select {
	case r := <-p.call.reply:
		if r.lost {
			return nil, c.lostErr()
		}
		return r.body, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUnanswered, ctx.Err())
	case <-timer.C:
		return nil, &noAnswerError{what: SNACType(p.what), after: c.opts.StepTimeout}
	case <-c.ctx.Done():
		// A reply may have come just before the end.
		select {
		case r := <-p.call.reply:
			if !r.lost {
				return r.body, r.err
			}
		default:
		}
		return nil, c.lostErr()
	}
}

// Answered reports whether the server's answer to the request (its reply
// or an error) has been read: once it has, whatever the server sent after
// it has not been handed on yet.
func (p *Pending) Answered() bool { return p.call.answered.Load() }

// Wait waits for the server to accept the request: for an IM, its 04,0C.
func (p *Pending) Wait(ctx context.Context) error {
	_, err := p.Reply(ctx)
	return err
}

// Request sends m and waits for its reply (see Queue, Pending.Reply).
func (c *Conn) Request(ctx context.Context, m oscar.Message, want oscar.SNACType) ([]byte, error) {
	p, err := c.Queue(m, want)
	if err != nil {
		return nil, err
	}
	return p.Reply(ctx)
}

// Answers reports whether s answers a request awaiting a reply of type
// want, given that its request id matches: the reply itself, or an error
// SNAC (ff,01) of want's family. Real servers echo the request id in
// replies but also put other ids on unsolicited SNACs (a relayed 04,14
// carries the sender's), so the id alone does not say.
func Answers(want oscar.SNACType, s oscar.SNAC) bool {
	return s.Type() == want || (s.Subtype == 1 && s.Family == want.Family())
}

// deliver hands a reply to the request waiting for it: same request id,
// and a SNAC that Answers it.
func (c *Conn) deliver(snac oscar.SNAC) bool {
	c.mu.Lock()
	cl, ok := c.pending[snac.RequestID]
	ok = ok && Answers(cl.want, snac)
	if ok {
		delete(c.pending, snac.RequestID)
	}
	c.mu.Unlock()
	if !ok {
		return false
	}
	var r callReply
	if snac.Subtype == 1 {
		var e oscar.SNACError
		e.Decode(snac.Body)
		r.err = &RequestError{Type: SNACType(cl.sent), Code: e.Code, Subcode: e.Subcode()}
	} else {
		r.body = append([]byte(nil), snac.Body...)
	}
	cl.answered.Store(true) // before the reader goes on to the next frame
	cl.reply <- r
	return true
}

func (c *Conn) failPending() {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.closedErr()
	for id, cl := range c.pending {
		delete(c.pending, id)
		cl.reply <- callReply{err: err, lost: true}
	}
}

// keepaliveLoop sends a channel-5 frame when nothing was written for a
// Keepalive interval, and after ProbeAfter of silence from the server asks
// for self info (01,0E): no answer within StepTimeout means the connection
// is dead.
func (c *Conn) keepaliveLoop() {
	defer c.wg.Done()
	period := c.opts.Keepalive
	if period < 0 {
		period = c.opts.ProbeAfter
	}
	if period <= 0 {
		<-c.ctx.Done()
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		now := c.now()
		if c.opts.Keepalive > 0 && now.Sub(time.Unix(0, c.lastWrite.Load())) >= c.opts.Keepalive {
			select {
			case c.ping <- struct{}{}:
			default: // one is waiting already
			}
		}
		if c.opts.ProbeAfter > 0 && now.Sub(time.Unix(0, c.lastRead.Load())) >= c.opts.ProbeAfter {
			_, err := c.Request(c.ctx, oscar.Empty(oscar.TypeSelfInfoRequest), oscar.TypeSelfInfo)
			var refused *RequestError // an error SNAC is an answer too: the server is there
			if err != nil && c.ctx.Err() == nil && !errors.As(err, &refused) && !errors.Is(err, ErrQueueFull) {
				c.stop(fmt.Errorf("%w: the server did not answer a probe after %s of silence", ErrConnectionLost, c.opts.ProbeAfter))
				return
			}
		}
	}
}
