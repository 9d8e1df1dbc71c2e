package bos

import "github.com/aim-oscar/aim/internal/oscar"

// Screen names, in bos's words: the rules live once, in oscar, and a caller
// of bos (the runtime, cmd/aim) uses them without the codec.

// ScreenNameError is a screen name a person typed that AIM would refuse.
type ScreenNameError = oscar.ScreenNameError

// ValidateScreenName checks a screen name a person typed, by the rules AIM
// registers names with; the error is a *ScreenNameError saying what is
// wrong. See oscar.ValidateScreenName.
func ValidateScreenName(s string) error { return oscar.ValidateScreenName(s) }

// NormalizeScreenName returns the form AIM compares screen names by: lower
// case, spaces removed ("Lab Carol" and "labcarol" are one buddy).
func NormalizeScreenName(s string) string { return oscar.NormalizeScreenName(s) }
