package main

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

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
	isolate(t)
	addr, conns := countingServer(t)
	t.Setenv("AIM_SERVER", addr)
	t.Setenv("AIM_SCREEN_NAME", "LabAlice")
	t.Setenv("AIM_PASSWORD", "alicepw1")
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
	t.Setenv("AIM_SCREEN_NAME", "LabAlice")
	t.Setenv("AIM_HTML", "")
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
}
