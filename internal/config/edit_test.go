package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/screenname"
)

// load loads path with an empty environment.
func load(t *testing.T, path string) *Config {
	t.Helper()
	c, err := Load(Options{Path: path, Env: env(nil)})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTempFiles checks that an edit left nothing beside the config file.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestAddBuddiesCreatesFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "aim")
	path := filepath.Join(dir, "config.yaml")
	c := load(t, path)
	added, already, err := c.AddBuddies([]string{"LabBob", " Lab Carol ", "labbob", "123456"}, "")
	if err != nil {
		t.Fatalf("AddBuddies: %v", err)
	}
	if want := []string{"LabBob", "Lab Carol", "123456"}; !reflect.DeepEqual(added, want) {
		t.Errorf("added = %q, want %q", added, want)
	}
	if want := []string{"labbob"}; !reflect.DeepEqual(already, want) {
		t.Errorf("already = %q, want %q", already, want)
	}
	want := "buddies:\n  - group: Buddies\n    names: [LabBob, Lab Carol, \"123456\"]\n"
	if got := readFile(t, path); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("new file mode = %v, %v; want 0600", fi.Mode(), err)
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("new dir mode = %v, %v; want 0700", fi.Mode(), err)
		}
	}
	wantGroups := []BuddyGroup{{Group: "Buddies", Names: []string{"LabBob", "Lab Carol", "123456"}}}
	if !reflect.DeepEqual(c.Buddies, wantGroups) {
		t.Errorf("c.Buddies = %+v, want %+v", c.Buddies, wantGroups)
	}
	if got := load(t, path).Buddies; !reflect.DeepEqual(got, wantGroups) {
		t.Errorf("reloaded Buddies = %+v, want %+v", got, wantGroups)
	}
	noTempFiles(t, dir)
}

const commented = `# my aim settings
screen_name: LabAlice # that's me
theme: blue # not an aim key
nested:
  keep: [1, 2]
buddies:
- group: Friends # close ones
  names:
  - LabBob
- group: Work
  names: [Boss]
# trailing comment
`

func TestEditsKeepUnknownKeysAndComments(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, commented, 0o640)
	c := load(t, path)
	added, already, err := c.AddBuddies([]string{"Lab Carol", "BOSS"}, "friends")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(added, []string{"Lab Carol"}) || !reflect.DeepEqual(already, []string{"BOSS"}) {
		t.Errorf("added %q already %q", added, already)
	}
	if _, _, err := c.AddBuddies([]string{"NewPal"}, "Gym"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetProfile("I like <b>bold</b> text"); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	want := `# my aim settings
screen_name: LabAlice # that's me
theme: blue # not an aim key
nested:
  keep: [1, 2]
buddies:
- group: Friends # close ones
  names:
  - LabBob
  - Lab Carol
- group: Work
  names: [Boss]
- group: Gym
  names: [NewPal]
profile: I like <b>bold</b> text
# trailing comment
`
	if got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
			t.Errorf("mode = %v, %v; want 0640 kept", fi.Mode(), err)
		}
	}
	noTempFiles(t, filepath.Dir(path))
}

