package oscar

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/screenname"
)

func cookie(tb testing.TB, h string) (c [8]byte) {
	tb.Helper()
	copy(c[:], mustHex(tb, h))
	return c
}

// TestICBMSend builds 04,06s from typed fields and gets the lab script's
// bytes from the captures exactly, then decodes them back.
func TestICBMSend(t *testing.T) {
	tests := []struct {
		name, where string
		to, text    string
		cookie      string
		ack, auto   bool
		store       bool
		body        string
	}{
		{"ASCII", "im-and-presence.txt:62", "Lab Bob", "hello bob", "591b95b5ec0a662c", true, false, false,
			"591b95b5ec0a662c 0001 07 4c616220426f62 0002 0016 0501 0001 01 0101 000d 0000 0000 68656c6c6f20626f62 0003 0000"},
		{"UCS-2BE", "im-and-presence.txt:67", "LabAlice", "héllo alice 世界", "19b39332ac70d809", true, false, false,
			"19b39332ac70d809 0001 08 4c6162416c696365 0002 0029 0501 0001 01 0101 0020 0002 0000 006800e9006c006c006f00200061006c00690063006500204e16754c 0003 0000"},
		{"ISO-8859-1", "im-and-presence.txt:72", "labbob", "café au lait", "3ce9ef5814ef55b3", false, false, false,
			"3ce9ef5814ef55b3 0001 06 6c6162626f62 0002 0019 0501 0001 01 0101 0010 0003 0000 636166e9206175206c616974"},
		{"auto-response", "im-flags-offline.txt:59", "Lab Bob", "auto: I am away", "d9044ef0d7a3d1b4", false, true, false,
			"d9044ef0d7a3d1b4 0001 07 4c616220426f62 0002 001c 0501 0001 01 0101 0013 0000 0000 6175746f3a204920616d2061776179 0004 0000"},
		{"ack and store", "im-flags-offline.txt:61", "Lab Bob", "with TLV 3 and 6", "57263fee38180174", true, false, true,
			"57263fee38180174 0001 07 4c616220426f62 0002 001d 0501 0001 01 0101 0014 0000 0000 7769746820544c56203320616e642036 0003 0000 0006 0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to, err := screenname.Parse(tt.to)
			if err != nil {
				t.Fatal(err)
			}
			m := ICBMSend{
				Cookie:       cookie(t, tt.cookie),
				Channel:      1,
				ScreenName:   to,
				Message:      NewMessage(mustText(t, tt.text)),
				WantAck:      tt.ack,
				AutoResponse: tt.auto,
				Store:        tt.store,
			}
			want := mustHex(t, tt.body)
			if got := m.AppendTo(nil); !bytes.Equal(got, want) {
				t.Fatalf("AppendTo (%s):\n got % x\nwant % x", tt.where, got, want)
			}
			var back ICBMSend
			if err := back.Decode(want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, m) {
				t.Errorf("Decode = %+v\nwant %+v", back, m)
			}
			if s := back.Message.Text.String(); s != tt.text {
				t.Errorf("text %q, want %q", s, tt.text)
			}
		})
	}
}

func TestICBMSendOtherChannels(t *testing.T) {
	// Channel 2 (rendezvous) carries no TLV 0x0002 here: the text is not sent.
	m := ICBMSend{Cookie: cookie(t, "0102030405060708"), Channel: 2, ScreenName: "bob", Message: NewMessage(Text{Data: []byte("dropped")}), WantAck: true}
	want := mustHex(t, "0102030405060708 0002 03 626f62 0003 0000")
	if got := m.AppendTo(nil); !bytes.Equal(got, want) {
		t.Fatalf("AppendTo = % x, want % x", got, want)
	}
	var back ICBMSend
	if err := back.Decode(want); err != nil || back.Channel != 2 || !back.WantAck || back.Message.Text.Data != nil {
		t.Errorf("Decode = %+v, %v", back, err)
	}
}

