package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Session is what the UI needs of the account's session: the commands of
// the table (runner.Live is one), a logout, and whether quitting signs off.
type Session interface {
	Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error)
	Logout(ctx context.Context) error
	Owns() bool
}

// ErrStillSigningOff is a UI that stopped waiting (Ctrl-C) for the logout
// of a session that runs elsewhere. A session that had the request signs
// off by itself once the messages it has under way are sent; but leaving
// closes the connection, and the control socket drops a request it had
// not started yet (a Ctrl-C right after /logout): the UI cannot tell
// which, and says so.
var ErrStillSigningOff = errors.New("if the session had the logout, it signs off by itself once the messages under way are sent (up to 2 minutes); aim status tells whether it still runs")

// ErrNoSignOff is a logout that did not answer within signOffWait (a
// session that runs elsewhere and hangs): the UI left without it.
var ErrNoSignOff = errors.New("the session did not say it signed off within 2 minutes; left without waiting longer (aim status tells whether it still runs)")

// signOffWait bounds the UI's wait for a logout: the session's own bound
// for the messages under way (client.LogoutWait), and a moment for its
// answer. A variable for the tests: a hung session is not waited for 2
// minutes there.
var signOffWait = client.LogoutWait + 10*time.Second

// Timing of what the UI tells the session on its own.
const (
	// typingPause: the line untouched this long with text in it, the peer
	// is told "typed" (04,14 1).
	typingPause = 5 * time.Second
	// typingAgain: while typing goes on, "typing" is said again this often.
	typingAgain = 10 * time.Second
	// typingStale: a peer's "typing" with no news for this long is dropped.
	typingStale = 30 * time.Second
	// activeEvery: a key tells the session the person is here (not idle)
	// at most this often.
	activeEvery = 5 * time.Second
	// commandTimeout bounds a command run from the input line.
	commandTimeout = 2 * time.Minute
)

// Model is the state of the screen: the buddy list, the windows, the input
// line of each, and the session's state as the events told it. It changes
// only in Update, from keys, the session's events and command results, so
// that a test drives it without a terminal. Its one goroutine is the
// logout a quit waits for on screen (signOff): it ends with the logout,
// which ends by signOffWait or with the Model's ctx, and Run waits for it.
type Model struct {
	opts Options
	sess Session
	ctx  context.Context

	w, h int
	// wm is how the terminal counts the width of text: by code points
	// (wcwidth), unless it says it counts grapheme clusters (mode 2027),
	// as Bubble Tea's renderer does.
	wm ansi.Method

	self     string // as the server formats it
	conn     string // "connecting", "online", "reconnecting", "offline", "ended"
	away     bool
	awayText string

	roster *roster
	wins   []*window
	// quiet is the config file's quiet list, normalized: the buddies and
	// rooms whose messages ring no bell (the session's status and
	// buddies say it; /notify and aim notify edit it).
	quiet map[string]bool
	cur   int

	listFocus bool
	listCur   int
	listStart int // the first row of the list drawn last

	help        bool
	helpOff     int  // the help's first row shown
	jump        bool // the jump list is up
	jumpCur     int
	confirmQuit bool
	quitAsked   bool     // told that quitting signs off a session others follow
	choices     []string // what a second Tab listed
	lastTab     bool

	pendingFocus string // a room joined from here: its window takes the focus
	attached     bool   // the session's status has come
	lastActive   time.Time
	quitting     bool
	logout       bool // quit after signing the session off

	// A quit that signs off while messages are under way (queued behind
	// the server's rate limit) stays on screen and says so until the
	// session is off (signOff); Ctrl-C ends the wait, dropping them.
	signingOff bool
	dropping   bool               // Ctrl-C: the wait is ended
	stopWait   context.CancelFunc // ends the logout's wait
	off        *logoutRun         // the logout signOff started: Run waits for it
	signedOff  bool               // the session is off: Run need not sign it off
	signOffErr error              // the logout's: a *client.UnsentError counts what was dropped
}

