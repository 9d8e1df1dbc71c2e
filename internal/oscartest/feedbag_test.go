package oscartest

import (
	"bytes"
	"slices"
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
)

// feedbagSignOn signs name on as a feedbag client (MD5 login, 13,07 before
// 01,02) and returns once the signon is done.
func feedbagSignOn(t *testing.T, srv *Server, name string, multi bool) *client {
	t.Helper()
	pw, _ := labPassword(name)
	r := md5Login(t, srv, name, pw, multi)
	c := dial(t, r.BOSAddress)
	c.read()
	c.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: r.Cookie}).AppendTo(nil))
	c.expect(oscar.TypeHostReady)
	c.sendMsg(1, oscar.Empty(oscar.TypeRateRequest))
	c.expect(oscar.TypeRateParams)
	c.sendMsg(2, &oscar.RateAck{Classes: []uint16{1, 2, 3, 4, 5}})
	c.sendMsg(3, oscar.Empty(oscar.TypeFeedbagUse))
	c.sendMsg(4, &oscar.ClientReady{})
	return c
}

// Items of the lab's list: the root group, group 'Friends' with Lab Bob.
var (
	rootItem   = oscar.FeedbagItem{Class: oscar.FeedbagClassGroup, TLVs: oscar.TLVList(oscar.AppendOrderTLV(nil, []uint16{1}))}
	groupItem  = oscar.FeedbagItem{Name: "Friends", GroupID: 1, Class: oscar.FeedbagClassGroup, TLVs: oscar.TLVList(oscar.AppendOrderTLV(nil, []uint16{0x0101}))}
	bobItem    = oscar.FeedbagItem{Name: "Lab Bob", GroupID: 1, ItemID: 0x0101, Class: oscar.FeedbagClassBuddy}
	carolDeny  = oscar.FeedbagItem{Name: "LabCarol", ItemID: 0x0201, Class: oscar.FeedbagClassDeny}
	pdinfoDeny = oscar.FeedbagItem{ItemID: 0x0301, Class: oscar.FeedbagClassPDInfo, TLVs: oscar.TLVList(oscar.AppendTLVUint8(nil, oscar.FeedbagTLVPrivacyMode, uint8(oscar.PrivacyBlockDeny)))}
)

// edit sends one feedbag edit and checks its 13,0E: one 0x0000 per item,
// the request id echoed.
func (c *client) edit(id uint32, m oscar.Message, items int) {
	c.t.Helper()
	c.sendMsg(id, m)
	s := c.expect(oscar.TypeFeedbagStatus)
	var st oscar.FeedbagStatus
	if err := st.Decode(s.Body); err != nil || s.RequestID != id || len(st.Codes) != items {
		c.t.Fatalf("13,0E %+v (request id %#x), %v; want %d codes for request %#x", st, s.RequestID, err, items, id)
	}
	for _, code := range st.Codes {
		if code != oscar.FeedbagOK {
			c.t.Fatalf("13,0E code %#04x", code)
		}
	}
}

// list asks for the whole list (13,04) and reads every part of the 13,06.
func (c *client) list(id uint32) (items []oscar.FeedbagItem, modified uint32, parts []uint16) {
	c.t.Helper()
	c.sendMsg(id, oscar.Empty(oscar.TypeFeedbagQuery))
	for {
		s := c.readSNAC()
		if s.Type() != oscar.TypeFeedbagReply || s.RequestID != id {
			c.t.Fatalf("got %v (request id %#x), want 13,06 for %#x", s.Type(), s.RequestID, id)
		}
		var r oscar.FeedbagReply
		if err := r.Decode(s.Body); err != nil {
			c.t.Fatal(err)
		}
		items = append(items, r.Items...)
		parts = append(parts, s.Flags)
		if s.Flags&oscar.SNACFlagMoreReplies == 0 {
			return items, r.Modified, parts
		}
	}
}

// quiet checks that nothing is waiting for c: the answer to a 01,0E comes
// next. The server handles every connection's SNACs under one lock, so
// whatever another client's answered request caused is queued already.
func (c *client) quiet() {
	c.t.Helper()
	c.sendMsg(0x7777, oscar.Empty(oscar.TypeSelfInfoRequest))
	c.expect(oscar.TypeSelfInfo)
}

