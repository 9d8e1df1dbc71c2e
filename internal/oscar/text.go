package oscar

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Charsets of an IM text fragment.
const (
	CharsetASCII   = 0x0000
	CharsetUCS2BE  = 0x0002 // UTF-16BE in practice: surrogate pairs carry emoji
	CharsetLatin1  = 0x0003
	maxTextPayload = 0xFFFF - 4
)

// Text is an IM's text in its wire charset. Data aliases the bytes decoded.
type Text struct {
	Charset uint16
	Subset  uint16
	Data    []byte
}

// ErrTextTooLong is returned by NewText for text no fragment can carry.
var ErrTextTooLong = errors.New("oscar: message text does not fit in one fragment")

// NewText encodes s in the narrowest charset that carries it whole: ASCII,
// then ISO-8859-1, then UCS-2BE (with surrogate pairs beyond the BMP).
// Invalid UTF-8 becomes U+FFFD.
func NewText(s string) (Text, error) {
	ascii, latin1 := true, true
	for _, r := range s {
		if r >= 0x80 {
			ascii = false
		}
		if r > 0xFF || r == utf8.RuneError {
			latin1 = false
		}
	}
	var t Text
	switch {
	case ascii:
		t = Text{Charset: CharsetASCII, Data: []byte(s)}
	case latin1:
		t.Charset = CharsetLatin1
		t.Data = make([]byte, 0, len(s))
		for _, r := range s {
			t.Data = append(t.Data, byte(r))
		}
	default:
		t.Charset = CharsetUCS2BE
		t.Data = make([]byte, 0, 2*len(s))
		for _, r := range s {
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				t.Data = binary.BigEndian.AppendUint16(t.Data, uint16(r1))
				t.Data = binary.BigEndian.AppendUint16(t.Data, uint16(r2))
			} else {
				t.Data = binary.BigEndian.AppendUint16(t.Data, uint16(r))
			}
		}
	}
	if len(t.Data) > maxTextPayload {
		return Text{}, ErrTextTooLong
	}
	return t, nil
}

// String returns the text as UTF-8. ASCII-labelled bytes that are not
// ASCII are read as UTF-8 when they are valid UTF-8 (some clients send
// that), else as ISO-8859-1.
func (t Text) String() string {
	switch t.Charset {
	case CharsetUCS2BE:
		u := make([]uint16, len(t.Data)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(t.Data[2*i:])
		}
		return string(utf16.Decode(u))
	case CharsetLatin1:
		return latin1ToString(t.Data)
	default:
		if utf8.Valid(t.Data) {
			return string(t.Data)
		}
		return latin1ToString(t.Data)
	}
}

func latin1ToString(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// Charset names of chat messages and invitations (MIME names).
const (
	CharsetNameASCII   = "us-ascii"
	CharsetNameLatin1  = "iso-8859-1"
	CharsetNameUnicode = "unicode-2-0" // UCS-2BE, UTF-16BE in practice
	CharsetNameUTF8    = "utf-8"
)

// NamedText is text labelled by a charset name, as chat messages (0E,05,
// 0E,06) and chat invitations carry it. Servers relay both byte for byte.
// Data aliases the bytes decoded.
type NamedText struct {
	Charset string // "" when the message names none
	Data    []byte
}

// NewNamedText encodes s in the narrowest charset that carries it whole:
// "us-ascii", then "iso-8859-1", then "unicode-2-0" (as NewText does).
func NewNamedText(s string) (NamedText, error) {
	t, err := NewText(s)
	if err != nil {
		return NamedText{}, err
	}
	name := CharsetNameASCII
	switch t.Charset {
	case CharsetLatin1:
		name = CharsetNameLatin1
	case CharsetUCS2BE:
		name = CharsetNameUnicode
	}
	return NamedText{Charset: name, Data: t.Data}, nil
}

// String returns the text as UTF-8, read by its charset name (compared
// without regard to case): "unicode-2-0" (and "utf-16be") as UTF-16BE,
// "iso-8859-1" as Latin-1, "utf-8" as UTF-8 (invalid bytes become U+FFFD).
// Any other name, or none, is read as an IM's ASCII text is: UTF-8 when
// the bytes are valid UTF-8, else Latin-1.
func (t NamedText) String() string {
	switch strings.ToLower(t.Charset) {
	case CharsetNameUnicode, "utf-16be", "unicode-1-1":
		return Text{Charset: CharsetUCS2BE, Data: t.Data}.String()
	case CharsetNameLatin1:
		return latin1ToString(t.Data)
	case CharsetNameUTF8:
		return strings.ToValidUTF8(string(t.Data), "\uFFFD")
	}
	return Text{Charset: CharsetASCII, Data: t.Data}.String()
}
