package client

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/history"
	"github.com/aim-oscar/aim/internal/htmltext"
)

// HistoryError is the conversation history failing to keep up: the disk
// is full or too slow. Each kind of failure is said once; Dropped counts
// the events not recorded so far.
type HistoryError struct {
	Head
	Error   string `json:"error"`
	Dropped int64  `json:"dropped"`
}

func (*HistoryError) Kind() string { return "history_error" }

// openHistory starts recording a's conversations, if a keeps them;
// problems go to report. The Recorder's writer goroutine is the caller's
// to stop, with Close.
func openHistory(a Account, report func(Output)) (*history.Recorder, error) {
	if a.HistoryDir == "" {
		return nil, nil
	}
	return history.Open(a.HistoryDir, history.Options{
		Encode:   func(v any) ([]byte, error) { return JSON(v) },
		KeepDays: a.HistoryDays,
		Report: func(p history.Problem) {
			report(&HistoryError{Error: p.Err.Error(), Dropped: p.Dropped})
		},
	})
}

// historyEntry says where the history keeps o, an output of the session
// (stamped): ok is false for outputs that are not kept (buddies coming and
// going, rates, command results). Everything kept from the server is In.
func historyEntry(o Output) (e history.Entry, ok bool) {
	var conv history.Conv
	switch o := o.(type) {
	case *IM:
		conv = history.Conv{Kind: history.KindIM, Name: o.From}
	case *Warned:
		conv = history.Conv{Kind: history.KindSession}
		if o.By != "" {
			conv = history.Conv{Kind: history.KindIM, Name: o.By}
		}
	case *ChatMessage:
		conv = history.Conv{Kind: history.KindRoom, Name: o.Room}
	case *ChatMember:
		conv = history.Conv{Kind: history.KindRoom, Name: o.Room}
	case *ChatJoined:
		conv = history.Conv{Kind: history.KindRoom, Name: o.Room}
	case *ChatLeft:
		conv = history.Conv{Kind: history.KindRoom, Name: o.Room}
	case *SignedOn, *Disconnected:
		conv = history.Conv{Kind: history.KindSession}
	default:
		return history.Entry{}, false
	}
	return history.Entry{Conv: conv, Time: o.head().Time, Direction: history.In, Event: o}, true
}

// sentIM is the history's record of an IM the account sent from self to
// to at the time at (when it was given to the session, before it went
// out: a reply to it is later): html as sent, and its text as the
// recipient is shown it. Its Stored is for the caller to set once the
// server has said how it took it (delivery).
func sentIM(self, to, html string, auto bool, at time.Time) history.Entry {
	o := Stamp(&IM{From: self, Text: htmltext.Plain(html), HTML: html, AutoResponse: auto}, at)
	return history.Entry{Conv: history.Conv{Kind: history.KindIM, Name: to}, Time: o.head().Time,
		Direction: history.Out, To: to, Event: o}
}

// delivered is e, an IM sent, as the server took it: d says whether it
// keeps it for the recipient's next signon.
func delivered(e history.Entry, d bos.Delivery) history.Entry {
	e.Stored = d == bos.Stored
	return e
}

// saidInRoom is the history's record of the account's own line in a room,
// said at the time at (before it went out).
func saidInRoom(self, room, html string, at time.Time) history.Entry {
	o := Stamp(&ChatMessage{Room: room, From: self, Text: htmltext.Plain(html), HTML: html}, at)
	return history.Entry{Conv: history.Conv{Kind: history.KindRoom, Name: room}, Time: o.head().Time,
		Direction: history.Out, Event: o}
}

// self is the account's screen name as the server last formatted it.
func (c *Client) self() string {
	if s := c.selfName.Load(); s != nil {
		return *s
	}
	return c.opts.ScreenName
}

// FlushHistory waits until every event recorded so far is written to the
// history and synced, or ctx ends: for a reader of the history while the
// session runs. It returns the first write error since the last flush.
func (c *Client) FlushHistory(ctx context.Context) error {
	return c.history.Flush(ctx)
}

