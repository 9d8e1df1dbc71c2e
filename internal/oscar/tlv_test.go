package oscar

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// tlvSample has one item of each width, an empty one, an odd one and a
// repeated type.
const tlvSample = "0001 0001 07" + // 1 byte
	" 0002 0002 0102" + // 2 bytes
	" 0004 0004 01020304" + // 4 bytes
	" 0003 0003 010203" + // 3 bytes: no integer
	" 0005 0000" + // empty
	" 0001 0001 09" // a repeat: lookups see the first

func TestTLVListAccessors(t *testing.T) {
	l, err := ParseTLVs(mustHex(t, tlvSample))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		v  uint32
		ok bool
	}
	tests := []struct {
		name string
		got  func() (uint32, bool)
		want result
	}{
		{"Uint 1 byte", func() (uint32, bool) { return l.Uint(1) }, result{7, true}},
		{"Uint 2 bytes", func() (uint32, bool) { return l.Uint(2) }, result{0x0102, true}},
		{"Uint 4 bytes", func() (uint32, bool) { return l.Uint(4) }, result{0x01020304, true}},
		{"Uint 3 bytes", func() (uint32, bool) { return l.Uint(3) }, result{0, false}},
		{"Uint empty", func() (uint32, bool) { return l.Uint(5) }, result{0, false}},
		{"Uint absent", func() (uint32, bool) { return l.Uint(9) }, result{0, false}},
		{"Uint8", func() (uint32, bool) { v, ok := l.Uint8(1); return uint32(v), ok }, result{7, true}},
		{"Uint8 of 2 bytes", func() (uint32, bool) { v, ok := l.Uint8(2); return uint32(v), ok }, result{0, false}},
		{"Uint8 absent", func() (uint32, bool) { v, ok := l.Uint8(9); return uint32(v), ok }, result{0, false}},
		{"Uint16", func() (uint32, bool) { v, ok := l.Uint16(2); return uint32(v), ok }, result{0x0102, true}},
		{"Uint16 of 1 byte", func() (uint32, bool) { v, ok := l.Uint16(1); return uint32(v), ok }, result{0, false}},
		{"Uint16 of 4 bytes", func() (uint32, bool) { v, ok := l.Uint16(4); return uint32(v), ok }, result{0, false}},
		{"Uint32", func() (uint32, bool) { return l.Uint32(4) }, result{0x01020304, true}},
		{"Uint32 of 3 bytes", func() (uint32, bool) { return l.Uint32(3) }, result{0, false}},
		{"Uint32 empty", func() (uint32, bool) { return l.Uint32(5) }, result{0, false}},
	}
	for _, tt := range tests {
		if v, ok := tt.got(); (result{v, ok}) != tt.want {
			t.Errorf("%s = %#x, %v; want %#x, %v", tt.name, v, ok, tt.want.v, tt.want.ok)
		}
	}
	if v, ok := l.Get(5); !ok || v == nil || len(v) != 0 {
		t.Errorf("Get(empty) = %v, %v; want a present empty value", v, ok)
	}
	if v, ok := l.Get(9); ok || v != nil {
		t.Errorf("Get(absent) = %v, %v", v, ok)
	}
	if !l.Has(5) || l.Has(9) {
		t.Error("Has")
	}
	if s, ok := l.String(3); s != "\x01\x02\x03" || !ok {
		t.Errorf("String(3) = %q, %v", s, ok)
	}
	if s, ok := l.String(9); s != "" || ok {
		t.Errorf("String(absent) = %q, %v", s, ok)
	}
	if n := l.Count(); n != 6 {
		t.Errorf("Count = %d", n)
	}
	var types []uint16
	for typ := range l.All() {
		types = append(types, typ)
		if len(types) == 3 {
			break
		}
	}
	if len(types) != 3 || types[2] != 4 {
		t.Errorf("All with an early break saw %v", types)
	}
	var zero TLVList
	if zero.Count() != 0 || zero.Has(0) {
		t.Error("zero TLVList is not empty")
	}
	if n := testing.AllocsPerRun(10, func() { l.Uint(4); l.Get(5); l.Count() }); n != 0 {
		t.Errorf("lookups allocate %v times", n)
	}
}

