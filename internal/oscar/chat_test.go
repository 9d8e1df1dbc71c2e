package oscar

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Bytes of chat-2025.txt and chat-2026.txt, and the typed values they hold.
const (
	// labLoungeHex is the room info block of 0D,09 TLV 4 and of 0E,02
	// (chat-2025.txt:129): exchange 4, cookie "4-0-Lab Lounge", instance
	// 0, detail 2, 8 TLVs.
	labLoungeHex = "0004 0e 342d302d4c6162204c6f756e6765 0000 02 0008" +
		" 00c9 0002 000f  00ca 0004 6b0ca17a  00d1 0002 0400  00d2 0002 0064  00d5 0001 02" +
		" 006a 000a 4c6162204c6f756e6765  00d3 000a 4c6162204c6f756e6765  00da 0002 0400"
	labLoungeTLVs = "00c9 0002 000f  00ca 0004 6b0ca17a  00d1 0002 0400  00d2 0002 0064  00d5 0001 02" +
		" 006a 000a 4c6162204c6f756e6765  00d3 000a 4c6162204c6f756e6765  00da 0002 0400"
	// exchangeTLVsHex is the TLV list of each exchange in 0D,09
	// (chat-2025.txt:127).
	exchangeTLVsHex = "0003 0001 0a  0002 0002 0010  0004 0002 0064  00c9 0002 000f  00d5 0001 02" +
		" 00d6 0008 75732d6173636969  00d7 0002 656e  00d8 0008 75732d6173636969  00d9 0002 656e"
	// aliceChatHex and bobChatHex are chat user info blocks (2025: TLV 3
	// is the chat connection's signon time, class 0x0010).
	aliceChatHex = "08 4c6162416c696365 0000 0004 0003 0004 6b0ca17b 0001 0002 0010 0006 0004 00000000 001e 0004 00000000"
	bobChatHex   = "07 4c616220426f62 0000 0004 0003 0004 6b0ca182 0001 0002 0010 0006 0004 00000000 001e 0004 00000000"
	// helloHTML is the text of chat-2025.txt:160, and naiveHTML the
	// ISO-8859-1 text of :165 (ï = ef).
	helloHTML = "<HTML><BODY BGCOLOR=\"#ffffff\"><FONT LANG=\"0\">hello lounge</FONT></BODY></HTML>"
	naiveHTML = "<HTML><BODY BGCOLOR=\"#ffffff\"><FONT LANG=\"0\">hi from bob, na\xefve</FONT></BODY></HTML>"
	// inviteHex is TLV 5 of the chat invitation (chat-2025.txt:167).
	inviteHex = "0000 6b1b4433c260b930 748f2420628711d18222444553540000" +
		" 000a 0002 0001  000f 0000  000c 0015 4a6f696e206d6520696e204c6162204c6f756e6765" +
		" 000d 0008 75732d6173636969  000e 0002 656e  2711 0013 0004 0e 342d302d4c6162204c6f756e6765 0000"
)

var (
	labLoungeRef = RoomRef{Exchange: 4, Cookie: "4-0-Lab Lounge"}
	inviteCookie = [8]byte{0x6b, 0x1b, 0x44, 0x33, 0xc2, 0x60, 0xb9, 0x30}
)

func labLounge(t *testing.T) RoomInfo {
	return RoomInfo{RoomRef: labLoungeRef, Detail: 2, TLVs: TLVList(mustHex(t, labLoungeTLVs))}
}

