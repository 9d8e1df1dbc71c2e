package buddylist

import (
	"hash/fnv"
	"slices"
	"strconv"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// PlanOptions says what the server is known to do.
type PlanOptions struct {
	// DeletesByID is set when the server is known to delete an item by its
	// group id and item id (the 2026 release). Without it (the zero value,
	// safe with any server) Plan never deletes a group item, nor an item
	// whose item id another item shares: the 2025 release deletes by item
	// id alone, so one group delete wipes every group. An unwanted group
	// is emptied and left out of the root group's order instead.
	DeletesByID bool
}

// Transaction is the edits that turn the server's list into the one
// wanted. Send 13,11 (oscar.FeedbagStartCluster), then each edit's
// Message, waiting for its 13,0E and passing the codes to
// Feedbag.Confirm, then 13,12 (oscar.Empty(oscar.TypeFeedbagEndCluster)).
type Transaction struct {
	Edits []Edit
	// Repaired lists the inconsistencies of the server's list this
	// transaction also fixes (order lists, a missing root group).
	Repaired []Problem
	// Kept lists the items that should go but are not deleted: their item
	// id is shared with another item, which a server deleting by item id
	// (the 2025 release) would delete too. Their entries stay in the
	// server's list.
	Kept []Problem
	// Duplicates lists the entries of buddies the server has in more
	// than one group (another client put them there) other than the one
	// the list shows: left alone while the buddy stays where it is shown,
	// deleted with it when it is moved or removed. Each is worth a
	// sentence to the user.
	Duplicates []Duplicate
}

// Duplicate is an entry of a buddy the server lists in more than one group
// (or twice in one), other than the entry List shows: List shows each
// buddy once, in the first group that has it.
type Duplicate struct {
	Name    string // the buddy
	Group   string // the group of this entry
	ShownIn string // where the buddy is now; "" when it was removed
	Deleted bool   // deleted with the buddy's move or removal; else left alone
	Item    oscar.FeedbagItem
}

// Empty reports whether there is nothing to send.
func (t *Transaction) Empty() bool { return len(t.Edits) == 0 }

// Messages returns 13,11, the edits, 13,12; nothing when Empty.
func (t *Transaction) Messages() []oscar.Message {
	if t.Empty() {
		return nil
	}
	out := make([]oscar.Message, 0, len(t.Edits)+2)
	out = append(out, &oscar.FeedbagStartCluster{})
	for _, e := range t.Edits {
		out = append(out, e.Message())
	}
	return append(out, oscar.Empty(oscar.TypeFeedbagEndCluster))
}

// maxEditBytes bounds the items of one edit SNAC, far below a frame.
const maxEditBytes = 8 << 10

// maxItemID is the largest id Plan gives a new item or group.
const maxItemID = 0x7FFF

// Plan returns the edits that make the server's list want: groups created
// (with the root group's order list), buddies inserted, deleted or moved
// (a move is a delete and an insert in the new group), each touched
// group's order list rewritten, permit and deny entries, the pdinfo item
// when want.Privacy is set, the buddy preferences' typing bit and, when
// want.OfflineIMs is set, its offline IMs preference. Items kept
// keep their other TLVs. Group order lists that only need repairing go up
// with the next real edit, never alone.
func (f *Feedbag) Plan(want List, opt PlanOptions) *Transaction {
	v := f.view()
	p := planner{v: v, opt: opt, idCount: map[uint16]int{}, usedItem: map[uint16]bool{}, usedGroup: map[uint16]bool{}}
	for _, it := range f.items {
		p.idCount[it.ItemID]++
		p.usedItem[it.ItemID] = true
		p.usedGroup[it.GroupID] = true
	}
	p.usedItem[0], p.usedGroup[0] = true, true
	p.buddies(want)
	p.names(want.Permit, v.permit, oscar.FeedbagClassPermit)
	p.names(want.Deny, v.deny, oscar.FeedbagClassDeny)
	p.settings(want)
	return p.transaction()
}

type planner struct {
	v         *view
	opt       PlanOptions
	idCount   map[uint16]int
	usedItem  map[uint16]bool
	usedGroup map[uint16]bool

	del, ins, upd []oscar.FeedbagItem
	real          bool // an edit that is not only a repair
	repaired      []Problem
	kept          []Problem
	dups          []Duplicate
}

// newItemID returns an unused item id for the item key names (a buddy's,
// permit's or deny's class and normalized name, a settings item's class):
// the id key hashes to, else the next unused one after it. Two sessions
// of the account each planning an insert from a copy that lacks the
// other's newest item (a push not arrived yet, or arriving mid-sync)
// thus give two items two ids: with the next unused id both would take
// the same, and the server would let the second insert replace the first
// (a buddy added on one machine lost on every one). The same item gets
// the same id, which is harmless.
func (p *planner) newItemID(key string) uint16 { return newID(p.usedItem, key) }

// newGroupID is newItemID for a group, keyed by its name.
func (p *planner) newGroupID(key string) uint16 { return newID(p.usedGroup, "group:"+key) }

func newID(used map[uint16]bool, key string) uint16 {
	h := fnv.New32a()
	h.Write([]byte(key))
	id := uint16(h.Sum32()%maxItemID) + 1
	for n := 0; used[id] && n < maxItemID; n++ {
		id = id%maxItemID + 1
	}
	used[id] = true
	return id
}

// remove deletes it, unless the server may delete more than it by mistake.
func (p *planner) remove(it *oscar.FeedbagItem) bool {
	switch {
	case p.opt.DeletesByID:
	case it.Class == oscar.FeedbagClassGroup:
		return false
	case p.idCount[it.ItemID] > 1:
		p.kept = append(p.kept, Problem{it.GroupID, it.ItemID, "not deleted: another item has its item id"})
		return false
	}
	p.del = append(p.del, *it)
	p.real = true
	return true
}

func orderOf(it *oscar.FeedbagItem) []uint16 {
	ids, _ := it.Order()
	return ids
}

// withOrder returns a copy of it with ids as its order list, other TLVs
// kept.
func withOrder(it oscar.FeedbagItem, ids []uint16) oscar.FeedbagItem {
	it.TLVs = it.TLVs.Replace(oscar.FeedbagTLVOrder, oscar.AppendOrderTLV(nil, ids)[4:])
	return it
}

func (p *planner) buddies(want List) {
	v := p.v
	// The groups wanted, and where each buddy is wanted.
	type wanted struct {
		gid           uint16
		exists        bool
		name          string
		buddies, keys []string // names as wanted, normalized
	}
	groups := make([]wanted, 0, len(want.Groups))
	wantGroup := make(map[uint16]bool, len(want.Groups))
	wantIn := make(map[string]uint16, want.Len())
	for _, g := range want.Groups {
		g.Name = groupName(g.Name)
		gk := groupKey(g.Name)
		gid, exists := v.groupOf[gk]
		if exists && wantGroup[gid] {
			continue // the same group twice in want: the first one counts
		}
		if old := v.leftover[gk]; !exists && old != nil { // a group emptied earlier comes back
			gid, exists = old.GroupID, true
		}
		if !exists {
			gid = p.newGroupID(gk)
		}
		wantGroup[gid] = true
		w := wanted{gid: gid, exists: exists, name: g.Name,
			buddies: make([]string, 0, len(g.Buddies)), keys: make([]string, 0, len(g.Buddies))}
		for _, n := range g.Buddies {
			k := screenname.Normalize(n)
			if _, dup := wantIn[k]; dup || n == "" {
				continue
			}
			wantIn[k] = gid
			w.buddies, w.keys = append(w.buddies, n), append(w.keys, k)
		}
		groups = append(groups, w)
	}

	// Each buddy's item: the one kept, or a new one. A buddy the server
	// lists in several groups is shown in the first (view); while it stays
	// there its other entries are left alone. Moved or removed, it goes
	// with all of them, and each of those is noted.
	itemOf := make(map[string]uint16, len(wantIn))
	extra := map[*oscar.FeedbagItem]bool{} // other entries left alone
	for _, w := range groups {
		for i, n := range w.buddies {
			k := w.keys[i]
			shown := v.byName[k]
			stays := shown != nil && shown.GroupID == w.gid
			var keep *oscar.FeedbagItem
			for _, it := range v.itemsOf(k) {
				switch {
				case stays && it == shown, !stays && keep == nil && it.GroupID == w.gid:
					keep = it
				case stays:
					extra[it] = true
					p.dups = append(p.dups, p.duplicate(it, n, w.name, false))
				default: // a move
					if p.remove(it) && it != shown {
						p.dups = append(p.dups, p.duplicate(it, n, w.name, true))
					}
				}
			}
			if keep != nil {
				itemOf[k] = keep.ItemID
				continue
			}
			nb := oscar.FeedbagItem{Name: n, GroupID: w.gid, ItemID: p.newItemID("buddy:" + k), Class: oscar.FeedbagClassBuddy}
			p.ins = append(p.ins, nb)
			p.real = true
			itemOf[k] = nb.ItemID
		}
	}
	// Buddies not wanted anywhere, in the server's order.
	for _, gi := range v.groups {
		for _, it := range v.buddies[gi.GroupID] {
			k := screenname.Normalize(it.Name)
			if _, ok := wantIn[k]; !ok && v.byName[k] == it {
				for _, it := range v.itemsOf(k) {
					if p.remove(it) && it != v.byName[k] {
						p.dups = append(p.dups, p.duplicate(it, it.Name, "", true))
					}
				}
			}
		}
	}
	for k, shown := range v.byName { // in a missing group
		if _, ok := wantIn[k]; !ok && !v.groupIDs[shown.GroupID] || p.groupItem(shown.GroupID) == nil {
			if _, ok := wantIn[k]; !ok {
				for _, it := range v.itemsOf(k) {
					p.remove(it)
				}
			}
		}
	}

	// Each group's order: the buddies wanted there, with the entries left
	// alone where they were.
	withExtras := func(gid uint16, ids []uint16) []uint16 {
		for i, it := range v.buddies[gid] {
			if extra[it] {
				ids = slices.Insert(ids, min(i, len(ids)), it.ItemID)
			}
		}
		return ids
	}
	var rootOrder []uint16
	for _, w := range groups {
		rootOrder = append(rootOrder, w.gid)
		ids := make([]uint16, 0, len(w.keys))
		for _, k := range w.keys {
			ids = append(ids, itemOf[k])
		}
		if !w.exists {
			ng := withOrder(oscar.FeedbagItem{Name: w.name, GroupID: w.gid, Class: oscar.FeedbagClassGroup}, ids)
			p.ins = append(p.ins, ng)
			p.real = true
			continue
		}
		p.setOrder(p.groupItem(w.gid), withExtras(w.gid, ids), w.name)
	}
	// Groups not wanted: kept as they are when they hold entries left
	// alone; else deleted when safe, else emptied and left out of the
	// root's order.
	for i, gi := range v.groups {
		if wantGroup[gi.GroupID] {
			continue
		}
		if ids := withExtras(gi.GroupID, nil); len(ids) > 0 {
			rootOrder = slices.Insert(rootOrder, min(i, len(rootOrder)), gi.GroupID)
			p.setOrder(gi, ids, gi.Name)
			continue
		}
		if !p.remove(gi) && len(orderOf(gi)) > 0 {
			p.upd = append(p.upd, withOrder(*gi, nil))
			p.real = true
		}
	}
	// The root group.
	switch {
	case v.root == nil && len(rootOrder) > 0:
		p.ins = append(p.ins, withOrder(oscar.FeedbagItem{Class: oscar.FeedbagClassGroup}, rootOrder))
		p.repaired = append(p.repaired, Problem{Reason: "no root group: created"})
	case v.root != nil:
		p.setOrder(v.root, rootOrder, v.root.Name)
	}
}

// duplicate describes it, an entry of the buddy name other than the one
// the list shows; shownIn is the group the buddy is wanted in ("" when
// removed).
func (p *planner) duplicate(it *oscar.FeedbagItem, name, shownIn string, deleted bool) Duplicate {
	group := DefaultGroup
	if gi := p.groupItem(it.GroupID); gi != nil {
		group = groupName(gi.Name)
	}
	return Duplicate{Name: name, Group: group, ShownIn: shownIn, Deleted: deleted, Item: *it}
}

// groupItem returns the group item of gid, shown or left over.
func (p *planner) groupItem(gid uint16) *oscar.FeedbagItem {
	for _, gi := range p.v.groups {
		if gi.GroupID == gid {
			return gi
		}
	}
	for _, gi := range p.v.leftover {
		if gi.GroupID == gid {
			return gi
		}
	}
	return nil
}

// setOrder updates a group item whose order list or name is not the one
// wanted. An order that differs only because the server's list was
// inconsistent is a repair.
func (p *planner) setOrder(gi *oscar.FeedbagItem, ids []uint16, name string) {
	raw, ok := gi.Order()
	if ok && slices.Equal(raw, ids) && gi.Name == name {
		return
	}
	it := withOrder(*gi, ids)
	if gi.GroupID != 0 {
		it.Name = name
	}
	p.upd = append(p.upd, it)
	if gi.Name != name && gi.GroupID != 0 {
		p.real = true
		return
	}
	// Did the order the user sees change, or only the raw list?
	seen := p.seenOrder(gi)
	if slices.Equal(seen, ids) {
		p.repaired = append(p.repaired, Problem{GroupID: gi.GroupID, Reason: "order list did not match the items: rewritten"})
		return
	}
	p.real = true
}

// seenOrder is the order List showed for a group item: its buddies' ids,
// or for the root its groups' ids.
func (p *planner) seenOrder(gi *oscar.FeedbagItem) []uint16 {
	var out []uint16
	if gi.GroupID == 0 {
		for _, g := range p.v.groups {
			out = append(out, g.GroupID)
		}
		return out
	}
	for _, it := range p.v.buddies[gi.GroupID] {
		out = append(out, it.ItemID)
	}
	return out
}

// names makes the permit or deny items match names.
func (p *planner) names(names []string, have []*oscar.FeedbagItem, class uint16) {
	for _, n := range names {
		if n == "" || slices.ContainsFunc(have, func(it *oscar.FeedbagItem) bool { return screenname.Same(it.Name, n) }) {
			continue
		}
		p.ins = append(p.ins, oscar.FeedbagItem{Name: n, ItemID: p.newItemID(strconv.Itoa(int(class)) + ":" + screenname.Normalize(n)), Class: class})
		p.real = true
	}
	for _, it := range have {
		if !containsName(names, it.Name) {
			p.remove(it)
		}
	}
}

// settings sets the pdinfo item's mode, the typing bit and the offline
// IMs preference.
func (p *planner) settings(want List) {
	v := p.v
	if want.Privacy != 0 {
		mode := []byte{byte(want.Privacy)}
		switch {
		case v.pdinfo == nil:
			p.ins = append(p.ins, oscar.FeedbagItem{ItemID: p.newItemID("pdinfo"), Class: oscar.FeedbagClassPDInfo,
				TLVs: oscar.TLVList(oscar.AppendTLV(nil, oscar.FeedbagTLVPrivacyMode, mode))})
			p.real = true
		case v.list.Privacy != want.Privacy:
			it := *v.pdinfo
			it.TLVs = it.TLVs.Replace(oscar.FeedbagTLVPrivacyMode, mode)
			p.upd = append(p.upd, it)
			p.real = true
		}
	}
	// The buddy preferences item: the typing bit, and the offline IMs
	// preference when want says; every other bit and TLV of an item
	// another client wrote stays.
	typing := want.Typing != v.list.Typing
	offline := want.OfflineIMs != nil && (v.list.OfflineIMs == nil || *v.list.OfflineIMs != *want.OfflineIMs)
	if !typing && !offline {
		return
	}
	it := oscar.FeedbagItem{Class: oscar.FeedbagClassBuddyPrefs}
	if v.prefs != nil {
		it = *v.prefs
	} else {
		it.ItemID = p.newItemID("buddy prefs")
	}
	if typing || v.prefs == nil {
		flags, _ := it.BuddyPrefs()
		if want.Typing {
			flags |= oscar.FeedbagPrefTyping
		} else {
			flags &^= oscar.FeedbagPrefTyping
		}
		it.TLVs = it.TLVs.Replace(oscar.FeedbagTLVBuddyPrefs, []byte{byte(flags >> 24), byte(flags >> 16), byte(flags >> 8), byte(flags)})
	}
	if offline {
		it.SetBuddyPref2(oscar.FeedbagPrefAcceptOfflineIM, *want.OfflineIMs)
	}
	if v.prefs == nil {
		p.ins = append(p.ins, it)
	} else {
		p.upd = append(p.upd, it)
	}
	p.real = true
}

// transaction lays the edits out: deletes, inserts (groups first), then
// updates, each in SNACs of at most maxEditBytes of items.
func (p *planner) transaction() *Transaction {
	t := &Transaction{Kept: p.kept, Duplicates: p.dups}
	if !p.real {
		return t
	}
	slices.SortStableFunc(p.ins, func(a, b oscar.FeedbagItem) int {
		return classRank(a) - classRank(b)
	})
	for _, e := range []struct {
		typ   oscar.SNACType
		items []oscar.FeedbagItem
	}{
		{oscar.TypeFeedbagDeleteItem, p.del},
		{oscar.TypeFeedbagInsertItem, p.ins},
		{oscar.TypeFeedbagUpdateItem, p.upd},
	} {
		var chunk []oscar.FeedbagItem
		size := 0
		for _, it := range e.items {
			n := 10 + len(it.Name) + len(it.TLVs)
			if len(chunk) > 0 && size+n > maxEditBytes {
				t.Edits = append(t.Edits, Edit{Type: e.typ, Items: chunk})
				chunk, size = nil, 0
			}
			chunk = append(chunk, it)
			size += n
		}
		if len(chunk) > 0 {
			t.Edits = append(t.Edits, Edit{Type: e.typ, Items: chunk})
		}
	}
	t.Repaired = p.repaired
	return t
}

// classRank puts groups before the buddies that go in them.
func classRank(it oscar.FeedbagItem) int {
	if it.Class == oscar.FeedbagClassGroup {
		return 0
	}
	return 1
}