func TestParseTLVs(t *testing.T) {
	tests := []struct {
		name, hex, reason string // reason "" for success
	}{
		{"empty", "", ""},
		{"one empty item", "0005 0000", ""},
		{"sample", tlvSample, ""},
		{"short header", "0001", "TLV header at offset 0: need 4 bytes, have 2"},
		{"short header after an item", "0001 0001 07 0002 00", "TLV header at offset 5: need 4 bytes, have 3"},
		{"short value", "0001 0001 07 0009 0005 010203", "TLV 0x9 says 5 bytes, have 3"},
	}
	for _, tt := range tests {
		b := mustHex(t, tt.hex)
		l, err := ParseTLVs(b)
		if tt.reason == "" {
			if err != nil || !bytes.Equal(l, b) {
				t.Errorf("%s: ParseTLVs = % x, %v", tt.name, l, err)
			}
			continue
		}
		var de *DecodeError
		if !errors.As(err, &de) || de.Msg != "TLV list" || de.Reason != tt.reason {
			t.Errorf("%s: ParseTLVs error %v, want reason %q", tt.name, err, tt.reason)
		}
	}
}

func TestAppendTLV(t *testing.T) {
	var b []byte
	b = AppendTLV(b, 0x0006, []byte{0xca, 0xfe})
	b = AppendTLV(b, 0x0003, nil)
	b = AppendTLVString(b, 0x0001, "LabAlice")
	b = AppendTLVUint8(b, 0x004a, 1)
	b = AppendTLVUint16(b, 0x0016, 0x0109)
	b = AppendTLVUint32(b, 0x0014, 0x9c)
	want := mustHex(t, "0006 0002 cafe  0003 0000  0001 0008 4c6162416c696365  004a 0001 01  0016 0002 0109  0014 0004 0000009c")
	if !bytes.Equal(b, want) {
		t.Fatalf("got\n% x\nwant\n% x", b, want)
	}

	// Values too long for the length field are cut.
	long := AppendTLV(nil, 7, make([]byte, 0x10000))
	longS := AppendTLVString(nil, 7, strings.Repeat("x", 0x10000))
	for _, b := range [][]byte{long, longS} {
		if l, err := ParseTLVs(b); err != nil || len(b) != 4+0xffff {
			t.Errorf("cut TLV: %d bytes, %v", len(b), err)
		} else if v, _ := l.Get(7); len(v) != 0xffff {
			t.Errorf("cut TLV value %d bytes", len(v))
		}
	}
}

// TestTLVListShapes writes a list in each of the shapes OSCAR uses and
// reads it back.
func TestTLVListShapes(t *testing.T) {
	l, err := ParseTLVs(mustHex(t, tlvSample))
	if err != nil {
		t.Fatal(err)
	}
	counted := l.AppendCounted([]byte{0xee})
	if want := append(mustHex(t, "ee 0006"), l...); !bytes.Equal(counted, want) {
		t.Errorf("AppendCounted = % x", counted)
	}
	r := reader{b: counted[1:], msg: "test"}
	if got := r.tlvsCounted("tlvs"); r.err != nil || !bytes.Equal(got, l) || r.len() != 0 {
		t.Errorf("tlvsCounted = % x, %v", got, r.err)
	}

	prefixed := l.AppendLenPrefixed(nil)
	if want := append([]byte{0, byte(len(l))}, l...); !bytes.Equal(prefixed, want) {
		t.Errorf("AppendLenPrefixed = % x", prefixed)
	}
	r = reader{b: prefixed, msg: "test"}
	if got := r.tlvsLen("tlvs"); r.err != nil || !bytes.Equal(got, l) || r.len() != 0 {
		t.Errorf("tlvsLen = % x, %v", got, r.err)
	}

	// Counted and length-prefixed lists that claim more than they have.
	for _, tt := range []struct {
		hex   string
		read  func(*reader) TLVList
		field string
	}{
		{"0002 0001 0001 07", func(r *reader) TLVList { return r.tlvsCounted("tlvs") }, "tlvs: type"},
		{"0001 0001 0005 07", func(r *reader) TLVList { return r.tlvsCounted("tlvs") }, "tlvs: value"},
		{"00", func(r *reader) TLVList { return r.tlvsCounted("tlvs") }, "tlvs count"},
		{"0009 0001 0001 07", func(r *reader) TLVList { return r.tlvsLen("tlvs") }, "tlvs"},
		{"0004 0001 0001", func(r *reader) TLVList { return r.tlvsLen("tlvs") }, "tlvs"},
	} {
		r := reader{b: mustHex(t, tt.hex), msg: "test"}
		got := tt.read(&r)
		var de *DecodeError
		if got != nil || !errors.As(r.err, &de) || de.Field != tt.field {
			t.Errorf("%s: % x, %v; want a %q error", tt.hex, got, r.err, tt.field)
		}
	}
}