func TestICBMDecodeErrors(t *testing.T) {
	tests := []struct {
		name, body, field string
		decode            func([]byte) error
	}{
		{"04,06 no message", "0102030405060708 0001 03 626f62 0003 0000", "message (TLV 0x0002)",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,06 short cookie", "01020304", "cookie",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,06 name cut", "0102030405060708 0001 09 626f62", "screen name",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,06 bad TLV", "0102030405060708 0001 03 626f62 0002 0009 0501", "TLVs",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,06 no text fragment", "0102030405060708 0001 03 626f62 0002 0005 0501 0001 01", "message",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,06 text fragment too short", "0102030405060708 0001 03 626f62 0002 0006 0101 0002 0000", "text: subset",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,06 fragment cut", "0102030405060708 0001 03 626f62 0002 0006 0101 0009 0000", "fragment",
			func(b []byte) error { return new(ICBMSend).Decode(b) }},
		{"04,07 no message", "0102030405060708 0001 03626f62 0000 0000", "message (TLV 0x0002)",
			func(b []byte) error { return new(IncomingIM).Decode(b) }},
		{"04,07 TLV count too big", "0102030405060708 0001 03626f62 0000 0002 0001 0002 0010", "sender: TLVs: type",
			func(b []byte) error { return new(IncomingIM).Decode(b) }},
		{"04,07 TLV value cut", "0102030405060708 0001 03626f62 0000 0001 0001 0004 0010", "sender: TLVs: value",
			func(b []byte) error { return new(IncomingIM).Decode(b) }},
		{"04,07 warning level cut", "0102030405060708 0001 03626f62 00", "sender: warning level",
			func(b []byte) error { return new(IncomingIM).Decode(b) }},
		{"04,0C cut", "0102030405060708 0001 09", "screen name",
			func(b []byte) error { return new(ICBMAck).Decode(b) }},
		{"04,14 no event", "0102030405060708 0001 03626f62", "event",
			func(b []byte) error { return new(Typing).Decode(b) }},
		{"04,02 short", "0000 00000003 1f40 03e7", "max receiver warning",
			func(b []byte) error { return new(SetICBMParams).Decode(b) }},
	}
	for _, tt := range tests {
		err := tt.decode(mustHex(t, tt.body))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: %v, want a *DecodeError on %q", tt.name, err, tt.field)
		}
	}
}

// TestIncomingIM decodes 04,07s from the captures.
func TestIncomingIM(t *testing.T) {
	tests := []struct {
		where, body string
		from        string
		class       uint16
		charset     uint16
		features    string
		text        string
		auto        bool
		tlvs        []uint16
	}{
		{"im-and-presence.txt:70",
			"19b39332ac70d809 0001 07 4c616220426f62 0000 0004 0003 0004 6b063970 0001 0002 0011 0006 0004 00000000 001e 0004 00000000" +
				" 0002 0029 0501 0001 01 0101 0020 0002 0000 006800e9006c006c006f00200061006c00690063006500204e16754c",
			"Lab Bob", 0x0011, CharsetUCS2BE, "01", "héllo alice 世界", false, []uint16{2}},
		{"im-and-presence.txt:73",
			"3ce9ef5814ef55b3 0001 08 4c6162416c696365 0000 0004 0003 0004 6b06396d 0001 0002 0011 0006 0004 00000000 001e 0004 00000000" +
				" 0002 0019 0501 0001 01 0101 0010 0003 0000 636166e9206175206c616974",
			"LabAlice", 0x0011, CharsetLatin1, "01", "café au lait", false, []uint16{2}},
		// TLV 3 (ack request) is not relayed; TLV 6 (store) is.
		{"im-flags-offline.txt:63",
			"57263fee38180174 0001 08 4c6162416c696365 0000 0004 0003 0004 6b063bc8 0001 0002 0011 0006 0004 00000000 001e 0004 00000000" +
				" 0002 001d 0501 0001 01 0101 0014 0000 0000 7769746820544c56203320616e642036 0006 0000",
			"LabAlice", 0x0011, CharsetASCII, "01", "with TLV 3 and 6", false, []uint16{2, 6}},
		// BarnOwl's capabilities fragment is 4 bytes.
		{"im-barnowl-peer.txt:101",
			"67c6697351ff4aec 0001 07 4c6162446176 65 0000 0004 0003 0004 6b0639b6 0001 0002 0011 0006 0004 00000000 001e 0004 00000000" +
				" 0002 004e 0501 0004 01010102 0101 0042 0002 0000 0068006900200061006c006900630065002c002000630061006600e900204e16754c002000660072006f006d0020006200610072006e006f0077006c000a",
			"LabDave", 0x0011, CharsetUCS2BE, "01010102", "hi alice, café 世界 from barnowl\n", false, []uint16{2}},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			in := mustHex(t, tt.body)
			var m IncomingIM
			if err := m.Decode(in); err != nil {
				t.Fatal(err)
			}
			if m.Channel != 1 || m.From.ScreenName != tt.from || m.From.Class() != tt.class || m.From.WarningLevel != 0 || m.AutoResponse != tt.auto {
				t.Errorf("header: %+v", m)
			}
			if got := m.Message.Text; got.Charset != tt.charset || got.String() != tt.text {
				t.Errorf("text: charset %d %q, want %d %q", got.Charset, got.String(), tt.charset, tt.text)
			}
			if !bytes.Equal(m.Message.Features, mustHex(t, tt.features)) {
				t.Errorf("features % x", m.Message.Features)
			}
			var types []uint16
			for typ := range m.TLVs.All() {
				types = append(types, typ)
			}
			if !reflect.DeepEqual(types, tt.tlvs) {
				t.Errorf("TLVs %v, want %v", types, tt.tlvs)
			}
			if _, ok := m.From.SignonTime(); !ok {
				t.Error("no signon time")
			}
			if got := m.AppendTo(nil); !bytes.Equal(got, in) {
				t.Errorf("AppendTo:\n got % x\nwant % x", got, in)
			}
		})
	}
}

