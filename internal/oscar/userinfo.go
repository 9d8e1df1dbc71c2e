package oscar

import (
	"encoding/binary"
	"time"
)

// User info TLV types (inside a user info block).
const (
	UserTLVClass         = 0x0001 // u16 user class flags
	UserTLVMemberSince   = 0x0002 // u32 Unix time
	UserTLVSignonTime    = 0x0003 // u32 Unix time
	UserTLVIdleMinutes   = 0x0004 // u16
	UserTLVStatus        = 0x0006 // u32 status flags
	UserTLVCapabilities  = 0x000D // 16-byte UUIDs
	UserTLVOnlineSeconds = 0x000F // u32
)

// User class flags (TLV 0x0001).
const (
	ClassUnconfirmed = 0x0001
	ClassAdmin       = 0x0002
	ClassAOL         = 0x0004
	ClassCommercial  = 0x0008
	ClassFree        = 0x0010 // an ordinary AIM user
	ClassAway        = 0x0020
	ClassICQ         = 0x0040
	ClassWireless    = 0x0080
)

// UserInfo is a user info block: u8 length + screen name, u16 warning level
// (in tenths of a percent), u16 TLV count, TLVs. It appears in 01,0F, 01,10,
// 02,06, 03,0B, 03,0C and 04,07. TLVs alias the bytes decoded.
type UserInfo struct {
	ScreenName   string
	WarningLevel uint16
	TLVs         TLVList
}

// decode reads a block at r's position. Errors name the block as field
// ("sender: screen name"), a name joined only on failure.
func (u *UserInfo) decode(r *reader, field string) {
	in := reader{b: r.b, off: r.off, msg: r.msg, err: r.err}
	u.ScreenName = in.str8("screen name")
	u.WarningLevel = in.u16("warning level")
	u.TLVs = in.tlvsCounted("TLVs")
	r.off = in.off
	if r.err == nil && in.err != nil {
		if de, ok := in.err.(*DecodeError); ok {
			de.Field = field + ": " + de.Field
		}
		r.err = in.err
	}
}

// Decode reads one block that fills b.
func (u *UserInfo) Decode(b []byte) error {
	r := reader{b: b, msg: "user info"}
	u.decode(&r, "block")
	r.end("block")
	return r.err
}

// AppendTo appends the block's wire form.
func (u *UserInfo) AppendTo(b []byte) []byte {
	b = appendStr8(b, u.ScreenName)
	b = binary.BigEndian.AppendUint16(b, u.WarningLevel)
	return u.TLVs.AppendCounted(b)
}

// Class returns the user class flags (0 when absent).
func (u *UserInfo) Class() uint16 {
	v, _ := u.TLVs.Uint16(UserTLVClass)
	return v
}

// Away reports the away class bit: real servers show away this way only.
func (u *UserInfo) Away() bool { return u.Class()&ClassAway != 0 }

// IdleMinutes returns the idle time in minutes (0 when absent).
func (u *UserInfo) IdleMinutes() uint16 {
	v, _ := u.TLVs.Uint16(UserTLVIdleMinutes)
	return v
}

// SignonTime returns when the user signed on, if the block says.
func (u *UserInfo) SignonTime() (time.Time, bool) {
	v, ok := u.TLVs.Uint32(UserTLVSignonTime)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(v), 0), true
}

// OnlineSeconds returns how long the user has been on, if the block says.
func (u *UserInfo) OnlineSeconds() (uint32, bool) { return u.TLVs.Uint32(UserTLVOnlineSeconds) }

// Status returns the status flags (0 when absent).
func (u *UserInfo) Status() uint32 {
	v, _ := u.TLVs.Uint32(UserTLVStatus)
	return v
}

// WarningPercent returns the warning level as a percentage.
func (u *UserInfo) WarningPercent() int { return int(u.WarningLevel) / 10 }
