// Package bos is a signed-on OSCAR session: it connects to the BOS server
// with the authorizer's cookie, runs the signon of the spec's section 3.3,
// then delivers typed events and carries out actions (send an IM, change
// the buddy list, set the profile and away message) under the server's
// rate limits, until Logout sends the zero-length channel-4 frame.
//
// A Session is one signed-on service connection (internal/flapconn) and
// owns it with its three goroutines: a reader that turns frames into
// events, a writer (the only one that writes to the connection once signed
// on) that sends queued SNACs at the pace the rate limits allow, and a
// keepalive that also probes a silent connection. Logout (or the end of
// the context given to Connect) stops all three and waits for them. When
// the server pauses the connection (01,0B) the writer holds the queue;
// when it migrates the session (01,12) the reader signs on at the new
// server and the session goes on there. bos never prints, and dials only
// the BOS address it is given or the one a migration names.
package bos

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/secret"
)

// Defaults for zero Options fields: the connection's are flapconn's, as
// chat's are, so the two kinds of connection cannot drift apart.
const (
	DefaultStepTimeout  = flapconn.DefaultStepTimeout
	DefaultKeepalive    = flapconn.DefaultKeepalive
	DefaultProbeAfter   = 3 * time.Minute
	DefaultQueueSize    = flapconn.DefaultQueueSize
	DefaultEventBuffer  = 64
	DefaultMaxMessage   = limits.DefaultMaxMessage
	DefaultProfileLimit = limits.DefaultProfile
	defaultProfileMIME  = `text/aolrtf; charset="us-ascii"`
	utf8ProfileMIME     = `text/aolrtf; charset="utf-8"`
)

// Options says where and how to sign on.
type Options struct {
	Addr   string       // BOS host:port from the authorizer
	Cookie secret.Bytes // from the authorizer
	// MultiConn says the login sent TLV 0x004A = 1 (login.Result.MultiConn),
	// so the server states why it ends the session: an empty channel-4
	// frame is then a shutdown (ReasonShutdown), not ReasonUnexplained.
	MultiConn  bool
	ScreenName string // the user's, for events about themselves
	Buddies    []string
	Profile    string
	Away       string // non-empty: sign on away

	// Dial opens the connection; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// StepTimeout bounds each signon step and each reply awaited later,
	// and, once signed on, the rest of a frame whose first bytes came.
	StepTimeout time.Duration
	// Keepalive is how often an idle session sends a channel-5 frame;
	// negative disables it.
	Keepalive time.Duration
	// ProbeAfter is how long the server may stay silent before the session
	// sends a cheap request (01,0E) to learn whether the connection is
	// alive; negative disables probing. Real servers may send nothing for
	// minutes, so silence alone is never taken for a dead connection.
	ProbeAfter time.Duration
	// QueueSize bounds the SNACs waiting for the rate limiter.
	QueueSize int
	// EventBuffer is the capacity of the Events channel.
	EventBuffer int
	// Trace, if set, sees every frame sent (sent=true) and received.
	Trace func(sent bool, f oscar.Frame)
	// Logf, if set, gets a line for each thing from the server the session
	// skipped (a SNAC that does not parse, an unknown channel).
	Logf func(format string, args ...any)
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
	// SequenceStart is the first FLAP sequence number.
	SequenceStart uint16
	// Reconnected marks a signon that follows a lost connection; the
	// SignedOn event says so.
	Reconnected bool
	// Feedbag: use the buddy list the server keeps when it has one (family
	// 0x13): signon reads it and activates it, presence comes from it, and
	// Buddies is not sent. Session.Feedbag returns it, EditFeedbag edits it.
	Feedbag bool
	// SavedFeedbag is the server's list as the caller last saw it (a copy
	// of Session.Feedbag): signon then asks only whether it changed
	// (13,05). nil asks for the whole list (13,04).
	SavedFeedbag *buddylist.Feedbag
	// FirstIM, if set, is an IM sent in the signon's flight right after
	// client ready (from then on the server takes IMs): its answer comes
	// with the signon's replies, not a round trip after them. Wait on
	// Session.FirstIM for it. Not sent again after a migration.
	FirstIM *OutgoingIM
	// AutoReply makes the session answer IMs with the away message while
	// away, as AIM clients do: once per sender for each away message,
	// flagged as an automatic reply, and never to an automatic reply.
	AutoReply bool
	// LeaveStoredIMs: do not ask for the IMs the server kept while the
	// user was offline (04,10). The server deletes each stored IM as it
	// hands it out, so a session that shows nothing (a one-shot send)
	// must leave them for the next one that does.
	LeaveStoredIMs bool
	// KeepsNoIMs says the server is known to keep no IMs for users who are
	// offline (it refused 04,10 at an earlier signon, as the 2025 release
	// does): WaitOrStore does not ask it to. (The 2025 release writes
	// such an IM to its database all the same, refuses it, and no AIM
	// client can ever read it; an upgrade to the 2026 release delivers
	// them all at once.)
	KeepsNoIMs bool
}

