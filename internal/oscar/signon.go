package oscar

import (
	"encoding/binary"
	"strconv"
)

// TLV types of the signon (channel 1) and close (channel 4) frames and of
// the BUCP login SNACs.
const (
	TLVScreenName       = 0x0001
	TLVRoastedPassword  = 0x0002
	TLVClientName       = 0x0003 // client id string
	TLVErrorURL         = 0x0004
	TLVBOSAddress       = 0x0005 // host[:port]
	TLVCookie           = 0x0006
	TLVErrorCode        = 0x0008
	TLVDisconnectReason = 0x0009 // 1 or 2 bytes on real servers
	TLVReconnectURL     = 0x000B
	TLVCountry          = 0x000E
	TLVLanguage         = 0x000F
	TLVDistribution     = 0x0014
	TLVClientID         = 0x0016
	TLVVersionMajor     = 0x0017
	TLVVersionMinor     = 0x0018
	TLVVersionLesser    = 0x0019
	TLVVersionBuild     = 0x001A
	TLVPasswordHash     = 0x0025
	TLVMultiConn        = 0x004A
	TLVPasswordIsHashed = 0x004C // empty: TLV 0x25 used MD5(password)
)

// Authorizer error codes (TLV 0x0008).
const (
	LoginErrUnknownName    = 0x0001
	LoginErrBadPassword    = 0x0005
	LoginErrInvalidAccount = 0x0007
	LoginErrDeletedAccount = 0x0008
	LoginErrExpired        = 0x0009
	LoginErrSuspended      = 0x0011
	LoginErrTooEvil        = 0x0019
	LoginErrRateLimited    = 0x001D
	LoginErrBadSecurID     = 0x0020
	LoginErrSuspendedAge   = 0x0022
)

// DisconnectSignedOnElsewhere is TLV 0x0009's value when the same screen
// name signed on somewhere else.
const DisconnectSignedOnElsewhere = 0x0001

// FLAPVersion is the u32 that opens every channel-1 payload.
const FLAPVersion = 1

// SignonFrame is a channel-1 payload: a u32 version, then TLVs. The server's
// connection acknowledge is one with no TLVs.
type SignonFrame struct {
	Version uint32
	TLVs    TLVList
}

// AppendTo appends the payload.
func (m *SignonFrame) AppendTo(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, m.Version), m.TLVs...)
}

// Decode reads a channel-1 payload.
func (m *SignonFrame) Decode(b []byte) error {
	r := reader{b: b, msg: "signon frame"}
	m.Version = r.u32("version")
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// ClientInfo identifies the client software in a login request (TLVs 0x03,
// 0x16 to 0x1A, 0x14, 0x0F, 0x0E). A zero ClientInfo is sent as no TLVs.
type ClientInfo struct {
	Name                        string // "AOL Instant Messenger, version 5.1.3036/WIN32"
	ID                          uint16
	Major, Minor, Lesser, Build uint16
	Distribution                uint32
	Language, Country           string // "en", "us"
}

func (c *ClientInfo) appendTLVs(b []byte) []byte {
	if *c == (ClientInfo{}) {
		return b
	}
	b = AppendTLVString(b, TLVClientName, c.Name)
	b = AppendTLVUint16(b, TLVClientID, c.ID)
	b = AppendTLVUint16(b, TLVVersionMajor, c.Major)
	b = AppendTLVUint16(b, TLVVersionMinor, c.Minor)
	b = AppendTLVUint16(b, TLVVersionLesser, c.Lesser)
	b = AppendTLVUint16(b, TLVVersionBuild, c.Build)
	b = AppendTLVUint32(b, TLVDistribution, c.Distribution)
	b = AppendTLVString(b, TLVLanguage, c.Language)
	return AppendTLVString(b, TLVCountry, c.Country)
}

func (c *ClientInfo) fromTLVs(l TLVList) {
	c.Name, _ = l.String(TLVClientName)
	c.ID, _ = l.Uint16(TLVClientID)
	c.Major, _ = l.Uint16(TLVVersionMajor)
	c.Minor, _ = l.Uint16(TLVVersionMinor)
	c.Lesser, _ = l.Uint16(TLVVersionLesser)
	c.Build, _ = l.Uint16(TLVVersionBuild)
	c.Distribution, _ = l.Uint32(TLVDistribution)
	c.Language, _ = l.String(TLVLanguage)
	c.Country, _ = l.String(TLVCountry)
}

// LoginRequest is the FLAP login: a channel-1 payload with the screen name,
// the roasted password (see AppendRoasted) and the client's identity.
type LoginRequest struct {
	ScreenName      string
	RoastedPassword []byte // nil: no TLV 0x0002 at all
	Client          ClientInfo
	MultiConn       bool // TLV 0x004A = 1, last: the server says why it ends a session
}

// AppendTo appends the channel-1 payload.
func (m *LoginRequest) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, FLAPVersion)
	b = AppendTLVString(b, TLVScreenName, m.ScreenName)
	if m.RoastedPassword != nil {
		b = AppendTLV(b, TLVRoastedPassword, m.RoastedPassword)
	}
	b = m.Client.appendTLVs(b)
	if m.MultiConn {
		b = AppendTLVUint8(b, TLVMultiConn, 1)
	}
	return b
}

// Decode reads a channel-1 payload as a FLAP login.
func (m *LoginRequest) Decode(b []byte) error {
	var f SignonFrame
	if err := f.Decode(b); err != nil {
		return err
	}
	name, ok := f.TLVs.String(TLVScreenName)
	if !ok {
		return &DecodeError{Msg: "FLAP login request", Field: "screen name (TLV 0x0001)", Reason: "missing"}
	}
	m.ScreenName = name
	m.RoastedPassword, _ = f.TLVs.Get(TLVRoastedPassword)
	m.Client.fromTLVs(f.TLVs)
	v, ok := f.TLVs.Uint(TLVMultiConn)
	m.MultiConn = ok && v == 1
	return nil
}

