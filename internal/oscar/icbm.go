package oscar

import (
	"encoding/binary"
	"time"
)

// ICBM TLV types of 04,06 and 04,07.
const (
	ICBMTLVMessage      = 0x0002 // the message fragments
	ICBMTLVRequestAck   = 0x0003 // empty: ask for 04,0C
	ICBMTLVAutoResponse = 0x0004 // empty: an away auto-reply
	ICBMTLVStore        = 0x0006 // empty: store if the recipient is offline
	ICBMTLVWantEvents   = 0x000B // empty, in 04,07: the sender wants typing notifications
	ICBMTLVSendTime     = 0x0016 // u32 Unix seconds: when a stored IM was stored
)

// Message fragment ids inside TLV 0x0002.
const (
	fragFeatures = 0x05
	fragText     = 0x01
)

// DefaultFeatures is the features fragment sent with plain text IMs.
var DefaultFeatures = []byte{0x01}

// ICBMMessage is the content of TLV 0x0002 of a channel-1 IM: a features
// fragment (05 01) and a text fragment (01 01). Both alias the bytes decoded.
type ICBMMessage struct {
	Features []byte
	Text     Text
}

func (m *ICBMMessage) wireLen() int { return 4 + len(m.Features) + 8 + len(m.Text.Data) }

// AppendTo appends the two fragments.
func (m *ICBMMessage) AppendTo(b []byte) []byte {
	b = append(b, fragFeatures, 1)
	b = binary.BigEndian.AppendUint16(b, uint16(len(m.Features)))
	b = append(b, m.Features...)
	b = append(b, fragText, 1)
	b = binary.BigEndian.AppendUint16(b, uint16(4+len(m.Text.Data)))
	b = binary.BigEndian.AppendUint16(b, m.Text.Charset)
	b = binary.BigEndian.AppendUint16(b, m.Text.Subset)
	return append(b, m.Text.Data...)
}

// appendTLV appends TLV 0x0002 holding the message. A message too long for
// the TLV's 16-bit length (a text near NewText's limit, or a decoded one
// that had no features fragment) loses the end of its text, a whole UCS-2
// unit at a time, as AppendTLV cuts values: the length never wraps.
func (m *ICBMMessage) appendTLV(b []byte) []byte {
	msg := m
	if over := m.wireLen() - 0xFFFF; over > 0 {
		cut := *m
		keep := max(len(cut.Text.Data)-over, 0)
		if cut.Text.Charset == CharsetUCS2BE {
			keep &^= 1
		}
		cut.Text.Data = cut.Text.Data[:keep]
		if over := cut.wireLen() - 0xFFFF; over > 0 { // features alone too long
			cut.Features = cut.Features[:len(cut.Features)-over]
		}
		msg = &cut
	}
	b = binary.BigEndian.AppendUint16(b, ICBMTLVMessage)
	b = binary.BigEndian.AppendUint16(b, uint16(msg.wireLen()))
	return msg.AppendTo(b)
}

// Decode reads the fragments. Unknown fragments are skipped; the first
// text fragment is kept. A message with no text fragment is an error.
func (m *ICBMMessage) Decode(b []byte) error { return m.decode(b, "ICBM message") }

func (m *ICBMMessage) decode(b []byte, msg string) error {
	r := reader{b: b, msg: msg}
	*m = ICBMMessage{}
	haveText := false
	for r.err == nil && r.len() > 0 {
		id := r.u8("fragment id")
		r.u8("fragment version")
		data := r.bytes16("fragment")
		if r.err != nil {
			break
		}
		switch {
		case id == fragFeatures && m.Features == nil:
			m.Features = data
		case id == fragText && !haveText:
			tr := reader{b: data, msg: msg}
			m.Text.Charset = tr.u16("text: charset")
			m.Text.Subset = tr.u16("text: subset")
			m.Text.Data = tr.rest()
			r.check(tr.err)
			haveText = true
		}
	}
	if r.err == nil && !haveText {
		r.fail("message", "no text fragment")
	}
	return r.err
}

// NewMessage returns an IM with the default features and text t.
func NewMessage(t Text) ICBMMessage { return ICBMMessage{Features: DefaultFeatures, Text: t} }

