package main

import (
	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/tablecmd"
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
		cmds = append(cmds, tablecmd.New(f.table(), row, tablecmd.Spec{Lists: tablecmd.EachName()}))
	}
	return append(cmds,
		tablecmd.New(f.table(), client.CmdBlocked, tablecmd.Spec{
			Long: `With --json, one result: {"type":"result",…,"privacy":"block-deny","blocked":[...],"allowed":[...]}.`}),
		tablecmd.New(f.table(), client.CmdPrivacy, tablecmd.Spec{}))
}
