package client_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

// RunOffline makes the session's decisions on the config file alone, and
// returns the session's result.
func TestRunOffline(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("buddies:\n  - group: Buddies\n    names: [LabBob]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{Path: path, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	run := func(cmd *client.Command, args ...string) (*client.Result, error) {
		return client.RunOffline(t.Context(), cfg, "LabAlice", cmd, args, now)
	}
	r, err := run(client.CmdBlock, "Lab Mallory")
	if err != nil || !r.OK || r.Type != "result" || !r.Time.Equal(at) || r.Command != "block" || r.Name != "Lab Mallory" {
		t.Fatalf("block = %+v, %v", r, err)
	}
	if cfg.Privacy != config.PrivacyBlockDeny {
		t.Errorf("privacy = %q, want block-deny set for the list to count", cfg.Privacy)
	}
	if _, err := run(client.CmdBlock, "labalice"); !errors.As(err, new(*client.UsageError)) || client.FailureOf(err) != client.FailureUsage {
		t.Errorf("blocking yourself: %v, want a usage error", err)
	}
	if r, err := run(client.CmdAdd, "LabBob"); err != nil || r.Summary != "LabBob is already a buddy" {
		t.Errorf("add of a buddy = %+v, %v", r, err)
	}
	if r, err := run(client.CmdMove, "LabBob", "Work"); err != nil || r.Group != "Work" {
		t.Errorf("move = %+v, %v", r, err)
	}
	if _, err := run(client.CmdSend, "LabBob", "hi"); err == nil {
		t.Error("send ran with no session")
	}
	if r, err := run(client.CmdBlocked); err != nil || len(r.Blocked) != 1 || r.Privacy != config.PrivacyBlockDeny {
		t.Errorf("blocked = %+v, %v", r, err)
	}
}

// TestMoveIsOneEdit: aim buddies move edits the config file once, so
// that nobody reading it meanwhile (the session's follower of the file,
// whose sync would take the buddy off the server's list) finds the buddy
// gone: a move the file cannot take leaves the buddy where it was.
func TestMoveIsOneEdit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("buddies:\n  - group: Buddies\n    names: [LabBob]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := config.Options{Path: path, Env: func(string) (string, bool) { return "", false }}
	cfg, err := config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.RunOffline(t.Context(), cfg, "LabAlice", client.CmdMove, []string{"LabBob", "Old\x01friends"}, time.Now); err == nil {
		t.Error("a move to a group with a control character worked")
	}
	again, err := config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []config.BuddyGroup{{Group: "Buddies", Names: []string{"LabBob"}}}; !reflect.DeepEqual(again.Buddies, want) {
		t.Errorf("buddies after the failed move = %+v, want %+v", again.Buddies, want)
	}
}

// Text after the one name is a usage error whichever privacy list the
// command edits, as it is for block and unblock.
func TestPrivacyListExtraIsUsage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	cfg, err := config.Load(config.Options{Path: path, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []*client.Command{client.CmdBlock, client.CmdUnblock, client.CmdAllow, client.CmdDisallow} {
		_, err := client.RunOffline(t.Context(), cfg, "LabAlice", cmd, []string{"LabBob", "now"}, time.Now)
		if !errors.As(err, new(*client.UsageError)) || client.FailureOf(err) != client.FailureUsage {
			t.Errorf("%s LabBob now: %v, want a usage error", cmd.Name, err)
		}
	}
	if len(cfg.Blocked) != 0 || len(cfg.Allowed) != 0 {
		t.Errorf("lists changed: blocked %v, allowed %v", cfg.Blocked, cfg.Allowed)
	}
}

// writesOf counts the times the config file at path is written (an
// atomic rename onto it, or its creation) while do runs. The watcher's
// events come in order: a file made after do marks the end of them.
func writesOf(t *testing.T, path string, do func()) int {
	t.Helper()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
	do()
	end := filepath.Join(filepath.Dir(path), "end-of-writes")
	if err := os.WriteFile(end, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		select {
		case ev := <-w.Events:
			switch {
			case ev.Name == end:
				return n
			case ev.Name == path && ev.Op&fsnotify.Create != 0:
				n++
			}
		case err := <-w.Errors:
			t.Fatal(err)
		}
	}
}

// TestEachIsOneEdit: a command given a list of names (--each) edits the
// config file once for them all, where it was once a name (a read, two
// parses and an fsync each), and still says what it did with each name;
// a name that fails stops the rest, and the names before it are kept.
func TestEachIsOneEdit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("# mine\nbuddies:\n  - group: Buddies\n    names: [LabBob]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := config.Options{Path: path, Env: func(string) (string, bool) { return "", false }}
	cfg, err := config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	run := func(cmd *client.Command, args ...string) (r *client.Result, err error, writes int) {
		writes = writesOf(t, path, func() {
			r, err = client.RunOffline(t.Context(), cfg, "LabAlice", cmd, append([]string{client.Each}, args...), time.Now)
		})
		return r, err, writes
	}
	args := []string{"Pals"}
	var want []string
	for i := range 30 {
		n := fmt.Sprintf("Pal%02d", i)
		args = append(args, n)
		want = append(want, "added "+n)
	}
	args = append(args, "labbob", "Pal03")
	want = append(want, "labbob is already a buddy", "Pal03 is already a buddy")
	r, err, writes := run(client.CmdAdd, args...)
	if err != nil || r.Summary != strings.Join(want, "; ") {
		t.Errorf("add --each = %q, %v; want %q", r.Summary, err, strings.Join(want, "; "))
	}
	if writes != 1 {
		t.Errorf("add --each of %d names wrote the config file %d times, want once", len(args)-1, writes)
	}
	r, err, writes = run(client.CmdBlock, "Pal01", "Lab Mallory", "pal01")
	if want := "Pal01 is blocked (privacy now block-deny, was allow-all); Lab Mallory is blocked (privacy block-deny); pal01 is blocked already (privacy block-deny)"; err != nil || r.Summary != want || writes != 1 {
		t.Errorf("block --each = %q, %v, %d writes; want %q, one write", r.Summary, err, writes, want)
	}
	r, err, writes = run(client.CmdRemove, "Pal00", "Pal29", "Pal01", "no/such name", "Pal02")
	if err == nil || writes != 1 {
		t.Errorf("remove --each with a bad name = %q, %v, %d writes; want an error, one write", r.Summary, err, writes)
	}
	again, err := config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range again.Buddies {
		got = append(got, g.Names...)
	}
	if len(got) != 28 || slices.Contains(got, "Pal00") || slices.Contains(got, "Pal29") || !slices.Contains(got, "Pal02") || !reflect.DeepEqual(again.Blocked, []string{"Pal01", "Lab Mallory"}) {
		t.Errorf("the file after: buddies %q, blocked %q", got, again.Blocked)
	}
	if text, _ := os.ReadFile(path); !strings.HasPrefix(string(text), "# mine\n") {
		t.Errorf("the file lost its comment:\n%s", text)
	}
}
