package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/limits"
)

// maxTextInput bounds what set-profile and set-away read from a file or
// stdin; anything longer is refused by the length check anyway.
const maxTextInput = 1 << 20

// setTextOptions are the options of set-profile and set-away, which differ
// only in what they store.
type setTextOptions struct {
	What    string          // "profile" or "away message", for messages
	Command *client.Command // client.CmdProfile or client.CmdAway

	Text  string // from the arguments
	File  string // --file; "-" is stdin
	Stdin bool   // the argument "-"
	Clear bool   // --clear

	NoSession bool // --no-session: the file only, not the running session
}

func newSetProfileCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	opts := &setTextOptions{What: "profile", Command: client.CmdProfile}
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
	return setTextCmd(f, cmd, opts, runF)
}

func newSetAwayCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	opts := &setTextOptions{What: "away message", Command: client.CmdAway}
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
	return setTextCmd(f, cmd, opts, runF)
}

// setTextCmd adds the flags, argument parsing and run step shared by
// set-profile and set-away.
func setTextCmd(f *factory, cmd *cobra.Command, opts *setTextOptions, runF func(*setTextOptions) error) *cobra.Command {
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
		return setTextRun(cmd.Context(), f, opts)
	}
	return cmd
}

// setTextRun reads the text (standard input, a file) and runs the
// command with it, or with nothing to clear it.
func setTextRun(ctx context.Context, f *factory, opts *setTextOptions) error {
	text := opts.Text
	switch {
	case opts.Clear:
	case opts.Stdin:
		if f.IO.IsStdinTTY() {
			fmt.Fprintf(f.IO.ErrOut, "Type the %s, then press Ctrl-D on a new line:\n", opts.What)
		}
		b, err := io.ReadAll(io.LimitReader(f.IO.In, maxTextInput))
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
	args := []string{}
	if !opts.Clear {
		if strings.TrimSpace(text) == "" {
			return usageErrorf("the %s is empty; use --clear to remove it", opts.What)
		}
		args = []string{text}
	}
	return runLists(ctx, f, opts.Command, opts.NoSession, [][]string{args}, nil)
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
