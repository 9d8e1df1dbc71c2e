package flapconn

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// This file runs the limiter against a model of the server's rate
// arithmetic (internal/oscartest/rates.go, itself the real server's) and
// of its per-connection ticks, in simulated time, so the real classes
// (one IM per 4 s at the limit) can be measured over 1,000 messages in
// milliseconds, with a network that jitters (each connection keeps its
// order; two connections' frames may pass each other), and a timer that
// fires late as Go's do. Nothing here waits on a clock: the figures are exact and the
// same on every machine.

// realIMClass is class 3 of the real server's 01,07 (04,06 is in it),
// starting at its max as the real server's classes do.
var realIMClass = oscar.RateClass{ID: 3, Window: 20, Clear: 5100, Alert: 5000, Limit: 4000, Disconnect: 3000, Current: 6000, Max: 6000}

// scaleClass divides every level of c by div, keeping the window.
func scaleClass(c oscar.RateClass, div uint32) oscar.RateClass {
	c.Clear, c.Alert, c.Limit, c.Disconnect, c.Current, c.Max = c.Clear/div, c.Alert/div, c.Limit/div, c.Disconnect/div, c.Current/div, c.Max/div
	return c
}

// simNet says how the simulated network and timers behave.
type simNet struct {
	latency   time.Duration // one way
	jitter    time.Duration // extra one-way delay, uniform in [0, jitter); order is kept
	spikeProb float64       // the chance that a message is held up to spikeMax more
	spikeMax  time.Duration //
	overshoot time.Duration // timers fire late by up to this, uniformly
	seed      uint64
	// peer adds chat navigation's connection, whose server loop ticks on
	// the same classes at a phase of its own (SharePacing); touchFails
	// makes its writer never answer in time, so the limiter must pace
	// for a tick that may come right after a send.
	peer, touchFails bool
}

// simResult is what the server saw.
type simResult struct {
	n          int
	arrivals   []time.Time
	dropped    int // SNACs the server dropped (class limited)
	codes      map[uint16]int
	disconnect bool
	minLevel   int64 // the lowest level the server computed
	minSeen    int64 // the lowest level a tick saw (the level a SNAC would have made then)
	touches    int   // keepalives the peer was asked for
}

// steady is the rate after the first tenth of the messages as a fraction
// of one per limit ms.
func (r *simResult) steady(limit uint32) float64 {
	a := r.arrivals[len(r.arrivals)/10:]
	per := a[len(a)-1].Sub(a[0]) / time.Duration(len(a)-1)
	return float64(time.Duration(limit)*time.Millisecond) / float64(per)
}

// simLoop is one connection's loop on the server: Open OSCAR Server's
// dispatchIncomingMessages selects between the next frame and
// time.After(1 * time.Second), a timer made anew on every pass, so the
// tick comes a second after the connection's last frame and then once a
// second (oscartest.rateTick). gen drops the ticks a frame overtook.
type simLoop struct {
	gen int
}

