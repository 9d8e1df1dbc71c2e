package buddylist

import (
	"fmt"
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
)

// bigList is n buddies in groups groups.
func bigList(n, groups int, prefix string) List {
	l := List{Groups: make([]Group, groups), Typing: true}
	for i := range l.Groups {
		l.Groups[i].Name = fmt.Sprintf("Group %d", i)
	}
	for i := range n {
		g := &l.Groups[i%groups]
		g.Buddies = append(g.Buddies, fmt.Sprintf("%s Buddy%04d", prefix, i))
	}
	return l
}

// BenchmarkMerge merges two 1,000-buddy lists that each changed a tenth
// of the base since the last sync: removed, added, moved.
func BenchmarkMerge(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			base := bigList(n, 20, "Lab")
			local, remote := base.Clone(), base.Clone()
			for i := 0; i < n/10; i++ {
				local = local.Remove(fmt.Sprintf("Lab Buddy%04d", i))
				local = local.Add(fmt.Sprintf("Local%04d", i), "Group 1")
				remote = remote.Remove(fmt.Sprintf("labbuddy%04d", n-1-i))
				remote = remote.Add(fmt.Sprintf("remote%04d", i), "Group 2")
				remote = remote.Add(fmt.Sprintf("labbuddy%04d", n/2+i), "Group 3")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m := Merge(base, local, remote)
				if m.List.Len() != n {
					b.Fatalf("%d buddies", m.List.Len())
				}
			}
		})
	}
}

// BenchmarkSignon is the client's feedbag work at signon for a 1,000-buddy,
// 20-group list: the 13,05 query from the saved copy, then reading the
// 13,06 (one SNAC) into the list.
func BenchmarkSignon(b *testing.B) {
	want := bigList(1000, 20, "Lab")
	f := NewFeedbag(nil, 0)
	applyAll(f, f.Plan(want, PlanOptions{}))
	body := (&oscar.FeedbagReply{Items: f.Items(), Modified: 0x6b0ca361}).AppendTo(nil)
	saved := NewFeedbag(f.Items(), 0x6b0ca360)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		q := saved.Query().AppendTo(nil)
		var r Reader
		if done, err := r.Add(0, body); !done || err != nil || len(q) != 6 {
			b.Fatal(err)
		}
		l, problems := r.Feedbag().List()
		if l.Len() != 1000 || len(problems) != 0 {
			b.Fatalf("%d buddies, %v", l.Len(), problems)
		}
	}
}

// BenchmarkPlanUpload plans the first upload of a 1,000-buddy, 20-group
// list and encodes its SNACs.
func BenchmarkPlanUpload(b *testing.B) {
	want := bigList(1000, 20, "Lab")
	b.ReportAllocs()
	for b.Loop() {
		tx := NewFeedbag(nil, 0).Plan(want, PlanOptions{})
		n := 0
		for _, m := range tx.Messages() {
			n += len(m.AppendTo(nil))
		}
		if n == 0 {
			b.Fatal("nothing planned")
		}
	}
}
