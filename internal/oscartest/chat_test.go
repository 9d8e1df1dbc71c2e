package oscartest

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// openService asks for a service on bos (01,04 with request id reqID) and
// signs the new connection on as the captures' client does: channel 1 with
// the cookie, 01,03, 01,17 → 01,18, 01,06 → 01,07, 01,08, 01,02. It
// checks the 01,05 and the 01,03 on the way.
func openService(t *testing.T, srv *Server, bos *client, reqID uint32, req oscar.ServiceRequest) *client {
	t.Helper()
	bos.sendMsg(reqID, &req)
	s := bos.expect(oscar.TypeServiceReply)
	var rep oscar.ServiceReply
	if err := rep.Decode(s.Body); err != nil {
		t.Fatal(err)
	}
	if s.RequestID != reqID || rep.Family != req.Family || rep.Address != srv.BOSAddr() || len(rep.Cookie) != cookieLen || rep.FamilyFirst {
		t.Errorf("01,05 = %+v (request id %#x); want family %#x, address %s, a 256-byte cookie, request id %#x",
			rep, s.RequestID, req.Family, srv.BOSAddr(), reqID)
	}
	if v, ok := rep.Extra.Uint8(tlvServiceSSLState); !ok || v != 0 {
		t.Errorf("01,05 extra TLVs % x, want 0x008E = 0", rep.Extra)
	}
	c := dial(t, rep.Address)
	if f := c.read(); f.Channel != oscar.ChannelSignon {
		t.Fatalf("first frame %v, want the acknowledge", f)
	}
	c.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: rep.Cookie}).AppendTo(nil))
	var hr oscar.HostReady
	if err := hr.Decode(c.expect(oscar.TypeHostReady).Body); err != nil {
		t.Fatal(err)
	}
	want := chatNavFamilies
	if req.Family == oscar.FamilyChat {
		want = chatFamilies
	}
	if !reflect.DeepEqual(hr.Families, want) {
		t.Errorf("01,03 families %x, want %x", hr.Families, want)
	}
	versions := (&oscar.ClientVersions{Versions: []oscar.FamilyVersion{{Family: 1, Version: 4}, {Family: req.Family, Version: 1}}}).AppendTo(nil)
	c.sendMsg(0x101, rawMsg{oscar.TypeClientVersions, versions})
	if got := c.expect(oscar.TypeHostVersions); !bytes.Equal(got.Body, versions) || got.RequestID != 0x101 {
		t.Errorf("01,18 = % x (request id %#x), want the 01,17 echoed", got.Body, got.RequestID)
	}
	c.sendMsg(0x102, oscar.Empty(oscar.TypeRateRequest))
	var rp oscar.RateParams
	if err := rp.DecodeLayout(c.expect(oscar.TypeRateParams).Body, true); err != nil {
		t.Fatalf("01,07 in the long layout: %v", err)
	}
	if len(rp.Classes) != 5 || rp.ClassOf(oscar.TypeChatSend) != 2 || rp.ClassOf(oscar.TypeCreateRoom) != 1 {
		t.Errorf("01,07: %d classes, 0E,05 in %d, 0D,08 in %d; want 5, 2, 1", len(rp.Classes), rp.ClassOf(oscar.TypeChatSend), rp.ClassOf(oscar.TypeCreateRoom))
	}
	c.sendMsg(0x103, &oscar.RateAck{Classes: []uint16{1, 2, 3, 4, 5}})
	c.sendMsg(0x104, &oscar.ClientReady{Families: []oscar.ToolVersion{{Family: 1, Version: 4, ToolID: 0x110, ToolVersion: 0x629}, {Family: req.Family, Version: 1, ToolID: 0x110, ToolVersion: 0x629}}})
	return c
}

// openChatNav opens name's chat navigation connection.
func openChatNav(t *testing.T, srv *Server, bos *client) *client {
	t.Helper()
	return openService(t, srv, bos, 0x10c, oscar.ServiceRequest{Family: oscar.FamilyChatNav})
}

