package oscartest

import (
	"encoding/binary"

	"github.com/aim-oscar/aim/internal/oscar"
)

// Feedbag (family 0x13) and ICQ (0x15) SNACs the codec has no type for.
const (
	typeFeedbagQueryIfModified oscar.SNACType = 0x0013_0005
	typeFeedbagUpdateItem      oscar.SNACType = 0x0013_0009
	typeFeedbagDeleteItem      oscar.SNACType = 0x0013_000A
	typeFeedbagNotModified     oscar.SNACType = 0x0013_000F
	typeFeedbagStartCluster    oscar.SNACType = 0x0013_0011
	typeFeedbagEndCluster      oscar.SNACType = 0x0013_0012
	typeICQQuery               oscar.SNACType = 0x0015_0002
	typeICQReply               oscar.SNACType = 0x0015_0003
)

// Feedbag limits and codes.
const (
	maxFeedbagItems      = 1000
	feedbagClassBuddy    = 0x0000
	feedbagStatusOK      = 0x0000
	feedbagStatusLimit   = 0x000C // too many items
	icqOfflineMsgsReq    = 0x003C
	icqOfflineMsgsEnd    = 0x0042
	icqOfflineMsgsEndLen = 9
)

// feedbagItem is one item of the server-stored buddy list.
type feedbagItem struct {
	name               string
	group, item, class uint16
	tlvs               []byte
}

// feedbag is a user's server-stored list, kept for the server's lifetime.
// Buddy items count as buddies for presence, like 03,04 names.
type feedbag struct {
	items    []feedbagItem
	modified uint32 // Unix seconds of the last change; 0 if never changed
}

func (f *feedbag) hasBuddy(norm string) bool {
	for _, it := range f.items {
		if it.class == feedbagClassBuddy && it.name == norm {
			return true
		}
	}
	return false
}

func (f *feedbag) buddies() []string {
	var out []string
	for _, it := range f.items {
		if it.class == feedbagClassBuddy {
			out = append(out, it.name)
		}
	}
	return out
}

func (f *feedbag) find(group, item uint16) int {
	for i, it := range f.items {
		if it.group == group && it.item == item {
			return i
		}
	}
	return -1
}

// appendTo appends the body of 13,06: version 0, item count, items, the
// time of the last change.
func (f *feedbag) appendTo(b []byte) []byte {
	b = append(b, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(f.items)))
	for _, it := range f.items {
		b = binary.BigEndian.AppendUint16(b, uint16(len(it.name)))
		b = append(b, it.name...)
		b = binary.BigEndian.AppendUint16(b, it.group)
		b = binary.BigEndian.AppendUint16(b, it.item)
		b = binary.BigEndian.AppendUint16(b, it.class)
		b = binary.BigEndian.AppendUint16(b, uint16(len(it.tlvs)))
		b = append(b, it.tlvs...)
	}
	return binary.BigEndian.AppendUint32(b, f.modified)
}

// parseFeedbagItems reads the items of 13,08, 13,09 and 13,0A.
func parseFeedbagItems(b []byte) ([]feedbagItem, bool) {
	var items []feedbagItem
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n+8 {
			return nil, false
		}
		it := feedbagItem{name: string(b[2 : 2+n])}
		p := b[2+n:]
		it.group = binary.BigEndian.Uint16(p)
		it.item = binary.BigEndian.Uint16(p[2:])
		it.class = binary.BigEndian.Uint16(p[4:])
		tl := int(binary.BigEndian.Uint16(p[6:]))
		if len(p) < 8+tl {
			return nil, false
		}
		it.tlvs = append([]byte(nil), p[8:8+tl]...)
		if it.class == feedbagClassBuddy { // stored normalized, as the real server does
			it.name = oscar.NormalizeScreenName(it.name)
		}
		items = append(items, it)
		b = p[8+tl:]
	}
	return items, true
}

// feedbagLocked answers the feedbag family: 13,04 → 13,06; 13,05 → 13,06
// or 13,0F; 13,08/09/0A → 13,0E with a status per item; 13,07 and the
// cluster markers get nothing.
func (s *Server) feedbagLocked(ss *session, snac oscar.SNAC) {
	c, u, id := ss.conn, ss.user, snac.RequestID
	fb := &u.feedbag
	switch snac.Type() {
	case oscar.TypeFeedbagQuery:
		c.sendBody(oscar.TypeFeedbagReply, id, fb.appendTo(nil))
	case typeFeedbagQueryIfModified: // u32 time, u16 count
		b := snac.Body
		if len(b) >= 6 && binary.BigEndian.Uint32(b) >= fb.modified && int(binary.BigEndian.Uint16(b[4:])) == len(fb.items) {
			c.sendBody(typeFeedbagNotModified, id, b[:6])
			return
		}
		c.sendBody(oscar.TypeFeedbagReply, id, fb.appendTo(nil))
	case oscar.TypeFeedbagInsertItem, typeFeedbagUpdateItem, typeFeedbagDeleteItem:
		items, ok := parseFeedbagItems(snac.Body)
		if !ok {
			s.badSNACLocked(ss, snac)
			return
		}
		var status []byte
		for _, it := range items {
			code := uint16(feedbagStatusOK)
			i := fb.find(it.group, it.item)
			switch {
			case snac.Type() == typeFeedbagDeleteItem:
				if i >= 0 {
					fb.items = append(fb.items[:i], fb.items[i+1:]...)
				}
			case i >= 0:
				fb.items[i] = it
			case len(fb.items) >= maxFeedbagItems:
				code = feedbagStatusLimit
			default:
				watched := ss.watchesLocked(it.name)
				fb.items = append(fb.items, it)
				if it.class == feedbagClassBuddy && !watched && ss.ready {
					s.sendArrivalLocked(ss, it.name)
				}
			}
			status = binary.BigEndian.AppendUint16(status, code)
		}
		fb.modified = uint32(s.now().Unix())
		c.sendBody(oscar.TypeFeedbagStatus, id, status)
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