func arrivedName(t *testing.T, s oscar.SNAC) string {
	t.Helper()
	return userInfoOf(t, s.Body).ScreenName
}

// TestFeedbagPresenceByRelease: the 2025 release sends presence for a buddy
// insert at once, the 2026 release at 13,12 (facts 38 and the 2026 notes).
func TestFeedbagPresenceByRelease(t *testing.T) {
	t.Parallel()
	for _, rel := range []Release{Release2025, Release2026} {
		srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = rel })
		bob := signOn(t, srv, "Lab Bob", "LabAlice")
		bob.ready()
		alice := feedbagSignOn(t, srv, "LabAlice", true)
		alice.ready()
		bob.expect(oscar.TypeBuddyArrived) // Alice signed on

		alice.sendMsg(0x10, &oscar.FeedbagStartCluster{})
		alice.edit(0x11, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{rootItem, groupItem}}, 2)
		alice.edit(0x12, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{bobItem}}, 1)
		if rel == Release2025 {
			if n := arrivedName(t, alice.expect(oscar.TypeBuddyArrived)); n != "Lab Bob" {
				t.Errorf("2025: Alice got 03,0B for %q", n)
			}
			if n := arrivedName(t, bob.expect(oscar.TypeBuddyArrived)); n != "LabAlice" {
				t.Errorf("2025: Bob got 03,0B for %q", n)
			}
		}
		bob.quiet()
		alice.sendMsg(0x13, oscar.Empty(oscar.TypeFeedbagEndCluster))
		if rel == Release2026 {
			if n := arrivedName(t, alice.expect(oscar.TypeBuddyArrived)); n != "Lab Bob" {
				t.Errorf("2026: Alice got 03,0B for %q", n)
			}
			if n := arrivedName(t, bob.expect(oscar.TypeBuddyArrived)); n != "LabAlice" {
				t.Errorf("2026: Bob got 03,0B for %q", n)
			}
		}
		alice.quiet()
		bob.quiet()
	}
}

// TestFeedbagTwoSessions2026: with TLV 0x004A = 1 on both logins the 2026
// release keeps both sessions; one session's transaction reaches the other
// as 13,11 and 13,12 with the editor's request ids and the edit as sent
// with 0x80000000, never 13,0E (fact 41). IMs reach both; a buddy sees the
// account leave only when its last session does.
func TestFeedbagTwoSessions2026(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = Release2026 })
	bob := signOn(t, srv, "Lab Bob", "LabAlice")
	bob.ready()
	a := feedbagSignOn(t, srv, "LabAlice", true)
	a.ready()
	bob.expect(oscar.TypeBuddyArrived)
	b := feedbagSignOn(t, srv, "LabAlice", true)
	b.ready()
	bob.expect(oscar.TypeBuddyArrived) // a repeated 03,0B, as the real server sends
	// A hears of B: a second 0B,02, then the notice the capture has, byte for byte.
	a.expect(oscar.TypeStatsInterval)
	if s := a.expect(oscar.TypeICBMIncoming); !bytes.Equal(s.Body, oosNotice) {
		t.Errorf("notice:\n got % x\nwant % x", s.Body, oosNotice)
	}

	a.sendMsg(0x10f, &oscar.FeedbagStartCluster{})
	insert := &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{rootItem, groupItem, bobItem}}
	a.edit(0x110, insert, 3)
	a.sendMsg(0x111, oscar.Empty(oscar.TypeFeedbagEndCluster))
	for _, want := range []struct {
		typ  oscar.SNACType
		id   uint32
		body []byte
	}{
		{oscar.TypeFeedbagStartCluster, 0x10f, nil},
		{oscar.TypeFeedbagInsertItem, reqIDServer, insert.AppendTo(nil)},
		{oscar.TypeFeedbagEndCluster, 0x111, nil},
	} {
		s := b.expect(want.typ)
		if s.RequestID != want.id || !bytes.Equal(s.Body, want.body) {
			t.Errorf("push %v: request id %#x, body % x; want %#x, % x", want.typ, s.RequestID, s.Body, want.id, want.body)
		}
	}
	for _, c := range []*client{a, b} {
		if n := arrivedName(t, c.expect(oscar.TypeBuddyArrived)); n != "Lab Bob" {
			t.Errorf("03,0B for %q, want Lab Bob", n)
		}
	}
	bob.expect(oscar.TypeBuddyArrived)
	items, _, _ := b.list(0x20)
	if len(items) != 3 || items[2].Name != "labbob" || items[1].Name != "Friends" {
		t.Errorf("B's list = %+v", items)
	}

	bob.sendMsg(0x30, &oscar.ICBMSend{Channel: 1, ScreenName: "LabAlice", Message: im(t, "hi both")})
	a.expect(oscar.TypeICBMIncoming)
	b.expect(oscar.TypeICBMIncoming)

	a.send(oscar.ChannelSignoff, nil)
	a.expectEOF()
	if s := bob.readSNAC(); s.Type() != oscar.TypeBuddyArrived {
		t.Errorf("Bob got %v when one of two sessions left, want 03,0B", s.Type())
	}
	if !srv.Online("LabAlice") {
		t.Error("LabAlice offline with a session left")
	}
	b.send(oscar.ChannelSignoff, nil)
	b.expectEOF()
	bob.expect(oscar.TypeBuddyDeparted)
}

