package client_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// feedbagEdits counts the feedbag transaction SNACs among frames: 13,11,
// 13,12, the 13,08s, and the bytes of the 13,08s' payloads. Take the
// frames between two settled calls, so that each transaction is whole.
func feedbagEdits(frames []oscar.Frame) (starts, ends, inserts, insertBytes int) {
	for _, f := range frames {
		s, err := oscar.ParseSNAC(f.Payload)
		if f.Channel != oscar.ChannelSNAC || err != nil {
			continue
		}
		switch s.Type() {
		case oscar.TypeFeedbagStartCluster:
			starts++
		case oscar.TypeFeedbagEndCluster:
			ends++
		case oscar.TypeFeedbagInsertItem:
			inserts++
			insertBytes += len(f.Payload)
		}
	}
	return
}

// settled returns once the server has read every frame the machine's
// session sent so far: it answered a request sent after them. A sync's
// last frame (13,12) has no answer, so its result can come before the
// server has read it.
func settled(t *testing.T, m *machine) {
	t.Helper()
	if r := m.c.Do(t.Context(), client.CmdInfo, []string{"LabAlice"}, true); !r.OK {
		t.Fatalf("info, to let the server read what was sent: %+v", r)
	}
}

// TestOneCommandOneTransaction, on both releases: 200 names added with
// one command (add --each, what aim buddies add sends a running session)
// go to the server's list in one transaction, their inserts in as few
// 13,08 as the frame size allows; removing them with one command is one
// transaction too, and so is blocking two users. One transaction a name
// made the server space them 6-7 s apart: 200 names took 18 minutes.
func TestOneCommandOneTransaction(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			t.Parallel() // the releases' servers and config files are their own
			srv := listServer(t, rel)
			a := newMachine(t, srv, "screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabCarol]\n")
			a.start()
			nextOut[*client.BuddyListSynced](a) // the signon's, with LabCarol
			settled(t, a)
			before := len(srv.Sent("LabAlice"))
			var names []string
			for i := range 200 {
				names = append(names, fmt.Sprintf("Pal%03d", i))
			}
			names[7] = "Lab Pal" // a name with a space goes quoted
			line := client.CmdAdd.Name + " " + client.Each + ` "Best Pals"`
			for _, n := range names {
				line += " " + client.QuoteName(n)
			}
			if err := a.c.Exec(t.Context(), 1, line, true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](a); !r.OK {
				t.Fatalf("add --each: %+v", r)
			}
			synced := nextOut[*client.BuddyListSynced](a)
			settled(t, a)
			sent := srv.Sent("LabAlice")[before:]
			starts, ends, inserts, n := feedbagEdits(sent)
			if most := (n + oscar.MaxFLAPPayload - 1) / oscar.MaxFLAPPayload; starts != 1 || ends != 1 || inserts < 1 || inserts > most {
				t.Errorf("adding 200 names: %d 13,11, %d 13,12, %d 13,08 (%d bytes), want 1, 1 and at most %d", starts, ends, inserts, n, most)
			}
			if got := a.buddies()["Best Pals"]; len(got) != 200 || !slices.Contains(got, "Lab Pal") {
				t.Errorf("the config file's group holds %d names: %q", len(got), got)
			}
			if !hasChange(synced.Up, buddylist.BuddyAdded, "Lab Pal") || !hasChange(synced.Up, buddylist.GroupAdded, "Best Pals") {
				t.Errorf("went up: %d changes, without Lab Pal or the group", len(synced.Up))
			}

			for _, tc := range []struct{ cmd *client.Command }{{client.CmdBlock}} {
				settled(t, a)
				before = len(srv.Sent("LabAlice"))
				line = tc.cmd.Name + " " + client.Each + " " + strings.Join([]string{"Pal001", `"Lab Pal"`, "Pal199"}, " ")
				if err := a.c.Exec(t.Context(), 2, line, true); err != nil {
					t.Fatal(err)
				}
				if r := nextOut[*client.Result](a); !r.OK {
					t.Fatalf("%s --each: %+v", tc.cmd.Name, r)
				}
				settled(t, a)
				if starts, ends, _, _ := feedbagEdits(srv.Sent("LabAlice")[before:]); starts != 1 || ends != 1 {
					t.Errorf("%s of 3 names: %d 13,11 and %d 13,12, want one transaction", tc.cmd.Name, starts, ends)
				}
			}
		})
	}
}

// TestFirstSyncIsOneWrite: a machine whose config file has none of the
// 20 buddies and 2 blocked users the server keeps writes them into the
// file in one edit, where it was once a change (a lock, a read, two
// parses and an fsync each).
func TestFirstSyncIsOneWrite(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	text := "screen_name: LabAlice\nprivacy: block-deny\nblocked: [LabMallory, LabTrudy]\nbuddies:\n  - group: Pals\n    names: ["
	for i := range 20 {
		text += fmt.Sprintf("Pal%02d, ", i)
	}
	a := newMachine(t, srv, strings.TrimSuffix(text, ", ")+"]\n")
	a.start()
	if synced := nextOut[*client.BuddyListSynced](a); len(synced.Up) < 22 {
		t.Fatalf("A's sync sent up %d changes, want the 20 buddies and 2 blocked", len(synced.Up))
	}
	settled(t, a)
	a.stop()

	b := newMachine(t, srv, "screen_name: LabAlice\n")
	var synced *client.BuddyListSynced
	writes := writesOf(t, b.cfg, func() {
		b.start()
		synced = nextOut[*client.BuddyListSynced](b)
	})
	if len(synced.Down) < 22 || writes != 1 {
		t.Errorf("B's first sync: %d changes down, %d writes of the file; want 22 or more in one write", len(synced.Down), writes)
	}
	if got := b.buddies()["Pals"]; len(got) != 20 {
		t.Errorf("B's file holds %q in Pals, want the 20", got)
	}
	if got := b.load().Blocked; len(got) != 2 {
		t.Errorf("B's file blocks %q, want the 2", got)
	}
}

// TestSyncWithNoChangeWritesNoState: a sync that leaves the buddy list and
// the server's items as they were (a third signon, nothing changed
// anywhere) leaves the state file alone, where each sync wrote it afresh
// (a new file and a rename).
func TestSyncWithNoChangeWritesNoState(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	a := newMachine(t, srv, "screen_name: LabAlice\nbuddies:\n  - group: Pals\n    names: [LabCarol, LabDave]\n")
	state := filepath.Join(a.state, "buddylist.json")
	a.start()
	nextOut[*client.BuddyListSynced](a)
	a.stop()
	a.start() // the server's list as it gives it once it holds it
	settled(t, a)
	a.stop()
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("the first sync wrote no state: %v", err)
	}
	writes := writesOf(t, state, func() {
		a.start() // its sync changes nothing, so it says nothing
		settled(t, a)
		a.stop() // after the sync queued and the one running
	})
	if writes != 0 {
		t.Errorf("a sync that changed nothing wrote the state file %d times", writes)
	}
	if got := a.buddies()["Pals"]; len(got) != 2 {
		t.Errorf("the file holds %q in Pals", got)
	}
}
