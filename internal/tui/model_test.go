package tui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

var update = flag.Bool("update", false, "rewrite the golden frames in testdata/")

// t0 is the clock of the model tests: Monday 7 December 2026, 09:15 UTC.
var t0 = time.Date(2026, 12, 7, 9, 15, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// newModel is a model on no session (the commands it would run are not
// run), at a fixed time, of size w×h.
func newModel(w, h int, groups ...Group) *Model {
	m := New(context.Background(), nil, Options{Self: "LabAlice", Groups: groups, Now: func() time.Time { return at(0) }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func events(m *Model, os ...client.Output) {
	m.Update(eventsMsg(os))
}

func stamp[T client.Output](o T, t time.Time) T {
	client.Stamp(o, t)
	return o
}

// press sends keys: "enter", "alt+2", "ctrl+n", "tab", "f1"...
func press(m *Model, keys ...string) {
	for _, k := range keys {
		m.Update(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	var key tea.Key
	for {
		switch {
		case strings.HasPrefix(k, "alt+"):
			key.Mod |= tea.ModAlt
			k = k[4:]
			continue
		case strings.HasPrefix(k, "ctrl+"):
			key.Mod |= tea.ModCtrl
			k = k[5:]
			continue
		}
		break
	}
	named := map[string]rune{"enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEscape, "up": tea.KeyUp,
		"down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "f1": tea.KeyF1, "f2": tea.KeyF2, "home": tea.KeyHome, "end": tea.KeyEnd}
	if r, ok := named[k]; ok {
		key.Code = r
	} else {
		key.Code = []rune(k)[0]
	}
	return tea.KeyPressMsg(key)
}

// typeText types s, one character (grapheme cluster) a key, as a
// terminal sends them.
func typeText(m *Model, s string) {
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		c := g.Str()
		m.Update(tea.KeyPressMsg(tea.Key{Code: []rune(c)[0], Text: c}))
	}
}

// golden compares the frame with testdata/NAME.golden (rewritten with
// -update).
func golden(t *testing.T, name string, m *Model) {
	t.Helper()
	got := m.Frame() + "\n"
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/tui -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("frame %s differs from %s (go test ./internal/tui -update rewrites it):\n--- got\n%s--- want\n%s", name, path, got, want)
	}
	for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if w := m.wm.StringWidth(l); w != m.w {
			t.Errorf("frame %s: row %d is %d columns wide, not %d: %q", name, i, w, m.w, l)
		}
	}
}

var labGroups = []Group{
	{Name: "Buddies", Names: []string{"LabBob", "LabCarol", "LabDave"}},
	{Name: "Work", Names: []string{"LabEve", "LabFrank"}},
}

// signedOn is a model attached to a session with LabBob, LabCarol
// (idle) and LabEve (away) online.
func signedOn(w, h int) *Model {
	m := newModel(w, h, labGroups...)
	away := false
	events(m, stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away,
		BuddyList: &client.BuddyList{Online: []string{"LabBob", "LabCarol", "LabEve"}, Offline: []string{"LabDave", "LabFrank"}},
		UserInfo:  &client.UserInfo{SignonTime: at(-60)}}, at(-1)),
		stamp(&client.BuddyOnline{Name: "LabCarol", IdleMinutes: 12, Changed: true}, at(-1)),
		stamp(&client.BuddyOnline{Name: "LabEve", Away: true, Changed: true}, at(-1)))
	return m
}

func TestFrameConnecting(t *testing.T) {
	golden(t, "connecting-100x30", newModel(100, 30))
}

// TestFrameNoBuddies: a new account, signed on with an empty list, is
// told how a list begins (not while connecting, when it is not known).
func TestFrameNoBuddies(t *testing.T) {
	m := newModel(100, 30)
	away := false
	events(m, stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away,
		BuddyList: &client.BuddyList{}, UserInfo: &client.UserInfo{SignonTime: at(-60)}}, at(-1)))
	golden(t, "nobuddies-100x30", m)
	if f := m.Frame(); !strings.Contains(f, "/add NAME adds one.") {
		t.Errorf("no hint in the empty list:\n%s", f)
	}
	// At 80 columns the list is too narrow for the hint on one line: it
	// takes two, not cut.
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if f := m.Frame(); !strings.Contains(f, "/add NAME ") || !strings.Contains(f, "adds one.") || strings.Contains(f, "…") {
		t.Errorf("the hint in a narrow list:\n%s", f)
	}
}

