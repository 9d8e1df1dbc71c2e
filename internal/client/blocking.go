package client

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The edits of the privacy settings that block and unblock make, whichever
// path runs them (a running session, or the config file alone through
// RunOffline): each decides what the edit does and says it in one Result.

// The names of the commands whose edits these are (the command table's
// entries refer to the functions here). block and disallow stop a user
// (libpurple's purple_privacy_deny), unblock and allow let one through
// (purple_privacy_allow): one set of rules for both pairs, which differ
// only in words and in what allow does with no mode set.
const (
	nameBlock    = "block"
	nameUnblock  = "unblock"
	nameAllow    = "allow"
	nameDisallow = "disallow"
)

// denies reports whether command stops a user (block, disallow) rather
// than lets one through (unblock, allow).
func denies(command string) bool { return command == nameBlock || command == nameDisallow }

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
	return editPrivacy(cfg, nameBlock, self, name)
}

// Disallow is Block in the words of the allowed list: under allow-permit
// name is taken off it ("not on the allowed list" when it was not there);
// in the other modes name is blocked as Block does, so that a
// disallowed user never gets through.
func Disallow(cfg *config.Config, self, name string) (*Result, error) {
	return editPrivacy(cfg, nameDisallow, self, name)
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
	return editPrivacy(cfg, nameUnblock, "", name)
}

// Allow is Unblock in the words of the allowed list, but with no mode
// set the mode becomes allow-permit, with name added to the file's
// allowed list (as Block makes it block-deny): what aim allow is for.
// Under allow-all, set in the file, everyone gets through already.
func Allow(cfg *config.Config, name string) (*Result, error) {
	return editPrivacy(cfg, nameAllow, "", name)
}

// editPrivacy is Block, Disallow, Unblock or Allow (command): the one
// place the privacy mode changes for a user.
func editPrivacy(cfg *config.Config, command, self, name string) (*Result, error) {
	r := &Result{Command: command, Name: name}
	deny := denies(command)
	if deny && self != "" && screenname.SameAs(self)(name) {
		return r, &UsageError{Err: fmt.Errorf("%w (%s is your screen name)", ErrBlockSelf, name)}
	}
	is := screenname.SameAs(name)
	err := cfg.EditPrivacy(func(p *config.PrivacySettings) (bool, error) {
		*r = Result{Command: command, Name: name, Privacy: cmp.Or(p.Mode, config.PrivacyAllowAll)}
		var changed bool
		if deny {
			changed = deny1(p, r, is, name)
		} else {
			changed = allow1(p, r, is, name, command == nameAllow)
		}
		if p.Mode != "" && p.Mode != r.Privacy {
			r.PrivacyWas, r.Privacy = r.Privacy, p.Mode
		}
		return changed, nil
	})
	describePrivacyEdit(r)
	return r, err
}

// deny1 changes p to stop name (purple_privacy_deny); false when there
// is nothing to do (r.Unchanged).
func deny1(p *config.PrivacySettings, r *Result, is func(string) bool, name string) bool {
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
			return false
		}
		p.Blocked = append(p.Blocked, name)
	case config.PrivacyAllowPermit:
		if !slices.ContainsFunc(p.Allowed, is) {
			r.Unchanged = true
			return false
		}
		p.Allowed = slices.DeleteFunc(p.Allowed, is)
	case config.PrivacyAllowBuddies:
		if !slices.ContainsFunc(p.Buddies, is) {
			r.Unchanged = true
			return false
		}
		for _, b := range p.Buddies {
			if !is(b) && !slices.ContainsFunc(p.Allowed, screenname.SameAs(b)) {
				p.Allowed = append(p.Allowed, b)
			}
		}
		p.Allowed = slices.DeleteFunc(p.Allowed, is)
		p.Mode = config.PrivacyAllowPermit
	default: // block-all: no one gets through already
		r.Unchanged = true
		return false
	}
	return true
}

