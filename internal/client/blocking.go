package client

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aim-oscar/aim/internal/config"
)

// The edits of the privacy settings that block and unblock make, whichever
// path runs them (a running session, or the config file alone through
// RunOffline): each decides what the edit does and says it in one Result.

// The names of the commands whose edits these are (the command table's
// entries refer to the functions here).
const (
	nameBlock   = "block"
	nameUnblock = "unblock"
)

// Block makes cfg's privacy settings block name, as libpurple's privacy
// layer does (purple_privacy_deny), and says which mode is in force now:
//
//   - block-deny: name goes on the blocked list;
//   - allow-all: the mode becomes block-deny and the blocked list holds
//     name alone (names left on it from before, which blocked no one under
//     allow-all, are Dropped); with no mode set, the mode becomes
//     block-deny and the list is kept (it is what the file asks for);
//   - allow-permit: name is taken off the allowed list;
//   - allow-buddies: a buddy makes the mode allow-permit, with the other
//     buddies on the allowed list (added to it);
//   - block-all, and a user the mode blocks already: Unchanged.
//
// Blocking self (your own screen name) is ErrBlockSelf.
func Block(cfg *config.Config, self, name string) (*Result, error) {
	r := &Result{Command: nameBlock, Name: name}
	if self != "" && sameName(self)(name) {
		return r, &UsageError{Err: fmt.Errorf("%w (%s is your screen name)", ErrBlockSelf, name)}
	}
	is := sameName(name)
	err := cfg.EditPrivacy(func(p *config.PrivacySettings) (bool, error) {
		*r = Result{Command: nameBlock, Name: name, Privacy: cmp.Or(p.Mode, config.PrivacyAllowAll)}
		switch p.Mode {
		case "", config.PrivacyAllowAll:
			if p.Mode == config.PrivacyAllowAll {
				r.Dropped = slices.DeleteFunc(slices.Clone(p.Blocked), is)
				p.Blocked = slices.DeleteFunc(p.Blocked, func(n string) bool { return !is(n) })
			}
			if !slices.ContainsFunc(p.Blocked, is) {
				p.Blocked = append(p.Blocked, name)
			}
			p.Mode = config.PrivacyBlockDeny
		case config.PrivacyBlockDeny:
			if slices.ContainsFunc(p.Blocked, is) {
				r.Unchanged = true
				return false, nil
			}
			p.Blocked = append(p.Blocked, name)
		case config.PrivacyAllowPermit:
			if !slices.ContainsFunc(p.Allowed, is) {
				r.Unchanged = true
				return false, nil
			}
			p.Allowed = slices.DeleteFunc(p.Allowed, is)
		case config.PrivacyAllowBuddies:
			if !slices.ContainsFunc(p.Buddies, is) {
				r.Unchanged = true
				return false, nil
			}
			for _, b := range p.Buddies {
				if !is(b) && !slices.ContainsFunc(p.Allowed, sameName(b)) {
					p.Allowed = append(p.Allowed, b)
				}
			}
			p.Allowed = slices.DeleteFunc(p.Allowed, is)
			p.Mode = config.PrivacyAllowPermit
		default: // block-all: no one gets through already
			r.Unchanged = true
			return false, nil
		}
		if p.Mode != r.Privacy {
			r.PrivacyWas, r.Privacy = r.Privacy, p.Mode
		}
		return true, nil
	})
	describePrivacyEdit(r)
	return r, err
}

