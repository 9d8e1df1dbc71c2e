package client

import (
	"errors"
	"fmt"
	"slices"
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
		Long: `Move a buddy to another group (created if needed), on the server's list
too: at once in a running session, else at the next signon.`,
		Example:  "  aim buddies move LabBob Work\n  aim buddies move \"Lab Carol\" \"Old friends\"",
		Complete: CompleteBuddy, Online: true, Offline: true, run: moveBuddy}
	CmdBlock = &Command{Name: nameBlock, Args: "NAME", Help: "block a user: they cannot see you or message you\n(the privacy mode changes as needed, and says so)",
		Long: `Block screen names: a blocked user sees you offline, and its messages to
you fail. The privacy mode (the config file's privacy key) decides how,
as in other AIM clients:

  block-deny     they go on the blocked list
  allow-all      (or none set) the mode becomes block-deny; under allow-all
                 the blocked list holds only them afterwards
  allow-permit   they are taken off the allowed list
  allow-buddies  for a buddy, the mode becomes allow-permit with your other
                 buddies on the allowed list
  block-all      no one gets through already

Each result says which mode is in force, or that they were blocked
already. Blocking your own screen name is refused.

On a server that keeps buddy lists the settings are stored there, so they
follow your account to any client: a running session takes them at once,
otherwise the next signon.`,
		Example:  "  aim block LabMallory\n  aim block \"Lab Eve\" spammer42",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameBlock) }, false, true)}
	CmdUnblock = &Command{Name: nameUnblock, Args: "NAME", Help: "let a blocked user see you and message you again",
		Long: `Let screen names through again, as the privacy mode has it: off the
blocked list (block-deny), onto the allowed list (allow-permit); under
block-all the mode becomes allow-permit with only them allowed, and under
allow-buddies a user who is not a buddy makes it allow-permit with your
buddies and them allowed. Each result says which mode is in force, or
that they were not blocked.`,
		Example:  "  aim unblock LabMallory",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameUnblock) }, false, true)}
	CmdBlocked = &Command{Name: "blocked", Passive: true, Help: "list the blocked and allowed users and the privacy mode",
		Long: `Print the privacy mode and the blocked and allowed lists: the server's, as
a running session has them, else the config file's.`,
		Example: "  aim blocked\n  aim blocked --json | jq -r '.blocked[]'",
		Offline: true, run: listBlocked}
	CmdAllow = &Command{Name: nameAllow, Args: "NAME", Help: "let a user through: on the allowed list under allow-permit\n(sets allow-permit if no mode is set, and says the mode)",
		Long: `Let screen names through, as unblock does, in the words of the allowed
list (the config file's allowed key): the privacy mode decides how.

  allow-permit   they go on the allowed list
  (none set)     the mode becomes allow-permit, with them added to the
                 allowed list: only the users on it get through
  block-all      the mode becomes allow-permit with only them allowed
  allow-buddies  for a user who is not a buddy, the mode becomes
                 allow-permit with your buddies and them allowed
  block-deny     they are taken off the blocked list
  allow-all      everyone gets through already

Each result says which mode is in force, or that they were allowed
already.`,
		Example:  "  aim allow LabBob \"Lab Carol\"",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameAllow) }, false, true)}
	CmdDisallow = &Command{Name: nameDisallow, Args: "NAME", Help: "stop a user: off the allowed list, or as block does",
		Long: `Stop screen names, as block does, in the words of the allowed list:
under allow-permit they are taken off the allowed list ("not on the
allowed list" when they were not on it); under allow-buddies a buddy
makes the mode allow-permit with your other buddies allowed; under
block-deny, allow-all or no mode set they go on the blocked list (the
mode becomes block-deny); block-all stops everyone already. Each result
says which mode is in force. Your own screen name is refused.`,
		Example:  "  aim disallow LabBob",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each},
		run: eachOr(func(x *call) (*Result, error) { return privacyEdit(x, nameDisallow) }, false, true)}
	CmdPrivacy = &Command{Name: "privacy", Args: "MODE", Help: "set who may see you and message you: " + strings.Join(config.PrivacyModes, ", "),
		Long: `Set the privacy mode (the config file's privacy key), stored on the server
with the blocked and allowed lists:

  allow-all      everyone
  block-all      no one
  allow-buddies  only the users on your buddy list
  allow-permit   only the users on the allowed list (block and allow)
  block-deny     everyone but the users on the blocked list (block)`,
		Example: "  aim privacy block-deny\n  aim privacy allow-buddies",
		Values:  config.PrivacyModes,
		Online:  true, Offline: true, run: setPrivacy, check: checkPrivacy}
)

// checkPrivacy checks that privacy names a mode.
func checkPrivacy(x *call) error {
	mode := strings.ToLower(strings.TrimSpace(x.rest()))
	if !slices.Contains(config.PrivacyModes, mode) {
		return Usagef("unknown privacy mode %q (want one of %s)", Clip(x.rest()), strings.Join(config.PrivacyModes, ", "))
	}
	return nil
}

// ErrBlockSelf refuses blocking your own screen name.
var ErrBlockSelf = errors.New("you cannot block yourself")

// errNoConfig answers a privacy command when the session has no config file.
var errNoConfig = errors.New("no config file to keep it in")

// privacyEdit runs Block, Unblock, Allow or Disallow (command) on the
// config file, then syncs the change with the server (not offline).
func privacyEdit(x *call, command string) (*Result, error) {
	name, extra, err := x.nameAndRest()
	if err == nil && extra != "" {
		err = Usagef("unexpected %q after the name (%s)", Clip(extra), x.usage())
	}
	if err != nil {
		return nil, err
	}
	if err := screenname.Validate(name); err != nil {
		return &Result{Name: name}, err
	}
	var r *Result
	err = x.editConfig(func(cfg *config.Config) (err error) {
		if cfg == nil {
			r = &Result{Name: name}
			return errNoConfig
		}
		r, err = editPrivacy(cfg, command, x.c.opts.ScreenName, name)
		return err
	})
	if err != nil {
		return r, err
	}
	return r, x.c.privacyChanged(x)
}

func setPrivacy(x *call) (*Result, error) {
	mode := strings.ToLower(strings.TrimSpace(x.rest()))
	r := &Result{Privacy: mode}
	err := x.c.withConfig(func(cfg *config.Config) error {
		if cfg == nil {
			return errNoConfig
		}
		return cfg.SetPrivacy(mode)
	})
	if err != nil {
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
	} else {
		x.c.withConfig(func(cfg *config.Config) error {
			if cfg != nil {
				r.Blocked, r.Allowed, r.Privacy = append(r.Blocked, cfg.Blocked...), append(r.Allowed, cfg.Allowed...), cfg.Privacy
			}
			return nil
		})
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
		err = Usagef("no group (%s)", x.usage())
	}
	if err != nil {
		return nil, err
	}
	group = strings.Trim(strings.TrimSpace(group), `"'`)
	r := &Result{Name: name, Group: group, Summary: "moved " + name + " to " + group}
	// One edit: the file's follower never reads it without the buddy,
	// which a sync would take off the server's list.
	var moved []string
	err = x.c.withConfig(func(cfg *config.Config) (err error) {
		if cfg == nil {
			return errNoConfig
		}
		moved, _, err = cfg.MoveBuddies([]string{name}, group)
		return err
	})
	if err != nil {
		return r, err
	}
	if len(moved) == 0 {
		return r, fmt.Errorf("%s is not a buddy", name)
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
