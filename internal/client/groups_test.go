package client_test

import (
	"slices"
	"testing"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

// TestInServerOrder: buddies list prints the file's groups and buddies in
// the order of the list as last synced, what the server has not seen last.
func TestInServerOrder(t *testing.T) {
	t.Parallel()
	file := []config.BuddyGroup{
		{Group: "Work", Names: []string{"Boss", "New Hire"}},
		{Group: "Local only", Names: []string{"Zed"}},
		{Group: "friends", Names: []string{"LabCarol", "Lab Bob"}},
	}
	synced := buddylist.List{Groups: []buddylist.Group{
		{Name: "Friends", Buddies: []string{"labbob", "labcarol"}},
		{Name: "Work", Buddies: []string{"boss"}},
	}}
	got := client.InServerOrder(file, synced)
	want := []config.BuddyGroup{
		{Group: "friends", Names: []string{"Lab Bob", "LabCarol"}},
		{Group: "Work", Names: []string{"Boss", "New Hire"}},
		{Group: "Local only", Names: []string{"Zed"}},
	}
	if !slices.EqualFunc(got, want, func(a, b config.BuddyGroup) bool { return a.Group == b.Group && slices.Equal(a.Names, b.Names) }) {
		t.Errorf("InServerOrder = %+v, want %+v", got, want)
	}
}
