package bos_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/netsim"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// tripLog records, for each frame the client sends or reads, how many
// round trips deep the client was at that moment: a timeline of the
// signon that shows which step waited for what.
type tripLog struct {
	d     *netsim.Dialer
	mu    sync.Mutex
	lines []string
}

func (l *tripLog) trace(conn string) func(bool, oscar.Frame) {
	return func(sent bool, f oscar.Frame) {
		what := f.Channel.String()
		if f.Channel == oscar.ChannelSNAC {
			if s, err := oscar.ParseSNAC(f.Payload); err == nil {
				what = s.Type().String()
			}
		}
		dir := "<-"
		if sent {
			dir = "->"
		}
		l.mu.Lock()
		l.lines = append(l.lines, fmt.Sprintf("%d %s %s %s", l.d.RoundTrips(), conn, dir, what))
		l.mu.Unlock()
	}
}

func (l *tripLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// signOnThrough logs in and signs on through d, with a buddy and a
// profile as aim login does, and returns the session and the round trips
// counted after the authorizer and after the signon.
// fb, if set, is the feedbag options (Feedbag, SavedFeedbag).
func signOnThrough(ctx context.Context, srv *oscartest.Server, d *netsim.Dialer, method login.Method, log *tripLog, fb *bos.Options) (sess *bos.Session, auth, total int, err error) {
	lo := login.Options{Addr: srv.AuthAddr(), ScreenName: alice.ScreenName, Password: secret.String(alice.Password), Method: method, Dial: d.DialContext}
	bo := bos.Options{Buddies: []string{bob.ScreenName}, Profile: "<HTML>hi</HTML>", Dial: d.DialContext, Keepalive: -1, ProbeAfter: -1}
	if fb != nil {
		bo.Feedbag, bo.SavedFeedbag = fb.Feedbag, fb.SavedFeedbag
	}
	if log != nil {
		lo.Trace, bo.Trace = log.trace("auth"), log.trace("bos")
	}
	res, err := login.Authorize(ctx, lo)
	if err != nil {
		return nil, 0, 0, err
	}
	auth = d.RoundTrips()
	bo.Addr, bo.Cookie, bo.ScreenName = res.BOSAddr, res.Cookie, res.ScreenName
	sess, err = bos.Connect(ctx, bo)
	if err != nil {
		return nil, 0, 0, err
	}
	return sess, auth, d.RoundTrips(), nil
}

// TestSignonRoundTrips counts the round trips from the first connect to
// the moment Connect returns an online session, through a proxy that
// delays each direction: a count, not a time, so it holds on any machine.
//
// Connect to the authorizer, the login exchange, connect to BOS, the
// cookie with the rate request (01,06) answered by host ready (01,03) and
// the rates (01,07): four. Then the client sends the rate acknowledge, the
// rights requests, buddy list, profile, ICBM parameters and client ready
// at once and waits one more round trip for the five replies, which carry
// the limits it needs (message and profile length): five in all (six
// while the rate request waited for host ready). The MD5 login's key
// exchange adds one.
//
// The server-stored list adds none: its rights query (13,02) and query
// (13,04, or 13,05 with a saved copy) go in the same flight, 13,07 before
// client ready, and the 13,03 and every part of the 13,06 (or the 13,0F)
// are read with the other replies. Only a saved copy the 13,0F shows to
// be stale (same time, another count) costs one more, for 13,04.
func TestSignonRoundTrips(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      login.Method
		feedbag     string // "": none; "new": no saved copy; "saved": current copy; "stale"
		auth, total int
	}{
		{"FLAP", login.FLAP, "", 2, 5},
		{"MD5", login.MD5, "", 3, 6},
		{"feedbag", login.FLAP, "new", 2, 5},
		{"feedbag saved", login.FLAP, "saved", 2, 5},
		{"feedbag stale", login.FLAP, "stale", 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, alice, bob)
			srv.FeedbagPartItems = 1                                                // every item its own 13,06
			signOn(t, srv, bob.ScreenName, bob.Password, login.FLAP, bos.Options{}) // so that a 03,0B comes during signon
			var fb *bos.Options
			if tt.feedbag != "" {
				fb = &bos.Options{Feedbag: true}
				first := signOn(t, srv, alice.ScreenName, alice.Password, login.FLAP, bos.Options{Feedbag: true})
				upload(t, first, friendsList.Add("LabDave", "Friends"))
				logout(t, first)
				if tt.feedbag != "new" {
					again := signOn(t, srv, alice.ScreenName, alice.Password, login.FLAP, bos.Options{Feedbag: true})
					fb.SavedFeedbag = again.Feedbag()
					if tt.feedbag == "stale" {
						upload(t, again, friendsList) // LabDave goes, the list's time stays
					}
					logout(t, again)
				}
				if err := srv.WaitOffline(t.Context(), alice.ScreenName); err != nil {
					t.Fatal(err)
				}
			}
			d := &netsim.Dialer{Latency: time.Millisecond}
			defer d.Close()
			log := &tripLog{d: d}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			sess, auth, total, err := signOnThrough(ctx, srv, d, tt.method, log, fb)
			if err != nil {
				t.Fatal(err)
			}
			defer logout(t, sess)
			if tt.feedbag != "" {
				want := 2
				if tt.feedbag == "stale" {
					want = 1
				}
				if l, _ := sess.Feedbag().List(); l.Len() != want {
					t.Errorf("the list read at signon: %+v", l)
				}
			}
			t.Logf("round trips (count, connection, direction, frame):\n%s", log)
			if auth != tt.auth || total != tt.total {
				t.Errorf("signon took %d round trips (%d to the authorizer), want %d (%d); the timeline:\n%s", total, auth, tt.total, tt.auth, log)
			}
		})
	}
}

// BenchmarkSignonLatency25ms signs on through a proxy that delays each
// direction by 25 ms (a 50 ms round trip, as to a server across a
// continent) and reports the time to an online session, the round trips
// counted, and the time in round trips (ms/signon ÷ 50 ms).
func BenchmarkSignonLatency25ms(b *testing.B) {
	const lat = 25 * time.Millisecond
	srv := oscartest.NewServer(alice, bob)
	defer srv.Close()
	var elapsed time.Duration
	trips := 0
	for b.Loop() {
		d := &netsim.Dialer{Latency: lat}
		start := time.Now()
		sess, _, total, err := signOnThrough(b.Context(), srv, d, login.FLAP, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		trips = total
		b.StopTimer()
		ctx, cancel := context.WithTimeout(b.Context(), 10*time.Second)
		if err := sess.Logout(ctx); err != nil {
			b.Fatal(err)
		}
		if err := srv.WaitOffline(ctx, alice.ScreenName); err != nil {
			b.Fatal(err)
		}
		cancel()
		d.Close()
		b.StartTimer()
	}
	ms := float64(elapsed.Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms, "ms/signon")
	b.ReportMetric(float64(trips), "round-trips")
	b.ReportMetric(ms/float64((2*lat).Milliseconds()), "RTTs")
}
