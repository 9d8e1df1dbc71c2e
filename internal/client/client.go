// Package client keeps one account online: signon and reconnects, the live
// state and the config file it follows, the command table and the typed
// outputs of it all. It never prints and never reads flags or the environment.
package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/history"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/secret"
	"github.com/aim-oscar/aim/internal/wiretrace"
)

// Account is everything needed to sign on.
type Account struct {
	Server     string // authorizer host:port
	ScreenName string
	Password   secret.String
	Method     login.Method
	Buddies    []string
	Profile    string
	Away       string // non-empty: sign on away
	// TLS, if set, wraps every connection in TLS with these settings.
	TLS *tls.Config
	// Dial opens connections; nil dials TCP (with TLS if set).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// StepTimeout bounds each network step; zero: the packages' defaults.
	StepTimeout time.Duration
	// Debug, if set, gets the wire trace, secrets zeroed.
	Debug io.Writer
	// Waiting, if set, is told in a person's words when the server has
	// not answered a step of the first signon for a couple of seconds
	// (login.Wait): "no answer from HOST:PORT yet (waiting for the login
	// reply; giving up after 20s)". Reconnects say so in their outputs.
	Waiting func(what string)
	// StateDir keeps the buddy list as last synced with the list the
	// server keeps (sync.go); "" keeps it in memory for this run only.
	StateDir string
	// HistoryDir, if set, is where the account's conversations are
	// recorded (history.Dir of the state directory); HistoryDays, if not
	// 0, is how many days of them are kept.
	HistoryDir  string
	HistoryDays int
	// NoTyping (the typing_notifications setting off): the typing command
	// tells no one.
	NoTyping bool
	// IdleAfter (the idle_minutes setting): after this long with no
	// activity (the active command, any command a person runs) the server
	// is told the account is idle, and told it is back at the next; zero
	// never tells it.
	IdleAfter time.Duration
	// Privacy is the config file's privacy settings (with the buddy
	// list's names), for a one-shot send (Send), which has no list from
	// the server to go by: an IM to a user they keep out is refused
	// before signing on.
	Privacy config.PrivacySettings

	feedbag        bool               // use the server's list (not for a one-shot send)
	savedFeedbag   *buddylist.Feedbag // the server's list as last seen
	firstIM        *bos.OutgoingIM    // sent in the signon's flight (Send)
	leaveStoredIMs bool               // nobody sees its IMs: the offline ones stay on the server
	keepsNoIMs     bool               // the server is known to keep no IMs for offline users (Send)
}

// NewAccount returns who signs on where, and how, as cfg says: everything
// but the password and the connection's settings.
func NewAccount(cfg *config.Config) (Account, error) {
	server, err := cfg.RequireServer()
	if err != nil {
		return Account{}, err
	}
	name, err := cfg.RequireScreenName()
	if err != nil {
		return Account{}, err
	}
	method, err := login.ParseMethod(cfg.Auth) // config has checked it
	if err != nil {
		return Account{}, err
	}
	a := Account{Server: server, ScreenName: name, Method: method, Profile: cfg.Profile, Away: cfg.Away,
		HistoryDays: cfg.HistoryDays, NoTyping: !cfg.Typing, IdleAfter: time.Duration(cfg.IdleMinutes) * time.Minute}
	for _, g := range cfg.Buddies {
		a.Buddies = append(a.Buddies, g.Names...)
	}
	a.Privacy = config.PrivacySettings{Mode: cfg.Privacy, Blocked: cfg.Blocked, Allowed: cfg.Allowed, Buddies: a.Buddies}
	return a, nil
}

