package main

import (
	"reflect"
	"testing"

	"github.com/spf13/cobra"
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
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	_, err := cmd.ExecuteC()
	return err
}

func TestSetTextParsing(t *testing.T) {
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
	streams, _, _, _ := testIO()
	f := &factory{IO: streams}
	var got *buddiesEditOptions
	runF := func(o *buddiesEditOptions) error { got = o; return nil }

	if err := parse(t, newBuddiesAddCmd(f, runF), "LabBob", "Lab Carol", "-g", "Work"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Names, []string{"LabBob", "Lab Carol"}) || got.Group != "Work" {
		t.Errorf("parsed %+v", got)
	}
	if err := parse(t, newBuddiesAddCmd(f, runF), "LabBob"); err != nil || got.Group != "Buddies" {
		t.Errorf("default group: %v, %q", err, got.Group)
	}
	for _, args := range [][]string{{}, {"x!"}, {"LabBob", "--group", ""}, {"LabBob", "--nope"}} {
		if err := parse(t, newBuddiesAddCmd(f, runF), args...); exitCode(err) != exitUsage {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}
