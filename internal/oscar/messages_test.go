package oscar

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

// Bodies from the captures, with the typed values they hold.
func TestMessages(t *testing.T) {
	tests := []struct {
		where, hex string
		m, zero    body
	}{
		// 01,03: 13 families, not sorted (README fact 13).
		{"01,03 barnowl-feedbag-presence.txt:14", "0018 0010 0003 0013 0004 0015 0002 0001 0009 000a 0006 0008 000b",
			&HostReady{Families: []uint16{0x18, 0x10, 3, 0x13, 4, 0x15, 2, 1, 9, 0x0a, 6, 8, 0x0b}}, &HostReady{}},
		{"01,08", "0001 0002 0003 0004 0005", &RateAck{Classes: []uint16{1, 2, 3, 4, 5}}, &RateAck{}},
		// Pause, its acknowledge and the migration (libfaim service.c): the
		// ack lists the connection's families; 01,12 counts the families it
		// moves (0: all) before TLVs 5 (address) and 6 (cookie).
		{"01,0B", "", &Pause{Families: []uint16{}}, &Pause{}},
		{"01,0C", "0001 0002 0003 0004", &PauseAck{Families: []uint16{1, 2, 3, 4}}, &PauseAck{}},
		{"01,12 all families", "0000 0005 000e 3132372e302e302e313a35313932 0006 0002 c0ff",
			&Migrate{TLVs: TLVList(mustHex(t, "0005 000e 3132372e302e302e313a35313932 0006 0002 c0ff"))}, &Migrate{}},
		{"01,12 two families", "0002 0001 0004 0006 0001 aa",
			&Migrate{Families: []uint16{1, 4}, TLVs: TLVList(mustHex(t, "0006 0001 aa"))}, &Migrate{}},
		{"01,17 lab script", "0001 0004 0013 0004 0002 0001 0003 0001",
			&ClientVersions{Versions: []FamilyVersion{{1, 4}, {0x13, 4}, {2, 1}, {3, 1}}}, &ClientVersions{}},
		{"01,18", "0001 0004", &HostVersions{Versions: []FamilyVersion{{1, 4}}}, &HostVersions{}},
		{"01,02", "0001 0004 0110 0629 0004 0001 0110 0629",
			&ClientReady{Families: []ToolVersion{{1, 4, 0x110, 0x629}, {4, 1, 0x110, 0x629}}}, &ClientReady{}},
		// misc-events.txt:74 and :76: idle 120 s, then active.
		{"01,11 misc-events.txt:74", "00000078", &SetIdle{Seconds: 120}, &SetIdle{}},
		{"01,11 misc-events.txt:76", "00000000", &SetIdle{}, &SetIdle{}},
		// misc-events.txt:66 (named) and :71 (anonymous).
		{"01,10 misc-events.txt:66", "0064 08 4c6162416c696365 0000 0000",
			&Warned{Level: 100, HasWarner: true, Warner: UserInfo{ScreenName: "LabAlice", TLVs: TLVList{}}}, &Warned{}},
		{"01,10 misc-events.txt:71", "0082", &Warned{Level: 130}, &Warned{}},
		{"0B,02", "0001", &StatsInterval{Interval: 1}, &StatsInterval{}},
		// shutdown-2026.txt:24: the 2026 release's MOTD after 01,18.
		{"01,13 shutdown-2026.txt:24", "0004 000b 001c 57656c636f6d6520746f204f70656e204f5343415220536572766572",
			&MOTD{Type: 4, TLVs: TLVList(mustHex(t, "000b 001c 57656c636f6d6520746f204f70656e204f5343415220536572766572"))}, &MOTD{}},
		// The 2026 release's 17,03 ends with TLV 0x008E (u8 0), kept as it came.
		{"17,03 with 0x008e", "0001 0001 61 0005 0003 683a31 0006 0002 c00c 008e 0001 00",
			&LoginReply{ScreenName: "a", BOSAddress: "h:1", Cookie: []byte{0xc0, 0x0c}, Extra: TLVList{0x00, 0x8e, 0, 1, 0}}, &LoginReply{}},
		{"02,03", "0001 0002 1000 0002 0002 0080", &LocateRights{TLVs: TLVList(mustHex(t, "0001 0002 1000 0002 0002 0080"))}, &LocateRights{}},
		{"03,03", "0002 0002 0064 0001 0002 0064 0003 0002 0064",
			&BuddyRights{TLVs: TLVList(mustHex(t, "0002 0002 0064 0001 0002 0064 0003 0002 0064"))}, &BuddyRights{}},
		{"09,03", "0001 0002 0064 0002 0002 0064", &PrivacyRights{TLVs: TLVList(mustHex(t, "0001 0002 0064 0002 0002 0064"))}, &PrivacyRights{}},
		{"09,04", "0000001f", &SetPermitMask{Mask: 0x1f}, &SetPermitMask{}},
		{"09,07 empty", "", &AddDeny{}, &AddDeny{}},
		{"03,04 two names", "07 4c616220426f62 08 4c61624361726f6c", &AddBuddies{Names: []string{"Lab Bob", "LabCarol"}}, &AddBuddies{}},
		{"03,05", "07 4c616220426f62", &RemoveBuddies{Names: []string{"Lab Bob"}}, &RemoveBuddies{}},
		// im-and-presence.txt:78 and :80: profile, then away message.
		{"02,05 type 1", "0001 07 4c616220426f62", &UserInfoQuery{Type: InfoQueryProfile, ScreenName: "Lab Bob"}, &UserInfoQuery{}},
		{"02,05 type 3", "0003 07 4c616220426f62", &UserInfoQuery{Type: InfoQueryAway, ScreenName: "Lab Bob"}, &UserInfoQuery{}},
		// im-flags-offline.txt:55: profile; BarnOwl's away and back (README fact 31).
		{"02,04 profile", "0001 001f 746578742f616f6c7274663b20636861727365743d2275732d617363696922 0002 0010 3c48544d4c3e626f623c2f48544d4c3e",
			&SetInfo{HasProfile: true, ProfileMIME: `text/aolrtf; charset="us-ascii"`, Profile: []byte("<HTML>bob</HTML>")}, &SetInfo{}},
		{"02,04 away", "0003 001f 746578742f616f6c7274663b20636861727365743d2275732d617363696922 0004 000c 676f6e652066697368696e67",
			&SetInfo{HasAway: true, AwayMIME: `text/aolrtf; charset="us-ascii"`, Away: []byte("gone fishing")}, &SetInfo{}},
		{"02,04 back", "0004 0000", &SetInfo{HasAway: true, Away: []byte{}}, &SetInfo{}},
		{"02,04 caps", "0005 0000", &SetInfo{HasCaps: true, Caps: []byte{}}, &SetInfo{}},
		// md5-oldhash-versions-keepalive.txt:9, :10.
		{"17,06", "0001 0007 4c616244617665 004b 0000 005a 0000",
			&MD5KeyRequest{ScreenName: "LabDave", Extra: TLVList(mustHex(t, "0001 0007 4c616244617665 004b 0000 005a 0000"))}, &MD5KeyRequest{}},
		{"17,07", "0024 63343261363839392d396532352d343432382d616134652d383362383634353664653965",
			&MD5KeyReply{Key: []byte("c42a6899-9e25-4428-aa4e-83b86456de9e")}, &MD5KeyReply{}},
		// md5-oldhash-versions-keepalive.txt:11: the old hash, no TLV 0x4C, TLV 0x4A = 1.
		{"17,02", "0001 0007 4c616244617665 0025 0010 21bb0144bf631db3091e8ff0e0e4931d" +
			" 0003 0012 61696d2d6c61622d7363726970742f302e31 0016 0002 0109 0017 0002 0004 0018 0002 0008 0019 0002 0000 001a 0002 0ae6" +
			" 0014 0004 0000009c 000f 0002 656e 000e 0002 7573 004a 0001 01",
			&MD5LoginRequest{ScreenName: "LabDave", Hash: [16]byte{0x21, 0xbb, 0x01, 0x44, 0xbf, 0x63, 0x1d, 0xb3, 0x09, 0x1e, 0x8f, 0xf0, 0xe0, 0xe4, 0x93, 0x1d},
				Client: labClient, MultiConn: true}, &MD5LoginRequest{}},
		// md5-login-errors.txt:12: wrong password.
		{"17,03 refused", "0001 0008 4c6162416c696365 0008 0002 0005", &LoginReply{ScreenName: "LabAlice", ErrorCode: LoginErrBadPassword}, &LoginReply{}},
		{"17,03 accepted", "0001 0007 4c616244617665 0005 000e 3132372e302e302e313a35313932 0006 0004 c0ffee00",
			&LoginReply{ScreenName: "LabDave", BOSAddress: "127.0.0.1:5192", Cookie: []byte{0xc0, 0xff, 0xee, 0}}, &LoginReply{}},
	}
	for _, tt := range tests {
		checkBody(t, tt.where, tt.hex, tt.m, tt.zero)
	}
}

