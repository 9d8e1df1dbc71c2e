package bos

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Pending is a request queued to the server whose answer has not been
// awaited yet: Wait waits for the server to accept it (for an IM, its
// 04,0C). Requests are written in the order they were queued.
type Pending struct {
	*flapconn.Pending
	s  *Session
	im *oscar.ICBMSend // the IM, for WaitOrStore
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
	m, err := newIM(to, text, s.Limits().MaxMessageLen, autoResponse)
	if err != nil {
		return nil, err
	}
	p, err := s.c.Queue(m, oscar.TypeICBMAck)
	if err != nil {
		return nil, err
	}
	return &Pending{Pending: p, s: s, im: m}, nil
}

// newIM is the 04,06 of an IM asking for the server's acknowledge, text
// refused if longer than lim bytes.
func newIM(to, text string, lim int, autoResponse bool) (*oscar.ICBMSend, error) {
	name, err := screenname.Parse(to)
	if err != nil {
		return nil, err
	}
	t, err := imText(text, lim)
	if err != nil {
		return nil, err
	}
	return &oscar.ICBMSend{Cookie: newCookie(), Channel: 1, ScreenName: name, Message: oscar.NewMessage(t), WantAck: true, AutoResponse: autoResponse}, nil
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
	if p.im == nil || p.im.AutoResponse || !errors.As(err, &refused) || !refused.RecipientOffline() || refused.Subcode != 0 ||
		p.s.KeepsNoIMs() {
		return Delivered, err
	}
	m := *p.im
	m.Store, m.WantAck = true, true
	again, err := p.s.c.Queue(&m, oscar.TypeICBMAck)
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
	if err := s.c.Send(ctx, setInfo(&profile, nil)); err != nil {
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
	if err := s.c.Send(ctx, setInfo(nil, &away)); err != nil {
		return err
	}
	s.setAway(away)
	return nil
}

// AddBuddies watches more users (03,04).
func (s *Session) AddBuddies(ctx context.Context, names ...string) error {
	return forChunks(names, func(chunk []string) error {
		if err := s.c.Send(ctx, &oscar.AddBuddies{Names: chunk}); err != nil {
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
		if err := s.c.Send(ctx, &oscar.RemoveBuddies{Names: chunk}); err != nil {
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
	p     *flapconn.Pending
	parse func(ctx context.Context, body []byte) (T, error)
}

// Wait waits for the answer.
func (r *Request[T]) Wait(ctx context.Context) (T, error) {
	body, err := r.p.Reply(ctx)
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
	p, err := s.c.Queue(&oscar.UserInfoQuery{Type: oscar.InfoQueryProfile, ScreenName: name}, oscar.TypeUserInfoReply)
	if err != nil {
		return nil, err
	}
	return &Request[*UserInfo]{p: p, parse: func(ctx context.Context, body []byte) (*UserInfo, error) {
		var r oscar.UserInfoReply
		if err := r.Decode(body); err != nil {
			return nil, &BadReplyError{Request: snacType(oscar.TypeUserInfoQuery), Err: err}
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
			body, err := s.c.Request(ctx, &oscar.UserInfoQuery{Type: oscar.InfoQueryAway, ScreenName: name}, oscar.TypeUserInfoReply)
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
	p, err := s.c.Queue(&oscar.WarnRequest{Anonymous: anonymous, ScreenName: name}, oscar.TypeWarnReply)
	if err != nil {
		return nil, err
	}
	return &Request[uint16]{p: p, parse: func(_ context.Context, body []byte) (uint16, error) {
		var r oscar.WarnReply
		if err := r.Decode(body); err != nil {
			return 0, &BadReplyError{Request: snacType(oscar.TypeWarnRequest), Err: err}
		}
		return r.NewLevel, nil
	}}, nil
}

// SetIdle tells the server how long the user has been idle (01,11); zero
// means active again.
func (s *Session) SetIdle(ctx context.Context, idle time.Duration) error {
	return s.c.Send(ctx, &oscar.SetIdle{Seconds: uint32(idle / time.Second)})
}

// SendTyping sends a typing notification (04,14).
func (s *Session) SendTyping(ctx context.Context, to string, state TypingState) error {
	name, err := screenname.Parse(to)
	if err != nil {
		return err
	}
	return s.c.Send(ctx, &oscar.Typing{Cookie: newCookie(), Channel: 1, ScreenName: name, Event: uint16(state)})
}