func TestFrameBuddyList(t *testing.T) {
	golden(t, "list-100x30", signedOn(100, 30))
}

func TestFrameIMWithHistoryAndTyping(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/msg LabBob")
	press(m, "enter")
	if m.win().name != "LabBob" {
		t.Fatalf("/msg LabBob: the window in view is %q", m.win().name)
	}
	yesterday := at(-24 * 60)
	m.Update(historyMsg{key: m.win().key, lines: []line{
		{at: yesterday, kind: lineMsg, from: "LabBob", text: "are you there?"},
		{at: yesterday.Add(time.Minute), kind: lineAuto, from: "LabBob", text: "Out to lunch"},
	}})
	events(m, stamp(&client.IM{From: "LabBob", Text: "see <http://example.com> for the build log, which is long enough to wrap onto a second row of this window"}, at(0)))
	typeText(m, "back now — 世界 😀")
	press(m, "enter")
	events(m, stamp(&client.Result{Command: client.CmdSend.Name, OK: true, To: "LabBob", Text: "back now — 世界 😀", Delivery: "delivered"}, at(0)),
		stamp(&client.Typing{From: "LabBob", State: "typing"}, at(0)))
	typeText(m, "fine, see you at 2")
	golden(t, "im-100x30", m)
	if n := strings.Count(m.Frame(), "back now — 世界 😀"); n != 1 {
		t.Errorf("your line shows %d times, want once (typed here, then confirmed)", n)
	}
}

func TestFrameRoom(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/join lobby")
	press(m, "enter")
	events(m, stamp(&client.ChatJoined{Room: "Lobby", Members: []string{"LabAlice", "LabBob"}}, at(0)),
		stamp(&client.ChatMember{Room: "Lobby", Name: "LabCarol"}, at(1)),
		stamp(&client.ChatMessage{Room: "Lobby", From: "LabCarol", Text: "hi all 👋🏽"}, at(1)),
		stamp(&client.ChatMember{Room: "Lobby", Name: "LabBob", Left: true}, at(2)))
	if m.win().kind != winRoom {
		t.Fatalf("after /join the window in view is %q, want the room", m.win().name)
	}
	golden(t, "room-100x30", m)
}

func TestFrameHelp(t *testing.T) {
	m := signedOn(100, 30)
	press(m, "?")
	golden(t, "help-100x30", m)
	press(m, "pgdown", "pgdown")
	if !strings.Contains(m.Frame(), "/privacy") {
		t.Errorf("PgDn twice in the help does not reach the end of the commands:\n%s", m.Frame())
	}
	press(m, "esc")
	if m.help {
		t.Error("Esc left the help up")
	}
	// At 80 columns, every description is there in full, wrapped.
	m = signedOn(80, 24)
	press(m, "?")
	for range 6 {
		if f := m.Frame(); strings.Contains(f, "…│") {
			t.Fatalf("a help row is cut at 80 columns:\n%s", f)
		}
		press(m, "pgdown")
	}
}

func TestFrameReconnecting(t *testing.T) {
	m := signedOn(100, 30)
	events(m, stamp(&client.Disconnected{Reason: client.ReasonConnectionLost, Error: "connection reset"}, at(0)),
		stamp(&client.Reconnecting{Attempt: 1, DelayMS: 1000}, at(0)))
	golden(t, "reconnecting-100x30", m)
	if b := m.roster.lookup("LabBob"); b.online {
		t.Error("after a lost connection LabBob is still shown online (the session sends no buddy_offline then)")
	}
}

// A message in a window not in view marks it (+ in the bar, the count in
// the list) and rings the bell; looking at it clears the marks.
func TestFrameUnreadElsewhere(t *testing.T) {
	m := signedOn(60, 15)
	typeText(m, "/msg LabCarol")
	press(m, "enter")
	_, cmd := m.Update(eventsMsg{stamp(&client.IM{From: "LabBob", Text: "psst"}, at(0))})
	golden(t, "unread-60x15", m)
	if cmd == nil {
		t.Error("a message for you in a window not in view asked for no bell")
	}
	press(m, "alt+a")
	if w := m.win(); w.name != "LabBob" || w.unread != 0 || w.act != actNone {
		t.Errorf("Alt-A went to %q (unread %d, mark %d), want LabBob, marks cleared", w.name, w.unread, w.act)
	}
}

