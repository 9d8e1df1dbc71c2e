package flapconn

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// Tool id and version sent in 01,02, as AIM 5.x clients send them.
const (
	toolID      = 0x0110
	toolVersion = 0x0629
)

// familyVersions are the versions sent in 01,02 for each family the server
// serves; any other gets 1.
var familyVersions = map[uint16]uint16{oscar.FamilyOService: 3, oscar.FamilyFeedbag: 4}

// ErrMorePart, returned by a decode func given to Signon.Expect, says the
// reply came in part: its type stays awaited.
var ErrMorePart = errors.New("more parts follow")

// Signon is the signon in progress, handed to Options.Signon once the
// server has said which families it serves (01,03) and what its rate
// classes are (01,07). The owner sends the rest of the flight with Send
// (RateAck first, ClientReady last) and awaits the replies with Expect.
type Signon struct {
	c        *Conn
	ctx      context.Context
	Families []uint16         // of 01,03
	Rates    oscar.RateParams // of 01,07
	reqs     map[uint32]sent  // the signon's requests, by request id
}

// sent is a signon request and the reply it awaits (0: none).
type sent struct{ req, reply oscar.SNACType }

// Context is the signon's: Connect's, or the connection's own during a
// migration.
func (sg *Signon) Context() context.Context { return sg.ctx }

// signon runs the service signon steps common to every connection, then
// Options.Signon.
func (c *Conn) signon(ctx context.Context) error {
	sg := &Signon{c: c, ctx: ctx, reqs: map[uint32]sent{}}
	// The server's acknowledge may come before or after our frame. The
	// rate request goes with the cookie, not after host ready: Open OSCAR
	// Server (both releases) reads the cookie's frame, sends 01,03 and then
	// reads SNACs from the same stream, so it finds the 01,06 waiting, and
	// the signon saves a round trip.
	sg.deadline()
	if err := c.fw.WriteEncoded(oscar.ChannelSignon, &oscar.BOSSignon{Cookie: c.opts.Cookie.Reveal()}); err != nil {
		return &StepError{Step: "sending the cookie", Err: err}
	}
	if _, err := sg.send(oscar.Empty(oscar.TypeRateRequest), oscar.TypeRateParams); err != nil {
		return &StepError{Step: "asking for rate limits (01,06)", Err: err}
	}
	var host oscar.HostReady
	if err := sg.Expect("waiting for host ready (01,03)", map[oscar.SNACType]func(oscar.SNAC) error{
		oscar.TypeHostReady: func(s oscar.SNAC) error { return host.Decode(s.Body) },
	}); err != nil {
		return err
	}
	c.families, sg.Families = host.Families, host.Families
	if err := sg.Expect("waiting for rate limits (01,07)", map[oscar.SNACType]func(oscar.SNAC) error{
		oscar.TypeRateParams: func(s oscar.SNAC) error { return sg.Rates.Decode(s.Body) },
	}); err != nil {
		return err
	}
	c.rates.set(&sg.Rates, c.now())
	if c.opts.Signon == nil {
		return sg.SendAll(sg.RateAck(), sg.ClientReady())
	}
	return c.opts.Signon(sg)
}

// RateAck is 01,08 acknowledging every class of 01,07.
func (sg *Signon) RateAck() *oscar.RateAck {
	ack := &oscar.RateAck{Classes: make([]uint16, len(sg.Rates.Classes))}
	for i, rc := range sg.Rates.Classes {
		ack.Classes[i] = rc.ID
	}
	return ack
}

// ClientReady is 01,02 for the families of 01,03, with the versions and
// tool AIM 5.x clients send.
func (sg *Signon) ClientReady() *oscar.ClientReady {
	m := &oscar.ClientReady{Families: make([]oscar.ToolVersion, len(sg.Families))}
	for i, f := range sg.Families {
		v, ok := familyVersions[f]
		if !ok {
			v = 1
		}
		m.Families[i] = oscar.ToolVersion{Family: f, Version: v, ToolID: toolID, ToolVersion: toolVersion}
	}
	return m
}

// Send writes m as soon as its rate class allows and returns its request
// id. reply is the type of the reply it awaits (0 for none): an error
// answering m fails the Expect that awaits that reply. A failed write is a
// *StepError.
func (sg *Signon) Send(m oscar.Message, reply oscar.SNACType) (uint32, error) {
	id, err := sg.send(m, reply)
	if err != nil {
		return 0, sg.stepErr("sending "+m.SNACType().String(), err)
	}
	return id, nil
}

