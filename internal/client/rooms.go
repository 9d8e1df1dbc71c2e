package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/wiretrace"
)

// rooms are the chat rooms the account is in, kept across lost
// connections. Each room has a goroutine (roomRun.run) that reports its
// events and, when the room's connection drops, joins it again: at once on
// the new session after a reconnect, with backoff when only the room's
// connection dropped. leaveAll stops them all, and runs before the BOS
// session's logout: after a BOS logout the server ends each room with a
// bare channel-4 header, which must not read as a kick.
type rooms struct {
	c   *Client
	ctx context.Context // ends at leaveAll: every room leaves
	end context.CancelFunc

	mu     sync.Mutex
	list   []*roomRun // in join order
	invite *bos.ChatInvited
	wg     sync.WaitGroup

	navMu   sync.Mutex // held by a lookup: one at a time
	nav     *chat.Nav
	navSess *bos.Session // the session nav was opened on
}

func newRooms(c *Client) *rooms {
	m := &rooms{c: c}
	m.ctx, m.end = context.WithCancel(context.Background())
	return m
}

// bosGrace is how long a room whose connection ended waits to see whether
// the BOS session ends too: the server ends every room when BOS goes, and
// the two connections' ends arrive in either order.
const bosGrace = 2 * time.Second

// roomRun is one room the account is in.
type roomRun struct {
	key    string // the name in lower case: rooms are found whatever their case
	ref    chat.Ref
	ctx    context.Context // ends when the room is left
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	name string     // as the server names it
	room *chat.Room // nil while joining again
}

func (r *roomRun) current() (*chat.Room, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.room, r.name
}

func roomKey(name string) string { return strings.ToLower(name) }

// roomNameOf is the name in a room's cookie ("4-0-Lab Lounge"), which is
// all an invitation says of the room.
func roomNameOf(ref chat.Ref) string {
	parts := strings.SplitN(ref.Cookie, "-", 3)
	if len(parts) == 3 && parts[2] != "" {
		return parts[2]
	}
	return ref.Cookie
}

// find returns the room called name (in any case), or nil.
func (m *rooms) find(name string) *roomRun {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := roomKey(name)
	for _, r := range m.list {
		if r.key == k {
			return r
		}
	}
	return nil
}

// names returns the names of the rooms the account is in, in join order.
func (m *rooms) names() []string {
	m.mu.Lock()
	list := append([]*roomRun(nil), m.list...)
	m.mu.Unlock()
	var out []string
	for _, r := range list {
		_, name := r.current()
		out = append(out, name)
	}
	return out
}

// options are the options of a room or chat navigation connection.
func (m *rooms) options() chat.Options {
	a := m.c.opts.Account
	o := chat.Options{Dial: a.Dial, StepTimeout: a.StepTimeout}
	if a.Debug != nil {
		o.Trace, o.Logf = wiretrace.New(a.Debug)
	}
	return o
}

// lookup finds or creates the room called name on exchange 4 through chat
// navigation, opened once per session and kept.
func (m *rooms) lookup(ctx context.Context, sess *bos.Session, exchange uint16, name string) (chat.Ref, error) {
	m.navMu.Lock()
	defer m.navMu.Unlock()
	if m.ctx.Err() != nil {
		return chat.Ref{}, bos.ErrClosed
	}
	if m.nav != nil && (m.navSess != sess || m.nav.Err() != nil) {
		m.nav.Close(ctx)
		m.nav = nil
	}
	if m.nav == nil {
		nav, err := chat.OpenNavFor(ctx, m.ctx, sess, m.options())
		if err != nil {
			return chat.Ref{}, fmt.Errorf("reaching the server's chat service: %w", err)
		}
		m.nav, m.navSess = nav, sess
	}
	info, err := m.nav.Room(ctx, exchange, name)
	if err != nil {
		if refused := (*bos.RequestError)(nil); errors.As(err, &refused) {
			return chat.Ref{}, fmt.Errorf("the server refused the room name %q (%w)", name, err)
		}
		return chat.Ref{}, err
	}
	return info.RoomRef, nil
}

