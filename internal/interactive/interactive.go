// Package interactive is the loop every command that stays online runs:
// sign on, print what the account reports, and run the lines of standard
// input as commands (at a prompt on a terminal, line by line otherwise),
// in order, until the input ends, --for passes, a signal arrives or the
// account goes offline for good. aim login, aim demo and aim chat use it,
// each with its own plan; a full-screen front end would too.
package interactive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// SessionPlan says how long a session lasts and where its commands come from.
type SessionPlan struct {
	For     time.Duration
	NoInput bool
	Debug   bool   // the trace writes to the terminal: no prompt
	Status  string // printed to standard error once signed on (text mode)
	// Socket, if set, is the session's control socket, listening already:
	// it serves the account once signed on and closes when it is off.
	Socket *sessionsock.Socket
}

// StayOnline signs on, prints what the account reports and runs the
// commands read from standard input until the input ends, --for passes, a
// signal arrives or the account goes offline for good. A logout asked for
// returns nil.
func StayOnline(ctx context.Context, streams *iostreams.IOStreams, out *Printer, opts client.Options, plan SessionPlan) (err error) {
	fmt.Fprintf(streams.ErrOut, "aim: signing on to %s as %s...\n", opts.Server, opts.ScreenName)
	interrupted := ctx.Err // a signal, not quit or the end of input
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	sock := plan.Socket
	defer func() { sock.Finish(err) }()
	opts.Emit = func(o client.Output) {
		out.Print(o)
		sock.Emit(o)
	}
	// What a script says through the socket (aim send) is said by this
	// account: it shows here as well as to the socket's followers.
	sock.ShareThrough(opts.Emit)
	c, err := client.Start(ctx, opts)
	if err != nil {
		return err
	}
	sock.Started(c)
	if plan.Status != "" && !out.JSON {
		fmt.Fprintln(streams.ErrOut, plan.Status)
	}
	if plan.For > 0 {
		t := time.AfterFunc(plan.For, stop)
		defer t.Stop()
	}
	if !plan.NoInput {
		defer StartInput(ctx, stop, streams, out, c, InputPlan{
			Prompt:   "aim> ",
			Greeting: fmt.Sprintf("Type %s for commands; Ctrl-D or %s signs off.", client.CmdHelp.Name, client.CmdQuit.Name),
			Complete: c.Complete,
			Choices:  c.Choices,
			NoPrompt: plan.Debug, // the trace writes to the terminal directly
		})()
	}
	if err := c.Wait(); err != nil {
		return err
	}
	if n := c.Unsent(); n > 0 && interrupted() != nil {
		return &client.UnsentError{N: n, Cause: interrupted()}
	}
	if n := c.Failed(); n > 0 {
		return &client.ScriptError{Failed: n}
	}
	return nil
}

// InputPlan says how the lines of standard input become commands.
type InputPlan struct {
	Prompt   string // on a terminal: the prompt, "aim> "
	Greeting string // when a person types the commands: said once, first (above the prompt, else on standard error)
	// rewrite, if set, turns a line into a command line, and says whether
	// the input ends after it; without it, each line is a command.
	Rewrite  func(line string) (cmd string, last bool)
	Complete func(line string) (string, bool) // tab completion at the prompt
	Choices  func(line string) []string       // what a second Tab lists
	NoPrompt bool                             // read line by line even on a terminal
}

// LineRunner runs the lines of input: a client of its own
// (*client.Client), or a running session through its socket
// (sessionRoom).
type LineRunner interface {
	// Exec runs one line (client.Client.Exec); client.ErrQuit ends the
	// input.
	Exec(ctx context.Context, id int, line string, wait bool) error
	// Flush waits for the results of the lines run.
	Flush(ctx context.Context)
	// Refuse reports a line that could not be read (client.Client.Refuse).
	Refuse(id int, err error, wait bool)
}

// MaxInputLine bounds a line of standard input; a longer one is refused
// and the input goes on.
const MaxInputLine = 1 << 20

