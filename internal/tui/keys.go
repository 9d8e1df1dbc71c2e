package tui

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/screenname"
)

// keyMap is every key the UI answers, with the words the help overlay
// shows: one table for both.
type keyMap struct {
	Window, Next, Prev, Activity, Jump key.Binding
	List, Complete, History, Scroll    key.Binding
	Edit, Words, Clear, Help, Redraw   key.Binding
}

var keys = keyMap{
	Window:   key.NewBinding(key.WithKeys("alt+1", "alt+2", "alt+3", "alt+4", "alt+5", "alt+6", "alt+7", "alt+8", "alt+9", "alt+0"), key.WithHelp("Alt-1…9", "window 1 to 9 (Alt-0: 10)")),
	Next:     key.NewBinding(key.WithKeys("ctrl+n", "alt+right"), key.WithHelp("Ctrl-N, Alt-→", "next window")),
	Prev:     key.NewBinding(key.WithKeys("ctrl+p", "alt+left"), key.WithHelp("Ctrl-P, Alt-←", "previous window")),
	Activity: key.NewBinding(key.WithKeys("alt+a"), key.WithHelp("Alt-A", "the next window with activity (+ first)")),
	Jump:     key.NewBinding(key.WithKeys("alt+j", "ctrl+g"), key.WithHelp("Alt-J, Ctrl-G", "jump list: every window, ↑/↓ and Enter")),
	List:     key.NewBinding(key.WithKeys("f2", "alt+l"), key.WithHelp("F2, Alt-L", "the buddy list: ↑/↓, Enter opens, a/d/b/m add/remove/block/move")),
	Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("Tab", "complete a name, room or /command; twice lists them")),
	History:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "this window's input history")),
	Scroll:   key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("PgUp/PgDn", "scroll the window")),
	Edit:     key.NewBinding(key.WithKeys("ctrl+a", "ctrl+e", "ctrl+u", "ctrl+k", "ctrl+w"), key.WithHelp("Ctrl-A/E/U/K/W", "start, end, kill before, kill after, kill word")),
	Words:    key.NewBinding(key.WithKeys("alt+b", "alt+f"), key.WithHelp("Alt-B/F", "a word back, forward")),
	Clear:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("Ctrl-C", "clear the line; on an empty line, quit (asks)")),
	Help:     key.NewBinding(key.WithKeys("f1"), key.WithHelp("F1, ? on an empty line", "this help; Esc closes it")),
	Redraw:   key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("Ctrl-L", "redraw the screen")),
}

func (k keyMap) all() []key.Binding {
	return []key.Binding{k.Window, k.Next, k.Prev, k.Activity, k.Jump, k.List, k.Complete, k.History, k.Scroll,
		k.Edit, k.Words, k.Clear, k.Help, k.Redraw}
}

// The UI's own commands, beside the command table's.
var uiCommands = []struct{ name, args, help string }{
	{"msg", "NAME [TEXT]", "open (and focus) the conversation with NAME; with TEXT, send it"},
	{"close", "", "close this window (a room is left)"},
	{"win", "N|NAME", "go to window N, or the one named NAME"},
	{"notify", "[NAME] on|off", "ring (or not) for this window's buddy or room, or NAME's; saved (quiet in the config file)"},
	{"quit", "", "leave the UI (a session this UI started signs off)"},
	{"logout", "", "sign the session off, and leave"},
	{"help", "", "keys and commands"},
}

// uiOwn reports whether the UI has a line of its own for the table's
// command name (notify): help and completion list it once.
func uiOwn(name string) bool {
	for _, c := range uiCommands {
		if c.name == name {
			return true
		}
	}
	return false
}

