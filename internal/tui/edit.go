package tui

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
)

// editor is the input line: text kept as grapheme clusters (what a person
// sees as one character: a CJK ideograph, an emoji with its modifiers, a
// letter with its combining accents), so that the cursor, Backspace and
// the word keys move and delete whole characters, and the display column
// of the cursor is the sum of the clusters' widths (two for wide ones).
type editor struct {
	g   []string // grapheme clusters
	pos int      // the cursor, in clusters: 0..len(g)
}

// String is the line.
func (e *editor) String() string { return strings.Join(e.g, "") }

func (e *editor) empty() bool { return len(e.g) == 0 }

// set replaces the line, the cursor at its end.
func (e *editor) set(s string) {
	e.g = clusters(s)
	e.pos = len(e.g)
}

func clusters(s string) []string {
	var out []string
	gr := uniseg.NewGraphemes(s)
	for gr.Next() {
		out = append(out, gr.Str())
	}
	return out
}

// insert types s at the cursor. A combining mark typed after a letter
// joins it: the line is segmented again around the cursor.
func (e *editor) insert(s string) {
	// A paste of several lines stays one message of several lines.
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	if s == "" {
		return
	}
	before := strings.Join(e.g[:e.pos], "") + s
	after := e.g[e.pos:]
	head := clusters(before)
	e.g = append(head, after...)
	e.pos = len(head)
	// A cluster may have to join across the cursor (a combining mark
	// after it): segment the whole line again, the cursor after the
	// same text.
	if n := len(after); n > 0 {
		if joined := clusters(e.String()); len(joined) != len(e.g) {
			e.g = joined
			e.pos = max(0, len(joined)-n)
		}
	}
}

func (e *editor) left() {
	if e.pos > 0 {
		e.pos--
	}
}

func (e *editor) right() {
	if e.pos < len(e.g) {
		e.pos++
	}
}

func (e *editor) home() { e.pos = 0 }
func (e *editor) end()  { e.pos = len(e.g) }

// backspace deletes the character before the cursor.
func (e *editor) backspace() {
	if e.pos > 0 {
		e.g = append(e.g[:e.pos-1], e.g[e.pos:]...)
		e.pos--
	}
}

// del deletes the character under the cursor.
func (e *editor) del() {
	if e.pos < len(e.g) {
		e.g = append(e.g[:e.pos], e.g[e.pos+1:]...)
	}
}

// killBefore deletes from the start of the line to the cursor (Ctrl-U).
func (e *editor) killBefore() {
	e.g = append([]string{}, e.g[e.pos:]...)
	e.pos = 0
}

// killAfter deletes from the cursor to the end (Ctrl-K).
func (e *editor) killAfter() { e.g = e.g[:e.pos] }

func isSpace(c string) bool { return strings.TrimSpace(c) == "" }

// wordLeft moves to the start of the word before the cursor (Alt-B).
func (e *editor) wordLeft() {
	for e.pos > 0 && isSpace(e.g[e.pos-1]) {
		e.pos--
	}
	for e.pos > 0 && !isSpace(e.g[e.pos-1]) {
		e.pos--
	}
}

// wordRight moves past the end of the word after the cursor (Alt-F).
func (e *editor) wordRight() {
	for e.pos < len(e.g) && isSpace(e.g[e.pos]) {
		e.pos++
	}
	for e.pos < len(e.g) && !isSpace(e.g[e.pos]) {
		e.pos++
	}
}

// killWord deletes the word before the cursor (Ctrl-W).
func (e *editor) killWord() {
	end := e.pos
	e.wordLeft()
	e.g = append(e.g[:e.pos], e.g[end:]...)
}

// newlineMark shows a line break of a pasted text in the input line.
const newlineMark = "⏎"

// cellWidth is the display width of a cluster as the terminal counts it
// (wm; a line break shows as newlineMark).
func cellWidth(c string, wm ansi.Method) int {
	if c == "\n" {
		return 1
	}
	return wm.StringWidth(c)
}

// width is the display width of clusters.
func width(g []string, wm ansi.Method) int {
	w := 0
	for _, c := range g {
		w += cellWidth(c, wm)
	}
	return w
}

// view is what shows of the line in cols columns, scrolled so the cursor
// is in view, and the cursor's column in it, with widths as wm counts
// them.
func (e *editor) view(cols int, wm ansi.Method) (string, int) {
	if cols < 1 {
		return "", 0
	}
	start := 0
	// The cursor needs its own column at the end of the line.
	for width(e.g[start:e.pos], wm)+1 > cols && start < e.pos {
		start++
	}
	var b strings.Builder
	w := 0
	for _, c := range e.g[start:] {
		cw := cellWidth(c, wm)
		if w+cw > cols {
			break
		}
		if c == "\n" {
			c = newlineMark
		}
		b.WriteString(c)
		w += cw
	}
	return b.String(), width(e.g[start:e.pos], wm)
}
