package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// zwj is U+200D ZERO WIDTH JOINER, the glue of emoji sequences such as
// 👨‍👩‍👧 (man, ZWJ, woman, ZWJ, girl).
const zwj = "\u200d"

// forTerminal is the screen s as it goes to a terminal whose width rule is wm.
//
// While the terminal has not said it counts grapheme clusters (mode
// 2027), the model and Bubble Tea's renderer count by code points
// (wcwidth): 👨‍👩‍👧 is three wide emoji, six columns. Terminals that count
// that way do not all agree on a ZWJ sequence: tmux 3.3a joins the
// character after a ZWJ into the cell before it and draws the family in
// two columns, so the rest of the row, the frame's right border and the
// input cursor land four columns left of where they were counted. Drawn
// without its joiners the sequence is three emoji every code-point
// terminal, tmux 3.3a included, draws in six columns, as counted. The
// joiner is zero columns wide by wcwidth, so leaving it out changes no
// width the model computed: not the wrapping, not the cursor's column.
//
// Only the drawing changes: the text kept, sent and written to history
// keeps its joiners, and a terminal that counts grapheme clusters gets
// them too.
func forTerminal(s string, wm ansi.Method) string {
	if wm != ansi.WcWidth || !strings.Contains(s, zwj) {
		return s
	}
	return strings.ReplaceAll(s, zwj, "")
}
