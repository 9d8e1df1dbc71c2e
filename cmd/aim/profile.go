package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// maxTextInput bounds what set-profile and set-away read from a file or
// stdin; anything longer is refused by the length check anyway.
const maxTextInput = 1 << 20

// setTextOptions are the options of set-profile and set-away, which differ
// only in what they store.
type setTextOptions struct {
	IO         *IOStreams
	Config     func() (*config.Config, error)
	RuntimeDir func() string

	What string // "profile" or "away message", for messages
	Key  string // config.KeyProfile or config.KeyAway

	Text  string // from the arguments
	File  string // --file; "-" is stdin
	Stdin bool   // the argument "-"
	Clear bool   // --clear

	NoSession bool // --no-session: the file only, not the running session
}

func newSetProfileCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	opts := &setTextOptions{IO: f.IO, Config: f.Config, RuntimeDir: f.RuntimeDir, What: "profile", Key: config.KeyProfile}
	cmd := &cobra.Command{
		Use:   "set-profile {TEXT | - | --file FILE | --clear}",
		Short: "Set the profile others see when they look you up",
		Long: fmt.Sprintf(`Set the profile others see when they look you up. It is stored in the
config file and sent to the server each time you sign on. It may be HTML.

Give the text as arguments (joined with spaces), as - to read standard input,
with --file, or remove it with --clear. A trailing newline is dropped. aim
refuses a profile over %d bytes; once signed on, the server's own limit applies.
When 'aim login' runs for the screen name, its session sets it on the server
at once and says whether the server took it (--no-session: the file only).`, limits.DefaultProfile),
		Example: `  aim set-profile 'Lab rat. <b>Ask me about OSCAR.</b>'
  aim set-profile --file ~/profile.html
  fortune | aim set-profile -
  aim set-profile --clear`,
	}
	return setTextCmd(cmd, opts, runF)
}

func newSetAwayCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	opts := &setTextOptions{IO: f.IO, Config: f.Config, RuntimeDir: f.RuntimeDir, What: "away message", Key: config.KeyAway}
	cmd := &cobra.Command{
		Use:   "set-away {TEXT | - | --file FILE | --clear}",
		Short: "Set or clear the away message",
		Long: fmt.Sprintf(`Set or clear the away message. It is stored in the config file; while it
is set, aim signs on as away and others see it when they message you.

Give the text as arguments (joined with spaces), as - to read standard input,
with --file, or remove it with --clear to be back. A trailing newline is
dropped. aim refuses an away message over %d bytes. When 'aim login' runs for
the screen name, its session goes away (or comes back) at once
(--no-session: the file only).`, limits.DefaultProfile),
		Example: `  aim set-away 'At lunch, back at 2'
  aim set-away --file away.html
  aim set-away --clear`,
	}
	return setTextCmd(cmd, opts, runF)
}

// setTextCmd adds the flags, argument parsing and run step shared by
// set-profile and set-away.
func setTextCmd(cmd *cobra.Command, opts *setTextOptions, runF func(*setTextOptions) error) *cobra.Command {
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "read the text from `FILE` (- for standard input)")
	cmd.Flags().BoolVar(&opts.Clear, "clear", false, "remove the "+opts.What)
	addNoSessionEditFlag(cmd, &opts.NoSession)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		sources := 0
		for _, given := range []bool{len(args) > 0, opts.File != "", opts.Clear} {
			if given {
				sources++
			}
		}
		if sources != 1 {
			return usageErrorf("give the %s as TEXT, as - to read standard input, with --file FILE, or use --clear (exactly one)", opts.What)
		}
		switch {
		case len(args) == 1 && args[0] == "-", opts.File == "-":
			opts.Stdin, opts.File = true, ""
		case len(args) > 0:
			opts.Text = strings.Join(args, " ")
		}
		if runF != nil {
			return runF(opts)
		}
		return setTextRun(cmd.Context(), opts)
	}
	return cmd
}

func setTextRun(ctx context.Context, opts *setTextOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	set := cfg.SetProfile
	current := cfg.Profile
	if opts.Key == config.KeyAway {
		set, current = cfg.SetAway, cfg.Away
	}

	if opts.Clear {
		if current == "" {
			fmt.Fprintf(opts.IO.ErrOut, "No %s is set\n", opts.What)
			return nil
		}
		return opts.done(ctx, cfg, "", fmt.Sprintf("Cleared the %s", opts.What), set)
	}

	text := opts.Text
	switch {
	case opts.Stdin:
		if opts.IO.IsStdinTTY() {
			fmt.Fprintf(opts.IO.ErrOut, "Type the %s, then press Ctrl-D on a new line:\n", opts.What)
		}
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, maxTextInput))
		if err != nil {
			return fmt.Errorf("reading the %s from standard input: %w", opts.What, err)
		}
		text = trimFinalNewline(string(b))
	case opts.File != "":
		b, err := readFileLimited(opts.File)
		if err != nil {
			return usageErrorf("reading the %s: %v", opts.What, err)
		}
		text = trimFinalNewline(string(b))
	}
	if strings.TrimSpace(text) == "" {
		return usageErrorf("the %s is empty; use --clear to remove it", opts.What)
	}
	return opts.done(ctx, cfg, text, fmt.Sprintf("Saved the %s (%d bytes)", opts.What, len(text)), set)
}

// done hands the text to the running session if there is one, saves it
// to the file (save), and prints the one result, the same whichever way it
// went (what the session did is a notice on standard error). The session
// comes first: when the session's config follower then reads the file, it
// finds what the session has already, and neither sets it on the server a
// second time nor reports the command's own edit as a change.
func (opts *setTextOptions) done(ctx context.Context, cfg *config.Config, text, summary string, save func(string) error) error {
	took, err := opts.toSession(ctx, cfg, text)
	if serr := save(text); serr != nil {
		return serr
	}
	if err != nil {
		return err
	}
	if took == "" {
		took = "a running aim login takes it now, later ones when they sign on"
	}
	fmt.Fprintf(opts.IO.ErrOut, "aim: %s\n", took)
	r := &client.Result{Command: "set-" + strings.ReplaceAll(opts.What, " message", ""), OK: true, Summary: summary}
	if opts.Key == config.KeyAway {
		away := text != ""
		r.Away = &away
	}
	return printResult(opts.IO, cfg.Output == config.OutputJSON, client.Stamp(r, time.Now()).(*client.Result))
}

// toSession hands the text to the running session, which sets it on the
// server at once; it returns what to tell the user ("" with no session).
func (opts *setTextOptions) toSession(ctx context.Context, cfg *config.Config, text string) (string, error) {
	if opts.NoSession {
		return "", nil
	}
	c, err := sessionsock.Dial(ctx, socketDirs(opts.RuntimeDir()), cfg.ScreenName)
	if err != nil || c == nil {
		return "", err
	}
	defer c.Close()
	command := client.CmdProfile.Name
	if opts.Key == config.KeyAway {
		command = client.CmdAway.Name
	}
	var args []string
	if text != "" {
		args = []string{text}
	}
	if _, err := sessionsock.Run(ctx, c, command, args, noticeTo(opts.IO, cfg.Output == config.OutputJSON)); err != nil {
		return "", fmt.Errorf("saved to the config file, but the running session could not set it: %w", err)
	}
	return "the running session has set it on the server", nil
}

// readFileLimited reads up to maxTextInput bytes of path.
func readFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxTextInput))
}

// trimFinalNewline drops the line endings editors and echo add at the end.
func trimFinalNewline(s string) string {
	return strings.TrimRight(s, "\r\n")
}
