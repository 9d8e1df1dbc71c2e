package client_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/history"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// stored is a history line as a test reads it.
type stored struct {
	Type      string `json:"type"`
	From      string `json:"from"`
	To        string `json:"to"`
	Name      string `json:"name"`
	Room      string `json:"room"`
	Text      string `json:"text"`
	HTML      string `json:"html"`
	Direction string `json:"direction"`
	By        string `json:"by"`
	Auto      bool   `json:"auto_response"`
	Replied   bool   `json:"auto_replied"`
}

func (s stored) String() string {
	switch s.Type {
	case "im", "chat_message":
		flags := ""
		if s.Auto {
			flags += " auto-response"
		}
		if s.Replied {
			flags += " auto-replied"
		}
		return fmt.Sprintf("%s %s %s>%s %q %q%s", s.Direction, s.Type, s.From, s.To, s.Text, s.HTML, flags)
	case "chat_member_joined", "chat_member_left":
		return fmt.Sprintf("%s %s %s", s.Direction, s.Type, s.Name)
	case "warned":
		return fmt.Sprintf("%s %s by %q", s.Direction, s.Type, s.By)
	}
	return s.Direction + " " + s.Type
}

// readHistory returns the lines of the conversation name (all of them;
// "" for the session's markers) under dir, failing on any that does not
// parse.
func readHistory(t *testing.T, dir, name string) []string {
	t.Helper()
	s := history.NewStore(dir)
	convs := []history.Conv{{Kind: history.KindSession}}
	if name != "" {
		var err error
		if convs, err = s.Find(name); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := s.Tail(convs, history.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range lines {
		var s stored
		if err := json.Unmarshal(l.Raw, &s); err != nil {
			t.Fatalf("line %s: %v", l.Raw, err)
		}
		if _, err := client.DecodeOutput(l.Raw); err != nil {
			t.Errorf("line %s is not an output: %v", l.Raw, err)
		}
		out = append(out, s.String())
	}
	return out
}

func checkLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// historyPair signs LabAlice and Lab Bob on to a test server of their
// own, each recording history in their directory.
func historyPair(t *testing.T, aliceDir, bobDir string) (alice *client.Client, aout *stream, bob *client.Client, bout *stream) {
	t.Helper()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	alice, aout = startTCP(t, srv, "LabAlice", func(o *client.Options) { o.HistoryDir = aliceDir })
	bob, bout = startTCP(t, srv, "Lab Bob", func(o *client.Options) { o.HistoryDir = bobDir })
	return alice, aout, bob, bout
}

// TestHistoryRecordsConversations: two accounts exchange IMs (UTF-8 and
// HTML), one warns the other, and they talk in a room; each one's history
// has every line, in order, with its direction, and the session's markers.
func TestHistoryRecordsConversations(t *testing.T) {
	t.Parallel()
	aliceDir, bobDir := t.TempDir(), t.TempDir()
	alice, aout, bob, bout := historyPair(t, aliceDir, bobDir)

	// Each command's context lasts until its result: a send is recorded
	// once the server has taken it.
	run := func(c *client.Client, line string) { c.Exec(t.Context(), 0, line, true) }
	ok := func(s *stream, cmd string) {
		t.Helper()
		if r := next(t, s, resultOf(cmd)); !r.OK {
			t.Fatalf("%s: %+v", cmd, r)
		}
	}
	run(alice, `send "lab bob" héllo 漢字 😀 <b>&`)
	ok(aout, "send")
	next[*client.IM](t, bout, nil)
	run(bob, `html LabAlice <i>hi</i> &amp; 👋`)
	ok(bout, "html")
	next[*client.IM](t, aout, nil)
	// Warnings: in the conversation with the warner, or the session's
	// when anonymous.
	run(bob, "warn LabAlice")
	ok(bout, "warn")
	next[*client.Warned](t, aout, nil)
	run(bob, "warn LabAlice anon")
	ok(bout, "warn")
	next[*client.Warned](t, aout, nil)

	run(alice, "join Lab Lounge")
	next[*client.ChatJoined](t, aout, nil)
	run(bob, "join lab lounge")
	next[*client.ChatJoined](t, bout, nil)
	next[*client.ChatMember](t, aout, nil)
	run(alice, "say Lab Lounge 你好 room")
	ok(aout, "say")
	next[*client.ChatMessage](t, bout, nil)
	run(bob, "say --html Lab Lounge <b>back</b>")
	ok(bout, "say")
	next[*client.ChatMessage](t, aout, nil)
	run(bob, "leave Lab Lounge")
	next[*client.ChatLeft](t, bout, nil)
	next[*client.ChatMember](t, aout, func(m *client.ChatMember) bool { return m.Left })

	bob.Stop()
	bob.Wait()
	alice.Stop()
	alice.Wait()

	checkLines(t, "alice's IMs with Lab Bob", readHistory(t, aliceDir, "LABBOB"), []string{
		`out im LabAlice>lab bob "héllo 漢字 😀 <b>&" "héllo 漢字 😀 &lt;b&gt;&amp;"`,
		`in im Lab Bob> "hi & 👋" "<i>hi</i> &amp; 👋"`,
		`in warned by "Lab Bob"`,
	})
	checkLines(t, "bob's IMs with LabAlice", readHistory(t, bobDir, "labalice"), []string{
		`in im LabAlice> "héllo 漢字 😀 <b>&" "héllo 漢字 😀 &lt;b&gt;&amp;"`,
		`out im Lab Bob>LabAlice "hi & 👋" "<i>hi</i> &amp; 👋"`,
	})
	checkLines(t, "alice's room", readHistory(t, aliceDir, "Lab Lounge"), []string{
		"in chat_joined",
		"in chat_member_joined Lab Bob",
		`out chat_message LabAlice> "你好 room" "你好 room"`,
		`in chat_message Lab Bob> "back" "<b>back</b>"`,
		"in chat_member_left Lab Bob",
		"in chat_left",
	})
	checkLines(t, "bob's room", readHistory(t, bobDir, "Lab Lounge"), []string{
		"in chat_joined",
		`in chat_message LabAlice> "你好 room" "你好 room"`,
		`out chat_message Lab Bob> "back" "<b>back</b>"`,
		"in chat_left",
	})
	checkLines(t, "alice's session", readHistory(t, aliceDir, ""), []string{"in signed_on", `in warned by ""`, "in disconnected"})
	for _, dir := range []string{aliceDir, bobDir} {
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && info.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", p, info.Mode().Perm())
			}
			return nil
		})
	}
}