// createRoom sends 0D,08 for name on exchange and returns the room in the
// 0D,09 answer.
func createRoom(t *testing.T, nav *client, exchange uint16, name string) oscar.RoomInfo {
	t.Helper()
	m := oscar.NewCreateRoom(exchange, name)
	nav.sendMsg(0x106, &m)
	s := nav.expect(oscar.TypeNavInfo)
	var ni oscar.NavInfo
	if err := ni.Decode(s.Body); err != nil {
		t.Fatal(err)
	}
	if s.RequestID != 0x106 || len(ni.Rooms) != 1 || ni.HasMaxRooms || len(ni.Exchanges) != 0 {
		t.Fatalf("0D,09 = %+v (request id %#x), want one room", ni, s.RequestID)
	}
	return ni.Rooms[0]
}

// joinRoom opens a room connection and reads the 0E,03 and 0E,02 that
// follow its 01,02; it returns the members the 0E,03 listed.
func joinRoom(t *testing.T, srv *Server, bos *client, room oscar.RoomRef) (*client, []string) {
	t.Helper()
	c := openService(t, srv, bos, 0x10d, oscar.ServiceRequest{Family: oscar.FamilyChat, HasRoom: true, Room: room})
	s := c.expect(oscar.TypeChatUsersJoined)
	members := chatNames(t, s)
	s = c.expect(oscar.TypeRoomInfoUpdate)
	var ri oscar.RoomInfoUpdate
	if err := ri.Decode(s.Body); err != nil {
		t.Fatal(err)
	}
	if s.RequestID != 0 || ri.Room.RoomRef != room {
		t.Errorf("0E,02 = %+v (request id %#x), want room %+v, request id 0", ri.Room, s.RequestID, room)
	}
	return c, members
}

