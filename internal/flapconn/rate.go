package flapconn

import (
	"slices"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// limiter keeps the client under the server's rate limits. For each class
// it tracks the level the server computes, a moving average of the
// milliseconds between SNACs, in the server's integer arithmetic (the gap
// truncated to whole milliseconds, the quotient rounded down, capped at
// max):
//
//	new = ((window-1)*old + gap) / window
//
// and says how long to wait before the next SNAC so that the level stays
// above the class's limit plus a margin, and so does what the server's
// once-a-second look at the class sees (target). The margin is for the gaps the
// server measures shorter than ours (jitter on the way): each can cost a
// unit of level, and the rounding down never gives it back while gaps
// stay under level+window. So every healEvery SNACs the limiter also
// assumes one unit lost and leaves one gap window-1 ms longer, which gives
// it back if it was lost and changes nothing if it was not.
//
// Class parameters are taken within sane bounds (sane): a server that
// announces a clear level of 4,000,000 ms, say, would otherwise have the
// client wait for days. And no wait is ever longer than maxRateWait.
//
// Going below the alert level is allowed (the server only says so, with
// 01,0A code 2): only the limit costs anything. After the server limits a
// class (code 3) and drops its SNACs, the client aims for the clear level
// instead, until the server says clear (code 4).
type limiter struct {
	mu      sync.Mutex
	classes map[uint16]*rateState
	groups  map[oscar.SNACType]uint16
}

type rateState struct {
	class  oscar.RateClass
	level  int64
	last   time.Time
	warned bool
	sent   int // SNACs recorded, for healEvery
}

// Bounds on what the server's classes can make the client do. The real
// server's levels are at most 8000 ms and its windows at most 80 SNACs;
// its longest honest wait (class 2, from just above disconnect up to
// clear) is about 2 minutes 41 s.
const (
	maxRateLevel  = 60_000 // ms: a level's average gap
	maxRateWindow = 1000   // SNACs in the moving average
	maxRateWait   = 3 * time.Minute
)

// sane returns c within the bounds a real server keeps: the levels in
// their order under a max of at most maxRateLevel, the window at most
// maxRateWindow. A level the moving average cannot reach (above max)
// would hold the class's SNACs for ever.
func sane(c oscar.RateClass) oscar.RateClass {
	c.Window = min(c.Window, maxRateWindow)
	c.Max = min(c.Max, maxRateLevel)
	c.Clear = min(c.Clear, c.Max)
	c.Alert = min(c.Alert, c.Clear)
	c.Limit = min(c.Limit, c.Alert)
	c.Disconnect = min(c.Disconnect, c.Limit)
	c.Current = min(c.Current, c.Max)
	return c
}

// healEvery is how often (in SNACs of one class) the limiter assumes the
// server's level lost a unit to jitter. At the real IM class's pace it
// costs 19 ms in 25 × 4 s, 0.02 %.
const healEvery = 25

func newLimiter() *limiter {
	return &limiter{classes: map[uint16]*rateState{}, groups: map[oscar.SNACType]uint16{}}
}

// set installs the classes of 01,07.
func (l *limiter) set(p *oscar.RateParams, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range p.Classes {
		c = sane(c)
		l.classes[c.ID] = &rateState{class: c, level: int64(c.Current), last: now}
	}
	for _, g := range p.Groups {
		for _, t := range g.Types {
			l.groups[t] = g.Class
		}
	}
}

// update applies a 01,0A. The level it carries is the server's after the
// last SNAC it counted; ours may count SNACs still on their way, and the
// server's may have lost a millisecond to jitter here and there: keep the
// lower of the two. It returns how long the class's next SNAC waits now.
func (l *limiter) update(m *oscar.RateChange, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := sane(m.Class)
	st, ok := l.classes[c.ID]
	if !ok {
		st = &rateState{level: int64(c.Current), last: now}
		l.classes[c.ID] = st
	}
	st.class = c
	if c := int64(c.Current); c > 0 {
		st.level = min(st.level, c)
	}
	switch m.Code {
	case oscar.RateLimited:
		st.warned = true
	case oscar.RateClear:
		st.warned = false
	}
	return st.delay(now, true)
}

// target is the lowest level the client lets a class reach with a SNAC
// sent now. quiet says that the server will not look at the class for
// tickGap after the SNAC arrives: Open OSCAR Server looks (its tick, which
// reports the status a SNAC would have at that moment, with 01,0A when it
// changed) only once a connection that can see the class has been quiet
// for a second (oscartest.rateTick cites the code); the SNAC itself
// restarts its own connection's tick, and the connection's peers
// (SharePacing) are sent a keepalive touchLead before it. Without that, a tick
// may come right after the SNAC and see (w-1)/w of the level.
func (st *rateState) target(quiet bool) int64 {
	if st.warned {
		return int64(st.class.Clear)
	}
	// The margin is how many units of level jitter may take between two
	// heals: 20 for the real IM class, at least 3 for fast test classes.
	lim := int64(st.class.Limit)
	floor := lim + max(lim/marginDiv, 3)
	w := int64(st.class.Window)
	if w <= 1 {
		return floor
	}
	if quiet { // a tick tickGap later sees ((w-1)×level + tickGap)/w
		return max(floor, (floor*w-tickGap.Milliseconds()+w-2)/(w-1))
	}
	return (floor*w + w - 2) / (w - 1) // ceil(floor × w / (w-1))
}

// tickGap is the least time between a SNAC's arrival and the server's
// next look at its class when the client keeps its connections quiet
// around it: the server's second after the connection's last frame, less
// touchLead (a peer's keepalive goes out up to that long before the SNAC)
// and 50 ms for a keepalive that reaches the server that much sooner
// than the SNAC it went ahead of.
const tickGap = time.Second - touchLead - 50*time.Millisecond

// touchLead is how long before a SNAC that needs the server quiet (see
// target) its connection's peers are asked for their keepalives. A
// keepalive held up on the way by less than this still arrives before the
// SNAC: the peer's old ticks, a second apart since its last keepalive,
// cannot come right after the SNAC.
const touchLead = 300 * time.Millisecond

// marginDiv sets the margin above the limit: limit/marginDiv units.
const marginDiv = 200

// delay returns how long to wait at now before sending a SNAC of type t,
// quiet or not (see target).
func (l *limiter) delay(t oscar.SNACType, now time.Time, quiet bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state(t).delay(now, quiet)
}

// delay returns how long to wait at now before the class's next SNAC: at
// most maxRateWait. A nil st (no class) never waits.
func (st *rateState) delay(now time.Time, quiet bool) time.Duration {
	if st == nil || st.class.Window == 0 {
		return 0
	}
	w := int64(st.class.Window)
	// The smallest whole-millisecond gap that keeps the level at target.
	// Timers never fire early, so the gap we record is at least this; the
	// server may see it a little shorter, which the target's margin covers.
	need := w*st.target(quiet) - (w-1)*st.level
	d := time.Duration(need)*time.Millisecond - now.Sub(st.last)
	return min(max(d, 0), maxRateWait)
}

// record counts a SNAC of type t sent at now.
func (l *limiter) record(t oscar.SNACType, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state(t)
	if st == nil || st.class.Window == 0 {
		return
	}
	w := int64(st.class.Window)
	gap := max(now.Sub(st.last).Milliseconds(), 0)
	st.level = min(((w-1)*st.level+gap)/w, int64(st.class.Max))
	st.last = now
	if st.sent++; st.sent%healEvery == 0 {
		st.level-- // assume jitter took one: the next gap gives it back
	}
}

func (l *limiter) state(t oscar.SNACType) *rateState {
	id, ok := l.groups[t]
	if !ok {
		return nil
	}
	return l.classes[id]
}

// classDelay returns how long to wait at now before the next SNAC of
// class id.
func (l *limiter) classDelay(id uint16, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.classes[id].delay(now, true)
}

// ClassWait returns how long the next SNAC of rate class id waits now, as
// the connection paces it (within sane bounds of the class, never over
// maxRateWait).
func (c *Conn) ClassWait(id uint16) time.Duration { return c.rates.classDelay(id, c.now()) }

// SharePacing tells c that the server also looks at c's rate classes on
// p's connection: Open OSCAR Server's chat navigation (and its other
// services but chat rooms) runs on the BOS session, and its loop's
// once-a-second tick reports the BOS classes' status too, at times of its
// own. So before a SNAC whose class the server must not look at right
// after it (see target), c's writer has each peer write a keepalive
// (which restarts that connection's tick) and waits for it to be written;
// a peer that has not within peerWait leaves c to the pace that is safe
// whenever the server looks. A peer that has ended is dropped; remove
// drops it sooner. c never closes p.
func (c *Conn) SharePacing(p *Conn) (remove func()) {
	c.mu.Lock()
	c.peers = append(c.peers, p)
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, q := range c.peers {
			if q == p {
				c.peers = append(c.peers[:i:i], c.peers[i+1:]...)
				return
			}
		}
	}
}

