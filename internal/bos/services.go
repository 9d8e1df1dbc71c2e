package bos

import (
	"context"
	"errors"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

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
	body, err := s.c.Request(ctx, m, oscar.TypeServiceReply)
	if err != nil {
		return oscar.ServiceReply{}, err
	}
	var r oscar.ServiceReply
	if err := r.Decode(body); err != nil {
		return oscar.ServiceReply{}, &BadReplyError{Request: snacType(m.SNACType()), Err: err}
	}
	return r, nil
}

// SharePacing tells the session that the server also looks at its rate
// classes on c: a service connection it asked for that runs on the BOS
// session (chat navigation on Open OSCAR Server, whose loop reports the
// BOS classes on its own tick). See flapconn.Conn.SharePacing; remove
// undoes it, and a c that has ended drops out by itself.
func (s *Session) SharePacing(c *flapconn.Conn) (remove func()) { return s.c.SharePacing(c) }

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
	return s.c.Send(ctx, &m)
}