// chatNames reads the names of a 0E,03 or 0E,04 (request id 0) and checks
// each chat user info: class 0x0010, 4 TLVs.
func chatNames(t *testing.T, s oscar.SNAC) []string {
	t.Helper()
	var u oscar.ChatUsers
	var err error
	if s.Type() == oscar.TypeChatUsersJoined {
		err = (*oscar.ChatUsersJoined)(&u).Decode(s.Body)
	} else {
		err = (*oscar.ChatUsersLeft)(&u).Decode(s.Body)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.RequestID != 0 {
		t.Errorf("%v: request id %#x, want 0", s.Type(), s.RequestID)
	}
	var names []string
	for _, info := range u.Users {
		names = append(names, info.ScreenName)
		if info.Class() != oscar.ClassFree || info.TLVs.Count() != 4 {
			t.Errorf("%v: %s: class %#x, %d TLVs; want 0x0010, 4", s.Type(), info.ScreenName, info.Class(), info.TLVs.Count())
		}
	}
	return names
}

func TestChatNavigation(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	nav := openChatNav(t, srv, alice)

	// 0D,02 → 0D,09, the captured body (chat-2025.txt:127).
	nav.sendMsg(0x105, oscar.Empty(oscar.TypeChatNavRightsReq))
	s := nav.expect(oscar.TypeNavInfo)
	want, _ := hex.DecodeString("000200010a" + "00030044" + "00040009" + exchangeTLVsHex + "00030044" + "00050009" + exchangeTLVsHex)
	if !bytes.Equal(s.Body, want) || s.RequestID != 0x105 {
		t.Errorf("0D,09 (request id %#x):\n got % x\nwant % x", s.RequestID, s.Body, want)
	}
	nav.sendMsg(0x107, &oscar.ExchangeInfoRequest{Exchange: 5})
	var ni oscar.NavInfo
	if err := ni.Decode(nav.expect(oscar.TypeNavInfo).Body); err != nil || len(ni.Exchanges) != 1 || ni.Exchanges[0].Exchange != 5 {
		t.Errorf("0D,03 for exchange 5 → %+v, %v", ni, err)
	}
	nav.sendMsg(0x108, &oscar.ExchangeInfoRequest{Exchange: 7})
	if e := nav.expect(oscar.TypeChatNavError); u16(e.Body) != oscar.ErrCodeNotSupportedHost {
		t.Errorf("0D,03 for exchange 7 → error % x", e.Body)
	}

	// Create, then join the same room by a differently cased name.
	room := createRoom(t, nav, oscar.ExchangeUser, "Lab Lounge")
	if room.Cookie != "4-0-Lab Lounge" || room.Instance != 0 || room.Detail != 2 || room.Name() != "Lab Lounge" {
		t.Errorf("created %+v, want cookie 4-0-Lab Lounge, instance 0, detail 2", room)
	}
	if n, ok := room.MaxMessageLen(); n != 1024 || !ok {
		t.Errorf("max message length %d, %v", n, ok)
	}
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	bobNav := openChatNav(t, srv, bob)
	again := createRoom(t, bobNav, oscar.ExchangeUser, "lab lounge")
	if !reflect.DeepEqual(again, room) {
		t.Errorf("0D,08 for lab lounge = %+v, want the same room %+v", again, room)
	}

	// 0D,04 by cookie.
	bobNav.sendMsg(0x109, &oscar.RoomInfoRequest{RoomRef: room.RoomRef, Detail: 2})
	if err := ni.Decode(bobNav.expect(oscar.TypeNavInfo).Body); err != nil || len(ni.Rooms) != 1 || !reflect.DeepEqual(ni.Rooms[0], room) {
		t.Errorf("0D,04 → %+v, %v", ni, err)
	}
	// Exchange 5: only the operator's rooms; the connection goes on.
	bobNav.sendMsg(0x10a, ptr(oscar.NewCreateRoom(oscar.ExchangePublic, "Nowhere")))
	if e := bobNav.expect(oscar.TypeChatNavError); u16(e.Body) != oscar.ErrCodeNoMatch || e.RequestID != 0x10a {
		t.Errorf("0D,08 on exchange 5 → error % x (request id %#x), want 0x0014", e.Body, e.RequestID)
	}
	if cookie := srv.AddPublicRoom("Lobby"); cookie != "5-0-Lobby" {
		t.Errorf("AddPublicRoom = %q", cookie)
	}
	if r := createRoom(t, bobNav, oscar.ExchangePublic, "LOBBY"); r.Cookie != "5-0-Lobby" || r.Name() != "Lobby" {
		t.Errorf("0D,08 LOBBY on exchange 5 = %+v", r)
	}
	// Unknown SNACs get an error; navigation SNACs on BOS are unknown there.
	bob.sendMsg(0x10b, oscar.Empty(oscar.TypeChatNavRightsReq))
	bob.expect(oscar.TypeChatNavError)
}

func ptr[T any](v T) *T { return &v }

// TestChatNavEnds: a 0D,08 without a name, and a 0D,04 for a cookie
// nobody made, end the chat navigation connection (BOS goes on).
func TestChatNavEnds(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()

	nav := openChatNav(t, srv, alice)
	noName := oscar.CreateRoom{Room: oscar.RoomInfo{RoomRef: oscar.RoomRef{Exchange: 4, Cookie: "create", Instance: 0xffff}, Detail: 1,
		TLVs: oscar.TLVList(oscar.AppendTLVString(nil, oscar.RoomTLVCharset, "us-ascii"))}}
	nav.sendMsg(0x106, &noName)
	nav.expectEOF()

	nav = openChatNav(t, srv, alice)
	nav.sendMsg(0x106, &oscar.RoomInfoRequest{RoomRef: oscar.RoomRef{Exchange: 4, Cookie: "4-0-Nobody"}, Detail: 2})
	nav.expectEOF()

	alice.sendMsg(0x200, oscar.Empty(oscar.TypeSelfInfoRequest))
	alice.expect(oscar.TypeSelfInfo)
	// Another family is unavailable.
	alice.sendMsg(0x201, &oscar.ServiceRequest{Family: 0x0010})
	if e := alice.expect(oscar.TypeOServiceError); u16(e.Body) != oscar.ErrCodeServiceUnavail {
		t.Errorf("01,04 for family 0x10 → % x", e.Body)
	}
}

// TestChatRoom: join order, relays, echo, leaving.
func TestChatRoom(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	room := createRoom(t, openChatNav(t, srv, alice), oscar.ExchangeUser, "Lab Lounge")

	ac, members := joinRoom(t, srv, alice, room.RoomRef)
	if !reflect.DeepEqual(members, []string{"LabAlice"}) {
		t.Errorf("Alice's 0E,03: %q", members)
	}
	bc, members := joinRoom(t, srv, bob, room.RoomRef)
	if !reflect.DeepEqual(members, []string{"LabAlice", "Lab Bob"}) {
		t.Errorf("Bob's 0E,03: %q", members)
	}
	if got := chatNames(t, ac.expect(oscar.TypeChatUsersJoined)); !reflect.DeepEqual(got, []string{"Lab Bob"}) {
		t.Errorf("Alice told of %q, want Lab Bob", got)
	}
	if got := srv.RoomMembers("4-0-Lab Lounge"); !reflect.DeepEqual(got, []string{"LabAlice", "Lab Bob"}) {
		t.Errorf("RoomMembers = %q", got)
	}

	// Without TLV 6 the sender gets nothing; Bob gets it with request id 0,
	// text and charset byte for byte.
	msg, err := oscar.NewChatMessage("<HTML>héllo 漢字</HTML>")
	if err != nil {
		t.Fatal(err)
	}
	first := oscar.ChatSend{Cookie: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, Channel: 3, ToRoom: true, Message: msg}
	ac.sendMsg(0x105, &first)
	s := bc.expect(oscar.TypeChatIncoming)
	var in oscar.ChatIncoming
	if err := in.Decode(s.Body); err != nil {
		t.Fatal(err)
	}
	if s.RequestID != 0 || in.Cookie != first.Cookie || in.Channel != 3 || !in.ToRoom || in.Sender.ScreenName != "LabAlice" ||
		in.Message.Text.Charset != "unicode-2-0" || !bytes.Equal(in.Message.Text.Data, msg.Text.Data) || in.Message.Language != "en" {
		t.Errorf("0E,06 to Bob = %+v (request id %#x)", in, s.RequestID)
	}
	if got := in.Message.Text.String(); got != "<HTML>héllo 漢字</HTML>" {
		t.Errorf("text %q", got)
	}

	// With TLV 6: Alice's copy has her request id, and it is the next
	// thing she reads (the first message never came back).
	latin := oscar.ChatSend{Cookie: [8]byte{9}, Channel: 3, ToRoom: true, Echo: true,
		Message: oscar.ChatMessage{Text: oscar.NamedText{Charset: "iso-8859-1", Data: []byte("na\xefve")}, Language: "en",
			Extra: oscar.TLVList(oscar.AppendTLV(nil, 0x0009, []byte{1}))}}
	ac.sendMsg(0x106, &latin)
	s = ac.expect(oscar.TypeChatIncoming)
	if err := in.Decode(s.Body); err != nil || s.RequestID != 0x106 || in.Cookie != latin.Cookie {
		t.Errorf("Alice's echo = %+v, %v (request id %#x)", in, err, s.RequestID)
	}
	s = bc.expect(oscar.TypeChatIncoming)
	if err := in.Decode(s.Body); err != nil || s.RequestID != 0 || in.Message.Text.String() != "naïve" ||
		in.Message.Text.Charset != "iso-8859-1" || in.Message.Extra != nil {
		t.Errorf("Bob's copy = %+v, %v (request id %#x); want the text, charset and language only", in, err, s.RequestID)
	}

	// Bob leaves with the zero-length channel 4: Alice gets 0E,04.
	bc.send(oscar.ChannelSignoff, nil)
	bc.expectEOF()
	if got := chatNames(t, ac.expect(oscar.TypeChatUsersLeft)); !reflect.DeepEqual(got, []string{"Lab Bob"}) {
		t.Errorf("0E,04 names %q", got)
	}
	if got := srv.RoomMembers("4-0-Lab Lounge"); !reflect.DeepEqual(got, []string{"LabAlice"}) {
		t.Errorf("RoomMembers after Bob left = %q", got)
	}
	// Bob's BOS session goes on.
	bob.sendMsg(0x300, oscar.Empty(oscar.TypeSelfInfoRequest))
	bob.expect(oscar.TypeSelfInfo)
}

// TestChatServiceCookies: a service cookie opens one connection; an
// unknown room in 01,04 ends the BOS connection.
func TestChatServiceCookies(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	alice.sendMsg(0x10c, &oscar.ServiceRequest{Family: oscar.FamilyChatNav})
	var rep oscar.ServiceReply
	if err := rep.Decode(alice.expect(oscar.TypeServiceReply).Body); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		c := dial(t, rep.Address)
		c.read()
		c.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: rep.Cookie}).AppendTo(nil))
		if i == 0 {
			c.expect(oscar.TypeHostReady)
		} else {
			c.expectEOF() // used once already
		}
	}
	alice.sendMsg(0x10d, &oscar.ServiceRequest{Family: oscar.FamilyChat, HasRoom: true, Room: oscar.RoomRef{Exchange: 4, Cookie: "4-0-Nobody"}})
	alice.expectEOF()
}