// peerWait bounds how long a SNAC waits for its connection's peers to
// write their keepalives.
const peerWait = 50 * time.Millisecond

// touchPeers has every peer write a keepalive now and reports whether all
// did within peerWait. With no peers it is true at once.
func (c *Conn) touchPeers() bool {
	c.mu.Lock()
	c.peers = slices.DeleteFunc(c.peers, func(p *Conn) bool { return p.ctx.Err() != nil }) // ended: no loop left to tick
	peers := slices.Clone(c.peers)
	c.mu.Unlock()
	if len(peers) == 0 {
		return true
	}
	t := time.NewTimer(peerWait)
	defer t.Stop()
	var dones []chan struct{}
	for _, p := range peers {
		done := make(chan struct{})
		select {
		case p.touch <- done:
			dones = append(dones, done)
		case <-p.ctx.Done():
			return false
		case <-c.ctx.Done():
			return false
		case <-t.C:
			return false
		}
	}
	for _, done := range dones {
		select {
		case <-done:
		case <-c.ctx.Done():
			return false
		case <-t.C:
			return false
		}
	}
	return true
}

// tight reports whether a SNAC of type t sent now needs the server not to
// look at its class right away: whether it would go below the target that
// holds whenever the server looks.
func (l *limiter) tight(t oscar.SNACType, now time.Time) bool {
	return l.delay(t, now, false) > 0
}
