package iostreams

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// testPrompt is a Prompt drawing on a screen model cols wide.
func testPrompt(t *testing.T, cols int) (*Prompt, *screen) {
	scr := newScreen(t, cols)
	p := newPrompt(strings.NewReader(""), scr, "aim> ", func() int { return cols }, func() {})
	p.mu.Lock()
	p.redraw()
	p.mu.Unlock()
	return p, scr
}

// keys types keys at p, one at a time, and checks after each that the
// screen shows the prompt and exactly the line Enter would return, with
// the cursor where the editor says. It returns the line of an Enter or
// the error of an end.
func keys(t *testing.T, p *Prompt, scr *screen, ks ...string) (string, error) {
	t.Helper()
	for _, k := range ks {
		p.mu.Lock()
		p.pending = append(p.pending, k...)
		line, done, err := p.handle()
		p.mu.Unlock()
		if done {
			return line, err
		}
		checkScreen(t, p, scr, k)
	}
	return "", nil
}

func checkScreen(t *testing.T, p *Prompt, scr *screen, after string) {
	t.Helper()
	top := scr.row - p.row
	want := p.prefix + p.line
	if got := scr.from(top); got != want {
		t.Fatalf("after %q the screen shows %q, want %q", after, got, want)
	}
	// The cursor is on the grapheme at pos, counted in display cells.
	before := p.prefix + p.line[:p.pos]
	row, col := 0, 0
	state := -1
	for rest := before; rest != ""; {
		var w int
		_, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if col+w > scr.cols && col > 0 {
			row, col = row+1, 0
		}
		col += w
	}
	if p.pos < len(p.line) { // the next grapheme may wrap before it is drawn
		g, _, w, _ := uniseg.FirstGraphemeClusterInString(p.line[p.pos:], -1)
		_ = g
		if col+w > scr.cols && col > 0 {
			row, col = row+1, 0
		}
	}
	if col >= scr.cols {
		row, col = row+1, 0
	}
	if scr.row-top != row || scr.col != col {
		t.Fatalf("after %q in %q the cursor is at row %d column %d, want %d, %d (pos %d)", after, p.line, scr.row-top, scr.col, row, col, p.pos)
	}
}

const (
	ctrlA, ctrlC, ctrlD, ctrlE, ctrlK, ctrlU, ctrlW = "\x01", "\x03", "\x04", "\x05", "\x0b", "\x15", "\x17"
	left, right, del, bs, enter, tab                = "\x1b[D", "\x1b[C", "\x1b[3~", "\x7f", "\r", "\t"
)

// TestPromptWideCharacters: issue 22's case. golang.org/x/term counted
// each rune as one column, so Ctrl-U after CJK text left "aim> send L"
// on the screen, and "help" then showed as "aim> send Lhelp".
func TestPromptWideCharacters(t *testing.T) {
	t.Parallel()
	p, scr := testPrompt(t, 80)
	keys(t, p, scr, strings.Split("send LabBob 你好你好你好", "")...)
	keys(t, p, scr, ctrlU)
	if got := scr.from(scr.row - p.row); got != "aim> " {
		t.Fatalf("after Ctrl-U the screen shows %q", got)
	}
	keys(t, p, scr, "h", "e", "l", "p")
	if line, err := keys(t, p, scr, enter); line != "help" || err != nil {
		t.Fatalf("Enter read %q, %v", line, err)
	}
}

// TestPromptEdits types text of every kind (CJK, emoji with skin tones
// and ZWJ sequences, flags, combining marks, Latin) and edits it in the
// middle; after each key the screen is the prompt and the line.
func TestPromptEdits(t *testing.T) {
	t.Parallel()
	texts := map[string]string{
		"cjk":       "send LabBob 你好，世界 ok",
		"emoji":     "hi 👍🏽 and 👨‍👩‍👧‍👦 family 🎉",
		"flags":     "flags 🇯🇵🇫🇷 and 🏳️‍🌈 ok",
		"combining": "cafe\u0301 nai\u0308ve Z\u0351\u0362a\u0352lgo",
		"mixed":     "é한글👩‍💻🇩🇪x\u0301y",
	}
	for name, text := range texts {
		for _, cols := range []int{80, 13} { // 13: every line wraps, wide ones at odd columns
			t.Run(name+"/"+string(rune('0'+cols/10))+string(rune('0'+cols%10)), func(t *testing.T) {
				p, scr := testPrompt(t, cols)
				keys(t, p, scr, graphemes(text)...)
				keys(t, p, scr, left, left, left, bs, "中", "x\u0301", right, del, "🇨🇦")
				keys(t, p, scr, ctrlA, del, right, right, "✓", ctrlE, ctrlW, left, left, ctrlK)
				keys(t, p, scr, ctrlA, right, ctrlU, "Ω")
				want := p.line
				keys(t, p, scr, "\x1b[H", ctrlD, "\x1b[F", bs) // Home, delete; End, backspace
				want = want[len(firstGrapheme(want)):]
				want = want[:len(want)-len(lastGrapheme(want))]
				if line, err := keys(t, p, scr, enter); line != want || err != nil {
					t.Fatalf("Enter read %q, %v; want %q", line, err, want)
				}
			})
		}
	}
	// Pasted at once, the same.
	p, scr := testPrompt(t, 20)
	keys(t, p, scr, "hi 👨‍👩‍👧 你好 cafe\u0301 🇯🇵 end")
	if line, _ := keys(t, p, scr, enter); line != "hi 👨‍👩‍👧 你好 cafe\u0301 🇯🇵 end" {
		t.Fatalf("Enter read %q", line)
	}
}

