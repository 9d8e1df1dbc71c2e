package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/config"
)

// maxTextInput bounds what set-profile and set-away read from a file or
// stdin; anything longer is refused by the length check anyway.
const maxTextInput = 1 << 20

// setTextOptions are the options of set-profile and set-away, which differ
// only in what they store.
type setTextOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)

	What string // "profile" or "away message", for messages
	Key  string // config.KeyProfile or config.KeyAway

	Text  string // from the arguments
	File  string // --file; "-" is stdin
	Stdin bool   // the argument "-"
	Clear bool   // --clear
}

func newSetProfileCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	opts := &setTextOptions{IO: f.IO, Config: f.Config, What: "profile", Key: config.KeyProfile}
	cmd := &cobra.Command{
		Use:   "set-profile {TEXT | - | --file FILE | --clear}",
		Short: "Set the profile others see when they look you up",
		Long: fmt.Sprintf(`Set the profile others see when they look you up. It is stored in the
config file and sent to the server each time you sign on. It may be HTML.

Give the text as arguments (joined with spaces), as - to read standard input,
with --file, or remove it with --clear. A trailing newline is dropped. aim
refuses a profile over %d bytes; once signed on, the server's own limit applies.`, config.DefaultProfileLimit),
		Example: `  aim set-profile 'Lab rat. <b>Ask me about OSCAR.</b>'
  aim set-profile --file ~/profile.html
  fortune | aim set-profile -
  aim set-profile --clear`,
	}
	return setTextCmd(cmd, opts, runF)
}

func newSetAwayCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	opts := &setTextOptions{IO: f.IO, Config: f.Config, What: "away message", Key: config.KeyAway}
	cmd := &cobra.Command{
		Use:   "set-away {TEXT | - | --file FILE | --clear}",
		Short: "Set or clear the away message",
		Long: fmt.Sprintf(`Set or clear the away message. It is stored in the config file; while it
is set, aim signs on as away and others see it when they message you.

Give the text as arguments (joined with spaces), as - to read standard input,
with --file, or remove it with --clear to be back. A trailing newline is
dropped. aim refuses an away message over %d bytes.`, config.DefaultProfileLimit),
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
	cmd.RunE = func(_ *cobra.Command, args []string) error {
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
		return setTextRun(opts)
	}
	return cmd
}

func setTextRun(opts *setTextOptions) error {
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
		if err := set(""); err != nil {
			return err
		}
		_, err := fmt.Fprintf(opts.IO.Out, "Cleared the %s\n", opts.What)
		return err
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
	if err := set(text); err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.IO.Out, "Saved the %s (%d bytes): a running aim login takes it now, later ones when they sign on\n", opts.What, len(text))
	return err
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
