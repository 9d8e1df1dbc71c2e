package client_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/buddylist"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/secret"
)

// machine is one computer of the account: its config file and state
// directory, and the client running there.
type machine struct {
	t     *testing.T
	srv   *oscartest.Server
	cfg   string // the config file
	state string
	c     *client.Client
	out   chan client.Output
	kept  []client.Output // read from out, not yet asked for
}

func newMachine(t *testing.T, srv *oscartest.Server, configText string) *machine {
	dir := t.TempDir()
	m := &machine{t: t, srv: srv, cfg: filepath.Join(dir, "config.yaml"), state: filepath.Join(dir, "state", "labalice")}
	if err := os.WriteFile(m.cfg, []byte(configText), 0o600); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *machine) load() *config.Config {
	m.t.Helper()
	cfg, err := config.Load(config.Options{Path: m.cfg, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		m.t.Fatal(err)
	}
	return cfg
}

// start signs the account on from this machine.
func (m *machine) start() {
	m.t.Helper()
	m.out, m.kept = make(chan client.Output, 256), nil
	cfg := m.load()
	c, err := client.Start(m.t.Context(), client.Options{
		Account: client.Account{Server: m.srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"),
			Method: login.MD5, StateDir: m.state},
		Config: cfg,
		// As runner.Start builds it: reading the file named by the Config
		// given, which the session must not write (Options.Config).
		Reload: func() (*config.Config, error) {
			return config.Load(config.Options{Path: cfg.Path, Env: func(string) (string, bool) { return "", false }})
		},
		Emit: func(o client.Output) { m.out <- o },
	})
	if err != nil {
		m.t.Fatalf("Start: %v", err)
	}
	m.c = c
	m.t.Cleanup(m.stop)
}

func (m *machine) stop() {
	if m.c == nil {
		return
	}
	m.c.Stop()
	m.c.Wait()
	m.c = nil
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m.srv.WaitOffline(ctx, "LabAlice")
}

// outWait only guards against a hang: a sync of thousands of buddies
// under the race detector on a loaded machine has taken over 10 s, and a
// passing test never waits this long.
const outWait = time.Minute

// nextOut returns the first output of type T not returned yet (others
// are kept for later calls), failing after outWait.
func nextOut[T client.Output](m *machine) T {
	m.t.Helper()
	for i, o := range m.kept {
		if x, ok := o.(T); ok {
			m.kept = slices.Delete(m.kept, i, i+1)
			return x
		}
	}
	timeout := time.NewTimer(outWait)
	defer timeout.Stop()
	for {
		select {
		case o := <-m.out:
			if x, ok := o.(T); ok {
				return x
			}
			m.kept = append(m.kept, o)
		case <-timeout.C:
			var zero T
			var seen []string
			for _, o := range m.kept {
				seen = append(seen, client.Text(o))
			}
			m.t.Fatalf("no %T within %v; saw:\n%s", zero, outWait, strings.Join(seen, "\n"))
			return zero
		}
	}
}

// buddies returns the config file's list now, as group: names.
func (m *machine) buddies() map[string][]string {
	m.t.Helper()
	out := map[string][]string{}
	for _, g := range m.load().Buddies {
		out[g.Group] = g.Names
	}
	return out
}

func hasChange(cs []buddylist.Change, kind buddylist.ChangeKind, name string) bool {
	return slices.ContainsFunc(cs, func(c buddylist.Change) bool {
		return c.Kind == kind && strings.EqualFold(strings.ReplaceAll(c.Name, " ", ""), strings.ReplaceAll(name, " ", ""))
	})
}

func listServer(t *testing.T, rel oscartest.Release) *oscartest.Server {
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
	srv.Release = rel
	t.Cleanup(srv.Close)
	return srv
}

// TestListFollowsTheAccount, on both releases: a buddy added in a group on
// one machine appears, with its group and presence, on a second machine
// whose config file has no buddies; removed there, it is removed on the
// first at its next signon instead of being put back from its stale copy.
func TestListFollowsTheAccount(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := listServer(t, rel)
			bobOnline(t, srv)
			a := newMachine(t, srv, "# machine A\nbuddies:\n  - group: Friends  # the lab\n    names: [Lab Bob]\n")
			a.start()
			synced := nextOut[*client.BuddyListSynced](a)
			if !hasChange(synced.Up, buddylist.BuddyAdded, "Lab Bob") || len(synced.Down) != 0 {
				t.Errorf("first sync on A: up %+v, down %+v", synced.Up, synced.Down)
			}
			if on := nextOut[*client.BuddyOnline](a); on.Name != "Lab Bob" {
				t.Errorf("A: %s online, want Lab Bob", on.Name)
			}
			a.stop()
			if fi, err := os.Stat(a.state); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("state directory: %v, %v; want mode 0700", fi, err)
			}

			b := newMachine(t, srv, "screen_name: LabAlice\n")
			b.start()
			synced = nextOut[*client.BuddyListSynced](b)
			if !hasChange(synced.Down, buddylist.BuddyAdded, "Lab Bob") || len(synced.Up) != 0 {
				t.Errorf("first sync on B: up %+v, down %+v", synced.Up, synced.Down)
			}
			if on := nextOut[*client.BuddyOnline](b); !strings.EqualFold(strings.ReplaceAll(on.Name, " ", ""), "labbob") {
				t.Errorf("B: %s online, want Lab Bob", on.Name)
			}
			if got := b.buddies(); len(got["Friends"]) != 1 {
				t.Errorf("B's config file: %v, want Lab Bob in Friends", got)
			}
			if err := b.c.Exec(t.Context(), 1, "remove labbob", true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](b); !r.OK {
				t.Errorf("remove: %+v", r)
			}
			b.stop()

			a.start()
			synced = nextOut[*client.BuddyListSynced](a)
			if !hasChange(synced.Down, buddylist.BuddyRemoved, "Lab Bob") || len(synced.Up) != 0 {
				t.Errorf("A's sync after B removed: up %+v, down %+v", synced.Up, synced.Down)
			}
			if got := a.buddies(); len(got["Friends"]) != 0 {
				t.Errorf("A's config file: %v, want Lab Bob gone", got)
			}
			text, _ := os.ReadFile(a.cfg)
			if !strings.Contains(string(text), "# machine A") || !strings.Contains(string(text), "# the lab") {
				t.Errorf("A's config file lost its comments:\n%s", text)
			}
		})
	}
}

