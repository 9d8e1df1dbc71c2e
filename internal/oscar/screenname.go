package oscar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxScreenNameLen is the longest screen name accepted on the wire here:
// AIM names are 16 characters at most, email-style names a little longer.
const MaxScreenNameLen = 97

// ParseScreenName checks that s can be sent as a screen name: not empty
// once trimmed, at most MaxScreenNameLen bytes, no control characters.
// What a person may type is stricter: see ValidateScreenName.
func ParseScreenName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("screen name is empty")
	case len(s) > MaxScreenNameLen:
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
	MinTypedScreenNameLen = 3  // AIM names: letters and digits, spaces not counted
	MaxTypedScreenNameLen = 16 // AIM names: letters and digits, spaces not counted
	MinUINLen             = 5  // ICQ numbers, in digits
	MaxUINLen             = 10 // ICQ numbers, in digits
)

// ScreenNameError is a screen name a person typed that AIM would refuse.
type ScreenNameError struct {
	Name   string // as given, untrimmed
	Reason string // "is empty", "has an invalid character '!'", ...
}

func (e *ScreenNameError) Error() string {
	if strings.TrimSpace(e.Name) == "" {
		return "screen name " + e.Reason
	}
	return "screen name " + strconv.Quote(e.Name) + " " + e.Reason
}

// ValidateScreenName checks a screen name a person typed (on the command
// line, in the config file), by the rules AIM registers names with:
// stricter than ParseScreenName. Surrounding spaces are ignored (callers
// store strings.TrimSpace(s)). An AIM name has 3 to 16 ASCII letters and
// digits, may contain spaces, and starts with a letter; an ICQ number has 5
// to 10 digits. The *ScreenNameError says what is wrong:
//
//	screen name is empty
//	screen name "x!" has an invalid character '!'
//	screen name "averyveryverylongname" is longer than 16 characters
func ValidateScreenName(s string) error {
	t := strings.TrimSpace(s)
	if t == "" {
		return &ScreenNameError{Name: s, Reason: "is empty"}
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
			return &ScreenNameError{Name: s, Reason: fmt.Sprintf("has an invalid character %q", r)}
		}
	}
	if digits == len(t) { // an ICQ number
		if digits < MinUINLen || digits > MaxUINLen {
			return &ScreenNameError{Name: s,
				Reason: fmt.Sprintf("is not a valid ICQ number (want %d to %d digits)", MinUINLen, MaxUINLen)}
		}
		return nil
	}
	if !isLetter(rune(t[0])) {
		return &ScreenNameError{Name: s,
			Reason: fmt.Sprintf("must start with a letter (or be an ICQ number of %d to %d digits)", MinUINLen, MaxUINLen)}
	}
	switch n := letters + digits; {
	case n < MinTypedScreenNameLen:
		return &ScreenNameError{Name: s, Reason: fmt.Sprintf("is shorter than %d characters", MinTypedScreenNameLen)}
	case n > MaxTypedScreenNameLen:
		return &ScreenNameError{Name: s, Reason: fmt.Sprintf("is longer than %d characters", MaxTypedScreenNameLen)}
	}
	return nil
}

func isLetter(r rune) bool { return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') }

// NormalizeScreenName returns the comparison form: lower case, no spaces.
// "Lab Bob" and "labbob" are the same user.
func NormalizeScreenName(s string) string {
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

// SameScreenName reports whether a and b name the same user.
func SameScreenName(a, b string) bool {
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

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
