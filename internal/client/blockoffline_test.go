package client_test

import (
	"testing"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/screenname"
)

// TestBlockElsewhereRefusesStoredIM: on the 2026 release, which keeps an
// IM for an offline user whom the sender blocks, a session refuses one to
// a user blocked in another session of the account as soon as the other
// session's change reaches it, by the list the server keeps: the same
// words as the server's refusal online, and nothing stored.
func TestBlockElsewhereRefusesStoredIM(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	b := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start()
	b.start()
	if err := a.c.Exec(t.Context(), 1, `block "Lab Bob"`, true); err != nil {
		t.Fatal(err)
	}
	if r := nextOut[*client.Result](a); !r.OK {
		t.Fatalf("block: %+v", r)
	}
	if changed := nextOut[*client.BuddyListChanged](b); !hasChange(changed.Changes, buddylist.DenyAdded, "Lab Bob") {
		t.Fatalf("pushed: %+v", changed.Changes)
	}
	for i, tc := range []struct{ line, want string }{
		{`send labbob hi`, `you have blocked labbob (aim unblock labbob)`},
		{`html "lab bob" <b>hi</b>`, `you have blocked lab bob (aim unblock "lab bob")`},
		{`autoreply "Lab Bob" away`, `you have blocked Lab Bob (aim unblock "Lab Bob")`},
	} {
		if err := b.c.Exec(t.Context(), i+2, tc.line, true); err != nil {
			t.Fatal(err)
		}
		if r := nextOut[*client.Result](b); r.OK || r.Error != tc.want {
			t.Errorf("%s: ok %v, error %q, want the error %q", tc.line, r.OK, r.Error, tc.want)
		}
	}
	if n := srv.OfflineIMs("Lab Bob"); n != 0 {
		t.Errorf("the server keeps %d IMs for Lab Bob, want none", n)
	}
	if sent := imsSent(srv, "LabAlice"); len(sent) != 0 {
		t.Errorf("IMs sent to %q", sent)
	}
}

// TestNoAwayReplyToBlocked: an away session answers an IM with its away
// message, but not one from a user its privacy settings keep out (one
// that reached it all the same: here the server's own, which asks no
// one).
func TestNoAwayReplyToBlocked(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	a := newMachine(t, srv, "screen_name: LabAlice\nprivacy: block-deny\nblocked: [Lab Bob]\n")
	a.start()
	nextOut[*client.BuddyListSynced](a)
	if err := a.c.Exec(t.Context(), 1, "away gone fishing", true); err != nil {
		t.Fatal(err)
	}
	if r := nextOut[*client.Result](a); !r.OK {
		t.Fatalf("away: %+v", r)
	}
	if err := srv.SendIM("labbob", "LabAlice", "are you there?"); err != nil {
		t.Fatal(err)
	}
	if im := nextOut[*client.IM](a); im.AutoReplied {
		t.Errorf("answered a blocked user: %+v", im)
	}
	if err := srv.SendIM("LabCarol", "LabAlice", "are you there?"); err != nil {
		t.Fatal(err)
	}
	if im := nextOut[*client.IM](a); !im.AutoReplied {
		t.Errorf("did not answer LabCarol: %+v", im)
	}
	a.stop()
	if sent := imsSent(srv, "LabAlice"); len(sent) != 1 || !screenname.Same(sent[0], "LabCarol") {
		t.Errorf("IMs sent to %q, want LabCarol alone", sent)
	}
}

// imsSent returns the recipients of the IMs (04,06) name sent.
func imsSent(srv *oscartest.Server, name string) []string {
	var to []string
	for _, m := range srv.IMsSent(name) {
		to = append(to, m.ScreenName)
	}
	return to
}

// TestKeptOutWords: a refusal says what keeps the recipient out, and the
// command that lets them through, for each privacy mode.
func TestKeptOutWords(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]string{
		"":              `you have blocked Lab Bob (aim unblock "Lab Bob")`,
		"block-deny":    `you have blocked Lab Bob (aim unblock "Lab Bob")`,
		"allow-buddies": `your privacy setting allow-buddies lets only buddies write to you and get your messages (aim buddies add "Lab Bob")`,
		"allow-permit":  `your privacy setting allow-permit lets only your allowed list write to you and get your messages (aim allow "Lab Bob")`,
		"block-all":     `your privacy setting block-all keeps everyone out (aim privacy allow-all)`,
	} {
		if got := (&client.YouBlockedError{Name: "Lab Bob", Mode: mode}).Error(); got != want {
			t.Errorf("mode %q: %q, want %q", mode, got, want)
		}
	}
}
