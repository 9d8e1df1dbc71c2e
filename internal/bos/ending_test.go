package bos_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// Each way a real server ends a session, classified (FEEDBAG-AND-CHAT.md
// §2, transcripts README facts 5, 42, 55).

// TestServerShutdown: a graceful server stop ends a session whose login
// sent TLV 0x004A (aim's, both methods) with an empty channel 4: a
// shutdown. A session whose login did not gets the bare header, which a
// kick also is: unexplained.
func TestServerShutdown(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(alice, bob, carol)
			srv.Release = rel
			srv.Start()
			t.Cleanup(srv.Close)
			flap := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
			md5 := signOn(t, srv, "Lab Bob", "bobpass22", login.MD5, bos.Options{})
			old := connectOpts(t, loginWithout4A(t, srv, "LabCarol", "carolpw3"))
			for _, sess := range []*bos.Session{flap, md5, old} {
				nextEvent[*bos.SignedOn](t, sess)
			}
			for _, name := range []string{"LabAlice", "Lab Bob", "LabCarol"} {
				if err := srv.WaitOnline(t.Context(), name); err != nil {
					t.Fatal(err)
				}
			}
			srv.Shutdown()
			for _, tt := range []struct {
				name string
				sess *bos.Session
				want bos.Reason
			}{
				{"FLAP login", flap, bos.ReasonShutdown},
				{"MD5 login", md5, bos.ReasonShutdown},
				{"login without 0x4A", old, bos.ReasonUnexplained},
			} {
				ev := nextEvent[*bos.Disconnected](t, tt.sess)
				var ce *bos.ClosedError
				if !errors.As(ev.Err, &ce) || ev.Reason != tt.want {
					t.Errorf("%s: Disconnected = %v (%v), want a ClosedError, %v", tt.name, ev.Err, ev.Reason, tt.want)
				}
			}
			again := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
			nextEvent[*bos.SignedOn](t, again)
		})
	}
}

// TestSecondSessionByRelease: the same name signs on again. The 2025
// release ends the first session, saying so (TLV 9 = 1). The 2026 release
// keeps both (aim sends 0x004A = 1) and tells the first with an IM from
// "OOS System Msg": a server notice, never an IM to answer, even while
// away with automatic replies on.
func TestSecondSessionByRelease(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(alice)
			srv.Release = rel
			srv.Start()
			t.Cleanup(srv.Close)
			var imsSent atomic.Int32
			trace := func(sent bool, f oscar.Frame) {
				if s, err := oscar.ParseSNAC(f.Payload); sent && err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeICBMSend {
					imsSent.Add(1)
				}
			}
			first := signOn(t, srv, "LabAlice", "alicepw1", login.MD5, bos.Options{Away: "out", AutoReply: true, Trace: trace})
			nextEvent[*bos.SignedOn](t, first)
			if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil { // the notice goes to ready sessions
				t.Fatal(err)
			}
			second := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
			nextEvent[*bos.SignedOn](t, second)
			if rel == oscartest.Release2025 {
				if ev := nextEvent[*bos.Disconnected](t, first); ev.Reason != bos.ReasonSignedOnElsewhere {
					t.Errorf("first session: Disconnected = %v (%v), want signed on elsewhere", ev.Err, ev.Reason)
				}
				return
			}
			for {
				switch e := nextEvent[bos.Event](t, first).(type) {
				case *bos.IMReceived:
					t.Fatalf("the notice came as an IM: %+v", e)
				case *bos.Disconnected:
					t.Fatalf("first session ended: %v", e.Err)
				case *bos.ServerMessage:
					if !strings.Contains(e.Text, "in 2 locations") || e.Type.String() != "04,07" {
						t.Errorf("notice = %+v", e)
					}
				default:
					continue
				}
				break
			}
			logout(t, first) // the writer is done: every frame it sent was traced
			if n := imsSent.Load(); n != 0 {
				t.Errorf("the first session sent %d IMs, want none (no reply to a notice)", n)
			}
		})
	}
}
