package bos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/linger"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
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
}

// call is a request waiting for its reply.
type call struct {
	sent  oscar.SNACType // the request, named in errors
	want  oscar.SNACType // its reply
	reply chan callReply // buffered
}

type callReply struct {
	body []byte // a copy
	err  error
}

// queue hands a SNAC to the writer without waiting. Jobs are written in
// the order they were queued.
func (s *Session) queue(reqID uint32, m oscar.Message) (*job, error) {
	j := &job{reqID: reqID, typ: m.SNACType(), body: m.AppendTo(nil), done: make(chan error, 1)}
	if s.ctx.Err() != nil {
		return nil, s.closedErr()
	}
	select {
	case s.outq <- j:
		return j, nil
	default:
		return nil, ErrQueueFull
	}
}

// enqueue queues a SNAC that gets no reply and waits until it is written.
func (s *Session) enqueue(ctx context.Context, reqID uint32, m oscar.Message) error {
	j, err := s.queue(reqID, m)
	if err != nil {
		return err
	}
	return s.written(ctx, j)
}

func (s *Session) written(ctx context.Context, j *job) error {
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ctx.Done():
		return s.closedErr()
	}
}

func (s *Session) closedErr() error {
	if err := s.Err(); err != nil {
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
// when the session ends is the last frame sent. While the server has the
// connection paused it sends nothing but the pause acknowledge; the queue
// waits.
func (s *Session) writeLoop() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour) // reset for each wait
	timer.Stop()
	var cur *job // taken from the queue, waiting for its rate class
	paused, migrating := false, false
	defer func() {
		if cur != nil {
			cur.done <- ErrClosed
		}
		s.finish(migrating)
	}()
	apply := func(c control) bool {
		switch c {
		case ctlPause:
			if paused {
				return true
			}
			paused = true
			ack := &oscar.PauseAck{Families: s.families}
			h := oscar.SNACHeader{Family: oscar.FamilyOService, Subtype: oscar.TypePauseAck.Subtype(), RequestID: s.nextReqID()}
			if err := s.write(func() error { return s.fw.WriteSNAC(h, nil, ack) }); err != nil {
				s.stop(readError(err))
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
			case c := <-s.ctl:
				if !apply(c) {
					return
				}
			case <-s.ctx.Done():
				return
			}
		case cur == nil:
			select {
			case cur = <-s.outq:
			case <-s.ping:
				if err := s.write(func() error { return s.fw.WriteFrame(oscar.ChannelKeepalive, nil) }); err != nil {
					s.stop(readError(err))
					return
				}
			case c := <-s.ctl:
				if !apply(c) {
					return
				}
			case <-s.ctx.Done():
				return
			}
		default:
			if d := s.rates.delay(cur.typ, s.now()); d > 0 {
				timer.Reset(d)
				select {
				case <-timer.C:
				case c := <-s.ctl:
					timer.Stop()
					if !apply(c) {
						return
					}
				case <-s.ctx.Done():
					timer.Stop()
					return
				}
				continue
			}
			j := cur
			cur = nil
			s.rates.record(j.typ, s.now())
			h := oscar.SNACHeader{Family: j.typ.Family(), Subtype: j.typ.Subtype(), RequestID: j.reqID}
			err := s.write(func() error { return s.fw.WriteSNAC(h, nil, rawBody(j.body)) })
			j.done <- err
			// A SNAC too big for one frame was not written at all: an error
			// for that one request, the connection is fine.
			if err != nil && !errors.Is(err, oscar.ErrFrameTooLarge) {
				s.stop(readError(err))
				return
			}
		}
	}
}