func userInfo(t *testing.T, h string) UserInfo {
	var u UserInfo
	if err := u.Decode(mustHex(t, h)); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestChatMessages(t *testing.T) {
	exchange := func(id uint16) ExchangeInfo {
		return ExchangeInfo{Exchange: id, TLVs: TLVList(mustHex(t, exchangeTLVsHex))}
	}
	tests := []struct {
		where, hex string
		m, zero    body
	}{
		{"01,04 chat-2025.txt:121", "000d", &ServiceRequest{Family: FamilyChatNav}, &ServiceRequest{}},
		{"01,04 chat-2025.txt:130", "000e 0001 0013 0004 0e 342d302d4c6162204c6f756e6765 0000",
			&ServiceRequest{Family: FamilyChat, HasRoom: true, Room: labLoungeRef}, &ServiceRequest{}},
		{"01,04 unknown TLV kept", "000e 0001 0006 0004 01 61 0001 0009 0001 ff",
			&ServiceRequest{Family: FamilyChat, HasRoom: true, Room: RoomRef{4, "a", 1}, Extra: TLVList{0, 9, 0, 1, 0xff}}, &ServiceRequest{}},
		// 01,05 in the 2025 order (chat-2025.txt:122) and the 2026 order
		// (chat-2026.txt), with a 4-byte cookie for the 256 captured.
		{"01,05 2025 order", "0005 000f 3132372e302e302e313a3235313932 0006 0004 c0ffee00 000d 0002 000d 008e 0001 00",
			&ServiceReply{Family: FamilyChatNav, Address: "127.0.0.1:25192", Cookie: []byte{0xc0, 0xff, 0xee, 0}, Extra: TLVList{0, 0x8e, 0, 1, 0}}, &ServiceReply{}},
		{"01,05 2026 order", "000d 0002 000e 0005 000f 3132372e302e302e313a3236313932 0006 0002 c00c 008e 0001 00",
			&ServiceReply{Family: FamilyChat, Address: "127.0.0.1:26192", Cookie: []byte{0xc0, 0x0c}, FamilyFirst: true, Extra: TLVList{0, 0x8e, 0, 1, 0}}, &ServiceReply{}},
		{"0D,03", "0004", &ExchangeInfoRequest{Exchange: 4}, &ExchangeInfoRequest{}},
		{"0D,04", "0004 0e 342d302d4c6162204c6f756e6765 0000 02", &RoomInfoRequest{RoomRef: labLoungeRef, Detail: 2}, &RoomInfoRequest{}},
		{"0D,09 chat-2025.txt:127", "0002 0001 0a  0003 0044 0004 0009 " + exchangeTLVsHex + "  0003 0044 0005 0009 " + exchangeTLVsHex,
			&NavInfo{HasMaxRooms: true, MaxRooms: 10, Exchanges: []ExchangeInfo{exchange(4), exchange(5)}}, &NavInfo{}},
		{"0D,09 chat-2025.txt:129", "0004 0057 " + labLoungeHex, &NavInfo{Rooms: []RoomInfo{labLounge(t)}}, &NavInfo{}},
		{"0D,08 chat-2025.txt:128", "0004 06 637265617465 ffff 01 0003 00d3 000a 4c6162204c6f756e6765 00d6 0008 75732d6173636969 00d7 0002 656e",
			&CreateRoom{Room: RoomInfo{RoomRef: RoomRef{4, "create", 0xffff}, Detail: 1,
				TLVs: TLVList(mustHex(t, "00d3 000a 4c6162204c6f756e6765 00d6 0008 75732d6173636969 00d7 0002 656e"))}}, &CreateRoom{}},
		{"0E,02 chat-2025.txt:133", labLoungeHex, &RoomInfoUpdate{Room: labLounge(t)}, &RoomInfoUpdate{}},
		{"0E,03 chat-2025.txt:157", aliceChatHex + bobChatHex,
			&ChatUsersJoined{Users: []UserInfo{userInfo(t, aliceChatHex), userInfo(t, bobChatHex)}}, &ChatUsersJoined{}},
		{"0E,04 chat-2025.txt:171", bobChatHex, &ChatUsersLeft{Users: []UserInfo{userInfo(t, bobChatHex)}}, &ChatUsersLeft{}},
		{"0E,05 chat-2025.txt:160", "25fc955e0c577692 0003 0001 0000 0005 0064 0001 004e " + hexOf(helloHTML) +
			" 0002 0008 75732d6173636969 0003 0002 656e",
			&ChatSend{Cookie: [8]byte{0x25, 0xfc, 0x95, 0x5e, 0x0c, 0x57, 0x76, 0x92}, Channel: 3, ToRoom: true,
				Message: ChatMessage{Text: NamedText{Charset: "us-ascii", Data: []byte(helloHTML)}, Language: "en"}}, &ChatSend{}},
		{"0E,05 with echo", "0102030405060708 0003 0001 0000 0006 0000 0005 000b 0001 0002 6869 0002 0001 78",
			&ChatSend{Cookie: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, Channel: 3, ToRoom: true, Echo: true,
				Message: ChatMessage{Text: NamedText{Charset: "x", Data: []byte("hi")}}}, &ChatSend{}},
		{"0E,06 chat-2025.txt:166", "4663eff0d8ff8b38 0003 0003 002a " + bobChatHex + " 0001 0000 0005 006c 0001 0054 " + hexOf(naiveHTML) +
			" 0002 000a 69736f2d383835392d31 0003 0002 656e",
			&ChatIncoming{Cookie: [8]byte{0x46, 0x63, 0xef, 0xf0, 0xd8, 0xff, 0x8b, 0x38}, Channel: 3, Sender: userInfo(t, bobChatHex), ToRoom: true,
				Message: ChatMessage{Text: NamedText{Charset: "iso-8859-1", Data: []byte(naiveHTML)}, Language: "en"}}, &ChatIncoming{}},
		{"0E,06 unknown TLVs kept", "0102030405060708 0003 0003 0006 01 61 0000 0000  0005 000a 0001 0000 0009 0002 abcd  0007 0000",
			&ChatIncoming{Cookie: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, Channel: 3, Sender: UserInfo{ScreenName: "a", TLVs: TLVList{}},
				Message: ChatMessage{Text: NamedText{Data: []byte{}}, Extra: TLVList{0, 9, 0, 2, 0xab, 0xcd}}, Extra: TLVList{0, 7, 0, 0}}, &ChatIncoming{}},
	}
	for _, tt := range tests {
		checkBody(t, tt.where, tt.hex, tt.m, tt.zero)
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&15])
	}
	return b.String()
}

