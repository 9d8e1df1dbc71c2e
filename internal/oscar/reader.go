package oscar

import (
	"encoding/binary"
	"strconv"
)

// reader is a bounds-checked cursor over a message body. The first failure
// sticks: later reads return zero values, and err names the message and the
// field that failed. Byte slices it returns alias b.
type reader struct {
	b   []byte
	off int
	msg string
	err error
}

func (r *reader) fail(field, reason string) {
	if r.err == nil {
		r.err = &DecodeError{Msg: r.msg, Field: field, Reason: reason}
	}
}

// check records err (from a nested decoder) unless an earlier one stuck.
func (r *reader) check(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

func (r *reader) need(n int, field string) bool { return r.needSuffixed(n, field, "") }

// needSuffixed is need for the field named field+suffix. The name is joined
// only on failure: decoding allocates nothing for error messages.
func (r *reader) needSuffixed(n int, field, suffix string) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.fail(field+suffix, needReason(n, len(r.b)-r.off))
		return false
	}
	return true
}

func (r *reader) len() int { return len(r.b) - r.off }

func (r *reader) u8(field string) uint8 {
	if !r.need(1, field) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16(field string) uint16 {
	if !r.need(2, field) {
		return 0
	}
	v := binary.BigEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *reader) u32(field string) uint32 {
	if !r.need(4, field) {
		return 0
	}
	v := binary.BigEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

// bytes returns the next n bytes, aliasing the input.
func (r *reader) bytes(n int, field string) []byte {
	if !r.need(n, field) {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

func (r *reader) copy(dst []byte, field string) {
	if r.need(len(dst), field) {
		r.off += copy(dst, r.b[r.off:])
	}
}

// bytes8 reads a u8 length and that many bytes.
func (r *reader) bytes8(field string) []byte {
	if !r.needSuffixed(1, field, " length") {
		return nil
	}
	n := int(r.b[r.off])
	r.off++
	return r.bytes(n, field)
}

// bytes16 reads a u16 length and that many bytes.
func (r *reader) bytes16(field string) []byte {
	if !r.needSuffixed(2, field, " length") {
		return nil
	}
	n := int(binary.BigEndian.Uint16(r.b[r.off:]))
	r.off += 2
	return r.bytes(n, field)
}

func (r *reader) str8(field string) string { return string(r.bytes8(field)) }

// rest returns everything not yet read.
func (r *reader) rest() []byte {
	if r.err != nil {
		return nil
	}
	v := r.b[r.off:len(r.b):len(r.b)]
	r.off = len(r.b)
	return v
}

// tlvsRest reads a TLV list that fills the rest of the body.
func (r *reader) tlvsRest(field string) TLVList {
	b := r.rest()
	if r.err != nil {
		return nil
	}
	l, err := parseTLVs(b, r.msg, field)
	r.check(err)
	return l
}

// tlvsCounted reads a u16 count and that many TLVs.
func (r *reader) tlvsCounted(field string) TLVList {
	if !r.needSuffixed(2, field, " count") {
		return nil
	}
	n := int(binary.BigEndian.Uint16(r.b[r.off:]))
	r.off += 2
	start := r.off
	for i := 0; i < n; i++ {
		if !r.needSuffixed(2, field, ": type") {
			return nil
		}
		r.off += 2
		if !r.needSuffixed(2, field, ": length") {
			return nil
		}
		l := int(binary.BigEndian.Uint16(r.b[r.off:]))
		r.off += 2
		if !r.needSuffixed(l, field, ": value") {
			return nil
		}
		r.off += l
	}
	return TLVList(r.b[start:r.off:r.off])
}

// tlvsLen reads a u16 byte length and a TLV list of exactly that size.
func (r *reader) tlvsLen(field string) TLVList {
	b := r.bytes16(field)
	if r.err != nil {
		return nil
	}
	l, err := parseTLVs(b, r.msg, field)
	r.check(err)
	return l
}

// end fails if bytes are left over: for fixed-size bodies.
func (r *reader) end(field string) {
	if r.err == nil && r.off != len(r.b) {
		r.fail(field, "unexpected "+strconv.Itoa(len(r.b)-r.off)+" trailing bytes")
	}
}

// appendStr8 appends a u8 length and s, cut to 255 bytes: callers check
// lengths when values are made (screenname.Parse).
func appendStr8(b []byte, s string) []byte {
	if len(s) > 255 {
		s = s[:255]
	}
	b = append(b, byte(len(s)))
	return append(b, s...)
}
