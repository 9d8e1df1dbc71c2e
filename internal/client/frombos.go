package client

import (
	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/htmltext"
)

// fromBOS turns a session event into its Output; nil for an event that
// has none. A Disconnected gets its reason from the caller.
func fromBOS(ev bos.Event) Output {
	var o Output
	switch e := ev.(type) {
	case *bos.SignedOn:
		o = &SignedOn{ScreenName: e.ScreenName, WarningLevel: percent(e.WarningLevel), Reconnected: e.Reconnected}
	case *bos.IMReceived:
		o = &IM{From: e.From, Text: htmltext.Plain(e.Text), HTML: e.Text, AutoResponse: e.AutoResponse,
			AutoReplied: e.AutoReplied, WarningLevel: percent(e.WarningLevel), Offline: e.Offline}
	case *bos.BuddyOnline:
		o = &BuddyOnline{Name: e.Name, Changed: e.Changed, Away: e.Away, IdleMinutes: int(e.IdleMinutes),
			WarningLevel: percent(e.WarningLevel), SignonTime: e.SignonTime.UTC()}
	case *bos.BuddyOffline:
		o = &BuddyOffline{Name: e.Name}
	case *bos.Warned:
		o = &Warned{WarningLevel: percent(e.Level), By: e.By}
	case *bos.Typing:
		o = &Typing{From: e.From, State: e.State.String()}
	case *bos.RateChange:
		o = &Rate{Code: e.Code.String(), Class: e.Class.ID, Level: e.Class.Current, Limit: e.Class.Limit,
			Alert: e.Class.Alert, Clear: e.Class.Clear, WaitMS: e.Wait.Milliseconds()}
	case *bos.ServerError:
		o = &ServerError{SNAC: e.Type.String(), Code: e.Code, Message: e.Message()}
	case *bos.ServerMessage:
		text := e.Text
		if e.HTML { // a notice sent as an IM
			text = htmltext.Plain(text)
		}
		o = &ServerMessage{SNAC: e.Type.String(), Text: text}
	case *bos.ChatInvited:
		o = &ChatInvite{From: e.From, Room: roomNameOf(e.Room), Text: htmltext.Plain(e.Text)}
	case *bos.FeedbagChanged:
		changes := withoutTyping(e.Changes)
		if len(changes) == 0 {
			return nil // aim's own typing preference, set by another session
		}
		o = &BuddyListChanged{Changes: changes}
	case *bos.Disconnected:
		d := &Disconnected{Reason: ReasonLogout}
		if e.Err != nil {
			d.Error = e.Err.Error()
		}
		o = d
	default:
		return nil
	}
	return Stamp(o, ev.When())
}

// percent turns a warning level in tenths of a percent into percent.
func percent(level uint16) int { return int(level) / 10 }
