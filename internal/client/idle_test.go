package client_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// startIdle signs name on in the bubble with the idle timer at after and
// reconnects a second after a lost connection.
func startIdle(t *testing.T, srv *oscartest.Server, name, password string, after time.Duration, buddies ...string) (*client.Client, *outputs) {
	t.Helper()
	out := &outputs{}
	c, err := client.Start(t.Context(), client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: name, Password: secret.String(password),
			Dial: srv.Dial, IdleAfter: after, Buddies: buddies},
		Reconnect: true,
		Backoff:   func(int) time.Duration { return time.Second },
		Emit:      out.add,
	})
	if err != nil {
		t.Fatalf("Start %s: %v", name, err)
	}
	t.Cleanup(func() { c.Stop(); c.Wait() })
	synctest.Wait()
	return c, out
}

// idleSeen returns the idle minutes of the buddy_changed outputs about
// name from index from on.
func idleSeen(o *outputs, from int, name string) []int {
	var got []int
	for _, x := range o.all()[from:] {
		if b, ok := x.(*client.BuddyOnline); ok && b.Changed && b.Name == name {
			got = append(got, b.IdleMinutes)
		}
	}
	return got
}

// idleReports returns the idle seconds of each 01,11 name's BOS
// connection has sent.
func idleReports(t *testing.T, srv *oscartest.Server, name string) []uint32 {
	var got []uint32
	for _, f := range srv.Sent(name) {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && s.Type() == oscar.TypeSetIdle {
			var m oscar.SetIdle
			if err := m.Decode(s.Body); err != nil {
				t.Fatal(err)
			}
			got = append(got, m.Seconds)
		}
	}
	return got
}

// TestIdleReported: with no activity for the idle time, the server is
// told (01,11 with the seconds idle) and a buddy watching sees
// buddy_changed with the idle minutes; the next activity (the active
// command a full-screen client sends on a key press, or a command a
// person runs such as send) clears it (01,11 with 0), while one that only
// shows the state (buddies) does not.
func TestIdleReported(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
		})
		_, bout := startIdle(t, srv, "Lab Bob", "bobpass22", 0, "LabAlice")
		alice, _ := startIdle(t, srv, "LabAlice", "alicepw1", 10*time.Minute)

		time.Sleep(10*time.Minute - time.Second)
		synctest.Wait()
		if got := idleReports(t, srv, "LabAlice"); len(got) != 0 {
			t.Fatalf("idle reported %v before 10 minutes passed", got)
		}
		n := len(bout.all())
		time.Sleep(time.Second)
		synctest.Wait()
		if got := idleReports(t, srv, "LabAlice"); len(got) != 1 || got[0] != 600 {
			t.Fatalf("01,11 sent %v after 10 minutes, want [600]", got)
		}
		time.Sleep(5 * time.Minute)
		if r := alice.Do(t.Context(), client.CmdBuddies, nil, true); !r.OK {
			t.Fatalf("buddies: %+v", r)
		}
		synctest.Wait()
		if got := idleSeen(bout, n, "LabAlice"); len(got) != 1 || got[0] != 10 {
			t.Errorf("Bob saw LabAlice idle %v, want [10] (and buddies does not end idle)", got)
		}
		if r := alice.Do(t.Context(), client.CmdActive, nil, true); !r.OK {
			t.Fatalf("active: %+v", r)
		}
		synctest.Wait()
		if got := idleSeen(bout, n, "LabAlice"); len(got) != 2 || got[1] != 0 {
			t.Errorf("after active, Bob saw LabAlice idle %v, want [10 0]", got)
		}

		// Idle again, then a send ends it.
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if r := alice.Do(t.Context(), client.CmdSend, []string{"Lab Bob", "back"}, true); !r.OK {
			t.Fatalf("send: %+v", r)
		}
		synctest.Wait()
		if got := idleReports(t, srv, "LabAlice"); len(got) != 4 || got[2] != 600 || got[3] != 0 {
			t.Errorf("01,11 sent %v, want [600 0 600 0]", got)
		}
	})
}

// TestIdleAcrossReconnect: a session signed on again after a lost
// connection starts active on the server; if the person is still away it
// is told at once, with the whole time since the last activity.
func TestIdleAcrossReconnect(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		_, out := startIdle(t, srv, "LabAlice", "alicepw1", 10*time.Minute)
		time.Sleep(12 * time.Minute)
		synctest.Wait()
		srv.CloseClientConnections()
		time.Sleep(time.Second)
		synctest.Wait()
		if !last[*client.SignedOn](t, out).Reconnected {
			t.Fatal("not signed on again")
		}
		if got := idleReports(t, srv, "LabAlice"); len(got) != 1 || got[0] != 12*60+1 {
			t.Errorf("the new session sent 01,11 %v, want [%d]", got, 12*60+1)
		}
	})
}

// TestIdleNever: idle_minutes 0 never tells the server.
func TestIdleNever(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		startIdle(t, srv, "LabAlice", "alicepw1", 0)
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if got := idleReports(t, srv, "LabAlice"); len(got) != 0 {
			t.Errorf("01,11 sent %v with the idle timer off", got)
		}
	})
}

// TestStatusSnapshot: status (what a client attaching draws first) has
// each buddy online as last shown, its idle minutes counted on to now;
// while the connection is being restored it says reconnecting, with no
// buddy known to be online, and after the signon it is back.
func TestStatusSnapshot(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
		})
		alice, _ := startIdle(t, srv, "LabAlice", "alicepw1", 0, "Lab Bob")
		startIdle(t, srv, "Lab Bob", "bobpass22", time.Minute)
		time.Sleep(time.Minute)
		synctest.Wait()
		time.Sleep(5 * time.Minute)
		st := alice.Status()
		if st.Reconnecting == nil || *st.Reconnecting || len(st.Buddies) != 1 {
			t.Fatalf("status: reconnecting %v, buddies %+v; want Lab Bob online", st.Reconnecting, st.Buddies)
		}
		if b := st.Buddies[0]; b.Name != "Lab Bob" || b.IdleMinutes != 6 || b.SignonTime.IsZero() {
			t.Errorf("Lab Bob in status: %+v, want idle 6 minutes (1 when shown, 5 since)", b)
		}
		srv.CloseClientConnections()
		synctest.Wait()
		if st := alice.Status(); st.Reconnecting == nil || !*st.Reconnecting || len(st.Buddies) != 0 || len(st.Online) != 0 {
			t.Errorf("status while reconnecting: reconnecting %v, buddies %+v, online %v; want reconnecting, none online",
				st.Reconnecting, st.Buddies, st.Online)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if st := alice.Status(); *st.Reconnecting || len(st.Buddies) != 1 {
			t.Errorf("status after the signon: reconnecting %v, buddies %+v", *st.Reconnecting, st.Buddies)
		}
	})
}