// Queue writes m in the signon's flight as a request whose reply (of type
// want, or an error SNAC of its family) is awaited as Conn.Queue's is:
// the reply may come during the signon or after it, and Pending.Reply
// returns it either way. An error answering it fails no signon step.
func (sg *Signon) Queue(m oscar.Message, want oscar.SNACType) (*Pending, error) {
	c := sg.c
	id := c.NextReqID()
	cl := &call{sent: m.SNACType(), want: want, reply: make(chan callReply, 1)}
	c.mu.Lock()
	c.pending[id] = cl
	c.mu.Unlock()
	if _, err := sg.sendID(id, m, 0); err != nil {
		c.forget(id)
		return nil, sg.stepErr("sending "+m.SNACType().String(), err)
	}
	j := &job{reqID: id, typ: m.SNACType(), done: make(chan error, 1)}
	j.done <- nil // written
	return &Pending{conn: c, id: id, call: cl, j: j, what: m.SNACType()}, nil
}

// SendAll sends each of msgs (see Send), none awaiting a reply.
func (sg *Signon) SendAll(msgs ...oscar.Message) error {
	for _, m := range msgs {
		if _, err := sg.Send(m, 0); err != nil {
			return err
		}
	}
	return nil
}

func (sg *Signon) stepErr(step string, err error) error {
	if sg.ctx.Err() != nil {
		return sg.ctx.Err()
	}
	return &StepError{Step: step, Err: err}
}

// send writes m during signon (before the writer goroutine runs, or while
// it keeps off the connection for a migration), counting it against its
// rate class, and remembers its request id so an error answering it can
// name it.
func (sg *Signon) send(m oscar.Message, reply oscar.SNACType) (uint32, error) {
	return sg.sendID(sg.c.NextReqID(), m, reply)
}

// sendID is send with the request id given.
func (sg *Signon) sendID(id uint32, m oscar.Message, reply oscar.SNACType) (uint32, error) {
	c := sg.c
	if d := c.rates.delay(m.SNACType(), c.now(), true); d > 0 { // no peers yet
		// Only a server whose classes are tighter than a signon's dozen
		// SNACs gets here.
		if d > c.opts.StepTimeout {
			return 0, errors.New("the server's rate limits leave no room to sign on")
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-sg.ctx.Done():
			t.Stop()
			return 0, sg.ctx.Err()
		}
	}
	sg.deadline()
	c.rates.record(m.SNACType(), c.now())
	sg.reqs[id] = sent{req: m.SNACType(), reply: reply}
	return id, c.fw.WriteMessage(id, m)
}

// deadline gives the next signon step its time, unless the signon's
// context has ended: then the past deadline its AfterFunc set must stay.
// Socket deadlines are on the wall clock, whatever Options.Now says.
func (sg *Signon) deadline() {
	if sg.ctx.Err() != nil {
		sg.c.conn.SetDeadline(time.Unix(1, 0))
		return
	}
	sg.c.conn.SetDeadline(time.Now().Add(sg.c.opts.StepTimeout))
}

// Expect reads until every type in want has come, decoding each with its
// func (which may return ErrMorePart to keep waiting for more of that
// type); the SNAC's body outlives the next read. Whatever else comes
// first goes where it would once running (replies to requests, 01,0A to
// the limiter, the rest to Options.Handle), except an error SNAC
// answering a signon request whose reply is still awaited: that fails the
// step with a *RequestError naming the request.
func (sg *Signon) Expect(step string, want map[oscar.SNACType]func(oscar.SNAC) error) error {
	c := sg.c
	sg.deadline()
	for len(want) > 0 {
		f, err := c.readFrame()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the server closed the connection")
			}
			return sg.stepErr(step, err)
		}
		switch f.Channel {
		case oscar.ChannelSignoff:
			return sg.stepErr(step, ClosedBy(f, c.opts.MultiConn))
		case oscar.ChannelSNAC:
		default:
			continue
		}
		snac, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			return sg.stepErr(step, err)
		}
		decode, ok := want[snac.Type()]
		if !ok {
			if r, mine := sg.reqs[snac.RequestID]; mine && snac.Subtype == 1 && snac.Family == r.req.Family() {
				if _, awaited := want[r.reply]; awaited && r.reply != 0 {
					var e oscar.SNACError
					e.Decode(snac.Body)
					return sg.stepErr(step, &RequestError{Type: SNACType(r.req), Code: e.Code})
				}
			}
			c.dispatch(f.Payload)
			continue
		}
		// The body aliases the reader's buffer, and decoded values alias
		// the body: keep a copy that outlives the next read.
		snac.Body = append([]byte(nil), snac.Body...)
		if err := decode(snac); err == ErrMorePart {
			continue
		} else if err != nil {
			return sg.stepErr(step, err)
		}
		delete(want, snac.Type())
		sg.deadline()
	}
	return nil
}