// simulate queues n IMs at once and runs the limiter's writer loop against
// the server model (oscartest.RateModel, the real server's arithmetic, and
// its per-connection ticks) until all are sent.
func simulate(c oscar.RateClass, n int, nw simNet) *simResult {
	rng := rand.New(rand.NewPCG(nw.seed, 1))
	uniform := func(d time.Duration) time.Duration {
		if d <= 0 {
			return 0
		}
		return time.Duration(rng.Int64N(int64(d)))
	}
	t0 := time.Unix(1e9, 0)
	l := newLimiter()
	l.set(&oscar.RateParams{Classes: []oscar.RateClass{c}, Groups: []oscar.RateGroup{{Class: c.ID, Types: []oscar.SNACType{oscar.TypeICBMSend}}}}, t0)
	m := oscartest.NewRateModel(c, t0)
	res := &simResult{n: n, codes: map[uint16]int{}, minLevel: int64(c.Max), minSeen: int64(c.Max)}

	var q events
	push := func(at time.Time, f func(time.Time)) { q.push(event{at, q.seq, f}); q.seq++ }
	note := func(code uint16, at time.Time) {
		res.codes[code]++
		rc := &oscar.RateChange{Code: code, Class: m.Class}
		rc.Class.Current = uint32(max(m.Level, 0))
		push(at.Add(nw.latency), func(now time.Time) { l.update(rc, now) })
	}
	// tick is a loop's look at the class (ObserveRateChanges): the status
	// a SNAC would have now, reported when it changed.
	var tick func(lp *simLoop, gen int) func(time.Time)
	tick = func(lp *simLoop, gen int) func(time.Time) {
		return func(now time.Time) {
			if gen != lp.gen || len(res.arrivals) == n {
				return // a frame came first, or all is done
			}
			w := int64(max(c.Window, 1))
			gap := max(now.Sub(m.Last).Milliseconds(), 0)
			res.minSeen = min(res.minSeen, min((int64(m.Level)*(w-1)+gap)/w, int64(c.Max)))
			if st, changed := m.Observe(now); changed && st.Code() != 0 {
				note(st.Code(), now)
			}
			push(now.Add(time.Second), tick(lp, gen))
		}
	}
	frame := func(lp *simLoop, now time.Time) { // a frame read: the timer starts again
		lp.gen++
		push(now.Add(time.Second), tick(lp, lp.gen))
	}
	// arrival is when a frame written now on a connection reaches the
	// server: the network's delay, order kept.
	type conn struct{ last time.Time }
	arrival := func(cn *conn, now time.Time) time.Time {
		at := now.Add(nw.latency + uniform(nw.jitter))
		if nw.spikeProb > 0 && rng.Float64() < nw.spikeProb {
			at = at.Add(uniform(nw.spikeMax))
		}
		if at.Before(cn.last) {
			at = cn.last
		}
		cn.last = at
		return at
	}
	bos, nav := &simLoop{}, &simLoop{}
	var bosConn, navConn conn
	frame(bos, t0)
	if nw.peer { // its loop's phase is its own
		frame(nav, t0.Add(uniform(time.Second)))
	}
	touch := func(now time.Time) bool { // touchPeers
		if !nw.peer {
			return true
		}
		if nw.touchFails {
			return false
		}
		res.touches++
		push(arrival(&navConn, now), func(at time.Time) { frame(nav, at) })
		return true
	}
	sent := 0
	quiet, touched := true, false
	var wake func(time.Time)
	wake = func(now time.Time) { // writeLoop: wait for the class, touch the peer, record, write
		d := l.delay(oscar.TypeICBMSend, now, quiet)
		if quiet && !touched && l.tight(oscar.TypeICBMSend, now.Add(d)) {
			if d > touchLead {
				d -= touchLead // wake for the keepalives first
			} else {
				quiet, touched = touch(now), true
				push(now, wake)
				return
			}
		}
		if d > 0 {
			push(now.Add(d+uniform(nw.overshoot)), wake)
			return
		}
		quiet, touched = true, false
		l.record(oscar.TypeICBMSend, now)
		push(arrival(&bosConn, now), func(now time.Time) {
			res.arrivals = append(res.arrivals, now)
			switch m.Evaluate(now) {
			case oscartest.RateDisconnect:
				res.disconnect = true
			case oscartest.RateLimited:
				res.dropped++
			}
			res.minLevel = min(res.minLevel, int64(m.Level))
			frame(bos, now)
		})
		if sent++; sent < n {
			push(now, wake)
		}
	}
	push(t0, wake)
	for len(q.e) > 0 && !res.disconnect {
		e := q.pop()
		e.f(e.at)
	}
	return res
}

type event struct {
	at  time.Time
	seq int
	f   func(time.Time)
}

// events is the simulation's queue: a binary min-heap by time, then by
// the order pushed. Its own, not container/heap's: that one boxes every
// event in an interface, an allocation each, and the simulations push
// hundreds of thousands.
type events struct {
	e   []event
	seq int
}

func (q *events) less(i, j int) bool {
	if !q.e[i].at.Equal(q.e[j].at) {
		return q.e[i].at.Before(q.e[j].at)
	}
	return q.e[i].seq < q.e[j].seq
}

func (q *events) push(e event) {
	q.e = append(q.e, e)
	for i := len(q.e) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.e[i], q.e[p] = q.e[p], q.e[i]
		i = p
	}
}

// pop removes and returns the earliest event; q must not be empty.
func (q *events) pop() event {
	top, last := q.e[0], len(q.e)-1
	q.e[0], q.e[last] = q.e[last], event{}
	q.e = q.e[:last]
	for i := 0; ; {
		m := 2*i + 1
		if m >= len(q.e) {
			break
		}
		if r := m + 1; r < len(q.e) && q.less(r, m) {
			m = r
		}
		if !q.less(m, i) {
			break
		}
		q.e[i], q.e[m] = q.e[m], q.e[i]
		i = m
	}
	return top
}

// The networks the limiter is simulated on. Each delays every message by
// latency plus up to jitter, and one in a hundred (in twenty on the
// jittery one) by up to spikeMax more, as a busy machine or a congested
// link does. Overshoot is what Go's timers add on Linux, where they wait
// in whole milliseconds of epoll timeout.
var simNets = []struct {
	name string
	net  simNet
}{
	{"loopback", simNet{latency: 50 * time.Microsecond, jitter: 300 * time.Microsecond, spikeProb: 0.01, spikeMax: 10 * time.Millisecond, overshoot: time.Millisecond}},
	{"wan", simNet{latency: 25 * time.Millisecond, jitter: 5 * time.Millisecond, spikeProb: 0.01, spikeMax: 100 * time.Millisecond, overshoot: time.Millisecond}},
	{"jittery", simNet{latency: 50 * time.Millisecond, jitter: 50 * time.Millisecond, spikeProb: 0.05, spikeMax: 500 * time.Millisecond, overshoot: time.Millisecond}},
}