// Limits are what the server said it accepts.
type Limits struct {
	MaxMessageLen int // bytes of IM text (04,05)
	MaxProfileLen int // bytes of profile or away message (02,03)
	MaxBuddies    int // buddy list size (03,03); 0 if unknown
}

// Session is a signed-on BOS connection.
type Session struct {
	opts Options
	c    *flapconn.Conn
	now  func() time.Time

	events    chan Event
	early     []Event // events seen during signon, delivered first
	signingOn bool    // set only by Connect, before the goroutines start

	mu      sync.Mutex
	self    UserInfo // no Profile or AwayMessage
	limits  Limits
	online  map[string]onlineBuddy // normalized name -> as the last arrival said
	spelled map[string]string      // normalized name -> as the server last spelled it
	away    string                 // the away message set; "" when back
	profile string                 // the profile set, for a signon after a migration
	buddies []string               // the buddy list, for a signon after a migration
	replied map[string]bool        // senders auto-replied to for this away message
	fb      *feedbagState          // nil: no feedbag in use
	first   *Pending               // Options.FirstIM's, set during Connect

	// Used by the reader goroutine (and the signon) only: stored IMs
	// (answers to 04,10) held until the 04,17 so that they go out in the
	// order they were stored, whether the 04,17 came (later ones go out at
	// once), and the request id of the signon's 04,10.
	storedIMs    []*IMReceived
	storedAfter  bool
	offlineReqID uint32

	// keepsNoIMs is set when the server refuses the signon's 04,10 (or
	// Options.KeepsNoIMs says so): it keeps no IMs for offline users.
	keepsNoIMs atomic.Bool

	// retrieved is closed once the signon's 04,10 is answered (04,17, or
	// refused) or the session ends: Logout waits for it, because the
	// server deletes each stored IM as it sends it, and one arriving
	// after our logout frame would be lost.
	retrieved     chan struct{}
	retrievedOnce sync.Once
}

// offlineWait bounds how long Logout waits for the stored IMs asked for
// at signon, for a server that never answers 04,10.
const offlineWait = 3 * time.Second

// systemMsgName is the pseudo-user whose IMs (with an all-zero cookie) are
// server notices: the 2026 Open OSCAR Server tells a session this way that
// another session of the account signed on.
const systemMsgName = "OOS System Msg"

