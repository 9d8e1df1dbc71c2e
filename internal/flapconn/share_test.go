package flapconn_test

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSharePacingTouchesPeers: with a peer (SharePacing), each SNAC of the
// IM class that takes the level below what is safe whenever the server
// looks goes out at most 300 ms (touchLead) after the peer wrote a
// keepalive, so that the peer's connection, whose server loop also ticks
// on these classes, is quiet for a second around it; the SNACs that leave
// the level high need none. The server (the real classes, fake clock)
// drops none, and the pace past the first burst is about one SNAC per
// 4.2 s.
func TestSharePacingTouchesPeers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice, bob)
		type seen struct {
			who string
			ch  oscar.Channel
			at  time.Time
		}
		var mu sync.Mutex
		var frames []seen
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if ev.Service != "bos" {
				return oscartest.Answer
			}
			if s, err := oscar.ParseSNAC(ev.Frame.Payload); ev.Frame.Channel == oscar.ChannelKeepalive ||
				err == nil && ev.Frame.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeUserInfoQuery {
				mu.Lock()
				frames = append(frames, seen{ev.ScreenName, ev.Frame.Channel, time.Now()})
				mu.Unlock()
			}
			return oscartest.Answer
		}
		srv.StartPipes()
		defer srv.Close()
		opts := flapconn.Options{Keepalive: -1, ProbeAfter: -1, Dial: srv.Dial}
		a, err := openAs(t, t.Context(), srv, alice, opts, 64)
		if err != nil {
			t.Fatal(err)
		}
		b, err := openAs(t, t.Context(), srv, bob, opts, 64)
		if err != nil {
			t.Fatal(err)
		}
		a.c.SharePacing(b.c)
		answered := 0 // 02,01: a SNAC the server took, not dropped
		go func() {
			for ev := range a.events {
				if ev == oscar.TypeLocateError.String() {
					mu.Lock()
					answered++
					mu.Unlock()
				}
			}
		}()
		const n = 12
		for range n {
			if err := a.c.Send(t.Context(), &oscar.UserInfoQuery{Type: 1, ScreenName: "nobody"}); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		var sent []time.Time
		var lastTouch time.Time
		touches, tight := 0, 0
		for _, f := range frames {
			switch {
			case f.who == bob.ScreenName && f.ch == oscar.ChannelKeepalive:
				touches++
				lastTouch = f.at
			case f.who == alice.ScreenName && f.ch == oscar.ChannelSNAC:
				// From 6000 the first 6 leave the level at 4410 or more:
				// safe whenever the server looks (4232). The rest need the
				// peer quiet.
				if len(sent) >= 6 {
					tight++
					if lastTouch.IsZero() || f.at.Sub(lastTouch) > 300*time.Millisecond {
						t.Errorf("SNAC %d went out %v after the peer's last keepalive, want at most 300ms", len(sent), f.at.Sub(lastTouch))
					}
				}
				sent = append(sent, f.at)
			}
		}
		if len(sent) != n || touches != tight || tight != n-6 {
			t.Errorf("%d SNACs, %d keepalives from the peer for %d needing them; want %d, %d, %d", len(sent), touches, tight, n, n-6, n-6)
		}
		if answered != n {
			t.Errorf("the server answered %d of %d: it dropped some (limited)", answered, n)
		}
		if len(sent) == n {
			if per := sent[n-1].Sub(sent[n-2]); per < 4150*time.Millisecond || per > 4250*time.Millisecond {
				t.Errorf("the last two SNACs went %v apart, want about 4.2 s", per)
			}
		}
		a.c.Logout(t.Context())
		b.c.Logout(t.Context())
	})
}
