package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/screenname"
)

// checkBuddies checks the names and the group an edit of the buddy list
// is given, before the file is touched; it returns the group as stored
// (trimmed, DefaultGroup if empty).
func checkBuddies(names []string, group string) (string, error) {
	group = strings.TrimSpace(group)
	if group == "" {
		group = DefaultGroup
	}
	if err := ValidateGroup(group); err != nil {
		return "", err
	}
	for _, n := range names {
		if err := validateBuddy(n); err != nil {
			return "", err
		}
	}
	return group, nil
}

// AddBuddies adds names to group (DefaultGroup if empty) in the config file,
// creating the group and the file if needed. Names already on the list, in
// any group, and repeats within names are returned in already, as given;
// added holds the names written, trimmed. If any name is invalid the error
// is a *SettingError wrapping an *screenname.Error and the file is not
// touched; nor is it when nothing is added.
func (c *Config) AddBuddies(names []string, group string) (added, already []string, err error) {
	group, err = checkBuddies(names, group)
	if err != nil {
		return nil, nil, err
	}
	err = c.edit(func(d *document, s *fileSettings) (bool, error) {
		seen := map[string]bool{}
		for _, g := range s.Buddies {
			for _, n := range g.Names {
				seen[screenname.Normalize(n)] = true
			}
		}
		var groupNames *yaml.Node
		for _, n := range names {
			key := screenname.Normalize(n)
			if seen[key] {
				already = append(already, n)
				continue
			}
			if groupNames == nil {
				var err error
				if groupNames, err = d.groupNames(group); err != nil {
					return false, err
				}
			}
			groupNames.Content = append(groupNames.Content, stringNode(strings.TrimSpace(n)))
			d.text.addName(group, strings.TrimSpace(n))
			seen[key] = true
			added = append(added, strings.TrimSpace(n))
		}
		return len(added) > 0, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return added, already, nil
}

// RemoveBuddies removes names from the buddy list in the config file,
// whatever their group. removed holds the names as they were stored; missing
// holds the names given that were not on the list. Groups left empty are
// kept. The file is not touched when nothing is removed.
func (c *Config) RemoveBuddies(names []string) (removed, missing []string, err error) {
	for _, n := range names {
		if err := validateBuddy(n); err != nil {
			return nil, nil, err
		}
	}
	err = c.edit(func(d *document, _ *fileSettings) (bool, error) {
		list := d.lookup(KeyBuddies)
		for _, n := range names {
			if stored, ok := removeName(list, screenname.Normalize(n)); ok {
				d.text.removeName(screenname.Normalize(n))
				removed = append(removed, stored)
			} else {
				missing = append(missing, n)
			}
		}
		return len(removed) > 0, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return removed, missing, nil
}

// MoveBuddies moves names, from whatever group they are in, to group
// (DefaultGroup if empty; created if needed), in one edit of the file:
// whoever reads it meanwhile (the session's follower of the file, a sync
// with the server) finds each name in its old group or in the new one,
// never off the list. moved holds the names as they were stored; missing
// holds the names given that were not on the list. A name the file has
// twice ends up once, in group. If the group or any name is invalid the
// error is a *SettingError and the file is not touched; nor is it when no
// name is on the list.
func (c *Config) MoveBuddies(names []string, group string) (moved, missing []string, err error) {
	group, err = checkBuddies(names, group)
	if err != nil {
		return nil, nil, err
	}
	err = c.edit(func(d *document, _ *fileSettings) (bool, error) {
		list := d.lookup(KeyBuddies)
		for _, n := range names {
			key := screenname.Normalize(n)
			stored, ok := removeName(list, key)
			if !ok {
				missing = append(missing, n)
				continue
			}
			d.text.removeName(key)
			for { // and any other entry of it
				if _, again := removeName(list, key); !again {
					break
				}
				d.text.removeName(key)
			}
			moved = append(moved, stored)
		}
		if len(moved) == 0 {
			return false, nil
		}
		groupNames, err := d.groupNames(group)
		if err != nil {
			return false, err
		}
		for _, n := range moved {
			groupNames.Content = append(groupNames.Content, stringNode(n))
			d.text.addName(group, n)
		}
		return true, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return moved, missing, nil
}

// SetProfile stores the profile (HTML is passed to the server as is). An
// empty text removes the key. A text over limits.DefaultProfile bytes is
// a *limits.TooLongError (the same error a live session gives) and the file is
// not touched.
func (c *Config) SetProfile(text string) error {
	if err := c.setText(KeyProfile, "profile", text); err != nil {
		return err
	}
	c.Profile = text
	return nil
}

// SetAway stores the away message, with the same rules as SetProfile.
func (c *Config) SetAway(text string) error {
	if err := c.setText(KeyAway, "away message", text); err != nil {
		return err
	}
	c.Away = text
	return nil
}

func (c *Config) setText(key, what, text string) error {
	if len(text) > limits.DefaultProfile {
		return &limits.TooLongError{What: what, Len: len(text), Limit: limits.DefaultProfile}
	}
	return c.setScalar(key, text)
}

// edit reads the file afresh, lets change edit its node tree, and writes the
// result back if change reports a change. On any error the file is untouched.
// On success c.Buddies reflects the file.
//
// The whole read-modify-write holds an exclusive lock (see lockFile), so
// edits by several aim processes at once are all kept; if the lock cannot be
// taken the edit is not made and the error is a *LockError.
func (c *Config) edit(change func(*document, *fileSettings) (bool, error)) error {
	if c.batch != nil {
		return c.batch.edit(c, change)
	}
	d, unlock, err := lockAndRead(c.Path)
	if err != nil {
		return err
	}
	defer unlock()
	s, err := d.settings()
	if err != nil {
		return err
	}
	changed, err := change(d, s)
	if err != nil || !changed {
		return err
	}
	out, err := d.encode()
	if err != nil {
		return err
	}
	// Check that what we write reads back, before replacing anything.
	if s, err = checkParsesBack(c.Path, out); err != nil {
		return err
	}
	if err := writeFileAtomic(c.Path, out, d.mode.Perm()); err != nil {
		return err
	}
	c.Buddies = s.Buddies
	return nil
}

// pending is the file as the edits of an open Batch left it.
type pending struct {
	d       *document
	changed bool // an edit changed d: Batch writes it
}

// Batch runs edits with one reading of the config file and one write: the
// *Config it passes them is a copy of c whose edit methods (AddBuddies,
// RemoveBuddies, EditPrivacy, SetProfile, ...) each edit the file as the
// edits before them left it, with the same checks and the same answers as
// on c, but hold it in memory; Batch writes the result once, after edits
// returns, if any of them changed it, and then c reflects the file. An
// edit that fails leaves the file as the edits before it left it (those
// are written all the same); edits' error is returned, joined with the
// write's. The file stays locked for the whole batch, so a list of names
// costs one read, one write and one fsync, not one of each a name, and
// the text is encoded and checked once, at the end.
func (c *Config) Batch(edits func(*Config) error) error {
	d, unlock, err := lockAndRead(c.Path)
	if err != nil {
		return err
	}
	defer unlock()
	b := c.Clone()
	b.batch = &pending{d: d}
	err = edits(b)
	p := b.batch
	if !p.changed {
		return err
	}
	out, werr := p.d.encode()
	var s *fileSettings
	if werr == nil {
		s, werr = checkParsesBack(c.Path, out)
	}
	if werr == nil {
		werr = writeFileAtomic(c.Path, out, p.d.mode.Perm())
	}
	if werr != nil {
		return errors.Join(err, werr)
	}
	b.batch, b.Buddies = nil, s.Buddies
	*c = *b
	return err
}

// edit is Config.edit within a Batch: change edits the document held in
// memory, as one edit of many names would; if it fails, the document is
// put back as it was before it.
func (p *pending) edit(c *Config, change func(*document, *fileSettings) (bool, error)) error {
	s, err := p.d.settings()
	if err != nil {
		return err
	}
	before := p.d.clone()
	changed, err := change(p.d, s)
	if err == nil && changed {
		s, err = p.d.settings()
	}
	if err != nil {
		p.d = before
		return err
	}
	if changed {
		p.changed = true
		c.Buddies = s.Buddies
	}
	return nil
}

// clone returns a copy of d that shares nothing an edit changes.
func (d *document) clone() *document {
	e := *d
	text := *d.text
	text.src = bytes.Clone(d.text.src)
	e.text = &text
	copies := map[*yaml.Node]*yaml.Node{}
	e.root = cloneNode(d.root, copies)
	for _, n := range copies { // aliases point into the copy
		if n.Alias != nil && copies[n.Alias] != nil {
			n.Alias = copies[n.Alias]
		}
	}
	return &e
}

func cloneNode(n *yaml.Node, copies map[*yaml.Node]*yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	copies[n] = &c
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = cloneNode(k, copies)
		}
	}
	return &c
}

// lockAndRead takes the file's edit lock (see lockFile), removes the
// temporary files interrupted writers left, and reads the file; unlock
// lets the lock go. On an error the lock is not held.
func lockAndRead(path string) (d *document, unlock func(), err error) {
	unlock, err = lockFile(path)
	if err != nil {
		return nil, nil, err
	}
	removeStaleTemps(path, time.Now())
	if d, err = readDocument(path); err != nil {
		unlock()
		return nil, nil, err
	}
	return d, unlock, nil
}

// checkParsesBack checks that out, the edited file, reads back, before
// anything is replaced, and returns what it says.
func checkParsesBack(path string, out []byte) (*fileSettings, error) {
	check, err := parseDocument(path, out)
	var s *fileSettings
	if err == nil {
		s, err = check.settings()
	}
	if err != nil {
		return nil, fmt.Errorf("internal error: edited config does not parse back: %w", err)
	}
	return s, nil
}

// encode returns the edited file: the text edited in place, which keeps
// every line the edits did not need to change, or, when the file had a shape
// the in-place edits do not handle, the node tree encoded afresh (which keeps
// keys, order and comments, but not blank lines or comment alignment).
func (d *document) encode() (out []byte, err error) {
	if d.text.ok && d.text.matches(d.root) {
		return d.text.src, nil
	}
	defer func() {
		// The YAML encoder panics on some trees it cannot write (it
		// recovers only its own errors): an edit is then refused, never a
		// crash.
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("config file %s: encoding: %v", d.path, p)
		}
	}()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d.root); err != nil {
		return nil, fmt.Errorf("config file %s: encoding: %w", d.path, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("config file %s: encoding: %w", d.path, err)
	}
	if d.text.crlf {
		return bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte("\r\n")), nil
	}
	return buf.Bytes(), nil
}

// validateBuddy checks a screen name given to AddBuddies or RemoveBuddies.
func validateBuddy(name string) error {
	if err := screenname.Validate(name); err != nil {
		return &SettingError{Key: KeyBuddies, Err: err}
	}
	return nil
}

// ValidateGroup refuses group names that cannot be shown on one line (a
// *SettingError with Key "group"), as AddBuddies does.
func ValidateGroup(g string) error {
	for _, r := range g {
		if r < ' ' || r == 0x7f {
			return &SettingError{Key: "group", Value: g, Reason: fmt.Sprintf("has an invalid character %q", r)}
		}
	}
	return nil
}

// lookup returns the value node of key in the top-level mapping, or nil.
func (d *document) lookup(key string) *yaml.Node {
	m := d.top()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setString sets key to a string scalar, keeping the key's place and
// comments. Text with line breaks is written as a literal block, unless a
// line starts with a space or a tab (a literal block cannot say that
// safely: a tab there makes the file unreadable), or it holds a character
// a block cannot carry; then it is double-quoted, with escapes. It reports
// whether the value changed.
func (d *document) setString(key, value string) bool {
	n := stringNode(value)
	if strings.Contains(value, "\n") {
		n.Style = yaml.LiteralStyle
		if !literalSafe(value) {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
	old := d.lookup(key)
	if old == nil {
		d.appendKey(key, n)
		return true
	}
	if old.Kind == yaml.ScalarNode && old.Tag == "!!str" && old.Value == value {
		return false
	}
	if n.Style == 0 && old.Kind == yaml.ScalarNode {
		n.Style = old.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
	}
	n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	*old = *n
	return true
}

// appendKey adds key: value at the end of the top-level mapping. The
// parser hangs a comment at the end of the file on the last key; it moves
// to the new last key, so it stays at the end.
func (d *document) appendKey(key string, value *yaml.Node) {
	m := d.top()
	k := stringNode(key)
	if len(m.Content) >= 2 {
		last := m.Content[len(m.Content)-2]
		k.FootComment, last.FootComment = last.FootComment, ""
	}
	m.Content = append(m.Content, k, value)
}

// delete removes key from the top-level mapping and reports whether it was there.
func (d *document) delete(key string) bool {
	m := d.top()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return true
		}
	}
	return false
}

// groupNames returns the names sequence of group (matched ignoring case),
// creating the buddies key, the group and its names as needed.
func (d *document) groupNames(group string) (*yaml.Node, error) {
	list := d.lookup(KeyBuddies)
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		d.appendKey(KeyBuddies, list)
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" { // "buddies:" with no value
		*list = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", LineComment: list.LineComment}
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &FileError{Path: d.path, Line: list.Line, Err: errors.New("buddies must be a list of groups")}
	}
	for _, g := range list.Content {
		if g.Kind != yaml.MappingNode {
			return nil, &FileError{Path: d.path, Line: g.Line, Err: errors.New("each buddies entry must be a mapping with group and names")}
		}
		if name := mapValue(g, "group"); name == nil || !strings.EqualFold(strings.TrimSpace(name.Value), group) {
			continue
		}
		names := mapValue(g, "names")
		if names == nil {
			names = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			g.Content = append(g.Content, stringNode("names"), names)
		}
		if names.Kind == yaml.ScalarNode && names.Tag == "!!null" {
			*names = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, LineComment: names.LineComment}
		}
		if names.Kind != yaml.SequenceNode {
			return nil, &FileError{Path: d.path, Line: names.Line, Err: errors.New("names must be a list of screen names")}
		}
		return names, nil
	}
	names := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	list.Content = append(list.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		stringNode("group"), stringNode(group),
		stringNode("names"), names,
	}})
	return names, nil
}