// Window keys: Alt-N, Ctrl-N/P, the jump list.
func TestWindowKeys(t *testing.T) {
	m := signedOn(100, 30)
	for _, n := range []string{"LabBob", "LabCarol", "LabEve"} {
		typeText(m, "/msg "+n)
		press(m, "enter")
	}
	press(m, "alt+2")
	if m.cur != 1 {
		t.Errorf("Alt-2: window %d", m.cur+1)
	}
	press(m, "ctrl+n", "ctrl+n")
	if m.cur != 3 {
		t.Errorf("Ctrl-N twice from 2: window %d", m.cur+1)
	}
	press(m, "ctrl+n")
	if m.cur != 0 {
		t.Errorf("Ctrl-N from the last: window %d, want 1", m.cur+1)
	}
	press(m, "ctrl+p")
	if m.cur != 3 {
		t.Errorf("Ctrl-P from the first: window %d, want the last", m.cur+1)
	}
	press(m, "alt+j", "up", "enter")
	if m.cur != 2 || m.jump {
		t.Errorf("jump list up, Enter: window %d (list up: %v), want 3", m.cur+1, m.jump)
	}
	typeText(m, "/close")
	press(m, "enter")
	if len(m.wins) != 3 || m.find(winKey(winIM, "LabCarol")) != nil {
		t.Errorf("/close left %d windows", len(m.wins))
	}
}

// Enter on a buddy of the list opens its window and focuses it.
func TestListEnterOpens(t *testing.T) {
	m := signedOn(100, 30)
	press(m, "f2", "down", "enter")
	if w := m.win(); w.kind != winIM || w.name != "LabCarol" || m.listFocus {
		t.Errorf("F2, ↓, Enter: window %q, list focus %v; want LabCarol's, focus back on the input", w.name, m.listFocus)
	}
}

// Tab completes commands and names; a second Tab lists the choices.
func TestComplete(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/bl")
	press(m, "tab")
	if got := m.win().in.String(); got != "/block" {
		t.Errorf("/bl Tab: %q, want /block (then /blocked is a choice)", got)
	}
	m.win().in.set("/info LabC")
	press(m, "tab")
	if got := m.win().in.String(); got != "/info LabCarol " {
		t.Errorf("/info LabC Tab: %q", got)
	}
	m.win().in.set("/msg Lab")
	press(m, "tab", "tab")
	if len(m.choices) != 5 {
		t.Errorf("/msg Lab Tab Tab lists %v, want the five buddies", m.choices)
	}
}

// Each window has its own input history: ↑ brings back its lines only.
func TestInputHistoryPerWindow(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/msg LabBob")
	press(m, "enter")
	typeText(m, "one")
	press(m, "enter")
	typeText(m, "two")
	press(m, "enter")
	typeText(m, "draft")
	press(m, "up", "up")
	if got := m.win().in.String(); got != "one" {
		t.Errorf("↑↑: %q, want one", got)
	}
	press(m, "down", "down")
	if got := m.win().in.String(); got != "draft" {
		t.Errorf("↓↓ back: %q, want the draft", got)
	}
	press(m, "alt+1", "up")
	if got := m.win().in.String(); got != "/msg LabBob" {
		t.Errorf("↑ in the status window: %q, want its own line, /msg LabBob", got)
	}
}

// Ctrl-C clears the line, then asks, then quits.
func TestCtrlC(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "half")
	press(m, "ctrl+c")
	if !m.win().in.empty() || m.quitting {
		t.Fatalf("Ctrl-C on a line: %q, quitting %v", m.win().in.String(), m.quitting)
	}
	press(m, "ctrl+c")
	if m.quitting || !strings.Contains(m.Frame(), "Ctrl-C again to quit") {
		t.Fatalf("Ctrl-C on an empty line quit without asking")
	}
	press(m, "ctrl+c")
	if !m.quitting {
		t.Error("Ctrl-C twice did not quit")
	}
}

