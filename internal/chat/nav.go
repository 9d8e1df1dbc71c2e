package chat

import (
	"context"
	"fmt"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
)

// Nav is a signed-on chat navigation connection: it finds and creates
// rooms by name. It owns its connection and that connection's goroutines;
// Close stops them.
type Nav struct {
	c *flapconn.Conn
}

// OpenNav opens the chat navigation connection that 01,05 named and signs
// on. ctx bounds its whole life: when it ends, the connection closes.
func OpenNav(ctx context.Context, opts Options) (*Nav, error) {
	c := flapconn.New(opts.service(nil, func(s oscar.SNAC) {
		if s.Family != oscar.FamilyOService { // the connection's own business
			opts.logf("skipped unsolicited %v", s.Type())
		}
	}, nil))
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	c.Run(ctx)
	return &Nav{c: c}, nil
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
	body, err := n.c.Request(ctx, &m, oscar.TypeNavInfo)
	if err != nil {
		return oscar.RoomInfo{}, err
	}
	var ni oscar.NavInfo
	if err := ni.Decode(body); err != nil {
		return oscar.RoomInfo{}, &flapconn.BadReplyError{Request: flapconn.SNACType(m.SNACType()), Err: err}
	}
	if len(ni.Rooms) != 1 {
		return oscar.RoomInfo{}, fmt.Errorf("the server's chat service answered with %d rooms, not the one asked for", len(ni.Rooms))
	}
	return ni.Rooms[0], nil
}

// Close closes the connection the polite way (see Room.Leave).
func (n *Nav) Close(ctx context.Context) error { return n.c.Logout(ctx) }

// Done is closed when the connection has ended and its goroutines are
// gone.
func (n *Nav) Done() <-chan struct{} { return n.c.Done() }

// Err returns why the connection ended: nil while it runs and after Close.
func (n *Nav) Err() error { return n.c.Err() }
