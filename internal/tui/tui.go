// Package tui is `aim tui`: a full-screen client on the account's session,
// with a buddy list, a window for each conversation and room, and an input
// line. It is built on Bubble Tea (charm.land/bubbletea/v2), with Lip
// Gloss for styles and Bubbles for the key map: the Elm architecture
// keeps the whole screen a value (Model) that changes only in Update, from
// keys and the session's events, so tests drive it without a terminal and
// compare its frames; and the toolkit measures text by display width, so
// CJK, emoji and combining marks line up.
//
// The UI talks to the session only through the command table
// (client.Commands, run by a runner) and the session's events (Follow):
// it never imports the wire codec or the session's internals, and it is
// the same attached to a session that runs elsewhere or to one it
// started.
package tui

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/history"
)

// Notify says how a message for you in a window not in view is told.
type Notify string

const (
	NotifyBell   Notify = "bell"   // the terminal bell
	NotifyOSC9   Notify = "osc9"   // a desktop notification (OSC 9: iTerm2, kitty, WezTerm, foot...)
	NotifyOSC777 Notify = "osc777" // a desktop notification (OSC 777: urxvt, VTE terminals)
	NotifyNone   Notify = "none"
)

// Options say what the UI shows and how.
type Options struct {
	// Self is the screen name configured, until the session says how the
	// server formats it.
	Self string
	// Groups is the buddy list's groups as known before the session says
	// more; buddies the session names that no group has go in "Buddies".
	Groups []Group
	// History, if set, gives each window opened its last lines.
	History      *history.Store
	HistoryLines int // lines loaded per window; 0: 200
	// Scrollback is how many lines a window keeps (the rest stays in the
	// history); 0: 2000.
	Scrollback int
	Notify     Notify
	// ShowOffline lists the offline buddies (else one collapsed line).
	ShowOffline bool
	// Color is the color setting: "never" draws without colours (bold
	// and reverse stay), "always" with them even under NO_COLOR, "auto"
	// (or "") as the terminal and NO_COLOR say.
	Color string
	// Mouse: the wheel scrolls the window, a click on the list opens a
	// buddy's window (the terminal's own selection then needs Shift).
	Mouse    bool
	Now      func() time.Time // nil: time.Now
	Location *time.Location   // of the times shown; nil: time.Local
}

func (o *Options) defaults() {
	if o.HistoryLines == 0 {
		o.HistoryLines = 200
	}
	if o.Scrollback == 0 {
		o.Scrollback = 2000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Notify == "" {
		o.Notify = NotifyBell
	}
}

// Live is the session the UI runs on (runner.Live): its commands, and its
// events as they come.
type Live interface {
	Session
	Follow(ctx context.Context, each func(client.Output)) error
}

// Run shows the UI on the terminal in and out until the person quits (or
// ctx ends), following live's events. /logout signs the session off
// before Run returns, and loggedOut says so; closing live is the
// caller's. A quit that signs off while messages are under way waits for
// them on screen, saying so (Ctrl-C drops them: the error, a
// *client.UnsentError, counts them). Run's goroutines (the
// follower, the pump that hands its events to the UI, and the logout a
// quit runs while the UI waits for it) end before it returns: the
// session is signed off once, not again after ctx ends during that wait.
func Run(ctx context.Context, live Live, opts Options, in io.Reader, out io.Writer, env []string) (loggedOut bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, live, opts)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithEnvironment(env)}
	switch opts.Color {
	case "never":
		popts = append(popts, tea.WithColorProfile(colorprofile.ASCII))
	case "always":
		popts = append(popts, tea.WithColorProfile(colorprofile.ANSI))
	}
	p := tea.NewProgram(m, popts...)
	box := newInbox()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		err := live.Follow(ctx, box.push)
		if ctx.Err() == nil {
			box.end(err)
		}
	}()
	go func() {
		defer wg.Done()
		box.pump(ctx, p.Send)
	}()
	defer wg.Wait()
	defer cancel()
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	switch {
	case m.signedOff: // waited for on screen
		if err == nil {
			err = m.signOffErr
		}
	case m.off != nil: // ctx ended while the UI waited for it: it ends with ctx
		cancel()
		<-m.off.done // bounded by its deadline (signOffWait) too
		if err == nil {
			err = m.off.err
		}
	case m.logout:
		lctx, lcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer lcancel()
		if lerr := live.Logout(lctx); lerr != nil && err == nil {
			err = lerr
		}
	}
	return m.logout, err
}

// inbox keeps the session's events until the UI takes them: the session
// never waits for the screen, and a burst (a busy room) reaches the UI as
// one message, drawn once. It holds maxQueued at most; past that the
// oldest are dropped (they are in the history).
type inbox struct {
	mu    sync.Mutex
	q     []client.Output
	done  bool
	err   error
	ready chan struct{} // a token when there is something to take
}

const maxQueued = 10000

func newInbox() *inbox { return &inbox{ready: make(chan struct{}, 1)} }

