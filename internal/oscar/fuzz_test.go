package oscar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every decoder has a fuzz target, seeded from the captures (a missing
// capture fails the target) and from a few
// bodies of its own. The invariant, after netlink's: decoding fails with a
// *DecodeError, or decode → encode → decode → encode gives the same bytes
// twice. The input itself need not come back: decoders drop what they do
// not keep (unknown TLVs, trailing bytes of fixed bodies). Crashers live in
// testdata/fuzz/FuzzX/, so plain `go test` replays them.

// codec is any value that decodes and encodes itself.
type codec interface {
	Decode([]byte) error
	AppendTo([]byte) []byte
}

func mustBeDecodeError(t *testing.T, err error, in []byte) {
	t.Helper()
	if !errors.As(err, new(*DecodeError)) {
		t.Fatalf("on %s: want a *DecodeError, got %T: %v", abbrev(in), err, err)
	}
}

// abbrev shows the start of b in hex, and how long it is.
func abbrev(b []byte) string {
	const show = 96
	if len(b) <= show {
		return fmt.Sprintf("% x", b)
	}
	return fmt.Sprintf("% x … (%d bytes)", b[:show], len(b))
}

// roundTrip checks the invariant for one input.
func roundTrip(t *testing.T, b []byte, fresh func() codec) {
	t.Helper()
	m1 := fresh()
	if err := m1.Decode(b); err != nil {
		mustBeDecodeError(t, err, b)
		return
	}
	b2 := m1.AppendTo(nil)
	m2 := fresh()
	if err := m2.Decode(b2); err != nil {
		t.Fatalf("%T: re-decoding our own encoding: %v\n  input %s\nencoded %s", m1, err, abbrev(b), abbrev(b2))
	}
	if b3 := m2.AppendTo(nil); !bytes.Equal(b2, b3) {
		t.Fatalf("%T: encoding is not stable:\n  input %s\n  first %s\n second %s", m1, abbrev(b), abbrev(b2), abbrev(b3))
	}
	if got := m2.AppendTo([]byte("prefix")); string(got[:6]) != "prefix" || !bytes.Equal(got[6:], b2) {
		t.Fatalf("%T: AppendTo does not append: %s", m1, abbrev(got))
	}
	// A value that held another message keeps nothing of it.
	if err := m1.Decode(b2); err != nil {
		t.Fatalf("%T: decoding into a used value: %v", m1, err)
	}
	if b4 := m1.AppendTo(nil); !bytes.Equal(b2, b4) {
		t.Fatalf("%T: decoding into a used value:\n got %s\nwant %s", m1, abbrev(b4), abbrev(b2))
	}
}

// seedSNACs adds the captured bodies of typ, then the extra hex bodies.
func seedSNACs(f *testing.F, typ SNACType, extra ...string) {
	for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
		f.Add(b)
	}
	for _, h := range extra {
		f.Add(mustHex(f, h))
	}
}

// fuzzBody runs the invariant on one SNAC type, seeded with its captured
// bodies and extra.
func fuzzBody(f *testing.F, typ SNACType, extra ...string) {
	seedSNACs(f, typ, extra...)
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return newBody(typ) })
	})
}

// fuzzBodies runs the invariant on several SNAC types; the first argument
// of each input picks the type.
func fuzzBodies(f *testing.F, types ...SNACType) {
	for i, typ := range types {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			f.Add(uint8(i), b)
		}
		f.Add(uint8(i), []byte{})
	}
	f.Fuzz(func(t *testing.T, sel uint8, b []byte) {
		typ := types[int(sel)%len(types)]
		roundTrip(t, b, func() codec { return newBody(typ) })
	})
}