// connect opens a connection to the room ref names and signs on.
func (m *rooms) connect(ctx context.Context, sess *bos.Session, ref chat.Ref) (*chat.Room, error) {
	return chat.JoinFor(ctx, sess, ref, m.options())
}

// join joins the room ref names, unless the account is in it already, and
// starts its goroutine. It returns the room's name as the server gives it.
func (m *rooms) join(ctx context.Context, sess *bos.Session, ref chat.Ref) (name string, already bool, err error) {
	if r := m.find(roomNameOf(ref)); r != nil {
		_, name := r.current()
		return name, true, nil
	}
	rctx, cancel := context.WithCancel(m.ctx)
	stop := context.AfterFunc(ctx, cancel) // the command's end stops a join under way
	room, err := m.connect(rctx, sess, ref)
	stopped := !stop()
	if err == nil && stopped {
		room.Leave(context.Background())
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		return "", false, err
	}
	name = room.Name()
	r := &roomRun{key: roomKey(name), ref: room.Info().RoomRef, ctx: rctx, cancel: cancel, done: make(chan struct{}),
		name: name, room: room}
	m.mu.Lock()
	if m.ctx.Err() != nil {
		m.mu.Unlock()
		cancel()
		room.Leave(context.Background())
		return "", false, bos.ErrClosed
	}
	m.list = append(m.list, r)
	m.wg.Add(1)
	m.mu.Unlock()
	go m.run(r, room, sess)
	return name, false, nil
}

// leave leaves a room and waits for its last output.
func (m *rooms) leave(ctx context.Context, r *roomRun) {
	r.cancel()
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// prepare opens chat navigation for sess in the background (Options.
// ChatAhead), so that the first join finds it open, as later ones do: the
// service request and chat navigation's signon are done by then, or under
// way, and the join waits only for what is left. A failure is left for
// the join to meet again. The goroutine is one of m.wg's.
func (m *rooms) prepare(sess *bos.Session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx.Err() != nil {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.navMu.Lock()
		defer m.navMu.Unlock()
		if m.nav != nil && m.navSess == sess && m.nav.Err() == nil {
			return
		}
		// Each step has its deadline; leaveAll ends m.ctx.
		nav, err := chat.OpenNavFor(m.ctx, m.ctx, sess, m.options())
		if err != nil {
			return
		}
		if m.nav != nil {
			m.nav.Close(m.ctx)
		}
		m.nav, m.navSess = nav, sess
	}()
}

// leaveAll leaves every room and closes chat navigation, waiting up to
// ctx; then no room is joined any more.
func (m *rooms) leaveAll(ctx context.Context) {
	m.mu.Lock() // a join that got past its check of m.ctx has its room listed
	m.end()     // ends a lookup under way
	m.mu.Unlock()
	m.navMu.Lock()
	nav := m.nav
	m.nav = nil
	m.navMu.Unlock()
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	if nav != nil {
		nav.Close(ctx)
	}
}

func (m *rooms) remove(r *roomRun) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.list {
		if x == r {
			m.list = append(m.list[:i], m.list[i+1:]...)
			return
		}
	}
}

// invited keeps an invitation for accept.
func (m *rooms) invited(e *bos.ChatInvited) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.invite = e
}

func (m *rooms) takeInvite() *bos.ChatInvited {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.invite
	m.invite = nil
	return e
}

