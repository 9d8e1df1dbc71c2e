package oscar

import "encoding/binary"

// ICBMTLVRendezvous is the TLV of a channel-2 ICBM (04,06, 04,07) that
// holds the rendezvous: a chat invitation, a file transfer, a direct
// connection.
const ICBMTLVRendezvous = 0x0005

// Rendezvous message types (the first u16 of TLV 0x0005).
const (
	RendezvousPropose = 0x0000
	RendezvousCancel  = 0x0001
	RendezvousAccept  = 0x0002
)

// TLVs inside a rendezvous.
const (
	RendezvousTLVSeq       = 0x000A // u16 request number, 1 for a first proposal
	RendezvousTLVHostCheck = 0x000F // empty; sent with every chat invitation seen
	RendezvousTLVText      = 0x000C // the invitation text, in Charset
	RendezvousTLVCharset   = 0x000D // charset name of the text
	RendezvousTLVLanguage  = 0x000E // "en"
	RendezvousTLVService   = 0x2711 // service data: for a chat invitation, the room (a RoomRef)
)

// CapChat is the capability of a chat invitation,
// 748F2420-6287-11D1-8222-444553540000.
var CapChat = [16]byte{0x74, 0x8F, 0x24, 0x20, 0x62, 0x87, 0x11, 0xD1, 0x82, 0x22, 0x44, 0x45, 0x53, 0x54, 0x00, 0x00}

// Rendezvous is TLV 0x0005 of a channel-2 ICBM: u16 type | 8-byte cookie |
// 16-byte capability | TLVs. With CapChat it is a chat invitation, its
// room in TLV 0x2711 (see NewChatInvitation). Servers relay it byte for
// byte, so TLVs are kept as they came; they alias the bytes decoded.
type Rendezvous struct {
	Type       uint16
	Cookie     [8]byte
	Capability [16]byte
	TLVs       TLVList
}

// NewChatInvitation returns the proposal that invites someone to room,
// with the TLVs in the order the captures' client sends them: 0x000A = 1,
// 0x000F, then (when text is not empty) 0x000C text, 0x000D charset name,
// 0x000E "en", and 0x2711 the room. The ICBM that carries it should use
// the same cookie (see NewRendezvousIM).
func NewChatInvitation(cookie [8]byte, room RoomRef, text string) (Rendezvous, error) {
	var tlvs []byte
	tlvs = AppendTLVUint16(tlvs, RendezvousTLVSeq, 1)
	tlvs = AppendTLV(tlvs, RendezvousTLVHostCheck, nil)
	if text != "" {
		t, err := NewNamedText(text)
		if err != nil {
			return Rendezvous{}, err
		}
		tlvs = AppendTLV(tlvs, RendezvousTLVText, t.Data)
		tlvs = AppendTLVString(tlvs, RendezvousTLVCharset, t.Charset)
		tlvs = AppendTLVString(tlvs, RendezvousTLVLanguage, "en")
	}
	tlvs = appendTLVFunc(tlvs, RendezvousTLVService, room.AppendTo)
	return Rendezvous{Type: RendezvousPropose, Cookie: cookie, Capability: CapChat, TLVs: TLVList(tlvs)}, nil
}

// AppendTo appends the rendezvous (the value of TLV 0x0005).
func (m *Rendezvous) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Type)
	b = append(b, m.Cookie[:]...)
	b = append(b, m.Capability[:]...)
	return append(b, m.TLVs...)
}

// Decode reads the value of TLV 0x0005. A chat invitation's room (TLV
// 0x2711) must parse.
func (m *Rendezvous) Decode(b []byte) error { return m.decode(b, "rendezvous") }

func (m *Rendezvous) decode(b []byte, msg string) error {
	r := reader{b: b, msg: msg}
	*m = Rendezvous{}
	m.Type = r.u16("type")
	r.copy(m.Cookie[:], "cookie")
	r.copy(m.Capability[:], "capability")
	m.TLVs = r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	if v, ok := m.TLVs.Get(RendezvousTLVService); ok && m.Capability == CapChat {
		var room RoomRef
		return room.decodeAll(v, msg, "room (TLV 0x2711)")
	}
	return nil
}

// IsChatInvitation reports whether m proposes a chat room.
func (m *Rendezvous) IsChatInvitation() bool {
	return m.Type == RendezvousPropose && m.Capability == CapChat && m.TLVs.Has(RendezvousTLVService)
}

// Room returns the room of a chat invitation.
func (m *Rendezvous) Room() (RoomRef, bool) {
	v, ok := m.TLVs.Get(RendezvousTLVService)
	if !ok || m.Capability != CapChat {
		return RoomRef{}, false
	}
	var room RoomRef
	if room.Decode(v) != nil {
		return RoomRef{}, false
	}
	return room, true
}

// Text returns the invitation text (TLV 0x000C) and its charset name (TLV
// 0x000D); read it with String.
func (m *Rendezvous) Text() NamedText {
	data, _ := m.TLVs.Get(RendezvousTLVText)
	cs, _ := m.TLVs.String(RendezvousTLVCharset)
	return NamedText{Charset: cs, Data: data}
}

// NewRendezvousIM returns the 04,06 that sends rv to a user: channel 2,
// the rendezvous's cookie, TLV 0x0005. Check to with screenname.Parse.
func NewRendezvousIM(to string, rv *Rendezvous) ICBMSend {
	return ICBMSend{
		Cookie:     rv.Cookie,
		Channel:    2,
		ScreenName: to,
		Extra:      TLVList(appendTLVFunc(nil, ICBMTLVRendezvous, rv.AppendTo)),
	}
}

// Rendezvous decodes the rendezvous of a channel-2 04,06; ok is false when
// there is none (another channel, or no TLV 0x0005).
func (m *ICBMSend) Rendezvous() (rv Rendezvous, ok bool, err error) {
	return rendezvousOf(m.Channel, m.Extra, "SNAC 04,06: rendezvous (TLV 0x0005)")
}

// Rendezvous decodes the rendezvous of a channel-2 04,07; ok is false when
// there is none (another channel, or no TLV 0x0005).
func (m *IncomingIM) Rendezvous() (rv Rendezvous, ok bool, err error) {
	return rendezvousOf(m.Channel, m.TLVs, "SNAC 04,07: rendezvous (TLV 0x0005)")
}

func rendezvousOf(channel uint16, tlvs TLVList, msg string) (Rendezvous, bool, error) {
	v, ok := tlvs.Get(ICBMTLVRendezvous)
	if channel != 2 || !ok {
		return Rendezvous{}, false, nil
	}
	var rv Rendezvous
	if err := rv.decode(v, msg); err != nil {
		return Rendezvous{}, false, err
	}
	return rv, true, nil
}