// FuzzFLAP reads arbitrary bytes as a stream, through FrameReader in two
// chunkings and through ParseFrame: all three must see the same frames,
// each re-encoding to its bytes, and end the way the bytes say.
func FuzzFLAP(f *testing.F) {
	for _, s := range transcriptStreams(f) {
		f.Add(s.bytes())
	}
	f.Add(mustHex(f, "2a010064000400000001 2a04006d"))
	f.Add(mustHex(f, "2a010064000400000001 2a04006d0005 00"))
	f.Add(mustHex(f, "2b010064000400000001"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var want []Frame
		off := 0
		for off < len(b) {
			fr, n, err := ParseFrame(b[off:])
			if err != nil {
				mustBeDecodeError(t, err, b[off:])
				break
			}
			if got := fr.AppendTo(nil); !bytes.Equal(got, b[off:off+n]) {
				t.Fatalf("ParseFrame at %d: re-encodes to %s, was %s", off, abbrev(got), abbrev(b[off:off+n]))
			}
			want = append(want, fr)
			off += n
		}
		rest := b[off:]
		for _, rd := range readers[:2] {
			fr := NewFrameReader(rd.wrap(bytes.NewReader(b)))
			got, err := readAll(fr)
			if len(got) < len(want) {
				t.Fatalf("%s: FrameReader read %d frames, ParseFrame %d (err %v)", rd.name, len(got), len(want), err)
			}
			for i, w := range want {
				if got[i].Truncated || !bytes.Equal(got[i].AppendTo(nil), w.AppendTo(nil)) {
					t.Fatalf("%s: frame %d: %v, want %v", rd.name, i, got[i], w)
				}
			}
			extra := got[len(want):]
			switch {
			case len(rest) == 0:
				if len(extra) != 0 || err != io.EOF {
					t.Fatalf("%s: at the end: %v, %v; want io.EOF", rd.name, extra, err)
				}
			case len(rest) < FLAPHeaderLen && len(rest) >= 2 && rest[0] == FLAPStart && rest[1] == byte(ChannelSignoff):
				if len(extra) != 1 || !extra[0].Truncated || extra[0].Channel != ChannelSignoff || err != io.EOF {
					t.Fatalf("%s: on %s: %v, %v; want a truncated signoff", rd.name, abbrev(rest), extra, err)
				}
			case len(rest) >= FLAPHeaderLen && rest[0] != FLAPStart:
				var de *DecodeError
				if len(extra) != 0 || !errors.As(err, &de) || de.Field != "start marker" {
					t.Fatalf("%s: on %s: %v, %v; want a bad start marker", rd.name, abbrev(rest), extra, err)
				}
			default:
				if len(extra) != 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("%s: on %s: %v, %v; want io.ErrUnexpectedEOF", rd.name, abbrev(rest), extra, err)
				}
			}
			if _, again := fr.ReadFrame(); again != err {
				t.Fatalf("%s: the end is not sticky: %v, then %v", rd.name, err, again)
			}
			if len(fr.buf) > FLAPHeaderLen+MaxFLAPPayload {
				t.Fatalf("%s: buffer grew to %d", rd.name, len(fr.buf))
			}
		}
	})
}

// FuzzSNAC checks that ParseSNAC keeps every byte.
func FuzzSNAC(f *testing.F) {
	for _, p := range transcriptPayloads(f, ChannelSNAC, func(captured) bool { return true }) {
		f.Add(p)
	}
	f.Add(mustHex(f, "0001 0003 8000 80000000 0006 000100020003 0001 0002"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSNAC(b)
		if err != nil {
			mustBeDecodeError(t, err, b)
			return
		}
		if got := s.AppendTo(nil); !bytes.Equal(got, b) {
			t.Fatalf("AppendTo = %s, want %s", abbrev(got), abbrev(b))
		}
		if (s.Flags&SNACFlagOptionalData != 0) != (s.Optional != nil) {
			t.Fatalf("flags %#x with optional data %v", s.Flags, s.Optional)
		}
	})
}

