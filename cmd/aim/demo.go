package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// The demo's cast: the user, and a buddy that answers.
const (
	demoUser = "DemoUser"
	demoBot  = "AIMBot"
)

type demoOptions struct {
	IO      *IOStreams
	JSON    func() bool
	Debug   func() bool
	For     time.Duration
	NoInput bool
	Serve   bool
	Listen  string
}

// demoAccounts can sign on to `aim demo --serve`, all with demoPassword.
var demoAccounts = []string{"Alice", "Bob", "Carol", demoUser}

const demoPassword = "demo"

func newDemoCmd(f *factory, runF func(context.Context, *demoOptions) error) *cobra.Command {
	opts := &demoOptions{IO: f.IO, Debug: f.Debug}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try aim with no server of your own: sign on to a built-in local server",
		Long: `Start an OSCAR server inside aim, on 127.0.0.1, and sign on to it as
` + demoUser + `, whose buddy ` + demoBot + ` answers every message. Everything after
that is the real client: the same signon, events, commands and output as
'aim login' against a real server. Nothing leaves this machine and nothing
is written to your config file.

Try: send ` + demoBot + ` hello     info ` + demoBot + `     away lunch     quit

With --serve it runs only the server, on 127.0.0.1:5190 (--listen), until
Ctrl-C, so that 'aim login' in other terminals can sign on to it and talk:
the accounts are ` + strings.Join(demoAccounts, ", ") + `, each with the password "` + demoPassword + `".`,
		Example: `  aim demo
  aim demo --json --for 5s --no-input
  aim demo --serve    # then, elsewhere: AIM_PASSWORD=demo aim login --server 127.0.0.1:5190 --screen-name Alice
  printf 'send AIMBot hi\nquit\n' | aim demo --json | jq .`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = func() bool { j, _ := cmd.Flags().GetBool("json"); return j }
			fl := cmd.Flags()
			switch {
			case fl.Changed("listen") && !opts.Serve:
				return usageErrorf("--listen goes with --serve")
			case opts.Serve && (fl.Changed("for") || fl.Changed("no-input") || opts.JSON()):
				return usageErrorf("--serve runs only the server: --for, --no-input and --json are for the demo session")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
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
	var pw [12]byte
	rand.Read(pw[:])
	password := hex.EncodeToString(pw[:])

	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: demoUser, Password: password})
	srv.Start()
	defer srv.Close()
	srv.AddBot(demoBot, demoReply)

	a := client.Account{
		Server:     srv.AuthAddr(),
		ScreenName: demoUser,
		Password:   secret.String(password),
		Buddies:    []string{demoBot},
		Profile:    "<HTML>Trying out <B>aim</B>, the command-line AIM client.</HTML>",
	}
	if opts.Debug() {
		a.Debug = opts.IO.ErrOut
	}
	out := &printer{w: opts.IO.Out, json: opts.JSON()}

	// Once signed on, the bot says hello: an IM the server delivers like
	// any other.
	greeted := make(chan struct{})
	go func() {
		defer close(greeted)
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if srv.WaitOnline(wctx, demoUser) == nil {
			srv.SendIM(demoBot, demoUser, "Hi! I'm "+demoBot+", a bot on this demo server. Type: send "+demoBot+" hello")
		}
	}()
	defer func() { <-greeted }()

	return stayOnline(ctx, opts.IO, out, client.Options{Account: a, Reconnect: true}, sessionPlan{
		For:     opts.For,
		NoInput: opts.NoInput,
		Debug:   opts.Debug(),
		Status:  "aim: demo server on " + srv.AuthAddr() + "; type 'help' for commands, 'quit' to sign off",
	})
}

// serveDemo runs the demo server alone until ctx ends.
func serveDemo(ctx context.Context, opts *demoOptions) error {
	srv := oscartest.NewUnstartedServer()
	for _, name := range demoAccounts {
		srv.AddAccount(oscartest.Account{ScreenName: name, Password: demoPassword})
	}
	srv.AuthListen = opts.Listen
	if err := srv.Listen(); err != nil {
		return fmt.Errorf("demo server: %w", err)
	}
	defer srv.Close()
	srv.AddBot(demoBot, demoReply)
	fmt.Fprintf(opts.IO.ErrOut, `aim: demo server listening on %s (Ctrl-C stops it)
accounts: %s, password %q; %s answers messages. In another terminal:
  AIM_PASSWORD=%s aim login --server %s --screen-name %s
`, srv.AuthAddr(), strings.Join(demoAccounts, ", "), demoPassword, demoBot, demoPassword, srv.AuthAddr(), demoAccounts[0])
	<-ctx.Done()
	fmt.Fprintln(opts.IO.ErrOut, "aim: demo server stopped")
	return nil
}

// demoReply is the bot's side of the conversation.
func demoReply(from, html string) string {
	text := strings.TrimSpace(htmltext.Plain(html))
	lower := strings.ToLower(text)
	switch {
	case lower == "":
		return ""
	case strings.HasPrefix(lower, "help"):
		return "Try: send " + demoBot + " time, info " + demoBot + ", away brb, buddies, quit."
	case strings.Contains(lower, "time"):
		return "It is " + time.Now().Format("15:04:05") + " here."
	case lower == "hi" || lower == "hello" || strings.HasPrefix(lower, "hello ") || strings.HasPrefix(lower, "hi "):
		return "Hello, " + from + "! Everything you see is real OSCAR on a local server."
	}
	return fmt.Sprintf("You said %q (%d characters). Say help for ideas.", text, len([]rune(text)))
}
