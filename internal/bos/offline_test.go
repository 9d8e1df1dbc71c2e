package bos_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

func startRelease(t *testing.T, rel oscartest.Release, configure func(*oscartest.Server), accounts ...oscartest.Account) *oscartest.Server {
	t.Helper()
	srv := oscartest.NewUnstartedServer(accounts...)
	srv.Release = rel
	if configure != nil {
		configure(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// An IM to someone offline: refused, then sent again asking to be stored.
// The 2026 release stores it (Stored); the 2025 release refuses the second
// try too, and that refusal is the error, as before.
func TestSendOrStore(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := startRelease(t, rel, nil, alice, bob, carol)
			a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
			d, err := a.SendOrStoreIM(t.Context(), "Lab Bob", "while you were out")
			var re *bos.RequestError
			switch {
			case rel == oscartest.Release2025 && (!errors.As(err, &re) || !re.RecipientOffline()):
				t.Errorf("2025: %v, %v; want a refusal saying they are not signed on", d, err)
			case rel == oscartest.Release2026 && (err != nil || d != bos.Stored):
				t.Errorf("2026: %v, %v; want stored", d, err)
			}
			c := signOn(t, srv, "LabCarol", "carolpw3", login.FLAP, bos.Options{})
			nextEvent[*bos.SignedOn](t, c)
			if err := srv.WaitOnline(t.Context(), "LabCarol"); err != nil {
				t.Fatal(err)
			}
			if d, err := a.SendOrStoreIM(t.Context(), "LabCarol", "online"); err != nil || d != bos.Delivered {
				t.Errorf("to someone online: %v, %v; want delivered", d, err)
			}
		})
	}
}

// A store refused because the server keeps no more from this sender for
// the recipient (the eleventh, fact 57; oscartest's limit is tested there)
// is an error with a reason of its own, and is not tried again.
func TestSendOrStoreFull(t *testing.T) {
	t.Parallel()
	var srv *oscartest.Server
	var sends atomic.Int32
	srv = startRelease(t, oscartest.Release2026, func(s *oscartest.Server) {
		s.Intercept = func(e oscartest.Event) oscartest.Action {
			snac, err := oscar.ParseSNAC(e.Frame.Payload)
			if e.Service != "bos" || e.Frame.Channel != oscar.ChannelSNAC || err != nil || snac.Type() != oscar.TypeICBMSend {
				return oscartest.Answer
			}
			sends.Add(1)
			var m oscar.ICBMSend
			if m.Decode(snac.Body) != nil || !m.Store {
				return oscartest.Answer
			}
			full := oscar.TLVList(oscar.AppendTLVUint16(nil, oscar.TLVErrorSubcode, oscar.ICBMSubcodeOfflineFull))
			srv.Send(e.ScreenName, snac.RequestID, &oscar.SNACError{Family: oscar.FamilyICBM, Code: oscar.ErrCodeNotLoggedOn, TLVs: full})
			return oscartest.Ignore
		}
	}, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
	_, err := a.SendOrStoreIM(t.Context(), "Lab Bob", "one too many")
	var re *bos.RequestError
	if !errors.As(err, &re) || !re.StorageFull() || !strings.Contains(err.Error(), "keeps no more messages") {
		t.Fatalf("SendOrStoreIM: %v, want storage full", err)
	}
	if !strings.Contains(re.Detail(), "subcode 0x000f") {
		t.Errorf("Detail = %q", re.Detail())
	}
	if n := sends.Load(); n != 2 {
		t.Errorf("%d IMs sent, want 2 (the try, the store)", n)
	}
}

// At signon the session asks for the IMs kept for it (04,10): they arrive
// as IMs marked Offline, with the time the server stored them, in that
// order, whichever side of the 04,17 they come; the server's notice is a
// ServerMessage; none is answered with the away message. On the 2025
// release the refused 04,10 is no event at all.
func TestOfflineIMsAtSignon(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		rel   oscartest.Release
		after bool
	}{{"2026", oscartest.Release2026, false}, {"2026 done first", oscartest.Release2026, true}, {"2025", oscartest.Release2025, false}} {
		t.Run(tc.name, func(t *testing.T) {
			clock := time.Date(2026, 12, 7, 0, 3, 46, 0, time.UTC)
			var mu atomic.Int64
			mu.Store(clock.Unix())
			srv := startRelease(t, tc.rel, func(s *oscartest.Server) {
				s.OfflineAfterDone = tc.after
				s.Now = func() time.Time { return time.Unix(mu.Load(), 0) }
			}, alice, bob)
			a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
			for i, text := range []string{"first", "second"} {
				mu.Store(clock.Unix() + int64(3*i))
				a.SendOrStoreIM(t.Context(), "Lab Bob", text)
			}
			var imsSent atomic.Int32
			trace := func(sent bool, f oscar.Frame) {
				if s, err := oscar.ParseSNAC(f.Payload); sent && err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeICBMSend {
					imsSent.Add(1)
				}
			}
			b := signOn(t, srv, "Lab Bob", "bobpass22", login.FLAP, bos.Options{Away: "gone fishing", AutoReply: true, Trace: trace})
			var got []*bos.IMReceived
			var notices []string
			// A live IM after the stored ones ends the wait. It is sent
			// once the server has handed them out (its store is empty), or
			// under load it could overtake Bob's 04,10.
			for srv.OfflineIMs("Lab Bob") > 0 {
				if t.Context().Err() != nil {
					t.Fatal("the server never handed out the stored IMs")
				}
				time.Sleep(time.Millisecond)
			}
			if err := srv.SendIM("LabAlice", "Lab Bob", "live"); err != nil {
				t.Fatal(err)
			}
		loop:
			for {
				switch e := nextEvent[bos.Event](t, b).(type) {
				case *bos.IMReceived:
					if !e.Offline {
						if e.Text != "live" {
							t.Errorf("a stored IM not marked offline: %+v", e)
						}
						break loop
					}
					got = append(got, e)
				case *bos.ServerMessage:
					notices = append(notices, e.Text)
				case *bos.ServerError:
					t.Errorf("ServerError %+v", e)
				}
			}
			// Bob's away reply to the live IM reaches Alice before Bob
			// leaves; only then is the count of what he sent complete.
			for {
				if e := nextEvent[*bos.IMReceived](t, a); e.AutoResponse {
					break
				}
			}
			logout(t, b)
			if n := imsSent.Load(); n != 1 { // the away reply to the live IM only
				t.Errorf("Bob sent %d IMs, want 1 (no auto-reply to stored IMs)", n)
			}
			if tc.rel == oscartest.Release2025 {
				if len(got) != 0 || len(notices) != 0 {
					t.Errorf("2025: stored %v, notices %q", got, notices)
				}
				return
			}
			if len(got) != 2 || got[0].Text != "first" || got[1].Text != "second" || got[0].From != "labalice" {
				t.Fatalf("stored IMs %+v", got)
			}
			for i, e := range got {
				if want := clock.Add(time.Duration(3*i) * time.Second); !e.When().Equal(want) || e.AutoReplied {
					t.Errorf("stored IM %d: time %v auto-replied %v, want %v and no reply", i, e.When(), e.AutoReplied, want)
				}
			}
			if len(notices) != 1 || !strings.HasPrefix(notices[0], "You just received 2 IM(s)") {
				t.Errorf("notices %q", notices)
			}
		})
	}
}

