package oscar

import "encoding/binary"

// Locate TLV types: 02,03 rights and 02,04 / 02,06 user info.
const (
	LocateTLVMaxProfileLen = 0x0001 // in 02,03
	LocateTLVMaxCaps       = 0x0002 // in 02,03
	InfoTLVProfileMIME     = 0x0001 // in 02,04 and 02,06
	InfoTLVProfile         = 0x0002
	InfoTLVAwayMIME        = 0x0003
	InfoTLVAway            = 0x0004
	InfoTLVCapabilities    = 0x0005
)

// LocateRights is SNAC 02,03: limits of the locate family.
type LocateRights struct {
	TLVs TLVList
}

// SNACType returns 02,03.
func (m *LocateRights) SNACType() SNACType { return TypeLocateRights }

// AppendTo appends the TLVs.
func (m *LocateRights) AppendTo(b []byte) []byte { return append(b, m.TLVs...) }

// Decode reads the body.
func (m *LocateRights) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 02,03"}
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// MaxProfileLen returns the longest profile the server takes, if it says.
func (m *LocateRights) MaxProfileLen() (uint16, bool) { return m.TLVs.Uint16(LocateTLVMaxProfileLen) }

// SetInfo is SNAC 02,04: set the profile and away message. Each part is
// sent only when its Has flag is set; HasAway with an empty Away means
// "back". A MIME type is sent only when non-empty.
type SetInfo struct {
	HasProfile  bool
	ProfileMIME string // `text/aolrtf; charset="us-ascii"`
	Profile     []byte
	HasAway     bool
	AwayMIME    string
	Away        []byte
	HasCaps     bool
	Caps        []byte // 16-byte capability UUIDs
}

// SNACType returns 02,04.
func (m *SetInfo) SNACType() SNACType { return TypeSetInfo }

// AppendTo appends the TLVs in type order.
func (m *SetInfo) AppendTo(b []byte) []byte {
	if m.HasProfile {
		if m.ProfileMIME != "" {
			b = AppendTLVString(b, InfoTLVProfileMIME, m.ProfileMIME)
		}
		b = AppendTLV(b, InfoTLVProfile, m.Profile)
	}
	if m.HasAway {
		if m.AwayMIME != "" {
			b = AppendTLVString(b, InfoTLVAwayMIME, m.AwayMIME)
		}
		b = AppendTLV(b, InfoTLVAway, m.Away)
	}
	if m.HasCaps {
		b = AppendTLV(b, InfoTLVCapabilities, m.Caps)
	}
	return b
}

// Decode reads the body.
func (m *SetInfo) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 02,04"}
	l := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	*m = SetInfo{}
	m.Profile, m.HasProfile = l.Get(InfoTLVProfile)
	m.Away, m.HasAway = l.Get(InfoTLVAway)
	m.Caps, m.HasCaps = l.Get(InfoTLVCapabilities)
	if m.HasProfile {
		m.ProfileMIME, _ = l.String(InfoTLVProfileMIME)
	}
	if m.HasAway {
		m.AwayMIME, _ = l.String(InfoTLVAwayMIME)
	}
	return nil
}

// User info query types of 02,05.
const (
	InfoQueryProfile = 0x0001
	InfoQueryAway    = 0x0003
)

// UserInfoQuery is SNAC 02,05: ask for a user's info.
type UserInfoQuery struct {
	Type       uint16
	ScreenName string
}

// SNACType returns 02,05.
func (m *UserInfoQuery) SNACType() SNACType { return TypeUserInfoQuery }

// AppendTo appends the body.
func (m *UserInfoQuery) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Type)
	return appendStr8(b, m.ScreenName)
}

// Decode reads the body.
func (m *UserInfoQuery) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 02,05"}
	m.Type = r.u16("type")
	m.ScreenName = r.str8("screen name")
	r.end("screen name")
	return r.err
}

// UserInfoReply is SNAC 02,06: a user's info block, then TLVs with the
// profile and away message (and their MIME types) that were asked for.
type UserInfoReply struct {
	Info UserInfo
	TLVs TLVList
}

// SNACType returns 02,06.
func (m *UserInfoReply) SNACType() SNACType { return TypeUserInfoReply }

// AppendTo appends the body.
func (m *UserInfoReply) AppendTo(b []byte) []byte {
	return append(m.Info.AppendTo(b), m.TLVs...)
}

// Decode reads the body.
func (m *UserInfoReply) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 02,06"}
	m.Info.decode(&r, "user info")
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// Profile returns the profile and its MIME type, if the reply has one.
func (m *UserInfoReply) Profile() (text []byte, mime string, ok bool) {
	text, ok = m.TLVs.Get(InfoTLVProfile)
	mime, _ = m.TLVs.String(InfoTLVProfileMIME)
	return text, mime, ok
}

// Away returns the away message and its MIME type, if the reply has one.
func (m *UserInfoReply) Away() (text []byte, mime string, ok bool) {
	text, ok = m.TLVs.Get(InfoTLVAway)
	mime, _ = m.TLVs.String(InfoTLVAwayMIME)
	return text, mime, ok
}
