package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

// parse runs cmd's flag and argument parsing on args and reports the error.
// The commands under test are built with a runF that records the options
// instead of acting, as in cli/cli.
func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	streams, _, _, _ := testIO()
	cmd.SetArgs(args)
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &client.UsageError{Err: err} })
	_, err := cmd.ExecuteC()
	return err
}

func TestSetTextParsing(t *testing.T) {
	t.Parallel()
	streams, _, _, _ := testIO()
	f := &factory{IO: streams}
	tests := []struct {
		args []string
		want setTextOptions // only the parsed fields
		err  bool
	}{
		{args: []string{"hello"}, want: setTextOptions{Text: "hello"}},
		{args: []string{"hello", "world"}, want: setTextOptions{Text: "hello world"}},
		{args: []string{"-"}, want: setTextOptions{Stdin: true}},
		{args: []string{"--file", "-"}, want: setTextOptions{Stdin: true}},
		{args: []string{"-f", "p.html"}, want: setTextOptions{File: "p.html"}},
		{args: []string{"--clear"}, want: setTextOptions{Clear: true}},
		{args: []string{"a", "-"}, want: setTextOptions{Text: "a -"}},
		{args: []string{}, err: true},
		{args: []string{"x", "--clear"}, err: true},
		{args: []string{"--file", "p", "--clear"}, err: true},
		{args: []string{"x", "--file", "p"}, err: true},
	}
	for _, newCmd := range []func(*factory, func(*setTextOptions) error) *cobra.Command{newSetProfileCmd, newSetAwayCmd} {
		for _, tt := range tests {
			var got *setTextOptions
			cmd := newCmd(f, func(o *setTextOptions) error { got = o; return nil })
			err := parse(t, cmd, tt.args...)
			if tt.err {
				if exitCode(err) != exitUsage {
					t.Errorf("%s %q: err = %v, want a usage error", cmd.Name(), tt.args, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s %q: %v", cmd.Name(), tt.args, err)
				continue
			}
			parsed := setTextOptions{Text: got.Text, File: got.File, Stdin: got.Stdin, Clear: got.Clear}
			if !reflect.DeepEqual(parsed, tt.want) {
				t.Errorf("%s %q: parsed %+v, want %+v", cmd.Name(), tt.args, parsed, tt.want)
			}
		}
	}
}

func TestBuddiesAddParsing(t *testing.T) {
	t.Parallel()
	streams, _, _, _ := testIO()
	f := &factory{IO: streams}
	var got [][]string
	runF := func(lists [][]string) error { got = lists; return nil }

	if err := parse(t, newBuddiesAddCmd(f, runF), "LabBob", "Lab Carol", "-g", "Work"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, [][]string{{client.Each, "Work", "LabBob", "Lab Carol"}}) {
		t.Errorf("parsed %q", got)
	}
	if err := parse(t, newBuddiesAddCmd(f, runF), "LabBob"); err != nil || !reflect.DeepEqual(got, [][]string{{"LabBob", "Buddies"}}) {
		t.Errorf("default group: %v, %q", err, got)
	}
	for _, args := range [][]string{{}, {"x!"}, {"LabBob", "--group", ""}, {"LabBob", "--nope"}} {
		if err := parse(t, newBuddiesAddCmd(f, runF), args...); exitCode(err) != exitUsage {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

// Every setting of the registry reaches the command line: its flag is
// defined on a command (a boolean one taking the file's spellings), and
// aim config --help and aim config show name it.
func TestEverySettingOnTheCommandLine(t *testing.T) {
	t.Parallel()
	streams, _, _, _ := testIO()
	root := newRootCmd(&factory{IO: streams})
	defined := map[string][]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) { defined[fl.Name] = append(defined[fl.Name], c) })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	configCmd, _, err := root.Find([]string{"config"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range config.Settings {
		if !strings.Contains(configCmd.Long, "  "+s.Key) {
			t.Errorf("aim config --help does not explain %s", s.Key)
		}
		if s.Flag == "" {
			continue
		}
		cmds := defined[s.Flag]
		if len(cmds) == 0 {
			t.Errorf("no command defines --%s (setting %s)", s.Flag, s.Key)
		}
		for _, c := range cmds {
			if s.Kind != config.KindBool {
				continue
			}
			if err := c.Flags().Set(s.Flag, "no"); err != nil {
				t.Errorf("aim %s --%s=no: %v", c.Name(), s.Flag, err)
			}
		}
	}
}

// TestFlagHelpAndHints (issue 22 item 15): help names a flag's value once
// (--auth flap|md5, not again in its text), --no-session says what it does
// for that command, completion has examples, and an unknown flag gets the
// closest one, or for a password where aim takes one.
func TestFlagHelpAndHints(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args    []string
		code    int
		want    string
		notWant string
	}{
		{[]string{"login", "--help"}, 0, "--auth flap|md5", "(flap|md5"},
		{[]string{"send", "--help"}, 0, "--no-session", "edit the"},
		{[]string{"completion", "--help"}, 0, "aim completion bash > ", ""},
		{[]string{"login", "--sever", "x"}, exitUsage, "did you mean --server?", ""},
		{[]string{"send", "--password", "x", "LabBob", "hi"}, exitUsage, "AIM_PASSWORD", "did you mean"},
	} {
		code, out, errOut := runCLI(t, "", tt.args...)
		all := out + errOut
		if code != tt.code || !strings.Contains(all, tt.want) || (tt.notWant != "" && strings.Contains(all, tt.notWant)) {
			t.Errorf("aim %v: exit %d, want %d with %q and not %q:\n%s", tt.args, code, tt.code, tt.want, tt.notWant, all)
		}
	}
}
