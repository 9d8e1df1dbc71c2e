package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The privacy commands and buddies move. Like buddies add, each goes
// through the running session when there is one (which syncs the change
// with the list the server keeps at once, and edits the file); otherwise
// it edits the config file, and the next signon syncs.

// editCmd is one of these commands as data: its help, its arguments,
// the command it sends a running session and the config edit it makes
// without one.
type editCmd struct {
	Use, Short, Long, Example string
	Args                      cobra.PositionalArgs
	ValidArgs                 []string
	// Command is the same command in a running session (nil: the command
	// only reads the file, and has no --no-session).
	Command *client.Command
	// Session checks args before anything is done, and gives the argument
	// lists to send the session, one command each; Say is the line each
	// prints for people.
	Session func(cfg *config.Config, args []string) ([][]string, error)
	Say     func(args []string) string
	// Edit does it in the config file, with no session, and prints it.
	Edit func(streams *IOStreams, cfg *config.Config, args []string) error
}

func newEditCmd(f *factory, d editCmd) *cobra.Command {
	var noSession bool
	cmd := &cobra.Command{
		Use: d.Use, Short: d.Short, Long: d.Long, Example: d.Example, Args: d.Args, ValidArgs: d.ValidArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if d.Command != nil {
				argLists, err := d.Session(cfg, args)
				if err != nil {
					return err
				}
				if remote, err := d.viaSession(cmd.Context(), f, noSession, cfg, argLists); remote || err != nil {
					return err
				}
			}
			return d.Edit(f.IO, cfg, args)
		},
	}
	if d.Command != nil {
		addNoSessionFlag(cmd, &noSession)
	}
	return cmd
}

