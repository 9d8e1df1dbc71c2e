package screenname

import (
	"strings"
	"testing"
)

// FuzzScreenName checks that the two ways of comparing names agree, and
// that Parse's results are what it promises.
func FuzzScreenName(f *testing.F) {
	f.Add("Lab Bob", "labbob")
	f.Add(" L a B ", "lab")
	f.Add("É", "é")
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := Normalize(a), Normalize(b)
		if Same(a, b) != (na == nb) {
			t.Fatalf("Same(%q, %q) = %v, normalized %q %q", a, b, Same(a, b), na, nb)
		}
		if Normalize(na) != na || !Same(a, na) {
			t.Fatalf("Normalize(%q) = %q is not a fixed point", a, na)
		}
		name, err := Parse(a)
		if err != nil {
			return
		}
		if name == "" || len(name) > MaxLen || strings.TrimSpace(name) != name || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("Parse(%q) = %q", a, name)
		}
		if again, err := Parse(name); err != nil || again != name {
			t.Fatalf("Parse(%q) = %q, %v", name, again, err)
		}
	})
}
