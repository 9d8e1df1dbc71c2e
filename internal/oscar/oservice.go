package oscar

import (
	"encoding/binary"
	"strconv"
)

// HostReady is SNAC 01,03: the families this connection serves, in the
// server's order (real servers do not sort them).
type HostReady struct {
	Families []uint16
}

// SNACType returns 01,03.
func (m *HostReady) SNACType() SNACType { return TypeHostReady }

// AppendTo appends the families.
func (m *HostReady) AppendTo(b []byte) []byte {
	for _, f := range m.Families {
		b = binary.BigEndian.AppendUint16(b, f)
	}
	return b
}

// Decode reads the body.
func (m *HostReady) Decode(b []byte) error {
	v, err := decodeU16s(b, "SNAC 01,03", "families")
	m.Families = v
	return err
}

// decodeU16s reads a body that is a run of u16s.
func decodeU16s(b []byte, msg, field string) ([]uint16, error) {
	if len(b)%2 != 0 {
		return nil, &DecodeError{Msg: msg, Field: field, Reason: "odd length " + strconv.Itoa(len(b))}
	}
	v := make([]uint16, len(b)/2)
	for i := range v {
		v[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return v, nil
}

// FamilyVersion is one (family, version) pair of 01,17 and 01,18.
type FamilyVersion struct {
	Family, Version uint16
}

// ClientVersions is SNAC 01,17: the family versions the client speaks.
// Sending it makes real servers use the long rate-class layout.
type ClientVersions struct {
	Versions []FamilyVersion
}

// SNACType returns 01,17.
func (m *ClientVersions) SNACType() SNACType { return TypeClientVersions }

// AppendTo appends the pairs.
func (m *ClientVersions) AppendTo(b []byte) []byte { return appendVersions(b, m.Versions) }

// Decode reads the body.
func (m *ClientVersions) Decode(b []byte) error {
	v, err := decodeVersions(b, "SNAC 01,17")
	m.Versions = v
	return err
}

// HostVersions is SNAC 01,18: the server's answer to 01,17 (real servers
// echo the request).
type HostVersions struct {
	Versions []FamilyVersion
}

// SNACType returns 01,18.
func (m *HostVersions) SNACType() SNACType { return TypeHostVersions }

// AppendTo appends the pairs.
func (m *HostVersions) AppendTo(b []byte) []byte { return appendVersions(b, m.Versions) }

// Decode reads the body.
func (m *HostVersions) Decode(b []byte) error {
	v, err := decodeVersions(b, "SNAC 01,18")
	m.Versions = v
	return err
}

func appendVersions(b []byte, vs []FamilyVersion) []byte {
	for _, v := range vs {
		b = binary.BigEndian.AppendUint16(b, v.Family)
		b = binary.BigEndian.AppendUint16(b, v.Version)
	}
	return b
}

func decodeVersions(b []byte, msg string) ([]FamilyVersion, error) {
	if len(b)%4 != 0 {
		return nil, &DecodeError{Msg: msg, Field: "versions", Reason: "length " + strconv.Itoa(len(b)) + " is not a multiple of 4"}
	}
	vs := make([]FamilyVersion, len(b)/4)
	for i := range vs {
		vs[i] = FamilyVersion{binary.BigEndian.Uint16(b[4*i:]), binary.BigEndian.Uint16(b[4*i+2:])}
	}
	return vs, nil
}

// ToolVersion is one entry of 01,02 client ready.
type ToolVersion struct {
	Family, Version, ToolID, ToolVersion uint16
}

// ClientReady is SNAC 01,02: the client is done signing on.
type ClientReady struct {
	Families []ToolVersion
}

// SNACType returns 01,02.
func (m *ClientReady) SNACType() SNACType { return TypeClientReady }

// AppendTo appends the entries.
func (m *ClientReady) AppendTo(b []byte) []byte {
	for _, f := range m.Families {
		b = binary.BigEndian.AppendUint16(b, f.Family)
		b = binary.BigEndian.AppendUint16(b, f.Version)
		b = binary.BigEndian.AppendUint16(b, f.ToolID)
		b = binary.BigEndian.AppendUint16(b, f.ToolVersion)
	}
	return b
}

// Decode reads the body.
func (m *ClientReady) Decode(b []byte) error {
	if len(b)%8 != 0 {
		return &DecodeError{Msg: "SNAC 01,02", Field: "families", Reason: "length " + strconv.Itoa(len(b)) + " is not a multiple of 8"}
	}
	m.Families = make([]ToolVersion, len(b)/8)
	for i := range m.Families {
		p := b[8*i:]
		m.Families[i] = ToolVersion{
			binary.BigEndian.Uint16(p), binary.BigEndian.Uint16(p[2:]),
			binary.BigEndian.Uint16(p[4:]), binary.BigEndian.Uint16(p[6:]),
		}
	}
	return nil
}

// RateClass is one rate class of 01,07 and 01,0A. Levels are moving
// averages of the milliseconds between SNACs of the class.
type RateClass struct {
	ID         uint16
	Window     uint32
	Clear      uint32
	Alert      uint32
	Limit      uint32
	Disconnect uint32
	Current    uint32
	Max        uint32
	LastTime   uint32 // long layout only: a Unix time in seconds
	State      uint8  // long layout only
}

// Rate class layouts: real servers send the long one only to clients that
// sent 01,17.
const (
	rateClassShortLen = 30
	rateClassLongLen  = 35
)

func (c *RateClass) appendTo(b []byte, long bool) []byte {
	b = binary.BigEndian.AppendUint16(b, c.ID)
	for _, v := range [...]uint32{c.Window, c.Clear, c.Alert, c.Limit, c.Disconnect, c.Current, c.Max} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	if long {
		b = binary.BigEndian.AppendUint32(b, c.LastTime)
		b = append(b, c.State)
	}
	return b
}

func (c *RateClass) decode(r *reader, long bool) {
	c.ID = r.u16("class: id")
	c.Window = r.u32("class: window")
	c.Clear = r.u32("class: clear level")
	c.Alert = r.u32("class: alert level")
	c.Limit = r.u32("class: limit level")
	c.Disconnect = r.u32("class: disconnect level")
	c.Current = r.u32("class: current level")
	c.Max = r.u32("class: max level")
	if long {
		c.LastTime = r.u32("class: last time")
		c.State = r.u8("class: state")
	}
}

// RateGroup lists the SNAC types counted against a class.
type RateGroup struct {
	Class uint16
	Types []SNACType
}

// RateParams is SNAC 01,07: the rate classes and which SNACs each covers.
type RateParams struct {
	Long    bool // the 35-byte class layout (after 01,17)
	Classes []RateClass
	Groups  []RateGroup
}

// SNACType returns 01,07.
func (m *RateParams) SNACType() SNACType { return TypeRateParams }

// AppendTo appends the body in m's layout.
func (m *RateParams) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(m.Classes)))
	for i := range m.Classes {
		b = m.Classes[i].appendTo(b, m.Long)
	}
	for _, g := range m.Groups {
		b = binary.BigEndian.AppendUint16(b, g.Class)
		b = binary.BigEndian.AppendUint16(b, uint16(len(g.Types)))
		for _, t := range g.Types {
			b = binary.BigEndian.AppendUint32(b, uint32(t))
		}
	}
	return b
}

