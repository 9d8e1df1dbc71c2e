package bos

import (
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
// above the class's limit plus a margin. The margin is for the gaps the
// server measures shorter than ours (jitter on the way): each can cost a
// unit of level, and the rounding down never gives it back while gaps
// stay under level+window. So every healEvery SNACs the limiter also
// assumes one unit lost and leaves one gap window-1 ms longer, which gives
// it back if it was lost and changes nothing if it was not.
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
// lower of the two.
func (l *limiter) update(m *oscar.RateChange, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.classes[m.Class.ID]
	if !ok {
		st = &rateState{level: int64(m.Class.Current), last: now}
		l.classes[m.Class.ID] = st
	}
	st.class = m.Class
	if c := int64(m.Class.Current); c > 0 {
		st.level = min(st.level, c)
	}
	switch m.Code {
	case oscar.RateLimited:
		st.warned = true
	case oscar.RateClear:
		st.warned = false
	}
}

// target is the lowest level the client lets a class reach.
func (st *rateState) target() int64 {
	if st.warned {
		return int64(st.class.Clear)
	}
	// The margin is how many units of level jitter may take between two
	// heals: 80 for the real IM class, at least 3 for fast test classes.
	lim := int64(st.class.Limit)
	return lim + max(lim/50, 3)
}

// delay returns how long to wait at now before sending a SNAC of type t.
func (l *limiter) delay(t oscar.SNACType, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state(t)
	if st == nil || st.class.Window == 0 {
		return 0
	}
	w := int64(st.class.Window)
	// The smallest whole-millisecond gap that keeps the level at target.
	// Timers never fire early, so the gap we record is at least this; the
	// server may see it a little shorter, which the target's margin covers.
	need := w*st.target() - (w-1)*st.level
	d := time.Duration(need)*time.Millisecond - now.Sub(st.last)
	return max(d, 0)
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
