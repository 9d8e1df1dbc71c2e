package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPrivacyEdits: the blocked and allowed lists and the privacy mode are
// edited in place, the rest of the file kept byte for byte, and read back.
func TestPrivacyEdits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "# my settings\nscreen_name: LabAlice  # me\n\nbuddies:\n  - group: Friends\n    names: [Lab Bob]\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	c := load(t, path)
	added, already, err := c.AddNames(KeyBlocked, []string{"Lab Carol", "LabDave", "labcarol"})
	if err != nil || !slices.Equal(added, []string{"Lab Carol", "LabDave"}) || !slices.Equal(already, []string{"labcarol"}) {
		t.Fatalf("AddNames = %q, %q, %v", added, already, err)
	}
	if err := c.SetPrivacy("Block-Deny"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.AddNames(KeyAllowed, []string{"Lab Bob"}); err != nil {
		t.Fatal(err)
	}
	removed, missing, err := c.RemoveNames(KeyBlocked, []string{"labdave", "Nobody"})
	if err != nil || !slices.Equal(removed, []string{"LabDave"}) || !slices.Equal(missing, []string{"Nobody"}) {
		t.Fatalf("RemoveNames = %q, %q, %v", removed, missing, err)
	}
	want := orig + "blocked: [Lab Carol]\nprivacy: block-deny\nallowed: [Lab Bob]\n"
	if got := readFile(t, path); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	back := load(t, path)
	if !slices.Equal(back.Blocked, []string{"Lab Carol"}) || !slices.Equal(back.Allowed, []string{"Lab Bob"}) || back.Privacy != PrivacyBlockDeny {
		t.Errorf("read back: blocked %q, allowed %q, privacy %q", back.Blocked, back.Allowed, back.Privacy)
	}
	if !slices.Equal(c.Blocked, back.Blocked) || c.Privacy != back.Privacy {
		t.Errorf("the Config edited says blocked %q, privacy %q", c.Blocked, c.Privacy)
	}

	var setting *SettingError
	if err := c.SetPrivacy("friends-only"); !errors.As(err, &setting) {
		t.Errorf("SetPrivacy(friends-only) = %v, want a *SettingError", err)
	}
	if _, _, err := c.AddNames(KeyBlocked, []string{"x"}); err == nil {
		t.Error("AddNames took an invalid screen name")
	}
	if got := readFile(t, path); got != want {
		t.Errorf("refused edits changed the file:\n%s", got)
	}
	if err := os.WriteFile(path, []byte("privacy: nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Options{Path: path, Env: env(nil)}); !errors.As(err, &setting) {
		t.Errorf("Load with an unknown privacy mode = %v, want a *SettingError", err)
	}
}

// TestPrivacyKeysKnown: the privacy keys are no unknown keys, and a
// blocked list that is not a list is an error naming it.
func TestPrivacyKeysKnown(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("blocked: [LabMallory]\nallowed: []\nprivacy: block-deny\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c := load(t, path); len(c.Warnings) > 0 {
		t.Errorf("warnings: %v", c.Warnings)
	}
	if err := os.WriteFile(path, []byte("blocked: LabMallory\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Options{Path: path, Env: env(nil)}); err == nil || !strings.Contains(err.Error(), "blocked must be a list") {
		t.Errorf("Load = %v, want an error saying blocked must be a list", err)
	}
}
