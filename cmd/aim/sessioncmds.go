package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// The commands that only talk to a running session: status, events and
// logout (and info, which signs on by itself when there is none).

// sessionCmdOptions are what a command that talks to a session takes.
type sessionCmdOptions struct {
	IO         *IOStreams
	Config     func() (*config.Config, error)
	RuntimeDir func() string
}

func newSessionCmdOptions(f *factory) sessionCmdOptions {
	return sessionCmdOptions{IO: f.IO, Config: f.Config, RuntimeDir: f.RuntimeDir}
}

// connect finds the running session of the configured screen name (with
// none configured, the one session running here): none is a
// *sessionsock.NoSessionError.
func (o *sessionCmdOptions) connect(ctx context.Context) (*control.Client, *interactive.Printer, error) {
	cfg, err := o.Config()
	if err != nil {
		return nil, nil, err
	}
	if cfg.ScreenName != "" {
		if _, err := cfg.RequireScreenName(); err != nil {
			return nil, nil, err
		}
	}
	c, err := sessionsock.Dial(ctx, socketDirs(o.RuntimeDir()), cfg.ScreenName)
	if err != nil {
		return nil, nil, err
	}
	if c == nil {
		name, err := cfg.RequireScreenName()
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, sessionsock.NoSession(socketDirs(o.RuntimeDir()), name)
	}
	return c, interactive.NewPrinter(o.IO, cfg.Output == config.OutputJSON, cfg.Color), nil
}

// addScreenNameFlag adds --screen-name, which picks the session.
func addScreenNameFlag(cmd *cobra.Command) {
	cmd.Flags().String("screen-name", "", "the session of screen `NAME` (or AIM_SCREEN_NAME, or the config file's)")
}

func newStatusCmd(f *factory) *cobra.Command {
	opts := newAccountOptions(f)
	var noSession bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the running session: who, since when, away, buddies online",
		Long: `Show the session that 'aim login' runs for the screen name: the name as the
server spells it, when it signed on, the away message, and which buddies are
online (marked away or idle) and offline. Without --no-session it signs
nothing on: with no session running, it says so and exits with status 8.
With --no-session aim signs on, reports the same, and signs off.

With --json it prints one result object: {"type":"result","command":"status",
"name":…,"signon_time":…,"away":…,"away_message":…,"online":[…],"offline":[…],
"buddies":[{"name":…,"away":…,"idle_minutes":…,…}],"groups":[…],"rooms":[…],…}
(no signon_time while the session is reconnecting).`,
		Example: `  aim status
  aim status --json | jq -r '.online[]'
  aim status --screen-name DemoUser    # the session of 'aim demo'
  aim status --no-session              # sign on, report, sign off
  aim status >/dev/null 2>&1 || aim login --no-input &`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var own func(*config.Config) (client.Options, error)
			if noSession {
				own = opts.own(cmd.Context(), true)
			}
			return runLists(cmd.Context(), f, client.CmdStatus, noSession, [][]string{nil}, own)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	addNoSessionFlag(cmd, &noSession)
	return cmd
}

type eventsOptions struct {
	sessionCmdOptions
	Follow bool
}

func newEventsCmd(f *factory, runF func(context.Context, *eventsOptions) error) *cobra.Command {
	opts := &eventsOptions{sessionCmdOptions: newSessionCmdOptions(f)}
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

With --follow, aim exits 0 when the session signs off (aim logout, Ctrl-C on
it), 5 when the server signs it off, 4 when its connection is lost for good.
With no session running it exits with status 8.`, sessionsock.EventRing),
		Example: `  aim events
  aim events --follow
  aim events --follow --json | jq -c 'select(.type == "im")'
  aim events --follow --json | while read -r ev; do ...; done   # a bot`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEvents(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Follow, "follow", "f", false, "print new events as they happen, until Ctrl-C or the session ends")
	addScreenNameFlag(cmd)
	return cmd
}

func runEvents(ctx context.Context, opts *eventsOptions) error {
	c, out, err := opts.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return sessionsock.Events(ctx, c, opts.Follow, out.PrintRaw)
}

func newInfoCmd(f *factory) *cobra.Command {
	opts := newAccountOptions(f)
	var noSession bool
	cmd := &cobra.Command{
		Use:               "info NAME",
		ValidArgsFunction: completeBuddies(f, 1),
		Short:             "Show a user's profile and away message",
		Long: `Ask the server for a user's profile, away message, warning level, idle
time and signon time. Through the running session when there is one;
otherwise aim signs on, asks, and signs off (--no-session forces that).`,
		Example: `  aim info LabBob
  aim info "Lab Carol" --json | jq -r .profile`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("info needs one screen name: aim info NAME")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLists(cmd.Context(), f, client.CmdInfo, noSession, [][]string{args}, opts.own(cmd.Context(), false))
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	addNoSessionFlag(cmd, &noSession)
	return cmd
}

// addNoSessionNoop adds --no-session to a command that never uses a
// session, so that a script may pass it to every command.
func addNoSessionNoop(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().Bool("no-session", false, "accepted for scripts: this command never uses a session")
	return cmd
}

// addNoSessionFlag adds --no-session to a command that signs on of its
// own without a session.
func addNoSessionFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "no-session", false, "do not use the running session: sign on as if there were none")
}

// addNoSessionEditFlag adds --no-session to a command that, without a
// session, edits the config file.
func addNoSessionEditFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "no-session", false, "do not use the running session: edit the config file as if there were none")
}

func newLogoutCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Sign the running session off",
		Long: `Sign off the session that 'aim login' runs for the screen name, as quit
at its end of input would: the commands under way finish first (messages
queued or waiting for the server's answer: an aim send that exits 0 was
sent), commands given after the logout are refused and not sent (they exit
non-zero), then it sends the server its sign-off and exits. aim logout
returns once it has, with status 0; with no session running it exits with
status 8.`,
		Example: `  aim logout
  aim logout --screen-name DemoUser`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLists(cmd.Context(), f, client.CmdLogout, false, [][]string{nil}, nil)
		},
	}
	addScreenNameFlag(cmd)
	return cmd
}