// FuzzTLV checks ParseTLVs and every accessor against a plain walk of the
// list, and the counted and length-prefixed shapes.
func FuzzTLV(f *testing.F) {
	for _, p := range transcriptPayloads(f, ChannelSignon, func(captured) bool { return true }) {
		f.Add(p[min(4, len(p)):]) // after the version
	}
	for _, p := range transcriptPayloads(f, ChannelSignoff, func(captured) bool { return true }) {
		f.Add(p)
	}
	for _, b := range transcriptSNACs(f, FamilyBUCP, 0x02) {
		f.Add(b)
	}
	f.Add(mustHex(f, tlvSample))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseTLVs(b)
		if err != nil {
			mustBeDecodeError(t, err, b)
			return
		}
		var rebuilt []byte
		first := map[uint16][]byte{}
		n := 0
		for typ, v := range l.All() {
			rebuilt = AppendTLV(rebuilt, typ, v)
			if _, ok := first[typ]; !ok {
				first[typ] = v
			}
			n++
		}
		if !bytes.Equal(rebuilt, b) || l.Count() != n {
			t.Fatalf("All() rebuilds %s (%d items, Count %d), want %s", abbrev(rebuilt), n, l.Count(), abbrev(b))
		}
		for typ, v := range first {
			got, ok := l.Get(typ)
			if !ok || !bytes.Equal(got, v) || !l.Has(typ) {
				t.Fatalf("Get(%#x) = %s, %v; want %s", typ, abbrev(got), ok, abbrev(v))
			}
			u, ok := l.Uint(typ)
			if ok != (len(v) == 1 || len(v) == 2 || len(v) == 4) {
				t.Fatalf("Uint(%#x) ok=%v for %d bytes", typ, ok, len(v))
			}
			u8, ok8 := l.Uint8(typ)
			u16, ok16 := l.Uint16(typ)
			u32, ok32 := l.Uint32(typ)
			if ok8 != (len(v) == 1) || ok16 != (len(v) == 2) || ok32 != (len(v) == 4) {
				t.Fatalf("fixed-width getters on %d bytes: %v %v %v", len(v), ok8, ok16, ok32)
			}
			if ok && u != uint32(u8)+uint32(u16)+u32 {
				t.Fatalf("Uint(%#x) = %d, fixed-width getters say %d %d %d", typ, u, u8, u16, u32)
			}
			if s, _ := l.String(typ); s != string(v) {
				t.Fatalf("String(%#x) = %q", typ, s)
			}
		}
		if n < 0x10000 {
			r := reader{b: l.AppendCounted(nil), msg: "fuzz"}
			if got := r.tlvsCounted("tlvs"); r.err != nil || !bytes.Equal(got, l) || r.len() != 0 {
				t.Fatalf("counted list read back as %s, %v", abbrev(got), r.err)
			}
		}
		if len(l) <= 0xffff {
			r := reader{b: l.AppendLenPrefixed(nil), msg: "fuzz"}
			if got := r.tlvsLen("tlvs"); r.err != nil || !bytes.Equal(got, l) || r.len() != 0 {
				t.Fatalf("length-prefixed list read back as %s, %v", abbrev(got), r.err)
			}
		}
	})
}

func FuzzIncomingIM(f *testing.F) {
	f.Add(incomingIMBody())
	fuzzBody(f, TypeICBMIncoming,
		"0102030405060708 0002 03626f62 0000 0000 0005 0000", // channel 2, no message
		"0102030405060708 0001 03626f62 0000 0000 0002 0006 0101 0002 0000",
		"0102030405060708 0001 03626f62 0000 0000 0002 0006 0101 0002 0000 0016 0003 6b15f7")
}

func FuzzICBMSend(f *testing.F) {
	fuzzBody(f, TypeICBMSend,
		"591b95b5ec0a662c 0001 07 4c616220426f62 0002 0016 0501 0001 01 0101 000d 0000 0000 68656c6c6f20626f62 0003 0000",
		"0102030405060708 0002 03 626f62 0003 0000 0004 0000 0006 0000 0002 0000",
		"0102030405060708 0001 03 626f62 0002 000c 0101 0004 0003 0000 0501 0000")
}

