package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Styles. Colours are 16-colour ANSI (the terminal's palette, readable on
// dark and light themes); with NO_COLOR the program drops them and keeps
// bold and reverse, so every state still shows: the marks (● ◐ ○ * +)
// and the words carry it, not the colour alone.
var (
	stBorder  = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
	stTitle   = lipgloss.NewStyle().Bold(true)
	stFaint   = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
	stOwn     = lipgloss.NewStyle().Foreground(lipgloss.Color("6"))
	stPeer    = lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true)
	stError   = lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)
	stOnline  = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	stAway    = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
	stCurrent = lipgloss.NewStyle().Reverse(true)
	stHot     = lipgloss.NewStyle().Foreground(lipgloss.Color("5")).Bold(true)
	stSome    = lipgloss.NewStyle().Bold(true)
	stWarn    = lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true)
)

// The buddies' marks, styled once.
var (
	markOffline = stFaint.Render("○")
	markIdle    = stAway.Render("◐")
	markAway    = stAway.Render("◑")
	markOnline  = stOnline.Render("●")
)

// View is bubbletea's: the whole screen, and the cursor on the input line.
func (m *Model) View() tea.View {
	content, x, y := m.render()
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "aim"
	if m.self != "" {
		v.WindowTitle = "aim: " + m.self
	}
	if x >= 0 {
		v.Cursor = tea.NewCursor(x, y)
	}
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

// Frame is the screen as text without colours or styles: what a test
// compares.
func (m *Model) Frame() string {
	s, _, _ := m.render()
	return ansi.Strip(s)
}

// listWidth is the width of the buddy list pane: none on a narrow screen.
func (m *Model) listWidth() int {
	if m.w < 60 {
		return 0
	}
	return min(max(m.w/4, 18), 28)
}

// convRows is how many rows of text the window in view shows.
func (m *Model) convRows() int { return max(1, m.h-4) }

// render draws the screen: the list on the left, the window on the right
// above the window bar and the input line. It returns where the cursor
// goes (x < 0: hidden).
func (m *Model) render() (string, int, int) {
	w, h := max(m.w, 20), max(m.h, 6)
	lw := m.listWidth()
	rw := w - lw
	var left []string
	if lw > 0 {
		left = m.renderList(lw, h)
	}
	right := m.renderWindow(rw, h-2)
	right = append(right, m.renderBar(rw))
	inRow, cx := m.renderInput(rw)
	right = append(right, inRow)
	var b strings.Builder
	for i := 0; i < h; i++ {
		if lw > 0 {
			b.WriteString(left[i])
		}
		b.WriteString(right[i])
		if i < h-1 {
			b.WriteByte('\n')
		}
	}
	// The cursor's column stays as counted: the joiners that forTerminal
	// leaves out are zero columns wide by that count.
	s := forTerminal(b.String(), m.wm)
	if cx < 0 {
		return s, -1, 0
	}
	return s, lw + cx, h - 1
}

// fit cuts or pads s (styled) to exactly n columns.
func (m *Model) fit(s string, n int) string {
	if n <= 0 {
		return ""
	}
	wd := m.wm.StringWidth(s)
	if wd > n {
		s = m.wm.Truncate(s, n, "…")
		wd = m.wm.StringWidth(s)
	}
	return s + strings.Repeat(" ", n-wd)
}

// spread puts l at the left of n columns and r at the right.
func (m *Model) spread(l, r string, n int) string {
	lw, rw := m.wm.StringWidth(l), m.wm.StringWidth(r)
	if lw+rw+1 > n {
		return m.fit(l, n)
	}
	return l + strings.Repeat(" ", n-lw-rw) + r
}

// box draws a frame of width n around rows (each fitted to n-2), with
// title at its top left and info at its top right.
func (m *Model) box(title, info string, rows []string, n, height int) []string {
	inner := n - 2
	top := "┌"
	t := ""
	if title != "" {
		t = " " + stTitle.Render(m.wm.Truncate(title, max(inner-2, 0), "…")) + " "
	}
	i := ""
	if info != "" && m.wm.StringWidth(t)+m.wm.StringWidth(info)+4 <= inner {
		i = " " + info + " "
	}
	fill := inner - m.wm.StringWidth(t) - m.wm.StringWidth(i)
	if fill < 0 {
		t, fill = m.fit(t, inner), 0
	}
	out := make([]string, 0, height)
	if fill >= 1 {
		out = append(out, stBorder.Render(top)+t+stBorder.Render(strings.Repeat("─", fill-1))+i+stBorder.Render("─┐"))
	} else {
		out = append(out, stBorder.Render(top)+t+i+stBorder.Render("┐"))
	}
	side := stBorder.Render("│")
	for r := 0; r < height-2; r++ {
		s := ""
		if r < len(rows) {
			s = rows[r]
		}
		out = append(out, side+m.fit(s, inner)+side)
	}
	out = append(out, stBorder.Render("└"+strings.Repeat("─", max(inner, 0))+"┘"))
	return out
}

// Rows of the buddy list. A buddy's row is drawn only when it shows: a
// list of a thousand buddies costs a screenful of formatting.
type row struct {
	text   string // all but a buddy's
	b      *buddy // a buddy's row
	target string // a window's key, targetOffline, or "" (not selectable)
	buddy  string // the buddy's name, on a buddy's row
	room   string // the room's name, on a room's row
}

// rowText is the row as drawn: the left part, a tab, the right part.
func (m *Model) rowText(r row) string {
	if r.b != nil {
		return m.buddyRow(r.b)
	}
	return r.text
}

const targetOffline = "\x00offline"

// rows are the buddy list's lines: each group with its buddies online
// (offline ones collapsed under one line), then the rooms.
func (m *Model) rows() []row {
	var rows []row
	offline := 0
	var offNames []string
	for _, g := range m.roster.groups {
		on := 0
		for _, k := range g.keys {
			if m.roster.b[k].online {
				on++
			}
		}
		rows = append(rows, row{text: "▾ " + g.name + "\t" + fmt.Sprintf("%d/%d", on, len(g.keys))})
		for _, k := range g.keys {
			b := m.roster.b[k]
			if !b.online {
				offline++
				offNames = append(offNames, b.name)
				continue
			}
			rows = append(rows, row{b: b, target: k, buddy: b.name})
		}
	}
	if offline > 0 {
		mark := "▸"
		if m.opts.ShowOffline {
			mark = "▾"
		}
		rows = append(rows, row{text: mark + " Offline (" + strconv.Itoa(offline) + ")", target: targetOffline})
		if m.opts.ShowOffline {
			for _, n := range offNames {
				b := m.roster.lookup(n)
				rows = append(rows, row{b: b, target: screenname.Normalize(n), buddy: n})
			}
		}
	}
	first := true
	for _, w := range m.wins {
		if w.kind != winRoom {
			continue
		}
		if first {
			rows = append(rows, row{}, row{text: "# Rooms"})
			first = false
		}
		t := "  #" + w.name
		if w.unread > 0 {
			t += "\t(" + strconv.Itoa(w.unread) + ")"
		} else if !w.inRoom {
			t += "\t(left)"
		}
		rows = append(rows, row{text: t, target: w.key, room: w.name})
	}
	return rows
}

// selectable is cur, or the first row that can be selected if cur
// cannot.
func selectable(rows []row, cur int) int {
	if cur >= 0 && cur < len(rows) && rows[cur].target != "" {
		return cur
	}
	for i, r := range rows {
		if r.target != "" {
			return i
		}
	}
	return 0
}

// buddyRow is one buddy's line: state mark, name, and at the right the
// unread count, typing, away or idle minutes.
func (m *Model) buddyRow(b *buddy) string {
	mark := markOffline
	idle := b.idleMinutes(m.now())
	switch {
	case b.online && idle > 0:
		mark = markIdle
	case b.online && b.away:
		mark = markAway
	case b.online:
		mark = markOnline
	}
	var right []string
	if w := m.find(winKey(winIM, b.name)); w != nil && w.unread > 0 {
		right = append(right, stHot.Render("("+strconv.Itoa(w.unread)+")"))
	}
	switch {
	case b.typing == "typing":
		right = append(right, "✎")
	case b.typing == "typed":
		right = append(right, "…")
	}
	switch {
	case b.online && b.away:
		right = append(right, "away")
	case b.online && idle > 0:
		right = append(right, idleText(idle))
	}
	t := "  " + mark + " " + b.name
	if len(right) > 0 {
		t += "\t" + strings.Join(right, " ")
	}
	return t
}

func idleText(min int) string {
	if min >= 60 {
		return strconv.Itoa(min/60) + "h"
	}
	return strconv.Itoa(min) + "m"
}

// renderList draws the buddy list pane, scrolled so the selected row
// shows.
func (m *Model) renderList(n, height int) []string {
	rows := m.rows()
	inner := n - 2
	visible := height - 2
	m.listCur = selectable(rows, m.listCur)
	start := 0
	if m.listFocus && m.listCur >= visible {
		start = m.listCur - visible + 1
	}
	m.listStart = start
	out := make([]string, 0, visible)
	for i := start; i < len(rows) && len(out) < visible; i++ {
		l, r, _ := strings.Cut(m.rowText(rows[i]), "\t")
		s := m.spread(l, r, inner)
		if m.listFocus && i == m.listCur {
			s = stCurrent.Render(ansi.Strip(s))
		}
		out = append(out, s)
	}
	if len(rows) == 0 && m.conn == "online" {
		// A new account: say how a list begins, instead of an empty box;
		// in a narrow list, on three lines rather than cut.
		add := "/" + client.CmdAdd.Name + " NAME"
		hint := []string{"No buddies yet.", add + " adds one."}
		if m.wm.StringWidth(hint[1]) > inner {
			hint = []string{hint[0], add, "adds one."}
		}
		if visible >= len(hint) {
			for _, l := range hint {
				out = append(out, stFaint.Render(m.fit(l, inner)))
			}
		}
	}
	title := "Buddies"
	if m.listFocus {
		title = "Buddies (Enter opens, Esc back)"
	}
	return m.box(title, "", out, n, height)
}

// renderWindow draws the window in view (or the help, or the jump list)
// in a box n wide and height high.
func (m *Model) renderWindow(n, height int) []string {
	inner, rowsN := n-2, height-2
	switch {
	case m.help:
		rows := m.helpRows(inner)
		m.helpOff = min(m.helpOff, max(0, len(rows)-rowsN))
		return m.box("Help", "↑/↓ PgUp/PgDn, Esc closes", rows[m.helpOff:], n, height)
	case m.jump:
		return m.box("Windows", "↑/↓ Enter, Esc", m.jumpRows(rowsN), n, height)
	}
	w := m.win()
	textW := inner
	var members []string
	if w.kind == winRoom && inner >= 60 && len(w.members) > 0 {
		memW := 16
		textW = inner - memW - 1
		members = make([]string, 0, rowsN)
		members = append(members, stFaint.Render(m.fit("members", memW)))
		for _, mb := range w.members {
			members = append(members, m.fit(client.Defuse(mb), memW))
		}
	}
	typing := m.typingText(w)
	textRows := rowsN
	if typing != "" {
		textRows--
	}
	lines := m.windowRows(w, textW, textRows)
	for len(lines) < textRows {
		lines = append([]string{""}, lines...)
	}
	if typing != "" {
		lines = append(lines, m.spread("", stFaint.Render(typing), textW))
	}
	if members != nil {
		for i := range lines {
			mb := ""
			if i < len(members) {
				mb = members[i]
			}
			lines[i] = m.fit(lines[i], textW) + stBorder.Render("│") + mb
		}
	}
	return m.box(w.title(), m.windowInfo(w), lines, n, height)
}

// typingText is what the peer's typing notification says, while fresh.
func (m *Model) typingText(w *window) string {
	if w.kind != winIM || w.typing == "" || m.now().Sub(w.typingAt) > typingStale {
		return ""
	}
	if w.typing == "typed" {
		return w.name + " has typed"
	}
	return w.name + " is typing…"
}

// windowInfo is the top right of the window's frame: the buddy's state,
// or the room's size.
func (m *Model) windowInfo(w *window) string {
	switch w.kind {
	case winIM:
		b := m.roster.lookup(w.name)
		switch {
		case b == nil:
			return ""
		case !b.online:
			return "offline"
		case b.away && b.awayMsg != "":
			return "away: " + oneLine(client.Defuse(b.awayMsg), 60)
		case b.away:
			return "away"
		case b.idleMinutes(m.now()) > 0:
			return "idle " + idleText(b.idleMinutes(m.now()))
		}
		return "online"
	case winRoom:
		if !w.inRoom {
			return "not in the room"
		}
		return fmt.Sprintf("%d here", len(w.members))
	}
	return ""
}

// windowRows are the last rows of w's lines, wrapped to width, scrolled
// up by w.scroll rows: only the lines that show are formatted.
func (m *Model) windowRows(w *window, width, n int) []string {
	if n <= 0 {
		return nil
	}
	maxScroll := 0
	need := n + w.scroll
	var rev [][]string // formatted lines, newest first
	got := 0
	for i := len(w.lines) - 1; i >= 0 && got < need+1; i-- {
		l := w.lines[i]
		rows := m.formatLine(l, width)
		if i == 0 || !sameDay(w.lines[i-1].at, l.at, m.loc()) {
			rows = append([]string{m.daySeparator(l.at.In(m.loc()), width)}, rows...)
		}
		rev = append(rev, rows)
		got += len(rows)
	}
	all := make([]string, 0, got)
	for i := len(rev) - 1; i >= 0; i-- {
		all = append(all, rev[i]...)
	}
	maxScroll = max(0, len(all)-n)
	w.atTop = len(rev) == len(w.lines) && w.scroll >= maxScroll
	if w.atTop {
		w.scroll = maxScroll
	}
	end := max(0, len(all)-w.scroll)
	start := max(0, end-n)
	return all[start:end]
}

func (m *Model) loc() *time.Location {
	if m.opts.Location != nil {
		return m.opts.Location
	}
	return time.Local
}

func sameDay(a, b time.Time, loc *time.Location) bool {
	a, b = a.In(loc), b.In(loc)
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

func (m *Model) daySeparator(t time.Time, width int) string {
	s := "── " + t.Format("Mon 2 Jan 2006") + " ──"
	return stFaint.Render(m.fit(s, width))
}

// formatLine is one line of a window as rows of width: the time, who
// said it, and the text wrapped under itself (a hanging indent).
func (m *Model) formatLine(l line, width int) []string {
	stamp := l.at.In(m.loc()).Format("15:04") + " "
	var who, styled string
	text := client.Defuse(l.text)
	switch l.kind {
	case lineOwn:
		who = "you"
		styled = stOwn.Render(who)
		if l.pending {
			styled = stFaint.Render(who)
		}
	case lineMsg:
		who = client.Defuse(l.from)
		styled = stPeer.Render(who)
	case lineAuto:
		who = client.Defuse(l.from)
		if screenname.Normalize(l.from) == screenname.Normalize(m.self) {
			who = "you"
		}
		styled = stPeer.Render(who)
		text = "(auto-reply) " + text
	case lineNotice:
		who, styled = "--", stFaint.Render("--")
	case lineError:
		who, styled = "!!", stError.Render("!!")
	case lineInfo:
		who, styled = "->", stFaint.Render("->")
	}
	prefixW := len(stamp) + m.wm.StringWidth(who) + 1
	if width-prefixW < 16 {
		prefixW = len(stamp)
	}
	avail := max(width-prefixW, 4)
	var rows []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\t", " "), "\n") {
		wrapped := strings.Split(m.wm.Wrap(para, avail, ""), "\n")
		rows = append(rows, wrapped...)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		switch l.kind {
		case lineNotice, lineInfo:
			r = stFaint.Render(r)
		case lineError:
			r = stError.Render(r)
		}
		if i == 0 {
			head := stFaint.Render(stamp) + styled + " "
			if prefixW == len(stamp) && len(rows) > 0 {
				head = stFaint.Render(stamp) + styled + " "
			}
			out[i] = m.fit(head+r, width)
			continue
		}
		out[i] = strings.Repeat(" ", prefixW) + r
	}
	return out
}

// renderBar is the window bar: every window numbered with its activity
// mark, the one in view highlighted; at the right, the session's state.
func (m *Model) renderBar(n int) string {
	var right string
	switch {
	case m.signingOff:
		right = stWarn.Render(m.signOffText())
	case m.confirmQuit:
		right = stWarn.Render("Ctrl-C again to quit")
	case m.choices != nil:
		return m.fit(" "+strings.Join(m.choices, "  "), n)
	default:
		right = m.statusText()
	}
	// Every window named; when they do not fit, the others by number and
	// mark only (irssi's act bar), and then the state at the right goes.
	left := m.windowBar(false)
	if m.wm.StringWidth(left)+m.wm.StringWidth(right)+2 > n {
		left = m.windowBar(true)
	}
	if m.wm.StringWidth(left)+m.wm.StringWidth(right)+2 > n {
		right = ""
	}
	return m.spread(left, right+" ", n)
}

// windowBar is the windows' labels; compact: the one in view named, the
// others by number and mark.
func (m *Model) windowBar(compact bool) string {
	parts := make([]string, 0, len(m.wins))
	for i, w := range m.wins {
		label := strconv.Itoa(i + 1)
		if !compact || i == m.cur {
			label += ":" + w.title()
		}
		switch w.act {
		case actYou:
			label = stHot.Render(label + "+")
		case actSome:
			label = stSome.Render(label + "*")
		}
		if !compact || i == m.cur {
			label = "[" + label + "]"
		}
		if i == m.cur {
			label = stCurrent.Render(ansi.Strip(label))
		}
		parts = append(parts, label)
	}
	return " " + strings.Join(parts, " ")
}

// statusText says who you are and the session's state.
func (m *Model) statusText() string {
	switch m.conn {
	case "reconnecting":
		return stWarn.Render("reconnecting…")
	case "offline":
		return stWarn.Render("offline")
	case "ended":
		return stError.Render("session ended")
	case "connecting":
		return stFaint.Render("connecting…")
	}
	s := "signed on as " + m.self
	switch {
	case m.away && m.awayText != "":
		s += ", " + stAway.Render("away: "+oneLine(client.Defuse(m.awayText), 30))
	case m.away:
		s += ", " + stAway.Render("away")
	}
	return s
}

// renderInput is the input line of the window in view, and the cursor's
// column (-1: hidden).
func (m *Model) renderInput(n int) (string, int) {
	if m.listFocus || m.help || m.jump {
		return m.fit(stFaint.Render(" ↑/↓ Enter · Esc back"), n), -1
	}
	prompt := "> "
	w := m.win()
	text, col := w.in.view(n-len(prompt)-1, m.wm)
	return m.fit(prompt+text, n), len(prompt) + col
}

// helpRows are the keys and commands, for the help overlay, each
// description wrapped under itself rather than cut.
func (m *Model) helpRows(width int) []string {
	var out []string
	out = append(out, stTitle.Render("Keys"))
	for _, k := range keys.all() {
		h := k.Help()
		out = append(out, m.helpRow(h.Key, h.Desc, width)...)
	}
	out = append(out, "", stTitle.Render("Commands"))
	out = append(out, m.helpRow("", "type /NAME; in a window, text goes to its buddy or room", width)...)
	for _, c := range uiCommands {
		out = append(out, m.helpRow("/"+strings.TrimSpace(c.name+" "+c.args), c.help, width)...)
	}
	for _, c := range client.Commands() {
		if c == client.CmdQuit || c == client.CmdHelp || c.Hidden || uiOwn(c.Name) {
			continue
		}
		help, _, _ := strings.Cut(c.Help, "\n")
		out = append(out, m.helpRow(strings.TrimSpace("/"+c.Name+" "+c.Args), help, width)...)
	}
	return out
}

// helpRow is one entry of the help: col (a key or a usage, helpCol; ""
// none) and its description, wrapped in the columns after col.
func (m *Model) helpRow(col, desc string, width int) []string {
	head := "  "
	if col != "" {
		head += m.helpCol(col)
	}
	indent := m.wm.StringWidth(head)
	if width-indent < 16 { // too narrow to wrap usefully: cut
		return []string{m.fit(head+desc, width)}
	}
	rows := strings.Split(m.wm.Wrap(desc, width-indent, ""), "\n")
	out := make([]string, len(rows))
	for i, r := range rows {
		if i > 0 {
			head = strings.Repeat(" ", indent)
		}
		out[i] = m.fit(head+r, width)
	}
	return out
}

// helpCol is the help's first column: a key or usage padded to 24
// columns, and a longer one kept whole with a space after it.
func (m *Model) helpCol(s string) string {
	if m.wm.StringWidth(s) >= 24 {
		return s + " "
	}
	return m.fit(s, 24)
}

// jumpRows list every window, for the jump list.
func (m *Model) jumpRows(n int) []string {
	var out []string
	start := 0
	if m.jumpCur >= n {
		start = m.jumpCur - n + 1
	}
	for i := start; i < len(m.wins) && len(out) < n; i++ {
		w := m.wins[i]
		s := fmt.Sprintf("%2d  %s", i+1, w.title())
		switch w.act {
		case actYou:
			s += "  + " + strconv.Itoa(w.unread) + " new"
		case actSome:
			s += "  *"
		}
		if i == m.jumpCur {
			s = stCurrent.Render(s)
		}
		out = append(out, s)
	}
	return out
}
