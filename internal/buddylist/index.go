package buddylist

import "github.com/aim-oscar/aim/internal/screenname"

// indexed is a List with every name's comparison form computed once.
type indexed struct {
	l      List
	groups []ixGroup
	byName map[string]placed // normalized buddy name → its first place
	member map[string]map[string]bool
}

type ixGroup struct {
	name, key string
	buddies   []ixBuddy
}

type ixBuddy struct {
	name, key string
}

// placed is where a buddy is in a list.
type placed struct {
	group, gkey, spelling string
}

func index(l List) *indexed {
	x := &indexed{l: l, groups: make([]ixGroup, len(l.Groups)), byName: make(map[string]placed, l.Len())}
	x.member = make(map[string]map[string]bool, len(l.Groups))
	for i, g := range l.Groups {
		ig := &x.groups[i]
		ig.name, ig.key = groupName(g.Name), groupKey(g.Name)
		ig.buddies = make([]ixBuddy, len(g.Buddies))
		set := x.member[ig.key]
		if set == nil {
			set = make(map[string]bool, len(g.Buddies))
			x.member[ig.key] = set
		}
		for j, n := range g.Buddies {
			k := screenname.Normalize(n)
			ig.buddies[j] = ixBuddy{n, k}
			set[k] = true
			if _, dup := x.byName[k]; !dup {
				x.byName[k] = placed{ig.name, ig.key, n}
			}
		}
	}
	return x
}

func (x *indexed) hasGroup(key string) bool {
	_, ok := x.member[key]
	return ok
}
