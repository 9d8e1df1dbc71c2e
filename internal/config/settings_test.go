package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestUnknownKeysWarn: a key aim does not know is a warning naming it and
// the closest known key, and the rest of the file is read.
func TestUnknownKeysWarn(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `srever: login.example.com
SCREEN_NAME: LabAlice
screen_name: LabBob
tsl: yes
theme: blue
buddies:
  - group: Work
    nmes: [Boss]
    names: [LabCarol]
`, 0o600)
	c := load(t, path)
	want := []Warning{
		{Path: path, Line: 1, Key: "srever", Suggest: "server"},
		{Path: path, Line: 2, Key: "SCREEN_NAME", Suggest: "screen_name"},
		{Path: path, Line: 4, Key: "tsl", Suggest: "tls"},
		{Path: path, Line: 5, Key: "theme"},
		{Path: path, Line: 8, Key: "nmes", In: `buddies group "Work"`, Suggest: "names"},
	}
	if !reflect.DeepEqual(c.Warnings, want) {
		t.Errorf("Warnings =\n%+v\nwant\n%+v", c.Warnings, want)
	}
	if got, want := c.Warnings[0].String(), "config file "+path+`: line 1: unknown key "srever" (did you mean "server"?); ignored`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := c.Warnings[4].String(); !strings.Contains(got, `unknown key "nmes" in buddies group "Work" (did you mean "names"?)`) {
		t.Errorf("String() = %q", got)
	}
	if c.ScreenName != "LabBob" || c.Server != "" || len(c.Buddies) != 1 || !reflect.DeepEqual(c.Buddies[0].Names, []string{"LabCarol"}) {
		t.Errorf("the rest of the file was not read: %+v", c)
	}
	if w := load(t, writeConfig(t, "server: a:1\n", 0o600)).Warnings; w != nil {
		t.Errorf("a clean file warns: %v", w)
	}
}

// TestBooleanSpellings: every boolean setting takes yes/no, on/off, 1/0,
// true/false, in the environment and in the file.
func TestBooleanSpellings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value string
		want  bool
	}{
		{"yes", true}, {"YES", true}, {"on", true}, {"1", true}, {"true", true}, {"y", true},
		{"no", false}, {"Off", false}, {"0", false}, {"false", false}, {"N", false},
	} {
		c, err := Load(Options{Path: filepath.Join(t.TempDir(), "none.yaml"),
			Env: env(map[string]string{"AIM_TLS": tt.value, "AIM_RECONNECT": tt.value})})
		if err != nil || c.TLS != tt.want || c.Reconnect != tt.want {
			t.Errorf("AIM_TLS=AIM_RECONNECT=%s: %+v, %v; want %v", tt.value, c, err, tt.want)
		}
		for _, quoted := range []string{tt.value, `"` + tt.value + `"`} {
			path := writeConfig(t, "tls: "+quoted+"\nreconnect: "+quoted+"\n", 0o600)
			c, err := Load(Options{Path: path, Env: env(nil)})
			if err != nil || c.TLS != tt.want || c.Reconnect != tt.want {
				t.Errorf("file tls: %s: %+v, %v; want %v", quoted, c, err, tt.want)
			}
		}
	}
	_, err := Load(Options{Path: filepath.Join(t.TempDir(), "none.yaml"), Env: env(map[string]string{"AIM_TLS": "maybe"})})
	if err == nil || !strings.Contains(err.Error(), "want true or false, yes or no, on or off, 1 or 0") {
		t.Errorf("AIM_TLS=maybe: %v", err)
	}
}

// TestErrorsNameThePathOnce: an error about the config file names it once
// ("config file X: cannot open it: not a directory", not "... open X: ...").
func TestErrorsNameThePathOnce(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "notadir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(file, "config.yaml")
	_, err := Load(Options{Path: path, Env: env(nil)})
	var fe *FileError
	if !errors.As(err, &fe) || strings.Count(err.Error(), path) != 1 || !strings.Contains(err.Error(), "cannot open it: not a directory") {
		t.Errorf("Load = %v, want a FileError naming %s once", err, path)
	}

	path = filepath.Join(file, "aim", "config.yaml")
	_, _, err = (&Config{Path: path}).AddBuddies([]string{"LabBob"}, "")
	if err == nil || strings.Count(err.Error(), file) != 1 {
		t.Errorf("AddBuddies = %v, want an error naming %s once", err, file)
	}
}
