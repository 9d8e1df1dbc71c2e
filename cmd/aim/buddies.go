package main

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

func newBuddiesCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "buddies <command>",
		Short: "Edit the buddy list, kept in the config file and on the server",
		Long: `Edit the buddy list kept in the config file. aim syncs it with the list the
server keeps (at each signon, and at once in a running session), so it
follows your account to other clients, and the server tells you when your
buddies come and go.

The list is a list of groups; a screen name is on it at most once, compared
ignoring case and spaces ("Lab Carol" is "labcarol"), and is kept as you typed it.`,
		Example: `  aim buddies add LabBob "Lab Carol"
  aim buddies add boss --group Work
  aim buddies remove LabBob
  aim buddies list --json`,
		Args: noUnknownSubcommand,
		RunE: showHelp,
	}
	cmd.AddCommand(newBuddiesAddCmd(f, nil),
		tablecmd.New(f.table(), client.CmdRemove, tablecmd.Spec{Lists: tablecmd.EachName()}),
		tablecmd.New(f.table(), client.CmdMove, tablecmd.Spec{}),
		addNoSessionNoop(newBuddiesListCmd(f)))
	return cmd
}

func newBuddiesAddCmd(f *factory, runF func(lists [][]string) error) *cobra.Command {
	var group string
	cmd := tablecmd.New(f.table(), client.CmdAdd, tablecmd.Spec{
		Long: `Give several names to add them all; --group picks the group.`,
		RunE: func(cmd *cobra.Command, args []string, run func(context.Context, [][]string) error) error {
			if cmd.Flags().Changed("group") && strings.TrimSpace(group) == "" {
				return client.Usagef("--group needs a group name")
			}
			lists, _ := tablecmd.EachName(group)(cmd, args)
			if runF != nil {
				return runF(lists)
			}
			return run(cmd.Context(), lists)
		},
	})
	cmd.Flags().StringVarP(&group, "group", "g", config.DefaultGroup, "add to group `NAME`")
	return cmd
}

func newBuddiesListCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "Print the buddy list",
		Long: `Print the buddy list, group by group, in the server's order (as last synced;
what the server has not seen yet comes last in its group). With --json,
print one result whose groups hold the names:
{"type":"result",…,"command":"buddies list","groups":[{"group":"Buddies","names":["LabBob"]}]}.
It reads the config file (and the order last synced), never a session.`,
		Example: "  aim buddies list\n  aim buddies list --json | jq -r '.groups[].names[]'",
		Args:    tablecmd.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			return tablecmd.Print(f.IO, cfg.Output == config.OutputJSON, client.ListGroups(cfg, time.Now()))
		},
	}
}
