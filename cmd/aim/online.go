package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
)

// Reconnect backoff: the first retry after about a second, doubling to
// two minutes, each delay drawn from its upper half so that many clients
// cut off together do not return together.
const (
	backoffFirst = time.Second
	backoffMax   = 2 * time.Minute
	// rateLimitedWait is the least wait after the authorizer says we sign
	// on too often: real servers allow one login a minute after a burst.
	rateLimitedWait = 70 * time.Second
)

func backoff(attempt int) time.Duration {
	d := backoffFirst << min(attempt-1, 16)
	d = min(d, backoffMax)
	return d/2 + rand.N(d/2+1)
}

// live is the account's current session across reconnects, and the
// settings a reconnect uploads again (buddies, profile and away message as
// changed by commands since the first signon).
type live struct {
	mu      sync.Mutex
	a       account
	sess    *bos.Session
	changed chan struct{} // closed and replaced whenever sess changes
	ended   bool
}

func newLive(a *account) *live { return &live{a: *a, changed: make(chan struct{})} }

func (l *live) set(s *bos.Session) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sess = s
	close(l.changed)
	l.changed = make(chan struct{})
}

// end marks that no session will come again: waiters give up.
func (l *live) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sess, l.ended = nil, true
	close(l.changed)
	l.changed = make(chan struct{})
}

// errReconnecting answers a command typed at the prompt while the
// connection is being restored: waiting would freeze the prompt.
var errReconnecting = errors.New("not connected (reconnecting); not sent")

