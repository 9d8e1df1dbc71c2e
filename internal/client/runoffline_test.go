package client_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

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
