// Package screenname holds the rules for AIM screen names: which a person
// may type, which can be sent, and when two name the same user. It is a
// leaf: the codec, the config file, the control socket, the session and
// the runtime all use it, and it imports nothing of aim's.
package screenname

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxLen is the longest screen name accepted on the wire here:
// AIM names are 16 characters at most, email-style names a little longer.
const MaxLen = 97

// Parse checks that s can be sent as a screen name: not empty
// once trimmed, at most MaxLen bytes, no control characters.
// What a person may type is stricter: see Validate.
func Parse(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("screen name is empty")
	case len(s) > MaxLen:
		return "", errors.New("screen name is longer than 97 bytes")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", errors.New("screen name has a control character")
		}
	}
	return s, nil
}

// Limits of the names a person types, as AIM registers them.
const (
	MinTypedLen = 3  // AIM names: letters and digits, spaces not counted
	MaxTypedLen = 16 // AIM names: letters and digits, spaces not counted
	MinUINLen   = 5  // ICQ numbers, in digits
	MaxUINLen   = 10 // ICQ numbers, in digits
)

// Error is a screen name a person typed that AIM would refuse.
type Error struct {
	Name   string // as given, untrimmed
	Reason string // "is empty", "has an invalid character '!'", ...
}

func (e *Error) Error() string {
	if strings.TrimSpace(e.Name) == "" {
		return "screen name " + e.Reason
	}
	return "screen name " + strconv.Quote(e.Name) + " " + e.Reason
}

// Validate checks a screen name a person typed (on the command
// line, in the config file), by the rules AIM registers names with:
// stricter than Parse. Surrounding spaces are ignored (callers
// store strings.TrimSpace(s)). An AIM name has 3 to 16 ASCII letters and
// digits, may contain spaces, and starts with a letter; an ICQ number has 5
// to 10 digits. The *Error says what is wrong:
//
//	screen name is empty
//	screen name "x!" has an invalid character '!'
//	screen name "averyveryverylongname" is longer than 16 characters
func Validate(s string) error {
	t := strings.TrimSpace(s)
	if t == "" {
		return &Error{Name: s, Reason: "is empty"}
	}
	letters, digits := 0, 0
	for _, r := range t {
		switch {
		case isLetter(r):
			letters++
		case r >= '0' && r <= '9':
			digits++
		case r == ' ':
		default:
			return &Error{Name: s, Reason: fmt.Sprintf("has an invalid character %q", r)}
		}
	}
	if digits == len(t) { // an ICQ number
		if digits < MinUINLen || digits > MaxUINLen {
			return &Error{Name: s,
				Reason: fmt.Sprintf("is not a valid ICQ number (want %d to %d digits)", MinUINLen, MaxUINLen)}
		}
		return nil
	}
	if !isLetter(rune(t[0])) {
		return &Error{Name: s,
			Reason: fmt.Sprintf("must start with a letter (or be an ICQ number of %d to %d digits)", MinUINLen, MaxUINLen)}
	}
	switch n := letters + digits; {
	case n < MinTypedLen:
		return &Error{Name: s, Reason: fmt.Sprintf("is shorter than %d characters", MinTypedLen)}
	case n > MaxTypedLen:
		return &Error{Name: s, Reason: fmt.Sprintf("is longer than %d characters", MaxTypedLen)}
	}
	return nil
}

func isLetter(r rune) bool { return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') }

// Normalize returns the comparison form: lower case, no spaces.
// "Lab Bob" and "labbob" are the same user.
func Normalize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || ('A' <= c && c <= 'Z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Same reports whether a and b name the same user.
func Same(a, b string) bool {
	if len(a) == len(b) && a == b {
		return true
	}
	i, j := 0, 0
	for {
		for i < len(a) && a[i] == ' ' {
			i++
		}
		for j < len(b) && b[j] == ' ' {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if lower(a[i]) != lower(b[j]) {
			return false
		}
		i++
		j++
	}
}

// SameAs returns a func that reports whether a name names the same user
// as name (Same), for slices.ContainsFunc, slices.DeleteFunc and the like.
func SameAs(name string) func(string) bool {
	return func(n string) bool { return Same(n, name) }
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
