package config

import (
	"slices"
	"strings"
	"unicode"

	"github.com/aim-oscar/aim/internal/screenname"
)

// The quiet list (key quiet) names the buddies and rooms whose messages
// ring no bell and send no desktop notification in aim tui: their windows
// are still marked. A name is a screen name or a room's name, compared as
// screen names are (screenname.Normalize: case and spaces do not count),
// so one entry quiets both a buddy and a room of that name.

func (c *Config) validateQuiet(path string) error {
	for _, n := range c.Quiet {
		if err := checkQuietName(n); err != nil {
			return &SettingError{Key: KeyQuiet, Value: n, Source: path, Reason: err.Error()}
		}
	}
	return nil
}

// quietNameError is a name the quiet list cannot hold.
type quietNameError string

func (e quietNameError) Error() string { return string(e) }

func checkQuietName(n string) error {
	switch {
	case strings.TrimSpace(n) == "":
		return quietNameError("is empty (want a screen name or a room's name)")
	case strings.IndexFunc(n, unicode.IsControl) >= 0:
		return quietNameError("holds a line break or control character")
	}
	return nil
}

// SetQuiet puts name on the quiet list (quiet) or takes it off (not
// quiet), creating the key as a flow list when missing and keeping the
// rest of the file as it is. changed is false, and the file untouched,
// when the list says so already. An empty name is a *SettingError.
func (c *Config) SetQuiet(name string, quiet bool) (changed bool, err error) {
	name = strings.TrimSpace(name)
	if err := checkQuietName(name); err != nil {
		return false, &SettingError{Key: KeyQuiet, Value: name, Reason: err.Error()}
	}
	var now []string
	err = c.edit(func(d *document, s *fileSettings) (bool, error) {
		now = slices.Clone(s.Quiet)
		on := slices.ContainsFunc(now, screenname.SameAs(name))
		switch {
		case quiet && !on:
			now = append(now, name)
		case !quiet && on:
			now = slices.DeleteFunc(now, screenname.SameAs(name))
		default:
			return false, nil
		}
		d.setNames(KeyQuiet, now)
		changed = true
		return true, nil
	})
	if err != nil {
		return false, err
	}
	if changed {
		c.Quiet = now
	}
	return changed, nil
}

// IsQuiet reports whether the quiet list names name.
func (c *Config) IsQuiet(name string) bool {
	return slices.ContainsFunc(c.Quiet, screenname.SameAs(name))
}