func (b *inbox) signal() {
	select {
	case b.ready <- struct{}{}:
	default:
	}
}

func (b *inbox) push(o client.Output) {
	b.mu.Lock()
	if len(b.q) >= maxQueued {
		b.q = b.q[1:]
	}
	b.q = append(b.q, o)
	b.mu.Unlock()
	b.signal()
}

func (b *inbox) end(err error) {
	b.mu.Lock()
	b.done, b.err = true, err
	b.mu.Unlock()
	b.signal()
}

// pump hands what comes to send, in order, until ctx ends or the session
// does.
func (b *inbox) pump(ctx context.Context, send func(tea.Msg)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.ready:
		}
		b.mu.Lock()
		q, done, err := b.q, b.done, b.err
		b.q = nil
		b.mu.Unlock()
		if len(q) > 0 {
			send(eventsMsg(q))
		}
		if done {
			send(followEndedMsg{err: err})
			return
		}
	}
}

// loadHistory asks the history for w's last lines.
func (m *Model) loadHistory(w *window) tea.Cmd {
	if m.opts.History == nil || w.loaded || w.kind == winStatus {
		return nil
	}
	w.loaded = true
	store, n := m.opts.History, m.opts.HistoryLines
	conv := history.Conv{Kind: history.KindIM, Name: w.name}
	if w.kind == winRoom {
		conv.Kind = history.KindRoom
	}
	key := w.key
	return func() tea.Msg {
		lines, err := store.Tail([]history.Conv{conv}, history.Query{Limit: n})
		if err != nil {
			return resultMsg{key: key, cmd: "history", err: err}
		}
		hl, to := historyLines(lines)
		return historyMsg{key: key, lines: hl, to: to}
	}
}

// recentWindow is how recent a conversation must be to get its window
// back when the UI starts, and recentMax how many at most.
const (
	recentWindow = time.Hour
	recentMax    = 8
)

// recent asks the history for the conversations of the last hour: the
// windows a person attaching again expects to find.
func (m *Model) recent() tea.Cmd {
	store := m.opts.History
	if store == nil {
		return nil
	}
	since := m.now().Add(-recentWindow)
	return func() tea.Msg {
		sums, err := store.Summaries()
		if err != nil {
			return nil
		}
		var names []string
		slices.SortFunc(sums, func(a, b history.Summary) int { return a.Last.Compare(b.Last) })
		for _, s := range sums {
			if s.Conv.Kind == history.KindIM && s.Last.After(since) {
				names = append(names, s.Conv.Name)
			}
		}
		if len(names) > recentMax {
			names = names[len(names)-recentMax:]
		}
		return recentMsg(names)
	}
}

// loadOlder asks the history for the lines before w's first, scrolled to
// the top: PgUp reads back past the scrollback kept.
func (m *Model) loadOlder(w *window) tea.Cmd {
	if m.opts.History == nil || w.kind == winStatus || w.older || w.histDone || len(w.lines) == 0 {
		return nil
	}
	w.older = true
	store, n := m.opts.History, m.opts.HistoryLines
	conv := history.Conv{Kind: history.KindIM, Name: w.name}
	if w.kind == winRoom {
		conv.Kind = history.KindRoom
	}
	key, until := w.key, w.lines[0].at
	return func() tea.Msg {
		lines, err := store.Tail([]history.Conv{conv}, history.Query{Limit: n, Until: until})
		if err != nil {
			return resultMsg{key: key, cmd: "history", err: err}
		}
		hl, _ := historyLines(lines)
		return olderMsg{key: key, lines: hl}
	}
}

// historyLines turns stored events into a window's lines, and says how
// the last IM you sent named its recipient.
func historyLines(in []history.Line) (out []line, to string) {
	out = make([]line, 0, len(in))
	for _, l := range in {
		o, err := client.DecodeOutput(l.Raw)
		if err != nil {
			continue
		}
		var dir struct {
			Direction string `json:"direction"`
			To        string `json:"to"`
		}
		json.Unmarshal(l.Raw, &dir)
		own := dir.Direction == history.Out
		if own && dir.To != "" {
			to = dir.To
		}
		switch e := o.(type) {
		case *client.IM:
			kind := lineMsg
			switch {
			case e.AutoResponse:
				kind = lineAuto
			case own:
				kind = lineOwn
			}
			out = append(out, line{at: l.Time, kind: kind, from: e.From, text: e.Text})
		case *client.ChatMessage:
			kind := lineMsg
			if own {
				kind = lineOwn
			}
			out = append(out, line{at: l.Time, kind: kind, from: e.From, text: e.Text})
		case *client.ChatMember:
			what := " joined"
			if e.Left {
				what = " left"
			}
			out = append(out, line{at: l.Time, kind: lineNotice, text: e.Name + what})
		case *client.Warned:
			out = append(out, line{at: l.Time, kind: lineNotice, text: client.Text(e)})
		}
	}
	return out, to
}