// HistoryText renders stored lines for people, each as the live view
// shows it (Text of historyOutput: your own words as the result that
// said them), with a line naming the day before the first
// line of each day and, when named is set (lines of every conversation,
// grouped as Store.Grep returns them) or the lines are of several
// conversations, one naming each conversation. The session's markers
// (signed on, signed off) among a conversation's lines are shown in it,
// under no heading of their own. Lines that are not outputs (written by
// a newer aim) are left out.
func HistoryText(lines []history.Line, named bool) []string {
	several := named
	var first *history.Conv
	for i, l := range lines {
		if l.Conv.Kind == history.KindSession {
			continue
		}
		if first == nil {
			first = &lines[i].Conv
		} else if l.Conv != *first {
			several = true
			break
		}
	}
	var out []string
	var conv history.Conv
	var day string
	for _, l := range lines {
		o, err := historyOutput(l)
		if err != nil {
			continue
		}
		if several && l.Conv.Kind != history.KindSession && l.Conv != conv {
			out = append(out, Defuse(convTitle(l.Conv)))
			conv, day = l.Conv, ""
		}
		if d := o.head().Time.Local().Format("Monday 2 January 2006"); d != day {
			out = append(out, "--- "+d)
			day = d
		}
		out = append(out, Text(o))
	}
	return out
}

// historyOutput is a stored line as the live view showed it: the
// account's own IM or room line as the result of the send or say that
// said it (its words from Describe, as for a result from a running
// session), anything else as the event it is.
func historyOutput(l history.Line) (Output, error) {
	o, err := DecodeOutput(l.Raw)
	if err != nil {
		return nil, err
	}
	var r *Result
	switch e := o.(type) {
	case *IM:
		r = &Result{Command: CmdSend.Name, Text: e.Text, Delivery: bos.Delivered.String()}
		if e.AutoResponse {
			r.Command = CmdAutoreply.Name
		}
	case *ChatMessage:
		r = &Result{Command: CmdSay.Name, Room: e.Room, Text: e.Text}
	default:
		return o, nil
	}
	own, ok := sentLine(l.Raw)
	if !ok {
		return o, nil
	}
	r.OK, r.To = true, cmp.Or(own.To, l.Conv.Name)
	if own.Stored {
		r.Delivery = bos.Stored.String()
	}
	Describe(r)
	return Stamp(r, o.head().Time), nil
}

// sentFields are what the history adds to a line the account sent
// (history.Entry's Direction, To and Stored).
type sentFields struct {
	Direction string `json:"direction"`
	To        string `json:"to"`     // an IM's recipient, as typed
	Stored    bool   `json:"stored"` // an IM the server keeps for the recipient's next signon
}

// sentLine reads those fields of a stored line, and reports whether the
// account sent it.
func sentLine(raw []byte) (s sentFields, ok bool) {
	ok = json.Unmarshal(raw, &s) == nil && s.Direction == history.Out
	return s, ok
}

// convTitle names a conversation above its lines.
func convTitle(c history.Conv) string {
	switch c.Kind {
	case history.KindIM:
		return "== IMs with " + c.Name
	case history.KindRoom:
		return "== room " + c.Name
	}
	return "== " + c.String()
}

// HistoryQuery is what aim history asks of the stored conversations.
type HistoryQuery struct {
	Name         string // a buddy or room; "" for every conversation
	Limit        int    // the last lines (0: all)
	LimitGiven   bool   // Limit was asked for: it applies to Grep too
	Since, Until string // a date, a time of day or a time before now (history.ParseWhen)
	Grep         string
	Forget       bool // remove the conversation Name
}

// HistoryAnswer is what the store holds for a HistoryQuery: the result of
// forgetting, the conversations (with neither a name nor Grep), or the
// lines (each Conv named as the server spells it: spellConvs).
type HistoryAnswer struct {
	Dir           string // the store
	Forgot        *Result
	Conversations []*HistoryConversation
	Lines         []history.Line
}

// HistoryConversation is one stored conversation, as aim history lists
// them (with neither a name nor Grep).
type HistoryConversation struct {
	Head
	Conv string    `json:"kind"` // im or room
	Name string    `json:"name"`
	Last time.Time `json:"last,omitzero"` // the time of its last line; zero if none reads back
}

// Line is the conversation as aim history lists it in text.
func (c *HistoryConversation) Line() string {
	last := ""
	if !c.Last.IsZero() {
		last = "last " + c.Last.Local().Format("2006-01-02 15:04")
	}
	return strings.TrimSpace(fmt.Sprintf("%-5s %-24s %s", c.Conv, Defuse(c.Name), last))
}

