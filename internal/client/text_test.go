package client_test

import (
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
)

// TestNoNoiseOrDoubles (issue 22 item 6): what a person reads says each
// thing once, in plain words: a room joined or left is said by its event,
// not again by the command's result; an error is not preceded by the
// whole line typed; rate limits are not "class 3".
func TestNoNoiseOrDoubles(t *testing.T) {
	for _, tt := range []struct {
		o    client.Output
		want string // "" for not shown
	}{
		{&client.Result{Command: "join", OK: true, Room: "Lobby", Summary: "joined Lobby"}, ""},
		{&client.Result{Command: "accept", OK: true, Room: "Lobby", Summary: "joined Lobby (invited by X)"}, ""},
		{&client.Result{Command: "leave", OK: true, Room: "Lobby", Summary: "left Lobby"}, ""},
		{&client.Result{Command: "join", OK: true, Unchanged: true, Room: "Lobby", Summary: "already in Lobby"}, "already in Lobby"},
		{&client.Result{Command: "join", Room: "Lobby", Error: "cannot join Lobby: timed out", Line: "join Lobby"}, "error: cannot join Lobby: timed out"},
		{&client.Result{Command: "send", To: "LabCarol", Line: "send LabCarol hi carol", Error: "LabCarol is not signed on"}, "error: LabCarol is not signed on"},
		{&client.Result{Command: "info", Name: "LabCarol", Line: "info LabCarol", Error: "no answer from the server"}, "error: info LabCarol: no answer from the server"},
		{&client.Result{Command: "bogus", Line: "bogus x y", Error: `unknown command "bogus" (type help for the list)`}, `error: unknown command "bogus" (type help for the list)`},
		{&client.Rate{Code: "warning", Class: 3, WaitMS: 2000}, "sending too fast: the server asks to slow down; sending slower, the next one in 2s"},
		{&client.Rate{Code: "limited", Class: 3}, "sending too fast: the server is dropping what aim sends; sending slower"},
	} {
		got := ""
		if client.Shown(tt.o) {
			got = client.Text(tt.o)[len("15:04:05 "):]
		}
		if got != tt.want {
			t.Errorf("%s %+v: shown as %q, want %q", tt.o.Kind(), tt.o, got, tt.want)
		}
		if strings.Contains(got, "class") {
			t.Errorf("%q names a rate class", got)
		}
	}
}
