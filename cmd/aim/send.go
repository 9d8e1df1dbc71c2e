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
	"github.com/aim-oscar/aim/internal/runner"
)

type sendOptions struct {
	accountOptions
	NoSession  bool          // --no-session: sign on even if a session runs
	OnlineOnly bool          // --online-only: never stored for an offline recipient
	Timeout    time.Duration // --timeout: give up after this long (0: never)
	// TimeoutGiven: --timeout was given; else Timeout is runner.Wait's.
	TimeoutGiven bool
}

func newSendCmd(f *factory) *cobra.Command {
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
up to --timeout: at a terminal until Ctrl-C, and when standard input is not
a terminal (a script, cron) up to ` + scriptWait + ` unless --timeout says otherwise.

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
  */5 * * * * $HOME/go/bin/aim send LabBob "$(uptime)"    # cron: aim's full path (command -v aim)`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("send needs the recipient's screen name: aim send NAME [MESSAGE...]")
			}
			return screenNameArgs("send")(cmd, args[:1])
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.TimeoutGiven = cmd.Flags().Changed("timeout")
			opts.Timeout = runner.Wait(opts.Timeout, opts.TimeoutGiven, f.IO.IsStdinTTY())
			return runSend(cmd.Context(), f, opts, args)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	addNoSessionFlag(cmd, &opts.NoSession)
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 0, "give up after `DURATION` (exit 4), e.g. while the session reconnects; 0: wait (default: wait at a terminal, "+scriptWait+" otherwise)")
	config.AddFlag(cmd.Flags(), config.KeyHTML, "the message is HTML: send it as it is (or AIM_HTML, html: true)")
	cmd.Flags().BoolVar(&opts.OnlineOnly, "online-only", false, "refuse the message if the recipient is offline, rather than have the server keep it for them")
	return cmd
}

// scriptWait is runner.ScriptWait in words, for help.
var scriptWait = fmt.Sprintf("%d minutes", int(runner.ScriptWait.Minutes()))

// maxStdinMessage bounds what is read from standard input: far above any
// server's limit, so the limit check, not the read, says what is wrong.
const maxStdinMessage = 64 << 10

// runSend runs send with the name and the message (the arguments after
// the name, else standard input) as two arguments, the message as given.
func runSend(ctx context.Context, f *factory, opts *sendOptions, args []string) error {
	text := strings.Join(args[1:], " ")
	if len(args) == 1 {
		if f.IO.IsStdinTTY() {
			fmt.Fprintln(f.IO.ErrOut, "aim: type the message, then Ctrl-D")
		}
		b, err := io.ReadAll(io.LimitReader(f.IO.In, maxStdinMessage+1))
		if err != nil {
			return fmt.Errorf("reading the message: %w", err)
		}
		if len(b) > maxStdinMessage {
			return usageErrorf("the message on standard input is longer than %d bytes", maxStdinMessage)
		}
		text = strings.TrimRight(string(b), "\r\n")
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	// The caller's html setting decides, whatever the session's.
	list := []string{client.PlainText, args[0], text}
	if cfg.HTML {
		list[0] = client.HTMLText
	}
	if opts.OnlineOnly {
		list = append([]string{client.OnlineOnly}, list...)
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	err = runLists(ctx, f, client.CmdSend, opts.NoSession, [][]string{list}, opts.own(ctx, false))
	var waited *runner.WaitedError
	if opts.Timeout > 0 && errors.As(err, &waited) && errors.Is(err, context.DeadlineExceeded) {
		return &sendTimeoutError{After: opts.Timeout, Given: opts.TimeoutGiven, Err: err}
	}
	return err
}

// sendTimeoutError is --timeout running out while the running session
// had the message, said in words. It wraps the deadline, so it exits as a
// network timeout.
type sendTimeoutError struct {
	After time.Duration
	Given bool // by --timeout; else the default wait of scripts
	Err   error
}

func (e *sendTimeoutError) Error() string {
	why := "--timeout"
	if !e.Given {
		why = "the wait when standard input is not a terminal; --timeout changes it"
	}
	return fmt.Sprintf("no confirmation from the server within %s (%s): the message is still with the running session, "+
		"which may send it later (it waits for the server's rate limit, or to sign on again)", e.After, why)
}

func (e *sendTimeoutError) Unwrap() error { return e.Err }