// labClient is how the lab script names itself.
var labClient = ClientInfo{Name: "aim-lab-script/0.1", ID: 0x0109, Major: 4, Minor: 8, Build: 0x0ae6, Distribution: 0x9c, Language: "en", Country: "us"}

func TestMessageDecodeErrors(t *testing.T) {
	tests := []struct {
		name, hex, field string
		m                interface{ Decode([]byte) error }
	}{
		{"01,03 odd", "0001 00", "families", &HostReady{}},
		{"01,0C odd", "0001 00", "families", &PauseAck{}},
		{"01,12 families cut", "0003 0001 0002", "families", &Migrate{}},
		{"01,12 TLV cut", "0000 0005 00", "TLVs", &Migrate{}},
		{"01,08 odd", "0001 00", "classes", &RateAck{}},
		{"01,17 not pairs", "0001 0004 0013", "versions", &ClientVersions{}},
		{"01,18 not pairs", "00", "versions", &HostVersions{}},
		{"01,02 not quads", "0001 0004 0110", "families", &ClientReady{}},
		{"01,11 short", "0000", "seconds", &SetIdle{}},
		{"01,11 long", "0000 0078 00", "seconds", &SetIdle{}},
		{"01,10 warner cut", "0064 08 4c6162", "warner: screen name", &Warned{}},
		{"01,10 trailing", "0064 01 61 0000 0000 ff", "warner", &Warned{}},
		{"01,0F empty", "", "user info: screen name length", &SelfInfo{}},
		{"0B,02 empty", "", "interval", &StatsInterval{}},
		{"09,04 short", "0000", "mask", &SetPermitMask{}},
		{"03,04 name cut", "07 4c6162", "screen name", &AddBuddies{}},
		{"03,0B cut", "07 4c616220426f62 0000 0001", "user info: TLVs: type", &BuddyArrived{}},
		{"03,0C cut", "07 4c616220426f62", "user info: warning level", &BuddyDeparted{}},
		{"02,05 trailing", "0001 01 61 00", "screen name", &UserInfoQuery{}},
		{"02,06 TLVs", "01 61 0000 0000 0002 0005 00", "TLVs", &UserInfoReply{}},
		{"02,04 TLVs", "0002", "TLVs", &SetInfo{}},
		{"02,03 TLVs", "0001 0002 10", "TLVs", &LocateRights{}},
		{"17,06 no name", "004b 0000", "screen name (TLV 0x0001)", &MD5KeyRequest{}},
		{"17,07 key cut", "0024 6334", "key", &MD5KeyReply{}},
		{"17,02 no name", "0025 0010 21bb0144bf631db3091e8ff0e0e4931d", "screen name (TLV 0x0001)", &MD5LoginRequest{}},
		{"17,02 short hash", "0001 0001 61 0025 000f 21bb0144bf631db3091e8ff0e0e493", "password hash (TLV 0x0025)", &MD5LoginRequest{}},
		{"17,03 nothing", "0001 0001 61", "TLVs", &LoginReply{}},
		{"17,03 cookie, no address", "0006 0001 00", "TLVs", &LoginReply{}},
		{"17,03 error code 0", "0008 0002 0000", "error code (TLV 0x0008)", &LoginReply{}},
		{"17,03 error code of 3 bytes", "0008 0003 000005", "error code (TLV 0x0008)", &LoginReply{}},
		{"17,03 error code too big", "0008 0004 00010000", "error code (TLV 0x0008)", &LoginReply{}},
	}
	for _, tt := range tests {
		err := tt.m.Decode(mustHex(t, tt.hex))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: %T.Decode = %v, want a *DecodeError on %q", tt.name, tt.m, err, tt.field)
		}
	}
}

