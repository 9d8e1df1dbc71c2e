package oscartest

import (
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// reqIDServer is the request id of SNACs the server starts (03,0B, 04,07,
// 0B,02, 01,0A, ...).
const reqIDServer = 0x80000000

// hostFamilies are the families of 01,03, in the real server's order.
var hostFamilies = []uint16{0x18, 0x10, 0x03, 0x13, 0x04, 0x15, 0x02, 0x01, 0x09, 0x0A, 0x06, 0x08, 0x0B}

// Reply bodies copied from the captures.
var (
	locateRightsBody  = mustHex("0001000203e80002000203e80003000203e80004000203e80005000203e8")
	buddyRightsBody   = mustHex("000100020064000200020064000300020064000400020064")
	privacyRightsBody = mustHex("000200020064000100020064000300020064")
	feedbagRightsBody = mustHex("0003000200c80004002a003d003d00640064000100010032000000000003000000000000008000ff" +
		"001400c800010000000100c80005000200c80006000200c80007000200c80008000200c80009000200c8" +
		"000a000200c8000c000200c8000d000200c8000e00020064")
	icbmParams = oscar.ICBMParamsReply{Channel: 100, Flags: 3, MaxMessageLen: 512, MaxSenderWarn: 999, MaxReceiverWarn: 999}
)

// profileMIME is the MIME type the real server puts in every 02,06,
// whatever the client sent.
const profileMIME = `text/aolrtf; charset="us-ascii"`

// Warning increments of 04,08, in tenths of a percent.
const (
	warnNamed     = 100
	warnAnonymous = 30
	maxWarning    = 1000
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// handleBOS handles one client frame on a BOS connection. It returns false
// to close the connection at once.
func (c *conn) handleBOS(f oscar.Frame) bool {
	s := c.srv
	if c.svc != nil { // set by this goroutine: a chat navigation or room connection
		return c.handleService(f)
	}
	if f.Channel != oscar.ChannelSignon {
		s.mu.Lock()
		if c.sess != nil {
			s.frameLocked(c.sess, s.now())
		}
		s.mu.Unlock()
	}
	switch f.Channel {
	case oscar.ChannelSignon:
		s.mu.Lock()
		defer s.mu.Unlock()
		if c.sess == nil && !s.serviceSignonLocked(c, f.Payload) {
			s.bosSignonLocked(c, f.Payload)
		}
		return true
	case oscar.ChannelSNAC:
	case oscar.ChannelSignoff: // logout: nothing back, close at once
		s.mu.Lock()
		if c.sess != nil { // offline before the client sees the close
			s.endSessionLocked(c.sess)
		}
		c.closeLocked()
		s.mu.Unlock()
		return true
	default: // keepalives and unknown channels get nothing
		return true
	}
	snac, err := oscar.ParseSNAC(f.Payload)
	s.mu.Lock()
	ss := c.sess
	if err != nil || ss == nil {
		s.logf("oscartest: bos %s (%s): closing: SNAC before the cookie or malformed SNAC (%v)", c.remote, c.name, err)
		s.mu.Unlock()
		return false
	}
	drop, disconnect := s.rateCheckLocked(ss, snac.Type())
	var post func()
	if !drop && !disconnect {
		post = s.dispatchLocked(ss, snac)
	}
	s.mu.Unlock()
	if disconnect {
		return false
	}
	if post != nil {
		post()
	}
	return true
}

// bosSignonLocked takes the cookie of the client's channel-1 frame. An
// unknown cookie gets nothing but the acknowledge already sent, and the
// connection closes.
func (s *Server) bosSignonLocked(c *conn, payload []byte) {
	var bs oscar.BOSSignon
	var t *ticket
	if bs.Decode(payload) == nil {
		t = s.takeCookieLocked(bs.Cookie)
	}
	if t == nil || s.users[t.user.norm] != t.user || !t.user.account || t.user.bot != nil {
		s.logf("oscartest: bos %s: unknown cookie; closing", c.remote)
		c.closeAfterLocked()
		return
	}
	u := t.user
	now := s.now()
	ss := &session{
		conn:      c,
		user:      u,
		multiConn: t.multiConn,
		buddySet:  make(map[string]bool),
		signon:    now,
		tickAt:    now.Add(rateTick),
		rates:     s.newRatesLocked(u, now),
	}
	c.sess, c.name, c.norm = ss, u.name, u.norm
	c.nc.SetReadDeadline(time.Time{}) // a session may stay silent for ever, as real ones do
	s.lastBOS[u.norm] = c
	old := u.sess
	u.sess = ss
	if old == nil || !(s.Release == Release2026 && ss.multiConn && old.multiConn && old.live()) {
		u.typingEvents = false // a new Session: off until its list says
	}
	switch {
	case old == nil:
	case s.Release == Release2026 && ss.multiConn && old.multiConn && old.live():
		u.others = append(u.others, old) // both stay
	default:
		others := u.others
		u.others = nil
		for _, o := range others {
			s.kickLocked(o)
		}
		s.kickLocked(old) // the same name signed on again
	}
	c.sendMsg(reqIDServer, &oscar.HostReady{Families: hostFamilies})
	s.notifyLocked()
}

// dispatchLocked answers one SNAC. It may return work to do after the lock
// is released (a bot's reply).
func (s *Server) dispatchLocked(ss *session, snac oscar.SNAC) func() {
	c, u, id := ss.conn, ss.user, snac.RequestID
	switch snac.Type() {
	// 01: OService
	case oscar.TypeClientVersions: // 01,17 → 01,18, the same body
		var m oscar.ClientVersions
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			ss.long = true
			for _, v := range m.Versions {
				if v.Family == oscar.FamilyOService {
					ss.oservice = v.Version
				}
			}
			c.sendBody(oscar.TypeHostVersions, id, snac.Body)
			s.motdLocked(ss)
		}
	case oscar.TypePauseAck:
		s.pauseAckLocked(ss)
	case oscar.TypeRateRequest:
		c.sendMsg(id, s.rateParamsLocked(ss))
	case oscar.TypeRateAck:
		if s.imClass >= 0 && u.warning > 0 { // a warned user's tighter IM class
			s.sendRateChangeLocked(ss, oscar.RateChanged, s.imClass)
		}
	case oscar.TypeSelfInfoRequest, typeSetUserInfoFields:
		c.sendMsg(id, s.selfInfoLocked(ss))
	case oscar.TypeClientReady:
		s.clientReadyLocked(ss)
	case oscar.TypeSetIdle:
		var m oscar.SetIdle
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			ss.idle = m.Seconds > 0
			ss.idleSince = s.now().Add(-secondsDuration(m.Seconds))
			s.announceLocked(u, nil)
		}
	case typeSetPrivacyFlags:
	case oscar.TypeServiceRequest: // chat navigation and rooms: chat.go
		s.serviceRequestLocked(ss, snac)

	// 02: Locate
	case oscar.TypeLocateRightsReq:
		c.sendMsg(id, &oscar.LocateRights{TLVs: locateRightsBody})
	case oscar.TypeSetInfo:
		var m oscar.SetInfo
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			if m.HasProfile {
				u.profile = append([]byte(nil), m.Profile...)
			}
			if m.HasCaps {
				ss.caps, ss.hasCaps = append([]byte(nil), m.Caps...), true
			}
			if m.HasAway {
				ss.away = append([]byte(nil), m.Away...)
				s.announceLocked(u, nil)
			}
		}
	case oscar.TypeUserInfoQuery:
		var m oscar.UserInfoQuery
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			s.userInfoReplyLocked(ss, id, m.ScreenName, uint32(m.Type))
		}
	case oscar.TypeLocateDirInfo: // 02,15: u32 flags, then the name
		if len(snac.Body) < 5 || int(snac.Body[4]) != len(snac.Body)-5 {
			s.badSNACLocked(ss, snac)
			break
		}
		s.userInfoReplyLocked(ss, id, string(snac.Body[5:]), binary.BigEndian.Uint32(snac.Body))

	// 03: Buddy
	case oscar.TypeBuddyRightsReq:
		c.sendMsg(id, &oscar.BuddyRights{TLVs: buddyRightsBody})
	case oscar.TypeAddBuddies:
		var m oscar.AddBuddies
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			for _, name := range m.Names {
				n := screenname.Normalize(name)
				if ss.buddySet[n] || len(ss.buddies) >= maxBuddies || n == "" {
					continue
				}
				ss.buddySet[n] = true
				ss.buddies = append(ss.buddies, n)
				if ss.ready {
					s.sendArrivalLocked(ss, n)
				}
			}
			s.notifyLocked()
		}
	case oscar.TypeRemoveBuddies:
		var m oscar.RemoveBuddies
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			for _, name := range m.Names {
				n := screenname.Normalize(name)
				if !ss.buddySet[n] {
					continue
				}
				delete(ss.buddySet, n)
				for i, b := range ss.buddies {
					if b == n {
						ss.buddies = append(ss.buddies[:i], ss.buddies[i+1:]...)
						break
					}
				}
				// The real server re-sends the remover's presence to the
				// removed user (no 03,0C to the remover).
				if b := s.onlineLocked(n); b != nil && b.sess != nil && ss.ready && b.sess.watchesLocked(u.norm) {
					b.sess.conn.sendMsg(reqIDServer, &oscar.BuddyArrived{Info: s.userInfoLocked(u)})
				}
			}
		}

	// 04: ICBM
	case oscar.TypeSetICBMParams:
	case oscar.TypeICBMParamsReq:
		m := icbmParams
		c.sendMsg(id, &m)
	case oscar.TypeICBMSend:
		return s.sendIMLocked(ss, snac)
	case oscar.TypeWarnRequest:
		var m oscar.WarnRequest
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			s.warnLocked(ss, id, m)
		}
	case oscar.TypeTyping:
		var m oscar.Typing
		if s.decodeOK(ss, snac, m.Decode(snac.Body)) {
			s.relayTypingLocked(u, id, m)
		}
	case oscar.TypeICBMClientErr: // 04,0B: relayed like typing
		s.relayClientErrLocked(ss, snac)
	case oscar.TypeOfflineRetrieve: // offline.go
		s.offlineRetrieveLocked(ss, id)

	// 09: PermitDeny
	case oscar.TypePrivacyRightsReq:
		c.sendMsg(id, &oscar.PrivacyRights{TLVs: privacyRightsBody})
	case oscar.TypeSetPermitMask, oscar.TypeAddDeny, typeAddPermit, typeDelPermit, typeDelDeny:

	// 0B: Stats
	case oscar.TypeStatsReport:

	// 13: Feedbag; 15: ICQ
	case oscar.TypeFeedbagRightsReq, oscar.TypeFeedbagQuery, oscar.TypeFeedbagQueryIfModified, oscar.TypeFeedbagUse,
		oscar.TypeFeedbagInsertItem, oscar.TypeFeedbagUpdateItem, oscar.TypeFeedbagDeleteItem,
		oscar.TypeFeedbagStartCluster, oscar.TypeFeedbagEndCluster:
		s.feedbagLocked(ss, snac)
	case typeICQQuery:
		s.icqLocked(ss, snac)

	default:
		c.sendMsg(id, &oscar.SNACError{Family: snac.Family, Code: oscar.ErrCodeInvalidSNAC})
	}
	return nil
}

