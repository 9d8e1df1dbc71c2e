package oscar

import (
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
)

func TestReadFailure(t *testing.T) {
	for _, c := range []struct {
		err   error
		words string
		ok    bool
	}{
		{&DecodeError{Msg: "FLAP", Field: "start marker", Reason: "0x00"}, "the login server sent something aim cannot read", true},
		{fmt.Errorf("reading: %w", io.EOF), "the login server closed the connection", true},
		{io.ErrUnexpectedEOF, "the login server closed the connection", true},
		{fmt.Errorf("read tcp: %w", os.ErrDeadlineExceeded), "the login server did not answer in time", true},
		{errors.New("connection reset by peer"), "", false},
	} {
		words, ok := ReadFailure(c.err, "the login server")
		if words != c.words || ok != c.ok {
			t.Errorf("ReadFailure(%v) = %q, %v; want %q, %v", c.err, words, ok, c.words, c.ok)
		}
	}
}

// TestErrorCodeKnown: a code is known exactly when ErrorCodeText has
// words for it, not only the code.
func TestErrorCodeKnown(t *testing.T) {
	for code := range uint16(0x40) {
		text := ErrorCodeText(code)
		if known := ErrorCodeKnown(code); known == (text == fmt.Sprintf("error 0x%04x", code)) {
			t.Errorf("ErrorCodeKnown(0x%04x) = %v, and its text is %q", code, known, text)
		}
	}
	if !ErrorCodeKnown(ErrCodeNotLoggedOn) || ErrorCodeKnown(0x77) {
		t.Error("ErrorCodeKnown misses the code of an IM to someone offline, or knows 0x77")
	}
}
