package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The buddy list the server keeps, synced three ways. The config file is
// the user's copy; the state directory (Account.StateDir) keeps the list as
// last synced (the base) and the server's items as last seen. At each
// signon, each change of the config file, each command that edits the
// list and each change another session of the account pushes, the three
// are merged (buddylist.Merge): what changed locally since the base goes
// up in one transaction, what changed on the server is written into the
// config file, and the server's list after the edits it accepted becomes
// the new base (buddylist.Reconcile: what the config file and the server
// agree on; the rest keeps its old base). An item the server refuses, or
// one the config file could not take, is thus not in the base, and is
// merged again at the next sync; a sync cut off by a lost connection
// starts again from what the server has, so nothing is sent twice. Before
// a sync sends anything it saves the list it is sending (Sending): a sync
// cut off by a lost connection or the death of the process is reconciled
// with it at the next sync, so an upload the server took is never
// mistaken later for an addition made on the server.

// stateFile is the file in the state directory.
const stateFile = "buddylist.json"

// savedState is what the state directory keeps.
type savedState struct {
	Base    buddylist.List     `json:"base"`
	Feedbag *buddylist.Feedbag `json:"feedbag,omitempty"`
	// Sending is the config file's list as a sync that did not finish
	// left it, saved before that sync sent its edits.
	Sending *buddylist.List `json:"sending,omitempty"`
	// KeepsNoIMs is the server (as the account names it) that refused, at
	// the last signon there, to hand out IMs kept while the user was
	// offline: it keeps none (the 2025 release), and a one-shot send does
	// not ask it to keep one (KeepsNoIMs).
	KeepsNoIMs string `json:"keeps_no_ims,omitempty"`
}

// syncer holds the state between syncs; mu makes syncs one at a time.
type syncer struct {
	dir string // "" keeps the state in memory only

	mu     sync.Mutex
	loaded bool
	state  savedState

	// kick asks the sync goroutine for a sync (coalesced). Signing off
	// waits (drain) for the sync queued and the one running: busy is
	// closed when there are none (nil while idle).
	kick            chan struct{}
	kickMu          sync.Mutex
	queued, running bool
	busy            chan struct{}
}

func newSyncer(dir string) *syncer { return &syncer{dir: dir, kick: make(chan struct{}, 1)} }

// load reads the state directory once. A state file that does not read
// is set aside (renamed with ".bad"): the next sync starts from an empty
// base, which only ever adds.
func (s *syncer) load() error {
	if s.loaded {
		return nil
	}
	s.loaded = true
	if s.dir == "" {
		return nil
	}
	path := filepath.Join(s.dir, stateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		var st savedState
		if err = json.Unmarshal(b, &st); err == nil {
			s.state = st
			return nil
		}
		os.Rename(path, path+".bad")
	}
	return fmt.Errorf("buddy list state %s: %w (starting from the server's list)", path, err)
}