// TestFeedbagGroupDelete: 13,0A of a group (item id 0) removes every item
// with item id 0 on the 2025 release, only that group on 2026 (fact 40);
// the last-modified time is the newest remaining item's.
func TestFeedbagGroupDelete(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rel  Release
		want []string
	}{
		{Release2025, []string{"labbob"}},     // the root group went with 'Friends'
		{Release2026, []string{"", "labbob"}}, // the root group stays
	} {
		srv, clk := startServer(t, func(s *Server, _ *fakeClock) { s.Release = tc.rel })
		alice := feedbagSignOn(t, srv, "LabAlice", false)
		alice.ready()
		alice.edit(1, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{rootItem, groupItem, bobItem}}, 3)
		t0 := uint32(clk.Now().Unix())
		clk.Advance(5e9)
		alice.edit(2, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{pdinfoDeny}}, 1)
		if _, mod, _ := alice.list(3); mod != t0+5 {
			t.Errorf("%v: last modified %d, want %d", tc.rel, mod, t0+5)
		}
		alice.edit(4, &oscar.FeedbagDelete{Items: []oscar.FeedbagItem{groupItem}}, 1)
		alice.edit(5, &oscar.FeedbagDelete{Items: []oscar.FeedbagItem{pdinfoDeny}}, 1)
		items, mod, _ := alice.list(6)
		var names []string
		for _, it := range items {
			names = append(names, it.Name)
		}
		if !slices.Equal(names, tc.want) || mod != t0 {
			t.Errorf("%v: list %q, last modified %d; want %q, %d", tc.rel, names, mod, tc.want, t0)
		}
	}
}

// TestFeedbagQueryIfModified: 13,0F (one count byte) only when the list
// changed strictly before the client's time; an empty list always gets
// 13,06 (fact 34).
func TestFeedbagQueryIfModified(t *testing.T) {
	t.Parallel()
	srv, clk := startServer(t, nil)
	alice := feedbagSignOn(t, srv, "LabAlice", false)
	alice.ready()
	now := uint32(clk.Now().Unix())
	alice.sendMsg(1, &oscar.FeedbagQueryIfModified{Modified: now + 1})
	alice.expect(oscar.TypeFeedbagReply)
	alice.edit(2, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{rootItem, groupItem}}, 2)
	alice.sendMsg(3, &oscar.FeedbagQueryIfModified{Modified: now, Count: 2})
	alice.expect(oscar.TypeFeedbagReply)
	alice.sendMsg(4, &oscar.FeedbagQueryIfModified{Modified: now + 1, Count: 2})
	s := alice.expect(oscar.TypeFeedbagNotModified)
	if want := append(be32(now), 2); !bytes.Equal(s.Body, want) || s.RequestID != 4 {
		t.Errorf("13,0F % x (request %d), want % x", s.Body, s.RequestID, want)
	}
	alice.sendMsg(5, &oscar.FeedbagQueryIfModified{Modified: 0})
	alice.expect(oscar.TypeFeedbagReply)
}