// key handles one key press.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	s := k.String()
	active := m.active()
	tab := s == "tab"
	defer func() { m.lastTab = tab }()
	if !tab {
		m.choices = nil
	}
	if s != "ctrl+c" {
		m.confirmQuit = false
	}
	if m.signingOff { // only Ctrl-C: the UI is leaving
		if s == "ctrl+c" && !m.dropping {
			m.dropping = true // the window bar says so
			m.stopWait()
		}
		return nil
	}
	switch {
	case m.help:
		switch s {
		case "esc", "f1", "q", "?", "enter":
			m.help, m.helpOff = false, 0
		case "up", "k":
			m.helpOff = max(0, m.helpOff-1)
		case "down", "j":
			m.helpOff++ // the view stops it at the end
		case "pgup":
			m.helpOff = max(0, m.helpOff-m.convRows())
		case "pgdown", " ":
			m.helpOff += m.convRows()
		}
		return active
	case m.jump:
		return batch(active, m.jumpKey(s))
	}
	switch {
	case s == "ctrl+c":
		if !m.listFocus && !m.win().in.empty() {
			m.win().in.set("")
			return batch(active, m.edited())
		}
		if m.confirmQuit {
			return m.quit(false)
		}
		m.confirmQuit = true
		return active
	case key.Matches(k, keys.Help):
		m.help = true
		return active
	case key.Matches(k, keys.Window):
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "alt+"))
		if n == 0 {
			n = 10
		}
		return batch(active, m.focus(n-1))
	case key.Matches(k, keys.Next):
		return batch(active, m.focus((m.cur+1)%len(m.wins)))
	case key.Matches(k, keys.Prev):
		return batch(active, m.focus((m.cur+len(m.wins)-1)%len(m.wins)))
	case key.Matches(k, keys.Activity):
		return batch(active, m.nextActive())
	case key.Matches(k, keys.Jump):
		m.jump, m.jumpCur = true, m.cur
		return active
	case key.Matches(k, keys.List):
		m.listFocus = !m.listFocus
		return active
	case s == "ctrl+l":
		return batch(active, tea.ClearScreen)
	case s == "pgup":
		w := m.win()
		if w.atTop {
			return batch(active, m.loadOlder(w))
		}
		w.scroll += max(1, m.convRows()-1)
		return active
	case s == "pgdown":
		m.win().scroll = max(0, m.win().scroll-max(1, m.convRows()-1))
		return active
	}
	if m.listFocus {
		return batch(active, m.listKey(s))
	}
	w := m.win()
	e := &w.in
	switch s {
	case "enter":
		return batch(active, m.enter())
	case "tab":
		m.complete()
		return batch(active, m.edited())
	case "up":
		m.historyMove(-1)
		return batch(active, m.edited())
	case "down":
		m.historyMove(1)
		return batch(active, m.edited())
	case "esc":
		return active
	case "?":
		if e.empty() {
			m.help = true
			return active
		}
	}
	before := e.String()
	switch s {
	case "left", "ctrl+b":
		e.left()
	case "right", "ctrl+f":
		e.right()
	case "home", "ctrl+a":
		e.home()
	case "end", "ctrl+e":
		e.end()
	case "backspace", "ctrl+h":
		e.backspace()
	case "delete", "ctrl+d":
		e.del()
	case "ctrl+u":
		e.killBefore()
	case "ctrl+k":
		e.killAfter()
	case "ctrl+w", "alt+backspace":
		e.killWord()
	case "alt+b", "alt+left", "ctrl+left":
		e.wordLeft()
	case "alt+f", "ctrl+right":
		e.wordRight()
	default:
		if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			e.insert(k.Text)
		}
	}
	if e.String() != before {
		return batch(active, m.edited())
	}
	return active
}