// TestChatInvitationRelayed: the channel-2 04,06 reaches the invitee as
// 04,07 with TLV 5 byte for byte; the inviter gets nothing.
func TestChatInvitationRelayed(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	carol := signOn(t, srv, "LabCarol")
	carol.ready()
	rv, err := oscar.NewChatInvitation([8]byte{0x6b, 0x1b}, oscar.RoomRef{Exchange: 4, Cookie: "4-0-Lab Lounge"}, "Join me in Lab Lounge")
	if err != nil {
		t.Fatal(err)
	}
	im := oscar.NewRendezvousIM("LabCarol", &rv)
	alice.sendMsg(0x10e, &im)
	s := carol.expect(oscar.TypeICBMIncoming)
	var in oscar.IncomingIM
	if err := in.Decode(s.Body); err != nil {
		t.Fatal(err)
	}
	got, ok, err := in.Rendezvous()
	if err != nil || !ok || !reflect.DeepEqual(got.AppendTo(nil), rv.AppendTo(nil)) || in.From.ScreenName != "LabAlice" || in.Channel != 2 {
		t.Errorf("04,07 = %+v; rendezvous %+v, %v, %v", in, got, ok, err)
	}
	// Nothing came back to Alice: her next SNAC answers her next request.
	alice.sendMsg(0x10f, oscar.Empty(oscar.TypeSelfInfoRequest))
	alice.expect(oscar.TypeSelfInfo)
}

