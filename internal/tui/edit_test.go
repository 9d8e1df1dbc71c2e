package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The line edits whole characters: a CJK ideograph, an emoji with its
// skin tone, a letter with its combining accent are each one step of the
// cursor and one Backspace, and the cursor's column counts wide ones twice.
func TestEditorGraphemes(t *testing.T) {
	var e editor
	e.insert("a世👍🏽e")
	e.insert("\u0301") // a combining acute accent: joins the e
	if len(e.g) != 4 || e.g[3] != "e\u0301" {
		t.Fatalf("clusters %q, want 4 with é last", e.g)
	}
	if _, col := e.view(40, ansi.GraphemeWidth); col != 1+2+2+1 {
		t.Errorf("cursor column %d, want 6 (a 1, 世 2, 👍🏽 2, é 1)", col)
	}
	e.backspace()
	if got := e.String(); got != "a世👍🏽" {
		t.Errorf("Backspace after é: %q, want the accented e gone whole", got)
	}
	e.left()
	e.backspace()
	if got := e.String(); got != "a👍🏽" {
		t.Errorf("←, Backspace: %q, want 世 gone", got)
	}
	e.home()
	e.insert("x")
	if got := e.String(); got != "xa👍🏽" || e.pos != 1 {
		t.Errorf("Home, x: %q at %d", got, e.pos)
	}
}

func TestEditorCombiningBeforeCursor(t *testing.T) {
	var e editor
	e.insert("ab")
	e.left()
	e.insert("\u0301") // after a, before b: joins a
	if got := e.String(); got != "a\u0301b" || len(e.g) != 2 || e.pos != 1 {
		t.Errorf("%q, %d clusters, cursor %d; want á·b, cursor after á", got, len(e.g), e.pos)
	}
}

func TestEditorWords(t *testing.T) {
	var e editor
	e.insert("hello 世界 world")
	e.killWord()
	if got := e.String(); got != "hello 世界 " {
		t.Errorf("Ctrl-W: %q", got)
	}
	e.wordLeft()
	if e.pos != 6 {
		t.Errorf("Alt-B: cursor at %d, want 6", e.pos)
	}
	e.killBefore()
	if got := e.String(); got != "世界 " || e.pos != 0 {
		t.Errorf("Ctrl-U: %q, cursor %d", got, e.pos)
	}
}

// A line wider than the field scrolls so the cursor shows, by columns.
func TestEditorViewScrolls(t *testing.T) {
	var e editor
	e.insert("世界世界世界")
	text, col := e.view(7, ansi.GraphemeWidth)
	if text != "界世界" || col != 6 {
		t.Errorf("view(7) = %q, cursor %d; want the last three ideographs and the cursor after them", text, col)
	}
}

// A paste of several lines stays one message: the breaks are kept, shown
// as ⏎ in the line.
func TestEditorPasteLines(t *testing.T) {
	var e editor
	e.insert("one\r\ntwo\nthree")
	if got := e.String(); got != "one\ntwo\nthree" {
		t.Errorf("pasted %q, want the line breaks kept", got)
	}
	if text, col := e.view(40, ansi.GraphemeWidth); text != "one⏎two⏎three" || col != 13 {
		t.Errorf("view: %q, cursor %d", text, col)
	}
}
