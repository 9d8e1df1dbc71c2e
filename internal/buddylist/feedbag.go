package buddylist

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Feedbag is the list as the server keeps it: items with their ids, the
// time of the last 13,06 and nothing else. It reads what the server sends
// (13,06 in parts, pushes of other sessions' edits) and plans edits
// (Plan). Items are stored as copies: nothing aliases a frame.
type Feedbag struct {
	items    []oscar.FeedbagItem
	Modified uint32 // the last-modified time of the last 13,06 read
}

// NewFeedbag returns a Feedbag holding copies of items, as a 13,06 gave
// them (or as they were saved), and the 13,06's time.
func NewFeedbag(items []oscar.FeedbagItem, modified uint32) *Feedbag {
	f := &Feedbag{Modified: modified, items: make([]oscar.FeedbagItem, 0, len(items))}
	for _, it := range items {
		f.items = append(f.items, copyItem(it))
	}
	return f
}

func copyItem(it oscar.FeedbagItem) oscar.FeedbagItem {
	it.TLVs = oscar.TLVList(slices.Clone([]byte(it.TLVs)))
	if len(it.TLVs) == 0 {
		it.TLVs = nil
	}
	return it
}

// Items returns copies of the items, in the order held.
func (f *Feedbag) Items() []oscar.FeedbagItem {
	out := make([]oscar.FeedbagItem, len(f.items))
	for i, it := range f.items {
		out[i] = copyItem(it)
	}
	return out
}

// Has reports whether the copy holds it: an item with its ids, class and
// name.
func (f *Feedbag) Has(it oscar.FeedbagItem) bool {
	return f != nil && slices.ContainsFunc(f.items, func(x oscar.FeedbagItem) bool {
		return x.GroupID == it.GroupID && x.ItemID == it.ItemID && x.Class == it.Class && x.Name == it.Name
	})
}

// Len returns the number of items.
func (f *Feedbag) Len() int { return len(f.items) }

// Reader collects the parts of a 13,06: all but the last have SNAC flag
// 0x0001. What it keeps is bounded (MaxReaderItems, MaxReaderBytes): a
// server that never stops sending parts gets an error, not the memory.
type Reader struct {
	items    []oscar.FeedbagItem
	size     int // bytes of names and TLVs kept
	modified uint32
	done     bool
}

// The most a Reader keeps of one list. Real servers allow some hundreds of
// items per class; item ids are 16 bits.
const (
	MaxReaderItems = 0xFFFF
	MaxReaderBytes = 8 << 20
)

// ErrListTooLarge is a 13,06 whose parts add up to more than a Reader
// keeps.
var ErrListTooLarge = fmt.Errorf("the server's buddy list is larger than %d items or %d MiB", MaxReaderItems, MaxReaderBytes>>20)

// Add reads one 13,06 SNAC body with its header flags. It reports whether
// that was the last part. The items are copied: body may be reused.
func (r *Reader) Add(flags uint16, body []byte) (done bool, err error) {
	if r.done {
		*r = Reader{}
	}
	var m oscar.FeedbagReply
	if err := m.Decode(body); err != nil {
		return false, err
	}
	if r.items == nil {
		r.items = make([]oscar.FeedbagItem, 0, len(m.Items))
	}
	for _, it := range m.Items {
		r.size += len(it.Name) + len(it.TLVs)
		if len(r.items) >= MaxReaderItems || r.size > MaxReaderBytes {
			*r = Reader{}
			return false, ErrListTooLarge
		}
		r.items = append(r.items, copyItem(it))
	}
	r.modified = m.Modified
	r.done = flags&oscar.SNACFlagMoreReplies == 0
	return r.done, nil
}

// Feedbag returns the list read, once the last part was added (nil before).
func (r *Reader) Feedbag() *Feedbag {
	if !r.done {
		return nil
	}
	return &Feedbag{items: r.items, Modified: r.modified}
}

// Query returns the signon query: 13,05 with the time of the last list
// plus one (the server answers 13,0F only when its list changed strictly
// before the time sent) and its item count, or 13,04 when there is no last
// list.
func (f *Feedbag) Query() oscar.Message {
	if f == nil || f.Modified == 0 {
		return oscar.Empty(oscar.TypeFeedbagQuery)
	}
	return &oscar.FeedbagQueryIfModified{Modified: f.Modified + 1, Count: uint16(min(len(f.items), 0xFFFF))}
}