// batch is tea.Batch without the nils.
func batch(cmds ...tea.Cmd) tea.Cmd {
	var out []tea.Cmd
	for _, c := range cmds {
		if c != nil {
			out = append(out, c)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return tea.Batch(out...)
}

// active tells the session, at most every activeEvery, that the person is
// here: the session reports idle to the server after idle_minutes without
// it (or any other command), and back at the next.
func (m *Model) active() tea.Cmd {
	now := m.now()
	if !m.lastActive.IsZero() && now.Sub(m.lastActive) < activeEvery {
		return nil
	}
	m.lastActive = now
	return m.runQuiet(client.CmdActive, nil)
}

// nextActive goes to the next window with a message for you, else with
// activity.
func (m *Model) nextActive() tea.Cmd {
	for _, want := range []activity{actYou, actSome} {
		for i := 1; i < len(m.wins); i++ {
			j := (m.cur + i) % len(m.wins)
			if m.wins[j].act == want {
				return m.focus(j)
			}
		}
	}
	return nil
}

func (m *Model) jumpKey(s string) tea.Cmd {
	switch s {
	case "esc", "alt+j", "ctrl+g", "q":
		m.jump = false
	case "up", "ctrl+p", "k":
		m.jumpCur = (m.jumpCur + len(m.wins) - 1) % len(m.wins)
	case "down", "ctrl+n", "j":
		m.jumpCur = (m.jumpCur + 1) % len(m.wins)
	case "enter":
		m.jump = false
		return m.focus(m.jumpCur)
	default:
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(m.wins) {
			m.jump = false
			return m.focus(n - 1)
		}
	}
	return nil
}

// listKey handles a key while the buddy list has the focus.
func (m *Model) listKey(s string) tea.Cmd {
	rows := m.rows()
	m.listCur = selectable(rows, m.listCur)
	switch s {
	case "up", "k", "ctrl+p":
		for i := m.listCur - 1; i >= 0; i-- {
			if rows[i].target != "" {
				m.listCur = i
				break
			}
		}
	case "down", "j", "ctrl+n":
		for i := m.listCur + 1; i < len(rows); i++ {
			if rows[i].target != "" {
				m.listCur = i
				break
			}
		}
	case "esc":
		m.listFocus = false
	case "enter", "a", "d", "b", "m", " ":
		if m.listCur >= len(rows) {
			return nil
		}
		r := rows[m.listCur]
		switch {
		case r.target == targetOffline:
			m.opts.ShowOffline = !m.opts.ShowOffline
			return nil
		case s == "a":
			m.listFocus = false
			m.win().in.set("/" + client.CmdAdd.Name + " ")
			return nil
		case r.room != "":
			if s == "enter" {
				m.listFocus = false
				if w := m.find(r.target); w != nil {
					return m.focus(m.indexOf(w))
				}
			}
			return nil
		case r.buddy == "":
			return nil
		case s == "enter" || s == " ":
			m.listFocus = false
			w, cmd := m.openIM(r.buddy)
			return batch(cmd, m.focus(m.indexOf(w)))
		case s == "d":
			m.listFocus = false
			m.win().in.set("/" + client.CmdRemove.Name + " " + quoteName(r.buddy))
		case s == "b":
			m.listFocus = false
			m.win().in.set("/" + client.CmdBlock.Name + " " + quoteName(r.buddy))
		case s == "m":
			m.listFocus = false
			m.win().in.set("/" + client.CmdMove.Name + " " + quoteName(r.buddy) + " ")
		}
	}
	return nil
}

// click is a mouse click (with --mouse): on a buddy or room of the list,
// its window; on the window bar, that window.
func (m *Model) click(c tea.MouseClickMsg) tea.Cmd {
	if c.Button != tea.MouseLeft {
		return nil
	}
	lw := m.listWidth()
	if c.X < lw {
		rows := m.rows()
		i := m.listStart + c.Y - 1
		if c.Y < 1 || i >= len(rows) || rows[i].target == "" {
			return nil
		}
		m.listCur = i
		return m.listKey("enter")
	}
	return nil
}

func quoteName(n string) string {
	if strings.Contains(n, " ") {
		return `"` + n + `"`
	}
	return n
}

// enter runs the line of the window in view: a /command, or words to the
// buddy or room of the window.
func (m *Model) enter() tea.Cmd {
	w := m.win()
	text := w.in.String()
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if w.kind == winIM && !strings.HasPrefix(text, "/") {
		// Refused here, the line kept to shorten: a paste too long for
		// the server is not lost.
		if err := client.CheckIM(w.name, client.IMBody(text, false)); err != nil {
			w.add(line{at: m.now(), kind: lineError, text: "not sent: " + err.Error() + " (the line is kept: shorten it, or Ctrl-U to drop it)"}, m.opts.Scrollback)
			return nil
		}
	}
	w.hist = append(w.hist, text)
	if len(w.hist) > 100 {
		w.hist = w.hist[1:]
	}
	w.histPos, w.draft = len(w.hist), ""
	w.in.set("")
	w.scroll = 0
	stopped := m.edited()
	if strings.HasPrefix(text, "/") && !strings.HasPrefix(text, "//") {
		return batch(stopped, m.command(strings.TrimPrefix(text, "/")))
	}
	text = strings.TrimPrefix(text, "/")
	if w.kind != winStatus {
		return batch(stopped, m.send(w, text))
	}
	w.add(line{at: m.now(), kind: lineError, text: "this is the status window: /msg NAME opens a conversation, /join ROOM a room (? for help)"}, m.opts.Scrollback)
	return stopped
}

// command runs a /command line: the UI's own, or one of the table.
func (m *Model) command(input string) tea.Cmd {
	w := m.win()
	word, rest, _ := strings.Cut(strings.TrimSpace(input), " ")
	rest = strings.TrimSpace(rest)
	fail := func(text string) tea.Cmd {
		w.add(line{at: m.now(), kind: lineError, text: text}, m.opts.Scrollback)
		return nil
	}
	switch strings.ToLower(word) {
	case "msg", "query", "m":
		if rest == "" {
			return fail("/msg NAME [TEXT]: whom to talk to?")
		}
		name, text, err := splitName(rest)
		if err != nil {
			return fail(err.Error())
		}
		if b := m.roster.lookup(name); b != nil {
			name = b.name // as the server spells it
		}
		t, cmd := m.openIM(name)
		t.name = name // the window may have come with the history's spelling
		cmds := []tea.Cmd{cmd, m.focus(m.indexOf(t))}
		if text != "" {
			cmds = append(cmds, m.send(t, text))
		}
		return batch(cmds...)
	case "close", "wc":
		if w.kind == winStatus {
			return fail("the status window stays open (/quit leaves)")
		}
		i := m.cur
		var cmd tea.Cmd
		if w.kind == winRoom && w.inRoom {
			cmd = m.run("status", client.CmdLeave, []string{w.name})
		}
		leave := m.leaving()
		m.wins = slices.Delete(m.wins, i, i+1)
		m.cur = min(i, len(m.wins)-1)
		m.focus(m.cur)
		return batch(leave, cmd)
	case "win", "window", "w":
		if n, err := strconv.Atoi(rest); err == nil {
			return m.focus(n - 1)
		}
		for i, t := range m.wins {
			if strings.EqualFold(strings.TrimPrefix(t.key, "#"), screenname.Normalize(strings.TrimPrefix(rest, "#"))) {
				return m.focus(i)
			}
		}
		return fail("no window " + rest)
	case "notify":
		// For this window: the table's notify, which saves it.
		state := strings.ToLower(rest)
		if state != "on" && state != "off" {
			break // notify NAME on|off, as the table has it
		}
		if w.kind == winStatus {
			return fail("/notify on|off is for a conversation or a room: in the status window, /notify NAME on|off")
		}
		return m.run(w.key, client.CmdNotify, []string{w.name, state})
	case "quit", "exit", "q":
		return m.quit(false)
	case "logout":
		return m.quit(true)
	case "help", "?":
		m.help = true
		return nil
	case "members", "names":
		if rest == "" && w.kind == winRoom {
			rest = w.name
		}
	case "leave", "part":
		if rest == "" && w.kind == winRoom {
			rest = w.name
		}
	case "join", "j":
		if rest != "" {
			m.pendingFocus = winKey(winRoom, strings.TrimPrefix(rest, "#"))
			rest = strings.TrimPrefix(rest, "#")
		}
	case "say":
		if w.kind == winRoom && rest != "" && !strings.HasPrefix(rest, "--") {
			// "/say TEXT" in a room says it there.
			return m.send(w, rest)
		}
	case "info", "whois", "warn", "block", "unblock", "remove", "rm", "invite":
		if rest == "" && w.kind == winIM {
			rest = quoteName(w.name)
		}
	}
	cmd := client.Lookup(word)
	if cmd == nil || cmd == client.CmdQuit || cmd == client.CmdHelp || cmd.Hidden {
		return fail("unknown command /" + word + " (? lists them)")
	}
	args, err := client.SplitArgs(cmd, rest)
	if err != nil {
		return fail(err.Error())
	}
	return m.run(w.key, cmd, args)
}

// splitName reads the name off the front of s ("quoted" when it holds
// spaces) and returns the rest.
func splitName(s string) (name, rest string, err error) {
	if q := s[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", "", errUnterminated
		}
		return s[1 : 1+end], strings.TrimSpace(s[2+end:]), nil
	}
	name, rest, _ = strings.Cut(s, " ")
	return name, strings.TrimSpace(rest), nil
}

type uiError string

func (e uiError) Error() string { return string(e) }

const errUnterminated = uiError("a quote without its end")

// quit leaves the UI; with logout, after signing the session off. A UI
// whose leaving signs off a session others follow asks first.
func (m *Model) quit(logout bool) tea.Cmd {
	if f, ok := m.sess.(interface{ Followers() int }); ok && m.sess.Owns() && !m.quitAsked {
		if n := f.Followers(); n > 0 {
			m.quitAsked = true
			who := "another client follows"
			if n > 1 {
				who = strconv.Itoa(n) + " other clients follow"
			}
			m.status(m.now(), who+" this session (aim tui, aim events): leaving this UI signs it off for them too; /quit again to leave")
			m.confirmQuit = false
			return m.focus(0)
		}
	}
	q, counts := m.sess.(interface{ Sending() int })
	switch {
	case counts && (logout || m.sess.Owns()) && q.Sending() > 0,
		!counts && logout && m.sess != nil: // a session elsewhere: its logout waits for what it has under way
		return batch(m.leaving(), m.signOff(logout))
	}
	m.quitting, m.logout = true, logout
	return batch(m.leaving(), tea.Quit)
}

// signOff signs the session off once the messages under way have gone
// out, staying on screen meanwhile: the window bar says how many are left
// and that Ctrl-C drops them. The logout's own bound (2 minutes) holds,
// and the UI's wait for it ends by signOffWait: a session that runs
// elsewhere (attached) and does not answer leaves the UI with
// ErrNoSignOff. Such a session cannot say how many; Ctrl-C only stops
// waiting for it, and its logout goes on there.
func (m *Model) signOff(logout bool) tea.Cmd {
	ctx, cancel := context.WithTimeoutCause(m.ctx, signOffWait, ErrNoSignOff)
	m.signingOff, m.logout, m.stopWait = true, logout, cancel // the window bar says so, counting down
	sess, off := m.sess, &logoutRun{done: make(chan struct{})}
	m.off = off
	go func() { // the model's: Run waits for it
		defer close(off.done)
		err := sess.Logout(ctx)
		// The socket's deadline may fire a moment before ctx says so.
		if err != nil && (context.Cause(ctx) == ErrNoSignOff || ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded)) {
			err = ErrNoSignOff
		}
		off.err = err
	}()
	return func() tea.Msg {
		<-off.done
		return signedOffMsg{off.err}
	}
}

