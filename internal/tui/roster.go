package tui

import (
	"time"

	"github.com/aim-oscar/aim/internal/screenname"
)

// idleMinutes is how long b has been idle at now (0: not idle).
func (b *buddy) idleMinutes(now time.Time) int {
	if b.idleSince.IsZero() {
		return 0
	}
	return max(1, int(now.Sub(b.idleSince)/time.Minute))
}

// Group is a group of the buddy list, in the server's order, with its
// buddies in theirs.
type Group struct {
	Name  string
	Names []string
}

// buddy is what the list shows of one buddy.
type buddy struct {
	name   string // as the server last formatted it
	online bool
	away   bool
	// idleSince is when the buddy went idle (zero: not idle), from the
	// minutes the server said and when: the list counts on from there.
	idleSince time.Time
	typing    string // "typing", "typed" or ""
	awayMsg   string // the away message, once asked for (info)
}

// roster is the buddy list: groups in order, and each buddy's state.
type roster struct {
	groups []rgroup
	b      map[string]*buddy // by screenname.Normalize
}

type rgroup struct {
	name string
	keys []string
}

// defaultGroup holds the buddies the session names that no group has.
const defaultGroup = "Buddies"

func newRoster(groups []Group) *roster {
	r := &roster{b: map[string]*buddy{}}
	r.setGroups(groups)
	return r
}

// setGroups replaces the groups, keeping what is known of each buddy.
func (r *roster) setGroups(groups []Group) {
	r.groups = r.groups[:0]
	for _, g := range groups {
		rg := rgroup{name: g.Name}
		for _, n := range g.Names {
			k := screenname.Normalize(n)
			if r.b[k] == nil {
				r.b[k] = &buddy{name: n}
			}
			rg.keys = append(rg.keys, k)
		}
		r.groups = append(r.groups, rg)
	}
}

// get returns the buddy named name, adding it to the default group if
// the list does not have it.
func (r *roster) get(name string) *buddy {
	k := screenname.Normalize(name)
	if b := r.b[k]; b != nil {
		return b
	}
	b := &buddy{name: name}
	r.b[k] = b
	for i := range r.groups {
		if r.groups[i].name == defaultGroup {
			r.groups[i].keys = append(r.groups[i].keys, k)
			return b
		}
	}
	r.groups = append(r.groups, rgroup{name: defaultGroup, keys: []string{k}})
	return b
}

// lookup returns the buddy named name, or nil.
func (r *roster) lookup(name string) *buddy { return r.b[screenname.Normalize(name)] }

// names are the buddies' names, for completion.
func (r *roster) names() []string {
	var out []string
	for _, g := range r.groups {
		for _, k := range g.keys {
			out = append(out, r.b[k].name)
		}
	}
	return out
}
