package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/oscartest/oscartls"
)

// lineBuffer collects output written by several goroutines and lets a test
// wait for a line that matches.
type lineBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newLineBuffer() *lineBuffer { return &lineBuffer{changed: make(chan struct{})} }

func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.changed)
	b.changed = make(chan struct{})
	return b.buf.Write(p)
}

func (b *lineBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until a line contains sub, up to 10 s.
func (b *lineBuffer) waitFor(t *testing.T, sub string) {
	t.Helper()
	b.waitForN(t, sub, 1)
}

// waitForN waits until the output holds sub n times, up to 10 s.
func (b *lineBuffer) waitForN(t *testing.T, sub string, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		b.mu.Lock()
		has, ch := strings.Count(b.buf.String(), sub) >= n, b.changed
		b.mu.Unlock()
		if has {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("no %q in the output within 10 s; output:\n%s", sub, b.String())
		}
	}
}

// jsonLines parses every line as a JSON object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", sc.Text(), err)
		}
		if _, ok := m["type"].(string); !ok {
			t.Errorf("line without a type: %q", sc.Text())
		}
		if ts, ok := m["time"].(string); !ok {
			t.Errorf("line without a time: %q", sc.Text())
		} else if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Errorf("bad time %q: %v", ts, err)
		}
		recs = append(recs, m)
	}
	return recs
}

func types(recs []map[string]any) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r["type"].(string))
	}
	return out
}

// cliEnv gives each test an empty config dir and the server's address.
func cliEnv(t *testing.T, srv *oscartest.Server, password string) string {
	t.Helper()
	dir := t.TempDir()
	setenv(t, "XDG_CONFIG_HOME", dir)
	setenv(t, "HOME", dir)
	setenv(t, "XDG_STATE_HOME", filepath.Join(dir, "state"))
	setenv(t, "AIM_CONFIG", "")
	setenv(t, "AIM_SERVER", srv.AuthAddr())
	setenv(t, "AIM_PASSWORD", password)
	setenv(t, "AIM_SCREEN_NAME", "")
	setenv(t, "AIM_AUTH", "")
	setenv(t, "AIM_OUTPUT", "")
	setenv(t, "AIM_PASSWORD_COMMAND", "")
	setenv(t, "XDG_RUNTIME_DIR", t.TempDir()) // the sessions' sockets: this test's own
	return filepath.Join(dir, "aim", "config.yaml")
}

func writeConfig(t testing.TB, path, yaml string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
}

type cliRun struct {
	code   chan int
	in     *io.PipeWriter
	out    *lineBuffer
	errOut *lineBuffer
}

// startCLI runs aim with args; standard input is a pipe the test writes to.
func startCLI(t *testing.T, args ...string) *cliRun {
	t.Helper()
	pr, pw := io.Pipe()
	r := &cliRun{code: make(chan int, 1), in: pw, out: newLineBuffer(), errOut: newLineBuffer()}
	streams := &IOStreams{In: pr, Out: r.out, ErrOut: r.errOut}
	streams.SetStdinTTY(false)
	ctx, cancel := context.WithCancel(t.Context())
	env := envOf(t)
	go func() { r.code <- runIn(ctx, args, streams, env) }()
	t.Cleanup(func() {
		cancel()
		pw.Close()
		r.wait(t)
	})
	return r
}

func (r *cliRun) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(r.in, line+"\n"); err != nil {
		t.Fatalf("writing %q to aim: %v", line, err)
	}
}

func (r *cliRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case c := <-r.code:
		r.code <- c
		return c
	case <-time.After(20 * time.Second):
		t.Fatalf("aim did not exit within 20 s; stderr:\n%s", r.errOut.String())
		return -1
	}
}

// runCLI runs aim to completion with stdin.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	streams, in, out, errOut := testIO()
	in.WriteString(stdin)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	code = runIn(ctx, args, streams, envOf(t))
	return code, out.String(), errOut.String()
}

