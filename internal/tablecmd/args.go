package tablecmd

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/screenname"
)

// rowArgs checks the arguments against the row's: several screen names
// for a command of names (Each), else as many as its Arity, the NAME a
// screen name.
func rowArgs(row *client.Command, name string) cobra.PositionalArgs {
	if slices.Contains(row.Flags, client.Each) {
		return ScreenNames(name)
	}
	least, most := row.Arity()
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case row.Args == "":
			return NoArgs(cmd, args)
		case len(args) < least || most >= 0 && len(args) > most:
			return client.Usagef("%s takes %s (%d given)", cmd.CommandPath(), row.Args, len(args))
		case strings.Fields(row.Args)[0] == "NAME":
			return ScreenNames(name)(cmd, args[:1])
		}
		return nil
	}
}

// ScreenNames checks a command's screen-name arguments: at least one, each
// one AIM takes.
func ScreenNames(verb string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return client.Usagef("give at least one screen name to %s", verb)
		}
		for _, a := range args {
			if err := screenname.Validate(a); err != nil {
				return &client.UsageError{Err: err}
			}
		}
		return nil
	}
}

// NoArgs is the Args of commands that take none.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return client.Usagef("%s takes no arguments, got %q", cmd.CommandPath(), client.Clip(args[0]))
	}
	return nil
}

// EachName gives the argument list of a command of names: one name with
// the rest after it, or for several, the command's --each option, the
// rest (add's group) and the names, so that they go to the server in one
// transaction.
func EachName(rest ...string) func(*cobra.Command, []string) ([][]string, error) {
	return func(_ *cobra.Command, names []string) ([][]string, error) {
		if len(names) == 1 {
			return [][]string{append(names[:1:1], rest...)}, nil
		}
		return [][]string{append(append([]string{client.Each}, rest...), names...)}, nil
	}
}