// Current reports whether a 13,0F answering Query says this copy is still
// the server's: the same time and the same count (a delete does not move
// the time; the server writes the count in one byte). When it is not, ask
// again with 13,04.
func (f *Feedbag) Current(nm *oscar.FeedbagNotModified) bool {
	if f == nil || nm.Modified != f.Modified {
		return false
	}
	if nm.WideCount || nm.Count > 0xFF {
		return int(nm.Count) == len(f.items)
	}
	return uint8(nm.Count) == uint8(len(f.items))
}

// Edit is one feedbag edit: 13,08 insert, 13,09 update or 13,0A delete,
// with its items.
type Edit struct {
	Type  oscar.SNACType
	Items []oscar.FeedbagItem
}

// Message returns the edit as the SNAC body to send.
func (e Edit) Message() oscar.Message {
	switch e.Type {
	case oscar.TypeFeedbagUpdateItem:
		return &oscar.FeedbagUpdate{Items: e.Items}
	case oscar.TypeFeedbagDeleteItem:
		return &oscar.FeedbagDelete{Items: e.Items}
	}
	return &oscar.FeedbagInsert{Items: e.Items}
}

// Apply makes an edit the server confirmed (13,0E 0x0000 for the item), or
// one it pushed from another session, part of this copy: an insert or an
// update replaces the item with the same group and item id or adds it; a
// delete removes it, with any duplicate of its ids (only those: a delete
// by item id alone is a 2025 server bug this client never triggers).
func (f *Feedbag) Apply(e Edit) {
	for _, it := range e.Items {
		same := func(x oscar.FeedbagItem) bool { return x.GroupID == it.GroupID && x.ItemID == it.ItemID }
		i := slices.IndexFunc(f.items, same)
		switch {
		case e.Type == oscar.TypeFeedbagDeleteItem:
			if i >= 0 { // every copy: a list read with duplicate ids has several
				f.items = slices.DeleteFunc(f.items, same)
			}
		case i >= 0:
			f.items = append(f.items[:i+1], slices.DeleteFunc(f.items[i+1:], same)...)
			f.items[i] = copyItem(it)
		default:
			f.items = append(f.items, copyItem(it))
		}
	}
}

// Rejected is an item the server refused: its 13,0E code was not 0x0000.
type Rejected struct {
	Item oscar.FeedbagItem
	Code uint16
}

func (r Rejected) Error() string {
	return fmt.Sprintf("server refused %q: %s (0x%04x)", r.Item.Name, oscar.FeedbagStatusText(r.Code), r.Code)
}

// Sentence says in plain words what the server refused and why, without
// codes (Error has them, for --debug).
func (r Rejected) Sentence() string {
	what := map[uint16]string{
		oscar.FeedbagClassBuddy:      "the buddy " + r.Item.Name,
		oscar.FeedbagClassGroup:      "the group " + r.Item.Name,
		oscar.FeedbagClassPermit:     r.Item.Name + " on the allowed list",
		oscar.FeedbagClassDeny:       r.Item.Name + " on the blocked list",
		oscar.FeedbagClassPDInfo:     "the privacy mode",
		oscar.FeedbagClassBuddyPrefs: "the typing preference",
	}[r.Item.Class]
	if what == "" {
		what = "an item of the list"
	}
	return "the server did not take " + what + ": " + oscar.FeedbagStatusText(r.Code)
}

// Confirm applies the items of e that the server's 13,0E accepted (code
// 0x0000; an item without a code counts as refused) and returns the others:
// the local copy is not marked synced for them.
func (f *Feedbag) Confirm(e Edit, codes []uint16) []Rejected {
	var rejected []Rejected
	ok := Edit{Type: e.Type, Items: make([]oscar.FeedbagItem, 0, len(e.Items))}
	for i, it := range e.Items {
		code := uint16(oscar.FeedbagInvalid)
		if i < len(codes) {
			code = codes[i]
		}
		if code != oscar.FeedbagOK {
			rejected = append(rejected, Rejected{Item: it, Code: code})
			continue
		}
		ok.Items = append(ok.Items, it)
	}
	f.Apply(ok)
	return rejected
}

// Problem is one inconsistency found in a server's list. The list is read
// as far as it makes sense; Plan repairs what it can with the next edit.
type Problem struct {
	GroupID, ItemID uint16
	Reason          string
}

func (p Problem) String() string {
	return fmt.Sprintf("feedbag item (group 0x%04x, item 0x%04x): %s", p.GroupID, p.ItemID, p.Reason)
}

