package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatchSeesEdits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("profile: one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	changed := make(chan struct{}, 10)
	started := make(chan error, 1)
	go func() { started <- Watch(ctx, path, func() { changed <- struct{}{} }) }()

	c, err := Load(Options{Path: path, Env: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	// The watcher may not be watching yet: edit until it reports, within
	// a bound.
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		if err := c.SetProfile("edit " + string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
		select {
		case <-changed:
			cancel()
			if err := <-started; err != nil {
				t.Fatalf("Watch: %v", err)
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no change reported within 10 s")
		}
	}
}

func noEnv(string) (string, bool) { return "", false }
