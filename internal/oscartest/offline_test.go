package oscartest

import (
	"bytes"
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
)

// storeIM sends an IM with TLVs 3 and 6 and returns the server's answer.
func storeIM(c *client, id uint32, to, text string) oscar.SNAC {
	c.t.Helper()
	c.sendMsg(id, &oscar.ICBMSend{Cookie: [8]byte{byte(id)}, Channel: 1, ScreenName: to, Message: im(c.t, text), WantAck: true, Store: true})
	return c.readSNAC()
}

// What the captures do not show, from the source (fact 57): the 11th IM
// from one sender to one recipient is refused with subcode 0x000F while
// another sender's is still stored; a recipient whose buddy preferences
// refuse offline IMs gets none, and one that turns them back on does.
func TestOfflineLimitAndOptOut(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release, s.EnforceRates = Release2026, false })
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	for i := range maxStoredPerSender {
		if s := storeIM(alice, uint32(0x100+i), "Lab Bob", "hi"); s.Type() != oscar.TypeICBMAck {
			t.Fatalf("IM %d: %v % x, want 04,0C", i+1, s.Type(), s.Body)
		}
	}
	s := storeIM(alice, 0x200, "Lab Bob", "one too many")
	if want := mustHex("00040008" + "0002000f"); s.Type() != oscar.TypeICBMError || !bytes.Equal(s.Body, want) {
		t.Errorf("11th IM: %v % x, want 04,01 % x", s.Type(), s.Body, want)
	}
	carol := signOn(t, srv, "LabCarol")
	carol.ready()
	if s := storeIM(carol, 0x201, "Lab Bob", "another sender"); s.Type() != oscar.TypeICBMAck {
		t.Errorf("another sender's IM: %v % x, want 04,0C", s.Type(), s.Body)
	}
	if s := storeIM(alice, 0x202, "nobody here", "unknown"); s.Type() != oscar.TypeICBMError || !bytes.Equal(s.Body, []byte{0, 4}) {
		t.Errorf("IM to an unknown name: %v % x, want 04,01 0004", s.Type(), s.Body)
	}

	// Dave turns offline IMs off in his list, signs off, and gets none.
	dave := feedbagSignOn(t, srv, "LabDave", false)
	dave.ready()
	prefs := oscar.FeedbagItem{ItemID: 0x0501, Class: oscar.FeedbagClassBuddyPrefs}
	prefs.SetBuddyPref2(oscar.FeedbagPrefAcceptOfflineIM, false)
	dave.edit(0x10, &oscar.FeedbagInsert{Items: []oscar.FeedbagItem{prefs}}, 1)
	dave.send(oscar.ChannelSignoff, nil)
	if err := srv.WaitOffline(ctxT(t), "LabDave"); err != nil {
		t.Fatal(err)
	}
	if s := storeIM(alice, 0x203, "LabDave", "refused"); s.Type() != oscar.TypeICBMError || !bytes.Equal(s.Body, []byte{0, 4}) {
		t.Errorf("IM to an account that refuses them: %v % x, want 04,01 0004", s.Type(), s.Body)
	}
	dave = feedbagSignOn(t, srv, "LabDave", false)
	dave.ready()
	prefs.SetBuddyPref2(oscar.FeedbagPrefAcceptOfflineIM, true)
	dave.edit(0x11, &oscar.FeedbagUpdate{Items: []oscar.FeedbagItem{prefs}}, 1)
	dave.send(oscar.ChannelSignoff, nil)
	if err := srv.WaitOffline(ctxT(t), "LabDave"); err != nil {
		t.Fatal(err)
	}
	if s := storeIM(alice, 0x204, "LabDave", "taken"); s.Type() != oscar.TypeICBMAck {
		t.Errorf("IM once they accept again: %v % x, want 04,0C", s.Type(), s.Body)
	}
	if got := srv.OfflineIMs("Lab Bob"); got != maxStoredPerSender+1 {
		t.Errorf("Lab Bob has %d IMs waiting, want %d", got, maxStoredPerSender+1)
	}
}

// With OfflineAfterDone the 04,17 comes before the stored 04,07s; the
// signon notice comes once, counting the IMs stored since it was last sent.
func TestOfflineRetrieveOrder(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) {
		s.Release, s.OfflineAfterDone, s.EnforceRates = Release2026, true, false
	})
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	for i, text := range []string{"first", "second"} {
		if s := storeIM(alice, uint32(0x100+i), "Lab Bob", text); s.Type() != oscar.TypeICBMAck {
			t.Fatalf("IM %q: %v", text, s.Type())
		}
	}
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	notice := bob.expect(oscar.TypeICBMIncoming)
	var m oscar.IncomingIM
	if err := m.Decode(notice.Body); err != nil || m.From.ScreenName != oosSystemMsg ||
		!bytes.HasPrefix(m.Message.Text.Data, []byte("You just received 2 IM(s) while you were offline.")) {
		t.Errorf("signon notice %+v, %v", m, err)
	}
	bob.sendMsg(0x30, oscar.Empty(oscar.TypeOfflineRetrieve))
	if s := bob.readSNAC(); s.Type() != oscar.TypeOfflineDone || s.RequestID != 0x30 {
		t.Fatalf("first after 04,10: %v id %#x, want 04,17 id 0x30", s.Type(), s.RequestID)
	}
	for _, want := range []string{"first", "second"} {
		s := bob.expect(oscar.TypeICBMIncoming)
		if err := m.Decode(s.Body); err != nil || m.Message.Text.String() != want || m.From.ScreenName != "labalice" {
			t.Errorf("stored IM %+v, %v; want %q from labalice", m, err, want)
		}
		if _, ok := m.Stored(); !ok {
			t.Errorf("stored IM %q without TLV 0x0016", want)
		}
	}
	bob.sendMsg(0x31, oscar.Empty(oscar.TypeOfflineRetrieve))
	bob.expect(oscar.TypeOfflineDone) // nothing left
	bob.send(oscar.ChannelSignoff, nil)
	if err := srv.WaitOffline(ctxT(t), "Lab Bob"); err != nil {
		t.Fatal(err)
	}
	bob = signOn(t, srv, "Lab Bob")
	bob.ready()
	bob.quiet() // no second notice
}