// TestChatBOSLogout: when the BOS session ends, chat navigation gets the
// "signed on elsewhere" channel 4 and a room the bare 4-byte header (README
// fact 54), and the room's other members get 0E,04.
func TestChatBOSLogout(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	nav := openChatNav(t, srv, alice)
	room := createRoom(t, nav, oscar.ExchangeUser, "Lab Lounge")
	ac, _ := joinRoom(t, srv, alice, room.RoomRef)
	bc, _ := joinRoom(t, srv, bob, room.RoomRef)
	ac.expect(oscar.TypeChatUsersJoined)

	alice.send(oscar.ChannelSignoff, nil)
	alice.expectEOF()
	f := nav.read()
	var d oscar.Disconnect
	if err := d.Decode(f.Payload); f.Channel != oscar.ChannelSignoff || err != nil || d.Reason != oscar.DisconnectSignedOnElsewhere || d.URL != kickURL {
		t.Errorf("chat navigation got %v %+v, %v; want channel 4 with TLV 9 = 1 and the URL", f, d, err)
	}
	if !bytes.Equal(f.Payload, mustHex("0009000101000b002968747470733a2f2f6769746875622e636f6d2f6d6b36692f6f70656e2d6f736361722d736572766572")) {
		t.Errorf("chat navigation's channel 4 = % x, not the captured bytes", f.Payload)
	}
	nav.expectEOF()
	if f := ac.read(); f.Channel != oscar.ChannelSignoff || !f.Truncated {
		t.Errorf("room got %v (truncated %v), want the bare channel-4 header", f, f.Truncated)
	}
	ac.expectEOF()
	if got := chatNames(t, bc.expect(oscar.TypeChatUsersLeft)); !reflect.DeepEqual(got, []string{"LabAlice"}) {
		t.Errorf("Bob told of %q leaving", got)
	}
}

