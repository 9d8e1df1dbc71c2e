package oscar

import (
	"errors"
	"strings"
)

// MaxScreenNameLen is the longest screen name accepted on the wire here:
// AIM names are 16 characters at most, email-style names a little longer.
const MaxScreenNameLen = 97

// ParseScreenName checks that s can be sent as a screen name: not empty
// once trimmed, at most MaxScreenNameLen bytes, no control characters.
// Stricter rules for what a person may type live with the config.
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