func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

// TestFeedbagSplit: with FeedbagPartItems the list comes in parts, every
// one but the last flagged 0x0001, the items in order across them.
func TestFeedbagSplit(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.FeedbagPartItems = 2 })
	alice := feedbagSignOn(t, srv, "LabAlice", false)
	alice.ready()
	alice.edit(1, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{bobItem, carolDeny, pdinfoDeny, rootItem, groupItem}}, 5)
	items, _, parts := alice.list(2)
	if len(items) != 5 || len(parts) != 3 || parts[0] != 1 || parts[1] != 1 || parts[2] != 0 {
		t.Fatalf("%d items in parts flagged %v", len(items), parts)
	}
	want := []uint16{0, 0x0201, 0x0301, 0, 0x0101} // (group id, item id) order
	for i, it := range items {
		if it.ItemID != want[i] {
			t.Errorf("item %d: id %#x, want %#x", i, it.ItemID, want[i])
		}
	}
}

// TestFeedbagPrivacy2026: a deny item blocks only once a pdinfo item says
// "block the deny list"; then the blocked user sees the account leave
// (03,0C with no TLVs, at 13,12 on 2026), its IMs fail with 0x0004 and the
// account's IMs to it with 0x0010 (fact 39). Blocking yourself is refused
// with 13,01 0x0008.
func TestFeedbagPrivacy2026(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = Release2026 })
	carol := signOn(t, srv, "LabCarol", "LabAlice")
	carol.ready()
	alice := feedbagSignOn(t, srv, "LabAlice", false)
	alice.ready()
	carol.expect(oscar.TypeBuddyArrived)

	alice.sendMsg(0x10, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{{Name: "Lab Alice", ItemID: 0x0202, Class: oscar.FeedbagClassDeny}}})
	if s := alice.expect(oscar.TypeFeedbagError); !bytes.Equal(s.Body, []byte{0, 8}) {
		t.Errorf("self-deny: 13,01 % x, want 0008", s.Body)
	}
	alice.sendMsg(0x13, &oscar.FeedbagStartCluster{})
	alice.edit(0x11, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{carolDeny}}, 1)
	carol.sendMsg(0x12, &oscar.ICBMSend{Channel: 1, ScreenName: "LabAlice", Message: im(t, "deny alone does nothing")})
	alice.expect(oscar.TypeICBMIncoming)
	alice.edit(0x14, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{pdinfoDeny}}, 1)
	carol.quiet()
	alice.sendMsg(0x15, oscar.Empty(oscar.TypeFeedbagEndCluster))
	s := carol.expect(oscar.TypeBuddyDeparted)
	if want := append([]byte{8}, "labalice\x00\x00\x00\x00"...); !bytes.Equal(s.Body, want) {
		t.Errorf("blocked 03,0C % x, want % x", s.Body, want)
	}
	carol.sendMsg(0x16, &oscar.ICBMSend{Channel: 1, ScreenName: "LabAlice", Message: im(t, "blocked")})
	if s := carol.expect(oscar.TypeICBMError); !bytes.Equal(s.Body, []byte{0, 4}) {
		t.Errorf("blocked sender: 04,01 % x, want 0004", s.Body)
	}
	alice.sendMsg(0x17, &oscar.ICBMSend{Channel: 1, ScreenName: "LabCarol", Message: im(t, "to the blocked")})
	if s := alice.expect(oscar.TypeICBMError); !bytes.Equal(s.Body, []byte{0, 0x10}) {
		t.Errorf("blocker: 04,01 % x, want 0010", s.Body)
	}
	alice.edit(0x18, &oscar.FeedbagDelete{Items: []oscar.FeedbagItem{carolDeny}}, 1)
	if n := arrivedName(t, carol.expect(oscar.TypeBuddyArrived)); n != "LabAlice" {
		t.Errorf("unblocked: 03,0B for %q", n)
	}
	alice.quiet()
}

