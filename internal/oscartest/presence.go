package oscartest

import (
	"slices"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// user is an account or a bot, and what the server keeps about it for its
// lifetime (all guarded by Server.mu).
type user struct {
	norm     string // normalized name, the map key
	name     string // registered (display) form
	password string
	account  bool
	bot      *bot
	warning  uint16 // tenths of a percent; kept across sessions
	profile  []byte // set by 02,04; kept across sessions
	feedbag  feedbag
	sess     *session // the current (newest) BOS session, ready or not
	// others are older sessions still open beside sess: the 2026 release
	// keeps them when both logins carried TLV 0x004A = 1.
	others []*session
	// announced: watchers were last told (03,0B) that the user is online.
	// A session kicked by a new login of the same name leaves it set, so
	// watchers see no 03,0C for a user who never really left.
	announced bool
	// offline are the IMs stored for the user while offline (2026
	// release), in the order stored; offlineCount is how many were stored
	// since the signon notice last told of them.
	offline      []storedIM
	offlineCount int
	// typingEvents: the account's buddy preferences say it wants typing
	// notifications (Session.TypingEventsEnabled, one per account on both
	// releases): its IMs carry TLV 0x000B (wantsTypingLocked).
	typingEvents bool
}

type bot struct {
	reply  func(from, text string) string
	signon time.Time
}

// session is one BOS session (guarded by Server.mu).
type session struct {
	conn      *conn
	user      *user
	multiConn bool   // the login carried TLV 0x004A = 1
	ready     bool   // 01,02 client ready handled
	long      bool   // the client sent 01,17: long rate-class layout
	oservice  uint16 // family 1 version from 01,17
	buddies   []string
	buddySet  map[string]bool // normalized names from 03,04
	away      []byte
	caps      []byte
	migrateTo string // Migrate's address, until the client acknowledges the pause
	hasCaps   bool
	idle      bool
	idleSince time.Time
	signon    time.Time
	rates     []rateState
	tickAt    time.Time     // when this connection's rate tick comes next (rates.go)
	feedbagOn bool          // 13,07: presence and privacy come from the feedbag
	inTxn     bool          // between 13,11 and 13,12
	pending   *presenceEdit // 2026: presence changes held until 13,12
	services  []*service    // chat navigation and room connections it asked for (chat.go)
}

// sessionsLocked returns every open session of u, newest first.
func (u *user) sessionsLocked() []*session {
	if u.sess == nil {
		return nil
	}
	out := []*session{u.sess}
	for i := len(u.others) - 1; i >= 0; i-- {
		out = append(out, u.others[i])
	}
	return out
}

// liveReadyLocked returns a session of u that sent 01,02 and is open, the
// newest one first (nil if none).
func (u *user) liveReadyLocked() *session {
	for _, ss := range u.sessionsLocked() {
		if ss.ready && ss.live() {
			return ss
		}
	}
	return nil
}

// Limits on what a client can make the server keep.
const (
	maxBuddies = 1000
)

// live reports whether the session can still be talked to.
func (ss *session) live() bool { return !ss.conn.closing }

// watchesLocked reports whether ss wants presence of the user norm: its
// feedbag buddies once it sent 13,07, else its 03,04 names.
func (ss *session) watchesLocked(norm string) bool {
	if ss.feedbagOn {
		return ss.user.feedbag.hasBuddy(norm)
	}
	return ss.buddySet[norm]
}

// watchListLocked returns the names ss watches: the feedbag's buddies
// once it sent 13,07, else its 03,04 names.
func (ss *session) watchListLocked() []string {
	if ss.feedbagOn {
		return ss.user.feedbag.buddies()
	}
	return slices.Clone(ss.buddies)
}

// userInfoLocked is u's user info block as the real server sends it in
// 01,0F, 03,0B, 04,07 and 02,06: the registered name, the warning level and
// TLVs 3 (signon time), 1 (class 0x0011, 0x0031 when away), 6 (status 0),
// 4 (idle minutes, when idle), 0x0D (capabilities, when set), 0x1E (0).
func (s *Server) userInfoLocked(u *user) oscar.UserInfo {
	var signon time.Time
	class := uint16(oscar.ClassFree | oscar.ClassUnconfirmed)
	ss := u.sess
	switch {
	case u.bot != nil:
		signon, ss = u.bot.signon, nil
	case ss != nil:
		signon = ss.signon
		if len(ss.away) > 0 {
			class |= oscar.ClassAway
		}
	}
	var b []byte
	b = oscar.AppendTLVUint32(b, oscar.UserTLVSignonTime, uint32(signon.Unix()))
	b = oscar.AppendTLVUint16(b, oscar.UserTLVClass, class)
	b = oscar.AppendTLVUint32(b, oscar.UserTLVStatus, 0)
	if since, idle := idleSinceLocked(u); idle && ss != nil {
		mins := s.now().Sub(since) / time.Minute
		b = oscar.AppendTLVUint16(b, oscar.UserTLVIdleMinutes, uint16(min(max(mins, 0), 0xFFFF)))
	}
	if ss != nil && ss.hasCaps && len(ss.caps) > 0 {
		b = oscar.AppendTLV(b, oscar.UserTLVCapabilities, ss.caps)
	}
	b = oscar.AppendTLVUint32(b, tlvMySubscriptions, 0)
	return oscar.UserInfo{ScreenName: u.name, WarningLevel: u.warning, TLVs: oscar.TLVList(b)}
}

// idleSinceLocked says whether u is idle and since when, as 01,11 set it
// (Open OSCAR Server's OServiceService.IdleNotification): idle only when
// every open session of u is, since the latest of their idle times (the
// 2026 release's Session.Idle and mostRecentIdleTime; the 2025 release
// has one session).
func idleSinceLocked(u *user) (since time.Time, idle bool) {
	for _, ss := range u.sessionsLocked() {
		if !ss.live() {
			continue
		}
		if !ss.idle {
			return time.Time{}, false
		}
		if !idle || ss.idleSince.After(since) {
			since, idle = ss.idleSince, true
		}
	}
	return since, idle
}

// tlvMySubscriptions is user info TLV 0x001E, a u32 0 in every capture.
const tlvMySubscriptions = 0x001E

// departedInfo is the block of 03,0C: the normalized name, warning 0 and a
// class of 0.
func departedInfo(u *user) oscar.UserInfo {
	return oscar.UserInfo{ScreenName: u.norm, TLVs: oscar.TLVList(oscar.AppendTLVUint16(nil, oscar.UserTLVClass, 0))}
}

// readySessionsLocked calls fn for every live session that sent 01,02.
func (s *Server) readySessionsLocked(fn func(*session)) {
	for _, u := range s.users {
		for _, ss := range u.sessionsLocked() {
			if ss.ready && ss.live() {
				fn(ss)
			}
		}
	}
}

// announceLocked sends 03,0B with u's info to every ready session that
// watches u and may see it, except except.
func (s *Server) announceLocked(u *user, except *session) {
	if u.bot == nil && u.liveReadyLocked() == nil {
		return
	}
	info := s.userInfoLocked(u)
	s.readySessionsLocked(func(w *session) {
		if w != except && w.user != u && w.watchesLocked(u.norm) && visibleLocked(u, w.user) {
			w.conn.sendMsg(reqIDServer, &oscar.BuddyArrived{Info: info})
		}
	})
	u.announced = true
}

// departLocked sends 03,0C for u to every ready session that watches it.
func (s *Server) departLocked(u *user) {
	info := departedInfo(u)
	s.readySessionsLocked(func(w *session) {
		if w.user != u && w.watchesLocked(u.norm) && visibleLocked(u, w.user) {
			w.conn.sendMsg(reqIDServer, &oscar.BuddyDeparted{Info: info})
		}
	})
	u.announced = false
}

// sendArrivalLocked tells ss that the user norm is online, if it is and
// the two may see each other.
func (s *Server) sendArrivalLocked(ss *session, norm string) {
	if b := s.onlineLocked(norm); b != nil && b != ss.user && visibleLocked(b, ss.user) {
		ss.conn.sendMsg(reqIDServer, &oscar.BuddyArrived{Info: s.userInfoLocked(b)})
	}
}

// endSessionLocked runs when a BOS connection ends.
func (s *Server) endSessionLocked(ss *session) {
	s.endServicesLocked(ss)
	u := ss.user
	if i := slices.Index(u.others, ss); i >= 0 { // an older session of several
		u.others = slices.Delete(u.others, i, i+1)
		s.announceLocked(u, nil) // buddies get 03,0B, not 03,0C, while one stays
		return
	}
	if u.sess != ss { // replaced by a newer login of the same name
		return
	}
	u.sess = nil
	if n := len(u.others); n > 0 {
		u.sess, u.others = u.others[n-1], u.others[:n-1]
		s.announceLocked(u, nil)
		return
	}
	if u.announced && u.bot == nil {
		s.departLocked(u)
	}
}

// kickLocked ends ss the way the real server does when the same name signs
// on again (see Server.Kick).
func (s *Server) kickLocked(ss *session) {
	c := ss.conn
	if c.closing {
		return
	}
	s.logf("oscartest: kicking %s (%s)", c.name, c.remote)
	if ss.multiConn && !s.BareKicks {
		d := oscar.Disconnect{Reason: oscar.DisconnectSignedOnElsewhere, URL: kickURL}
		c.sendFrame(oscar.ChannelSignoff, d.AppendTo(nil))
		c.closeAfterLocked()
		s.endSessionLocked(ss)
		return
	}
	c.enqueue(outItem{kind: itemKickBare})
	c.closing = true
	s.endSessionLocked(ss) // offline now, not when the client closes its side
}
