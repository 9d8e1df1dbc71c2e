package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// countingServer listens on loopback and counts the connections made to
// it, closing each at once: a signon attempt against it fails fast.
func countingServer(t *testing.T) (addr string, conns *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int32)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String(), conns
}

// TestInputCheckedBeforeSignon: whatever needs no server is refused with
// exit 2 before aim connects: real servers ration signons.
func TestInputCheckedBeforeSignon(t *testing.T) {
	t.Parallel()
	isolate(t)
	addr, conns := countingServer(t)
	setenv(t, "AIM_SERVER", addr)
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	setenv(t, "AIM_PASSWORD", "alicepw1")
	tests := []struct {
		stdin  string
		args   []string
		errOut string
	}{
		{"", []string{"send", "LabBob", strings.Repeat("x", 2000)}, "message is too long: 2000 bytes"},
		// As encoded: each "<" goes out as "&lt;".
		{"", []string{"send", "LabBob", strings.Repeat("<", 200)}, "message is too long: 800 bytes"},
		{strings.Repeat("é", 600), []string{"send", "LabBob"}, "message is too long: 600 bytes"},
		{"", []string{"send", "bad!name", "hi"}, "invalid character '!'"},
		{"", []string{"send", "LabBob", "  "}, "no message to send"},
		{"", []string{"send", "--auth", "bogus", "LabBob", "hi"}, `auth "bogus"`},
		{"", []string{"send", "--tls", "--tls-ca", "/nonexistent/ca.pem", "LabBob", "hi"}, "--tls-ca"},
		{"", []string{"login", "--auth", "bogus"}, `auth "bogus"`},
		{"", []string{"login", "--for", "-5s"}, "--for must be positive"},
		{"", []string{"demo", "--for", "-5s"}, "--for must be positive"},
		{"", []string{"demo", "--serve", "--listen", "nonsense"}, `--listen "nonsense": want HOST:PORT`},
		{"", []string{"demo", "--serve", "--listen", ":5190"}, "no host"},
	}
	for _, tt := range tests {
		r := aim(t, tt.stdin, tt.args...)
		r.want(t, exitUsage, "", tt.errOut)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections to the server, want none: every mistake is found before signing on", n)
	}
}

// TestTextIsSentAsTyped: a message goes out escaped, so that the receiver
// sees what was typed; --html, the html command and the html key send
// HTML as it is.
func TestTextIsSentAsTyped(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	var (
		mu  sync.Mutex
		got []string
	)
	srv.AddBot("EchoBot", func(_, text string) string {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, text)
		return ""
	})
	cfg := cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	setenv(t, "AIM_HTML", "")
	check := func(want ...string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("the bot got %q, want %q", got, want)
		}
		got = nil
	}
	if code, _, stderr := runCLI(t, "", "send", "EchoBot", "a < b & c, &amp; <b>x</b>"); code != 0 {
		t.Fatalf("send: exit %d: %s", code, stderr)
	}
	check("a &lt; b &amp; c, &amp;amp; &lt;b&gt;x&lt;/b&gt;")
	if code, _, stderr := runCLI(t, "line one\nline two\n", "send", "EchoBot"); code != 0 {
		t.Fatalf("send from stdin: exit %d: %s", code, stderr)
	}
	check("line one<br>line two")
	if code, _, stderr := runCLI(t, "", "send", "--html", "EchoBot", "<b>bold</b> &amp;"); code != 0 {
		t.Fatalf("send --html: exit %d: %s", code, stderr)
	}
	check("<b>bold</b> &amp;")
	code, out, stderr := runCLI(t, "send EchoBot 1 < 2\nhtml EchoBot <i>it</i>\n", "login", "--json")
	if code != 0 || strings.Count(out, `"ok":true`) != 2 {
		t.Fatalf("login: exit %d: %s %s", code, out, stderr)
	}
	check("1 &lt; 2", "<i>it</i>")
	writeConfig(t, cfg, "html: true\n")
	if code, _, stderr := runCLI(t, "send EchoBot <u>u</u>\n", "login"); code != 0 {
		t.Fatalf("login with html: true: exit %d: %s", code, stderr)
	}
	check("<u>u</u>")
	// What aim send is told decides, whatever the running session's
	// setting: --html=false is plain text through an html: true session.
	r := startCLI(t, "login", "--no-input")
	r.out.waitFor(t, "signed on")
	if code, _, stderr := runCLI(t, "", "send", "--html=false", "EchoBot", "<b>x</b>"); code != 0 {
		t.Fatalf("send --html=false: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "send", "EchoBot", "<b>y</b>"); code != 0 {
		t.Fatalf("send: exit %d: %s", code, stderr)
	}
	check("&lt;b&gt;x&lt;/b&gt;", "<b>y</b>")
	if code, _, stderr := runCLI(t, "", "logout"); code != 0 {
		t.Fatalf("logout: exit %d: %s", code, stderr)
	}
	r.wait(t)
}