// ICBMSend is SNAC 04,06: the client sends an instant message. Only
// channel 1 (plain IM) carries Message; other channels are sent without it.
type ICBMSend struct {
	Cookie       [8]byte
	Channel      uint16
	ScreenName   string // the recipient, checked by screenname.Parse
	Message      ICBMMessage
	WantAck      bool // empty TLV 0x0003: ask the server for 04,0C
	AutoResponse bool // empty TLV 0x0004
	Store        bool // empty TLV 0x0006
	// Extra holds the TLVs not modelled above, in order, encoded after
	// the message: a channel-2 rendezvous (TLV 0x0005, a chat invitation).
	Extra TLVList
}

func icbmSendTLV(t uint16) bool {
	switch t {
	case ICBMTLVRequestAck, ICBMTLVAutoResponse, ICBMTLVStore:
		return true
	}
	return false
}

// SNACType returns 04,06.
func (m *ICBMSend) SNACType() SNACType { return TypeICBMSend }

// AppendTo appends the body: TLVs in the order real clients use.
func (m *ICBMSend) AppendTo(b []byte) []byte {
	b = append(b, m.Cookie[:]...)
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	b = appendStr8(b, m.ScreenName)
	if m.Channel == 1 {
		b = m.Message.appendTLV(b)
	}
	b = append(b, m.Extra...)
	if m.WantAck {
		b = AppendTLV(b, ICBMTLVRequestAck, nil)
	}
	if m.AutoResponse {
		b = AppendTLV(b, ICBMTLVAutoResponse, nil)
	}
	if m.Store {
		b = AppendTLV(b, ICBMTLVStore, nil)
	}
	return b
}

// Decode reads the body.
func (m *ICBMSend) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 04,06"}
	r.copy(m.Cookie[:], "cookie")
	m.Channel = r.u16("channel")
	m.ScreenName = r.str8("screen name")
	tlvs := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	m.WantAck = tlvs.Has(ICBMTLVRequestAck)
	m.AutoResponse = tlvs.Has(ICBMTLVAutoResponse)
	m.Store = tlvs.Has(ICBMTLVStore)
	m.Message = ICBMMessage{}
	m.Extra = tlvs.without(func(t uint16) bool {
		return icbmSendTLV(t) || (t == ICBMTLVMessage && m.Channel == 1)
	})
	if m.Channel == 1 {
		v, ok := tlvs.Get(ICBMTLVMessage)
		if !ok {
			return &DecodeError{Msg: "SNAC 04,06", Field: "message (TLV 0x0002)", Reason: "missing"}
		}
		return m.Message.decode(v, "SNAC 04,06: message")
	}
	return nil
}

// IncomingIM is SNAC 04,07: an instant message arrives. TLVs are the ones
// the sender sent (real servers drop TLV 0x0003); Message is read from TLV
// 0x0002 on channel 1. Byte fields alias the bytes decoded.
type IncomingIM struct {
	Cookie       [8]byte
	Channel      uint16
	From         UserInfo
	TLVs         TLVList
	Message      ICBMMessage
	AutoResponse bool
}

// SNACType returns 04,07.
func (m *IncomingIM) SNACType() SNACType { return TypeICBMIncoming }

// AppendTo appends the body; Message and AutoResponse are encoded only
// through TLVs (see NewIncomingIM).
func (m *IncomingIM) AppendTo(b []byte) []byte {
	b = append(b, m.Cookie[:]...)
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	b = m.From.AppendTo(b)
	return append(b, m.TLVs...)
}

// Decode reads the body.
func (m *IncomingIM) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 04,07"}
	r.copy(m.Cookie[:], "cookie")
	m.Channel = r.u16("channel")
	m.From.decode(&r, "sender")
	m.TLVs = r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	m.AutoResponse = m.TLVs.Has(ICBMTLVAutoResponse)
	m.Message = ICBMMessage{}
	if m.Channel == 1 {
		v, ok := m.TLVs.Get(ICBMTLVMessage)
		if !ok {
			return &DecodeError{Msg: "SNAC 04,07", Field: "message (TLV 0x0002)", Reason: "missing"}
		}
		return m.Message.decode(v, "SNAC 04,07: message")
	}
	return nil
}

