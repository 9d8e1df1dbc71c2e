package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
)

// sessionPlan says how long a session lasts and where its commands come from.
type sessionPlan struct {
	For     time.Duration
	NoInput bool
	Debug   bool   // the trace writes to the terminal: no prompt
	Status  string // printed to standard error once signed on (text mode)
}

// stayOnline signs on, prints what the account reports and runs the
// commands read from standard input until the input ends, --for passes, a
// signal arrives or the account goes offline for good. A logout asked for
// returns nil.
func stayOnline(ctx context.Context, streams *IOStreams, out *printer, opts client.Options, plan sessionPlan) error {
	fmt.Fprintf(streams.ErrOut, "aim: signing on to %s as %s...\n", opts.Server, opts.ScreenName)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	opts.Emit = out.print
	c, err := client.Start(ctx, opts)
	if err != nil {
		return err
	}
	if plan.Status != "" && !out.json {
		fmt.Fprintln(streams.ErrOut, plan.Status)
	}
	if plan.For > 0 {
		t := time.AfterFunc(plan.For, stop)
		defer t.Stop()
	}
	if !plan.NoInput {
		read := func() error { return c.ReadCommands(ctx, streams.In) }
		// No prompt with --debug: the trace writes to the terminal directly.
		if tty := streams.Terminal(); tty != nil && !out.json && !plan.Debug {
			if p, err := iostreams.NewPrompt(tty, streams.Out, "aim> "); err == nil {
				// However the session ends, give the terminal back with
				// what was typed left on a line of its own.
				defer out.detach(p.Finish)
				out.setAbove(p.Above)
				read = func() error { return promptCommands(ctx, c, p, out) }
			}
		}
		go func() {
			// The reader of standard input cannot be interrupted; it ends
			// at EOF, or with the process.
			if err := read(); err != nil {
				out.print(client.Stamp(&client.Result{Command: "input", Error: err.Error()}, time.Now()))
			}
			stop()
		}()
	}
	return c.Wait()
}