// relayTypingLocked relays a typing notification (04,14) from u as Open
// OSCAR Server's ICBMService.ClientEvent does: dropped, with no answer,
// when either user blocks the other or the recipient is offline;
// otherwise sent on with the sender's registered name and its own request
// id (im-and-presence.txt). Neither release looks at the buddy
// preferences' typing bit for it (that bit only adds TLV 0x0B to the
// sender's IMs). The 2025 release sends it to the recipient's session;
// the 2026 release only to its active sessions, those neither idle nor
// away (RelayToScreenNameActiveOnly).
func (s *Server) relayTypingLocked(u *user, id uint32, m oscar.Typing) {
	r := s.onlineLocked(screenname.Normalize(m.ScreenName))
	if r == nil || r.sess == nil || !visibleLocked(u, r) {
		return
	}
	m.ScreenName = u.name
	for _, rs := range r.sessionsLocked() {
		if !rs.ready || !rs.live() {
			continue
		}
		if s.Release == Release2026 && (rs.idle || len(rs.away) > 0) {
			continue
		}
		rs.conn.sendMsg(id, &m)
	}
}

// SNAC types the codec has no name for.
const (
	typeSetPrivacyFlags   oscar.SNACType = 0x0001_0014
	typeSetUserInfoFields oscar.SNACType = 0x0001_001E
	typeAddPermit         oscar.SNACType = 0x0009_0005
	typeDelPermit         oscar.SNACType = 0x0009_0006
	typeDelDeny           oscar.SNACType = 0x0009_0008
)

