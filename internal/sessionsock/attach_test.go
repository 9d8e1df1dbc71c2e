package sessionsock

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// waitGuard bounds each wait for an event, so that a broken session fails
// the test instead of hanging it. It is not a speed assertion.
const waitGuard = 10 * time.Second

// outputs is what a session emits, for the test to wait on.
type outputs chan client.Output

// next returns the first output o matches, failing after waitGuard.
func (ch outputs) next(t *testing.T, match func(client.Output) bool) client.Output {
	t.Helper()
	timeout := time.After(waitGuard)
	for {
		select {
		case o := <-ch:
			if match(o) {
				return o
			}
		case <-timeout:
			t.Fatal("the awaited output did not come")
			return nil
		}
	}
}

// attachedSession runs LabAlice's session with its socket in a temporary
// directory, with the config file text, and returns its client, what it
// emits, and the socket's path.
func attachedSession(t *testing.T, srv *oscartest.Server, configText string) (*client.Client, outputs, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("server: "+srv.AuthAddr()+"\n"+configText), 0o600); err != nil {
		t.Fatal(err)
	}
	load := func() (*config.Config, error) {
		return config.Load(config.Options{Path: path, Env: func(string) (string, bool) { return "", false }})
	}
	cfg, err := load()
	if err != nil {
		t.Fatal(err)
	}
	dirs := control.Dirs{Runtime: filepath.Join(dir, "run"), RunUser: filepath.Join(dir, "none"), Temp: dir}
	if err := os.Mkdir(dirs.Runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	sock, _, err := Listen(dirs, "", "LabAlice", "")
	if err != nil || sock == nil {
		t.Fatalf("Listen: %v, %v", sock, err)
	}
	out := make(outputs, 1024)
	a, err := client.NewAccount(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.Password, a.StateDir = secret.String("alicepw1"), filepath.Join(dir, "state")
	c, err := client.Start(t.Context(), client.Options{Account: a, Config: cfg, Reload: load,
		Emit: func(o client.Output) { sock.Emit(o); out <- o }})
	if err != nil {
		sock.Finish(err)
		t.Fatal(err)
	}
	sock.Started(c)
	t.Cleanup(func() {
		c.Stop()
		sock.Finish(c.Wait())
	})
	sockPath, err := control.Find(dirs, "LabAlice")
	if err != nil {
		t.Fatal(err)
	}
	return c, out, sockPath
}

// follower is one client of the socket following the events: each line
// it gets, in order.
type follower chan json.RawMessage

// follow attaches to the session at path and follows its events until the
// test ends.
func follow(t *testing.T, path string) follower {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	c, err := control.Dial(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	f := make(follower, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Do(ctx, client.CommandEvents, []string{"follow"}, func(rep control.Reply) error {
			f <- rep.Body
			return nil
		})
	}()
	t.Cleanup(func() { cancel(); c.Close(); <-done })
	return f
}

// next returns the next line of type typ, skipping others, failing after
// waitGuard.
func (f follower) next(t *testing.T, typ string) json.RawMessage {
	t.Helper()
	timeout := time.After(waitGuard)
	for {
		select {
		case line := <-f:
			var h client.Head
			if err := json.Unmarshal(line, &h); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			if h.Type == typ {
				return line
			}
		case <-timeout:
			t.Fatalf("no %s line", typ)
			return nil
		}
	}
}

// signOnPeer signs name on with a classic session that follows nobody.
func signOnPeer(t *testing.T, srv *oscartest.Server, name, password string) *bos.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitGuard)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: name, Password: secret.String(password), Method: login.MD5})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := bos.Connect(t.Context(), bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitOnline(ctx, name); err != nil { // 01,02 handled
		t.Fatal(err)
	}
	go func() {
		for range sess.Events() {
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitGuard)
		defer cancel()
		sess.Logout(ctx)
	})
	return sess
}

