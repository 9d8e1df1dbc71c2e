package config

import (
	"fmt"
	"strings"

	"github.com/aim-oscar/aim/internal/oscar"
)

// Screen-name limits for names typed by the user.
const (
	MinScreenNameLen = 3  // AIM names: letters and digits, spaces not counted
	MaxScreenNameLen = 16 // AIM names: letters and digits, spaces not counted
	MinUINLen        = 5  // ICQ numbers, in digits
	MaxUINLen        = 10 // ICQ numbers, in digits
)

// ValidateScreenName checks a screen name typed by the user. Surrounding
// spaces are ignored (callers store strings.TrimSpace(s)). An AIM name has 3
// to 16 ASCII letters and digits, may contain spaces, and starts with a
// letter; an ICQ number has 5 to 10 digits. The error says what is wrong:
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
	case n < MinScreenNameLen:
		return &ScreenNameError{Name: s, Reason: fmt.Sprintf("is shorter than %d characters", MinScreenNameLen)}
	case n > MaxScreenNameLen:
		return &ScreenNameError{Name: s, Reason: fmt.Sprintf("is longer than %d characters", MaxScreenNameLen)}
	}
	return nil
}

// NormalizeScreenName returns the key AIM compares screen names by: lower
// case, spaces removed. "Lab Carol" and "labcarol" are the same buddy.
func NormalizeScreenName(s string) string { return oscar.NormalizeScreenName(s) }

func isLetter(r rune) bool { return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') }
