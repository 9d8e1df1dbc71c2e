package main

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/oscar"
)

// followConfig applies changes to the config file to the live session, so
// `aim buddies add` or `aim set-profile` in another terminal takes effect
// at once. Each version of the file is compared with the one before it,
// not with the session, so a live `away` is not undone by an unrelated
// edit. It returns when ctx ends.
func followConfig(ctx context.Context, w *config.Watcher, prev *config.Config, out *printer, lv *live) {
	err := w.Run(ctx, func() {
		cfg, err := config.Load(config.Options{Path: prev.Path})
		if err != nil {
			out.emit(stamp(time.Now())+" config file changed but cannot be used: "+err.Error(),
				record{"type": "config_error", "error": err.Error()})
			return
		}
		applyConfig(ctx, prev, cfg, out, lv)
		prev = cfg
	})
	if err != nil && ctx.Err() == nil {
		out.emit(stamp(time.Now())+" not following config file changes: "+err.Error(),
			record{"type": "config_error", "error": err.Error()})
	}
}

// buddySet maps normalized names to the names as written.
func buddySet(groups []config.BuddyGroup) map[string]string {
	m := map[string]string{}
	for _, g := range groups {
		for _, n := range g.Names {
			m[oscar.NormalizeScreenName(n)] = n
		}
	}
	return m
}

// applyConfig applies what changed from prev to cfg (buddies, profile, away
// message) to the session, and reports it. A buddy the session already has
// (a stdin add, saved to the file) is not news.
func applyConfig(ctx context.Context, prev, cfg *config.Config, out *printer, lv *live) {
	had, want := buddySet(prev.Buddies), buddySet(cfg.Buddies)
	live := map[string]bool{}
	for _, n := range lv.account().Buddies {
		live[oscar.NormalizeScreenName(n)] = true
	}
	var added, removed []string
	for k, n := range want {
		if _, ok := had[k]; !ok && !live[k] {
			added = append(added, n)
		}
	}
	for k, n := range had {
		if _, ok := want[k]; !ok && live[k] {
			removed = append(removed, n)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	profile, away := cfg.Profile != prev.Profile, cfg.Away != prev.Away
	if len(added)+len(removed) == 0 && !profile && !away {
		return
	}
	for _, n := range added {
		lv.addBuddy(n)
	}
	for _, n := range removed {
		lv.removeBuddy(n)
	}
	if profile {
		lv.setProfile(cfg.Profile)
	}
	if away {
		lv.setAway(cfg.Away)
	}
	rec := record{"type": "config_applied", "added": nonNil(added), "removed": nonNil(removed), "profile": profile, "away": away}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "added "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "removed "+strings.Join(removed, ", "))
	}
	if profile {
		parts = append(parts, "profile updated")
	}
	if away {
		parts = append(parts, "away message updated")
	}
	// Offline (reconnecting): the next signon uploads the new settings.
	if sess := lv.current(); sess != nil {
		var err error
		if len(added) > 0 {
			err = sess.AddBuddies(ctx, added...)
		}
		if err == nil && len(removed) > 0 {
			err = sess.RemoveBuddies(ctx, removed...)
		}
		if err == nil && profile {
			err = sess.SetProfile(ctx, cfg.Profile)
		}
		if err == nil && away {
			err = sess.SetAway(ctx, cfg.Away)
		}
		if err != nil {
			rec["error"] = err.Error()
			parts = append(parts, "but the server did not take it: "+err.Error())
		}
	}
	out.emit(stamp(time.Now())+" config file changed: "+strings.Join(parts, "; "), rec)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