func TestRemoveBuddies(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, commented, 0o600)
	c := load(t, path)
	removed, missing, err := c.RemoveBuddies([]string{"labbob", "Nobody", "boss"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(removed, []string{"LabBob", "Boss"}) || !reflect.DeepEqual(missing, []string{"Nobody"}) {
		t.Errorf("removed %q missing %q", removed, missing)
	}
	want := []BuddyGroup{{Group: "Friends", Names: []string{}}, {Group: "Work", Names: []string{}}}
	got := load(t, path).Buddies
	if len(got) != 2 || got[0].Group != "Friends" || len(got[0].Names) != 0 || got[1].Group != "Work" || len(got[1].Names) != 0 {
		t.Errorf("Buddies = %+v, want %+v", got, want)
	}
	if f := readFile(t, path); !strings.Contains(f, "theme: blue # not an aim key") || !strings.Contains(f, "# trailing comment") {
		t.Errorf("file lost unknown keys or comments:\n%s", f)
	}
}

// TestMoveBuddies: a move is one edit, keeping the file's layout; a name
// not on the list is missing, and a group the file cannot hold leaves it
// alone.
func TestMoveBuddies(t *testing.T) {
	path := writeConfig(t, commented, 0o600)
	c := load(t, path)
	moved, missing, err := c.MoveBuddies([]string{"labbob", "Nobody"}, "work")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(moved, []string{"LabBob"}) || !reflect.DeepEqual(missing, []string{"Nobody"}) {
		t.Errorf("moved %q missing %q", moved, missing)
	}
	want := strings.Replace(strings.Replace(commented, "  names:\n  - LabBob\n", "  names: []\n", 1), "[Boss]", "[Boss, LabBob]", 1)
	if got := readFile(t, path); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if !reflect.DeepEqual(c.Buddies, []BuddyGroup{{Group: "Friends", Names: []string{}}, {Group: "Work", Names: []string{"Boss", "LabBob"}}}) {
		t.Errorf("Buddies = %+v", c.Buddies)
	}
	before := readFile(t, path)
	if _, _, err := c.MoveBuddies([]string{"LabBob"}, "Old\x01friends"); !errors.As(err, new(*SettingError)) {
		t.Errorf("move to a bad group: %v, want a *SettingError", err)
	}
	if got := readFile(t, path); got != before {
		t.Errorf("a failed move changed the file:\n%s", got)
	}
	noTempFiles(t, filepath.Dir(path))
}

func TestNoOpEditsLeaveFileAlone(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, commented, 0o600)
	before, _ := os.Stat(path)
	c := load(t, path)
	if added, _, err := c.AddBuddies([]string{"LabBob"}, ""); err != nil || len(added) != 0 {
		t.Fatalf("AddBuddies = %q, %v", added, err)
	}
	if removed, _, err := c.RemoveBuddies([]string{"Stranger"}); err != nil || len(removed) != 0 {
		t.Fatalf("RemoveBuddies = %q, %v", removed, err)
	}
	if err := c.SetAway(""); err != nil { // no away key to remove
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if got := readFile(t, path); got != commented || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("file was rewritten:\n%s", got)
	}
	// And a missing file stays missing.
	missing := filepath.Join(t.TempDir(), "config.yaml")
	if _, _, err := load(t, missing).RemoveBuddies([]string{"LabBob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("RemoveBuddies created %s", missing)
	}
}

func TestBadInputLeavesFileAlone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		edit    func(*Config) error
		errType any
		wants   []string
	}{
		{"invalid name", commented, func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"Good One", "x!"}, "")
			return err
		}, new(*screenname.Error), []string{`"x!" has an invalid character '!'`}},
		{"empty name", commented, func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"LabDan", ""}, "")
			return err
		}, new(*screenname.Error), []string{"screen name is empty"}},
		{"too long name", commented, func(c *Config) error {
			_, _, err := c.RemoveBuddies([]string{"abcdefghijklmnopq"})
			return err
		}, new(*screenname.Error), []string{"longer than 16 characters"}},
		{"bad group", commented, func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"LabDan"}, "a\nb")
			return err
		}, new(*SettingError), []string{"group", `invalid character '\n'`}},
		{"profile too long", commented, func(c *Config) error {
			return c.SetProfile(strings.Repeat("x", limits.DefaultProfile+1))
		}, new(*limits.TooLongError), []string{"profile is too long: 1025 bytes, the server takes at most 1024"}},
		{"away too long", commented, func(c *Config) error {
			return c.SetAway(strings.Repeat("é", limits.DefaultProfile/2+1))
		}, new(*limits.TooLongError), []string{"away message is too long: 1026 bytes"}},
		{"malformed yaml", "buddies: [\nscreen_name: x\n", func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"LabDan"}, "")
			return err
		}, new(*FileError), []string{"config.yaml", "line "}},
		{"buddies not a list", "buddies: LabBob\n", func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"LabDan"}, "")
			return err
		}, new(*FileError), []string{"config.yaml", "line 1"}},
		{"names not a list", "buddies:\n  - group: Buddies\n    names: {a: b}\n", func(c *Config) error {
			return c.SetProfile("hi")
		}, new(*FileError), []string{"config.yaml", "line 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.content, 0o600)
			c := &Config{Path: path} // the file may not load
			err := tt.edit(c)
			if err == nil {
				t.Fatal("edit succeeded, want an error")
			}
			if !errors.As(err, tt.errType) {
				t.Errorf("error %v is %T, want %T", err, err, tt.errType)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if got := readFile(t, path); got != tt.content {
				t.Errorf("file changed to:\n%s", got)
			}
			noTempFiles(t, filepath.Dir(path))
		})
	}
}