// Connect signs on and returns a session that is online. ctx bounds the
// whole session: when it ends, the session logs out. Each signon step also
// has its own deadline (Options.StepTimeout). A failed step is a
// *StepError naming it.
func Connect(ctx context.Context, opts Options) (*Session, error) {
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	if opts.Keepalive == 0 {
		opts.Keepalive = DefaultKeepalive
	}
	if opts.ProbeAfter == 0 {
		opts.ProbeAfter = DefaultProbeAfter
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = DefaultEventBuffer
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Session{
		opts:    opts,
		now:     opts.Now,
		events:  make(chan Event, opts.EventBuffer),
		profile: opts.Profile,
		buddies: slices.Clone(opts.Buddies),
		online:  map[string]onlineBuddy{},
		spelled: map[string]string{},
		away:    opts.Away,
		replied: map[string]bool{},
		limits:  Limits{MaxMessageLen: DefaultMaxMessage, MaxProfileLen: DefaultProfileLimit},

		retrieved: make(chan struct{}),
	}
	s.keepsNoIMs.Store(opts.KeepsNoIMs)
	s.c = flapconn.New(flapconn.Options{
		Addr: opts.Addr, Cookie: opts.Cookie, MultiConn: opts.MultiConn, Dial: opts.Dial,
		StepTimeout: opts.StepTimeout, Keepalive: opts.Keepalive, ProbeAfter: opts.ProbeAfter,
		QueueSize: opts.QueueSize, Trace: opts.Trace, Logf: opts.Logf, Now: opts.Now,
		SequenceStart: opts.SequenceStart,
		Signon:        s.signon,
		Handle:        s.handleSNAC,
		Begin:         s.begin,
		Moved:         s.moved,
		End:           s.end,
	})
	s.signingOn = true
	if err := s.c.Connect(ctx); err != nil {
		return nil, err
	}
	s.early = append([]Event{&SignedOn{At: At{s.now()}, ScreenName: s.self.ScreenName, WarningLevel: s.self.WarningLevel, Reconnected: opts.Reconnected}}, s.early...)
	s.signingOn = false
	if s.offlineReqID == 0 { // no 04,10 was sent: nothing to wait for
		s.retrievalDone()
	}
	// The end of ctx only starts the logout (once the stored IMs asked
	// for are in, see waitRetrieved): the connection's goroutines, which
	// the session owns through it, do the rest, and the reader bounds its
	// wait for the last event (see flapconn.Deliver).
	life, endLife := context.WithCancel(context.WithoutCancel(ctx))
	context.AfterFunc(ctx, func() {
		s.waitRetrieved(life)
		endLife()
	})
	s.c.Run(life)
	return s, nil
}

// OutgoingIM is an IM to send (Options.FirstIM).
type OutgoingIM struct {
	To, Text string
}

// FirstIM returns Options.FirstIM as sent in the signon's flight: Wait or
// WaitOrStore on it for the server's answer. nil without one.
func (s *Session) FirstIM() *Pending { return s.first }

// Events returns the channel of events. The first is *SignedOn and the last
// *Disconnected, after which the channel is closed. Read it until then:
// the session waits for a slow reader rather than drop an event.
func (s *Session) Events() <-chan Event { return s.events }

// Self returns the user's own info as the server last sent it (01,0F);
// Profile and AwayMessage are left empty.
func (s *Session) Self() UserInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.self
}

// KeepsNoIMs reports whether the server is known to keep no IMs for
// users who are offline: it refused the signon's 04,10, or
// Options.KeepsNoIMs said so. Until the 04,10 is answered it is false.
func (s *Session) KeepsNoIMs() bool { return s.keepsNoIMs.Load() }

// Limits returns what the server said it accepts.
func (s *Session) Limits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits
}

// onlineBuddy is a buddy online: its last arrival, and when it came.
type onlineBuddy struct {
	info UserInfo
	at   time.Time
}

// OnlineBuddies returns the display names of the buddies online now.
func (s *Session) OnlineBuddies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.online))
	for _, b := range s.online {
		out = append(out, b.info.ScreenName)
	}
	return out
}

// Online returns the buddies online now, as their last arrival said
// (their names as the server spells them, away), idle minutes counted
// to now.
func (s *Session) Online() []UserInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]UserInfo, 0, len(s.online))
	for _, b := range s.online {
		u := b.info
		if u.IdleMinutes > 0 {
			u.IdleMinutes += uint16(min(now.Sub(b.at)/time.Minute, 1<<15))
		}
		out = append(out, u)
	}
	return out
}

