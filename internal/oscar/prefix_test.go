package oscar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
)

// decoder is one way this package reads bytes.
type decoder struct {
	name   string
	decode func([]byte) error
}

func bodyDecoder(t SNACType) decoder {
	return decoder{t.Short(), func(b []byte) error { return newBody(t).Decode(b) }}
}

var (
	frameDecoders = []decoder{
		{"ParseFrame", func(b []byte) error { _, _, err := ParseFrame(b); return err }},
	}
	signonDecoders = []decoder{
		{"SignonFrame", func(b []byte) error { return new(SignonFrame).Decode(b) }},
		{"LoginRequest", func(b []byte) error { return new(LoginRequest).Decode(b) }},
		{"BOSSignon", func(b []byte) error { return new(BOSSignon).Decode(b) }},
	}
	signoffDecoders = []decoder{
		{"LoginReply", func(b []byte) error { return new(LoginReply).Decode(b) }},
		{"Disconnect", func(b []byte) error { return new(Disconnect).Decode(b) }},
	}
	snacDecoders = []decoder{
		{"ParseSNAC", func(b []byte) error { _, err := ParseSNAC(b); return err }},
	}
	tlvDecoders = []decoder{
		{"ParseTLVs", func(b []byte) error { _, err := ParseTLVs(b); return err }},
	}
	userInfoDecoders = []decoder{
		{"UserInfo", func(b []byte) error { return new(UserInfo).Decode(b) }},
	}
	messageDecoders = []decoder{
		{"ICBMMessage", func(b []byte) error { return new(ICBMMessage).Decode(b) }},
	}
	rateDecoders = []decoder{
		{"01,07 short", func(b []byte) error { return new(RateParams).DecodeLayout(b, false) }},
		{"01,07 long", func(b []byte) error { return new(RateParams).DecodeLayout(b, true) }},
	}
)

// golden is a body known good and the decoders that read its kind.
type golden struct {
	where    string
	body     []byte
	decoders []decoder
}

// goldenBodies returns every frame of the captures, its payload, its SNAC
// body and the parts nested in those, each with its decoders, and the test
// tables' own bodies.
func goldenBodies(tb testing.TB) []golden {
	tb.Helper()
	gs := []golden{
		{"rateParamsShort", mustHex(tb, rateParamsShort), rateDecoders},
		{"rateParamsLong", mustHex(tb, rateParamsLong), rateDecoders},
		{"tlvSample", mustHex(tb, tlvSample), tlvDecoders},
		{"incomingIMBody", incomingIMBody(), []decoder{bodyDecoder(TypeICBMIncoming)}},
	}
	seen := map[string]bool{}
	add := func(where string, b []byte, ds ...decoder) {
		if !seen[string(b)] {
			seen[string(b)] = true
			gs = append(gs, golden{where, b, ds})
		}
	}
	for _, c := range transcriptFrames(tb) {
		w := c.Where()
		add(w+" frame", c.Frame, frameDecoders...)
		switch c.F.Channel {
		case ChannelSignon:
			add(w, c.F.Payload, signonDecoders...)
		case ChannelSignoff:
			add(w, c.F.Payload, signoffDecoders...)
		case ChannelSNAC:
			add(w+" payload", c.F.Payload, snacDecoders...)
		}
		if c.F.Channel != ChannelSNAC || newBody(c.SNAC.Type()) == nil {
			continue
		}
		body := c.SNAC.Body
		add(w, body, bodyDecoder(c.SNAC.Type()), tlvDecoders[0])
		switch c.SNAC.Type() {
		case TypeICBMIncoming:
			var m IncomingIM
			if m.Decode(body) == nil {
				v, _ := m.TLVs.Get(ICBMTLVMessage)
				add(w+" sender", m.From.AppendTo(nil), userInfoDecoders...)
				add(w+" message", v, messageDecoders...)
			}
		case TypeICBMSend:
			var m ICBMSend
			if m.Decode(body) == nil {
				add(w+" message", m.Message.AppendTo(nil), messageDecoders...)
			}
		case TypeBuddyArrived, TypeBuddyDeparted:
			add(w+" user info", body, userInfoDecoders...)
		case TypeRateParams:
			add(w+" layouts", body, rateDecoders...)
		}
		addChatParts(c, add)
	}
	return gs
}

