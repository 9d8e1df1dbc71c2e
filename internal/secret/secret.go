// Package secret holds values that must never be printed: passwords and
// the authorizer's cookie. Both types print as <redacted> with fmt (every
// verb, %x and %#v included), encoding/json and text encoders; Reveal gives
// the value to the one place that sends it.
package secret

import (
	"fmt"
	"io"
)

// Redacted is what a secret prints as.
const Redacted = "<redacted>"

// String is a secret string, such as a password.
type String string

// Reveal returns the secret itself.
func (s String) Reveal() string { return string(s) }

// String returns "<redacted>".
func (String) String() string { return Redacted }

// GoString returns "<redacted>", for %#v.
func (String) GoString() string { return Redacted }

// Format prints "<redacted>" for every verb.
func (String) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Redacted) }

// MarshalJSON returns "<redacted>" as a JSON string.
func (String) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText returns "<redacted>", for YAML and other text encoders.
func (String) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// Bytes is a secret byte string, such as a login cookie.
type Bytes []byte

// Reveal returns the secret itself (not a copy).
func (b Bytes) Reveal() []byte { return b }

// String returns "<redacted>".
func (Bytes) String() string { return Redacted }

// GoString returns "<redacted>", for %#v.
func (Bytes) GoString() string { return Redacted }

// Format prints "<redacted>" for every verb, so %x cannot dump it.
func (Bytes) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Redacted) }

// MarshalJSON returns "<redacted>" as a JSON string.
func (Bytes) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText returns "<redacted>", for YAML and other text encoders.
func (Bytes) MarshalText() ([]byte, error) { return []byte(Redacted), nil }
