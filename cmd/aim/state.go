package main

import (
	"os"
	"path/filepath"

	"github.com/aim-oscar/aim/internal/screenname"
)

// stateDir is where the account's buddy list as last synced with the
// server lives: $XDG_STATE_HOME/aim/<normalized screen name>, else
// ~/.local/state/aim/<...>. "" (kept in memory only) when neither is known.
func stateDir(screenName string) string {
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // the spec: a relative path is ignored
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		base = filepath.Join(home, ".local", "state")
	}
	name := screenname.Normalize(screenName)
	if name == "" {
		return ""
	}
	return filepath.Join(base, "aim", name)
}
