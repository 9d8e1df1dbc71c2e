package buddylist

import (
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
)

// FuzzFeedbag reads any items a server may send (decoded from the fuzzer's
// bytes as 13,08 bodies), plans an edit on them and applies it: nothing
// may panic, no buddy of the list read may be lost, and a second plan for
// the same list must be empty once the first is applied. Merging the list
// read with itself plus one buddy keeps every buddy where it was and
// removes nothing on either side. testdata/fuzz/FuzzFeedbag keeps what it
// found: a group named only by white space whose buddy was deleted.
func FuzzFeedbag(f *testing.F) {
	f.Add((&oscar.FeedbagInsert{Items: captured}).AppendTo(nil))
	f.Add((&oscar.FeedbagInsert{Items: []oscar.FeedbagItem{
		{Class: oscar.FeedbagClassGroup, TLVs: order(2, 2, 9)},
		{Name: "x", GroupID: 2, ItemID: 5, Class: oscar.FeedbagClassBuddy},
		{Name: "X", GroupID: 3, ItemID: 5, Class: oscar.FeedbagClassBuddy},
		{Name: "", GroupID: 2, Class: oscar.FeedbagClassGroup, TLVs: order(5, 5)},
	}}).AppendTo(nil))
	for _, blank := range []string{"\t", "\u00a0", "\u3000", " \n"} {
		f.Add((&oscar.FeedbagInsert{Items: []oscar.FeedbagItem{
			{Name: blank, GroupID: 1, Class: oscar.FeedbagClassGroup},
			{Name: "pal0", GroupID: 1, ItemID: 1, Class: oscar.FeedbagClassBuddy},
		}}).AppendTo(nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m oscar.FeedbagInsert
		if m.Decode(b) != nil {
			return
		}
		fb := NewFeedbag(m.Items, 1)
		l, _ := fb.List()
		want := l.Add("Fuzz Buddy", "Fuzz Group")
		for _, opt := range []PlanOptions{{}, {DeletesByID: true}} {
			fb := NewFeedbag(m.Items, 1)
			applyAll(fb, fb.Plan(want, opt))
			got, _ := fb.List()
			for _, g := range want.Groups {
				for _, n := range g.Buddies {
					if _, _, ok := got.Find(n); !ok {
						t.Fatalf("%+v: lost %q planning %+v", opt, n, want)
					}
				}
			}
			if again := fb.Plan(got, opt); !again.Empty() {
				t.Fatalf("%+v: a second plan: %s", opt, edits(again))
			}
		}
		mm := Merge(l, want, l)
		if mm.List.Len() != want.Len() {
			t.Fatalf("merge: %d buddies, want %d", mm.List.Len(), want.Len())
		}
		for _, g := range want.Groups {
			for _, n := range g.Buddies {
				if grp, _, ok := mm.List.Find(n); !ok || !SameGroup(grp, g.Name) {
					t.Fatalf("merge: %q in %q (%v), want in %q", n, grp, ok, g.Name)
				}
			}
		}
		for _, c := range append(mm.Up, mm.Down...) {
			if c.Kind == BuddyRemoved || c.Kind == BuddyMoved {
				t.Fatalf("merge of a list with itself plus one buddy: %+v", c)
			}
		}
	})
}