// New returns the model of a UI on sess.
func New(ctx context.Context, sess Session, opts Options) *Model {
	opts.defaults()
	m := &Model{opts: opts, sess: sess, ctx: ctx, w: 100, h: 30, self: opts.Self, conn: "connecting",
		roster: newRoster(opts.Groups)}
	status := &window{kind: winStatus, name: "status", key: "status"}
	m.wins = []*window{status}
	return m
}

func (m *Model) now() time.Time { return m.opts.Now() }

// tickEvery is how often the screen is drawn again with no news.
const tickEvery = 20 * time.Second

// tick waits for the next draw, or for the Model's ctx to end: the
// goroutine Bubble Tea runs it on does not outlive Run by tickEvery.
func (m *Model) tick() tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		t := time.NewTimer(tickEvery)
		defer t.Stop()
		select {
		case <-t.C:
			return tickMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// Init is bubbletea's: the clock of what time changes on the screen (Run
// follows the session).
func (m *Model) Init() tea.Cmd { return m.tick() }

// Messages from outside the UI.
type (
	// eventsMsg is what the session reported since the last one, in order.
	eventsMsg []client.Output
	// followEndedMsg is the session ending, or the connection to it.
	followEndedMsg struct{ err error }
	// resultMsg is a command run from window key, answered.
	resultMsg struct {
		key  string
		cmd  string
		text string // what was sent, for send and say
		r    *client.Result
		err  error
	}
	// historyMsg is the last lines of a window's conversation from the history.
	historyMsg struct {
		key   string
		lines []line
		to    string // the buddy as your lines to them name them
	}
	// recentMsg names the conversations of the last hour (as the history
	// keys them), oldest first.
	recentMsg []string
	// olderMsg is lines from the history older than a window's first.
	olderMsg struct {
		key   string
		lines []line
	}
	// tickMsg redraws what time changes: idle minutes, a peer's typing
	// gone stale.
	tickMsg struct{}
	// signedOffMsg is the logout a quit waited on, done.
	signedOffMsg struct{ err error }
	// typingPauseMsg checks whether window key's line has been left alone.
	typingPauseMsg struct {
		key string
		seq int
	}
)

// Update is bubbletea's: the one place the model changes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		return m, nil
	case tea.ModeReportMsg:
		if msg.Mode == ansi.ModeUnicodeCore && (msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet) {
			m.wm = ansi.GraphemeWidth
		}
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		if !m.listFocus {
			m.win().in.insert(msg.Content)
			return m, m.edited()
		}
	case tea.MouseClickMsg:
		return m, m.click(msg)
	case tea.MouseWheelMsg:
		w := m.win()
		if msg.Button == tea.MouseWheelUp {
			w.scroll += 3
		} else {
			w.scroll = max(0, w.scroll-3)
		}
	case eventsMsg:
		var cmds []tea.Cmd
		for _, o := range msg {
			cmds = append(cmds, m.event(o))
		}
		return m, tea.Batch(cmds...)
	case followEndedMsg:
		m.sessionEnded(msg.err)
	case signedOffMsg:
		m.stopWait()
		m.signingOff, m.signedOff, m.signOffErr, m.quitting = false, true, msg.err, true
		if _, counts := m.sess.(interface{ Sending() int }); !counts && m.dropping {
			m.signOffErr = ErrStillSigningOff // the wait ended here, not the logout there
		}
		return m, tea.Quit
	case resultMsg:
		return m, m.result(msg)
	case historyMsg:
		if w := m.find(msg.key); w != nil {
			w.prepend(msg.lines, m.opts.Scrollback)
			// A window opened by the history's key takes the name as
			// your lines to the buddy, then the buddy's own, spell it.
			if w.kind == winIM && msg.to != "" && winKey(winIM, msg.to) == w.key {
				w.name = msg.to
			}
			for _, l := range msg.lines {
				if w.kind == winIM && l.kind == lineMsg && winKey(winIM, l.from) == w.key {
					w.name = l.from
				}
			}
		}
	case recentMsg:
		var cmds []tea.Cmd
		for _, key := range msg {
			if m.find(winKey(winIM, key)) == nil {
				name := key // the history's key, until a better spelling
				if b := m.roster.lookup(key); b != nil {
					name = b.name
				}
				_, cmd := m.open(winIM, name)
				cmds = append(cmds, cmd)
			}
		}
		return m, batch(cmds...)
	case olderMsg:
		if w := m.find(msg.key); w != nil {
			w.older = false
			if len(msg.lines) == 0 {
				w.histDone = true
			} else {
				// Lines above the view: it stays where it is, counted
				// from the bottom. They stay until new lines trim them.
				w.lines = append(append(make([]line, 0, len(msg.lines)+len(w.lines)), msg.lines...), w.lines...)
			}
		}
	case typingPauseMsg:
		return m, m.typingPaused(msg)
	case tickMsg:
		return m, m.tick()
	}
	return m, nil
}

