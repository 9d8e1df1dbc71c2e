package bos

import (
	"fmt"
	"slices"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
)

// ourICBMParams is sent in 04,02: channel 0, flags for channel messages,
// missed calls and typing events, 8000-byte messages, warnings up to 99.9 %.
var ourICBMParams = oscar.SetICBMParams{
	Channel:         0,
	Flags:           oscar.ICBMFlagChannelMessages | oscar.ICBMFlagMissedCalls | oscar.ICBMFlagTypingEvents,
	MaxMessageLen:   8000,
	MaxSenderWarn:   999,
	MaxReceiverWarn: 999,
}

// maxNamesPerSNAC keeps each 03,04 well under any server's SNAC size.
const maxNamesPerSNAC = 100

// signon runs the rest of the BOS signon of the spec's section 3.3 in its
// order, once the connection has the rate classes (flapconn.Signon). It
// sends everything that needs no answer as soon as it may: the rate
// acknowledge, rights requests, buddy list, profile, ICBM parameters and
// client ready all go out together, and the five replies are then read in
// whatever order they come.
func (s *Session) signon(sg *flapconn.Signon) error {
	var self oscar.SelfInfo
	var loc oscar.LocateRights
	var buddy oscar.BuddyRights
	var icbm oscar.ICBMParamsReply
	var priv oscar.PrivacyRights
	replies := map[oscar.SNACType]func(oscar.SNAC) error{
		oscar.TypeSelfInfo:      bodyOf(self.Decode),
		oscar.TypeLocateRights:  bodyOf(loc.Decode),
		oscar.TypeBuddyRights:   bodyOf(buddy.Decode),
		oscar.TypeICBMParams:    bodyOf(icbm.Decode),
		oscar.TypePrivacyRights: bodyOf(priv.Decode),
	}
	burst := []oscar.Message{
		sg.RateAck(),
		oscar.Empty(oscar.TypeSelfInfoRequest),
		oscar.Empty(oscar.TypeLocateRightsReq),
		oscar.Empty(oscar.TypeBuddyRightsReq),
		oscar.Empty(oscar.TypeICBMParamsReq),
		oscar.Empty(oscar.TypePrivacyRightsReq),
	}
	// What the session has now: the options at first, what the user has
	// changed since after a migration.
	s.mu.Lock()
	buddies, profile, awayMsg := slices.Clone(s.buddies), s.profile, s.away
	saved := s.opts.SavedFeedbag
	if s.fb != nil { // a migration: the list as the session has it
		saved = buddylist.NewFeedbag(s.fb.list.Items(), s.fb.list.Modified)
	}
	s.mu.Unlock()
	feedbag := s.opts.Feedbag && slices.Contains(sg.Families, oscar.FamilyFeedbag)
	if feedbag {
		burst = append(burst, s.feedbagSignon(sg, saved, replies)...)
	} else {
		forChunks(buddies, func(chunk []string) error {
			burst = append(burst, &oscar.AddBuddies{Names: chunk})
			return nil
		})
	}
	var away *string
	if awayMsg != "" {
		away = &awayMsg
	}
	burst = append(burst, setInfo(&profile, away), &ourICBMParams)
	if feedbag {
		// Before client ready: the 2025 release sends the first buddy
		// arrivals only to a session whose list is active by then.
		burst = append(burst, oscar.Empty(oscar.TypeFeedbagUse))
	}
	burst = append(burst, sg.ClientReady())
	if slices.Contains(sg.Families, oscar.FamilyICBM) && !s.opts.LeaveStoredIMs {
		// IMs the server kept while we were offline: none comes unasked
		// (fact 59); servers that keep none refuse, silently (handle).
		burst = append(burst, oscar.Empty(oscar.TypeOfflineRetrieve))
	}
	for _, m := range burst {
		id, err := sg.Send(m, signonReplies[m.SNACType()])
		if err != nil {
			return err
		}
		if m.SNACType() == oscar.TypeOfflineRetrieve {
			s.offlineReqID = id
		}
	}
	if im := s.opts.FirstIM; im != nil && s.signingOn {
		// After client ready: the server takes IMs from then on, and the
		// answer comes with the replies below.
		m, err := newIM(im.To, im.Text, DefaultMaxMessage, false)
		if err != nil {
			return err
		}
		p, err := sg.Queue(m, oscar.TypeICBMAck)
		if err != nil {
			return err
		}
		s.first = &Pending{Pending: p, s: s, im: m}
	}
	// The replies, in any order.
	if err := sg.Expect("waiting for the signon replies", replies); err != nil {
		if s.first != nil { // the IM went out in this flight: it may have arrived
			return fmt.Errorf("%w: %w", ErrUnanswered, err)
		}
		return err
	}
	s.setSelf(&self.Info)
	s.mu.Lock()
	if n, ok := loc.MaxProfileLen(); ok && n > 0 {
		s.limits.MaxProfileLen = int(n)
	}
	if n, ok := buddy.MaxBuddies(); ok {
		s.limits.MaxBuddies = int(n)
	}
	if icbm.MaxMessageLen > 0 {
		s.limits.MaxMessageLen = int(icbm.MaxMessageLen)
	}
	s.mu.Unlock()
	return nil
}

// bodyOf adapts a decoder of a SNAC's body to flapconn.Signon.Expect.
func bodyOf(decode func([]byte) error) func(oscar.SNAC) error {
	return func(snac oscar.SNAC) error { return decode(snac.Body) }
}

// signonReplies pairs the signon requests that get an answer with it.
var signonReplies = map[oscar.SNACType]oscar.SNACType{
	oscar.TypeSelfInfoRequest:  oscar.TypeSelfInfo,
	oscar.TypeLocateRightsReq:  oscar.TypeLocateRights,
	oscar.TypeBuddyRightsReq:   oscar.TypeBuddyRights,
	oscar.TypeICBMParamsReq:    oscar.TypeICBMParams,
	oscar.TypePrivacyRightsReq: oscar.TypePrivacyRights,
	oscar.TypeFeedbagRightsReq: oscar.TypeFeedbagRights,
	oscar.TypeFeedbagQuery:     oscar.TypeFeedbagReply,
	// 13,05's answer may also be 13,0F: either keeps 13,06 awaited.
	oscar.TypeFeedbagQueryIfModified: oscar.TypeFeedbagReply,
}

// setInfo builds 02,04 setting the profile and/or the away message (an
// empty one: back); nil leaves that part as it is.
func setInfo(profile, away *string) *oscar.SetInfo {
	m := &oscar.SetInfo{}
	if profile != nil {
		m.HasProfile = true
		m.ProfileMIME = mimeFor(*profile)
		m.Profile = []byte(*profile)
	}
	if away != nil {
		m.HasAway = true
		if *away != "" {
			m.AwayMIME = mimeFor(*away)
		}
		m.Away = []byte(*away)
	}
	return m
}

func mimeFor(text string) string {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return utf8ProfileMIME
		}
	}
	return defaultProfileMIME
}
