package oscartest

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// TestShutdown: a graceful stop ends a session whose login had no TLV
// 0x004A with the bare header `2a 04 <seq>`, and one with 0x004A = 1 with
// a zero-length channel-4 frame, then closes both (shutdown-2025.txt and
// shutdown-2026.txt, identical). The server stays up: signing on again
// works.
func TestShutdown(t *testing.T) {
	t.Parallel()
	for _, rel := range []Release{Release2025, Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = rel })
			plain := signOn(t, srv, "Lab Bob", "LabAlice")
			plain.ready()
			multi := feedbagSignOn(t, srv, "LabAlice", true)
			multi.ready()
			plain.expect(oscar.TypeBuddyArrived)
			srv.Shutdown()

			f := plain.read()
			if f.Channel != oscar.ChannelSignoff || !f.Truncated {
				t.Errorf("without 0x4A: %v, want the bare 4-byte channel-4 header", f)
			}
			plain.expectEOF()
			if f := multi.read(); f.Channel != oscar.ChannelSignoff || f.Truncated || len(f.Payload) != 0 {
				t.Errorf("with 0x4A: %v, want a zero-length channel-4 frame", f)
			}
			multi.expectEOF()
			if srv.Online("LabAlice") || srv.Online("Lab Bob") {
				t.Error("still online after the shutdown")
			}
			again := signOn(t, srv, "Lab Bob")
			again.ready()
		})
	}
}

// TestSecondSession2026: with 0x004A = 1 on both logins the 2026 release
// keeps the first session and tells it, after the second's 01,02, with a
// second 0B,02 and an IM from "OOS System Msg" (fact 42). The 2025
// release ends the first session with TLV 9 = 1.
func TestSecondSession2026(t *testing.T) {
	t.Parallel()
	for _, rel := range []Release{Release2025, Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = rel })
			a := feedbagSignOn(t, srv, "LabAlice", true)
			a.ready()
			b := feedbagSignOn(t, srv, "LabAlice", true)
			b.ready()
			if rel == Release2025 {
				f := a.read()
				var d oscar.Disconnect
				if f.Channel != oscar.ChannelSignoff || d.Decode(f.Payload) != nil || d.Reason != oscar.DisconnectSignedOnElsewhere {
					t.Fatalf("first session got %v, want the kick with TLV 9 = 1", f)
				}
				a.expectEOF()
				return
			}
			a.expect(oscar.TypeStatsInterval)
			s := a.expect(oscar.TypeICBMIncoming)
			var m oscar.IncomingIM
			if err := m.Decode(s.Body); err != nil {
				t.Fatal(err)
			}
			if m.Cookie != [8]byte{} || m.Channel != 1 || m.From.ScreenName != "OOS System Msg" || len(m.From.TLVs) != 0 || s.RequestID != reqIDServer {
				t.Errorf("notice = %+v (request id %#x)", m, s.RequestID)
			}
			if text := m.Message.Text.String(); !strings.HasPrefix(text, "Your screen name (LabAlice) is now signed into Open OSCAR Server in 2 locations.") {
				t.Errorf("notice text %q", text)
			}
			a.quiet() // and nothing else: A stays on
			b.quiet()
		})
	}
}

// TestMOTD2026: the 2026 release sends 01,13 right after 01,18, only to
// a client that sent 01,17 (fact 44); the 2025 release never does.
func TestMOTD2026(t *testing.T) {
	t.Parallel()
	for _, rel := range []Release{Release2025, Release2026} {
		srv, _ := startServer(t, func(s *Server, _ *fakeClock) { s.Release = rel })
		r := flapLogin(t, srv, "LabAlice", "alicepw1")
		c := dial(t, r.BOSAddress)
		c.read()
		c.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: r.Cookie}).AppendTo(nil))
		c.expect(oscar.TypeHostReady)
		versions := &oscar.ClientVersions{Versions: []oscar.FamilyVersion{{Family: 1, Version: 4}}}
		c.sendMsg(1, versions)
		if s := c.expect(oscar.TypeHostVersions); !bytes.Equal(s.Body, versions.AppendTo(nil)) {
			t.Errorf("01,18 = % x", s.Body)
		}
		if rel == Release2026 {
			s := c.expect(oscar.TypeMOTD)
			var m oscar.MOTD
			if err := m.Decode(s.Body); err != nil || m.Type != 4 || m.Text() != "Welcome to Open OSCAR Server" {
				t.Errorf("01,13 = %+v, %v", m, err)
			}
		}
		c.sendMsg(2, oscar.Empty(oscar.TypeRateRequest))
		c.expect(oscar.TypeRateParams)
	}
}

// TestIdleSessions2026: 01,11 reaches watchers as 03,0B with the idle
// minutes (TLV 4); on the 2026 release an account signed on twice is idle
// only once both sessions are, since the later of their idle times, and
// back as soon as one is (Session.Idle, mostRecentIdleTime).
func TestIdleSessions2026(t *testing.T) {
	t.Parallel()
	srv, clk := startServer(t, func(s *Server, _ *fakeClock) { s.Release = Release2026 })
	bob := signOn(t, srv, "Lab Bob", "LabAlice")
	bob.ready()
	a := feedbagSignOn(t, srv, "LabAlice", true)
	a.ready()
	b := feedbagSignOn(t, srv, "LabAlice", true)
	b.ready()
	a.expect(oscar.TypeStatsInterval) // the second session's notices to the first
	a.expect(oscar.TypeICBMIncoming)
	idleSeen := func(id uint32) []int { // Bob's 03,0B since, as idle minutes (-1: not idle)
		t.Helper()
		bob.sendMsg(id, oscar.Empty(oscar.TypeSelfInfoRequest))
		var got []int
		for {
			s := bob.readSNAC()
			switch s.Type() {
			case oscar.TypeBuddyArrived:
				info := userInfoOf(t, s.Body)
				if _, ok := info.TLVs.Uint16(oscar.UserTLVIdleMinutes); !ok {
					got = append(got, -1)
				} else {
					got = append(got, int(info.IdleMinutes()))
				}
			case oscar.TypeSelfInfo:
				return got
			default:
				t.Fatalf("Bob got %v", s.Type())
			}
		}
	}
	idleSeen(0x10)
	b.sendMsg(0x20, &oscar.SetIdle{Seconds: 300}) // idle since 5 min ago
	b.quiet()
	if got := idleSeen(0x11); !slices.Equal(got, []int{-1}) {
		t.Errorf("one session of two idle: Bob saw %v, want one 03,0B without idle", got)
	}
	a.sendMsg(0x21, &oscar.SetIdle{Seconds: 120}) // idle since 2 min ago: the later
	a.quiet()
	if got := idleSeen(0x12); !slices.Equal(got, []int{2}) {
		t.Errorf("both idle: Bob saw %v, want idle 2 minutes", got)
	}
	clk.Advance(3 * time.Minute)
	a.sendMsg(0x22, &oscar.SetIdle{})
	a.quiet()
	if got := idleSeen(0x13); !slices.Equal(got, []int{-1}) {
		t.Errorf("one session back: Bob saw %v, want one 03,0B without idle", got)
	}
}
