package client

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/screenname"
)

// typingStates are the words of the typing command's STATE, those the
// typing output uses for the ones received (bos.TypingState's).
var typingStates = []bos.TypingState{bos.TypingStarted, bos.TypingPaused, bos.TypingStopped}

// sendTyping tells a user that you are typing to them, have typed and
// paused, or stopped (the line was cleared or sent): what a full-screen
// client sends as its input line changes. With the typing_notifications
// setting off, or to a user the privacy settings block, it sends nothing
// and succeeds (Unchanged): the client need not know either. It never
// waits through a reconnect: a notification that late is wrong.
func sendTyping(x *call) (*Result, error) {
	name, word, err := x.nameAndRest()
	if err != nil {
		return nil, err
	}
	word = strings.ToLower(strings.TrimSpace(word))
	i := slices.IndexFunc(typingStates, func(s bos.TypingState) bool { return s.String() == word })
	if i < 0 {
		return nil, Usagef("the state is typing, typed or stopped, not %q (%s)", Clip(word), x.usage())
	}
	state := typingStates[i]
	r := &Result{To: name, State: state.String()}
	r.Summary = typingSummary(r)
	if err := screenname.Validate(name); err != nil {
		return r, err
	}
	sess := x.c.current()
	if sess == nil {
		return r, ErrReconnecting
	}
	if x.c.live.account().NoTyping || x.c.blocks(sess, name) {
		r.Unchanged = true
		r.Summary = typingSummary(r)
		return r, nil
	}
	return r, sess.SendTyping(x.ctx, name, state)
}

// typingSummary is the text of typing's result, from its fields.
func typingSummary(r *Result) string {
	if r.Unchanged {
		return r.To + " is not told (typing notifications are off, or they are blocked)"
	}
	switch r.State {
	case bos.TypingStarted.String():
		return fmt.Sprintf("told %s you are typing", r.To)
	case bos.TypingPaused.String():
		return fmt.Sprintf("told %s you have typed", r.To)
	}
	return fmt.Sprintf("told %s you stopped typing", r.To)
}

// blocks reports whether the account's privacy settings keep name out:
// the list the server keeps when the session has one (what the server
// decides by, kept in step with it, so a block made in another session
// counts), else the config file's.
func (c *Client) blocks(sess *bos.Session, name string) bool {
	_, out := c.keptOutBy(sess, name)
	return out
}

// keptOutBy is blocks, with the privacy mode that keeps name out (the
// config file's name of it). You are never kept out: an IM to yourself is
// the server's to refuse.
func (c *Client) keptOutBy(sess *bos.Session, name string) (mode string, out bool) {
	if screenname.Same(name, c.self()) {
		return "", false
	}
	if fb := sess.Feedbag(); fb != nil {
		l, _ := fb.List()
		return privacyName(l.Privacy.String()), l.KeepsOut(name)
	}
	c.withConfig(func(cfg *config.Config) error {
		if cfg != nil {
			mode, out = cfg.Privacy, keptOut(config.PrivacySettings{Mode: cfg.Privacy, Blocked: cfg.Blocked, Allowed: cfg.Allowed,
				Buddies: c.live.account().Buddies}, name)
		}
		return nil
	})
	return mode, out
}

// keptOut reports whether the config file's privacy settings p (a mode
// of "" is allow-all) keep name out, by the rule the server's list is
// read by (buddylist.List.KeepsOut).
func keptOut(p config.PrivacySettings, name string) bool {
	l := buddylist.List{Privacy: privacyCodes[p.Mode], Deny: p.Blocked, Permit: p.Allowed,
		Groups: []buddylist.Group{{Buddies: p.Buddies}}}
	return l.KeepsOut(name)
}