// recorderEnv, when set ("authorizer address|history dir"), makes
// TestHistorySurvivesKill the recorder: a session of Lab Bob that records
// its IMs and prints "written N" once the Nth is on disk.
const recorderEnv = "AIM_TEST_HISTORY_RECORDER"

// TestHistorySurvivesKill: a kill -9 of a session while it records 1,000
// incoming IMs leaves a history that reads back whole: every line it had
// written, in order, with at most a last line cut short (skipped).
func TestHistorySurvivesKill(t *testing.T) {
	t.Parallel()
	if spec := os.Getenv(recorderEnv); spec != "" {
		runRecorder(spec)
		return
	}
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cmd := osexec.Command(os.Args[0], "-test.run=^TestHistorySurvivesKill$")
	cmd.Env = append(os.Environ(), recorderEnv+"="+srv.AuthAddr()+"|"+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	if err := srv.WaitOnline(ctx, "Lab Bob"); err != nil {
		t.Fatal(err)
	}
	// The first half arrives and is written; the kill comes while the
	// second half is arriving.
	const total, half = 1000, 500
	send := func(from, to int) error {
		for i := from; i <= to; i++ {
			if err := srv.SendIM("LabAlice", "Lab Bob", fmt.Sprintf("m%04d", i)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := send(1, half); err != nil {
		t.Fatal(err)
	}
	written := 0
	sc := bufio.NewScanner(stdout)
	waitFor := func(n int) {
		t.Helper()
		for written < n && sc.Scan() {
			fmt.Sscanf(sc.Text(), "written %d", &written)
		}
		if written < n {
			t.Fatalf("the recorder stopped after %d IMs", written)
		}
	}
	waitFor(half)
	sent := make(chan error, 1)
	go func() { sent <- send(half+1, total) }()
	waitFor(half + 10)
	cmd.Process.Kill() // SIGKILL, while the rest are still arriving
	cmd.Wait()
	<-sent // ends once the server sees the connection gone, if not before

	// Every line reads back but possibly the last, cut short.
	raw, err := os.ReadFile(filepath.Join(dir, "im", "labalice", mustMonth(t, dir)))
	if err != nil {
		t.Fatal(err)
	}
	rawLines := bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n"))
	for i, l := range rawLines {
		if !json.Valid(l) && (i != len(rawLines)-1 || raw[len(raw)-1] == '\n') {
			t.Errorf("line %d of %d does not parse: %q", i+1, len(rawLines), l)
		}
	}
	lines := readHistory(t, dir, "LabAlice")
	if len(lines) < written {
		t.Errorf("%d IMs read back, but %d were written before the kill", len(lines), written)
	}
	for i, l := range lines {
		if want := fmt.Sprintf(`in im LabAlice> "m%04d" "m%04d"`, i+1, i+1); l != want {
			t.Fatalf("line %d = %s, want %s", i+1, l, want)
		}
	}
	t.Logf("killed after %d IMs written; %d read back", written, len(lines))
}

// mustMonth returns the name of the one month file of LabAlice's IMs.
func mustMonth(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "im", "labalice"))
	if err != nil || len(ents) == 0 {
		t.Fatalf("no history files: %v", err)
	}
	return ents[len(ents)-1].Name()
}

// runRecorder is the recorder process of TestHistorySurvivesKill: it
// runs until killed.
func runRecorder(spec string) {
	addr, dir, _ := strings.Cut(spec, "|")
	ims := make(chan struct{}, 4096)
	c, err := client.Start(context.Background(), client.Options{
		Account: client.Account{Server: addr, ScreenName: "Lab Bob", Password: secret.String("bobpass22"), HistoryDir: dir},
		Emit: func(o client.Output) {
			if _, ok := o.(*client.IM); ok {
				ims <- struct{}{}
			}
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "recorder:", err)
		os.Exit(1)
	}
	n := 0
	for range ims {
		n++
		if err := c.FlushHistory(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "recorder:", err)
			os.Exit(1)
		}
		fmt.Printf("written %d\n", n)
	}
}

// storedLine is o, stamped at, as the history stores it in conversation c.
func storedLine(t *testing.T, c history.Conv, o client.Output, at time.Time) history.Line {
	t.Helper()
	raw, err := client.JSON(client.Stamp(o, at))
	if err != nil {
		t.Fatal(err)
	}
	return history.Line{Conv: c, Time: at, Raw: bytes.TrimSuffix(raw, []byte("\n"))}
}

// The session's markers shown among a conversation's lines belong to it:
// no heading of their own, no second heading for the conversation after
// them, and each day is named once. Before, every marker came under
// "== session" and the lines after it under the conversation's heading
// and day again.
func TestHistoryTextMarkersInline(t *testing.T) {
	t.Parallel()
	bob := history.Conv{Kind: history.KindIM, Name: "Lab Bob"}
	sess := history.Conv{Kind: history.KindSession}
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.Local)
	lines := []history.Line{
		storedLine(t, bob, &client.IM{From: "LabAlice", Text: "one"}, at),
		storedLine(t, sess, &client.Disconnected{Reason: "logout"}, at.Add(time.Minute)),
		storedLine(t, sess, &client.SignedOn{ScreenName: "LabAlice"}, at.Add(2*time.Minute)),
		storedLine(t, bob, &client.IM{From: "Lab Bob", Text: "two"}, at.Add(3*time.Minute)),
	}
	got := client.HistoryText(lines, false)
	want := []string{"--- Monday 7 December 2026", "10:00:00 LabAlice: one", "10:01:00 signed off", "10:02:00 signed on as LabAlice",
		"10:03:00 Lab Bob: two"}
	checkLines(t, "one conversation with markers", got, want)

	// A name that is a buddy and a room: each part under its heading,
	// the markers under the part they fall in.
	room := history.Conv{Kind: history.KindRoom, Name: "Lab Bob"}
	lines = append(lines, storedLine(t, room, &client.ChatMessage{Room: "Lab Bob", From: "LabCarol", Text: "three"}, at.Add(4*time.Minute)))
	got = client.HistoryText(lines, false)
	want = []string{"== IMs with Lab Bob", "--- Monday 7 December 2026", "10:00:00 LabAlice: one", "10:01:00 signed off",
		"10:02:00 signed on as LabAlice", "10:03:00 Lab Bob: two", "== room Lab Bob", "--- Monday 7 December 2026",
		"10:04:00 [Lab Bob] LabCarol: three"}
	checkLines(t, "a buddy and a room", got, want)
}

// The history settings of the config file reach the session that
// SignOnAccount makes: history: false records nothing, and history_days
// removes the month files older than it when the session starts (and
// records the new lines).
func TestHistorySettingsReachSession(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, settings string
		record         bool
	}{{"off", "history: false\n", false}, {"kept 30 days", "history_days: 30\n", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "config.yaml")
			text := "screen_name: LabAlice\nserver: " + srv.AuthAddr() + "\npassword: alicepw1\n" + tc.settings
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			state := filepath.Join(dir, "state")
			cfg, err := config.Load(config.Options{Path: path, Env: func(k string) (string, bool) {
				if k == "XDG_STATE_HOME" {
					return state, true
				}
				return "", false
			}})
			if err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(state, "aim", "labalice", "history")
			old := filepath.Join(root, "im", "labcarol", "2020-01.jsonl")
			if tc.record {
				if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(old, []byte(`{"type":"im","time":"2020-01-02T00:00:00Z","from":"LabCarol","text":"old"}`+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			a, err := client.SignOnAccount(t.Context(), cfg, client.Setup{})
			if err != nil {
				t.Fatal(err)
			}
			s := newStream()
			c, err := client.Start(t.Context(), client.Options{Account: a, Emit: s.add})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.SendIM("Lab Bob", "LabAlice", "recorded?"); err != nil {
				t.Fatal(err)
			}
			next[*client.IM](t, s, nil)
			c.Stop()
			c.Wait()
			if !tc.record {
				if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("history: false, yet %s: %v", root, err)
				}
				return
			}
			if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("history_days: 30 kept %s: %v", old, err)
			}
			checkLines(t, "the IM recorded", readHistory(t, root, "lab bob"), []string{`in im Lab Bob> "recorded?" "recorded?"`})
		})
	}
}

