package client

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/screenname"
)

// TestFoldKeyIsEqualFold: two strings have one foldKey exactly when
// strings.EqualFold says they are equal, for the runes whose folding is
// not one to one (the Kelvin sign, the long s, the three sigmas, the
// dotted and dotless i), invalid UTF-8 included.
func TestFoldKeyIsEqualFold(t *testing.T) {
	t.Parallel()
	atoms := []string{"k", "K", "\u212a", "s", "S", "\u017f", "ß", "ẞ", "σ", "Σ", "ς", "i", "I", "İ", "ı", "é", "É", "\xff", "\xfe", " ", ""}
	var ss []string
	for _, a := range atoms {
		for _, b := range atoms {
			ss = append(ss, a+b)
		}
	}
	for _, a := range ss {
		for _, b := range ss {
			if want, got := strings.EqualFold(a, b), foldKey(a) == foldKey(b); got != want {
				t.Fatalf("%q, %q: same foldKey %v, EqualFold %v", a, b, got, want)
			}
		}
	}
}

// TestTakenIsThePairwiseRule: taken keeps a change of got when a change
// of meant has its kind, its name (as a screen name, or a group's name
// case-folded), its group and its from, whatever the spelling.
func TestTakenIsThePairwiseRule(t *testing.T) {
	t.Parallel()
	kinds := []buddylist.ChangeKind{buddylist.BuddyAdded, buddylist.BuddyRemoved, buddylist.GroupAdded, buddylist.GroupRemoved}
	names := []string{"LabBob", "labbob", "Lab Bob", "LABBOB", "Work", "work", "WORK", "\u212aey", "key"}
	groups := []string{"", "Work", "work", "Stra\u017fse", "STRASSE", "strasse"}
	var all []buddylist.Change
	for _, k := range kinds {
		for _, n := range names {
			for _, g := range groups {
				all = append(all, buddylist.Change{Kind: k, Name: n, Group: g})
			}
		}
	}
	same := func(a, b buddylist.Change) bool {
		name := screenname.Same(a.Name, b.Name)
		if a.Kind == buddylist.GroupAdded || a.Kind == buddylist.GroupRemoved {
			name = strings.EqualFold(a.Name, b.Name)
		}
		return a.Kind == b.Kind && name && strings.EqualFold(a.Group, b.Group) && strings.EqualFold(a.From, b.From)
	}
	for i := 0; i < len(all); i += 7 {
		meant := all[i : i+1]
		var want []buddylist.Change
		for _, g := range all {
			if same(g, meant[0]) {
				want = append(want, g)
			}
		}
		if got := taken(slices.Clone(all), meant); !slices.Equal(got, want) {
			t.Fatalf("meant %+v: taken %+v, want %+v", meant[0], got, want)
		}
	}
}

// BenchmarkTaken: the report of a first sync of 4,000 buddies.
func BenchmarkTaken(b *testing.B) {
	var changes []buddylist.Change
	for i := range 4000 {
		changes = append(changes, buddylist.Change{Kind: buddylist.BuddyAdded, Name: fmt.Sprintf("Buddy%04d", i), Group: "Many"})
	}
	b.ReportAllocs()
	for b.Loop() {
		taken(slices.Clone(changes), changes)
	}
}