// TestChatRatesPerConnection: a room connection has rate levels of its
// own: a burst there limits it and nothing else. Chat navigation counts
// against the BOS session's levels, as its 01,07 in chat-2025.txt shows.
func TestChatRatesPerConnection(t *testing.T) {
	t.Parallel()
	// A frozen clock: every gap is 0 ms, but the last of the burst comes a
	// second later, when the server's tick reports the limit (01,0A code
	// 3) and drops that SNAC too.
	const burst = 130 // class 1 limits after ~111 SNACs at no gap, disconnects after ~160
	var armed, seen atomic.Int32
	srv, _ := startServer(t, func(s *Server, clk *fakeClock) {
		s.Intercept = func(e Event) Action {
			if sn, err := oscar.ParseSNAC(e.Frame.Payload); armed.Load() == 1 && e.Frame.Channel == oscar.ChannelSNAC && err == nil &&
				sn.Type() == oscar.TypeClientVersions && seen.Add(1) == burst {
				clk.Advance(time.Second)
			}
			return Answer
		}
	})
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	nav := openChatNav(t, srv, alice)
	room := createRoom(t, nav, oscar.ExchangeUser, "Lab Lounge")
	rc, _ := joinRoom(t, srv, alice, room.RoomRef)

	msgs := make([]oscar.Message, burst)
	for i := range msgs {
		msgs[i] = &oscar.ClientVersions{Versions: []oscar.FamilyVersion{{Family: 1, Version: 4}}}
	}
	armed.Store(1)
	rc.sendBatch(msgs...)
	answered := 0
	for {
		s := rc.readSNAC()
		if s.Type() == oscar.TypeHostVersions {
			answered++
			continue
		}
		var ch oscar.RateChange
		if s.Type() != oscar.TypeRateChange || ch.Decode(s.Body) != nil || ch.Code != oscar.RateLimited || ch.Class.ID != 1 {
			t.Fatalf("got %v % x, want 01,18 or 01,0A code 3 for class 1", s.Type(), s.Body)
		}
		break
	}
	if answered < 100 || answered >= burst {
		t.Errorf("%d of %d answered before the limit", answered, burst)
	}
	// BOS and chat navigation are not limited; they share one level.
	alice.sendMsg(0x400, oscar.Empty(oscar.TypeRateRequest))
	var bos, navRates oscar.RateParams
	if err := bos.Decode(alice.expect(oscar.TypeRateParams).Body); err != nil {
		t.Fatal(err)
	}
	nav.sendMsg(0x401, oscar.Empty(oscar.TypeRateRequest))
	if err := navRates.Decode(nav.expect(oscar.TypeRateParams).Body); err != nil {
		t.Fatal(err)
	}
	w := bos.Classes[0].Window
	if got, want := navRates.Classes[0].Current, bos.Classes[0].Current*(w-1)/w; got != want || bos.Classes[0].Current < bos.Classes[0].Clear {
		t.Errorf("class 1: BOS at %d, then chat navigation at %d; want %d (one more SNAC at no gap)", bos.Classes[0].Current, got, want)
	}
}

// learnService maps the capture's 01,05 cookie to the one this server
// issued in the same place, for the service connection that shows it.
func (r *replayer) learnService(want, got oscar.Frame) {
	if want.Channel != oscar.ChannelSNAC || got.Channel != oscar.ChannelSNAC {
		return
	}
	ws, err1 := oscar.ParseSNAC(want.Payload)
	gs, err2 := oscar.ParseSNAC(got.Payload)
	if err1 != nil || err2 != nil || ws.Type() != oscar.TypeServiceReply {
		return
	}
	var w, g oscar.ServiceReply
	if w.Decode(ws.Body) == nil && g.Decode(gs.Body) == nil {
		r.svcCookies[string(w.Cookie)] = append([]byte(nil), g.Cookie...)
	}
}

// maskChat blanks, in place, what differs between runs in chat SNACs: a
// room's creation time and the signon times in chat user info.
func maskChat(t oscar.SNACType, body []byte) {
	clearCreated := func(ri *oscar.RoomInfo) {
		if v, ok := ri.TLVs.Get(oscar.RoomTLVCreated); ok {
			clear(v)
		}
	}
	switch t {
	case oscar.TypeNavInfo:
		var m oscar.NavInfo
		if m.Decode(body) == nil {
			for i := range m.Rooms {
				clearCreated(&m.Rooms[i])
			}
		}
	case oscar.TypeRoomInfoUpdate:
		var m oscar.RoomInfoUpdate
		if m.Decode(body) == nil {
			clearCreated(&m.Room)
		}
	case oscar.TypeChatUsersJoined, oscar.TypeChatUsersLeft:
		for off := 0; off < len(body); {
			n := maskSignon(body[off:])
			if n <= 0 {
				break
			}
			off += n
		}
	case oscar.TypeChatIncoming:
		if len(body) < 10 {
			return
		}
		if l, err := oscar.ParseTLVs(body[10:]); err == nil {
			if v, ok := l.Get(oscar.ChatTLVSender); ok {
				maskSignon(v)
			}
		}
	}
}

