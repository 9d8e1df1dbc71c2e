package client_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestNotifyThroughSession: notify through the running session saves the
// quiet list in the config file, status and buddies say the list (what
// each aim tui attaching reads), and the session's follower of the file
// says who went quiet: the event every aim tui attached follows. An edit
// from elsewhere (aim notify --no-session) is followed the same way.
func TestNotifyThroughSession(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	t.Cleanup(srv.Close)
	a := newMachine(t, srv, "screen_name: LabAlice\nquiet: [LabEve]\n")
	a.start()
	if st := a.c.Status(); !slices.Equal(st.Quiet, []string{"LabEve"}) {
		t.Errorf("status at signon says quiet %q, want the file's [LabEve]", st.Quiet)
	}

	r := a.c.Do(t.Context(), client.CmdNotify, []string{"Lab Bob", "off"}, true)
	if !r.OK || r.Name != "Lab Bob" || r.Notify != "off" || r.Unchanged || !strings.Contains(r.Summary, "notifications for Lab Bob: off") {
		t.Fatalf("notify Lab Bob off = %+v", r)
	}
	if q := a.load().Quiet; !slices.Equal(q, []string{"LabEve", "Lab Bob"}) {
		t.Errorf("the file's quiet list is %q", q)
	}
	if st := a.c.Status(); !slices.Equal(st.Quiet, []string{"LabEve", "Lab Bob"}) {
		t.Errorf("status says quiet %q after notify off", st.Quiet)
	}
	ev := nextOut[*client.ConfigApplied](a)
	if !slices.Equal(ev.NotifyOff, []string{"Lab Bob"}) || len(ev.NotifyOn) != 0 || !strings.Contains(client.Text(ev), "notifications off for Lab Bob") {
		t.Errorf("config_applied = %+v (%q), want Lab Bob off", ev, client.Text(ev))
	}
	if r := a.c.Do(t.Context(), client.CmdNotify, []string{"labbob", "off"}, true); !r.OK || !r.Unchanged {
		t.Errorf("notify labbob off again = %+v, want unchanged", r)
	}

	// The config file alone (aim notify --no-session), as a script would.
	cfg := a.load()
	if r, err := client.RunOffline(t.Context(), cfg, "LabAlice", client.CmdNotify, []string{"labeve", "on"}, nil); err != nil || !r.OK {
		t.Fatalf("notify labeve on, offline = %+v, %v", r, err)
	}
	ev = nextOut[*client.ConfigApplied](a)
	if !slices.Equal(ev.NotifyOn, []string{"LabEve"}) || len(ev.NotifyOff) != 0 {
		t.Errorf("config_applied = %+v, want LabEve on", ev)
	}
	buddies := a.c.Do(t.Context(), client.CmdBuddies, nil, true)
	if !slices.Equal(buddies.Quiet, []string{"Lab Bob"}) {
		t.Errorf("buddies says quiet %q, want [Lab Bob]", buddies.Quiet)
	}

	for _, args := range [][]string{{"LabBob"}, {"LabBob", "loud"}, {"", "off"}} {
		if r := a.c.Do(t.Context(), client.CmdNotify, args, true); r.OK {
			t.Errorf("notify %q = ok, want refused", args)
		}
	}
	if q := a.load().Quiet; !slices.Equal(q, []string{"Lab Bob"}) {
		t.Errorf("refused notifies changed the file's quiet list: %q", q)
	}
}
