package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/tablecmd"
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
}

func newSetProfileCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	return setTextCmd(f, "set-profile", &setTextOptions{What: "profile", Command: client.CmdProfile}, runF)
}

func newSetAwayCmd(f *factory, runF func(*setTextOptions) error) *cobra.Command {
	return setTextCmd(f, "set-away", &setTextOptions{What: "away message", Command: client.CmdAway}, runF)
}

// setTextCmd is set-profile or set-away: the text from the arguments,
// standard input or a file, or --clear.
func setTextCmd(f *factory, name string, opts *setTextOptions, runF func(*setTextOptions) error) *cobra.Command {
	cmd := tablecmd.New(f.table(), opts.Command, tablecmd.Spec{
		Name: name, Use: "{TEXT | - | --file FILE | --clear}", Args: cobra.ArbitraryArgs,
		Long: `Give the text as arguments (joined with spaces), as - to read standard input,
with --file, or remove it with --clear. A trailing newline is dropped.
When 'aim login' runs for the screen name, its session takes it at once;
otherwise, or with --no-session, the config file alone.`,
		RunE: func(cmd *cobra.Command, args []string, run func(context.Context, [][]string) error) error {
			sources := 0
			for _, given := range []bool{len(args) > 0, opts.File != "", opts.Clear} {
				if given {
					sources++
				}
			}
			if sources != 1 {
				return client.Usagef("give the %s as TEXT, as - to read standard input, with --file FILE, or use --clear (exactly one)", opts.What)
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
			list, err := readText(f, opts)
			if err != nil {
				return err
			}
			return run(cmd.Context(), [][]string{list})
		},
	})
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "read the text from `FILE` (- for standard input)")
	cmd.Flags().BoolVar(&opts.Clear, "clear", false, "remove the "+opts.What)
	return cmd
}

// readText reads the text (standard input, a file): the command's
// arguments, none to clear it.
func readText(f *factory, opts *setTextOptions) ([]string, error) {
	text, err := opts.Text, error(nil)
	switch {
	case opts.Clear:
		return []string{}, nil
	case opts.Stdin:
		text, err = readInput(f, f.IO.In, opts.What, maxTextInput)
	case opts.File != "":
		file, openErr := os.Open(opts.File)
		if openErr != nil {
			return nil, client.Usagef("reading the %s: %v", opts.What, openErr)
		}
		defer file.Close()
		if text, err = readInput(f, file, opts.What, maxTextInput); err != nil && !errors.As(err, new(*client.UsageError)) {
			err = &client.UsageError{Err: err} // a file that is not one: fixed by giving another
		}
	}
	if err == nil && strings.TrimSpace(text) == "" {
		err = client.Usagef("the %s is empty; use --clear to remove it", opts.What)
	}
	return []string{text}, err
}

// readInput reads what from r (client.ReadText); at a terminal it says
// how to end it.
func readInput(f *factory, r io.Reader, what string, limit int64) (string, error) {
	if r == f.IO.In && f.IO.IsStdinTTY() {
		fmt.Fprintf(f.IO.ErrOut, "aim: type the %s, then Ctrl-D on a new line\n", what)
	}
	return client.ReadText(r, what, limit)
}
