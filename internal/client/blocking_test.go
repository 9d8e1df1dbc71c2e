package client_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
)

func loadConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{Path: path, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestBlockRules: block and unblock in each privacy mode do what
// libpurple's privacy layer does (purple_privacy_deny and _allow), write
// it to the file, and say which mode is in force, or that nothing had to
// change.
func TestBlockRules(t *testing.T) {
	t.Parallel()
	const buddies = "buddies:\n  - group: Buddies\n    names: [Lab Bob, LabCarol]\n"
	tests := []privacyRule{
		{"block, no mode set", "", true, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Lab Bob"}, nil, false, "Lab Bob is blocked (privacy now block-deny, was allow-all)"},
		{"block under allow-all", "privacy: allow-all\nblocked: [Old Foe]\n", true, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Lab Bob"}, nil, false,
			"Lab Bob is blocked (privacy now block-deny, was allow-all); taken off the blocked list, where they blocked no one under allow-all: Old Foe"},
		{"block under block-deny", "privacy: block-deny\nblocked: [Old Foe]\n", true, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Old Foe", "Lab Bob"}, nil, false, "Lab Bob is blocked (privacy block-deny)"},
		{"block, blocked already", "privacy: block-deny\nblocked: [labbob]\n", true, "Lab Bob",
			config.PrivacyBlockDeny, []string{"labbob"}, nil, true, "Lab Bob is blocked already (privacy block-deny)"},
		{"block under allow-permit", "privacy: allow-permit\nallowed: [Lab Bob, LabCarol]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol"}, false, "Lab Bob is blocked: taken off the allowed list (privacy allow-permit)"},
		{"block under allow-permit, not allowed", "privacy: allow-permit\nallowed: [LabCarol]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol"}, true, "Lab Bob is blocked already (privacy allow-permit)"},
		{"block a buddy under allow-buddies", "privacy: allow-buddies\n" + buddies, true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol"}, false,
			"Lab Bob is blocked (privacy now allow-permit, was allow-buddies: your other buddies are on the allowed list)"},
		{"block a stranger under allow-buddies", "privacy: allow-buddies\n" + buddies, true, "Stranger",
			config.PrivacyAllowBuddies, nil, nil, true, "Stranger is blocked already (privacy allow-buddies)"},
		{"block under block-all", "privacy: block-all\n", true, "Lab Bob",
			config.PrivacyBlockAll, nil, nil, true, "Lab Bob is blocked already (privacy block-all)"},

		{"unblock under block-deny", "privacy: block-deny\nblocked: [Lab Bob, Old Foe]\n", false, "labbob",
			config.PrivacyBlockDeny, []string{"Old Foe"}, nil, false, "labbob is no longer blocked (privacy block-deny)"},
		{"unblock, not blocked", "privacy: block-deny\nblocked: [Old Foe]\n", false, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Old Foe"}, nil, true, "Lab Bob is not blocked (privacy block-deny)"},
		{"unblock under allow-all", "privacy: allow-all\n", false, "Lab Bob",
			config.PrivacyAllowAll, nil, nil, true, "Lab Bob is not blocked (privacy allow-all)"},
		{"unblock under allow-permit", "privacy: allow-permit\nallowed: [LabCarol]\n", false, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol", "Lab Bob"}, false,
			"Lab Bob is no longer blocked: put on the allowed list (privacy allow-permit)"},
		{"unblock under block-all", "privacy: block-all\nallowed: [LabCarol]\n", false, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"Lab Bob"}, false,
			"Lab Bob is no longer blocked (privacy now allow-permit, was block-all: Lab Bob alone is on the allowed list); taken off the allowed list, where they let no one through under block-all: LabCarol"},
		{"unblock a stranger under allow-buddies", "privacy: allow-buddies\n" + buddies, false, "Stranger",
			config.PrivacyAllowPermit, nil, []string{"Lab Bob", "LabCarol", "Stranger"}, false,
			"Stranger is no longer blocked (privacy now allow-permit, was allow-buddies: your buddies and Stranger are on the allowed list)"},
	}
	checkPrivacyRules(t, tests,
		func(cfg *config.Config, who string) (*client.Result, error) {
			return client.Block(cfg, "LabAlice", who)
		},
		client.Unblock)
	if _, err := client.Block(loadConfig(t, ""), "LabAlice", "lab alice"); err == nil {
		t.Error("blocking yourself: no error")
	}
}

// TestAllowRules: allow and disallow in each privacy mode follow the
// same rules as unblock and block (purple_privacy_allow and _deny), in
// the words of the allowed list, and say which mode is in force or that
// nothing had to change.
func TestAllowRules(t *testing.T) {
	t.Parallel()
	const buddies = "buddies:\n  - group: Buddies\n    names: [Lab Bob, LabCarol]\n"
	tests := []privacyRule{
		{"allow, no mode set", "allowed: [LabCarol]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol", "Lab Bob"}, false,
			"Lab Bob is allowed: put on the allowed list (privacy now allow-permit, was allow-all: only the users on it get through)"},
		{"allow, no mode set, on the list already", "allowed: [labbob]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"labbob"}, false,
			"Lab Bob is allowed: put on the allowed list (privacy now allow-permit, was allow-all: only the users on it get through)"},
		{"allow under allow-all", "privacy: allow-all\n", true, "Lab Bob",
			config.PrivacyAllowAll, nil, nil, true, "Lab Bob is already allowed (privacy allow-all)"},
		{"allow under allow-permit", "privacy: allow-permit\nallowed: [LabCarol]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol", "Lab Bob"}, false,
			"Lab Bob is allowed: put on the allowed list (privacy allow-permit)"},
		{"allow, allowed already", "privacy: allow-permit\nallowed: [labbob]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"labbob"}, true, "Lab Bob is already allowed (privacy allow-permit)"},
		{"allow under block-deny", "privacy: block-deny\nblocked: [Lab Bob, Old Foe]\n", true, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Old Foe"}, nil, false, "Lab Bob is allowed: taken off the blocked list (privacy block-deny)"},
		{"allow under block-deny, not blocked", "privacy: block-deny\nblocked: [Old Foe]\n", true, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Old Foe"}, nil, true, "Lab Bob is already allowed (privacy block-deny)"},
		{"allow under block-all", "privacy: block-all\nallowed: [LabCarol]\n", true, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"Lab Bob"}, false,
			"Lab Bob is allowed (privacy now allow-permit, was block-all: Lab Bob alone is on the allowed list); taken off the allowed list, where they let no one through under block-all: LabCarol"},
		{"allow a stranger under allow-buddies", "privacy: allow-buddies\n" + buddies, true, "Stranger",
			config.PrivacyAllowPermit, nil, []string{"Lab Bob", "LabCarol", "Stranger"}, false,
			"Stranger is allowed (privacy now allow-permit, was allow-buddies: your buddies and Stranger are on the allowed list)"},
		{"allow a buddy under allow-buddies", "privacy: allow-buddies\n" + buddies, true, "Lab Bob",
			config.PrivacyAllowBuddies, nil, nil, true, "Lab Bob is already allowed (privacy allow-buddies)"},

		{"disallow under allow-permit", "privacy: allow-permit\nallowed: [Lab Bob, LabCarol]\n", false, "labbob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol"}, false,
			"labbob is no longer allowed: taken off the allowed list (privacy allow-permit)"},
		{"disallow, not on the list", "privacy: allow-permit\nallowed: [LabCarol]\n", false, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol"}, true, "Lab Bob is not on the allowed list (privacy allow-permit)"},
		{"disallow, no mode set", "allowed: [Lab Bob]\n", false, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Lab Bob"}, []string{"Lab Bob"}, false,
			"Lab Bob is no longer allowed: put on the blocked list (privacy now block-deny, was allow-all)"},
		{"disallow under allow-all", "privacy: allow-all\nblocked: [Old Foe]\n", false, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Lab Bob"}, nil, false,
			"Lab Bob is no longer allowed: put on the blocked list (privacy now block-deny, was allow-all); taken off the blocked list, where they blocked no one under allow-all: Old Foe"},
		{"disallow under block-deny", "privacy: block-deny\nblocked: [Old Foe]\n", false, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Old Foe", "Lab Bob"}, nil, false,
			"Lab Bob is no longer allowed: put on the blocked list (privacy block-deny)"},
		{"disallow under block-deny, blocked already", "privacy: block-deny\nblocked: [Lab Bob]\n", false, "Lab Bob",
			config.PrivacyBlockDeny, []string{"Lab Bob"}, nil, true, "Lab Bob is not allowed already (privacy block-deny)"},
		{"disallow a buddy under allow-buddies", "privacy: allow-buddies\n" + buddies, false, "Lab Bob",
			config.PrivacyAllowPermit, nil, []string{"LabCarol"}, false,
			"Lab Bob is no longer allowed (privacy now allow-permit, was allow-buddies: your other buddies are on the allowed list)"},
		{"disallow a stranger under allow-buddies", "privacy: allow-buddies\n" + buddies, false, "Stranger",
			config.PrivacyAllowBuddies, nil, nil, true, "Stranger is not allowed already (privacy allow-buddies)"},
		{"disallow under block-all", "privacy: block-all\n", false, "Lab Bob",
			config.PrivacyBlockAll, nil, nil, true, "Lab Bob is not allowed already (privacy block-all)"},
	}
	checkPrivacyRules(t, tests, client.Allow,
		func(cfg *config.Config, who string) (*client.Result, error) {
			return client.Disallow(cfg, "LabAlice", who)
		})
	if _, err := client.Disallow(loadConfig(t, ""), "LabAlice", "lab alice"); err == nil {
		t.Error("disallowing yourself: no error")
	}
}

// privacyRule is one case of TestBlockRules or TestAllowRules: first
// says which of the pair of commands runs.
type privacyRule struct {
	name, file string
	first      bool
	who        string
	// after
	mode             string
	blocked, allowed []string
	unchanged        bool
	summary          string
}

// checkPrivacyRules runs each case's command (first, else second) on
// its file, and checks the result and the file read back.
func checkPrivacyRules(t *testing.T, tests []privacyRule, first, second func(*config.Config, string) (*client.Result, error)) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := loadConfig(t, "screen_name: LabAlice\n"+tt.file)
			do := second
			if tt.first {
				do = first
			}
			r, err := do(cfg, tt.who)
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary != tt.summary || r.Unchanged != tt.unchanged {
				t.Errorf("result %q (unchanged %v), want %q (unchanged %v)", r.Summary, r.Unchanged, tt.summary, tt.unchanged)
			}
			// The file, read again, says the same.
			back := loadConfig(t, readConfig(t, cfg.Path))
			mode := back.Privacy
			if mode == "" {
				mode = config.PrivacyAllowAll
			}
			if mode != tt.mode || !slices.Equal(back.Blocked, tt.blocked) || !slices.Equal(back.Allowed, tt.allowed) {
				t.Errorf("the file: privacy %q, blocked %q, allowed %q; want %q, %q, %q", mode, back.Blocked, back.Allowed, tt.mode, tt.blocked, tt.allowed)
			}
		})
	}
}

func readConfig(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
