package oscartest

import (
	"slices"
	"strconv"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Offline IMs, as the 2026 release keeps them (README facts 56-62): an IM
// with TLV 0x0006 to an account that is offline and accepts them is stored,
// the account is told how many arrived at its next signon, and gets them
// when it asks (04,10). The 2025 release refuses both.

// maxStoredPerSender is how many IMs one sender may have waiting for one
// recipient; the next is refused with subcode 0x000F.
const maxStoredPerSender = 10

// storedIM is one IM kept for an offline account.
type storedIM struct {
	cookie  [8]byte
	channel uint16
	from    string // normalized: the stored 04,07 names the sender so
	tlvs    []byte // the sender's TLVs exactly as sent, in its order
	at      uint32 // Unix seconds of the second it was stored
}

// acceptsOfflineIMs reports whether the list lets the server store IMs for
// its owner: its first buddy-preferences item says no only with the
// preference valid and off; no such item (or no list) means yes.
func (f *feedbag) acceptsOfflineIMs() bool {
	for i := range f.items {
		if it := &f.items[i]; it.Class == oscar.FeedbagClassBuddyPrefs {
			valid, on := it.BuddyPref2(oscar.FeedbagPrefAcceptOfflineIM)
			return !valid || on
		}
	}
	return true
}

// offlineIMLocked answers an IM whose recipient (to, as typed) is not
// online. Without TLV 6, on the 2025 release, to an unknown name, or to an
// account that refuses them, it is 04,01 code 0x0004, as for any IM to
// someone offline; past the limit the same with TLV 0x0008 = 0x000F. A
// stored IM is acknowledged (04,0C) only if it asked with TLV 3; without,
// nothing answers it. The sender's own privacy settings are not asked: the
// 2026 release stores an IM to a user the sender blocks (the deny list
// under block-deny, a non-buddy under allow-buddies) like any other, as
// seen against it; online the same IM is refused with 0x0010. (Its
// relationship query joins only accounts signed on.)
func (s *Server) offlineIMLocked(ss *session, id uint32, cookie [8]byte, channel uint16, to string, tlvs oscar.TLVList) {
	c, from := ss.conn, ss.user
	refuse := func(code uint16, subcode []byte) {
		c.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyICBM, Code: code, TLVs: oscar.TLVList(subcode)})
	}
	r := s.users[screenname.Normalize(to)]
	switch {
	case s.Release != Release2026 || !tlvs.Has(oscar.ICBMTLVStore) || r == nil || !r.account:
		refuse(oscar.ErrCodeNotLoggedOn, nil)
		return
	case !r.feedbag.allows(from.norm) || !r.feedbag.acceptsOfflineIMs():
		refuse(oscar.ErrCodeNotLoggedOn, nil)
		return
	}
	n := 0
	for _, m := range r.offline {
		if m.from == from.norm {
			n++
		}
	}
	if n >= maxStoredPerSender {
		refuse(oscar.ErrCodeNotLoggedOn, oscar.AppendTLVUint16(nil, oscar.TLVErrorSubcode, oscar.ICBMSubcodeOfflineFull))
		return
	}
	r.offline = append(r.offline, storedIM{cookie: cookie, channel: channel, from: from.norm,
		tlvs: slices.Clone([]byte(tlvs)), at: uint32(s.now().Unix())})
	r.offlineCount++
	if tlvs.Has(oscar.ICBMTLVRequestAck) {
		c.sendMsg(id, &oscar.ICBMAck{Cookie: cookie, Channel: channel, ScreenName: to})
	}
}

// offlineRetrieveLocked answers 04,10: on the 2026 release every stored IM
// as a 04,07 to each of the account's sessions (request id 0x80000000, the
// sender normalized with warning 0 and no user-info TLVs, the sender's TLVs
// as sent, then TLV 0x0016, the time it was stored), in the order stored,
// then 04,17 echoing the request id; the IMs are then gone. With
// OfflineAfterDone the 04,17 goes first. The 2025 release has no handler:
// 04,01 code 0x0001.
func (s *Server) offlineRetrieveLocked(ss *session, id uint32) {
	if s.Release != Release2026 {
		ss.conn.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyICBM, Code: oscar.ErrCodeInvalidSNAC})
		return
	}
	u := ss.user
	msgs := u.offline
	u.offline = nil
	if s.OfflineAfterDone {
		ss.conn.sendMsg(id, &oscar.OfflineDone{})
	}
	for _, m := range msgs {
		im := &oscar.IncomingIM{Cookie: m.cookie, Channel: m.channel, From: oscar.UserInfo{ScreenName: m.from},
			TLVs: oscar.TLVList(oscar.AppendTLVUint32(slices.Clip(m.tlvs), oscar.ICBMTLVSendTime, m.at))}
		for _, rs := range u.sessionsLocked() {
			if rs.live() {
				rs.conn.sendMsg(reqIDServer, im)
			}
		}
	}
	if !s.OfflineAfterDone {
		ss.conn.sendMsg(id, &oscar.OfflineDone{})
	}
	s.notifyLocked()
}

// offlineNoticeLocked tells the account, once ss is ready, how many IMs
// were stored for it since it was last told (2026 release; nothing when
// none were): an IM from "OOS System Msg" to each of its sessions. The
// count then starts again from zero; the IMs stay until 04,10.
func (s *Server) offlineNoticeLocked(ss *session) {
	u := ss.user
	if s.Release != Release2026 || u.offlineCount == 0 {
		return
	}
	text := "You just received " + strconv.Itoa(u.offlineCount) + " IM(s) while you were offline. " +
		"If you do not wish to receive offline messages, please go to " + systemLink("IM Settings") + "."
	u.offlineCount = 0
	im := systemIM(text)
	for _, rs := range u.sessionsLocked() {
		if rs.ready && rs.live() {
			rs.conn.sendMsg(reqIDServer, im)
		}
	}
}

// OfflineIMs returns how many IMs the server keeps for screenName until it
// asks for them (04,10).
func (s *Server) OfflineIMs(screenName string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[screenname.Normalize(screenName)]; u != nil {
		return len(u.offline)
	}
	return 0
}

// systemIM is an IM from the 2026 release's pseudo-user "OOS System Msg":
// an all-zero cookie, no user info TLVs, the features fragment 01 01 02
// and the server's text, ASCII.
func systemIM(text string) *oscar.IncomingIM {
	msg := oscar.ICBMMessage{Features: []byte{1, 1, 2}, Text: oscar.Text{Charset: oscar.CharsetASCII, Data: []byte(text)}}
	return &oscar.IncomingIM{Channel: 1, From: oscar.UserInfo{ScreenName: oosSystemMsg},
		TLVs: oscar.TLVList(oscar.AppendTLV(nil, oscar.ICBMTLVMessage, msg.AppendTo(nil)))}
}

// systemLinkURL is where every link of the 2026 release's notices points,
// as it sends them.
const systemLinkURL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ&start_radio=1&pp=ygUJcmljayByb2xsoAcB"

// systemLink is a link of the notices, around text.
func systemLink(text string) string { return `<a href="` + systemLinkURL + `">` + text + `</a>` }
