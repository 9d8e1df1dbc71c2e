package oscar

import (
	"encoding/binary"
	"iter"
	"strconv"
)

// TLV is one type-length-value item. Value aliases the bytes it was read from.
type TLV struct {
	Type  uint16
	Value []byte
}

// TLVList is a run of whole TLVs, already checked: every item's length fits
// inside the list. The zero value is an empty list. Lookups scan the list, so
// they allocate nothing; lists in OSCAR are short.
type TLVList []byte

// ParseTLVs checks that b is a run of whole TLVs (the rest-of-body shape)
// and returns it as a list that aliases b.
func ParseTLVs(b []byte) (TLVList, error) { return parseTLVs(b, "TLV list", "TLVs") }

func parseTLVs(b []byte, msg, field string) (TLVList, error) {
	for off := 0; off < len(b); {
		if len(b)-off < 4 {
			return nil, &DecodeError{Msg: msg, Field: field, Reason: "TLV header at offset " + strconv.Itoa(off) + ": " + needReason(4, len(b)-off)}
		}
		t := binary.BigEndian.Uint16(b[off:])
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		off += 4
		if len(b)-off < n {
			return nil, &DecodeError{Msg: msg, Field: field, Reason: "TLV 0x" + strconv.FormatUint(uint64(t), 16) + " says " + strconv.Itoa(n) + " bytes, have " + strconv.Itoa(len(b)-off)}
		}
		off += n
	}
	return TLVList(b), nil
}

// All yields the items in order.
func (l TLVList) All() iter.Seq2[uint16, []byte] {
	return func(yield func(uint16, []byte) bool) {
		for off := 0; off+4 <= len(l); {
			t := binary.BigEndian.Uint16(l[off:])
			n := int(binary.BigEndian.Uint16(l[off+2:]))
			off += 4
			if n > len(l)-off { // only reachable for a list that skipped ParseTLVs
				return
			}
			if !yield(t, l[off:off+n:off+n]) {
				return
			}
			off += n
		}
	}
}

// Count returns the number of items.
func (l TLVList) Count() int {
	n := 0
	for range l.All() {
		n++
	}
	return n
}

// Get returns the value of the first item of type t.
func (l TLVList) Get(t uint16) ([]byte, bool) {
	for typ, v := range l.All() {
		if typ == t {
			return v, true
		}
	}
	return nil, false
}

// without returns the items for which modelled is false, in order, as a new
// list (nil when there are none): the TLVs a typed message keeps as they
// came so that it re-encodes them.
func (l TLVList) without(modelled func(uint16) bool) TLVList {
	var out TLVList
	for t, v := range l.All() {
		if !modelled(t) {
			out = AppendTLV(out, t, v)
		}
	}
	return out
}

// Has reports whether an item of type t is present (an empty one counts).
func (l TLVList) Has(t uint16) bool {
	_, ok := l.Get(t)
	return ok
}

// Uint8 returns a 1-byte value; ok is false if t is absent or not 1 byte.
func (l TLVList) Uint8(t uint16) (uint8, bool) {
	v, ok := l.Get(t)
	if !ok || len(v) != 1 {
		return 0, false
	}
	return v[0], true
}

// Uint16 returns a 2-byte value; ok is false if t is absent or not 2 bytes.
func (l TLVList) Uint16(t uint16) (uint16, bool) {
	v, ok := l.Get(t)
	if !ok || len(v) != 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(v), true
}

// Uint32 returns a 4-byte value; ok is false if t is absent or not 4 bytes.
func (l TLVList) Uint32(t uint16) (uint32, bool) {
	v, ok := l.Get(t)
	if !ok || len(v) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(v), true
}

// String returns the value as a string (a copy).
func (l TLVList) String(t uint16) (string, bool) {
	v, ok := l.Get(t)
	return string(v), ok
}

// Uint returns a value of 1, 2 or 4 bytes as an integer. Real servers send
// some codes (the kick reason, TLV 0x0009) in 1 byte or 2.
func (l TLVList) Uint(t uint16) (uint32, bool) {
	v, ok := l.Get(t)
	if !ok {
		return 0, false
	}
	switch len(v) {
	case 1:
		return uint32(v[0]), true
	case 2:
		return uint32(binary.BigEndian.Uint16(v)), true
	case 4:
		return binary.BigEndian.Uint32(v), true
	}
	return 0, false
}

// AppendTLV appends one item. Values longer than 65535 bytes are cut: the
// length field cannot say more.
func AppendTLV(b []byte, t uint16, v []byte) []byte {
	if len(v) > 0xFFFF {
		v = v[:0xFFFF]
	}
	b = binary.BigEndian.AppendUint16(b, t)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	return append(b, v...)
}

// AppendTLVString appends one item holding s.
func AppendTLVString(b []byte, t uint16, s string) []byte {
	if len(s) > 0xFFFF {
		s = s[:0xFFFF]
	}
	b = binary.BigEndian.AppendUint16(b, t)
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// AppendTLVUint8 appends one item holding a byte.
func AppendTLVUint8(b []byte, t uint16, v uint8) []byte {
	b = binary.BigEndian.AppendUint16(b, t)
	b = binary.BigEndian.AppendUint16(b, 1)
	return append(b, v)
}

// AppendTLVUint16 appends one item holding a u16.
func AppendTLVUint16(b []byte, t uint16, v uint16) []byte {
	b = binary.BigEndian.AppendUint16(b, t)
	b = binary.BigEndian.AppendUint16(b, 2)
	return binary.BigEndian.AppendUint16(b, v)
}

// AppendTLVUint32 appends one item holding a u32.
func AppendTLVUint32(b []byte, t uint16, v uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, t)
	b = binary.BigEndian.AppendUint16(b, 4)
	return binary.BigEndian.AppendUint32(b, v)
}

// AppendCounted appends the list preceded by its u16 item count.
func (l TLVList) AppendCounted(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(l.Count()))
	return append(b, l...)
}

// AppendLenPrefixed appends the list preceded by its u16 byte length.
func (l TLVList) AppendLenPrefixed(b []byte) []byte {
	n := len(l)
	if n > 0xFFFF {
		n = 0xFFFF // unreachable for lists read off the wire
	}
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	return append(b, l[:n]...)
}
