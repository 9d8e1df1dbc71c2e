package oscar

import (
	"encoding/binary"
	"fmt"
)

// SNACType is a family and subtype in one comparable value: 0x0004_0006 is
// 04,06.
type SNACType uint32

// MakeSNACType joins a family and a subtype.
func MakeSNACType(family, subtype uint16) SNACType {
	return SNACType(family)<<16 | SNACType(subtype)
}

// Family returns the family (the server's "food group").
func (t SNACType) Family() uint16 { return uint16(t >> 16) }

// Subtype returns the subtype.
func (t SNACType) Subtype() uint16 { return uint16(t) }

// String gives "04,06 ICBM send", or "ff,ss" alone for a type without a name.
func (t SNACType) String() string {
	if name, ok := snacNames[t]; ok {
		return fmt.Sprintf("%02x,%02x %s", t.Family(), t.Subtype(), name)
	}
	if t.Subtype() == 1 {
		return fmt.Sprintf("%02x,01 error", t.Family())
	}
	return fmt.Sprintf("%02x,%02x", t.Family(), t.Subtype())
}

// Short gives "04,06".
func (t SNACType) Short() string { return fmt.Sprintf("%02x,%02x", t.Family(), t.Subtype()) }

// SNAC families.
const (
	FamilyOService = 0x0001
	FamilyLocate   = 0x0002
	FamilyBuddy    = 0x0003
	FamilyICBM     = 0x0004
	FamilyPrivacy  = 0x0009
	FamilyStats    = 0x000B
	FamilyFeedbag  = 0x0013
	FamilyBUCP     = 0x0017
)

// The SNAC types this package knows by name.
const (
	TypeClientReady       SNACType = 0x0001_0002
	TypeHostReady         SNACType = 0x0001_0003
	TypeRateRequest       SNACType = 0x0001_0006
	TypeRateParams        SNACType = 0x0001_0007
	TypeRateAck           SNACType = 0x0001_0008
	TypeRateChange        SNACType = 0x0001_000A
	TypePause             SNACType = 0x0001_000B
	TypePauseAck          SNACType = 0x0001_000C
	TypeResume            SNACType = 0x0001_000D
	TypeSelfInfoRequest   SNACType = 0x0001_000E
	TypeSelfInfo          SNACType = 0x0001_000F
	TypeWarned            SNACType = 0x0001_0010
	TypeSetIdle           SNACType = 0x0001_0011
	TypeMigrate           SNACType = 0x0001_0012
	TypeMOTD              SNACType = 0x0001_0013
	TypeClientVersions    SNACType = 0x0001_0017
	TypeHostVersions      SNACType = 0x0001_0018
	TypeLocateRightsReq   SNACType = 0x0002_0002
	TypeLocateRights      SNACType = 0x0002_0003
	TypeSetInfo           SNACType = 0x0002_0004
	TypeUserInfoQuery     SNACType = 0x0002_0005
	TypeUserInfoReply     SNACType = 0x0002_0006
	TypeBuddyRightsReq    SNACType = 0x0003_0002
	TypeBuddyRights       SNACType = 0x0003_0003
	TypeAddBuddies        SNACType = 0x0003_0004
	TypeRemoveBuddies     SNACType = 0x0003_0005
	TypeBuddyArrived      SNACType = 0x0003_000B
	TypeBuddyDeparted     SNACType = 0x0003_000C
	TypeICBMError         SNACType = 0x0004_0001
	TypeSetICBMParams     SNACType = 0x0004_0002
	TypeICBMParamsReq     SNACType = 0x0004_0004
	TypeICBMParams        SNACType = 0x0004_0005
	TypeICBMSend          SNACType = 0x0004_0006
	TypeICBMIncoming      SNACType = 0x0004_0007
	TypeWarnRequest       SNACType = 0x0004_0008
	TypeWarnReply         SNACType = 0x0004_0009
	TypeICBMAck           SNACType = 0x0004_000C
	TypeOfflineRetrieve   SNACType = 0x0004_0010
	TypeOfflineDone       SNACType = 0x0004_0017
	TypeTyping            SNACType = 0x0004_0014
	TypePrivacyRightsReq  SNACType = 0x0009_0002
	TypePrivacyRights     SNACType = 0x0009_0003
	TypeSetPermitMask     SNACType = 0x0009_0004
	TypeAddDeny           SNACType = 0x0009_0007
	TypeStatsInterval     SNACType = 0x000B_0002
	TypeMD5LoginRequest   SNACType = 0x0017_0002
	TypeMD5LoginReply     SNACType = 0x0017_0003
	TypeMD5KeyRequest     SNACType = 0x0017_0006
	TypeMD5KeyReply       SNACType = 0x0017_0007
	TypeFeedbagRightsReq  SNACType = 0x0013_0002
	TypeFeedbagRights     SNACType = 0x0013_0003
	TypeFeedbagQuery      SNACType = 0x0013_0004
	TypeFeedbagReply      SNACType = 0x0013_0006
	TypeFeedbagUse        SNACType = 0x0013_0007
	TypeFeedbagStatus     SNACType = 0x0013_000E
	TypeOServiceError     SNACType = 0x0001_0001
	TypeLocateError       SNACType = 0x0002_0001
	TypeBuddyError        SNACType = 0x0003_0001
	TypePrivacyError      SNACType = 0x0009_0001
	TypeBUCPError         SNACType = 0x0017_0001
	TypeFeedbagError      SNACType = 0x0013_0001
	TypeStatsReport       SNACType = 0x000B_0003
	TypeICBMMissed        SNACType = 0x0004_000A
	TypeICBMClientErr     SNACType = 0x0004_000B
	TypeLocateDirInfo     SNACType = 0x0002_0015
	TypeFeedbagInsertItem SNACType = 0x0013_0008

	TypeFeedbagQueryIfModified SNACType = 0x0013_0005
	TypeFeedbagUpdateItem      SNACType = 0x0013_0009
	TypeFeedbagDeleteItem      SNACType = 0x0013_000A
	TypeFeedbagNotModified     SNACType = 0x0013_000F
	TypeFeedbagStartCluster    SNACType = 0x0013_0011
	TypeFeedbagEndCluster      SNACType = 0x0013_0012
)

