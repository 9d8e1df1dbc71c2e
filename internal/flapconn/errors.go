package flapconn

import (
	"errors"
	"fmt"

	"github.com/aim-oscar/aim/internal/oscar"
)

// StepError is a signon step that failed or timed out. Error says so in
// a person's words ("could not sign on: the server did not answer in
// time"); Detail names the step as the protocol has it, for --debug:
// "signon: waiting for host ready (01,03): i/o timeout".
type StepError struct {
	Step string // "waiting for host ready (01,03)"
	Err  error
}

func (e *StepError) Error() string  { return "could not sign on: " + CauseWords(e.Err) }
func (e *StepError) Detail() string { return "signon: " + e.Step + ": " + oscar.DetailOf(e.Err) }
func (e *StepError) Unwrap() error  { return e.Err }

// CauseWords is err, why a signon step failed or a connection was lost,
// in a person's words: the server's own reason where it gave one, else
// what became of the connection, never a SNAC or a code (oscar.DetailOf has
// them). A network failure it does not know keeps the system's words
// (client.NetworkError says those for people).
func CauseWords(err error) string {
	var (
		closed  *ClosedError
		refused *RequestError
	)
	switch {
	case errors.As(err, &closed):
		return closed.why()
	case errors.As(err, &refused):
		return refused.Error()
	}
	if words, ok := oscar.ReadFailure(err, "the server"); ok {
		return words
	}
	return err.Error()
}

// Reason says how a session ended, as far as the client can tell. A
// supervisor decides from it whether to sign on again: after
// ReasonShutdown and ReasonConnectionLost, yes; after
// ReasonSignedOnElsewhere, never (the user signed on with another client);
// after ReasonUnexplained, only if it does not look like two clients
// taking turns with one screen name.
type Reason uint8

// Reasons a session ends.
const (
	// ReasonLogout: Logout or the end of Connect's context, the client's
	// own doing.
	ReasonLogout Reason = iota
	// ReasonSignedOnElsewhere: channel 4 with TLV 0x0009 = 1, the same
	// screen name signed on somewhere else (the server says so only to a
	// login that sent TLV 0x004A).
	ReasonSignedOnElsewhere
	// ReasonShutdown: a channel-4 frame with no TLVs after a login that
	// sent TLV 0x004A, which is how the server says it is going down.
	ReasonShutdown
	// ReasonUnexplained: the bare 4-byte channel-4 header, or an empty
	// channel 4 after a login without TLV 0x004A. Servers end a session
	// this way both when the name signs on elsewhere and when they shut
	// down: the two cannot be told apart.
	ReasonUnexplained
	// ReasonClosedByServer: a channel-4 frame with another stated reason.
	ReasonClosedByServer
	// ReasonConnectionLost: the connection ended with no channel-4 frame
	// (EOF, reset, a write that failed, a probe left unanswered).
	ReasonConnectionLost
	// ReasonError: anything else, such as a signon step the server refused.
	ReasonError
)

var reasonNames = [...]string{
	ReasonLogout:            "logout",
	ReasonSignedOnElsewhere: "signed_on_elsewhere",
	ReasonShutdown:          "server_shutdown",
	ReasonUnexplained:       "unexplained",
	ReasonClosedByServer:    "closed_by_server",
	ReasonConnectionLost:    "connection_lost",
	ReasonError:             "error",
}

// String gives the reason as a word for JSON: "signed_on_elsewhere".
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason %d", uint8(r))
}

// ReasonOf classifies the error a session ended with (Session.Err,
// Disconnected.Err, or Connect's error): nil is ReasonLogout, a
// *ClosedError its Reason, ErrConnectionLost ReasonConnectionLost.
func ReasonOf(err error) Reason {
	var closed *ClosedError
	switch {
	case err == nil:
		return ReasonLogout
	case errors.As(err, &closed):
		return closed.Reason
	case errors.Is(err, ErrConnectionLost):
		return ReasonConnectionLost
	}
	return ReasonError
}

// ClosedError is the server ending the session with a channel-4 frame.
type ClosedError struct {
	Reason Reason // never ReasonLogout, ReasonConnectionLost or ReasonError
	Code   uint16 // TLV 0x0009 (0 when the server sent none)
	URL    string // TLV 0x000B
}

func (e *ClosedError) Error() string {
	switch e.Reason {
	case ReasonSignedOnElsewhere, ReasonShutdown:
		return "signed off: " + e.why()
	case ReasonClosedByServer:
		return "signed off by the server"
	}
	return "signed off by the server without a reason (" + unexplained + ")"
}

const unexplained = "this screen name signed on somewhere else, or the server is shutting down"

// why is the server's reason in words; its code is Detail's.
func (e *ClosedError) why() string {
	switch e.Reason {
	case ReasonSignedOnElsewhere:
		return "this screen name signed on somewhere else"
	case ReasonShutdown:
		return "the server is shutting down"
	case ReasonClosedByServer:
		return "the server ended the session"
	}
	return "the server ended the session without a reason (" + unexplained + ")"
}

// Detail is the end as the wire had it, for --debug: "signed off by the
// server (channel 4, reason 0x0005)".
func (e *ClosedError) Detail() string {
	if e.Code == 0 {
		return e.Error() + " (channel 4, no reason code)"
	}
	return fmt.Sprintf("%s (channel 4, reason 0x%04x)", e.Error(), e.Code)
}

// SignedOnElsewhere reports whether the server closed the session because
// the screen name signed on somewhere else.
func (e *ClosedError) SignedOnElsewhere() bool { return e.Reason == ReasonSignedOnElsewhere }