func TestLoginReplyErrorCodeWidths(t *testing.T) {
	for _, h := range []string{"0008 0001 05", "0008 0002 0005", "0008 0004 00000005"} {
		var r LoginReply
		if err := r.Decode(mustHex(t, h)); err != nil || r.ErrorCode != LoginErrBadPassword {
			t.Errorf("%s: %+v, %v", h, r, err)
		}
	}
}

// TestUserInfo decodes presence from the captures.
func TestUserInfo(t *testing.T) {
	tests := []struct {
		where, hex string
		name       string
		warning    int
		class      uint16
		away       bool
		idle       uint16
		signon     int64
	}{
		{"03,0B im-and-presence.txt:59", "07 4c616220426f62 0000 0004 0003 0004 6b063970 0001 0002 0011 0006 0004 00000000 001e 0004 00000000",
			"Lab Bob", 0, 0x11, false, 0, 0x6b063970},
		// Away shows as class bit 0x20 only (README fact 20).
		{"03,0B im-and-presence.txt:77", "07 4c616220426f62 0000 0004 0003 0004 6b063970 0001 0002 0031 0006 0004 00000000 001e 0004 00000000",
			"Lab Bob", 0, 0x31, true, 0, 0x6b063970},
		// Warned to 13 %, idle 2 minutes.
		{"03,0B misc-events.txt:75", "07 4c616220426f62 0082 0005 0003 0004 6b063a85 0001 0002 0011 0006 0004 00000000 0004 0002 0002 001e 0004 00000000",
			"Lab Bob", 13, 0x11, false, 2, 0x6b063a85},
		// 03,0C: the normalized name and class 0 (README fact 21).
		{"03,0C im-and-presence.txt:90", "06 6c6162626f62 0000 0001 0001 0002 0000", "labbob", 0, 0, false, 0, -1},
	}
	for _, tt := range tests {
		in := mustHex(t, tt.hex)
		var u UserInfo
		if err := u.Decode(in); err != nil {
			t.Errorf("%s: %v", tt.where, err)
			continue
		}
		if u.ScreenName != tt.name || u.WarningPercent() != tt.warning || u.Class() != tt.class || u.Away() != tt.away || u.IdleMinutes() != tt.idle || u.Status() != 0 {
			t.Errorf("%s: %+v: warning %d%% class %#x away %v idle %d", tt.where, u, u.WarningPercent(), u.Class(), u.Away(), u.IdleMinutes())
		}
		st, ok := u.SignonTime()
		if tt.signon < 0 && ok || tt.signon >= 0 && (!ok || !st.Equal(time.Unix(tt.signon, 0))) {
			t.Errorf("%s: SignonTime = %v, %v", tt.where, st, ok)
		}
		if _, ok := u.OnlineSeconds(); ok {
			t.Errorf("%s: OnlineSeconds present", tt.where)
		}
		if got := u.AppendTo(nil); !bytes.Equal(got, in) {
			t.Errorf("%s: AppendTo = % x", tt.where, got)
		}
		var b BuddyArrived
		if err := b.Decode(in); err != nil || b.Info.ScreenName != tt.name || len(b.Rest) != 0 {
			t.Errorf("%s: as 03,0B: %+v, %v", tt.where, b, err)
		}
	}
	var u UserInfo
	if err := u.Decode(mustHex(t, "01 61 0000 0000 ff")); !errors.As(err, new(*DecodeError)) {
		t.Errorf("trailing byte after a block: %v", err)
	}
}

