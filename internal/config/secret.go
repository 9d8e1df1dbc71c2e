package config

import (
	"fmt"
	"io"
)

// redacted is what a Secret prints as, in every format.
const redacted = "<redacted>"

// Secret is a password. It prints as <redacted> with fmt (every verb,
// including %#v), encoding/json, and text encoders such as YAML; Reveal
// returns the bytes for the one place that sends them.
type Secret string

// Reveal returns the password itself.
func (s Secret) Reveal() string { return string(s) }

// String returns "<redacted>".
func (Secret) String() string { return redacted }

// GoString returns "<redacted>", for %#v.
func (Secret) GoString() string { return redacted }

// Format prints "<redacted>" for every verb, so %x or %q cannot leak it either.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON returns "<redacted>" as a JSON string.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText returns "<redacted>", for YAML and other text encoders.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
