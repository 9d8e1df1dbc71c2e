package main

import (
	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

// newNotifyCmd is notify: a row of client's table, through the running
// session when there is one (every aim tui attached follows), else on the
// config file alone.
func newNotifyCmd(f *factory) *cobra.Command {
	return tablecmd.New(f.table(), client.CmdNotify, tablecmd.Spec{
		// A room's name need not be a screen name: the row checks the rest.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return client.Usagef("%s takes %s (%d given)", cmd.CommandPath(), client.CmdNotify.Args, len(args))
			}
			return nil
		}})
}
