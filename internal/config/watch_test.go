package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// watchEdit runs a watcher on path, makes edit, and fails unless the
// watcher reports a change within 10 s and stops cleanly afterwards.
func watchEdit(t *testing.T, w *Watcher, path string, edit func(*Config) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	changed := make(chan struct{}, 10)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(ctx, func() { changed <- struct{}{} }) }()
	c, err := Load(Options{Path: path, Env: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if err := edit(c); err != nil { // watched since NewWatcher returned
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported within 10 s")
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestWatcherSeesEdits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("profile: one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := NewWatcher(path)
	if err != nil {
		t.Fatal(err)
	}
	watchEdit(t, w, path, func(c *Config) error { return c.SetProfile("two") })
}

// TestWatcherCreatesDirectory: a first-time user has no config directory
// at signon; the file the first edit creates there must be seen.
func TestWatcherCreatesDirectory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "aim", "config.yaml")
	w, err := NewWatcher(path)
	if err != nil {
		t.Fatalf("NewWatcher of a missing directory: %v", err)
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory: %v, %v; want it made with mode 0700", info, err)
	}
	watchEdit(t, w, path, func(c *Config) error {
		_, _, err := c.AddBuddies([]string{"LabBob"}, "")
		return err
	})
}

func noEnv(string) (string, bool) { return "", false }