var snacNames = map[SNACType]string{
	TypeClientReady: "client ready", TypeHostReady: "host ready",
	TypeRateRequest: "rate request", TypeRateParams: "rate parameters", TypeRateAck: "rate acknowledge",
	TypeRateChange: "rate change", TypePause: "pause", TypePauseAck: "pause ack", TypeResume: "resume",
	TypeSelfInfoRequest: "self info request", TypeSelfInfo: "self info", TypeWarned: "warned",
	TypeSetIdle: "set idle", TypeMigrate: "migrate", TypeMOTD: "message of the day",
	TypeClientVersions: "client versions", TypeHostVersions: "host versions",
	TypeLocateRightsReq: "locate rights request", TypeLocateRights: "locate rights",
	TypeSetInfo: "set user info", TypeUserInfoQuery: "user info query", TypeUserInfoReply: "user info",
	TypeLocateDirInfo:  "directory info query",
	TypeBuddyRightsReq: "buddy rights request", TypeBuddyRights: "buddy rights",
	TypeAddBuddies: "add buddies", TypeRemoveBuddies: "remove buddies",
	TypeBuddyArrived: "buddy arrived", TypeBuddyDeparted: "buddy departed",
	TypeSetICBMParams: "set ICBM parameters", TypeICBMParamsReq: "ICBM parameters request",
	TypeICBMParams: "ICBM parameters", TypeICBMSend: "ICBM send", TypeICBMIncoming: "ICBM incoming",
	TypeWarnRequest: "warn", TypeWarnReply: "warn reply", TypeICBMMissed: "missed messages",
	TypeICBMClientErr: "client error", TypeICBMAck: "ICBM acknowledge",
	TypeOfflineRetrieve: "offline messages request", TypeOfflineDone: "offline messages done",
	TypeTyping:           "typing",
	TypePrivacyRightsReq: "privacy rights request", TypePrivacyRights: "privacy rights",
	TypeSetPermitMask: "set permit mask", TypeAddDeny: "add to deny list",
	TypeStatsInterval: "stats interval", TypeStatsReport: "stats report",
	TypeFeedbagRightsReq: "feedbag rights request", TypeFeedbagRights: "feedbag rights",
	TypeFeedbagQuery: "feedbag query", TypeFeedbagReply: "feedbag", TypeFeedbagUse: "use feedbag",
	TypeFeedbagInsertItem: "feedbag insert", TypeFeedbagStatus: "feedbag status",
	TypeFeedbagQueryIfModified: "feedbag query if modified", TypeFeedbagUpdateItem: "feedbag update",
	TypeFeedbagDeleteItem: "feedbag delete", TypeFeedbagNotModified: "feedbag not modified",
	TypeFeedbagStartCluster: "feedbag transaction start", TypeFeedbagEndCluster: "feedbag transaction end",
	TypeMD5LoginRequest: "MD5 login request", TypeMD5LoginReply: "login reply",
	TypeMD5KeyRequest: "MD5 key request", TypeMD5KeyReply: "MD5 key",
	TypeServiceRequest: "service request", TypeServiceReply: "service redirect",
	TypeChatNavRightsReq: "chat navigation rights request", TypeExchangeInfoReq: "exchange info request",
	TypeRoomInfoReq: "room info request", TypeCreateRoom: "create room", TypeNavInfo: "chat navigation info",
	TypeRoomInfoUpdate: "room info", TypeChatUsersJoined: "chat users joined", TypeChatUsersLeft: "chat users left",
	TypeChatSend: "chat send", TypeChatIncoming: "chat incoming",
}