// view is a Feedbag read into a list: which item each entry came from.
type view struct {
	list     List
	root     *oscar.FeedbagItem
	groups   []*oscar.FeedbagItem            // group items in list order
	leftover map[string]*oscar.FeedbagItem   // group key → an empty group the root does not list
	groupOf  map[string]uint16               // group key → group id
	buddies  map[uint16][]*oscar.FeedbagItem // group id → buddy items in list order
	byName   map[string]*oscar.FeedbagItem   // normalized buddy name → its first item listed
	moreOf   map[string][]*oscar.FeedbagItem // the same name's other items (in other groups)
	permit   []*oscar.FeedbagItem
	deny     []*oscar.FeedbagItem
	pdinfo   *oscar.FeedbagItem
	prefs    *oscar.FeedbagItem
	itemIDs  map[uint16]bool // every item id in use
	groupIDs map[uint16]bool // every group id in use
	problems []Problem
}

// List reads the feedbag into a list, with the inconsistencies it found:
// duplicate ids (the first item wins), buddies whose group is missing (they
// go to DefaultGroup), order lists naming missing items (skipped) or
// missing items they hold (listed after the ordered ones, by item id), a
// missing root group (groups in group id order), unnamed groups (a name
// empty or only white space: named DefaultGroup).
func (f *Feedbag) List() (List, []Problem) {
	v := f.view()
	return v.list, v.problems
}