// win is the window in view.
func (m *Model) win() *window { return m.wins[m.cur] }

func (m *Model) find(key string) *window {
	for _, w := range m.wins {
		if w.key == key {
			return w
		}
	}
	return nil
}

// open returns the window of kind and name, opening it (at the end of
// the list, not in view) if it is not yet; the Cmd loads its history.
func (m *Model) open(kind winKind, name string) (*window, tea.Cmd) {
	key := winKey(kind, name)
	if w := m.find(key); w != nil {
		return w, nil
	}
	w := &window{kind: kind, name: name, key: key}
	m.wins = append(m.wins, w)
	return w, m.loadHistory(w)
}

// infoKey is the key of the info the UI asks for on its own: the away
// message of a buddy whose window is opened.
const infoKey = "\x00info"

// openIM is open for a conversation a person opens (/msg, the list):
// the buddy's away message, if away, is asked for, for the window's
// title. (Never on an event: asking counts as activity, and an idle
// person must stay idle.)
func (m *Model) openIM(name string) (*window, tea.Cmd) {
	w, cmd := m.open(winIM, name)
	if b := m.roster.lookup(name); b != nil && b.online && b.away {
		cmd = batch(cmd, m.run(infoKey, client.CmdInfo, []string{w.name}))
	}
	return w, cmd
}

// focus puts window i in view: its marks are cleared.
func (m *Model) focus(i int) tea.Cmd {
	if i < 0 || i >= len(m.wins) {
		return nil
	}
	var cmd tea.Cmd
	if i != m.cur {
		cmd = m.leaving()
	}
	m.cur = i
	w := m.wins[i]
	w.unread, w.act = 0, actNone
	return cmd
}

func (m *Model) indexOf(w *window) int { return slices.Index(m.wins, w) }

