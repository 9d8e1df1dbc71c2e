package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/runner"
)

// tableCmd is what the command line adds to a row of client's table.
// The rest is the row's: the name and aliases, the one-line help, what it
// does in full (the prompt's "help NAME" prints the same words), the
// examples and completion. Each list of arguments runs through the
// runner that applies (the running session, else the config file, else
// a session of its own), every result printed the one way.
type tableCmd struct {
	Name string // the command line's name, when not the row's (set-away)
	Use  string // what follows the name in usage, when not the row's
	Long string // what only the command line has (its flags), after the row's
	Args cobra.PositionalArgs
	// Lists turns the parsed arguments into one argument list per run
	// (block A B runs block twice); default: the arguments.
	Lists   func(cmd *cobra.Command, args []string) ([][]string, error)
	Own     ownWhen // when it signs on a session of its own
	Buddies bool    // a session of its own signs on with the buddy list
	// RunE, if set, runs the command in place of Lists: what only the
	// command line does (standard input, a file), then run.
	RunE func(cmd *cobra.Command, args []string, run func(context.Context, [][]string) error) error
}

// ownWhen says when a command of the table signs on a session of its own.
type ownWhen int

const (
	ownNever    ownWhen = iota // never: the running session, else the config file (Offline)
	ownFallback                // with no session running, or --no-session (send, info)
	ownAsked                   // only with --no-session (status)
)

func newTableCmd(f *factory, row *client.Command, d tableCmd) *cobra.Command {
	var noSession bool
	name, aliases := row.Name, row.Aliases
	if d.Name != "" {
		name, aliases = d.Name, append([]string{row.Name}, row.Aliases...)
	}
	use := row.Args
	if d.Use != "" {
		use = d.Use
	} else if slices.Contains(row.Flags, client.Each) {
		use = "NAME..."
	}
	long := row.Long
	if d.Long != "" {
		long += "\n\n" + d.Long
	}
	opts := newAccountOptions(f)
	cmd := &cobra.Command{
		Use: strings.TrimSpace(name + " " + use), Aliases: aliases, Short: row.Summary(), Long: long, Example: row.Example,
		Args: d.Args, ValidArgs: row.Values,
	}
	run := func(ctx context.Context, lists [][]string) error {
		var own func(*config.Config) (client.Options, error)
		if d.Own == ownFallback || d.Own == ownAsked && noSession {
			own = opts.own(ctx, d.Buddies)
		}
		return runLists(ctx, f, row, noSession, lists, own)
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if d.RunE != nil {
			return d.RunE(cmd, args, run)
		}
		lists := [][]string{args}
		if d.Lists != nil {
			var err error
			if lists, err = d.Lists(cmd, args); err != nil {
				return err
			}
		}
		return run(cmd.Context(), lists)
	}
	if cmd.Args == nil {
		cmd.Args = rowArgs(row, name)
	}
	if row.Complete == client.CompleteBuddy {
		cmd.ValidArgsFunction = completeBuddies(f, 1)
		if slices.Contains(row.Flags, client.Each) {
			cmd.ValidArgsFunction = completeBuddies(f, -1)
		}
	}
	switch {
	case d.Own != ownNever:
		addAccountFlags(cmd, &opts.TLS)
		addNoSessionFlag(cmd, &noSession)
	case row.Offline:
		addNoSessionEditFlag(cmd, &noSession)
	default:
		addScreenNameFlag(cmd)
	}
	return cmd
}

// rowArgs checks the arguments against the row's: several screen names
// for a command of names (Each), else as many as its Arity, the NAME a
// screen name.
func rowArgs(row *client.Command, name string) cobra.PositionalArgs {
	if slices.Contains(row.Flags, client.Each) {
		return screenNameArgs(name)
	}
	least, most := row.Arity()
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case row.Args == "":
			return noArgs(cmd, args)
		case len(args) < least || most >= 0 && len(args) > most:
			return usageErrorf("%s takes %s (%d given)", cmd.CommandPath(), row.Args, len(args))
		case strings.Fields(row.Args)[0] == "NAME":
			return screenNameArgs(name)(cmd, args[:1])
		}
		return nil
	}
}

// runLists runs command once for each argument list (runner.Lists),
// printing each result; own, if set, gives the options of a session of its
// own.
func runLists(ctx context.Context, f *factory, command *client.Command, noSession bool, lists [][]string,
	own func(*config.Config) (client.Options, error)) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	jsonOut := cfg.Output == config.OutputJSON
	l := &runner.Lists{Dirs: f.SocketDirs(), Config: cfg, Command: command, NoSession: noSession, Lists: lists, Own: own,
		Notice: interactive.Notices(f.IO.ErrOut, jsonOut),
		Warn:   func(err error) { fmt.Fprintf(f.IO.ErrOut, "aim: warning: %s\n", client.Defuse(err.Error())) }}
	return l.Run(ctx, func(r *client.Result) error { return printResult(f.IO, jsonOut, r) })
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