// Stored reports whether m is an offline message the server kept until
// now, and when it was stored: a 04,07 that answers 04,10 carries TLV
// 0x0016 (u32 Unix seconds, UTC, the second the server stored it), which
// a live message never does.
func (m *IncomingIM) Stored() (storedAt time.Time, ok bool) {
	v, ok := m.TLVs.Get(ICBMTLVSendTime)
	if !ok || len(v) != 4 {
		return time.Time{}, false
	}
	return time.Unix(int64(binary.BigEndian.Uint32(v)), 0).UTC(), true
}

// TLVErrorSubcode is TLV 0x0008 of a SNAC error: the reason behind its
// code.
const TLVErrorSubcode = 0x0008

// ICBM error subcodes (TLV 0x0008 of 04,01).
const (
	// ICBMSubcodeOfflineFull: the server keeps no more offline messages
	// from this sender to this recipient.
	ICBMSubcodeOfflineFull = 0x000F
)

// Subcode returns TLV 0x0008 of an error, the reason behind its code, or
// 0 when it has none.
func (e *SNACError) Subcode() uint16 {
	v, ok := e.TLVs.Get(TLVErrorSubcode)
	if !ok || len(v) != 2 {
		return 0
	}
	return binary.BigEndian.Uint16(v)
}

// OfflineDone is SNAC 04,17: the server has sent every stored message
// asked for by 04,10 (echoing its request id). Its body is empty on the
// wire; the stored 04,07s may come before or after it.
type OfflineDone struct{}

// SNACType returns 04,17.
func (*OfflineDone) SNACType() SNACType { return TypeOfflineDone }

// AppendTo appends nothing: the body is empty.
func (*OfflineDone) AppendTo(b []byte) []byte { return b }

// Decode accepts only an empty body.
func (*OfflineDone) Decode(b []byte) error {
	if len(b) != 0 {
		return &DecodeError{Msg: "SNAC 04,17", Field: "body", Reason: "not empty"}
	}
	return nil
}

// AppendRelayTLVs appends the TLVs a server forwards from 04,06 into 04,07:
// every TLV the sender sent except the ack request (TLV 0x0003).
func AppendRelayTLVs(b []byte, send TLVList) []byte {
	for t, v := range send.All() {
		if t != ICBMTLVRequestAck {
			b = AppendTLV(b, t, v)
		}
	}
	return b
}

// ICBMParams is the body of 04,02 (set) and 04,05 (the server's limits).
// In 04,05 Channel is the number of channels (slots) the server offers.
type ICBMParams struct {
	Channel         uint16
	Flags           uint32
	MaxMessageLen   uint16 // the largest message the server takes
	MaxSenderWarn   uint16
	MaxReceiverWarn uint16
	MinInterval     uint32 // milliseconds between messages
}

// ICBM parameter flags.
const (
	ICBMFlagChannelMessages = 0x00000001
	ICBMFlagMissedCalls     = 0x00000002
	ICBMFlagTypingEvents    = 0x00000008
)

func (m *ICBMParams) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	b = binary.BigEndian.AppendUint32(b, m.Flags)
	b = binary.BigEndian.AppendUint16(b, m.MaxMessageLen)
	b = binary.BigEndian.AppendUint16(b, m.MaxSenderWarn)
	b = binary.BigEndian.AppendUint16(b, m.MaxReceiverWarn)
	return binary.BigEndian.AppendUint32(b, m.MinInterval)
}

func (m *ICBMParams) decode(b []byte, msg string) error {
	r := reader{b: b, msg: msg}
	m.Channel = r.u16("channel")
	m.Flags = r.u32("flags")
	m.MaxMessageLen = r.u16("max message length")
	m.MaxSenderWarn = r.u16("max sender warning")
	m.MaxReceiverWarn = r.u16("max receiver warning")
	m.MinInterval = r.u32("min interval")
	return r.err
}

// SetICBMParams is SNAC 04,02: the client's ICBM parameters.
type SetICBMParams ICBMParams

