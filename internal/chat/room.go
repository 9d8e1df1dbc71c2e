package chat

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Event is something that happened in a room.
type Event interface{ When() time.Time }

// At is when an event was seen.
type At struct{ Time time.Time }

// When returns the time.
func (a At) When() time.Time { return a.Time }

// Joined is a Room's first event: the client is in the room, with these
// members (itself included), in the order the server listed them (0E,03).
type Joined struct {
	At
	Room    string // the room's name (0E,02)
	Members []string
}

// Message is something said in the room (0E,06).
type Message struct {
	At
	From    string
	HTML    string // the text as sent, decoded by its charset to UTF-8
	Text    string // HTML without its markup
	Charset string // the charset name it came in ("unicode-2-0", ...)
	// Self marks the server's copy of the client's own message, sent
	// only with Options.Echo.
	Self bool
}

// MemberJoined is someone entering the room (0E,03).
type MemberJoined struct {
	At
	Name string
}

// MemberLeft is someone leaving the room (0E,04).
type MemberLeft struct {
	At
	Name string
}

// Left is a Room's last event: the connection ended. Err is nil after
// Leave (or the end of Join's context); otherwise Reason classifies it as
// bos.ReasonOf does. When the BOS session ends first, the server ends each
// room connection with the bare channel-4 header (ReasonUnexplained): a
// caller that logged out of BOS itself must not take that for a kick.
type Left struct {
	At
	Err    error
	Reason bos.Reason
}

// Room is a signed-on chat room connection.
type Room struct {
	c       *flapconn.Conn
	opts    Options
	events  chan Event
	joining bool // Join's signon runs: what comes before the room is not news

	mu      sync.Mutex
	info    oscar.RoomInfo
	members []string // display names, in the server's order
}

// Join opens the room connection that 01,05 named (Options.Addr and
// Cookie), signs on and waits for the room's members (0E,03) and info
// (0E,02). ctx bounds the room's whole life: when it ends, the room
// leaves. Each signon step has its own deadline (Options.StepTimeout); a
// failed step is a *bos.StepError naming it.
func Join(ctx context.Context, opts Options) (*Room, error) {
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = DefaultEventBuffer
	}
	r := &Room{opts: opts, events: make(chan Event, opts.EventBuffer)}
	r.c = flapconn.New(opts.service(r.signon, r.handle, func(err error) {
		r.emit(&Left{At: At{r.c.Now()}, Err: err, Reason: bos.ReasonOf(err)})
		close(r.events)
	}))
	r.joining = true
	if err := r.c.Connect(ctx); err != nil {
		return nil, err
	}
	r.joining = false
	r.events <- &Joined{At: At{r.c.Now()}, Room: r.info.Name(), Members: slices.Clone(r.members)}
	r.c.Run(ctx)
	return r, nil
}

// signon sends the rest of the flight and waits for the room: who is in
// it (0E,03) and its info (0E,02). After a migration the lists start
// again.
func (r *Room) signon(sg *flapconn.Signon) error {
	if err := sg.SendAll(sg.RateAck(), sg.ClientReady()); err != nil {
		return err
	}
	var members []string
	var info oscar.RoomInfo
	err := sg.Expect("waiting for the room (0E,03 and 0E,02)", map[oscar.SNACType]func(oscar.SNAC) error{
		oscar.TypeChatUsersJoined: func(s oscar.SNAC) error {
			var m oscar.ChatUsersJoined
			if err := m.Decode(s.Body); err != nil {
				return err
			}
			for _, u := range m.Users {
				members = append(members, u.ScreenName)
			}
			return nil
		},
		oscar.TypeRoomInfoUpdate: func(s oscar.SNAC) error {
			var m oscar.RoomInfoUpdate
			if err := m.Decode(s.Body); err != nil {
				return err
			}
			info = m.Room
			return nil
		},
	})
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.members, r.info = members, info
	r.mu.Unlock()
	return nil
}

// Events returns the channel of events: *Joined first, *Left last, then
// the channel is closed. Read it until then: the room waits for a slow
// reader rather than drop an event.
func (r *Room) Events() <-chan Event { return r.events }

// Info returns the room's info block as the server last sent it (0E,02).
func (r *Room) Info() oscar.RoomInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.info
}

// Name returns the room's name.
func (r *Room) Name() string {
	info := r.Info()
	return info.Name()
}

// Members returns who is in the room now, the client included.
func (r *Room) Members() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.members)
}

