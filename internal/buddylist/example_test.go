package buddylist_test

import (
	"fmt"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/oscar"
)

// A sync at signon: read the server's list, merge it with the config
// file's and the copy saved at the last sync, send what the server lacks,
// write what the config lacks, save the merged list as the next base.
func Example() {
	// What the server sent (13,06, names normalized), what the config file
	// has, and the list saved at the last sync.
	var r buddylist.Reader
	r.Add(0, (&oscar.FeedbagReply{Modified: 1764450000, Items: []oscar.FeedbagItem{
		{Class: oscar.FeedbagClassGroup, TLVs: oscar.TLVList(oscar.AppendOrderTLV(nil, []uint16{1}))},
		{Name: "Friends", GroupID: 1, Class: oscar.FeedbagClassGroup, TLVs: oscar.TLVList(oscar.AppendOrderTLV(nil, []uint16{1, 2}))},
		{Name: "labbob", GroupID: 1, ItemID: 1},
		{Name: "labcarol", GroupID: 1, ItemID: 2}, // added on another machine
	}}).AppendTo(nil))
	server := r.Feedbag()
	remote, _ := server.List()
	base := buddylist.List{Groups: []buddylist.Group{{Name: "Friends", Buddies: []string{"Lab Bob", "Lab Dave"}}}}
	local := buddylist.List{Groups: []buddylist.Group{{Name: "Friends", Buddies: []string{"Lab Bob"}}}} // Lab Dave removed here
	local = local.Add("Lab Eve", "Work")

	m := buddylist.Merge(base, local, remote)
	fmt.Println("merged:", m.List.Groups)
	for _, c := range m.Down {
		fmt.Println("down:", c.Kind, c.Name)
	}
	tx := server.Plan(m.List, buddylist.PlanOptions{}) // the server may be the 2025 release
	for _, e := range tx.Edits {
		for _, it := range e.Items {
			fmt.Printf("up: %v %q group %d item %d\n", e.Type.Short(), it.Name, it.GroupID, it.ItemID)
		}
	}
	// Output:
	// merged: [{Friends [Lab Bob labcarol]} {Work [Lab Eve]}]
	// down: buddy_added labcarol
	// up: 13,08 "Work" group 19338 item 0
	// up: 13,08 "Lab Eve" group 19338 item 32262
	// up: 13,09 "" group 0 item 0
}