func FuzzUserInfo(f *testing.F) {
	for _, typ := range []SNACType{TypeBuddyArrived, TypeBuddyDeparted} {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			f.Add(b)
		}
	}
	f.Add(mustHex(f, "07 4c616220426f62 0082 0005 0003 0004 6b063a85 0001 0002 0011 0006 0004 00000000 0004 0002 0002 001e 0004 00000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &UserInfo{} })
		var u UserInfo
		if u.Decode(b) == nil { // the accessors read any TLVs without panicking
			u.Class()
			u.Away()
			u.IdleMinutes()
			u.SignonTime()
			u.OnlineSeconds()
			u.Status()
			u.WarningPercent()
		}
	})
}

// FuzzRateParams: a 01,07 that decodes was read to its last byte, in the
// layout Long says, so it encodes back to the input itself.
func FuzzRateParams(f *testing.F) {
	seedSNACs(f, TypeRateParams, rateParamsShort, rateParamsLong, "0000")
	f.Fuzz(func(t *testing.T, b []byte) {
		var m1 RateParams
		if err := m1.Decode(b); err != nil {
			mustBeDecodeError(t, err, b)
			return
		}
		b2 := m1.AppendTo(nil)
		if !bytes.Equal(b2, b) {
			t.Fatalf("AppendTo (long=%v) = %s, want the input %s", m1.Long, abbrev(b2), abbrev(b))
		}
		var m2 RateParams
		if err := m2.DecodeLayout(b2, m1.Long); err != nil {
			t.Fatalf("DecodeLayout(long=%v) of our own encoding: %v", m1.Long, err)
		}
		if b3 := m2.AppendTo(nil); !bytes.Equal(b2, b3) {
			t.Fatalf("encoding is not stable:\n%s\n%s", abbrev(b2), abbrev(b3))
		}
		for _, g := range m1.Groups {
			for _, typ := range g.Types {
				if c := m1.ClassOf(typ); c == 0 && g.Class != 0 {
					t.Fatalf("ClassOf(%v) = 0, but group %d lists it", typ, g.Class)
				}
			}
		}
	})
}

func FuzzRateChange(f *testing.F) {
	fuzzBody(f, TypeRateChange, "0004 0003 00000014 000013ec 00001388 00000fa0 00000bb8 0000140f 00001770 6b063970 01")
}

func FuzzSelfInfo(f *testing.F) {
	fuzzBody(f, TypeSelfInfo, "07 4c6162446176 65 0000 0001 0028 0001 01 07 4c616244617665 0000 0000")
}

// FuzzLoginReply reads the authorizer's reply: the channel-4 payload after
// a FLAP login, or the body of 17,03.
func FuzzLoginReply(f *testing.F) {
	for _, p := range transcriptPayloads(f, ChannelSignoff, fromServer) {
		f.Add(p)
	}
	seedSNACs(f, TypeMD5LoginReply, "0001 0008 4c6162416c696365 0008 0002 0005", "0008 0001 05 0004 0003 616263")
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &LoginReply{} })
	})
}

func FuzzLoginRequest(f *testing.F) {
	for _, p := range transcriptPayloads(f, ChannelSignon, func(c captured) bool { return c.Dir == 'c' && c.isAuth() }) {
		f.Add(p)
	}
	f.Add(mustHex(f, "00000001 0001 0008 4c61624361726f6c 0002 0008 9047f3ab55f6aca1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &LoginRequest{} })
	})
}

func FuzzMD5(f *testing.F) {
	fuzzBodies(f, TypeMD5LoginRequest, TypeMD5KeyRequest, TypeMD5KeyReply)
}