func TestParseSNAC(t *testing.T) {
	tests := []struct {
		name, hex string
		want      SNACHeader
		opt, body string
		field     string // of the error
	}{
		// im-and-presence.txt line 75: 04,01 code 4.
		{"error reply", "0004 0001 0000 0000010e 0004", SNACHeader{4, 1, 0, 0x10e}, "", "0004", ""},
		{"empty body", "0001 000e 0000 00000103", SNACHeader{1, 0x0e, 0, 0x103}, "", "", ""},
		{"more replies", "0013 0006 0001 00000005 00", SNACHeader{0x13, 6, SNACFlagMoreReplies, 5}, "", "00", ""},
		{"optional data", "0001 0003 8000 80000000 0006 000100020003 0001 0002", SNACHeader{1, 3, 0x8000, 0x80000000}, "000100020003", "00010002", ""},
		{"empty optional data", "0001 0003 8000 80000000 0000", SNACHeader{1, 3, 0x8000, 0x80000000}, "", "", ""},
		{"short header", "0004 0001 0000 0000", SNACHeader{}, "", "", "header: request id"},
		{"no header", "", SNACHeader{}, "", "", "header: family"},
		{"optional length missing", "0001 0003 8000 80000000 00", SNACHeader{}, "", "", "optional data length"},
		{"optional data short", "0001 0003 8000 80000000 0006 0001", SNACHeader{}, "", "", "optional data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(t, tt.hex)
			s, err := ParseSNAC(in)
			if tt.field != "" {
				var de *DecodeError
				if !errors.As(err, &de) || de.Msg != "SNAC" || de.Field != tt.field {
					t.Fatalf("ParseSNAC = %+v, %v; want a %q error", s, err, tt.field)
				}
				return
			}
			if err != nil || s.SNACHeader != tt.want || !bytes.Equal(s.Optional, mustHex(t, tt.opt)) || !bytes.Equal(s.Body, mustHex(t, tt.body)) {
				t.Fatalf("ParseSNAC = %+v, %v; want %+v opt %s body %s", s, err, tt.want, tt.opt, tt.body)
			}
			if got := s.AppendTo(nil); !bytes.Equal(got, in) {
				t.Errorf("AppendTo = % x, want % x", got, in)
			}
		})
	}
	in := mustHex(t, "0001 0003 8000 80000000 0006 000100020003 0001 0002")
	if n := testing.AllocsPerRun(10, func() { ParseSNAC(in) }); n != 0 {
		t.Errorf("ParseSNAC allocates %v times", n)
	}
}

func TestSNACTypeNames(t *testing.T) {
	for _, tt := range []struct {
		typ          SNACType
		str, short   string
		family, subt uint16
	}{
		{TypeICBMSend, "04,06 ICBM send", "04,06", 4, 6},
		{TypeMD5LoginReply, "17,03 login reply", "17,03", 0x17, 3},
		{MakeSNACType(4, 1), "04,01 error", "04,01", 4, 1},
		{MakeSNACType(0x15, 2), "15,02", "15,02", 0x15, 2},
		{MakeSNACType(0x1234, 0xabcd), "1234,abcd", "1234,abcd", 0x1234, 0xabcd},
	} {
		if tt.typ.String() != tt.str || tt.typ.Short() != tt.short || tt.typ.Family() != tt.family || tt.typ.Subtype() != tt.subt {
			t.Errorf("%#x: %q %q %#x %#x", uint32(tt.typ), tt.typ.String(), tt.typ.Short(), tt.typ.Family(), tt.typ.Subtype())
		}
	}
	h := SNACHeader{Family: 4, Subtype: 7}
	if h.Type() != TypeICBMIncoming {
		t.Errorf("SNACHeader.Type() = %v", h.Type())
	}
}

