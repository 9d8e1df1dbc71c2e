package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

type historyOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)
	client.HistoryQuery
}

func newHistoryCmd(f *factory) *cobra.Command {
	opts := &historyOptions{IO: f.IO, Config: f.Config}
	cmd := &cobra.Command{
		Use:               "history [NAME|ROOM]",
		ValidArgsFunction: tablecmd.CompleteBuddies(f.Config, 1),
		Short:             "Show what was said with a buddy or in a room (no session needed)",
		Long: `Show the conversation history the session records: the last lines with a
buddy or in a chat room, as the live view showed them, oldest first. Any
spelling of the name finds it (LabBob, "lab bob"). Without a name, --grep
searches every conversation; with neither, the stored conversations are
listed.

--since and --until take a date (2026-12-01, 2026-12-01 15:04), a time
of day (17:30: today's, in local time) or a time before now (2h, 90m,
3d). --grep finds text in any case, in what the messages say (not their
markup). --json prints the stored lines as they are, one JSON object
each, with "direction" ("in" or "out"); an IM you sent also has "to",
and "stored": true if the server keeps it for the recipient's next
signon.

--forget NAME removes everything stored with that buddy or in that room,
without asking, and says what it removed. The files are plain JSON Lines
under $XDG_STATE_HOME/aim/<screen name>/history/; history: false in the
config file turns recording off (see docs/history.md).`,
		Example: `  aim history LabBob                    # the last 20 lines with LabBob
  aim history "Lab Lounge" --limit 100
  aim history LabBob --since 2026-12-01 --until 2026-12-08
  aim history --grep lunch --since 7d   # every conversation
  aim history LabBob --since 09:00      # since nine this morning
  aim history LabBob --json | jq -r 'select(.direction=="in") | .text'
  aim history --forget LabBob`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Name = args[0]
			}
			opts.LimitGiven = cmd.Flags().Changed("limit")
			return runHistory(opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Limit, "limit", 20, "show the last `N` lines (0: all); with --grep, all unless given")
	fl.StringVar(&opts.Since, "since", "", "only lines from `WHEN` on: a date (2026-12-01), a time of day today (17:30) or a time before now (2h, 3d)")
	fl.StringVar(&opts.Until, "until", "", "only lines before `WHEN`: a date, a time of day today or a time before now")
	fl.StringVar(&opts.Grep, "grep", "", "only lines whose text contains `TEXT`, in any case (every conversation when no name is given)")
	fl.BoolVar(&opts.Forget, "forget", false, "remove the stored conversation with NAME (no question asked)")
	config.AddFlag(fl, config.KeyScreenName, "whose history: the screen name that recorded it (or AIM_SCREEN_NAME, screen_name in the config file)")
	return cmd
}

func runHistory(opts *historyOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	a, err := client.History(cfg, opts.HistoryQuery, time.Now())
	if err != nil {
		return err
	}
	interactive.NewPrinter(opts.IO, cfg.Output == config.OutputJSON, cfg.Color).History(a, opts.HistoryQuery)
	return nil
}
