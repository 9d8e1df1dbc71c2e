package oscartest

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strconv"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Release is the Open OSCAR Server release whose behaviour the server copies
// where the captures show the two differ (shared/spec/FEEDBAG-AND-CHAT.md).
type Release int

const (
	// Release2025 (commit 6669138): 13,03 with 21 class limits; a feedbag
	// edit changes presence at once, and a pdinfo edit re-sends presence to
	// every relation; a group delete (13,0A with item id 0) removes every
	// item with that item id, root group included; a second login of a name
	// always ends the first; an IM to someone offline is refused whether or
	// not it asks to be stored, and 04,10 is refused (04,01 0x0001).
	Release2025 Release = iota
	// Release2026 (commit 29530dc): 13,03 with 25 class limits; presence
	// changes made inside 13,11…13,12 are sent at 13,12, net; deletes match
	// group and item id; with login TLV 0x004A = 1 on both, a second login
	// keeps the first session, and each session's feedbag edits are pushed
	// to the others (13,11, the edit as sent, 13,12); IMs with TLV 6 to an
	// offline account are stored for it (offline.go); the authorizer echoes
	// request ids and adds TLV 0x008E to 17,03; 01,0F has the 2026 shape.
	Release2026
)

func (r Release) String() string {
	if r == Release2026 {
		return "2026 release"
	}
	return "2025 release"
}

// ICQ (0x15) SNACs the codec has no type for.
const (
	typeICQQuery oscar.SNACType = 0x0015_0002
	typeICQReply oscar.SNACType = 0x0015_0003
)

// Feedbag limits and ICQ codes.
const (
	// maxFeedbagItems bounds what one account can make the server keep;
	// an insert past it is answered 0x000C (the real server has no bound).
	maxFeedbagItems      = 4096
	icqOfflineMsgsReq    = 0x003C
	icqOfflineMsgsEnd    = 0x0042
	icqOfflineMsgsEndLen = 9
)

// feedbag2026RightsBody is the 2026 release's 13,03 (25 class limits).
var feedbag2026RightsBody = mustHex("0003000200c800040032003d003d00640064000100010032000000000003000000000000008000ff" +
	"001400c800010000000100c800000000000000040005000200c80006000200c80007000200c80008000200c8" +
	"0009000200c8000a000200c8000c000200c8000d000200c8000e00020064")

// feedbagItem is one stored item: the item as the client sent it (names
// are normalized when the list is sent back) and when it last changed.
type feedbagItem struct {
	oscar.FeedbagItem
	modified uint32 // Unix seconds
}

// feedbag is an account's server-stored list, kept for the server's
// lifetime.
type feedbag struct {
	items []feedbagItem
}

// normalizedClass reports whether items of class are sent back normalized.
func normalizedClass(class uint16) bool {
	return class == oscar.FeedbagClassBuddy || class == oscar.FeedbagClassPermit || class == oscar.FeedbagClassDeny
}

func (f *feedbag) has(class uint16, norm string) bool {
	for i := range f.items {
		if it := &f.items[i]; it.Class == class && screenname.Same(it.Name, norm) {
			return true
		}
	}
	return false
}

func (f *feedbag) hasBuddy(norm string) bool { return f.has(oscar.FeedbagClassBuddy, norm) }

// buddySet returns the normalized names of the buddy items, as a set.
func (f *feedbag) buddySet() map[string]bool {
	set := make(map[string]bool, len(f.items))
	for i := range f.items {
		if it := &f.items[i]; it.Class == oscar.FeedbagClassBuddy {
			set[screenname.Normalize(it.Name)] = true
		}
	}
	return set
}

// buddies returns the normalized names of the buddy items, in list order.
func (f *feedbag) buddies() []string {
	var out []string
	for _, it := range f.sorted() {
		if it.Class == oscar.FeedbagClassBuddy {
			out = append(out, screenname.Normalize(it.Name))
		}
	}
	return out
}

func (f *feedbag) find(group, item uint16) int {
	for i := range f.items {
		if f.items[i].GroupID == group && f.items[i].ItemID == item {
			return i
		}
	}
	return -1
}

