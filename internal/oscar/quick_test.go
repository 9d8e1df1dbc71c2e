package oscar

import (
	"bytes"
	"testing"

	"github.com/aim-oscar/aim/internal/transcript"
)

func TestQuickAll(t *testing.T) {
	dir, err := transcript.Dir()
	if err != nil {
		t.Skip(err)
	}
	lines, err := transcript.LoadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, l := range lines {
		f, n, err := ParseFrame(l.Frame)
		if err != nil || n != len(l.Frame) {
			if f.Channel == 0 && len(l.Frame) == 4 { continue }
			t.Errorf("%s: %v", l.Where(), err)
			continue
		}
		if f.Channel != ChannelSNAC {
			continue
		}
		s, err := ParseSNAC(f.Payload)
		if err != nil {
			t.Errorf("%s: %v", l.Where(), err)
			continue
		}
		m := newFor(s.Type())
		if m == nil {
			counts["unknown "+s.Type().String()]++
			continue
		}
		if err := m.Decode(s.Body); err != nil {
			t.Errorf("%s: %v: %v", l.Where(), s.Type(), err)
			continue
		}
		got := m.AppendTo(nil)
		if !bytes.Equal(got, s.Body) {
			counts["mismatch "+s.Type().String()]++
			if counts["mismatch "+s.Type().String()] == 1 {
				t.Logf("%s %v:\n got % x\nwant % x", l.Where(), s.Type(), got, s.Body)
			}
		} else {
			counts["ok "+s.Type().String()]++
		}
	}
	for k, v := range counts {
		t.Log(k, v)
	}
}

type dec interface {
	Decode([]byte) error
	AppendTo([]byte) []byte
}

func newFor(t SNACType) dec {
	switch t {
	case TypeHostReady: return &HostReady{}
	case TypeClientReady: return &ClientReady{}
	case TypeRateParams: return &RateParams{}
	case TypeRateAck: return &RateAck{}
	case TypeRateChange: return &RateChange{}
	case TypeSelfInfo: return &SelfInfo{}
	case TypeWarned: return &Warned{}
	case TypeSetIdle: return &SetIdle{}
	case TypeClientVersions: return &ClientVersions{}
	case TypeHostVersions: return &HostVersions{}
	case TypeLocateRights: return &LocateRights{}
	case TypeSetInfo: return &SetInfo{}
	case TypeUserInfoQuery: return &UserInfoQuery{}
	case TypeUserInfoReply: return &UserInfoReply{}
	case TypeBuddyRights: return &BuddyRights{}
	case TypeAddBuddies: return &AddBuddies{}
	case TypeRemoveBuddies: return &RemoveBuddies{}
	case TypeBuddyArrived: return &BuddyArrived{}
	case TypeBuddyDeparted: return &BuddyDeparted{}
	case TypeSetICBMParams: return &SetICBMParams{}
	case TypeICBMParams: return &ICBMParamsReply{}
	case TypeICBMSend: return &ICBMSend{}
	case TypeICBMIncoming: return &IncomingIM{}
	case TypeWarnRequest: return &WarnRequest{}
	case TypeWarnReply: return &WarnReply{}
	case TypeICBMAck: return &ICBMAck{}
	case TypeTyping: return &Typing{}
	case TypePrivacyRights: return &PrivacyRights{}
	case TypeSetPermitMask: return &SetPermitMask{}
	case TypeAddDeny: return &AddDeny{}
	case TypeStatsInterval: return &StatsInterval{}
	case TypeMD5KeyRequest: return &MD5KeyRequest{}
	case TypeMD5KeyReply: return &MD5KeyReply{}
	case TypeMD5LoginRequest: return &MD5LoginRequest{}
	case TypeMD5LoginReply: return &LoginReply{}
	}
	if t.Subtype() == 1 { return &SNACError{} }
	return nil
}
