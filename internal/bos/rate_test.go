package bos_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// scaledRates is the real server's classes with every level divided by
// div and the windows kept: the same arithmetic, div times faster. The
// real IM class (limit 4000 ms) divided by 400 allows one IM per 10 ms.
func scaledRates(div uint32) oscar.RateParams {
	p := oscartest.DefaultRates()
	for i := range p.Classes {
		c := &p.Classes[i]
		c.Clear, c.Alert, c.Limit, c.Disconnect, c.Current, c.Max = c.Clear/div, c.Alert/div, c.Limit/div, c.Disconnect/div, c.Current/div, c.Max/div
	}
	return p
}

// classOf returns the class that SNAC type t belongs to.
func classOf(p oscar.RateParams, t oscar.SNACType) oscar.RateClass {
	for _, g := range p.Groups {
		for _, gt := range g.Types {
			if gt != t {
				continue
			}
			for _, c := range p.Classes {
				if c.ID == g.Class {
					return c
				}
			}
		}
	}
	panic("no class for " + t.String())
}

// signOnTB is signOn for benchmarks too.
func signOnTB(tb testing.TB, srv *oscartest.Server, acct oscartest.Account, opts bos.Options) *bos.Session {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 30*time.Second)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: acct.ScreenName, Password: secret.String(acct.Password), Dial: opts.Dial})
	if err != nil {
		tb.Fatalf("Authorize(%s): %v", acct.ScreenName, err)
	}
	opts.Addr, opts.Cookie, opts.ScreenName = res.BOSAddr, res.Cookie, res.ScreenName
	sess, err := bos.Connect(tb.Context(), opts)
	if err != nil {
		tb.Fatalf("Connect(%s): %v", acct.ScreenName, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
	})
	return sess
}

// rateRun is what happened when n IMs were queued at once.
type rateRun struct {
	n        int
	limit    int         // the IM class's limit level, in ms
	arrivals []time.Time // when the server read each 04,06
	acked    int         // 04,0C received
	received []string    // texts the recipient got, in order
	codes    map[uint16]int
	errs     []error
}

// sendAtRateLimit signs on two users against a server enforcing the real
// classes divided by div, queues n IMs from one to the other with
// QueueIM, and waits for every acknowledge and every delivery. With pipes
// the server has no sockets (StartPipes): for a synctest bubble.
func sendAtRateLimit(tb testing.TB, n int, div uint32, pipes bool) *rateRun {
	tb.Helper()
	run := &rateRun{n: n, codes: map[uint16]int{}}
	srv := oscartest.NewUnstartedServer(alice, bob)
	srv.Rates = scaledRates(div)
	run.limit = int(classOf(srv.Rates, oscar.TypeICBMSend).Limit)
	var mu sync.Mutex
	srv.Intercept = func(ev oscartest.Event) oscartest.Action {
		if ev.Service == "bos" && ev.ScreenName == alice.ScreenName && ev.Frame.Channel == oscar.ChannelSNAC {
			if s, err := oscar.ParseSNAC(ev.Frame.Payload); err == nil && s.Type() == oscar.TypeICBMSend {
				mu.Lock()
				run.arrivals = append(run.arrivals, time.Now())
				mu.Unlock()
			}
		}
		return oscartest.Answer
	}
	opts := bos.Options{Keepalive: -1, ProbeAfter: -1, StepTimeout: 5 * time.Second, QueueSize: n}
	if pipes {
		srv.StartPipes()
		opts.Dial = srv.Dial
	} else {
		srv.Start()
	}
	defer srv.Close()

	rcpt := signOnTB(tb, srv, bob, opts)
	gotAll := make(chan struct{})
	go func() {
		for ev := range rcpt.Events() {
			if im, ok := ev.(*bos.IMReceived); ok {
				run.received = append(run.received, im.Text)
				if len(run.received) == n {
					close(gotAll)
				}
			}
		}
	}()
	sender := signOnTB(tb, srv, alice, opts)
	var codesMu sync.Mutex
	go func() {
		for ev := range sender.Events() {
			if rc, ok := ev.(*bos.RateChange); ok && rc.Class.ID == classOf(srv.Rates, oscar.TypeICBMSend).ID {
				codesMu.Lock()
				run.codes[uint16(rc.Code)]++
				codesMu.Unlock()
			}
		}
	}()

	pending := make([]*bos.Pending, n)
	for i := range n {
		p, err := sender.QueueIM(bob.ScreenName, fmt.Sprintf("m%04d", i), false)
		if err != nil {
			tb.Fatalf("QueueIM %d: %v", i, err)
		}
		pending[i] = p
	}
	ctx, cancel := context.WithTimeout(tb.Context(), time.Duration(n)*time.Duration(run.limit)*4*time.Millisecond+30*time.Second)
	defer cancel()
	for i, p := range pending {
		if err := p.Wait(ctx); err != nil {
			run.errs = append(run.errs, fmt.Errorf("IM %d: %w", i, err))
			continue
		}
		run.acked++
	}
	if len(run.errs) == 0 {
		select {
		case <-gotAll:
		case <-ctx.Done():
			run.errs = append(run.errs, fmt.Errorf("the recipient got %d of %d IMs", len(run.received), n))
		}
	}
	if err := sender.Err(); err != nil {
		run.errs = append(run.errs, fmt.Errorf("sender's session ended: %w", err))
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	sender.Logout(ctx2)
	rcpt.Logout(ctx2)
	<-sender.Done()
	<-rcpt.Done()
	codesMu.Lock()
	defer codesMu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	return run
}

// steady is the sustained rate after the first tenth of the messages (the
// burst the class's initial level allows is over by then), as a fraction
// of the most the class allows: one IM per limit ms.
func (r *rateRun) steady() (fraction float64, perSec float64) {
	a := r.arrivals
	from := len(a) / 10
	if len(a)-from < 2 {
		return 0, 0
	}
	span := a[len(a)-1].Sub(a[from])
	perSec = float64(len(a)-1-from) / span.Seconds()
	return perSec * float64(r.limit) / 1000, perSec
}

// check fails tb unless every IM was acknowledged and delivered once, in
// order, and the server never limited the class.
func (r *rateRun) check(tb testing.TB) {
	tb.Helper()
	for _, err := range r.errs {
		tb.Error(err)
	}
	if r.acked != r.n || len(r.arrivals) != r.n {
		tb.Errorf("%d IMs acknowledged, %d reached the server; want %d", r.acked, len(r.arrivals), r.n)
	}
	if len(r.received) != r.n {
		tb.Errorf("the recipient got %d IMs, want %d", len(r.received), r.n)
	}
	for i, text := range r.received {
		if want := fmt.Sprintf("m%04d", i); text != want {
			tb.Errorf("IM %d received is %q, want %q (out of order or lost)", i, text, want)
			break
		}
	}
	if k := r.codes[oscar.RateLimited]; k != 0 {
		tb.Errorf("the server limited the IM class %d times (01,0A code 3): it dropped IMs", k)
	}
}

// TestRateLimit500Messages queues 500 IMs at once against a server that
// enforces the real server's classes (one IM per 4 s at the limit), on a
// fake clock (testing/synctest, the server in memory): the half hour it
// takes is no real time. All are delivered in order, none dropped, the
// session stays up, and the server never reports the class limited; with
// no jitter on the way the pace is at least 95 % of one IM per 4 s.
func TestRateLimit500Messages(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := sendAtRateLimit(t, 500, 1, true)
		r.check(t)
		f, perSec := r.steady()
		t.Logf("500 IMs: %.3f IM/s sustained, %.1f %% of the limit's %d ms per IM; 01,0A codes %v", perSec, 100*f, r.limit, r.codes)
		// The server looks at the class (its tick) only a second after
		// the connection's last frame: the limiter keeps the level where
		// such a look sees limit plus margin, one IM per 4198 ms, 95.3 %
		// (flapconn's target; the issue asks 95 %).
		if f < 0.95 || f > 0.96 {
			t.Errorf("sustained %.2f %% of one IM per limit ms, want 95 to 96 %%", 100*f)
		}
	})
}