// While away, the session answers an IM with the away message: the
// history has the IM (auto_replied) and the answer that went out, marked
// as an automatic response, as Pidgin's logs have both. Before, only the
// flag said an answer went, not what it said.
func TestHistoryRecordsAutoReply(t *testing.T) {
	t.Parallel()
	aliceDir, bobDir := t.TempDir(), t.TempDir()
	alice, aout, bob, bout := historyPair(t, aliceDir, bobDir)
	bob.Exec(t.Context(), 0, "away gone fishing 🎣", true)
	if r := next(t, bout, resultOf("away")); !r.OK {
		t.Fatalf("away: %+v", r)
	}
	alice.Exec(t.Context(), 0, `send "Lab Bob" lunch?`, true)
	next(t, aout, func(im *client.IM) bool { return im.AutoResponse })
	next(t, bout, func(im *client.IM) bool { return im.AutoReplied })
	alice.Exec(t.Context(), 0, `send "Lab Bob" hello?`, true) // answered once per away message
	next(t, bout, func(im *client.IM) bool { return im.Text == "hello?" })
	// Alice records it once the server has confirmed it, which may come
	// after Bob has it: wait for that, or stopping her drops it.
	next(t, aout, func(r *client.Result) bool { return r.Command == "send" && r.Text == "hello?" && r.OK })
	bob.Stop()
	bob.Wait()
	alice.Stop()
	alice.Wait()
	checkLines(t, "bob's IMs with LabAlice", readHistory(t, bobDir, "LabAlice"), []string{
		`in im LabAlice> "lunch?" "lunch?" auto-replied`,
		`out im Lab Bob>LabAlice "gone fishing 🎣" "gone fishing 🎣" auto-response`,
		`in im LabAlice> "hello?" "hello?"`,
	})
	checkLines(t, "alice's IMs with Lab Bob", readHistory(t, aliceDir, "Lab Bob"), []string{
		`out im LabAlice>Lab Bob "lunch?" "lunch?"`,
		`in im Lab Bob> "gone fishing 🎣" "gone fishing 🎣" auto-response`,
		`out im LabAlice>Lab Bob "hello?" "hello?"`,
	})
}