// Typing notifications follow the line of an IM window: typing as it
// fills, typed after a pause, stopped when it is cleared or sent, or the
// window left; none for a /command or in a room.
func TestTypingState(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/msg LabBob")
	press(m, "enter")
	w := m.win()
	typeText(m, "hi")
	if w.sentTyping != "typing" {
		t.Fatalf("typing in an IM window: told %q, want typing", w.sentTyping)
	}
	m.Update(typingPauseMsg{key: w.key, seq: w.editSeq - 1})
	if w.sentTyping != "typing" {
		t.Errorf("an old pause timer changed it to %q", w.sentTyping)
	}
	m.Update(typingPauseMsg{key: w.key, seq: w.editSeq})
	if w.sentTyping != "typed" {
		t.Errorf("after the pause: %q, want typed", w.sentTyping)
	}
	typeText(m, "!")
	if w.sentTyping != "typing" {
		t.Errorf("typing again: %q", w.sentTyping)
	}
	press(m, "enter")
	if w.sentTyping != "" {
		t.Errorf("after Enter: %q, want stopped", w.sentTyping)
	}
	typeText(m, "/info")
	if w.sentTyping != "" {
		t.Errorf("a /command: %q, want nothing said", w.sentTyping)
	}
	press(m, "ctrl+u")
	typeText(m, "more")
	press(m, "alt+1")
	if w.sentTyping != "" {
		t.Errorf("after leaving the window: %q, want stopped", w.sentTyping)
	}
}

// A key tells the session the person is here, at most every few seconds.
func TestActiveOnKeys(t *testing.T) {
	now := at(0)
	m := New(context.Background(), nil, Options{Self: "LabAlice", Now: func() time.Time { return now }, Location: time.UTC})
	press(m, "a")
	if !m.lastActive.Equal(now) {
		t.Fatalf("a key: last active %v, want now", m.lastActive)
	}
	now = now.Add(activeEvery / 2)
	press(m, "b")
	if !m.lastActive.Equal(at(0)) {
		t.Errorf("a second key soon after: told again at %v", m.lastActive)
	}
	now = now.Add(activeEvery)
	press(m, "c")
	if !m.lastActive.Equal(now) {
		t.Errorf("a key later: last active %v, want %v", m.lastActive, now)
	}
}

// A message longer than the server takes is refused before it goes, the
// line kept to shorten.
func TestTooLongKept(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/msg LabBob")
	press(m, "enter")
	long := strings.Repeat("long words ", 100)
	m.Update(tea.PasteMsg{Content: long})
	press(m, "enter")
	if got := m.win().in.String(); got != long {
		t.Errorf("after Enter the line is %d bytes, want the %d pasted kept", len(got), len(long))
	}
	if !strings.Contains(m.Frame(), "too long") {
		t.Errorf("no word of why:\n%s", m.Frame())
	}
}

// With the mouse on, a click on a buddy in the list opens its window.
func TestClickOpens(t *testing.T) {
	m := signedOn(100, 30)
	m.opts.Mouse = true
	m.Frame()
	m.Update(tea.MouseClickMsg{X: 5, Y: 3, Button: tea.MouseLeft}) // row 3: LabCarol
	if w := m.win(); w.name != "LabCarol" {
		t.Errorf("a click on LabCarol's row: window %q", w.name)
	}
}

// Widths are counted as the terminal counts them: by code points (an
// emoji with a skin tone is two wide characters) until the terminal says
// it counts grapheme clusters (mode 2027), as Bubble Tea's renderer does.
func TestWidthMethodFollowsTerminal(t *testing.T) {
	m := signedOn(60, 15)
	typeText(m, "/msg LabBob")
	press(m, "enter")
	events(m, stamp(&client.IM{From: "LabBob", Text: "wave 👋🏽 back"}, at(0)))
	check := func(method string) {
		t.Helper()
		for i, l := range strings.Split(m.Frame(), "\n") {
			if w := m.wm.StringWidth(l); w != 60 {
				t.Errorf("%s: row %d is %d columns: %q", method, i, w, l)
			}
		}
	}
	check("wcwidth")
	m.Update(tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset})
	if m.wm != ansi.GraphemeWidth {
		t.Fatal("the terminal's report of mode 2027 did not switch to grapheme widths")
	}
	check("graphemes")
}

