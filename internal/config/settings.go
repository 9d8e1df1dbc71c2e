package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// ParseBool reads a boolean setting as people write one: true/false,
// yes/no, on/off, 1/0, y/n, t/f, in any case.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1", "y", "t":
		return true, nil
	case "false", "no", "off", "0", "n", "f":
		return false, nil
	}
	return false, errors.New("is not a boolean (want true or false, yes or no, on or off, 1 or 0)")
}

// boolSetting is a boolean in the file, in any spelling ParseBool takes.
type boolSetting bool

func (b *boolSetting) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseBool(n.Value)
	if err != nil {
		return err // checkShapes has said which key and line
	}
	*b = boolSetting(v)
	return nil
}

// Warning is something in the settings that aim ignores and goes on
// without: a key it does not know. cmd/aim shows it; config never prints.
type Warning struct {
	Path    string // the config file
	Line    int
	Key     string // as written
	In      string // where: "" for the top level, `buddies group "Work"` inside one
	Suggest string // the known key it is closest to, or ""
}

func (w Warning) String() string {
	msg := fmt.Sprintf("config file %s: line %d: unknown key %q", w.Path, w.Line, w.Key)
	if w.In != "" {
		msg += " in " + w.In
	}
	if w.Suggest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", w.Suggest)
	}
	return msg + "; ignored"
}

// The keys of each buddies group.
var groupKeys = []string{"group", "names"}

// buddiesShape is how the buddies list is written.
const buddiesShape = `a list of groups, each "- group: NAME" with "names: [NAME, ...]"`

// checkShapes checks that each key aim knows holds the kind of value it
// needs, with errors that name the key, its line and what it must look like
// (instead of the decoder's "cannot unmarshal !!str into []config.BuddyGroup").
// Unknown keys become warnings.
func (d *document) checkShapes() ([]Warning, error) {
	top := d.top()
	var warnings []Warning
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &FileError{Path: d.path, Line: n.Line, Err: fmt.Errorf(format, args...)}
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		setting, known := Lookup(k.Value)
		if !known {
			warnings = append(warnings, Warning{Path: d.path, Line: k.Line, Key: k.Value, Suggest: closest(k.Value, Keys())})
			continue
		}
		if isNull(v) {
			continue
		}
		switch {
		case setting.Kind == KindBuddies:
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v, "buddies must be %s, not %s", buddiesShape, describe(v))
			}
			for j, g := range v.Content {
				if g.Kind != yaml.MappingNode {
					return nil, fail(g, "buddies: entry %d must be a group (\"group: NAME\" with \"names: [NAME, ...]\"), not %s", j+1, describe(g))
				}
				where := fmt.Sprintf("buddies entry %d", j+1)
				if name := mapValue(g, "group"); name != nil && name.Kind == yaml.ScalarNode {
					where = "buddies group " + strconv.Quote(name.Value)
				}
				for m := 0; m+1 < len(g.Content); m += 2 {
					gk, gv := g.Content[m], g.Content[m+1]
					switch {
					case !isKnown(gk.Value, groupKeys):
						warnings = append(warnings, Warning{Path: d.path, Line: gk.Line, Key: gk.Value, In: where, Suggest: closest(gk.Value, groupKeys)})
					case isNull(gv):
					case gk.Value == "group" && gv.Kind != yaml.ScalarNode:
						return nil, fail(gv, "%s: group must be a name, not %s", where, describe(gv))
					case gk.Value == "names" && gv.Kind != yaml.SequenceNode:
						return nil, fail(gv, "%s: names must be a list of screen names, like [LabBob, \"Lab Carol\"], not %s", where, describe(gv))
					case gk.Value == "names":
						for _, n := range gv.Content {
							if n.Kind != yaml.ScalarNode {
								return nil, fail(n, "%s: names must be a list of screen names, and this one is %s", where, describe(n))
							}
						}
					}
				}
			}
		case setting.Kind == KindNames:
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v, "%s must be a list of screen names, like [LabBob, \"Lab Carol\"], not %s", k.Value, describe(v))
			}
			for _, n := range v.Content {
				if n.Kind != yaml.ScalarNode {
					return nil, fail(n, "%s must be a list of screen names, and this one is %s", k.Value, describe(n))
				}
			}
		case setting.Kind == KindBool:
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v, "%s must be %s, not %s", k.Value, setting.Shape, describe(v))
			}
			if _, err := ParseBool(v.Value); err != nil {
				return nil, fail(v, "%s %q %s", k.Value, v.Value, err.Error())
			}
		default:
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v, "%s must be %s, not %s", k.Value, setting.Shape, describe(v))
			}
		}
	}
	return warnings, nil
}

func isKnown(key string, known []string) bool {
	for _, k := range known {
		if k == key {
			return true
		}
	}
	return false
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// describe names the kind of a value a user wrote, for errors.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "the single value " + strconv.Quote(n.Value)
}

// closest returns the known key nearest to key: the same once case and
// "-" versus "_" are ignored, or at most two edits away (a swap of two
// letters counts as one). "" if none is that close.
func closest(key string, known []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	best, bestDist := "", 3
	for _, k := range known {
		d := editDistance(norm(key), k)
		if d < bestDist && d <= len(k)/2 {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours, one each.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// BoolFlag defines on fs the flag of a boolean setting. Like a pflag bool
// it means true alone (--tls); given a value it takes every spelling
// ParseBool does (--tls=yes).
func BoolFlag(fs *pflag.FlagSet, name string, value bool, usage string) {
	b := boolSetting(value)
	fs.VarPF(&b, name, "", usage).NoOptDefVal = "true"
}

// Set, String and Type make a boolSetting a pflag.Value.
func (b *boolSetting) Set(s string) error {
	v, err := ParseBool(s)
	if err != nil {
		return err
	}
	*b = boolSetting(v)
	return nil
}

func (b *boolSetting) String() string { return strconv.FormatBool(bool(*b)) }

func (b *boolSetting) Type() string { return "bool" }