// StartInput runs the lines of standard input through c as commands, in
// order, on its own goroutine, and calls stop when the input ends (after
// every command's result). On a terminal (text output) it reads them at a
// prompt; the func it returns gives the terminal back, with what was typed
// left on a line of its own. The reader cannot be interrupted: it ends at
// the end of input, or with the process.
func StartInput(ctx context.Context, stop func(), streams *iostreams.IOStreams, out *Printer, c LineRunner, plan InputPlan) (restore func()) {
	restore = func() {}
	lines := iostreams.NewLines(streams.In, MaxInputLine)
	next := func() (string, error) {
		line, err := lines.Next()
		if err != nil && err != io.EOF && !errors.As(err, new(*iostreams.LineTooLongError)) {
			return "", fmt.Errorf("reading commands: %w", err)
		}
		return line, err
	}
	wait := true // a script's commands wait, in order, through a reconnect
	greeted := false
	person := !out.JSON && streams.IsStdinTTY() // someone types the commands
	if tty := streams.Terminal(); tty != nil && !out.JSON && !plan.NoPrompt {
		if p, err := iostreams.NewPrompt(tty, streams.Out, plan.Prompt); err == nil {
			restore = func() { out.Detach(p.Finish) }
			out.SetAbove(p.Above)
			p.Complete(plan.Complete)
			p.Choices(plan.Choices)
			p.Above(plan.Greeting)
			next, wait, greeted = p.ReadLine, false, true // a person at a prompt never waits
		}
	}
	if !greeted && plan.Greeting != "" && !out.JSON && streams.IsStdinTTY() {
		// Someone types the commands, without a prompt (standard output
		// is not the terminal, or --debug writes to it).
		fmt.Fprintln(streams.ErrOut, plan.Greeting)
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
			if plan.Rewrite != nil {
				cmd, last = plan.Rewrite(line)
			}
			if c.Exec(ctx, id, cmd, wait) == client.ErrQuit || last {
				restore()
				if s, ok := c.(interface{ Sending() int }); ok && person && s.Sending() > 0 {
					// The rate limit may hold them back a while: say
					// so, and how to stop waiting (a signal ends ctx).
					fmt.Fprintf(streams.ErrOut, "aim: %s\n", client.SigningOffText(s.Sending()))
				}
				c.Flush(ctx)
				return
			}
		}
	}()
	return restore
}

// Printer writes what a running account reports to standard output, one
// line each: client.Text for people, or client.JSON for programs. It is
// safe for concurrent use, and its lines never mix.
type Printer struct {
	mu sync.Mutex
	W  io.Writer
	// ErrOut takes the notes that are not output (standard error); nil:
	// none are written.
	ErrOut io.Writer
	JSON   bool
	// Color colours the text (client.Colored): for a terminal, as
	// IOStreams.Color decides. JSON is never coloured.
	Color bool
	// above, if set, writes a line on a terminal that shows a prompt, so
	// the line being typed is redrawn below it.
	above func(line string)
}

// NewPrinter is the Printer of standard output: JSON, or text coloured as
// the color setting says (IOStreams.Color).
func NewPrinter(streams *iostreams.IOStreams, json bool, color string) *Printer {
	return &Printer{W: streams.Out, ErrOut: streams.ErrOut, JSON: json, Color: !json && streams.Color(color)}
}

// Print writes one output.
func (p *Printer) Print(o client.Output) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.JSON {
		b, _ := client.JSON(o) // cannot fail: Outputs are plain structs
		p.write(strings.TrimSuffix(string(b), "\n"))
		return
	}
	switch {
	case !client.Shown(o):
	case p.Color:
		p.write(client.Colored(o))
	default:
		p.write(client.Text(o))
	}
}

// Notices prints a running session's notices on w (standard error) for
// people, as a command that waits for the session (no prompt) gets them:
// it says why it waits (reconnecting). Nil for JSON: scripts follow
// aim events.
func Notices(w io.Writer, jsonOut bool) func(client.Output) {
	if jsonOut {
		return nil
	}
	return func(o client.Output) { fmt.Fprintln(w, "aim: session: "+client.Text(o)) }
}

// PrintRaw writes one output as the session sent it (its one JSON form):
// as it is, or for people, read back and printed as Print does.
func (p *Printer) PrintRaw(raw json.RawMessage) error {
	if !p.JSON {
		o, err := sessionsock.DecodeOutput(raw)
		if err != nil {
			return err
		}
		p.Print(o)
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.write(string(raw))
	return nil
}

// History prints what aim history found for q (client.History): the
// result of forgetting; the stored conversations, with neither a name nor
// a text to find (none: a note on ErrOut says where it looked); else the lines, as stored for JSON, or for people as
// client.HistoryText lays them out.
func (p *Printer) History(a *client.HistoryAnswer, q client.HistoryQuery) {
	switch {
	case a.Forgot != nil:
		p.Print(a.Forgot)
	case q.Name == "" && q.Grep == "":
		if len(a.Conversations) == 0 && p.ErrOut != nil {
			fmt.Fprintf(p.ErrOut, "aim: no history yet in %s\n", a.Dir)
		}
		for _, c := range a.Conversations {
			if p.JSON {
				p.Print(c)
			} else {
				p.line(c.Line())
			}
		}
	case p.JSON:
		for _, l := range a.Lines {
			p.line(string(l.Raw))
		}
	default:
		for _, s := range client.HistoryText(a.Lines, q.Name == "") {
			p.line(s)
		}
	}
}

// line writes one line as it is.
func (p *Printer) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.write(s)
}

func (p *Printer) write(line string) {
	if p.above != nil {
		p.above(line)
		return
	}
	fmt.Fprintln(p.W, line)
}

// SetAbove switches printing above a prompt on (f) or off (nil).
func (p *Printer) SetAbove(f func(string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.above = f
}

// Detach stops printing above a prompt and runs f (which restores the
// terminal) with no line printed in between.
func (p *Printer) Detach(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.above = nil
	f()
}
