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
// above the class's limit plus a margin for the difference between the
// gaps we see and the gaps the server sees. After a warning (01,0A code 2
// or 3) it aims for the clear level instead, until the server says clear.
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
}

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

// update applies a 01,0A.
func (l *limiter) update(m *oscar.RateChange, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.classes[m.Class.ID]
	if !ok {
		st = &rateState{}
		l.classes[m.Class.ID] = st
	}
	st.class = m.Class
	st.level = int64(m.Class.Current)
	st.last = now
	switch m.Code {
	case oscar.RateWarning, oscar.RateLimited:
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
	lim := int64(st.class.Limit)
	t := lim + max(lim/50, 2) // 2%: our clock and the server's see gaps differently
	if a := int64(st.class.Alert); t > a && a > lim {
		t = lim + (a-lim)/2
	}
	return t
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
	// The smallest whole-millisecond gap that keeps the level at target,
	// plus one: the server truncates the gap it measures.
	need := w*st.target() - (w-1)*st.level + 1
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
}

func (l *limiter) state(t oscar.SNACType) *rateState {
	id, ok := l.groups[t]
	if !ok {
		return nil
	}
	return l.classes[id]
}
