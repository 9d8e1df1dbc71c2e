package interactive

import (
	"errors"
	"slices"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
)

// A line typed in a room becomes a command of the table with its
// arguments as a list: the text as typed (leading spaces, quotes, tabs),
// never joined into a line and read again.
func TestRoomLine(t *testing.T) {
	for _, tt := range []struct {
		line string
		cmd  *client.Command
		args []string
	}{
		{"hello there", client.CmdSay, []string{"Lab Lounge", "hello there"}},
		{`   three "leading" spaces	and a tab`, client.CmdSay, []string{"Lab Lounge", `   three "leading" spaces	and a tab`}},
		{"/members", client.CmdMembers, []string{"Lab Lounge"}},
		{"/leave", client.CmdLeave, []string{"Lab Lounge"}},
		{"/msg LabBob hi  there", client.CmdSend, []string{"LabBob", "hi  there"}},
		{`/msg "Lab Bob" hi`, client.CmdSend, []string{"Lab Bob", "hi"}},
		{"/me waves", client.CmdSay, []string{"Lab Lounge", "* waves"}},
		{"/quit", client.CmdQuit, nil},
		{"/info LabBob", client.CmdInfo, []string{"LabBob"}},
		{"   ", nil, nil},
	} {
		cmd, args, err := RoomLine("Lab Lounge", tt.line)
		if err != nil || cmd != tt.cmd || !slices.Equal(args, tt.args) {
			t.Errorf("RoomLine(%q) = %v %q, %v; want %v %q", tt.line, cmd, args, err, tt.cmd, tt.args)
		}
	}
	if _, _, err := RoomLine("Lab Lounge", "/frobnicate"); !errors.As(err, new(*client.UsageError)) {
		t.Errorf("an unknown command: %v", err)
	}
}
