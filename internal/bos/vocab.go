package bos

import (
	"fmt"

	"github.com/aim-oscar/aim/internal/oscar"
)

// The words bos uses in its events and errors. They copy the wire's values
// so converting is free, but they are bos's own: a caller of bos never
// needs the codec to read an event.

// TypingState is what a typing notification (04,14) says.
type TypingState uint16

// Typing states, with the wire's values.
const (
	TypingStopped TypingState = oscar.TypingNone    // the text was cleared or sent
	TypingPaused  TypingState = oscar.TypingTyped   // text entered, not being typed now
	TypingStarted TypingState = oscar.TypingStarted // typing now
)

// String gives "stopped", "typed" or "typing" ("state N" for another value).
func (s TypingState) String() string {
	switch s {
	case TypingStopped:
		return "stopped"
	case TypingPaused:
		return "typed"
	case TypingStarted:
		return "typing"
	}
	return fmt.Sprintf("state %d", uint16(s))
}

// RateCode is what a rate change (01,0A) reports about a class.
type RateCode uint16

// Rate codes, with the wire's values.
const (
	RateChanged RateCode = oscar.RateChanged // the class's parameters changed
	RateWarning RateCode = oscar.RateWarning // the level fell below alert
	RateLimited RateCode = oscar.RateLimited // below limit: the server drops requests of the class
	RateClear   RateCode = oscar.RateClear   // back above clear
)

// String gives "changed", "warning", "limited" or "clear" ("code N" for
// another value).
func (c RateCode) String() string {
	switch c {
	case RateChanged:
		return "changed"
	case RateWarning:
		return "warning"
	case RateLimited:
		return "limited"
	case RateClear:
		return "clear"
	}
	return fmt.Sprintf("code %d", uint16(c))
}

// RateClass is one of the server's rate classes as it last described it.
// Levels are moving averages of the milliseconds between requests.
type RateClass struct {
	ID                   uint16
	Window               uint32 // how many requests the average spans
	Current              uint32 // the level now
	Alert, Limit, Clear  uint32 // below alert: a warning; below limit: dropped; above clear: fine again
	Disconnect, MaxLevel uint32
}

func rateClass(c oscar.RateClass) RateClass {
	return RateClass{ID: c.ID, Window: c.Window, Current: c.Current, Alert: c.Alert, Limit: c.Limit,
		Clear: c.Clear, Disconnect: c.Disconnect, MaxLevel: c.Max}
}