func TestLoginJSON(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "echo: " + text })
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\nbuddies:\n  - group: Bots\n    names: [EchoBot]\n")

	r := startCLI(t, "login", "--json")
	r.out.waitFor(t, `"type":"buddy_online"`)
	r.send(t, "html EchoBot héllo <b>there</b>")
	r.out.waitFor(t, `"type":"im"`)
	r.send(t, "info EchoBot")
	r.send(t, "frobnicate")
	r.send(t, "send")
	r.send(t, "buddies")
	r.in.Close()
	// Two lines failed: the exit status says so (README, Exit status).
	if code := r.wait(t); code != 1 || !strings.Contains(r.errOut.String(), "aim: 2 commands from standard input failed\n") {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, r.errOut.String())
	}
	recs := jsonLines(t, r.out.String())
	// The output ends with the failure: a result of the login, not of a line.
	if end := recs[len(recs)-1]; end["type"] != "result" || end["command"] != "login" || end["ok"] != false || end["exit_code"] != 1.0 {
		t.Errorf("the last line = %v, want the login's failure, exit_code 1", end)
	} else {
		recs = recs[:len(recs)-1]
	}
	got := types(recs)
	if got[0] != "signed_on" || got[len(got)-1] != "disconnected" {
		t.Errorf("types = %v, want signed_on first and disconnected last", got)
	}
	if last := recs[len(recs)-1]; last["reason"] != "logout" {
		t.Errorf("last event = %v, want a logout", last)
	}
	byID := map[float64]map[string]any{}
	for _, rec := range recs {
		switch rec["type"] {
		case "im":
			if rec["from"] != "EchoBot" || rec["text"] != "echo: héllo there" || rec["html"] != "echo: héllo <b>there</b>" {
				t.Errorf("im = %v", rec)
			}
		case "result":
			byID[rec["id"].(float64)] = rec
		}
	}
	for id, want := range map[float64]bool{1: true, 2: true, 3: false, 4: false, 5: true} {
		rec, ok := byID[id]
		if !ok {
			t.Errorf("no result for line %v in %v", id, got)
			continue
		}
		if rec["ok"] != want {
			t.Errorf("result %v = %v, want ok=%v", id, rec, want)
		}
		if !want && rec["error"] == "" {
			t.Errorf("result %v has no error text", id)
		}
	}
	if online := byID[5]["online"]; online == nil || len(online.([]any)) != 1 {
		t.Errorf("buddies result = %v, want EchoBot online", byID[5])
	}
	if strings.Contains(r.out.String()+r.errOut.String(), "alicepw1") {
		t.Error("the password appears in the output")
	}
}