// A session that logs out as soon as it has signed on (a script's
// 'aim login </dev/null') still gets the stored IMs it asked for: the
// server deletes each as it sends it, so Logout waits for the 04,17
// rather than send its logout frame ahead of them. The server here is slow
// to read the 04,10, as a loaded one is: it holds it until everything
// else waits (a testing/synctest bubble, over net.Pipe), and by then
// Logout must not have sent its logout frame. Before, the IMs reached the
// client after its logout frame and were dropped, and were gone from the
// server too.
func TestLogoutWaitsForStoredIMs(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		held := make(chan struct{})
		srv := oscartest.NewUnstartedServer(alice, bob)
		srv.Release = oscartest.Release2026
		srv.Intercept = func(e oscartest.Event) oscartest.Action {
			if snac, err := oscar.ParseSNAC(e.Frame.Payload); err == nil && e.Frame.Channel == oscar.ChannelSNAC &&
				snac.Type() == oscar.TypeOfflineRetrieve && e.ScreenName == "Lab Bob" {
				<-held // a server slow to get to it
			}
			return oscartest.Answer
		}
		opts := inMemory(t, srv, bos.Options{})
		a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, opts)
		if d, err := a.SendOrStoreIM(t.Context(), "Lab Bob", "kept for you"); err != nil || d != bos.Stored {
			t.Fatalf("SendOrStoreIM: %v, %v", d, err)
		}
		var (
			mu        sync.Mutex
			logoutOut bool // Bob's logout frame went out
		)
		opts.Trace = func(sent bool, f oscar.Frame) {
			if sent && f.Channel == oscar.ChannelSignoff {
				mu.Lock()
				logoutOut = true
				mu.Unlock()
			}
		}
		b := signOn(t, srv, "Lab Bob", "bobpass22", login.FLAP, opts)
		done := make(chan error, 1)
		go func() { done <- b.Logout(t.Context()) }()
		synctest.Wait() // Logout waits, and so does the server, on the 04,10
		mu.Lock()
		early := logoutOut
		mu.Unlock()
		if early {
			t.Error("the logout frame went out while the stored IMs were still to come")
		}
		close(held)
		var got []string
		for ev := range b.Events() {
			if im, ok := ev.(*bos.IMReceived); ok {
				got = append(got, im.Text)
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != "kept for you" {
			t.Errorf("IMs seen before the session ended: %q, want the stored one", got)
		}
		if n := srv.OfflineIMs("Lab Bob"); n != 0 {
			t.Errorf("the server still keeps %d", n)
		}
	})
}

// TestLogoutKeepsIMsSentBeforeIt: an IM the server sent before it read
// the logout frame is an event of the session, before Disconnected, not
// dropped as it arrives during the logout: the server keeps no copy of an
// IM it has sent, so one that came as the user quit would be lost. Here
// the server sends it when it sees the logout frame, before handling it.
func TestLogoutKeepsIMsSentBeforeIt(t *testing.T) {
	t.Parallel()
	srv := startRelease(t, oscartest.Release2026, func(s *oscartest.Server) {
		s.Intercept = func(e oscartest.Event) oscartest.Action {
			if e.Service == "bos" && e.ScreenName == "LabAlice" && e.Frame.Channel == oscar.ChannelSignoff && len(e.Frame.Payload) == 0 {
				if err := s.SendIM("Lab Bob", "LabAlice", "just as you left"); err != nil {
					t.Errorf("SendIM: %v", err)
				}
			}
			return oscartest.Answer
		}
	}, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
	done := make(chan error, 1)
	go func() { done <- a.Logout(t.Context()) }()
	var got []string
	for ev := range a.Events() {
		switch e := ev.(type) {
		case *bos.IMReceived:
			got = append(got, e.Text)
		case *bos.Disconnected:
			got = append(got, "disconnected")
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := []string{"just as you left", "disconnected"}; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
}
