package oscar

import "encoding/binary"

// PrivacyRights is SNAC 09,03: limits of the privacy family.
type PrivacyRights struct {
	TLVs TLVList
}

// SNACType returns 09,03.
func (m *PrivacyRights) SNACType() SNACType { return TypePrivacyRights }

// AppendTo appends the TLVs.
func (m *PrivacyRights) AppendTo(b []byte) []byte { return append(b, m.TLVs...) }

// Decode reads the body.
func (m *PrivacyRights) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 09,03"}
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// SetPermitMask is SNAC 09,04: which classes of user may see us
// (0x0000001F: everyone).
type SetPermitMask struct {
	Mask uint32
}

// SNACType returns 09,04.
func (m *SetPermitMask) SNACType() SNACType { return TypeSetPermitMask }

// AppendTo appends the mask.
func (m *SetPermitMask) AppendTo(b []byte) []byte { return binary.BigEndian.AppendUint32(b, m.Mask) }

// Decode reads the body.
func (m *SetPermitMask) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 09,04"}
	m.Mask = r.u32("mask")
	r.end("mask")
	return r.err
}

// AddDeny is SNAC 09,07: add names to the deny list (empty: none).
type AddDeny NameList

// SNACType returns 09,07.
func (m *AddDeny) SNACType() SNACType { return TypeAddDeny }

// AppendTo appends the names.
func (m *AddDeny) AppendTo(b []byte) []byte { return (*NameList)(m).appendTo(b) }

// Decode reads the body.
func (m *AddDeny) Decode(b []byte) error { return (*NameList)(m).decode(b, "SNAC 09,07") }