func TestSetProfileAndAway(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "screen_name: LabAlice\nprofile: old # keep me\n", 0o600)
	c := load(t, path)
	if err := c.SetProfile("line one\nline two\n"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAway(strings.Repeat("z", limits.DefaultProfile)); err != nil {
		t.Fatalf("SetAway at the limit: %v", err)
	}
	got := load(t, path)
	if got.Profile != "line one\nline two\n" || got.Away != strings.Repeat("z", limits.DefaultProfile) {
		t.Errorf("reloaded profile %q away %q", got.Profile, got.Away)
	}
	if f := readFile(t, path); !strings.HasPrefix(f, "screen_name: LabAlice\nprofile: | # keep me\n  line one\n  line two\n") {
		t.Errorf("file:\n%s", f)
	}
	if err := c.SetProfile(""); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAway(""); err != nil {
		t.Fatal(err)
	}
	if f := readFile(t, path); f != "screen_name: LabAlice\n" {
		t.Errorf("after clearing, file = %q", f)
	}
	if c.Profile != "" || c.Away != "" {
		t.Errorf("Config not updated: profile %q away %q", c.Profile, c.Away)
	}
}

func TestEditFollowsSymlink(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "aim.yaml")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("server: a:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "config.yaml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := load(t, link).AddBuddies([]string{"LabBob"}, ""); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("symlink replaced: %v, %v", fi.Mode(), err)
	}
	if f := readFile(t, real); !strings.Contains(f, "LabBob") {
		t.Errorf("target not edited: %q", f)
	}
}

func TestCommentOnlyFileKeepsComments(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "# aim settings\n# see docs\n", 0o600)
	if _, _, err := load(t, path).AddBuddies([]string{"LabBob"}, ""); err != nil {
		t.Fatal(err)
	}
	want := "# aim settings\n# see docs\nbuddies:\n  - group: Buddies\n    names: [LabBob]\n"
	if got := readFile(t, path); got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
}

// A file laid out by hand: blank lines, aligned comments, quoting, block
// and flow lists, a block scalar.
const handmade = `# aim settings


screen_name: LabAlice        # me
server:      "login.example.com:5190"   # the lab server

buddies:
  # people first
  - group: Friends           # close ones
    names:
      - LabBob               # from the lab
      - 'Lab Carol'

  - group: Work
    names: [Boss,   "123456"]    # keep this order

away: |
  Out to lunch.
  # not a comment: part of the message

profile: old   # set by hand
theme:   blue  # not an aim key
`

// TestEditsKeepTheLayout: an edit changes only the lines it must; every
// other line stays byte for byte, with LF or CRLF line endings.
func TestEditsKeepTheLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Config) error
		want string // handmade with the lines that change, changed
	}{
		{"add to a block list", func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"LabDan"}, "friends")
			return err
		}, strings.Replace(handmade, "      - 'Lab Carol'\n", "      - 'Lab Carol'\n      - LabDan\n", 1)},
		{"add to a flow list", func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"Lab Eve", "654321"}, "Work")
			return err
		}, strings.Replace(handmade, `[Boss,   "123456"]`, `[Boss,   "123456", Lab Eve, "654321"]`, 1)},
		{"add a group", func(c *Config) error {
			_, _, err := c.AddBuddies([]string{"Coach"}, "Gym")
			return err
		}, strings.Replace(handmade, "    names: [Boss,   \"123456\"]    # keep this order\n",
			"    names: [Boss,   \"123456\"]    # keep this order\n  - group: Gym\n    names: [Coach]\n", 1)},
		{"remove from a block list", func(c *Config) error {
			_, _, err := c.RemoveBuddies([]string{"labbob"})
			return err
		}, strings.Replace(handmade, "      - LabBob               # from the lab\n", "", 1)},
		{"remove from a flow list", func(c *Config) error {
			_, _, err := c.RemoveBuddies([]string{"boss"})
			return err
		}, strings.Replace(handmade, `[Boss,   "123456"]`, `["123456"]`, 1)},
		{"remove the last of a flow list", func(c *Config) error {
			_, _, err := c.RemoveBuddies([]string{"123456"})
			return err
		}, strings.Replace(handmade, `[Boss,   "123456"]`, `[Boss]`, 1)},
		{"set a one-line value", func(c *Config) error { return c.SetProfile("new <i>one</i>") },
			strings.Replace(handmade, "profile: old   # set by hand", "profile: new <i>one</i>   # set by hand", 1)},
		{"replace a block value", func(c *Config) error { return c.SetAway("Back at two") },
			strings.Replace(handmade, "away: |\n  Out to lunch.\n  # not a comment: part of the message\n", "away: Back at two\n", 1)},
		{"clear a value", func(c *Config) error { return c.SetAway("") },
			strings.Replace(handmade, "away: |\n  Out to lunch.\n  # not a comment: part of the message\n", "", 1)},
	}
	for _, tt := range tests {
		for _, eol := range []string{"\n", "\r\n"} {
			name := tt.name
			if eol == "\r\n" {
				name += " CRLF"
			}
			t.Run(name, func(t *testing.T) {
				path := writeConfig(t, strings.ReplaceAll(handmade, "\n", eol), 0o600)
				if err := tt.edit(load(t, path)); err != nil {
					t.Fatal(err)
				}
				got := readFile(t, path)
				if want := strings.ReplaceAll(tt.want, "\n", eol); got != want {
					t.Errorf("file:\n%s\nwant:\n%s", got, want)
				}
			})
		}
	}
}