// TestSelfInfoTwoBlocks decodes the 94-byte 01,0F of
// md5-oldhash-versions-keepalive.txt:28: two blocks (README fact 18).
func TestSelfInfoTwoBlocks(t *testing.T) {
	in := mustHex(t, "07 4c6162446176 65 0000 0005 0003 0004 6b063a43 0001 0002 0011 0006 0004 00000000 001e 0004 00000000 0028 0001 01"+
		"07 4c616244617665 0000 0005 0003 0004 6b063a43 0001 0002 0011 0006 0004 00000000 001e 0004 00000000 0014 0001 01")
	var m SelfInfo
	if err := m.Decode(in); err != nil {
		t.Fatal(err)
	}
	if m.Info.ScreenName != "LabDave" || m.Info.TLVs.Count() != 5 || len(m.Rest) != 47 {
		t.Errorf("SelfInfo = %+v", m)
	}
	var second UserInfo
	if err := second.Decode(m.Rest); err != nil || second.ScreenName != "LabDave" || !second.TLVs.Has(0x14) {
		t.Errorf("second block %+v, %v", second, err)
	}
	if got := m.AppendTo(nil); !bytes.Equal(got, in) {
		t.Errorf("AppendTo = % x", got)
	}
}

func TestUserInfoReply(t *testing.T) {
	// im-and-presence.txt:81: profile and away message.
	in := mustHex(t, "07 4c616220426f62 0000 0004 0003 0004 6b063970 0001 0002 0031 0006 0004 00000000 001e 0004 00000000"+
		" 0001 001f 746578742f616f6c7274663b20636861727365743d2275732d617363696922 0002 0018 3c48544d4c3e626f622070726f66696c653c2f48544d4c3e"+
		" 0003 001f 746578742f616f6c7274663b20636861727365743d2275732d617363696922 0004 000c 676f6e652066697368696e67")
	var m UserInfoReply
	if err := m.Decode(in); err != nil {
		t.Fatal(err)
	}
	profile, pmime, ok := m.Profile()
	if string(profile) != "<HTML>bob profile</HTML>" || pmime != `text/aolrtf; charset="us-ascii"` || !ok {
		t.Errorf("Profile() = %q, %q, %v", profile, pmime, ok)
	}
	away, amime, ok := m.Away()
	if string(away) != "gone fishing" || amime != pmime || !ok || !m.Info.Away() {
		t.Errorf("Away() = %q, %q, %v", away, amime, ok)
	}
	if got := m.AppendTo(nil); !bytes.Equal(got, in) {
		t.Errorf("AppendTo = % x", got)
	}
	// A type 1 reply has no away message.
	m.TLVs = m.TLVs[:4+0x1f+4+0x18]
	if _, _, ok := m.Away(); ok {
		t.Error("Away() on a profile-only reply")
	}
}