// TestPushReachesConfig: on the 2026 release, where two sessions of the
// account run at once, an add on one reaches the other as
// buddy_list_changed and lands in its config file.
func TestPushReachesConfig(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	b := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start()
	b.start()
	if err := a.c.Exec(t.Context(), 1, "add LabCarol Work", true); err != nil {
		t.Fatal(err)
	}
	if r := nextOut[*client.Result](a); !r.OK {
		t.Fatalf("add: %+v", r)
	}
	changed := nextOut[*client.BuddyListChanged](b)
	if !hasChange(changed.Changes, buddylist.BuddyAdded, "LabCarol") {
		t.Errorf("pushed: %+v", changed.Changes)
	}
	synced := nextOut[*client.BuddyListSynced](b)
	if !hasChange(synced.Down, buddylist.BuddyAdded, "LabCarol") || len(synced.Up) != 0 {
		t.Errorf("B's sync after the push: up %+v, down %+v", synced.Up, synced.Down)
	}
	if got := b.buddies(); len(got["Work"]) != 1 {
		t.Errorf("B's config file: %v, want LabCarol in Work", got)
	}
}

// TestPushDuringSync: a buddy another session of the account adds while
// this session's sync is under way (its first edit sent, the server's
// answer held, the add taking effect first) is neither lost nor reported
// as sent from here: the sync says what it sent, the next one brings the
// buddy into the config file as from the server, and the other session
// hears of this one's upload only. In the same group, the two inserts
// planned from copies lacking each other's must not share ids (the second
// would replace the first on the server).
func TestPushDuringSync(t *testing.T) {
	t.Parallel()
	for _, group := range []string{"Work", "Friends"} {
		t.Run(group, func(t *testing.T) {
			t.Parallel()
			testPushDuringSync(t, group)
		})
	}
}