// TestResultsInInputOrder: the results of a script's lines come out in
// input order, a quit's after those of the lines before it.
func TestResultsInInputOrder(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(string, string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	var script strings.Builder
	const n = 6 // within the IM class's burst: no waiting for the rate limiter
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&script, "send EchoBot order %d\n", i)
		if i%2 == 0 {
			script.WriteString("help\n") // ready at once, between sends still waiting
		}
	}
	script.WriteString("quit\n")
	code, out, stderr := runCLI(t, script.String(), "login", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ids []int
	for _, rec := range jsonLines(t, out) {
		if rec["type"] == "result" {
			ids = append(ids, int(rec["id"].(float64)))
		}
	}
	want := make([]int, 0, n+n/2+1)
	for i := 1; i <= n+n/2+1; i++ {
		want = append(want, i)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("result ids %v, want %v", ids, want)
	}
}

// TestJSONFailuresOnStdout: with --json every outcome is one JSON object
// on standard output, failures too; the sentence still goes to stderr.
func TestJSONFailuresOnStdout(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	cfg := cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	tests := []struct {
		args []string
		code int
		exit string
	}{
		{[]string{"send", "--json", "LabBob", "are you there?"}, exitRefused, "refused"},
		{[]string{"info", "--json", "LabBob"}, exitRefused, "refused"}, // not signed on, as README says
		{[]string{"send", "--json", "LabBob", strings.Repeat("x", 600)}, exitUsage, "usage"},
		{[]string{"send", "--json", "--server", "127.0.0.1:1", "LabBob", "hi"}, exitNetwork, "network"},
		{[]string{"send", "--json", "--bogus"}, exitUsage, "usage"},
		{[]string{"buddies", "add", "--json", "bad!name"}, exitUsage, "usage"},
	}
	for _, tt := range tests {
		code, out, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, "aim: ") {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and the sentence on stderr", tt.args, code, stderr, tt.code)
		}
		recs := jsonLines(t, out)
		if len(recs) != 1 {
			t.Errorf("%q: stdout %q, want one JSON object", tt.args, out)
			continue
		}
		r := recs[0]
		if r["type"] != "result" || r["ok"] != false || r["error"] == "" || r["exit_code"] != float64(tt.code) || r["exit"] != tt.exit {
			t.Errorf("%q: %v, want a failed result with exit_code %d (%s)", tt.args, r, tt.code, tt.exit)
		}
	}
	// output: json in the file counts as --json.
	writeConfig(t, cfg, "output: json\n")
	if code, out, _ := runCLI(t, "", "send", "LabBob", "hi"); code != exitRefused || !strings.Contains(out, `"exit":"refused"`) {
		t.Errorf("with output: json: exit %d, stdout %q", code, out)
	}
}

