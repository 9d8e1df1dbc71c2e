package bos_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/netsim"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// bigList is 1,000 buddies in 20 groups.
func bigList() buddylist.List {
	var l buddylist.List
	for g := range 20 {
		grp := buddylist.Group{Name: fmt.Sprintf("Group %02d", g)}
		for b := range 50 {
			grp.Buddies = append(grp.Buddies, fmt.Sprintf("Buddy%02d%02d", g, b))
		}
		l.Groups = append(l.Groups, grp)
	}
	return l
}

// BenchmarkSignonFeedbag1000 signs on an account whose server-stored list
// has 1,000 buddies in 20 groups, through the in-process server on
// loopback: "none" without the feedbag (the 1,000 names sent with 03,04
// instead), "13,04" reading the whole list, "13,05" with the copy saved
// at the last signon (answered 13,0F). It reports the time to an online
// session, the round trips counted (netsim; the same at any latency), and
// the allocations of client and server together (-benchmem).
func BenchmarkSignonFeedbag1000(b *testing.B) {
	srv := oscartest.NewServer(alice, bob)
	defer srv.Close()
	want := bigList()
	var names []string
	for _, g := range want.Groups {
		names = append(names, g.Buddies...)
	}
	var saved *buddylist.Feedbag
	{
		ctx := b.Context()
		up := connectBench(b, srv, bos.Options{Feedbag: true}, nil)
		if _, err := up.EditFeedbag(ctx, up.Feedbag().Plan(want, buddylist.PlanOptions{})); err != nil {
			b.Fatal(err)
		}
		logoutBench(b, srv, up)
		again := connectBench(b, srv, bos.Options{Feedbag: true}, nil)
		saved = again.Feedbag()
		logoutBench(b, srv, again)
	}
	for _, tc := range []struct {
		name string
		opts bos.Options
	}{
		{"none", bos.Options{Buddies: names}},
		{"13,04", bos.Options{Feedbag: true}},
		{"13,05", bos.Options{Feedbag: true, SavedFeedbag: saved}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			trips := 0
			for b.Loop() {
				d := &netsim.Dialer{}
				sess := connectBench(b, srv, tc.opts, d)
				trips = d.RoundTrips()
				b.StopTimer()
				if tc.opts.Feedbag {
					if l, _ := sess.Feedbag().List(); l.Len() != 1000 {
						b.Fatalf("read %d buddies", l.Len())
					}
				}
				logoutBench(b, srv, sess)
				d.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(trips), "round-trips")
		})
	}
}

func connectBench(b *testing.B, srv *oscartest.Server, opts bos.Options, d *netsim.Dialer) *bos.Session {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 10*time.Second)
	defer cancel()
	lo := login.Options{Addr: srv.AuthAddr(), ScreenName: alice.ScreenName, Password: secret.String(alice.Password), Method: login.FLAP}
	if d != nil {
		lo.Dial, opts.Dial = d.DialContext, d.DialContext
	}
	res, err := login.Authorize(ctx, lo)
	if err != nil {
		b.Fatal(err)
	}
	opts.Addr, opts.Cookie, opts.ScreenName, opts.MultiConn = res.BOSAddr, res.Cookie, res.ScreenName, res.MultiConn
	opts.Keepalive, opts.ProbeAfter = -1, -1
	sess, err := bos.Connect(b.Context(), opts)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for range sess.Events() {
		}
	}()
	return sess
}

func logoutBench(b *testing.B, srv *oscartest.Server, sess *bos.Session) {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 10*time.Second)
	defer cancel()
	if err := sess.Logout(ctx); err != nil {
		b.Fatal(err)
	}
	if err := srv.WaitOffline(ctx, alice.ScreenName); err != nil {
		b.Fatal(err)
	}
}