// TestEditsOfOtherShapes: edits of files the in-place edits handle in
// other ways, or not at all (then the file is written afresh); each reads
// back right.
func TestEditsOfOtherShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content string
		edit          func(*Config) error
		want          string
	}{
		{"no final newline", "server: a:1", func(c *Config) error { return c.SetAway("x") },
			"server: a:1\naway: x\n"},
		{"last name of a block list", "buddies:\n  - group: A\n    names:   # mine\n      - LabBob\nserver: a:1\n",
			func(c *Config) error { _, _, err := c.RemoveBuddies([]string{"LabBob"}); return err },
			"buddies:\n  - group: A\n    names: []   # mine\nserver: a:1\n"},
		{"last name of a block list, CRLF", "buddies:\r\n  - group: A\r\n    names:   # mine\r\n      - LabBob\r\nserver: a:1\r\n",
			func(c *Config) error { _, _, err := c.RemoveBuddies([]string{"LabBob"}); return err },
			"buddies:\r\n  - group: A\r\n    names: []   # mine\r\nserver: a:1\r\n"},
		{"new buddies key", "# hi\nserver: a:1\n\n# the end\n",
			func(c *Config) error { _, _, err := c.AddBuddies([]string{"LabBob"}, ""); return err },
			"# hi\nserver: a:1\nbuddies:\n  - group: Buddies\n    names: [LabBob]\n\n# the end\n"},
		{"one line to many", "profile: old # keep me\nserver: a:1\n", func(c *Config) error { return c.SetProfile("a\nb\n") },
			"profile: | # keep me\n  a\n  b\nserver: a:1\n"},
		{"empty names, written afresh", "buddies:\n  - group: A\n    names:\n",
			func(c *Config) error { _, _, err := c.AddBuddies([]string{"LabBob"}, "A"); return err },
			"buddies:\n  - group: A\n    names: [LabBob]\n"},
		{"lone CR line breaks, written afresh", "server: a:1\rbuddies:\r- group: A\r  names:\r  - LabBob\r",
			func(c *Config) error { _, _, err := c.RemoveBuddies([]string{"LabBob"}); return err },
			"server: a:1\nbuddies:\n  - group: A\n    names: []\n"},
		{"a NEL in a name, written afresh", "buddies:\n- group: \"A\u0085B\"\n  names: [LabBob]\n",
			func(c *Config) error { _, _, err := c.RemoveBuddies([]string{"LabBob"}); return err },
			"buddies:\n  - group: \"A B\"\n    names: []\n"}, // the parser folds the NEL
		{"flow top level, written afresh", "{server: \"a:1\"}\n", func(c *Config) error { return c.SetAway("x") },
			"{server: \"a:1\", away: x}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.content, 0o600)
			if err := tt.edit(load(t, path)); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path); got != tt.want {
				t.Errorf("file:\n%+q\nwant:\n%+q", got, tt.want)
			}
		})
	}
}

