package bos

import (
	"context"
	"errors"
	"time"

	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The pieces of a session that the account's other connections (chat
// navigation, chat rooms) use too: each such connection has rate classes
// of its own and ends the way a BOS connection does.

// Limiter keeps one connection under the server's rate limits, as a
// Session keeps its BOS connection: it tracks each class's level in the
// server's arithmetic and says how long to wait before the next SNAC. It is
// safe for concurrent use.
type Limiter struct{ l *limiter }

// NewLimiter returns a limiter with no classes: every SNAC may go at once
// until Set installs the server's.
func NewLimiter() *Limiter { return &Limiter{newLimiter()} }

// Set installs the classes and groups of 01,07.
func (l *Limiter) Set(p *oscar.RateParams, now time.Time) { l.l.set(p, now) }

// Update applies a 01,0A from the server.
func (l *Limiter) Update(m *oscar.RateChange, now time.Time) { l.l.update(m, now) }

// Delay returns how long to wait at now before sending a SNAC of type t.
func (l *Limiter) Delay(t oscar.SNACType, now time.Time) time.Duration { return l.l.delay(t, now) }

// Record counts a SNAC of type t sent at now.
func (l *Limiter) Record(t oscar.SNACType, now time.Time) { l.l.record(t, now) }

// Answers reports whether s answers a request awaiting a reply of type
// want, given that its request id matches: the reply itself, or an error
// SNAC (ff,01) of want's family. Real servers echo the request id in
// replies but also put other ids on unsolicited SNACs (a relayed 04,14
// carries the sender's), so the id alone does not say.
func Answers(want oscar.SNACType, s oscar.SNAC) bool {
	return s.Type() == want || (s.Subtype == 1 && s.Family == want.Family())
}

// ClosedBy classifies a channel-4 frame from the server, as a Session
// does: multiConn says whether the login sent TLV 0x004A = 1.
func ClosedBy(f oscar.Frame, multiConn bool) *ClosedError { return closedBy(f, multiConn) }

// RequestService asks for a connection to another service (01,04) and
// returns the server's answer (01,05): where to connect, and the cookie to
// show there. family is oscar.FamilyChatNav, or oscar.FamilyChat with the
// room (a RoomRef from chat navigation or an invitation). A refusal is a
// *RequestError.
func (s *Session) RequestService(ctx context.Context, family uint16, room *oscar.RoomRef) (oscar.ServiceReply, error) {
	m := &oscar.ServiceRequest{Family: family}
	if room != nil {
		m.HasRoom, m.Room = true, *room
	}
	body, err := s.request(ctx, m, oscar.TypeServiceReply)
	if err != nil {
		return oscar.ServiceReply{}, err
	}
	var r oscar.ServiceReply
	if err := r.Decode(body); err != nil {
		return oscar.ServiceReply{}, err
	}
	return r, nil
}

// ChatInvited is an invitation to a chat room: a channel-2 04,07 whose
// rendezvous carries the chat capability. Join the room with
// RequestService(ctx, oscar.FamilyChat, &Room).
type ChatInvited struct {
	At
	From   string
	Room   oscar.RoomRef
	Text   string  // decoded by its charset name; may be empty
	Cookie [8]byte // the rendezvous's, to answer it
}

// rendezvous turns a channel-2 04,07 into an event; a rendezvous other
// than a chat invitation (a file transfer, say) is skipped.
func (s *Session) rendezvous(now At, m *oscar.IncomingIM) error {
	rv, ok, err := m.Rendezvous()
	if err != nil {
		return err
	}
	room, isRoom := rv.Room()
	if !ok || !rv.IsChatInvitation() || !isRoom {
		return errors.New("a channel-2 rendezvous that is not a chat invitation")
	}
	s.emit(&ChatInvited{At: now, From: m.From.ScreenName, Room: room, Text: rv.Text().String(), Cookie: rv.Cookie})
	return nil
}

// Invite invites a user to a chat room (04,06 on channel 2 with the chat
// rendezvous) and returns once it is written; the server answers nothing
// (the captures' client asks for no 04,0C).
func (s *Session) Invite(ctx context.Context, to string, room oscar.RoomRef, text string) error {
	name, err := screenname.Parse(to)
	if err != nil {
		return err
	}
	// The text goes as in an IM, so the IM limit holds; bytes are counted
	// in the charset it is sent in, as SendIM counts them.
	limit := s.Limits().MaxMessageLen
	t, err := oscar.NewNamedText(text)
	if err != nil {
		return &limits.TooLongError{What: "invitation", Len: len(text), Limit: limit}
	}
	if len(t.Data) > limit {
		return &limits.TooLongError{What: "invitation", Len: len(t.Data), Limit: limit}
	}
	rv, err := oscar.NewChatInvitation(newCookie(), room, text)
	if err != nil {
		return &limits.TooLongError{What: "invitation", Len: len(t.Data), Limit: limit}
	}
	m := oscar.NewRendezvousIM(name, &rv)
	return s.enqueue(ctx, s.nextReqID(), &m)
}