// ownLine is o, stamped at, as the history stores the account's own
// words: with direction out and, on an IM, the recipient as typed.
func ownLine(t *testing.T, c history.Conv, o client.Output, at time.Time, extra string) history.Line {
	t.Helper()
	l := storedLine(t, c, o, at)
	l.Raw = append(bytes.TrimSuffix(l.Raw, []byte("}")), []byte(`,"direction":"out"`+extra+`}`)...)
	return l
}

// Your own words read in the history as the live view showed them when
// you said them: an IM sent as "-> Lab Bob: …" and a room line as
// "[room] you: …", the words of the send and say results. Before, they
// read "LabAlice: …" and "[room] LabAlice: …", as someone else's would.
func TestHistoryTextOwnLinesAsLive(t *testing.T) {
	t.Parallel()
	bob := history.Conv{Kind: history.KindIM, Name: "Lab Bob"}
	room := history.Conv{Kind: history.KindRoom, Name: "Lab Lounge"}
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.Local)
	lines := []history.Line{
		ownLine(t, bob, &client.IM{From: "LabAlice", Text: "héllo 漢字 😀\nline two"}, at, `,"to":"Lab Bob"`),
		storedLine(t, bob, &client.IM{From: "Lab Bob", Text: "hi 👋"}, at.Add(time.Minute)),
		ownLine(t, room, &client.ChatMessage{Room: "Lab Lounge", From: "LabAlice", Text: "你好 room"}, at.Add(2*time.Minute), ""),
	}
	got := client.HistoryText(lines, true)
	// The live view's lines for the same words: the results of send and say.
	live := func(r *client.Result, at time.Time) string {
		r.OK = true
		client.Describe(r)
		return client.Text(client.Stamp(r, at))
	}
	want := []string{"== IMs with Lab Bob", "--- Monday 7 December 2026",
		live(&client.Result{Command: "send", To: "Lab Bob", Delivery: "delivered", Text: "héllo 漢字 😀\nline two"}, at),
		"10:01:00 Lab Bob: hi 👋",
		"== room Lab Lounge", "--- Monday 7 December 2026",
		live(&client.Result{Command: "say", Room: "Lab Lounge", Text: "你好 room"}, at.Add(2*time.Minute)),
	}
	checkLines(t, "own lines", got, want)
	if want[2] != "10:00:00 -> Lab Bob: héllo 漢字 😀\n"+strings.Repeat(" ", 21)+"line two" || want[6] != "10:02:00 [Lab Lounge] you: 你好 room" {
		t.Errorf("the live view's lines are not what this test expects:\n%s\n%s", want[2], want[6])
	}
}

