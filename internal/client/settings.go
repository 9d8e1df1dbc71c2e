package client

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/config"
)

// The config commands (aim config path, show, set, unset): the config
// file alone, one result each, printed as every result is.

// ConfigPath is the result of aim config path: the file in use (in
// words, the path alone). note, when not empty, tells the person that the
// file does not exist yet.
func ConfigPath(path string, now time.Time) (r *Result, note string) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		note = "(the file does not exist yet; aim creates it when you change a setting)"
	}
	r = &Result{Command: "config path", OK: true, Path: path}
	return Stamp(r, now).(*Result), note
}

// ConfigShow is the result of aim config show: the effective settings,
// secrets redacted; in words (text), as YAML.
func ConfigShow(cfg *config.Config, now time.Time) (r *Result, text string, err error) {
	values := cfg.Values()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s, with environment and flags applied\n", cfg.Path)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(values); err != nil {
		return nil, "", err
	}
	if err := enc.Close(); err != nil {
		return nil, "", err
	}
	r = &Result{Command: "config show", OK: true, Path: cfg.Path, Settings: values}
	return Stamp(r, now).(*Result), b.String(), nil
}

// ConfigEdit stores key = value in cfg's file (set), or removes key,
// keeping every other line as it is: the result of aim config set or
// unset. A secret or a text (profile, away message) is not echoed.
func ConfigEdit(cfg *config.Config, key, value string, set bool, now time.Time) (*Result, error) {
	r := &Result{Command: "config unset", OK: true, Path: cfg.Path, Key: key}
	var err error
	if set {
		r.Command, r.Value, err = "config set", value, cfg.SetKey(key, value)
		r.Summary = fmt.Sprintf("%s set in %s", key, cfg.Path)
	} else {
		err = cfg.UnsetKey(key)
		r.Summary = fmt.Sprintf("%s removed from %s", key, cfg.Path)
	}
	if err != nil {
		return nil, err
	}
	if st, _ := config.Lookup(key); st.Secret || st.Kind == config.KindText {
		r.Value = ""
	}
	return Stamp(r, now).(*Result), nil
}