func (f *Feedbag) view() *view {
	v := &view{
		groupOf:  map[string]uint16{},
		buddies:  map[uint16][]*oscar.FeedbagItem{},
		byName:   make(map[string]*oscar.FeedbagItem, len(f.items)),
		moreOf:   map[string][]*oscar.FeedbagItem{},
		itemIDs:  make(map[uint16]bool, len(f.items)),
		groupIDs: map[uint16]bool{0: true},
	}
	problem := func(it *oscar.FeedbagItem, reason string) {
		v.problems = append(v.problems, Problem{it.GroupID, it.ItemID, reason})
	}
	type key struct{ g, i uint16 }
	seen := make(map[key]bool, len(f.items))
	groupItem := map[uint16]*oscar.FeedbagItem{}
	var buddyItems []*oscar.FeedbagItem
	for i := range f.items {
		it := &f.items[i]
		k := key{it.GroupID, it.ItemID}
		if seen[k] {
			problem(it, "duplicate id: ignored")
			continue
		}
		seen[k] = true
		v.itemIDs[it.ItemID] = true
		v.groupIDs[it.GroupID] = true
		switch it.Class {
		case oscar.FeedbagClassGroup:
			if it.ItemID != 0 {
				problem(it, "group item with a non-zero item id: ignored")
				continue
			}
			if it.GroupID == 0 {
				v.root = it
			} else {
				groupItem[it.GroupID] = it
			}
		case oscar.FeedbagClassBuddy:
			buddyItems = append(buddyItems, it)
		case oscar.FeedbagClassPermit:
			v.permit = append(v.permit, it)
		case oscar.FeedbagClassDeny:
			v.deny = append(v.deny, it)
		case oscar.FeedbagClassPDInfo:
			if v.pdinfo == nil {
				v.pdinfo = it
			}
		case oscar.FeedbagClassBuddyPrefs:
			if v.prefs == nil {
				v.prefs = it
			}
		}
	}

	// Groups in the root's order, then the others by group id.
	gids := make([]uint16, 0, len(groupItem))
	for gid := range groupItem {
		gids = append(gids, gid)
	}
	slices.Sort(gids)
	var order []uint16
	if v.root != nil {
		ids, ok := v.root.Order()
		if !ok && v.root.TLVs.Has(oscar.FeedbagTLVOrder) {
			problem(v.root, "order list of odd length")
		}
		order = ids
	} else if len(groupItem) > 0 {
		v.problems = append(v.problems, Problem{Reason: "no root group"})
	}
	byGroup := map[uint16][]*oscar.FeedbagItem{}
	for _, it := range buddyItems {
		byGroup[it.GroupID] = append(byGroup[it.GroupID], it)
	}
	// An empty group the root does not list is a leftover (Plan leaves
	// such a group behind where deleting it is not safe): not shown.
	listed := make(map[uint16]bool, len(order))
	for _, id := range order {
		listed[id] = true
	}
	for _, gid := range ordered(order, gids, func(id uint16) {
		v.problems = append(v.problems, Problem{GroupID: id, Reason: "the root group's order names a missing group"})
	}) {
		if v.root != nil && !listed[gid] && len(byGroup[gid]) == 0 {
			if v.leftover == nil {
				v.leftover = map[string]*oscar.FeedbagItem{}
			}
			v.leftover[groupKey(groupItem[gid].Name)] = groupItem[gid]
			continue
		}
		v.groups = append(v.groups, groupItem[gid])
	}

	// Buddies by group, then those whose group is missing.
	var orphans []*oscar.FeedbagItem
	for gid, its := range byGroup {
		if groupItem[gid] == nil {
			for _, it := range its {
				problem(it, "buddy in a missing group: put in "+DefaultGroup)
			}
			orphans = append(orphans, its...)
		}
	}
	slices.SortFunc(orphans, func(a, b *oscar.FeedbagItem) int {
		return cmp.Or(cmp.Compare(a.GroupID, b.GroupID), cmp.Compare(a.ItemID, b.ItemID))
	})
	addBuddy := func(g *Group, it *oscar.FeedbagItem) {
		k := screenname.Normalize(it.Name)
		if it.Name == "" {
			problem(it, "buddy without a name: ignored")
			return
		}
		if v.byName[k] == nil {
			g.Buddies = append(g.Buddies, it.Name)
			v.byName[k] = it
		} else {
			v.moreOf[k] = append(v.moreOf[k], it)
		}
	}
	index := map[string]int{}
	for _, gi := range v.groups {
		name := groupName(gi.Name)
		if name != gi.Name {
			problem(gi, "group without a name: named "+DefaultGroup)
		}
		gk := groupKey(name)
		i, dup := index[gk]
		if !dup {
			i = len(v.list.Groups)
			index[gk] = i
			v.list.Groups = append(v.list.Groups, Group{Name: name})
			v.groupOf[gk] = gi.GroupID
		}
		its := byGroup[gi.GroupID]
		byID := make(map[uint16]*oscar.FeedbagItem, len(its))
		ids := make([]uint16, 0, len(its))
		for _, it := range its {
			byID[it.ItemID] = it
			ids = append(ids, it.ItemID)
		}
		slices.Sort(ids)
		bo, ok := gi.Order()
		if !ok && gi.TLVs.Has(oscar.FeedbagTLVOrder) {
			problem(gi, "order list of odd length")
		}
		gid := gi.GroupID
		for _, id := range ordered(bo, ids, func(id uint16) {
			v.problems = append(v.problems, Problem{GroupID: gid, ItemID: id, Reason: "order names a missing buddy"})
		}) {
			v.buddies[gid] = append(v.buddies[gid], byID[id])
			addBuddy(&v.list.Groups[i], byID[id])
		}
	}
	if len(orphans) > 0 {
		gk := groupKey(DefaultGroup)
		i, ok := index[gk]
		if !ok {
			i = len(v.list.Groups)
			index[gk] = i
			v.list.Groups = append(v.list.Groups, Group{Name: DefaultGroup})
		}
		for _, it := range orphans {
			addBuddy(&v.list.Groups[i], it)
		}
	}
	for _, it := range v.permit {
		if !containsName(v.list.Permit, it.Name) {
			v.list.Permit = append(v.list.Permit, it.Name)
		}
	}
	for _, it := range v.deny {
		if !containsName(v.list.Deny, it.Name) {
			v.list.Deny = append(v.list.Deny, it.Name)
		}
	}
	if v.pdinfo != nil {
		v.list.Privacy, _ = v.pdinfo.PrivacyMode()
	}
	if v.prefs != nil {
		p, _ := v.prefs.BuddyPrefs()
		v.list.Typing = p&oscar.FeedbagPrefTyping != 0
		if valid, on := v.prefs.BuddyPref2(oscar.FeedbagPrefAcceptOfflineIM); valid {
			v.list.OfflineIMs = &on
		}
	}
	return v
}

// itemsOf returns the buddy items of the normalized name k, the first one
// listed first.
func (v *view) itemsOf(k string) []*oscar.FeedbagItem {
	first := v.byName[k]
	if first == nil {
		return nil
	}
	return append([]*oscar.FeedbagItem{first}, v.moreOf[k]...)
}

// ordered returns ids in the order given (skipping, and reporting, ids the
// order names that are not in ids, and repeats), then the ids it missed in
// their own order.
func ordered(order, ids []uint16, missing func(uint16)) []uint16 {
	have := make(map[uint16]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	out := make([]uint16, 0, len(ids))
	used := make(map[uint16]bool, len(ids))
	for _, id := range order {
		switch {
		case !have[id]:
			missing(id)
		case !used[id]:
			used[id] = true
			out = append(out, id)
		}
	}
	for _, id := range ids {
		if !used[id] {
			out = append(out, id)
		}
	}
	return out
}
