package oscar

import (
	"errors"
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

func needReason(need, have int) string {
	return "need " + strconv.Itoa(need) + " bytes, have " + strconv.Itoa(have)
}