// decodeOK reports whether a body decoded; if not, the client gets an error
// of the SNAC's family (code 0x000E, malformed).
func (s *Server) decodeOK(ss *session, snac oscar.SNAC, err error) bool {
	if err == nil {
		return true
	}
	s.logf("oscartest: bos %s: %v", ss.conn.name, err)
	s.badSNACLocked(ss, snac)
	return false
}

func (s *Server) badSNACLocked(ss *session, snac oscar.SNAC) {
	ss.conn.sendMsg(snac.RequestID, &oscar.SNACError{Family: snac.Family, Code: oscar.ErrCodeBadSNACFormat})
}

// selfInfoLocked is 01,0F. A multi-connection login whose 01,17 asked for
// family 1 version 4 or later gets two blocks, as the 2025 release sends
// them: TLV 0x0028 = 1 on the first, a second block ending in 0x0014 = 1.
// The 2026 release shapes them otherwise (selfInfo2026Locked).
func (s *Server) selfInfoLocked(ss *session) *oscar.SelfInfo {
	info := s.userInfoLocked(ss.user)
	if s.Release == Release2026 {
		return s.selfInfo2026Locked(ss, info)
	}
	if !ss.multiConn || ss.oservice < 4 {
		return &oscar.SelfInfo{Info: info}
	}
	first, second := info, info
	first.TLVs = oscar.TLVList(oscar.AppendTLVUint8(append([]byte(nil), info.TLVs...), 0x0028, 1))
	second.TLVs = oscar.TLVList(oscar.AppendTLVUint8(append([]byte(nil), info.TLVs...), 0x0014, 1))
	return &oscar.SelfInfo{Info: first, Rest: second.AppendTo(nil)}
}

