package oscar

import "encoding/binary"

// TLV types of 01,04 and 01,05.
const (
	ServiceTLVRoom    = 0x0001 // 01,04 for family 0x000E: the room (a RoomRef)
	ServiceTLVAddress = 0x0005 // 01,05: "host:port"
	ServiceTLVCookie  = 0x0006 // 01,05: the cookie for the new connection
	ServiceTLVFamily  = 0x000D // 01,05: u16 family
)

// ServiceRequest is SNAC 01,04: the client asks, on its BOS connection,
// for a connection to another service (0x000D chat navigation, 0x000E a
// chat room). A request for a room carries the room in TLV 0x0001.
type ServiceRequest struct {
	Family  uint16
	HasRoom bool
	Room    RoomRef
	// Extra holds the TLVs not modelled above, in order, encoded after
	// the room.
	Extra TLVList
}

// SNACType returns 01,04.
func (m *ServiceRequest) SNACType() SNACType { return TypeServiceRequest }

// AppendTo appends the body.
func (m *ServiceRequest) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Family)
	if m.HasRoom {
		b = appendTLVFunc(b, ServiceTLVRoom, m.Room.AppendTo)
	}
	return append(b, m.Extra...)
}

// Decode reads the body.
func (m *ServiceRequest) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,04"}
	*m = ServiceRequest{}
	m.Family = r.u16("family")
	tlvs := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	m.Extra = tlvs.without(func(t uint16) bool { return t == ServiceTLVRoom })
	if v, ok := tlvs.Get(ServiceTLVRoom); ok {
		m.HasRoom = true
		return m.Room.decodeAll(v, "SNAC 01,04", "room (TLV 0x0001)")
	}
	return nil
}

// ServiceReply is SNAC 01,05: where to connect for the service asked for
// in 01,04, and the cookie to show there on channel 1. The three TLVs are
// required. The 2025 release sends them as 0x0005, 0x0006, 0x000D; the
// 2026 release puts 0x000D first (README fact 45); both add 0x008E (u8 0),
// kept in Extra.
type ServiceReply struct {
	Family  uint16
	Address string // "host:port"
	Cookie  []byte
	// FamilyFirst encodes TLV 0x000D before the address, as the 2026
	// release does. Decode sets it from the order received; the order
	// means nothing to a client.
	FamilyFirst bool
	// Extra holds the TLVs not modelled above, in order, encoded last.
	Extra TLVList
}

func serviceReplyTLV(t uint16) bool {
	return t == ServiceTLVAddress || t == ServiceTLVCookie || t == ServiceTLVFamily
}

// SNACType returns 01,05.
func (m *ServiceReply) SNACType() SNACType { return TypeServiceReply }

// AppendTo appends the body.
func (m *ServiceReply) AppendTo(b []byte) []byte {
	if m.FamilyFirst {
		b = AppendTLVUint16(b, ServiceTLVFamily, m.Family)
	}
	b = AppendTLVString(b, ServiceTLVAddress, m.Address)
	b = AppendTLV(b, ServiceTLVCookie, m.Cookie)
	if !m.FamilyFirst {
		b = AppendTLVUint16(b, ServiceTLVFamily, m.Family)
	}
	return append(b, m.Extra...)
}

// Decode reads the body.
func (m *ServiceReply) Decode(b []byte) error {
	const msg = "SNAC 01,05"
	l, err := parseTLVs(b, msg, "TLVs")
	if err != nil {
		return err
	}
	*m = ServiceReply{}
	var ok bool
	if m.Family, ok = l.Uint16(ServiceTLVFamily); !ok {
		return &DecodeError{Msg: msg, Field: "family (TLV 0x000D)", Reason: "missing or not 2 bytes"}
	}
	if m.Address, ok = l.String(ServiceTLVAddress); !ok {
		return &DecodeError{Msg: msg, Field: "address (TLV 0x0005)", Reason: "missing"}
	}
	if m.Cookie, ok = l.Get(ServiceTLVCookie); !ok {
		return &DecodeError{Msg: msg, Field: "cookie (TLV 0x0006)", Reason: "missing"}
	}
	for t := range l.All() {
		if t == ServiceTLVFamily || t == ServiceTLVAddress {
			m.FamilyFirst = t == ServiceTLVFamily
			break
		}
	}
	m.Extra = l.without(serviceReplyTLV)
	return nil
}

// appendTLVFunc appends a TLV whose value fn appends, patching its length
// afterwards. A value over 65535 bytes is cut, as AppendTLV cuts values.
func appendTLVFunc(b []byte, t uint16, fn func([]byte) []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, t)
	at := len(b)
	b = fn(append(b, 0, 0))
	n := len(b) - at - 2
	if n > 0xFFFF {
		b, n = b[:at+2+0xFFFF], 0xFFFF
	}
	binary.BigEndian.PutUint16(b[at:], uint16(n))
	return b
}
