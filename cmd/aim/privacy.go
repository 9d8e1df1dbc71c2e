package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

// The privacy commands and buddies move. Like buddies add, each goes
// through the running session when there is one (which syncs the change
// with the list the server keeps at once, and edits the file); otherwise
// it edits the config file, and the next signon syncs.

// privacyListOptions are the options of block, unblock, allow and disallow.
type privacyListOptions struct {
	IO         *IOStreams
	Config     func() (*config.Config, error)
	RuntimeDir func() string
	NoSession  bool
	Names      []string
	Key        string // config.KeyBlocked or config.KeyAllowed
	Add        bool
	Command    *client.Command // the same command in a running session
}

func newPrivacyListCmd(f *factory, command *client.Command, key string, add bool, short, long, example string) *cobra.Command {
	opts := &privacyListOptions{IO: f.IO, Config: f.Config, RuntimeDir: f.RuntimeDir, Key: key, Add: add, Command: command}
	cmd := &cobra.Command{
		Use:     command.Name + " NAME...",
		Short:   short,
		Long:    long,
		Example: example,
		Args:    screenNameArgs(command.Name),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			return privacyListRun(cmd.Context(), opts)
		},
	}
	addNoSessionFlag(cmd, &opts.NoSession)
	return cmd
}

// viaSession runs command once for each list of arguments in the running
// session, if there is one (false when there is none, or --no-session),
// printing the result (say gives the line for people).
func viaSession(ctx context.Context, streams *IOStreams, runtimeDir func() string, noSession bool, cfg *config.Config,
	command *client.Command, argLists [][]string, say func(args []string) string) (bool, error) {
	if noSession {
		return false, nil
	}
	c, err := dialSession(ctx, runtimeDir(), cfg)
	if err != nil || c == nil {
		return false, err
	}
	defer c.Close()
	jsonOut := cfg.Output == config.OutputJSON
	for _, args := range argLists {
		r, err := remote(ctx, c, command.Name, args, noticeTo(streams, jsonOut))
		if err != nil {
			return true, fmt.Errorf("%s %s: %w", command.Name, strings.Join(args, " "), err)
		}
		if jsonOut {
			err = writeJSON(streams.Out, r)
		} else {
			_, err = fmt.Fprintln(streams.Out, say(args))
		}
		if err != nil {
			return true, err
		}
	}
	return true, nil
}

func newBlockCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdBlock, config.KeyBlocked, true, "Block users: they cannot see you online or message you",
		`Put screen names on the blocked list (the config file's blocked key). A
blocked user sees you offline, and its messages to you fail. Unless the
config file sets privacy, it is set to block-deny, the mode in which the
blocked list counts. Blocking your own screen name is refused.

On a server that keeps buddy lists the list is stored there, so it follows
your account to any client: a running session takes it at once, otherwise
the next signon.`,
		"  aim block LabMallory\n  aim block \"Lab Eve\" spammer42")
}

func newUnblockCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdUnblock, config.KeyBlocked, false, "Take users off the blocked list",
		"Take screen names off the blocked list. Names not on it are reported on standard error.",
		"  aim unblock LabMallory")
}

func newAllowCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdAllow, config.KeyAllowed, true, "Put users on the allowed list",
		`Put screen names on the allowed list (the config file's allowed key), the
only users who can see and message you with privacy allow-permit. Unless
the config file sets privacy, it is set to allow-permit.`,
		"  aim allow LabBob \"Lab Carol\"")
}

func newDisallowCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdDisallow, config.KeyAllowed, false, "Take users off the allowed list",
		"Take screen names off the allowed list. Names not on it are reported on standard error.",
		"  aim disallow LabBob")
}

// privacyResult is one line of output with --json.
type privacyResult struct {
	Name   string `json:"name"`
	List   string `json:"list"`   // "blocked" or "allowed"
	Result string `json:"result"` // "added" or "removed"
}

