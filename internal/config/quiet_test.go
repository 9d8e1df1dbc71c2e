package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestQuietEdits: /notify off and on (aim notify) edit the quiet list in
// place, the rest of the file kept byte for byte, mode 0600, and read back.
func TestQuietEdits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "# my settings\nscreen_name: LabAlice  # me\r\nblocked: [LabMallory]\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	c := load(t, path)
	for _, e := range []struct {
		name  string
		quiet bool
		want  bool
	}{{"Lab Bob", true, true}, {"labbob", true, false}, {"lab chat", true, true}, {"Nobody", false, false}, {"LABBOB", false, true}} {
		changed, err := c.SetQuiet(e.name, e.quiet)
		if err != nil || changed != e.want {
			t.Fatalf("SetQuiet(%q, %v) = %v, %v; want %v", e.name, e.quiet, changed, err, e.want)
		}
	}
	want := orig + "quiet: [lab chat]\n"
	if got := readFile(t, path); got != want {
		t.Errorf("file:\n%q\nwant:\n%q", got, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	back := load(t, path)
	if !slices.Equal(back.Quiet, []string{"lab chat"}) || !back.IsQuiet("Lab Chat") || back.IsQuiet("LabBob") {
		t.Errorf("read back: quiet %q", back.Quiet)
	}
	if !slices.Equal(c.Quiet, back.Quiet) {
		t.Errorf("the Config edited says quiet %q", c.Quiet)
	}
	var setting *SettingError
	if _, err := c.SetQuiet(" ", true); !errors.As(err, &setting) {
		t.Errorf("SetQuiet(blank) = %v, want a *SettingError", err)
	}
	if got := readFile(t, path); got != want {
		t.Errorf("a refused edit changed the file:\n%q", got)
	}
	if err := os.WriteFile(path, []byte("quiet: [LabBob, \"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Options{Path: path, Env: env(nil)}); !errors.As(err, &setting) {
		t.Errorf("an empty quiet name loaded: %v", err)
	}
}