// run reports a room's events until it is left, and joins it again when
// its connection drops.
func (m *rooms) run(r *roomRun, room *chat.Room, sess *bos.Session) {
	defer m.wg.Done()
	defer close(r.done)
	defer m.remove(r)
	for {
		left := m.forward(r, room)
		r.mu.Lock()
		r.room = nil
		r.mu.Unlock()
		if r.ctx.Err() != nil || left.Err == nil {
			room.Leave(context.Background()) // waits for its goroutines: they have ended
			m.c.emit(&ChatLeft{Room: r.name, Reason: RoomLeft})
			return
		}
		// A room that ends with the BOS session says nothing true about
		// the room: join it again on the next session, silently. One that
		// drops on its own is reported, then joined again with backoff.
		bosEnded := false
		grace := time.NewTimer(bosGrace)
		select {
		case <-sess.Ending():
			bosEnded = true
		case <-r.ctx.Done():
		case <-grace.C:
			reason := RoomConnectionLost
			if bos.ReasonOf(left.Err) == bos.ReasonClosedByServer {
				reason = RoomClosedByServer
			}
			m.c.emit(&ChatLeft{Room: r.name, Reason: reason, Error: left.Err.Error()})
		}
		grace.Stop()
		var err error
		room, sess, err = m.rejoin(r, sess, bosEnded)
		if err != nil {
			reason := RoomLeft
			if r.ctx.Err() == nil {
				reason = RoomSignedOff
			}
			m.c.emit(&ChatLeft{Room: r.name, Reason: reason})
			return
		}
	}
}

// rejoin joins r's room again: on a session other than old at once, and
// otherwise after the backoff, until it works, the room is left or the
// account goes offline for good.
func (m *rooms) rejoin(r *roomRun, old *bos.Session, bosEnded bool) (*chat.Room, *bos.Session, error) {
	for attempt := 1; ; attempt++ {
		sess, err := m.c.live.session(r.ctx, true)
		if err != nil {
			return nil, nil, err
		}
		if sess == old || !bosEnded || attempt > 1 {
			if err := sleep(r.ctx, m.c.opts.Backoff(attempt)); err != nil {
				return nil, nil, err
			}
			if sess, err = m.c.live.session(r.ctx, true); err != nil {
				return nil, nil, err
			}
		}
		room, err := m.reconnect(r.ctx, sess, r)
		if err == nil {
			r.mu.Lock()
			r.room = room
			r.mu.Unlock()
			return room, sess, nil
		}
		if r.ctx.Err() != nil {
			return nil, nil, r.ctx.Err()
		}
		if d := m.c.opts.Debug; d != nil {
			// through wiretrace: its lock keeps the line whole among the
			// connections' trace lines on the same writer
			_, logf := wiretrace.New(d)
			logf("joining %s again (attempt %d): %v", r.name, attempt, err)
		}
	}
}

// reconnect joins r's room again on sess, found through chat navigation
// by name first: after a restart the server may have lost the room (a room
// users made is then created again), and asking for a room by a cookie
// the server does not know ends the BOS session.
func (m *rooms) reconnect(ctx context.Context, sess *bos.Session, r *roomRun) (*chat.Room, error) {
	_, name := r.current()
	ref, err := m.lookup(ctx, sess, r.ref.Exchange, name)
	if err != nil {
		return nil, err
	}
	return m.connect(ctx, sess, ref)
}

// forward turns a room connection's events into outputs until it ends,
// and returns its last event.
func (m *rooms) forward(r *roomRun, room *chat.Room) *chat.Left {
	var left *chat.Left
	for ev := range room.Events() {
		var o Output
		_, name := r.current()
		switch e := ev.(type) {
		case *chat.Joined:
			r.mu.Lock()
			r.name = e.Room
			r.mu.Unlock()
			o = &ChatJoined{Room: e.Room, Members: append([]string{}, e.Members...)}
		case *chat.Message:
			o = &ChatMessage{Room: name, From: e.From, Text: htmltext.Plain(e.HTML), HTML: e.HTML}
		case *chat.MemberJoined:
			o = &ChatMember{Room: name, Name: e.Name}
		case *chat.MemberLeft:
			o = &ChatMember{Room: name, Name: e.Name, Left: true}
		case *chat.Left:
			left = e
			continue
		default:
			continue
		}
		m.c.emit(Stamp(o, ev.When()))
	}
	if left == nil { // the channel closes only after a Left
		left = &chat.Left{Err: bos.ErrClosed}
	}
	return left
}