// TestAttachSnapshot: a client attaching to the running session gets, as
// the first line of events follow, everything it needs to draw: the
// screen name as the server formats it, not reconnecting, the buddy list
// in groups in the server's order with the state of each buddy online
// (away, idle, signon time), the rooms with their members; then every
// event. Two followers at once each get all of it.
func TestAttachSnapshot(t *testing.T) {
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"},
		oscartest.Account{ScreenName: "LabCarol", Password: "carolpw3"})
	t.Cleanup(srv.Close)
	srv.AddRoomBot("Lab Lounge", "LoungeBot", func(from, text string) string { return "" })
	c, out, path := attachedSession(t, srv,
		"screen_name: labalice\nbuddies:\n  - group: Work\n    names: [LabCarol]\n  - group: Friends\n    names: [Lab Bob]\n")
	out.next(t, func(o client.Output) bool { _, ok := o.(*client.BuddyListSynced); return ok })

	bob := signOnPeer(t, srv, "Lab Bob", "bobpass22")
	if err := bob.SetIdle(t.Context(), 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	out.next(t, func(o client.Output) bool { b, ok := o.(*client.BuddyOnline); return ok && b.IdleMinutes == 3 })
	if err := bob.SetAway(t.Context(), "out to lunch"); err != nil {
		t.Fatal(err)
	}
	out.next(t, func(o client.Output) bool { b, ok := o.(*client.BuddyOnline); return ok && b.Away })
	if r := c.Do(t.Context(), client.CmdJoin, []string{"Lab Lounge"}, true); !r.OK {
		t.Fatalf("join: %+v", r)
	}

	f1, f2 := follow(t, path), follow(t, path)
	for i, f := range []follower{f1, f2} {
		var st client.Result
		if err := json.Unmarshal(f.next(t, "result"), &st); err != nil {
			t.Fatal(err)
		}
		if st.Command != client.CommandStatus || st.Name != "LabAlice" || st.Reconnecting == nil || *st.Reconnecting || st.SignonTime.IsZero() {
			t.Errorf("follower %d: status %+v, want LabAlice signed on, not reconnecting", i, st)
		}
		wantGroups := []config.BuddyGroup{{Group: "Work", Names: []string{"LabCarol"}}, {Group: "Friends", Names: []string{"Lab Bob"}}}
		if !reflect.DeepEqual(st.Groups, wantGroups) {
			t.Errorf("follower %d: groups %+v, want %+v", i, st.Groups, wantGroups)
		}
		if st.BuddyList == nil || len(st.Buddies) != 1 {
			t.Fatalf("follower %d: buddies %+v, want Lab Bob alone", i, st.BuddyList)
		}
		if b := st.Buddies[0]; b.Name != "Lab Bob" || !b.Away || b.IdleMinutes != 3 || b.SignonTime.IsZero() {
			t.Errorf("follower %d: Lab Bob is %+v, want away, idle 3 minutes, with a signon time", i, b)
		}
		if st.RoomList == nil || !slices.Equal(st.Rooms, []string{"Lab Lounge"}) ||
			!slices.Contains(st.RoomMembers["Lab Lounge"], "LoungeBot") || !slices.Contains(st.RoomMembers["Lab Lounge"], "LabAlice") {
			t.Errorf("follower %d: rooms %+v, want Lab Lounge with LabAlice and LoungeBot", i, st.RoomList)
		}
	}

	// Then the events, to both: typing, an IM.
	if err := bob.SendTyping(t.Context(), "LabAlice", bos.TypingStarted); err != nil {
		t.Fatal(err)
	}
	if err := bob.SendIM(t.Context(), "LabAlice", "back now"); err != nil {
		t.Fatal(err)
	}
	for i, f := range []follower{f1, f2} {
		var ty client.Typing
		if err := json.Unmarshal(f.next(t, "typing"), &ty); err != nil || ty.From != "Lab Bob" || ty.State != "typing" {
			t.Errorf("follower %d: typing %+v, %v", i, ty, err)
		}
		var im client.IM
		if err := json.Unmarshal(f.next(t, "im"), &im); err != nil || im.From != "Lab Bob" || im.Text != "back now" {
			t.Errorf("follower %d: im %+v, %v", i, im, err)
		}
	}
}