// modified is the newest remaining item's time (0 for an empty list): a
// delete does not advance it, and can move it back.
func (f *feedbag) modified() uint32 {
	var t uint32
	for i := range f.items {
		t = max(t, f.items[i].modified)
	}
	return t
}

// sorted returns the items in (group id, item id) order, the order the real
// server happens to return them in.
func (f *feedbag) sorted() []feedbagItem {
	out := slices.Clone(f.items)
	slices.SortStableFunc(out, func(a, b feedbagItem) int {
		return cmp.Or(cmp.Compare(a.GroupID, b.GroupID), cmp.Compare(a.ItemID, b.ItemID))
	})
	return out
}

// mode is the privacy mode of the pdinfo item (allow all without one).
func (f *feedbag) mode() oscar.PrivacyMode {
	for i := range f.items {
		if it := &f.items[i]; it.Class == oscar.FeedbagClassPDInfo {
			if m, ok := it.PrivacyMode(); ok {
				return m
			}
		}
	}
	return oscar.PrivacyAllowAll
}

// allows reports whether the owner's privacy settings let the user norm
// see the owner and message it. A deny item does nothing until a pdinfo
// item exists.
func (f *feedbag) allows(norm string) bool {
	switch f.mode() {
	case oscar.PrivacyBlockAll:
		return false
	case oscar.PrivacyAllowPermit:
		return f.has(oscar.FeedbagClassPermit, norm)
	case oscar.PrivacyBlockDeny:
		return !f.has(oscar.FeedbagClassDeny, norm)
	case oscar.PrivacyAllowBuddies:
		return f.hasBuddy(norm)
	}
	return true
}

// buddyPrefsLocked takes the typing preference from the first buddy
// preferences item among items, as Open OSCAR Server's
// setSessionBuddyPrefs does at 13,07 and at each insert or update: the
// 2025 release reads bit 0x00400000 of TLV 0x00C9 (an item without the
// TLV changes nothing); the 2026 release reads it only where the valid
// bitmask (TLV 0x00D6) marks it, and otherwise takes its default, on.
func (s *Server) buddyPrefsLocked(u *user, items []feedbagItem) {
	for _, it := range items {
		if it.Class != oscar.FeedbagClassBuddyPrefs {
			continue
		}
		v, ok := it.BuddyPrefs()
		if s.Release == Release2026 {
			valid, vok := it.TLVs.Uint32(tlvBuddyPrefsValid)
			u.typingEvents = !(ok && vok && valid&oscar.FeedbagPrefTyping != 0) || v&oscar.FeedbagPrefTyping != 0
		} else if ok {
			u.typingEvents = v&oscar.FeedbagPrefTyping != 0
		}
		return
	}
}

// tlvBuddyPrefsValid is the buddy preferences item's TLV 0x00D6: which
// bits of TLV 0x00C9 carry a value (the 2026 release).
const tlvBuddyPrefsValid = 0x00D6

// visibleLocked reports whether a and b may see each other: neither's
// privacy settings block the other.
func visibleLocked(a, b *user) bool {
	return a.feedbag.allows(b.norm) && b.feedbag.allows(a.norm)
}

// presenceEdit is what a feedbag edit does to presence, collected until it
// is sent: after each edit on the 2025 release, at 13,12 on the 2026
// release inside a transaction.
type presenceEdit struct {
	before  map[*session]bool // watchers of the editor, and whether each could see it
	refresh map[string]bool   // users that get a fresh 03,0B of the editor
	arrive  map[string]bool   // users the editor's sessions get a 03,0B for
	all     bool              // refresh every relation (2025 pdinfo edit)
}

func (s *Server) newPresenceEditLocked(u *user) *presenceEdit {
	e := &presenceEdit{before: map[*session]bool{}, refresh: map[string]bool{}, arrive: map[string]bool{}}
	s.readySessionsLocked(func(w *session) {
		if w.user != u && w.watchesLocked(u.norm) {
			e.before[w] = visibleLocked(u, w.user)
		}
	})
	return e
}

