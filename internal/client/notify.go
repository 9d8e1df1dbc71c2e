package client

import (
	"strings"

	"github.com/aim-oscar/aim/internal/config"
)

// CmdNotify turns the notifications of a buddy's or a room's messages on
// or off: the config file's quiet list, which every aim tui attached to
// the session follows.
var CmdNotify = &Command{Name: "notify", Args: "NAME on|off",
	Help: "ring (or not) for a buddy's or a room's messages in aim tui\n(off: the window is marked, but no bell or desktop notification)",
	Long: `Turn notifications on or off for a buddy or a room. While they are off,
a message from them (in a room: one that names you) in a window not in
view marks the window in aim tui, but rings no bell and sends no desktop
notification. They are on for everyone until turned off. The setting is
the config file's quiet list: every aim tui attached to the session
follows it at once, and it stays for the next run. In aim tui, /notify off
and /notify on set it for the window you are in.`,
	Example:  "  aim notify LabBob off\n  aim notify \"lab chat\" off\n  aim notify labbob on",
	Complete: CompleteBuddy, Offline: true, Saves: true, run: setNotify, check: checkNotify}

// notifyArgs is notify's name and whether notifications go on.
func notifyArgs(x *call) (name string, on bool, err error) {
	name, state, err := x.nameAndRest()
	if err != nil {
		return "", false, err
	}
	switch strings.ToLower(strings.TrimSpace(state)) {
	case "on":
		return name, true, nil
	case "off":
		return name, false, nil
	case "":
		return "", false, Usagef("on or off after the name (%s)", x.usage())
	}
	return "", false, Usagef("%q is not on or off (%s)", Clip(state), x.usage())
}

func checkNotify(x *call) error {
	_, _, err := notifyArgs(x)
	return err
}

// setNotify edits the quiet list; the session's follower of the config
// file tells every front end (config_applied).
func setNotify(x *call) (*Result, error) {
	name, on, err := notifyArgs(x)
	if err != nil {
		return nil, err
	}
	r := &Result{Name: name, Notify: "off"}
	if on {
		r.Notify = "on"
	}
	var changed bool
	err = x.c.withConfig(func(cfg *config.Config) (err error) {
		if cfg == nil {
			return errNoConfig
		}
		if changed, err = cfg.SetQuiet(name, !on); err == nil && !x.offline {
			x.c.live.setQuiet(cfg.Quiet)
		}
		return err
	})
	if err != nil {
		return r, err
	}
	r.Unchanged = !changed
	describeNotify(r)
	return r, nil
}

// describeNotify is the text of notify's result, from its fields.
func describeNotify(r *Result) {
	s := "notifications for " + r.Name + ": " + r.Notify
	switch {
	case r.Unchanged:
		s += " already"
	case r.Notify == "off":
		s += " (aim tui marks the window, with no bell or desktop notification)"
	}
	r.Summary = s
}
