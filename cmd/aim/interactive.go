package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
)

// promptCommands is client.ReadCommands at a prompt on a terminal, with
// tab completion from the command table. Ctrl-D on an empty line, or
// Ctrl-C, ends the input.
func promptCommands(ctx context.Context, c *client.Client, p *iostreams.Prompt, out *printer) error {
	p.Complete(c.Complete)
	p.Above(fmt.Sprintf("Type %s for commands; Ctrl-D or %s signs off.", client.CmdHelp.Name, client.CmdQuit.Name))
	var err error
	for id := 1; ; id++ {
		line, rerr := p.ReadLine()
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
	out.detach(p.Finish)
	c.Flush(ctx)
	return err
}