// TestLimiterSimulated sends 1,000 IMs through the real IM class on each
// simulated network, with several seeds, against Open OSCAR Server's rate
// arithmetic (oscartest.RateModel): none may be dropped, the server may
// never report the class limited or hang up, and the sustained rate must
// be at least 99 % of the most that allows. The class made 80 and 400 times
// faster (as the in-process tests run it) must lose nothing on loopback
// either, spikes included; its rate is what whole milliseconds allow.
// Simulated time: the same on any machine.
func TestLimiterSimulated(t *testing.T) {
	t.Parallel()
	check := func(c oscar.RateClass, name string, nw simNet, minRate float64) {
		for seed := range uint64(5) {
			nw.seed = seed
			r := simulate(c, 1000, nw)
			f := r.steady(c.Limit)
			if r.dropped > 0 || r.disconnect || r.codes[oscar.RateLimited] > 0 || r.minSeen < int64(c.Limit) || f < minRate {
				t.Errorf("limit %d ms, %s, seed %d: %d dropped, hangup %v, 01,0A codes %v, lowest level %d, lowest a tick saw %d (limit %d), %.2f %% of the limit's rate; want no drops and ≥ %.2f %%",
					c.Limit, name, seed, r.dropped, r.disconnect, r.codes, r.minLevel, r.minSeen, c.Limit, 100*f, 100*minRate)
			}
		}
	}
	// With the server's ticks a second after each SNAC (its own
	// connection's; chat navigation's a second after its keepalive, at most
	// touchLead earlier), the level may stay where a tick tickGap (650 ms)
	// later sees limit plus margin: one IM per 4198 ms, 95.3 % of one per
	// 4 s. The issue asks 95 %.
	for _, sn := range simNets {
		check(realIMClass, sn.name, sn.net, 0.95)
		nw := sn.net
		nw.peer = true
		check(realIMClass, sn.name+"+nav", nw, 0.95)
		// A peer that cannot be touched: the pace safe for a tick right
		// after each send, one IM per limit × w/(w-1), 95.0 % at most.
		nw.touchFails = true
		w := float64(realIMClass.Window)
		check(realIMClass, sn.name+"+nav untouched", nw, 0.99*(w-1)/w)
	}
	for _, div := range []uint32{80, 400} {
		check(scaleClass(realIMClass, div), simNets[0].name, simNets[0].net, 0)
	}
}

// BenchmarkLimiterSimulated reports the sustained rate over 1,000 queued
// IMs as a percentage of one IM per limit ms (pct-of-max), the lowest
// level the server computed above the limit (headroom, in ms) and the
// lowest a tick saw (tick-headroom), and the drops and 01,0A warnings
// (code 2) and limits (code 3), in simulated time: for the real IM class
// on each simulated network, alone and with chat navigation open (+nav),
// and for the class made 80 and 400 times faster (as the in-process
// benchmark runs it) on loopback.
func BenchmarkLimiterSimulated(b *testing.B) {
	type run struct {
		c  oscar.RateClass
		nw string
		simNet
	}
	var runs []run
	for _, sn := range simNets {
		runs = append(runs, run{realIMClass, sn.name, sn.net})
		nw := sn.net
		nw.peer = true
		runs = append(runs, run{realIMClass, sn.name + "+nav", nw})
	}
	for _, div := range []uint32{80, 400} {
		runs = append(runs, run{scaleClass(realIMClass, div), simNets[0].name, simNets[0].net})
	}
	for _, r := range runs {
		b.Run(fmt.Sprintf("limit=%dms/%s", r.c.Limit, r.nw), func(b *testing.B) {
			var res *simResult
			for b.Loop() {
				res = simulate(r.c, 1000, r.simNet)
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(100*res.steady(r.c.Limit), "pct-of-max")
			b.ReportMetric(float64(res.minLevel-int64(r.c.Limit)), "headroom")
			b.ReportMetric(float64(res.minSeen-int64(r.c.Limit)), "tick-headroom")
			b.ReportMetric(float64(res.dropped), "drops")
			b.ReportMetric(float64(res.codes[oscar.RateWarning]), "warnings")
			b.ReportMetric(float64(res.codes[oscar.RateLimited]), "limited")
		})
	}
}

// TestLimiterRateChange: an alert (01,0A code 2) changes nothing but the
// level, and only downward; limited (code 3) aims for clear until clear
// (code 4).
func TestLimiterRateChange(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1e9, 0)
	l := newLimiter()
	l.set(&oscar.RateParams{Classes: []oscar.RateClass{realIMClass}, Groups: []oscar.RateGroup{{Class: 3, Types: []oscar.SNACType{oscar.TypeICBMSend}}}}, t0)
	st := l.classes[3]
	steps := []struct {
		code          uint16
		current       uint32
		level, target int64
	}{
		{oscar.RateWarning, 4500, 4500, 4198}, // below alert: keep going, from the server's level
		{oscar.RateWarning, 5999, 4500, 4198}, // the server's is higher: ours may count SNACs it has not read
		{oscar.RateLimited, 3900, 3900, 5100}, // dropping: wait for clear
		{oscar.RateClear, 5100, 3900, 4198},
	}
	for i, s := range steps {
		c := realIMClass
		c.Current = s.current
		l.update(&oscar.RateChange{Code: s.code, Class: c}, t0)
		if st.level != s.level || st.target(true) != s.target {
			t.Errorf("step %d (code %d, current %d): level %d, target %d; want %d, %d", i, s.code, s.current, st.level, st.target(true), s.level, s.target)
		}
	}
}

