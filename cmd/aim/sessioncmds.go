package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/sessionsock"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

// The commands that only talk to a running session: status, events and
// logout (and info, which signs on by itself when there is none).

func newStatusCmd(f *factory) *cobra.Command {
	return tablecmd.New(f.table(), client.CmdStatus, tablecmd.Spec{Own: tablecmd.OwnAsked, Buddies: true,
		Long: `It shows the session that 'aim login' runs for the screen name and server,
signing nothing on: with none running, it says so and exits with status 8.
With --no-session aim signs on, reports the same, and signs off.

With --json it prints one result object: {"type":"result","command":"status",
"name":…,"signon_time":…,"away":…,"away_message":…,"online":[…],"offline":[…],
"buddies":[{"name":…,"away":…,"idle_minutes":…,…}],"groups":[…],"rooms":[…],…}
(no signon_time while the session is reconnecting).`})
}

func newEventsCmd(f *factory) *cobra.Command {
	var follow bool
	cmd := &cobra.Command{
		Use:   "events [--follow]",
		Short: "Print the running session's events; with --follow, as they happen",
		Long: fmt.Sprintf(`Print the events of the session that 'aim login' runs: the last %d it
kept, or with --follow each new one as it happens (messages, buddies coming
and going, warnings, reconnects), until Ctrl-C or the session ends. They are
the events 'aim login' prints, in the same form: with --json, one object per
line as the README's "JSON events" table says. With --follow the first line
is the session's status as 'aim status' prints it, so a script knows it is
following from there.

With --follow, aim exits 0 when you stop it (Ctrl-C) or the session signs
off (aim logout, Ctrl-C on it), 5 when the server signs it off, 4 when its
connection is lost for good.
With no session running it exits with status 8.`, sessionsock.EventRing),
		Example: `  aim events
  aim events --follow
  aim events --follow --json | jq -c 'select(.type == "im")'
  aim events --follow --json | while read -r ev; do ...; done   # a bot`,
		Args: tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEvents(cmd.Context(), f, follow) },
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "print new events as they happen, until Ctrl-C or the session ends")
	tablecmd.ScreenNameFlag(cmd)
	return cmd
}

// runEvents prints the events of the running session (runner.Find).
func runEvents(ctx context.Context, f *factory, follow bool) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	c, err := runner.Find(ctx, f.SocketDirs(), cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	out := interactive.NewPrinter(f.IO, cfg.Output == config.OutputJSON, cfg.Color)
	return sessionsock.Events(ctx, c, follow, out.PrintRaw)
}

func newInfoCmd(f *factory) *cobra.Command {
	return tablecmd.New(f.table(), client.CmdInfo, tablecmd.Spec{Own: tablecmd.OwnFallback,
		Long: `Through the running session when there is one; otherwise aim signs on,
asks, and signs off (--no-session forces that).`})
}

// addNoSessionNoop adds --no-session to a command that never uses a
// session, so that a script may pass it to every command.
func addNoSessionNoop(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().Bool("no-session", false, "accepted for scripts: this command never uses a session")
	return cmd
}

func newLogoutCmd(f *factory) *cobra.Command {
	return tablecmd.New(f.table(), client.CmdLogout, tablecmd.Spec{
		Long: `aim logout returns once it has, with status 0; with no session running it
exits with status 8.`})
}
