package bos_test

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/screenname"
)

// received records the SNAC types a session read.
type received struct {
	mine  bool // record the SNACs the session sends instead
	mu    sync.Mutex
	types []oscar.SNACType
	flags []uint16
}

func (r *received) trace(sent bool, f oscar.Frame) {
	if sent != r.mine || f.Channel != oscar.ChannelSNAC {
		return
	}
	if s, err := oscar.ParseSNAC(f.Payload); err == nil {
		r.mu.Lock()
		r.types = append(r.types, s.Type())
		r.flags = append(r.flags, s.Flags)
		r.mu.Unlock()
	}
}

func (r *received) count(t oscar.SNACType) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, x := range r.types {
		if x == t {
			n++
		}
	}
	return n
}

// friendsList is the list the tests put on the server: Lab Bob in Friends.
var friendsList = buddylist.List{Groups: []buddylist.Group{{Name: "Friends", Buddies: []string{bob.ScreenName}}}}

// upload plans want on the session's copy and sends it, expecting every
// item accepted.
func upload(t *testing.T, sess *bos.Session, want buddylist.List) {
	t.Helper()
	fb := sess.Feedbag()
	if fb == nil {
		t.Fatal("the session uses no feedbag")
	}
	rejected, err := sess.EditFeedbag(t.Context(), fb.Plan(want, buddylist.PlanOptions{}))
	if err != nil || len(rejected) > 0 {
		t.Fatalf("EditFeedbag: rejected %v, %v", rejected, err)
	}
}

func listOf(t *testing.T, sess *bos.Session) buddylist.List {
	t.Helper()
	l, problems := sess.Feedbag().List()
	if len(problems) > 0 {
		t.Errorf("problems reading the server's list: %v", problems)
	}
	return l
}

// TestFeedbagSignon: on both releases, a list sent from one session is
// read by the next signon of the account, in parts (every part of the
// multi-part 13,06), presence comes from it (no 03,04 sent), and a signon
// with the copy saved asks only whether it changed and gets 13,0F.
func TestFeedbagSignon(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := oscartest.NewServer(alice, bob, carol)
			srv.Release, srv.FeedbagPartItems = rel, 2
			t.Cleanup(srv.Close)
			signOn(t, srv, bob.ScreenName, bob.Password, login.FLAP, bos.Options{})

			first := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
			if l := listOf(t, first); l.Len() != 0 {
				t.Fatalf("a new account's list: %+v", l)
			}
			upload(t, first, friendsList)
			if ev := nextEvent[*bos.BuddyOnline](t, first); !screenname.Same(ev.Name, bob.ScreenName) {
				t.Errorf("online: %s, want %s", ev.Name, bob.ScreenName)
			}
			logout(t, first)

			var rec received
			// Buddies would be sent with 03,04 without a feedbag: carol's
			// presence must not come, since the server's list has only bob.
			second := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5,
				bos.Options{Feedbag: true, Buddies: []string{carol.ScreenName}, Trace: rec.trace})
			got := listOf(t, second)
			if len(got.Groups) != 1 || got.Groups[0].Name != "Friends" || !slices.Equal(got.Groups[0].Buddies, []string{"labbob"}) {
				t.Errorf("list read at signon: %+v", got)
			}
			if n := rec.count(oscar.TypeFeedbagReply); n < 2 {
				t.Errorf("the list came in %d 13,06 part(s), want several (FeedbagPartItems 2)", n)
			}
			if ev := nextEvent[*bos.BuddyOnline](t, second); !screenname.Same(ev.Name, bob.ScreenName) {
				t.Errorf("online: %s, want %s", ev.Name, bob.ScreenName)
			}
			saved := second.Feedbag()
			logout(t, second)

			var rec3 received
			third := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5,
				bos.Options{Feedbag: true, SavedFeedbag: saved, Trace: rec3.trace})
			if rec3.count(oscar.TypeFeedbagNotModified) != 1 || rec3.count(oscar.TypeFeedbagReply) != 0 {
				t.Errorf("signon with a current copy read %v, want 13,0F and no 13,06", rec3.types)
			}
			if l := listOf(t, third); !slices.Equal(l.Groups[0].Buddies, []string{"labbob"}) {
				t.Errorf("list from the saved copy: %+v", l)
			}
		})
	}
}