// BOSSignon is the client's channel-1 payload on the BOS connection: the
// cookie from the authorizer.
type BOSSignon struct {
	Cookie []byte
}

// AppendTo appends the channel-1 payload.
func (m *BOSSignon) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, FLAPVersion)
	return AppendTLV(b, TLVCookie, m.Cookie)
}

// Decode reads a BOS channel-1 payload.
func (m *BOSSignon) Decode(b []byte) error {
	var f SignonFrame
	if err := f.Decode(b); err != nil {
		return err
	}
	c, ok := f.TLVs.Get(TLVCookie)
	if !ok {
		return &DecodeError{Msg: "BOS signon", Field: "cookie (TLV 0x0006)", Reason: "missing"}
	}
	m.Cookie = c
	return nil
}

// LoginReply is the authorizer's answer, the same TLVs in both logins: the
// channel-4 payload after a FLAP login, or the body of 17,03 after an MD5
// login. Success carries the BOS address and cookie; failure an error code.
type LoginReply struct {
	ScreenName string // as the server formats it (real servers echo what was typed)
	BOSAddress string
	Cookie     []byte
	ErrorCode  uint16
	ErrorURL   string
	// Extra holds the TLVs not modelled above, in the order received, and
	// is re-encoded after them: the 2026 release adds 0x008E (u8 0).
	Extra TLVList
}

// loginReplyTLVs are the TLVs LoginReply models; others go to Extra.
func loginReplyTLV(t uint16) bool {
	switch t {
	case TLVScreenName, TLVBOSAddress, TLVCookie, TLVErrorCode, TLVErrorURL:
		return true
	}
	return false
}

// SNACType returns 17,03.
func (m *LoginReply) SNACType() SNACType { return TypeMD5LoginReply }

// AppendTo appends the TLVs in the order real servers send them.
func (m *LoginReply) AppendTo(b []byte) []byte {
	if m.ScreenName != "" {
		b = AppendTLVString(b, TLVScreenName, m.ScreenName)
	}
	if m.BOSAddress != "" {
		b = AppendTLVString(b, TLVBOSAddress, m.BOSAddress)
	}
	if m.Cookie != nil {
		b = AppendTLV(b, TLVCookie, m.Cookie)
	}
	if m.ErrorCode != 0 {
		b = AppendTLVUint16(b, TLVErrorCode, m.ErrorCode)
	}
	if m.ErrorURL != "" {
		b = AppendTLVString(b, TLVErrorURL, m.ErrorURL)
	}
	return append(b, m.Extra...)
}

// Decode reads the TLVs. A reply with neither a cookie nor an error code is
// an error: the client could do nothing with it.
func (m *LoginReply) Decode(b []byte) error {
	l, err := parseTLVs(b, "login reply", "TLVs")
	if err != nil {
		return err
	}
	*m = LoginReply{}
	m.ScreenName, _ = l.String(TLVScreenName)
	m.BOSAddress, _ = l.String(TLVBOSAddress)
	m.Cookie, _ = l.Get(TLVCookie)
	m.ErrorURL, _ = l.String(TLVErrorURL)
	m.Extra = l.without(loginReplyTLV)
	if v, ok := l.Get(TLVErrorCode); ok {
		code, ok := l.Uint(TLVErrorCode)
		if !ok || code == 0 || code > 0xFFFF {
			return &DecodeError{Msg: "login reply", Field: "error code (TLV 0x0008)", Reason: "bad value of " + strconv.Itoa(len(v)) + " bytes"}
		}
		m.ErrorCode = uint16(code)
	}
	if m.ErrorCode == 0 && (m.Cookie == nil || m.BOSAddress == "") {
		return &DecodeError{Msg: "login reply", Field: "TLVs", Reason: "neither an error code nor a BOS address and cookie"}
	}
	return nil
}

// Disconnect is a server's channel-4 payload on a BOS connection: why it is
// closing (TLV 0x0009, 1 or 2 bytes) and perhaps a URL (TLV 0x000B).
// An empty payload decodes to the zero value.
type Disconnect struct {
	Reason uint16
	URL    string
}

// AppendTo appends the TLVs, the reason in one byte when it fits (as the
// real server sends it).
func (m *Disconnect) AppendTo(b []byte) []byte {
	if m.Reason != 0 {
		if m.Reason <= 0xFF {
			b = AppendTLVUint8(b, TLVDisconnectReason, uint8(m.Reason))
		} else {
			b = AppendTLVUint16(b, TLVDisconnectReason, m.Reason)
		}
	}
	if m.URL != "" {
		b = AppendTLVString(b, TLVReconnectURL, m.URL)
	}
	return b
}

// Decode reads the TLVs.
func (m *Disconnect) Decode(b []byte) error {
	l, err := parseTLVs(b, "disconnect", "TLVs")
	if err != nil {
		return err
	}
	*m = Disconnect{}
	if v, ok := l.Uint(TLVDisconnectReason); ok && v <= 0xFFFF {
		m.Reason = uint16(v)
	} else if l.Has(TLVDisconnectReason) {
		return &DecodeError{Msg: "disconnect", Field: "reason (TLV 0x0009)", Reason: "not 1 or 2 bytes"}
	}
	m.URL, _ = l.String(TLVReconnectURL)
	return nil
}