// FuzzSignonFrame reads channel-1 payloads, as the bare frame and as the
// BOS signon (the first argument picks which).
func FuzzSignonFrame(f *testing.F) {
	for _, p := range transcriptPayloads(f, ChannelSignon, func(captured) bool { return true }) {
		f.Add(uint8(0), p)
		f.Add(uint8(1), p)
	}
	f.Add(uint8(0), []byte{0, 0, 0, 1})
	f.Add(uint8(1), mustHex(f, "00000001 0006 0003 010203"))
	f.Fuzz(func(t *testing.T, sel uint8, b []byte) {
		if sel%2 == 0 {
			roundTrip(t, b, func() codec { return &SignonFrame{} })
		} else {
			roundTrip(t, b, func() codec { return &BOSSignon{} })
		}
	})
}

func FuzzDisconnect(f *testing.F) {
	for _, p := range transcriptPayloads(f, ChannelSignoff, func(captured) bool { return true }) {
		f.Add(p)
	}
	f.Add(mustHex(f, "0009 0001 01 000b 0003 616263"))
	f.Add(mustHex(f, "0009 0004 0000ffff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &Disconnect{} })
	})
}

func FuzzSetInfo(f *testing.F) {
	fuzzBody(f, TypeSetInfo, "0004 0000", "0001 0003 616263 0003 0001 78 0005 0010 09461343 4c7f11d1 82224445 53540000")
}

func FuzzUserInfoReply(f *testing.F) {
	fuzzBody(f, TypeUserInfoReply, "01 61 0000 0001 0001 0002 0031 0004 0002 6869")
}

func FuzzICBMMessage(f *testing.F) {
	for _, typ := range []SNACType{TypeICBMSend, TypeICBMIncoming} {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			var m ICBMSend
			if m.Decode(b) == nil && m.Channel == 1 {
				f.Add(m.Message.AppendTo(nil))
			}
			var in IncomingIM
			if in.Decode(b) == nil {
				v, _ := in.TLVs.Get(ICBMTLVMessage)
				f.Add(v)
			}
		}
	}
	f.Add(mustHex(f, "0501 0004 01010102 0101 0006 0002 0000 0068"))
	f.Add(mustHex(f, "0901 0002 abcd 0101 0004 0000 0000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &ICBMMessage{} })
		var m ICBMMessage
		if m.Decode(b) == nil && !utf8.ValidString(m.Text.String()) {
			t.Fatalf("text %q is not UTF-8", m.Text.String())
		}
	})
}

// FuzzBuddy covers the buddy family: 03,03, 03,04, 03,05, 03,0B, 03,0C.
func FuzzBuddy(f *testing.F) {
	fuzzBodies(f, TypeBuddyArrived, TypeBuddyDeparted, TypeAddBuddies, TypeRemoveBuddies, TypeBuddyRights)
}

// FuzzOService covers family 1's bodies and 0B,02.
func FuzzOService(f *testing.F) {
	fuzzBodies(f, TypeClientReady, TypeHostReady, TypeRateAck, TypeSelfInfo, TypeWarned, TypeSetIdle,
		TypeClientVersions, TypeHostVersions, TypeStatsInterval, TypeMOTD, TypePause, TypePauseAck, TypeMigrate)
}

// FuzzICBMSmall covers the fixed-shape ICBM bodies.
func FuzzICBMSmall(f *testing.F) {
	fuzzBodies(f, TypeSetICBMParams, TypeICBMParams, TypeWarnRequest, TypeWarnReply, TypeICBMAck, TypeTyping,
		TypeOfflineDone)
}

// FuzzLocatePrivacy covers the remaining small bodies: 02,03, 02,05,
// 09,03, 09,04 and 09,07.
func FuzzLocatePrivacy(f *testing.F) {
	fuzzBodies(f, TypeLocateRights, TypeUserInfoQuery, TypePrivacyRights, TypeSetPermitMask, TypeAddDeny)
}

