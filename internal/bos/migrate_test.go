package bos_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// signOnInMemory signs name on to a server started with StartPipes.
func signOnInMemory(t *testing.T, srv *oscartest.Server, name, password string, opts bos.Options) *bos.Session {
	t.Helper()
	if opts.Dial == nil {
		opts.Dial = srv.Dial
	}
	sess := signOn(t, srv, name, password, login.FLAP, opts)
	nextEvent[*bos.SignedOn](t, sess)
	if err := srv.WaitOnline(t.Context(), name); err != nil {
		t.Fatal(err)
	}
	return sess
}

// nextNotice returns the next ServerMessage about t.
func nextNotice(t *testing.T, sess *bos.Session, typ oscar.SNACType) *bos.ServerMessage {
	t.Helper()
	for {
		if m := nextEvent[*bos.ServerMessage](t, sess); m.Type == bos.SNACType(typ) {
			return m
		}
	}
}

// snacsSent returns the SNAC types among frames.
func snacsSent(frames []oscar.Frame) []oscar.SNACType {
	var out []oscar.SNACType
	for _, f := range frames {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC {
			out = append(out, s.Type())
		}
	}
	return out
}

// TestPauseResume: while the server has the connection paused (01,0B) the
// session acknowledges with 01,0C listing the connection's families and
// sends nothing else; what is queued meanwhile waits, and goes out in
// order after 01,0D.
func TestPauseResume(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice, bob)
		srv.StartPipes()
		t.Cleanup(srv.Close)
		a := signOnInMemory(t, srv, "LabAlice", "alicepw1", bos.Options{})
		b := signOnInMemory(t, srv, "Lab Bob", "bobpass22", bos.Options{})
		before := len(srv.Sent("LabAlice"))
		if err := srv.Pause("LabAlice"); err != nil {
			t.Fatal(err)
		}
		nextNotice(t, a, oscar.TypePause)
		p, err := a.QueueIM("Lab Bob", "after the pause", false)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		sent := srv.Sent("LabAlice")[before:]
		if got := snacsSent(sent); !slices.Equal(got, []oscar.SNACType{oscar.TypePauseAck}) {
			t.Fatalf("sent while paused: %v, want only 01,0C", got)
		}
		s, _ := oscar.ParseSNAC(sent[0].Payload)
		var ack oscar.PauseAck
		if err := ack.Decode(s.Body); err != nil || len(ack.Families) != 13 || ack.Families[0] != 0x18 {
			t.Errorf("01,0C = %v, %v; want the 13 families of 01,03 in its order", ack.Families, err)
		}
		if err := srv.Resume("LabAlice"); err != nil {
			t.Fatal(err)
		}
		if err := p.Wait(t.Context()); err != nil {
			t.Fatalf("the IM queued while paused: %v", err)
		}
		if im := nextEvent[*bos.IMReceived](t, b); im.Text != "after the pause" {
			t.Errorf("Bob got %q", im.Text)
		}
	})
}

// TestMigration: a migration (01,0B, 01,0C, then 01,12 naming a new host
// and cookie) moves the session: it connects to the host named, signs on
// with the new cookie and the buddy list, profile and away message it has
// now (a buddy added since signon included), and what was queued during
// the pause goes out there. The session goes on: no Disconnected.
func TestMigration(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice, bob, carol)
		srv.StartPipes()
		t.Cleanup(srv.Close)
		const newHost = "bos2.pipe:5190" // a name only this test's dial knows
		var mu sync.Mutex
		var dialed []string
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dialed = append(dialed, addr)
			mu.Unlock()
			if addr == newHost {
				addr = srv.BOSAddr()
			}
			return srv.Dial(ctx, network, addr)
		}
		b := signOnInMemory(t, srv, "Lab Bob", "bobpass22", bos.Options{})
		a := signOnInMemory(t, srv, "LabAlice", "alicepw1", bos.Options{Dial: dial, Buddies: []string{"Lab Bob"}, Profile: "<HTML>hi</HTML>"})
		if err := a.AddBuddies(t.Context(), "LabCarol"); err != nil {
			t.Fatal(err)
		}
		if err := a.SetAway(t.Context(), "moving"); err != nil {
			t.Fatal(err)
		}
		if err := srv.Migrate("LabAlice", newHost); err != nil {
			t.Fatal(err)
		}
		nextNotice(t, a, oscar.TypePause)
		p, err := a.QueueIM("Lab Bob", "from the new host", false)
		if err != nil {
			t.Fatal(err)
		}
		if m := nextNotice(t, a, oscar.TypeMigrate); m.Text != "the server moved this session to "+newHost {
			t.Errorf("notice %q", m.Text)
		}
		if err := p.Wait(t.Context()); err != nil {
			t.Fatalf("the IM queued during the migration: %v", err)
		}
		if im := nextEvent[*bos.IMReceived](t, b); im.Text != "from the new host" {
			t.Errorf("Bob got %q", im.Text)
		}
		mu.Lock()
		if got := dialed[len(dialed)-1]; got != newHost {
			t.Errorf("dialed %v, want %s last", dialed, newHost)
		}
		mu.Unlock()
		if a.Err() != nil || !srv.Online("LabAlice") {
			t.Fatalf("after the migration: session error %v, online %v", a.Err(), srv.Online("LabAlice"))
		}
		// The new connection's signon carried the list and info as they are now.
		var names []string
		var away string
		for _, f := range srv.Sent("LabAlice") {
			s, err := oscar.ParseSNAC(f.Payload)
			if err != nil || f.Channel != oscar.ChannelSNAC {
				continue
			}
			switch s.Type() {
			case oscar.TypeAddBuddies:
				var m oscar.AddBuddies
				m.Decode(s.Body)
				names = append(names, m.Names...)
			case oscar.TypeSetInfo:
				var m oscar.SetInfo
				if m.Decode(s.Body) == nil && m.HasAway {
					away = string(m.Away)
				}
			}
		}
		if !slices.Equal(names, []string{"Lab Bob", "LabCarol"}) || away != "moving" {
			t.Errorf("signon on the new host: buddies %v, away %q; want [Lab Bob LabCarol], moving", names, away)
		}
		select {
		case <-a.Done():
			t.Fatalf("the session ended: %v", a.Err())
		default:
		}
	})
}

