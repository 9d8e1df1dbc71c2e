package buddylist

import (
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
)

// FuzzFeedbag reads any items a server may send (decoded from the fuzzer's
// bytes as 13,08 bodies), plans an edit on them and applies it: nothing
// may panic, no buddy of the list read may be lost, and a second plan for
// the same list must be empty once the first is applied.
func FuzzFeedbag(f *testing.F) {
	f.Add((&oscar.FeedbagInsert{Items: captured}).AppendTo(nil))
	f.Add((&oscar.FeedbagInsert{Items: []oscar.FeedbagItem{
		{Class: oscar.FeedbagClassGroup, TLVs: order(2, 2, 9)},
		{Name: "x", GroupID: 2, ItemID: 5, Class: oscar.FeedbagClassBuddy},
		{Name: "X", GroupID: 3, ItemID: 5, Class: oscar.FeedbagClassBuddy},
		{Name: "", GroupID: 2, Class: oscar.FeedbagClassGroup, TLVs: order(5, 5)},
	}}).AppendTo(nil))
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
	})
}