// TestTypingRelay: 04,14 reaches the recipient as Open OSCAR Server's
// ClientEvent sends it (the sender's registered name, the sender's request
// id, the rest as sent), whatever the buddy preferences say; it is dropped
// without an answer when the recipient is offline or either user blocks
// the other. The 2026 release sends it only to the recipient's sessions
// that are neither idle nor away.
func TestTypingRelay(t *testing.T) {
	t.Parallel()
	for _, rel := range []Release{Release2025, Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = rel })
			bob := signOn(t, srv, "Lab Bob")
			bob.ready()
			alice := feedbagSignOn(t, srv, "LabAlice", false) // no buddy preferences item
			alice.ready()
			typing := &oscar.Typing{Cookie: [8]byte{1, 2, 3}, Channel: 1, ScreenName: "labalice", Event: oscar.TypingStarted}
			bob.sendMsg(0x22, typing)
			s := alice.expect(oscar.TypeTyping)
			want := (&oscar.Typing{Cookie: [8]byte{1, 2, 3}, Channel: 1, ScreenName: "Lab Bob", Event: oscar.TypingStarted}).AppendTo(nil)
			if s.RequestID != 0x22 || !bytes.Equal(s.Body, want) {
				t.Errorf("relayed 04,14 (request id %#x) % x, want % x", s.RequestID, s.Body, want)
			}
			bob.sendMsg(0x23, &oscar.Typing{Channel: 1, ScreenName: "LabCarol", Event: oscar.TypingStarted}) // offline
			bob.quiet()                                                                                      // no error

			// Idle, then away, then back: the 2026 release relays only the last.
			alice.sendMsg(0x30, &oscar.SetIdle{Seconds: 600})
			got := typingUntilAnswer(alice, 0x50)
			bob.sendMsg(0x24, typing)
			got = append(got, typingUntilAnswer(bob, 0x51)...)
			alice.sendMsg(0x31, &oscar.SetIdle{})
			alice.sendMsg(0x32, &oscar.SetInfo{HasAway: true, Away: []byte("out")})
			got = append(got, typingUntilAnswer(alice, 0x52)...)
			bob.sendMsg(0x25, typing)
			typingUntilAnswer(bob, 0x53)
			alice.sendMsg(0x33, &oscar.SetInfo{HasAway: true})
			got = append(got, typingUntilAnswer(alice, 0x54)...)
			bob.sendMsg(0x26, typing)
			typingUntilAnswer(bob, 0x55)
			got = append(got, typingUntilAnswer(alice, 0x56)...)
			want2 := []uint32{0x24, 0x25, 0x26}
			if rel == Release2026 {
				want2 = []uint32{0x26}
			}
			if !slices.Equal(got, want2) {
				t.Errorf("typing relayed to an idle, then away, then back session: %#x, want %#x", got, want2)
			}

			// Blocked either way: dropped.
			bobDeny := oscar.FeedbagItem{Name: "Lab Bob", ItemID: 0x0202, Class: oscar.FeedbagClassDeny}
			alice.edit(0x40, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{bobDeny, pdinfoDeny}}, 2)
			bob.sendMsg(0x27, typing)
			alice.sendMsg(0x41, &oscar.Typing{Channel: 1, ScreenName: "Lab Bob", Event: oscar.TypingStarted})
			if got := append(typingUntilAnswer(bob, 0x57), typingUntilAnswer(alice, 0x58)...); len(got) > 0 {
				t.Errorf("typing notifications crossed a block: %#x", got)
			}
		})
	}
}

// typingUntilAnswer asks for c's own info (request id) and reads until
// the answer, returning the request ids of the typing notifications read
// on the way; presence changes are skipped, anything else fails.
func typingUntilAnswer(c *client, id uint32) []uint32 {
	c.t.Helper()
	c.sendMsg(id, oscar.Empty(oscar.TypeSelfInfoRequest))
	var got []uint32
	for {
		s := c.readSNAC()
		switch s.Type() {
		case oscar.TypeTyping:
			got = append(got, s.RequestID)
		case oscar.TypeSelfInfo:
			if s.RequestID == id {
				return got
			}
		case oscar.TypeBuddyArrived, oscar.TypeBuddyDeparted:
		default:
			c.t.Fatalf("got %v, want typing or the answer to %#x", s.Type(), id)
		}
	}
}

func im(t *testing.T, text string) oscar.ICBMMessage {
	t.Helper()
	x, err := oscar.NewText(text)
	if err != nil {
		t.Fatal(err)
	}
	return oscar.NewMessage(x)
}