// event applies one of the session's events.
func (m *Model) event(o client.Output) tea.Cmd {
	switch e := o.(type) {
	case *client.Result:
		return m.sharedResult(e)
	case *client.SignedOn:
		// The first signon of a session this UI started comes after the
		// status that said so already; a signon again is news.
		if e.Reconnected || m.conn != "online" {
			m.status(e.Time, eventText(e))
		}
		m.self, m.conn = e.ScreenName, "online"
	case *client.Disconnected:
		m.conn = "offline"
		m.status(e.Time, eventText(e))
		// No buddy is known to be online now; the next signon says each
		// again.
		for _, b := range m.roster.b {
			b.online, b.away, b.idleSince, b.typing = false, false, time.Time{}, ""
		}
		for _, w := range m.wins {
			w.typing = ""
		}
	case *client.Reconnecting:
		m.conn = "reconnecting"
		m.status(e.Time, eventText(e))
		// The rooms went with the connection; the next signon joins
		// them again (chat_joined).
		for _, w := range m.wins {
			if w.kind == winRoom && w.inRoom {
				w.inRoom, w.members = false, nil
				w.add(line{at: e.Time, kind: lineNotice, text: "connection lost: out of the room until signed on again"}, m.opts.Scrollback)
			}
		}
	case *client.IM:
		w, cmd := m.open(winIM, e.From)
		w.name = e.From
		kind := lineMsg
		if e.AutoResponse {
			kind = lineAuto
		}
		m.say(w, line{at: e.Time, kind: kind, from: e.From, text: e.Text}, actYou)
		if e.AutoReplied {
			w.add(line{at: e.Time, kind: lineNotice, text: "you are away: answered with your away message"}, m.opts.Scrollback)
		}
		w.typing = ""
		if b := m.roster.lookup(e.From); b != nil {
			b.typing = ""
		}
		return tea.Batch(cmd, m.notify(w, e.From, e.From+": "+e.Text))
	case *client.BuddyOnline:
		b := m.roster.get(e.Name)
		was := *b
		b.name, b.online, b.away, b.idleSince = e.Name, true, e.Away, time.Time{}
		if !e.Away {
			b.awayMsg = ""
		}
		if e.IdleMinutes > 0 {
			b.idleSince = e.Time.Add(-time.Duration(e.IdleMinutes) * time.Minute)
		}
		if w := m.find(winKey(winIM, e.Name)); w != nil {
			switch {
			case !was.online:
				w.add(line{at: e.Time, kind: lineNotice, text: e.Name + " signed on"}, m.opts.Scrollback)
			case was.away != e.Away && e.Away:
				w.add(line{at: e.Time, kind: lineNotice, text: e.Name + " is away"}, m.opts.Scrollback)
			case was.away != e.Away:
				w.add(line{at: e.Time, kind: lineNotice, text: e.Name + " is back"}, m.opts.Scrollback)
			}
		}
	case *client.BuddyOffline:
		b := m.roster.get(e.Name)
		b.online, b.away, b.idleSince, b.typing = false, false, time.Time{}, ""
		if w := m.find(winKey(winIM, e.Name)); w != nil {
			w.typing = ""
			w.add(line{at: e.Time, kind: lineNotice, text: e.Name + " signed off"}, m.opts.Scrollback)
		}
	case *client.Typing:
		state := e.State
		if state == "stopped" {
			state = ""
		}
		if b := m.roster.lookup(e.From); b != nil {
			b.typing = state
		}
		if w := m.find(winKey(winIM, e.From)); w != nil {
			w.name, w.typing, w.typingAt = e.From, state, e.Time
		}
	case *client.ChatJoined:
		w, cmd := m.open(winRoom, e.Room)
		w.name, w.members, w.inRoom = e.Room, slices.Clone(e.Members), true
		w.add(line{at: e.Time, kind: lineNotice, text: fmt.Sprintf("you are in %s: %s", e.Room, strings.Join(e.Members, ", "))}, m.opts.Scrollback)
		if m.pendingFocus == w.key {
			m.pendingFocus = ""
			return tea.Batch(cmd, m.focus(m.indexOf(w)))
		}
		return cmd
	case *client.ChatMessage:
		w, cmd := m.open(winRoom, e.Room)
		if screenname.Normalize(e.From) == screenname.Normalize(m.self) {
			return cmd // our own: its result said it
		}
		act := actSome
		if m.self != "" && strings.Contains(strings.ToLower(e.Text), strings.ToLower(m.self)) {
			act = actYou
		}
		m.say(w, line{at: e.Time, kind: lineMsg, from: e.From, text: e.Text}, act)
		if act == actYou {
			return tea.Batch(cmd, m.notify(w, e.From, e.From+" in "+e.Room+": "+e.Text))
		}
		return cmd
	case *client.ChatMember:
		w, cmd := m.open(winRoom, e.Room)
		if e.Left {
			w.removeMember(e.Name)
			w.add(line{at: e.Time, kind: lineNotice, text: e.Name + " left"}, m.opts.Scrollback)
		} else {
			w.addMember(e.Name)
			w.add(line{at: e.Time, kind: lineNotice, text: e.Name + " joined"}, m.opts.Scrollback)
		}
		return cmd
	case *client.ChatLeft:
		if w := m.find(winKey(winRoom, e.Room)); w != nil {
			if e.Reason == client.RoomLeft || e.Reason == client.RoomSignedOff {
				w.inRoom, w.members = false, nil
			}
			// The window is the room's: no "[Room]" before what it says.
			w.add(line{at: e.Time, kind: lineNotice, text: strings.TrimPrefix(eventText(e), "["+e.Room+"] ")}, m.opts.Scrollback)
		}
	case *client.BuddyListSynced, *client.BuddyListChanged, *client.ConfigApplied:
		// The list changed (here, in another client, in the config
		// file): its groups and order come again from the session.
		if client.Shown(o) {
			m.status(m.now(), eventText(o))
		}
		return m.run(snapshotKey, client.CmdBuddies, nil)
	case *client.ChatInvite:
		m.status(e.Time, eventText(e))
		m.wins[0].act = max(m.wins[0].act, actYou)
		return m.notify(m.wins[0], e.From, eventText(e))
	default:
		if client.Shown(o) {
			m.status(m.now(), eventText(o))
		}
	}
	return nil
}