// Idle minutes count on from what the server said, redrawn by the tick.
func TestIdleCountsOn(t *testing.T) {
	now := at(0)
	m := New(context.Background(), nil, Options{Self: "LabAlice", Groups: labGroups, Now: func() time.Time { return now }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	events(m, stamp(&client.BuddyOnline{Name: "LabCarol", IdleMinutes: 12}, at(0)))
	if !strings.Contains(m.Frame(), "12m") {
		t.Fatalf("idle 12 minutes not shown:\n%s", m.Frame())
	}
	now = at(60)
	if _, cmd := m.Update(tickMsg{}); cmd == nil {
		t.Error("the tick does not ask for the next")
	}
	if !strings.Contains(m.Frame(), "1h") {
		t.Errorf("an hour later LabCarol is not shown idle 1h:\n%s", m.Frame())
	}
}

// The session's status is the snapshot a UI attaching draws: the groups
// in the server's order (not the config file's), each buddy's state, the
// rooms with their members.
func TestFrameAttachSnapshot(t *testing.T) {
	m := newModel(100, 30, labGroups...)
	away, reconnecting := false, false
	events(m, stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away, Reconnecting: &reconnecting,
		Groups: []config.BuddyGroup{{Group: "Work", Names: []string{"LabEve", "LabFrank"}}, {Group: "Friends", Names: []string{"LabBob", "LabCarol", "LabDave"}}},
		BuddyList: &client.BuddyList{Online: []string{"LabBob", "LabCarol", "LabEve"}, Offline: []string{"LabDave", "LabFrank"},
			Buddies: []client.BuddyState{{Name: "LabBob"}, {Name: "LabCarol", IdleMinutes: 42}, {Name: "LabEve", Away: true}}},
		RoomList: &client.RoomList{Rooms: []string{"Lobby"}, RoomMembers: map[string][]string{"Lobby": {"LabAlice", "LabBob", "LabEve"}}},
		UserInfo: &client.UserInfo{SignonTime: at(-60)}}, at(0)))
	press(m, "alt+2")
	golden(t, "attach-100x30", m)
}

// A window takes the buddy's name as the list spells it, whatever the
// case typed.
func TestMsgSpellsAsTheList(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/msg labcarol")
	press(m, "enter")
	if got := m.win().name; got != "LabCarol" {
		t.Errorf("/msg labcarol: window %q, want LabCarol", got)
	}
}

// With more windows than the bar holds, the others show by number and
// mark, the one in view by name.
func TestBarCompact(t *testing.T) {
	m := signedOn(60, 15)
	for _, n := range []string{"LabBob", "LabCarol", "LabEve", "LabDave", "LabFrank"} {
		typeText(m, "/msg "+n)
		press(m, "enter")
	}
	events(m, stamp(&client.IM{From: "LabBob", Text: "psst"}, at(0)))
	rows := strings.Split(m.Frame(), "\n")
	bar := rows[len(rows)-2]
	if !strings.Contains(bar, "[6:LabFrank]") || !strings.Contains(bar, " 2+ ") {
		t.Errorf("bar %q: want the window in view named and LabBob's by number with its mark", bar)
	}
}

// The away message of a buddy whose window is opened shows in its title.
func TestAwayMessageInTitle(t *testing.T) {
	m := signedOn(100, 30)
	typeText(m, "/msg LabEve")
	press(m, "enter")
	if !strings.Contains(m.Frame(), "─ away ─") {
		t.Fatalf("LabEve's window does not say away:\n%s", m.Frame())
	}
	m.Update(resultMsg{key: infoKey, cmd: client.CmdInfo.Name, r: &client.Result{Command: client.CmdInfo.Name, OK: true, Name: "LabEve",
		UserInfo: &client.UserInfo{AwayMessage: "out to lunch"}}})
	if !strings.Contains(m.Frame(), "away: out to lunch") {
		t.Errorf("the away message is not in the title:\n%s", m.Frame())
	}
	events(m, stamp(&client.BuddyOnline{Name: "LabEve", Changed: true}, at(1)))
	if f := m.Frame(); strings.Contains(f, "out to lunch") || !strings.Contains(f, "─ online ─") {
		t.Errorf("back: the title still has the away message:\n%s", f)
	}
}

// /away's answer puts you away in the status line, with the message.
func TestAwayInStatusLine(t *testing.T) {
	m := signedOn(100, 30)
	away := true
	m.Update(resultMsg{key: "status", cmd: client.CmdAway.Name, r: &client.Result{Command: client.CmdAway.Name, OK: true, Away: &away, Summary: "away: at lunch"}})
	if !strings.Contains(m.Frame(), "signed on as LabAlice, away: at lunch") {
		t.Errorf("the status line does not say away:\n%s", m.Frame())
	}
}
