package tui

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"

	"github.com/aim-oscar/aim/internal/client"
)

// bigModel is a 100×30 model with buddies buddies in 10 groups (every
// other one online) and windows IM windows of lines lines each.
func bigModel(b testing.TB, buddies, windows, lines int) *Model {
	groups := make([]Group, 10)
	var online, offline []string
	for i := range buddies {
		n := fmt.Sprintf("Buddy%04d", i)
		g := &groups[i%10]
		g.Name = fmt.Sprintf("Group %d", i%10)
		g.Names = append(g.Names, n)
		if i%2 == 0 {
			online = append(online, n)
		} else {
			offline = append(offline, n)
		}
	}
	m := newModel(100, 30, groups...)
	away := false
	events(m, stamp(&client.Result{Command: client.CommandStatus, OK: true, Name: "LabAlice", Away: &away,
		BuddyList: &client.BuddyList{Online: online, Offline: offline}, UserInfo: &client.UserInfo{SignonTime: at(-60)}}, at(-1)))
	text := strings.Repeat("a line of talk, 世界 😀, long enough to wrap in a narrow window now and then ", 2)
	for w := range windows {
		name := fmt.Sprintf("Buddy%04d", w*2)
		batch := make(eventsMsg, 0, 1000)
		for i := range lines {
			batch = append(batch, stamp(&client.IM{From: name, Text: text + fmt.Sprint(i)}, at(-lines+i)))
			if len(batch) == cap(batch) {
				m.Update(batch)
				batch = batch[:0]
			}
		}
		m.Update(batch)
	}
	press(m, "alt+5")
	return m
}

// drawn is the frame as the terminal's cells: what Bubble Tea's renderer
// diffs against the screen before it writes the changes.
func drawn(m *Model, buf uv.ScreenBuffer) {
	v := m.View()
	uv.NewStyledString(v.Content).Draw(buf, buf.Bounds())
}

// BenchmarkKeystroke is a key typed into the input line with 1,000
// buddies and 20 open windows, to the frame drawn into cells. It reports
// the 99th percentile too.
func BenchmarkKeystroke(b *testing.B) {
	m := bigModel(b, 1000, 20, 200)
	buf := uv.NewScreenBuffer(100, 30)
	key := tea.KeyPressMsg(tea.Key{Code: 'x', Text: "x"})
	bs := tea.KeyPressMsg(tea.Key{Code: tea.KeyBackspace})
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if i%2 == 0 {
			m.Update(key)
		} else {
			m.Update(bs)
		}
		drawn(m, buf)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkRoomBurst is 100 messages of a busy room arriving at once (a
// second of a room at 100 messages/s) while another window is in view,
// to the frame drawn.
func BenchmarkRoomBurst(b *testing.B) {
	m := bigModel(b, 1000, 20, 200)
	events(m, stamp(&client.ChatJoined{Room: "Busy", Members: []string{"LabAlice", "LabBob"}}, at(0)))
	buf := uv.NewScreenBuffer(100, 30)
	burst := make(eventsMsg, 100)
	for i := range burst {
		burst[i] = stamp(&client.ChatMessage{Room: "Busy", From: "LabBob", Text: fmt.Sprintf("message %d of the burst", i)}, at(0))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Update(burst)
		drawn(m, buf)
	}
}

// BenchmarkScrollbackMemory fills 20 windows with 10,000 lines each and
// reports the heap the model keeps: the scrollback is capped per window
// (Options.Scrollback), the rest is in the history.
func BenchmarkScrollbackMemory(b *testing.B) {
	var heap float64
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m := bigModel(b, 1000, 20, 10000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(m)
	}
	b.ReportMetric(heap, "MiB-kept")
}
