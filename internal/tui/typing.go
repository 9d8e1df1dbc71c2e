package tui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aim-oscar/aim/internal/client"
)

// Typing notifications, sent for the IM window's line: "typing" when the
// person types (again every typingAgain while it lasts), "typed" when the
// line is left alone for typingPause with text in it, "stopped" when it
// is emptied or sent, or the window left. They go as the command table's
// typing command: the session sends them only when the
// typing_notifications setting allows, and never to someone blocked.

// edited follows an edit of the window's line: what to tell the peer,
// and the timer that notices a pause.
func (m *Model) edited() tea.Cmd {
	w := m.win()
	if w.kind != winIM {
		return nil
	}
	text := w.in.String()
	now := m.now()
	if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "/") {
		return m.tellTyping(w, "")
	}
	w.editSeq++
	seq, key := w.editSeq, w.key
	pause := tea.Tick(typingPause, func(time.Time) tea.Msg { return typingPauseMsg{key: key, seq: seq} })
	if w.sentTyping == "typing" && now.Sub(w.typingSentAt) < typingAgain {
		return pause
	}
	return batch(m.tellTyping(w, "typing"), pause)
}

// typingPaused is the timer of an edit: if nothing was typed since, the
// peer is told the text waits.
func (m *Model) typingPaused(msg typingPauseMsg) tea.Cmd {
	w := m.find(msg.key)
	if w == nil || w.editSeq != msg.seq || w.sentTyping != "typing" || w.in.empty() {
		return nil
	}
	return m.tellTyping(w, "typed")
}

// leaving is the window in view being left (for another, or the UI
// closing): its peer is told we stopped typing there.
func (m *Model) leaving() tea.Cmd {
	w := m.win()
	if w.kind != winIM || w.sentTyping == "" {
		return nil
	}
	return m.tellTyping(w, "")
}

// tellTyping tells w's peer state ("" is stopped), unless that is what
// they were told last.
func (m *Model) tellTyping(w *window, state string) tea.Cmd {
	if w.sentTyping == state && state != "typing" {
		return nil
	}
	w.sentTyping = state
	word := state
	if state == "" {
		word = "stopped"
	}
	if state == "typing" {
		w.typingSentAt = m.now()
	}
	return m.runQuiet(client.CmdTyping, []string{w.name, word})
}
