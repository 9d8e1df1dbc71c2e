package client

import (
	"context"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
)

// poke wakes whoever waits on ch (capacity 1) without ever blocking.
func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// activity notes a sign that the person is at the keyboard: the active
// command a full-screen client sends on a key press, or a command run.
// It costs a channel send; the idle timer does the rest.
func (c *Client) activity() { poke(c.active) }

// idleLoop reports the account idle to the server (01,11 with the idle
// time) once Account.IdleAfter has passed with no activity, and back
// (01,11 with 0) at the next activity. A session signed on after a lost
// connection starts active on the server, so it is told again if the
// person is still away. It runs on the client's clock (time's timers) and
// ends with ctx; it alone sends 01,11, so the reports reach the server in
// the order they are decided.
func (c *Client) idleLoop(ctx context.Context) {
	last := time.Now()    // the last activity
	var told *bos.Session // the session told the account is idle
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		after := c.live.account().IdleAfter
		sess, changed := c.live.watch()
		if told != nil && (told != sess || after == 0) {
			if told == sess { // idle_minutes set to 0 while idle: back
				sess.SetIdle(ctx, 0)
			}
			told = nil
		}
		var due <-chan time.Time
		if after > 0 && told == nil && sess != nil {
			idle := time.Since(last)
			if idle >= after {
				sess.SetIdle(ctx, idle) // failing, the session is ending: the next one is told
				told = sess
				continue
			}
			timer.Reset(after - idle)
			due = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-c.active:
			last = time.Now()
			if told != nil {
				told.SetIdle(ctx, 0)
				told = nil
			}
		case <-c.wake:
		case <-changed:
		case <-due:
		}
		timer.Stop()
	}
}

// markActive is the active command: the person pressed a key in a
// full-screen client. begin has noted the activity already.
func markActive(x *call) (*Result, error) {
	return &Result{Summary: "noted: you are at the keyboard"}, nil
}