// TestErrorsInPlainLanguage: the sentence a user reads names no SNAC and
// no hex code (--debug adds them); a server that is not OSCAR is named as
// such; a long line typed is shortened when an error quotes it.
func TestErrorsInPlainLanguage(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(string, string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	jargon := func(what, s string) {
		t.Helper()
		for _, j := range []string{"04,0", "0x", "code ", "SNAC", "FLAP"} {
			if strings.Contains(s, j) {
				t.Errorf("%s: %q says %q", what, s, j)
			}
		}
	}

	code, _, stderr := runCLI(t, "", "send", "LabBob", "are you there?")
	if code != exitRefused || stderr != "aim: LabBob is not signed on\n" {
		t.Errorf("send to offline: exit %d, stderr %q", code, stderr)
	}
	_, _, stderr = runCLI(t, "", "send", "--debug", "LabBob", "are you there?")
	if !strings.Contains(stderr, "aim: detail: 04,06 refused: recipient is not signed on (code 0x0004)") {
		t.Errorf("send --debug to offline: stderr lacks the detail:\n%s", stderr)
	}

	long := "frobnicate" + strings.Repeat("x", 2000)
	code, out, stderr := runCLI(t, "send LabBob hi\nwarn EchoBot\nsend LabBob \"unterminated"+strings.Repeat("y", 2000)+"\n"+long+"\n", "login")
	if code != 1 || !strings.HasSuffix(stderr, "aim: 4 commands from standard input failed\n") {
		t.Fatalf("login: exit %d, want 1: %s", code, stderr)
	}
	var errs []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "error: ") {
			errs = append(errs, line)
			jargon("result", line)
			if len(line) > 600 {
				t.Errorf("an error line of %d bytes: the input is not shortened: %.300q", len(line), line)
			}
		}
	}
	if len(errs) != 4 || !strings.Contains(errs[0], "LabBob is not signed on") || !strings.Contains(errs[1], "the server refused the warning") ||
		!strings.Contains(errs[3], "more bytes") {
		t.Errorf("error lines:\n%s", strings.Join(errs, "\n"))
	}

	// An HTTP server where the authorizer should be.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer ln.Close()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()
	code, _, stderr = runCLI(t, "", "send", "--server", ln.Addr().String(), "LabBob", "hi")
	if code != exitNetwork || !strings.Contains(stderr, "does not speak OSCAR (an HTTP server answered)") {
		t.Errorf("send to an HTTP server: exit %d, stderr %q", code, stderr)
	}
	jargon("HTTP server", stderr)

	// A wrong password: the server's code only with --debug.
	setenv(t, "AIM_PASSWORD", "wrongpw1")
	code, _, stderr = runCLI(t, "", "send", "LabBob", "hi")
	if code != exitAuth {
		t.Errorf("wrong password: exit %d, stderr %q", code, stderr)
	}
	jargon("wrong password", stderr)
	if _, _, stderr = runCLI(t, "", "send", "--debug", "LabBob", "hi"); !strings.Contains(stderr, "aim: detail: ") || !strings.Contains(stderr, "(server code 0x0005)") {
		t.Errorf("wrong password with --debug: no detail in\n%s", stderr)
	}
}

// TestFirstMinutes: the small things a new user meets first.
func TestFirstMinutes(t *testing.T) {
	t.Parallel()
	cfg := isolate(t)
	writeFile(t, cfg, "buddies:\n  - group: Buddies\n    names: [LabBob, \"Lab Carol\", Dave]\n", 0o600)

	// --auth names its values, as the other flags name theirs.
	if r := aim(t, "", "send", "--help"); !strings.Contains(r.out, "--auth flap|md5") {
		t.Errorf("send --help lacks --auth flap|md5:\n%s", r.out)
	}
	// aim send <TAB> completes buddies, not file names; the message nothing.
	r := aim(t, "", "__complete", "send", "la")
	if r.out != "LabBob\nLab Carol\n:4\n" {
		t.Errorf("completing send la: %q, want the two buddies and no file names (:4)", r.out)
	}
	if r := aim(t, "", "__complete", "send", "LabBob", ""); r.out != ":4\n" {
		t.Errorf("completing the message: %q, want nothing (:4)", r.out)
	}
	if r := aim(t, "", "__complete", "buddies", "remove", "LabBob", "D"); r.out != "Dave\n:4\n" {
		t.Errorf("completing buddies remove: %q", r.out)
	}

	// The demo keeps no config file, and its help says so; with piped
	// input nobody reads "type 'help'".
	r = aim(t, "help\nquit\n", "demo")
	r.want(t, 0, "add NAME [GROUP]", "")
	if strings.Contains(r.out, "saved to the config file") || !strings.Contains(r.out, "no config file is kept") {
		t.Errorf("the demo's help promises what the demo does not do:\n%s", r.out)
	}
	if strings.Contains(r.errOut, "type 'help'") {
		t.Errorf("with piped input, stderr says %q", r.errOut)
	}
}

