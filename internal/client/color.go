package client

import (
	"hash/fnv"
	"strings"

	"github.com/aim-oscar/aim/internal/screenname"
)

// ANSI SGR parameters of the colours Colored uses.
const (
	sgrDim     = "2"
	sgrRed     = "31"
	sgrGreen   = "32"
	sgrYellow  = "33"
	sgrMagenta = "35"
	sgrCyan    = "36"
)

// nickColors are the colours of people's names, bold: one per name, picked
// by a hash of the normalized name, as irssi does.
var nickColors = []string{"1;32", "1;33", "1;34", "1;35", "1;36", "1;92", "1;93", "1;94", "1;95", "1;96"}

// Colored is Text for a terminal that shows colours (ANSI SGR): the time
// dim, the person the line is about in a colour of their own (the same
// name, however spelled, the same colour each time), and the words of an
// event that is not a message in the colour of its kind: errors red,
// arrivals green, departures and lost connections yellow, warnings
// magenta. What people wrote is left as it is. JSON is never coloured.
func Colored(o Output) string {
	line := Text(o)
	stamp, body := line[:stampWidth-1], line[stampWidth-1:]
	kind := kindColor(o)
	var b strings.Builder
	b.WriteString(paint(stamp, sgrDim))
	rest := body
	if name := Defuse(who(o)); name != "" {
		if i := strings.Index(body, name); i >= 0 {
			b.WriteString(paint(body[:i], kind))
			b.WriteString(paint(name, NickColor(name)))
			rest = body[i+len(name):]
		}
	}
	switch o.(type) {
	case *IM, *ChatMessage: // their words
		b.WriteString(rest)
	default:
		b.WriteString(paint(rest, kind))
	}
	return b.String()
}

// NickColor is the SGR parameters of name's colour.
func NickColor(name string) string {
	h := fnv.New32a()
	h.Write([]byte(screenname.Normalize(name)))
	return nickColors[h.Sum32()%uint32(len(nickColors))]
}

// who is the person a line is about, if any.
func who(o Output) string {
	switch e := o.(type) {
	case *IM:
		return e.From
	case *ChatMessage:
		return e.From
	case *BuddyOnline:
		return e.Name
	case *BuddyOffline:
		return e.Name
	case *Typing:
		return e.From
	case *ChatMember:
		return e.Name
	case *ChatInvite:
		return e.From
	case *Warned:
		return e.By
	case *Result:
		if e.To != "" {
			return e.To
		}
		return e.Name
	}
	return ""
}

// kindColor is the colour of the words of o's kind of event ("" for none).
func kindColor(o Output) string {
	switch e := o.(type) {
	case *ServerError, *ConfigError, *ReconnectFailed, *HistoryError:
		return sgrRed
	case *Result:
		if e.Error != "" {
			return sgrRed
		}
	case *BuddyListSynced:
		if e.Error != "" || len(e.Refused) > 0 {
			return sgrRed
		}
	case *SignedOn, *ChatJoined:
		return sgrGreen
	case *BuddyOnline:
		if !e.Changed {
			return sgrGreen
		}
	case *ChatMember:
		if e.Left {
			return sgrYellow
		}
		return sgrGreen
	case *BuddyOffline, *Disconnected, *Reconnecting, *ChatLeft:
		return sgrYellow
	case *Warned, *Rate:
		return sgrMagenta
	case *ServerMessage, *ChatInvite:
		return sgrCyan
	case *Typing:
		return sgrDim
	}
	return ""
}

// paint puts s, line by line (each line's indent left out), in the colour
// of the SGR parameters code, and back to normal after it.
func paint(s, code string) string {
	if code == "" || s == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		text := strings.TrimLeft(l, " ")
		if text == "" {
			continue
		}
		lines[i] = l[:len(l)-len(text)] + "\x1b[" + code + "m" + text + "\x1b[0m"
	}
	return strings.Join(lines, "\n")
}