// save writes the state file: the directory 0700, the file 0600, replaced
// atomically; not when the file holds the state already (most syncs
// change nothing, and each write is a new file).
func (s *syncer) save() error {
	if s.dir == "" {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(s.dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(&s.state)
	if err != nil {
		return err
	}
	if now, err := os.ReadFile(filepath.Join(s.dir, stateFile)); err == nil && bytes.Equal(now, b) {
		return nil
	}
	f, err := os.CreateTemp(s.dir, stateFile+".*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(s.dir, stateFile)); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// saved returns the server's items as last seen, for the next signon's
// query (nil: none).
func (s *syncer) saved() *buddylist.Feedbag {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load() // an unreadable file is reported by the first sync
	if s.state.Feedbag == nil {
		return nil
	}
	return buddylist.NewFeedbag(s.state.Feedbag.Items(), s.state.Feedbag.Modified)
}

// request asks the sync goroutine for a sync.
func (s *syncer) request() {
	s.kickMu.Lock()
	defer s.kickMu.Unlock()
	if !s.queued {
		if s.busy == nil {
			s.busy = make(chan struct{})
		}
		s.queued = true
		s.kick <- struct{}{} // cannot block: one queued at most
	}
}

// take marks the queued sync as running; false if none was queued.
func (s *syncer) take() bool {
	s.kickMu.Lock()
	defer s.kickMu.Unlock()
	q := s.queued
	s.queued, s.running = false, q
	return q
}

// done marks the running sync done (and, at the end, the queued one).
func (s *syncer) done(ending bool) {
	s.kickMu.Lock()
	defer s.kickMu.Unlock()
	s.running = false
	if ending {
		s.queued = false
	}
	if !s.queued && s.busy != nil {
		close(s.busy)
		s.busy = nil
	}
}

// drain waits, until ctx ends, for the sync queued and the one running.
func (s *syncer) drain(ctx context.Context) {
	s.kickMu.Lock()
	busy := s.busy
	s.kickMu.Unlock()
	if busy == nil {
		return
	}
	select {
	case <-busy:
	case <-ctx.Done():
	}
}

// syncLoop runs the syncs asked for with request until ctx (the
// sessions' context) ends.
func (c *Client) syncLoop(ctx context.Context) {
	defer c.sync.done(true)
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.sync.kick:
		}
		if !c.sync.take() {
			continue
		}
		// The next signon syncs when no session is online.
		if sess := c.live.current(); sess != nil {
			if o := c.syncList(ctx, sess); o != nil && !o.empty() {
				c.emit(o)
			}
		}
		c.sync.done(false)
	}
}

// syncList runs one sync with the session's server list, if it has one
// (nil otherwise).
func (c *Client) syncList(ctx context.Context, sess *bos.Session) *BuddyListSynced {
	s := c.sync
	s.mu.Lock()
	defer s.mu.Unlock()
	// The server's list is read only once no other sync runs: one taken
	// before the wait would miss what that sync just uploaded, and the
	// merge would take the missing items for removals on the server (a
	// buddy added through the session vanished from the file that way).
	fb := sess.Feedbag()
	if fb == nil {
		return nil
	}
	o := &BuddyListSynced{Up: []buddylist.Change{}, Down: []buddylist.Change{}}
	var problems []error
	if err := s.load(); err != nil {
		problems = append(problems, err)
	}
	remote, bad := fb.List()
	for _, p := range bad {
		o.Repaired = append(o.Repaired, p.String())
	}
	if s.state.Sending != nil { // the last sync was cut off after it sent
		s.state.Base = buddylist.Reconcile(s.state.Base, *s.state.Sending, remote)
		s.state.Sending = nil
	}
	base := s.state.Base
	local, cfg, selfBlocked, err := c.userList(remote, base)
	if err != nil {
		problems = append(problems, err)
	}
	if selfBlocked {
		problems = append(problems, fmt.Errorf("the blocked list names you (%s): left out, you cannot block yourself", c.opts.ScreenName))
	}
	m := buddylist.Merge(base, local, remote)
	var notWritten []string
	if o.Down, notWritten, err = c.writeDown(cfg, m.Down); err != nil {
		problems = append(problems, fmt.Errorf("writing the server's changes into %s: %w", cfg.Path, err))
	}
	o.Notes = append(o.Notes, notWritten...)
	if len(o.Down) > 0 { // the file as it is now, with what it took
		if now, _, _, err := c.userList(remote, base); err == nil {
			local = now
		}
	}
	want := m.List
	want.Typing = true // so that the server relays typing notifications
	want.OfflineIMs = c.offlineIMs(cfg)
	tx := fb.Plan(want, buddylist.PlanOptions{})
	if !tx.Empty() {
		s.state.Sending = &local
		if err := s.save(); err != nil {
			problems = append(problems, fmt.Errorf("saving the buddy list state: %w", err))
		}
	}
	rejected, err := sess.EditFeedbag(ctx, tx)
	if err != nil {
		problems = append(problems, fmt.Errorf("sending the changes to the server: %w", err))
	} else {
		s.state.Sending = nil // else what the server took is known at the next sync
	}
	for _, r := range rejected {
		o.Refused = append(o.Refused, refusal(r))
	}
	after := sess.Feedbag()
	synced, _ := after.List()
	// What the server's list took from this sync: what it has now that
	// the sync meant to send. The rest of the difference is another
	// session's edit, pushed while the sync ran; the next sync (the push
	// asked for one) brings it into the config file as from the server.
	o.Up = withoutTyping(taken(buddylist.Diff(remote, synced), buddylist.Diff(remote, want)))
	o.Notes = append(o.Notes, duplicateNotes(tx.Duplicates, s.state.Feedbag, after)...)
	s.state.Feedbag = after
	s.state.Base = buddylist.Reconcile(base, local, synced)
	if err := s.save(); err != nil {
		problems = append(problems, fmt.Errorf("saving the buddy list state: %w", err))
	}
	if len(problems) > 0 {
		o.Error = errors.Join(problems...).Error()
	}
	return o
}

// offlineIMs is the offline_ims setting for the server's list: the config
// file as just read, else as the client started with, else on (the
// default).
func (c *Client) offlineIMs(cfg *config.Config) *bool {
	on := true
	switch {
	case cfg != nil:
		on = cfg.OfflineIMs
	default:
		c.withConfig(func(cfg *config.Config) error {
			if cfg != nil {
				on = cfg.OfflineIMs
			}
			return nil
		})
	}
	return &on
}

// userList returns the user's copy of the list for a merge with base
// (localList): what the file does not say (no blocked, allowed or privacy
// key) is unchanged since base, and the user's own name is left out of
// the blocked list (selfBlocked says it was there).
func (c *Client) userList(remote, base buddylist.List) (l buddylist.List, cfg *config.Config, selfBlocked bool, err error) {
	local, cfg, err := c.localList(remote, base)
	if !local.hasDeny {
		local.Deny = base.Deny
	}
	if !local.hasPermit {
		local.Permit = base.Permit
	}
	if local.Privacy == 0 {
		local.Privacy = base.Privacy
	}
	if self := c.opts.ScreenName; slices.ContainsFunc(local.Deny, screenname.SameAs(self)) {
		selfBlocked = true
		local.Deny = slices.DeleteFunc(slices.Clone(local.Deny), screenname.SameAs(self))
	}
	return local.List, cfg, selfBlocked, err
}

// localSide is the config file's list, and whether it has the blocked
// and allowed keys.
type localSide struct {
	buddylist.List
	hasDeny, hasPermit bool
}

// localList returns the user's copy: the config file as it is on disk
// now, and the config to write into. Without a config file (or a way to
// read it again) it is the account's buddies as commands left them, each
// in its group on the server (else in the base, else DefaultGroup).
func (c *Client) localList(remote, base buddylist.List) (localSide, *config.Config, error) {
	if c.opts.Config != nil && c.opts.Reload != nil {
		cfg, err := c.opts.Reload()
		if err == nil {
			var l buddylist.List
			for _, g := range cfg.Buddies {
				l.Groups = append(l.Groups, buddylist.Group{Name: g.Group, Buddies: slices.Clone(g.Names)})
			}
			l.Deny, l.Permit = slices.Clone(cfg.Blocked), slices.Clone(cfg.Allowed)
			l.Privacy = privacyCodes[cfg.Privacy]
			return localSide{List: l, hasDeny: cfg.Blocked != nil, hasPermit: cfg.Allowed != nil}, cfg, nil
		}
		// A file that does not load is not an empty list: nothing
		// changes on this side.
		return localSide{List: base.Clone(), hasDeny: true, hasPermit: true}, nil, fmt.Errorf("reading the config file: %w", err)
	}
	// Without a config file the session's buddies are the list: nil
	// means it was given none (a session of one command that does not
	// use them), which is no opinion of the server's list, not an empty
	// one; wiping the server's list for it would lose every buddy.
	buddies := c.live.account().Buddies
	if buddies == nil {
		return localSide{List: base.Clone()}, nil, nil
	}
	groupOf := map[string]string{}
	for _, from := range []buddylist.List{base, remote} {
		for _, g := range from.Groups {
			for _, n := range g.Buddies {
				groupOf[screenname.Normalize(n)] = g.Name
			}
		}
	}
	// The groups it knows (the last synced list's) stay, in their order,
	// empty ones too: the session has no groups of its own to remove
	// them by.
	var l buddylist.List
	at := map[string]int{}
	for _, g := range base.Groups {
		if _, ok := at[g.Name]; !ok {
			at[g.Name] = len(l.Groups)
			l.Groups = append(l.Groups, buddylist.Group{Name: g.Name})
		}
	}
	for _, n := range buddies {
		g, ok := groupOf[screenname.Normalize(n)]
		if !ok {
			g = config.DefaultGroup
		}
		i, ok := at[g]
		if !ok {
			i = len(l.Groups)
			at[g] = i
			l.Groups = append(l.Groups, buddylist.Group{Name: g})
		}
		l.Groups[i].Buddies = append(l.Groups[i].Buddies, n)
	}
	return localSide{List: l}, nil, nil
}

// writeDown makes the config file's list (or, without one, the
// session's) take the changes that came from the server (buddies added,
// removed, moved), through the config's locked, layout-keeping edits, and
// returns those made. A change the file cannot hold (a group name with a
// line break, a name that is not a screen name) is left out, with a
// sentence in notWritten saying what and why; the others go on. Any other
// error (the file could not be locked or written) stops it. The changes
// are one edit of the file (config.Batch), written once after the last:
// a first sync that brings down 200 buddies is one write, not 200.
func (c *Client) writeDown(cfg *config.Config, changes []buddylist.Change) (done []buddylist.Change, notWritten []string, err error) {
	if cfg == nil || len(changes) == 0 {
		return c.writeDownTo(cfg, changes)
	}
	var stopped error
	err = cfg.Batch(func(b *config.Config) error {
		done, notWritten, stopped = c.writeDownTo(b, changes)
		return stopped
	})
	if err != nil && stopped == nil { // the file was not written
		done = []buddylist.Change{}
	}
	return done, notWritten, err
}

// writeDownTo is writeDown's loop, with cfg the Batch (or nil).
func (c *Client) writeDownTo(cfg *config.Config, changes []buddylist.Change) (done []buddylist.Change, notWritten []string, err error) {
	done = []buddylist.Change{}
	for _, ch := range changes {
		var err error
		switch ch.Kind {
		case buddylist.BuddyAdded:
			if cfg != nil {
				_, _, err = cfg.AddBuddies([]string{ch.Name}, ch.Group)
			}
			if err == nil {
				c.live.addBuddy(ch.Name)
			}
		case buddylist.BuddyRemoved:
			if cfg != nil {
				_, _, err = cfg.RemoveBuddies([]string{ch.Name})
			}
			if err == nil {
				c.live.removeBuddy(ch.Name)
			}
		case buddylist.BuddyMoved:
			if cfg == nil {
				break
			}
			var moved []string // in one edit, as aim buddies move does
			if moved, _, err = cfg.MoveBuddies([]string{ch.Name}, ch.Group); err == nil && len(moved) == 0 {
				_, _, err = cfg.AddBuddies([]string{ch.Name}, ch.Group)
			}
		case buddylist.DenyAdded, buddylist.PermitAdded:
			if cfg != nil {
				_, _, err = cfg.AddNames(listKey(ch.Kind), []string{ch.Name})
			}
		case buddylist.DenyRemoved, buddylist.PermitRemoved:
			if cfg != nil {
				_, _, err = cfg.RemoveNames(listKey(ch.Kind), []string{ch.Name})
			}
		case buddylist.PrivacyChanged:
			if mode := privacyName(ch.Name); cfg != nil && mode != "" {
				err = cfg.SetPrivacy(mode)
			}
		default:
			continue // groups follow their buddies
		}
		var bad *config.SettingError
		switch {
		case errors.As(err, &bad):
			notWritten = append(notWritten, notWrittenText(ch, bad))
		case err != nil:
			return done, notWritten, err
		default:
			done = append(done, ch)
		}
	}
	return done, notWritten, nil
}

// duplicateNotes says in sentences what a sync did with the entries of
// buddies the server lists in more than one group: each entry left alone,
// the first time it is seen (prev, the server's list as the last sync saw
// it, lacks it), and each one deleted with its buddy's move or removal
// (after, the server's list now, lacks it).
func duplicateNotes(dups []buddylist.Duplicate, prev, after *buddylist.Feedbag) []string {
	var out []string
	for _, d := range dups {
		switch {
		case d.Deleted && after.Has(d.Item):
		case d.Deleted && d.ShownIn == "":
			out = append(out, d.Name+" was also in the group "+d.Group+" on the server: taken out of it too, since "+d.Name+" was removed")
		case d.Deleted:
			out = append(out, d.Name+" was also in the group "+d.Group+" on the server: taken out of it, since "+d.Name+" now goes in "+d.ShownIn+" only")
		case prev.Has(d.Item):
		case d.Group == d.ShownIn:
			out = append(out, d.Name+" is listed twice in the group "+d.Group+" on the server: aim leaves the second entry alone")
		default:
			out = append(out, d.Name+" is also in the group "+d.Group+" on the server (another client put it there): aim keeps "+d.Name+" in "+d.ShownIn+" only and leaves that entry alone")
		}
	}
	return out
}

// notWrittenText says in a sentence which change from the server the
// config file could not take, and why.
func notWrittenText(ch buddylist.Change, err *config.SettingError) string {
	what := ch.Name
	if ch.Group != "" {
		what += " in the group " + strconv.Quote(ch.Group)
	}
	why := err.Reason
	if err.Err != nil {
		why = err.Err.Error()
	}
	if err.Key == "group" {
		why = "the group's name " + why
	}
	return "the server's list has " + what + ", which the config file cannot hold (" + why + "): left out of the file, kept on the server"
}

// taken returns the changes of got that are also in meant: the same kind,
// buddy or entry (as a screen name; a group's name case-folded, for a
// group's change), group and from (case-folded). The key says it all:
// screenname.Normalize is equal exactly when screenname.Same holds, and
// foldKey exactly when strings.EqualFold does.
func taken(got, meant []buddylist.Change) []buddylist.Change {
	key := func(c buddylist.Change) string {
		name := screenname.Normalize(c.Name)
		if c.Kind == buddylist.GroupAdded || c.Kind == buddylist.GroupRemoved {
			name = foldKey(c.Name)
		}
		return string(c.Kind) + "\x00" + name + "\x00" + foldKey(c.Group) + "\x00" + foldKey(c.From)
	}
	want := make(map[string]bool, len(meant))
	for _, m := range meant {
		want[key(m)] = true
	}
	return slices.DeleteFunc(got, func(g buddylist.Change) bool { return !want[key(g)] })
}

// foldKey is the same for two strings exactly when strings.EqualFold says
// they are equal: each rune is replaced by the least of its case-folding
// orbit.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// withoutTyping drops the typing preference from a list of changes: aim
// always sets it, and it is no news to the user.
func withoutTyping(cs []buddylist.Change) []buddylist.Change {
	out := slices.DeleteFunc(cs, func(c buddylist.Change) bool { return c.Kind == buddylist.TypingChanged })
	if out == nil {
		out = []buddylist.Change{}
	}
	return out
}

// refusal says in a sentence what the server refused.
func refusal(r buddylist.Rejected) string {
	return r.Sentence() + "; it goes up again at the next sync"
}

// BuddyListSynced reports a sync of the buddy list with the list the
// server keeps (at signon, and after each change) that moved something.
type BuddyListSynced struct {
	Head
	Up       []buddylist.Change `json:"up"`                 // what the server's list took
	Down     []buddylist.Change `json:"down"`               // what the config file took
	Refused  []string           `json:"refused,omitempty"`  // items the server refused, each a sentence
	Repaired []string           `json:"repaired,omitempty"` // inconsistencies found in the server's list
	Notes    []string           `json:"notes,omitempty"`    // what was left alone, and why, each a sentence
	Error    string             `json:"error,omitempty"`
}

func (o *BuddyListSynced) empty() bool {
	return len(o.Up)+len(o.Down)+len(o.Refused)+len(o.Notes) == 0 && o.Error == ""
}

// BuddyListChanged is another session of the account having changed the
// list the server keeps; a buddy_list_synced follows with what the config
// file took.
type BuddyListChanged struct {
	Head
	Changes []buddylist.Change `json:"changes"`
}

func (*BuddyListSynced) Kind() string  { return "buddy_list_synced" }
func (*BuddyListChanged) Kind() string { return "buddy_list_changed" }

func syncedText(e *BuddyListSynced) string {
	var parts []string
	if len(e.Up) > 0 {
		parts = append(parts, "sent to the server: "+changesText(e.Up))
	}
	if len(e.Down) > 0 {
		parts = append(parts, "from the server: "+changesText(e.Down))
	}
	if len(parts) == 0 {
		parts = append(parts, "no changes")
	}
	s := "buddy list synced: " + strings.Join(parts, "; ")
	for _, r := range slices.Concat(e.Refused, e.Notes) {
		s += "\n" + strings.Repeat(" ", stampWidth) + r
	}
	if e.Error != "" {
		s += "\n" + strings.Repeat(" ", stampWidth) + "error: " + e.Error
	}
	return s
}

// changesText says a list of changes in words: "added Lab Bob (Friends),
// removed LabDave". A group made or emptied with a buddy that went into it
// or out of it goes without saying: "added Lab Bob (Friends)" says it.
func changesText(cs []buddylist.Change) string {
	words := make([]string, 0, len(cs))
	saidWith := func(group string, kinds ...buddylist.ChangeKind) bool {
		return slices.ContainsFunc(cs, func(c buddylist.Change) bool {
			g := c.Group
			if c.Kind == buddylist.BuddyMoved && kinds[0] == buddylist.BuddyRemoved {
				g = c.From
			}
			return slices.Contains(kinds, c.Kind) && strings.EqualFold(g, group)
		})
	}
	for _, c := range cs {
		var w string
		switch c.Kind {
		case buddylist.BuddyAdded:
			w = "added " + c.Name + " (" + c.Group + ")"
		case buddylist.BuddyRemoved:
			w = "removed " + c.Name
		case buddylist.BuddyMoved:
			w = "moved " + c.Name + " to " + c.Group
		case buddylist.GroupAdded:
			if saidWith(c.Name, buddylist.BuddyAdded, buddylist.BuddyMoved) {
				continue
			}
			w = "new group " + c.Name
		case buddylist.GroupRemoved:
			if saidWith(c.Name, buddylist.BuddyRemoved, buddylist.BuddyMoved) {
				continue
			}
			w = "group " + c.Name + " emptied"
		case buddylist.DenyAdded:
			w = "blocked " + c.Name
		case buddylist.DenyRemoved:
			w = "unblocked " + c.Name
		case buddylist.PermitAdded:
			w = "allowed " + c.Name
		case buddylist.PermitRemoved:
			w = "disallowed " + c.Name
		case buddylist.PrivacyChanged:
			w = "privacy: " + whoCanMessage(c.Name)
		default:
			continue
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return "nothing"
	}
	return strings.Join(words, ", ")
}

// whoCanMessage says who can reach you under a privacy mode, in a
// person's words ("anyone can message you"), not the mode's name.
func whoCanMessage(mode string) string {
	switch mode {
	case config.PrivacyAllowAll:
		return "anyone can message you"
	case config.PrivacyBlockAll:
		return "no one can message you"
	case config.PrivacyAllowBuddies:
		return "only your buddies can message you"
	case config.PrivacyAllowPermit:
		return "only the users on your allowed list can message you"
	case config.PrivacyBlockDeny:
		return "anyone but the users you blocked can message you"
	}
	return mode
}

// syncAfterEdit syncs the list at once after a command changed it, reports
// the sync, and returns what the server refused as an error (nil also
// when the session has no server list).
func (c *Client) syncAfterEdit(ctx context.Context, sess *bos.Session) error {
	o := c.syncList(ctx, sess)
	if o == nil {
		return nil
	}
	if !o.empty() {
		c.emit(o)
	}
	if len(o.Refused) > 0 {
		return errors.New(strings.Join(o.Refused, "; "))
	}
	if o.Error != "" {
		return errors.New(o.Error)
	}
	return nil
}

// listChanged carries a command's change of the buddy list to the server:
// a sync with the list it keeps, or without one, send (03,04 or 03,05).
func (c *Client) listChanged(x *call, send func() error) error {
	if x.sess.Feedbag() == nil {
		return send()
	}
	if x.batch { // the last of the batch syncs (eachOr)
		return nil
	}
	return c.syncAfterEdit(x.ctx, x.sess)
}

// privacyCodes maps the config file's privacy modes to the pdinfo item's.
var privacyCodes = map[string]buddylist.PrivacyMode{
	config.PrivacyAllowAll:     buddylist.PrivacyAllowAll,
	config.PrivacyBlockAll:     buddylist.PrivacyBlockAll,
	config.PrivacyAllowPermit:  buddylist.PrivacyAllowPermit,
	config.PrivacyBlockDeny:    buddylist.PrivacyBlockDeny,
	config.PrivacyAllowBuddies: buddylist.PrivacyAllowBuddies,
}

// privacyName returns the config file's name of the mode a Change names
// (the words of the list's Privacy), or "".
func privacyName(words string) string {
	for name, code := range privacyCodes {
		if code.String() == words {
			return name
		}
	}
	return ""
}

func listKey(k buddylist.ChangeKind) string {
	if k == buddylist.DenyAdded || k == buddylist.DenyRemoved {
		return config.KeyBlocked
	}
	return config.KeyAllowed
}

// noteKeepsNoIMs records whether server keeps no IMs for offline users,
// as a session there found at signon (bos.Session.KeepsNoIMs): set for
// it, or cleared when it was set for it (the server was upgraded).
func (s *syncer) noteKeepsNoIMs(server string, none bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load() // a bad file is set aside: this starts a new one
	switch cur := s.state.KeepsNoIMs; {
	case none && cur != server:
		s.state.KeepsNoIMs = server
	case !none && cur == server:
		s.state.KeepsNoIMs = ""
	default:
		return nil
	}
	return s.save()
}

// KeepsNoIMs reports whether a session in the state directory dir found
// at its last signon to server that it keeps no IMs for offline users.
func KeepsNoIMs(dir, server string) bool {
	st, ok := readState(dir)
	return ok && server != "" && st.KeepsNoIMs == server
}

// SyncedList returns the buddy list as last synced with the server, kept
// in the state directory dir (false when there is none): the server's
// order, for a list printed without a session.
func SyncedList(dir string) (buddylist.List, bool) {
	st, ok := readState(dir)
	return st.Base, ok
}

// readState reads the state directory dir for a command with no session
// (false when there is no state, or it does not read); unlike a syncer's
// load, it leaves a bad file where it is.
func readState(dir string) (savedState, bool) {
	var st savedState
	if dir == "" {
		return st, false
	}
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil || json.Unmarshal(b, &st) != nil {
		return savedState{}, false
	}
	return st, true
}
