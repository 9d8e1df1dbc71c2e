package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/screenname"
)

// IMBody is what an IM typed as text carries on the wire. AIM messages are
// HTML: unless html, "<", ">" and "&" are escaped and line breaks become
// <br>, so that the receiver sees exactly what was typed; with html the
// text goes out as it is, markup and all.
func IMBody(text string, html bool) string {
	if html {
		return text
	}
	return htmltext.FromPlain(text)
}

// CheckIM checks, without a server, an IM to to whose body (IMBody) is
// body: the screen name's syntax (a *screenname.Error) and the
// length real servers take (a *limits.TooLongError). Signons are rationed by
// real servers: check before spending one.
func CheckIM(to, body string) error {
	if err := screenname.Validate(to); err != nil {
		return err
	}
	return bos.CheckIM(body)
}

// ErrInterrupted is the result of a message still queued when the session
// was ended (Ctrl-C): it was not sent.
var ErrInterrupted = errors.New("not sent: interrupted")

// ErrLogoutUnsent is the result of a message the server's rate limit
// still held back when a logout's wait for the commands under way ran
// out (LogoutWait): the session signed off without it. Like any failure
// of a message, it is FailureOther.
var ErrLogoutUnsent = errors.New("not sent: the session signed off before the server's rate limit let it go (a logout waits 2 minutes for queued messages)")

// SigningOffText says what a front end that signs off waits for: n
// messages under way (Client.Sending), and that Ctrl-C drops them.
func SigningOffText(n int) string {
	switch n {
	case 0:
		return "signing off"
	case 1:
		return "signing off after 1 queued message is sent (Ctrl-C to drop it)"
	}
	return fmt.Sprintf("signing off after %d queued messages are sent (Ctrl-C to drop them)", n)
}

// UnsentError is a session signed off with N messages still queued,
// dropped: each one's result said it was not sent. Cause, if set, is what
// ended the wait for them (the caller's context: a signal, Ctrl-C), for
// the exit status; the words are the same.
type UnsentError struct {
	N     int
	Cause error
}

func (e *UnsentError) Unwrap() error { return e.Cause }

func (e *UnsentError) Error() string {
	if e.N == 1 {
		return "signed off; 1 queued message was not sent"
	}
	return fmt.Sprintf("signed off; %d queued messages were not sent", e.N)
}

// ErrUnconfirmed is the result of a message that went out but whose
// acknowledgement was not waited for, the session being ended first.
var ErrUnconfirmed = errors.New("sent, but interrupted before the server confirmed it")

// ErrLostUnconfirmed is the result of a message that went out but whose
// acknowledgement the connection's loss cut off: it may have arrived, so
// it is not reported as not sent (and not as a network failure, which
// says nothing was done).
var ErrLostUnconfirmed = errors.New("sent, but the server did not confirm it before the connection was lost")

// NotSignedOnError is an IM refused because its recipient is not signed
// on. It wraps the server's refusal (a *bos.RequestError).
type NotSignedOnError struct {
	Name string
	Err  error
}

func (e *NotSignedOnError) Error() string { return e.Name + " is not signed on" }
func (e *NotSignedOnError) Unwrap() error { return e.Err }

// YouBlockedError is an IM refused because you have blocked its
// recipient: by the server (04,01 code 0x0010, only while they are signed
// on; a recipient who blocks you looks offline instead), wrapping its
// refusal, or before it was sent, Err nil, because your privacy settings
// keep them out (the server would store it for them while they are
// offline). Either way it is a refused message (FailureRefused).
type YouBlockedError struct {
	Name string
	// Mode is the privacy mode that keeps them out, when it is not the
	// blocked list (allow-buddies, allow-permit, block-all); "" for that
	// list, and for the server's refusal.
	Mode string
	Err  error
}

func (e *YouBlockedError) Error() string {
	name := QuoteName(e.Name)
	switch e.Mode {
	case config.PrivacyAllowBuddies:
		return "your privacy setting allow-buddies lets only buddies write to you and get your messages (aim " + CmdBuddies.Name + " add " + name + ")"
	case config.PrivacyAllowPermit:
		return "your privacy setting allow-permit lets only your allowed list write to you and get your messages (aim " + CmdAllow.Name + " " + name + ")"
	case config.PrivacyBlockAll:
		return "your privacy setting block-all keeps everyone out (aim privacy allow-all)"
	}
	return "you have blocked " + e.Name + " (aim " + CmdUnblock.Name + " " + name + ")"
}
func (e *YouBlockedError) Unwrap() error { return e.Err }

// QuoteName is name as a command line takes it: quoted when it holds
// spaces.
func QuoteName(name string) string {
	if strings.ContainsAny(name, " \t") {
		return `"` + name + `"`
	}
	return name
}

// StorageFullError is an IM to someone offline that the server would not
// store: it keeps no more from you for them until they sign on. It wraps
// the server's refusal.
type StorageFullError struct {
	Name string
	Err  error
}

func (e *StorageFullError) Error() string { return "the server's storage for " + e.Name + " is full" }
func (e *StorageFullError) Unwrap() error { return e.Err }

// sentSummary shows an IM to to that the server accepted, given its
// delivery (bos.Delivery's words, as in Result.Delivery) and its text as
// plain text: "-> to: text", as a message from them shows "to: text".
// Without the text (a result from an older session) it says where it
// went.
func sentSummary(to, delivery, text string, auto bool) string {
	prefix := "-> " + to
	if auto { // an away message, sent flagged as an automatic reply
		prefix += " (auto-reply)"
	}
	if delivery == bos.Stored.String() {
		prefix += " (offline; the server keeps it for their next signon)"
	}
	if text == "" {
		return prefix
	}
	prefix += ": "
	return prefix + indentContinuation(text, len(prefix)+stampWidth)
}

// sendError is err, an IM to to that failed, in a person's words.
func sendError(to string, err error) error {
	var refused *bos.RequestError
	switch {
	case errors.Is(err, bos.ErrUnanswered) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		return ErrLostUnconfirmed // written, then the connection ended, not the wait
	case errors.As(err, &refused) && refused.StorageFull():
		return &StorageFullError{Name: to, Err: err}
	case errors.As(err, &refused) && refused.RecipientOffline():
		return &NotSignedOnError{Name: to, Err: err}
	case errors.As(err, &refused) && refused.RecipientBlocked():
		return &YouBlockedError{Name: to, Err: err}
	}
	return err
}

// ScriptError ends a session whose script (the commands of standard
// input) had commands that failed; each one's result said why.
type ScriptError struct {
	Failed int
}

func (e *ScriptError) Error() string {
	if e.Failed == 1 {
		return "1 command from standard input failed"
	}
	return fmt.Sprintf("%d commands from standard input failed", e.Failed)
}