func TestRightsAccessors(t *testing.T) {
	var lr LocateRights
	if err := lr.Decode(mustHex(t, "0001 0002 1000 0002 0002 0080")); err != nil {
		t.Fatal(err)
	}
	if n, ok := lr.MaxProfileLen(); n != 0x1000 || !ok {
		t.Errorf("MaxProfileLen = %d, %v", n, ok)
	}
	var br BuddyRights
	if err := br.Decode(mustHex(t, "0002 0002 0064 0001 0002 00c8")); err != nil {
		t.Fatal(err)
	}
	if n, ok := br.MaxBuddies(); n != 200 || !ok {
		t.Errorf("MaxBuddies = %d, %v", n, ok)
	}
}

func TestRateChange(t *testing.T) {
	tests := []struct {
		where, hex string
		m          RateChange
	}{
		// im-and-presence.txt:85: class 3 alert.
		{"im-and-presence.txt:85", "0002 0003 00000014 000013ec 00001388 00000fa0 00000bb8 0000140f 00001770",
			RateChange{Code: RateWarning, Class: RateClass{ID: 3, Window: 20, Clear: 5100, Alert: 5000, Limit: 4000, Disconnect: 3000, Current: 5135, Max: 6000}}},
		// rate-limit.txt:251: class 1 limited.
		{"rate-limit.txt:251", "0003 0001 00000050 000009c4 000007d0 000005dc 00000320 00000479 00001770",
			RateChange{Code: RateLimited, Class: RateClass{ID: 1, Window: 80, Clear: 2500, Alert: 2000, Limit: 1500, Disconnect: 800, Current: 1145, Max: 6000}}},
		{"long layout", "0004 0003 00000014 000013ec 00001388 00000fa0 00000bb8 0000140f 00001770 6b063970 01",
			RateChange{Code: RateClear, Long: true, Class: RateClass{ID: 3, Window: 20, Clear: 5100, Alert: 5000, Limit: 4000, Disconnect: 3000, Current: 5135, Max: 6000, LastTime: 0x6b063970, State: 1}}},
	}
	for _, tt := range tests {
		checkBody(t, tt.where, tt.hex, &tt.m, &RateChange{})
	}
	var m RateChange
	if err := m.Decode(mustHex(t, "0002 0003 00000014")); !errors.As(err, new(*DecodeError)) {
		t.Errorf("short 01,0A: %v", err)
	}
}