// TestMigrationFlood: a server that answers every signon with a migration
// to itself gets the session moved a few times, each later move in a
// minute after a growing wait, and then the session ends as a lost
// connection that says why, instead of moving as fast as it can sign on.
func TestMigrationFlood(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		srv.MigrateAtSignon = true
		srv.StartPipes()
		t.Cleanup(srv.Close)
		start := time.Now()
		a := signOnInMemory(t, srv, "LabAlice", "alicepw1", bos.Options{})
		moves := 0
		var ended *bos.Disconnected
		for ev := range a.Events() {
			switch ev := ev.(type) {
			case *bos.ServerMessage:
				if ev.Type == bos.SNACType(oscar.TypeMigrate) {
					moves++
				}
			case *bos.Disconnected:
				ended = ev
			}
			if moves > 20 {
				t.Fatalf("moved %d times in %v and still following", moves, time.Since(start))
			}
		}
		if moves != 4 {
			t.Errorf("moved %d times, want 4", moves)
		}
		if d := time.Since(start); d < 7*time.Second {
			t.Errorf("4 moves in %v, want waits of 1, 2 and 4 s between them", d)
		}
		if !errors.Is(ended.Err, bos.ErrConnectionLost) || !strings.Contains(ended.Err.Error(), "moved this session to another server 4 times in a minute") {
			t.Errorf("Disconnected.Err = %v, want a lost connection saying the server keeps moving the session", ended.Err)
		}
	})
}

// TestMigrationFailsInWords: a move to a server that cannot be reached
// ends the session in words, without the SNAC (01,12), which Detail has.
func TestMigrationFailsInWords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		srv.StartPipes()
		t.Cleanup(srv.Close)
		const gone = "gone.invalid:5190"
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == gone {
				return nil, errors.New("no route to it")
			}
			return srv.Dial(ctx, network, addr)
		}
		a := signOnInMemory(t, srv, "LabAlice", "alicepw1", bos.Options{Dial: dial})
		if err := srv.Migrate("LabAlice", gone); err != nil {
			t.Fatal(err)
		}
		var ended *bos.Disconnected
		for ev := range a.Events() {
			if d, ok := ev.(*bos.Disconnected); ok {
				ended = d
			}
		}
		const want = "connection to the server lost: the server moved this session to " + gone + ", which could not be reached: no route to it"
		if ended == nil || !errors.Is(ended.Err, bos.ErrConnectionLost) || ended.Err.Error() != want {
			t.Fatalf("ended with %v, want %q", ended, want)
		}
		if d := bos.DetailOf(ended.Err); !strings.Contains(d, "(01,12)") {
			t.Errorf("detail %q, want the SNAC", d)
		}
	})
}

// TestMigrationSaysWhatWasMissing: a move (01,12) that names where to go
// but sends nothing to sign on there with ends the session saying so, not
// that the server never said where; one that names nothing says that.
func TestMigrationSaysWhatWasMissing(t *testing.T) {
	for _, tt := range []struct {
		addr, want string
	}{
		{"elsewhere.invalid:5190", "connection to the server lost: the server moved this session to elsewhere.invalid:5190 without what aim needs to sign on there"},
		{"", "connection to the server lost: the server moved this session to another server without saying where, or how to sign on there"},
	} {
		synctest.Test(t, func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(alice)
			srv.StartPipes()
			t.Cleanup(srv.Close)
			a := signOnInMemory(t, srv, "LabAlice", "alicepw1", bos.Options{})
			var tlvs []byte
			if tt.addr != "" {
				tlvs = oscar.AppendTLVString(tlvs, oscar.TLVMigrateAddress, tt.addr)
			}
			if err := srv.Send("LabAlice", 0x80000000, &oscar.Migrate{TLVs: oscar.TLVList(tlvs)}); err != nil {
				t.Fatal(err)
			}
			var ended *bos.Disconnected
			for ev := range a.Events() {
				if d, ok := ev.(*bos.Disconnected); ok {
					ended = d
				}
			}
			if ended == nil || !errors.Is(ended.Err, bos.ErrConnectionLost) || ended.Err.Error() != tt.want {
				t.Fatalf("ended with %v, want %q", ended, tt.want)
			}
		})
	}
}
