package main

import (
	"context"
	"errors"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/aim-oscar/aim/internal/oscar"
)

// terminalOf returns the terminal behind standard input when standard
// output is the same kind of thing, so a prompt can be drawn: nil
// otherwise (pipes, files, tests), and commands are read line by line.
func terminalOf(io *IOStreams) *os.File {
	if !io.IsStdinTTY() {
		return nil
	}
	in, ok := io.In.(*os.File)
	out, ok2 := io.Out.(*os.File)
	if !ok || !ok2 || !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(out.Fd())) {
		return nil
	}
	return in
}

// prompt is the interactive mode: a line editor with history and tab
// completion, with events printed above the line being typed.
type prompt struct {
	fd      int
	out     io.Writer
	state   *term.State
	t       *term.Terminal
	restore sync.Once
}

func newPrompt(in *os.File, out io.Writer) (*prompt, error) {
	fd := int(in.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	p := &prompt{fd: fd, out: out, state: state}
	p.t = term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, "aim> ")
	if w, h, err := term.GetSize(fd); err == nil {
		p.t.SetSize(w, h)
	}
	return p, nil
}

// finish puts the terminal back as it was and moves off the prompt's line;
// only the first call does anything.
func (p *prompt) finish() {
	p.restore.Do(func() {
		term.Restore(p.fd, p.state)
		io.WriteString(p.out, "\n")
	})
}

// above prints a line above the prompt, redrawing what is being typed.
func (p *prompt) above(line string) { p.t.Write([]byte(line + "\n")) }

// readAllInteractive is readAll for a terminal. Ctrl-D on an empty line,
// or Ctrl-C, ends the input.
func (c *commander) readAllInteractive(ctx context.Context, p *prompt) error {
	p.t.AutoCompleteCallback = c.complete
	p.above("Type help for commands; Ctrl-D or quit signs off.")
	id := 0
	var err error
	for {
		line, rerr := p.t.ReadLine()
		if rerr != nil {
			if !errors.Is(rerr, io.EOF) {
				err = rerr
			}
			break
		}
		id++
		if c.run(ctx, id, line) == errQuit {
			break
		}
	}
	// Hand the terminal back before the last events (signed off) print,
	// leaving what was typed on its own line.
	c.out.detach(p.finish)
	c.wait(ctx)
	return err
}

var commandNames = []string{"send ", "autoreply ", "add ", "remove ", "profile ", "away ", "info ", "warn ", "buddies", "help", "quit"}

// complete is the tab completion of the prompt: the command name in the
// first word, a screen name in the second.
func (c *commander) complete(line string, pos int, key rune) (string, int, bool) {
	if key != '\t' || pos != len(line) {
		return "", 0, false
	}
	verb, rest := cut(line)
	if !strings.ContainsAny(line, " \t") {
		return completeFrom(line, "", commandNames)
	}
	if strings.ContainsAny(rest, " \t\"'") {
		return "", 0, false // past the name: message text
	}
	var names []string
	seen := map[string]bool{}
	addName := func(n string) {
		if k := oscar.NormalizeScreenName(n); !seen[k] && !strings.Contains(n, " ") {
			seen[k] = true
			names = append(names, n+" ")
		}
	}
	if sess := c.live.current(); sess != nil {
		for _, n := range sess.OnlineBuddies() {
			addName(n)
		}
	}
	for _, n := range c.live.account().Buddies {
		addName(n)
	}
	sort.Strings(names)
	return completeFrom(rest, verb+" ", names)
}

// completeFrom completes word to the longest prefix shared by the
// candidates that start with it (ignoring case).
func completeFrom(word, before string, candidates []string) (string, int, bool) {
	var match []string
	for _, c := range candidates {
		if len(c) >= len(word) && strings.EqualFold(c[:len(word)], word) {
			match = append(match, c)
		}
	}
	if len(match) == 0 {
		return "", 0, false
	}
	common := match[0]
	for _, m := range match[1:] {
		n := 0
		for n < len(common) && n < len(m) && strings.EqualFold(common[n:n+1], m[n:n+1]) {
			n++
		}
		common = common[:n]
	}
	if len(common) <= len(word) {
		return "", 0, false
	}
	line := before + common
	return line, len(line), true
}
