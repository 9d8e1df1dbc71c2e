package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

func newSendCmd(f *factory) *cobra.Command {
	var onlineOnly bool
	var timeout time.Duration
	cmd := tablecmd.New(f.table(), client.CmdSend, tablecmd.Spec{
		Use: "NAME [MESSAGE...]", Own: tablecmd.OwnFallback,
		Long: `When 'aim login' runs for the screen name, the message goes through that
session: no password, no second signon, and the session's rate limiter
and queue (many aim send at once are sent in the order they came).
Otherwise aim signs on, sends, and signs off; --no-session forces that.
Without MESSAGE, or with -, the message is read from standard input (all
of it, up to the server's limit, 512 bytes). While the session reconnects,
the message waits for it, up to --timeout: at a terminal until Ctrl-C, and
when standard input is not a terminal (a script, cron) up to ` + scriptWait + `
unless --timeout says otherwise. A message given up on (the time ran out,
Ctrl-C) is dropped by the session, never sent later, unless it was already
on its way.

Exit status 0 means the server accepted the message: it was delivered, or
the server keeps it for the recipient's next signon. 6 means the server
refused it. If the connection is lost after the message went out but
before the server confirmed it, aim says "sent, but the server did not
confirm it before the connection was lost" and exits 1: it may have arrived.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return client.Usagef("send needs the recipient's screen name: aim send NAME [MESSAGE...]")
			}
			return tablecmd.ScreenNames("send")(cmd, args[:1])
		},
		RunE: func(cmd *cobra.Command, args []string, run func(context.Context, [][]string) error) error {
			given := cmd.Flags().Changed("timeout")
			list, err := sendArgs(f, args, onlineOnly)
			if err != nil {
				return err
			}
			return runner.RunWithin(cmd.Context(), runner.Wait(timeout, given, f.IO.IsStdinTTY()), given,
				func(ctx context.Context) error { return run(ctx, [][]string{list}) })
		},
	})
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "give up after `DURATION` (exit 4), e.g. while the session reconnects; 0: wait (default: wait at a terminal, "+scriptWait+" otherwise)")
	config.AddFlag(cmd.Flags(), config.KeyHTML, "the message is HTML: send it as it is (or AIM_HTML, html: true)")
	cmd.Flags().BoolVar(&onlineOnly, "online-only", false, "refuse the message if the recipient is offline, rather than have the server keep it for them")
	return cmd
}

// scriptWait is runner.ScriptWait in words, for help.
var scriptWait = fmt.Sprintf("%d minutes", int(runner.ScriptWait.Minutes()))

// maxStdinMessage bounds what is read from standard input: far above any
// server's limit, so the limit check, not the read, says what is wrong.
const maxStdinMessage = 64 << 10

// sendArgs is send's argument list: the name and the message (the
// arguments after the name, else standard input), the message as given.
func sendArgs(f *factory, args []string, onlineOnly bool) ([]string, error) {
	text := strings.Join(args[1:], " ")
	if len(args) == 1 || len(args) == 2 && args[1] == "-" { // - is standard input, as for set-away
		var err error
		if text, err = readInput(f, f.IO.In, "message", maxStdinMessage); err != nil {
			return nil, err
		}
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	return client.SendArgs(args[0], text, cfg.HTML, onlineOnly), nil
}