func testPushDuringSync(t *testing.T, group string) {
	srv := listServer(t, oscartest.Release2026)
	var armed atomic.Bool
	held, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	letGo := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(letGo)
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		s, err := oscar.ParseSNAC(e.Frame.Payload)
		if err != nil || e.Frame.Channel != oscar.ChannelSNAC {
			return oscartest.Answer
		}
		switch s.Type() {
		case oscar.TypeFeedbagInsertItem, oscar.TypeFeedbagUpdateItem, oscar.TypeFeedbagDeleteItem:
			if armed.CompareAndSwap(true, false) {
				close(held)
				<-release
			}
		}
		return oscartest.Answer
	}
	a := newMachine(t, srv, "buddies:\n  - group: Friends\n    names: [Lab Bob]\n")
	a.start()
	nextOut[*client.BuddyListSynced](a) // A's list is on the server
	b := newMachine(t, srv, "buddies:\n  - group: Friends\n    names: [Lab Bob, LabDave]\n")
	armed.Store(true) // the next edit is B's first sync uploading LabDave
	b.start()
	select {
	case <-held:
	case <-time.After(outWait):
		t.Fatal("B's first sync sent no edit")
	}
	if err := a.c.Exec(t.Context(), 1, "add LabCarol "+group, true); err != nil {
		t.Fatal(err)
	}
	if r := nextOut[*client.Result](a); !r.OK {
		t.Fatalf("add: %+v", r)
	}
	if changed := nextOut[*client.BuddyListChanged](b); !hasChange(changed.Changes, buddylist.BuddyAdded, "LabCarol") {
		t.Errorf("pushed to B: %+v", changed.Changes)
	}
	letGo() // B's session has the push: now its sync goes on
	synced := nextOut[*client.BuddyListSynced](b)
	if !hasChange(synced.Up, buddylist.BuddyAdded, "LabDave") || hasChange(synced.Up, buddylist.BuddyAdded, "LabCarol") || len(synced.Down) != 0 {
		t.Errorf("B's first sync, the push landing in it: up %+v, down %+v; want LabDave up only", synced.Up, synced.Down)
	}
	if changed := nextOut[*client.BuddyListChanged](a); !hasChange(changed.Changes, buddylist.BuddyAdded, "LabDave") {
		t.Errorf("B's sync pushed to A: %+v", changed.Changes)
	}
	if own := nextOut[*client.BuddyListSynced](a); !hasChange(own.Up, buddylist.BuddyAdded, "LabCarol") {
		t.Errorf("A's add: up %+v", own.Up)
	}
	synced = nextOut[*client.BuddyListSynced](a)
	if !hasChange(synced.Down, buddylist.BuddyAdded, "LabDave") || hasChange(synced.Down, buddylist.BuddyRemoved, "LabCarol") {
		t.Fatalf("A's sync after B's: down %+v; want LabDave added, LabCarol kept", synced.Down)
	}
	synced = nextOut[*client.BuddyListSynced](b)
	if !hasChange(synced.Down, buddylist.BuddyAdded, "LabCarol") || len(synced.Up) != 0 {
		t.Errorf("B's sync after the push: up %+v, down %+v; want LabCarol down", synced.Up, synced.Down)
	}
	want := map[string][]string{"Friends": {"Lab Bob", "LabDave"}}
	want[group] = append(want[group], "LabCarol")
	if got := b.buddies(); !reflect.DeepEqual(got, want) {
		t.Errorf("B's config file: %v, want %v", got, want)
	}
}

// TestLostServerListKeepsLocal: a server whose list is gone (what the 2025
// release's group delete does) does not empty the config file: the local
// list goes up again.
func TestLostServerListKeepsLocal(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2025)
	a := newMachine(t, srv, "buddies:\n  - group: Friends\n    names: [Lab Bob, LabCarol]\n")
	a.start()
	nextOut[*client.BuddyListSynced](a)
	a.stop()
	wipe(t, srv)
	a.start()
	synced := nextOut[*client.BuddyListSynced](a)
	if len(synced.Down) != 0 || !hasChange(synced.Up, buddylist.BuddyAdded, "LabCarol") {
		t.Errorf("sync with a lost server list: up %+v, down %+v", synced.Up, synced.Down)
	}
	if got := a.buddies(); len(got["Friends"]) != 2 {
		t.Errorf("config file: %v", got)
	}
}

// bobOnline signs Lab Bob on for the rest of the test.
func bobOnline(t *testing.T, srv *oscartest.Server) {
	t.Helper()
	sess := bosSession(t, srv, "Lab Bob", "bobpass22", false)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
	})
}

// wipe empties LabAlice's list on the server the way the 2025 release's
// group delete does: a delete of any group item takes every group.
func wipe(t *testing.T, srv *oscartest.Server) {
	t.Helper()
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
		srv.WaitOffline(ctx, "LabAlice")
	}()
	fb := sess.Feedbag()
	tx := fb.Plan(buddylist.List{}, buddylist.PlanOptions{DeletesByID: true})
	if _, err := sess.EditFeedbag(t.Context(), tx); err != nil {
		t.Fatal(err)
	}
	if l, _ := sess.Feedbag().List(); l.Len() != 0 {
		t.Fatalf("list after the wipe: %+v", l)
	}
}

func bosSession(t *testing.T, srv *oscartest.Server, name, password string, feedbag bool) *bos.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: name, Password: secret.String(password), Method: login.MD5})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := bos.Connect(t.Context(), bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName,
		MultiConn: res.MultiConn, Feedbag: feedbag})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range sess.Events() {
		}
	}()
	return sess
}