// allow1 changes p to let name through (purple_privacy_allow); false when
// there is nothing to do (r.Unchanged). permitUnset: with no mode set,
// make it allow-permit (aim allow).
func allow1(p *config.PrivacySettings, r *Result, is func(string) bool, name string, permitUnset bool) bool {
	listed := slices.ContainsFunc(p.Blocked, is)
	p.Blocked = slices.DeleteFunc(p.Blocked, is)
	mode := p.Mode
	if mode == "" && permitUnset {
		mode = config.PrivacyAllowPermit
	}
	switch mode {
	case config.PrivacyBlockDeny:
		r.Unchanged = !listed
	case config.PrivacyAllowPermit:
		if !slices.ContainsFunc(p.Allowed, is) {
			p.Allowed = append(p.Allowed, name)
		} else if p.Mode != "" {
			r.Unchanged = true
		}
		p.Mode = config.PrivacyAllowPermit
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
			if !slices.ContainsFunc(p.Allowed, screenname.SameAs(b)) {
				p.Allowed = append(p.Allowed, b)
			}
		}
		p.Mode = config.PrivacyAllowPermit
	default: // allow-all, or none set: everyone gets through
		r.Unchanged = true
	}
	return listed || !r.Unchanged
}

// privacyWords are a command's words for what it did and for nothing to
// do.
var privacyWords = map[string]struct{ did, already string }{
	nameBlock:    {"is blocked", "is blocked already"},
	nameDisallow: {"is no longer allowed", "is not allowed already"},
	nameUnblock:  {"is no longer blocked", "is not blocked"},
	nameAllow:    {"is allowed", "is already allowed"},
}

// describePrivacyEdit is the text of a block's, unblock's, allow's or
// disallow's result, from its fields: Describe gives a result from a
// session the same words.
func describePrivacyEdit(r *Result) {
	mode := "privacy " + r.Privacy
	if r.PrivacyWas != "" {
		mode = "privacy now " + r.Privacy + ", was " + r.PrivacyWas
	}
	w, deny := privacyWords[r.Command], denies(r.Command)
	s := r.Name + " " + w.did
	switch {
	case r.Command == nameDisallow && r.Unchanged && r.Privacy == config.PrivacyAllowPermit:
		s = r.Name + " is not on the allowed list (" + mode + ")"
	case r.Unchanged:
		s = r.Name + " " + w.already + " (" + mode + ")"
	case deny && r.PrivacyWas == config.PrivacyAllowBuddies:
		s += " (" + mode + ": your other buddies are on the allowed list)"
	case deny && r.Privacy == config.PrivacyAllowPermit:
		s += ": taken off the allowed list (" + mode + ")"
	case deny && r.Command == nameDisallow:
		s += ": put on the blocked list (" + mode + ")"
	case deny:
		s += " (" + mode + ")"
	case r.PrivacyWas == config.PrivacyBlockAll:
		s += " (" + mode + ": " + r.Name + " alone is on the allowed list)"
	case r.PrivacyWas == config.PrivacyAllowBuddies:
		s += " (" + mode + ": your buddies and " + r.Name + " are on the allowed list)"
	case r.PrivacyWas == config.PrivacyAllowAll:
		s += ": put on the allowed list (" + mode + ": only the users on it get through)"
	case r.Privacy == config.PrivacyAllowPermit:
		s += ": put on the allowed list (" + mode + ")"
	case r.Command == nameAllow:
		s += ": taken off the blocked list (" + mode + ")"
	default:
		s += " (" + mode + ")"
	}
	switch {
	case len(r.Dropped) > 0 && deny:
		s += "; taken off the blocked list, where they blocked no one under allow-all: " + strings.Join(r.Dropped, ", ")
	case len(r.Dropped) > 0:
		s += "; taken off the allowed list, where they let no one through under block-all: " + strings.Join(r.Dropped, ", ")
	}
	r.Summary = s
}
