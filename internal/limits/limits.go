// Package limits holds the lengths real servers take for the text a person
// writes (messages, profiles, away messages) and the error for text over
// them. It is a leaf: the session checks live text against the limits the
// server announces, and the config file checks stored text against the
// defaults, with the same error, without importing the session.
package limits

import "fmt"

// Defaults until the server says otherwise.
const (
	DefaultMaxMessage = 512  // 04,05's limit on the real server
	DefaultProfile    = 1024 // profile and away message, until 02,03 says otherwise
)

// TooLongError is a message or profile longer than the server takes.
type TooLongError struct {
	What       string // "message", "profile"
	Len, Limit int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("%s is too long: %d bytes, the server takes at most %d", e.What, e.Len, e.Limit)
}
