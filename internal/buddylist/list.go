// Package buddylist is the buddy list as aim keeps it: groups in order, each
// buddy once with the user's spelling, the permit and deny lists, the
// privacy mode and the typing preference. It reads the list a server keeps
// (the feedbag, family 0x13) even when the server's copy is inconsistent,
// plans the edits that turn the server's list into the one wanted, and
// merges three copies (the last one synced, the config file's and the
// server's) so that a change made on either side since the last sync is
// kept. It never touches the network and never prints.
package buddylist

import (
	"slices"
	"strings"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// DefaultGroup is where buddies go whose group the server's list does not
// name (an item whose group is missing, a group whose name is empty or only
// white space).
const DefaultGroup = "Buddies"

// List is one copy of a buddy list. Names keep the spelling they were
// given; two names are the same buddy when screenname.Same says so, two
// groups are the same when their names match ignoring case and the spaces
// around them. The zero value is an empty list.
type List struct {
	Groups []Group  `json:"groups"`
	Permit []string `json:"permit,omitempty"`
	Deny   []string `json:"deny,omitempty"`
	// Privacy is the mode of the pdinfo item; 0 means none (the server then
	// allows everyone).
	Privacy oscar.PrivacyMode `json:"privacy,omitempty"`
	// Typing asks the server to relay typing notifications (the buddy
	// preferences item's bit 0x00400000).
	Typing bool `json:"typing,omitempty"`
	// OfflineIMs says whether servers that keep IMs sent while the account
	// is offline may keep them for it (the buddy preferences item's
	// preference 0x34, AcceptOfflineIM); nil when the list does not say,
	// which such servers take for yes.
	OfflineIMs *bool `json:"offline_ims,omitempty"`
}

// PrivacyMode is the pdinfo item's mode (oscar.PrivacyMode), named here so
// that callers above the codec can set it.
type PrivacyMode = oscar.PrivacyMode

// The privacy modes.
const (
	PrivacyAllowAll     = oscar.PrivacyAllowAll
	PrivacyBlockAll     = oscar.PrivacyBlockAll
	PrivacyAllowPermit  = oscar.PrivacyAllowPermit
	PrivacyBlockDeny    = oscar.PrivacyBlockDeny
	PrivacyAllowBuddies = oscar.PrivacyAllowBuddies
)

// Group is one group of buddies, in order.
type Group struct {
	Name    string   `json:"name"`
	Buddies []string `json:"buddies"`
}

// Clone returns a deep copy.
func (l List) Clone() List {
	out := l
	if l.Groups != nil {
		out.Groups = make([]Group, len(l.Groups))
	}
	for i, g := range l.Groups {
		out.Groups[i] = Group{Name: g.Name, Buddies: slices.Clone(g.Buddies)}
	}
	out.Permit, out.Deny = slices.Clone(l.Permit), slices.Clone(l.Deny)
	return out
}

// Len returns the number of buddies.
func (l List) Len() int {
	n := 0
	for _, g := range l.Groups {
		n += len(g.Buddies)
	}
	return n
}

// Find returns the group and the spelling of the buddy name, if the list
// has it.
func (l List) Find(name string) (group, spelling string, ok bool) {
	for _, g := range l.Groups {
		for _, b := range g.Buddies {
			if screenname.Same(b, name) {
				return g.Name, b, true
			}
		}
	}
	return "", "", false
}

// groupName is the name a group is shown and written with: a name that
// is empty or only white space (" ", a tab, U+00A0, U+3000) names no group,
// so its buddies are in DefaultGroup.
func groupName(name string) string {
	if strings.TrimSpace(name) == "" {
		return DefaultGroup
	}
	return name
}

// groupKey is the comparison form of a group name: lower case, without the
// spaces around it. It is never empty (a blank name is DefaultGroup's), so
// no group can be taken for "no group".
func groupKey(name string) string { return strings.ToLower(strings.TrimSpace(groupName(name))) }

// SameGroup reports whether a and b name the same group (a blank name is
// DefaultGroup).
func SameGroup(a, b string) bool { return groupKey(a) == groupKey(b) }

// Add returns the list with name in group (created at the end when
// missing). A buddy already in the list moves to group and takes the new
// spelling.
func (l List) Add(name, group string) List {
	l = l.Remove(name)
	for i := range l.Groups {
		if SameGroup(l.Groups[i].Name, group) {
			l.Groups[i].Buddies = append(l.Groups[i].Buddies, name)
			return l
		}
	}
	l.Groups = append(l.Groups, Group{Name: group, Buddies: []string{name}})
	return l
}

// Remove returns the list without the buddy name (its group stays, even
// empty).
func (l List) Remove(name string) List {
	l = l.Clone()
	for i := range l.Groups {
		l.Groups[i].Buddies = slices.DeleteFunc(l.Groups[i].Buddies, func(b string) bool { return screenname.Same(b, name) })
	}
	return l
}

// KeepsOut reports whether the list's privacy settings keep name out, as
// Open OSCAR Server decides whether you block a user (its relationship
// query): block-all keeps everyone out; block-deny the users on the deny
// list; allow-permit those not on the permit list; allow-buddies those
// not on the buddy list; allow-all, or no mode set, no one. A deny or
// permit entry does nothing under another mode.
func (l List) KeepsOut(name string) bool {
	is := screenname.SameAs(name)
	switch l.Privacy {
	case PrivacyBlockAll:
		return true
	case PrivacyBlockDeny:
		return slices.ContainsFunc(l.Deny, is)
	case PrivacyAllowPermit:
		return !slices.ContainsFunc(l.Permit, is)
	case PrivacyAllowBuddies:
		_, _, buddy := l.Find(name)
		return !buddy
	}
	return false
}

// Change is one difference between two lists, from the first to the
// second.
type Change struct {
	Kind  ChangeKind `json:"kind"`
	Name  string     `json:"name,omitempty"`  // a buddy, a permit or deny entry, or a group (group kinds)
	Group string     `json:"group,omitempty"` // the buddy's group (its new group for a move)
	From  string     `json:"from,omitempty"`  // a moved buddy's old group
}

// ChangeKind says what a Change did.
type ChangeKind string

// The kinds of Change.
const (
	BuddyAdded     ChangeKind = "buddy_added"
	BuddyRemoved   ChangeKind = "buddy_removed"
	BuddyMoved     ChangeKind = "buddy_moved"
	GroupAdded     ChangeKind = "group_added"
	GroupRemoved   ChangeKind = "group_removed"
	PermitAdded    ChangeKind = "permit_added"
	PermitRemoved  ChangeKind = "permit_removed"
	DenyAdded      ChangeKind = "deny_added"
	DenyRemoved    ChangeKind = "deny_removed"
	PrivacyChanged ChangeKind = "privacy_changed" // Name holds the new mode's words
	TypingChanged  ChangeKind = "typing_changed"  // Name holds "on" or "off"
)

// Diff lists what changed from a to b: groups added and removed, buddies
// added, removed and moved, permit and deny entries, privacy and typing.
// Order and spelling changes are not listed.
func Diff(a, b List) []Change { return diff(index(a), index(b)) }

func diff(ax, bx *indexed) []Change {
	var out []Change
	for _, g := range bx.groups {
		if !ax.hasGroup(g.key) {
			out = append(out, Change{Kind: GroupAdded, Name: g.name})
		}
	}
	for _, g := range bx.groups {
		for _, n := range g.buddies {
			old, ok := ax.byName[n.key]
			switch {
			case !ok:
				out = append(out, Change{Kind: BuddyAdded, Name: n.name, Group: g.name})
			case old.gkey != g.key && bx.byName[n.key].gkey == g.key:
				out = append(out, Change{Kind: BuddyMoved, Name: n.name, Group: g.name, From: old.group})
			}
		}
	}
	for _, g := range ax.groups {
		for _, n := range g.buddies {
			if _, ok := bx.byName[n.key]; !ok {
				out = append(out, Change{Kind: BuddyRemoved, Name: n.name, Group: g.name})
			}
		}
	}
	for _, g := range ax.groups {
		if !bx.hasGroup(g.key) {
			out = append(out, Change{Kind: GroupRemoved, Name: g.name})
		}
	}
	a, b := ax.l, bx.l
	out = diffNames(out, a.Permit, b.Permit, PermitAdded, PermitRemoved)
	out = diffNames(out, a.Deny, b.Deny, DenyAdded, DenyRemoved)
	if a.Privacy != b.Privacy && b.Privacy != 0 {
		out = append(out, Change{Kind: PrivacyChanged, Name: b.Privacy.String()})
	}
	if a.Typing != b.Typing {
		out = append(out, Change{Kind: TypingChanged, Name: map[bool]string{true: "on", false: "off"}[b.Typing]})
	}
	return out
}

func diffNames(out []Change, a, b []string, added, removed ChangeKind) []Change {
	for _, n := range b {
		if !containsName(a, n) {
			out = append(out, Change{Kind: added, Name: n})
		}
	}
	for _, n := range a {
		if !containsName(b, n) {
			out = append(out, Change{Kind: removed, Name: n})
		}
	}
	return out
}

func containsName(names []string, n string) bool {
	return slices.ContainsFunc(names, func(x string) bool { return screenname.Same(x, n) })
}
