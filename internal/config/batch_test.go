package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// edits is a run of edits, two of which fail (an invalid group, and one
// after it has changed the tree), as a
// command with a list of names makes them.
func edits(c *Config) error {
	steps := []func() error{
		func() error { _, _, err := c.AddBuddies([]string{"LabBob", "Lab Carol"}, "Work"); return err },
		func() error { _, _, err := c.AddBuddies([]string{"labbob"}, ""); return err },
		func() error { _, _, err := c.AddNames(KeyBlocked, []string{"Lab Mallory"}); return err },
		func() error { return c.SetPrivacy(PrivacyBlockDeny) },
		func() error { _, _, err := c.MoveBuddies([]string{"LabBob"}, "New\x01Group"); return err }, // fails
		func() error { _, _, err := c.RemoveBuddies([]string{"LabDave"}); return err },
		func() error { // fails half way, as a change of the tree may
			return c.edit(func(d *document, _ *fileSettings) (bool, error) {
				d.setString("half_made", "yes")
				return false, errors.New("half made")
			})
		},
		func() error { _, _, err := c.MoveBuddies([]string{"Lab Carol"}, "Old friends"); return err },
		func() error { return c.SetAway("out") },
	}
	var errs []error
	for _, step := range steps {
		if err := step(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 2 {
		return fmt.Errorf("%d edits failed (%v), want the two", len(errs), errs)
	}
	return nil
}

// TestBatch: the edits of a Batch leave the file as the same edits made
// one by one do, comments, layout, the failed edit and all, with one
// write; the Config it was called on then reads as the file.
func TestBatch(t *testing.T) {
	t.Parallel()
	const start = "# mine\nscreen_name: LabAlice   # me\nbuddies:\n  - group: Buddies\n    names: [LabDave, LabEve]\nzzz: kept\n"
	dir := t.TempDir()
	one, all := filepath.Join(dir, "one.yaml"), filepath.Join(dir, "all.yaml")
	for _, p := range []string{one, all} {
		if err := os.WriteFile(p, []byte(start), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c1 := load(t, one)
	if err := edits(c1); err != nil {
		t.Fatal(err)
	}
	c2 := load(t, all)
	var inBatch *Config
	if err := c2.Batch(func(b *Config) error {
		inBatch = b
		if err := edits(b); err != nil {
			return err
		}
		if got := readFile(t, all); got != start {
			t.Errorf("the file changed before the batch ended:\n%s", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, all), readFile(t, one); got != want || strings.Contains(got, "half_made") {
		t.Errorf("after the batch:\n%s\nwant, as the edits one by one left it:\n%s", got, want)
	}
	if inBatch == c2 {
		t.Error("Batch passed its edits the Config it was called on")
	}
	for _, c := range []*Config{c1, c2} {
		c.flagNames, c.env = nil, Options{}
	}
	if !reflect.DeepEqual(c1.Buddies, c2.Buddies) || !reflect.DeepEqual(c1.Blocked, c2.Blocked) || c1.Privacy != c2.Privacy || c1.Away != c2.Away {
		t.Errorf("after the batch the Config holds %+v, want %+v", c2, c1)
	}
	noTempFiles(t, dir)
}

// BenchmarkAddEach: 30 names added to the buddy list one edit a name, as
// aim buddies add --each did, and in one Batch, as it does.
func BenchmarkAddEach(b *testing.B) {
	names := make([]string, 30)
	for i := range names {
		names[i] = fmt.Sprintf("Pal%02d", i)
	}
	for _, batch := range []bool{false, true} {
		b.Run(fmt.Sprintf("batch=%v", batch), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "config.yaml")
			for b.Loop() {
				if err := os.WriteFile(path, []byte("screen_name: LabAlice\n"), 0o600); err != nil {
					b.Fatal(err)
				}
				c, err := Load(Options{Path: path, Env: env(nil)})
				if err != nil {
					b.Fatal(err)
				}
				add := func(c *Config) error {
					for _, n := range names {
						if _, _, err := c.AddBuddies([]string{n}, "Pals"); err != nil {
							return err
						}
					}
					return nil
				}
				if batch {
					err = c.Batch(add)
				} else {
					err = add(c)
				}
				if err != nil || len(c.Buddies) != 1 || len(c.Buddies[0].Names) != len(names) {
					b.Fatalf("%v, %+v", err, c.Buddies)
				}
			}
		})
	}
}