// Spelling returns name as the server last spelled it (an arrival or a
// departure), or name.
func (s *Session) Spelling(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.spelled[screenname.Normalize(name)]; ok {
		return n
	}
	return name
}

// Err returns why the session ended: nil while it runs and after Logout.
func (s *Session) Err() error { return s.c.Err() }

// Done is closed when the session has ended and its goroutines are gone.
func (s *Session) Done() <-chan struct{} { return s.c.Done() }

// Logout ends the session and waits, until ctx ends, for its goroutines:
// the session stops taking requests (those still queued get ErrClosed),
// the writer sends the zero-length channel-4 frame after what it was
// writing and, unless the server closes first (it does on reading the
// frame) within linger.PeerFirst, half-closes the connection, and the
// reader reads what the server still sends until it closes its side, at
// most linger.Bound, and hands it on as events (an IM the server sent
// before it read the logout frame is the session's last news, not lost);
// then the connection is closed. Closing at once could reset
// the connection and lose the logout frame. Logout may be called more than
// once and from any goroutine, and returns nil even if the session had
// ended already. If ctx ends first (a write stuck on a dead connection,
// say), the connection is closed at once and events nobody reads any more
// are dropped, so the goroutines still end. First it waits, at most
// offlineWait, for the stored IMs asked for at signon: the server deletes
// each as it sends it, so one that came after the logout frame would be
// lost.
func (s *Session) Logout(ctx context.Context) error {
	s.waitRetrieved(ctx)
	return s.c.Logout(ctx)
}

// waitRetrieved waits, at most offlineWait, until the stored IMs asked
// for at signon are in, the session ends, or ctx ends.
func (s *Session) waitRetrieved(ctx context.Context) {
	t := time.NewTimer(min(offlineWait, s.opts.StepTimeout))
	defer t.Stop()
	select {
	case <-s.retrieved:
	case <-s.c.Ending():
	case <-ctx.Done():
	case <-t.C:
	}
}

// retrievalDone records that no more stored IMs will come for the
// signon's 04,10.
func (s *Session) retrievalDone() { s.retrievedOnce.Do(func() { close(s.retrieved) }) }

// Ending is closed as soon as the session starts to end: it takes no more
// requests, and a caller wanting one must wait for another session.
func (s *Session) Ending() <-chan struct{} { return s.c.Ending() }

// ending reports whether the session has started to end.
func (s *Session) ending() bool {
	select {
	case <-s.c.Ending():
		return true
	default:
		return false
	}
}

// emit delivers an event: during signon it is kept for later, then it
// goes on the reader goroutine as flapconn.Deliver says.
func (s *Session) emit(ev Event) {
	if s.signingOn {
		s.early = append(s.early, ev)
		return
	}
	flapconn.Deliver(s.c, s.events, ev)
}

// begin delivers the events of the signon, SignedOn first.
func (s *Session) begin() {
	for _, ev := range s.early {
		s.emit(ev)
	}
	s.early = nil
}

// end delivers Disconnected and closes Events.
func (s *Session) end(err error) {
	s.retrievalDone()
	s.flushStored()
	s.emit(&Disconnected{At: At{s.now()}, Err: err, Reason: ReasonOf(err)})
	close(s.events)
}

// moved says that the session goes on at another server.
func (s *Session) moved(addr string) {
	s.emit(&ServerMessage{At: At{s.now()}, Type: snacType(oscar.TypeMigrate), Text: "the server moved this session to " + addr})
}

func (s *Session) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// handleSNAC handles a SNAC the connection hands over; one that does not
// parse is skipped with a note to Logf.
func (s *Session) handleSNAC(snac oscar.SNAC) {
	if err := s.handle(snac); err != nil {
		s.logf("skipped %v: %v", snac.Type(), err)
	}
}