// Options say how a Client runs its account.
type Options struct {
	Account
	// Reconnect: after a lost connection, sign on again with backoff.
	Reconnect bool
	// HTML: the text of send, autoreply and say is HTML, sent as it is;
	// otherwise it is text, escaped so that it arrives as typed (IMBody).
	HTML bool
	// Backoff is the wait before reconnect attempt n (from 1); nil: Backoff.
	Backoff func(attempt int) time.Duration
	// Now is the clock of the outputs; nil: time.Now.
	Now func() time.Time
	// Config, if set, is the settings file that add and remove edit too.
	// Start takes a copy: the session's commands edit theirs (and the
	// file), from whichever goroutine runs them, never the caller's, which
	// the caller and Reload may go on reading.
	Config *config.Config
	// Reload, if set with Config, reads the settings again after the file
	// changed: the session follows the changes.
	Reload func() (*config.Config, error)
	// Emit gets every output, one call at a time. It must not block long:
	// the session waits for it. Without it, the session leaves the IMs the
	// server kept while the user was offline on the server.
	Emit func(Output)
	// ChatAhead opens chat navigation right after each signon, so that the
	// first room joined costs what later ones do: for sessions that stay
	// (aim login, aim chat), not for one command's.
	ChatAhead bool
	// Settle: Start returns once the signon's sync with the server's
	// list is done and the server has answered a request sent after it,
	// so that what it sends at signon (the buddies online) has arrived:
	// for a session of one command that reports it (aim status
	// --no-session).
	Settle bool
}

// Reconnect timing: the first retry after about a second, doubling to two
// minutes, each delay drawn from its upper half so that many clients cut
// off together do not return together.
const (
	backoffFirst = time.Second
	backoffMax   = 2 * time.Minute
	// rateLimitedWait is the least wait after the authorizer says we sign
	// on too often: real servers allow one login a minute after a burst.
	rateLimitedWait = 70 * time.Second
	// stableAfter is how long a session must last for the backoff to
	// start over at its first attempt: a server that signs sessions on and
	// breaks them at once gets longer and longer waits, not a login a
	// second (real servers allow about 10 logins from an address, then
	// one a minute).
	stableAfter = time.Minute
	// contestWindow: a session that signed on again and is closed without
	// a reason within this time of its signon is taken to be fighting
	// another client for the name, and gives up.
	contestWindow = time.Minute
	// finishWait bounds the wait for the results of pending commands once
	// the account has signed off.
	finishWait = 5 * time.Second
)

// LogoutWait bounds how long a logout lets the commands under way finish
// before it signs off: messages the server's rate limit holds back go out
// at its pace (the real IM class, after a burst, one every few seconds),
// as they do before a script's quit; the bound is the one a script's aim
// send waits by default. A front end waiting for a session's logout
// (through its control socket) bounds its wait by it.
const LogoutWait = 2 * time.Minute

// Backoff is the default wait before reconnect attempt n (from 1).
func Backoff(attempt int) time.Duration {
	d := backoffFirst << min(attempt-1, 16)
	d = min(d, backoffMax)
	return d/2 + rand.N(d/2+1)
}

// Client is an account kept online. Start makes one; Wait returns when it
// is signed off for good. Its goroutines (the supervisor, the rooms', the
// config follower's, the idle timer, the history's writer, the waits for
// the away messages sent in answer) all end before Wait returns.
type Client struct {
	opts     Options // its Config is the commands' copy, not the caller's (Start)
	live     *live
	rooms    *rooms
	commands []*Command // the table, for help
	sync     *syncer

	history  *history.Recorder // nil: not recording
	selfName atomic.Pointer[string]
	// replies wait each for an away message sent in answer, to record it
	// once the server has taken it; each ends with its session.
	replies sync.WaitGroup

	emitMu sync.Mutex

	// lastResult is closed once the result of the last line given to Exec
	// is emitted (nil: none yet).
	orderMu    sync.Mutex
	lastResult chan struct{}

	// ownLines are IMs sent from a prompt whose result is not shown yet
	// (ownLine).
	ownMu    sync.Mutex
	ownLines map[*ownLine]struct{}

	// quitResult is quit's result, held until the session has ended
	// (emitQuit), so that what arrived before comes before it.
	quitResult atomic.Pointer[Result]

	// active is poked by each sign that the person is at the keyboard
	// (activity); wake when a setting the idle timer follows changed.
	active, wake chan struct{}

	unsent atomic.Int32 // messages queued but not sent: the session was ended first
	// logoutCut: a logout signed off before the commands under way had
	// finished, its wait run out (cutTimedOut) or ended by its caller
	// (cutDropped): a message still queued says why.
	logoutCut atomic.Int32
	sending   atomic.Int32 // messages queued or waiting for the server's answer (Sending)
	failed    atomic.Int32 // results of a script's lines that said it failed (Failed)

	// cfgMu holds opts.Config, the commands' copy of the config file
	// (withConfig): commands run on many goroutines and edit it. Taken
	// after sync.mu, never held while waiting for the server's answer.
	cfgMu sync.Mutex

	cmdMu   sync.Mutex
	pending int           // commands still waiting for the server
	idle    chan struct{} // closed when pending falls to 0
	closed  bool          // signed off: no new commands

	stop context.CancelFunc
	done chan struct{}
	err  error

	// The BOS sessions live on sessCtx, which ends only after the rooms
	// have left (roomsFirst), once ctx ends.
	sessCtx    context.Context
	roomsFirst func() bool // stops the AfterFunc that leaves the rooms
	roomsLeft  chan struct{}
}

