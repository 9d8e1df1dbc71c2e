package bos

import (
	"context"
	"errors"
	"fmt"

	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The buddy list the server keeps (family 0x13, the feedbag). With
// Options.Feedbag set and a server listing family 0x13 in 01,03, signon
// asks for the rights (13,02) and the list (13,05 with the saved copy's
// time, else 13,04), activates it (13,07) before client ready, all in the
// one signon flight, and reads every part of the 13,06 (or the 13,0F) with
// the other replies: no round trip is added. Presence then comes from the
// server's list, and Options.Buddies is not sent (03,04).

// feedbagState is the server's list as the session holds it: read at
// signon, changed by the edits the server confirmed and by pushes of the
// account's other sessions. Guarded by Session.mu.
type feedbagState struct {
	// list is the copy Session.Feedbag returns: every edit of this
	// session the server confirmed and every pushed edit, in the order
	// they came.
	list *buddylist.Feedbag
	// push is the pushed transaction (13,11 from the server) under way;
	// nil outside one.
	push *pushState
}

// pushState is a pushed transaction between its 13,11 and its 13,12.
// The session's own edits the server confirms meanwhile go to
// feedbagState.list alone, so that the report at 13,12 (before against
// shadow) holds the pushed edits and nothing else.
type pushState struct {
	// before is the list as it was at the 13,11.
	before buddylist.List
	// shadow is the list at the 13,11 with only the pushed edits since
	// applied.
	shadow *buddylist.Feedbag
}

// feedbagSignon adds the feedbag's requests to the signon flight and
// their replies to those awaited. saved is the copy from the last sync
// (nil: none).
func (s *Session) feedbagSignon(sg *flapconn.Signon, saved *buddylist.Feedbag, replies map[oscar.SNACType]func(oscar.SNAC) error) []oscar.Message {
	var rights oscar.FeedbagRights
	var r buddylist.Reader
	replies[oscar.TypeFeedbagRights] = bodyOf(rights.Decode)
	replies[oscar.TypeFeedbagReply] = func(snac oscar.SNAC) error {
		done, err := r.Add(snac.Flags, snac.Body)
		if err != nil {
			return err
		}
		if !done {
			return flapconn.ErrMorePart
		}
		delete(replies, oscar.TypeFeedbagNotModified)
		s.setFeedbag(r.Feedbag())
		return nil
	}
	query := saved.Query()
	if query.SNACType() == oscar.TypeFeedbagQueryIfModified {
		replies[oscar.TypeFeedbagNotModified] = func(snac oscar.SNAC) error {
			var nm oscar.FeedbagNotModified
			if err := nm.Decode(snac.Body); err != nil {
				return err
			}
			if !saved.Current(&nm) {
				// Same time, another count (a delete does not move the
				// time): ask for the whole list, one more round trip.
				_, err := sg.Send(oscar.Empty(oscar.TypeFeedbagQuery), oscar.TypeFeedbagReply)
				return err
			}
			delete(replies, oscar.TypeFeedbagReply)
			s.setFeedbag(buddylist.NewFeedbag(saved.Items(), saved.Modified))
			return nil
		}
	}
	return []oscar.Message{&oscar.FeedbagRightsQuery{}, query}
}

// setFeedbag makes l the session's copy of the server's list.
func (s *Session) setFeedbag(l *buddylist.Feedbag) {
	s.mu.Lock()
	s.fb = &feedbagState{list: l}
	s.mu.Unlock()
}

// Feedbag returns a copy of the server's list as the session holds it now,
// or nil when the session does not use one (Options.Feedbag unset, or a
// server without family 0x13).
func (s *Session) Feedbag() *buddylist.Feedbag {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fb == nil {
		return nil
	}
	return buddylist.NewFeedbag(s.fb.list.Items(), s.fb.list.Modified)
}

// ErrNoFeedbag is returned by feedbag edits on a session without one.
var ErrNoFeedbag = errors.New("the server keeps no buddy list for this session")

// EditFeedbag sends a transaction: 13,11, each edit waiting for its 13,0E,
// then 13,12. The items the server accepted become part of the session's
// copy (Feedbag); those it refused are returned, each with the server's
// code and a sentence (buddylist.Rejected). An error (the connection lost,
// ctx ended, the server answering an edit with an error SNAC) stops the
// transaction where it is: the edits confirmed so far stay confirmed.
func (s *Session) EditFeedbag(ctx context.Context, tx *buddylist.Transaction) ([]buddylist.Rejected, error) {
	s.mu.Lock()
	has := s.fb != nil
	s.mu.Unlock()
	if !has {
		return nil, ErrNoFeedbag
	}
	if tx.Empty() {
		return nil, nil
	}
	if err := s.c.Send(ctx, &oscar.FeedbagStartCluster{}); err != nil {
		return nil, err
	}
	var rejected []buddylist.Rejected
	var err error
	for _, e := range tx.Edits {
		var body []byte
		if body, err = s.c.Request(ctx, e.Message(), oscar.TypeFeedbagStatus); err != nil {
			err = fmt.Errorf("%s the buddy list the server keeps: %w", editVerb[e.Type], err)
			break
		}
		var st oscar.FeedbagStatus
		if err = st.Decode(body); err != nil {
			err = &BadReplyError{Request: snacType(e.Message().SNACType()), Err: err}
			break
		}
		s.mu.Lock()
		rejected = append(rejected, s.fb.list.Confirm(e, st.Codes)...)
		s.mu.Unlock()
	}
	// Once the transaction's edits are in, not after each: a move is a
	// delete and an insert, and the buddy never left the list.
	s.mu.Lock()
	s.pruneOnlineLocked()
	s.mu.Unlock()
	if !s.ending() {
		// End the transaction even after an error: the 2026 release
		// holds presence changes until 13,12.
		if endErr := s.c.Send(context.WithoutCancel(ctx), oscar.Empty(oscar.TypeFeedbagEndCluster)); err == nil {
			err = endErr
		}
	}
	return rejected, err
}

// editVerb says what an edit does, for errors.
var editVerb = map[oscar.SNACType]string{
	oscar.TypeFeedbagInsertItem: "adding to",
	oscar.TypeFeedbagUpdateItem: "changing",
	oscar.TypeFeedbagDeleteItem: "deleting from",
}

// feedbagPush applies what the server sent of another session's edits:
// 13,11, the 13,08/13,09/13,0A as that session sent them, 13,12. A
// FeedbagChanged event says what changed, at 13,12 (at once for an edit
// outside a transaction), and only the pushed edits: an edit of this
// session's own confirmed between the 13,11 and the 13,12 is not among
// them. Every such SNAC from the server is a push, whatever its request id.
func (s *Session) feedbagPush(now At, snac oscar.SNAC) error {
	s.mu.Lock()
	if s.fb == nil {
		s.mu.Unlock()
		return errors.New("a feedbag edit, but this session uses no feedbag")
	}
	fb := s.fb
	var before, after buddylist.List
	switch snac.Type() {
	case oscar.TypeFeedbagStartCluster:
		if fb.push == nil {
			l, _ := fb.list.List()
			fb.push = &pushState{before: l, shadow: buddylist.NewFeedbag(fb.list.Items(), fb.list.Modified)}
		}
		s.mu.Unlock()
		return nil
	case oscar.TypeFeedbagEndCluster:
		p := fb.push
		fb.push = nil
		s.pruneOnlineLocked()
		s.mu.Unlock()
		if p == nil {
			return nil
		}
		before = p.before
		after, _ = p.shadow.List()
	default:
		e, err := buddylist.DecodeEdit(snac.Type(), snac.Body)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		if fb.push != nil { // pruned at 13,12, as EditFeedbag's own
			fb.list.Apply(e)
			fb.push.shadow.Apply(e)
			s.mu.Unlock()
			return nil
		}
		// An edit outside a transaction is reported at once.
		before, _ = fb.list.List()
		fb.list.Apply(e)
		s.pruneOnlineLocked()
		after, _ = fb.list.List()
		s.mu.Unlock()
	}
	if changes := buddylist.Diff(before, after); len(changes) > 0 {
		s.emit(&FeedbagChanged{At: now, Changes: changes})
	}
	return nil
}

// FeedbagChanged is another session of the account having changed the
// server's list (a push: 13,11 … 13,12). Session.Feedbag has the result.
type FeedbagChanged struct {
	At
	Changes []buddylist.Change
}

// pruneOnlineLocked forgets the presence of buddies no longer on the list:
// the server sends no departure for a buddy deleted from it.
func (s *Session) pruneOnlineLocked() {
	keep := map[string]bool{}
	for _, it := range s.fb.list.Items() {
		if it.Class == oscar.FeedbagClassBuddy {
			keep[screenname.Normalize(it.Name)] = true
		}
	}
	for k := range s.online {
		if !keep[k] {
			delete(s.online, k)
		}
	}
}
