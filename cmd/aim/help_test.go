package main

import (
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// The prompt's "help NAME" and "aim NAME --help" say what a command does
// in the same words, from the one place they are written (its row of the
// command table): what the command line prints above its usage is there,
// at the prompt, word for word.
func TestPromptHelpIsCommandLineHelp(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\n")

	commands := map[string][]string{ // the prompt's name: the command line's
		"send": {"send"}, "info": {"info"}, "status": {"status"},
		"block": {"block"}, "unblock": {"unblock"}, "allow": {"allow"}, "disallow": {"disallow"},
		"blocked": {"blocked"}, "privacy": {"privacy"},
		"add": {"buddies", "add"}, "remove": {"buddies", "remove"}, "move": {"buddies", "move"},
		"away": {"set-away"}, "profile": {"set-profile"},
	}
	var stdin strings.Builder
	for prompt := range commands {
		stdin.WriteString("help " + prompt + "\n")
	}
	code, prompt, errOut := runCLI(t, stdin.String(), "login")
	if code != 0 {
		t.Fatalf("aim login: exit %d\n%s", code, errOut)
	}
	for name, cli := range commands {
		code, out, errOut := runCLI(t, "", append(cli, "--help")...)
		if code != 0 {
			t.Fatalf("aim %s --help: exit %d\n%s", strings.Join(cli, " "), code, errOut)
		}
		long, _, _ := strings.Cut(out, "\n\nUsage:")
		first, _, _ := strings.Cut(long, "\n\n") // the row's words, before the command line's own
		if len(first) < 40 || !strings.Contains(prompt, first) {
			t.Errorf("help %s at the prompt does not say what aim %s --help says:\n%s", name, strings.Join(cli, " "), first)
		}
	}
	if strings.Count(prompt, "Commands (one per line") != 0 {
		t.Errorf("help NAME printed the list of commands:\n%s", prompt)
	}
}