// TestRelay builds the 04,07 a server makes from a 04,06: the sender's TLVs
// without the ack request (README fact 22).
func TestRelay(t *testing.T) {
	send := mustHex(t, "57263fee38180174 0001 07 4c616220426f62 0002 001d 0501 0001 01 0101 0014 0000 0000 7769746820544c56203320616e642036 0003 0000 0006 0000")
	var s ICBMSend
	if err := s.Decode(send); err != nil {
		t.Fatal(err)
	}
	sendTLVs, err := ParseTLVs(send[8+2+1+7:])
	if err != nil {
		t.Fatal(err)
	}
	info := mustHex(t, "0003 0004 6b063bc8 0001 0002 0011 0006 0004 00000000 001e 0004 00000000")
	in := IncomingIM{
		Cookie:  s.Cookie,
		Channel: s.Channel,
		From:    UserInfo{ScreenName: "LabAlice", TLVs: TLVList(info)},
		TLVs:    TLVList(AppendRelayTLVs(nil, sendTLVs)),
	}
	want := mustHex(t, "57263fee38180174 0001 08 4c6162416c696365 0000 0004 0003 0004 6b063bc8 0001 0002 0011 0006 0004 00000000 001e 0004 00000000"+
		" 0002 001d 0501 0001 01 0101 0014 0000 0000 7769746820544c56203320616e642036 0006 0000")
	if got := in.AppendTo(nil); !bytes.Equal(got, want) {
		t.Errorf("relayed 04,07:\n got % x\nwant % x", got, want)
	}
}

func TestICBMMessage(t *testing.T) {
	tests := []struct {
		name, hex string
		features  string
		text      string
	}{
		{"plain", "0501 0001 01 0101 0006 0000 0000 6869", "01", "hi"},
		{"no features fragment", "0101 0006 0000 0000 6869", "", "hi"},
		{"unknown fragment skipped", "0501 0001 01 0901 0002 abcd 0101 0006 0000 0000 6869", "01", "hi"},
		{"second text fragment ignored", "0101 0006 0000 0000 6869 0101 0006 0000 0000 7878", "", "hi"},
	}
	for _, tt := range tests {
		var m ICBMMessage
		if err := m.Decode(mustHex(t, tt.hex)); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !bytes.Equal(m.Features, mustHex(t, tt.features)) || m.Text.String() != tt.text {
			t.Errorf("%s: %+v", tt.name, m)
		}
	}
	var m ICBMMessage
	if err := m.Decode(nil); !errors.As(err, new(*DecodeError)) {
		t.Errorf("empty message: %v", err)
	}
}

func TestICBMSmallMessages(t *testing.T) {
	tests := []struct {
		where, hex string
		m, zero    body
	}{
		// 04,02 as the lab script sends it, 04,05 as the server answers.
		{"04,02", "0000 0000000b 1f40 03e7 03e7 00000000",
			&SetICBMParams{Channel: 0, Flags: ICBMFlagChannelMessages | ICBMFlagMissedCalls | ICBMFlagTypingEvents, MaxMessageLen: 8000, MaxSenderWarn: 999, MaxReceiverWarn: 999}, &SetICBMParams{}},
		{"04,05", "0064 00000003 0200 03e7 03e7 00000000",
			&ICBMParamsReply{Channel: 100, Flags: 3, MaxMessageLen: 512, MaxSenderWarn: 999, MaxReceiverWarn: 999}, &ICBMParamsReply{}},
		// misc-events.txt:64 and :69, named and anonymous warnings; :65 and :70 the replies.
		{"misc-events.txt:64", "0000 07 4c616220426f62", &WarnRequest{ScreenName: "Lab Bob"}, &WarnRequest{}},
		{"misc-events.txt:69", "0001 07 4c616220426f62", &WarnRequest{Anonymous: true, ScreenName: "Lab Bob"}, &WarnRequest{}},
		{"misc-events.txt:65", "0064 0064", &WarnReply{Delta: 100, NewLevel: 100}, &WarnReply{}},
		{"misc-events.txt:70", "001e 0082", &WarnReply{Delta: 30, NewLevel: 130}, &WarnReply{}},
		// im-and-presence.txt:64: the ack names the recipient as typed.
		{"im-and-presence.txt:64", "591b95b5ec0a662c 0001 07 4c616220426f62", &ICBMAck{Cookie: [8]byte{0x59, 0x1b, 0x95, 0xb5, 0xec, 0x0a, 0x66, 0x2c}, Channel: 1, ScreenName: "Lab Bob"}, &ICBMAck{}},
		// im-and-presence.txt:65 and :71: typing started, then stopped.
		{"im-and-presence.txt:65", "5b58720b6045e554 0001 08 4c6162416c696365 0002", &Typing{Cookie: [8]byte{0x5b, 0x58, 0x72, 0x0b, 0x60, 0x45, 0xe5, 0x54}, Channel: 1, ScreenName: "LabAlice", Event: TypingStarted}, &Typing{}},
		{"im-and-presence.txt:71", "7c941b9e7094f93a 0001 07 4c616220426f62 0000", &Typing{Cookie: [8]byte{0x7c, 0x94, 0x1b, 0x9e, 0x70, 0x94, 0xf9, 0x3a}, Channel: 1, ScreenName: "Lab Bob", Event: TypingNone}, &Typing{}},
	}
	for _, tt := range tests {
		checkBody(t, tt.where, tt.hex, tt.m, tt.zero)
	}
}

