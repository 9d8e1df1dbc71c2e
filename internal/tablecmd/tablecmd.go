// Package tablecmd makes rows of internal/client's command table into
// cobra commands, for cmd/aim. The row gives the name and aliases, the
// one-line help, what it does in full (the prompt's "help NAME" prints the
// same words), the examples, the arguments it takes and what they
// complete to; a Spec adds what only the command line has (flags, help on
// them). Each list of arguments runs through the runner that applies
// (internal/runner: the running session, else the config file, else a
// session of its own), every result printed the one way (Print).
package tablecmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/runner"
)

// Env is what the commands run with. Its funcs are called only when a
// command runs, so that flag values are final.
type Env struct {
	IO *iostreams.IOStreams
	// Config loads the settings, with the flags of the command being run.
	Config func() (*config.Config, error)
	// SocketDirs are where the sessions' control sockets may be.
	SocketDirs func() control.Dirs
	// SignOn adds to cmd the flags that say who signs on where, and how,
	// and returns what resolves the account with them (asking for the
	// password when it can): for a command that may sign on a session of
	// its own.
	SignOn func(cmd *cobra.Command) func(context.Context, *config.Config) (client.Account, error)
}

// Spec is what the command line adds to a row of client's table.
type Spec struct {
	Name string // the command line's name, when not the row's (set-away)
	Use  string // what follows the name in usage, when not the row's
	Long string // what only the command line has (its flags), after the row's
	Args cobra.PositionalArgs
	// Lists turns the parsed arguments into one argument list per run
	// (block A B runs block twice); default: the arguments.
	Lists   func(cmd *cobra.Command, args []string) ([][]string, error)
	Own     Own  // when it signs on a session of its own
	Buddies bool // a session of its own signs on with the buddy list
	// RunE, if set, runs the command in place of Lists: what only the
	// command line does (standard input, a file), then run.
	RunE func(cmd *cobra.Command, args []string, run func(context.Context, [][]string) error) error
}

// Own says when a command of the table signs on a session of its own.
type Own int

const (
	OwnNever    Own = iota // never: the running session, else the config file (runner.Offline)
	OwnFallback            // with no session running, or --no-session (send, info)
	OwnAsked               // only with --no-session (status)
)

// New is row as a cobra command, with what s adds.
func New(env *Env, row *client.Command, s Spec) *cobra.Command {
	var noSession bool
	name, aliases := row.Name, row.Aliases
	if s.Name != "" {
		name, aliases = s.Name, append([]string{row.Name}, row.Aliases...)
	}
	use := row.Args
	if s.Use != "" {
		use = s.Use
	} else if slices.Contains(row.Flags, client.Each) {
		use = "NAME..."
	}
	long := row.Long
	if s.Long != "" {
		long += "\n\n" + s.Long
	}
	cmd := &cobra.Command{
		Use: strings.TrimSpace(name + " " + use), Aliases: aliases, Short: row.Summary(), Long: long, Example: row.Example,
		Args: s.Args, ValidArgs: row.Values,
	}
	if cmd.Args == nil {
		cmd.Args = rowArgs(row, name)
	}
	if row.Complete == client.CompleteBuddy {
		cmd.ValidArgsFunction = CompleteBuddies(env.Config, 1)
		if slices.Contains(row.Flags, client.Each) {
			cmd.ValidArgsFunction = CompleteBuddies(env.Config, -1)
		}
	}
	var account func(context.Context, *config.Config) (client.Account, error)
	switch {
	case s.Own != OwnNever:
		account = env.SignOn(cmd)
		NoSessionFlag(cmd, &noSession)
	case row.Offline:
		cmd.Flags().BoolVar(&noSession, "no-session", false, "do not use the running session: edit the config file as if there were none")
	default:
		ScreenNameFlag(cmd)
	}
	run := func(ctx context.Context, lists [][]string) error {
		var own func(*config.Config) (client.Options, error)
		if s.Own == OwnFallback || s.Own == OwnAsked && noSession {
			own = func(cfg *config.Config) (client.Options, error) {
				a, err := account(ctx, cfg)
				if !s.Buddies {
					a.Buddies = nil
				}
				return client.Options{Account: a}, err
			}
		}
		return env.run(ctx, row, noSession, lists, own)
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if s.RunE != nil {
			return s.RunE(cmd, args, run)
		}
		lists := [][]string{args}
		if s.Lists != nil {
			var err error
			if lists, err = s.Lists(cmd, args); err != nil {
				return err
			}
		}
		return run(cmd.Context(), lists)
	}
	return cmd
}

// run runs command once for each argument list (runner.Lists), printing
// each result; own, if set, gives the options of a session of its own.
func (e *Env) run(ctx context.Context, command *client.Command, noSession bool, lists [][]string,
	own func(*config.Config) (client.Options, error)) error {
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	jsonOut := cfg.Output == config.OutputJSON
	l := &runner.Lists{Dirs: e.SocketDirs(), Config: cfg, Command: command, NoSession: noSession, Lists: lists, Own: own,
		Notice: interactive.Notices(e.IO.ErrOut, jsonOut),
		Warn:   func(err error) { fmt.Fprintf(e.IO.ErrOut, "aim: warning: %s\n", client.Defuse(err.Error())) }}
	return l.Run(ctx, func(r *client.Result) error { return Print(e.IO, jsonOut, r) })
}

// Print prints a command's result: one JSON object (client.JSON), or its
// words.
func Print(streams *iostreams.IOStreams, jsonOut bool, r *client.Result) error {
	if !jsonOut {
		_, err := fmt.Fprintln(streams.Out, r.Summary)
		return err
	}
	b, err := client.JSON(r)
	if err != nil {
		return err
	}
	_, err = streams.Out.Write(b)
	return err
}

// NoSessionFlag adds --no-session to a command that signs on of its own
// without a session.
func NoSessionFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "no-session", false, "do not use the running session: sign on as if there were none")
}

// ScreenNameFlag adds --screen-name to a command that only talks to a
// running session: it picks the session.
func ScreenNameFlag(cmd *cobra.Command) {
	cmd.Flags().String("screen-name", "", "the session of screen `NAME` (or AIM_SCREEN_NAME, or the config file's)")
}

// CompleteBuddies is shell completion of screen names (aim send <TAB>)
// from the buddy list in the config file, never of file names: for the
// first n arguments (n < 0: all of them), and nothing after.
func CompleteBuddies(settings func() (*config.Config, error), n int) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if n >= 0 && len(args) >= n {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, err := settings()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		}
		return cfg.BuddiesStarting(toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