// Decode reads the body, taking the layout that parses it exactly: the
// short one first, then the long one.
func (m *RateParams) Decode(b []byte) error {
	err := m.DecodeLayout(b, false)
	if err == nil {
		return nil
	}
	if err2 := m.DecodeLayout(b, true); err2 == nil {
		return nil
	}
	return err
}

// DecodeLayout reads the body in the given layout. The group section must
// end exactly at the end of the body.
func (m *RateParams) DecodeLayout(b []byte, long bool) error {
	r := reader{b: b, msg: "SNAC 01,07"}
	n := int(r.u16("class count"))
	size := rateClassShortLen
	if long {
		size = rateClassLongLen
	}
	if !r.need(n*size, "classes") {
		return r.err
	}
	*m = RateParams{Long: long, Classes: make([]RateClass, n)}
	for i := range m.Classes {
		m.Classes[i].decode(&r, long)
	}
	for r.err == nil && r.len() > 0 && len(m.Groups) < n {
		var g RateGroup
		g.Class = r.u16("group: class")
		k := int(r.u16("group: pair count"))
		if !r.need(4*k, "group: pairs") {
			break
		}
		g.Types = make([]SNACType, k)
		for j := range g.Types {
			g.Types[j] = SNACType(r.u32("group: pair"))
		}
		m.Groups = append(m.Groups, g)
	}
	r.end("groups")
	return r.err
}