// handle turns a SNAC nobody waits for into an event. A body that does not
// parse is an error, and the SNAC is skipped.
func (s *Session) handle(snac oscar.SNAC) error {
	now := At{s.now()}
	if snac.Type() != oscar.TypeICBMIncoming {
		s.flushStored() // stored IMs are older than whatever comes next
	}
	switch snac.Type() {
	case oscar.TypeICBMIncoming:
		var m oscar.IncomingIM
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		if at, ok := m.Stored(); ok && m.Channel == 1 {
			s.storedIMs = append(s.storedIMs, &IMReceived{At: At{at}, From: m.From.ScreenName, Text: m.Message.Text.String(),
				AutoResponse: m.AutoResponse, WarningLevel: m.From.WarningLevel, Offline: true})
			if s.storedAfter {
				s.flushStored()
			}
			return nil
		}
		s.flushStored()
		if m.Channel == 2 { // a rendezvous: chat invitations (services.go)
			return s.rendezvous(now, &m)
		}
		if m.Channel != 1 {
			return errors.New("not a plain IM (channel " + strconv.Itoa(int(m.Channel)) + ")")
		}
		if m.Cookie == ([8]byte{}) && m.From.ScreenName == systemMsgName {
			// A server notice, never a message to answer.
			s.emit(&ServerMessage{At: now, Type: snacType(snac.Type()), Text: m.Message.Text.String(), HTML: true})
			return nil
		}
		ev := &IMReceived{At: now, From: m.From.ScreenName, Text: m.Message.Text.String(),
			AutoResponse: m.AutoResponse, WarningLevel: m.From.WarningLevel}
		if !m.AutoResponse {
			ev.Reply, ev.ReplySent = s.autoReply(m.From.ScreenName)
			ev.AutoReplied = ev.ReplySent != nil
		}
		s.emit(ev)
	case oscar.TypeBuddyArrived:
		var m oscar.BuddyArrived
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		key := screenname.Normalize(m.Info.ScreenName)
		s.mu.Lock()
		_, was := s.online[key]
		s.online[key] = onlineBuddy{info: userInfo(&m.Info), at: now.Time}
		s.spelled[key] = m.Info.ScreenName
		s.mu.Unlock()
		ev := &BuddyOnline{At: now, Name: m.Info.ScreenName, Changed: was, Away: m.Info.Away(),
			IdleMinutes: m.Info.IdleMinutes(), WarningLevel: m.Info.WarningLevel}
		ev.SignonTime, _ = m.Info.SignonTime()
		s.emit(ev)
	case oscar.TypeBuddyDeparted:
		var m oscar.BuddyDeparted
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		key := screenname.Normalize(m.Info.ScreenName)
		s.mu.Lock()
		b, was := s.online[key]
		delete(s.online, key)
		name := b.info.ScreenName
		if !was {
			name = m.Info.ScreenName
		}
		s.spelled[key] = name
		s.mu.Unlock()
		s.emit(&BuddyOffline{At: now, Name: name})
	case oscar.TypeWarned:
		var m oscar.Warned
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		s.mu.Lock()
		s.self.WarningLevel = m.Level
		s.mu.Unlock()
		ev := &Warned{At: now, Level: m.Level}
		if m.HasWarner {
			ev.By = m.Warner.ScreenName
		}
		s.emit(ev)
	case oscar.TypeTyping:
		var m oscar.Typing
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		s.emit(&Typing{At: now, From: m.ScreenName, State: TypingState(m.Event)})
	case oscar.TypeRateChange:
		var m oscar.RateChange
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		// The connection has taken the class in already.
		s.emit(&RateChange{At: now, Code: RateCode(m.Code), Class: rateClass(m.Class), Wait: s.c.ClassWait(m.Class.ID)})
	case oscar.TypeSelfInfo:
		var m oscar.SelfInfo
		if err := m.Decode(snac.Body); err != nil {
			return err
		}
		s.setSelf(&m.Info)
	case oscar.TypePause, oscar.TypeResume:
		// The connection has told its writer to hold or send.
		s.emit(&ServerMessage{At: now, Type: snacType(snac.Type()), Text: serverNotice(snac)})
	case oscar.TypeMOTD:
		s.emit(&ServerMessage{At: now, Type: snacType(snac.Type()), Text: serverNotice(snac)})
	case oscar.TypeStatsInterval:
	case oscar.TypeOfflineDone: // every stored IM asked for (04,10) was sent, or is coming
		s.storedAfter = true
		s.retrievalDone()
	case oscar.TypeFeedbagStartCluster, oscar.TypeFeedbagEndCluster,
		oscar.TypeFeedbagInsertItem, oscar.TypeFeedbagUpdateItem, oscar.TypeFeedbagDeleteItem:
		return s.feedbagPush(now, snac)
	default:
		if snac.Subtype != 1 {
			return errors.New("not a SNAC this client uses")
		}
		var e oscar.SNACError
		if err := e.Decode(snac.Body); err != nil {
			return err
		}
		if snac.Family == oscar.FamilyICBM && s.offlineReqID != 0 && snac.RequestID == s.offlineReqID {
			// A server that keeps no offline IMs (the 2025 release): no news.
			s.logf("the server keeps no offline messages: %s", (&RequestError{Type: snacType(oscar.TypeOfflineRetrieve), Code: e.Code}).Detail())
			s.keepsNoIMs.Store(true)
			s.retrievalDone()
			return nil
		}
		s.emit(&ServerError{At: now, Type: snacType(snac.Type()), Code: e.Code})
	}
	return nil
}

