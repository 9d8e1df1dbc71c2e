package bos

import (
	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
)

// The errors of a session are those of its connection (internal/flapconn),
// which chat's connections share; they are named here too so a caller of
// bos needs no other package.

// StepError names the signon step that failed or timed out:
// "waiting for host ready (01,03): i/o timeout".
type StepError = flapconn.StepError

// Reason says how a session ended (see flapconn.Reason).
type Reason = flapconn.Reason

// Reasons a session ends.
const (
	ReasonLogout            = flapconn.ReasonLogout
	ReasonSignedOnElsewhere = flapconn.ReasonSignedOnElsewhere
	ReasonShutdown          = flapconn.ReasonShutdown
	ReasonUnexplained       = flapconn.ReasonUnexplained
	ReasonClosedByServer    = flapconn.ReasonClosedByServer
	ReasonConnectionLost    = flapconn.ReasonConnectionLost
	ReasonError             = flapconn.ReasonError
)

// ReasonOf classifies the error a session ended with (Session.Err,
// Disconnected.Err, or Connect's error).
func ReasonOf(err error) Reason { return flapconn.ReasonOf(err) }

// ClosedError is the server ending the session with a channel-4 frame.
type ClosedError = flapconn.ClosedError

// RequestError is the server refusing a request with an error SNAC.
type RequestError = flapconn.RequestError

// BadReplyError is the server's answer to a request that aim cannot read.
type BadReplyError = flapconn.BadReplyError

// SNACType names a request or message by family and subtype: "04,06".
type SNACType = flapconn.SNACType

func snacType(t oscar.SNACType) SNACType { return SNACType(t) }

// DetailOf is err as --debug shows it: the SNACs and codes behind the
// words of its Error (oscar.DetailOf).
func DetailOf(err error) string { return oscar.DetailOf(err) }

// Errors of a session.
var (
	ErrConnectionLost = flapconn.ErrConnectionLost // the connection ended without a word from the server
	ErrClosed         = flapconn.ErrClosed         // an action on a session that has ended
	ErrUnanswered     = flapconn.ErrUnanswered     // sent, but its answer was not waited for
	ErrQueueFull      = flapconn.ErrQueueFull      // more SNACs wait for the rate limiter than QueueSize allows
)