// User info TLVs of the 2026 release's 01,0F.
const (
	tlvMemberSince     = 0x0005 // u32: the signon second in every capture
	tlvMyInstance      = 0x0014 // u8: this session's instance number
	tlvPrimaryInstance = 0x0028 // u8: an instance block's number
)

// selfInfo2026Locked is the 2026 release's 01,0F (offline-im-2026.txt): the
// user info, then TLVs 5 (member since), 3 (signon) and 0x0F (seconds
// online); with family 1 version 4 or later, 0x0014 (instance 1) and a
// second block for the instance: TLVs 3, 1, 6, 0x0D (capabilities, empty
// when none), 0x1E and 0x0028 (1).
func (s *Server) selfInfo2026Locked(ss *session, info oscar.UserInfo) *oscar.SelfInfo {
	signon := uint32(ss.signon.Unix())
	b := append([]byte(nil), info.TLVs...)
	b = oscar.AppendTLVUint32(b, tlvMemberSince, signon)
	b = oscar.AppendTLVUint32(b, oscar.UserTLVSignonTime, signon)
	b = oscar.AppendTLVUint32(b, oscar.UserTLVOnlineSeconds, uint32(max(s.now().Sub(ss.signon)/time.Second, 0)))
	if ss.oservice < 4 {
		info.TLVs = oscar.TLVList(b)
		return &oscar.SelfInfo{Info: info}
	}
	info.TLVs = oscar.TLVList(oscar.AppendTLVUint8(b, tlvMyInstance, 1))
	class, _ := info.TLVs.Uint16(oscar.UserTLVClass)
	var inst []byte
	inst = oscar.AppendTLVUint32(inst, oscar.UserTLVSignonTime, signon)
	inst = oscar.AppendTLVUint16(inst, oscar.UserTLVClass, class)
	inst = oscar.AppendTLVUint32(inst, oscar.UserTLVStatus, 0)
	inst = oscar.AppendTLV(inst, oscar.UserTLVCapabilities, ss.caps)
	inst = oscar.AppendTLVUint32(inst, tlvMySubscriptions, 0)
	inst = oscar.AppendTLVUint8(inst, tlvPrimaryInstance, 1)
	second := oscar.UserInfo{ScreenName: info.ScreenName, WarningLevel: info.WarningLevel, TLVs: oscar.TLVList(inst)}
	return &oscar.SelfInfo{Info: info, Rest: second.AppendTo(nil)}
}

