package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/runner"
)

// rings is what cmd would write to the terminal raw: a bell, a desktop
// notification (OSC 9 or 777), or "" for nothing.
func rings(cmd tea.Cmd) string {
	if cmd == nil {
		return ""
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out string
		for _, c := range msg {
			out += rings(c)
		}
		return out
	case tea.RawMsg:
		s, _ := msg.Msg.(string)
		return s
	}
	return ""
}

// fileSession runs the UI's commands on the config file alone, as aim
// notify --no-session does (the config-file half of the table's rows).
type fileSession struct{ *runner.Offline }

func (fileSession) Logout(context.Context) error { return nil }
func (fileSession) Owns() bool                   { return false }

// A buddy or room on the quiet list (the session's status says it) marks
// its window but rings nothing when not in view; another buddy's message
// rings. /notify off and on in a window save it to the config file, and a
// UI attached elsewhere follows the list the session says after the file
// changed.
func TestQuietRingsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("screen_name: LabAlice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{Path: path, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []Notify{NotifyBell, NotifyOSC9} {
		m := New(context.Background(), fileSession{&runner.Offline{Config: cfg}}, Options{Self: "LabAlice", Groups: labGroups,
			Notify: how, Now: func() time.Time { return at(0) }, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		away := false
		events(m, stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away,
			BuddyList: &client.BuddyList{Online: []string{"LabBob", "LabCarol"}}, Quiet: []string{"labbob", "Lab Chat"},
			UserInfo: &client.UserInfo{SignonTime: at(-60)}}, at(-1)))
		typeText(m, "/msg LabEve")
		press(m, "enter")

		_, cmd := m.Update(eventsMsg{stamp(&client.IM{From: "LabBob", Text: "psst"}, at(0))})
		if got := rings(cmd); got != "" {
			t.Errorf("%s: quiet LabBob's message rang %q", how, got)
		}
		if w := m.find(winKey(winIM, "LabBob")); w == nil || w.act != actYou || w.unread != 1 {
			t.Errorf("%s: quiet LabBob's window is not marked", how)
		}
		_, cmd = m.Update(eventsMsg{stamp(&client.ChatMessage{Room: "Lab Chat", From: "LabCarol", Text: "LabAlice: look"}, at(0))})
		if got := rings(cmd); got != "" {
			t.Errorf("%s: a message naming you in the quiet room rang %q", how, got)
		}
		_, cmd = m.Update(eventsMsg{stamp(&client.IM{From: "LabCarol", Text: "lunch?"}, at(0))})
		want := func(what string) string {
			if how == NotifyOSC9 {
				return "\x1b]9;" + what + "\a"
			}
			return "\a"
		}
		if got, want := rings(cmd), want("LabCarol: lunch?"); got != want {
			t.Errorf("%s: LabCarol's message rang %q, want %q", how, got, want)
		}

		// /notify off in LabCarol's window: saved, and quiet at once.
		press(m, "alt+5")
		if m.win().name != "LabCarol" {
			t.Fatalf("window 5 is %q, want LabCarol's", m.win().name)
		}
		typeText(m, "/notify off")
		_, cmd = m.Update(keyMsg("enter"))
		run(m, cmd)
		if again, err := config.Load(config.Options{Path: path, Env: func(string) (string, bool) { return "", false }}); err != nil || !again.IsQuiet("LabCarol") {
			t.Fatalf("%s: /notify off did not save LabCarol as quiet (%v): %q", how, err, readConfig(t, path))
		}
		if !strings.Contains(m.Frame(), "notifications for LabCarol: off") {
			t.Errorf("%s: /notify off says nothing:\n%s", how, m.Frame())
		}
		press(m, "alt+2")
		_, cmd = m.Update(eventsMsg{stamp(&client.IM{From: "LabCarol", Text: "hello?"}, at(1))})
		if got := rings(cmd); got != "" {
			t.Errorf("%s: after /notify off LabCarol's message rang %q", how, got)
		}
		press(m, "alt+5")
		typeText(m, "/notify on")
		_, cmd = m.Update(keyMsg("enter"))
		run(m, cmd)
		press(m, "alt+2")
		if _, cmd = m.Update(eventsMsg{stamp(&client.IM{From: "LabCarol", Text: "hello!"}, at(1))}); rings(cmd) != want("LabCarol: hello!") {
			t.Errorf("%s: after /notify on LabCarol's message rings nothing", how)
		}
		if strings.Contains(readConfig(t, path), "LabCarol") {
			t.Errorf("%s: /notify on left LabCarol in the file: %q", how, readConfig(t, path))
		}

		// Another UI's /notify (or aim notify, or an edit by hand): the
		// session says the file changed, and its buddies say the list.
		events(m, stamp(&client.ConfigApplied{NotifyOn: []string{"labbob"}}, at(2)))
		m.Update(resultMsg{key: snapshotKey, cmd: client.CmdBuddies.Name, r: stamp(&client.Result{Command: client.CmdBuddies.Name, OK: true,
			BuddyList: &client.BuddyList{Online: []string{"LabBob", "LabCarol"}}}, at(2))})
		if _, cmd = m.Update(eventsMsg{stamp(&client.IM{From: "LabBob", Text: "now?"}, at(2))}); rings(cmd) != want("LabBob: now?") {
			t.Errorf("%s: LabBob off the quiet list still rings nothing", how)
		}
	}
}

func readConfig(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
