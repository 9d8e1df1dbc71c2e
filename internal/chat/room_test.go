package chat_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

var accounts = []oscartest.Account{
	{ScreenName: "LabAlice", Password: "alicepw1"},
	{ScreenName: "Lab Bob", Password: "bobpass22"},
}

// hangGuard bounds each wait so a broken client fails the test instead of
// hanging it. It is not a speed assertion.
const hangGuard = 10 * time.Second

func startServer(t *testing.T, configure func(*oscartest.Server)) *oscartest.Server {
	t.Helper()
	srv := oscartest.NewUnstartedServer(accounts...)
	if configure != nil {
		configure(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// signOn logs name in and returns its BOS session, whose events a
// goroutine of the test drains until the session ends.
func signOn(t *testing.T, srv *oscartest.Server, name string) *bos.Session {
	t.Helper()
	var pw string
	for _, a := range accounts {
		if a.ScreenName == name {
			pw = a.Password
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: name, Password: secret.String(pw)})
	if err != nil {
		t.Fatalf("Authorize(%s): %v", name, err)
	}
	sess, err := bos.Connect(context.Background(), bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName, MultiConn: res.MultiConn})
	if err != nil {
		t.Fatalf("Connect(%s): %v", name, err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range sess.Events() {
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
		defer cancel()
		sess.Logout(ctx)
		wg.Wait()
	})
	return sess
}

// openNav opens sess's chat navigation connection.
func openNav(t *testing.T, sess *bos.Session) *chat.Nav {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	rep, err := sess.RequestService(ctx, oscar.FamilyChatNav, nil)
	if err != nil {
		t.Fatalf("RequestService(chat navigation): %v", err)
	}
	nav, err := chat.OpenNav(context.Background(), chat.Options{Addr: rep.Address, Cookie: secret.Bytes(rep.Cookie)})
	if err != nil {
		t.Fatalf("OpenNav: %v", err)
	}
	t.Cleanup(func() { closeWithin(t, nav.Close) })
	return nav
}

func closeWithin(t *testing.T, f func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := f(ctx); err != nil {
		t.Errorf("closing: %v", err)
	}
}

// findRoom creates or finds a room on exchange 4.
func findRoom(t *testing.T, nav *chat.Nav, name string) oscar.RoomInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	info, err := nav.Room(ctx, oscar.ExchangeUser, name)
	if err != nil {
		t.Fatalf("Nav.Room(%q): %v", name, err)
	}
	return info
}

// join joins room with sess and returns the room and its *Joined event.
func join(t *testing.T, sess *bos.Session, room oscar.RoomRef, opts chat.Options) (*chat.Room, *chat.Joined) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	rep, err := sess.RequestService(ctx, oscar.FamilyChat, &room)
	if err != nil {
		t.Fatalf("RequestService(%+v): %v", room, err)
	}
	opts.Addr, opts.Cookie = rep.Address, secret.Bytes(rep.Cookie)
	r, err := chat.Join(context.Background(), opts)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	t.Cleanup(func() {
		closeWithin(t, r.Leave)
		for range r.Events() { // drain what is left
		}
	})
	return r, next[*chat.Joined](t, r)
}

// next returns the room's next event, which must be a T.
func next[T chat.Event](t *testing.T, r *chat.Room) T {
	t.Helper()
	select {
	case ev, ok := <-r.Events():
		if !ok {
			t.Fatal("the room's events ended")
		}
		got, ok := ev.(T)
		if !ok {
			var want T
			t.Fatalf("got %T %+v, want %T", ev, ev, want)
		}
		return got
	case <-time.After(hangGuard):
		var want T
		t.Fatalf("no %T within %v", want, hangGuard)
	}
	panic("unreachable")
}

// TestRoom: two users find one room by differently cased names, see each
// other arrive, exchange a UTF-8 message intact, and one leaves with the
// zero-length channel 4 while its BOS session goes on.
func TestRoom(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bobLogouts int
	srv := startServer(t, func(s *oscartest.Server) {
		s.Intercept = func(e oscartest.Event) oscartest.Action {
			if e.ScreenName == "Lab Bob" && e.Frame.Channel == oscar.ChannelSignoff && len(e.Frame.Payload) == 0 {
				mu.Lock()
				bobLogouts++
				mu.Unlock()
			}
			return oscartest.Answer
		}
	})
	alice, bob := signOn(t, srv, "LabAlice"), signOn(t, srv, "Lab Bob")
	room := findRoom(t, openNav(t, alice), "Lab Lounge")
	if again := findRoom(t, openNav(t, bob), "lab lounge"); again.RoomRef != room.RoomRef || again.Name() != "Lab Lounge" {
		t.Errorf("lab lounge = %+v, want %+v", again.RoomRef, room.RoomRef)
	}

	ar, joined := join(t, alice, room.RoomRef, chat.Options{})
	if joined.Room != "Lab Lounge" || !reflect.DeepEqual(joined.Members, []string{"LabAlice"}) {
		t.Errorf("Alice's Joined = %+v", joined)
	}
	if ar.MaxMessageLen() != 1024 || ar.Name() != "Lab Lounge" {
		t.Errorf("MaxMessageLen %d, Name %q", ar.MaxMessageLen(), ar.Name())
	}
	br, joined := join(t, bob, room.RoomRef, chat.Options{})
	if !reflect.DeepEqual(joined.Members, []string{"LabAlice", "Lab Bob"}) {
		t.Errorf("Bob's Joined = %+v", joined)
	}
	if ev := next[*chat.MemberJoined](t, ar); ev.Name != "Lab Bob" {
		t.Errorf("Alice saw %q arrive", ev.Name)
	}
	if got := ar.Members(); !reflect.DeepEqual(got, []string{"LabAlice", "Lab Bob"}) {
		t.Errorf("Alice's Members = %q", got)
	}

	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	if err := ar.Say(ctx, "<b>héllo</b> 漢字"); err != nil {
		t.Fatal(err)
	}
	msg := next[*chat.Message](t, br)
	if msg.From != "LabAlice" || msg.HTML != "<b>héllo</b> 漢字" || msg.Text != "héllo 漢字" || msg.Charset != "unicode-2-0" || msg.Self {
		t.Errorf("Bob got %+v", msg)
	}

	if err := br.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	if ev := next[*chat.Left](t, br); ev.Err != nil || ev.Reason != bos.ReasonLogout {
		t.Errorf("Bob's Left = %+v", ev)
	}
	if ev := next[*chat.MemberLeft](t, ar); ev.Name != "Lab Bob" {
		t.Errorf("Alice saw %q leave", ev.Name)
	}
	mu.Lock()
	n := bobLogouts
	mu.Unlock()
	if n != 1 || !srv.Online("Lab Bob") {
		t.Errorf("Bob sent %d zero-length channel-4 frames, online %v; want 1, still online", n, srv.Online("Lab Bob"))
	}
	if got := srv.RoomMembers(room.Cookie); !reflect.DeepEqual(got, []string{"LabAlice"}) {
		t.Errorf("the server's room holds %q", got)
	}
}

// TestSay: a message over the room's limit is refused before sending; with
// Echo the sender gets its own copy.
func TestSay(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	alice, bob := signOn(t, srv, "LabAlice"), signOn(t, srv, "Lab Bob")
	room := findRoom(t, openNav(t, alice), "Lab Lounge")
	ar, _ := join(t, alice, room.RoomRef, chat.Options{Echo: true})
	br, _ := join(t, bob, room.RoomRef, chat.Options{})
	next[*chat.MemberJoined](t, ar)

	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	var tooLong *limits.TooLongError
	if err := ar.Say(ctx, strings.Repeat("a", 1025)); !errors.As(err, &tooLong) || tooLong.Len != 1025 || tooLong.Limit != 1024 {
		t.Errorf("Say(1025 bytes) = %v, want a *limits.TooLongError", err)
	}
	if err := ar.Say(ctx, strings.Repeat("漢", 513)); !errors.As(err, &tooLong) || tooLong.Len != 1026 {
		t.Errorf("Say(513 CJK = 1026 bytes of UCS-2) = %v, want a *limits.TooLongError", err)
	}
	if err := ar.Say(ctx, strings.Repeat("a", 1024)); err != nil {
		t.Fatal(err)
	}
	// Bob's next message is the one that went: the refused ones never did.
	if msg := next[*chat.Message](t, br); len(msg.HTML) != 1024 || msg.Self {
		t.Errorf("Bob got %d bytes (self %v)", len(msg.HTML), msg.Self)
	}
	if msg := next[*chat.Message](t, ar); !msg.Self || msg.From != "LabAlice" || len(msg.HTML) != 1024 {
		t.Errorf("Alice's echo = %+v", msg)
	}
}

// TestNavRefused: a name not on exchange 5 is a *bos.RequestError and the
// connection goes on.
func TestNavRefused(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	nav := openNav(t, alice)
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	_, err := nav.Room(ctx, oscar.ExchangePublic, "Nowhere")
	var refused *bos.RequestError
	if !errors.As(err, &refused) || refused.Code != oscar.ErrCodeNoMatch {
		t.Errorf("Room(exchange 5, Nowhere) = %v, want a *bos.RequestError 0x0014", err)
	}
	srv.AddPublicRoom("Lobby")
	if info, err := nav.Room(ctx, oscar.ExchangePublic, "lobby"); err != nil || info.Cookie != "5-0-Lobby" {
		t.Errorf("Room(exchange 5, lobby) = %+v, %v", info.RoomRef, err)
	}
}

// TestRoomEndsWithBOS: the BOS session's end ends the room with the bare
// channel-4 header, an unexplained close (README fact 54).
func TestRoomEndsWithBOS(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	room := findRoom(t, openNav(t, alice), "Lab Lounge")
	ar, _ := join(t, alice, room.RoomRef, chat.Options{})
	closeWithin(t, alice.Logout)
	ev := next[*chat.Left](t, ar)
	var closed *bos.ClosedError
	if !errors.As(ev.Err, &closed) || ev.Reason != bos.ReasonUnexplained {
		t.Errorf("Left = %+v, want an unexplained *bos.ClosedError", ev)
	}
	<-ar.Done()
	if err := ar.Err(); !errors.As(err, &closed) {
		t.Errorf("Err = %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	if err := ar.Say(ctx, "hi"); !errors.Is(err, bos.ErrClosed) {
		t.Errorf("Say after the end = %v, want bos.ErrClosed", err)
	}
}

// TestJoinContext: the end of Join's context leaves the room.
func TestJoinContext(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	room := findRoom(t, openNav(t, alice), "Lab Lounge")
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	rep, err := alice.RequestService(ctx, oscar.FamilyChat, &room.RoomRef)
	if err != nil {
		t.Fatal(err)
	}
	life, end := context.WithCancel(context.Background())
	r, err := chat.Join(life, chat.Options{Addr: rep.Address, Cookie: secret.Bytes(rep.Cookie)})
	if err != nil {
		t.Fatal(err)
	}
	next[*chat.Joined](t, r)
	end()
	if ev := next[*chat.Left](t, r); ev.Err != nil {
		t.Errorf("Left = %+v, want a plain leave", ev)
	}
	if _, ok := <-r.Events(); ok {
		t.Error("events after Left")
	}
}
