package client_test

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestPresenceRepeatsNotShown: the server resends arrivals (a buddy's
// second signon, each of their 02,04) and departures; a person is told
// only what changed: one "online", one "away", one "back", one "signed
// off", however many 03,0B and 03,0C say the same.
func TestPresenceRepeatsNotShown(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		a := labAccount(srv, "LabAlice", "alicepw1")
		a.Buddies = []string{"Lab Bob"}
		_, out := runAccount(t, a)
		info := func(class uint16, idle uint16) oscar.UserInfo {
			var b []byte
			b = oscar.AppendTLVUint16(b, oscar.UserTLVClass, class)
			if idle > 0 {
				b = oscar.AppendTLVUint16(b, oscar.UserTLVIdleMinutes, idle)
			}
			return oscar.UserInfo{ScreenName: "Lab Bob", TLVs: oscar.TLVList(b)}
		}
		send := func(n int, m oscar.Message) {
			t.Helper()
			for range n {
				if err := srv.Send("LabAlice", 0, m); err != nil {
					t.Fatal(err)
				}
			}
			synctest.Wait()
		}
		here, away := uint16(oscar.ClassFree), uint16(oscar.ClassFree|oscar.ClassAway)
		send(3, &oscar.BuddyArrived{Info: info(here, 0)})
		send(2, &oscar.BuddyArrived{Info: info(away, 0)})
		send(9, &oscar.BuddyArrived{Info: info(here, 0)})
		send(2, &oscar.BuddyArrived{Info: info(here, 5)})
		send(3, &oscar.BuddyDeparted{Info: oscar.UserInfo{ScreenName: "Lab Bob"}})
		send(1, &oscar.BuddyArrived{Info: info(here, 0)})

		var got []string
		for _, o := range out.all() {
			switch o.(type) {
			case *client.BuddyOnline, *client.BuddyOffline:
				_, text, _ := strings.Cut(client.Text(o), " ") // after the time
				got = append(got, text)
			}
		}
		want := []string{"Lab Bob is online", "Lab Bob is away", "Lab Bob is back", "Lab Bob is idle 5m0s",
			"Lab Bob signed off", "Lab Bob is online"}
		if len(got) != len(want) {
			t.Fatalf("presence shown:\n%q\nwant\n%q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("presence shown:\n%q\nwant\n%q", got, want)
				break
			}
		}
	})
}

// TestStatusMarksAwayAndIdle: status spells every buddy as the server
// does (as its arrival or departure did; as the config file has it for
// one the server has not named), marks those away or idle (idle counted
// to now), and starts with the name, not the clock.
func TestStatusMarksAwayAndIdle(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		a := labAccount(srv, "LabAlice", "alicepw1")
		a.Buddies = []string{"labbob", "labcarol", "dave", "Lab Eve"}
		c, _ := runAccount(t, a)
		user := func(name string, class uint16, idle uint16) oscar.UserInfo {
			var b []byte
			b = oscar.AppendTLVUint16(b, oscar.UserTLVClass, class)
			if idle > 0 {
				b = oscar.AppendTLVUint16(b, oscar.UserTLVIdleMinutes, idle)
			}
			return oscar.UserInfo{ScreenName: name, TLVs: oscar.TLVList(b)}
		}
		for _, m := range []oscar.Message{
			&oscar.BuddyArrived{Info: user("LabBob", oscar.ClassFree|oscar.ClassAway, 0)},
			&oscar.BuddyArrived{Info: user("Lab Carol", oscar.ClassFree, 5)},
			&oscar.BuddyArrived{Info: user("DAVE", oscar.ClassFree, 0)},
			&oscar.BuddyDeparted{Info: oscar.UserInfo{ScreenName: "DAVE"}},
		} {
			if err := srv.Send("LabAlice", 0, m); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		time.Sleep(2 * time.Minute)
		r := c.Status()
		if !slices.Equal(r.Online, []string{"LabBob", "Lab Carol"}) || !slices.Equal(r.Offline, []string{"DAVE", "Lab Eve"}) {
			t.Errorf("online %q, offline %q", r.Online, r.Offline)
		}
		if len(r.Buddies) != 2 || r.Buddies[0].Name != "LabBob" || !r.Buddies[0].Away || r.Buddies[0].IdleMinutes != 0 ||
			r.Buddies[1].Name != "Lab Carol" || r.Buddies[1].Away || r.Buddies[1].IdleMinutes != 7 {
			t.Errorf("buddies %+v; want LabBob away, Lab Carol idle 7 minutes", r.Buddies)
		}
		want := "\n  online: LabBob (away), Lab Carol (idle 7 min)\n  offline: DAVE, Lab Eve"
		if !strings.HasPrefix(r.Summary, "LabAlice: signed on since ") || !strings.HasSuffix(r.Summary, want) {
			t.Errorf("status says %q, want LabAlice first and ending %q", r.Summary, want)
		}
	})
}

