package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

// The privacy commands and buddies move: rows of client's table, run
// through the running session when there is one (which syncs the change
// with the list the server keeps at once, and edits the file), else on
// the config file alone (client.RunOffline), with the same decisions and
// the same result; the next signon syncs.

func newBlockCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdBlock, "Block users: they cannot see you online or message you",
		`Block screen names: a blocked user sees you offline, and its messages to
you fail. The privacy mode (the config file's privacy key) decides how,
as in other AIM clients:

  block-deny     they go on the blocked list
  allow-all      (or none set) the mode becomes block-deny; under allow-all
                 the blocked list holds only them afterwards
  allow-permit   they are taken off the allowed list
  allow-buddies  for a buddy, the mode becomes allow-permit with your other
                 buddies on the allowed list
  block-all      no one gets through already

Each result says which mode is in force, or that they were blocked
already. Blocking your own screen name is refused.

On a server that keeps buddy lists the settings are stored there, so they
follow your account to any client: a running session takes them at once,
otherwise the next signon.`,
		"  aim block LabMallory\n  aim block \"Lab Eve\" spammer42")
}

func newUnblockCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdUnblock, "Let blocked users see you and message you again",
		`Let screen names through again, as the privacy mode has it: off the
blocked list (block-deny), onto the allowed list (allow-permit); under
block-all the mode becomes allow-permit with only them allowed, and under
allow-buddies a user who is not a buddy makes it allow-permit with your
buddies and them allowed. Each result says which mode is in force, or
that they were not blocked.`,
		"  aim unblock LabMallory")
}

func newAllowCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdAllow, "Let users through: put them on the allowed list",
		`Let screen names through, as unblock does, in the words of the allowed
list (the config file's allowed key): the privacy mode decides how.

  allow-permit   they go on the allowed list
  (none set)     the mode becomes allow-permit, with them added to the
                 allowed list: only the users on it get through
  block-all      the mode becomes allow-permit with only them allowed
  allow-buddies  for a user who is not a buddy, the mode becomes
                 allow-permit with your buddies and them allowed
  block-deny     they are taken off the blocked list
  allow-all      everyone gets through already

Each result says which mode is in force, or that they were allowed
already.`,
		"  aim allow LabBob \"Lab Carol\"")
}

func newDisallowCmd(f *factory) *cobra.Command {
	return newPrivacyListCmd(f, client.CmdDisallow, "Stop users: take them off the allowed list",
		`Stop screen names, as block does, in the words of the allowed list:
under allow-permit they are taken off the allowed list ("not on the
allowed list" when they were not on it); under allow-buddies a buddy
makes the mode allow-permit with your other buddies allowed; under
block-deny, allow-all or no mode set they go on the blocked list (the
mode becomes block-deny); block-all stops everyone already. Each result
says which mode is in force. Your own screen name is refused.`,
		"  aim disallow LabBob")
}

// newPrivacyListCmd is block, unblock, allow or disallow: the command
// once for each name.
func newPrivacyListCmd(f *factory, command *client.Command, short, long, example string) *cobra.Command {
	return newTableCmd(f, tableCmd{
		Use: command.Name + " NAME...", Short: short, Long: long, Example: example,
		Args: screenNameArgs(command.Name), Command: command, Lists: eachName(),
	})
}

func newBlockedCmd(f *factory) *cobra.Command {
	return newTableCmd(f, tableCmd{
		Use:   "blocked",
		Short: "Print the privacy mode and the blocked and allowed lists",
		Long: `Print the privacy mode and the blocked and allowed lists: the server's, as
a running session has them, else the config file's.
With --json, one result: {"type":"result",…,"privacy":"block-deny","blocked":[...],"allowed":[...]}.`,
		Example: "  aim blocked\n  aim blocked --json | jq -r '.blocked[]'",
		Args:    noArgs,
		Command: client.CmdBlocked,
	})
}

func newPrivacyCmd(f *factory) *cobra.Command {
	return newTableCmd(f, tableCmd{
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
		Args:      exactArgs(1),
		ValidArgs: config.PrivacyModes,
		Command:   client.CmdPrivacy,
		Lists: func(_ *cobra.Command, args []string) ([][]string, error) {
			mode := strings.ToLower(strings.TrimSpace(args[0]))
			if !slices.Contains(config.PrivacyModes, mode) {
				return nil, usageErrorf("unknown privacy mode %q (want one of %s)", args[0], strings.Join(config.PrivacyModes, ", "))
			}
			return [][]string{{mode}}, nil
		},
	})
}

func newBuddiesMoveCmd(f *factory) *cobra.Command {
	return newTableCmd(f, tableCmd{
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
	})
}
