package iostreams

import (
	"strconv"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// screen is a small VT100 model of a terminal, to read what a prompt
// shows: printable text placed grapheme by grapheme at its display width
// (one that does not fit wraps, a full row waits to wrap until the next
// one), CR, LF, BS, and the CSI sequences the editor writes (cursor
// moves, erase in line and display, clear screen). Anything else fails
// the test.
type screen struct {
	t         *testing.T
	cols      int
	rows      [][]string // each cell a grapheme, "" for never written, "\x00" for the 2nd cell of a wide one
	row, col  int        // col == cols: the row is full, and the next grapheme wraps
	esc       []byte     // an escape sequence being read
	incomplte []byte     // the start of a UTF-8 sequence
}

func newScreen(t *testing.T, cols int) *screen {
	return &screen{t: t, cols: cols, rows: [][]string{make([]string, cols)}}
}

func (s *screen) Write(p []byte) (int, error) {
	b := append(s.incomplte, p...)
	s.incomplte = nil
	for len(b) > 0 {
		if s.esc != nil {
			s.esc = append(s.esc, b[0])
			b = b[1:]
			s.escape()
			continue
		}
		switch c := b[0]; {
		case c == 0x1b:
			s.esc = []byte{c}
			b = b[1:]
			continue
		case c == '\r':
			s.col = 0
		case c == '\n':
			s.down(1)
		case c == '\b':
			s.col = max(0, min(s.col, s.cols-1)-1)
		case c < 0x20 || c == 0x7f:
			s.t.Errorf("screen: control character %#x written", c)
		default:
			// The run of printable text up to the next control byte.
			i := 1
			for i < len(b) && b[i] >= 0x20 && b[i] != 0x7f {
				i++
			}
			text := string(b[:i])
			// Keep an unfinished UTF-8 sequence for the next write.
			for j := len(text) - 1; j >= 0 && j >= len(text)-3; j-- {
				if text[j]&0xc0 != 0x80 {
					if r := text[j:]; !isFull(r) {
						s.incomplte = []byte(r)
						text = text[:j]
					}
					break
				}
			}
			s.print(text)
			b = b[i:]
			continue
		}
		b = b[1:]
	}
	return len(p), nil
}

func isFull(s string) bool {
	n := 1
	switch c := s[0]; {
	case c >= 0xf0:
		n = 4
	case c >= 0xe0:
		n = 3
	case c >= 0xc0:
		n = 2
	}
	return len(s) >= n
}

func (s *screen) print(text string) {
	state := -1
	for text != "" {
		var g string
		var w int
		g, text, w, state = uniseg.FirstGraphemeClusterInString(text, state)
		if s.col+w > s.cols && s.col > 0 {
			s.col = 0
			s.down(1)
		}
		if s.col >= s.cols { // zero width at a full row's end
			continue
		}
		cells := s.rows[s.row]
		if w == 0 && s.col > 0 { // a lone mark joins the cell before
			cells[s.col-1] += g
			continue
		}
		cells[s.col] = g
		for i := 1; i < w && s.col+i < s.cols; i++ {
			cells[s.col+i] = "\x00"
		}
		s.col += max(w, 1)
	}
}

func (s *screen) down(n int) {
	for ; n > 0; n-- {
		s.row++
		if s.row == len(s.rows) {
			s.rows = append(s.rows, make([]string, s.cols))
		}
	}
}

// escape acts on s.esc once it is whole.
func (s *screen) escape() {
	e := string(s.esc)
	if len(e) < 3 {
		if len(e) == 2 && e[1] != '[' {
			s.t.Errorf("screen: escape %q", e)
			s.esc = nil
		}
		return
	}
	final := e[len(e)-1]
	if final < 0x40 || final > 0x7e {
		return
	}
	s.esc = nil
	param := e[2 : len(e)-1]
	n := 1
	if param != "" {
		if v, err := strconv.Atoi(param); err == nil {
			n = v
		}
	}
	col := min(s.col, s.cols-1)
	switch final {
	case 'A':
		s.row, s.col = max(0, s.row-n), col
	case 'B':
		s.down(n)
		s.col = col
	case 'C':
		s.col = min(s.cols-1, col+n)
	case 'D':
		s.col = max(0, col-n)
	case 'H':
		s.row, s.col = 0, 0
	case 'K':
		clear(s.rows[s.row][col:])
	case 'J':
		if param == "2" {
			for _, r := range s.rows {
				clear(r)
			}
			return
		}
		clear(s.rows[s.row][col:])
		for _, r := range s.rows[s.row+1:] {
			clear(r)
		}
	default:
		s.t.Errorf("screen: escape %q", e)
	}
}

// text is row r as shown: cells never written at its end left out.
func (s *screen) text(r int) string {
	var b strings.Builder
	cells := s.rows[r]
	end := len(cells)
	for end > 0 && cells[end-1] == "" {
		end--
	}
	for _, c := range cells[:end] {
		switch c {
		case "\x00":
		case "":
			b.WriteByte(' ')
		default:
			b.WriteString(c)
		}
	}
	return b.String()
}

// from is the text of rows r and on, joined: a line that wrapped, read
// back whole.
func (s *screen) from(r int) string {
	var b strings.Builder
	for ; r < len(s.rows); r++ {
		b.WriteString(s.text(r))
	}
	return b.String()
}