// clientReadyLocked handles 01,02: the user is online. Watchers get 03,0B,
// then the client gets 03,0B for each buddy already online and 0B,02.
func (s *Server) clientReadyLocked(ss *session) {
	if ss.ready {
		return
	}
	ss.ready = true
	s.announceLocked(ss.user, ss)
	for _, n := range ss.watchListLocked() {
		s.sendArrivalLocked(ss, n)
	}
	ss.conn.sendMsg(reqIDServer, &oscar.StatsInterval{Interval: 1})
	s.offlineNoticeLocked(ss)
	s.multiLoginNoticeLocked(ss)
	if s.breakAtSignon {
		ss.conn.closeAfterLocked() // after the signon's replies, already queued
	}
	if s.MigrateAtSignon {
		ss.migrateTo = s.bosAddr
		ss.conn.sendMsg(reqIDServer, &oscar.Pause{})
	}
	s.notifyLocked()
}

// userInfoReplyLocked answers 02,05 and 02,15: the user's info, then TLVs 1
// and 2 (profile) when flags has bit 0x1, 3 and 4 (away message) when it has
// bit 0x2. An offline user gets 02,01 code 0x0004.
func (s *Server) userInfoReplyLocked(ss *session, id uint32, name string, flags uint32) {
	t := s.onlineLocked(screenname.Normalize(name))
	if t == nil {
		ss.conn.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyLocate, Code: oscar.ErrCodeNotLoggedOn})
		return
	}
	var b []byte
	if flags&0x1 != 0 {
		b = oscar.AppendTLVString(b, oscar.InfoTLVProfileMIME, profileMIME)
		b = oscar.AppendTLV(b, oscar.InfoTLVProfile, t.profile)
	}
	if flags&0x2 != 0 {
		var away []byte
		if t.sess != nil {
			away = t.sess.away
		}
		b = oscar.AppendTLVString(b, oscar.InfoTLVAwayMIME, profileMIME)
		b = oscar.AppendTLV(b, oscar.InfoTLVAway, away)
	}
	ss.conn.sendMsg(id, &oscar.UserInfoReply{Info: s.userInfoLocked(t), TLVs: oscar.TLVList(b)})
}

// sendIMLocked handles 04,06: the recipient gets 04,07 with the sender's
// info and every TLV sent but TLV 3; the sender gets 04,0C if it sent TLV 3.
// An IM to someone offline may be stored (offline.go), else it is 04,01
// code 0x0004.
func (s *Server) sendIMLocked(ss *session, snac oscar.SNAC) func() {
	c, id := ss.conn, snac.RequestID
	b := snac.Body
	if len(b) < 11 || len(b) < 11+int(b[10]) {
		s.badSNACLocked(ss, snac)
		return nil
	}
	var cookie [8]byte
	copy(cookie[:], b)
	channel := binary.BigEndian.Uint16(b[8:])
	to := string(b[11 : 11+int(b[10])])
	tlvs, err := oscar.ParseTLVs(b[11+int(b[10]):])
	if err != nil {
		s.decodeOK(ss, snac, err)
		return nil
	}
	r := s.onlineLocked(screenname.Normalize(to))
	switch {
	case r == nil:
		s.offlineIMLocked(ss, id, cookie, channel, to, tlvs)
		return nil
	case !ss.user.feedbag.allows(r.norm): // the sender blocks the recipient
		c.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyICBM, Code: oscar.ErrCodeRecipientBlocked})
		return nil
	case !r.feedbag.allows(ss.user.norm): // blocks the sender: the same answer as offline
		c.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyICBM, Code: oscar.ErrCodeNotLoggedOn})
		return nil
	}
	if r.bot == nil {
		im := &oscar.IncomingIM{
			Cookie:  cookie,
			Channel: channel,
			From:    s.userInfoLocked(ss.user),
			TLVs:    oscar.TLVList(oscar.AppendRelayTLVs(nil, tlvs)),
		}
		if ss.user.typingEvents && channel == 1 {
			// The sender wants the recipient's typing notifications
			// (ChannelMsgToHost: an empty TLV 0x000B after the others).
			im.TLVs = oscar.TLVList(oscar.AppendTLV([]byte(im.TLVs), oscar.ICBMTLVWantEvents, nil))
		}
		for _, rs := range r.sessionsLocked() { // every session gets the same 04,07
			if rs.ready && rs.live() {
				rs.conn.sendMsg(reqIDServer, im)
			}
		}
	}
	if tlvs.Has(oscar.ICBMTLVRequestAck) {
		c.sendMsg(id, &oscar.ICBMAck{Cookie: cookie, Channel: channel, ScreenName: to})
	}
	// Bots, like real clients, never answer an automatic reply: two of
	// them would otherwise talk forever.
	if r.bot == nil || r.bot.reply == nil || channel != 1 || tlvs.Has(oscar.ICBMTLVAutoResponse) {
		return nil
	}
	var msg oscar.ICBMMessage
	v, _ := tlvs.Get(oscar.ICBMTLVMessage)
	if err := msg.Decode(v); err != nil {
		s.logf("oscartest: IM to bot %s: %v", r.name, err)
		return nil
	}
	reply, from, text := r.bot.reply, ss.user.name, msg.Text.String()
	return func() { s.botReply(ss, r, reply(from, text)) }
}