// TestNewCreateRoom builds the captured 0D,08.
func TestNewCreateRoom(t *testing.T) {
	m := NewCreateRoom(ExchangeUser, "Lab Lounge")
	want := mustHex(t, "0004 06 637265617465 ffff 01 0003 00d3 000a 4c6162204c6f756e6765 00d6 0008 75732d6173636969 00d7 0002 656e")
	if got := m.AppendTo(nil); !bytes.Equal(got, want) {
		t.Errorf("AppendTo:\n got % x\nwant % x", got, want)
	}
	if m.Room.Name() != "Lab Lounge" || m.Room.Charset() != "us-ascii" {
		t.Errorf("Name, Charset = %q, %q", m.Room.Name(), m.Room.Charset())
	}
}

func TestRoomInfoAccessors(t *testing.T) {
	ri := labLounge(t)
	if ri.Name() != "Lab Lounge" {
		t.Errorf("Name = %q", ri.Name())
	}
	if n, ok := ri.MaxMessageLen(); n != 1024 || !ok {
		t.Errorf("MaxMessageLen = %d, %v", n, ok)
	}
	if n, ok := ri.MaxOccupants(); n != 100 || !ok {
		t.Errorf("MaxOccupants = %d, %v", n, ok)
	}
	if c, ok := ri.Created(); !ok || !c.Equal(time.Unix(0x6b0ca17a, 0)) {
		t.Errorf("Created = %v, %v", c, ok)
	}
	// Only 0x006A: the name comes from there.
	only6A := RoomInfo{TLVs: TLVList(mustHex(t, "006a 0001 61"))}
	if only6A.Name() != "a" {
		t.Errorf("Name from 0x006A = %q", only6A.Name())
	}
	var none RoomInfo
	if _, ok := none.MaxMessageLen(); ok || none.Name() != "" {
		t.Error("an empty block has a max length or a name")
	}
	e := ExchangeInfo{Exchange: 4, TLVs: TLVList(mustHex(t, exchangeTLVsHex))}
	if n, ok := e.MaxNameLen(); n != MaxRoomNameLen || !ok {
		t.Errorf("MaxNameLen = %d, %v; want %d", n, ok, MaxRoomNameLen)
	}
}