// removeName removes the first name whose normalized form is key from the
// buddies list node and returns it as stored.
func removeName(list *yaml.Node, key string) (string, bool) {
	if list == nil || list.Kind != yaml.SequenceNode {
		return "", false
	}
	for _, g := range list.Content {
		names := mapValue(g, "names")
		if names == nil || names.Kind != yaml.SequenceNode {
			continue
		}
		for i, n := range names.Content {
			if n.Kind == yaml.ScalarNode && screenname.Normalize(strings.TrimSpace(n.Value)) == key {
				names.Content = append(names.Content[:i], names.Content[i+1:]...)
				return strings.TrimSpace(n.Value), true
			}
		}
	}
	return "", false
}

// mapValue returns the value of key in mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// stringNode is a scalar the encoder will quote if it would otherwise read
// back as another type (an ICQ number, "yes", "null").
func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// writeFileAtomic replaces path with data: it writes a temporary file in the
// same directory, syncs it, and renames it over path, so a reader sees the
// old file or the new one, never a mix. A symlink at path is followed, so
// the link is kept. Missing directories are created with mode 0700.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	fail := func(err error) error {
		return fmt.Errorf("cannot write config file %s: %w", path, plainPathError(err))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("cannot write config file %s: cannot create directory %s: %w", path, pe.Path, pe.Err)
		}
		return fail(err)
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return fail(err) // "permission denied": the directory is not writable
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		done = true
		return fail(err)
	}
	done = true
	// Make the rename itself durable. Not every system can sync a directory.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// tempPrefix is how the names of writeFileAtomic's temporary files for
// path (symlinks resolved) begin; random digits follow.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// staleTempAge is how old a temporary file must be before removeStaleTemps
// takes it for a leftover. Under the lock no edit is writing one; the age
// guards systems without file locking, where an edit takes milliseconds.
const staleTempAge = time.Minute

// removeStaleTemps removes the temporary files that edits of the config
// file at path left behind when they were cut off (the process killed
// between creating one and renaming it over the file). Call it holding the
// file's lock. Only files this process would have made are removed: named
// exactly as writeFileAtomic names them (the prefix, then digits), regular
// files (not links), of this user, older than staleTempAge. Failures are
// ignored: a file left behind is clutter, not harm.
func removeStaleTemps(path string, now time.Time) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || !ownedByMe(fi) || now.Sub(fi.ModTime()) < staleTempAge {
			continue
		}
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
}

// literalSafe reports whether text reads back unchanged from a literal
// block: no line starts with white space, and no character other than a
// line break or a tab is a control character.
func literalSafe(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			return false
		}
		for _, r := range line {
			if r != '\t' && (r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff) {
				return false
			}
		}
	}
	return true
}
