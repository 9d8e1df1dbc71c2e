package config

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/screenname"
)

// Privacy modes, as the privacy key spells them: who may see you online
// and send you messages.
const (
	PrivacyAllowAll     = "allow-all"     // everyone
	PrivacyBlockAll     = "block-all"     // no one
	PrivacyAllowBuddies = "allow-buddies" // only the buddy list
	PrivacyAllowPermit  = "allow-permit"  // only the allowed list
	PrivacyBlockDeny    = "block-deny"    // everyone but the blocked list
)

// PrivacyModes lists the modes, in the order help shows them.
var PrivacyModes = []string{PrivacyAllowAll, PrivacyBlockAll, PrivacyAllowBuddies, PrivacyAllowPermit, PrivacyBlockDeny}

func (c *Config) validatePrivacy(path string) error {
	if c.Privacy != "" && !slices.Contains(PrivacyModes, c.Privacy) {
		return &SettingError{Key: KeyPrivacy, Value: c.Privacy, Source: path,
			Reason: "is not allowed (want one of " + strings.Join(PrivacyModes, ", ") + ")"}
	}
	for _, list := range []struct {
		key   string
		names []string
	}{{KeyBlocked, c.Blocked}, {KeyAllowed, c.Allowed}} {
		for _, n := range list.names {
			if err := screenname.Validate(n); err != nil {
				return &SettingError{Key: list.key, Source: path, Err: err}
			}
		}
	}
	return nil
}

// AddNames adds names to the blocked or allowed list (key KeyBlocked or
// KeyAllowed), creating the key as a flow list when missing. Names already
// there (compared with screenname.Normalize) are returned in already. The
// file is not touched when nothing is added; an invalid name is a
// *screenname.Error and nothing is written.
func (c *Config) AddNames(key string, names []string) (added, already []string, err error) {
	if err := checkListKey(key); err != nil {
		return nil, nil, err
	}
	for _, n := range names {
		if err := screenname.Validate(n); err != nil {
			return nil, nil, err
		}
	}
	var now []string
	err = c.edit(func(d *document, s *fileSettings) (bool, error) {
		now = slices.Clone(s.names(key))
		for _, n := range names {
			n = strings.TrimSpace(n)
			if slices.ContainsFunc(now, screenname.SameAs(n)) {
				already = append(already, n)
				continue
			}
			now = append(now, n)
			added = append(added, n)
		}
		if len(added) == 0 {
			return false, nil
		}
		d.setNames(key, now)
		return true, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(added) > 0 {
		c.setNames(key, now)
	}
	return added, already, nil
}

// RemoveNames removes names from the blocked or allowed list; missing
// holds those that were not on it. An emptied list stays, empty.
func (c *Config) RemoveNames(key string, names []string) (removed, missing []string, err error) {
	if err := checkListKey(key); err != nil {
		return nil, nil, err
	}
	var now []string
	err = c.edit(func(d *document, s *fileSettings) (bool, error) {
		now = slices.Clone(s.names(key))
		for _, n := range names {
			i := slices.IndexFunc(now, screenname.SameAs(n))
			if i < 0 {
				missing = append(missing, n)
				continue
			}
			removed = append(removed, now[i])
			now = slices.Delete(now, i, i+1)
		}
		if len(removed) == 0 {
			return false, nil
		}
		d.setNames(key, now)
		return true, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(removed) > 0 {
		c.setNames(key, now)
	}
	return removed, missing, nil
}

// SetPrivacy stores the privacy mode (one of PrivacyModes).
func (c *Config) SetPrivacy(mode string) error {
	mode = strings.ToLower(strings.TrimSpace(mode))
	if !slices.Contains(PrivacyModes, mode) {
		return &SettingError{Key: KeyPrivacy, Value: mode, Reason: "is not a privacy mode (want one of " + strings.Join(PrivacyModes, ", ") + ")"}
	}
	if err := c.setScalar(KeyPrivacy, mode); err != nil {
		return err
	}
	c.Privacy = mode
	return nil
}

func checkListKey(key string) error {
	if key != KeyBlocked && key != KeyAllowed {
		return &SettingError{Key: key, Reason: "is not a list of screen names"}
	}
	return nil
}

func (s *fileSettings) names(key string) []string {
	if key == KeyBlocked {
		return s.Blocked
	}
	return s.Allowed
}

func (c *Config) setNames(key string, names []string) {
	if key == KeyBlocked {
		c.Blocked = names
	} else {
		c.Allowed = names
	}
}

// setNames sets key to names as a flow list ([a, "b c"]), keeping the
// key's place and comments.
func (d *document) setNames(key string, names []string) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, name := range names {
		n.Content = append(n.Content, stringNode(name))
	}
	if old := d.lookup(key); old != nil {
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
		*old = *n
	} else {
		d.appendKey(key, n)
	}
	d.text.setKey(key, d.lookup(key))
}

// PrivacySettings are the privacy mode and the blocked and allowed lists,
// as EditPrivacy hands them to be changed. Buddies is the buddy list's
// names, to read only.
type PrivacySettings struct {
	Mode             string // "" when the file sets none
	Blocked, Allowed []string
	Buddies          []string
}

// EditPrivacy lets change read the privacy settings as the file has them
// now and change them; what it changed is written in one write, so a
// change of mode and lists together is never half made. change returns
// false to leave the file alone. Names added must be valid screen names
// (a *screenname.Error otherwise, and nothing is written); a mode must be
// one of PrivacyModes.
func (c *Config) EditPrivacy(change func(p *PrivacySettings) (bool, error)) error {
	var now *PrivacySettings // what was written
	err := c.edit(func(d *document, s *fileSettings) (bool, error) {
		p := PrivacySettings{Blocked: slices.Clone(s.Blocked), Allowed: slices.Clone(s.Allowed)}
		if s.Privacy != nil {
			p.Mode = *s.Privacy
		}
		for _, g := range s.Buddies {
			p.Buddies = append(p.Buddies, g.Names...)
		}
		before := PrivacySettings{Mode: p.Mode, Blocked: slices.Clone(p.Blocked), Allowed: slices.Clone(p.Allowed)}
		ok, err := change(&p)
		if err != nil || !ok {
			return false, err
		}
		if p.Mode != "" && !slices.Contains(PrivacyModes, p.Mode) {
			return false, &SettingError{Key: KeyPrivacy, Value: p.Mode, Reason: "is not a privacy mode (want one of " + strings.Join(PrivacyModes, ", ") + ")"}
		}
		for _, n := range append(slices.Clone(p.Blocked), p.Allowed...) {
			if err := screenname.Validate(n); err != nil {
				return false, err
			}
		}
		changed := false
		if !slices.Equal(before.Blocked, p.Blocked) {
			d.setNames(KeyBlocked, p.Blocked)
			changed = true
		}
		if !slices.Equal(before.Allowed, p.Allowed) {
			d.setNames(KeyAllowed, p.Allowed)
			changed = true
		}
		if p.Mode != before.Mode && p.Mode != "" && d.setString(KeyPrivacy, p.Mode) {
			d.text.setKey(KeyPrivacy, d.lookup(KeyPrivacy))
			changed = true
		}
		if changed {
			now = &p
		}
		return changed, nil
	})
	if err == nil && now != nil {
		c.Blocked, c.Allowed, c.Privacy = now.Blocked, now.Allowed, now.Mode
	}
	return err
}
