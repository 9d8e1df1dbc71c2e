package oscar

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
)

// DecodeError reports input that does not parse: which message, which field
// and what was wrong with it.
type DecodeError struct {
	Msg    string // "SNAC 04,07", "FLAP", "TLV list"
	Field  string // "user info: screen name"
	Reason string // "need 12 bytes, have 3"
}

func (e *DecodeError) Error() string {
	return "oscar: " + e.Msg + ": " + e.Field + ": " + e.Reason
}

// ErrFrameTooLarge is returned by FrameWriter when a payload does not fit in
// the 16-bit FLAP length field. Nothing is written.
var ErrFrameTooLarge = errors.New("oscar: FLAP payload longer than 65535 bytes")

// DetailOf is err as --debug shows it: its Detail where it has one (the
// SNACs and codes behind the words), else its Error. Every layer's typed
// errors (login's, flapconn's, bos's) give their Detail this way.
func DetailOf(err error) string {
	var d interface{ Detail() string }
	if errors.As(err, &d) {
		return d.Detail()
	}
	return err.Error()
}

// ReadFailure says in a person's words why reading frames from peer
// ("the server", "the login server") failed, for the failures every
// connection shares: a frame aim cannot read, the peer closing, no answer
// in time. ok is false for any other error, which the caller words.
func ReadFailure(err error, peer string) (words string, ok bool) {
	var (
		decode *DecodeError
		netErr net.Error
	)
	switch {
	case errors.As(err, &decode):
		return peer + " sent something aim cannot read", true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return peer + " closed the connection", true
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return peer + " did not answer in time", true
	}
	return "", false
}

func needReason(need, have int) string {
	return "need " + strconv.Itoa(need) + " bytes, have " + strconv.Itoa(have)
}