// A small 01,07 in both layouts: one class, one group.
const (
	rateParamsShort = "0001" +
		" 0001 00000050 000009c4 000007d0 000005dc 00000320 00001725 00001770" +
		" 0001 0002 00040006 00020005"
	rateParamsLong = "0001" +
		" 0001 00000050 000009c4 000007d0 000005dc 00000320 00001725 00001770 6b063970 00" +
		" 0001 0002 00040006 00020005"
)

func TestRateParamsLayouts(t *testing.T) {
	class := RateClass{ID: 1, Window: 80, Clear: 2500, Alert: 2000, Limit: 1500, Disconnect: 800, Current: 5925, Max: 6000}
	groups := []RateGroup{{Class: 1, Types: []SNACType{TypeICBMSend, TypeUserInfoQuery}}}
	long := class
	long.LastTime = 0x6b063970
	checkBody(t, "short", rateParamsShort, &RateParams{Classes: []RateClass{class}, Groups: groups}, &RateParams{})
	checkBody(t, "long", rateParamsLong, &RateParams{Long: true, Classes: []RateClass{long}, Groups: groups}, &RateParams{})
	checkBody(t, "no classes", "0000", &RateParams{Classes: []RateClass{}}, &RateParams{})

	var m RateParams
	for _, tt := range []struct {
		name, hex string
		long      bool
	}{
		{"short read as long", rateParamsShort, true},
		{"long read as short", rateParamsLong, false},
	} {
		if err := m.DecodeLayout(mustHex(t, tt.hex), tt.long); !errors.As(err, new(*DecodeError)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	for _, tt := range []struct{ name, hex, field string }{
		{"classes cut", "0002 0001 00000050", "classes"},
		{"pairs cut", "0001 0001 00000050 000009c4 000007d0 000005dc 00000320 00001725 00001770 0001 0003 00040006", "group: pairs"},
		{"more groups than classes", rateParamsShort + "0002 0000", "groups"},
		{"empty", "", "class count"},
	} {
		err := m.Decode(mustHex(t, tt.hex))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: %v, want an error on %q", tt.name, err, tt.field)
		}
	}
}

// TestTranscriptRateParams reads the two layouts of the captures' 01,07
// (README fact 14).
func TestTranscriptRateParams(t *testing.T) {
	for _, tt := range []struct {
		file string
		long bool
		size int
	}{
		{"flap-login-signon.txt", false, 1052},
		{"md5-oldhash-versions-keepalive.txt", true, 1077},
	} {
		var body []byte
		for _, c := range transcriptFrames(t) {
			if c.File == tt.file && c.F.Channel == ChannelSNAC && c.SNAC.Type() == TypeRateParams {
				body = c.SNAC.Body
				break
			}
		}
		if len(body) != tt.size {
			t.Fatalf("%s: 01,07 of %d bytes, want %d", tt.file, len(body), tt.size)
		}
		var m RateParams
		if err := m.Decode(body); err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if m.Long != tt.long || len(m.Classes) != 5 || len(m.Groups) != 5 {
			t.Fatalf("%s: long %v, %d classes, %d groups", tt.file, m.Long, len(m.Classes), len(m.Groups))
		}
		var pairs []int
		for _, g := range m.Groups {
			pairs = append(pairs, len(g.Types))
		}
		if got := fmt.Sprint(pairs); got != "[209 7 2 2 0]" {
			t.Errorf("%s: pairs per group %s", tt.file, got)
		}
		if c := m.Classes[0]; c.ID != 1 || c.Max != 6000 || c.Current >= c.Max || (c.LastTime != 0) != tt.long {
			t.Errorf("%s: class 1 = %+v", tt.file, c)
		}
		for typ, class := range map[SNACType]uint16{TypeICBMSend: 3, TypeUserInfoQuery: 3, TypeSelfInfoRequest: 1, MakeSNACType(0x77, 0x77): 0} {
			if got := m.ClassOf(typ); got != class {
				t.Errorf("%s: ClassOf(%v) = %d, want %d", tt.file, typ, got, class)
			}
		}
		if got := m.AppendTo(nil); !bytes.Equal(got, body) {
			t.Errorf("%s: AppendTo differs", tt.file)
		}
		if err := m.DecodeLayout(body, !tt.long); err == nil {
			t.Errorf("%s: decodes in the other layout too", tt.file)
		}
	}
}

func TestSignonPayloads(t *testing.T) {
	// minimal-login.txt:8: TLVs 1 and 2 only.
	minimal := mustHex(t, "00000001 0001 0008 4c61624361726f6c 0002 0008 9047f3ab55f6aca1")
	// flap-login-signon.txt:8: with the client's identity.
	full := mustHex(t, "00000001 0001 0008 4c6162416c696365 0002 0008 924ae8a75cf6aca3"+
		" 0003 0012 61696d2d6c61622d7363726970742f302e31 0016 0002 0109 0017 0002 0004 0018 0002 0008 0019 0002 0000 001a 0002 0ae6"+
		" 0014 0004 0000009c 000f 0002 656e 000e 0002 7573")
	for _, tt := range []struct {
		name string
		in   []byte
		m    LoginRequest
	}{
		{"minimal", minimal, LoginRequest{ScreenName: "LabCarol", RoastedPassword: AppendRoasted(nil, []byte("carolpw3"))}},
		{"full", full, LoginRequest{ScreenName: "LabAlice", RoastedPassword: AppendRoasted(nil, []byte("alicepw1")), Client: labClient}},
		// The full one with TLV 0x004A = 1 at the end, where 17,02 has it.
		{"multi-connection", append(full[:len(full):len(full)], mustHex(t, "004a 0001 01")...),
			LoginRequest{ScreenName: "LabAlice", RoastedPassword: AppendRoasted(nil, []byte("alicepw1")), Client: labClient, MultiConn: true}},
	} {
		if got := tt.m.AppendTo(nil); !bytes.Equal(got, tt.in) {
			t.Errorf("%s: AppendTo:\n got % x\nwant % x", tt.name, got, tt.in)
		}
		var back LoginRequest
		if err := back.Decode(tt.in); err != nil || back.ScreenName != tt.m.ScreenName || !bytes.Equal(back.RoastedPassword, tt.m.RoastedPassword) || back.Client != tt.m.Client || back.MultiConn != tt.m.MultiConn {
			t.Errorf("%s: Decode = %+v, %v", tt.name, back, err)
		}
	}

	bos := BOSSignon{Cookie: []byte{1, 2, 3}}
	if got, want := bos.AppendTo(nil), mustHex(t, "00000001 0006 0003 010203"); !bytes.Equal(got, want) {
		t.Errorf("BOSSignon = % x", got)
	}
	ack := SignonFrame{Version: FLAPVersion}
	if got := ack.AppendTo(nil); !bytes.Equal(got, []byte{0, 0, 0, 1}) {
		t.Errorf("ack = % x", got)
	}

	for _, tt := range []struct {
		name, hex, field string
		m                interface{ Decode([]byte) error }
	}{
		{"login without a name", "00000001 0002 0001 ff", "screen name (TLV 0x0001)", &LoginRequest{}},
		{"BOS signon without a cookie", "00000001 0001 0001 61", "cookie (TLV 0x0006)", &BOSSignon{}},
		{"short version", "000001", "version", &SignonFrame{}},
		{"short version (login)", "000001", "version", &LoginRequest{}},
		{"bad TLVs", "00000001 0006 0005 01", "TLVs", &BOSSignon{}},
	} {
		err := tt.m.Decode(mustHex(t, tt.hex))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: %v, want an error on %q", tt.name, err, tt.field)
		}
	}
}

