package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aim-oscar/aim/internal/client"
)

// tmux33Width is how many cells tmux 3.3a gives s: wcwidth's count,
// except that a character after U+200D (ZWJ) joins the cell before it
// (measured there: 👨‍👩‍👧 takes 2 cells, 👩🏽‍💻 4, 🏳️‍🌈 1).
func tmux33Width(s string) int {
	w, joined := 0, false
	for _, r := range s {
		if !joined {
			w += ansi.WcWidth.StringWidth(string(r))
		}
		joined = r == '\u200d'
	}
	return w
}

// A ZWJ sequence in a message and in the input line, on a terminal that
// counts code points but joins after a ZWJ (tmux 3.3a): every row is
// the screen's width there, and the cursor stands right after the text.
func TestZWJSequenceFitsCodePointTerminal(t *testing.T) {
	const family = "👨\u200d👩\u200d👧"
	m := signedOn(100, 30)
	typeText(m, "/msg LabBob")
	press(m, "enter")
	events(m, stamp(&client.IM{From: "LabBob", Text: "the " + family + " says hi, 👩🏽\u200d💻 and 🏳️\u200d🌈 too"}, at(0)))
	typeText(m, family+" x")
	if m.wm != ansi.WcWidth {
		t.Fatal("the model does not start counting by code points")
	}
	frame, x, y := m.render()
	rows := strings.Split(ansi.Strip(frame), "\n")
	for i, r := range rows {
		if w := tmux33Width(r); w != m.w {
			t.Errorf("row %d is %d cells in tmux 3.3a, not %d: %q", i, w, m.w, r)
		}
	}
	if y != len(rows)-1 {
		t.Fatalf("the cursor is on row %d, not the input row %d", y, len(rows)-1)
	}
	if w := tmux33Width(strings.TrimRight(rows[y], " ")); x != w {
		t.Errorf("the cursor is at column %d; the text before it ends at %d in tmux 3.3a: %q", x, w, rows[y])
	}
	if got := m.win().in.String(); got != family+" x" {
		t.Errorf("the input line keeps %q, want %q: only the drawing leaves the joiners out", got, family+" x")
	}
}

// A terminal that counts grapheme clusters gets the joiners: it draws the
// sequence as one character, as the model counts it then.
func TestZWJKeptForGraphemeTerminal(t *testing.T) {
	const family = "👨\u200d👩\u200d👧"
	m := signedOn(60, 15)
	typeText(m, family)
	if strings.Contains(m.Frame(), family) {
		t.Fatal("counting code points, the frame still has the joiners")
	}
	m.Update(tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset})
	if !strings.Contains(m.Frame(), family) {
		t.Error("counting grapheme clusters, the frame lost the joiners")
	}
}
