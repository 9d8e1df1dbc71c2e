package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/term"
)

// Prompt is a line editor for a terminal in raw mode: history, tab
// completion (a second Tab in a row lists the choices), and lines printed
// above the one being typed. It measures what it draws by grapheme
// cluster and display width (CJK, emoji, flags and combining marks), so
// the screen shows exactly the line that Enter will return. Ctrl-C
// clears a half-typed line, and on an empty line ends the input like
// Ctrl-D.
//
// ReadLine is called from one goroutine; Above may be called from any
// other. Prompt starts no goroutine.
type Prompt struct {
	in      io.Reader
	out     io.Writer
	cols    func() int // the terminal's width in columns
	restore func()     // puts the terminal back
	once    sync.Once

	mu       sync.Mutex // guards the rest, and serializes writes to out
	prefix   string
	line     string // what is typed
	pos      int    // the cursor: a byte offset in line at a grapheme boundary
	row      int    // the cursor's row below the prompt's first, as drawn
	shown    bool   // the prompt is on the screen
	tabs     int    // Tabs typed in a row
	complete func(line string) (string, bool)
	choices  func(line string) []string
	history  []string
	hist     int    // the history entry shown; len(history): the line typed
	typed    string // the line typed, while history is shown
	pending  []byte // input read but not yet a whole key
}