// logoutRun is the logout a quit runs on a goroutine of its own
// (signOff), which Run waits for: the UI leaving (ctx ending) does not
// leave it running, nor sign the session off a second time.
type logoutRun struct {
	done chan struct{} // closed once the logout has returned
	err  error         // the logout's, once done
}

// signOffText says what a quit waits for.
func (m *Model) signOffText() string {
	q, counts := m.sess.(interface{ Sending() int })
	switch {
	case !counts && m.dropping:
		return "leaving; if the session had the logout, it signs off once the messages under way are sent"
	case !counts:
		return "signing off once the messages under way are sent (Ctrl-C to leave without waiting)"
	case m.dropping:
		return "signing off; the queued messages are not sent"
	}
	return client.SigningOffText(q.Sending())
}

// historyMove browses this window's input history.
func (m *Model) historyMove(d int) {
	w := m.win()
	if w.histPos == len(w.hist) && d < 0 {
		w.draft = w.in.String()
	}
	p := w.histPos + d
	if p < 0 || p > len(w.hist) {
		return
	}
	w.histPos = p
	if p == len(w.hist) {
		w.in.set(w.draft)
		return
	}
	w.in.set(w.hist[p])
}

// complete completes the word before the cursor: a /command's name first
// on the line, else a buddy's, a room's or (in a room) a member's name.
// A name with a space ("Lab Bob") goes in quoted as a command's argument,
// and a quoted word ("Lab B) completes like one. A second Tab with
// several choices lists them.
func (m *Model) complete() {
	w := m.win()
	e := &w.in
	head := strings.Join(e.g[:e.pos], "")
	start := strings.LastIndexAny(head, " ") + 1
	if strings.Count(head, `"`)%2 == 1 { // inside a quoted argument
		start = strings.LastIndex(head, `"`)
	}
	word := head[start:]
	command := strings.HasPrefix(head, "/")
	var cands []string
	switch {
	case start == 0 && strings.HasPrefix(word, "/"):
		for _, c := range uiCommands {
			cands = append(cands, "/"+c.name)
		}
		for _, c := range client.Commands() {
			if c != client.CmdQuit && c != client.CmdHelp && !c.Hidden && !uiOwn(c.Name) {
				cands = append(cands, "/"+c.Name)
			}
		}
	default:
		cands = m.roster.names()
		for _, t := range m.wins {
			if t.kind == winRoom {
				cands = append(cands, t.name)
			}
		}
		if w.kind == winRoom {
			cands = append(cands, w.members...)
		}
	}
	if !strings.HasPrefix(word, `"`) {
		// A name with a space typed as it is spelled ("Lab B"): the
		// longest stretch before the cursor that begins one.
		for i := 0; i < start; i++ {
			if (i > 0 && head[i-1] != ' ') || (i == 0 && command) {
				continue
			}
			if slices.ContainsFunc(cands, func(c string) bool {
				return strings.Contains(c, " ") && len(c) >= len(head)-i && strings.EqualFold(c[:len(head)-i], head[i:])
			}) {
				start, word = i, head[i:]
				break
			}
		}
	}
	bare := strings.TrimPrefix(word, `"`)
	var match []string
	seen := map[string]bool{}
	for _, c := range cands {
		if seen[strings.ToLower(c)] {
			continue
		}
		if len(c) >= len(bare) && strings.EqualFold(c[:len(bare)], bare) {
			seen[strings.ToLower(c)] = true
			match = append(match, c)
		}
	}
	if len(match) == 0 {
		return
	}
	sort.Strings(match)
	common := match[0]
	for _, c := range match[1:] {
		n := 0
		for n < len(common) && n < len(c) && strings.EqualFold(common[n:n+1], c[n:n+1]) {
			n++
		}
		common = common[:n]
	}
	// A command's argument with a space in it is quoted.
	quoted := command && start > 0 && (word != bare || strings.Contains(common, " "))
	if quoted {
		common = `"` + common
	}
	if len(match) == 1 {
		if quoted {
			common += `"`
		}
		common += " "
		if start == 0 && !strings.HasPrefix(common, "/") && w.kind == winRoom {
			common = strings.TrimSuffix(common, " ") + ": "
		}
	}
	if len(common) > len(word) {
		tail := strings.Join(e.g[e.pos:], "")
		e.set(head[:start] + common)
		n := len(e.g)
		e.set(head[:start] + common + tail)
		e.pos = n
		return
	}
	if m.lastTab && len(match) > 1 {
		m.choices = match
	}
}
