package main

import (
	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
)

// The privacy commands: rows of client's table, run through the running
// session when there is one (which syncs the change with the list the
// server keeps at once, and edits the file), else on the config file
// alone (client.RunOffline), with the same decisions and the same result;
// the next signon syncs.

// newPrivacyCmds are block, unblock, allow, disallow, blocked and privacy.
func newPrivacyCmds(f *factory) []*cobra.Command {
	var cmds []*cobra.Command
	for _, row := range []*client.Command{client.CmdBlock, client.CmdUnblock, client.CmdAllow, client.CmdDisallow} {
		cmds = append(cmds, newTableCmd(f, row, tableCmd{Lists: eachName()}))
	}
	return append(cmds,
		newTableCmd(f, client.CmdBlocked, tableCmd{
			Long: `With --json, one result: {"type":"result",…,"privacy":"block-deny","blocked":[...],"allowed":[...]}.`}),
		newTableCmd(f, client.CmdPrivacy, tableCmd{}))
}