// TestBlock: blocking yourself is refused before anything is sent;
// blocking another user puts it on the server's list with the privacy
// mode that makes it count, mirrors both in the config file, and the
// blocked user's IMs no longer arrive: its sender is told it failed.
func TestBlock(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := listServer(t, rel)
			a := newMachine(t, srv, "screen_name: LabAlice\n")
			a.start()
			if err := a.c.Exec(t.Context(), 1, "block labalice", true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](a); r.OK || !strings.Contains(r.Error, "cannot block yourself") {
				t.Errorf("block yourself: %+v", r)
			}
			if err := a.c.Exec(t.Context(), 2, `block "Lab Bob"`, true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](a); !r.OK {
				t.Errorf("block: %+v", r)
			}
			synced := nextOut[*client.BuddyListSynced](a)
			if !hasChange(synced.Up, buddylist.DenyAdded, "Lab Bob") || !slices.ContainsFunc(synced.Up, func(c buddylist.Change) bool { return c.Kind == buddylist.PrivacyChanged }) {
				t.Errorf("block went up as %+v", synced.Up)
			}
			cfg := a.load()
			if !slices.Equal(cfg.Blocked, []string{"Lab Bob"}) || cfg.Privacy != config.PrivacyBlockDeny {
				t.Errorf("config file: blocked %q, privacy %q", cfg.Blocked, cfg.Privacy)
			}
			bobIsRefused(t, srv)
			if err := a.c.Exec(t.Context(), 3, "blocked", true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](a); !r.OK || len(r.Blocked) != 1 || r.Privacy != config.PrivacyBlockDeny {
				t.Errorf("blocked: %+v", r)
			}
			// The server refuses an IM to someone you blocked (04,01 code
			// 0x0010): the refusal names your block, not theirs.
			if err := a.c.Exec(t.Context(), 4, `send "Lab Bob" hi`, true); err != nil {
				t.Fatal(err)
			}
			want := `you have blocked Lab Bob (aim unblock "Lab Bob")`
			if r := nextOut[*client.Result](a); r.OK || r.Error != want {
				t.Errorf("an IM to a user you blocked: %+v, want the error %q", r, want)
			}
			a.stop()
			noIMs(t, a)
		})
	}
}

// TestSyncResumesAfterCut: a sync whose connection is cut in the middle
// of its transaction (after the server took the delete and the insert, at
// the update of the group's order) carries on at the next signon: the
// server ends up with each buddy once, in its group, the one removed gone,
// and the config file as the user left it.
func TestSyncResumesAfterCut(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2025)
	var armed, cut atomic.Bool
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		if s, err := oscar.ParseSNAC(e.Frame.Payload); err == nil && e.Frame.Channel == oscar.ChannelSNAC &&
			s.Type() == oscar.TypeFeedbagUpdateItem && armed.Load() && cut.CompareAndSwap(false, true) {
			return oscartest.Hangup
		}
		return oscartest.Answer
	}
	a := newMachine(t, srv, "buddies:\n  - group: Friends\n    names: [Lab Bob, LabCarol]\n  - group: Work\n    names: [LabDave]\n")
	a.start()
	nextOut[*client.BuddyListSynced](a)
	a.stop()
	const text = "buddies:\n  - group: Friends\n    names: [LabCarol, Lab Eve]\n  - group: Work\n    names: [LabDave]\n"
	if err := os.WriteFile(a.cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	a.start()
	ended := make(chan error, 1)
	go func() { ended <- a.c.Wait() }()
	select {
	case err := <-ended:
		if err == nil || !cut.Load() {
			t.Fatalf("Wait = %v, cut %v: want the session cut at its 13,09", err, cut.Load())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session was not cut within 10 s")
	}
	a.stop()
	a.start()
	a.stop() // after its sync: the edits confirmed before the cut were kept, nothing is left to send
	for _, o := range a.kept {
		if s, ok := o.(*client.BuddyListSynced); ok {
			t.Errorf("the sync after the cut: %+v", s)
		}
	}
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
	}()
	seen := map[string]int{}
	for _, it := range sess.Feedbag().Items() {
		if it.Class == oscar.FeedbagClassBuddy {
			seen[screenname.Normalize(it.Name)]++
		}
	}
	if seen["labeve"] != 1 || seen["labcarol"] != 1 || seen["labdave"] != 1 || len(seen) != 3 {
		t.Errorf("buddy items on the server: %v, want LabCarol, Lab Eve and LabDave once each", seen)
	}
	// The group's order list still lacks Lab Eve (its update was cut): a
	// repair that goes up with the next real edit; the list reads right.
	l, _ := sess.Feedbag().List()
	want := []buddylist.Group{{Name: "Friends", Buddies: []string{"labcarol", "labeve"}}, {Name: "Work", Buddies: []string{"labdave"}}}
	if !slices.EqualFunc(l.Groups, want, func(a, b buddylist.Group) bool {
		return a.Name == b.Name && slices.Equal(a.Buddies, b.Buddies)
	}) {
		t.Errorf("the server's list: %+v; want %+v", l.Groups, want)
	}
	if got, _ := os.ReadFile(a.cfg); string(got) != text {
		t.Errorf("config file changed:\n%s", got)
	}
}

