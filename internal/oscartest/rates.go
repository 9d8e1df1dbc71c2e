package oscartest

import (
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// defaultRatesHex is the body of the 01,07 in flap-login-signon.txt (short
// layout): 5 classes, then 5 groups (class 1: 209 SNAC types, 2: 7, 3: 2 =
// 02,05 and 04,06, 4: 2, 5: none).
const defaultRatesHex = "" +
	"0005000100000050000009c4000007d0000005dc00000320000017250000177000020000005000000bb8000007d00000" +
	"05dc000003e80000177000001770000300000014000013ec0000138800000fa000000bb8000017700000177000040000" +
	"00140000157c000014b40000106800000bb800001f4000001f4000050000000a0000157c000014b40000106800000bb8" +
	"00001f4000001f40000100d1000600010006000200060003000900010009000200090004000900090009000a0009000b" +
	"00090003001000010010000200100004001000060008000100080002000b0001000b0002000b0003000b000400130017" +
	"00130018001300200013002100130004001300140013001a0013001b0013002300130025001300020013000600130008" +
	"0013000b0013001100130019001300010013000a0013000e001300150013002200130027001300070013000c0013000d" +
	"001300130013001d00130024001300030013001c0013001e0013001f001300090013001200130016001300050013000f" +
	"001300100013002600130028001500010015000200150003000d0003000d0004000d0005000d0006000d0008000d0009" +
	"000d0002000d0007000d0001000f0001000f0002000f0003000f0004001700080017000a0017000c0017000100170002" +
	"00170004001700060018000d0018000e0018000f00180011001800160018000800180017001800010018000400180007" +
	"0018000a00180010001800150018000200180006001800120002001300020015000200070002000d0002001100020014" +
	"000200010002000200020004000200080002000a0002000e0002001200020003000200060002000c0002000f00020010" +
	"000400070004000a0004000b00040011000400140004000100040002000400030004000c0004000e0004000f00040013" +
	"0004000400040005000400080004000900040010000400120004000d0005000100050002000500030007000100070002" +
	"00070003000700060007000900070004000700050007000700070008000a0001000a0002000a0003000c0003000c0001" +
	"000c0002000e0004000e0009000e0001000e0002000e0003000e0006000e0007000e00080001001f0001002200010010" +
	"00010011000100160001001b0001000c000100200001001e000100030001000600010013000100150001002100010001" +
	"0001000500010008000100090001000d0001000e0001000f00010014000100020001000b0001001a0001002300010004" +
	"00010012000100170001001c0001001d000100070001000a000100180001001900030008000300090003000f00030010" +
	"0003000100030003000300070003000a0003000b0003000c000300020003000600020007000900070009000800090005" +
	"00090006000e0005000300040003000500030002000200050004000600040002000200090002000b00050000"

// DefaultRates returns the rate classes and groups the real server
// announces, decoded from the capture. Each class's Current is set to its
// Max: the real server starts every class there (the capture's 5925 for
// class 1 is the level after the 01,06 that asked for the rates).
func DefaultRates() oscar.RateParams {
	var p oscar.RateParams
	if err := p.DecodeLayout(mustHex(defaultRatesHex), false); err != nil {
		panic("oscartest: default rates: " + err.Error())
	}
	for i := range p.Classes {
		p.Classes[i].Current = p.Classes[i].Max
	}
	return p
}

// RateStatus is a class's status as Open OSCAR Server computes it.
type RateStatus int

// Rate statuses.
const (
	RateClear RateStatus = iota
	RateAlert
	RateLimited
	RateDisconnect
)

// Code is the 01,0A code that reports the status (0 for RateDisconnect,
// which the server does not report: it hangs up).
func (st RateStatus) Code() uint16 {
	switch st {
	case RateClear:
		return oscar.RateClear
	case RateAlert:
		return oscar.RateWarning
	case RateLimited:
		return oscar.RateLimited
	}
	return 0
}

// RateModel is one rate class of one session as Open OSCAR Server keeps
// it (both releases): the level, a moving average of the milliseconds
// between SNACs, computed on each SNAC that arrives (Evaluate, dropped
// ones included); and the status the server's once-a-second tick reports
// with 01,0A when it changed (Observe). oscartest's server runs it, and
// so do the client's simulations (internal/flapconn), so both agree with
// the real server.
type RateModel struct {
	Class   oscar.RateClass // effective parameters: a warned user's IM class is tighter
	Level   int32           // after the last SNAC, in ms
	Last    time.Time       // when the last SNAC arrived
	Limited bool            // SNACs are dropped until the level is back at clear
	Status  RateStatus      // the status last computed, by a SNAC or the tick
	seen    RateStatus      // the status the tick last reported
}

// NewRateModel is a class as a session starts it: at its Current level
// (Max if none), at now.
func NewRateModel(c oscar.RateClass, now time.Time) RateModel {
	m := RateModel{Class: c, Level: int32(c.Current), Last: now}
	if c.Current == 0 || c.Current > c.Max {
		m.Level = int32(c.Max)
	}
	return m
}

// next is the server's moving average after a SNAC at now: new =
// ((window-1) × old + gap in whole ms) / window in integer math, capped
// at max; and the status that level gives. While limited, only a level
// back at clear ends it.
func (m *RateModel) next(now time.Time) (RateStatus, int32) {
	c := &m.Class
	gap := max(now.Sub(m.Last).Milliseconds(), 0)
	w := max(int64(c.Window), 1)
	avg := min((int64(m.Level)*(w-1)+gap)/w, int64(c.Max))
	switch {
	case avg < int64(c.Disconnect):
		return RateDisconnect, int32(avg)
	case m.Limited && avg >= int64(c.Clear):
		return RateClear, int32(avg)
	case m.Limited, avg < int64(c.Limit):
		return RateLimited, int32(avg)
	case avg < int64(c.Alert):
		return RateAlert, int32(avg)
	}
	return RateClear, int32(avg)
}

// Evaluate counts a SNAC of the class arriving at now and returns the
// status: RateLimited means the server drops it, RateDisconnect that it
// hangs up.
func (m *RateModel) Evaluate(now time.Time) RateStatus {
	st, level := m.next(now)
	m.Level, m.Last, m.Status = level, now, st
	m.Limited = st == RateLimited
	return st
}

// Observe is the server's tick: the status the class would have if a SNAC
// came at now (without counting one), a limited class back at clear
// taking that level. It returns the status and whether it differs from
// the one the last tick reported: then the server sends 01,0A with its
// code and the class's level.
func (m *RateModel) Observe(now time.Time) (RateStatus, bool) {
	st, level := m.next(now)
	m.Status = st
	if m.Limited && st == RateClear {
		m.Limited, m.Level = false, level
	}
	changed := st != m.seen
	m.seen = st
	return st, changed
}

// rateState is one class's level in one session.
type rateState struct {
	RateModel
}

// buildRateIndex maps SNAC types to classes (at Start).
func (s *Server) buildRateIndex() {
	s.classOf = make(map[oscar.SNACType]int)
	s.imClass = -1
	for _, g := range s.Rates.Groups {
		for i, c := range s.Rates.Classes {
			if c.ID != g.Class {
				continue
			}
			for _, t := range g.Types {
				if _, dup := s.classOf[t]; !dup {
					s.classOf[t] = i
				}
			}
		}
	}
	if i, ok := s.classOf[oscar.TypeICBMSend]; ok {
		s.imClass = i
	}
}

// newRatesLocked makes a session's classes: each starts at its Current (or
// Max), and a warned user's IM class is tightened by its warning level.
func (s *Server) newRatesLocked(u *user, now time.Time) []rateState {
	s.stirRatesLocked()
	rs := make([]rateState, len(s.Rates.Classes))
	for i, c := range s.Rates.Classes {
		rs[i] = rateState{NewRateModel(c, now)}
		if i == s.imClass && u.warning > 0 {
			rs[i].Class = scaleClass(c, c, int16(u.warning))
		}
	}
	return rs
}

// scaleClass tightens a class for a warning increment of incr tenths of a
// percent, as the real server does: limit, clear and alert move toward
// max-150 by incr/1000 of their original distance to it (float32 math).
func scaleClass(cur, orig oscar.RateClass, incr int16) oscar.RateClass {
	pct := float32(incr) / 1000
	top := int32(orig.Max) - 150
	scale := func(v, o uint32) uint32 {
		n := int32(v) + int32(float32(top-int32(o))*pct)
		return uint32(min(max(n, int32(o)), int32(orig.Max)))
	}
	cur.Limit = scale(cur.Limit, orig.Limit)
	cur.Clear = scale(cur.Clear, orig.Clear)
	cur.Alert = scale(cur.Alert, orig.Alert)
	return cur
}

// classIndex returns the class of a SNAC type: its group's, or the first
// class for types no group lists.
func (s *Server) classIndex(t oscar.SNACType) int {
	if i, ok := s.classOf[t]; ok {
		return i
	}
	return 0
}

// rateCheckLocked counts one SNAC against its class. With EnforceRates it
// reports whether to drop the SNAC or to close the connection. Changes of
// status are reported only by the connection's tick (tickLocked), as the
// real server does: a class that becomes limited hears so a second after
// the client goes quiet (fact 27), its SNACs dropped meanwhile.
func (s *Server) rateCheckLocked(ss *session, t oscar.SNACType) (drop, disconnect bool) {
	if len(ss.rates) == 0 {
		return false, false
	}
	s.stirRatesLocked()
	rs := &ss.rates[s.classIndex(t)]
	now := s.now()
	if !s.EnforceRates { // the level still moves, for the 01,07 and 01,0A it is in
		_, rs.Level = rs.next(now)
		rs.Last = now
		return false, false
	}
	st := rs.Evaluate(now)
	if st == RateDisconnect {
		s.logf("oscartest: bos %s: rate class %d below disconnect (%d); closing", ss.conn.name, rs.Class.ID, rs.Level)
		return false, true
	}
	return st == RateLimited, false
}

// rateTick is how long after the last frame a connection's tick comes,
// and how often it comes again while no frame does.
//
// Open OSCAR Server (both releases, server/oscar/server.go,
// dispatchIncomingMessages) runs one loop per connection that selects
// between the next frame read and `time.After(1 * time.Second)`, a timer
// made anew on every pass: so the tick (RateLimitUpdates, which runs
// ObserveRateChanges and sends 01,0A for each class whose status changed)
// comes only once the connection has been quiet for a second, and then
// once a second, never on a SNAC. Every frame restarts it, keepalives
// included. Chat navigation's connection runs the same loop on the BOS
// session's classes (RetrieveBOSSession), so it ticks on them too, at its
// own times; a chat room's has a session of its own.
const rateTick = time.Second

// frameLocked is a frame from the client on ss's connection at now: the
// ticks due before it come first, and the next one is a second after it.
func (s *Server) frameLocked(ss *session, now time.Time) {
	s.stirRatesLocked()
	if !s.EnforceRates || len(ss.rates) == 0 {
		return
	}
	s.tickLocked(ss, now)
	ss.tickAt = now.Add(rateTick)
}

// maxCatchUp bounds the ticks one call runs when the server's clock
// jumped: by then a class's level has long reached its max.
const maxCatchUp = 600

// tickLocked runs ss's connection's ticks due by now, each at its own
// time, as the real server's loop would have: the status each class would
// have if a SNAC came then (without counting one), and 01,0A with its code
// on this connection for each status that differs from the last one any
// tick of the session reported.
func (s *Server) tickLocked(ss *session, now time.Time) {
	for n := 0; !ss.tickAt.After(now); n++ {
		at := ss.tickAt
		if n == maxCatchUp {
			at = now
		}
		for i := range ss.rates {
			if st, changed := ss.rates[i].Observe(at); changed && st.Code() != 0 {
				s.sendRateChangeLocked(ss, st.Code(), i)
			}
		}
		ss.tickAt = at.Add(rateTick)
	}
}

// sendRateChangeLocked sends 01,0A with code and class i's parameters and
// current level (long layout after 01,17).
func (s *Server) sendRateChangeLocked(ss *session, code uint16, i int) {
	rs := &ss.rates[i]
	c := rs.Class
	c.Current = uint32(max(rs.Level, 0))
	c.LastTime, c.State = uint32(s.now().Unix()), 0
	ss.conn.sendMsg(reqIDServer, &oscar.RateChange{Code: code, Long: ss.long, Class: c})
}

// rateParamsLocked is 01,07 for ss: its classes at their current levels,
// long layout after 01,17 (last time = now, state 0), then the groups.
func (s *Server) rateParamsLocked(ss *session) *oscar.RateParams {
	p := &oscar.RateParams{Long: ss.long, Groups: s.Rates.Groups, Classes: make([]oscar.RateClass, len(ss.rates))}
	now := uint32(s.now().Unix())
	for i, rs := range ss.rates {
		c := rs.Class
		c.Current = uint32(max(rs.Level, 0))
		if ss.long {
			c.LastTime, c.State = now, 0
		} else {
			c.LastTime, c.State = 0, 0
		}
		p.Classes[i] = c
	}
	return p
}

// rateTickerPoll is how often rateTicker looks for ticks due: each runs
// at its own time whenever it is looked at (tickLocked), so this only
// bounds how late its 01,0A goes out.
const rateTickerPoll = 100 * time.Millisecond

// rateTicker runs the connections' ticks (tickLocked) as they fall due, on
// BOS and service connections, so a client that went quiet still hears
// that its classes cleared. It looks every rateTickerPoll, at the same
// instants from its start, while a tick could still report something
// (ratesSettled); once none can, it sleeps until the rates are
// stirred (stirRatesLocked: a frame, a SNAC counted, a warning, a new
// session), so an idle server costs nothing while a clock, fake or real,
// runs on for hours.
func (s *Server) rateTicker() {
	defer s.wg.Done()
	start := time.Now()
	next := func() time.Duration { return rateTickerPoll - time.Since(start)%rateTickerPoll }
	t := time.NewTimer(next())
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		s.rateLooks++
		settled := true
		if s.EnforceRates {
			now := s.now()
			s.readySessionsLocked(func(ss *session) {
				s.tickLocked(ss, now)
				settled = settled && ss.ratesSettled()
				for _, svc := range ss.services {
					if !svc.conn.closing {
						s.tickLocked(svc.rates, now)
						settled = settled && svc.rates.ratesSettled()
					}
				}
			})
		}
		s.mu.Unlock()
		if settled { // no tick can change anything until the rates move
			select {
			case <-s.stop:
				return
			case <-s.ratesStirred:
			}
		}
		t.Reset(next())
	}
}

// stirRatesLocked wakes rateTicker if it sleeps: something may have moved
// a rate level, a class or the sessions it ticks. A wake that finds
// nothing to do costs one look.
func (s *Server) stirRatesLocked() {
	select {
	case s.ratesStirred <- struct{}{}:
	default:
	}
}

// ratesSettled reports whether no tick of ss's connection can send or
// change anything until a SNAC moves a level: every class is clear, last
// reported clear, and clear at its next tick. A class's average only
// rises while no SNAC comes (next), so it stays clear at every later
// tick, each of which would then find it unchanged.
func (ss *session) ratesSettled() bool {
	for i := range ss.rates {
		m := &ss.rates[i].RateModel
		if m.Limited || m.Status != RateClear || m.seen != RateClear {
			return false
		}
		if st, _ := m.next(ss.tickAt); st != RateClear {
			return false
		}
	}
	return true
}

// secondsDuration converts a u32 count of seconds.
func secondsDuration(n uint32) time.Duration { return time.Duration(n) * time.Second }