// Unblock makes cfg's privacy settings let name through, as libpurple's
// privacy layer does (purple_privacy_allow), and says which mode is in
// force now:
//
//   - block-deny: name is taken off the blocked list;
//   - allow-permit: name goes on the allowed list;
//   - block-all: the mode becomes allow-permit, with name alone on the
//     allowed list (names left on it from before, which let no one
//     through under block-all, are Dropped);
//   - allow-buddies: a user who is not a buddy makes the mode
//     allow-permit, with the buddies and name on the allowed list;
//   - allow-all (or no mode), and a user the mode lets through already:
//     Unchanged.
//
// In every mode name also leaves the blocked list, where it would block
// once the mode is block-deny.
func Unblock(cfg *config.Config, name string) (*Result, error) {
	r := &Result{Command: nameUnblock, Name: name}
	is := sameName(name)
	err := cfg.EditPrivacy(func(p *config.PrivacySettings) (bool, error) {
		*r = Result{Command: nameUnblock, Name: name, Privacy: cmp.Or(p.Mode, config.PrivacyAllowAll)}
		listed := slices.ContainsFunc(p.Blocked, is)
		p.Blocked = slices.DeleteFunc(p.Blocked, is)
		switch p.Mode {
		case config.PrivacyBlockDeny:
			r.Unchanged = !listed
		case config.PrivacyAllowPermit:
			if slices.ContainsFunc(p.Allowed, is) {
				r.Unchanged = true
			} else {
				p.Allowed = append(p.Allowed, name)
			}
		case config.PrivacyBlockAll:
			r.Dropped = slices.DeleteFunc(slices.Clone(p.Allowed), is)
			p.Allowed = []string{name}
			p.Mode = config.PrivacyAllowPermit
		case config.PrivacyAllowBuddies:
			if slices.ContainsFunc(p.Buddies, is) {
				r.Unchanged = true
				break
			}
			for _, b := range append(slices.Clone(p.Buddies), name) {
				if !slices.ContainsFunc(p.Allowed, sameName(b)) {
					p.Allowed = append(p.Allowed, b)
				}
			}
			p.Mode = config.PrivacyAllowPermit
		default: // allow-all, or none set: everyone gets through
			r.Unchanged = true
		}
		if p.Mode != "" && p.Mode != r.Privacy {
			r.PrivacyWas, r.Privacy = r.Privacy, p.Mode
		}
		return listed || !r.Unchanged, nil
	})
	describePrivacyEdit(r)
	return r, err
}

// describePrivacyEdit is the text of a block's or unblock's result, from
// its fields: Describe gives a result from a session the same words.
func describePrivacyEdit(r *Result) {
	mode := "privacy " + r.Privacy
	if r.PrivacyWas != "" {
		mode = "privacy now " + r.Privacy + ", was " + r.PrivacyWas
	}
	var s string
	switch {
	case r.Command == nameBlock && r.Unchanged:
		s = r.Name + " is blocked already (" + mode + ")"
	case r.Command == nameBlock && r.PrivacyWas == config.PrivacyAllowBuddies:
		s = r.Name + " is blocked (" + mode + ": your other buddies are on the allowed list)"
	case r.Command == nameBlock && r.Privacy == config.PrivacyAllowPermit:
		s = r.Name + " is blocked: taken off the allowed list (" + mode + ")"
	case r.Command == nameBlock:
		s = r.Name + " is blocked (" + mode + ")"
		if len(r.Dropped) > 0 {
			s += "; taken off the blocked list, where they blocked no one under allow-all: " + strings.Join(r.Dropped, ", ")
		}
	case r.Unchanged:
		s = r.Name + " is not blocked (" + mode + ")"
	case r.PrivacyWas == config.PrivacyBlockAll:
		s = r.Name + " is no longer blocked (" + mode + ": " + r.Name + " alone is on the allowed list)"
		if len(r.Dropped) > 0 {
			s += "; taken off the allowed list, where they let no one through under block-all: " + strings.Join(r.Dropped, ", ")
		}
	case r.PrivacyWas == config.PrivacyAllowBuddies:
		s = r.Name + " is no longer blocked (" + mode + ": your buddies and " + r.Name + " are on the allowed list)"
	case r.Privacy == config.PrivacyAllowPermit:
		s = r.Name + " is no longer blocked: put on the allowed list (" + mode + ")"
	default:
		s = r.Name + " is no longer blocked (" + mode + ")"
	}
	r.Summary = s
}