// FuzzEdits: on any file, the in-place edits never panic, a file edited in
// place reads back as the edited node tree, and line endings are kept.
// It runs in memory: edits of real files sync them to disk.
func FuzzEdits(f *testing.F) {
	f.Add(handmade, "LabDan", "Friends")
	f.Add(commented, "LabBob", "work")
	f.Add(strings.ReplaceAll(handmade, "\n", "\r\n"), "Boss", "Gym")
	f.Add("buddies:\n- group: A\n  names:\n  - x1y\n", "X1Y", "A")
	f.Add("server: a:1\raway: x\rbuddies:\r- group: A\r  names:\r  - LabBob\r", "LabBob", "A")
	f.Fuzz(func(t *testing.T, content, name, group string) {
		if screenname.Validate(name) != nil || ValidateGroup(group) != nil {
			return
		}
		d, err := parseDocument("config.yaml", []byte(content))
		if err != nil {
			return
		}
		if _, err := d.settings(); err != nil {
			return
		}
		check := func(step string) {
			out, err := d.encode()
			if err != nil {
				return // the tree itself does not encode: edit reports it
			}
			back, err := parseDocument("config.yaml", out)
			if err != nil {
				t.Fatalf("after %s the file does not parse: %v\n%q", step, err, out)
			}
			// Written in place, the file must read back as the tree.
			// (Written afresh, it is the YAML encoder's output as before,
			// which need only parse: it writes a null key as ''.)
			var want, got any
			if inPlace := d.text.ok && bytes.Equal(out, d.text.src); inPlace && (d.root.Decode(&want) != nil || back.root.Decode(&got) != nil || !reflect.DeepEqual(want, got)) {
				t.Fatalf("after %s the file reads back as\n%#v\nwant\n%#v\n%q", step, got, want, out)
			}
			// Line endings stay as they were: no CR appears in an LF
			// file, and none is doubled in a CRLF one.
			if !strings.Contains(content, "\r") && bytes.Contains(out, []byte("\r")) ||
				!strings.Contains(content, "\r\r") && bytes.Contains(out, []byte("\r\r")) {
				t.Fatalf("after %s the line endings changed: %q", step, out)
			}
		}
		if names, err := d.groupNames(group); err == nil {
			names.Content = append(names.Content, stringNode(name))
			d.text.addName(group, name)
			check("adding a name")
		}
		for _, away := range []string{name + "\nback soon", name} {
			if d.setString(KeyAway, away) {
				d.text.setKey(KeyAway, d.lookup(KeyAway))
				check("setting away")
			}
		}
		if _, ok := removeName(d.lookup(KeyBuddies), screenname.Normalize(name)); ok {
			d.text.removeName(screenname.Normalize(name))
			check("removing a name")
		}
		d.text.deleteKey(KeyAway)
		d.delete(KeyAway)
		check("deleting away")
	})
}

// TestAwayWithIndentedLines: an away message whose lines start with a tab
// or spaces is stored so that the file still reads, and reads back the
// same (found by FuzzEdits: a literal block made the file unreadable).
func TestAwayWithIndentedLines(t *testing.T) {
	t.Parallel()
	for _, away := range []string{"\tindented\nback soon", "  two spaces\n\tand a tab", "first\n\tsecond"} {
		path := writeConfig(t, "screen_name: LabAlice\n", 0o600)
		if err := load(t, path).SetAway(away); err != nil {
			t.Fatalf("SetAway(%q): %v", away, err)
		}
		if got := load(t, path).Away; got != away {
			t.Errorf("SetAway(%q) reads back as %q:\n%s", away, got, readFile(t, path))
		}
	}
}

// TestEditRemovesStaleTemps: an edit cut off between writing its temporary
// file and renaming it (a process killed) leaves ".config.yaml.tmp-NNN"
// behind; the next edit, holding the lock, removes those older than
// staleTempAge, and nothing else: not a fresh one, not a link, not a name
// another program would use.
func TestEditRemovesStaleTemps(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, commented, 0o600)
	dir := filepath.Dir(path)
	old := time.Now().Add(-2 * time.Hour)
	mk := func(name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("buddies: [half"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := []string{mk(".config.yaml.tmp-123456", old), mk(".config.yaml.tmp-7", old)}
	kept := []string{
		mk(".config.yaml.tmp-654321", time.Now()), // another edit may still be writing it
		mk(".config.yaml.tmp-abc", old),           // not a name writeFileAtomic makes
		mk(".config.yaml.tmp-", old),
		mk(".other.yaml.tmp-1", old),
		mk("config.yaml.tmp-1", old),
	}
	if runtime.GOOS != "windows" {
		link := filepath.Join(dir, ".config.yaml.tmp-999")
		if err := os.Symlink(kept[1], link); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, link)
	}
	if _, _, err := load(t, path).AddBuddies([]string{"LabNew"}, "Friends"); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v, want it removed", filepath.Base(p), err)
		}
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v, want it kept", filepath.Base(p), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".config.yaml.tmp-") && !slices.ContainsFunc(kept, func(p string) bool { return filepath.Base(p) == e.Name() }) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
