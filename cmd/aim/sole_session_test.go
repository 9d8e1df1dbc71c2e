package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSoleSessionWithoutScreenName (issue 22 item 14): with no screen name
// configured, a command that needs a session (send, status) uses the one
// session running here, and one that edits the config file edits it; with
// no session it says there is no screen name, as before.
func TestSoleSessionWithoutScreenName(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(string, string) string { return "" })
	cfg := cliEnv(t, srv, "alicepw1")
	if code, _, stderr := runCLI(t, "", "status"); code != exitUsage || !strings.Contains(stderr, "screen_name") {
		t.Errorf("status with no session and no screen name: exit %d, %q", code, stderr)
	}
	r := startCLI(t, "login", "--json", "--no-input", "--screen-name", "LabAlice")
	r.out.waitFor(t, `"type":"signed_on"`)
	writeConfig(t, cfg, "buddies: []\n") // no screen name anywhere
	code, stdout, stderr := runCLI(t, "", "status", "--json")
	if code != exitOK || !strings.Contains(stdout, `"name":"LabAlice"`) {
		t.Errorf("status through the one session: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "", "send", "EchoBot", "hi"); code != exitOK {
		t.Errorf("send through the one session: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A command that edits the config file edits this one, not the
	// session's account.
	other := filepath.Join(filepath.Dir(cfg), "other.yaml")
	writeConfig(t, other, "buddies: []\n")
	code, stdout, stderr = runCLI(t, "", "--config", other, "buddies", "add", "LabCarol")
	if b, _ := os.ReadFile(other); code != exitOK || !strings.Contains(string(b), "LabCarol") {
		t.Errorf("buddies add with no screen name: exit %d, stdout %q, stderr %q; config file:\n%s", code, stdout, stderr, b)
	}
}