// botReply sends a bot's answer to the user that wrote to it.
func (s *Server) botReply(ss *session, b *user, text string) {
	if text == "" {
		return
	}
	if err := s.SendIM(b.name, ss.user.name, text); err != nil {
		s.logf("oscartest: bot %s: reply: %v", b.name, err)
	}
}

// warnLocked handles 04,08: the warner gets 04,09, the warned user 01,10
// (request id 0; the warner's name and level unless anonymous), its
// watchers 03,0B with the new level, and the warned user an 01,0A code 1
// for its tightened IM class.
func (s *Server) warnLocked(ss *session, id uint32, m oscar.WarnRequest) {
	fail := func(code uint16) {
		ss.conn.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyICBM, Code: code})
	}
	n := screenname.Normalize(m.ScreenName)
	if n == ss.user.norm {
		fail(oscar.ErrCodeNotSupportedHost)
		return
	}
	t := s.onlineLocked(n)
	switch {
	case t == nil:
		fail(oscar.ErrCodeNotLoggedOn)
		return
	case t.bot != nil:
		fail(oscar.ErrCodeRequestDenied)
		return
	}
	delta := uint16(warnNamed)
	if m.Anonymous {
		delta = warnAnonymous
	}
	if t.warning+delta > maxWarning {
		fail(oscar.ErrCodeRequestDenied)
		return
	}
	t.warning += delta
	ss.conn.sendMsg(id, &oscar.WarnReply{Delta: delta, NewLevel: t.warning})
	warned := &oscar.Warned{Level: t.warning}
	if !m.Anonymous {
		warned.HasWarner = true
		warned.Warner = oscar.UserInfo{ScreenName: ss.user.name, WarningLevel: ss.user.warning}
	}
	t.sess.conn.sendMsg(0, warned)
	s.announceLocked(t, nil)
	if s.imClass >= 0 {
		rs := &t.sess.rates[s.imClass]
		rs.Class = scaleClass(rs.Class, s.Rates.Classes[s.imClass], int16(delta))
		s.stirRatesLocked()
		s.sendRateChangeLocked(t.sess, oscar.RateChanged, s.imClass)
	}
}

// relayClientErrLocked relays 04,0B (cookie, channel, name, ...) to the
// named user with the sender's name in its place.
func (s *Server) relayClientErrLocked(ss *session, snac oscar.SNAC) {
	b := snac.Body
	if len(b) < 11 || len(b) < 11+int(b[10]) {
		s.badSNACLocked(ss, snac)
		return
	}
	to := string(b[11 : 11+int(b[10])])
	r := s.onlineLocked(screenname.Normalize(to))
	if r == nil || r.sess == nil {
		return
	}
	out := append([]byte(nil), b[:10]...)
	out = append(out, byte(len(ss.user.name)))
	out = append(out, ss.user.name...)
	out = append(out, b[11+int(b[10]):]...)
	r.sess.conn.sendBody(oscar.TypeICBMClientErr, snac.RequestID, out)
}