// TestRefusedItemsGoUpAgain: items the server refuses (here: over its
// limit of items) are reported in plain sentences, are not taken as
// synced, and go up again at the next sync, while those it took are not
// sent twice.
func TestRefusedItemsGoUpAgain(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2025)
	var b strings.Builder
	b.WriteString("buddies:\n  - group: Many\n    names:\n")
	const n = 4100 // the test server keeps at most 4,096 items
	for i := range n {
		fmt.Fprintf(&b, "      - Buddy%04d\n", i)
	}
	a := newMachine(t, srv, b.String())
	a.start()
	synced := nextOut[*client.BuddyListSynced](a)
	refused := len(synced.Refused)
	if refused == 0 || !strings.Contains(synced.Refused[0], "goes up again at the next sync") {
		t.Fatalf("refused: %q", synced.Refused)
	}
	if got := len(synced.Up); got >= n+1 {
		t.Errorf("up: %d changes, want fewer than %d (the refused ones are not up)", got, n+1)
	}
	a.stop()
	a.start()
	synced = nextOut[*client.BuddyListSynced](a)
	if len(synced.Refused) != refused {
		t.Errorf("refused again: %d, want %d", len(synced.Refused), refused)
	}
	if len(synced.Up) != 0 || len(synced.Down) != 0 {
		t.Errorf("second sync: up %d, down %d, want nothing new", len(synced.Up), len(synced.Down))
	}
	a.stop()
	if got := len(a.load().Buddies[0].Names); got != n {
		t.Errorf("config file has %d buddies, want %d", got, n)
	}
}

// TestFileEditSyncs: an edit of the config file by hand while signed on
// goes to the server's list at once.
func TestFileEditSyncs(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2025)
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start()
	if err := os.WriteFile(a.cfg, []byte("screen_name: LabAlice\nbuddies:\n  - group: Lab\n    names: [LabCarol]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	synced := nextOut[*client.BuddyListSynced](a)
	if !hasChange(synced.Up, buddylist.BuddyAdded, "LabCarol") || !hasChange(synced.Up, buddylist.GroupAdded, "Lab") {
		t.Errorf("up: %+v", synced.Up)
	}
}

// order is a group item's order list TLV (0x00C8).
func order(ids ...uint16) oscar.TLVList { return oscar.TLVList(oscar.AppendOrderTLV(nil, ids)) }

// insertItems puts items on LabAlice's server list the way another client
// would, in one transaction.
func insertItems(t *testing.T, srv *oscartest.Server, items ...oscar.FeedbagItem) {
	t.Helper()
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
		srv.WaitOffline(ctx, "LabAlice")
	}()
	tx := &buddylist.Transaction{Edits: []buddylist.Edit{{Type: oscar.TypeFeedbagInsertItem, Items: items}}}
	if rejected, err := sess.EditFeedbag(t.Context(), tx); err != nil || len(rejected) > 0 {
		t.Fatalf("inserting %+v: %v, %v", items, rejected, err)
	}
}

// TestBlankGroupKeepsItsBuddy: a buddy another client put in a group whose
// name is only white space stays on the server and comes down into the
// config file in Buddies, while the config file's own buddy goes up.
func TestBlankGroupKeepsItsBuddy(t *testing.T) {
	t.Parallel()
	for _, name := range []string{" ", "\t", "\u00a0", "\u3000", " \n"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			srv := listServer(t, oscartest.Release2026)
			insertItems(t, srv,
				oscar.FeedbagItem{Class: oscar.FeedbagClassGroup, TLVs: order(1)},
				oscar.FeedbagItem{Name: name, GroupID: 1, Class: oscar.FeedbagClassGroup, TLVs: order(1)},
				oscar.FeedbagItem{Name: "pal0", GroupID: 1, ItemID: 1, Class: oscar.FeedbagClassBuddy})
			a := newMachine(t, srv, "buddies:\n  - group: Work\n    names: [LabDave]\n")
			a.start()
			synced := nextOut[*client.BuddyListSynced](a)
			if hasChange(synced.Up, buddylist.BuddyRemoved, "pal0") || !hasChange(synced.Up, buddylist.BuddyAdded, "LabDave") {
				t.Errorf("sent to the server: %s", client.Text(synced))
			}
			if !hasChange(synced.Down, buddylist.BuddyAdded, "pal0") {
				t.Errorf("from the server: %s", client.Text(synced))
			}
			a.stop()
			if got := a.buddies(); !slices.Equal(got[config.DefaultGroup], []string{"pal0"}) {
				t.Errorf("config file: %v, want pal0 in %s", got, config.DefaultGroup)
			}
			sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
			defer sess.Logout(context.WithoutCancel(t.Context()))
			if l, _ := sess.Feedbag().List(); !slices.ContainsFunc(l.Groups, func(g buddylist.Group) bool { return slices.Contains(g.Buddies, "pal0") }) {
				t.Errorf("the server's list lost pal0: %+v", l)
			}
		})
	}
}

