package oscar

// Buddy rights TLV types of 03,03.
const (
	BuddyTLVMaxBuddies  = 0x0001
	BuddyTLVMaxWatchers = 0x0002
)

// BuddyRights is SNAC 03,03: limits of the buddy family.
type BuddyRights struct {
	TLVs TLVList
}

// SNACType returns 03,03.
func (m *BuddyRights) SNACType() SNACType { return TypeBuddyRights }

// AppendTo appends the TLVs.
func (m *BuddyRights) AppendTo(b []byte) []byte { return append(b, m.TLVs...) }

// Decode reads the body.
func (m *BuddyRights) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 03,03"}
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// MaxBuddies returns the largest buddy list the server takes, if it says.
func (m *BuddyRights) MaxBuddies() (uint16, bool) { return m.TLVs.Uint16(BuddyTLVMaxBuddies) }

// NameList is the body of 03,04, 03,05 and 09,07: screen names, each a u8
// length and the name.
type NameList struct {
	Names []string
}

func (m *NameList) appendTo(b []byte) []byte {
	for _, n := range m.Names {
		b = appendStr8(b, n)
	}
	return b
}

func (m *NameList) decode(b []byte, msg string) error {
	r := reader{b: b, msg: msg}
	m.Names = m.Names[:0]
	for r.err == nil && r.len() > 0 {
		m.Names = append(m.Names, r.str8("screen name"))
	}
	if r.err != nil {
		m.Names = nil
	}
	return r.err
}

// AddBuddies is SNAC 03,04: watch these users.
type AddBuddies NameList

// SNACType returns 03,04.
func (m *AddBuddies) SNACType() SNACType { return TypeAddBuddies }

// AppendTo appends the names.
func (m *AddBuddies) AppendTo(b []byte) []byte { return (*NameList)(m).appendTo(b) }

// Decode reads the body.
func (m *AddBuddies) Decode(b []byte) error { return (*NameList)(m).decode(b, "SNAC 03,04") }

// RemoveBuddies is SNAC 03,05: stop watching these users.
type RemoveBuddies NameList

// SNACType returns 03,05.
func (m *RemoveBuddies) SNACType() SNACType { return TypeRemoveBuddies }

// AppendTo appends the names.
func (m *RemoveBuddies) AppendTo(b []byte) []byte { return (*NameList)(m).appendTo(b) }

// Decode reads the body.
func (m *RemoveBuddies) Decode(b []byte) error { return (*NameList)(m).decode(b, "SNAC 03,05") }

// BuddyArrived is SNAC 03,0B: a buddy signed on or changed (idle, away,
// warning level). Real servers send one block; Rest keeps anything after it.
type BuddyArrived struct {
	Info UserInfo
	Rest []byte
}

// SNACType returns 03,0B.
func (m *BuddyArrived) SNACType() SNACType { return TypeBuddyArrived }

// AppendTo appends the body.
func (m *BuddyArrived) AppendTo(b []byte) []byte { return append(m.Info.AppendTo(b), m.Rest...) }

// Decode reads the body.
func (m *BuddyArrived) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 03,0B"}
	m.Info.decode(&r, "user info")
	m.Rest = r.rest()
	return r.err
}

// BuddyDeparted is SNAC 03,0C: a buddy signed off. Real servers use the
// normalized name here ("labbob" for "Lab Bob").
type BuddyDeparted struct {
	Info UserInfo
	Rest []byte
}

// SNACType returns 03,0C.
func (m *BuddyDeparted) SNACType() SNACType { return TypeBuddyDeparted }

// AppendTo appends the body.
func (m *BuddyDeparted) AppendTo(b []byte) []byte { return append(m.Info.AppendTo(b), m.Rest...) }

// Decode reads the body.
func (m *BuddyDeparted) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 03,0C"}
	m.Info.decode(&r, "user info")
	m.Rest = r.rest()
	return r.err
}