// SNAC header flags.
const (
	SNACFlagMoreReplies  = 0x0001 // more replies to this request id follow
	SNACFlagOptionalData = 0x8000 // a u16 length and optional data precede the body
)

// SNACHeaderLen is the size of a SNAC header on the wire.
const SNACHeaderLen = 10

// SNACHeader is the 10-byte header of every SNAC.
type SNACHeader struct {
	Family    uint16
	Subtype   uint16
	Flags     uint16
	RequestID uint32
}

// Type returns the header's family and subtype.
func (h SNACHeader) Type() SNACType { return MakeSNACType(h.Family, h.Subtype) }

// AppendTo appends the 10-byte header alone.
func (h SNACHeader) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, h.Family)
	b = binary.BigEndian.AppendUint16(b, h.Subtype)
	b = binary.BigEndian.AppendUint16(b, h.Flags)
	return binary.BigEndian.AppendUint32(b, h.RequestID)
}

func (h SNACHeader) appendWithOpt(b, opt []byte) []byte {
	b = h.AppendTo(b)
	if h.Flags&SNACFlagOptionalData != 0 {
		if len(opt) > 0xFFFF {
			opt = opt[:0xFFFF]
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(opt)))
		b = append(b, opt...)
	}
	return b
}

// SNAC is a parsed channel-2 payload. Optional and Body alias the payload.
type SNAC struct {
	SNACHeader
	Optional []byte // present only with SNACFlagOptionalData
	Body     []byte
}

// ParseSNAC splits a channel-2 payload into header, optional data and body.
func ParseSNAC(p []byte) (SNAC, error) {
	r := reader{b: p, msg: "SNAC"}
	var s SNAC
	s.Family = r.u16("header: family")
	s.Subtype = r.u16("header: subtype")
	s.Flags = r.u16("header: flags")
	s.RequestID = r.u32("header: request id")
	if s.Flags&SNACFlagOptionalData != 0 {
		s.Optional = r.bytes16("optional data")
	}
	s.Body = r.rest()
	if r.err != nil {
		return SNAC{}, r.err
	}
	return s, nil
}

// AppendTo appends header, optional data (when flagged) and body.
func (s SNAC) AppendTo(b []byte) []byte {
	return append(s.appendWithOpt(b, s.Optional), s.Body...)
}

// SNACError is the body of subtype 01 in every family: a code and optional
// TLVs.
type SNACError struct {
	Family uint16 // not on the wire: which family's error this is
	Code   uint16
	TLVs   TLVList
}