// tell hands the writer a control; false means the session is ending.
func (s *Session) tell(c control) bool {
	select {
	case s.ctl <- c:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// finish ends the writer: queued jobs get ErrClosed, and on a logout the
// server gets the zero-length channel-4 frame, then the half-close the
// reader's last reads wait on (see Logout). In the middle of a migration
// the connection is the reader's: it is closed without a word.
func (s *Session) finish(migrating bool) {
	for len(s.outq) > 0 { // only the writer receives: this cannot block
		(<-s.outq).done <- ErrClosed
	}
	if context.Cause(s.ctx) != errLogout || migrating {
		return
	}
	if err := s.write(func() error { return s.fw.WriteFrame(oscar.ChannelSignoff, nil) }); err != nil {
		s.closeConn() // nothing more will come: end the reader now
		return
	}
	// Under cmu, which the reader's own read deadlines take too: the
	// session is ending, so the reader leaves this one alone.
	s.cmu.Lock()
	defer s.cmu.Unlock()
	linger.HalfClose(context.Background(), s.conn)
}

// write runs one frame write under a deadline of StepTimeout, cleared once
// the write is done: a deadline left armed would wake an idle process for
// nothing.
func (s *Session) write(f func() error) error {
	s.conn.SetWriteDeadline(time.Now().Add(s.opts.StepTimeout))
	err := f()
	s.conn.SetWriteDeadline(time.Time{})
	return err
}

type rawBody []byte

func (b rawBody) AppendTo(dst []byte) []byte { return append(dst, b...) }

// Pending is a request queued to the server whose answer has not been
// awaited yet. Requests are written in the order they were queued.
type Pending struct {
	s    *Session
	id   uint32
	c    *call
	j    *job
	what oscar.SNACType
	im   *oscar.ICBMSend // the IM, for WaitOrStore
}

// start queues m and registers for a reply of type want (or an error SNAC
// of the same family) with the same request id.
func (s *Session) start(m oscar.Message, want oscar.SNACType) (*Pending, error) {
	id := s.nextReqID()
	c := &call{sent: m.SNACType(), want: want, reply: make(chan callReply, 1)}
	s.mu.Lock()
	s.pending[id] = c
	s.mu.Unlock()
	j, err := s.queue(id, m)
	if err != nil {
		s.forget(id)
		return nil, err
	}
	return &Pending{s: s, id: id, c: c, j: j, what: m.SNACType()}, nil
}

func (s *Session) forget(id uint32) {
	s.mu.Lock()
	delete(s.pending, id)
	s.mu.Unlock()
}

// wait returns the reply's body. The time the request spent queued behind
// the rate limiter does not count: the step timeout starts once it is
// written.
func (p *Pending) wait(ctx context.Context) ([]byte, error) {
	s := p.s
	defer s.forget(p.id)
	select {
	case r := <-p.c.reply: // answered already
		return r.body, r.err
	default:
	}
	if err := s.written(ctx, p.j); err != nil {
		return nil, err
	}
	timer := time.NewTimer(s.opts.StepTimeout)
	defer timer.Stop()
	select {
	case r := <-p.c.reply:
		return r.body, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUnanswered, ctx.Err())
	case <-timer.C:
		return nil, fmt.Errorf("no answer from the server to %v within %s: %w", p.what, s.opts.StepTimeout, os.ErrDeadlineExceeded)
	case <-s.ctx.Done():
		// A reply may have come just before the end.
		select {
		case r := <-p.c.reply:
			return r.body, r.err
		default:
		}
		return nil, s.closedErr()
	}
}

// Wait waits for the server to accept the request: for an IM, its 04,0C.
func (p *Pending) Wait(ctx context.Context) error {
	_, err := p.wait(ctx)
	return err
}

// request sends m and waits for its reply.
func (s *Session) request(ctx context.Context, m oscar.Message, want oscar.SNACType) ([]byte, error) {
	p, err := s.start(m, want)
	if err != nil {
		return nil, err
	}
	return p.wait(ctx)
}

// deliver hands a reply to the request waiting for it: same request id,
// and a SNAC that Answers it.
func (s *Session) deliver(snac oscar.SNAC) bool {
	s.mu.Lock()
	c, ok := s.pending[snac.RequestID]
	ok = ok && Answers(c.want, snac)
	if ok {
		delete(s.pending, snac.RequestID)
	}
	s.mu.Unlock()
	if !ok {
		return false
	}
	var r callReply
	if snac.Subtype == 1 {
		var e oscar.SNACError
		e.Decode(snac.Body)
		r.err = &RequestError{Type: snacType(c.sent), Code: e.Code, Subcode: e.Subcode()}
	} else {
		r.body = append([]byte(nil), snac.Body...)
	}
	c.reply <- r
	return true
}

func (s *Session) failPending() {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.closedErr()
	for id, c := range s.pending {
		delete(s.pending, id)
		c.reply <- callReply{err: err}
	}
}

// keepaliveLoop sends a channel-5 frame when nothing was written for a
// Keepalive interval, and after ProbeAfter of silence from the server asks
// for self info (01,0E): no answer within StepTimeout means the connection
// is dead.
func (s *Session) keepaliveLoop() {
	defer s.wg.Done()
	period := s.opts.Keepalive
	if period < 0 {
		period = s.opts.ProbeAfter
	}
	if period <= 0 {
		<-s.ctx.Done()
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		now := s.now()
		if s.opts.Keepalive > 0 && now.Sub(time.Unix(0, s.lastWrite.Load())) >= s.opts.Keepalive {
			select {
			case s.ping <- struct{}{}:
			default: // one is waiting already
			}
		}
		if s.opts.ProbeAfter > 0 && now.Sub(time.Unix(0, s.lastRead.Load())) >= s.opts.ProbeAfter {
			_, err := s.request(s.ctx, oscar.Empty(oscar.TypeSelfInfoRequest), oscar.TypeSelfInfo)
			var refused *RequestError // an error SNAC is an answer too: the server is there
			if err != nil && s.ctx.Err() == nil && !errors.As(err, &refused) && !errors.Is(err, ErrQueueFull) {
				s.stop(fmt.Errorf("%w: the server did not answer a probe after %s of silence", ErrConnectionLost, s.opts.ProbeAfter))
				return
			}
		}
	}
}

// SendIM sends text to a user and waits for the server to accept it
// (04,0C). An IM to someone offline is a *RequestError with
// RecipientOffline; text longer than the server takes is a *limits.TooLongError.
func (s *Session) SendIM(ctx context.Context, to, text string) error {
	p, err := s.QueueIM(to, text, false)
	if err != nil {
		return err
	}
	return p.Wait(ctx)
}

// SendOrStoreIM is SendIM that, when the recipient is offline, asks the
// server to keep the IM for them (Pending.WaitOrStore).
func (s *Session) SendOrStoreIM(ctx context.Context, to, text string) (Delivery, error) {
	p, err := s.QueueIM(to, text, false)
	if err != nil {
		return Delivered, err
	}
	return p.WaitOrStore(ctx)
}

// QueueIM queues an IM and returns at once; Wait on the result for the
// server's answer. IMs are sent in the order they are queued, at the pace
// the server's rate limits allow. A full queue is ErrQueueFull.
func (s *Session) QueueIM(to, text string, autoResponse bool) (*Pending, error) {
	name, err := screenname.Parse(to)
	if err != nil {
		return nil, err
	}
	t, err := imText(text, s.Limits().MaxMessageLen)
	if err != nil {
		return nil, err
	}
	m := &oscar.ICBMSend{Cookie: newCookie(), Channel: 1, ScreenName: name, Message: oscar.NewMessage(t), WantAck: true, AutoResponse: autoResponse}
	p, err := s.start(m, oscar.TypeICBMAck)
	if p != nil {
		p.im = m
	}
	return p, err
}

// Delivery says what the server did with an IM it accepted.
type Delivery int

const (
	// Delivered: the recipient was online (or the server did not say).
	Delivered Delivery = iota
	// Stored: the recipient is offline, and the server keeps the IM for
	// their next signon.
	Stored
)

func (d Delivery) String() string {
	if d == Stored {
		return "stored"
	}
	return "delivered"
}

// WaitOrStore waits for the server to accept an IM queued by QueueIM, like
// Wait; if the server refuses it because its recipient is not signed on,
// it sends the same message again asking the server to store it for their
// next signon (TLV 0x0006, with TLV 0x0003 so that only a 04,0C can say
// "stored": a 04,0C alone cannot tell it from delivered, fact 57). Servers
// that store nothing refuse the second try too, and that refusal is the
// error. An automatic reply is never stored.
func (p *Pending) WaitOrStore(ctx context.Context) (Delivery, error) {
	err := p.Wait(ctx)
	var refused *RequestError
	if p.im == nil || p.im.AutoResponse || !errors.As(err, &refused) || !refused.RecipientOffline() || refused.Subcode != 0 {
		return Delivered, err
	}
	m := *p.im
	m.Store, m.WantAck = true, true
	again, err := p.s.start(&m, oscar.TypeICBMAck)
	if err != nil {
		return Delivered, err
	}
	if err := again.Wait(ctx); err != nil {
		return Delivered, err
	}
	return Stored, nil
}

// CheckIM reports, with no server, whether text fits in an IM under the
// limit real servers enforce (DefaultMaxMessage), in bytes as QueueIM
// encodes it: a *limits.TooLongError if not. Check before signing on, which real
// servers ration.
func CheckIM(text string) error {
	_, err := imText(text, DefaultMaxMessage)
	return err
}

// imText encodes an IM's text, refusing it if longer than lim bytes.
func imText(text string, lim int) (oscar.Text, error) {
	t, err := oscar.NewText(text)
	if err != nil {
		return t, &limits.TooLongError{What: "message", Len: len(text), Limit: lim}
	}
	if len(t.Data) > lim {
		return t, &limits.TooLongError{What: "message", Len: len(t.Data), Limit: lim}
	}
	return t, nil
}

// SetProfile replaces the profile (02,04).
func (s *Session) SetProfile(ctx context.Context, profile string) error {
	if lim := s.Limits().MaxProfileLen; len(profile) > lim {
		return &limits.TooLongError{What: "profile", Len: len(profile), Limit: lim}
	}
	if err := s.enqueue(ctx, s.nextReqID(), setInfo(&profile, nil)); err != nil {
		return err
	}
	s.mu.Lock()
	s.profile = profile
	s.mu.Unlock()
	return nil
}

// SetAway sets the away message (02,04); an empty one means back.
func (s *Session) SetAway(ctx context.Context, away string) error {
	if lim := s.Limits().MaxProfileLen; len(away) > lim {
		return &limits.TooLongError{What: "away message", Len: len(away), Limit: lim}
	}
	if err := s.enqueue(ctx, s.nextReqID(), setInfo(nil, &away)); err != nil {
		return err
	}
	s.setAway(away)
	return nil
}

// AddBuddies watches more users (03,04).
func (s *Session) AddBuddies(ctx context.Context, names ...string) error {
	return forChunks(names, func(chunk []string) error {
		if err := s.enqueue(ctx, s.nextReqID(), &oscar.AddBuddies{Names: chunk}); err != nil {
			return err
		}
		s.mu.Lock()
		for _, name := range chunk {
			if !slices.ContainsFunc(s.buddies, func(b string) bool { return screenname.Same(b, name) }) {
				s.buddies = append(s.buddies, name)
			}
		}
		s.mu.Unlock()
		return nil
	})
}

// RemoveBuddies stops watching users (03,05).
func (s *Session) RemoveBuddies(ctx context.Context, names ...string) error {
	return forChunks(names, func(chunk []string) error {
		if err := s.enqueue(ctx, s.nextReqID(), &oscar.RemoveBuddies{Names: chunk}); err != nil {
			return err
		}
		s.mu.Lock()
		for _, name := range chunk {
			delete(s.online, screenname.Normalize(name))
			s.buddies = slices.DeleteFunc(s.buddies, func(b string) bool { return screenname.Same(b, name) })
		}
		s.mu.Unlock()
		return nil
	})
}

// forChunks calls f with names cut into SNAC-sized pieces.
func forChunks(names []string, f func([]string) error) error {
	for len(names) > 0 {
		n := min(len(names), maxNamesPerSNAC)
		if err := f(names[:n]); err != nil {
			return err
		}
		names = names[n:]
	}
	return nil
}

// UserInfo is what the server says about a user: another user's from
// 02,06 (GetInfo), or the user's own from 01,0F (Session.Self).
type UserInfo struct {
	ScreenName   string
	WarningLevel uint16
	Away         bool
	IdleMinutes  uint16
	SignonTime   time.Time
	Profile      string // as sent, usually HTML
	AwayMessage  string
}

// userInfo copies what a user info block says; it keeps nothing that
// aliases the block.
func userInfo(u *oscar.UserInfo) UserInfo {
	info := UserInfo{ScreenName: u.ScreenName, WarningLevel: u.WarningLevel, Away: u.Away(), IdleMinutes: u.IdleMinutes()}
	info.SignonTime, _ = u.SignonTime()
	return info
}

// Request is a request queued to the server whose answer, of type T, has
// not been awaited yet. Requests go out in the order they were queued.
type Request[T any] struct {
	p     *Pending
	parse func(ctx context.Context, body []byte) (T, error)
}

// Wait waits for the answer.
func (r *Request[T]) Wait(ctx context.Context) (T, error) {
	body, err := r.p.wait(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return r.parse(ctx, body)
}

// GetInfo asks for a user's profile, and away message when away (02,05).
// An offline user is a *RequestError with RecipientOffline.
func (s *Session) GetInfo(ctx context.Context, name string) (*UserInfo, error) {
	r, err := s.QueueGetInfo(name)
	if err != nil {
		return nil, err
	}
	return r.Wait(ctx)
}

// QueueGetInfo queues GetInfo's request and returns at once.
func (s *Session) QueueGetInfo(name string) (*Request[*UserInfo], error) {
	name, err := screenname.Parse(name)
	if err != nil {
		return nil, err
	}
	p, err := s.start(&oscar.UserInfoQuery{Type: oscar.InfoQueryProfile, ScreenName: name}, oscar.TypeUserInfoReply)
	if err != nil {
		return nil, err
	}
	return &Request[*UserInfo]{p: p, parse: func(ctx context.Context, body []byte) (*UserInfo, error) {
		var r oscar.UserInfoReply
		if err := r.Decode(body); err != nil {
			return nil, err
		}
		u := userInfo(&r.Info)
		info := &u
		if p, mime, ok := r.Profile(); ok {
			info.Profile = decodeInfoText(p, mime)
		}
		if a, mime, ok := r.Away(); ok {
			info.AwayMessage = decodeInfoText(a, mime)
		} else if info.Away {
			// Servers that answer type 1 with the profile alone give the
			// away message to type 3.
			body, err := s.request(ctx, &oscar.UserInfoQuery{Type: oscar.InfoQueryAway, ScreenName: name}, oscar.TypeUserInfoReply)
			if err == nil && r.Decode(body) == nil {
				if a, mime, ok := r.Away(); ok {
					info.AwayMessage = decodeInfoText(a, mime)
				}
			}
		}
		return info, nil
	}}, nil
}

// Warn warns a user (04,08) and returns their new warning level.
func (s *Session) Warn(ctx context.Context, name string, anonymous bool) (newLevel uint16, err error) {
	r, err := s.QueueWarn(name, anonymous)
	if err != nil {
		return 0, err
	}
	return r.Wait(ctx)
}

// QueueWarn queues Warn's request and returns at once.
func (s *Session) QueueWarn(name string, anonymous bool) (*Request[uint16], error) {
	name, err := screenname.Parse(name)
	if err != nil {
		return nil, err
	}
	p, err := s.start(&oscar.WarnRequest{Anonymous: anonymous, ScreenName: name}, oscar.TypeWarnReply)
	if err != nil {
		return nil, err
	}
	return &Request[uint16]{p: p, parse: func(_ context.Context, body []byte) (uint16, error) {
		var r oscar.WarnReply
		if err := r.Decode(body); err != nil {
			return 0, err
		}
		return r.NewLevel, nil
	}}, nil
}

// SetIdle tells the server how long the user has been idle (01,11); zero
// means active again.
func (s *Session) SetIdle(ctx context.Context, idle time.Duration) error {
	return s.enqueue(ctx, s.nextReqID(), &oscar.SetIdle{Seconds: uint32(idle / time.Second)})
}

// SendTyping sends a typing notification (04,14).
func (s *Session) SendTyping(ctx context.Context, to string, state TypingState) error {
	name, err := screenname.Parse(to)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, s.nextReqID(), &oscar.Typing{Cookie: newCookie(), Channel: 1, ScreenName: name, Event: uint16(state)})
}
