package oscar

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestNewText(t *testing.T) {
	tests := []struct {
		name, in string
		charset  uint16
		data     string // hex
		back     string // Text.String(), when not in
	}{
		{"ASCII", "hello bob", CharsetASCII, "68656c6c6f20626f62", ""},
		{"empty", "", CharsetASCII, "", ""},
		{"control characters are ASCII", "a\tb\n", CharsetASCII, "61 09 62 0a", ""},
		// im-and-presence.txt line 72: "café au lait" as ISO-8859-1.
		{"ISO-8859-1", "café au lait", CharsetLatin1, "636166e9206175206c616974", ""},
		{"ISO-8859-1 top", "ÿ", CharsetLatin1, "ff", ""},
		// im-and-presence.txt line 67: é and 世界 need UCS-2BE.
		{"UCS-2BE", "héllo alice 世界", CharsetUCS2BE, "006800e9006c006c006f00200061006c00690063006500204e16754c", ""},
		{"UCS-2BE CJK", "漢字", CharsetUCS2BE, "6f22 5b57", ""},
		{"just past ISO-8859-1", "Ā", CharsetUCS2BE, "0100", ""},
		{"emoji as a surrogate pair", "😀", CharsetUCS2BE, "d83d de00", ""},
		{"mixed", "é😀漢", CharsetUCS2BE, "00e9 d83d de00 6f22", ""},
		{"U+FFFD itself", "a\uFFFD", CharsetUCS2BE, "0061 fffd", ""},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", CharsetUCS2BE, "0061 fffd 0062", "a\uFFFDb"},
		{"a lone ISO-8859-1 byte is invalid UTF-8", "caf\xe9", CharsetUCS2BE, "0063 0061 0066 fffd", "caf\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewText(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			want := mustHex(t, tt.data)
			if got.Charset != tt.charset || got.Subset != 0 || !bytes.Equal(got.Data, want) {
				t.Errorf("NewText(%q) = charset %d, % x; want %d, % x", tt.in, got.Charset, got.Data, tt.charset, want)
			}
			back := tt.back
			if back == "" {
				back = tt.in
			}
			if s := got.String(); s != back {
				t.Errorf("String() = %q, want %q", s, back)
			}
		})
	}
}

func TestNewTextTooLong(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"ASCII at the limit", strings.Repeat("a", maxTextPayload), true},
		{"ASCII past the limit", strings.Repeat("a", maxTextPayload+1), false},
		{"ISO-8859-1 at the limit", strings.Repeat("é", maxTextPayload), true}, // 2 bytes of UTF-8, 1 on the wire
		{"UCS-2BE at the limit", strings.Repeat("漢", maxTextPayload/2), true},
		{"UCS-2BE past the limit", strings.Repeat("漢", maxTextPayload/2+1), false},
	} {
		_, err := NewText(tt.in)
		if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrTextTooLong) {
			t.Errorf("%s: NewText: %v", tt.name, err)
		}
	}
}

// TestTextString decodes text as it arrives, including what NewText never
// makes.
func TestTextString(t *testing.T) {
	tests := []struct {
		name    string
		charset uint16
		data    string // hex
		want    string
	}{
		{"ASCII", CharsetASCII, "6869", "hi"},
		{"ASCII-labelled UTF-8", CharsetASCII, "636166c3a9", "café"},
		{"ASCII-labelled ISO-8859-1", CharsetASCII, "636166e9", "café"},
		{"ISO-8859-1", CharsetLatin1, "636166e9", "café"},
		{"ISO-8859-1 is never UTF-8", CharsetLatin1, "c3a9", "Ã©"},
		{"UCS-2BE", CharsetUCS2BE, "4e16 754c", "世界"},
		{"surrogate pair", CharsetUCS2BE, "d83d de00", "😀"},
		{"lone high surrogate", CharsetUCS2BE, "d83d 0061", "\uFFFDa"},
		{"lone low surrogate", CharsetUCS2BE, "de00", "\uFFFD"},
		{"odd length drops the last byte", CharsetUCS2BE, "0061 00", "a"},
		{"NUL kept", CharsetUCS2BE, "0000", "\x00"},
		{"empty UCS-2BE", CharsetUCS2BE, "", ""},
		// BarnOwl's UCS-2BE IM, im-barnowl-peer.txt line 100.
		{"BarnOwl", CharsetUCS2BE, "0068006900200061006c006900630065002c002000630061006600e900204e16754c002000660072006f006d0020006200610072006e006f0077006c000a", "hi alice, café 世界 from barnowl\n"},
		{"unknown charset read as ASCII", 0x1234, "6869", "hi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txt := Text{Charset: tt.charset, Data: mustHex(t, tt.data)}
			if got := txt.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