// ClassOf returns the class id covering t, or 0 if no group lists it.
func (m *RateParams) ClassOf(t SNACType) uint16 {
	for _, g := range m.Groups {
		for _, gt := range g.Types {
			if gt == t {
				return g.Class
			}
		}
	}
	return 0
}

// RateAck is SNAC 01,08: the class ids the client accepts.
type RateAck struct {
	Classes []uint16
}

// SNACType returns 01,08.
func (m *RateAck) SNACType() SNACType { return TypeRateAck }

// AppendTo appends the ids.
func (m *RateAck) AppendTo(b []byte) []byte {
	for _, c := range m.Classes {
		b = binary.BigEndian.AppendUint16(b, c)
	}
	return b
}

// Decode reads the body.
func (m *RateAck) Decode(b []byte) error {
	v, err := decodeU16s(b, "SNAC 01,08", "classes")
	m.Classes = v
	return err
}

// Rate change codes of 01,0A.
const (
	RateChanged = 1 // parameters changed
	RateWarning = 2 // level fell below alert
	RateLimited = 3 // level fell below limit: SNACs are being dropped
	RateClear   = 4 // level rose above clear
)

// RateChange is SNAC 01,0A: a class changed or crossed a level.
type RateChange struct {
	Code  uint16
	Long  bool
	Class RateClass
}

// SNACType returns 01,0A.
func (m *RateChange) SNACType() SNACType { return TypeRateChange }

// AppendTo appends the code and the class.
func (m *RateChange) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Code)
	return m.Class.appendTo(b, m.Long)
}

// Decode reads the body; the layout follows from its length.
func (m *RateChange) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,0A"}
	*m = RateChange{}
	m.Code = r.u16("code")
	m.Long = r.len() >= rateClassLongLen
	m.Class.decode(&r, m.Long)
	return r.err
}

// SelfInfo is SNAC 01,0F: the user's own info. Real servers may append a
// second block; Rest keeps whatever follows the first, unread.
type SelfInfo struct {
	Info UserInfo
	Rest []byte
}

// SNACType returns 01,0F.
func (m *SelfInfo) SNACType() SNACType { return TypeSelfInfo }

// AppendTo appends the block and the rest.
func (m *SelfInfo) AppendTo(b []byte) []byte {
	return append(m.Info.AppendTo(b), m.Rest...)
}

// Decode reads the body.
func (m *SelfInfo) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,0F"}
	m.Info.decode(&r, "user info")
	m.Rest = r.rest()
	return r.err
}

// Warned is SNAC 01,10: the user was warned. Warner is absent for an
// anonymous warning.
type Warned struct {
	Level     uint16
	HasWarner bool
	Warner    UserInfo
}

// SNACType returns 01,10.
func (m *Warned) SNACType() SNACType { return TypeWarned }

// AppendTo appends the level and the warner.
func (m *Warned) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Level)
	if m.HasWarner {
		b = m.Warner.AppendTo(b)
	}
	return b
}

// Decode reads the body.
func (m *Warned) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,10"}
	m.Level = r.u16("level")
	m.HasWarner = r.err == nil && r.len() > 0
	m.Warner = UserInfo{}
	if m.HasWarner {
		m.Warner.decode(&r, "warner")
	}
	r.end("warner")
	return r.err
}

// SetIdle is SNAC 01,11: seconds the user has been idle (0: active).
type SetIdle struct {
	Seconds uint32
}

// SNACType returns 01,11.
func (m *SetIdle) SNACType() SNACType { return TypeSetIdle }

// AppendTo appends the seconds.
func (m *SetIdle) AppendTo(b []byte) []byte { return binary.BigEndian.AppendUint32(b, m.Seconds) }

// Decode reads the body.
func (m *SetIdle) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,11"}
	m.Seconds = r.u32("seconds")
	r.end("seconds")
	return r.err
}

// StatsInterval is SNAC 0B,02: how often the server wants usage reports.
type StatsInterval struct {
	Interval uint16
}