// TestChatInvitation builds the captured invitation (chat-2025.txt:167)
// and reads it back from the 04,07 that delivered it (:168).
func TestChatInvitation(t *testing.T) {
	rv, err := NewChatInvitation(inviteCookie, labLoungeRef, "Join me in Lab Lounge")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rv.AppendTo(nil), mustHex(t, inviteHex); !bytes.Equal(got, want) {
		t.Errorf("NewChatInvitation:\n got % x\nwant % x", got, want)
	}
	im := NewRendezvousIM("LabCarol", &rv)
	wantIM := mustHex(t, "6b1b4433c260b930 0002 08 4c61624361726f6c 0005 0066 "+inviteHex)
	if got := im.AppendTo(nil); !bytes.Equal(got, wantIM) {
		t.Errorf("NewRendezvousIM:\n got % x\nwant % x", got, wantIM)
	}
	var send ICBMSend
	if err := send.Decode(wantIM); err != nil {
		t.Fatal(err)
	}
	back, ok, err := send.Rendezvous()
	if err != nil || !ok || !reflect.DeepEqual(back, rv) {
		t.Errorf("ICBMSend.Rendezvous = %+v, %v, %v", back, ok, err)
	}

	in := mustHex(t, "6b1b4433c260b930 0002 08 4c6162416c696365 0000 0005 0003 0004 6b0ca16d 0001 0002 0011 0006 0004 00000000"+
		" 000d 0010 748f2420628711d18222444553540000 001e 0004 00000000 0005 0066 "+inviteHex)
	var msg IncomingIM
	if err := msg.Decode(in); err != nil {
		t.Fatal(err)
	}
	got, ok, err := msg.Rendezvous()
	if err != nil || !ok {
		t.Fatalf("IncomingIM.Rendezvous = %v, %v", ok, err)
	}
	if !got.IsChatInvitation() || got.Cookie != inviteCookie || got.Text().String() != "Join me in Lab Lounge" {
		t.Errorf("invitation = %+v, text %q", got, got.Text().String())
	}
	if room, ok := got.Room(); !ok || room != labLoungeRef {
		t.Errorf("Room = %+v, %v", room, ok)
	}

	// UTF-8 text goes out as UCS-2BE, named.
	rv, err = NewChatInvitation(inviteCookie, labLoungeRef, "héllo 漢字")
	if err != nil {
		t.Fatal(err)
	}
	if txt := rv.Text(); txt.Charset != CharsetNameUnicode || txt.String() != "héllo 漢字" {
		t.Errorf("Text = %+v (%q)", txt, txt.String())
	}
	// No text: no text TLVs.
	rv, _ = NewChatInvitation(inviteCookie, labLoungeRef, "")
	if rv.TLVs.Has(RendezvousTLVText) || rv.TLVs.Has(RendezvousTLVCharset) || !rv.IsChatInvitation() {
		t.Errorf("no-text invitation TLVs % x", rv.TLVs)
	}
	// Not channel 2: no rendezvous.
	if _, ok, err := (&IncomingIM{Channel: 1, TLVs: TLVList(mustHex(t, "0005 0000"))}).Rendezvous(); ok || err != nil {
		t.Errorf("channel 1: %v, %v", ok, err)
	}
}