// NewPrompt puts the terminal in raw mode and shows prefix before each line
// read; Finish puts it back.
func NewPrompt(in *os.File, out io.Writer, prefix string) (*Prompt, error) {
	fd := int(in.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	cols := func() int {
		if w, _, err := term.GetSize(fd); err == nil && w > 0 {
			return w
		}
		return 80
	}
	return newPrompt(in, out, prefix, cols, func() { _ = term.Restore(fd, state) }), nil
}

// newPrompt is a Prompt over any reader and writer: the terminal is
// already in raw mode, cols tells its width, restore puts it back.
func newPrompt(in io.Reader, out io.Writer, prefix string, cols func() int, restore func()) *Prompt {
	return &Prompt{in: in, out: out, prefix: prefix, cols: cols, restore: restore}
}

// Complete sets tab completion: complete returns the line completed, or
// false. The cursor is at the end of the line.
func (p *Prompt) Complete(complete func(line string) (string, bool)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.complete = complete
}

// Choices sets what a second Tab in a row lists: the words the last one
// typed may complete to.
func (p *Prompt) Choices(choices func(line string) []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.choices = choices
}

// ReadLine reads one line; io.EOF on Ctrl-D on an empty line, or Ctrl-C
// on an empty line (Ctrl-C on a line being typed clears it).
func (p *Prompt) ReadLine() (string, error) {
	p.mu.Lock()
	if !p.shown {
		p.redraw()
	}
	p.mu.Unlock()
	var buf [256]byte
	for {
		p.mu.Lock()
		line, done, err := p.handle()
		p.mu.Unlock()
		if done {
			return line, err
		}
		n, err := p.in.Read(buf[:])
		p.mu.Lock()
		p.pending = append(p.pending, buf[:n]...)
		p.mu.Unlock()
		if n == 0 && err != nil {
			return "", err
		}
	}
}

// Above prints a line above the prompt, redrawing what is being typed.
func (p *Prompt) Above(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b bytes.Buffer
	if p.shown {
		p.clear(&b)
	}
	b.WriteString(strings.ReplaceAll(strings.TrimSuffix(line, "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	p.shown = false
	p.draw(&b)
	p.out.Write(b.Bytes())
}

// Finish puts the terminal back as it was and moves off the prompt's line:
// a line being typed stays on the screen, on a line of its own; an empty
// prompt (the one drawn after the last Enter) is erased, so that what
// follows is not preceded by a bare "aim> ". Only the first call does
// anything.
func (p *Prompt) Finish() {
	p.once.Do(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		var b bytes.Buffer
		switch {
		case p.shown && p.line == "":
			p.clear(&b)
		case p.shown:
			p.toEnd(&b)
			b.WriteString("\r\n")
		default:
			b.WriteString("\r\n")
		}
		p.out.Write(b.Bytes())
		p.restore()
	})
}

// handle acts on the whole keys of pending, and says whether ReadLine
// returns, with what.
func (p *Prompt) handle() (line string, done bool, err error) {
	for {
		k, text, n := parseKey(p.pending)
		if n == 0 {
			return "", false, nil
		}
		p.pending = p.pending[n:]
		if k != edTab {
			p.tabs = 0
		}
		switch k {
		case edEnter:
			line = p.line
			var b bytes.Buffer
			p.toEnd(&b)
			b.WriteString("\r\n")
			p.shown = false
			if line != "" && (len(p.history) == 0 || p.history[len(p.history)-1] != line) {
				p.history = append(p.history, line)
			}
			p.line, p.pos, p.hist, p.typed = "", 0, len(p.history), ""
			p.draw(&b)
			p.out.Write(b.Bytes())
			return line, true, nil
		case edInterrupt:
			if p.line == "" {
				return "", true, io.EOF
			}
			p.set("", 0)
		case edEOF:
			if p.line == "" {
				return "", true, io.EOF
			}
			p.deleteForward()
		default:
			p.edit(k, text)
		}
		p.redraw()
	}
}

// edit applies a key that changes the line or moves the cursor.
func (p *Prompt) edit(k key, text string) {
	switch k {
	case edText:
		p.set(p.line[:p.pos]+text+p.line[p.pos:], p.pos+len(text))
	case edBackspace:
		if p.pos > 0 {
			prev := prevBoundary(p.line, p.pos)
			p.set(p.line[:prev]+p.line[p.pos:], prev)
		}
	case edDelete:
		p.deleteForward()
	case edLeft:
		p.pos = prevBoundary(p.line, p.pos)
	case edRight:
		p.pos = nextBoundary(p.line, p.pos)
	case edHome:
		p.pos = 0
	case edEnd:
		p.pos = len(p.line)
	case edWordLeft:
		p.pos = wordStart(p.line, p.pos)
	case edWordRight:
		p.pos = wordEnd(p.line, p.pos)
	case edKillBack:
		p.set(p.line[p.pos:], 0)
	case edKillForward:
		p.set(p.line[:p.pos], p.pos)
	case edKillWord:
		start := wordStart(p.line, p.pos)
		p.set(p.line[:start]+p.line[p.pos:], start)
	case edUp:
		if p.hist > 0 {
			if p.hist == len(p.history) {
				p.typed = p.line
			}
			p.hist--
			p.set(p.history[p.hist], len(p.history[p.hist]))
		}
	case edDown:
		if p.hist < len(p.history) {
			p.hist++
			next := p.typed
			if p.hist < len(p.history) {
				next = p.history[p.hist]
			}
			p.set(next, len(next))
		}
	case edTab:
		p.tab()
	case edRedraw:
		var b bytes.Buffer
		b.WriteString("\x1b[H\x1b[2J")
		p.row, p.shown = 0, false
		p.draw(&b)
		p.out.Write(b.Bytes())
	}
}

// tab completes the line (the cursor at its end); a second Tab in a row
// that completes nothing more lists the choices above the prompt.
func (p *Prompt) tab() {
	p.tabs++
	if p.pos != len(p.line) || p.complete == nil {
		return
	}
	if s, ok := p.complete(p.line); ok && s != p.line {
		p.set(s, len(s))
		return
	}
	if p.tabs < 2 || p.choices == nil {
		return
	}
	if list := p.choices(p.line); len(list) > 0 {
		var b bytes.Buffer
		p.clear(&b)
		b.WriteString(columns(list, p.cols()))
		p.shown = false
		p.draw(&b)
		p.out.Write(b.Bytes())
	}
}

// columns lays out words in columns as a shell lists completions, each
// row ending in "\r\n".
func columns(words []string, cols int) string {
	width := 0
	for _, w := range words {
		width = max(width, uniseg.StringWidth(w))
	}
	width += 2
	per := max(1, cols/width)
	var b strings.Builder
	for i, w := range words {
		b.WriteString(w)
		if (i+1)%per == 0 || i == len(words)-1 {
			b.WriteString("\r\n")
		} else {
			b.WriteString(strings.Repeat(" ", width-uniseg.StringWidth(w)))
		}
	}
	return b.String()
}

// set replaces the line and puts the cursor at pos, moved on to a
// grapheme boundary (text inserted before a combining mark joins it).
func (p *Prompt) set(line string, pos int) {
	p.line = line
	p.pos = pos
	if pos < len(line) && prevBoundary(line, nextBoundary(line, pos)) != pos {
		p.pos = nextBoundary(line, pos)
	}
}

func (p *Prompt) deleteForward() {
	if p.pos < len(p.line) {
		p.set(p.line[:p.pos]+p.line[nextBoundary(p.line, p.pos):], p.pos)
	}
}

// redraw draws the prompt and line again in place.
func (p *Prompt) redraw() {
	var b bytes.Buffer
	if p.shown {
		p.clear(&b)
	}
	p.draw(&b)
	p.out.Write(b.Bytes())
}

// clear moves to the prompt's first row and erases from there down.
func (p *Prompt) clear(b *bytes.Buffer) {
	if p.row > 0 {
		b.WriteString("\x1b[" + strconv.Itoa(p.row) + "A")
	}
	b.WriteString("\r\x1b[J")
	p.row, p.shown = 0, false
}

// draw writes the prompt and line from the start of a clear row, and puts
// the cursor on the grapheme at pos.
func (p *Prompt) draw(b *bytes.Buffer) {
	text := p.prefix + p.line
	b.WriteString(text)
	l := layout(text, len(p.prefix)+p.pos, p.cols())
	if l.wrap { // the last row is full: the cursor goes to the next one
		b.WriteString("\r\n")
	}
	if up := l.endRow - l.row; up > 0 {
		b.WriteString("\x1b[" + strconv.Itoa(up) + "A")
	}
	if l.col != l.endCol {
		b.WriteString("\r")
		if l.col > 0 {
			b.WriteString("\x1b[" + strconv.Itoa(l.col) + "C")
		}
	}
	p.row, p.shown = l.row, true
}

// toEnd moves the cursor after the end of the line.
func (p *Prompt) toEnd(b *bytes.Buffer) {
	l := layout(p.prefix+p.line, len(p.prefix)+p.pos, p.cols())
	if down := l.endRow - l.row; down > 0 {
		b.WriteString("\x1b[" + strconv.Itoa(down) + "B")
	}
	b.WriteString("\r")
	if l.endCol > 0 {
		b.WriteString("\x1b[" + strconv.Itoa(l.endCol) + "C")
	}
	p.row = l.endRow
}

// placement is where text lands on the screen, written from the start of
// a row: the row and column of the grapheme at a byte offset, and of the
// end.
type placement struct {
	row, col       int
	endRow, endCol int
	wrap           bool // the text fills its last row: a newline puts the end on the next
}

// layout places text on a terminal cols wide: a grapheme that does not
// fit on a row starts the next, as terminals wrap it.
func layout(text string, at, cols int) placement {
	var l placement
	found := false
	row, col, state := 0, 0, -1
	for rest := text; rest != ""; {
		off := len(text) - len(rest)
		var w int
		_, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if col+w > cols && col > 0 {
			row, col = row+1, 0
		}
		if off >= at && !found {
			l.row, l.col, found = row, col, true
		}
		col += w
	}
	if col >= cols {
		row, col, l.wrap = row+1, 0, true
	}
	if !found {
		l.row, l.col = row, col
	}
	l.endRow, l.endCol = row, col
	return l
}

// prevBoundary is the grapheme boundary before pos in s.
func prevBoundary(s string, pos int) int {
	prev, state := 0, -1
	for i, rest := 0, s; rest != "" && i < pos; {
		prev = i
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		i += len(c)
	}
	return prev
}

// nextBoundary is the grapheme boundary after pos in s.
func nextBoundary(s string, pos int) int {
	state := -1
	for i, rest := 0, s; rest != ""; {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		i += len(c)
		if i > pos {
			return i
		}
	}
	return len(s)
}

// wordStart is where the word before pos starts (spaces before it
// skipped), as Ctrl-W and Alt-B go.
func wordStart(s string, pos int) int {
	i := pos
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) {
			break
		}
		i -= n
	}
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsSpace(r) {
			break
		}
		i -= n
	}
	return prevBoundary(s, nextBoundary(s, i))
}

// wordEnd is where the word after pos ends, as Alt-F goes.
func wordEnd(s string, pos int) int {
	i := pos
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += n
	}
	if i < len(s) && prevBoundary(s, nextBoundary(s, i)) != i {
		i = nextBoundary(s, i)
	}
	return i
}
