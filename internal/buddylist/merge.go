package buddylist

import "github.com/aim-oscar/aim/internal/screenname"

// Merged is the result of Merge.
type Merged struct {
	List List // the list both sides should now hold
	// Up is what the server lacks (Diff(remote, List)), to report; to send
	// it, Plan List on the server's Feedbag.
	Up []Change
	// Down is what the local copy lacks (Diff(local, List)): write it to
	// the config file.
	Down []Change
	// RemoteLost is set when the server's list had no group and no buddy
	// while the last synced copy had some: a list the server lost (or the
	// 2025 release's group delete wiped) is not taken as the user removing
	// everything. Nothing is removed locally; the local list goes up.
	RemoteLost bool
}

// Merge merges three copies of a list: base as last synced with the server,
// local as the user's config file has it, remote as the server has it now.
// What changed on one side since base is kept: an add on either side wins;
// a removal on one side of something the other side did not touch (a buddy
// not moved, a group whose buddies did not change) is a removal; a buddy
// moved on both sides goes where the local side put it. Names and groups
// keep the local spelling, else base's, else the server's. Order follows the
// local list, with what only the server has after it in the server's order.
// The inputs are not changed.
func Merge(base, local, remote List) Merged {
	var m Merged
	if remote.Len() == 0 && len(remote.Groups) == 0 && (base.Len() > 0 || len(base.Groups) > 0) {
		m.RemoteLost = true
		base = List{Permit: base.Permit, Deny: base.Deny, Privacy: base.Privacy, Typing: base.Typing}
	}
	bx, lx, rx := index(base), index(local), index(remote)

	// Buddies: whether each one stays, the key of the group it ends up in,
	// and its spelling.
	type fate struct {
		kept           bool
		gkey, spelling string
	}
	where := make(map[string]fate, len(lx.byName)+len(rx.byName))
	decide := func(k string) {
		if _, done := where[k]; done {
			return
		}
		b, inB := bx.byName[k]
		l, inL := lx.byName[k]
		r, inR := rx.byName[k]
		var f fate
		switch {
		case inL && inR:
			f.kept, f.gkey = true, l.gkey
			if inB && l.gkey == b.gkey { // only the server moved it (or nobody did)
				f.gkey = r.gkey
			}
		case inL: // kept unless the server removed it and the user did not move it
			if !inB || l.gkey != b.gkey {
				f.kept, f.gkey = true, l.gkey
			}
		case inR: // kept unless the user removed it and the server did not move it
			if !inB || r.gkey != b.gkey {
				f.kept, f.gkey = true, r.gkey
			}
		}
		switch {
		case inL:
			f.spelling = l.spelling
		case inB:
			f.spelling = b.spelling
		default:
			f.spelling = r.spelling
		}
		where[k] = f
	}
	for k := range lx.byName {
		decide(k)
	}
	for k := range rx.byName {
		decide(k)
	}

	// Groups: present when a buddy ends up in it, or by the same rule as a
	// buddy, a group "touched" when its buddies changed since base.
	keep := map[string]bool{}
	for _, f := range where {
		if f.kept {
			keep[f.gkey] = true
		}
	}
	groupName := map[string]string{} // key → spelling: local, else base, else the server's
	for _, x := range []*indexed{lx, bx, rx} {
		for _, g := range x.groups {
			if _, ok := groupName[g.key]; !ok {
				groupName[g.key] = g.name
			}
		}
	}
	for k := range groupName {
		bs, inB := bx.member[k]
		ls, inL := lx.member[k]
		rs, inR := rx.member[k]
		switch {
		case inL && inR:
			keep[k] = true
		case inL:
			keep[k] = keep[k] || !inB || !sameSet(ls, bs)
		case inR:
			keep[k] = keep[k] || !inB || !sameSet(rs, bs)
		}
	}

	// Lay the list out: the local order, then the server's.
	var out List
	at := map[string]int{}
	addGroup := func(key string) int {
		if i, ok := at[key]; ok {
			return i
		}
		at[key] = len(out.Groups)
		out.Groups = append(out.Groups, Group{Name: groupName[key]})
		return at[key]
	}
	for _, x := range []*indexed{lx, rx} {
		for _, g := range x.groups {
			if keep[g.key] {
				addGroup(g.key)
			}
		}
	}
	done := make(map[string]bool, len(where))
	for pass, x := range []*indexed{lx, rx, bx, lx, rx} {
		for _, g := range x.groups {
			for _, n := range g.buddies {
				f := where[n.key]
				// First each buddy in its list's order where that list
				// has it in the group it ends up in; then the rest.
				if !f.kept || done[n.key] || (pass < 3 && f.gkey != g.key) {
					continue
				}
				done[n.key] = true
				i := addGroup(f.gkey)
				out.Groups[i].Buddies = append(out.Groups[i].Buddies, f.spelling)
			}
		}
	}

	out.Permit = mergeNames(base.Permit, local.Permit, remote.Permit)
	out.Deny = mergeNames(base.Deny, local.Deny, remote.Deny)
	out.Privacy = remote.Privacy
	if local.Privacy != base.Privacy && local.Privacy != 0 {
		out.Privacy = local.Privacy
	}
	out.Typing = remote.Typing
	if local.Typing != base.Typing {
		out.Typing = local.Typing
	}
	m.List = out
	ox := index(out)
	m.Up = diff(rx, ox)
	m.Down = diff(lx, ox)
	return m
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// mergeNames merges a permit or deny list the way Merge merges buddies:
// an add on either side wins, a removal on one side is a removal.
func mergeNames(base, local, remote []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		k := screenname.Normalize(n)
		if !seen[k] {
			seen[k] = true
			if s, ok := spellingIn(local, n); ok {
				n = s
			} else if s, ok := spellingIn(base, n); ok {
				n = s
			}
			out = append(out, n)
		}
	}
	for _, n := range local {
		if containsName(remote, n) || !containsName(base, n) {
			add(n)
		}
	}
	for _, n := range remote {
		if containsName(local, n) || !containsName(base, n) {
			add(n)
		}
	}
	return out
}

func spellingIn(names []string, n string) (string, bool) {
	for _, x := range names {
		if screenname.Same(x, n) {
			return x, true
		}
	}
	return "", false
}
