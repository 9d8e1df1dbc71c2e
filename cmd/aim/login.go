package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

// accountOptions are what every command that signs on takes.
type accountOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)
	Debug  func() bool
	TLS    tlsFlags
	// SocketDirs are where the sessions' control sockets may be.
	SocketDirs func() control.Dirs
}

func newAccountOptions(f *factory) accountOptions {
	return accountOptions{IO: f.IO, Config: f.Config, Debug: f.Debug, SocketDirs: f.SocketDirs}
}

type loginOptions struct {
	accountOptions
	For     time.Duration
	NoInput bool
}

func newLoginCmd(f *factory) *cobra.Command {
	opts := &loginOptions{accountOptions: newAccountOptions(f)}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign on and print events as they happen; read commands from standard input",
		Long: `Sign on to the server and stay online, printing each event (messages,
buddies arriving and leaving, warnings) on its own line, or as one JSON object
per line with --json.

While signed on, aim reads commands from standard input, one per line:

` + client.HelpText() + `

At the end of input aim finishes what is pending (messages sent and
acknowledged), signs off and exits: with status 1 if any command read from
standard input failed (each says why in its result), else 0. A line longer
than 1 MiB is refused and the lines after it run. With --no-input it ignores standard
input and stays on until Ctrl-C, SIGTERM, --for or 'aim logout'. Ctrl-C
signs off cleanly.

The session is shared: it listens on a control socket for its screen name
($XDG_RUNTIME_DIR/aim/NAME.sock; without XDG_RUNTIME_DIR, /run/user/UID/aim
or a private directory under /tmp, said when it is not the usual place), and
aim send, buddies, set-profile, set-away, info, status, events and logout
for its server use it, with no password and no second signon (for another
server they exit 7, or 8, and say so). No safe place for a socket: it signs
on without one, and says so. A second 'aim login' for the same screen name
(any server) exits 7 instead of signing the first off (a lock).

The password comes from AIM_PASSWORD, password_command in the config file,
the config file's password (only if no one else can read the file), or a
prompt when standard input is a terminal. It is never a flag.`,
		Example: `  aim login --server login.example.com:5190 --screen-name LabAlice
  AIM_PASSWORD=... aim login --json --no-input | jq .
  printf 'send LabBob hello\n' | aim login --json
  aim login --for 10m --no-input
  tmux new -d -s aim -e "PATH=$PATH" 'aim login --no-input || read -r _'   # password_command set; then aim send, status`,
		Args: tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFor(opts.For); err != nil {
				return err
			}
			return runLogin(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	cmd.Flags().DurationVar(&opts.For, "for", 0, "sign off after this `DURATION` (e.g. 30s, 10m); 0: stay on")
	cmd.Flags().BoolVar(&opts.NoInput, "no-input", false, "ignore standard input: stay online until a signal or --for")
	config.AddFlag(cmd.Flags(), config.KeyReconnect, "after a lost connection, sign on again with backoff (never after a kick or a wrong password)")
	return cmd
}

// checkFor checks the --for of the commands that stay online.
func checkFor(d time.Duration) error {
	if d < 0 {
		return client.Usagef("--for must be positive, got %s", d)
	}
	return nil
}

// addAccountFlags adds the flags that say who signs on where, and how.
// tlsFlags are --tls-insecure and --tls-ca (client.Setup).
type tlsFlags struct {
	Insecure bool
	CAFile   string
}

func addAccountFlags(cmd *cobra.Command, t *tlsFlags) {
	fl := cmd.Flags()
	config.AddFlag(fl, config.KeyTLS, "")
	fl.BoolVar(&t.Insecure, "tls-insecure", false, "with --tls, do not check the certificate (anyone on the path can read and change everything)")
	fl.StringVar(&t.CAFile, "tls-ca", "", "with --tls, trust the CA certificate in this PEM `FILE` (for self-signed servers)")
	for _, key := range []string{config.KeyServer, config.KeyScreenName, config.KeyAuth, config.KeyPasswordCommand} {
		config.AddFlag(fl, key, "")
	}
}

// account is the account cfg and the flags sign on, asking for the
// password when it can.
func (o *accountOptions) account(ctx context.Context, cfg *config.Config) (client.Account, error) {
	s := client.Setup{TLSInsecure: o.TLS.Insecure, TLSCA: o.TLS.CAFile,
		Wait: func(what string) { fmt.Fprintf(o.IO.ErrOut, "aim: %s\n", what) }}
	if o.IO.CanPrompt() {
		s.Prompt = func(ctx context.Context, name string) (string, error) {
			return o.IO.ReadPassword(ctx, fmt.Sprintf("Password for %s: ", name))
		}
	}
	if o.Debug() {
		s.Debug = o.IO.ErrOut
	}
	return client.SignOnAccount(ctx, cfg, s)
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	copts, sock, err := opts.starter().Start(ctx, cfg)
	if err != nil {
		return err
	}
	out := interactive.NewPrinter(opts.IO, cfg.Output == config.OutputJSON, cfg.Color)
	return interactive.StayOnline(ctx, opts.IO, out, copts, interactive.SessionPlan{For: opts.For, NoInput: opts.NoInput, Debug: opts.Debug(), Socket: sock})
}

// starter starts the account's session here, or finds the running one.
func (o *accountOptions) starter() *runner.Starter {
	return &runner.Starter{Dirs: o.SocketDirs(), Say: o.say, Account: o.account}
}

// say tells the user what aim does, on standard error.
func (o *accountOptions) say(what string) { fmt.Fprintf(o.IO.ErrOut, "aim: %s\n", what) }