// ClosedBy classifies a channel-4 frame from the server. multiConn says
// whether the login sent TLV 0x004A = 1 (Options.MultiConn): only then
// does an empty frame mean a shutdown.
func ClosedBy(f oscar.Frame, multiConn bool) *ClosedError {
	if f.Truncated { // the bare header: kick or shutdown, unsaid
		return &ClosedError{Reason: ReasonUnexplained}
	}
	var d oscar.Disconnect
	d.Decode(f.Payload) // a bad payload still means the server is closing
	e := &ClosedError{Code: d.Reason, URL: d.URL}
	switch {
	case d.Reason == oscar.DisconnectSignedOnElsewhere:
		e.Reason = ReasonSignedOnElsewhere
	case d.Reason != 0:
		e.Reason = ReasonClosedByServer
	case len(f.Payload) == 0 && multiConn:
		e.Reason = ReasonShutdown
	default:
		e.Reason = ReasonUnexplained
	}
	return e
}

// ErrConnectionLost is the connection ending without a word from the server.
var ErrConnectionLost = errors.New("connection to the server lost")

// ErrClosed is returned by actions on a session that has ended.
var ErrClosed = errors.New("session is closed")

// ErrUnanswered is a request that went out but whose answer was not
// waited for (the wait's context ended) or never came (the connection
// ended first; the error then wraps ErrClosed and the cause too): unlike
// one that never went out, it may have been carried out.
var ErrUnanswered = errors.New("sent, but not answered yet")

// RequestError is the server refusing a request with an error SNAC, such as
// 04,01 code 0x0004 for an IM to someone who is offline.
type RequestError struct {
	Type    SNACType // the request refused
	Code    uint16
	Subcode uint16 // TLV 0x0008, the reason behind Code; 0 when none
}

// Error says what the server refused, and why where the code tells, in a
// person's words; Detail gives the SNAC and the code, for --debug.
func (e *RequestError) Error() string {
	what := requestName(e.Type)
	why := oscar.ErrorCodeText(e.Code)
	switch {
	case e.StorageFull():
		why = "the server keeps no more messages for them until they sign on"
	case e.Code == oscar.ErrCodeNotLoggedOn:
		why = "they are not signed on"
	case e.Code == oscar.ErrCodeRequestDenied && oscar.SNACType(e.Type) == oscar.TypeWarnRequest:
		// Servers refuse a warning past the highest level, and of users
		// (and bots) they exempt, without saying which.
		why = "they cannot be warned now (you can warn only someone who has just messaged you, and not past the highest level)"
	case !oscar.ErrorCodeKnown(e.Code):
		return "the server refused " + what
	}
	return "the server refused " + what + ": " + why
}

// Detail is the refusal as the wire has it: "04,06 refused: recipient is
// not signed on (code 0x0004)".
func (e *RequestError) Detail() string {
	if e.Subcode != 0 {
		return fmt.Sprintf("%s refused: %s (code 0x%04x, subcode 0x%04x)", e.Type, oscar.ErrorCodeText(e.Code), e.Code, e.Subcode)
	}
	return fmt.Sprintf("%s refused: %s (code 0x%04x)", e.Type, oscar.ErrorCodeText(e.Code), e.Code)
}

// requestNames names the requests a person makes, for RequestError.
var requestNames = map[oscar.SNACType]string{
	oscar.TypeICBMSend:      "the message",
	oscar.TypeWarnRequest:   "the warning",
	oscar.TypeUserInfoQuery: "the info request",
	oscar.TypeSetInfo:       "the profile or away message",
	oscar.TypeCreateRoom:    "the chat room",
	oscar.TypeChatSend:      "the chat message",
}

// BadReplyError is the server's answer to a request that aim cannot
// read: Error says so in words; Detail gives the decoder's error (the
// SNAC and the field), for --debug.
type BadReplyError struct {
	Request SNACType
	Err     error
}

func (e *BadReplyError) Error() string {
	return "the server's answer to " + requestName(e.Request) + " could not be read"
}
func (e *BadReplyError) Detail() string {
	return "the reply to " + e.Request.String() + ": " + e.Err.Error()
}
func (e *BadReplyError) Unwrap() error { return e.Err }

// requestName is t in a person's words: "the message", or "the request".
func requestName(t SNACType) string {
	if n, ok := requestNames[oscar.SNACType(t)]; ok {
		return n
	}
	return "the request"
}

// RecipientOffline reports whether the error says the recipient is not
// signed on (StorageFull says more).
func (e *RequestError) RecipientOffline() bool { return e.Code == oscar.ErrCodeNotLoggedOn }

// RecipientBlocked reports whether the error says that you have blocked
// the recipient (your privacy settings keep them from you). A recipient
// who blocks you is refused as offline instead.
func (e *RequestError) RecipientBlocked() bool { return e.Code == oscar.ErrCodeRecipientBlocked }

// StorageFull reports whether the error refuses an IM to be stored for an
// offline recipient because the server keeps no more from this sender for
// them (code 0x0004 with subcode 0x000F).
func (e *RequestError) StorageFull() bool {
	return e.Code == oscar.ErrCodeNotLoggedOn && e.Subcode == oscar.ICBMSubcodeOfflineFull
}

// SNACType names a request or message of the protocol by family and
// subtype, for errors and notices: "04,06".
type SNACType uint32

// Family returns the family.
func (t SNACType) Family() uint16 { return uint16(t >> 16) }

// Subtype returns the subtype.
func (t SNACType) Subtype() uint16 { return uint16(t) }

// String gives "ff,ss", as the spec and the traces write it.
func (t SNACType) String() string { return fmt.Sprintf("%02x,%02x", t.Family(), t.Subtype()) }
