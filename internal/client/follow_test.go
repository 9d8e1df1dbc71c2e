package client_test

import (
	"fmt"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// TestFollowerBesideCommandsThatEditTheFile: a session started as
// runner.Start starts one, its Reload reading the file named by the
// Config it was given (cfg.Path), runs commands that edit the file with
// one write for many names (block --each: config.Batch), each right after
// someone else's edit of the file, so that the follower reads it again
// after each of them. Under -race: the Config the caller keeps (and Reload reads) is
// not the one the session's commands edit; when it was, the batch's copy
// back into it raced with the follower's read of its Path.
func TestFollowerBesideCommandsThatEditTheFile(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	m := newMachine(t, srv, "screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabCarol]\n")
	m.out = make(chan client.Output, 256)
	cfg := m.load()
	noEnv := func(string) (string, bool) { return "", false }
	c, err := client.Start(t.Context(), client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"),
			Method: login.MD5, StateDir: m.state},
		Config: cfg,
		Reload: func() (*config.Config, error) { return config.Load(config.Options{Path: cfg.Path, Env: noEnv}) },
		Emit:   func(o client.Output) { m.out <- o },
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	m.c = c
	t.Cleanup(m.stop)
	nextOut[*client.BuddyListSynced](m)
	for i := range 3 {
		// Someone else's edit, then the command's, written before the
		// file has settled: the follower reads the file after both.
		profile := fmt.Sprintf("profile %d", i)
		if err := m.load().SetProfile(profile); err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%s %s Pal%dA Pal%dB", client.CmdBlock.Name, client.Each, i, i)
		if err := m.c.Exec(t.Context(), i+1, line, true); err != nil {
			t.Fatal(err)
		}
		if r := nextOut[*client.Result](m); !r.OK {
			t.Fatalf("%s: %+v", line, r)
		}
		for {
			if a := nextOut[*client.ConfigApplied](m); a.Profile {
				break
			}
		}
	}
	if got := m.load().Blocked; len(got) != 6 {
		t.Errorf("the file's blocked list: %q, want the 6 names", got)
	}
}