// TestKilledSyncKeepsRemovals: 250 buddies added while offline go up at
// signon, and the process dies while the server takes them (modelled by
// putting the state directory back as it was on disk when the server
// received the first insert: nothing the client wrote later survives).
// The buddies are then removed while offline: the next signon removes
// them from the server instead of taking them for additions made there.
func TestKilledSyncKeepsRemovals(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	a := newMachine(t, srv, "buddies:\n  - group: Friends\n    names: [Lab Bob]\n")
	a.start()
	nextOut[*client.BuddyListSynced](a)
	a.stop()

	var b strings.Builder
	b.WriteString("buddies:\n  - group: Friends\n    names: [Lab Bob]\n  - group: Rz\n    names:\n")
	for i := 1; i <= 250; i++ {
		fmt.Fprintf(&b, "      - rz%03d\n", i)
	}
	if err := os.WriteFile(a.cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	stateFile := filepath.Join(a.state, "buddylist.json")
	var armed atomic.Bool
	var snapshot atomic.Pointer[[]byte]
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		if s, err := oscar.ParseSNAC(e.Frame.Payload); err == nil && e.Frame.Channel == oscar.ChannelSNAC &&
			s.Type() == oscar.TypeFeedbagInsertItem && armed.Load() && snapshot.Load() == nil {
			saved, err := os.ReadFile(stateFile)
			if err != nil {
				t.Errorf("reading the state when the server got the inserts: %v", err)
			}
			snapshot.Store(&saved)
		}
		return oscartest.Answer
	}
	armed.Store(true)
	a.start()
	if synced := nextOut[*client.BuddyListSynced](a); !hasChange(synced.Up, buddylist.BuddyAdded, "rz250") {
		t.Fatalf("the upload: %s", client.Text(synced))
	}
	a.stop()
	armed.Store(false)
	saved := snapshot.Load()
	if saved == nil {
		t.Fatal("the server never got an insert")
	}
	if err := os.WriteFile(stateFile, *saved, 0o600); err != nil { // kill -9 there
		t.Fatal(err)
	}

	if err := os.WriteFile(a.cfg, []byte("buddies:\n  - group: Friends\n    names: [Lab Bob]\n  - group: Rz\n    names: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.start()
	synced := nextOut[*client.BuddyListSynced](a)
	if hasChange(synced.Down, buddylist.BuddyAdded, "rz001") || !hasChange(synced.Up, buddylist.BuddyRemoved, "rz001") {
		t.Errorf("the sync after the removals: %s", client.Text(synced))
	}
	a.stop()
	if got := a.buddies(); len(got["Rz"]) != 0 {
		t.Errorf("config file: %d buddies in Rz, want none", len(got["Rz"]))
	}
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer sess.Logout(context.WithoutCancel(t.Context()))
	if l, _ := sess.Feedbag().List(); l.Len() != 1 {
		t.Errorf("the server's list has %d buddies, want Lab Bob alone", l.Len())
	}
}

// TestUnwritableGroupIsSkipped: a server group whose name has a line
// break, which the config file cannot hold, is left out of the file with
// a note saying what and why; the server's other changes still come down,
// and the buddy in that group stays on the server, sync after sync.
func TestUnwritableGroupIsSkipped(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	insertItems(t, srv,
		oscar.FeedbagItem{Class: oscar.FeedbagClassGroup, TLVs: order(1, 2)},
		oscar.FeedbagItem{Name: "Work\nStuff", GroupID: 1, Class: oscar.FeedbagClassGroup, TLVs: order(1)},
		oscar.FeedbagItem{Name: "palx", GroupID: 1, ItemID: 1, Class: oscar.FeedbagClassBuddy},
		oscar.FeedbagItem{Name: "Friends", GroupID: 2, Class: oscar.FeedbagClassGroup, TLVs: order(2)},
		oscar.FeedbagItem{Name: "paly", GroupID: 2, ItemID: 2, Class: oscar.FeedbagClassBuddy})
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	for range 2 {
		a.start()
		synced := nextOut[*client.BuddyListSynced](a)
		a.stop()
		if synced.Error != "" || len(synced.Notes) != 1 || !strings.Contains(synced.Notes[0], "palx") ||
			!strings.Contains(synced.Notes[0], `"Work\nStuff"`) || !strings.Contains(synced.Notes[0], "kept on the server") {
			t.Errorf("sync: %s", client.Text(synced))
		}
		if got := a.buddies(); !slices.Equal(got["Friends"], []string{"paly"}) || len(got) != 1 {
			t.Errorf("config file: %v, want paly in Friends", got)
		}
		if hasChange(synced.Up, buddylist.BuddyRemoved, "palx") {
			t.Errorf("sync: %s", client.Text(synced))
		}
	}
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer sess.Logout(context.WithoutCancel(t.Context()))
	if l, _ := sess.Feedbag().List(); l.Len() != 2 {
		t.Errorf("the server's list: %+v, want palx and paly", l)
	}
}

// TestBuddyInTwoGroupsLeftAlone: a buddy another client listed in two
// groups comes down in the first; its entry in the other group stays on
// the server, sync after sync, and the user is told so once, in words.
func TestBuddyInTwoGroupsLeftAlone(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	insertItems(t, srv,
		oscar.FeedbagItem{Class: oscar.FeedbagClassGroup, TLVs: order(1, 2)},
		oscar.FeedbagItem{Name: "GroupA", GroupID: 1, Class: oscar.FeedbagClassGroup, TLVs: order(1)},
		oscar.FeedbagItem{Name: "GroupB", GroupID: 2, Class: oscar.FeedbagClassGroup, TLVs: order(2)},
		oscar.FeedbagItem{Name: "labbob", GroupID: 1, ItemID: 1, Class: oscar.FeedbagClassBuddy},
		oscar.FeedbagItem{Name: "labbob", GroupID: 2, ItemID: 2, Class: oscar.FeedbagClassBuddy})
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start()
	synced := nextOut[*client.BuddyListSynced](a)
	if len(synced.Up) != 0 || !hasChange(synced.Down, buddylist.BuddyAdded, "labbob") || len(synced.Notes) != 1 ||
		!strings.Contains(synced.Notes[0], "labbob is also in the group GroupB on the server") {
		t.Errorf("first sync: %s", client.Text(synced))
	}
	if err := a.c.Exec(t.Context(), 1, "add LabCarol GroupA", true); err != nil {
		t.Fatal(err)
	}
	synced = nextOut[*client.BuddyListSynced](a)
	if len(synced.Notes) != 0 || hasChange(synced.Up, buddylist.GroupRemoved, "GroupB") {
		t.Errorf("the sync of an add: %s", client.Text(synced))
	}
	a.stop()
	if got := a.buddies(); !slices.Equal(got["GroupA"], []string{"labbob", "LabCarol"}) || len(got) != 1 {
		t.Errorf("config file: %v", got)
	}
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer sess.Logout(context.WithoutCancel(t.Context()))
	var groups []uint16
	for _, it := range sess.Feedbag().Items() {
		if it.Class == oscar.FeedbagClassBuddy && it.Name == "labbob" {
			groups = append(groups, it.GroupID)
		}
	}
	if slices.Sort(groups); !slices.Equal(groups, []uint16{1, 2}) {
		t.Errorf("labbob's entries on the server are in groups %v, want 1 and 2", groups)
	}
}

// TestSyncFollowsSignedOn: the signon's sync result never comes before
// "signed on". It did, now and then, when the sync was asked for before
// the session's first event went out and answered first (TestDemo saw it
// under load).
func TestSyncFollowsSignedOn(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2025)
	a := newMachine(t, srv, "")
	for i := range 10 {
		// a buddy more each time, so that each sync has news
		text := fmt.Sprintf("buddies:\n  - group: Lab\n    names: [Pal%d]\n", i)
		if err := os.WriteFile(a.cfg, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		a.start()
		nextOut[*client.BuddyListSynced](a)
		if _, ok := a.kept[0].(*client.SignedOn); !ok {
			t.Fatalf("first output %T (%s), want *client.SignedOn", a.kept[0], client.Text(a.kept[0]))
		}
		a.stop()
	}
}

// TestAwayCommandNotReappliedFromFile: aim set-away sets the away message
// in the running session and saves it to the config file; the file's
// follower must not set it again (a second 02,04, fanned out to every
// watcher) nor report the command's own edit as a change of the file.
func TestAwayCommandNotReappliedFromFile(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2025)
	m := newMachine(t, srv, "screen_name: LabAlice\n")
	m.start()
	nextOut[*client.SignedOn](m)
	setInfos := func() (n int) {
		for _, f := range srv.Sent("LabAlice") {
			var si oscar.SetInfo
			if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeSetInfo &&
				si.Decode(s.Body) == nil && si.HasAway {
				n++
			}
		}
		return n
	}
	before := setInfos()
	if err := m.c.Exec(t.Context(), 1, "away At lunch", true); err != nil {
		t.Fatal(err)
	}
	if r := nextOut[*client.Result](m); !r.OK {
		t.Fatalf("away: %+v", r)
	}
	// What set-away writes, then an edit of someone else's to know the
	// follower has read the file.
	if err := os.WriteFile(m.cfg, []byte("screen_name: LabAlice\naway: At lunch\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.cfg, []byte("screen_name: LabAlice\naway: At lunch\nbuddies:\n  - group: Buddies\n    names: [LabBob]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for {
		ev := nextOut[*client.ConfigApplied](m)
		if ev.Away {
			t.Errorf("the follower reported the command's own edit: %+v", ev)
		}
		if len(ev.Added) > 0 {
			break
		}
	}
	// A round trip: the server has read every frame sent before it.
	if err := m.c.Exec(t.Context(), 2, "info LabAlice", true); err != nil {
		t.Fatal(err)
	}
	nextOut[*client.Result](m)
	if n := setInfos() - before; n != 1 {
		t.Errorf("%d 02,04 with the away message after the command, want 1", n)
	}
}

// TestBlockUnderAllowAll, on both releases: with the privacy mode allow-all
// (set by another client, say), blocking a user switches the mode to
// block-deny, on the server too, and says so: the blocked user's IMs no
// longer arrive. Unblocking someone who is not blocked says that.
func TestBlockUnderAllowAll(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := listServer(t, rel)
			a := newMachine(t, srv, "screen_name: LabAlice\nprivacy: allow-all\n")
			a.start()
			nextOut[*client.BuddyListSynced](a) // the mode went up
			if err := a.c.Exec(t.Context(), 1, `unblock "Lab Bob"`, true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](a); !r.OK || !r.Unchanged || r.Summary != "Lab Bob is not blocked (privacy allow-all)" {
				t.Errorf("unblock of someone not blocked: %+v", r)
			}
			if err := a.c.Exec(t.Context(), 2, `block "Lab Bob"`, true); err != nil {
				t.Fatal(err)
			}
			if r := nextOut[*client.Result](a); !r.OK || r.Summary != "Lab Bob is blocked (privacy now block-deny, was allow-all)" {
				t.Errorf("block: %+v", r)
			}
			if cfg := a.load(); cfg.Privacy != config.PrivacyBlockDeny || !slices.Equal(cfg.Blocked, []string{"Lab Bob"}) {
				t.Errorf("config file: privacy %q, blocked %q", cfg.Privacy, cfg.Blocked)
			}
			bobIsRefused(t, srv)
			a.stop()
			noIMs(t, a)
		})
	}
}

