package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/history"
)

// run runs cmd and what it leads to, to the end, as the program would
// (no test here leads to a timer).
func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			run(m, c)
		}
	default:
		_, next := m.Update(msg)
		run(m, next)
	}
}

func pressRun(m *Model, keys ...string) {
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		run(m, cmd)
	}
}

// A window opened shows its last lines from the history; PgUp at the top
// reads back past them, until the history has no more.
func TestScrollbackFromHistory(t *testing.T) {
	dir := t.TempDir()
	rec, err := history.Open(dir, history.Options{Encode: func(v any) ([]byte, error) { return client.JSON(v) }})
	if err != nil {
		t.Fatal(err)
	}
	conv := history.Conv{Kind: history.KindIM, Name: "LabBob"}
	for i := range 100 {
		when := at(-1000 + i)
		rec.Record(history.Entry{Conv: conv, Time: when, Direction: history.In,
			Event: stamp(&client.IM{From: "LabBob", Text: fmt.Sprintf("line %03d", i)}, when)})
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), nil, Options{Self: "LabAlice", History: history.NewStore(dir), HistoryLines: 30,
		Now: func() time.Time { return at(0) }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	typeText(m, "/msg LabBob")
	pressRun(m, "enter")
	f := m.Frame()
	if !strings.Contains(f, "line 099") || strings.Contains(f, "line 069") {
		t.Fatalf("the window does not show the last of its 30 lines from the history:\n%s", f)
	}
	if n := len(m.win().lines); n != 30 {
		t.Errorf("%d lines loaded, want 30", n)
	}
	for range 20 {
		pressRun(m, "pgup")
		m.Frame()
	}
	f = m.Frame()
	if !strings.Contains(f, "line 000") {
		t.Errorf("PgUp to the top does not reach the first line in the history:\n%s", f)
	}
	if !m.win().histDone {
		t.Error("at the first line, the window does not know the history has no more")
	}
}

// Attaching brings back the windows of the conversations of the last
// hour, with their lines, named as the buddy spells it.
func TestAttachReopensRecent(t *testing.T) {
	dir := t.TempDir()
	rec, err := history.Open(dir, history.Options{Encode: func(v any) ([]byte, error) { return client.JSON(v) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ago  int
	}{{"Lab Carol", 180}, {"LabBob", 10}} {
		when := at(-c.ago)
		rec.Record(history.Entry{Conv: history.Conv{Kind: history.KindIM, Name: c.name}, Time: when, Direction: history.In,
			Event: stamp(&client.IM{From: c.name, Text: "hello from " + c.name}, when)})
	}
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
	var names []string
	for _, w := range m.wins {
		names = append(names, w.name)
	}
	if strings.Join(names, ",") != "status,LabBob" {
		t.Fatalf("windows after attaching: %v, want status and LabBob's (Lab Carol's talk is 3 hours old)", names)
	}
	pressRun(m, "alt+2")
	if !strings.Contains(m.Frame(), "hello from LabBob") {
		t.Errorf("LabBob's window has not its lines:\n%s", m.Frame())
	}
}