// TestFeedbagStaleCopy: a saved copy whose time is current but whose count
// is not (a delete does not move the list's time) is not taken: the
// signon asks again with 13,04. The item deleted is a deny entry, the one
// edit that is a delete alone: deleting a buddy also rewrites its group's
// order list, an update, which moves the time whenever a second has
// passed since the list was saved.
func TestFeedbagStaleCopy(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, bob)
	first := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
	blocking := friendsList
	blocking.Deny = []string{"LabDave"}
	upload(t, first, blocking)
	logout(t, first)
	sent := received{mine: true}
	second := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true, Trace: sent.trace})
	saved := second.Feedbag()
	upload(t, second, friendsList) // deletes the deny entry: the time stays
	if sent.count(oscar.TypeFeedbagDeleteItem) != 1 || sent.count(oscar.TypeFeedbagUpdateItem) != 0 || sent.count(oscar.TypeFeedbagInsertItem) != 0 {
		t.Fatalf("the session sent %v, want one delete and no other edit", sent.types)
	}
	logout(t, second)

	var rec received
	third := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5,
		bos.Options{Feedbag: true, SavedFeedbag: saved, Trace: rec.trace})
	if rec.count(oscar.TypeFeedbagNotModified) != 1 || rec.count(oscar.TypeFeedbagReply) != 1 {
		t.Errorf("read %v, want 13,0F then 13,06", rec.types)
	}
	if l := listOf(t, third); l.Len() != 1 {
		t.Errorf("list %+v, want Lab Bob alone", l)
	}
}

// TestFeedbagPush: on the 2026 release, an edit of one session of the
// account reaches the other as a FeedbagChanged event and changes its
// copy.
func TestFeedbagPush(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(alice, bob, carol)
	srv.Release = oscartest.Release2026
	t.Cleanup(srv.Close)
	one := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
	two := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
	upload(t, one, friendsList)
	ev := nextEvent[*bos.FeedbagChanged](t, two)
	want := []buddylist.Change{
		{Kind: buddylist.GroupAdded, Name: "Friends"},
		{Kind: buddylist.BuddyAdded, Name: bob.ScreenName, Group: "Friends"},
	}
	if !slices.Equal(ev.Changes, want) {
		t.Errorf("pushed changes %+v, want %+v", ev.Changes, want)
	}
	if l := listOf(t, two); l.Len() != 1 {
		t.Errorf("the other session's copy: %+v", l)
	}
}

// TestFeedbagPushAroundOwnEdit: an edit of this session's own that the
// server confirms while a push from the other session is open (between
// its 13,11 and its 13,12) is not reported as pushed; the copy has both.
func TestFeedbagPushAroundOwnEdit(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(alice, bob, carol)
	srv.Release = oscartest.Release2026
	t.Cleanup(srv.Close)
	var armed atomic.Bool
	held, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	letGo := func() { releaseOnce.Do(func() { close(release) }) }
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		s, err := oscar.ParseSNAC(e.Frame.Payload)
		if err == nil && e.Frame.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeFeedbagEndCluster && armed.CompareAndSwap(true, false) {
			close(held)
			<-release
		}
		return oscartest.Answer
	}
	one := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
	two := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
	t.Cleanup(letGo) // before the logouts and the server's close
	upload(t, one, friendsList)
	nextEvent[*bos.FeedbagChanged](t, two)

	// Two adds Lab Carol to Friends; the server holds its 13,12, so the
	// push to one stays open.
	armed.Store(true)
	withCarol := listOf(t, two)
	withCarol.Groups[0].Buddies = append(withCarol.Groups[0].Buddies, carol.ScreenName)
	upload(t, two, withCarol)
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the server read no 13,12 from two")
	}
	// One's own edit, answered while the push is open: the server pushed
	// two's edits to one before it read two's 13,12, one's replies come
	// after them on the same connection.
	withWork := listOf(t, one)
	withWork.Groups = append(withWork.Groups, buddylist.Group{Name: "Work", Buddies: []string{"LabDave"}})
	upload(t, one, withWork)
	letGo()

	ev := nextEvent[*bos.FeedbagChanged](t, one)
	want := []buddylist.Change{{Kind: buddylist.BuddyAdded, Name: carol.ScreenName, Group: "Friends"}}
	if !slices.Equal(ev.Changes, want) {
		t.Errorf("pushed changes %+v, want %+v (two's add alone)", ev.Changes, want)
	}
	got := listOf(t, one)
	if len(got.Groups) != 2 || !slices.Equal(got.Groups[0].Buddies, []string{bob.ScreenName, carol.ScreenName}) || got.Groups[1].Name != "Work" {
		t.Errorf("one's copy: %+v, want Friends with both and Work", got)
	}
}

