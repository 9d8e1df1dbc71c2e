package main

import (
	"encoding/json"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestChat: aim chat joins by a differently cased name, says typed lines
// in the room, runs the slash commands, and /leave leaves and signs off.
func TestChat(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "echo: " + text })
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	alice := startCLI(t, "chat", "--json", "Lab Lounge")
	alice.out.waitFor(t, `"type":"chat_joined"`)

	setenv(t, "AIM_PASSWORD", "bobpw1")
	setenv(t, "AIM_SCREEN_NAME", "LabBob")
	bob := startCLI(t, "chat", "--json", "lab LOUNGE")
	bob.out.waitFor(t, `"type":"chat_joined"`)
	alice.out.waitFor(t, `"type":"chat_member_joined"`)

	bob.send(t, "héllo 漢字")
	alice.out.waitFor(t, `"type":"chat_message"`)
	bob.send(t, spaced)
	alice.out.waitFor(t, `"html":`+jsonString(spaced))
	bob.send(t, "/members")
	bob.send(t, "/msg EchoBot ping")
	bob.out.waitFor(t, `"type":"im"`)
	bob.send(t, "/leave")
	if code := bob.wait(t); code != 0 {
		t.Fatalf("bob exit %d; stderr:\n%s", code, bob.errOut.String())
	}
	alice.out.waitFor(t, `"type":"chat_member_left"`)
	alice.in.Close()
	if code := alice.wait(t); code != 0 {
		t.Fatalf("alice exit %d; stderr:\n%s", code, alice.errOut.String())
	}

	for _, rec := range jsonLines(t, alice.out.String()) {
		switch rec["type"] {
		case "chat_message":
			if rec["room"] != "Lab Lounge" || rec["from"] != "LabBob" || (rec["text"] != "héllo 漢字" && rec["html"] != spaced) {
				t.Errorf("alice got %v", rec)
			}
		case "chat_member_joined", "chat_member_left":
			if rec["name"] != "LabBob" {
				t.Errorf("alice saw %v", rec)
			}
		}
	}
	recs := jsonLines(t, bob.out.String())
	got := types(recs)
	want := []string{"signed_on", "chat_joined", "result", "result", "result", "result", "result", "im", "chat_left", "result", "disconnected"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("bob's outputs %v, want %v", types(recs), want)
	}
	for _, rec := range recs {
		if rec["type"] == "result" && rec["command"] == "members" {
			if m, _ := rec["members"].([]any); len(m) != 2 {
				t.Errorf("members result %v", rec)
			}
		}
		if rec["type"] == "chat_left" && rec["reason"] != "left" {
			t.Errorf("chat_left %v", rec)
		}
	}
}

// TestChatBadRoom: a name no room can have is a usage error, said
// before anything is dialled: the server sees no connection.
func TestChatBadRoom(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var dialled atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dialled.Add(1) // before the close the client would see
			c.Close()
		}
	}()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SERVER", ln.Addr().String())
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	for _, room := range []string{strings.Repeat("x", 101), "bell\a", "  "} {
		code, out, errOut := runCLI(t, "", "chat", room)
		if code != exitUsage || !strings.Contains(errOut, "room name") || out != "" {
			t.Errorf("chat %q: exit %d, stdout %q, stderr %q", room, code, out, errOut)
		}
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("%d connections to the server for bad room names, want none", n)
	}
}

// TestDemoRoom: in the demo's room AIMBot sits among the members and
// answers what is said.
func TestDemoRoom(t *testing.T) {
	t.Parallel()
	r := startCLI(t, "demo", "--json")
	r.out.waitFor(t, `"type":"signed_on"`)
	r.send(t, "join lobby")
	r.out.waitFor(t, `"type":"chat_joined","time":`)
	r.send(t, "say LOBBY what time is it?")
	r.out.waitFor(t, `"type":"chat_message"`)
	r.send(t, "quit")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d: %s", code, r.errOut.String())
	}
	for _, rec := range jsonLines(t, r.out.String()) {
		switch rec["type"] {
		case "chat_joined":
			if m, _ := rec["members"].([]any); rec["room"] != "Lobby" || len(m) != 2 || m[0] != "AIMBot" || m[1] != "DemoUser" {
				t.Errorf("chat_joined %v", rec)
			}
		case "chat_message":
			if rec["from"] != "AIMBot" || !strings.HasPrefix(rec["text"].(string), "DemoUser: it is ") {
				t.Errorf("chat_message %v", rec)
			}
		}
	}
}

// TestChatText: for people, aim chat prints the room's events and the
// results that say something, not "said in" after every line typed.
func TestChatText(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	code, out, errOut := runCLI(t, "hello\n/members\n/leave\n", "chat", "Lab Lounge")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"[Lab Lounge] you joined; here: LabAlice\n", "in Lab Lounge: LabAlice\n", "[Lab Lounge] you left\n", "signed off\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "said in") || strings.Contains(out, "joined Lab Lounge") {
		t.Errorf("results that repeat what is on the screen:\n%s", out)
	}
	// The lines come from a pipe, not typed on the screen: what was said
	// is printed, once.
	if n := strings.Count(out, "[Lab Lounge] you: hello\n"); n != 1 {
		t.Errorf("what was said shows %d times, want once:\n%s", n, out)
	}
}

// TestChatThroughSessionNotices: through a running session, what happens
// to the session (its connection lost, reconnecting, back) prints once,
// when it happens, on the room's output; the line typed after it brings
// no stale notices with it (they went to standard error, past the
// prompt, all at once).
func TestChatThroughSessionNotices(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	login, _ := startSessionInProcess(t, srv)
	setenv(t, "AIM_PASSWORD", "")
	chat := startCLI(t, "chat", "Lab Lounge")
	chat.out.waitFor(t, "you joined")
	srv.CloseClientConnections()
	login.out.waitFor(t, `"reconnected":true`)
	chat.out.waitForN(t, "you joined", 2) // the room again, after the signon
	before := chat.out.String()
	chat.send(t, "/members")
	chat.out.waitFor(t, "in Lab Lounge: ")
	chat.send(t, "/quit")
	if code := chat.wait(t); code != 0 {
		t.Fatalf("aim chat exit %d; stderr:\n%s", code, chat.errOut.String())
	}
	out, errOut := chat.out.String(), chat.errOut.String()
	if strings.Contains(errOut, "session:") {
		t.Errorf("notices on standard error:\n%s", errOut)
	}
	for _, say := range []string{"signed on as LabAlice", "reconnecting"} {
		if n := strings.Count(out, say); n != 1 {
			t.Errorf("%q printed %d times, want once:\n%s", say, n, out)
		}
	}
	if after := strings.TrimPrefix(out, before); strings.Contains(after, "signed on") || strings.Contains(after, "reconnecting") {
		t.Errorf("notices after the line typed:\n%s", after)
	}
	// Joining and leaving are said once, by the room (issue 22 item 6).
	if strings.Contains(out, "joined Lab Lounge") || strings.Contains(out, "left Lab Lounge") || strings.Count(out, "you left") != 1 {
		t.Errorf("the room's join or leave said twice:\n%s", out)
	}
}

// spaced is a line typed in a room that must arrive as typed (the html
// of the message; its text for people is trimmed): leading spaces, a
// tab, quotes (said as it is, never joined into a command line and read
// again).
const spaced = "   three spaces,\ta tab and \"quotes\" 'too'"

// jsonString is s as JSON writes it.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
