package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/login"
)

type loginOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)
	Debug  func() bool

	For     time.Duration
	NoInput bool
	// Dial replaces the network dialer (tests).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// StepTimeout bounds each network step (tests); zero: defaults.
	StepTimeout time.Duration
}

func newLoginCmd(f *factory, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{IO: f.IO, Config: f.Config, Debug: f.Debug}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign on and print events as they happen; read commands from standard input",
		Long: `Sign on to the server and stay online, printing each event (messages,
buddies arriving and leaving, warnings) on its own line, or as one JSON object
per line with --json.

While signed on, aim reads commands from standard input, one per line:

` + commandHelp + `

At the end of input aim finishes what is pending (messages sent and
acknowledged), signs off and exits. With --no-input it ignores standard
input and stays on until Ctrl-C, SIGTERM or --for. Ctrl-C signs off cleanly.

The password comes from AIM_PASSWORD, password_command in the config file,
the config file's password (only if no one else can read the file), or a
prompt when standard input is a terminal. It is never a flag.`,
		Example: `  aim login --server login.example.com:5190 --screen-name LabAlice
  AIM_PASSWORD=... aim login --json --no-input | jq .
  printf 'send LabBob hello\n' | aim login --json
  aim login --for 10m --no-input`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.For < 0 {
				return usageErrorf("--for must be positive, got %s", opts.For)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogin(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd)
	cmd.Flags().DurationVar(&opts.For, "for", 0, "sign off after this `DURATION` (e.g. 30s, 10m); 0: stay on")
	cmd.Flags().BoolVar(&opts.NoInput, "no-input", false, "ignore standard input: stay online until a signal or --for")
	return cmd
}

// addAccountFlags adds the flags that say who signs on where.
func addAccountFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("server", "", "authorizer `HOST:PORT` (or AIM_SERVER, or server in the config file)")
	fl.String("screen-name", "", "screen `NAME` to sign on as (or AIM_SCREEN_NAME)")
	fl.String("auth", "", "login method: flap (the original) or md5 (default flap, or AIM_AUTH)")
	fl.String("password-command", "", "shell `COMMAND` whose first output line is the password")
}

// loadAccount resolves who signs on where, and the password.
func loadAccount(ctx context.Context, io *IOStreams, cfgf func() (*config.Config, error), debug bool) (*config.Config, *account, error) {
	cfg, err := cfgf()
	if err != nil {
		return nil, nil, err
	}
	server, err := cfg.RequireServer()
	if err != nil {
		return nil, nil, err
	}
	name, err := cfg.RequireScreenName()
	if err != nil {
		return nil, nil, err
	}
	method, err := login.ParseMethod(cfg.Auth)
	if err != nil {
		return nil, nil, &usageError{err: err}
	}
	var prompt func() (string, error)
	if io.CanPrompt() {
		prompt = func() (string, error) {
			return io.ReadPassword(ctx, fmt.Sprintf("Password for %s: ", name))
		}
	}
	pw, err := cfg.Password(ctx, prompt)
	if err != nil {
		return nil, nil, err
	}
	a := &account{
		Server:     server,
		ScreenName: name,
		Password:   pw.Reveal(),
		Method:     method,
		Profile:    cfg.Profile,
		Away:       cfg.Away,
	}
	for _, g := range cfg.Buddies {
		a.Buddies = append(a.Buddies, g.Names...)
	}
	if debug {
		a.Trace = newTracer(io.ErrOut)
	}
	return cfg, a, nil
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	cfg, a, err := loadAccount(ctx, opts.IO, opts.Config, opts.Debug())
	if err != nil {
		return err
	}
	a.Dial, a.StepTimeout = opts.Dial, opts.StepTimeout
	out := &printer{w: opts.IO.Out, json: cfg.Output == config.OutputJSON}
	return stayOnline(ctx, opts.IO, out, cfg, a, sessionPlan{For: opts.For, NoInput: opts.NoInput})
}

// sessionPlan says how long a session lasts and where its commands come from.
type sessionPlan struct {
	For     time.Duration
	NoInput bool
	Status  string // printed to standard error once signed on (text mode)
}

// stayOnline signs on, prints events and runs commands until the input
// ends, --for passes, a signal arrives or the server ends the session.
// A logout we asked for returns nil.
func stayOnline(ctx context.Context, io *IOStreams, out *printer, cfg *config.Config, a *account, plan sessionPlan) error {
	fmt.Fprintf(io.ErrOut, "aim: signing on to %s as %s...\n", a.Server, a.ScreenName)
	sessCtx, stop := context.WithCancel(ctx)
	defer stop()
	sess, err := signOn(sessCtx, a)
	if err != nil {
		return err
	}
	if plan.Status != "" && !out.json {
		fmt.Fprintln(io.ErrOut, plan.Status)
	}
	if plan.For > 0 {
		t := time.AfterFunc(plan.For, stop)
		defer t.Stop()
	}
	cmds := &commander{sess: sess, out: out, cfg: cfg}
	if !plan.NoInput {
		read := func() error { return cmds.readAll(sessCtx, io.In) }
		if tty := terminalOf(io); tty != nil && !out.json {
			p, err := newPrompt(tty, io.Out)
			if err == nil {
				defer p.Close()
				out.setAbove(p.above)
				defer out.setAbove(nil)
				read = func() error { return cmds.readAllInteractive(sessCtx, p) }
			}
		}
		go func() {
			// The reader of standard input cannot be interrupted; it ends
			// at EOF, or with the process.
			if err := read(); err != nil {
				out.result(0, "", "input", err, "", nil)
			}
			stop()
		}()
	}
	for ev := range sess.Events() {
		out.event(ev)
	}
	<-sess.Done()
	if err := sess.Err(); err != nil {
		return fmt.Errorf("session ended: %w", err)
	}
	return nil
}
