package oscar

import "encoding/binary"

// MD5KeyRequest is SNAC 17,02's forerunner 17,06: the client asks for a
// challenge key for ScreenName. Extra holds any other TLVs (clients send
// empty 0x004B and 0x005A); TLV 0x0001 in it is ignored on encode.
type MD5KeyRequest struct {
	ScreenName string
	Extra      TLVList
}

// SNACType returns 17,06.
func (m *MD5KeyRequest) SNACType() SNACType { return TypeMD5KeyRequest }

// AppendTo appends TLV 0x0001 then the extra TLVs.
func (m *MD5KeyRequest) AppendTo(b []byte) []byte {
	b = AppendTLVString(b, TLVScreenName, m.ScreenName)
	for t, v := range m.Extra.All() {
		if t != TLVScreenName {
			b = AppendTLV(b, t, v)
		}
	}
	return b
}

// Decode reads the body.
func (m *MD5KeyRequest) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 17,06"}
	l := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	name, ok := l.String(TLVScreenName)
	if !ok {
		return &DecodeError{Msg: "SNAC 17,06", Field: "screen name (TLV 0x0001)", Reason: "missing"}
	}
	m.ScreenName, m.Extra = name, l
	return nil
}

// MD5KeyReply is SNAC 17,07: the challenge key, u16 length + bytes (real
// servers send a 36-character UUID string).
type MD5KeyReply struct {
	Key []byte
}

// SNACType returns 17,07.
func (m *MD5KeyReply) SNACType() SNACType { return TypeMD5KeyReply }

// AppendTo appends the key with its length.
func (m *MD5KeyReply) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(m.Key)))
	return append(b, m.Key...)
}

// Decode reads the body.
func (m *MD5KeyReply) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 17,07"}
	m.Key = r.bytes16("key")
	return r.err
}

// MD5LoginRequest is SNAC 17,02: the MD5 login. Hash is MD5LoginHash of the
// key from 17,07; PasswordIsHashed says which form (empty TLV 0x004C).
type MD5LoginRequest struct {
	ScreenName       string
	Hash             [16]byte
	PasswordIsHashed bool
	Client           ClientInfo
	MultiConn        bool // TLV 0x004A = 1: the server kicks old sessions politely
}

// SNACType returns 17,02.
func (m *MD5LoginRequest) SNACType() SNACType { return TypeMD5LoginRequest }

// AppendTo appends the TLVs in the order real clients send them.
func (m *MD5LoginRequest) AppendTo(b []byte) []byte {
	b = AppendTLVString(b, TLVScreenName, m.ScreenName)
	b = AppendTLV(b, TLVPasswordHash, m.Hash[:])
	if m.PasswordIsHashed {
		b = AppendTLV(b, TLVPasswordIsHashed, nil)
	}
	b = m.Client.appendTLVs(b)
	if m.MultiConn {
		b = AppendTLVUint8(b, TLVMultiConn, 1)
	}
	return b
}

// Decode reads the body.
func (m *MD5LoginRequest) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 17,02"}
	l := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	*m = MD5LoginRequest{}
	var ok bool
	if m.ScreenName, ok = l.String(TLVScreenName); !ok {
		return &DecodeError{Msg: "SNAC 17,02", Field: "screen name (TLV 0x0001)", Reason: "missing"}
	}
	h, ok := l.Get(TLVPasswordHash)
	if !ok || len(h) != 16 {
		return &DecodeError{Msg: "SNAC 17,02", Field: "password hash (TLV 0x0025)", Reason: "missing or not 16 bytes"}
	}
	copy(m.Hash[:], h)
	m.PasswordIsHashed = l.Has(TLVPasswordIsHashed)
	m.Client.fromTLVs(l)
	if v, ok := l.Uint(TLVMultiConn); ok && v == 1 {
		m.MultiConn = true
	}
	return nil
}