// oosNotice is the 04,07 body of feedbag-second-session-2026.txt:119.
var oosNotice = mustHex("000000000000000000010e4f4f532053797374656d204d736700000000000200f305010003010102010100e8" +
	"00000000596f75722073637265656e206e616d6520284c6162416c69636529206973206e6f77207369676e656420" +
	"696e746f204f70656e204f534341522053657276657220696e2032206c6f636174696f6e732e20436c69636b203c" +
	"6120687265663d2268747470733a2f2f7777772e796f75747562652e636f6d2f77617463683f763d6451773477" +
	"395767586351266c6973743d524464517734773957675863512673746172745f726164696f3d312670703d7967" +
	"554a636d6c6a61794279623278736f416342223e686572653c2f613e20666f72206d6f726520696e666f726d61" +
	"74696f6e2e")

// TestWantTypingEvents: an IM from an account whose buddy preferences
// ask for typing notifications carries an empty TLV 0x000B after the
// others (ChannelMsgToHost). The 2025 release reads bit 0x00400000 of TLV
// 0x00C9; the 2026 release reads it only where TLV 0x00D6 marks it valid,
// and otherwise takes it as on. A classic session never has it.
func TestWantTypingEvents(t *testing.T) {
	t.Parallel()
	prefs := func(value uint32, valid ...uint32) oscar.FeedbagItem {
		b := oscar.AppendTLVUint32(nil, oscar.FeedbagTLVBuddyPrefs, value)
		for _, v := range valid {
			b = oscar.AppendTLVUint32(b, tlvBuddyPrefsValid, v)
		}
		return oscar.FeedbagItem{ItemID: 0x0501, Class: oscar.FeedbagClassBuddyPrefs, TLVs: oscar.TLVList(b)}
	}
	wants := func(t *testing.T, from, to *client, id uint32) bool {
		t.Helper()
		from.sendMsg(id, &oscar.ICBMSend{Channel: 1, ScreenName: "Lab Bob", Message: im(t, "hi")})
		var m oscar.IncomingIM
		if err := m.Decode(to.expect(oscar.TypeICBMIncoming).Body); err != nil {
			t.Fatal(err)
		}
		var last uint16
		for tag := range m.TLVs.All() {
			last = tag
		}
		v, ok := m.TLVs.Get(oscar.ICBMTLVWantEvents)
		if ok && (len(v) != 0 || last != oscar.ICBMTLVWantEvents) {
			t.Errorf("TLV 0x000B = % x, last TLV %#04x; want it empty and last", v, last)
		}
		return ok
	}
	for _, tt := range []struct {
		rel  Release
		item *oscar.FeedbagItem
		want bool
	}{
		{Release2025, nil, false},
		{Release2025, &[]oscar.FeedbagItem{prefs(oscar.FeedbagPrefTyping)}[0], true},
		{Release2025, &[]oscar.FeedbagItem{prefs(1)}[0], false},
		{Release2026, nil, false},
		{Release2026, &[]oscar.FeedbagItem{prefs(0)}[0], true}, // not marked valid: the default
		{Release2026, &[]oscar.FeedbagItem{prefs(0, oscar.FeedbagPrefTyping)}[0], false},
		{Release2026, &[]oscar.FeedbagItem{prefs(oscar.FeedbagPrefTyping, oscar.FeedbagPrefTyping)}[0], true},
	} {
		srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = tt.rel })
		bob := signOn(t, srv, "Lab Bob")
		bob.ready()
		alice := feedbagSignOn(t, srv, "LabAlice", false)
		alice.ready()
		if tt.item != nil {
			alice.edit(0x10, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{*tt.item}}, 1)
		}
		if got := wants(t, alice, bob, 0x11); got != tt.want {
			t.Errorf("%v, prefs %+v: TLV 0x000B %v, want %v", tt.rel, tt.item, got, tt.want)
		}
		carol := signOn(t, srv, "LabCarol") // classic
		carol.ready()
		if wants(t, carol, bob, 0x12) {
			t.Errorf("%v: an IM from a classic session carries TLV 0x000B", tt.rel)
		}
	}
}