// bobIsRefused signs Lab Bob on (until the test ends) and sends LabAlice,
// who blocks him, an IM: the server must refuse it.
func bobIsRefused(t *testing.T, srv *oscartest.Server) {
	t.Helper()
	bob := bosSession(t, srv, "Lab Bob", "bobpass22", false)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		bob.Logout(ctx)
	})
	var refused *bos.RequestError
	if err := bob.SendIM(t.Context(), "LabAlice", "hi"); !errors.As(err, &refused) {
		t.Errorf("an IM from a blocked user: %v, want refused", err)
	}
}

// noIMs fails if m's client emitted an IM.
func noIMs(t *testing.T, m *machine) {
	t.Helper()
	for _, o := range m.kept {
		if im, ok := o.(*client.IM); ok {
			t.Errorf("an IM from a blocked user arrived: %+v", im)
		}
	}

}

// TestSessionWithoutBuddiesKeepsTheList: a session with no config file and
// no buddies given (the session of one command, aim info --no-session) has
// no opinion of the server's list: its sync neither wipes it nor drops its
// empty groups, though it shares the state directory (the last synced
// list) with the account's usual session; one given buddies keeps the
// groups too.
func TestSessionWithoutBuddiesKeepsTheList(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	insertItems(t, srv,
		oscar.FeedbagItem{Class: oscar.FeedbagClassGroup, TLVs: order(1, 2)},
		oscar.FeedbagItem{Name: "Friends", GroupID: 1, Class: oscar.FeedbagClassGroup, TLVs: order(1)},
		oscar.FeedbagItem{Name: "Empty", GroupID: 2, Class: oscar.FeedbagClassGroup},
		oscar.FeedbagItem{Name: "Lab Bob", GroupID: 1, ItemID: 1, Class: oscar.FeedbagClassBuddy})
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start() // the usual session: the config file takes the server's list, the state is saved
	nextOut[*client.BuddyListSynced](a)
	a.stop()
	for _, buddies := range [][]string{nil, {"Lab Bob"}} {
		c, err := client.Start(t.Context(), client.Options{Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
			Password: secret.String("alicepw1"), Method: login.MD5, StateDir: a.state, Buddies: buddies}})
		if err != nil {
			t.Fatal(err)
		}
		c.Stop()
		c.Wait() // after the signon's sync
		sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
		l, _ := sess.Feedbag().List()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		sess.Logout(ctx)
		srv.WaitOffline(ctx, "LabAlice")
		cancel()
		want := []buddylist.Group{{Name: "Friends", Buddies: []string{"labbob"}}, {Name: "Empty", Buddies: nil}}
		if len(l.Groups) != 2 || l.Groups[0].Name != "Friends" || len(l.Groups[0].Buddies) != 1 || l.Groups[1].Name != "Empty" || len(l.Groups[1].Buddies) != 0 {
			t.Errorf("buddies %q: the server's list is %+v, want %+v", buddies, l.Groups, want)
		}
	}
}
