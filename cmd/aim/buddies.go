package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/screenname"
)

func newBuddiesCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "buddies <command>",
		Short: "Edit the buddy list kept in the config file",
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
	cmd.AddCommand(newBuddiesAddCmd(f, nil), newBuddiesRemoveCmd(f, nil), newBuddiesMoveCmd(f), newBuddiesListCmd(f, nil))
	return cmd
}

// screenNameArgs validates a command's screen-name arguments.
func screenNameArgs(verb string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageErrorf("give at least one screen name to %s", verb)
		}
		for _, a := range args {
			if err := screenname.Validate(a); err != nil {
				return &usageError{err: err}
			}
		}
		return nil
	}
}

// buddyResult is one line of add/remove output with --json.
type buddyResult struct {
	Name   string `json:"name"`
	Group  string `json:"group,omitempty"`
	Result string `json:"result"` // "added" or "removed"
}

// String is the line for people.
func (r buddyResult) String() string {
	if r.Result == "added" {
		return "Added " + r.Name + " to " + r.Group
	}
	return "Removed " + r.Name
}

// buddiesEditOptions are the options of buddies add and buddies remove.
type buddiesEditOptions struct {
	IO         *IOStreams
	Config     func() (*config.Config, error)
	RuntimeDir func() string
	Names      []string
	Group      string // add's --group
	Add        bool   // add, not remove
	NoSession  bool   // --no-session: edit the file only
}

