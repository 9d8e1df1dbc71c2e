package client

import (
	"fmt"
	"strings"

	"github.com/aim-oscar/aim/internal/htmltext"
)

// Names of the results that only a front end makes: the command table has
// no such line, but their results are Results all the same.
const (
	CommandStatus = "status" // the session's state: aim status
	CommandEvents = "events" // the end of a list of events: aim events
	CommandLogout = "logout" // the session signed off on request: aim logout
)

// Status returns the state of the account as a Result of the status
// command: its screen name (as the server formats it while online), when
// this session signed on (no signon_time while it is reconnecting, and
// reconnecting true), the away message, the buddies online and offline
// with the state of each online and the list's groups in order (buddies'
// result), and the rooms with their members (rooms' result). It is the
// first line of events follow: what a client attaching to the session
// draws before the events that change it.
func (c *Client) Status() *Result {
	r := c.complete(0, "", CommandStatus, c.status(), nil)
	r.Summary = statusSummary(r)
	return r
}

// status is the result of the status command.
func (c *Client) status() *Result {
	a := c.live.account()
	r, _ := listBuddies(&call{c: c})
	if rooms, _ := listRooms(&call{c: c}); rooms != nil {
		r.RoomList = rooms.RoomList
	}
	away := a.Away != ""
	// Online as soon as the session is the account's, before its "signed
	// on" is handed on: a follower that starts in between is told it is
	// online, then gets that line; one told it is reconnecting always
	// gets the line after.
	sess := c.live.online()
	reconnecting := sess == nil
	r.Name, r.Away, r.Reconnecting = a.ScreenName, &away, &reconnecting
	r.UserInfo = &UserInfo{AwayMessage: htmltext.Plain(a.Away), Profile: htmltext.Plain(a.Profile), ProfileHTML: a.Profile}
	if sess != nil {
		self := sess.Self()
		if self.ScreenName != "" {
			r.Name = self.ScreenName
		}
		r.SignonTime = self.SignonTime.UTC()
		if r.SignonTime.IsZero() { // a server that does not say: when signon completed here
			r.SignonTime = c.live.signedOn().UTC()
		}
	}
	r.Summary = statusSummary(r)
	return r
}

// statusSummary is the text of a status result, from its fields.
func statusSummary(r *Result) string {
	var b strings.Builder
	b.WriteString(r.Name)
	if r.UserInfo != nil && !r.SignonTime.IsZero() {
		fmt.Fprintf(&b, ": signed on since %s", r.SignonTime.Local().Format("2006-01-02 15:04:05"))
	} else {
		b.WriteString(": not connected (reconnecting)")
	}
	if deref(r.Away) {
		b.WriteString(", away")
		if r.UserInfo != nil && r.AwayMessage != "" {
			b.WriteString(": " + r.AwayMessage)
		}
	}
	switch {
	case r.BuddyList != nil && deref(r.Reconnecting) && len(r.BuddyList.Online) == 0:
		// Not signed on: nobody's presence is known, not "offline".
		b.WriteString("\n  buddies: " + listOrNone(r.Offline) + " (who is online shows once signed on again)")
	case r.BuddyList != nil:
		b.WriteString("\n  online: " + onlineText(r.BuddyList) + "\n  offline: " + listOrNone(r.Offline))
	}
	if r.RoomList != nil && len(r.RoomList.Rooms) > 0 { // a room a UI joined stays with the session
		b.WriteString("\n  rooms: " + strings.Join(r.RoomList.Rooms, ", "))
	}
	return b.String()
}

// Describe sets r.Summary, the line Text shows for people, from r's
// fields, for a result that came as JSON (from a running session's control
// socket), which carries no summary.
func Describe(r *Result) {
	switch r.Command {
	case CmdSend.Name, CmdSendHTML.Name, CmdAutoreply.Name:
		r.Summary = sentSummary(r.To, r.Delivery, r.Text, r.Command == CmdAutoreply.Name)
	case CmdAdd.Name:
		r.Summary = "added " + r.Name
	case CmdRemove.Name:
		r.Summary = "removed " + r.Name
	case CmdProfile.Name:
		r.Summary = "profile set"
	case CmdAway.Name:
		r.Summary = "away message set"
		if !deref(r.Away) {
			r.Summary = "back (away message cleared)"
		}
	case CmdInfo.Name:
		r.Summary = infoSummary(r)
	case CmdWarn.Name:
		r.Summary = fmt.Sprintf("warned %s: their level is now %d%%", r.Name, deref(r.WarningLevel))
	case CmdBuddies.Name:
		if r.BuddyList != nil {
			r.Summary = "online: " + onlineText(r.BuddyList) + "; offline: " + listOrNone(r.Offline)
		}
	case CmdJoin.Name:
		r.Summary = "joined " + r.Room
		if r.Unchanged {
			r.Summary = "already in " + r.Room
		}
	case CmdSay.Name:
		r.Summary = saidSummary(r.Room, r.Text)
	case CmdLeave.Name:
		r.Summary = "left " + r.Room
	case CmdInvite.Name:
		r.Summary = "invited " + r.To + " to " + r.Room
	case CmdAccept.Name:
		r.Summary = "joined " + r.Room
		if r.Unchanged {
			r.Summary = "already in " + r.Room
		}
	case CmdMembers.Name:
		r.Summary = fmt.Sprintf("in %s: %s", r.Room, strings.Join(r.Members, ", "))
	case CmdRooms.Name:
		if r.RoomList != nil {
			r.Summary = "rooms: " + listOrNone(r.RoomList.Rooms)
		}
	case CmdTyping.Name:
		r.Summary = typingSummary(r)
	case CmdNotify.Name:
		describeNotify(r)
	case CmdHelp.Name:
		r.Summary = r.Help
	case CommandStatus:
		r.Summary = statusSummary(r)
	case CommandLogout:
		r.Summary = "signed off"
	default:
		r.Summary = r.Command + ": ok"
	}
}
