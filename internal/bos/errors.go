package bos

import (
	"errors"
	"fmt"

	"github.com/aim-oscar/aim/internal/oscar"
)

// StepError names the signon step that failed or timed out:
// "waiting for host ready (01,03): i/o timeout".
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return "signon: " + e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// ClosedError is the server ending the session. Reason is TLV 0x0009 of its
// channel-4 frame (0 when it sent none).
type ClosedError struct {
	Reason uint16
	URL    string
}

func (e *ClosedError) Error() string {
	switch {
	case e.Reason == oscar.DisconnectSignedOnElsewhere:
		return "signed off: this screen name signed on somewhere else"
	case e.Reason != 0:
		return fmt.Sprintf("signed off by the server (reason 0x%04x)", e.Reason)
	}
	// Real servers kick a session whose login did not ask for reasons
	// (every FLAP login) with a bare channel-4 header.
	return "signed off by the server without a reason (usually: this screen name signed on somewhere else)"
}

// SignedOnElsewhere reports whether the server closed the session because
// the screen name signed on somewhere else.
func (e *ClosedError) SignedOnElsewhere() bool { return e.Reason == oscar.DisconnectSignedOnElsewhere }

// ErrConnectionLost is the connection ending without a word from the server.
var ErrConnectionLost = errors.New("connection to the server lost")

// ErrClosed is returned by actions on a session that has ended.
var ErrClosed = errors.New("session is closed")

// RequestError is the server refusing a request with an error SNAC, such as
// 04,01 code 0x0004 for an IM to someone who is offline.
type RequestError struct {
	Type oscar.SNACType // the request refused
	Code uint16
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("%s refused: %s (code 0x%04x)", e.Type.Short(), oscar.ErrorCodeText(e.Code), e.Code)
}

// RecipientOffline reports whether the error says the recipient is not
// signed on.
func (e *RequestError) RecipientOffline() bool { return e.Code == oscar.ErrCodeNotLoggedOn }

// TooLongError is a message or profile longer than the server takes.
type TooLongError struct {
	What       string // "message", "profile"
	Len, Limit int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("%s is too long: %d bytes, the server takes at most %d", e.What, e.Len, e.Limit)
}
