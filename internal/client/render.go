package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Defuse replaces the control characters in a line for people (C0
// but newline and tab, DEL, C1, and the bidirectional formatting
// characters) with caret notation or U+FFFD: messages, names and profiles
// come from other people, and an escape sequence in one would otherwise
// reach the terminal and act (retitle it, clear it, or worse), and a
// direction override would show text other than what is there (a
// message that reverses the rest of its line, or the event after it).
// JSON escapes them too.
func Defuse(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !isControl(r):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || isRawInJSON(r)
}

// isBidi reports whether r is a bidirectional formatting character: the
// marks (U+061C, U+200E, U+200F), embeddings and overrides (U+202A to
// U+202E) and isolates (U+2066 to U+2069). A terminal lays text out by
// them, so that "gnp.exe" can show as "exe.png".
func isBidi(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069)
}

// JSON renders v as one line of JSON, ending in a newline, without HTML
// escaping (profiles are HTML), and safe on a terminal (escapeRaw). It is
// the one JSON form of every Output.
func JSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(escapeRaw(b.String())), nil
}

// DecodeOutput reads a line that JSON wrote for an Output back into one of
// the same type, which its "type" names: for a front end that gets outputs
// over a socket and renders them with Text.
func DecodeOutput(line []byte) (Output, error) {
	var h Head
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("client: decoding an output: %w", err)
	}
	for _, o := range Outputs() { // fresh values
		if o.Kind() == h.Type {
			if err := json.Unmarshal(line, o); err != nil {
				return nil, fmt.Errorf("client: decoding a %s output: %w", h.Type, err)
			}
			return o, nil
		}
	}
	return nil, fmt.Errorf("client: unknown output type %q", h.Type)
}

// escapeRaw writes DEL, the C1 controls (U+0080 to U+009F) and the
// bidirectional formatting characters (isBidi) as \u escapes:
// encoding/json leaves them raw, and a terminal showing the JSON would act
// on them. They can only stand inside JSON strings, where the escape means
// the same character.
func escapeRaw(s string) string {
	if !strings.ContainsFunc(s, isRawInJSON) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isRawInJSON(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isRawInJSON reports whether r is a character a terminal acts on that
// encoding/json leaves raw: DEL, C1, and the bidirectional formatting
// characters.
func isRawInJSON(r rune) bool { return (0x7f <= r && r <= 0x9f) || isBidi(r) }