// TestLoginEndOfInputDeliversEverything: messages queued just before the
// input ends are all delivered and acknowledged before the logout frame.
func TestLoginEndOfInputDeliversEverything(t *testing.T) {
	t.Parallel()
	// The limiter still paces the client (in milliseconds), so messages
	// are queued when the input ends; the server does not drop the ones
	// a loaded machine bunches up (newFastServer).
	srv := newFastServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	cliEnv(t, srv, "") // each uses a password command
	bob := startCLI(t, "login", "--json", "--screen-name", "LabBob", "--password-command", "echo bobpass22")
	bob.out.waitFor(t, `"signed_on"`)

	var script strings.Builder
	const n = 20
	for i := range n {
		script.WriteString("send LabBob message " + strings.Repeat("x", i) + "\n")
	}
	code, out, stderr := runCLI(t, script.String(), "login", "--json", "--screen-name", "LabAlice", "--password-command", "echo alicepw1")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	oks := strings.Count(out, `"ok":true`)
	if oks != n {
		t.Errorf("%d sends acknowledged, want %d:\n%s", oks, n, out)
	}
	frames, err := srv.WaitClosed(t.Context(), "LabAlice")
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, f := range frames {
		if f.Channel == oscar.ChannelSNAC {
			if s, _ := oscar.ParseSNAC(f.Payload); s.Type() == oscar.TypeICBMSend {
				sent++
			}
		}
	}
	if last := frames[len(frames)-1]; sent != n || last.Channel != oscar.ChannelSignoff {
		t.Errorf("%d IMs then %v last; want %d IMs then the logout frame", sent, last, n)
	}
	for i := range n {
		bob.out.waitFor(t, `"text":"`+strings.TrimSpace("message "+strings.Repeat("x", i))+`"`)
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()

	t.Run("wrong password", func(t *testing.T) {
		cliEnv(t, srv, "not-the-password")
		code, _, stderr := runCLI(t, "", "login", "--screen-name", "LabAlice")
		if code != exitAuth || !strings.Contains(stderr, "wrong password") || strings.Contains(stderr, "not-the-password") {
			t.Errorf("exit %d, stderr %q; want %d and 'wrong password' without the password", code, stderr, exitAuth)
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		cliEnv(t, srv, "x")
		code, _, stderr := runCLI(t, "", "login", "--screen-name", "Nobody", "--auth", "md5")
		if code != exitAuth || !strings.Contains(stderr, "unknown") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("no password", func(t *testing.T) {
		cliEnv(t, srv, "")
		code, _, stderr := runCLI(t, "", "login", "--screen-name", "LabAlice")
		if code != exitUsage || !strings.Contains(stderr, "AIM_PASSWORD") {
			t.Errorf("exit %d, stderr %q; want %d and how to give a password", code, stderr, exitUsage)
		}
	})
	t.Run("no server", func(t *testing.T) {
		cliEnv(t, srv, "alicepw1")
		setenv(t, "AIM_SERVER", "")
		code, _, stderr := runCLI(t, "", "login", "--screen-name", "LabAlice")
		if code != exitUsage || !strings.Contains(stderr, "--server") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		cliEnv(t, srv, "alicepw1")
		code, _, stderr := runCLI(t, "", "login", "--screen-name", "LabAlice", "--server", addr)
		if code != exitNetwork || !strings.Contains(stderr, addr) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("bad --for", func(t *testing.T) {
		cliEnv(t, srv, "alicepw1")
		if code, _, _ := runCLI(t, "", "login", "--for", "-1s"); code != exitUsage {
			t.Errorf("exit %d", code)
		}
	})
}

func TestLoginKicked(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	r := startCLI(t, "login", "--json", "--screen-name", "LabAlice", "--auth", "md5", "--no-input")
	r.out.waitFor(t, `"signed_on"`)
	if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Kick("LabAlice"); err != nil {
		t.Fatal(err)
	}
	if code := r.wait(t); code != exitKicked {
		t.Errorf("exit %d, want %d; stderr: %s", code, exitKicked, r.errOut.String())
	}
	r.out.waitFor(t, `"reason":"signed_on_elsewhere"`)
}

func TestSend(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")

	if code, out, stderr := runCLI(t, "", "send", "EchoBot", "hello", "there"); code != 0 || !strings.Contains(out, "-> EchoBot: ") {
		t.Errorf("send: exit %d, out %q, err %q", code, out, stderr)
	}
	if code, out, _ := runCLI(t, "from stdin\n", "send", "EchoBot", "--json"); code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Errorf("send from stdin: exit %d, out %q", code, out)
	}
	code, _, stderr := runCLI(t, "", "send", "LabBob", "are you there?")
	if code != exitRefused || !strings.Contains(stderr, "LabBob is not signed on") {
		t.Errorf("send to offline: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "send", "EchoBot", strings.Repeat("x", 600)); code != exitUsage {
		t.Errorf("send of 600 bytes: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "", "send", "bad!name", "x"); code != exitUsage {
		t.Errorf("send to a bad name: exit %d", code)
	}
	if code, _, _ := runCLI(t, "   \n", "send", "EchoBot"); code != exitUsage {
		t.Errorf("send of nothing: exit %d", code)
	}
}

// TestSendTimeoutSaysWhy: the server limits the IM class with absurd
// numbers (a clear level of 4,000,000 ms); the running aim login says how
// long the next message waits, and aim send --timeout 1s through it ends
// with exit 4 and words for what timed out, not "control socket: context
// deadline exceeded", and for what becomes of the message: the session
// drops it (control cancels a gone client's requests, flapconn never
// writes a given-up job), so it must not say it may be sent later.
func TestSendTimeoutSaysWhy(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	alice := startCLI(t, "login")
	alice.out.waitFor(t, "signed on")
	var im oscar.RateClass
	for _, c := range srv.Rates.Classes {
		if c.ID == 3 { // 04,06's
			im = c
		}
	}
	im.Clear, im.Current = 4_000_000, im.Limit-100
	if err := srv.Send("LabAlice", 0, &oscar.RateChange{Code: oscar.RateLimited, Class: im}); err != nil {
		t.Fatal(err)
	}
	alice.out.waitFor(t, "sending slower, the next one in 46s")
	code, _, stderr := runCLI(t, "", "send", "--timeout", "1s", "LabBob", "hi")
	if code != exitNetwork || strings.Contains(stderr, "deadline exceeded") || !strings.Contains(stderr, "no confirmation from the server within 1s (--timeout), so the running session drops the message") ||
		strings.Contains(stderr, "send it later") {
		t.Errorf("send --timeout 1s: exit %d, stderr %q; want exit %d saying what timed out", code, stderr, exitNetwork)
	}
}

// TestDebugTraceHasNoSecrets: the wire trace never shows the password, its
// roasted form, the MD5 hash or the cookie.
func TestDebugTraceHasNoSecrets(t *testing.T) {
	t.Parallel()
	for _, auth := range []string{"flap", "md5"} {
		t.Run(auth, func(t *testing.T) {
			srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
			defer srv.Close()
			cliEnv(t, srv, "alicepw1")
			code, out, stderr := runCLI(t, "", "login", "--debug", "--screen-name", "LabAlice", "--auth", auth)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "-> seq=") || !strings.Contains(stderr, "secrets zeroed") {
				t.Fatalf("no trace with redaction in stderr:\n%s", stderr)
			}
			bosFrames := srv.Sent("LabAlice")
			var signon oscar.BOSSignon
			if err := signon.Decode(bosFrames[0].Payload); err != nil {
				t.Fatal(err)
			}
			secrets := map[string]string{
				"password":         "alicepw1",
				"password hex":     hex.EncodeToString([]byte("alicepw1")),
				"roasted password": hex.EncodeToString(oscar.AppendRoasted(nil, []byte("alicepw1"))),
				"cookie":           hex.EncodeToString(signon.Cookie[:32]),
			}
			if auth == "md5" {
				var req oscar.MD5LoginRequest
				for _, f := range srv.AuthSent("LabAlice") {
					if s, err := oscar.ParseSNAC(f.Payload); err == nil && s.Type() == oscar.TypeMD5LoginRequest {
						req.Decode(s.Body)
					}
				}
				secrets["md5 hash"] = hex.EncodeToString(req.Hash[:])
			}
			for what, s := range secrets {
				if strings.Contains(stderr, s) || strings.Contains(out, s) {
					t.Errorf("the %s appears in the output", what)
				}
			}
		})
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	r := startCLI(t, "demo", "--json")
	r.out.waitFor(t, `"from":"AIMBot"`) // the welcome
	r.send(t, "send AIMBot hello")
	r.out.waitFor(t, `Hello, DemoUser!`)
	r.send(t, "quit")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d: %s", code, r.errOut.String())
	}
	recs := jsonLines(t, r.out.String())
	if got := types(recs); got[0] != "signed_on" || got[len(got)-1] != "disconnected" {
		t.Errorf("types = %v", got)
	}
}

// uploadedBuddies returns the buddy names LabAlice's sessions sent the
// server: in 03,04, or as buddy items of 13,08 (the list the server keeps).
func uploadedBuddies(srv *oscartest.Server) []string {
	var names []string
	for _, f := range srv.Sent("LabAlice") {
		s, err := oscar.ParseSNAC(f.Payload)
		if err != nil || f.Channel != oscar.ChannelSNAC {
			continue
		}
		switch s.Type() {
		case oscar.TypeAddBuddies:
			var m oscar.AddBuddies
			m.Decode(s.Body)
			names = append(names, m.Names...)
		case oscar.TypeFeedbagInsertItem:
			var m oscar.FeedbagInsert
			m.Decode(s.Body)
			for _, it := range m.Items {
				if it.Class == oscar.FeedbagClassBuddy {
					names = append(names, it.Name)
				}
			}
		}
	}
	return names
}

// TestReconnect: a buddy added live reaches the server's list at once, and
// a lost connection is followed by a new signon.
func TestReconnect(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabCarol", Password: "carolpw3"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	r := startCLI(t, "login", "--json", "--screen-name", "LabAlice")
	r.out.waitFor(t, `"signed_on"`)
	r.send(t, "add LabCarol")
	r.out.waitFor(t, `"command":"add"`)
	if !slices.Contains(uploadedBuddies(srv), "LabCarol") {
		t.Errorf("the buddy added live did not reach the server: %q", uploadedBuddies(srv))
	}
	srv.CloseClientConnections()
	r.out.waitFor(t, `"reason":"connection_lost"`)
	r.out.waitFor(t, `"type":"reconnecting"`)
	r.out.waitFor(t, `"reconnected":true`)
	if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	r.send(t, "quit")
	if code := r.wait(t); code != 0 {
		t.Errorf("exit %d: %s", code, r.errOut.String())
	}
}

// TestNoReconnect: --reconnect=false makes a lost connection the end, with
// the network exit status.
func TestNoReconnect(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	r := startCLI(t, "login", "--json", "--screen-name", "LabAlice", "--reconnect=false", "--no-input")
	r.out.waitFor(t, `"signed_on"`)
	if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	srv.CloseClientConnections()
	if code := r.wait(t); code != exitNetwork {
		t.Errorf("exit %d, want %d: %s", code, exitNetwork, r.errOut.String())
	}
}

// TestConfigEditsApplyLive: `aim buddies add` and `aim set-profile` in
// another process change the running session at once.
func TestConfigEditsApplyLive(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\n")
	r := startCLI(t, "login", "--json")
	r.out.waitFor(t, `"signed_on"`)

	// The watcher starts before signon, so the first edit is seen.
	if code, _, stderr := runCLI(t, "", "set-profile", "--no-session", "profile one"); code != 0 {
		t.Fatalf("set-profile: %d %s", code, stderr)
	}
	r.out.waitFor(t, `"profile":true`)
	if code, _, stderr := runCLI(t, "", "buddies", "add", "--no-session", "EchoBot"); code != 0 {
		t.Fatalf("buddies add: %d %s", code, stderr)
	}
	r.out.waitFor(t, `"added":["EchoBot"]`)
	r.out.waitFor(t, `"type":"buddy_online"`) // the server saw the new 03,04
	r.send(t, "quit")
	r.wait(t)
}

// TestSetAwaySetsItOnce: aim set-away through a running session sets the
// away message once (one 02,04, each fanned out to every watcher), and
// the session's config follower does not report the command's own edit
// as "config file changed: away message updated" (issue 22).
func TestSetAwaySetsItOnce(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\n")
	r := startCLI(t, "login", "--json")
	r.out.waitFor(t, `"signed_on"`)
	if code, _, stderr := runCLI(t, "", "set-away", "At lunch"); code != 0 {
		t.Fatalf("set-away: %d %s", code, stderr)
	}
	// Someone else's edit, to know the follower has read the file.
	if code, _, stderr := runCLI(t, "", "buddies", "add", "--no-session", "EchoBot"); code != 0 {
		t.Fatalf("buddies add: %d %s", code, stderr)
	}
	r.out.waitFor(t, `"added":["EchoBot"]`)
	r.send(t, "quit")
	r.wait(t)
	for _, line := range strings.Split(r.out.String(), "\n") {
		if strings.Contains(line, `"config_applied"`) && strings.Contains(line, `"away":true`) {
			t.Errorf("the follower reported set-away's own edit: %s", line)
		}
	}
	n := 0
	for _, f := range srv.Sent("LabAlice") {
		var si oscar.SetInfo
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeSetInfo &&
			si.Decode(s.Body) == nil && string(si.Away) == "At lunch" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the server got the away message %d times, want 1", n)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := oscartls.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cliEnv(t, srv.Server, "alicepw1")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"trusted CA", []string{"--tls", "--tls-ca", ca}, 0},
		{"insecure", []string{"--tls", "--tls-insecure"}, 0},
		{"unknown CA", []string{"--tls"}, exitNetwork},
		{"--tls-ca without --tls", []string{"--tls-ca", ca}, exitUsage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"login", "--json", "--screen-name", "LabAlice"}, tt.args...)
			code, out, stderr := runCLI(t, "quit\n", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			if code == 0 && !strings.Contains(out, `"signed_on"`) {
				t.Errorf("no signon over TLS: %s", out)
			}
			if tt.name == "unknown CA" && !strings.Contains(stderr, "certificate") {
				t.Errorf("stderr %q does not say the certificate is the problem", stderr)
			}
		})
	}
}

// TestAutoreplyIsNotAnswered: the demo bot, like real clients, does not
// answer an automatic reply, so a bot built on autoreply cannot loop.
func TestAutoreplyIsNotAnswered(t *testing.T) {
	t.Parallel()
	r := startCLI(t, "demo", "--json")
	r.out.waitFor(t, `"from":"AIMBot"`)
	r.send(t, "autoreply AIMBot thanks, I am a bot")
	r.send(t, "send AIMBot hello")
	r.out.waitFor(t, "Hello, DemoUser!")
	r.send(t, "quit")
	r.wait(t)
	if n := strings.Count(r.out.String(), `"from":"AIMBot"`); n != 2 {
		t.Errorf("AIMBot sent %d messages, want 2 (the welcome and the answer to hello):\n%s", n, r.out.String())
	}
}

// TestStoredSettingsReachSignon: what `aim buddies add` and
// `aim set-profile` store is uploaded at the next signon (03,04, 02,04).
func TestStoredSettingsReachSignon(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	for _, args := range [][]string{
		{"buddies", "add", "Lab Bob", "LabCarol"},
		{"buddies", "add", "LabDave", "--group", "Work"},
		{"set-profile", "<HTML>héllo from aim</HTML>"},
	} {
		if code, _, stderr := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "quit\n", "login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	var profile *oscar.SetInfo
	for _, f := range srv.Sent("LabAlice") {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeSetInfo {
			profile = new(oscar.SetInfo)
			profile.Decode(s.Body)
		}
	}
	if want, buddies := []string{"Lab Bob", "LabCarol", "LabDave"}, uploadedBuddies(srv); !slices.Equal(buddies, want) {
		t.Errorf("uploaded %q, want %q", buddies, want)
	}
	if profile == nil || string(profile.Profile) != "<HTML>héllo from aim</HTML>" || !strings.Contains(profile.ProfileMIME, "utf-8") {
		t.Errorf("02,04 = %+v, want the stored profile, labelled utf-8", profile)
	}
}

func TestLoginRateLimited(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.LoginError = func(string) uint16 { return oscar.LoginErrRateLimited }
	srv.Start()
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	code, _, stderr := runCLI(t, "", "login", "--screen-name", "LabAlice")
	if code != exitAuth || !strings.Contains(stderr, "signing on too often") || strings.Contains(stderr, "0x") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestNonASCIIRoundTrip: text in any script arrives intact between two
// aim processes, whatever charset it travels in.
func TestNonASCIIRoundTrip(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	cliEnv(t, srv, "")
	bob := startCLI(t, "login", "--json", "--screen-name", "LabBob", "--password-command", "echo bobpass22")
	bob.out.waitFor(t, `"signed_on"`)
	texts := []string{"plain ascii", "café crème", "漢字 and ünïcödé", "emoji 😀🎉", "tags <b>bold</b> &amp; more"}
	var script strings.Builder
	for _, s := range texts {
		script.WriteString("send LabBob " + s + "\n")
	}
	if code, _, stderr := runCLI(t, script.String(), "login", "--screen-name", "LabAlice", "--password-command", "echo alicepw1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range texts[:4] {
		bob.out.waitFor(t, `"text":"`+s+`"`)
	}
	// Typed text arrives as typed, markup-like characters and all.
	bob.out.waitFor(t, `"text":"tags <b>bold</b> &amp; more"`)
	bob.out.waitFor(t, `"html":"tags &lt;b&gt;bold&lt;/b&gt; &amp;amp; more"`)
}

// TestDemoServe: the demo server alone, and aim login against it.
func TestDemoServe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	server := startCLI(t, "demo", "--serve", "--listen", addr)
	server.errOut.waitFor(t, "listening on "+addr)
	dir := t.TempDir()
	setenv(t, "XDG_CONFIG_HOME", dir)
	setenv(t, "AIM_PASSWORD", "demo")
	setenv(t, "AIM_SERVER", "")
	code, out, stderr := runCLI(t, "send AIMBot hi\n", "login", "--json", "--server", addr, "--screen-name", "Alice")
	if code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Errorf("login to the demo server: exit %d, %s %s", code, out, stderr)
	}
	// The port is taken now: a second server says so.
	if code, _, stderr := runCLI(t, "", "demo", "--serve", "--listen", addr); code == 0 || !strings.Contains(stderr, "address already in use") {
		t.Errorf("second server: exit %d, %s", code, stderr)
	}
}

// TestQueuedMessagesAreReported: messages waiting behind the rate limit
// when the connection dies each get a result: sent, or an error. None
// vanishes.
func TestQueuedMessagesAreReported(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(string, string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	r := startCLI(t, "login", "--json", "--screen-name", "LabAlice", "--reconnect=false")
	r.out.waitFor(t, `"signed_on"`)
	const n = 15 // the real IM class lets about 7 through at once, then one per 4 s
	for i := range n {
		r.send(t, fmt.Sprintf("send EchoBot queued %d", i))
	}
	r.out.waitFor(t, fmt.Sprintf(`"id":%d,"command":"send","ok":true`, 5))
	srv.CloseClientConnections()
	if code := r.wait(t); code != exitNetwork {
		t.Errorf("exit %d, want %d", code, exitNetwork)
	}
	results, failed := 0, 0
	for _, rec := range jsonLines(t, r.out.String()) {
		if rec["type"] == "result" && rec["command"] == "send" {
			results++
			if rec["ok"] == false {
				failed++
			}
		}
	}
	if results != n || failed == 0 {
		t.Errorf("%d results (%d failed) for %d queued messages, want every one reported and some failed:\n%s", results, failed, n, r.out.String())
	}
}

// TestCommandsKeepInputOrder: commands that change the session run in
// input order, and every buddy added from input is in the config file;
// an away message set live survives an unrelated edit of the file.
func TestCommandsKeepInputOrder(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\n")
	var script strings.Builder
	for i := range 10 {
		fmt.Fprintf(&script, "add Dave%d\n", i)
	}
	script.WriteString("away one\naway two\naway three\naway\naway lunch\n")
	r := startCLI(t, "login", "--json")
	r.out.waitFor(t, `"signed_on"`)
	r.send(t, strings.TrimSpace(script.String()))
	r.out.waitFor(t, `"id":15`)
	// An edit of the file by another command must not undo the away.
	if code, _, stderr := runCLI(t, "", "buddies", "add", "--no-session", "LabCarol"); code != 0 {
		t.Fatalf("buddies add: %d %s", code, stderr)
	}
	r.out.waitFor(t, `"added":["LabCarol"]`)
	r.send(t, "quit")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d: %s", code, r.errOut.String())
	}
	for _, rec := range jsonLines(t, r.out.String()) {
		if rec["type"] == "config_applied" && rec["away"] == true {
			t.Errorf("the file edit touched the away message:\n%s", r.out.String())
		}
	}
	var aways []string
	for _, f := range srv.Sent("LabAlice") {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeSetInfo {
			var m oscar.SetInfo
			m.Decode(s.Body)
			if m.HasAway && !m.HasProfile {
				aways = append(aways, string(m.Away))
			}
		}
	}
	if want := []string{"one", "two", "three", "", "lunch"}; !slices.Equal(aways, want) {
		t.Errorf("away messages sent %q, want %q in input order", aways, want)
	}
	code, out, _ := runCLI(t, "", "buddies", "list", "--json")
	for i := range 10 {
		if !strings.Contains(out, fmt.Sprintf("Dave%d", i)) {
			t.Errorf("Dave%d is missing from the config file (exit %d):\n%s", i, code, out)
		}
	}
}

// TestEscapeSequencesAreDefused: control characters from other people
// never reach the terminal in text mode, whether raw or as HTML entities.
func TestEscapeSequencesAreDefused(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("Mallory", func(string, string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	r := startCLI(t, "login", "--screen-name", "LabAlice")
	r.out.waitFor(t, "signed on")
	if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	if err := srv.SendIM("Mallory", "LabAlice", "\x1b]0;pwned\x07\x1b[2J&#27;[31m red \u009b \u202egnp.exe\u202c &#8238;rtl\u2066\u2069\u200f done"); err != nil {
		t.Fatal(err)
	}
	r.out.waitFor(t, "done")
	r.in.Close()
	r.wait(t)
	out := r.out.String()
	for _, c := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"} {
		if strings.Contains(out, c) {
			t.Errorf("output holds control character %q:\n%q", c, out)
		}
	}
	if !strings.Contains(out, "^[]0;pwned^G^[[2J^[[31m red \uFFFD \uFFFDgnp.exe\uFFFD \uFFFDrtl\uFFFD\uFFFD\uFFFD done") {
		t.Errorf("the message is not shown defused:\n%q", out)
	}
}

// TestRequestsKeepInputOrder: info and warn, which wait for answers, are
// still queued in input order with the sends around them.
func TestRequestsKeepInputOrder(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	cliEnv(t, srv, "")
	bob := startCLI(t, "login", "--json", "--screen-name", "LabBob", "--password-command", "echo bobpass22", "--no-input")
	bob.out.waitFor(t, `"signed_on"`)
	code, out, stderr := runCLI(t, "info LabBob\nwarn LabBob\nsend LabBob sorry\n", "login", "--json", "--screen-name", "LabAlice", "--password-command", "echo alicepw1")
	if code != 0 || strings.Count(out, `"ok":true`) != 3 {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	var order []oscar.SNACType
	for _, f := range srv.Sent("LabAlice") {
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC {
			switch s.Type() {
			case oscar.TypeUserInfoQuery, oscar.TypeWarnRequest, oscar.TypeICBMSend:
				order = append(order, s.Type())
			}
		}
	}
	if want := []oscar.SNACType{oscar.TypeUserInfoQuery, oscar.TypeWarnRequest, oscar.TypeICBMSend}; !slices.Equal(order, want) {
		t.Errorf("sent %v, want %v", order, want)
	}
}

// TestLongInputLineIsRefused: a line of standard input over 1 MiB is
// refused with a plain error, and the lines after it, quit included, still
// run; a script with a failed line exits 1.
func TestLongInputLineIsRefused(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	got := make(chan string, 4)
	srv.AddBot("EchoBot", func(_, text string) string { got <- text; return "" })
	cliEnv(t, srv, "alicepw1")
	stdin := "send EchoBot before\nsend EchoBot " + strings.Repeat("x", 1<<20) + "\nsend EchoBot after\nquit\nsend EchoBot never\n"
	code, out, stderr := runCLI(t, stdin, "login", "--json", "--screen-name", "LabAlice")
	if code != 1 || !strings.Contains(stderr, "1 command from standard input failed") {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	results := map[float64]map[string]any{}
	for _, rec := range jsonLines(t, out) {
		if id, ok := rec["id"].(float64); ok && rec["type"] == "result" {
			results[id] = rec
		}
	}
	if r := results[2]; r["ok"] != false || r["error"] != "line longer than 1 MiB: ignored" {
		t.Errorf("the long line's result: %v", r)
	}
	for _, id := range []float64{1, 3, 4} {
		if r := results[id]; r["ok"] != true {
			t.Errorf("line %v's result: %v", id, r)
		}
	}
	if _, ok := results[5]; ok {
		t.Errorf("a line after quit ran: %v", results[5])
	}
	// The bot hears after the server's acknowledgement: wait for it.
	for _, want := range []string{"before", "after"} {
		select {
		case text := <-got:
			if text != want {
				t.Errorf("EchoBot got %.20q, want %q", text, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("EchoBot never got %q", want)
		}
	}
}

// TestSendStored: on the 2026 release a message to someone offline is
// kept by the server and aim send says so, exit 0; --online-only refuses
// it, exit 6; the same with the message on stdin, and through a running
// aim login.
func TestSendStored(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	srv.Release = oscartest.Release2026
	srv.Start()
	defer srv.Close()
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	stored := "-> LabBob (offline; the server keeps it for their next signon): "
	// stdin is the message when the arguments have none.
	check := func(how, stdin string, args ...string) {
		t.Helper()
		if code, out, stderr := runCLI(t, stdin, append([]string{"send"}, args...)...); code != 0 || !strings.Contains(out, stored) {
			t.Errorf("%s: exit %d, out %q, err %q; want 0 and %q", how, code, out, stderr, stored)
		}
		args = append([]string{"--online-only"}, args...)
		if code, _, stderr := runCLI(t, stdin, append([]string{"send"}, args...)...); code != exitRefused || !strings.Contains(stderr, "LabBob is not signed on") {
			t.Errorf("%s --online-only: exit %d, stderr %q; want %d", how, code, stderr, exitRefused)
		}
	}
	check("one-shot", "", "LabBob", "kept for later")
	check("one-shot, the message on stdin", "kept from stdin\n", "LabBob")
	alice := startCLI(t, "login")
	alice.out.waitFor(t, "signed on")
	check("through the session", "", "LabBob", "kept too")
	check("through the session, the message on stdin", "kept from stdin too\n", "LabBob")
	if n := srv.OfflineIMs("LabBob"); n != 4 {
		t.Errorf("%d messages kept for LabBob, want 4", n)
	}
}
