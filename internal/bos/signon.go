package bos

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/oscar"
)

// familyVersions are the versions sent in 01,02 for each family the server
// serves (tool id 0x0110, tool version 0x0629, as AIM 5.x clients send).
var familyVersions = map[uint16]uint16{0x0001: 3, 0x0013: 4}

const (
	toolID      = 0x0110
	toolVersion = 0x0629
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

// signon runs the BOS signon of the spec's section 3.3 in its order. It
// sends everything that needs no answer as soon as it may: the rights
// requests, buddy list, profile, ICBM parameters and client ready all go
// out together after the rate acknowledge, and the five replies are then
// read in whatever order they come.
func (s *Session) signon(ctx context.Context) error {
	s.signonCtx = ctx
	// 1-2: the server's acknowledge may come before or after our frame.
	s.deadline()
	if err := s.fw.WriteEncoded(oscar.ChannelSignon, &oscar.BOSSignon{Cookie: s.opts.Cookie.Reveal()}); err != nil {
		return &StepError{Step: "sending the cookie", Err: err}
	}
	// 3: host ready.
	var host oscar.HostReady
	if err := s.expect("waiting for host ready (01,03)", oscar.TypeHostReady, host.Decode); err != nil {
		return err
	}
	s.families = host.Families
	// 4-6: rates.
	if err := s.writeNow(ctx, oscar.Empty(oscar.TypeRateRequest)); err != nil {
		return &StepError{Step: "asking for rate limits (01,06)", Err: err}
	}
	var rates oscar.RateParams
	if err := s.expect("waiting for rate limits (01,07)", oscar.TypeRateParams, rates.Decode); err != nil {
		return err
	}
	s.rates.set(&rates, s.now())
	ack := oscar.RateAck{Classes: make([]uint16, len(rates.Classes))}
	for i, c := range rates.Classes {
		ack.Classes[i] = c.ID
	}
	// 6-7, 11-14: everything that needs no answer first.
	var self oscar.SelfInfo
	var loc oscar.LocateRights
	var buddy oscar.BuddyRights
	var icbm oscar.ICBMParamsReply
	var priv oscar.PrivacyRights
	replies := map[oscar.SNACType]func([]byte) error{
		oscar.TypeSelfInfo:      self.Decode,
		oscar.TypeLocateRights:  loc.Decode,
		oscar.TypeBuddyRights:   buddy.Decode,
		oscar.TypeICBMParams:    icbm.Decode,
		oscar.TypePrivacyRights: priv.Decode,
	}
	burst := []oscar.Message{
		&ack,
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
	feedbag := s.opts.Feedbag && slices.Contains(host.Families, oscar.FamilyFeedbag)
	if feedbag {
		burst = append(burst, s.feedbagSignon(saved, replies)...)
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
	burst = append(burst, clientReady(host.Families))
	if slices.Contains(host.Families, oscar.FamilyICBM) {
		// IMs the server kept while we were offline: none comes unasked
		// (fact 59); servers that keep none refuse, silently (handle).
		burst = append(burst, oscar.Empty(oscar.TypeOfflineRetrieve))
	}
	for _, m := range burst {
		if err := s.writeNow(ctx, m); err != nil {
			return &StepError{Step: "sending " + m.SNACType().String(), Err: err}
		}
	}
	// 8: the replies, in any order.
	if err := s.expectAll("waiting for the signon replies", replies); err != nil {
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

func clientReady(families []uint16) *oscar.ClientReady {
	m := &oscar.ClientReady{Families: make([]oscar.ToolVersion, len(families))}
	for i, f := range families {
		v, ok := familyVersions[f]
		if !ok {
			v = 1
		}
		m.Families[i] = oscar.ToolVersion{Family: f, Version: v, ToolID: toolID, ToolVersion: toolVersion}
	}
	return m
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

// deadline gives the next signon step its time, unless Connect's context
// has ended: then the past deadline its AfterFunc set must stay. Socket
// deadlines are on the wall clock, whatever Options.Now says.
func (s *Session) deadline() {
	if s.signonCtx.Err() != nil {
		s.conn.SetDeadline(time.Unix(1, 0))
		return
	}
	s.conn.SetDeadline(time.Now().Add(s.opts.StepTimeout))
}

// writeNow sends m during signon (before the writer goroutine runs),
// counting it against its rate class, and remembers its request id so an
// error answering it can name it.
func (s *Session) writeNow(ctx context.Context, m oscar.Message) error {
	if d := s.rates.delay(m.SNACType(), s.now()); d > 0 {
		// Only a server whose classes are tighter than a signon's dozen
		// SNACs gets here.
		if d > s.opts.StepTimeout {
			return errors.New("the server's rate limits leave no room to sign on")
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	s.deadline()
	s.rates.record(m.SNACType(), s.now())
	id := s.nextReqID()
	s.signonReqs[id] = m.SNACType()
	return s.fw.WriteMessage(id, m)
}

// awaited reports whether the reply to req is one of those still wanted.
func (s *Session) awaited(req oscar.SNACType, want map[oscar.SNACType]func([]byte) error) bool {
	reply, ok := signonReplies[req]
	_, waiting := want[reply]
	return ok && waiting
}

// signonReplies pairs the signon requests that get an answer with it.
var signonReplies = map[oscar.SNACType]oscar.SNACType{
	oscar.TypeRateRequest:      oscar.TypeRateParams,
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

// expect reads until the wanted SNAC arrives and decodes it; whatever else
// comes first (rate changes, buddy arrivals, the message of the day) is
// handled on the way.
func (s *Session) expect(step string, want oscar.SNACType, decode func([]byte) error) error {
	return s.expectAll(step, map[oscar.SNACType]func([]byte) error{want: decode})
}

func (s *Session) expectAll(step string, want map[oscar.SNACType]func([]byte) error) error {
	s.deadline()
	for len(want) > 0 {
		f, err := s.readFrame()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the server closed the connection")
			}
			return &StepError{Step: step, Err: err}
		}
		switch f.Channel {
		case oscar.ChannelSignoff:
			return &StepError{Step: step, Err: closedBy(f, s.opts.MultiConn)}
		case oscar.ChannelSNAC:
		default:
			continue
		}
		snac, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			return &StepError{Step: step, Err: err}
		}
		decode, ok := want[snac.Type()]
		if !ok {
			// An error answering a request whose reply signon waits for
			// fails the signon, naming it; any other is an event.
			if req, mine := s.signonReqs[snac.RequestID]; mine && snac.Subtype == 1 && snac.Family == req.Family() && s.awaited(req, want) {
				var e oscar.SNACError
				e.Decode(snac.Body)
				return &StepError{Step: step, Err: &RequestError{Type: snacType(req), Code: e.Code}}
			}
			s.dispatch(f.Payload)
			continue
		}
		// The body aliases the reader's buffer, and decoded values alias the
		// body: keep a copy that outlives the next read.
		s.replyFlags = snac.Flags
		if err := decode(append([]byte(nil), snac.Body...)); err == errMorePart {
			continue
		} else if err != nil {
			return &StepError{Step: step, Err: err}
		}
		delete(want, snac.Type())
		s.deadline()
	}
	return nil
}