func newBuddiesAddCmd(f *factory, runF func(*buddiesEditOptions) error) *cobra.Command {
	opts := &buddiesEditOptions{IO: f.IO, Config: f.Config, RuntimeDir: f.RuntimeDir, Add: true}
	cmd := &cobra.Command{
		Use:   "add NAME...",
		Short: "Add screen names to the buddy list",
		Long: `Add screen names to the buddy list, in the group given with --group
(created if needed; default "Buddies"). Names already on the list are reported
on standard error and left where they are. When 'aim login' runs for the
screen name, the session adds them (to the server's watch list at once, and
to the file); --no-session edits the file only.`,
		Example: `  aim buddies add LabBob
  aim buddies add "Lab Carol" 12345678 --group Work`,
		Args: screenNameArgs("add"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if cmd.Flags().Changed("group") && strings.TrimSpace(opts.Group) == "" {
				return usageErrorf("--group needs a group name")
			}
			if runF != nil {
				return runF(opts)
			}
			return buddiesEditRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Group, "group", "g", config.DefaultGroup, "add to group `NAME`")
	addNoSessionFlag(cmd, &opts.NoSession)
	return cmd
}

func newBuddiesRemoveCmd(f *factory, runF func(*buddiesEditOptions) error) *cobra.Command {
	opts := &buddiesEditOptions{IO: f.IO, Config: f.Config, RuntimeDir: f.RuntimeDir}
	cmd := &cobra.Command{
		Use:               "remove NAME...",
		ValidArgsFunction: completeBuddies(f, -1),
		Aliases:           []string{"rm"},
		Short:             "Remove screen names from the buddy list",
		Long: `Remove screen names from the buddy list, whatever their group. Names not
on the list are reported on standard error. Groups left empty are kept. When
'aim login' runs for the screen name, the session removes them (from the
server's watch list at once, and from the file); --no-session edits the file
only.`,
		Example: "  aim buddies remove LabBob\n  aim buddies rm labcarol",
		Args:    screenNameArgs("remove"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if runF != nil {
				return runF(opts)
			}
			return buddiesEditRun(cmd.Context(), opts)
		},
	}
	addNoSessionFlag(cmd, &opts.NoSession)
	return cmd
}

func buddiesEditRun(ctx context.Context, opts *buddiesEditOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if !opts.NoSession {
		c, err := dialSession(ctx, opts.RuntimeDir(), cfg)
		if err != nil {
			return err
		}
		if c != nil {
			defer c.Close()
			return buddiesEditRemote(ctx, opts, cfg, c)
		}
	}
	groups := cfg.Buddies // before a removal, to name the group
	var done, skipped []string
	result, skip := "removed", "%s is not a buddy\n"
	if opts.Add {
		done, skipped, err = cfg.AddBuddies(opts.Names, opts.Group)
		groups, result, skip = cfg.Buddies, "added", "%s is already a buddy\n"
	} else {
		done, skipped, err = cfg.RemoveBuddies(opts.Names)
	}
	if err != nil {
		return err
	}
	for _, n := range skipped {
		fmt.Fprintf(opts.IO.ErrOut, skip, n)
	}
	for _, n := range done {
		r := buddyResult{Name: n, Group: groupOf(groups, n), Result: result}
		if cfg.Output == config.OutputJSON {
			err = writeJSON(opts.IO.Out, r)
		} else {
			_, err = fmt.Fprintln(opts.IO.Out, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// buddiesEditRemote has the running session add or remove the names, in
// one command: it tells the server at once, every name in one
// transaction, and edits the file (its own copy of it).
func buddiesEditRemote(ctx context.Context, opts *buddiesEditOptions, cfg *config.Config, c *control.Client) error {
	jsonOut := cfg.Output == config.OutputJSON
	command, args := client.CmdRemove.Name, append([]string{client.Each}, opts.Names...)
	if opts.Add {
		command, args = client.CmdAdd.Name, append([]string{client.Each, opts.Group}, opts.Names...)
	}
	if _, err := remote(ctx, c, command, args, noticeTo(opts.IO, jsonOut)); err != nil {
		return fmt.Errorf("%s %s: %w", command, strings.Join(opts.Names, " "), err)
	}
	for _, n := range opts.Names {
		res := buddyResult{Name: n, Result: "removed"}
		if opts.Add {
			res.Group, res.Result = opts.Group, "added"
		}
		var err error
		if jsonOut {
			err = writeJSON(opts.IO.Out, res)
		} else {
			_, err = fmt.Fprintln(opts.IO.Out, res)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// groupOf returns the group holding name, or "".
func groupOf(groups []config.BuddyGroup, name string) string {
	key := screenname.Normalize(name)
	for _, g := range groups {
		for _, n := range g.Names {
			if screenname.Normalize(n) == key {
				return g.Group
			}
		}
	}
	return ""
}

type buddiesListOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)
}

func newBuddiesListCmd(f *factory, runF func(*buddiesListOptions) error) *cobra.Command {
	opts := &buddiesListOptions{IO: f.IO, Config: f.Config}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "Print the buddy list",
		Long: `Print the buddy list, group by group, in the server's order (as last synced;
what the server has not seen yet comes last in its group). With --json,
print one object per buddy: {"group":"Buddies","name":"LabBob"}.`,
		Example: "  aim buddies list\n  aim buddies list --json | jq -r .name",
		Args:    noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return buddiesListRun(opts)
		},
	}
}

// buddyLine is one line of buddies list --json.
type buddyLine struct {
	Group string `json:"group"`
	Name  string `json:"name"`
}

func buddiesListRun(opts *buddiesListOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if len(cfg.Buddies) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No buddies yet; add one with: aim buddies add NAME")
		return nil
	}
	groups := cfg.Buddies
	if synced, ok := client.SyncedList(stateDir(cfg.ScreenName)); ok {
		groups = inServerOrder(groups, synced)
	}
	for _, g := range groups {
		if cfg.Output == config.OutputJSON {
			for _, n := range g.Names {
				if err := writeJSON(opts.IO.Out, buddyLine{Group: g.Group, Name: n}); err != nil {
					return err
				}
			}
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%d)\n", g.Group, len(g.Names))
		for _, n := range g.Names {
			fmt.Fprintf(&b, "  %s\n", n)
		}
		if _, err := fmt.Fprint(opts.IO.Out, b.String()); err != nil {
			return err
		}
	}
	return nil
}
