// Package chat is the client side of the connections a chat room needs
// besides BOS: chat navigation (family 0x000D), where rooms are found and
// created by name, and one connection per room (family 0x000E), where its
// members come and go and messages are said.
//
// Both are reached the same way: the BOS session asks for the service
// (bos.Session.RequestService, 01,04 → 01,05) and gets an address and a
// cookie; OpenNav and Join open a service connection there
// (internal/flapconn, as bos does): the cookie on channel 1, 01,03, the
// rate classes 01,06/01,07/01,08, 01,02. Each connection has its own rate
// limiter and keepalive, and ends with the zero-length channel-4 frame and
// a lingering close (Leave, Close), or when the context given to OpenNav
// or Join ends.
//
// A Nav or a Room owns its connection and so the connection's goroutines
// (a reader, a writer and a keepalive); Leave or Close stops them and
// waits for them. The package never prints and never dials anything but
// the address it is given.
package chat

import (
	"context"
	"crypto/rand"
	"net"
	"time"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// Defaults for zero Options fields.
const (
	DefaultStepTimeout = flapconn.DefaultStepTimeout
	DefaultKeepalive   = flapconn.DefaultKeepalive
	DefaultEventBuffer = 64
)

// Options says where to connect and how. Dial, StepTimeout, Keepalive,
// Trace, Logf, Now and SequenceStart mean what they mean to the
// connection (flapconn.Options).
type Options struct {
	Addr   string       // host:port from 01,05 (oscar.ServiceReply.Address)
	Cookie secret.Bytes // from 01,05

	Dial          func(ctx context.Context, network, addr string) (net.Conn, error)
	StepTimeout   time.Duration
	Keepalive     time.Duration // negative: none
	Trace         func(sent bool, f oscar.Frame)
	Logf          func(format string, args ...any)
	Now           func() time.Time
	SequenceStart uint16

	// EventBuffer is the capacity of a Room's Events channel.
	EventBuffer int
	// Echo asks the server for the room's copy of each message said
	// (0E,05 TLV 6); it arrives as a Message with Self set.
	Echo bool
}

// service is the connection's options, with the owner's part.
func (o Options) service(signon func(*flapconn.Signon) error, handle func(oscar.SNAC), end func(error)) flapconn.Options {
	return flapconn.Options{
		Addr: o.Addr, Cookie: o.Cookie, Dial: o.Dial, StepTimeout: o.StepTimeout, Keepalive: o.Keepalive,
		Trace: o.Trace, Logf: o.Logf, Now: o.Now, SequenceStart: o.SequenceStart,
		// The chat servers end a connection the way BOS does after a login
		// that sent TLV 0x004A.
		MultiConn: true,
		Signon:    signon,
		Handle:    handle,
		End:       end,
	}
}

func (o Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// newCookie is a message cookie: 8 random bytes.
func newCookie() [8]byte {
	var b [8]byte
	rand.Read(b[:])
	return b
}