// flushPresenceLocked sends the net result of e: 03,0C with no TLVs to
// watchers that can no longer see the editor, 03,0B to those that now can
// and to those refreshed, and 03,0B to the editor's sessions for the new
// buddies online.
func (s *Server) flushPresenceLocked(u *user, e *presenceEdit) {
	if u.liveReadyLocked() == nil {
		return
	}
	info := s.userInfoLocked(u)
	s.readySessionsLocked(func(w *session) {
		if w.user == u || !w.watchesLocked(u.norm) {
			return
		}
		was, known := e.before[w]
		now := visibleLocked(u, w.user)
		switch {
		case known && was && !now:
			w.conn.sendMsg(reqIDServer, &oscar.BuddyDeparted{Info: oscar.UserInfo{ScreenName: u.norm}})
		case now && (!known || !was || e.all || e.refresh[w.user.norm]):
			w.conn.sendMsg(reqIDServer, &oscar.BuddyArrived{Info: info})
		}
	})
	for _, ss := range u.sessionsLocked() {
		if !ss.ready {
			continue
		}
		for _, n := range ss.watchListLocked() {
			if e.all || e.arrive[n] {
				s.sendArrivalLocked(ss, n)
			}
		}
	}
}

// feedbagLocked answers the feedbag family: 13,04 → 13,06; 13,05 → 13,06
// or 13,0F; 13,08/09/0A → 13,0E (0x0000 per item, as the real server
// answers whatever happened); 13,07, 13,11 and 13,12 get nothing.
func (s *Server) feedbagLocked(ss *session, snac oscar.SNAC) {
	c, u, id := ss.conn, ss.user, snac.RequestID
	fb := &u.feedbag
	switch snac.Type() {
	case oscar.TypeFeedbagRightsReq:
		body := feedbagRightsBody
		if s.Release == Release2026 {
			body = feedbag2026RightsBody
		}
		c.sendBody(oscar.TypeFeedbagRights, id, body)
	case oscar.TypeFeedbagQuery:
		s.sendFeedbagLocked(ss, id)
	case oscar.TypeFeedbagQueryIfModified:
		// The real server reads the time and one byte; it answers 13,0F
		// (the time and a one-byte count) only when its list changed
		// strictly before the client's time.
		b := snac.Body
		if len(b) < 5 {
			s.badSNACLocked(ss, snac)
			return
		}
		if t := fb.modified(); len(fb.items) > 0 && t < binary.BigEndian.Uint32(b) {
			c.sendBody(oscar.TypeFeedbagNotModified, id, append(binary.BigEndian.AppendUint32(nil, t), byte(len(fb.items))))
			return
		}
		s.sendFeedbagLocked(ss, id)
	case oscar.TypeFeedbagUse:
		ss.feedbagOn = true
		s.buddyPrefsLocked(u, u.feedbag.items)
		s.notifyLocked() // what the session watches changed (WaitWatching)
	case oscar.TypeFeedbagStartCluster:
		ss.inTxn = true
		if s.Release == Release2026 && ss.pending == nil {
			ss.pending = s.newPresenceEditLocked(u)
		}
		s.pushLocked(ss, snac, id)
	case oscar.TypeFeedbagEndCluster:
		ss.inTxn = false
		s.pushLocked(ss, snac, id)
		if e := ss.pending; e != nil {
			ss.pending = nil
			s.flushPresenceLocked(u, e)
		}
		s.notifyLocked()
	case oscar.TypeFeedbagInsertItem, oscar.TypeFeedbagUpdateItem, oscar.TypeFeedbagDeleteItem:
		s.feedbagEditLocked(ss, snac)
	}
}