// TestLimiterHeal: at the target's pace, every healEvery-th SNAC is
// followed by a gap window-1 ms longer, and no other.
func TestLimiterHeal(t *testing.T) {
	t.Parallel()
	c := scaleClass(realIMClass, 400) // limit 10, floor 13, target 13 (the tick comes a second later)
	now := time.Unix(1e9, 0)
	l := newLimiter()
	l.set(&oscar.RateParams{Classes: []oscar.RateClass{c}, Groups: []oscar.RateGroup{{Class: c.ID, Types: []oscar.SNACType{oscar.TypeICBMSend}}}}, now)
	gaps := map[time.Duration][]int{}
	for i := range 200 {
		d := l.delay(oscar.TypeICBMSend, now, true)
		if i >= 20 { // past the burst the class's max level allows
			gaps[d] = append(gaps[d], i)
		}
		now = now.Add(d)
		l.record(oscar.TypeICBMSend, now)
	}
	long := gaps[(13+19)*time.Millisecond]
	if len(gaps) != 2 || len(gaps[13*time.Millisecond]) == 0 || len(long) == 0 {
		t.Fatalf("gaps = %v, want 13 ms, and 32 ms after every %dth SNAC", gaps, healEvery)
	}
	for _, i := range long {
		if i%healEvery != 0 {
			t.Errorf("a long gap before SNAC %d, want one only after every %dth", i, healEvery)
		}
	}
}

// TestLimiterAbsurdClass: whatever levels and window a class claims, the
// wait the limiter computes stays within maxRateWait, and a clear level
// above max counts as max (the moving average never passes max).
func TestLimiterAbsurdClass(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1e9, 0)
	huge := func(f func(c *oscar.RateClass)) oscar.RateClass {
		c := realIMClass
		c.Current = 3900
		f(&c)
		return c
	}
	for _, tt := range []struct {
		name string
		c    oscar.RateClass
		want time.Duration // 0: only the bound
	}{
		{"clear 4,000,000", huge(func(c *oscar.RateClass) { c.Clear = 4_000_000 }), 20*6000*time.Millisecond - 19*3900*time.Millisecond},
		{"every level 4,000,000", huge(func(c *oscar.RateClass) {
			c.Clear, c.Alert, c.Limit, c.Max = 4_000_000, 4_000_000, 4_000_000, 4_000_000
		}), 0},
		{"every field the largest", oscar.RateClass{ID: 3, Window: ^uint32(0), Clear: ^uint32(0), Alert: ^uint32(0), Limit: ^uint32(0), Disconnect: ^uint32(0), Current: 1, Max: ^uint32(0)}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiter()
			l.set(&oscar.RateParams{Classes: []oscar.RateClass{realIMClass}, Groups: []oscar.RateGroup{{Class: 3, Types: []oscar.SNACType{oscar.TypeICBMSend}}}}, t0)
			wait := l.update(&oscar.RateChange{Code: oscar.RateLimited, Class: tt.c}, t0)
			if d := l.delay(oscar.TypeICBMSend, t0, true); d != wait || d <= 0 || d > maxRateWait {
				t.Errorf("delay %v (update said %v), want 0 < delay <= %v", d, wait, maxRateWait)
			}
			if tt.want != 0 && wait != tt.want {
				t.Errorf("wait %v, want %v (clear taken as max)", wait, tt.want)
			}
		})
	}
}
