package config

import (
	"path/filepath"
	"testing"
)

// TestOnce: the file is read at the first call, with the options of that
// moment, and never again; loaded hears of it once.
func TestOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := ""
	env := func(string) (string, bool) { return "", false }
	loads := 0
	load := Once(func() Options { return Options{Path: path, Env: env} }, func(*Config) { loads++ })
	path = filepath.Join(dir, "config.yaml") // set after Once, before the first call
	first, err := load()
	if err != nil || first.Path != path {
		t.Fatalf("first load: %v, path %q; want %q", err, first.Path, path)
	}
	path = filepath.Join(dir, "other.yaml")
	if again, err := load(); err != nil || again != first || loads != 1 {
		t.Errorf("second load: %p %v, %d loads; want the first, once", again, err, loads)
	}
}