func privacyListRun(ctx context.Context, opts *privacyListOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	list := map[string]string{config.KeyBlocked: "blocked", config.KeyAllowed: "allowed"}[opts.Key]
	if opts.Add && opts.Key == config.KeyBlocked && cfg.ScreenName != "" {
		for _, n := range opts.Names {
			if bos.NormalizeScreenName(n) == bos.NormalizeScreenName(cfg.ScreenName) {
				return &usageError{err: fmt.Errorf("%w (%s is your screen name)", client.ErrBlockSelf, n)}
			}
		}
	}
	var argLists [][]string
	for _, n := range opts.Names {
		argLists = append(argLists, []string{n})
	}
	say := func(args []string) string {
		if opts.Add {
			return args[0] + " is " + list
		}
		return args[0] + " is no longer " + list
	}
	if remote, err := viaSession(ctx, opts.IO, opts.RuntimeDir, opts.NoSession, cfg, opts.Command, argLists, say); remote || err != nil {
		return err
	}
	var done, skipped []string
	result, skip := "removed", "%s is not on the "+list+" list\n"
	if opts.Add {
		done, skipped, err = cfg.AddNames(opts.Key, opts.Names)
		result, skip = "added", "%s is on the "+list+" list already\n"
	} else {
		done, skipped, err = cfg.RemoveNames(opts.Key, opts.Names)
	}
	if err != nil {
		return err
	}
	for _, n := range skipped {
		fmt.Fprintf(opts.IO.ErrOut, skip, n)
	}
	for _, n := range done {
		if cfg.Output == config.OutputJSON {
			err = writeJSON(opts.IO.Out, privacyResult{Name: n, List: list, Result: result})
		} else if opts.Add {
			_, err = fmt.Fprintf(opts.IO.Out, "%s is %s\n", n, list)
		} else {
			_, err = fmt.Fprintf(opts.IO.Out, "%s is no longer %s\n", n, list)
		}
		if err != nil {
			return err
		}
	}
	if opts.Add && len(done) > 0 && cfg.Privacy == "" {
		mode := config.PrivacyBlockDeny
		if opts.Key == config.KeyAllowed {
			mode = config.PrivacyAllowPermit
		}
		if err := cfg.SetPrivacy(mode); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "privacy set to %s, so that the %s list counts\n", mode, list)
	}
	return nil
}

type blockedOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)
}

func newBlockedCmd(f *factory) *cobra.Command {
	opts := &blockedOptions{IO: f.IO, Config: f.Config}
	return &cobra.Command{
		Use:   "blocked",
		Short: "Print the privacy mode and the blocked and allowed lists",
		Long: `Print the privacy mode and the blocked and allowed lists as the config file
has them (a running session's changes from other clients are written there).
With --json, one object: {"privacy":"block-deny","blocked":[...],"allowed":[...]}.`,
		Example: "  aim blocked\n  aim blocked --json | jq -r '.blocked[]'",
		Args:    noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			cfg, err := opts.Config()
			if err != nil {
				return err
			}
			mode := cfg.Privacy
			if mode == "" {
				mode = config.PrivacyAllowAll + " (not set)"
			}
			if cfg.Output == config.OutputJSON {
				return writeJSON(opts.IO.Out, struct {
					Privacy string   `json:"privacy"`
					Blocked []string `json:"blocked"`
					Allowed []string `json:"allowed"`
				}{cfg.Privacy, nonNil(cfg.Blocked), nonNil(cfg.Allowed)})
			}
			_, err = fmt.Fprintf(opts.IO.Out, "privacy: %s\nblocked: %s\nallowed: %s\n", mode,
				joinOrNone(cfg.Blocked), joinOrNone(cfg.Allowed))
			return err
		},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func joinOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func newPrivacyCmd(f *factory) *cobra.Command {
	var noSession bool
	cmd := &cobra.Command{
		Use:   "privacy MODE",
		Short: "Set who may see you online and message you",
		Long: `Set the privacy mode (the config file's privacy key), stored on the server
with the blocked and allowed lists:

  allow-all      everyone
  block-all      no one
  allow-buddies  only the users on your buddy list
  allow-permit   only the users on the allowed list (aim allow)
  block-deny     everyone but the users on the blocked list (aim block)`,
		Example:   "  aim privacy block-deny\n  aim privacy allow-buddies",
		Args:      cobra.ExactArgs(1),
		ValidArgs: config.PrivacyModes,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			mode := strings.ToLower(strings.TrimSpace(args[0]))
			if !slices.Contains(config.PrivacyModes, mode) {
				return usageErrorf("unknown privacy mode %q (want one of %s)", args[0], strings.Join(config.PrivacyModes, ", "))
			}
			if remote, err := viaSession(cmd.Context(), f.IO, f.RuntimeDir, noSession, cfg, client.CmdPrivacy, [][]string{{mode}},
				func([]string) string { return "privacy: " + mode }); remote || err != nil {
				return err
			}
			if err := cfg.SetPrivacy(mode); err != nil {
				return err
			}
			if cfg.Output == config.OutputJSON {
				return writeJSON(f.IO.Out, struct {
					Privacy string `json:"privacy"`
				}{mode})
			}
			_, err = fmt.Fprintf(f.IO.Out, "privacy: %s\n", mode)
			return err
		},
	}
	addNoSessionFlag(cmd, &noSession)
	return cmd
}