// SNACType returns 0B,02.
func (m *StatsInterval) SNACType() SNACType { return TypeStatsInterval }

// AppendTo appends the interval.
func (m *StatsInterval) AppendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint16(b, m.Interval)
}

// Decode reads the body.
func (m *StatsInterval) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 0B,02"}
	m.Interval = r.u16("interval")
	return r.err
}

// MOTD is SNAC 01,13: the server's message of the day. Open OSCAR Server's
// 2026 release sends type 0x0004 with TLV 0x000B "Welcome to Open OSCAR
// Server" right after 01,18, on every connection of a client that sent
// 01,17.
type MOTD struct {
	Type uint16
	TLVs TLVList
}

// TLVMOTDText is the TLV of 01,13 that carries the message.
const TLVMOTDText = 0x000B

// SNACType returns 01,13.
func (m *MOTD) SNACType() SNACType { return TypeMOTD }

// AppendTo appends the body.
func (m *MOTD) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Type)
	return append(b, m.TLVs...)
}

// Decode reads the body.
func (m *MOTD) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,13"}
	m.Type = r.u16("type")
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// Text returns the message (TLV 0x000B), or "" when there is none.
func (m *MOTD) Text() string {
	s, _ := m.TLVs.String(TLVMOTDText)
	return s
}

// Pause is SNAC 01,0B: the server asks the client to stop sending on this
// connection (before a migration, say). The body is usually empty; some
// servers list the families paused.
type Pause struct {
	Families []uint16
}

// SNACType returns 01,0B.
func (m *Pause) SNACType() SNACType { return TypePause }

// AppendTo appends the families.
func (m *Pause) AppendTo(b []byte) []byte { return appendU16s(b, m.Families) }

// Decode reads the body.
func (m *Pause) Decode(b []byte) error {
	v, err := decodeU16s(b, "SNAC 01,0B", "families")
	m.Families = v
	return err
}

// PauseAck is SNAC 01,0C: the client has stopped sending, and lists the
// families it wants back (those of the connection's 01,03).
type PauseAck struct {
	Families []uint16
}

// SNACType returns 01,0C.
func (m *PauseAck) SNACType() SNACType { return TypePauseAck }

// AppendTo appends the families.
func (m *PauseAck) AppendTo(b []byte) []byte { return appendU16s(b, m.Families) }

// Decode reads the body.
func (m *PauseAck) Decode(b []byte) error {
	v, err := decodeU16s(b, "SNAC 01,0C", "families")
	m.Families = v
	return err
}

// TLVs of 01,12.
const (
	TLVMigrateAddress = 0x0005 // host[:port] of the new server
	TLVMigrateCookie  = 0x0006
)

// Migrate is SNAC 01,12, the last SNAC on a connection the server moves:
// u16 count, that many families (none: all of them), then TLVs 0x0005 (the
// new server's address) and 0x0006 (the cookie to sign on there with).
// The server closes the connection after it.
type Migrate struct {
	Families []uint16
	TLVs     TLVList
}

// SNACType returns 01,12.
func (m *Migrate) SNACType() SNACType { return TypeMigrate }

// AppendTo appends the body.
func (m *Migrate) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(m.Families)))
	b = appendU16s(b, m.Families)
	return append(b, m.TLVs...)
}

// Decode reads the body.
func (m *Migrate) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 01,12"}
	n := int(r.u16("family count"))
	if r.err == nil && !r.need(2*n, "families") {
		return r.err
	}
	m.Families = nil
	for range n {
		m.Families = append(m.Families, r.u16("families"))
	}
	m.TLVs = r.tlvsRest("TLVs")
	return r.err
}

// Address returns TLV 0x0005, "" when there is none.
func (m *Migrate) Address() string {
	a, _ := m.TLVs.String(TLVMigrateAddress)
	return a
}

// Cookie returns TLV 0x0006 (aliasing the body), nil when there is none.
func (m *Migrate) Cookie() []byte {
	c, _ := m.TLVs.Get(TLVMigrateCookie)
	return c
}

func appendU16s(b []byte, v []uint16) []byte {
	for _, x := range v {
		b = binary.BigEndian.AppendUint16(b, x)
	}
	return b
}