// sharedResult is one of the session's events that is a command's
// result: words the account said, from this UI, another one, or a
// script.
func (m *Model) sharedResult(r *client.Result) tea.Cmd {
	switch r.Command {
	case client.CommandStatus:
		first := !m.attached
		m.attached = true
		cmd := m.snapshot(r)
		if first { // and the conversations of the last hour
			return batch(cmd, m.recent())
		}
		return cmd
	case client.CmdSay.Name:
		w, cmd := m.open(winRoom, r.Room)
		if !w.confirm(r.Text) {
			w.add(line{at: r.Time, kind: lineOwn, from: m.self, text: r.Text}, m.opts.Scrollback)
		}
		return cmd
	case client.CmdSend.Name, client.CmdSendHTML.Name, client.CmdAutoreply.Name:
		w, cmd := m.open(winIM, r.To)
		kind := lineOwn
		if r.Command == client.CmdAutoreply.Name {
			kind = lineAuto
		}
		if kind != lineOwn || !w.confirm(r.Text) {
			w.add(line{at: r.Time, kind: kind, from: m.self, text: r.Text}, m.opts.Scrollback)
		}
		if r.Delivery == "stored" {
			w.add(line{at: r.Time, kind: lineNotice, text: r.To + " is offline: the server keeps it for their next signon"}, m.opts.Scrollback)
		}
		return cmd
	}
	return nil
}

// snapshot applies the session's status, the first event followed: who
// you are, the connection, the list in groups with each buddy's state,
// the rooms with their members. Its Cmd loads what windows need.
func (m *Model) snapshot(r *client.Result) tea.Cmd {
	if r.Name != "" {
		m.self = r.Name
	}
	if len(m.wins[0].lines) == 0 {
		m.status(r.Time, "signed on as "+m.self+": /msg NAME opens a conversation, /join ROOM a room; F1 or ? for help")
	}
	m.conn = "online"
	if r.UserInfo == nil || r.SignonTime.IsZero() || (r.Reconnecting != nil && *r.Reconnecting) {
		m.conn = "reconnecting"
	}
	m.away = r.Away != nil && *r.Away
	if r.UserInfo != nil {
		m.awayText = r.AwayMessage
	}
	m.applyList(r)
	if r.RoomList == nil {
		return m.run(snapshotKey, client.CmdRooms, nil) // a session that does not say
	}
	return m.applyRooms(r.RoomList, false)
}

// applyList applies a result that carries the buddy list (status,
// buddies): its groups in the server's order, who is online, and each
// one's state.
func (m *Model) applyList(r *client.Result) {
	if r.BuddyList != nil { // and the quiet list with it (none: omitted)
		m.setQuiet(r.Quiet)
	}
	if len(r.Groups) > 0 {
		groups := make([]Group, 0, len(r.Groups))
		for _, g := range r.Groups {
			groups = append(groups, Group{Name: g.Group, Names: g.Names})
		}
		m.roster.setGroups(groups)
	}
	if r.BuddyList == nil {
		return
	}
	for _, n := range r.Offline {
		b := m.roster.get(n)
		b.online, b.away, b.idleSince = false, false, time.Time{}
	}
	for _, n := range r.Online {
		b := m.roster.get(n)
		b.name, b.online = n, true
	}
	for _, st := range r.Buddies {
		b := m.roster.get(st.Name)
		b.name, b.online, b.away, b.idleSince = st.Name, true, st.Away, time.Time{}
		if st.IdleMinutes > 0 {
			b.idleSince = r.Time.Add(-time.Duration(st.IdleMinutes) * time.Minute)
		}
	}
}