// TestTranscriptRendezvous reads every channel-2 ICBM of the captures: a
// chat invitation for "4-0-Lab Lounge" that re-encodes byte for byte.
func TestTranscriptRendezvous(t *testing.T) {
	n := 0
	for _, c := range transcriptFrames(t) {
		if c.F.Channel != ChannelSNAC {
			continue
		}
		var rv Rendezvous
		var ok bool
		var err error
		var raw []byte
		switch c.SNAC.Type() {
		case TypeICBMSend:
			var m ICBMSend
			if m.Decode(c.SNAC.Body) != nil || m.Channel != 2 {
				continue
			}
			raw, _ = m.Extra.Get(ICBMTLVRendezvous)
			rv, ok, err = m.Rendezvous()
		case TypeICBMIncoming:
			var m IncomingIM
			if m.Decode(c.SNAC.Body) != nil || m.Channel != 2 {
				continue
			}
			raw, _ = m.TLVs.Get(ICBMTLVRendezvous)
			rv, ok, err = m.Rendezvous()
		default:
			continue
		}
		n++
		if err != nil || !ok {
			t.Errorf("%s: Rendezvous = %v, %v", c.Where(), ok, err)
			continue
		}
		if got := rv.AppendTo(nil); !bytes.Equal(got, raw) {
			t.Errorf("%s: AppendTo:\n got % x\nwant % x", c.Where(), got, raw)
		}
		if room, ok := rv.Room(); !rv.IsChatInvitation() || !ok || room != labLoungeRef {
			t.Errorf("%s: not an invitation to Lab Lounge: %+v", c.Where(), rv)
		}
	}
	if n == 0 {
		t.Error("no channel-2 ICBM in the captures")
	}
}

func TestNamedText(t *testing.T) {
	tests := []struct {
		charset, hex, want string
	}{
		{"us-ascii", "6869", "hi"},
		{"unicode-2-0", "0063 0061 0066 00e9 0020 6f22 5b57", "café 漢字"},
		{"UNICODE-2-0", "00e9", "é"},
		{"unicode-2-0", "d83d de00", "😀"},
		{"iso-8859-1", "6e61ef7665", "naïve"},
		{"utf-8", "c3a9 ff", "é\uFFFD"},
		{"us-ascii", "c3a9", "é"}, // UTF-8 labelled ASCII, as some clients send
		{"us-ascii", "e9", "é"},   // else Latin-1
		{"", "6869", "hi"},
		{"koi8-r", "6869", "hi"},
	}
	for _, tt := range tests {
		if got := (NamedText{Charset: tt.charset, Data: mustHex(t, tt.hex)}).String(); got != tt.want {
			t.Errorf("%s % s: %q, want %q", tt.charset, tt.hex, got, tt.want)
		}
	}
	for s, want := range map[string]string{"hi": "us-ascii", "naïve": "iso-8859-1", "héllo 漢字": "unicode-2-0", "😀": "unicode-2-0"} {
		nt, err := NewNamedText(s)
		if err != nil || nt.Charset != want || nt.String() != s {
			t.Errorf("NewNamedText(%q) = %+v, %v; want charset %s", s, nt, err, want)
		}
	}
	if _, err := NewChatMessage(strings.Repeat("a", 0x10000)); err == nil {
		t.Error("NewChatMessage of 64 KiB: no error")
	}
	m, err := NewChatMessage("héllo 漢字")
	if err != nil || m.Language != "en" || m.Text.String() != "héllo 漢字" {
		t.Errorf("NewChatMessage = %+v, %v", m, err)
	}
}

