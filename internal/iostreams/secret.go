package iostreams

import (
	"context"
	"io"
	"unicode/utf8"
)

// Control keys readSecret acts on.
const (
	keyInterrupt = 0x03 // Ctrl-C
	keyEOF       = 0x04 // Ctrl-D
	keyBackspace = 0x08 // Ctrl-H
	keyKill      = 0x15 // Ctrl-U: erase the line
	keyEOFWin    = 0x1a // Ctrl-Z, end of input on Windows
	keyDelete    = 0x7f
)

// interrupted is Ctrl-C typed at the password prompt: in raw mode it sends
// no signal, so it is an error that matches context.Canceled, as a signal
// would have made it.
type interrupted struct{}

func (interrupted) Error() string        { return "interrupted" }
func (interrupted) Is(target error) bool { return target == context.Canceled }

// readSecret reads one line from a terminal in raw mode, a byte at a time,
// doing the little line editing a password needs (backspace, Ctrl-U). In
// raw mode the end-of-input key reaches us as a byte: on an empty line it
// is io.EOF (term.ReadPassword, in canonical mode, reads nothing for it
// and waits on, so the next line typed became the password).
func readSecret(r io.Reader) ([]byte, error) {
	var line []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 0 {
			if err == nil {
				err = io.EOF
			}
			return nil, err
		}
		switch b[0] {
		case '\r', '\n':
			return line, nil
		case keyEOF, keyEOFWin:
			if len(line) == 0 {
				return nil, io.EOF
			}
		case keyInterrupt:
			return nil, interrupted{}
		case keyBackspace, keyDelete:
			if len(line) > 0 {
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
			}
		case keyKill:
			line = line[:0]
		default:
			line = append(line, b[0])
		}
	}
}
