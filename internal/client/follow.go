package client

import (
	"context"
	"sort"

	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// follow applies changes to the config file to the live session, so `aim
// buddies add` or `aim set-profile` in another terminal takes effect at
// once. Each version of the file is compared with the one before it, not
// with the session, so a live `away` is not undone by an unrelated edit.
// It returns when ctx ends.
func (c *Client) follow(ctx context.Context, w *config.Watcher, prev *config.Config) {
	err := w.Run(ctx, func() {
		cfg, err := c.opts.Reload()
		if err != nil {
			c.emit(&ConfigError{Error: err.Error()})
			return
		}
		c.apply(ctx, prev, cfg)
		prev = cfg
	})
	if err != nil && ctx.Err() == nil {
		c.emit(&ConfigError{Error: err.Error(), Stopped: true})
	}
}

// buddySet maps normalized names to the names as written.
func buddySet(groups []config.BuddyGroup) map[string]string {
	m := map[string]string{}
	for _, g := range groups {
		for _, n := range g.Names {
			m[screenname.Normalize(n)] = n
		}
	}
	return m
}

// nameChanges lists the names of now that before lacks (added) and
// those of before that now lacks (removed), compared as screen names.
func nameChanges(before, now []string) (added, removed []string) {
	had, has := map[string]bool{}, map[string]bool{}
	for _, n := range before {
		had[screenname.Normalize(n)] = true
	}
	for _, n := range now {
		has[screenname.Normalize(n)] = true
		if !had[screenname.Normalize(n)] {
			added = append(added, n)
		}
	}
	for _, n := range before {
		if !has[screenname.Normalize(n)] {
			removed = append(removed, n)
		}
	}
	return added, removed
}

// apply applies what changed from prev to cfg (buddies, profile, away
// message) to the session, and reports it. What the session has already
// (a command's add, profile or away, saved to the file: aim set-away) is
// not news, and is not sent again.
func (c *Client) apply(ctx context.Context, prev, cfg *config.Config) {
	c.sync.request() // the list the server keeps follows the file too
	if c.live.setSettings(cfg) {
		poke(c.wake)
	}
	had, want := buddySet(prev.Buddies), buddySet(cfg.Buddies)
	acct := c.live.account()
	live := map[string]bool{}
	for _, n := range acct.Buddies {
		live[screenname.Normalize(n)] = true
	}
	// A text the file says now is news when it changed since the last read,
	// is not what the session has, and was not written by the session's
	// own commands (a read may lag behind them).
	news := func(field, now, before, has string) bool {
		return now != before && !c.live.savedRead(field, now) && now != has
	}
	ev := &ConfigApplied{Added: []string{}, Removed: []string{},
		Profile: news("profile", cfg.Profile, prev.Profile, acct.Profile),
		Away:    news("away", cfg.Away, prev.Away, acct.Away)}
	for k, n := range want {
		if _, ok := had[k]; !ok && !live[k] {
			ev.Added = append(ev.Added, n)
		}
	}
	for k, n := range had {
		if _, ok := want[k]; !ok && live[k] {
			ev.Removed = append(ev.Removed, n)
		}
	}
	ev.NotifyOff, ev.NotifyOn = nameChanges(prev.Quiet, cfg.Quiet)
	if len(ev.Added)+len(ev.Removed)+len(ev.NotifyOff)+len(ev.NotifyOn) == 0 && !ev.Profile && !ev.Away {
		return
	}
	sort.Strings(ev.Added)
	sort.Strings(ev.Removed)
	for _, n := range ev.Added {
		c.live.addBuddy(n)
	}
	for _, n := range ev.Removed {
		c.live.removeBuddy(n)
	}
	if ev.Profile {
		c.live.setProfile(cfg.Profile)
	}
	if ev.Away {
		c.live.setAway(cfg.Away)
	}
	// Offline (reconnecting): the next signon uploads the new settings.
	if sess := c.live.current(); sess != nil {
		var err error
		if len(ev.Added) > 0 {
			err = sess.AddBuddies(ctx, ev.Added...)
		}
		if err == nil && len(ev.Removed) > 0 {
			err = sess.RemoveBuddies(ctx, ev.Removed...)
		}
		if err == nil && ev.Profile {
			err = sess.SetProfile(ctx, cfg.Profile)
		}
		if err == nil && ev.Away {
			err = sess.SetAway(ctx, cfg.Away)
		}
		if err != nil {
			ev.Error = err.Error()
		}
	}
	c.emit(ev)
}
