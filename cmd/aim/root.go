package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/sessionsock"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

// IOStreams are the standard streams a command uses.
type IOStreams = iostreams.IOStreams

// factory is what every command may use: the streams, and the settings,
// loaded on first use. Commands copy the funcs into their options struct at
// construction and call them only when they run, so flag values are final.
type factory struct {
	IO *IOStreams

	// Config loads the settings once, with the flags of the command being
	// run, and returns the same result on later calls.
	Config func() (*config.Config, error)
	// ConfigPath returns the config file in use without reading it.
	ConfigPath func() (string, error)
	// Debug reports whether --debug was given: network commands pass a wire
	// trace to the session when it is.
	Debug func() bool
	// SocketDirs are where the sessions' control sockets may be:
	// $XDG_RUNTIME_DIR, and under $TMPDIR, in the environment Env reads.
	SocketDirs func() control.Dirs
	// Env looks up the environment aim runs in: the process's, or a
	// test's own, so that tests run in parallel.
	Env func(string) (string, bool)

	settings   *config.Config // what Config returned, once it succeeded
	configPath string         // --config
	debug      bool           // --debug
	flags      *pflag.FlagSet // the running command's flags, set before it runs
}

// settingFlags names the flag that sets each setting that has one (the
// settings registry's); config reads only these.
var settingFlags = config.FlagNames()

// table is what the commands of client's table run with (tablecmd.New):
// a session of their own signs on with the account flags.
func (f *factory) table() *tablecmd.Env {
	return &tablecmd.Env{IO: f.IO, Config: f.Config, SocketDirs: f.SocketDirs,
		SignOn: func(cmd *cobra.Command) func(context.Context, *config.Config) (client.Account, error) {
			o := newAccountOptions(f)
			addAccountFlags(cmd, &o.TLS)
			return o.account
		}}
}

// newFactory returns a factory whose Config reads the process environment.
func newFactory(streams *IOStreams, env func(string) (string, bool)) *factory {
	if env == nil {
		env = os.LookupEnv
	}
	f := &factory{IO: streams, Env: env}
	if v, _ := env("NO_COLOR"); v != "" { // https://no-color.org
		streams.SetNoColor(true)
	}
	f.Config = config.Once(func() config.Options {
		return config.Options{Path: f.configPath, Flags: f.flags, FlagNames: settingFlags, JSONFlag: "json", Env: f.Env}
	}, func(cfg *config.Config) {
		f.settings = cfg
		for _, w := range cfg.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "aim: warning: %s\n", w)
		}
	})
	f.ConfigPath = func() (string, error) {
		return config.ResolvePath(config.Options{Path: f.configPath, Env: f.Env})
	}
	f.Debug = func() bool { return f.debug }
	f.SocketDirs = func() control.Dirs { return sessionsock.EnvDirs(f.Env) }
	return f
}

// run runs aim with args (without the program name) and returns the exit
// code. It prints an error, once, to streams.ErrOut.
func run(ctx context.Context, args []string, streams *IOStreams) int {
	return runIn(ctx, args, streams, nil)
}

