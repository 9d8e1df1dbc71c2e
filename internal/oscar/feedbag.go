package oscar

import (
	"encoding/binary"
	"strconv"
)

// Feedbag (family 0x13) is the buddy list the server keeps: groups, buddies,
// the permit and deny lists and a few preferences, as items. See
// shared/spec/FEEDBAG-AND-CHAT.md §1.

// Feedbag item classes.
const (
	FeedbagClassBuddy      = 0x0000 // group id = its group; item id unique in the list
	FeedbagClassGroup      = 0x0001 // item id 0; the root group is group 0 with an empty name
	FeedbagClassPermit     = 0x0002 // group id 0
	FeedbagClassDeny       = 0x0003 // group id 0
	FeedbagClassPDInfo     = 0x0004 // privacy settings: TLV 0x00CA
	FeedbagClassBuddyPrefs = 0x0005 // TLV 0x00C9
	FeedbagClassBuddyIcon  = 0x0014
)

// Feedbag item TLV types.
const (
	FeedbagTLVOrder       = 0x00C8 // u16 ids: the root's groups, or a group's buddies, in order
	FeedbagTLVBuddyPrefs  = 0x00C9 // u32 flags (FeedbagPrefTyping…)
	FeedbagTLVPrivacyMode = 0x00CA // u8: a PrivacyMode
	// The buddy preferences numbered 32 and up live in a second pair of
	// bitmasks: the values, and which of them are set at all (valid).
	FeedbagTLVBuddyPrefs2      = 0x00D7
	FeedbagTLVBuddyPrefs2Valid = 0x00D8
)

// FeedbagPrefTyping is the buddy-preferences bit that asks the server to
// relay typing notifications (04,14) to this account.
const FeedbagPrefTyping = 0x00400000

// FeedbagPrefAcceptOfflineIM is buddy preference 0x34 of the second
// bitmask: the account takes IMs the server stores while it is offline.
// Servers that read it (the 2026 Open OSCAR Server) store for an account
// unless the preference is valid and off.
const FeedbagPrefAcceptOfflineIM = 0x34

// PrivacyMode is the value of a pdinfo item's TLV 0x00CA: who may see us
// and message us.
type PrivacyMode uint8

// Privacy modes. Without a pdinfo item the server uses PrivacyAllowAll.
const (
	PrivacyAllowAll     PrivacyMode = 1
	PrivacyBlockAll     PrivacyMode = 2
	PrivacyAllowPermit  PrivacyMode = 3 // only the permit list
	PrivacyBlockDeny    PrivacyMode = 4 // everyone but the deny list
	PrivacyAllowBuddies PrivacyMode = 5
)

var privacyModeNames = [...]string{
	PrivacyAllowAll: "allow all", PrivacyBlockAll: "block all", PrivacyAllowPermit: "allow only the permit list",
	PrivacyBlockDeny: "block only the deny list", PrivacyAllowBuddies: "allow only buddies",
}

func (m PrivacyMode) String() string {
	if int(m) < len(privacyModeNames) && privacyModeNames[m] != "" {
		return privacyModeNames[m]
	}
	return "unknown(0x" + strconv.FormatUint(uint64(m), 16) + ")"
}

// Feedbag rights TLV types of 13,03.
const (
	FeedbagRightsTLVMaxItems = 0x0004 // u16 array indexed by item class
)

// FeedbagItem is one item of a feedbag, the shape 13,06, 13,08, 13,09 and
// 13,0A carry: `u16 name length | name | u16 group id | u16 item id | u16
// class | u16 TLV block length | TLVs`. TLVs aliases the bytes it was read
// from; Name is a copy.
type FeedbagItem struct {
	Name    string // real servers return buddy, permit and deny names normalized
	GroupID uint16
	ItemID  uint16
	Class   uint16
	TLVs    TLVList // nil when the block is empty
}

// AppendTo appends the item. A name or TLV block longer than 65535 bytes is
// cut: the length fields cannot say more.
func (it *FeedbagItem) AppendTo(b []byte) []byte {
	name := it.Name
	if len(name) > 0xFFFF {
		name = name[:0xFFFF]
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
	b = append(b, name...)
	b = binary.BigEndian.AppendUint16(b, it.GroupID)
	b = binary.BigEndian.AppendUint16(b, it.ItemID)
	b = binary.BigEndian.AppendUint16(b, it.Class)
	return it.TLVs.AppendLenPrefixed(b)
}

// Decode reads exactly one item.
func (it *FeedbagItem) Decode(b []byte) error {
	r := reader{b: b, msg: "feedbag item"}
	it.decode(&r)
	r.end("TLVs")
	return r.err
}

func (it *FeedbagItem) decode(r *reader) {
	name := r.bytes16("item: name")
	it.GroupID = r.u16("item: group id")
	it.ItemID = r.u16("item: item id")
	it.Class = r.u16("item: class")
	it.TLVs = r.tlvsLen("item: TLVs")
	if r.err != nil {
		*it = FeedbagItem{}
		return
	}
	it.Name = string(name)
	if len(it.TLVs) == 0 {
		it.TLVs = nil
	}
}

// Order returns the ids in TLV 0x00C8 (a group's buddies, or the root
// group's groups), in a new slice. ok is false when the TLV is absent or
// has an odd length.
func (it *FeedbagItem) Order() (ids []uint16, ok bool) {
	v, ok := it.TLVs.Get(FeedbagTLVOrder)
	if !ok || len(v)%2 != 0 {
		return nil, false
	}
	ids = make([]uint16, len(v)/2)
	for i := range ids {
		ids[i] = binary.BigEndian.Uint16(v[2*i:])
	}
	return ids, true
}

// PrivacyMode returns a pdinfo item's TLV 0x00CA.
func (it *FeedbagItem) PrivacyMode() (PrivacyMode, bool) {
	v, ok := it.TLVs.Uint8(FeedbagTLVPrivacyMode)
	return PrivacyMode(v), ok
}

// BuddyPrefs returns a buddy-preferences item's TLV 0x00C9.
func (it *FeedbagItem) BuddyPrefs() (uint32, bool) { return it.TLVs.Uint32(FeedbagTLVBuddyPrefs) }

// pref2Bit returns where buddy preference pref (32 or more) lives in TLVs
// 0x00D7 and 0x00D8: positional, most significant bit first, preference 32
// and 33 both at bit 0, each later one a bit further.
func pref2Bit(pref int) (index int, mask byte) {
	off := max(pref-33, 0)
	return off / 8, 0x80 >> (off % 8)
}

// BuddyPref2 reads buddy preference pref (32 or more) of a
// buddy-preferences item: valid when TLV 0x00D8 marks it set, and then its
// value from TLV 0x00D7. A bitmask too short for it leaves it not valid.
func (it *FeedbagItem) BuddyPref2(pref int) (valid, value bool) {
	i, mask := pref2Bit(pref)
	vals, _ := it.TLVs.Get(FeedbagTLVBuddyPrefs2)
	ok, _ := it.TLVs.Get(FeedbagTLVBuddyPrefs2Valid)
	if i >= len(vals) || i >= len(ok) || ok[i]&mask == 0 {
		return false, false
	}
	return true, vals[i]&mask != 0
}

// SetBuddyPref2 sets buddy preference pref (32 or more) to value and marks
// it valid, keeping every other bit of TLVs 0x00D7 and 0x00D8 as they are;
// a bitmask too short for it is grown, to 4 bytes at least, as clients
// write them.
func (it *FeedbagItem) SetBuddyPref2(pref int, value bool) {
	i, mask := pref2Bit(pref)
	grow := func(t uint16) []byte {
		v, _ := it.TLVs.Get(t)
		out := make([]byte, max(len(v), i+1, 4))
		copy(out, v)
		return out
	}
	vals, ok := grow(FeedbagTLVBuddyPrefs2), grow(FeedbagTLVBuddyPrefs2Valid)
	ok[i] |= mask
	if value {
		vals[i] |= mask
	} else {
		vals[i] &^= mask
	}
	it.TLVs = it.TLVs.Replace(FeedbagTLVBuddyPrefs2, vals).Replace(FeedbagTLVBuddyPrefs2Valid, ok)
}

// AppendOrderTLV appends TLV 0x00C8 holding ids (at most 32767 of them: the
// length field cannot say more).
func AppendOrderTLV(b []byte, ids []uint16) []byte {
	if len(ids) > 0x7FFF {
		ids = ids[:0x7FFF]
	}
	b = binary.BigEndian.AppendUint16(b, FeedbagTLVOrder)
	b = binary.BigEndian.AppendUint16(b, uint16(2*len(ids)))
	for _, id := range ids {
		b = binary.BigEndian.AppendUint16(b, id)
	}
	return b
}

// Replace returns a new list with the value of type t set to v: the first
// item of type t takes v in its place, later ones are dropped, and v is
// appended when t was absent. The other items keep their order.
func (l TLVList) Replace(t uint16, v []byte) TLVList {
	out := make(TLVList, 0, len(l)+4+len(v))
	done := false
	for typ, old := range l.All() {
		switch {
		case typ != t:
			out = AppendTLV(out, typ, old)
		case !done:
			out = AppendTLV(out, t, v)
			done = true
		}
	}
	if !done {
		out = AppendTLV(out, t, v)
	}
	return out
}

// Remove returns a new list without the items of type t (nil when nothing
// is left).
func (l TLVList) Remove(t uint16) TLVList {
	return l.without(func(typ uint16) bool { return typ == t })
}

// decodeFeedbagItems reads items to the end of the body (13,08, 13,09,
// 13,0A). It reuses items' backing array.
func decodeFeedbagItems(items []FeedbagItem, b []byte, msg string) ([]FeedbagItem, error) {
	r := reader{b: b, msg: msg}
	items = items[:0]
	for r.err == nil && r.len() > 0 {
		items = append(items, FeedbagItem{})
		items[len(items)-1].decode(&r)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(items) == 0 {
		items = nil
	}
	return items, nil
}

func appendFeedbagItems(b []byte, items []FeedbagItem) []byte {
	for i := range items {
		b = items[i].AppendTo(b)
	}
	return b
}

// FeedbagRightsQuery is SNAC 13,02: ask for the feedbag limits. The body is
// optional TLVs (clients send none, or TLV 0x000B with flags).
type FeedbagRightsQuery struct {
	TLVs TLVList
}

// SNACType returns 13,02.
func (m *FeedbagRightsQuery) SNACType() SNACType { return TypeFeedbagRightsReq }

// AppendTo appends the TLVs.
func (m *FeedbagRightsQuery) AppendTo(b []byte) []byte { return append(b, m.TLVs...) }

// Decode reads the body.
func (m *FeedbagRightsQuery) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 13,02"}
	m.TLVs = r.tlvsRest("TLVs")
	if len(m.TLVs) == 0 {
		m.TLVs = nil
	}
	return r.err
}

// FeedbagRights is SNAC 13,03: the feedbag limits (advisory). TLV 0x0004
// holds the most items of each class; the others hold single limits.
type FeedbagRights struct {
	TLVs TLVList
}

// SNACType returns 13,03.
func (m *FeedbagRights) SNACType() SNACType { return TypeFeedbagRights }

// AppendTo appends the TLVs.
func (m *FeedbagRights) AppendTo(b []byte) []byte { return append(b, m.TLVs...) }

// Decode reads the body.
func (m *FeedbagRights) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 13,03"}
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// MaxItems returns the most items of class the server keeps (61 buddies
// per group, 100 deny items… on Open OSCAR Server), if it says.
func (m *FeedbagRights) MaxItems(class uint16) (uint16, bool) {
	v, ok := m.TLVs.Get(FeedbagRightsTLVMaxItems)
	if !ok || 2*int(class)+2 > len(v) {
		return 0, false
	}
	return binary.BigEndian.Uint16(v[2*int(class):]), true
}

// FeedbagQueryIfModified is SNAC 13,05: send the list only if it changed
// since Modified, or if it has not Count items. Open OSCAR Server reads the
// time and one byte and answers 13,0F only when its list changed strictly
// before Modified: send the time of the last 13,06 plus one.
type FeedbagQueryIfModified struct {
	Modified uint32 // Unix seconds
	Count    uint16
	Rest     []byte // bytes after the count, kept as they came (aliases the input)
}

// SNACType returns 13,05.
func (m *FeedbagQueryIfModified) SNACType() SNACType { return TypeFeedbagQueryIfModified }

// AppendTo appends the body.
func (m *FeedbagQueryIfModified) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, m.Modified)
	b = binary.BigEndian.AppendUint16(b, m.Count)
	return append(b, m.Rest...)
}