func FuzzSNACError(f *testing.F) {
	for _, c := range []SNACType{MakeSNACType(2, 1), MakeSNACType(4, 1)} {
		for _, b := range transcriptSNACs(f, c.Family(), c.Subtype()) {
			f.Add(b)
		}
	}
	f.Add(mustHex(f, "000e 0008 0002 0005"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &SNACError{Family: 4} })
		var m SNACError
		if m.Decode(b) == nil && !strings.HasPrefix(m.Error(), "00,01: ") {
			t.Fatalf("Error() = %q", m.Error())
		}
	})
}

// FuzzText reads arbitrary bytes in any charset (always valid UTF-8, which
// NewText carries back unchanged), and sends arbitrary strings (invalid
// UTF-8 becomes U+FFFD) in the narrowest charset.
func FuzzText(f *testing.F) {
	for _, typ := range []SNACType{TypeICBMSend, TypeICBMIncoming} {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			var m ICBMSend
			if m.Decode(b) == nil && m.Channel == 1 {
				f.Add(m.Message.Text.Charset, m.Message.Text.Data)
			}
			var in IncomingIM
			if in.Decode(b) == nil && in.Channel == 1 {
				f.Add(in.Message.Text.Charset, in.Message.Text.Data)
			}
		}
	}
	f.Add(uint16(CharsetUCS2BE), mustHex(f, "d83d de00 d83d 0061 00"))
	f.Add(uint16(CharsetLatin1), []byte("caf\xe9"))
	f.Add(uint16(CharsetASCII), []byte("caf\xc3\xa9"))
	f.Fuzz(func(t *testing.T, charset uint16, b []byte) {
		s := Text{Charset: charset, Data: b}.String()
		if !utf8.ValidString(s) {
			t.Fatalf("String() = %q, not UTF-8", s)
		}
		checkNewText(t, s, s)
		checkNewText(t, string(b), string([]rune(string(b))))
	})
}

// checkNewText checks NewText(s): its charset is the narrowest, and
// String() gives want.
func checkNewText(t *testing.T, s, want string) {
	t.Helper()
	txt, err := NewText(s)
	if err != nil {
		if !errors.Is(err, ErrTextTooLong) || len(s) <= maxTextPayload/2 {
			t.Fatalf("NewText(%q): %v", s, err)
		}
		return
	}
	if got := txt.String(); got != want {
		t.Fatalf("NewText(%q).String() = %q, want %q", s, got, want)
	}
	maxRune := rune(0)
	for _, r := range want {
		maxRune = max(maxRune, r)
	}
	charset := uint16(CharsetUCS2BE)
	switch {
	case maxRune < 0x80:
		charset = CharsetASCII
	case maxRune <= 0xff:
		charset = CharsetLatin1
	}
	if txt.Charset != charset {
		t.Fatalf("NewText(%q) chose charset %d, want %d", s, txt.Charset, charset)
	}
}

// FuzzChatNav covers 01,04, 01,05 and chat navigation: 0D,03, 0D,04, 0D,08
// and 0D,09.
func FuzzChatNav(f *testing.F) {
	fuzzBodies(f, TypeServiceRequest, TypeServiceReply, TypeExchangeInfoReq, TypeRoomInfoReq, TypeCreateRoom, TypeNavInfo)
}

// FuzzChat covers the room's own SNACs: 0E,02 to 0E,06.
func FuzzChat(f *testing.F) {
	fuzzBodies(f, TypeRoomInfoUpdate, TypeChatUsersJoined, TypeChatUsersLeft, TypeChatSend, TypeChatIncoming)
}

