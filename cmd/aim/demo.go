package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/demo"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

type demoOptions struct {
	IO    *IOStreams
	JSON  func() bool
	Debug func() bool
	// SocketDirs are where the sessions' control sockets may be.
	SocketDirs func() control.Dirs
	// Color is the color setting (--color, AIM_COLOR, the file's, or auto).
	Color   func() string
	For     time.Duration
	NoInput bool
	Serve   bool
	Listen  string
}

func newDemoCmd(f *factory) *cobra.Command {
	opts := &demoOptions{IO: f.IO, Debug: f.Debug, SocketDirs: f.SocketDirs, Color: func() string {
		if cfg, err := f.Config(); err == nil { // the demo needs no settings: a bad file leaves colour to the terminal
			return cfg.Color
		}
		return config.ColorAuto
	}}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try aim with no server of your own: sign on to a built-in local server",
		Long: `Start an OSCAR server inside aim, on 127.0.0.1, and sign on to it as
` + demo.User + `, whose buddy ` + demo.Bot + ` answers every message. Everything after
that is the real client: the same signon, events, commands and output as
'aim login' against a real server. Nothing leaves this machine and nothing
is written to your config file.

Try: send ` + demo.Bot + ` hello     info ` + demo.Bot + `     away lunch     quit
In the chat room ` + demo.Room + `, ` + demo.Bot + ` answers what is said:
     join ` + demo.Room + `     say ` + demo.Room + ` hi everyone     members ` + demo.Room + `

With --serve it runs only the server, on 127.0.0.1:5190 (--listen), until
Ctrl-C, so that 'aim login' in other terminals can sign on to it and talk:
the accounts are ` + strings.Join(demo.Accounts, ", ") + `, each with the password "` + demo.Password + `".`,
		Example: `  aim demo
  aim demo --json --for 5s --no-input
  aim demo --serve    # then, elsewhere: AIM_PASSWORD=demo aim login --server 127.0.0.1:5190 --screen-name Alice
  AIM_PASSWORD=demo aim chat --server 127.0.0.1:5190 --screen-name Bob Lobby   # with --serve running
  printf 'send AIMBot hi\nquit\n' | aim demo --json | jq .`,
		Args: tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = func() bool { j, _ := cmd.Flags().GetBool("json"); return j }
			fl := cmd.Flags()
			switch {
			case fl.Changed("listen") && !opts.Serve:
				return client.Usagef("--listen goes with --serve")
			case opts.Serve && (fl.Changed("for") || fl.Changed("no-input") || opts.JSON()):
				return client.Usagef("--serve runs only the server: --for, --no-input and --json are for the demo session")
			}
			if err := checkFor(opts.For); err != nil {
				return err
			}
			if err := demo.CheckAddr(opts.Listen); err != nil {
				return client.Usagef("--listen %q: want HOST:PORT, such as 127.0.0.1:5190: %v", opts.Listen, err)
			}
			if opts.Serve {
				return serveDemo(cmd.Context(), opts)
			}
			return runDemo(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Serve, "serve", false, "run only the demo server, for 'aim login' in other terminals")
	cmd.Flags().StringVar(&opts.Listen, "listen", "127.0.0.1:5190", "with --serve, the authorizer's `HOST:PORT`")
	cmd.Flags().DurationVar(&opts.For, "for", 0, "sign off after this `DURATION`; 0: stay on until quit, end of input or Ctrl-C")
	cmd.Flags().BoolVar(&opts.NoInput, "no-input", false, "ignore standard input")
	return cmd
}

func runDemo(ctx context.Context, opts *demoOptions) error {
	// The demo session is shared like any other: aim status --screen-name
	// DemoUser, aim send --screen-name DemoUser AIMBot hi.
	sock, err := runner.Listen(opts.SocketDirs(), "", demo.User, "", func(w string) { fmt.Fprintf(opts.IO.ErrOut, "aim: %s\n", w) })
	if err != nil {
		return err
	}
	srv := demo.Start()
	defer srv.Close()
	a := client.Account{Server: srv.AuthAddr(), ScreenName: demo.User, Password: srv.Password,
		Buddies: []string{demo.Bot}, Profile: demo.Profile}
	if opts.Debug() {
		a.Debug = opts.IO.ErrOut
	}
	status := "aim: demo server on " + srv.AuthAddr() // the input's greeting says how to go on
	return interactive.StayOnline(ctx, opts.IO, interactive.NewPrinter(opts.IO, opts.JSON(), opts.Color()), client.Options{Account: a, Reconnect: true}, interactive.SessionPlan{
		For:     opts.For,
		NoInput: opts.NoInput,
		Debug:   opts.Debug(),
		Socket:  sock,
		Status:  status,
	})
}

// serveDemo runs the demo server alone until ctx ends.
func serveDemo(ctx context.Context, opts *demoOptions) error {
	srv, err := demo.Listen(opts.Listen)
	if busy := (*demo.ListenError)(nil); errors.As(err, &busy) {
		return client.Usagef("the demo server cannot listen on %s: %v; choose another with --listen HOST:PORT", opts.Listen, busy.Err)
	}
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(opts.IO.ErrOut, "aim: demo server listening on %s (Ctrl-C stops it)\n%s", srv.AuthAddr(), srv.HowToTalk())
	<-ctx.Done()
	fmt.Fprintln(opts.IO.ErrOut, "aim: demo server stopped")
	return nil
}
