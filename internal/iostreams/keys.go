package iostreams

import "unicode/utf8"

// key is a key the line editor acts on.
type key int

const (
	edNone key = iota // a key the editor ignores
	edText            // printable text, typed or pasted
	edEnter
	edTab
	edBackspace
	edDelete
	edInterrupt // Ctrl-C
	edEOF       // Ctrl-D
	edLeft
	edRight
	edWordLeft
	edWordRight
	edHome
	edEnd
	edUp
	edDown
	edKillBack    // Ctrl-U
	edKillForward // Ctrl-K
	edKillWord    // Ctrl-W
	edRedraw      // Ctrl-L
)

// ctrlKeys are the control characters the editor acts on.
var ctrlKeys = [0x20]key{
	0x01: edHome, 0x02: edLeft, 0x03: edInterrupt, 0x04: edEOF, 0x05: edEnd, 0x06: edRight,
	0x08: edBackspace, 0x09: edTab, 0x0a: edEnter, 0x0b: edKillForward, 0x0c: edRedraw,
	0x0d: edEnter, 0x0e: edDown, 0x10: edUp, 0x15: edKillBack, 0x17: edKillWord,
}

// csiKeys are the keys sent as ESC [ … or ESC O …, by their final byte
// (and, for ESC [ n ~, the number).
var csiKeys = map[string]key{
	"A": edUp, "B": edDown, "C": edRight, "D": edLeft, "H": edHome, "F": edEnd,
	"1~": edHome, "7~": edHome, "4~": edEnd, "8~": edEnd, "3~": edDelete,
	"1;5C": edWordRight, "1;5D": edWordLeft, "1;3C": edWordRight, "1;3D": edWordLeft,
}

// parseKey reads the first key of b: what it is, its text for edText,
// and how many bytes it took; 0 when b holds only the start of one.
func parseKey(b []byte) (k key, text string, n int) {
	if len(b) == 0 {
		return edNone, "", 0
	}
	switch c := b[0]; {
	case c == 0x1b:
		return parseEscape(b)
	case c == 0x7f:
		return edBackspace, "", 1
	case c == '\r' && len(b) > 1 && b[1] == '\n': // pasted from a file with CRLF: one Enter
		return edEnter, "", 2
	case c < 0x20:
		return ctrlKeys[c], "", 1
	}
	// A run of printable text, cut before a control character or an
	// unfinished UTF-8 sequence; invalid bytes are dropped.
	i := 0
	var run []byte
	for i < len(b) && b[i] >= 0x20 && b[i] != 0x7f {
		if !utf8.FullRune(b[i:]) {
			break
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			run = append(run, b[i:i+size]...)
		}
		i += size
	}
	if i == 0 {
		return edNone, "", 0 // the start of a character: wait for the rest
	}
	if len(run) == 0 {
		return edNone, "", i
	}
	return edText, string(run), i
}

// parseEscape reads a key that starts with ESC: ESC [ params final,
// ESC O final, or Alt-b / Alt-f.
func parseEscape(b []byte) (key, string, int) {
	if len(b) < 2 {
		return edNone, "", 0
	}
	switch b[1] {
	case 'b':
		return edWordLeft, "", 2
	case 'f':
		return edWordRight, "", 2
	case 'O':
		if len(b) < 3 {
			return edNone, "", 0
		}
		return csiKeys[string(b[2])], "", 3
	case '[':
		for i := 2; i < len(b); i++ {
			if c := b[i]; c >= 0x40 && c <= 0x7e { // the final byte
				return csiKeys[string(b[2:i+1])], "", i + 1
			}
			if i > 32 { // no key is that long: drop it
				return edNone, "", i
			}
		}
		return edNone, "", 0
	}
	return edNone, "", 1 // a lone ESC
}
