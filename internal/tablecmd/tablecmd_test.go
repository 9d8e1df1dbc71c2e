package tablecmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

// testEnv is an Env on a config file of its own (file, "" for none yet),
// with no session running, and what it printed. signOn, if set, is what a
// session of its own would sign on with.
func testEnv(t *testing.T, file string, signOn func(context.Context, *config.Config) (client.Account, error)) (*tablecmd.Env, *bytes.Buffer, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if file != "" {
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state"), "HOME": dir}
	var out, errOut bytes.Buffer
	e := &tablecmd.Env{
		IO: &iostreams.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Config: func() (*config.Config, error) {
			return config.Load(config.Options{Path: path, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
		},
		SocketDirs: func() control.Dirs { return control.Dirs{Runtime: dir, RunUser: dir, Temp: dir} },
		SignOn: func(cmd *cobra.Command) func(context.Context, *config.Config) (client.Account, error) {
			cmd.Flags().String("server", "", "")
			return signOn
		},
	}
	return e, &out, path
}

// execute runs cmd with args as the command line would and returns its
// error.
func execute(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetOut(new(bytes.Buffer))
	_, err := cmd.ExecuteC()
	return err
}

// isUsage reports whether err is a mistake on the command line (exit 2).
func isUsage(err error) bool { return errors.As(err, new(*client.UsageError)) }

// TestHelpIsTheRows: a command's usage, help and examples are its row's,
// with what the command line adds after them; a name of its own keeps the
// row's as an alias.
func TestHelpIsTheRows(t *testing.T) {
	t.Parallel()
	e, _, _ := testEnv(t, "", nil)
	send := tablecmd.New(e, client.CmdSend, tablecmd.Spec{Long: "Only on the command line."})
	if send.Use != "send NAME TEXT" || send.Short != client.CmdSend.Summary() || send.Example != client.CmdSend.Example {
		t.Errorf("send: use %q, short %q", send.Use, send.Short)
	}
	if send.Long != client.CmdSend.Long+"\n\nOnly on the command line." {
		t.Errorf("send's help does not end with the command line's:\n%s", send.Long)
	}
	away := tablecmd.New(e, client.CmdAway, tablecmd.Spec{Name: "set-away", Use: "TEXT"})
	if away.Use != "set-away TEXT" || !away.HasAlias("away") || away.Long != client.CmdAway.Long {
		t.Errorf("set-away: use %q, aliases %q", away.Use, away.Aliases)
	}
	if block := tablecmd.New(e, client.CmdBlock, tablecmd.Spec{}); block.Use != "block NAME..." {
		t.Errorf("a command of names: use %q", block.Use)
	}
	if privacy := tablecmd.New(e, client.CmdPrivacy, tablecmd.Spec{}); len(privacy.ValidArgs) == 0 {
		t.Errorf("privacy completes no values")
	}
}

// TestArgumentsAsTheRowTakesThem: too few or too many arguments, or a
// NAME that is no screen name, is a usage error before anything runs.
func TestArgumentsAsTheRowTakesThem(t *testing.T) {
	t.Parallel()
	e, out, _ := testEnv(t, "screen_name: LabAlice\n", nil)
	for _, tt := range []struct {
		row  *client.Command
		args []string
		want string
	}{
		{client.CmdMove, []string{"LabBob"}, "move takes NAME GROUP (1 given)"},
		{client.CmdMove, []string{"LabBob", "Work", "x"}, "move takes NAME GROUP (3 given)"},
		{client.CmdMove, []string{"Lab!Bob", "Work"}, "invalid character"},
		{client.CmdBlock, nil, "give at least one screen name to block"},
		{client.CmdBlock, []string{"LabBob", "x!"}, "invalid character"},
		{client.CmdStatus, []string{"x"}, `status takes no arguments, got "x"`},
	} {
		err := execute(tablecmd.New(e, tt.row, tablecmd.Spec{}), tt.args...)
		if !isUsage(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: %v, want a usage error saying %q", tt.row.Name, tt.args, err, tt.want)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out)
	}
}

// TestOfflineRun: with no session running, a command with a config-file
// half edits the file, and prints the one result shape; several names are
// one run (one transaction with a session).
func TestOfflineRun(t *testing.T) {
	t.Parallel()
	e, out, path := testEnv(t, "screen_name: LabAlice\noutput: json\n", nil)
	cmd := tablecmd.New(e, client.CmdBlock, tablecmd.Spec{Lists: tablecmd.EachName()})
	if err := execute(cmd, "LabBob", "Lab Carol"); err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if r["type"] != "result" || r["command"] != "block" || r["ok"] != true || r["time"] == nil {
		t.Errorf("result %v", r)
	}
	if f, err := os.ReadFile(path); err != nil || !strings.Contains(string(f), "LabBob") || !strings.Contains(string(f), "Lab Carol") {
		t.Errorf("config file after block: %q, %v", f, err)
	}
}

// TestOwnSessionAfterTheChecks: a command that signs on by itself checks
// what needs no server first (a message too long for any server is
// refused before the password is asked for), and signs on only then.
func TestOwnSessionAfterTheChecks(t *testing.T) {
	t.Parallel()
	signedOn := 0
	errSignOn := errors.New("no password here")
	e, _, _ := testEnv(t, "screen_name: LabAlice\n", func(context.Context, *config.Config) (client.Account, error) {
		signedOn++
		return client.Account{}, errSignOn
	})
	cmd := func() *cobra.Command {
		return tablecmd.New(e, client.CmdSend, tablecmd.Spec{Own: tablecmd.OwnFallback})
	}
	if err := execute(cmd(), "LabBob", strings.Repeat("x", 10000)); client.FailureOf(err) != client.FailureTooLong || signedOn != 0 {
		t.Errorf("a message too long: %v, signed on %d times", err, signedOn)
	}
	if err := execute(cmd(), "LabBob", "hi"); !errors.Is(err, errSignOn) || signedOn != 1 {
		t.Errorf("no session: %v, signed on %d times", err, signedOn)
	}
}

// TestFlagsByHowItRuns: --no-session says what it does for the command,
// and a command that only talks to a session picks it with --screen-name.
func TestFlagsByHowItRuns(t *testing.T) {
	t.Parallel()
	e, _, _ := testEnv(t, "", nil)
	for _, tt := range []struct {
		cmd         *cobra.Command
		flag, usage string
	}{
		{tablecmd.New(e, client.CmdBlock, tablecmd.Spec{}), "no-session", "edit the config file"},
		{tablecmd.New(e, client.CmdInfo, tablecmd.Spec{Own: tablecmd.OwnFallback}), "no-session", "sign on as if there were none"},
		{tablecmd.New(e, client.CmdInfo, tablecmd.Spec{Own: tablecmd.OwnFallback}), "server", ""},
		{tablecmd.New(e, client.CmdLogout, tablecmd.Spec{}), "screen-name", "the session of screen"},
	} {
		fl := tt.cmd.Flags().Lookup(tt.flag)
		if fl == nil || !strings.Contains(fl.Usage, tt.usage) {
			t.Errorf("%s --%s: %v", tt.cmd.Name(), tt.flag, fl)
		}
	}
	if tablecmd.New(e, client.CmdLogout, tablecmd.Spec{}).Flags().Lookup("no-session") != nil {
		t.Errorf("logout takes --no-session")
	}
}

// TestCompleteBuddies: names complete from the buddy list, for the
// arguments that are names, never to file names.
func TestCompleteBuddies(t *testing.T) {
	t.Parallel()
	e, _, _ := testEnv(t, "buddies:\n  - group: Buddies\n    names: [LabBob, Lab Carol, Dave]\n", nil)
	got, dir := tablecmd.CompleteBuddies(e.Config, 1)(nil, nil, "lab")
	if strings.Join(got, ",") != "LabBob,Lab Carol" || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("completed %q, %v", got, dir)
	}
	if got, _ := tablecmd.CompleteBuddies(e.Config, 1)(nil, []string{"LabBob"}, "lab"); got != nil {
		t.Errorf("the second argument completed to %q", got)
	}
	if got, _ := tablecmd.CompleteBuddies(e.Config, -1)(nil, []string{"LabBob"}, "d"); strings.Join(got, ",") != "Dave" {
		t.Errorf("a command of names: the second completed to %q", got)
	}
}