// session returns the session that is online, waiting through a reconnect
// if wait is set; without wait, a session that is not online is an error.
func (l *live) session(ctx context.Context, wait bool) (*bos.Session, error) {
	for {
		l.mu.Lock()
		s, ended, ch := l.sess, l.ended, l.changed
		l.mu.Unlock()
		if s != nil {
			select {
			case <-s.Ending(): // ending: wait for the next one
			default:
				return s, nil
			}
		}
		if !wait && !ended {
			return nil, errReconnecting
		}
		if ended {
			return nil, bos.ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// current returns the session if one is online and not ending, without
// waiting.
func (l *live) current() *bos.Session {
	l.mu.Lock()
	s := l.sess
	l.mu.Unlock()
	if s == nil {
		return nil
	}
	select {
	case <-s.Ending():
		return nil
	default:
		return s
	}
}

// account returns a copy of what the next signon uploads.
func (l *live) account() *account {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.a
	a.Buddies = slices.Clone(a.Buddies)
	return &a
}

func (l *live) addBuddy(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range l.a.Buddies {
		if oscar.SameScreenName(b, name) {
			return
		}
	}
	l.a.Buddies = append(l.a.Buddies, name)
}

func (l *live) removeBuddy(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.a.Buddies = slices.DeleteFunc(l.a.Buddies, func(b string) bool { return oscar.SameScreenName(b, name) })
}

func (l *live) setProfile(p string) { l.mu.Lock(); l.a.Profile = p; l.mu.Unlock() }
func (l *live) setAway(a string)    { l.mu.Lock(); l.a.Away = a; l.mu.Unlock() }

// sessionPlan says how long a session lasts and where its commands come from.
type sessionPlan struct {
	For       time.Duration
	NoInput   bool
	Reconnect bool
	Debug     bool   // the trace writes to the terminal: no prompt
	Status    string // printed to standard error once signed on (text mode)
}

// stayOnline signs on, prints events and runs commands until the input
// ends, --for passes, a signal arrives or the server ends the session.
// With plan.Reconnect a lost connection is followed by a new signon, with
// backoff, until it works or a stop is asked for. A logout we asked for
// returns nil.
func stayOnline(ctx context.Context, io *IOStreams, out *printer, cfg *config.Config, a *account, plan sessionPlan) error {
	fmt.Fprintf(io.ErrOut, "aim: signing on to %s as %s...\n", a.Server, a.ScreenName)
	sessCtx, stop := context.WithCancel(ctx)
	defer stop()
	// Watch the config file from before signon: no edit after this is missed.
	var watcher *config.Watcher
	if cfg != nil && cfg.Path != "" {
		w, err := config.NewWatcher(cfg.Path)
		if err != nil {
			fmt.Fprintf(io.ErrOut, "aim: not following config file changes: %v\n", err)
		} else {
			watcher = w
			defer w.Close()
		}
	}
	sess, err := signOn(sessCtx, a)
	if err != nil {
		return err
	}
	if plan.Status != "" && !out.json {
		fmt.Fprintln(io.ErrOut, plan.Status)
	}
	if plan.For > 0 {
		t := time.AfterFunc(plan.For, stop)
		defer t.Stop()
	}
	lv := newLive(a)
	lv.set(sess)
	cmds := &commander{live: lv, out: out, cfg: cfg}
	defer func() {
		// Every command started gets its result printed before aim exits:
		// a message that was not sent says so.
		lv.end()
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cmds.finish(fctx)
	}()
	if watcher != nil {
		// The watcher compares versions of the file with its own copy:
		// cfg is the commands' (edited by add and remove on their goroutine).
		prev, err := config.Load(config.Options{Path: cfg.Path})
		if err != nil {
			prev = cfg.Clone()
		}
		done := make(chan struct{})
		go func() { defer close(done); followConfig(sessCtx, watcher, prev, out, lv) }()
		defer func() { stop(); <-done }()
	}
	// "signed on" is the first line, before anything a command prints.
	if ev, ok := <-sess.Events(); ok {
		out.event(ev)
	}
	if !plan.NoInput {
		read := func() error { return cmds.readAll(sessCtx, io.In) }
		// No prompt with --debug: the trace writes to the terminal directly.
		if tty := terminalOf(io); tty != nil && !out.json && !plan.Debug {
			p, err := newPrompt(tty, io.Out)
			if err == nil {
				cmds.interactive = true
				// However the session ends, give the terminal back with
				// what was typed left on a line of its own.
				defer out.detach(p.finish)
				out.setAbove(p.above)
				read = func() error { return cmds.readAllInteractive(sessCtx, p) }
			}
		}
		go func() {
			// The reader of standard input cannot be interrupted; it ends
			// at EOF, or with the process.
			if err := read(); err != nil {
				out.result(0, "", "input", err, "", nil)
			}
			stop()
		}()
	}
	for {
		lv.set(sess)
		for ev := range sess.Events() {
			out.event(ev)
		}
		<-sess.Done()
		err := sess.Err()
		if err == nil || sessCtx.Err() != nil {
			return nil // a logout we asked for
		}
		if !plan.Reconnect || !reconnectable(err) {
			return fmt.Errorf("session ended: %w", err)
		}
		if sess, err = reconnect(sessCtx, out, lv); err != nil {
			if sessCtx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// reconnectable reports whether a session that ended with err may sign on
// again by itself: after a lost connection, yes; after the server closed
// the session on purpose (a kick, another signon elsewhere), never.
func reconnectable(err error) bool {
	var closed *bos.ClosedError
	return !errors.As(err, &closed) && errors.Is(err, bos.ErrConnectionLost)
}

// reconnect signs on again with backoff until it works, ctx ends, or the
// server refuses for good (a wrong password now).
func reconnect(ctx context.Context, out *printer, lv *live) (*bos.Session, error) {
	for attempt := 1; ; attempt++ {
		wait := backoff(attempt)
		out.emit(fmt.Sprintf("%s reconnecting in %s (attempt %d)", stamp(time.Now()), wait.Round(100*time.Millisecond), attempt),
			record{"type": "reconnecting", "attempt": attempt, "delay_ms": wait.Milliseconds()})
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		a := lv.account()
		a.Reconnected = true
		sess, err := signOn(ctx, a)
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
		out.emit(stamp(time.Now())+" reconnect failed: "+err.Error(), record{"type": "reconnect_failed", "attempt": attempt, "error": err.Error()})
		if errors.As(err, &auth) {
			// Signing on too often: wait out the server's limiter.
			if err := sleep(ctx, rateLimitedWait); err != nil {
				return nil, err
			}
		}
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
