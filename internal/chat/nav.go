package chat

import (
	"context"
	"fmt"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/oscar"
)

// Nav is a signed-on chat navigation connection: it finds and creates
// rooms by name. It owns a reader and a keepalive, like a Room; Close stops
// both.
type Nav struct {
	c *conn
}

// OpenNav opens the chat navigation connection that 01,05 named and signs
// on. ctx bounds its whole life: when it ends, the connection closes.
func OpenNav(ctx context.Context, opts Options) (*Nav, error) {
	c := newConn(opts)
	if err := c.dial(ctx); err != nil {
		return nil, err
	}
	if err := c.signon(ctx, nil); err != nil {
		c.cancel(bos.ErrClosed)
		c.nc.Close()
		return nil, err
	}
	n := &Nav{c: c}
	c.handle = func(s oscar.SNAC) { c.logf("skipped unsolicited %v", s.Type()) }
	c.ended = func(error) {}
	c.start(ctx)
	return n, nil
}

// Room creates the room called name on an exchange (oscar.ExchangeUser for
// rooms users make), or finds the one of that name whatever its letter
// case, and returns its info block (0D,08 → 0D,09): its RoomRef is what
// bos.Session.RequestService takes to join it. Check name with
// oscar.ParseRoomName first: the real server ends the connection for a
// name it cannot take. A refusal (0D,01: 0x0014 for a name not on
// exchange 5) is a *bos.RequestError.
func (n *Nav) Room(ctx context.Context, exchange uint16, name string) (oscar.RoomInfo, error) {
	m := oscar.NewCreateRoom(exchange, name)
	s, err := n.c.request(ctx, &m, oscar.TypeNavInfo)
	if err != nil {
		return oscar.RoomInfo{}, err
	}
	if s.Subtype == 1 {
		var e oscar.SNACError
		e.Decode(s.Body)
		return oscar.RoomInfo{}, &bos.RequestError{Type: bos.SNACType(oscar.TypeCreateRoom), Code: e.Code}
	}
	var ni oscar.NavInfo
	if err := ni.Decode(s.Body); err != nil {
		return oscar.RoomInfo{}, err
	}
	if s.Type() != oscar.TypeNavInfo || len(ni.Rooms) != 1 {
		return oscar.RoomInfo{}, fmt.Errorf("chat navigation answered 0D,08 with %v holding %d rooms", s.Type(), len(ni.Rooms))
	}
	return ni.Rooms[0], nil
}

// Close closes the connection the polite way (see Room.Leave).
func (n *Nav) Close(ctx context.Context) error { return n.c.leave(ctx) }

// Done is closed when the connection has ended and its goroutines are
// gone.
func (n *Nav) Done() <-chan struct{} { return n.c.done }

// Err returns why the connection ended: nil while it runs and after Close.
func (n *Nav) Err() error { return n.c.Err() }