// flushStored emits the stored IMs held, in the order they were stored
// (the time the server gives each).
func (s *Session) flushStored() {
	if len(s.storedIMs) == 0 {
		return
	}
	slices.SortStableFunc(s.storedIMs, func(a, b *IMReceived) int { return a.Time.Compare(b.Time) })
	for _, ev := range s.storedIMs {
		s.emit(ev)
	}
	s.storedIMs = s.storedIMs[:0]
}

func serverNotice(snac oscar.SNAC) string {
	switch snac.Type() {
	case oscar.TypePause:
		return "the server paused this connection: requests wait"
	case oscar.TypeResume:
		return "the server resumed this connection"
	}
	// 01,13: u16 type, then TLVs with TLV 0x000B the text.
	if len(snac.Body) > 2 {
		if l, err := oscar.ParseTLVs(snac.Body[2:]); err == nil {
			if t, ok := l.String(0x000B); ok {
				return t
			}
		}
	}
	return "message of the day"
}

// autoReply answers an IM from name with the away message, if the session
// is away, has not answered name since the away message was set, and its
// list's privacy settings do not keep name out, and returns the answer and
// its Pending (nil: none queued). It only queues the reply; a failure is a
// note for Logf.
func (s *Session) autoReply(name string) (string, *Pending) {
	if !s.opts.AutoReply {
		return "", nil
	}
	key := screenname.Normalize(name)
	s.mu.Lock()
	away := s.away
	if away == "" || s.replied[key] || key == screenname.Normalize(s.self.ScreenName) || s.keepsOutLocked(name) {
		s.mu.Unlock()
		return "", nil
	}
	s.replied[key] = true
	s.mu.Unlock()
	p, err := s.QueueIM(name, away, true)
	if err != nil {
		s.logf("auto-reply to %s not sent: %v", name, err)
		return "", nil
	}
	return away, p
}

// keepsOutLocked reports whether the privacy settings of the session's
// list keep name out (buddylist.List.KeepsOut); false without a list.
func (s *Session) keepsOutLocked(name string) bool {
	if s.fb == nil {
		return false
	}
	l, _ := s.fb.list.List()
	return l.KeepsOut(name)
}

// setAway records the away message the server now has.
func (s *Session) setAway(away string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if away != s.away {
		s.away = away
		clear(s.replied)
	}
}

func (s *Session) setSelf(u *oscar.UserInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.self = userInfo(u)
}

// newCookie returns a random ICBM cookie.
func newCookie() [8]byte {
	var c [8]byte
	rand.Read(c[:])
	return c
}