// SNACType returns 04,02.
func (m *SetICBMParams) SNACType() SNACType { return TypeSetICBMParams }

// AppendTo appends the body.
func (m *SetICBMParams) AppendTo(b []byte) []byte { return (*ICBMParams)(m).appendTo(b) }

// Decode reads the body.
func (m *SetICBMParams) Decode(b []byte) error { return (*ICBMParams)(m).decode(b, "SNAC 04,02") }

// ICBMParamsReply is SNAC 04,05: the server's ICBM limits.
type ICBMParamsReply ICBMParams

// SNACType returns 04,05.
func (m *ICBMParamsReply) SNACType() SNACType { return TypeICBMParams }

// AppendTo appends the body.
func (m *ICBMParamsReply) AppendTo(b []byte) []byte { return (*ICBMParams)(m).appendTo(b) }

// Decode reads the body.
func (m *ICBMParamsReply) Decode(b []byte) error { return (*ICBMParams)(m).decode(b, "SNAC 04,05") }

// WarnRequest is SNAC 04,08: warn a user, named or anonymously.
type WarnRequest struct {
	Anonymous  bool
	ScreenName string
}

// SNACType returns 04,08.
func (m *WarnRequest) SNACType() SNACType { return TypeWarnRequest }

// AppendTo appends the body.
func (m *WarnRequest) AppendTo(b []byte) []byte {
	var anon uint16
	if m.Anonymous {
		anon = 1
	}
	b = binary.BigEndian.AppendUint16(b, anon)
	return appendStr8(b, m.ScreenName)
}

// Decode reads the body.
func (m *WarnRequest) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 04,08"}
	m.Anonymous = r.u16("anonymous") == 1
	m.ScreenName = r.str8("screen name")
	return r.err
}

// WarnReply is SNAC 04,09: how much the warning raised the user's level,
// and the new level (tenths of a percent).
type WarnReply struct {
	Delta, NewLevel uint16
}

// SNACType returns 04,09.
func (m *WarnReply) SNACType() SNACType { return TypeWarnReply }

// AppendTo appends the body.
func (m *WarnReply) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Delta)
	return binary.BigEndian.AppendUint16(b, m.NewLevel)
}

// Decode reads the body.
func (m *WarnReply) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 04,09"}
	m.Delta = r.u16("delta")
	m.NewLevel = r.u16("new level")
	return r.err
}

// ICBMAck is SNAC 04,0C: the server took an IM sent with TLV 0x0003. The
// name is the recipient as the sender typed it.
type ICBMAck struct {
	Cookie     [8]byte
	Channel    uint16
	ScreenName string
}

// SNACType returns 04,0C.
func (m *ICBMAck) SNACType() SNACType { return TypeICBMAck }

// AppendTo appends the body.
func (m *ICBMAck) AppendTo(b []byte) []byte {
	b = append(b, m.Cookie[:]...)
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	return appendStr8(b, m.ScreenName)
}

// Decode reads the body.
func (m *ICBMAck) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 04,0C"}
	r.copy(m.Cookie[:], "cookie")
	m.Channel = r.u16("channel")
	m.ScreenName = r.str8("screen name")
	return r.err
}

// Typing events of 04,14.
const (
	TypingNone    = 0x0000
	TypingTyped   = 0x0001 // text entered, paused
	TypingStarted = 0x0002
)

// Typing is SNAC 04,14: a typing notification, to or from a user.
type Typing struct {
	Cookie     [8]byte
	Channel    uint16
	ScreenName string
	Event      uint16
}

// SNACType returns 04,14.
func (m *Typing) SNACType() SNACType { return TypeTyping }

// AppendTo appends the body.
func (m *Typing) AppendTo(b []byte) []byte {
	b = append(b, m.Cookie[:]...)
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	b = appendStr8(b, m.ScreenName)
	return binary.BigEndian.AppendUint16(b, m.Event)
}

// Decode reads the body.
func (m *Typing) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 04,14"}
	r.copy(m.Cookie[:], "cookie")
	m.Channel = r.u16("channel")
	m.ScreenName = r.str8("screen name")
	m.Event = r.u16("event")
	return r.err
}