// BenchmarkSendAtRateLimit queues 1,000 IMs against the real classes made
// faster (the sub-benchmark's name is the IM class's limit in ms) and
// reports the sustained rate as a fraction of the most the class allows,
// one IM per limit ms: pct-of-max. It fails on any drop.
func BenchmarkSendAtRateLimit(b *testing.B) {
	for _, div := range []uint32{400, 80} {
		limit := classOf(scaledRates(div), oscar.TypeICBMSend).Limit
		b.Run(fmt.Sprintf("limit=%dms", limit), func(b *testing.B) {
			var f, perSec float64
			for b.Loop() {
				r := sendAtRateLimit(b, 1000, div, false)
				r.check(b)
				f, perSec = r.steady()
				b.ReportMetric(float64(r.codes[oscar.RateWarning]), "warnings")
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(100*f, "pct-of-max")
			b.ReportMetric(perSec, "IM/s")
		})
	}
}

// TestAbsurdRateChange: a 01,0A that limits the IM class with a clear
// level of 4,000,000 ms (the moving average could never reach it, and at
// face value the next IM would wait some 22 hours) is taken within sane
// bounds: the event says how long the next IM waits, a few minutes at
// most, and the IM goes out then.
func TestAbsurdRateChange(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice, bob)
		srv.StartPipes()
		t.Cleanup(srv.Close)
		signOnInMemory(t, srv, "Lab Bob", "bobpass22", bos.Options{})
		a := signOnInMemory(t, srv, "LabAlice", "alicepw1", bos.Options{})
		c := classOf(srv.Rates, oscar.TypeICBMSend)
		c.Clear, c.Current = 4_000_000, c.Limit-100
		if err := srv.Send("LabAlice", 0, &oscar.RateChange{Code: oscar.RateLimited, Class: c}); err != nil {
			t.Fatal(err)
		}
		rc := nextEvent[*bos.RateChange](t, a)
		if rc.Wait <= 0 || rc.Wait > 3*time.Minute {
			t.Errorf("RateChange.Wait = %v, want a wait of at most 3 minutes", rc.Wait)
		}
		start := time.Now()
		p, err := a.QueueIM("Lab Bob", "after the absurd limit", false)
		if err != nil {
			t.Fatal(err)
		}
		sent := make(chan error, 1)
		go func() { sent <- p.Wait(context.Background()) }()
		select {
		case err := <-sent:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Hour):
			t.Fatal("the IM still waits for the rate limit after an hour")
		}
		if d := time.Since(start); d > rc.Wait+time.Second {
			t.Errorf("the IM went out after %v; the event said %v", d, rc.Wait)
		}
	})
}
