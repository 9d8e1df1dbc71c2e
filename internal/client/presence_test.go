package client_test

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
)

// TestPresenceRepeatsNotShown: the server resends arrivals (a buddy's
// second signon, each of their 02,04) and departures; a person is told
// only what changed: one "online", one "away", one "back", one "signed
// off", however many 03,0B and 03,0C say the same.
func TestPresenceRepeatsNotShown(t *testing.T) {
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