func TestParseRoomName(t *testing.T) {
	for _, s := range []string{"Lab Lounge", " x ", strings.Repeat("a", MaxRoomNameLen), "漢字"} {
		if _, err := ParseRoomName(s); err != nil {
			t.Errorf("ParseRoomName(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "  ", strings.Repeat("a", MaxRoomNameLen+1), "a\nb", "a\x7f"} {
		if _, err := ParseRoomName(s); err == nil {
			t.Errorf("ParseRoomName(%q): no error", s)
		}
	}
}

func TestChatDecodeErrors(t *testing.T) {
	tests := []struct {
		name, hex, field string
		m                interface{ Decode([]byte) error }
	}{
		{"01,04 empty", "", "family", &ServiceRequest{}},
		{"01,04 room cut", "000e 0001 0003 0004 05", "room (TLV 0x0001): cookie", &ServiceRequest{}},
		{"01,04 room trailing", "000e 0001 0006 0004 00 0000 ff", "room (TLV 0x0001)", &ServiceRequest{}},
		{"01,05 no family", "0005 0001 61 0006 0000", "family (TLV 0x000D)", &ServiceReply{}},
		{"01,05 no address", "000d 0002 000e 0006 0000", "address (TLV 0x0005)", &ServiceReply{}},
		{"01,05 no cookie", "000d 0002 000e 0005 0001 61", "cookie (TLV 0x0006)", &ServiceReply{}},
		{"01,05 TLV cut", "000d 0002 00", "TLVs", &ServiceReply{}},
		{"0D,03 long", "0004 00", "exchange", &ExchangeInfoRequest{}},
		{"0D,04 no detail", "0004 00 0000", "detail", &RoomInfoRequest{}},
		{"0D,04 no instance", "0004 01 61", "instance", &RoomInfoRequest{}},
		{"0D,08 count", "0004 00 ffff 01 0001", "room: TLVs: type", &CreateRoom{}},
		{"0D,08 no detail", "0004 00 ffff", "room: detail", &CreateRoom{}},
		{"0D,09 max rooms", "0002 0002 000a", "max rooms (TLV 0x0002)", &NavInfo{}},
		{"0D,09 exchange cut", "0003 0001 00", "exchange (TLV 0x0003): exchange", &NavInfo{}},
		{"0D,09 exchange trailing", "0003 0005 0004 0000 ff", "exchange (TLV 0x0003)", &NavInfo{}},
		{"0D,09 room cut", "0004 0003 0004 05", "room (TLV 0x0004): cookie", &NavInfo{}},
		{"0E,02 trailing", "0004 00 0000 02 0000 ff", "room", &RoomInfoUpdate{}},
		{"0E,03 empty", "", "user info", &ChatUsersJoined{}},
		{"0E,04 cut", "07 4c6162", "user info: screen name", &ChatUsersLeft{}},
		{"0E,05 no message", "0102030405060708 0003 0001 0000", "message (TLV 0x0005)", &ChatSend{}},
		{"0E,05 no text", "0102030405060708 0003 0005 0006 0002 0002 6869", "text (TLV 0x0001)", &ChatSend{}},
		{"0E,05 cookie cut", "01020304", "cookie", &ChatSend{}},
		{"0E,06 no sender", "0102030405060708 0003 0005 0004 0001 0000", "sender (TLV 0x0003)", &ChatIncoming{}},
		{"0E,06 sender cut", "0102030405060708 0003 0003 0002 0161", "sender (TLV 0x0003): warning level", &ChatIncoming{}},
		{"0E,06 sender trailing", "0102030405060708 0003 0003 0007 0161 0000 0000 ff", "sender (TLV 0x0003)", &ChatIncoming{}},
		{"0E,06 message TLVs", "0102030405060708 0003 0003 0006 0161 0000 0000 0005 0002 0001", "message TLVs", &ChatIncoming{}},
		{"rendezvous cut", "0000 0102030405060708 748f24", "capability", &Rendezvous{}},
		{"rendezvous room", "0000 0102030405060708 748f2420628711d18222444553540000 2711 0003 0004 05", "room (TLV 0x2711): cookie", &Rendezvous{}},
	}
	for _, tt := range tests {
		err := tt.m.Decode(mustHex(t, tt.hex))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: %T.Decode = %v, want a *DecodeError on %q", tt.name, tt.m, err, tt.field)
		}
	}
}