// Decode reads the body; bytes after the count are kept in Rest.
func (m *FeedbagQueryIfModified) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 13,05"}
	m.Modified = r.u32("last modified")
	m.Count = r.u16("item count")
	m.Rest = r.rest()
	if len(m.Rest) == 0 {
		m.Rest = nil
	}
	return r.err
}

// FeedbagReply is SNAC 13,06: the list (or one part of it: every part but
// the last has SNAC flag SNACFlagMoreReplies). The items' TLVs alias the
// input.
type FeedbagReply struct {
	Version  uint8 // 0
	Items    []FeedbagItem
	Modified uint32 // Unix seconds of the newest item; 0 for an empty list
}

// SNACType returns 13,06.
func (m *FeedbagReply) SNACType() SNACType { return TypeFeedbagReply }

// AppendTo appends the body. More than 65535 items are cut: the count
// cannot say more.
func (m *FeedbagReply) AppendTo(b []byte) []byte {
	items := m.Items
	if len(items) > 0xFFFF {
		items = items[:0xFFFF]
	}
	b = append(b, m.Version)
	b = binary.BigEndian.AppendUint16(b, uint16(len(items)))
	b = appendFeedbagItems(b, items)
	return binary.BigEndian.AppendUint32(b, m.Modified)
}

// Decode reads the body. It reuses the backing array of Items.
func (m *FeedbagReply) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 13,06"}
	m.Version = r.u8("version")
	n := int(r.u16("item count"))
	items := m.Items[:0]
	if r.err == nil && cap(items) < n {
		// Each item takes 10 bytes at least: never trust the count further.
		items = make([]FeedbagItem, 0, min(n, r.len()/10))
	}
	for i := 0; i < n && r.err == nil; i++ {
		items = append(items, FeedbagItem{})
		items[len(items)-1].decode(&r)
	}
	m.Modified = r.u32("last modified")
	r.end("last modified")
	if r.err != nil {
		*m = FeedbagReply{}
		return r.err
	}
	if len(items) == 0 {
		items = nil
	}
	m.Items = items
	return nil
}

