package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/history"
)

// What trying aim tui against Open OSCAR Server 2026 showed.

// A conversation of the last hour in which only you spoke (an IM to
// someone offline, kept for them) comes back named as you typed the name,
// not as the history's key spells it ("Lab Carol", not "labcarol").
func TestRecentWindowNamedAsSent(t *testing.T) {
	dir := t.TempDir()
	rec, err := history.Open(dir, history.Options{Encode: func(v any) ([]byte, error) { return client.JSON(v) }})
	if err != nil {
		t.Fatal(err)
	}
	when := at(-5)
	rec.Record(history.Entry{Conv: history.Conv{Kind: history.KindIM, Name: "Lab Carol"}, Time: when, Direction: history.Out,
		To: "Lab Carol", Event: stamp(&client.IM{From: "LabAlice", Text: "for when you are back"}, when)})
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), nil, Options{Self: "LabAlice", History: history.NewStore(dir),
		Now: func() time.Time { return at(0) }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	away := false
	_, cmd := m.Update(eventsMsg{stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away,
		UserInfo: &client.UserInfo{SignonTime: at(-60)}}, at(0))})
	run(m, cmd)
	if len(m.wins) != 2 || m.wins[1].name != "Lab Carol" {
		var names []string
		for _, w := range m.wins {
			names = append(names, w.name)
		}
		t.Fatalf("windows after attaching: %q, want status and Lab Carol's", names)
	}
	if !strings.Contains(m.Frame(), "[2:Lab Carol]") {
		t.Errorf("the window bar does not name Lab Carol:\n%s", m.Frame())
	}
}

// A session this UI started follows with its signon among the first
// events, after the status that already said "signed on as": the status
// window says it once. A signon again after a lost connection is news.
func TestSignedOnSaidOnce(t *testing.T) {
	m := newModel(100, 30)
	away := false
	events(m, stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away,
		UserInfo: &client.UserInfo{SignonTime: at(0)}}, at(0)),
		stamp(&client.SignedOn{ScreenName: "LabAlice"}, at(0)))
	if n := strings.Count(m.Frame(), "signed on as LabAlice"); n != 2 { // the status window's line and the status bar
		t.Errorf("\"signed on as LabAlice\" shows %d times, want once in the window and once in the bar:\n%s", n, m.Frame())
	}
	events(m, stamp(&client.Disconnected{Reason: client.ReasonError, Error: "connection reset"}, at(1)),
		stamp(&client.Reconnecting{Attempt: 1}, at(1)),
		stamp(&client.SignedOn{ScreenName: "LabAlice", Reconnected: true}, at(2)))
	if n := strings.Count(m.Frame(), "signed on as LabAlice"); n != 3 {
		t.Errorf("after a reconnect \"signed on as LabAlice\" shows %d times, want the signon again too:\n%s", n, m.Frame())
	}
}

// Each row of the help keeps a space between a long usage and what it
// does ("/invite NAME ROOM [TEXT] invite someone...").
func TestHelpUsageApart(t *testing.T) {
	m := newModel(100, 30)
	rows := m.helpRows(80)
	found := false
	for _, r := range rows {
		if strings.Contains(r, "/invite NAME ROOM [TEXT]") {
			found = true
			if !strings.Contains(r, "/invite NAME ROOM [TEXT] invite") {
				t.Errorf("help row %q: the usage runs into its text", r)
			}
		}
	}
	if !found {
		t.Fatal("no help row for /invite")
	}
}

// A room's window says things once and in its own words: leaving is
// "you left" (the window is the room's, no "[Room]" before it); a lost
// connection takes you out of the room until the session signs on again
// and rejoins, and the window says so rather than still listing members.
func TestRoomWindowLeftAndLost(t *testing.T) {
	m := newModel(100, 30)
	events(m, stamp(&client.SignedOn{ScreenName: "LabAlice"}, at(0)),
		stamp(&client.ChatJoined{Room: "Lobby", Members: []string{"LabAlice", "LabBob"}}, at(0)))
	press(m, "alt+2")
	events(m, stamp(&client.Disconnected{Reason: client.ReasonError, Error: "connection reset"}, at(1)),
		stamp(&client.Reconnecting{Attempt: 1}, at(1)))
	f := m.Frame()
	if !strings.Contains(f, "not in the room") || !strings.Contains(f, "-- connection lost: out of the room until signed on again") {
		t.Errorf("after a lost connection the room's window does not say it is out of the room:\n%s", f)
	}
	events(m, stamp(&client.SignedOn{ScreenName: "LabAlice", Reconnected: true}, at(2)),
		stamp(&client.ChatJoined{Room: "Lobby", Members: []string{"LabAlice", "LabBob"}}, at(2)))
	if f := m.Frame(); !strings.Contains(f, "2 here") {
		t.Errorf("back in the room after the signon, the window does not say so:\n%s", f)
	}
	events(m, stamp(&client.ChatLeft{Room: "Lobby", Reason: client.RoomLeft}, at(3)))
	f = m.Frame()
	if !strings.Contains(f, "-- you left") || strings.Contains(f, "[Lobby]") {
		t.Errorf("leaving: the room's window should say \"you left\", without the room's name in brackets:\n%s", f)
	}
	// Signing off says nothing more in it.
	events(m, stamp(&client.ChatJoined{Room: "Lobby", Members: []string{"LabAlice", "LabBob"}}, at(4)),
		stamp(&client.Disconnected{Reason: client.ReasonLogout}, at(4)))
	if n := strings.Count(m.Frame(), "out of the room"); n != 1 {
		t.Errorf("\"out of the room\" %d times, want once (the room was left before the signoff):\n%s", n, m.Frame())
	}
}

// Names with a space ("Lab Bob", as the server spells him) complete too:
// quoted as a command's argument, as they are in a room's line.
func TestCompleteNameWithSpace(t *testing.T) {
	m := newModel(100, 30, Group{Name: "Buddies", Names: []string{"Lab Bob", "LabCarol"}})
	for _, tc := range []struct{ typed, want string }{
		{"/info Lab B", `/info "Lab Bob" `},
		{"/info Lab", "/info Lab"},
		{`/info "La`, `/info "Lab`},
		{`/info "Lab B`, `/info "Lab Bob" `},
		{"/msg LabC", "/msg LabCarol "},
	} {
		m.win().in.set(tc.typed)
		m.lastTab = false
		press(m, "tab")
		if got := m.win().in.String(); got != tc.want {
			t.Errorf("%q Tab: %q, want %q", tc.typed, got, tc.want)
		}
	}
	events(m, stamp(&client.SignedOn{ScreenName: "LabAlice"}, at(0)),
		stamp(&client.ChatJoined{Room: "Lobby", Members: []string{"LabAlice", "Lab Bob"}}, at(0)))
	press(m, "alt+2")
	m.win().in.set("Lab B")
	press(m, "tab")
	if got := m.win().in.String(); got != "Lab Bob: " {
		t.Errorf("in a room, \"Lab B\" Tab: %q, want \"Lab Bob: \"", got)
	}
}
