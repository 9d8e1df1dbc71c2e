package config

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchSettle is how long the file must be quiet after a change before
// onChange runs: editors and atomic writes touch a file more than once.
const watchSettle = 100 * time.Millisecond

// Watcher follows changes to a config file. NewWatcher starts watching at
// once, so no change made after it returns is missed; Run reports them.
type Watcher struct {
	w    *fsnotify.Watcher // nil: the directory does not exist, nothing to follow
	base string
}

// NewWatcher watches the directory of the config file at path, so a file
// created later or replaced by a rename (as the edit commands do) is seen
// too. A missing directory is created (0700), as the edit commands would:
// a first-time user's file appears only when a command first writes it,
// and that edit must be seen. If even that fails there is nothing to
// follow, and Run just waits.
func NewWatcher(path string) (*Watcher, error) {
	dir, base := filepath.Split(filepath.Clean(path))
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return &Watcher{base: base}, nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		if errors.Is(err, fs.ErrNotExist) {
			return &Watcher{base: base}, nil
		}
		return nil, err
	}
	return &Watcher{w: w, base: base}, nil
}

// Run calls onChange (on Run's goroutine) after each change to the file,
// until ctx ends, then stops watching and returns.
func (w *Watcher) Run(ctx context.Context, onChange func()) error {
	if w.w == nil {
		<-ctx.Done()
		return nil
	}
	defer w.w.Close()
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	defer settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.w.Events:
			if !ok {
				return nil
			}
			if filepath.Base(ev.Name) == w.base && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0 {
				settle.Reset(watchSettle)
			}
		case err, ok := <-w.w.Errors:
			if !ok {
				return nil
			}
			return err
		case <-settle.C:
			onChange()
		}
	}
}

// Close stops watching; for a Watcher whose Run was never called.
func (w *Watcher) Close() error {
	if w.w == nil {
		return nil
	}
	return w.w.Close()
}
