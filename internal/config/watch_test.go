package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatcherSeesEdits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("profile: one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := NewWatcher(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	changed := make(chan struct{}, 10)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(ctx, func() { changed <- struct{}{} }) }()

	c, err := Load(Options{Path: path, Env: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetProfile("two"); err != nil { // watched since NewWatcher returned
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

func TestWatcherWithoutDirectory(t *testing.T) {
	w, err := NewWatcher(filepath.Join(t.TempDir(), "missing", "config.yaml"))
	if err != nil {
		t.Fatalf("NewWatcher of a missing directory: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Run(ctx, func() { t.Error("a change was reported") }); err != nil {
		t.Fatal(err)
	}
}

func noEnv(string) (string, bool) { return "", false }
