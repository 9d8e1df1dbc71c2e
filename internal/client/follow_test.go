package client_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/oscartest"
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
	m.start() // its Reload reads cfg.Path, as runner.Start's does
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

// TestCommandsOnManyGoroutinesEditTheFile: commands that edit the config
// file run at once from two goroutines, as they do from two control
// socket connections (aim buddies add in one terminal, aim block in
// another): every edit is kept, and under -race the session's Config
// they all edit is not written by two at once.
func TestCommandsOnManyGoroutinesEditTheFile(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	m := newMachine(t, srv, "screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabCarol]\n")
	m.start()
	nextOut[*client.BuddyListSynced](m)
	const n = 4
	var wg sync.WaitGroup
	fail := make(chan string, 2*n)
	wg.Go(func() {
		for i := range n {
			if r := m.c.Do(t.Context(), client.CmdAdd, []string{fmt.Sprintf("Pal%d", i)}, true); !r.OK {
				fail <- fmt.Sprintf("add: %+v", r)
			}
		}
	})
	wg.Go(func() {
		for i := range n {
			args := []string{client.Each, fmt.Sprintf("Foe%dA", i), fmt.Sprintf("Foe%dB", i)}
			if r := m.c.Do(t.Context(), client.CmdBlock, args, true); !r.OK {
				fail <- fmt.Sprintf("block --each: %+v", r)
			}
		}
	})
	wg.Wait()
	close(fail)
	for f := range fail {
		t.Error(f)
	}
	cfg := m.load()
	if got := m.buddies()[config.DefaultGroup]; len(got) != n {
		t.Errorf("the file's %s group: %q, want the %d names added", config.DefaultGroup, got, n)
	}
	if len(cfg.Blocked) != 2*n {
		t.Errorf("the file's blocked list: %q, want the %d names blocked", cfg.Blocked, 2*n)
	}
}