func newBuddiesMoveCmd(f *factory) *cobra.Command {
	var noSession bool
	cmd := &cobra.Command{
		Use:   "move NAME GROUP",
		Short: "Move a buddy to another group",
		Long: `Move a buddy to another group (created if needed), on the server's list
too: at once in a running session, else at the next signon.`,
		Example: "  aim buddies move LabBob Work\n  aim buddies move \"Lab Carol\" \"Old friends\"",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErrorf("give a screen name and a group")
			}
			return screenNameArgs("move")(cmd, args[:1])
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if remote, err := viaSession(cmd.Context(), f.IO, f.RuntimeDir, noSession, cfg, client.CmdMove, [][]string{args},
				func(a []string) string { return "Moved " + a[0] + " to " + a[1] }); remote || err != nil {
				return err
			}
			removed, _, err := cfg.RemoveBuddies(args[:1])
			if err != nil {
				return err
			}
			if len(removed) == 0 {
				return fmt.Errorf("%s is not a buddy", args[0])
			}
			if _, _, err := cfg.AddBuddies(removed, args[1]); err != nil {
				return err
			}
			r := buddyResult{Name: removed[0], Group: groupOf(cfg.Buddies, removed[0]), Result: "moved"}
			if cfg.Output == config.OutputJSON {
				return writeJSON(f.IO.Out, r)
			}
			_, err = fmt.Fprintf(f.IO.Out, "Moved %s to %s\n", r.Name, r.Group)
			return err
		},
	}
	addNoSessionFlag(cmd, &noSession)
	return cmd
}

// inServerOrder returns the config file's groups in the order of the list
// as last synced with the server (kept in the state directory), groups and
// buddies it does not have after the others.
func inServerOrder(groups []config.BuddyGroup, synced buddylist.List) []config.BuddyGroup {
	rank := func(order []string, same func(a, b string) bool, x string) int {
		if i := slices.IndexFunc(order, func(o string) bool { return same(o, x) }); i >= 0 {
			return i
		}
		return len(order)
	}
	var gorder []string
	border := map[string][]string{}
	for _, g := range synced.Groups {
		gorder = append(gorder, g.Name)
		border[strings.ToLower(strings.TrimSpace(g.Name))] = g.Buddies
	}
	same := func(a, b string) bool { return bos.NormalizeScreenName(a) == bos.NormalizeScreenName(b) }
	out := make([]config.BuddyGroup, len(groups))
	for i, g := range groups {
		names := slices.Clone(g.Names)
		order := border[strings.ToLower(strings.TrimSpace(g.Group))]
		slices.SortStableFunc(names, func(a, b string) int { return rank(order, same, a) - rank(order, same, b) })
		out[i] = config.BuddyGroup{Group: g.Group, Names: names}
	}
	slices.SortStableFunc(out, func(a, b config.BuddyGroup) int {
		return rank(gorder, buddylist.SameGroup, a.Group) - rank(gorder, buddylist.SameGroup, b.Group)
	})
	return out
}