// sendFeedbagLocked sends the list as 13,06: items in (group id, item id)
// order, buddy, permit and deny names normalized, and the newest item's
// time. With FeedbagPartItems set, or when one SNAC cannot hold the list,
// it goes out in parts, every part but the last flagged 0x0001.
func (s *Server) sendFeedbagLocked(ss *session, id uint32) {
	fb := &ss.user.feedbag
	items := fb.sorted()
	for i := range items {
		if normalizedClass(items[i].Class) {
			items[i].Name = screenname.Normalize(items[i].Name)
		}
	}
	reply := oscar.FeedbagReply{Modified: fb.modified()}
	for _, it := range items {
		reply.Items = append(reply.Items, it.FeedbagItem)
	}
	per := s.FeedbagPartItems
	if per <= 0 || per > len(reply.Items) {
		per = max(len(reply.Items), 1)
	}
	for {
		part := oscar.FeedbagReply{Modified: reply.Modified, Items: reply.Items[:min(per, len(reply.Items))]}
		for len(part.Items) > 1 && oscar.SNACHeaderLen+len(part.AppendTo(nil)) > oscar.MaxFLAPPayload {
			part.Items = part.Items[:len(part.Items)/2]
		}
		reply.Items = reply.Items[len(part.Items):]
		var flags uint16
		if len(reply.Items) > 0 {
			flags = oscar.SNACFlagMoreReplies
		}
		ss.conn.sendMsgFlags(id, flags, &part)
		if len(reply.Items) == 0 {
			return
		}
	}
}

// feedbagEditLocked handles 13,08, 13,09 and 13,0A: store, answer 13,0E at
// once, push the edit to the account's other sessions (2026), and change
// presence (at once, or at 13,12 inside a 2026 transaction).
func (s *Server) feedbagEditLocked(ss *session, snac oscar.SNAC) {
	u, id, typ := ss.user, snac.RequestID, snac.Type()
	var m oscar.FeedbagInsert
	if !s.decodeOK(ss, snac, m.Decode(snac.Body)) {
		return
	}
	fb := &u.feedbag
	if typ != oscar.TypeFeedbagDeleteItem {
		for _, it := range m.Items {
			if it.Class == oscar.FeedbagClassDeny && screenname.Same(it.Name, u.norm) {
				ss.conn.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyFeedbag, Code: oscar.ErrCodeNotSupportedHost})
				return
			}
		}
	}
	e := ss.pending
	if e == nil || s.Release != Release2026 {
		e = s.newPresenceEditLocked(u)
	}
	// The 2025 release re-sends presence to every relation after a delete
	// that names no user (a group, the pdinfo item).
	named := false
	now := uint32(s.now().Unix())
	status := make([]uint16, len(m.Items))
	// buddies is the buddy items' normalized names, made when first
	// needed and kept as items are appended: one pass over the list for
	// a 13,08 of many items, not one an item.
	var buddies map[string]bool
	for k, it := range m.Items {
		it.TLVs = oscar.TLVList(slices.Clone(it.TLVs))
		norm := screenname.Normalize(it.Name)
		switch {
		case typ == oscar.TypeFeedbagDeleteItem:
			wasBuddy := false
			fb.items = slices.DeleteFunc(fb.items, func(x feedbagItem) bool {
				hit := x.ItemID == it.ItemID && (x.GroupID == it.GroupID || s.Release == Release2025)
				wasBuddy = wasBuddy || hit && x.Class == oscar.FeedbagClassBuddy
				return hit
			})
			buddies = nil
			if wasBuddy {
				e.refresh[norm] = true // the deleted buddy gets the deleter's 03,0B again
			}
		case fb.find(it.GroupID, it.ItemID) < 0 && len(fb.items) >= maxFeedbagItems:
			status[k] = oscar.FeedbagOverLimit
			continue
		default:
			if buddies == nil && it.Class == oscar.FeedbagClassBuddy {
				buddies = fb.buddySet()
			}
			newBuddy := it.Class == oscar.FeedbagClassBuddy && !buddies[norm]
			if i := fb.find(it.GroupID, it.ItemID); i >= 0 {
				fb.items[i] = feedbagItem{it, now}
				buddies = nil // the item replaced may have been a buddy
			} else {
				fb.items = append(fb.items, feedbagItem{it, now})
				if buddies != nil && it.Class == oscar.FeedbagClassBuddy {
					buddies[norm] = true
				}
			}
			if newBuddy {
				e.refresh[norm], e.arrive[norm] = true, true
			}
		}
		switch it.Class {
		case oscar.FeedbagClassBuddy:
			named = true
		case oscar.FeedbagClassPermit, oscar.FeedbagClassDeny:
			e.refresh[norm], named = true, true
		case oscar.FeedbagClassPDInfo:
			e.all = e.all || s.Release == Release2025
		}
	}
	if typ == oscar.TypeFeedbagDeleteItem && !named && s.Release == Release2025 {
		e.all = true
	}
	if typ != oscar.TypeFeedbagDeleteItem {
		var items []feedbagItem
		for _, it := range m.Items {
			items = append(items, feedbagItem{FeedbagItem: it})
		}
		s.buddyPrefsLocked(u, items)
	}
	ss.conn.sendMsg(id, &oscar.FeedbagStatus{Codes: status})
	s.pushLocked(ss, snac, reqIDServer)
	if s.Release == Release2026 && ss.inTxn {
		ss.pending = e
		return
	}
	s.flushPresenceLocked(u, e)
	s.notifyLocked()
}