// TestReplayChat plays chat-2025.txt: three sign-ons, chat navigation,
// "Lab Lounge" created and found again as "lab lounge", both joining, the
// three messages (US-ASCII, UCS-2BE with an echo, ISO-8859-1), the
// invitation, Bob leaving, and Alice's BOS logout ending her service
// connections. Rate levels are masked: the capture's chat navigation shows
// BOS levels worn down by seconds of real time.
func TestReplayChat(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, noEnforce)
	r := newReplayer(t, srv, "chat-2025.txt", skipRateNotices)
	r.maskLevels = true
	r.run()
}

// TestChat2026: with Release2026, 01,05 puts TLV 0x000D first, 01,13
// follows 01,18 on service connections, chat user info carries the
// zero-time signon 0x886e0900, and 0E,04 has class 0 (README facts 44 to
// 50).
func TestChat2026(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = Release2026 })
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()

	alice.sendMsg(0x10c, &oscar.ServiceRequest{Family: oscar.FamilyChatNav})
	s := alice.expect(oscar.TypeServiceReply)
	if !bytes.HasPrefix(s.Body, []byte{0, 0x0d, 0, 2, 0, 0x0d, 0, 5}) {
		t.Errorf("01,05 = % x, want TLV 0x000D first", s.Body)
	}
	var rep oscar.ServiceReply
	if err := rep.Decode(s.Body); err != nil || !rep.FamilyFirst {
		t.Fatalf("01,05 = %+v, %v", rep, err)
	}
	nav := dial(t, rep.Address)
	nav.read()
	nav.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: rep.Cookie}).AppendTo(nil))
	nav.expect(oscar.TypeHostReady)
	nav.sendMsg(1, &oscar.ClientVersions{Versions: []oscar.FamilyVersion{{Family: 1, Version: 4}}})
	nav.expect(oscar.TypeHostVersions)
	var motd oscar.MOTD
	if err := motd.Decode(nav.expect(oscar.TypeMOTD).Body); err != nil || motd.Type != 4 || motd.Text() != "Welcome to Open OSCAR Server" {
		t.Errorf("01,13 = %+v, %v", motd, err)
	}
	room := createRoom(t, nav, oscar.ExchangeUser, "Lab Lounge")

	// The room connections send no 01,17, so they get no 01,13: their
	// 0E,03 follows their 01,02 (signon order is not enforced, fact 11).
	alice.sendMsg(0x10d, &oscar.ServiceRequest{Family: oscar.FamilyChat, HasRoom: true, Room: room.RoomRef})
	if err := rep.Decode(alice.expect(oscar.TypeServiceReply).Body); err != nil {
		t.Fatal(err)
	}
	ac := dial(t, rep.Address)
	ac.read()
	ac.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: rep.Cookie}).AppendTo(nil))
	ac.expect(oscar.TypeHostReady)
	ac.sendMsg(1, &oscar.ClientReady{})
	joined := ac.expect(oscar.TypeChatUsersJoined)
	var u oscar.ChatUsersJoined
	if err := u.Decode(joined.Body); err != nil || len(u.Users) != 1 {
		t.Fatalf("0E,03 = %+v, %v", u, err)
	}
	if v, _ := u.Users[0].TLVs.Uint32(oscar.UserTLVSignonTime); v != zeroTime2026 || u.Users[0].Class() != oscar.ClassFree {
		t.Errorf("0E,03 user info: signon %#x, class %#x; want 0x886e0900, 0x0010", v, u.Users[0].Class())
	}
	ac.expect(oscar.TypeRoomInfoUpdate)

	bob.sendMsg(0x10d, &oscar.ServiceRequest{Family: oscar.FamilyChat, HasRoom: true, Room: room.RoomRef})
	if err := rep.Decode(bob.expect(oscar.TypeServiceReply).Body); err != nil {
		t.Fatal(err)
	}
	bc := dial(t, rep.Address)
	bc.read()
	bc.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: rep.Cookie}).AppendTo(nil))
	bc.expect(oscar.TypeHostReady)
	bc.sendMsg(1, &oscar.ClientReady{})
	bc.expect(oscar.TypeChatUsersJoined)
	ac.expect(oscar.TypeChatUsersJoined)
	bc.send(oscar.ChannelSignoff, nil)
	var left oscar.ChatUsersLeft
	if err := left.Decode(ac.expect(oscar.TypeChatUsersLeft).Body); err != nil || len(left.Users) != 1 || left.Users[0].Class() != 0 {
		t.Errorf("0E,04 = %+v, %v; want Lab Bob with class 0", left, err)
	}
}
