package client

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aim-oscar/aim/internal/bos"
)

// stampWidth is the width of the time that starts each line, with its space.
const stampWidth = len("15:04:05 ")

// Text renders o as its line (or lines) for people, starting with the local
// time of day, and defused for a terminal (Defuse). It is the one text form
// of every Output.
func Text(o Output) string {
	return Defuse(o.head().Time.Local().Format("15:04:05") + " " + text(o))
}

// Shown reports whether the text form shows o at all: people see what
// they can act on. The server changing its rate limits (at signon, after
// each warning) or clearing a rate alert is for programs: JSON has every
// output.
//
// Typing notifications are not shown: in a log of lines, three of them
// (typing, paused, stopped) around each message bury the messages, and
// by the time one is read it is out of date. IRC and Zephyr clients
// (irssi's typing notice, BarnOwl) keep them out of the scrollback for
// that reason; aim tui shows them in the conversation's status, where
// the next one replaces the last. JSON has every one.
//
// A room joined or left says so itself (chat_joined with who is there,
// chat_left): the result of the join, accept or leave that did it would
// say it twice. A join that had nothing to do ("already in") is shown.
func Shown(o Output) bool {
	switch e := o.(type) {
	case *Rate:
		return e.Code != bos.RateChanged.String() && e.Code != bos.RateClear.String()
	case *Typing:
		return false
	case *Result:
		switch e.Command {
		case CmdJoin.Name, CmdAccept.Name, CmdLeave.Name:
			return !e.OK || e.Unchanged
		}
	}
	return true
}

// nextIn says when a rate class's next request goes out, if it waits.
func nextIn(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return ", the next one in " + max(time.Duration(ms)*time.Millisecond, time.Second).Round(time.Second).String()
}

func text(o Output) string {
	switch e := o.(type) {
	case *SignedOn:
		return "signed on as " + e.ScreenName
	case *IM:
		prefix := e.From + ": "
		// A message kept while you were offline starts with the time it
		// was sent: the day says when that was.
		day := e.Time.Local().Format("Mon 2 Jan")
		switch {
		case e.AutoResponse && e.Offline:
			prefix = e.From + " (auto-reply, while you were offline, " + day + "): "
		case e.AutoResponse:
			prefix = e.From + " (auto-reply): "
		case e.Offline:
			prefix = e.From + " (while you were offline, " + day + "): "
		}
		s := prefix + indentContinuation(e.Text, len(prefix)+stampWidth)
		if e.AutoReplied {
			s += "\n" + strings.Repeat(" ", stampWidth) + "(you are away: answered with your away message)"
		}
		return s
	case *BuddyOnline:
		return buddyText(e)
	case *BuddyOffline:
		return e.Name + " signed off"
	case *Typing:
		switch e.State {
		case bos.TypingStopped.String():
			return e.From + " stopped typing"
		case bos.TypingPaused.String():
			return e.From + " paused typing"
		}
		return e.From + " is typing"
	case *Warned:
		by := "anonymously"
		if e.By != "" {
			by = "by " + e.By
		}
		return fmt.Sprintf("you were warned %s: your warning level is now %d%%", by, e.WarningLevel)
	case *Rate:
		// The class is the server's word: --debug's trace has it.
		switch e.Code {
		case bos.RateWarning.String():
			return "sending too fast: the server asks to slow down; sending slower" + nextIn(e.WaitMS)
		case bos.RateLimited.String():
			return "sending too fast: the server is dropping what aim sends; sending slower" + nextIn(e.WaitMS)
		case bos.RateClear.String():
			return "sending at full speed again"
		case bos.RateChanged.String():
			return "the server changed how fast aim may send"
		}
		return "the server's limit on how fast aim may send: " + e.Code
	case *ServerError:
		// The request's SNAC is the server's word: JSON and --debug's
		// trace have it.
		what := "something aim sent"
		if strings.HasPrefix(e.SNAC, "04,") {
			what = "a message or invitation"
		}
		if !bos.ErrorCodeKnown(e.Code) { // JSON and --debug have the code
			return "the server refused " + what
		}
		return "the server refused " + what + ": " + e.Message
	case *ServerMessage:
		return "server: " + e.Text
	case *Disconnected:
		if e.Error == "" {
			return "signed off"
		}
		return "disconnected: " + e.Error
	case *Reconnecting:
		return fmt.Sprintf("reconnecting in %s (attempt %d)", (time.Duration(e.DelayMS) * time.Millisecond).Round(100*time.Millisecond), e.Attempt)
	case *ReconnectFailed:
		return "reconnect failed: " + e.Error
	case *ConfigApplied:
		return configText(e)
	case *ConfigError:
		if e.Stopped {
			return "not following config file changes: " + e.Error
		}
		return "config file changed but cannot be used: " + e.Error
	case *ChatJoined:
		return fmt.Sprintf("[%s] you joined; here: %s", e.Room, strings.Join(e.Members, ", "))
	case *ChatMessage:
		prefix := "[" + e.Room + "] " + e.From + ": "
		return prefix + indentContinuation(e.Text, len(prefix)+stampWidth)
	case *ChatMember:
		if e.Left {
			return fmt.Sprintf("[%s] %s left", e.Room, e.Name)
		}
		return fmt.Sprintf("[%s] %s joined", e.Room, e.Name)
	case *ChatLeft:
		return chatLeftText(e)
	case *ChatInvite:
		s := fmt.Sprintf("%s invites you to %s (type %s to join)", e.From, e.Room, CmdAccept.Name)
		if e.Text != "" {
			s += ": " + e.Text
		}
		return s
	case *BuddyListSynced:
		return syncedText(e)
	case *HistoryError:
		return e.Error
	case *HistoryConversation:
		return e.Line()
	case *BuddyListChanged:
		return "buddy list changed in another session: " + changesText(e.Changes)
	case *Result:
		switch {
		case e.Error != "":
			return "error: " + resultError(e)
		case e.Summary == "":
			return "ok: " + e.Line
		}
		return e.Summary
	}
	return fmt.Sprintf("%s event", o.Kind())
}

