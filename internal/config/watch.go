package config

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchSettle is how long the file must be quiet after a change before
// onChange runs: editors and atomic writes touch a file more than once.
const watchSettle = 100 * time.Millisecond

// Watch calls onChange after the config file at path changes, until ctx
// ends; it returns once its goroutine has stopped. It watches the file's
// directory, so a file created later or replaced by a rename (as the
// edit commands do) is seen too. onChange runs on Watch's goroutine. If
// the directory does not exist there is nothing to follow: Watch waits for
// ctx and returns nil.
func Watch(ctx context.Context, path string, onChange func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	dir, base := filepath.Split(filepath.Clean(path))
	if dir == "" {
		dir = "."
	}
	if err := w.Add(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			<-ctx.Done()
			return nil
		}
		return err
	}
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	defer settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if filepath.Base(ev.Name) == base && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0 {
				settle.Reset(watchSettle)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return err
		case <-settle.C:
			onChange()
		}
	}
}
