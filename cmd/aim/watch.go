package main

import (
	"context"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/oscar"
)

// followConfig applies changes to the config file to the live session, so
// `aim buddies add` or `aim set-profile` in another terminal takes effect
// at once. It returns when ctx ends.
func followConfig(ctx context.Context, path string, out *printer, lv *live) {
	err := config.Watch(ctx, path, func() {
		cfg, err := config.Load(config.Options{Path: path})
		if err != nil {
			out.emit(stamp(time.Now())+" config file changed but cannot be used: "+err.Error(),
				record{"type": "config_error", "error": err.Error()})
			return
		}
		applyConfig(ctx, cfg, out, lv)
	})
	if err != nil && ctx.Err() == nil {
		out.emit(stamp(time.Now())+" not following config file changes: "+err.Error(),
			record{"type": "config_error", "error": err.Error()})
	}
}

// applyConfig brings the session to the buddies, profile and away message
// of cfg, and reports what changed.
func applyConfig(ctx context.Context, cfg *config.Config, out *printer, lv *live) {
	cur := lv.account()
	want := map[string]string{}
	for _, g := range cfg.Buddies {
		for _, n := range g.Names {
			want[oscar.NormalizeScreenName(n)] = n
		}
	}
	have := map[string]bool{}
	var removed, added []string
	for _, n := range cur.Buddies {
		k := oscar.NormalizeScreenName(n)
		have[k] = true
		if _, ok := want[k]; !ok {
			removed = append(removed, n)
		}
	}
	for k, n := range want {
		if !have[k] {
			added = append(added, n)
		}
	}
	profile, away := cfg.Profile != cur.Profile, cfg.Away != cur.Away
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