// TestFeedbagBlockSelf: the server refuses a deny item naming the
// account itself with an error SNAC, which EditFeedbag returns; the copy
// is unchanged.
func TestFeedbagBlockSelf(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	sess := signOn(t, srv, alice.ScreenName, alice.Password, login.MD5, bos.Options{Feedbag: true})
	tx := sess.Feedbag().Plan(buddylist.List{Deny: []string{alice.ScreenName}}, buddylist.PlanOptions{})
	_, err := sess.EditFeedbag(t.Context(), tx)
	var refused *bos.RequestError
	if !errors.As(err, &refused) {
		t.Fatalf("EditFeedbag = %v, want a *bos.RequestError", err)
	}
	if l := listOf(t, sess); len(l.Deny) != 0 {
		t.Errorf("deny list after the refusal: %v", l.Deny)
	}
}

// TestNoFeedbagWithoutOption: without Options.Feedbag the session keeps
// the 03,04 list and has no feedbag to edit.
func TestNoFeedbagWithoutOption(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	sess := signOn(t, srv, alice.ScreenName, alice.Password, login.FLAP, bos.Options{})
	if sess.Feedbag() != nil {
		t.Fatal("a feedbag without Options.Feedbag")
	}
	if _, err := sess.EditFeedbag(t.Context(), &buddylist.Transaction{}); !errors.Is(err, bos.ErrNoFeedbag) {
		t.Errorf("EditFeedbag = %v, want ErrNoFeedbag", err)
	}
}

// TestFeedbagEndlessParts: a server that answers 13,04 with parts flagged
// "more replies" without end fails the signon once the list passes what a
// Reader keeps, at once and with an error that says so, not at the step
// timeout after holding every part.
func TestFeedbagEndlessParts(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(alice)
	t.Cleanup(srv.Close)
	// 1000 items a part (11 KB, within what the test server queues): 66
	// parts pass the cap.
	items := slices.Repeat([]oscar.FeedbagItem{{Name: "x", Class: 1}}, 1000)
	var frame bytes.Buffer // a 13,06 part as the server frames it
	oscar.NewFrameWriter(&frame, 0).WriteSNAC(oscar.SNACHeader{Family: 0x13, Subtype: 6, Flags: oscar.SNACFlagMoreReplies},
		nil, &oscar.FeedbagReply{Items: items})
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	srv.Intercept = func(ev oscartest.Event) oscartest.Action {
		s, err := oscar.ParseSNAC(ev.Frame.Payload)
		if ev.Service != "bos" || ev.Frame.Channel != oscar.ChannelSNAC || err != nil || s.Type() != oscar.TypeFeedbagQuery {
			return oscartest.Answer
		}
		name := ev.ScreenName
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range buddylist.MaxReaderItems/1000 + 4 {
				if srv.SendRaw(name, frame.Bytes()) != nil {
					return
				}
			}
		}()
		return oscartest.Ignore
	}
	srv.Start()
	_, err := connect(t, srv, bos.Options{Feedbag: true, StepTimeout: 30 * time.Second})
	if !errors.Is(err, buddylist.ErrListTooLarge) {
		t.Fatalf("Connect = %v, want ErrListTooLarge", err)
	}
	var step *bos.StepError
	if !errors.As(err, &step) {
		t.Errorf("Connect = %v, want a *StepError", err)
	}
}