// A message the server keeps for an offline recipient is recorded as
// kept ("stored": true), by the session's send and by a send of its own
// alike, and the history's text says so in the words the send said.
// Before, it was recorded exactly like one delivered.
func TestHistoryRecordsStored(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.Release = oscartest.Release2026
			s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
		})
		dir := t.TempDir()
		alice := labAccount(srv, "LabAlice", "alicepw1")
		alice.HistoryDir = dir
		once, err := client.Send(t.Context(), alice, "Lab Bob", "kept 漢字 🚀", time.Now, nil, false)
		if err != nil || once.Delivery != "stored" {
			t.Fatalf("aim send: %+v, %v; want stored", once, err)
		}
		c, _ := runAccount(t, alice)
		r := c.Do(t.Context(), client.CmdSend, []string{"Lab Bob", "kept too"}, true)
		if !r.OK || r.Delivery != "stored" {
			t.Fatalf("send = %+v, want stored", r)
		}
		c.Stop()
		c.Wait()
		lines, err := history.NewStore(dir).Lines("Lab Bob", history.Query{})
		if err != nil {
			t.Fatal(err)
		}
		var stored []bool
		var texts []string
		for _, l := range lines {
			if l.Conv.Kind != history.KindIM {
				continue
			}
			var s struct{ Stored bool }
			if err := json.Unmarshal(l.Raw, &s); err != nil {
				t.Fatal(err)
			}
			stored = append(stored, s.Stored)
		}
		for _, s := range client.HistoryText(lines, false) {
			if strings.Contains(s, "->") {
				texts = append(texts, s[len("15:04:05 "):])
			}
		}
		if len(stored) != 2 || !stored[0] || !stored[1] {
			t.Errorf("stored: %v, want both true", stored)
		}
		checkLines(t, "the text", texts, []string{once.Summary, r.Summary})
	})
}

