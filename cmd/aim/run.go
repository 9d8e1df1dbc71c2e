package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/runner"
)

// tableCmd is a command of client's table on the command line: cobra's
// parsing and help, then each list of arguments run through the runner
// that applies (the running session, else the config file, else a session
// of its own), every result printed the one way.
type tableCmd struct {
	Use, Short, Long, Example string
	Aliases                   []string
	Args                      cobra.PositionalArgs
	ValidArgs                 []string
	Command                   *client.Command
	// Lists turns the parsed arguments into one argument list per run
	// (block A B runs block twice), checking what needs no server.
	Lists func(cmd *cobra.Command, args []string) ([][]string, error)
}

func newTableCmd(f *factory, d tableCmd) *cobra.Command {
	var noSession bool
	cmd := &cobra.Command{
		Use: d.Use, Short: d.Short, Long: d.Long, Example: d.Example, Aliases: d.Aliases,
		Args: d.Args, ValidArgs: d.ValidArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lists := [][]string{args}
			if d.Lists != nil {
				var err error
				if lists, err = d.Lists(cmd, args); err != nil {
					return err
				}
			}
			return runLists(cmd.Context(), f, d.Command, noSession, lists, nil)
		},
	}
	addNoSessionEditFlag(cmd, &noSession)
	return cmd
}

// runLists runs command once for each argument list, through the runner
// that applies; own, if set, gives the options of a session of its own.
func runLists(ctx context.Context, f *factory, command *client.Command, noSession bool, lists [][]string,
	own func(*config.Config) (client.Options, error)) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	jsonOut := cfg.Output == config.OutputJSON
	var ownFn func() (client.Options, error)
	if own != nil {
		ownFn = func() (client.Options, error) { return own(cfg) }
	}
	for _, args := range lists { // what needs no server, before signing on
		if err := command.Check(args); err != nil {
			return err
		}
	}
	r, err := runner.Pick(ctx, socketDirs(f.RuntimeDir()), cfg, command, noSession, ownFn, noticeTo(f.IO, jsonOut))
	if err != nil {
		return err
	}
	defer r.Close()
	if own, ok := r.(*runner.Own); ok {
		own.Warn = func(err error) { fmt.Fprintf(f.IO.ErrOut, "aim: warning: %s\n", client.Defuse(err.Error())) }
	}
	for _, args := range lists {
		res, err := r.Run(ctx, command, args)
		if err != nil {
			return err
		}
		if err := printResult(f.IO, jsonOut, res); err != nil {
			return err
		}
	}
	return nil
}

// printResult prints a command's result: one JSON object, or its words.
func printResult(streams *IOStreams, jsonOut bool, r *client.Result) error {
	if jsonOut {
		return writeJSON(streams.Out, r)
	}
	_, err := fmt.Fprintln(streams.Out, r.Summary)
	return err
}

// eachName gives the argument list of a command of names: one name with
// the rest after it, or for several, the command's --each option, the
// rest (add's group) and the names, so that they go to the server in one
// transaction.
func eachName(rest ...string) func(*cobra.Command, []string) ([][]string, error) {
	return func(_ *cobra.Command, names []string) ([][]string, error) {
		if len(names) == 1 {
			return [][]string{append(names[:1:1], rest...)}, nil
		}
		return [][]string{append(append([]string{client.Each}, rest...), names...)}, nil
	}
}

// own gives the options of a session of its own for one command, signed
// on as cfg and the flags say; without buddies unless buddies.
func (o *accountOptions) own(ctx context.Context, buddies bool) func(*config.Config) (client.Options, error) {
	return func(cfg *config.Config) (client.Options, error) {
		a, err := o.account(ctx, cfg)
		if !buddies {
			a.Buddies = nil
		}
		return client.Options{Account: a}, err
	}
}
