package config

import "github.com/aim-oscar/aim/internal/secret"

// Secret is a password. It prints as <redacted> with fmt (every verb,
// including %#v), encoding/json, and text encoders such as YAML; Reveal
// returns it for the one place that sends it.
type Secret = secret.String