func TestDisconnect(t *testing.T) {
	tests := []struct {
		name, hex string
		m         Disconnect
		reencode  string // when not hex
	}{
		// duplicate-login-multiconn.txt:46: TLV 9 in one byte, then a URL.
		{"kick", "0009 0001 01 000b 0029 68747470733a2f2f6769746875622e636f6d2f6d6b36692f6f70656e2d6f736361722d736572766572",
			Disconnect{Reason: DisconnectSignedOnElsewhere, URL: "https://github.com/mk6i/open-oscar-server"}, ""},
		{"empty", "", Disconnect{}, ""},
		{"2-byte reason (PROTOCOL.md)", "0009 0002 0001", Disconnect{Reason: 1}, "0009 0001 01"},
		{"wide reason", "0009 0002 1234", Disconnect{Reason: 0x1234}, ""},
		{"4-byte reason", "0009 0004 00000002", Disconnect{Reason: 2}, "0009 0001 02"},
		{"other TLVs skipped", "0077 0001 00 0009 0001 01", Disconnect{Reason: 1}, "0009 0001 01"},
	}
	for _, tt := range tests {
		var m Disconnect
		if err := m.Decode(mustHex(t, tt.hex)); err != nil || m != tt.m {
			t.Errorf("%s: Decode = %+v, %v; want %+v", tt.name, m, err, tt.m)
		}
		want := tt.reencode
		if want == "" {
			want = tt.hex
		}
		if got := tt.m.AppendTo(nil); !bytes.Equal(got, mustHex(t, want)) {
			t.Errorf("%s: AppendTo = % x, want %s", tt.name, got, want)
		}
	}
	for _, bad := range []string{"0009 0003 000001", "0009 0004 00010000", "0009 0000", "0009 0005 01"} {
		var m Disconnect
		if err := m.Decode(mustHex(t, bad)); !errors.As(err, new(*DecodeError)) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