// roomArg reads a room name that is the whole rest of the line, "quoted"
// or not.
func roomArg(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := len(s); n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n-1] == s[0] {
		s = s[1 : n-1]
	}
	return RoomName(s)
}

// RoomName checks that s can name a room, as join takes it, so that a
// front end refuses a bad name before it signs on: a *UsageError if no
// room can have it.
func RoomName(s string) (string, error) {
	name, err := chat.ParseRoomName(s)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return name, nil
}

// inRoom returns the room called name, or an error that says the account
// is not in it.
func (m *rooms) inRoom(name string) (*roomRun, error) {
	r := m.find(name)
	if r == nil {
		return nil, fmt.Errorf("not in a room called %q (join it first)", name)
	}
	return r, nil
}

func joinRoom(x *call) (*Result, error) {
	name, err := roomArg(x.rest())
	if err != nil {
		return nil, fmt.Errorf("cannot join: %w", err)
	}
	r := &Result{Room: name}
	if found := x.c.rooms.find(name); found != nil {
		_, r.Room = found.current()
		r.Summary, r.Unchanged = "already in "+r.Room, true
		return r, nil
	}
	ref, err := x.c.rooms.lookup(x.ctx, x.sess, chat.ExchangeUser, name)
	if err != nil {
		return r, err
	}
	joined, already, err := x.c.rooms.join(x.ctx, x.sess, ref)
	if err != nil {
		return r, fmt.Errorf("cannot join %s: %w", name, err)
	}
	r.Room, r.Summary = joined, "joined "+joined
	if already {
		r.Summary, r.Unchanged = "already in "+joined, true
	}
	return r, nil
}

// roomAndRest reads the name of a room the account is in at the start of
// s: "quoted", or the longest joined room's name that s starts with (so
// spaces need no quotes), or else the first word.
func (m *rooms) roomAndRest(s string) (name, rest string, err error) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if s != "" && s[0] != '"' && s[0] != '\'' {
		for _, n := range m.names() {
			if len(n) > len(name) && len(s) >= len(n) && strings.EqualFold(s[:len(n)], n) &&
				(len(s) == len(n) || unicode.IsSpace(rune(s[len(n)]))) {
				name = n
			}
		}
		if name != "" {
			return name, strings.TrimLeftFunc(s[len(name):], unicode.IsSpace), nil
		}
	}
	return nameAndRest(s)
}

func say(x *call) (*Result, error) {
	name, text, err := x.roomAndRest()
	if err == nil && text == "" {
		err = fmt.Errorf("no message text (%s)", x.usage())
	}
	if err != nil {
		return nil, err
	}
	rr, err := x.c.rooms.inRoom(name)
	if err != nil {
		return &Result{Room: name}, err
	}
	room, name := rr.current()
	body := x.body(text, false)
	r := &Result{Room: name, Text: htmltext.Plain(body)}
	r.Summary = saidSummary(name, r.Text)
	if room == nil {
		return r, fmt.Errorf("%s is being joined again; not sent", name)
	}
	own := saidInRoom(x.c.self(), name, body, x.c.opts.Now())
	if err := room.Say(x.ctx, body); err != nil {
		return r, err
	}
	x.c.history.Record(own)
	return r, nil
}

// saidSummary shows a line you said in room as a room shows the lines
// of others: "[room] you: text".
func saidSummary(room, text string) string {
	prefix := "[" + room + "] you: "
	return prefix + indentContinuation(text, len(prefix)+stampWidth)
}

func leaveRoom(x *call) (*Result, error) {
	name, err := roomArg(x.rest())
	if err != nil {
		return nil, err
	}
	rr, err := x.c.rooms.inRoom(name)
	if err != nil {
		return &Result{Room: name}, err
	}
	_, name = rr.current()
	x.c.rooms.leave(x.ctx, rr)
	return &Result{Room: name, Summary: "left " + name}, nil
}