// TestInterruptWithQueuedMessages: Ctrl-C while messages wait for the rate
// limiter says, once for each, that it was not sent, and exits 130.
func TestInterruptWithQueuedMessages(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(string, string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	pr, pw := io.Pipe()
	defer pw.Close()
	out, errOut := newLineBuffer(), newLineBuffer()
	streams := &IOStreams{In: pr, Out: out, ErrOut: errOut}
	streams.SetStdinTTY(false)
	ctx, interrupt := context.WithCancel(t.Context())
	code := make(chan int, 1)
	env := envOf(t)
	go func() { code <- runIn(ctx, []string{"login", "--screen-name", "LabAlice"}, streams, env) }()
	out.waitFor(t, "signed on")
	const n = 12 // the IM class lets about 7 through at once, then one per 4 s
	for i := 1; i <= n; i++ {
		fmt.Fprintf(pw, "send EchoBot queued %d\n", i)
	}
	out.waitFor(t, "-> EchoBot: ")
	interrupt()
	select {
	case c := <-code:
		if c != exitInterrupted {
			t.Errorf("exit %d, want %d", c, exitInterrupted)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("aim did not exit")
	}
	text := out.String()
	notSent := strings.Count(text, "not sent: interrupted")
	if notSent == 0 {
		t.Errorf("no message said it was not sent:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "queued") && (strings.Contains(line, "context canceled") || strings.Contains(line, "session is closed")) {
			t.Errorf("a message's fate in jargon: %s", line)
		}
	}
	for i := 1; i <= n; i++ {
		if c := strings.Count(text, fmt.Sprintf("queued %d:", i)) + strings.Count(text, fmt.Sprintf("queued %d\n", i)); c > 1 {
			t.Errorf("message %d reported %d times:\n%s", i, c, text)
		}
	}
}

// TestTextShowsWhatCanBeActedOn: a warning is one line in text mode, not
// followed by the rate limits the server changed with it; JSON keeps all.
func TestTextShowsWhatCanBeActedOn(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	cliEnv(t, srv, "")
	for _, mode := range []string{"text", "json"} {
		args := []string{"login", "--screen-name", "LabAlice", "--password-command", "echo alicepw1"}
		if mode == "json" {
			args = append(args, "--json")
		}
		alice := startCLI(t, args...)
		alice.out.waitFor(t, "signed")
		if code, _, stderr := runCLI(t, "warn LabAlice\n", "login", "--screen-name", "LabBob", "--password-command", "echo bobpass22"); code != 0 {
			t.Fatalf("warn: exit %d: %s", code, stderr)
		}
		alice.out.waitFor(t, "warn")
		alice.send(t, "buddies") // a line after the warning's
		alice.out.waitFor(t, "online")
		alice.in.Close()
		alice.wait(t)
		out := alice.out.String()
		switch rate := strings.Contains(out, "rate"); {
		case mode == "text" && rate:
			t.Errorf("text output shows rate changes:\n%s", out)
		case mode == "json" && !strings.Contains(out, `"code":"changed"`):
			t.Errorf("JSON output lacks the rate change:\n%s", out)
		}
	}
}

// TestDemoServeBusyPort: a taken --listen address names the address and
// the flag that picks another, not the test server's package.
func TestDemoServeBusyPort(t *testing.T) {
	t.Parallel()
	isolate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := aim(t, "", "demo", "--serve", "--listen", ln.Addr().String())
	if r.code == 0 {
		t.Fatalf("exit code 0 on a taken port; stderr: %s", r.errOut)
	}
	for _, want := range []string{ln.Addr().String(), "--listen"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr = %q, want it to name %q", r.errOut, want)
		}
	}
	if strings.Contains(r.errOut, "oscartest") {
		t.Errorf("stderr = %q names a package", r.errOut)
	}
}