// The away message that answers a one-shot aim send before it signs off
// is recorded after the IM, as the running session records one. Before,
// the one-shot send recorded only what it sent. Here the server hands
// LabAlice Lab Bob's away message as soon as it reads her IM, before it
// answers it: the reply is certain to come before the signoff.
func TestHistorySendOnceRecordsAwayReply(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var srv *oscartest.Server
		srv = pipeServer(t, func(s *oscartest.Server) {
			s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
			s.AddAccount(oscartest.Account{ScreenName: "LabCarol", Password: "carolpw1"})
			s.Intercept = func(e oscartest.Event) oscartest.Action {
				if p, err := oscar.ParseSNAC(e.Frame.Payload); err != nil || e.Frame.Channel != oscar.ChannelSNAC || p.Type() != oscar.TypeICBMSend {
					return oscartest.Answer
				}
				// Someone else's IM in the same moment is no answer to it.
				if err := srv.SendIM("LabCarol", "LabAlice", "not for the history"); err != nil {
					t.Error(err)
				}
				text, _ := oscar.NewText("gone fishing 🎣")
				msg := oscar.NewMessage(text)
				tlvs := oscar.AppendTLV(oscar.AppendTLV(nil, oscar.ICBMTLVMessage, msg.AppendTo(nil)), oscar.ICBMTLVAutoResponse, nil)
				if err := srv.Send("LabAlice", 0x80000000, &oscar.IncomingIM{Channel: 1, From: oscar.UserInfo{ScreenName: "Lab Bob"}, TLVs: oscar.TLVList(tlvs)}); err != nil {
					t.Error(err)
				}
				return oscartest.Answer
			}
		})
		dir := t.TempDir()
		b, _ := runAccount(t, labAccount(srv, "Lab Bob", "bobpass22"))
		defer func() { b.Stop(); b.Wait() }()
		alice := labAccount(srv, "LabAlice", "alicepw1")
		alice.HistoryDir = dir
		if r, err := client.Send(t.Context(), alice, "lab bob", "lunch? 漢字", time.Now, nil, false); err != nil || r.Delivery != "delivered" {
			t.Fatalf("aim send: %+v, %v", r, err)
		}
		checkLines(t, "alice's IMs with Lab Bob", readHistory(t, dir, "Lab Bob"), []string{
			`out im LabAlice>lab bob "lunch? 漢字" "lunch? 漢字"`,
			`in im Lab Bob> "gone fishing 🎣" "gone fishing 🎣" auto-response`,
		})
		if _, err := history.NewStore(dir).Find("LabCarol"); err == nil {
			t.Error("an IM from LabCarol during the send was recorded")
		}
	})
}

// TestHistoryAwayReplyHeldBack: the away message that answers an IM is
// recorded once the server has taken it, as a message sent is; one the
// rate limit still holds back when the session ends was never sent, and
// the history does not say it was (before, it was recorded once queued).
func TestHistoryAwayReplyHeldBack(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.AddBot("EchoBot", func(_, _ string) string { return "" })
			s.AddBot("LabEve", func(_, _ string) string { return "" })
		})
		dir := t.TempDir()
		out := &outputs{}
		c, err := client.Start(t.Context(), client.Options{
			Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
				Password: secret.String("alicepw1"), Dial: srv.Dial, HistoryDir: dir},
			Emit: out.add,
		})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := c.Exec(t.Context(), 1, "away gone fishing", true); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		const n = 60 // more than the IM class lets out at once: the reply queues behind them
		for i := range n {
			if err := c.Exec(t.Context(), i+2, fmt.Sprintf("send EchoBot m%02d", i), true); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		if err := srv.SendIM("LabEve", "LabAlice", "lunch?"); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		c.Stop() // ends the session with the reply still held back
		c.Wait()
		checkLines(t, "alice's IMs with LabEve", readHistory(t, dir, "LabEve"), []string{
			`in im LabEve> "lunch?" "lunch?" auto-replied`,
		})
	})
}