// History answers q from cfg's account's store (aim history), with no
// session: a mistake in q is a *UsageError.
func History(cfg *config.Config, q HistoryQuery, now time.Time) (*HistoryAnswer, error) {
	if q.Forget && q.Name == "" {
		return nil, Usagef("--forget needs the name of the conversation to remove")
	}
	if q.Limit < 0 {
		return nil, Usagef("--limit must be 0 (all) or more, not %d", q.Limit)
	}
	hq := history.Query{Limit: q.Limit, Grep: q.Grep}
	if q.Grep != "" && !q.LimitGiven {
		hq.Limit = 0
	}
	for _, w := range []struct {
		flag, value string
		to          *time.Time
	}{{"since", q.Since, &hq.Since}, {"until", q.Until, &hq.Until}} {
		if w.value == "" {
			continue
		}
		var err error
		if *w.to, err = history.ParseWhen(w.value, now); err != nil {
			return nil, Usagef("--%s: %v", w.flag, err)
		}
	}
	name, err := cfg.RequireScreenName()
	if err != nil {
		return nil, err
	}
	store := history.NewStore(history.Dir(cfg.StateDir(name)))
	a := &HistoryAnswer{Dir: store.Dir()}
	switch {
	case q.Forget:
		removed, err := store.Forget(q.Name)
		if err != nil {
			return nil, err
		}
		r := &Result{Command: "history", OK: true, Name: q.Name,
			Summary: "forgot the history with " + q.Name + ": removed " + strings.Join(removed, ", ")}
		a.Forgot = Stamp(r, now).(*Result)
	case q.Name == "" && q.Grep == "":
		var sums []history.Summary
		sums, err = store.Summaries()
		for _, s := range sums {
			c := &HistoryConversation{Conv: string(s.Conv.Kind), Name: s.Conv.Name, Last: s.Last}
			a.Conversations = append(a.Conversations, Stamp(c, now).(*HistoryConversation))
		}
	default:
		a.Lines, err = store.Lines(q.Name, hq)
		spellConvs(a.Lines, cfg.Buddies)
	}
	return a, err
}

// spellConvs names the conversations of lines as the server spells the
// buddy or room, where the store knows only a key ("labbob", for a
// search of every conversation) or the spelling typed: the name on a
// line from the server (who an IM came from, who warned, the room's),
// else the buddy list's, else the name an IM you sent was typed with.
func spellConvs(lines []history.Line, buddies []config.BuddyGroup) {
	type spelling struct {
		name string
		rank int // lower is better
	}
	names := map[history.Conv]spelling{}
	spell := func(c history.Conv, name string, rank int) {
		if s, ok := names[c]; name != "" && (!ok || rank < s.rank) {
			names[c] = spelling{name, rank}
		}
	}
	for _, l := range lines {
		if l.Conv.Kind == history.KindSession {
			continue
		}
		if s, ok := names[l.Conv]; ok && s.rank == 0 {
			continue
		}
		o, err := DecodeOutput(l.Raw)
		if err != nil {
			continue
		}
		switch e := o.(type) {
		case *IM:
			if own, ok := sentLine(l.Raw); ok {
				spell(l.Conv, own.To, 2)
			} else {
				spell(l.Conv, e.From, 0)
			}
		case *Warned:
			spell(l.Conv, e.By, 0)
		case *ChatMessage:
			spell(l.Conv, e.Room, 0)
		case *ChatMember:
			spell(l.Conv, e.Room, 0)
		case *ChatJoined:
			spell(l.Conv, e.Room, 0)
		case *ChatLeft:
			spell(l.Conv, e.Room, 0)
		}
	}
	for c := range names {
		if c.Kind != history.KindIM {
			continue
		}
		for _, g := range buddies {
			for _, name := range g.Names {
				if k := history.Key(name); k == c.Name || k == history.Key(c.Name) { // a key, or a name
					spell(c, name, 1)
				}
			}
		}
	}
	for i, l := range lines {
		if s, ok := names[l.Conv]; ok {
			lines[i].Conv.Name = s.name
		}
	}
}