// applyRooms opens a window for each room the session is in, with its
// members; without members (an older session), it asks for them.
func (m *Model) applyRooms(l *client.RoomList, ask bool) tea.Cmd {
	var cmds []tea.Cmd
	for _, room := range l.Rooms {
		w, cmd := m.open(winRoom, room)
		w.inRoom = true
		cmds = append(cmds, cmd)
		if members, ok := l.RoomMembers[room]; ok && !ask {
			w.members = slices.Clone(members)
		} else {
			cmds = append(cmds, m.run(snapshotKey, client.CmdMembers, []string{room}))
		}
	}
	return batch(cmds...)
}

// say adds l to w, marking w with act if it is not in view.
func (m *Model) say(w *window, l line, act activity) {
	w.add(l, m.opts.Scrollback)
	if w == m.win() {
		return
	}
	w.unread++
	w.act = max(w.act, act)
}

// status adds a line to the status window.
func (m *Model) status(at time.Time, text string) {
	w := m.wins[0]
	w.add(line{at: at, kind: lineNotice, text: text}, m.opts.Scrollback)
	if w != m.win() {
		w.act = max(w.act, actSome)
	}
}

// notify rings the bell, or asks the terminal for a desktop notification,
// for a message to you from from in w when w is not in view, unless the
// quiet list names the sender or the window's buddy or room.
func (m *Model) notify(w *window, from, what string) tea.Cmd {
	if (w == m.win() && !m.listFocus) || m.isQuiet(from) || w.kind != winStatus && m.isQuiet(w.name) {
		return nil
	}
	switch m.opts.Notify {
	case NotifyBell:
		return tea.Raw("\a")
	case NotifyOSC9:
		return tea.Raw(ansi.Notify(oneLine(what, 200)))
	case NotifyOSC777:
		return tea.Raw("\x1b]777;notify;aim;" + strings.ReplaceAll(oneLine(what, 200), ";", ",") + "\x07")
	}
	return nil
}

func (m *Model) isQuiet(name string) bool { return m.quiet[screenname.Normalize(name)] }

// setQuiet takes the quiet list the session says.
func (m *Model) setQuiet(names []string) {
	m.quiet = make(map[string]bool, len(names))
	for _, n := range names {
		m.quiet[screenname.Normalize(n)] = true
	}
}

// oneLine is s on one line, cut to n bytes at most, with no control
// characters (it goes into an escape sequence).
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (0x80 <= r && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}

// snapshotKey is the key of the commands the UI runs on its own when it
// attaches: their answers fill windows, not lines.
const snapshotKey = "\x00snapshot"

// snapshotResult applies an answer to a command of the attach.
func (m *Model) snapshotResult(msg resultMsg) tea.Cmd {
	if msg.err != nil || msg.r == nil {
		return nil
	}
	switch {
	case msg.cmd == client.CmdBuddies.Name:
		m.applyList(msg.r)
	case msg.r.RoomList != nil:
		return m.applyRooms(msg.r.RoomList, msg.r.RoomList.RoomMembers == nil)
	case msg.cmd == client.CmdMembers.Name:
		if w := m.find(winKey(winRoom, msg.r.Room)); w != nil {
			w.members = msg.r.Members
		}
	}
	return nil
}