// SNAC error codes.
const (
	ErrCodeInvalidSNAC      = 0x0001
	ErrCodeRateToHost       = 0x0002
	ErrCodeRateToClient     = 0x0003
	ErrCodeNotLoggedOn      = 0x0004
	ErrCodeServiceUnavail   = 0x0005
	ErrCodeServiceUndefined = 0x0006
	ErrCodeObsoleteSNAC     = 0x0007
	ErrCodeNotSupportedHost = 0x0008
	ErrCodeNotSupportedCli  = 0x0009
	ErrCodeRefusedByClient  = 0x000A
	ErrCodeReplyTooBig      = 0x000B
	ErrCodeResponsesLost    = 0x000C
	ErrCodeRequestDenied    = 0x000D
	ErrCodeBadSNACFormat    = 0x000E
	ErrCodeNotPrivileged    = 0x000F
	ErrCodeRecipientBlocked = 0x0010
	ErrCodeSenderTooEvil    = 0x0011
	ErrCodeReceiverTooEvil  = 0x0012
	ErrCodeUserUnavailable  = 0x0013
	ErrCodeNoMatch          = 0x0014
	ErrCodeListOverflow     = 0x0015
	ErrCodeRequestAmbiguous = 0x0016
	ErrCodeQueueFull        = 0x0017
	ErrCodeNotWhileOnAOL    = 0x0018
)

var snacErrorText = map[uint16]string{
	ErrCodeInvalidSNAC:      "invalid or unsupported request",
	ErrCodeRateToHost:       "rate limit exceeded (sending)",
	ErrCodeRateToClient:     "rate limit exceeded (receiving)",
	ErrCodeNotLoggedOn:      "recipient is not signed on",
	ErrCodeServiceUnavail:   "service unavailable",
	ErrCodeServiceUndefined: "service not defined",
	ErrCodeObsoleteSNAC:     "obsolete request",
	ErrCodeNotSupportedHost: "not supported by server",
	ErrCodeNotSupportedCli:  "not supported by client",
	ErrCodeRefusedByClient:  "refused by client",
	ErrCodeReplyTooBig:      "reply too big",
	ErrCodeResponsesLost:    "responses lost",
	ErrCodeRequestDenied:    "request denied",
	ErrCodeBadSNACFormat:    "malformed request",
	ErrCodeNotPrivileged:    "insufficient rights",
	ErrCodeRecipientBlocked: "you have blocked the recipient",
	ErrCodeSenderTooEvil:    "your warning level is too high",
	ErrCodeReceiverTooEvil:  "recipient's warning level is too high",
	ErrCodeUserUnavailable:  "user temporarily unavailable",
	ErrCodeNoMatch:          "no match",
	ErrCodeListOverflow:     "list overflow",
	ErrCodeRequestAmbiguous: "request ambiguous",
	ErrCodeQueueFull:        "server queue full",
	ErrCodeNotWhileOnAOL:    "not while on AOL",
}

// ErrorCodeText returns a person's sentence for a SNAC error code, or
// for a code of no known meaning "error 0x…" (ErrorCodeKnown says which).
func ErrorCodeText(code uint16) string {
	if s, ok := snacErrorText[code]; ok {
		return s
	}
	return fmt.Sprintf("error 0x%04x", code)
}

// ErrorCodeKnown reports whether ErrorCodeText has a sentence for code:
// words for people leave a code of no known meaning out.
func ErrorCodeKnown(code uint16) bool {
	_, ok := snacErrorText[code]
	return ok
}

// SNACType returns ff,01 for the error's family.
func (m *SNACError) SNACType() SNACType { return MakeSNACType(m.Family, 1) }

// AppendTo appends the code and TLVs.
func (m *SNACError) AppendTo(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, m.Code), m.TLVs...)
}

// Decode reads an error body. Family is left as it was.
func (m *SNACError) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC error"}
	m.Code = r.u16("code")
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

func (m *SNACError) Error() string {
	return fmt.Sprintf("%s: %s (0x%04x)", MakeSNACType(m.Family, 1).Short(), ErrorCodeText(m.Code), m.Code)
}

// Empty is a SNAC with no body (01,06, 01,0E, 02,02, 04,04 and others).
type Empty SNACType

// SNACType returns the type the value names.
func (e Empty) SNACType() SNACType { return SNACType(e) }

// AppendTo appends nothing.
func (e Empty) AppendTo(b []byte) []byte { return b }