// addChatParts adds the blocks nested in chat SNACs and the rendezvous of
// channel-2 ICBMs, each with its decoder.
func addChatParts(c captured, add func(string, []byte, ...decoder)) {
	w, body := c.Where(), c.SNAC.Body
	var (
		room     = decoder{"RoomInfo", func(b []byte) error { return new(RoomInfo).Decode(b) }}
		exchange = decoder{"ExchangeInfo", func(b []byte) error { return new(ExchangeInfo).Decode(b) }}
		message  = decoder{"ChatMessage", func(b []byte) error { return new(ChatMessage).Decode(b) }}
		rv       = decoder{"Rendezvous", func(b []byte) error { return new(Rendezvous).Decode(b) }}
	)
	switch c.SNAC.Type() {
	case TypeNavInfo:
		var m NavInfo
		if m.Decode(body) == nil {
			for i := range m.Rooms {
				add(w+" room", m.Rooms[i].AppendTo(nil), room)
			}
			for i := range m.Exchanges {
				add(w+" exchange", m.Exchanges[i].AppendTo(nil), exchange)
			}
		}
	case TypeChatSend:
		var m ChatSend
		if m.Decode(body) == nil {
			add(w+" message", m.Message.AppendTo(nil), message)
		}
	case TypeChatIncoming:
		var m ChatIncoming
		if m.Decode(body) == nil {
			add(w+" message", m.Message.AppendTo(nil), message)
			add(w+" sender", m.Sender.AppendTo(nil), userInfoDecoders...)
		}
	case TypeICBMSend:
		var m ICBMSend
		if m.Decode(body) == nil {
			if v, ok := m.Extra.Get(ICBMTLVRendezvous); ok {
				add(w+" rendezvous", v, rv)
			}
		}
	case TypeICBMIncoming:
		var m IncomingIM
		if m.Decode(body) == nil && m.Channel == 2 {
			if v, ok := m.TLVs.Get(ICBMTLVRendezvous); ok {
				add(w+" rendezvous", v, rv)
			}
		}
	}
}

// TestEveryPrefix feeds every prefix of every golden body to the decoders
// of its kind: each must decode or fail with a *DecodeError, never panic.
func TestEveryPrefix(t *testing.T) {
	t.Parallel()
	n := 0
	gs := goldenBodies(t)
	for _, g := range gs {
		orig := slices.Clone(g.body)
		for i := 0; i <= len(g.body); i++ {
			// Just the prefix, capacity included: nothing may read past it.
			p := g.body[:i:i]
			for _, d := range g.decoders {
				n++
				if err := decodeNoPanic(d, p); err != nil && !errors.As(err, new(*DecodeError)) {
					t.Fatalf("%s: %s on % x: %T %v, want a *DecodeError", g.where, d.name, p, err, err)
				}
			}
		}
		if !bytes.Equal(g.body, orig) {
			t.Fatalf("%s: a decoder wrote into the bytes it read", g.where)
		}
	}
	t.Logf("%d decodes of prefixes of %d bodies", n, len(gs))
}

func decodeNoPanic(d decoder, b []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s panicked on % x: %v", d.name, b, r)
		}
	}()
	return d.decode(b)
}

// TestEveryFramePrefix reads every prefix of every captured frame, after a
// whole frame, through FrameReader: the whole frame comes out, then io.EOF,
// a truncated signoff (a channel-4 header cut short) or an error wrapping
// io.ErrUnexpectedEOF.
//
// What FrameReader does with a prefix depends only on the frame's header
// (start marker, channel, length) and on where the stream ends: the rest it
// copies without looking. So the prefixes of each header shape (channel and
// length) are read for its first frame only; every frame is read whole.
func TestEveryFramePrefix(t *testing.T) {
	t.Parallel()
	lead := mustHex(t, "2a010064000400000001")
	var frames [][]byte
	for _, c := range transcriptFrames(t) {
		frames = append(frames, c.Frame)
	}
	frames = distinct(frames)
	type shape struct {
		channel byte
		length  int
	}
	swept := map[shape]bool{}
	for _, frame := range frames {
		whole := append(slices.Clip(lead), frame...)
		from := len(frame) // only the whole frame, for a shape already swept
		if s := (shape{frame[1], len(frame)}); !swept[s] {
			swept[s] = true
			from = 0
		}
		for i := from; i <= len(frame); i++ {
			in := whole[:len(lead)+i]
			fs, err := readAll(NewFrameReader(bytes.NewReader(in)))
			if len(fs) == 0 || !bytes.Equal(fs[0].AppendTo(nil), lead) {
				t.Fatalf("% x: lost the first frame: %v, %v", in, fs, err)
			}
			fs = fs[1:]
			switch {
			case i == len(frame):
				if len(fs) != 1 || !bytes.Equal(fs[0].AppendTo(nil), frame) || err != io.EOF {
					t.Fatalf("% x: got %v, %v", frame, fs, err)
				}
			case i == 0:
				if len(fs) != 0 || err != io.EOF {
					t.Fatalf("empty: got %v, %v", fs, err)
				}
			case frame[1] == byte(ChannelSignoff) && i >= 2 && i < FLAPHeaderLen:
				if len(fs) != 1 || !fs[0].Truncated || err != io.EOF {
					t.Fatalf("% x: got %v, %v; want a truncated signoff", frame[:i], fs, err)
				}
			default:
				if len(fs) != 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("% x: got %v, %v; want io.ErrUnexpectedEOF", frame[:i], fs, err)
				}
			}
		}
	}
	t.Logf("every prefix of %d header shapes, %d frames whole", len(swept), len(frames))
}