// result shows a command's answer in the window it was typed in.
func (m *Model) result(msg resultMsg) tea.Cmd {
	if msg.key == snapshotKey {
		return m.snapshotResult(msg)
	}
	if msg.key == infoKey {
		if r := msg.r; msg.err == nil && r != nil && r.UserInfo != nil {
			if b := m.roster.lookup(r.Name); b != nil && b.away {
				b.awayMsg = r.AwayMessage
			}
		}
		return nil
	}
	w := m.find(msg.key)
	if w == nil {
		w = m.wins[0]
	}
	at := m.now()
	if msg.r != nil && !msg.r.Time.IsZero() {
		at = msg.r.Time
	}
	if msg.err != nil {
		text := msg.err.Error()
		if msg.cmd == client.CmdSend.Name || msg.cmd == client.CmdSay.Name {
			w.fail(msg.text)
			text = "not sent: " + text
			if w.in.empty() && msg.text != "" {
				w.in.set(msg.text) // to try again, or edit
				text += " (the line is back in the input)"
			}
		}
		if msg.cmd == client.CmdJoin.Name {
			m.pendingFocus = ""
		}
		w.add(line{at: at, kind: lineError, text: text}, m.opts.Scrollback)
		return nil
	}
	r := msg.r
	if r == nil || r.Shared() {
		return nil // the event says it
	}
	switch r.Command {
	case client.CmdJoin.Name, client.CmdAccept.Name:
		if t := m.find(winKey(winRoom, r.Room)); t != nil && m.pendingFocus == t.key {
			m.pendingFocus = ""
			return m.focus(m.indexOf(t))
		}
		return nil // chat_joined says it
	case client.CmdLeave.Name:
		return nil // chat_left says it
	case client.CmdNotify.Name:
		// At once here; the other UIs when the session reads the file.
		if m.quiet == nil {
			m.quiet = map[string]bool{}
		}
		m.quiet[screenname.Normalize(r.Name)] = r.Notify == "off"
	case client.CmdAway.Name:
		m.away = r.Away != nil && *r.Away
		// The message, as the summary says it here (through a socket
		// the summary is only "away message set").
		text, ok := strings.CutPrefix(r.Summary, "away: ")
		if !m.away || !ok {
			text = ""
		}
		m.awayText = text
	}
	if r.Summary != "" {
		w.add(line{at: at, kind: lineInfo, text: r.Summary}, m.opts.Scrollback)
	}
	return nil
}

// sessionEnded is the session gone: the UI stays, saying so, until the
// person quits.
func (m *Model) sessionEnded(err error) {
	m.conn = "ended"
	text := "the session has ended"
	if err != nil {
		text = err.Error()
	}
	m.status(m.now(), text+" (/quit leaves)")
}

// run runs a command of the table in a Cmd; its answer comes back as a
// resultMsg for window key.
func (m *Model) run(key string, cmd *client.Command, args []string) tea.Cmd {
	sess, ctx := m.sess, m.ctx
	if sess == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		r, err := sess.Run(ctx, cmd, args)
		return resultMsg{key: key, cmd: cmd.Name, r: r, err: err}
	}
}

// send sends text to w's buddy or room: shown at once as yours, waiting,
// until the session's event confirms it.
func (m *Model) send(w *window, text string) tea.Cmd {
	w.add(line{at: m.now(), kind: lineOwn, from: m.self, text: text, pending: true}, m.opts.Scrollback)
	cmd := client.CmdSend
	if w.kind == winRoom {
		cmd = client.CmdSay
	}
	run := m.run(w.key, cmd, []string{w.name, text})
	if run == nil {
		return nil
	}
	return func() tea.Msg {
		msg := run().(resultMsg)
		msg.text = text
		return msg
	}
}

// runQuiet runs a command whose answer nobody reads (typing, active).
func (m *Model) runQuiet(cmd *client.Command, args []string) tea.Cmd {
	sess, ctx := m.sess, m.ctx
	if sess == nil || cmd == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		sess.Run(ctx, cmd, args)
		return nil
	}
}

// eventText is client.Text without the time of day it starts with: the
// window shows its own.
func eventText(o client.Output) string {
	t := client.Text(o)
	if len(t) > 9 && t[2] == ':' && t[5] == ':' && t[8] == ' ' {
		return t[9:]
	}
	return t
}
