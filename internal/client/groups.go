package client

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// CommandBuddiesList names the result of aim buddies list, which reads the
// config file alone.
const CommandBuddiesList = "buddies list"

// ListGroups is the config file's buddy list as a result (aim buddies
// list): its groups in the order of the list as last synced with the
// server (kept in the state directory), what the server has not seen yet
// last in its group; in words, each group with its buddies below it.
func ListGroups(cfg *config.Config, now time.Time) *Result {
	r := &Result{Command: CommandBuddiesList, OK: true, Summary: "no buddies yet (add one with: aim buddies add NAME)"}
	groups := cfg.Buddies
	if synced, ok := SyncedList(cfg.StateDir(cfg.ScreenName)); ok {
		groups = InServerOrder(groups, synced)
	}
	if len(groups) > 0 {
		r.Groups = groups
		var b strings.Builder
		for i, g := range groups {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s (%d)", g.Group, len(g.Names))
			for _, n := range g.Names {
				b.WriteString("\n  " + n)
			}
		}
		r.Summary = b.String()
	}
	return Stamp(r, now).(*Result)
}

// InServerOrder returns the config file's groups in the order of the list
// as last synced with the server (kept in the state directory), groups and
// buddies it does not have after the others.
func InServerOrder(groups []config.BuddyGroup, synced buddylist.List) []config.BuddyGroup {
	rank := func(order []string, same func(a, b string) bool, x string) int {
		if i := slices.IndexFunc(order, func(o string) bool { return same(o, x) }); i >= 0 {
			return i
		}
		return len(order)
	}
	var gorder []string
	border := map[string][]string{}
	for _, g := range synced.Groups {
		gorder = append(gorder, g.Name)
		border[strings.ToLower(strings.TrimSpace(g.Name))] = g.Buddies
	}
	same := func(a, b string) bool { return screenname.Normalize(a) == screenname.Normalize(b) }
	out := make([]config.BuddyGroup, len(groups))
	for i, g := range groups {
		names := slices.Clone(g.Names)
		order := border[strings.ToLower(strings.TrimSpace(g.Group))]
		slices.SortStableFunc(names, func(a, b string) int { return rank(order, same, a) - rank(order, same, b) })
		out[i] = config.BuddyGroup{Group: g.Group, Names: names}
	}
	slices.SortStableFunc(out, func(a, b config.BuddyGroup) int {
		return rank(gorder, buddylist.SameGroup, a.Group) - rank(gorder, buddylist.SameGroup, b.Group)
	})
	return out
}
