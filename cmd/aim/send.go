package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

type sendOptions struct {
	accountOptions
	To, Text   string
	FromArgs   bool          // the message was on the command line
	NoSession  bool          // --no-session: sign on even if a session runs
	OnlineOnly bool          // --online-only: never stored for an offline recipient
	Timeout    time.Duration // --timeout: give up after this long (0: never)
}

func newSendCmd(f *factory, runF func(context.Context, *sendOptions) error) *cobra.Command {
	opts := &sendOptions{accountOptions: newAccountOptions(f)}
	cmd := &cobra.Command{
		Use: "send NAME [MESSAGE...]",
		// NAME completes to a buddy; the message to nothing.
		ValidArgsFunction: completeBuddies(f, 1),
		Short:             "Send one message through the running session, or sign on to send it",
		Long: `Send one instant message and wait until the server accepts it. When 'aim
login' runs for the screen name, the message goes through that session: no
password, no second signon, and the session's rate limiter and queue (many
aim send at once are sent in the order they came). Otherwise aim signs on,
sends, and signs off; --no-session forces that. Without MESSAGE the message
is read from standard input (all of it, up to the server's limit, usually
512 bytes). While the session is reconnecting, the message waits for it,
up to --timeout.

The message is sent as typed: characters such as <, > and & and line
breaks arrive as they are (aim escapes them, since AIM messages are HTML).
With --html (or html: true in the config file) the message is HTML and
goes out as it is, so <b>hi</b> shows in bold.

Everything that needs no server (the name, the message's length against
the 512 bytes real servers take, the flags and settings) is checked before
signing on. Exit status 0 means the server accepted the message: it was
delivered, or, when the recipient is offline, the server keeps it for
their next signon (servers that can: the 2026 Open OSCAR Server; aim asks
for it after the first refusal, and says which). With --online-only a
message to someone offline is refused as before. 6 means the server
refused it: the recipient is not signed on and the server does not keep
messages (a user who blocks you looks the same), its storage for them is
full, or you have blocked them (aim unblock NAME). If the connection is
lost after the message went out but before the server confirmed it, aim
says "sent, but the server did not confirm it before the connection was
lost" and exits 1: it may have arrived. Text in any
script arrives intact: aim picks ASCII, ISO-8859-1 or UCS-2 as the text
needs.`,
		Example: `  aim send LabBob 'lunch?'
  echo 'build finished' | aim send LabBob
  aim send "Lab Bob" "names with spaces need quotes" --json
  aim send LabBob --html '<b>bold</b> move'
  */5 * * * * aim send LabBob "$(uptime)"    # cron, through a running aim login`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("send needs the recipient's screen name: aim send NAME [MESSAGE...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.To = args[0]
			if len(args) > 1 {
				opts.Text, opts.FromArgs = strings.Join(args[1:], " "), true
			}
			if err := screenname.Validate(opts.To); err != nil {
				return &usageError{err: err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSend(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	addNoSessionFlag(cmd, &opts.NoSession)
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 0, "give up after `DURATION` (exit 4), e.g. while the session reconnects; 0: wait")
	config.AddFlag(cmd.Flags(), config.KeyHTML, "the message is HTML: send it as it is (or AIM_HTML, html: true)")
	cmd.Flags().BoolVar(&opts.OnlineOnly, "online-only", false, "refuse the message if the recipient is offline, rather than have the server keep it for them")
	return cmd
}

// maxStdinMessage bounds what is read from standard input: far above any
// server's limit, so the limit check, not the read, says what is wrong.
const maxStdinMessage = 64 << 10

func runSend(ctx context.Context, opts *sendOptions) error {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	if !opts.FromArgs {
		if opts.IO.IsStdinTTY() {
			fmt.Fprintln(opts.IO.ErrOut, "aim: type the message, then Ctrl-D")
		}
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, maxStdinMessage+1))
		if err != nil {
			return fmt.Errorf("reading the message: %w", err)
		}
		if len(b) > maxStdinMessage {
			return usageErrorf("the message on standard input is longer than %d bytes", maxStdinMessage)
		}
		opts.Text = strings.TrimRight(string(b), "\r\n")
	}
	if strings.TrimSpace(opts.Text) == "" {
		return usageErrorf("no message to send (give it after the name, or on standard input)")
	}
	// Everything that needs no server is checked before signing on (or
	// handing the message to a running session); the password prompt, if
	// any, comes last.
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	body := client.IMBody(opts.Text, cfg.HTML)
	if err := client.CheckIM(opts.To, body); err != nil {
		return err
	}
	out := &interactive.Printer{W: opts.IO.Out, JSON: cfg.Output == config.OutputJSON}
	if !opts.NoSession {
		c, err := sessionsock.Dial(ctx, socketDirs(opts.RuntimeDir()), cfg.ScreenName)
		if err != nil {
			return err
		}
		if c != nil {
			defer c.Close()
			// body is already what goes on the wire, whatever the
			// session's own html setting.
			args := []string{opts.To, body}
			if opts.OnlineOnly {
				args = append([]string{client.OnlineOnly}, args...)
			}
			r, err := sessionsock.Run(ctx, c, client.CmdSendHTML.Name, args, noticeTo(opts.IO, out.JSON))
			if err != nil && opts.Timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
				return &sendTimeoutError{After: opts.Timeout, Err: err}
			}
			if err != nil {
				return err
			}
			r.Command = client.CmdSend.Name // what was asked of aim: a send
			out.Print(r)
			return nil
		}
	}
	a, err := opts.account(ctx, cfg)
	if err != nil {
		return err
	}
	// The history failing to record the message is a warning: it was sent.
	warn := func(err error) { fmt.Fprintf(opts.IO.ErrOut, "aim: warning: %s\n", client.Defuse(err.Error())) }
	r, err := client.Send(ctx, a, opts.To, body, time.Now, warn, opts.OnlineOnly)
	if err != nil {
		return err
	}
	out.Print(r)
	return nil
}

// sendTimeoutError is --timeout running out while the running session
// had the message, said in words. It wraps the deadline, so it exits as a
// network timeout.
type sendTimeoutError struct {
	After time.Duration
	Err   error
}

func (e *sendTimeoutError) Error() string {
	return fmt.Sprintf("no confirmation from the server within %s (--timeout): the message is still with the running session, "+
		"which may send it later (it waits for the server's rate limit, or to sign on again)", e.After)
}

func (e *sendTimeoutError) Unwrap() error { return e.Err }
