package bos

import (
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// Event is something that happened on the session. The concrete types are
// the structs below; a type switch tells them apart.
type Event interface {
	When() time.Time
}

// At is embedded in every event: when the client saw it.
type At struct{ Time time.Time }

// When returns the time the event was seen.
func (a At) When() time.Time { return a.Time }

// SignedOn is the first event of a session: signon is complete.
type SignedOn struct {
	At
	ScreenName   string // as the server formats it
	WarningLevel uint16 // tenths of a percent
	Reconnected  bool   // a reconnect, not the first signon
}

// IMReceived is an incoming instant message (04,07 on channel 1). An IM
// the server stored while the user was offline (Offline) has the time it
// was stored as its time, and is never auto-replied to.
type IMReceived struct {
	At
	From         string
	Text         string // the message as sent, usually HTML, decoded to UTF-8
	AutoResponse bool   // an away message sent automatically
	WarningLevel uint16 // the sender's
	AutoReplied  bool   // the session answered with the away message (Options.AutoReply)
	Reply        string // that answer, as sent (HTML), when AutoReplied
	Offline      bool   // stored by the server while the user was offline
	// ReplySent is that answer as queued, when AutoReplied: it may yet
	// wait for the rate limit, and be dropped at the session's end; its
	// Wait says whether the server took it.
	ReplySent *Pending
}

// BuddyOnline is a buddy signing on, or changing while on (03,0B).
type BuddyOnline struct {
	At
	Name         string
	Changed      bool // already online: idle, away or warning level changed
	Away         bool
	IdleMinutes  uint16
	WarningLevel uint16
	SignonTime   time.Time // zero if the server did not say
}

// BuddyOffline is a buddy signing off (03,0C).
type BuddyOffline struct {
	At
	Name string
}

// Warned is the user being warned (01,10). By is empty for an anonymous
// warning.
type Warned struct {
	At
	Level uint16
	By    string
}

// Typing is a typing notification (04,14).
type Typing struct {
	At
	From  string
	State TypingState
}

// RateChange is the server reporting on a rate class (01,0A).
type RateChange struct {
	At
	Code  RateCode
	Class RateClass // as the server sent it
	// Wait is how long the class's next request waits now, as the session
	// paces it: within sane bounds of the class, and never over a few
	// minutes, whatever the server's numbers say.
	Wait time.Duration
}

// ServerError is an error SNAC that answers nothing we are waiting for.
type ServerError struct {
	At
	Type SNACType // ff,01
	Code uint16   // the server's error code
}

// Message returns the error as a sentence.
func (e *ServerError) Message() string { return oscar.ErrorCodeText(e.Code) }

// ErrorCodeKnown reports whether a server error's code has a meaning aim
// knows (else its Message is only the code: oscar.ErrorCodeKnown).
func ErrorCodeKnown(code uint16) bool { return oscar.ErrorCodeKnown(code) }

// ServerMessage is a message of the day (01,13), a notice of a pause or
// migration (01,0B, 01,12), or a notice the server sends as an IM from a
// pseudo-user (04,07 from "OOS System Msg": another session of the
// account signed on). It is never answered.
type ServerMessage struct {
	At
	Type SNACType
	Text string
	HTML bool // Text is HTML, as an IM is (the notices from "OOS System Msg")
}

// Disconnected is the last event of a session. Err is nil after Logout and
// says why otherwise (a *ClosedError when the server closed the session);
// Reason classifies it (ReasonOf(Err)).
type Disconnected struct {
	At
	Err    error
	Reason Reason
}
