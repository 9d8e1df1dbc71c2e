// Package iostreams is the standard streams of a command, with terminal
// detection that tests can override, a password prompt without echo, and
// a line editor for the interactive prompt. It decides nothing about what
// is read or written.
package iostreams

import (
	"context"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams are the standard streams a command uses. Data goes to Out;
// status lines, prompts and errors go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  *bool // nil: detect from In
	stdoutTTY *bool // nil: detect from Out
	noColor   bool  // NO_COLOR is set
}

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

// SetStdinTTY overrides terminal detection for standard input, for tests.
func (s *IOStreams) SetStdinTTY(isTTY bool) { s.stdinTTY = &isTTY }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool {
	if s.stdinTTY != nil {
		return *s.stdinTTY
	}
	f, ok := s.In.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// SetStdoutTTY overrides terminal detection for standard output, for
// tests: a fake terminal, to see what one would show.
func (s *IOStreams) SetStdoutTTY(isTTY bool) { s.stdoutTTY = &isTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool {
	if s.stdoutTTY != nil {
		return *s.stdoutTTY
	}
	f, ok := s.Out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// SetNoColor records that NO_COLOR is set to something (https://no-color.org):
// "auto" then colours nothing.
func (s *IOStreams) SetNoColor(on bool) { s.noColor = on }

// Color reports whether text written to Out may have colours, for the
// color setting mode: "always", "never", or "auto" (as "" is): when Out
// is a terminal and NO_COLOR is not set.
func (s *IOStreams) Color(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return !s.noColor && s.IsStdoutTTY()
}

// CanPrompt reports whether the user can be asked for input.
func (s *IOStreams) CanPrompt() bool { return s.IsStdinTTY() }

// ReadPassword writes prompt to ErrOut and reads one line from In. When In is
// a terminal the line is not echoed; Ctrl-D on an empty line is io.EOF (no
// password) and Ctrl-C an error matching context.Canceled. If ctx ends
// first the terminal is restored and ctx.Err() returned. (The read itself
// cannot be interrupted, so its goroutine is left blocked; the process is
// exiting by then.)
func (s *IOStreams) ReadPassword(ctx context.Context, prompt string) (string, error) {
	f, isFile := s.In.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		// Not a terminal (or a test override): plain line read.
		if _, err := io.WriteString(s.ErrOut, prompt); err != nil {
			return "", err
		}
		line, err := readLine(s.In)
		if err != nil {
			return "", err
		}
		return line, nil
	}

	fd := int(f.Fd())
	state, err := term.MakeRaw(fd) // no echo, and Ctrl-D comes through (see readSecret)
	if err != nil {
		return "", err
	}
	// The prompt once the echo is off: what is typed after it is not shown.
	if _, err := io.WriteString(s.ErrOut, prompt); err != nil {
		_ = term.Restore(fd, state)
		return "", err
	}
	type result struct {
		pw  []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		pw, err := readSecret(f)
		_ = term.Restore(fd, state)
		done <- result{pw, err}
	}()
	select {
	case r := <-done:
		_, _ = io.WriteString(s.ErrOut, "\n") // the user's Enter was not echoed
		if r.err != nil {
			return "", r.err
		}
		return string(r.pw), nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		_, _ = io.WriteString(s.ErrOut, "\n")
		return "", ctx.Err()
	}
}

// readLine reads one line from r a byte at a time, so nothing after it is
// consumed, and returns it without its line ending. EOF after some text ends
// the line; EOF before any is io.EOF.
func readLine(r io.Reader) (string, error) {
	var line []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
			continue
		}
		if err == io.EOF && len(line) > 0 {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}

// Terminal returns the terminal behind standard input when standard output
// is one too, so a prompt can be drawn: nil otherwise (pipes, files,
// tests), and input is read line by line.
func (s *IOStreams) Terminal() *os.File {
	if !s.IsStdinTTY() {
		return nil
	}
	in, ok := s.In.(*os.File)
	out, ok2 := s.Out.(*os.File)
	if !ok || !ok2 || !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(out.Fd())) {
		return nil
	}
	return in
}