func TestSNACError(t *testing.T) {
	tests := []struct {
		name, hex string
		family    uint16
		code      uint16
		text      string
	}{
		// im-and-presence.txt line 75: IM to an offline user.
		{"offline", "0004", 4, ErrCodeNotLoggedOn, "04,01: recipient is not signed on (0x0004)"},
		// im-flags-offline.txt line 93: 04,10 refused.
		{"refused", "0001", 4, ErrCodeInvalidSNAC, "04,01: invalid or unsupported request (0x0001)"},
		{"with TLVs", "000e 0008 0002 0005", 2, ErrCodeBadSNACFormat, "02,01: malformed request (0x000e)"},
		{"unknown code", "00ff", 0x13, 0xff, "13,01: error 0x00ff (0x00ff)"},
	}
	for _, tt := range tests {
		in := mustHex(t, tt.hex)
		m := SNACError{Family: tt.family}
		if err := m.Decode(in); err != nil || m.Code != tt.code || m.Family != tt.family {
			t.Errorf("%s: Decode = %+v, %v", tt.name, m, err)
		}
		if m.Error() != tt.text || m.SNACType() != MakeSNACType(tt.family, 1) {
			t.Errorf("%s: Error() = %q, want %q", tt.name, m.Error(), tt.text)
		}
		if got := m.AppendTo(nil); !bytes.Equal(got, in) {
			t.Errorf("%s: AppendTo = % x", tt.name, got)
		}
	}
	var m SNACError
	for _, bad := range []string{"", "00", "0004 0008"} {
		if err := m.Decode(mustHex(t, bad)); !errors.As(err, new(*DecodeError)) {
			t.Errorf("Decode(%s) = %v", bad, err)
		}
	}
}

func TestDecodeErrorText(t *testing.T) {
	var m IncomingIM
	err := m.Decode(mustHex(t, "0102030405060708 0001 0c4c6162"))
	want := "oscar: SNAC 04,07: sender: screen name: need 12 bytes, have 3"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestEmpty(t *testing.T) {
	for _, typ := range emptyBodies {
		e := Empty(typ)
		var m Message = e
		if m.SNACType() != typ || len(m.AppendTo(nil)) != 0 {
			t.Errorf("Empty(%v) = %v, % x", typ, m.SNACType(), m.AppendTo(nil))
		}
	}
}

// TestEncodersCut covers what encoders do with values a length field
// cannot describe: they cut them, so the bytes stay well-formed.
func TestEncodersCut(t *testing.T) {
	long := strings.Repeat("x", 300)
	var q UserInfoQuery
	if err := q.Decode((&UserInfoQuery{Type: 1, ScreenName: long}).AppendTo(nil)); err != nil || q.ScreenName != long[:255] {
		t.Errorf("300-byte name: %d bytes came back, %v", len(q.ScreenName), err)
	}

	list := TLVList(AppendTLV(AppendTLV(nil, 1, make([]byte, 0xfff0)), 2, make([]byte, 0x20)))
	r := reader{b: list.AppendLenPrefixed(nil), msg: "test"}
	if b := r.bytes16("list"); r.err != nil || len(b) != 0xffff || r.len() != 0 {
		t.Errorf("long list: %d bytes, %v", len(b), r.err)
	}

	s := SNAC{SNACHeader: SNACHeader{Family: 1, Subtype: 3, Flags: SNACFlagOptionalData}, Optional: make([]byte, 0x10000), Body: []byte{1}}
	if back, err := ParseSNAC(s.AppendTo(nil)); err != nil || len(back.Optional) != 0xffff || !bytes.Equal(back.Body, []byte{1}) {
		t.Errorf("long optional data: %d bytes, body % x, %v", len(back.Optional), back.Body, err)
	}

	// A list that skipped ParseTLVs ends at its first bad item.
	if n := TLVList(mustHex(t, "0001 0001 07 0002 0005 01")).Count(); n != 1 {
		t.Errorf("Count of a bad list = %d", n)
	}
}
