package client

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// live is the account's current session across reconnects, and the
// settings a reconnect uploads again (buddies, profile and away message as
// changed by commands and the config file since the first signon).
//
// A session is the account's (set: the status says so) before it is in
// use (open: commands, rooms and the followers of the config file get
// it): in between, its "signed on" is handed on, so that nothing done on
// the session is said before that line.
type live struct {
	mu      sync.Mutex
	a       Account
	sess    *bos.Session
	open    bool          // sess is in use: its "signed on" has been handed on
	since   time.Time     // when sess signed on, by the client's clock
	changed chan struct{} // closed and replaced whenever sess changes
	ended   bool
	// saved holds, per text field ("away", "profile"), the values the
	// session's own commands wrote to the config file that the file's
	// follower has not read back yet, oldest first (see savedRead).
	saved map[string][]string
	quiet []string // the config file's quiet list (notify)
}

// newLive starts from a, and from cfg (nil for none) what only the front
// ends use.
func newLive(a Account, cfg *config.Config) *live {
	a.Buddies = slices.Clone(a.Buddies)
	l := &live{a: a, changed: make(chan struct{})}
	if cfg != nil {
		l.quiet = slices.Clone(cfg.Quiet)
	}
	return l
}

// set makes s, signed on, the account's session, not in use yet (open).
func (l *live) set(s *bos.Session, signedOn time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sess, l.since, l.open = s, signedOn, false
	close(l.changed)
	l.changed = make(chan struct{})
}

// use puts the session set in use, once its "signed on" is handed on:
// the commands and rooms waiting for it go on.
func (l *live) use() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open = true
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

// ErrReconnecting answers a command that may not wait (one typed at a
// prompt) while the connection is being restored.
var ErrReconnecting = errors.New("not connected (reconnecting); not sent")

// session returns the session that is online and in use, waiting
// through a reconnect if wait is set; without wait, a session that is not
// online is an error.
func (l *live) session(ctx context.Context, wait bool) (*bos.Session, error) {
	for {
		l.mu.Lock()
		s, ended, ch := l.sess, l.ended, l.changed
		if !l.open {
			s = nil
		}
		l.mu.Unlock()
		if s != nil {
			select {
			case <-s.Ending(): // ending: wait for the next one
			default:
				return s, nil
			}
		}
		if ended {
			return nil, bos.ErrClosed
		}
		if !wait {
			return nil, ErrReconnecting
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// current returns the session if one is online, in use and not ending,
// without waiting.
func (l *live) current() *bos.Session {
	s, _ := l.session(context.Background(), false)
	return s
}

// online returns the account's session if it is not ending, in use or
// not yet (its "signed on" on the way): what the status says.
func (l *live) online() *bos.Session {
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

// signedOn returns when the current session signed on, by the client's
// clock.
func (l *live) signedOn() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.since
}

// account returns a copy of what the next signon uploads.
func (l *live) account() Account {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.a
	a.Buddies = slices.Clone(a.Buddies)
	return a
}

func (l *live) addBuddy(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.ContainsFunc(l.a.Buddies, screenname.SameAs(name)) {
		l.a.Buddies = append(l.a.Buddies, name)
	}
}

func (l *live) removeBuddy(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.a.Buddies = slices.DeleteFunc(l.a.Buddies, screenname.SameAs(name))
}

// setSettings takes the settings the session follows from the config
// file as it is now (typing_notifications, idle_minutes), and reports
// whether the idle timer's changed.
func (l *live) setSettings(cfg *config.Config) (idleChanged bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.a.NoTyping = !cfg.Typing
	l.quiet = slices.Clone(cfg.Quiet)
	after := time.Duration(cfg.IdleMinutes) * time.Minute
	idleChanged, l.a.IdleAfter = after != l.a.IdleAfter, after
	return idleChanged
}

// setQuiet sets the quiet list, as notify saved it.
func (l *live) setQuiet(names []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.quiet = slices.Clone(names)
}

// quietList is the config file's quiet list as last read or written:
// whose messages ring no bell in aim tui (status and buddies say it).
func (l *live) quietList() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.quiet)
}

// watch returns the session online now (nil if none) and a channel
// closed when that changes.
func (l *live) watch() (*bos.Session, <-chan struct{}) {
	l.mu.Lock()
	ch := l.changed
	l.mu.Unlock()
	return l.current(), ch
}

// edit changes what the next signon uploads.
func (l *live) edit(f func(*Account)) { l.mu.Lock(); f(&l.a); l.mu.Unlock() }

// saving notes that a command is about to write text into the config
// file's field: when the follower reads it back it is no news.
func (l *live) saving(field, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.saved == nil {
		l.saved = map[string][]string{}
	}
	l.saved[field] = append(l.saved[field], text)
}

// notSaved takes back the last saving of text: the write failed.
func (l *live) notSaved(field, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if vs := l.saved[field]; len(vs) > 0 && vs[len(vs)-1] == text {
		l.saved[field] = vs[:len(vs)-1]
	}
}

// savedRead reports whether text, which the follower just read in the
// config file's field, is one the session's commands wrote there. The
// follower may read a version of the file that later commands have
// already replaced (away two, away three: the file read says two while
// the session says three); such a read is the session's own past, not
// an edit to apply. What was saved up to it is forgotten; a value the
// session never saved is someone else's edit, which supersedes them all.
func (l *live) savedRead(field, text string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	vs := l.saved[field]
	i := slices.Index(vs, text)
	switch {
	case i < 0:
		delete(l.saved, field)
		return false
	case vs[len(vs)-1] == text: // the file is at the latest write
		delete(l.saved, field)
	default:
		l.saved[field] = vs[i+1:]
	}
	return true
}

func (l *live) setProfile(p string) { l.mu.Lock(); l.a.Profile = p; l.mu.Unlock() }
func (l *live) setAway(a string)    { l.mu.Lock(); l.a.Away = a; l.mu.Unlock() }

// presence is what was last shown of each buddy online in one session,
// by normalized name. The server resends arrivals that change nothing a
// person sees (a buddy's second signon, each of their 02,04) and may
// repeat departures: only a change is news.
type presence map[string]shownState

// shownState is what an arrival shows of a buddy.
type shownState struct {
	away         bool
	idleMinutes  int
	warningLevel int
}

// news reports whether o tells something the session has not shown yet,
// and keeps what it shows; outputs other than presence are always news.
// An arrival of a buddy already shown online is a change (buddy_changed).
func (p presence) news(o Output) bool {
	switch e := o.(type) {
	case *BuddyOnline:
		key := screenname.Normalize(e.Name)
		st := shownState{away: e.Away, idleMinutes: e.IdleMinutes, warningLevel: e.WarningLevel}
		prev, on := p[key]
		// The session says whether it knew them online: a buddy taken off
		// the list is forgotten there (the server sends no departure), so
		// their arrival once back on it is news again.
		on = on && e.Changed
		if on && prev == st {
			return false
		}
		p[key], e.Changed = st, on
	case *BuddyOffline:
		key := screenname.Normalize(e.Name)
		if _, on := p[key]; !on {
			return false
		}
		delete(p, key)
	}
	return true
}
