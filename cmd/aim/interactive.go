package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"

	"github.com/aim-oscar/aim/internal/client"
)

// terminalOf returns the terminal behind standard input when standard
// output is the same kind of thing, so a prompt can be drawn: nil
// otherwise (pipes, files, tests), and commands are read line by line.
func terminalOf(streams *IOStreams) *os.File {
	if !streams.IsStdinTTY() {
		return nil
	}
	in, ok := streams.In.(*os.File)
	out, ok2 := streams.Out.(*os.File)
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

// readCommands is readCommands for a terminal. Ctrl-D on an empty line,
// or Ctrl-C, ends the input.
func (p *prompt) readCommands(ctx context.Context, c *client.Client, out *printer) error {
	p.t.AutoCompleteCallback = func(line string, pos int, key rune) (string, int, bool) {
		if key != '\t' || pos != len(line) {
			return "", 0, false
		}
		line, ok := c.Complete(line)
		return line, len(line), ok
	}
	p.above(fmt.Sprintf("Type %s for commands; Ctrl-D or %s signs off.", client.CmdHelp.Name, client.CmdQuit.Name))
	var err error
	for id := 1; ; id++ {
		line, rerr := p.t.ReadLine()
		if rerr != nil {
			if !errors.Is(rerr, io.EOF) {
				err = rerr
			}
			break
		}
		if c.Exec(ctx, id, line, false) == client.ErrQuit {
			break
		}
	}
	// Hand the terminal back before the last events (signed off) print,
	// leaving what was typed on its own line.
	out.detach(p.finish)
	c.Flush(ctx)
	return err
}
