package tui

import (
	"time"

	"github.com/aim-oscar/aim/internal/screenname"
)

// winKind is what a window shows.
type winKind int

const (
	winStatus winKind = iota // window 1: the session's events, notices, errors
	winIM                    // a conversation with one buddy
	winRoom                  // a chat room
)

// activity is what a window not in view has had since it was last seen:
// irssi's activity marks.
type activity int

const (
	actNone activity = iota
	actSome          // '*': something was said
	actYou           // '+': a message for you (an IM, your name said in a room)
)

// lineKind is what a line of a window is.
type lineKind int

const (
	lineMsg    lineKind = iota // someone's words
	lineOwn                    // your words
	lineAuto                   // an automatic reply (theirs or yours)
	lineNotice                 // news: signed on, joined, left, invited
	lineError                  // a command that failed
	lineInfo                   // a command's answer
)

// line is one event of a window.
type line struct {
	at   time.Time
	kind lineKind
	from string // who said it, for lineMsg and lineAuto
	text string
	// pending: your words as typed here, shown at once, not yet
	// confirmed by the session (its result makes them plain lineOwn).
	pending bool
}

// window is a conversation (an IM or a room) or the status window. Its
// lines are capped at the scrollback the options allow; the rest is in
// the history.
type window struct {
	kind winKind
	name string // as shown
	key  string // as the server compares it

	lines  []line
	unread int
	act    activity
	scroll int // rows scrolled up from the bottom

	members []string // a room's, in the server's order
	inRoom  bool     // joined (a room's window stays after it is left)

	typing   string    // the peer: "typing", "typed" or ""
	typingAt time.Time // when the peer said so

	in      editor   // the input line of this window
	hist    []string // lines entered here, oldest first
	histPos int      // browsing hist: len(hist) when not
	draft   string   // the line being typed before browsing

	// What we told the peer of our typing: "", "typing" or "typed"; when
	// we said typing last.
	sentTyping   string
	typingSentAt time.Time
	editSeq      int // counts edits: a pause timer checks it has not moved

	loaded bool // its history has been asked for
	// atTop: the last frame showed the first line kept (scrolled all the
	// way up); older: asking the history for older lines; histDone: it
	// has none.
	atTop, older, histDone bool
}

func winKey(kind winKind, name string) string {
	switch kind {
	case winStatus:
		return "status"
	case winRoom:
		return "#" + screenname.Normalize(name)
	}
	return screenname.Normalize(name)
}

// add appends l, dropping the oldest lines past max (half of them at a
// time, so that appending stays cheap).
func (w *window) add(l line, max int) {
	w.lines = append(w.lines, l)
	if max > 0 && len(w.lines) > max+max/2 {
		n := copy(w.lines, w.lines[len(w.lines)-max:])
		clear(w.lines[n:])
		w.lines = w.lines[:n]
	}
	if w.scroll > 0 {
		w.scroll++ // stay on what is being read
	}
}

// prepend puts lines from the history before the window's, keeping only
// those older than its first line (the newer ones are here already).
func (w *window) prepend(old []line, max int) {
	if len(w.lines) > 0 {
		first := w.lines[0].at
		n := 0
		for n < len(old) && old[n].at.Before(first) {
			n++
		}
		old = old[:n]
	}
	w.lines = append(append(make([]line, 0, len(old)+len(w.lines)), old...), w.lines...)
	if max > 0 && len(w.lines) > max {
		w.lines = w.lines[len(w.lines)-max:]
	}
}

// confirm marks the first of your lines typed here and waiting for the
// session with text as sent (else the first waiting: the session may have
// tidied the text), and reports whether there was one.
func (w *window) confirm(text string) bool {
	first := -1
	for i := range w.lines {
		if l := &w.lines[i]; l.pending {
			if l.text == text {
				l.pending = false
				return true
			}
			if first < 0 {
				first = i
			}
		}
	}
	if first >= 0 {
		w.lines[first].pending = false
		return true
	}
	return false
}

// fail marks the first line waiting for the session with text as not sent.
func (w *window) fail(text string) bool {
	for i := range w.lines {
		if l := &w.lines[i]; l.pending && l.text == text {
			l.pending, l.kind = false, lineError
			l.text = "not sent: " + text
			return true
		}
	}
	return false
}

// title is how the window bar and the list name it.
func (w *window) title() string {
	if w.kind == winRoom {
		return "#" + w.name
	}
	return w.name
}

// removeMember takes name off a room's members.
func (w *window) removeMember(name string) {
	k := screenname.Normalize(name)
	out := w.members[:0]
	for _, m := range w.members {
		if screenname.Normalize(m) != k {
			out = append(out, m)
		}
	}
	w.members = out
}

func (w *window) addMember(name string) {
	k := screenname.Normalize(name)
	for _, m := range w.members {
		if screenname.Normalize(m) == k {
			return
		}
	}
	w.members = append(w.members, name)
}