// viaSession runs the command once for each list of arguments in the
// running session, if there is one (false when there is none, or
// --no-session), printing the results.
func (d editCmd) viaSession(ctx context.Context, f *factory, noSession bool, cfg *config.Config, argLists [][]string) (bool, error) {
	if noSession {
		return false, nil
	}
	c, err := dialSession(ctx, f.RuntimeDir(), cfg)
	if err != nil || c == nil {
		return false, err
	}
	defer c.Close()
	jsonOut := cfg.Output == config.OutputJSON
	if len(argLists) > 1 && slices.Contains(d.Command.Flags, client.Each) {
		// One command for every name: one transaction on the server.
		var names []string
		for _, args := range argLists {
			names = append(names, args...)
		}
		if _, err := remote(ctx, c, d.Command.Name, append([]string{client.Each}, names...), noticeTo(f.IO, jsonOut)); err != nil {
			return true, fmt.Errorf("%s %s: %w", d.Command.Name, strings.Join(names, " "), err)
		}
		for _, args := range argLists {
			var err error
			if jsonOut {
				err = writeJSON(f.IO.Out, &client.Result{Command: d.Command.Name, Name: args[0], OK: true, Summary: d.Say(args)})
			} else {
				_, err = fmt.Fprintln(f.IO.Out, d.Say(args))
			}
			if err != nil {
				return true, err
			}
		}
		return true, nil
	}
	for _, args := range argLists {
		r, err := remote(ctx, c, d.Command.Name, args, noticeTo(f.IO, jsonOut))
		if err != nil {
			return true, fmt.Errorf("%s %s: %w", d.Command.Name, strings.Join(args, " "), err)
		}
		if jsonOut {
			err = writeJSON(f.IO.Out, r)
		} else {
			_, err = fmt.Fprintln(f.IO.Out, d.Say(args))
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

// newPrivacyListCmd is block, unblock, allow or disallow: command adds
// names to (add) or removes them from the list under key; without a
// session, an addition sets the privacy mode in which the list counts
// where none is set.
func newPrivacyListCmd(f *factory, command *client.Command, key string, add bool, short, long, example string) *cobra.Command {
	list := map[string]string{config.KeyBlocked: "blocked", config.KeyAllowed: "allowed"}[key]
	is := " is no longer "
	if add {
		is = " is "
	}
	say := func(args []string) string { return args[0] + is + list }
	return newEditCmd(f, editCmd{
		Use: command.Name + " NAME...", Short: short, Long: long, Example: example,
		Args: screenNameArgs(command.Name), Command: command,
		Session: func(cfg *config.Config, names []string) ([][]string, error) {
			var argLists [][]string
			for _, n := range names {
				if add && key == config.KeyBlocked && cfg.ScreenName != "" && screenname.Normalize(n) == screenname.Normalize(cfg.ScreenName) {
					return nil, &usageError{err: fmt.Errorf("%w (%s is your screen name)", client.ErrBlockSelf, n)}
				}
				argLists = append(argLists, []string{n})
			}
			return argLists, nil
		},
		Say: say,
		Edit: func(streams *IOStreams, cfg *config.Config, names []string) error {
			var done, skipped []string
			var err error
			result, skip := "removed", "%s is not on the "+list+" list\n"
			if add {
				done, skipped, err = cfg.AddNames(key, names)
				result, skip = "added", "%s is on the "+list+" list already\n"
			} else {
				done, skipped, err = cfg.RemoveNames(key, names)
			}
			if err != nil {
				return err
			}
			for _, n := range skipped {
				fmt.Fprintf(streams.ErrOut, skip, n)
			}
			for _, n := range done {
				if cfg.Output == config.OutputJSON {
					err = writeJSON(streams.Out, privacyResult{Name: n, List: list, Result: result})
				} else {
					_, err = fmt.Fprintln(streams.Out, say([]string{n}))
				}
				if err != nil {
					return err
				}
			}
			if add && len(done) > 0 && cfg.Privacy == "" {
				mode := config.PrivacyBlockDeny
				if key == config.KeyAllowed {
					mode = config.PrivacyAllowPermit
				}
				if err := cfg.SetPrivacy(mode); err != nil {
					return err
				}
				fmt.Fprintf(streams.ErrOut, "privacy set to %s, so that the %s list counts\n", mode, list)
			}
			return nil
		},
	})
}

// privacyResult is one line of output with --json.
type privacyResult struct {
	Name   string `json:"name"`
	List   string `json:"list"`   // "blocked" or "allowed"
	Result string `json:"result"` // "added" or "removed"
}

func newBlockedCmd(f *factory) *cobra.Command {
	return newEditCmd(f, editCmd{
		Use:   "blocked",
		Short: "Print the privacy mode and the blocked and allowed lists",
		Long: `Print the privacy mode and the blocked and allowed lists as the config file
has them (a running session's changes from other clients are written there).
With --json, one object: {"privacy":"block-deny","blocked":[...],"allowed":[...]}.`,
		Example: "  aim blocked\n  aim blocked --json | jq -r '.blocked[]'",
		Args:    noArgs,
		Edit: func(streams *IOStreams, cfg *config.Config, _ []string) error {
			mode := cfg.Privacy
			if mode == "" {
				mode = config.PrivacyAllowAll + " (not set)"
			}
			if cfg.Output == config.OutputJSON {
				return writeJSON(streams.Out, struct {
					Privacy string   `json:"privacy"`
					Blocked []string `json:"blocked"`
					Allowed []string `json:"allowed"`
				}{cfg.Privacy, nonNil(cfg.Blocked), nonNil(cfg.Allowed)})
			}
			_, err := fmt.Fprintf(streams.Out, "privacy: %s\nblocked: %s\nallowed: %s\n", mode,
				joinOrNone(cfg.Blocked), joinOrNone(cfg.Allowed))
			return err
		},
	})
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
	return newEditCmd(f, editCmd{
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
		Command:   client.CmdPrivacy,
		Session: func(_ *config.Config, args []string) ([][]string, error) {
			if mode := privacyMode(args[0]); !slices.Contains(config.PrivacyModes, mode) {
				return nil, usageErrorf("unknown privacy mode %q (want one of %s)", args[0], strings.Join(config.PrivacyModes, ", "))
			}
			return [][]string{{privacyMode(args[0])}}, nil
		},
		Say: func(args []string) string { return "privacy: " + args[0] },
		Edit: func(streams *IOStreams, cfg *config.Config, args []string) error {
			mode := privacyMode(args[0])
			if err := cfg.SetPrivacy(mode); err != nil {
				return err
			}
			if cfg.Output == config.OutputJSON {
				return writeJSON(streams.Out, struct {
					Privacy string `json:"privacy"`
				}{mode})
			}
			_, err := fmt.Fprintf(streams.Out, "privacy: %s\n", mode)
			return err
		},
	})
}

// privacyMode is the mode as typed, in the config file's spelling.
func privacyMode(arg string) string { return strings.ToLower(strings.TrimSpace(arg)) }

func newBuddiesMoveCmd(f *factory) *cobra.Command {
	return newEditCmd(f, editCmd{
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
		Command: client.CmdMove,
		Session: func(_ *config.Config, args []string) ([][]string, error) { return [][]string{args}, nil },
		Say:     func(a []string) string { return "Moved " + a[0] + " to " + a[1] },
		Edit: func(streams *IOStreams, cfg *config.Config, args []string) error {
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
				return writeJSON(streams.Out, r)
			}
			_, err = fmt.Fprintf(streams.Out, "Moved %s to %s\n", r.Name, r.Group)
			return err
		},
	})
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
	same := func(a, b string) bool { return screenname.Normalize(a) == screenname.Normalize(b) }
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