// FuzzChatParts reads the blocks nested in chat SNACs on their own: a room
// reference, a room info block, an exchange and a message (the first
// argument picks which). Decoded text reads as UTF-8 whatever its charset.
func FuzzChatParts(f *testing.F) {
	for _, typ := range []SNACType{TypeNavInfo, TypeRoomInfoUpdate, TypeChatSend, TypeChatIncoming, TypeServiceRequest} {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			var nav NavInfo
			if nav.Decode(b) == nil {
				for i := range nav.Rooms {
					f.Add(uint8(1), nav.Rooms[i].AppendTo(nil))
				}
				for i := range nav.Exchanges {
					f.Add(uint8(2), nav.Exchanges[i].AppendTo(nil))
				}
			}
			var ri RoomInfoUpdate
			if ri.Decode(b) == nil {
				f.Add(uint8(0), ri.Room.RoomRef.AppendTo(nil))
			}
			var cs ChatSend
			if cs.Decode(b) == nil {
				f.Add(uint8(3), cs.Message.AppendTo(nil))
			}
			var ci ChatIncoming
			if ci.Decode(b) == nil {
				f.Add(uint8(3), ci.Message.AppendTo(nil))
			}
		}
	}
	f.Add(uint8(0), mustHex(f, "0004 01 61 0000"))
	f.Add(uint8(3), mustHex(f, "0001 0004 00e9 d83d 0002 000b 756e69636f64652d322d30"))
	f.Fuzz(func(t *testing.T, sel uint8, b []byte) {
		switch sel % 4 {
		case 0:
			roundTrip(t, b, func() codec { return &RoomRef{} })
		case 1:
			roundTrip(t, b, func() codec { return &RoomInfo{} })
			var m RoomInfo
			if m.Decode(b) == nil { // the accessors read any TLVs without panicking
				m.Name()
				m.MaxMessageLen()
				m.MaxOccupants()
				m.Created()
				m.Charset()
			}
		case 2:
			roundTrip(t, b, func() codec { return &ExchangeInfo{} })
		case 3:
			roundTrip(t, b, func() codec { return &ChatMessage{} })
			var m ChatMessage
			if m.Decode(b) == nil && !utf8.ValidString(m.Text.String()) {
				t.Fatalf("text %q is not UTF-8", m.Text.String())
			}
		}
	})
}

// FuzzRendezvous reads TLV 5 of channel-2 ICBMs, seeded with the captured
// chat invitations.
func FuzzRendezvous(f *testing.F) {
	for _, typ := range []SNACType{TypeICBMSend, TypeICBMIncoming} {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			var m ICBMSend
			if m.Decode(b) == nil {
				if v, ok := m.Extra.Get(ICBMTLVRendezvous); ok {
					f.Add(v)
				}
			}
			var in IncomingIM
			if in.Decode(b) == nil && in.Channel == 2 {
				if v, ok := in.TLVs.Get(ICBMTLVRendezvous); ok {
					f.Add(v)
				}
			}
		}
	}
	f.Add(mustHex(f, "0000 0102030405060708 748f2420628711d18222444553540000 2711 0006 0004 01 61 0000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &Rendezvous{} })
		var m Rendezvous
		if m.Decode(b) == nil {
			if _, ok := m.Room(); m.IsChatInvitation() && !ok {
				t.Fatalf("an invitation whose room does not read: % x", b)
			}
			if !utf8.ValidString(m.Text().String()) {
				t.Fatalf("text %q is not UTF-8", m.Text().String())
			}
		}
	})
}

// FuzzNamedText reads arbitrary bytes under each charset name: always
// UTF-8.
func FuzzNamedText(f *testing.F) {
	names := []string{CharsetNameASCII, CharsetNameLatin1, CharsetNameUnicode, CharsetNameUTF8, "", "x"}
	for i := range names {
		f.Add(uint8(i), []byte("h\xe9llo"))
	}
	f.Add(uint8(2), mustHex(f, "d83d de00 d83d"))
	f.Fuzz(func(t *testing.T, sel uint8, b []byte) {
		nt := NamedText{Charset: names[int(sel)%len(names)], Data: b}
		s := nt.String()
		if !utf8.ValidString(s) {
			t.Fatalf("%s % x: %q is not UTF-8", nt.Charset, b, s)
		}
		if back, err := NewNamedText(s); err == nil && back.String() != s {
			t.Fatalf("NewNamedText(%q) reads back as %q", s, back.String())
		}
	})
}