// MaxMessageLen is the longest text Say sends, in bytes of its charset:
// the room's limit (0x00D1), or 1024 if the room did not say, and never
// more than one frame carries (MaxFrameText).
func (r *Room) MaxMessageLen() int {
	info := r.Info()
	if n, ok := info.MaxMessageLen(); ok {
		return min(int(n), MaxFrameText)
	}
	return DefaultMaxMessageLen
}

// MaxFrameText is the most text one 0E,05 carries: a FLAP payload less the
// SNAC header and the rest of the message at its longest (cookie, channel,
// the empty TLVs 1 and 6, the message TLV with the text's, the charset
// "unicode-2-0" and the language "en").
const MaxFrameText = oscar.MaxFLAPPayload - oscar.SNACHeaderLen -
	(8 + 2 + 4 + 4 + 4 + 4 + (4 + len(oscar.CharsetNameUnicode)) + (4 + 2))

// DefaultMaxMessageLen is the real server's limit, for a room that does
// not state one.
const DefaultMaxMessageLen = 1024

// Say sends text (usually HTML) to everyone in the room (0E,05), in the
// narrowest charset that carries it, once the room's rate limits allow,
// and returns once it is written. Text longer than the room takes is a
// *limits.TooLongError, refused before anything is sent.
func (r *Room) Say(ctx context.Context, text string) error {
	lim := r.MaxMessageLen()
	msg, err := oscar.NewChatMessage(text)
	if err != nil {
		return &limits.TooLongError{What: "message", Len: len(text), Limit: lim}
	}
	if n := len(msg.Text.Data); n > lim {
		return &limits.TooLongError{What: "message", Len: n, Limit: lim}
	}
	return r.c.Send(ctx, &oscar.ChatSend{Cookie: newCookie(), Channel: oscar.ChatChannel, ToRoom: true, Echo: r.opts.Echo, Message: msg})
}

// Leave leaves the room and waits, until ctx ends, for the room's
// goroutines: the zero-length channel-4 frame, then a lingering close (see
// bos.Session.Logout). It may be called more than once, and returns nil
// even if the room had ended already.
func (r *Room) Leave(ctx context.Context) error { return r.c.Logout(ctx) }

// Done is closed when the room has ended and its goroutines are gone.
func (r *Room) Done() <-chan struct{} { return r.c.Done() }

// Err returns why the room ended: nil while it runs and after Leave.
func (r *Room) Err() error { return r.c.Err() }

func (r *Room) emit(ev Event) { flapconn.Deliver(r.c, r.events, ev) }

// handle turns a room SNAC into an event; one that does not parse is
// skipped with a note to Logf.
func (r *Room) handle(s oscar.SNAC) {
	if r.joining {
		return
	}
	now := At{r.c.Now()}
	switch s.Type() {
	case oscar.TypeChatUsersJoined:
		var m oscar.ChatUsersJoined
		if err := m.Decode(s.Body); err != nil {
			r.opts.logf("skipped %v: %v", s.Type(), err)
			return
		}
		for _, u := range m.Users {
			r.mu.Lock()
			r.members = append(r.members, u.ScreenName)
			r.mu.Unlock()
			r.emit(&MemberJoined{At: now, Name: u.ScreenName})
		}
	case oscar.TypeChatUsersLeft:
		var m oscar.ChatUsersLeft
		if err := m.Decode(s.Body); err != nil {
			r.opts.logf("skipped %v: %v", s.Type(), err)
			return
		}
		for _, u := range m.Users {
			r.mu.Lock()
			if i := slices.IndexFunc(r.members, func(n string) bool { return screenname.Same(n, u.ScreenName) }); i >= 0 {
				r.members = slices.Delete(r.members, i, i+1)
			}
			r.mu.Unlock()
			r.emit(&MemberLeft{At: now, Name: u.ScreenName})
		}
	case oscar.TypeChatIncoming:
		var m oscar.ChatIncoming
		if err := m.Decode(s.Body); err != nil {
			r.opts.logf("skipped %v: %v", s.Type(), err)
			return
		}
		html := m.Message.Text.String()
		r.emit(&Message{At: now, From: m.Sender.ScreenName, HTML: html, Text: htmltext.Plain(html),
			Charset: m.Message.Text.Charset, Self: s.RequestID != 0})
	case oscar.TypeRoomInfoUpdate:
		var m oscar.RoomInfoUpdate
		if err := m.Decode(s.Body); err != nil {
			r.opts.logf("skipped %v: %v", s.Type(), err)
			return
		}
		r.mu.Lock()
		r.info = m.Room
		r.mu.Unlock()
	}
}