// FeedbagItems is the body of 13,08, 13,09 and 13,0A: one or more items to
// the end of the SNAC.
type FeedbagItems struct {
	Items []FeedbagItem
}

// FeedbagInsert is SNAC 13,08: add items. Open OSCAR Server overwrites an
// item that exists. Sent by the server too, as a push of another session's
// edit (request id 0x80000000).
type FeedbagInsert FeedbagItems

// SNACType returns 13,08.
func (m *FeedbagInsert) SNACType() SNACType { return TypeFeedbagInsertItem }

// AppendTo appends the items.
func (m *FeedbagInsert) AppendTo(b []byte) []byte { return appendFeedbagItems(b, m.Items) }

// Decode reads the body. It reuses the backing array of Items.
func (m *FeedbagInsert) Decode(b []byte) (err error) {
	m.Items, err = decodeFeedbagItems(m.Items, b, "SNAC 13,08")
	return err
}

// FeedbagUpdate is SNAC 13,09: replace items. Open OSCAR Server creates an
// item that does not exist.
type FeedbagUpdate FeedbagItems

// SNACType returns 13,09.
func (m *FeedbagUpdate) SNACType() SNACType { return TypeFeedbagUpdateItem }

// AppendTo appends the items.
func (m *FeedbagUpdate) AppendTo(b []byte) []byte { return appendFeedbagItems(b, m.Items) }

// Decode reads the body. It reuses the backing array of Items.
func (m *FeedbagUpdate) Decode(b []byte) (err error) {
	m.Items, err = decodeFeedbagItems(m.Items, b, "SNAC 13,09")
	return err
}

// FeedbagDelete is SNAC 13,0A: remove items. The 2025 release of Open OSCAR
// Server matches on item id alone: deleting a group (item id 0) removes
// every group, root included.
type FeedbagDelete FeedbagItems

// SNACType returns 13,0A.
func (m *FeedbagDelete) SNACType() SNACType { return TypeFeedbagDeleteItem }

// AppendTo appends the items.
func (m *FeedbagDelete) AppendTo(b []byte) []byte { return appendFeedbagItems(b, m.Items) }

// Decode reads the body. It reuses the backing array of Items.
func (m *FeedbagDelete) Decode(b []byte) (err error) {
	m.Items, err = decodeFeedbagItems(m.Items, b, "SNAC 13,0A")
	return err
}

// Feedbag status codes of 13,0E. Open OSCAR Server answers FeedbagOK to
// every edit: compare with the list you hold instead.
const (
	FeedbagOK        = 0x0000
	FeedbagNotFound  = 0x0002
	FeedbagExists    = 0x0003
	FeedbagInvalid   = 0x000A
	FeedbagOverLimit = 0x000C
	FeedbagNeedsAuth = 0x000E // ICQ: the other user must authorize
)