// TestPresenceAfterRemoveAndAdd: the server sends no departure for a buddy
// taken off the list, and an arrival when they are put back: that arrival
// is shown ("is online") as the first one was.
func TestPresenceAfterRemoveAndAdd(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		a := labAccount(srv, "LabAlice", "alicepw1")
		a.Buddies = []string{"Lab Bob"}
		c, out := runAccount(t, a)
		arrive := func() {
			t.Helper()
			if err := srv.Send("LabAlice", 0, &oscar.BuddyArrived{Info: oscar.UserInfo{ScreenName: "Lab Bob"}}); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		arrive()
		exec(t, c, `remove "Lab Bob"`)
		exec(t, c, `add "Lab Bob"`)
		synctest.Wait()
		arrive()
		var got []string
		for _, o := range out.all() {
			if _, ok := o.(*client.BuddyOnline); ok {
				_, text, _ := strings.Cut(client.Text(o), " ")
				got = append(got, text)
			}
		}
		if want := []string{"Lab Bob is online", "Lab Bob is online"}; !slices.Equal(got, want) {
			t.Errorf("presence shown: %q, want %q", got, want)
		}
	})
}

// TestPresenceAfterMove, on both releases: a move is a delete and an
// insert in one transaction, and the insert brings a fresh arrival; the
// buddy never left the list, so nothing new is shown. (A buddy removed,
// then added back later, is: TestPresenceAfterRemoveAndAdd.)
func TestPresenceAfterMove(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			t.Parallel()
			srv := listServer(t, rel)
			bobOnline(t, srv)
			m := newMachine(t, srv, "buddies:\n  - group: Friends\n    names: [Lab Bob]\n")
			m.start()
			nextOut[*client.BuddyOnline](m)
			nextOut[*client.BuddyListSynced](m)
			if err := m.c.Exec(t.Context(), 1, `move "Lab Bob" Work`, true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](m); !r.OK {
				t.Fatalf("move: %+v", r)
			}
			m.stop() // every event of the session is out
			for {
				select {
				case o := <-m.out:
					m.kept = append(m.kept, o)
					continue
				default:
				}
				break
			}
			for _, o := range m.kept {
				if _, ok := o.(*client.BuddyOnline); ok {
					t.Errorf("after the move: %s", client.Text(o))
				}
			}
		})
	}
}

// TestStatusWhileReconnecting: not signed on, nobody's presence is known:
// status lists the buddies, not as offline.
func TestStatusWhileReconnecting(t *testing.T) {
	t.Parallel()
	for _, reconnecting := range []bool{true, false} {
		away := false
		r := &client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away, Reconnecting: &reconnecting,
			BuddyList: &client.BuddyList{Offline: []string{"LabBob", "LabCarol"}}}
		client.Describe(r)
		want := "\n  online: none\n  offline: LabBob, LabCarol"
		if reconnecting {
			want = "\n  buddies: LabBob, LabCarol (who is online shows once signed on again)"
		}
		if !strings.HasSuffix(r.Summary, want) {
			t.Errorf("reconnecting %v: %q, want it to end %q", reconnecting, r.Summary, want)
		}
	}
}

// TestAutoReplyWords: an away message sent as an automatic reply (the
// session's own, or the autoreply command) says so, in the live view as
// in the history; a message sent by hand does not.
func TestAutoReplyWords(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string]string{"autoreply": "-> LabBob (auto-reply): gone fishing", "send": "-> LabBob: gone fishing"} {
		r := &client.Result{Command: cmd, OK: true, To: "LabBob", Text: "gone fishing"}
		client.Describe(r)
		if r.Summary != want {
			t.Errorf("%s: %q, want %q", cmd, r.Summary, want)
		}
	}
}
