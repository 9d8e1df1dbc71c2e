package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// sessionPlan says how long a session lasts and where its commands come from.
type sessionPlan struct {
	For     time.Duration
	NoInput bool
	Debug   bool   // the trace writes to the terminal: no prompt
	Status  string // printed to standard error once signed on (text mode)
	// Socket, if set, is the session's control socket, listening already:
	// it serves the account once signed on and closes when it is off.
	Socket *sessionsock.Socket
}

// stayOnline signs on, prints what the account reports and runs the
// commands read from standard input until the input ends, --for passes, a
// signal arrives or the account goes offline for good. A logout asked for
// returns nil.
func stayOnline(ctx context.Context, streams *IOStreams, out *printer, opts client.Options, plan sessionPlan) (err error) {
	fmt.Fprintf(streams.ErrOut, "aim: signing on to %s as %s...\n", opts.Server, opts.ScreenName)
	interrupted := ctx.Err // a signal, not quit or the end of input
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	sock := plan.Socket
	defer func() { sock.Finish(err) }()
	opts.Emit = func(o client.Output) {
		out.print(o)
		sock.Emit(o)
	}
	c, err := client.Start(ctx, opts)
	if err != nil {
		return err
	}
	sock.Started(c)
	if plan.Status != "" && !out.json {
		fmt.Fprintln(streams.ErrOut, plan.Status)
	}
	if plan.For > 0 {
		t := time.AfterFunc(plan.For, stop)
		defer t.Stop()
	}
	if !plan.NoInput {
		defer startInput(ctx, stop, streams, out, c, inputPlan{
			prompt:   "aim> ",
			greeting: fmt.Sprintf("Type %s for commands; Ctrl-D or %s signs off.", client.CmdHelp.Name, client.CmdQuit.Name),
			complete: c.Complete,
			choices:  c.Choices,
			noPrompt: plan.Debug, // the trace writes to the terminal directly
		})()
	}
	if err := c.Wait(); err != nil {
		return err
	}
	if n := c.Unsent(); n > 0 && interrupted() != nil {
		return fmt.Errorf("%d queued messages not sent: %w", n, interrupted())
	}
	if n := c.Failed(); n > 0 {
		return &client.ScriptError{Failed: n}
	}
	return nil
}

// inputPlan says how the lines of standard input become commands.
type inputPlan struct {
	prompt   string // on a terminal: the prompt, "aim> "
	greeting string // on a terminal: printed above the prompt first
	// rewrite, if set, turns a line into a command line, and says whether
	// the input ends after it; without it, each line is a command.
	rewrite  func(line string) (cmd string, last bool)
	complete func(line string) (string, bool) // tab completion at the prompt
	choices  func(line string) []string       // what a second Tab lists
	noPrompt bool                             // read line by line even on a terminal
}

// lineRunner runs the lines of input: a client of its own
// (*client.Client), or a running session through its socket
// (sessionRoom).
type lineRunner interface {
	// Exec runs one line (client.Client.Exec); client.ErrQuit ends the
	// input.
	Exec(ctx context.Context, id int, line string, wait bool) error
	// Flush waits for the results of the lines run.
	Flush(ctx context.Context)
	// Refuse reports a line that could not be read (client.Client.Refuse).
	Refuse(id int, err error, wait bool)
}

// maxInputLine bounds a line of standard input; a longer one is refused
// and the input goes on.
const maxInputLine = 1 << 20

// startInput runs the lines of standard input through c as commands, in
// order, on its own goroutine, and calls stop when the input ends (after
// every command's result). On a terminal (text output) it reads them at a
// prompt; the func it returns gives the terminal back, with what was typed
// left on a line of its own. The reader cannot be interrupted: it ends at
// the end of input, or with the process.
func startInput(ctx context.Context, stop func(), streams *IOStreams, out *printer, c lineRunner, plan inputPlan) (restore func()) {
	restore = func() {}
	lines := iostreams.NewLines(streams.In, maxInputLine)
	next := func() (string, error) {
		line, err := lines.Next()
		if err != nil && err != io.EOF && !errors.As(err, new(*iostreams.LineTooLongError)) {
			return "", fmt.Errorf("reading commands: %w", err)
		}
		return line, err
	}
	wait := true // a script's commands wait, in order, through a reconnect
	if tty := streams.Terminal(); tty != nil && !out.json && !plan.noPrompt {
		if p, err := iostreams.NewPrompt(tty, streams.Out, plan.prompt); err == nil {
			restore = func() { out.detach(p.Finish) }
			out.setAbove(p.Above)
			p.Complete(plan.complete)
			p.Choices(plan.choices)
			p.Above(plan.greeting)
			next, wait = p.ReadLine, false // a person at a prompt never waits
		}
	}
	go func() {
		defer stop()
		for id := 1; ; id++ {
			line, err := next()
			if tooLong := (*iostreams.LineTooLongError)(nil); errors.As(err, &tooLong) {
				c.Refuse(id, err, wait)
				continue
			}
			if err != nil {
				// Hand the terminal back before the last events (signed
				// off) print.
				restore()
				if !errors.Is(err, io.EOF) {
					c.Refuse(id, err, wait)
				}
				c.Flush(ctx)
				return
			}
			cmd, last := line, false
			if plan.rewrite != nil {
				cmd, last = plan.rewrite(line)
			}
			if c.Exec(ctx, id, cmd, wait) == client.ErrQuit || last {
				restore()
				c.Flush(ctx)
				return
			}
		}
	}()
	return restore
}