func roomMembers(x *call) (*Result, error) {
	name, err := roomArg(x.rest())
	if err != nil {
		return nil, err
	}
	rr, err := x.c.rooms.inRoom(name)
	if err != nil {
		return &Result{Room: name}, err
	}
	room, name := rr.current()
	r := &Result{Room: name}
	if room == nil {
		return r, fmt.Errorf("%s is being joined again", name)
	}
	r.Members = room.Members()
	r.Summary = fmt.Sprintf("in %s: %s", name, strings.Join(r.Members, ", "))
	return r, nil
}

func listRooms(x *call) (*Result, error) {
	names := x.c.rooms.names()
	l := &RoomList{Rooms: append([]string{}, names...), RoomMembers: map[string][]string{}}
	for _, name := range names {
		members := []string{}
		if rr, err := x.c.rooms.inRoom(name); err == nil {
			if room, _ := rr.current(); room != nil {
				members = room.Members()
			}
		}
		l.RoomMembers[name] = members
	}
	return &Result{RoomList: l, Summary: "rooms: " + listOrNone(names)}, nil
}

func invite(x *call) (*Result, error) {
	to, rest, err := x.nameAndRest()
	if err != nil {
		return nil, err
	}
	var room, text string
	if x.parsed && len(x.argv) > 1 {
		room, text = x.argv[1], strings.Join(x.argv[2:], " ")
	} else {
		room, text, err = x.c.rooms.roomAndRest(rest)
	}
	if err != nil {
		return nil, fmt.Errorf("no room (%s)", x.usage())
	}
	rr, err := x.c.rooms.inRoom(room)
	if err != nil {
		return &Result{To: to, Room: room}, err
	}
	_, room = rr.current()
	if text == "" {
		text = "Join me in this chat room: " + room
	}
	r := &Result{To: to, Room: room, Summary: "invited " + to + " to " + room}
	// The text arrives as HTML, as an IM's does: sent as typed, unless
	// html is set.
	return r, x.sess.Invite(x.ctx, to, rr.ref, x.body(text, false))
}

func accept(x *call) (*Result, error) {
	if x.rest() != "" {
		return nil, fmt.Errorf("unexpected %q (accept takes the last invitation)", x.rest())
	}
	inv := x.c.rooms.takeInvite()
	if inv == nil {
		return nil, errors.New("no invitation to accept")
	}
	r := &Result{Room: roomNameOf(inv.Room)}
	// Found by name, not by the invitation's cookie: a cookie the server
	// does not know (a stale or forged invitation) would end the session.
	ref, err := x.c.rooms.lookup(x.ctx, x.sess, inv.Room.Exchange, r.Room)
	if err != nil {
		return r, err
	}
	name, already, err := x.c.rooms.join(x.ctx, x.sess, ref)
	if err != nil {
		return r, fmt.Errorf("cannot join %s: %w", r.Room, err)
	}
	r.Room, r.Summary = name, "joined "+name+" (invited by "+inv.From+")"
	if already {
		r.Summary, r.Unchanged = "already in "+name, true
	}
	return r, nil
}

// completeRoom completes the name of a room the account is in, quoted
// when it has spaces (typed with or without the opening quote).
func (c *Client) completeRoom(word, typed string) (string, bool) {
	quoted := strings.HasPrefix(typed, `"`)
	var forms, quotedForms []string
	for _, n := range c.rooms.names() {
		q := n
		if strings.ContainsAny(n, " \t") {
			q = `"` + n + `"`
		}
		form := n
		if quoted {
			form = q
		}
		if len(form) >= len(typed) && strings.EqualFold(form[:len(typed)], typed) {
			forms, quotedForms = append(forms, form), append(quotedForms, q)
		}
	}
	switch len(forms) {
	case 0:
		return "", false
	case 1:
		return word + " " + quotedForms[0] + " ", true
	}
	return completeFrom(typed, word+" ", forms)
}
