package buddylist

// Reconcile returns the base for the next Merge after a sync: what the
// local copy and the server's agree on, and for the rest what base said.
// Each buddy (present or not, and its group), each group, each permit and
// deny entry, the privacy mode and the typing bit is taken from remote
// where local and remote agree on it, and from base where they do not.
//
// Call it with the local list as the sync left it and the server's list as
// it is after the sync's edits; an edit the server refused, or one not
// written into the local copy, then keeps its old base and is merged again
// next time, while each one that reached both sides counts as synced. A
// sync cut off after it sent edits (the connection lost, the process
// killed) is reconciled the same way at the next sync, with the local
// list it was sending (saved before it sent anything) and the server's
// list as it is then: what the server took counts as synced, so a later
// local removal of it is a removal, not a server addition to put back.
//
// The result follows the server's order (then base's): it is also the
// list shown in the server's order. The inputs are not changed.
func Reconcile(base, local, remote List) List {
	bx, lx, rx := index(base), index(local), index(remote)
	agreed := func(k string) (placed, bool) { // the buddy's place in the result, if any
		l, inL := lx.byName[k]
		r, inR := rx.byName[k]
		if inL == inR && (!inL || l.gkey == r.gkey) {
			return r, inR
		}
		b, inB := bx.byName[k]
		return b, inB
	}
	hasGroup := func(k string) bool {
		if lx.hasGroup(k) == rx.hasGroup(k) {
			return rx.hasGroup(k)
		}
		return bx.hasGroup(k)
	}

	var out List
	at := map[string]int{}
	addGroup := func(key, name string) int {
		if i, ok := at[key]; ok {
			return i
		}
		at[key] = len(out.Groups)
		out.Groups = append(out.Groups, Group{Name: name})
		return at[key]
	}
	sources := []*indexed{rx, bx, lx}
	for _, x := range sources {
		for _, g := range x.groups {
			if hasGroup(g.key) {
				addGroup(g.key, g.name)
			}
		}
	}
	done := map[string]bool{}
	for _, x := range sources {
		for _, g := range x.groups {
			for _, n := range g.buddies {
				p, ok := agreed(n.key)
				if !ok || done[n.key] || p.gkey != g.key {
					continue
				}
				done[n.key] = true
				i := addGroup(p.gkey, p.group) // a group a buddy is in is there
				out.Groups[i].Buddies = append(out.Groups[i].Buddies, n.name)
			}
		}
	}
	out.Permit = reconcileNames(base.Permit, local.Permit, remote.Permit)
	out.Deny = reconcileNames(base.Deny, local.Deny, remote.Deny)
	out.Privacy = base.Privacy
	if local.Privacy == remote.Privacy {
		out.Privacy = remote.Privacy
	}
	out.Typing = base.Typing
	if local.Typing == remote.Typing {
		out.Typing = remote.Typing
	}
	return out
}

// reconcileNames is Reconcile for a permit or deny list.
func reconcileNames(base, local, remote []string) []string {
	var out []string
	for _, from := range [][]string{remote, base, local} {
		for _, n := range from {
			inL, inR := containsName(local, n), containsName(remote, n)
			keep := inR
			if inL != inR {
				keep = containsName(base, n)
			}
			if keep && !containsName(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}