// checkBody checks that m encodes to hex, that hex decodes to m, and that
// m names its own type.
func checkBody(t *testing.T, where, h string, m, zero body) {
	t.Helper()
	want := mustHex(t, h)
	if got := m.AppendTo(nil); !bytes.Equal(got, want) {
		t.Errorf("%s: %T.AppendTo:\n got % x\nwant % x", where, m, got, want)
	}
	if err := zero.Decode(want); err != nil {
		t.Errorf("%s: %T.Decode: %v", where, zero, err)
	} else if !reflect.DeepEqual(zero, m) {
		t.Errorf("%s: Decode = %+v\nwant %+v", where, zero, m)
	}
	if nb := newBody(m.SNACType()); nb == nil || reflect.TypeOf(nb) != reflect.TypeOf(m) {
		t.Errorf("%s: %T.SNACType() = %v, which is %T", where, m, m.SNACType(), nb)
	}
}

// TestICBMSendLongestText sends texts at NewText's limit, and re-encodes
// a decoded 04,06 whose message had no features fragment: TLV 0x0002's
// length field cannot say more than 65535, so the end of the text is cut
// (as AppendTLV cuts values) rather than the length wrapping around.
func TestICBMSendLongestText(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", maxTextPayload),
		strings.Repeat("a", maxTextPayload-20),
		strings.Repeat("漢", maxTextPayload/2),
	} {
		m := ICBMSend{Channel: 1, ScreenName: "bob", Message: NewMessage(mustText(t, s))}
		b := m.AppendTo(nil)
		var back ICBMSend
		if err := back.Decode(b); err != nil {
			t.Fatalf("%d-byte text: %v", len(m.Message.Text.Data), err)
		}
		if got, want := len(back.Message.Text.Data), min(len(m.Message.Text.Data), 0xffff-12-len(DefaultFeatures))&^1; got&^1 != want {
			t.Errorf("%d-byte text: %d bytes came back, want %d", len(m.Message.Text.Data), got, want)
		}
		if !bytes.HasPrefix(m.Message.Text.Data, back.Message.Text.Data) {
			t.Error("the text that came back is not the start of the text sent")
		}
		if back.Message.Text.Charset == CharsetUCS2BE && len(back.Message.Text.Data)%2 != 0 {
			t.Error("UCS-2BE text cut inside a character")
		}
	}

	// A message of just a text fragment, as large as a TLV holds.
	text := bytes.Repeat([]byte("x"), 0xffff-8)
	body := append(mustHex(t, "0102030405060708 0001 03 626f62 0002 ffff 0101 fffb 0000 0000"), text...)
	var m1, m2 ICBMSend
	if err := m1.Decode(body); err != nil {
		t.Fatal(err)
	}
	b2 := m1.AppendTo(nil)
	if err := m2.Decode(b2); err != nil {
		t.Fatalf("re-decoding: %v", err)
	}
	if b3 := m2.AppendTo(nil); !bytes.Equal(b2, b3) {
		t.Errorf("encoding is not stable")
	}
}

func TestICBMSendLongFeatures(t *testing.T) {
	m := ICBMSend{Channel: 1, ScreenName: "bob", Message: ICBMMessage{Features: make([]byte, 0x10000), Text: mustText(t, "hi")}}
	var back ICBMSend
	if err := back.Decode(m.AppendTo(nil)); err != nil {
		t.Fatal(err)
	}
	if len(back.Message.Features) != 0xffff-12 || len(back.Message.Text.Data) != 0 {
		t.Errorf("features %d bytes, text %q", len(back.Message.Features), back.Message.Text.Data)
	}
}