// Start signs on and keeps the account online until ctx ends (a logout),
// the server ends the session for good, or a lost connection cannot be
// restored. It returns once the first output (signed_on) is emitted, or
// with the error of the first signon.
func Start(ctx context.Context, opts Options) (*Client, error) {
	if opts.Backoff == nil {
		opts.Backoff = Backoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Emit == nil {
		// Nobody sees this session's IMs (one command's own session): the
		// ones the server kept wait for a session that shows them.
		opts.Account.leaveStoredIMs = true
	}
	if opts.Config != nil {
		opts.Config = opts.Config.Clone() // the commands' own (Options.Config)
	}
	ctx, stop := context.WithCancel(ctx)
	c := &Client{opts: opts, live: newLive(opts.Account, opts.Config), commands: commands, stop: stop, done: make(chan struct{}),
		roomsLeft: make(chan struct{}), sync: newSyncer(opts.StateDir),
		active: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	c.rooms = newRooms(c)
	rec, err := openHistory(opts.Account, c.emit)
	if err != nil {
		c.emit(&HistoryError{Error: err.Error()})
	}
	c.history = rec
	sessCtx, endSessions := context.WithCancel(context.WithoutCancel(ctx))
	c.sessCtx = sessCtx
	c.roomsFirst = context.AfterFunc(ctx, func() {
		defer close(c.roomsLeft)
		lctx, cancel := context.WithTimeout(context.Background(), finishWait)
		defer cancel()
		c.rooms.leaveAll(lctx)
		c.sync.drain(lctx) // a signon's sync, a change just made: finish it first
		endSessions()
	})
	// Watch the config file from before signon: no edit after this is missed.
	var watcher *config.Watcher
	if opts.Config != nil && opts.Config.Path != "" && opts.Reload != nil {
		w, err := config.NewWatcher(opts.Config.Path)
		if err != nil {
			c.emit(&ConfigError{Error: err.Error(), Stopped: true})
		} else {
			watcher = w
		}
	}
	sess, err := connect(sessCtx, c.withList(opts.Account), false)
	if err != nil {
		stop()
		<-c.roomsLeft
		if watcher != nil {
			watcher.Close()
		}
		c.history.Close()
		return nil, err
	}
	ready := make(chan struct{})
	go func() {
		defer close(c.done)
		c.err = c.run(ctx, sess, watcher, ready)
	}()
	<-ready
	if opts.Settle {
		// The signon's sync first (a buddy it adds arrives after it),
		// then a request: the server answers in order, so once it has
		// answered, what it sent before has been read.
		c.sync.drain(ctx)
		if q, err := sess.QueueGetInfo(opts.ScreenName); err == nil {
			q.Wait(ctx)
		}
	}
	return c, nil
}

// Unsent is how many messages given to Exec were still queued when the
// session was ended, and so were not sent (each one's result said
// ErrInterrupted).
func (c *Client) Unsent() int { return int(c.unsent.Load()) }

// Sending is how many messages are under way: queued behind the server's
// rate limit, or waiting for its answer. A logout waits for them: a front
// end says so while it does.
func (c *Client) Sending() int { return int(c.sending.Load()) }

// Stop signs off; Wait says when it is done.
func (c *Client) Stop() { c.stop() }

// Wait waits until the account is signed off for good and every command
// started has its result. It returns nil after a logout asked for, and
// otherwise why the account went offline.
func (c *Client) Wait() error {
	<-c.done
	return c.err
}

// run supervises the sessions, then finishes the commands still pending.
func (c *Client) run(ctx context.Context, sess *bos.Session, watcher *config.Watcher, ready chan struct{}) error {
	defer c.stop()
	var following sync.WaitGroup
	following.Add(1)
	go func() { defer following.Done(); c.syncLoop(c.sessCtx) }()
	following.Add(1)
	go func() { defer following.Done(); c.idleLoop(ctx) }()
	if watcher != nil {
		defer watcher.Close()
		// The follower compares versions of the file with its own copy:
		// opts.Config is the commands' (edited by add and remove).
		prev, err := c.opts.Reload()
		if err != nil {
			c.withConfig(func(cfg *config.Config) error { prev = cfg.Clone(); return nil })
		}
		following.Add(1)
		go func() { defer following.Done(); c.follow(ctx, watcher, prev) }()
	}
	err := c.supervise(ctx, sess, ready)
	c.stop()
	<-c.roomsLeft
	following.Wait()
	// Every command started gets its result before Wait returns: a
	// message that was not sent says so.
	c.live.end()
	fctx, cancel := context.WithTimeout(context.Background(), finishWait)
	defer cancel()
	c.finish(fctx)
	c.emitQuit()      // if no session ended after it
	c.replies.Wait()  // the sessions have ended: each knows whether it went
	c.history.Close() // after the last output it records
	return err
}

// supervise runs each session to its end and decides what comes next: a
// new signon with backoff, or the end.
func (c *Client) supervise(ctx context.Context, sess *bos.Session, ready chan struct{}) error {
	readyOnce := sync.OnceFunc(func() { close(ready) })
	defer readyOnce()
	reconnected := false
	attempt := 0 // reconnect attempts since the last session that lasted stableAfter
	for {
		var signedOn time.Time // of this session, by the session's clock
		var lasted time.Duration
		c.live.set(sess, c.opts.Now())
		var final error
		again := false
		shown := presence{}
		for ev := range sess.Events() {
			o := fromBOS(ev)
			if o != nil && !shown.news(o) {
				o = nil
			}
			if im, ok := o.(*IM); ok && im.Offline {
				im.From = c.spelling(sess, im.From)
			}
			if e, ok := ev.(*bos.SignedOn); ok {
				signedOn = e.When()
				if c.opts.ChatAhead {
					c.rooms.prepare(sess)
				}
			}
			if e, ok := ev.(*bos.ChatInvited); ok {
				c.rooms.invited(e)
			}
			if _, ok := ev.(*bos.FeedbagChanged); ok {
				c.sync.request() // into the config file
			}
			if e, ok := ev.(*bos.Disconnected); ok {
				d := o.(*Disconnected)
				ne := asNetworkError("", e.Err) // a reset: plain words, --debug the detail
				c.debugDetail("disconnected", ne)
				if ne != e.Err {
					d.Error = ne.Error()
				}
				lasted = e.When().Sub(signedOn)
				d.Reason, again, final = c.decide(ctx, e.Err, reconnected, lasted)
				if contested := (*ContestedError)(nil); errors.As(final, &contested) {
					d.Error = final.Error()
				}
				if !again {
					c.emitQuit()
				}
			}
			if im, ok := o.(*IM); ok && !im.Offline {
				c.awaitOwnLines(ctx, im.From) // your line before the reply to it
			}
			if o != nil {
				c.emit(o)
			}
			if e, ok := ev.(*bos.IMReceived); ok && e.ReplySent != nil && o != nil && c.history != nil {
				// The away message went back: the history has it after
				// the IM it answers, once the server has taken it (as a
				// message sent), and never if the rate limit held it
				// until the session ended.
				rec := sentIM(c.self(), o.(*IM).From, e.Reply, true, o.head().Time)
				c.replies.Go(func() {
					if e.ReplySent.Wait(context.Background()) == nil {
						c.history.Record(rec)
					}
				})
			}
			if _, ok := ev.(*bos.SignedOn); ok {
				// Only now do commands and rooms get the session: what
				// they do on it (a room joined again, a message that
				// waited) is said after "signed on", never before it;
				// and so is the sync's result.
				c.live.use()
				c.sync.request()
			}
			readyOnce()
		}
		<-sess.Done()
		if !c.opts.Account.leaveStoredIMs {
			// Whether the server keeps IMs for offline users, for the
			// one-shot sends here (KeepsNoIMs).
			if err := c.sync.noteKeepsNoIMs(c.live.account().Server, sess.KeepsNoIMs()); err != nil {
				c.debugDetail("saving what the server keeps", err)
			}
		}
		if !again || ctx.Err() != nil {
			if ctx.Err() != nil {
				return nil // a logout we asked for
			}
			return final
		}
		if lasted >= stableAfter {
			attempt = 0
		}
		var err error
		if sess, err = c.reconnect(ctx, &attempt); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		reconnected = true
	}
}

// spelling is name as the server spelled it when the user came online,
// else as the buddy list has it, else name: the 2026 release gives the
// sender of a stored IM normalized ("labbob" for "Lab Bob").
func (c *Client) spelling(sess *bos.Session, name string) string {
	if n := sess.Spelling(name); n != name {
		return n
	}
	buddies := c.live.account().Buddies
	if i := slices.IndexFunc(buddies, screenname.SameAs(name)); i >= 0 {
		return buddies[i]
	}
	return name
}

// decide says, for a session that ended with err after lasting that long,
// the reason its disconnected output gives, whether to sign on again, and
// otherwise the error the account ends with (nil after a logout).
func (c *Client) decide(ctx context.Context, err error, reconnected bool, lasted time.Duration) (reason string, again bool, final error) {
	if err == nil {
		return ReasonLogout, false, nil
	}
	ended := fmt.Errorf("session ended: %w", err)
	retry := c.opts.Reconnect && ctx.Err() == nil
	switch bos.ReasonOf(err) {
	case bos.ReasonSignedOnElsewhere:
		return ReasonSignedOnElsewhere, false, ended
	case bos.ReasonUnexplained:
		// A kick or a shutdown, the server does not say. Signing on again
		// is right after a shutdown; after a kick it kicks the other
		// client in turn, so a second such end soon after gives up.
		if reconnected && lasted < contestWindow {
			return ReasonSignedOnElsewhere, false, &ContestedError{ScreenName: c.opts.ScreenName, Lasted: lasted, Err: err}
		}
		return ReasonClosedByServer, retry, ended
	case bos.ReasonShutdown, bos.ReasonConnectionLost:
		return ReasonConnectionLost, retry, ended
	case bos.ReasonClosedByServer:
		return ReasonClosedByServer, false, ended
	}
	return ReasonError, false, ended
}

// ContestedError ends an account whose session, signed on again, was closed
// without a reason soon after: most likely another client holds the name,
// and signing on again would only sign it off in turn.
type ContestedError struct {
	ScreenName string
	Lasted     time.Duration
	Err        error // the *bos.ClosedError
}

func (e *ContestedError) Error() string {
	return fmt.Sprintf("signed off again %s after signing on again: another client probably holds %s; not signing on again",
		e.Lasted.Round(time.Second), e.ScreenName)
}

func (e *ContestedError) Unwrap() error { return e.Err }

// reconnect signs on again with backoff until it works, ctx ends, or the
// server refuses for good (a wrong password now). *attempt counts the
// attempts made since the backoff last started over, this call's too.
func (c *Client) reconnect(ctx context.Context, attempt *int) (*bos.Session, error) {
	for {
		*attempt++
		n := *attempt
		wait := c.opts.Backoff(n)
		c.emit(&Reconnecting{Attempt: n, DelayMS: wait.Milliseconds()})
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		sess, err := connect(c.sessCtx, c.withList(c.live.account()), true)
		if err == nil {
			return sess, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var auth *login.AuthError
		if errors.As(err, &auth) && !auth.RateLimited() {
			return nil, err // the password changed, the account is gone: retrying cannot help
		}
		c.debugDetail(fmt.Sprintf("reconnect attempt %d", n), err)
		c.emit(&ReconnectFailed{Attempt: n, Error: err.Error()})
		if errors.As(err, &auth) {
			// Signing on too often: wait out the server's limiter.
			if err := sleep(ctx, rateLimitedWait); err != nil {
				return nil, err
			}
		}
	}
}

// debugDetail writes err as the system and the protocol said it to the
// --debug trace, when what people read is its plain words (an error with
// a Detail: a *NetworkError, a signon step, a lost connection).
func (c *Client) debugDetail(what string, err error) {
	var d interface{ Detail() string }
	if w := c.live.account().Debug; w != nil && errors.As(err, &d) {
		_, logf := wiretrace.New(w)
		logf("%s: %s", what, d.Detail())
	}
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// emit stamps o with the time now, unless it has one, records it in the
// history if it is kept there, and hands it on.
func (c *Client) emit(o Output) {
	if o.head().Time.IsZero() {
		Stamp(o, c.opts.Now())
	} else {
		Stamp(o, o.head().Time)
	}
	if s, ok := o.(*SignedOn); ok {
		c.selfName.Store(&s.ScreenName)
	}
	if e, ok := historyEntry(o); ok {
		c.history.Record(e)
	}
	if c.opts.Emit == nil {
		return
	}
	c.emitMu.Lock()
	defer c.emitMu.Unlock()
	c.opts.Emit(o)
}

// tcpKeepAlive makes the kernel probe a silent connection, so a dead peer
// is found even when the server, like real ones, sends nothing for minutes.
const tcpKeepAlive = 30 * time.Second

// dialer returns how a opens connections.
func (a *Account) dialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := &net.Dialer{KeepAlive: tcpKeepAlive}
	switch {
	case a.Dial != nil:
		return a.Dial
	case a.TLS == nil:
		return nd.DialContext
	}
	td := &tls.Dialer{NetDialer: nd, Config: a.TLS}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := td.DialContext(ctx, network, addr)
		if err != nil {
			return nil, fmt.Errorf("TLS to %s: %w", addr, err)
		}
		return c, nil
	}
}

// withList returns a with the server's list in use, and the copy of it
// saved at the last sync.
func (c *Client) withList(a Account) Account {
	a.feedbag, a.savedFeedbag = true, c.sync.saved()
	return a
}

// connect runs the authorizer handshake and the BOS signon.
func connect(ctx context.Context, a Account, reconnected bool) (*bos.Session, error) {
	a.Dial = a.dialer()
	lo := login.Options{Addr: a.Server, ScreenName: a.ScreenName, Password: a.Password, Method: a.Method,
		Dial: a.Dial, StepTimeout: a.StepTimeout}
	bo := bos.Options{Buddies: a.Buddies, Profile: a.Profile, Away: a.Away, Dial: a.Dial,
		StepTimeout: a.StepTimeout, Reconnected: reconnected, Feedbag: a.feedbag, SavedFeedbag: a.savedFeedbag,
		FirstIM:        a.firstIM,
		AutoReply:      true, // while away, as AIM clients do
		LeaveStoredIMs: a.leaveStoredIMs,
		KeepsNoIMs:     a.keepsNoIMs,
	}
	if a.Debug != nil {
		bo.Trace, bo.Logf = wiretrace.New(a.Debug)
		lo.Trace = bo.Trace
	}
	if a.Waiting != nil && !reconnected {
		lo.Waiting = func(w login.Wait) { a.Waiting(w.String()) }
	}
	res, err := login.Authorize(ctx, lo)
	if err != nil {
		return nil, asNetworkError(a.Server, err)
	}
	bo.Addr, bo.Cookie, bo.ScreenName, bo.MultiConn = res.BOSAddr, res.Cookie, res.ScreenName, res.MultiConn
	sess, err := bos.Connect(ctx, bo)
	if err != nil {
		return nil, asNetworkError(bo.Addr, err)
	}
	return sess, nil
}

// SendOnce runs cmd (send, html or autoreply) with its arguments, as
// Begin reads them, in a session of its own: checked first, then Send.
func SendOnce(ctx context.Context, opts Options, cmd *Command, args []string, warn func(error)) (*Result, error) {
	flags, argv := splitFlags(cmd, args)
	x := &call{c: &Client{opts: opts}, cmd: cmd, flags: flags, argv: argv, parsed: true}
	name, text, err := imText(x)
	if err != nil {
		return nil, err
	}
	body := x.body(text, cmd == CmdSendHTML)
	if err := CheckIM(name, body); err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	r, err := Send(ctx, opts.Account, name, body, now, warn, slices.Contains(flags, OnlineOnly))
	if r != nil {
		r.Command = cmd.Name
		Describe(r) // an autoreply's words say so
	}
	return r, err
}

// Send signs on, sends one message, waits until the server accepts it, and
// signs off: aim send. It watches no buddies. A message to someone offline
// is sent again for the server to keep until their next signon (the
// result's Delivery is then "stored"), unless onlineOnly. The message sent
// is recorded in the history if a keeps one, and after it the recipient's
// away message if it came before the signoff; warn, if set, gets the
// history's problems (the message was sent all the same). A recipient
// whom a.Privacy keeps out is a *YouBlockedError, without signing on.
func Send(ctx context.Context, a Account, to, text string, now func() time.Time, warn func(error), onlineOnly bool) (*Result, error) {
	if !screenname.Same(to, a.ScreenName) && keptOut(a.Privacy, to) {
		return nil, &YouBlockedError{Name: to, Mode: a.Privacy.Mode} // before a signon is spent
	}
	a.Buddies = nil
	// The message goes in the signon's flight, right after client ready:
	// its answer comes with the signon's replies.
	a.firstIM = &bos.OutgoingIM{To: to, Text: text}
	a.leaveStoredIMs = true // it shows nothing: they wait for a session that does
	// It cannot ask the server for them, so it cannot tell whether the
	// server keeps any: a session here may have learnt it.
	a.keepsNoIMs = KeepsNoIMs(a.StateDir, a.Server)
	sent := now()
	sessCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sess, err := connect(sessCtx, a, false)
	if errors.Is(err, bos.ErrUnanswered) { // the signon failed after the IM went out in its flight
		return nil, sendError(to, err)
	}
	if err != nil {
		return nil, err
	}
	drained := make(chan struct{})
	var replies []history.Entry // read after drained
	go func() {
		defer close(drained)
		// Nothing here is news to a one-shot send, but for the away
		// message that answers it: that is part of the conversation,
		// and recorded as the session records it.
		for ev := range sess.Events() {
			if im, ok := ev.(*bos.IMReceived); ok && im.AutoResponse && !im.Offline && screenname.Same(im.From, to) {
				if e, ok := historyEntry(fromBOS(ev)); ok {
					replies = append(replies, e)
				}
			}
		}
	}()
	var d bos.Delivery
	var sendErr error
	if p := sess.FirstIM(); onlineOnly {
		sendErr = p.Wait(ctx)
	} else {
		d, sendErr = p.WaitOrStore(ctx)
	}
	lctx, lcancel := context.WithTimeout(context.Background(), finishWait)
	defer lcancel()
	sess.Logout(lctx)
	cancel() // the session has ended, even if the logout did not land
	<-drained
	if sendErr != nil {
		return nil, sendError(to, sendErr)
	}
	r := &Result{Command: CmdSend.Name, OK: true, To: to, Delivery: d.String(), Text: htmltext.Plain(text)}
	r.Summary = sentSummary(to, r.Delivery, r.Text, false)
	Stamp(r, now())
	if warn == nil {
		warn = func(error) {}
	}
	rec, err := openHistory(a, func(o Output) { warn(errors.New(o.(*HistoryError).Error)) })
	if err != nil {
		warn(err)
	}
	if rec != nil {
		rec.Record(delivered(sentIM(sess.Self().ScreenName, to, text, false, sent), d))
		for _, e := range replies {
			rec.Record(e)
		}
		rec.Close()
	}
	return r, nil
}