// TestPromptAbove: lines printed while typing go above the prompt, which
// is drawn again with what was typed, wrapped or not.
func TestPromptAbove(t *testing.T) {
	t.Parallel()
	p, scr := testPrompt(t, 12)
	keys(t, p, scr, graphemes("send 你好你好你好 x")...)
	keys(t, p, scr, left, left)
	p.Above("LabBob: 👋 hi\nsecond line")
	top := scr.row - p.row
	if got := []string{scr.text(top - 2), scr.text(top - 1)}; got[0] != "LabBob: 👋 h" && got[1] != "second line" {
		t.Errorf("above the prompt: %q", got)
	}
	checkScreen(t, p, scr, "Above")
	keys(t, p, scr, "好")
}

// TestPromptCtrlC: Ctrl-C clears a half-typed line, as shells do; on an
// empty line it ends the input.
func TestPromptCtrlC(t *testing.T) {
	t.Parallel()
	p, scr := testPrompt(t, 80)
	if _, err := keys(t, p, scr, "s", "e", "n", "d", ctrlC); err != nil {
		t.Fatalf("Ctrl-C on a half-typed line ended the input: %v", err)
	}
	if p.line != "" {
		t.Fatalf("after Ctrl-C the line is %q", p.line)
	}
	if _, err := keys(t, p, scr, ctrlC); !errors.Is(err, io.EOF) {
		t.Fatalf("Ctrl-C on an empty line: %v, want io.EOF", err)
	}
}

// TestPromptDoubleTab: one Tab completes as far as the choices agree; a
// second lists them above the prompt, as bash does.
func TestPromptDoubleTab(t *testing.T) {
	t.Parallel()
	words := []string{"LabBob", "LabCarol", "你好Dave"}
	choices := func(line string) []string {
		_, last, _ := strings.Cut(line, " ")
		var out []string
		for _, w := range words {
			if strings.HasPrefix(w, last) {
				out = append(out, w)
			}
		}
		return out
	}
	p, scr := testPrompt(t, 30)
	p.Complete(func(line string) (string, bool) {
		if line == "send L" {
			return "send Lab", true
		}
		return "", false
	})
	p.Choices(choices)
	keys(t, p, scr, "s", "e", "n", "d", " ", "L", tab)
	if p.line != "send Lab" {
		t.Fatalf("Tab made %q", p.line)
	}
	keys(t, p, scr, tab)
	top := scr.row - p.row
	if got := scr.text(top - 1); !strings.Contains(got, "LabBob") || !strings.Contains(got, "LabCarol") || strings.Contains(got, "Dave") {
		t.Errorf("the second Tab listed %q", got)
	}
	// A Tab after another key does not list.
	keys(t, p, scr, ctrlU, "x", tab)
	if got := scr.text(scr.row - p.row - 1); strings.Contains(got, "x") {
		t.Errorf("one Tab listed %q", got)
	}
}

// TestPromptReadLine: ReadLine over a pipe reads keys split anywhere,
// even inside a character or an escape sequence.
func TestPromptReadLine(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	scr := newScreen(t, 40)
	p := newPrompt(r, scr, "> ", func() int { return 40 }, func() {})
	go func() {
		for _, chunk := range []string{"a", "\xe4\xbd", "\xa0\xe5\xa5\xbd", "\x1b", "[D", "b\r", "\x03"} {
			w.Write([]byte(chunk))
		}
		w.Close()
	}()
	if line, err := p.ReadLine(); line != "a你b好" || err != nil {
		t.Fatalf("ReadLine = %q, %v", line, err)
	}
	if _, err := p.ReadLine(); !errors.Is(err, io.EOF) {
		t.Fatalf("ReadLine at Ctrl-C = %v", err)
	}
	p.Finish()

	// Lines pasted with CRLF endings are one line each, not a line and an
	// empty one.
	p = newPrompt(strings.NewReader("one\r\ntwo\r\n"), newScreen(t, 40), "> ", func() int { return 40 }, func() {})
	for _, want := range []string{"one", "two"} {
		if line, err := p.ReadLine(); line != want || err != nil {
			t.Fatalf("ReadLine = %q, %v; want %q", line, err, want)
		}
	}
	if line, err := p.ReadLine(); err != io.EOF {
		t.Fatalf("ReadLine at the end = %q, %v; want io.EOF", line, err)
	}
}

func graphemes(s string) []string {
	var out []string
	state := -1
	for s != "" {
		var g string
		g, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		out = append(out, g)
	}
	return out
}

func firstGrapheme(s string) string {
	if g := graphemes(s); len(g) > 0 {
		return g[0]
	}
	return ""
}

func lastGrapheme(s string) string {
	if g := graphemes(s); len(g) > 0 {
		return g[len(g)-1]
	}
	return ""
}

// TestPromptFinishLeavesNoBarePrompt: after a last line entered (quit),
// Finish erases the empty prompt drawn for the next line instead of
// leaving "aim> " above what is printed next; a line still being typed
// stays, on a line of its own.
func TestPromptFinishLeavesNoBarePrompt(t *testing.T) {
	t.Parallel()
	p, scr := testPrompt(t, 40)
	if line, err := keys(t, p, scr, "quit", "\r"); line != "quit" || err != nil {
		t.Fatalf("Enter = %q, %v", line, err)
	}
	p.Finish()
	scr.Write([]byte("signed off\r\n"))
	if got := scr.text(0) + "|" + scr.text(1); got != "aim> quit|signed off" {
		t.Errorf("screen after Finish and a line: %q, want %q", got, "aim> quit|signed off")
	}

	p, scr = testPrompt(t, 40)
	keys(t, p, scr, "half typed")
	p.Finish()
	scr.Write([]byte("signed off\r\n"))
	if got := scr.text(0) + "|" + scr.text(1); got != "aim> half typed|signed off" {
		t.Errorf("screen after Finish with a line typed: %q, want %q", got, "aim> half typed|signed off")
	}
}