var feedbagStatusText = map[uint16]string{
	FeedbagOK: "done", FeedbagNotFound: "the item is not in the list", FeedbagExists: "the item is already in the list",
	FeedbagInvalid: "the server refused the item as invalid", FeedbagOverLimit: "the list is full",
	FeedbagNeedsAuth: "the other user must authorize this",
}

// FeedbagStatusText says what a 13,0E code means, in a sentence fragment.
func FeedbagStatusText(code uint16) string {
	if s, ok := feedbagStatusText[code]; ok {
		return s
	}
	return "error 0x" + strconv.FormatUint(uint64(code), 16)
}

// FeedbagStatus is SNAC 13,0E: one u16 status per item of the 13,08, 13,09
// or 13,0A it answers (same request id).
type FeedbagStatus struct {
	Codes []uint16
}

// SNACType returns 13,0E.
func (m *FeedbagStatus) SNACType() SNACType { return TypeFeedbagStatus }

// AppendTo appends the codes.
func (m *FeedbagStatus) AppendTo(b []byte) []byte {
	for _, c := range m.Codes {
		b = binary.BigEndian.AppendUint16(b, c)
	}
	return b
}

// Decode reads the body. It reuses the backing array of Codes.
func (m *FeedbagStatus) Decode(b []byte) error {
	m.Codes = m.Codes[:0]
	if len(b)%2 != 0 {
		m.Codes = nil
		return &DecodeError{Msg: "SNAC 13,0E", Field: "status codes", Reason: "odd length " + strconv.Itoa(len(b))}
	}
	for i := 0; i < len(b); i += 2 {
		m.Codes = append(m.Codes, binary.BigEndian.Uint16(b[i:]))
	}
	if len(m.Codes) == 0 {
		m.Codes = nil
	}
	return nil
}

// FeedbagNotModified is SNAC 13,0F: the answer to 13,05 when the copy the
// client has is current: `u32 last modified | count`. Open OSCAR Server
// writes the count in one byte, older documents in two; both are read.
type FeedbagNotModified struct {
	Modified  uint32
	Count     uint16
	WideCount bool // the count took two bytes; AppendTo writes two also when Count > 255
}

// SNACType returns 13,0F.
func (m *FeedbagNotModified) SNACType() SNACType { return TypeFeedbagNotModified }

// AppendTo appends the body.
func (m *FeedbagNotModified) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, m.Modified)
	if m.WideCount || m.Count > 0xFF {
		return binary.BigEndian.AppendUint16(b, m.Count)
	}
	return append(b, uint8(m.Count))
}

// Decode reads the body.
func (m *FeedbagNotModified) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 13,0F"}
	m.Modified = r.u32("last modified")
	switch {
	case r.err != nil:
	case r.len() == 1:
		m.Count, m.WideCount = uint16(r.u8("item count")), false
	case r.len() == 2:
		m.Count, m.WideCount = r.u16("item count"), true
	default:
		r.fail("item count", "need 1 or 2 bytes, have "+strconv.Itoa(r.len()))
	}
	if r.err != nil {
		*m = FeedbagNotModified{}
	}
	return r.err
}

// FeedbagStartCluster is SNAC 13,11: the start of a transaction of edits
// (ended by 13,12, Empty(TypeFeedbagEndCluster)). The body is empty or a
// u32 of flags (0x00010000: an import). Never answered. Sent by the 2026
// server too, as a push of another session's transaction, with that
// session's request id.
type FeedbagStartCluster struct {
	Flags    uint32
	HasFlags bool
}

// SNACType returns 13,11.
func (m *FeedbagStartCluster) SNACType() SNACType { return TypeFeedbagStartCluster }

// AppendTo appends the flags, if any.
func (m *FeedbagStartCluster) AppendTo(b []byte) []byte {
	if !m.HasFlags {
		return b
	}
	return binary.BigEndian.AppendUint32(b, m.Flags)
}

// Decode reads the body.
func (m *FeedbagStartCluster) Decode(b []byte) error {
	*m = FeedbagStartCluster{}
	if len(b) == 0 {
		return nil
	}
	r := reader{b: b, msg: "SNAC 13,11"}
	m.Flags = r.u32("flags")
	r.end("flags")
	m.HasFlags = r.err == nil
	if r.err != nil {
		m.Flags = 0
	}
	return r.err
}
