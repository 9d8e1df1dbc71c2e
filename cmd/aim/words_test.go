package main

import (
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSignonFailureWords: aim send signing on by itself while the same
// name signs on elsewhere (here: the server ends the session as the
// client waits for the rate limits) says why in plain words, with the
// exit status of a session the server ended; --debug adds the step and
// its SNAC.
func TestSignonFailureWords(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		if e.Service == "bos" && e.Index == 1 { // the 01,06, after the cookie's 01,03 went out
			srv.Kick(e.ScreenName)
			return oscartest.Ignore
		}
		return oscartest.Answer
	}
	srv.Start()
	defer srv.Close()
	srv.AddBot("EchoBot", func(_, _ string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")

	const words = "aim: could not sign on: this screen name signed on somewhere else\n"
	code, _, stderr := runCLI(t, "", "send", "EchoBot", "hello")
	if code != exitKicked || stderr != words {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitKicked, words)
	}
	code, _, stderr = runCLI(t, "", "send", "--debug", "EchoBot", "hello")
	if code != exitKicked || !strings.Contains(stderr, words) ||
		!strings.Contains(stderr, "aim: detail: signon: waiting for rate limits (01,07): signed off: this screen name signed on somewhere else (channel 4, reason 0x0001)") {
		t.Errorf("with --debug: exit %d, stderr:\n%s", code, stderr)
	}
}
