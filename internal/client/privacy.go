package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The privacy commands and move. Each edits the config file (the user's
// copy) and then syncs with the list the server keeps, so the server takes
// the change at once; on a server without one the change waits in the file.

var (
	CmdMove = &Command{Name: "move", Args: "NAME GROUP", Help: "move a buddy to another group (created if needed)",
		Complete: CompleteBuddy, Online: true, Offline: true, run: moveBuddy}
	CmdBlock = &Command{Name: nameBlock, Args: "NAME", Help: "block a user: they cannot see you or message you\n(the privacy mode changes as needed, and says so)",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameBlock) }, false, true)}
	CmdUnblock = &Command{Name: nameUnblock, Args: "NAME", Help: "let a blocked user see you and message you again",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameUnblock) }, false, true)}
	CmdBlocked = &Command{Name: "blocked", Passive: true, Help: "list the blocked and allowed users and the privacy mode", Offline: true, run: listBlocked}
	CmdAllow   = &Command{Name: nameAllow, Args: "NAME", Help: "let a user through: on the allowed list under allow-permit\n(sets allow-permit if no mode is set, and says the mode)",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameAllow) }, false, true)}
	CmdDisallow = &Command{Name: nameDisallow, Args: "NAME", Help: "stop a user: off the allowed list, or as block does",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameDisallow) }, false, true)}
	CmdPrivacy = &Command{Name: "privacy", Args: "MODE", Help: "who may see you and message you: " + strings.Join(config.PrivacyModes, ", "),
		Online: true, Offline: true, run: setPrivacy}
)

// ErrBlockSelf refuses blocking your own screen name.
var ErrBlockSelf = errors.New("you cannot block yourself")

// errNoConfig answers a privacy command when the session has no config file.
var errNoConfig = errors.New("no config file to keep it in")

// privacyEdit runs Block, Unblock, Allow or Disallow (command) on the
// config file, then syncs the change with the server (not offline).
func privacyEdit(x *call, command string) (*Result, error) {
	name, extra, err := x.nameAndRest()
	if err == nil && extra != "" {
		err = usagef("unexpected %q after the name (%s)", Clip(extra), x.usage())
	}
	if err != nil {
		return nil, err
	}
	if err := screenname.Validate(name); err != nil {
		return &Result{Name: name}, err
	}
	cfg := x.c.opts.Config
	if cfg == nil {
		return &Result{Name: name}, errNoConfig
	}
	r, err := editPrivacy(cfg, command, x.c.opts.ScreenName, name)
	if err != nil {
		return r, err
	}
	return r, x.c.privacyChanged(x)
}

func setPrivacy(x *call) (*Result, error) {
	mode := strings.ToLower(strings.TrimSpace(x.rest()))
	r := &Result{Privacy: mode}
	cfg := x.c.opts.Config
	if cfg == nil {
		return r, errNoConfig
	}
	if err := cfg.SetPrivacy(mode); err != nil {
		return r, err
	}
	r.Summary = "privacy: " + mode
	return r, x.c.privacyChanged(x)
}

// privacyChanged syncs a privacy change; a session without the list the
// server keeps cannot carry it (this client sends no 09,xx lists).
func (c *Client) privacyChanged(x *call) error {
	if x.offline || x.batch { // the next signon syncs; the last of a batch syncs (eachOr)
		return nil
	}
	if x.sess.Feedbag() == nil {
		return errors.New("saved to the config file; this server keeps no list, so it cannot take it")
	}
	return c.syncAfterEdit(x.ctx, x.sess)
}

func listBlocked(x *call) (*Result, error) {
	r := &Result{Blocked: []string{}, Allowed: []string{}}
	if sess := x.c.current(); sess != nil {
		if fb := sess.Feedbag(); fb != nil {
			l, _ := fb.List()
			r.Blocked, r.Allowed = append(r.Blocked, l.Deny...), append(r.Allowed, l.Permit...)
			r.Privacy = privacyName(l.Privacy.String())
		}
	} else if cfg := x.c.opts.Config; cfg != nil {
		r.Blocked, r.Allowed, r.Privacy = append(r.Blocked, cfg.Blocked...), append(r.Allowed, cfg.Allowed...), cfg.Privacy
	}
	if r.Privacy == "" {
		r.Privacy = config.PrivacyAllowAll
	}
	r.Summary = fmt.Sprintf("privacy %s; blocked: %s; allowed: %s", r.Privacy, listOrNone(r.Blocked), listOrNone(r.Allowed))
	return r, nil
}

func moveBuddy(x *call) (*Result, error) {
	name, group, err := x.nameAndRest()
	if err == nil && strings.TrimSpace(group) == "" {
		err = usagef("no group (%s)", x.usage())
	}
	if err != nil {
		return nil, err
	}
	group = strings.Trim(strings.TrimSpace(group), `"'`)
	r := &Result{Name: name, Group: group, Summary: "moved " + name + " to " + group}
	cfg := x.c.opts.Config
	if cfg == nil {
		return r, errNoConfig
	}
	removed, _, err := cfg.RemoveBuddies([]string{name})
	if err != nil {
		return r, err
	}
	if len(removed) == 0 {
		return r, fmt.Errorf("%s is not a buddy", name)
	}
	if _, _, err := cfg.AddBuddies(removed, group); err != nil {
		return r, err
	}
	if x.offline {
		return r, nil
	}
	return r, x.c.listChanged(x, func() error { return nil }) // 03,04 has no groups
}

// current is the session online now, or nil (always, offline).
func (c *Client) current() *bos.Session {
	if c.live == nil {
		return nil
	}
	return c.live.current()
}