// resultError is a failed command's error for people. Most errors name
// what they are about ("LabCarol is not signed on"); one that does not
// (a command's answer that comes later, after other lines) is preceded by
// the command and what it was for, never by the whole line typed.
func resultError(e *Result) string {
	what := e.To
	for _, s := range []string{e.Name, e.Room} {
		if what == "" {
			what = s
		}
	}
	if what == "" || e.Command == "" || strings.Contains(strings.ToLower(e.Error), strings.ToLower(what)) {
		return e.Error
	}
	return e.Command + " " + what + ": " + e.Error
}

func buddyText(e *BuddyOnline) string {
	var states []string
	if e.Away {
		states = append(states, "away")
	}
	if e.IdleMinutes > 0 {
		states = append(states, "idle "+(time.Duration(e.IdleMinutes)*time.Minute).String())
	}
	if e.WarningLevel > 0 {
		states = append(states, fmt.Sprintf("warned %d%%", e.WarningLevel))
	}
	switch {
	case len(states) > 0 && e.Changed:
		return e.Name + " is " + strings.Join(states, ", ")
	case len(states) > 0:
		return e.Name + " is online (" + strings.Join(states, ", ") + ")"
	case e.Changed:
		return e.Name + " is back"
	}
	return e.Name + " is online"
}

func configText(e *ConfigApplied) string {
	var parts []string
	if len(e.Added) > 0 {
		parts = append(parts, "added "+strings.Join(e.Added, ", "))
	}
	if len(e.Removed) > 0 {
		parts = append(parts, "removed "+strings.Join(e.Removed, ", "))
	}
	if e.Profile {
		parts = append(parts, "profile updated")
	}
	if e.Away {
		parts = append(parts, "away message updated")
	}
	if len(e.NotifyOff) > 0 {
		parts = append(parts, "notifications off for "+strings.Join(e.NotifyOff, ", "))
	}
	if len(e.NotifyOn) > 0 {
		parts = append(parts, "notifications on for "+strings.Join(e.NotifyOn, ", "))
	}
	if e.Error != "" {
		parts = append(parts, "but the server did not take it: "+e.Error)
	}
	return "config file changed: " + strings.Join(parts, "; ")
}

// indentContinuation indents every line after the first by n spaces, so a
// multi-line message stays visibly one message.
func indentContinuation(s string, n int) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n))
}

func chatLeftText(e *ChatLeft) string {
	switch e.Reason {
	case RoomLeft:
		return "[" + e.Room + "] you left"
	case RoomSignedOff:
		return "[" + e.Room + "] left: signed off"
	}
	s := "[" + e.Room + "] connection to the room lost"
	if e.Reason == RoomClosedByServer {
		s = "[" + e.Room + "] the server closed the room's connection"
	}
	if e.Error != "" {
		s += " (" + e.Error + ")"
	}
	return s + "; joining again"
}

// clipLen is how much of what was typed an error quotes back.
const clipLen = 200

// Clip shortens s, typed by the user, to about clipLen bytes for quoting
// in an error, cutting at a character boundary and saying how much is left
// out.
func Clip(s string) string {
	if len(s) <= clipLen {
		return s
	}
	cut := clipLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:cut], len(s)-cut)
}
