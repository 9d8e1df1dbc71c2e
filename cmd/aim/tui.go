package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/history"
	"github.com/aim-oscar/aim/internal/tablecmd"
	"github.com/aim-oscar/aim/internal/tui"
)

type tuiOptions struct {
	accountOptions
	Notify      string
	ShowOffline bool
	Mouse       bool
}

func newTUICmd(f *factory) *cobra.Command {
	opts := &tuiOptions{accountOptions: newAccountOptions(f)}
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "A full-screen client: buddy list, a window per conversation and room, an input line",
		Long: `A full-screen client on the account's session: the buddy list on the left
(groups in the server's order; ● online, ◐ idle, ◑ away, offline buddies
collapsed), a window for each conversation and chat room on the right, with
its scrollback from the history, and an input line.

If a session of the screen name runs here for its server (aim login, a
systemd unit, another aim tui), aim tui attaches to it, and quitting leaves
it running (for another server: exit 7). Otherwise aim tui signs on and
serves the control socket like aim login (so aim send, aim status and other
aim tui attach to it), and quitting signs off: messages the server's rate
limit still holds back go out first (up to 2 minutes), the window bar
saying how many are left, and Ctrl-C drops them. Several aim tui attached
to one session each see everything, and what one sends shows in all.

Type in a window to talk to its buddy or room; /msg NAME opens a
conversation, and every command of the prompt works as /command (/away,
/join, /info, /block, ...), with /close, /quit and /logout. Alt-1…9,
Ctrl-N/Ctrl-P switch windows, Alt-A goes to the next with activity, F2 moves
to the buddy list, F1 or ? on an empty line shows every key.

A window with something new is marked in the window bar (* activity, + a
message for you); a message for you in a window not in view rings the
terminal's bell, or with --notify osc9 or osc777 asks the terminal for a
desktop notification; /notify off in a window (aim notify NAME off) keeps
it quiet for that buddy or room, saved in the config file. NO_COLOR=1 or --color=never draws without colours (bold,
reverse and the marks still show every state).`,
		Example: `  aim tui
  aim tui --server login.example.com:5190 --screen-name LabAlice
  tmux new -s aim 'aim tui'          # then, in another terminal: aim tui (attaches)
  NO_COLOR=1 aim tui --notify none`,
		Args: tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch tui.Notify(opts.Notify) {
			case tui.NotifyBell, tui.NotifyOSC9, tui.NotifyOSC777, tui.NotifyNone:
			default:
				return client.Usagef("--notify must be bell, osc9, osc777 or none, got %q", opts.Notify)
			}
			return runTUI(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	cmd.Flags().StringVar(&opts.Notify, "notify", string(tui.NotifyBell), "how a message for you in a window not in view is told: bell, osc9 or osc777 (desktop notifications, in the terminals that have them) or none")
	cmd.Flags().BoolVar(&opts.Mouse, "mouse", false, "the wheel scrolls, a click on the list opens a conversation (hold Shift to select text)")
	cmd.Flags().BoolVar(&opts.ShowOffline, "show-offline", false, "list the offline buddies, not one collapsed line")
	config.AddFlag(cmd.Flags(), config.KeyReconnect, "after a lost connection, sign on again with backoff (never after a kick or a wrong password)")
	return cmd
}

func runTUI(ctx context.Context, opts *tuiOptions) error {
	if opts.IO.Terminal() == nil {
		return client.Usagef("aim tui needs a terminal (for scripts: aim login, aim events --follow, aim send)")
	}
	if opts.Debug() {
		return client.Usagef("aim tui draws the whole terminal: --debug's trace would write over it (trace the session with aim login --debug, and attach aim tui to it)")
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	live, err := opts.starter().Live(ctx, cfg, false)
	if err != nil {
		return err
	}
	topts := tui.Options{Self: cfg.ScreenName, Notify: tui.Notify(opts.Notify), ShowOffline: opts.ShowOffline, Mouse: opts.Mouse, Color: cfg.Color}
	for _, g := range cfg.Buddies {
		topts.Groups = append(topts.Groups, tui.Group{Name: g.Group, Names: g.Names})
	}
	if cfg.History {
		if dir := history.Dir(cfg.StateDir(cfg.ScreenName)); dir != "" {
			topts.History = history.NewStore(dir)
		}
	}
	loggedOut, err := tui.Run(ctx, live, topts, opts.IO.In, opts.IO.Out, os.Environ())
	if cerr := live.Close(); err == nil {
		err = cerr
	}
	switch {
	case errors.Is(err, tui.ErrStillSigningOff): // Ctrl-C while /logout waited for an attached session
		fmt.Fprintln(opts.IO.ErrOut, "aim: left; "+err.Error())
		err = nil
	case err != nil:
	case loggedOut || live.Owns():
		fmt.Fprintln(opts.IO.ErrOut, "aim: signed off")
	default:
		fmt.Fprintln(opts.IO.ErrOut, "aim: the session still runs (aim tui attaches to it again; aim logout ends it)")
	}
	return err
}