// oosSystemMsg is the pseudo-user the 2026 release writes from.
const oosSystemMsg = "OOS System Msg"

// multiLoginNoticeLocked tells the account's other sessions, once ss is
// ready, that it is signed on in several places, as the 2026 release does
// (fact 42): a 0B,02, then an IM from "OOS System Msg" (systemIM).
func (s *Server) multiLoginNoticeLocked(ss *session) {
	others := ss.user.sessionsLocked()
	if len(others) < 2 {
		return
	}
	text := "Your screen name (" + ss.user.name + ") is now signed into Open OSCAR Server in " +
		strconv.Itoa(len(others)) + " locations. Click " + systemLink("here") + " for more information."
	im := systemIM(text)
	for _, o := range others {
		if o != ss && o.ready && o.live() {
			o.conn.sendMsg(reqIDServer, &oscar.StatsInterval{Interval: 1})
			o.conn.sendMsg(reqIDServer, im)
		}
	}
}

// pushLocked relays a feedbag SNAC as sent to the account's other sessions
// (2026 release only): 13,11 and 13,12 with the editor's request id, the
// edits with 0x80000000.
func (s *Server) pushLocked(ss *session, snac oscar.SNAC, reqID uint32) {
	if s.Release != Release2026 {
		return
	}
	for _, o := range ss.user.sessionsLocked() {
		if o != ss && o.live() {
			o.conn.sendBody(snac.Type(), reqID, slices.Clone(snac.Body))
		}
	}
}

// icqLocked answers 15,02 the way the real server answered BarnOwl: an
// offline-messages request (0x3C) gets 15,03 "end of offline messages"
// (0x42) with request id 0; other requests get nothing. The ICQ fields are
// little-endian.
func (s *Server) icqLocked(ss *session, snac oscar.SNAC) {
	tlvs, err := oscar.ParseTLVs(snac.Body)
	if err != nil {
		s.decodeOK(ss, snac, err)
		return
	}
	v, ok := tlvs.Get(0x0001)
	if !ok || len(v) < 10 {
		return
	}
	uin := binary.LittleEndian.Uint32(v[2:])
	kind := binary.LittleEndian.Uint16(v[6:])
	seq := binary.LittleEndian.Uint16(v[8:])
	if kind != icqOfflineMsgsReq {
		return
	}
	var r []byte
	r = binary.LittleEndian.AppendUint16(r, icqOfflineMsgsEndLen)
	r = binary.LittleEndian.AppendUint32(r, uin)
	r = binary.LittleEndian.AppendUint16(r, icqOfflineMsgsEnd)
	r = binary.LittleEndian.AppendUint16(r, seq)
	r = append(r, 0) // no messages dropped
	ss.conn.sendBody(typeICQReply, 0, oscar.AppendTLV(nil, 0x0001, r))
}
