package client_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestNoNoiseOrDoubles (issue 22 item 6): what a person reads says each
// thing once, in plain words: a room joined or left is said by its event,
// not again by the command's result; an error is not preceded by the
// whole line typed; rate limits are not "class 3".
func TestNoNoiseOrDoubles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		o    client.Output
		want string // "" for not shown
	}{
		{&client.Result{Command: "join", OK: true, Room: "Lobby", Summary: "joined Lobby"}, ""},
		{&client.Result{Command: "accept", OK: true, Room: "Lobby", Summary: "joined Lobby (invited by X)"}, ""},
		{&client.Result{Command: "leave", OK: true, Room: "Lobby", Summary: "left Lobby"}, ""},
		{&client.Result{Command: "join", OK: true, Unchanged: true, Room: "Lobby", Summary: "already in Lobby"}, "already in Lobby"},
		{&client.Result{Command: "join", Room: "Lobby", Error: "cannot join Lobby: timed out", Line: "join Lobby"}, "error: cannot join Lobby: timed out"},
		{&client.Result{Command: "send", To: "LabCarol", Line: "send LabCarol hi carol", Error: "LabCarol is not signed on"}, "error: LabCarol is not signed on"},
		{&client.Result{Command: "info", Name: "LabCarol", Line: "info LabCarol", Error: "no answer from the server"}, "error: info LabCarol: no answer from the server"},
		{&client.Result{Command: "bogus", Line: "bogus x y", Error: `unknown command "bogus" (type help for the list)`}, `error: unknown command "bogus" (type help for the list)`},
		{&client.Rate{Code: "warning", Class: 3, WaitMS: 2000}, "sending too fast: the server asks to slow down; sending slower, the next one in 2s"},
		{&client.Rate{Code: "limited", Class: 3}, "sending too fast: the server is dropping what aim sends; sending slower"},
		{&client.ServerError{SNAC: "04,01", Code: 4, Message: "recipient is not signed on"}, "the server refused a message or invitation: recipient is not signed on"},
		{&client.ServerError{SNAC: "13,01", Code: 0x77, Message: "error 0x0077"}, "the server refused something aim sent"}, // a code with no meaning known: JSON has it
		{&client.BuddyListSynced{Up: []buddylist.Change{{Kind: buddylist.PrivacyChanged, Name: config.PrivacyAllowAll}}}, "buddy list synced: sent to the server: privacy: anyone can message you"},
		// A group made or emptied with its buddy is said by the buddy's change.
		{&client.BuddyListSynced{Up: []buddylist.Change{{Kind: buddylist.GroupAdded, Name: "Buddies"}, {Kind: buddylist.BuddyAdded, Name: "AIMBot", Group: "Buddies"}}},
			"buddy list synced: sent to the server: added AIMBot (Buddies)"},
		{&client.BuddyListSynced{Up: []buddylist.Change{{Kind: buddylist.BuddyMoved, Name: "LabBob", Group: "Friends", From: "Work"},
			{Kind: buddylist.BuddyRemoved, Name: "LabCarol", Group: "Old"}, {Kind: buddylist.GroupRemoved, Name: "Work"}, {Kind: buddylist.GroupRemoved, Name: "old"}}},
			"buddy list synced: sent to the server: moved LabBob to Friends, removed LabCarol"},
		{&client.BuddyListSynced{Down: []buddylist.Change{{Kind: buddylist.GroupAdded, Name: "Empty"}}}, "buddy list synced: from the server: new group Empty"},
		{&client.Result{Command: "warn", Name: "LabBob", Error: (&flapconn.RequestError{Type: flapconn.SNACType(oscar.TypeWarnRequest), Code: oscar.ErrCodeRequestDenied}).Error()},
			"error: warn LabBob: the server refused the warning: they cannot be warned now (you can warn only someone who has just messaged you, and not past the highest level)"},
	} {
		got := ""
		if client.Shown(tt.o) {
			got = client.Text(tt.o)[len("15:04:05 "):]
		}
		if got != tt.want {
			t.Errorf("%s %+v: shown as %q, want %q", tt.o.Kind(), tt.o, got, tt.want)
		}
		if strings.Contains(got, "class") {
			t.Errorf("%q names a rate class", got)
		}
	}
}

// TestQuitResultLast (issue 22 item 17): quit's result comes once the
// session has ended, after everything that arrived before it (a bot's
// answer to the line before), right before the signoff.
func TestQuitResultLast(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(chatAccounts...)
	t.Cleanup(srv.Close)
	srv.AddBot("EchoBot", func(_, text string) string { return "echo: " + text })
	c, out := startTCP(t, srv, "LabAlice", nil)
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	if err := c.Exec(ctx, 1, "send EchoBot hi", true); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, 2, "quit", true); err != client.ErrQuit {
		t.Fatalf("quit: %v", err)
	}
	c.Flush(ctx)
	out.mu.Lock()
	for _, o := range out.all {
		if r, ok := o.(*client.Result); ok && r.Command == client.CmdQuit.Name {
			t.Errorf("quit's result before the session ended: %v", client.Text(r))
		}
	}
	out.mu.Unlock()
	c.Stop()
	c.Wait()
	out.mu.Lock()
	defer out.mu.Unlock()
	var got []string
	for _, o := range out.all {
		switch e := o.(type) {
		case *client.IM:
			got = append(got, "im "+e.Text)
		case *client.Result:
			got = append(got, "result "+e.Command)
		case *client.Disconnected:
			got = append(got, "disconnected")
		}
	}
	n := len(got)
	if n < 3 || got[n-2] != "result quit" || got[n-1] != "disconnected" || !slices.Contains(got, "im echo: hi") {
		t.Errorf("outputs %q, want the echo before quit's result, and that right before disconnected", got)
	}
}