// runIn is run in the environment env looks up (nil: the process's).
func runIn(ctx context.Context, args []string, streams *IOStreams, env func(string) (string, bool)) int {
	f := newFactory(streams, env)
	root := newRootCmd(f)
	if args == nil {
		args = []string{} // cobra reads nil as "take os.Args"
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	name := ""
	if cmd != nil {
		name = strings.TrimPrefix(cmd.CommandPath(), root.Name()+" ")
	}
	r := client.Failed(name, err, ctx.Err() != nil, time.Now())
	fmt.Fprintf(streams.ErrOut, "aim: %s\n", r.Error)
	var detailed interface{ Detail() string }
	if f.debug && errors.As(err, &detailed) {
		fmt.Fprintf(streams.ErrOut, "aim: detail: %s\n", client.Defuse(detailed.Detail()))
	}
	if errors.As(err, new(*client.UsageError)) && cmd != nil {
		fmt.Fprintf(streams.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	code := exitCode(err)
	if cmd != nil && f.jsonOutput(cmd) { // scripts read every outcome on standard output, failures too
		r.ExitCode, r.Exit = code, exitMeaning(code)
		tablecmd.Print(streams, true, r)
	}
	return code
}

// jsonOutput reports whether cmd was to print JSON: --json, or output:
// json in settings already loaded.
func (f *factory) jsonOutput(cmd *cobra.Command) bool {
	if on, err := cmd.Flags().GetBool("json"); err == nil && on {
		return true
	}
	return f.settings != nil && f.settings.Output == config.OutputJSON
}

// newRootCmd builds the aim command tree.
func newRootCmd(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "aim <command> [flags]",
		Short: "An AIM (OSCAR protocol) client for the command line",
		Long: `aim signs on to AIM servers that speak OSCAR, sends and receives instant
messages, and keeps your buddy list, profile and away message.

Settings come from flags, then AIM_* environment variables, then the config
file (see 'aim config path'), then defaults. The password is never a flag:
set AIM_PASSWORD, or password_command in the config file, or type it when asked.

Results go to standard output, one JSON object per line with --json; status
and errors go to standard error. Exit codes: 0 ok, 1 failure, 2 usage or
settings error, 3 authentication refused, 4 network error, 5 signed off by
the server (signed on elsewhere), 6 message refused, 7 this screen name
already has a session here, 8 no session is running, 130 interrupted.

A running 'aim login' is shared: send, buddies, set-profile, set-away, info,
status, events and logout for its server use it (no password, no signon).`,
		Example: `  aim demo                                  # a built-in local server: try it here
  aim login --server login.example.com:5190 --screen-name LabAlice
  aim send LabBob 'lunch?'
  aim status
  aim events --follow --json
  aim buddies add LabBob "Lab Carol"
  aim buddies list --json
  aim set-profile --file profile.html
  aim set-away "At lunch"
  aim config show`,
		Version:       currentVersion().Text(), // for --version
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noUnknownSubcommand,
		RunE:          showHelp,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			f.flags = cmd.Flags()
		},
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &client.UsageError{Err: flagError(cmd, err)} })
	root.SetVersionTemplate("{{.Version}}\n")

	pf := root.PersistentFlags()
	pf.StringVar(&f.configPath, "config", "", "settings file `PATH` (default: $AIM_CONFIG, else $XDG_CONFIG_HOME/aim/config.yaml)")
	pf.BoolVar(&f.debug, "debug", false, "trace OSCAR frames to standard error, with secrets redacted")
	pf.Bool("json", false, "print results as JSON, one object per line (same as output: json)")
	config.AddFlag(pf, config.KeyColor, "colour names and kinds of events: never, auto (on a terminal, unless NO_COLOR is set) or always (or AIM_COLOR, color in the config file)")

	root.AddCommand(
		newDemoCmd(f),
		newLoginCmd(f),
		newSendCmd(f),
		newChatCmd(f),
		addNoSessionNoop(newVersionCmd(f)),
		newConfigCmd(f),
		newBuddiesCmd(f),
		newSetProfileCmd(f, nil),
		newSetAwayCmd(f, nil),
		newStatusCmd(f),
		newEventsCmd(f),
		newInfoCmd(f),
		newLogoutCmd(f),
		newTUICmd(f),
		newHistoryCmd(f),
	)
	root.AddCommand(newPrivacyCmds(f)...)
	root.AddCommand(newNotifyCmd(f))
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  mkdir -p ~/.local/share/bash-completion/completions
  aim completion bash > ~/.local/share/bash-completion/completions/aim   # bash (with bash-completion)
  aim completion zsh > "${fpath[1]}/_aim"                                # zsh (compinit on)
  mkdir -p ~/.config/fish/completions
  aim completion fish > ~/.config/fish/completions/aim.fish              # fish`
		}
	}
	return root
}

// flagError says what an unknown flag may have meant (config.FlagHint).
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		var flags []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				flags = append(flags, f.Name)
			}
		})
		if hint := config.FlagHint(name, flags); hint != "" {
			return fmt.Errorf("%w (%s)", err, hint)
		}
	}
	// A message, away text or value that begins with "-" reads as flags:
	// say how to pass it, on the commands that take arguments.
	if _, args, ok := strings.Cut(cmd.Use, " "); ok && args != "" && strings.HasPrefix(msg, "unknown shorthand flag: ") {
		if strings.HasPrefix(args, "{") { // {TEXT | - | --file FILE | --clear}: the text
			args = strings.Fields(strings.TrimPrefix(args, "{"))[0]
		}
		if strings.HasPrefix(args, "<") || strings.Contains(args, "-") { // <command>, [--follow]: no such argument
			return err
		}
		return fmt.Errorf("%w (for an argument that begins with -, put -- before the arguments: %s -- %s)", err, cmd.CommandPath(), args)
	}
	return err
}

// noUnknownSubcommand is the Args of commands that only group others: any
// argument is a mistyped command.
func noUnknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	msg := fmt.Sprintf("unknown command %q for %q", client.Clip(args[0]), cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return &client.UsageError{Err: errors.New(msg)}
}

// showHelp is the RunE of commands that only group others.
func showHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }
