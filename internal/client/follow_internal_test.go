package client

import (
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/config"
)

// TestFollowerReadsBehindCommands: commands away two, away three write the
// file in turn, and the follower, running beside them, reads the file
// when it says two while the session already says three. That read is the
// session's own past: applying it sent "two" after "three" (02,04 out of
// input order, and the wrong away message left on the server). A later
// edit by someone else is still applied.
func TestFollowerReadsBehindCommands(t *testing.T) {
	t.Parallel()
	var applied []*ConfigApplied
	c := &Client{sync: newSyncer(t.TempDir()), live: newLive(Account{}, nil),
		opts: Options{Now: time.Now, Emit: func(o Output) {
			if ev, ok := o.(*ConfigApplied); ok {
				applied = append(applied, ev)
			}
		}}}
	command := func(text string) { // what setText does, the file write aside
		c.live.edit(func(a *Account) { a.Away = text })
		c.live.saving("away", text)
	}
	file := func(away string) *config.Config { return &config.Config{Away: away} }
	command("one")
	c.apply(t.Context(), file(""), file("one"))
	command("two")
	command("three")
	c.apply(t.Context(), file("one"), file("two")) // read behind: three is written already
	c.apply(t.Context(), file("two"), file("three"))
	for _, ev := range applied {
		if ev.Away {
			t.Errorf("the follower applied the commands' own away messages: %+v (the session has %q)", ev, c.live.account().Away)
		}
	}
	if got := c.live.account().Away; got != "three" {
		t.Errorf("the session's away message is %q, want three", got)
	}
	applied = nil
	c.apply(t.Context(), file("three"), file("gone fishing")) // someone else's edit
	if len(applied) != 1 || !applied[0].Away || c.live.account().Away != "gone fishing" {
		t.Errorf("an edit of the file by someone else: %+v, session away %q", applied, c.live.account().Away)
	}
}
