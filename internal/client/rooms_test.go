package client_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// hangGuard bounds each wait so a broken client fails the test instead of
// hanging it. It is not a speed assertion.
const hangGuard = 10 * time.Second

var chatAccounts = []oscartest.Account{
	{ScreenName: "LabAlice", Password: "alicepw1"},
	{ScreenName: "Lab Bob", Password: "bobpass22"},
}

// stream is what a client emits. next takes outputs from it in any order:
// each one is taken once.
type stream struct {
	mu      sync.Mutex
	all     []client.Output
	taken   []bool
	changed chan struct{} // closed and replaced at each output
}

func newStream() *stream { return &stream{changed: make(chan struct{})} }

func (s *stream) add(o client.Output) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = append(s.all, o)
	s.taken = append(s.taken, false)
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *stream) kinds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var k []string
	for _, o := range s.all {
		k = append(k, o.Kind())
	}
	return k
}

// next takes the first output not taken yet of type T for which ok holds
// (nil: any), waiting for it.
func next[T client.Output](t *testing.T, s *stream, ok func(T) bool) T {
	t.Helper()
	timeout := time.NewTimer(hangGuard)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		for i, o := range s.all {
			if x, is := o.(T); is && !s.taken[i] && (ok == nil || ok(x)) {
				s.taken[i] = true
				s.mu.Unlock()
				return x
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timeout.C:
			var zero T
			t.Fatalf("no %T came; outputs: %v", zero, s.kinds())
			return zero
		}
	}
}

func resultOf(cmd string) func(*client.Result) bool {
	return func(r *client.Result) bool { return r.Command == cmd }
}

// startTCP signs name on to srv over TCP.
func startTCP(t *testing.T, srv *oscartest.Server, name string, configure func(*client.Options)) (*client.Client, *stream) {
	t.Helper()
	var pw string
	for _, a := range chatAccounts {
		if a.ScreenName == name {
			pw = a.Password
		}
	}
	s := newStream()
	opts := client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: name, Password: secret.String(pw)},
		Emit:    s.add,
	}
	if configure != nil {
		configure(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c, err := client.Start(ctx, opts)
	if err != nil {
		cancel()
		t.Fatalf("Start(%s): %v", name, err)
	}
	t.Cleanup(func() { cancel(); c.Wait() })
	// Start returns once the client ready is sent; the server takes it
	// on a goroutine of its own. An IM sent to name next needs it online
	// there ("Lab Bob is not signed on" otherwise).
	wctx, wcancel := context.WithTimeout(t.Context(), hangGuard)
	defer wcancel()
	if err := srv.WaitOnline(wctx, name); err != nil {
		t.Fatalf("%s online at the server: %v", name, err)
	}
	return c, s
}

func exec(t *testing.T, c *client.Client, line string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	c.Exec(ctx, 0, line, true)
}

// TestTwoClientsChat is issue 16's acceptance run against the in-process
// server: two accounts join one room by differently cased names, see each
// other arrive, exchange a UTF-8 message intact, invite, and leave.
func TestTwoClientsChat(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	serverLog := &lockedBuffer{}
	srv.Logf = func(format string, args ...any) { fmt.Fprintf(serverLog, format+"\n", args...) }
	srv.Start()
	t.Cleanup(srv.Close)
	alice, aout := startTCP(t, srv, "LabAlice", nil)
	bob, bout := startTCP(t, srv, "Lab Bob", nil)

	exec(t, alice, "join Lab Lounge")
	if r := next(t, aout, resultOf("join")); !r.OK || r.Room != "Lab Lounge" {
		t.Fatalf("join: %+v", r)
	}
	if j := next[*client.ChatJoined](t, aout, nil); j.Room != "Lab Lounge" || !slices.Equal(j.Members, []string{"LabAlice"}) {
		t.Errorf("alice's chat_joined = %+v", j)
	}
	exec(t, bob, `join "LAB lounge"`)
	if j := next[*client.ChatJoined](t, bout, nil); j.Room != "Lab Lounge" || !slices.Equal(j.Members, []string{"LabAlice", "Lab Bob"}) {
		t.Errorf("bob's chat_joined = %+v, want the room as first named with both members", j)
	}
	if m := next[*client.ChatMember](t, aout, nil); m.Kind() != "chat_member_joined" || m.Name != "Lab Bob" || m.Room != "Lab Lounge" {
		t.Errorf("alice saw %s %+v", m.Kind(), m)
	}

	// Text goes out as typed, as an IM's does: markup escaped.
	exec(t, bob, "say lab LOUNGE héllo 漢字 <b>&amp;</b> 1 < 2")
	if r := next(t, bout, resultOf("say")); !r.OK {
		t.Fatalf("say: %+v", r)
	}
	msg := next[*client.ChatMessage](t, aout, nil)
	if msg.From != "Lab Bob" || msg.Room != "Lab Lounge" || msg.Text != "héllo 漢字 <b>&amp;</b> 1 < 2" ||
		msg.HTML != "héllo 漢字 &lt;b&gt;&amp;amp;&lt;/b&gt; 1 &lt; 2" {
		t.Errorf("alice got %+v", msg)
	}
	// --html sends markup as it is, as the html command does for an IM.
	exec(t, bob, "say --html lab LOUNGE héllo <b>&amp;</b>")
	if r := next(t, bout, resultOf("say")); !r.OK {
		t.Fatalf("say --html: %+v", r)
	}
	if msg := next[*client.ChatMessage](t, aout, nil); msg.Text != "héllo &" || msg.HTML != "héllo <b>&amp;</b>" {
		t.Errorf("alice got %+v", msg)
	}

	// Latin-1 text goes as iso-8859-1, and is decoded by that name.
	exec(t, alice, "say Lab Lounge café crème")
	if m := next[*client.ChatMessage](t, bout, nil); m.Text != "café crème" || m.From != "LabAlice" {
		t.Errorf("bob got %+v", m)
	}

	exec(t, alice, "members lab lounge")
	if r := next(t, aout, resultOf("members")); !r.OK || !slices.Equal(r.Members, []string{"LabAlice", "Lab Bob"}) {
		t.Errorf("members: %+v", r)
	}
	exec(t, alice, "rooms")
	if r := next(t, aout, resultOf("rooms")); r.RoomList == nil || !slices.Equal(r.Rooms, []string{"Lab Lounge"}) {
		t.Errorf("rooms: %+v", r)
	}
	// status says so too, in words as in JSON.
	exec(t, alice, "status")
	if r := next(t, aout, resultOf("status")); r.RoomList == nil || !strings.Contains(r.Summary, "\n  rooms: Lab Lounge") {
		t.Errorf("status in a room: %+v", r)
	}

	// An invitation to a second room arrives as chat_invite; accept joins.
	exec(t, alice, "join Side Room")
	next[*client.ChatJoined](t, aout, func(j *client.ChatJoined) bool { return j.Room == "Side Room" })
	exec(t, alice, `invite "Lab Bob" "side room" come <b>over</b> & in`)
	if r := next(t, aout, resultOf("invite")); !r.OK {
		t.Fatalf("invite: %+v", r)
	}
	// The text arrives as typed, as an IM's does.
	if inv := next[*client.ChatInvite](t, bout, nil); inv.From != "LabAlice" || inv.Room != "Side Room" || inv.Text != "come <b>over</b> & in" {
		t.Errorf("bob's chat_invite = %+v", inv)
	}
	exec(t, bob, "accept")
	if j := next[*client.ChatJoined](t, bout, nil); j.Room != "Side Room" {
		t.Errorf("accept joined %+v", j)
	}

	exec(t, bob, "leave Lab Lounge")
	if l := next[*client.ChatLeft](t, bout, nil); l.Room != "Lab Lounge" || l.Reason != client.RoomLeft {
		t.Errorf("bob's chat_left = %+v", l)
	}
	if m := next[*client.ChatMember](t, aout, func(m *client.ChatMember) bool { return m.Room == "Lab Lounge" }); !m.Left || m.Name != "Lab Bob" {
		t.Errorf("alice saw %s %+v", m.Kind(), m)
	}

	// Signing off leaves the rooms first: the rooms end as left, not as
	// the misleading frames the server sends after a BOS logout.
	bob.Stop()
	if err := bob.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if l := next[*client.ChatLeft](t, bout, nil); l.Room != "Side Room" || l.Reason != client.RoomLeft {
		t.Errorf("at signoff bob's chat_left = %+v", l)
	}
	next[*client.Disconnected](t, bout, nil)
	if log := serverLog.String(); log != "" {
		t.Errorf("the server logged:\n%s", log)
	}
}

// TestBadRoomInput: bad room names and text too long are results with a
// sentence, and the session goes on.
func TestBadRoomInput(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	alice, aout := startTCP(t, srv, "LabAlice", nil)
	bob, bout := startTCP(t, srv, "Lab Bob", nil)
	for _, tt := range []struct{ line, want string }{
		{"join", "room name is empty"},
		{"join   ", "room name is empty"},
		{"join " + strings.Repeat("x", 101), "longer than 100 bytes"},
		{"say Nowhere hi", `not in a room called "Nowhere"`},
		{"leave Nowhere", `not in a room called "Nowhere"`},
		{"accept", "no invitation"},
	} {
		exec(t, alice, tt.line)
		r := next[*client.Result](t, aout, nil)
		if r.OK || !strings.Contains(r.Error, tt.want) {
			t.Errorf("%q: %+v, want an error with %q", tt.line, r, tt.want)
		}
	}
	exec(t, alice, "join Lounge")
	next[*client.ChatJoined](t, aout, nil)
	exec(t, bob, "join lounge")
	next[*client.ChatJoined](t, bout, nil)
	exec(t, alice, "say Lounge "+strings.Repeat("a", 1025))
	if r := next(t, aout, resultOf("say")); r.OK || !strings.Contains(r.Error, "at most 1024") {
		t.Errorf("a message over the room's limit: %+v", r)
	}
	exec(t, alice, "say Lounge "+strings.Repeat("b", 1024))
	if r := next(t, aout, resultOf("say")); !r.OK {
		t.Errorf("a message at the limit: %+v", r)
	}
	// The long one never reached bob: the first message he gets is the b's.
	if m := next[*client.ChatMessage](t, bout, nil); m.Text != strings.Repeat("b", 1024) {
		t.Errorf("bob got %d bytes: %.20q...", len(m.Text), m.Text)
	}
}

// chatPipeServer is pipeServer with both chat accounts.
func chatPipeServer(t *testing.T) *oscartest.Server {
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.StartPipes()
	t.Cleanup(srv.Close)
	return srv
}

func startPipe(t *testing.T, srv *oscartest.Server, name string, backoff time.Duration) (*client.Client, *outputs) {
	t.Helper()
	var pw string
	for _, a := range chatAccounts {
		if a.ScreenName == name {
			pw = a.Password
		}
	}
	out := &outputs{}
	c, err := client.Start(t.Context(), client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: name,
			Password: secret.String(pw), Dial: srv.Dial},
		Reconnect: true,
		Backoff:   func(int) time.Duration { return backoff },
		Emit:      out.add,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { c.Stop(); c.Wait() })
	return c, out
}

func lastOf[T client.Output](o *outputs) (T, bool) {
	all := o.all()
	for i := len(all) - 1; i >= 0; i-- {
		if x, ok := all[i].(T); ok {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// TestRoomDropRejoinsWithBackoff: a room connection that drops is
// reported and joined again after the backoff, on the same BOS session.
func TestRoomDropRejoinsWithBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := chatPipeServer(t)
		c, out := startPipe(t, srv, "LabAlice", 5*time.Second)
		c.Exec(t.Context(), 1, "join Lounge", true)
		synctest.Wait()
		if n := count[*client.ChatJoined](out); n != 1 {
			t.Fatalf("%d chat_joined; outputs %v", n, out.kinds())
		}
		if n := srv.DropRoomConnections("4-0-Lounge"); n != 1 {
			t.Fatalf("dropped %d connections", n)
		}
		synctest.Wait()
		time.Sleep(2 * time.Second) // the wait for the BOS session to end too
		synctest.Wait()
		dropped := time.Now()
		l, ok := lastOf[*client.ChatLeft](out)
		if !ok || l.Reason != client.RoomConnectionLost || l.Room != "Lounge" {
			t.Fatalf("chat_left = %+v, %v; outputs %v", l, ok, out.kinds())
		}
		time.Sleep(5*time.Second - time.Nanosecond)
		synctest.Wait()
		if n := count[*client.ChatJoined](out); n != 1 {
			t.Fatalf("joined again before the backoff: %v", out.kinds())
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if n := count[*client.ChatJoined](out); n != 2 {
			t.Fatalf("not joined again after the backoff: %v", out.kinds())
		}
		if d := time.Since(dropped); d != 5*time.Second {
			t.Errorf("joined again after %v, want 5s", d)
		}
		if got := srv.RoomMembers("4-0-Lounge"); !slices.Equal(got, []string{"LabAlice"}) {
			t.Errorf("room members %v", got)
		}
		if n := count[*client.Disconnected](out) + count[*client.SignedOn](out); n != 1 {
			t.Errorf("the BOS session was touched: %v", out.kinds())
		}
	})
}

// TestReconnectRejoinsRooms: after the BOS connection is restored, the
// rooms that were joined are joined again, without a chat_left: the
// frames the server ends rooms with when BOS goes are not a kick.
func TestReconnectRejoinsRooms(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := chatPipeServer(t)
		srv.BareKicks = true
		c, out := startPipe(t, srv, "LabAlice", 3*time.Second)
		for _, room := range []string{"Lounge", "Den"} {
			c.Exec(t.Context(), 1, "join "+room, true)
		}
		synctest.Wait()
		srv.Kick("LabAlice") // the BOS session ends the server's way: its rooms get the bare channel 4
		synctest.Wait()
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if n := count[*client.SignedOn](out); n != 2 {
			t.Fatalf("did not sign on again: %v", out.kinds())
		}
		if n := count[*client.ChatLeft](out); n != 0 {
			t.Errorf("a room was reported left: %v", out.kinds())
		}
		for _, cookie := range []string{"4-0-Lounge", "4-0-Den"} {
			if got := srv.RoomMembers(cookie); !slices.Equal(got, []string{"LabAlice"}) {
				t.Errorf("%s: members %v", cookie, got)
			}
		}
		if n := count[*client.ChatJoined](out); n != 4 {
			t.Errorf("%d chat_joined, want 4: %v", n, out.kinds())
		}
	})
}

// TestRestartRejoinsLostRoom: after a restart that lost the rooms, a room
// is found (created again) by name through chat navigation: asking for it
// by its old cookie would end the new BOS session too.
func TestRestartRejoinsLostRoom(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := chatPipeServer(t)
		srv.BareKicks = true
		c, out := startPipe(t, srv, "LabAlice", 3*time.Second)
		c.Exec(t.Context(), 1, "join Lounge", true)
		synctest.Wait()
		srv.Kick("LabAlice")
		synctest.Wait()
		srv.ForgetRooms()
		if got := srv.RoomMembers("4-0-Lounge"); got != nil {
			t.Fatalf("the room is still there: %v", got)
		}
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if got := srv.RoomMembers("4-0-Lounge"); !slices.Equal(got, []string{"LabAlice"}) {
			t.Errorf("members %v; outputs %v", got, out.kinds())
		}
		if n := count[*client.Disconnected](out); n != 1 {
			t.Errorf("%d disconnected, want 1: %v", n, out.kinds())
		}
	})
}

// TestRoomCompletion: tab completes the names of the rooms the account is
// in, quoted when they hold spaces.
func TestRoomCompletion(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	alice, aout := startTCP(t, srv, "LabAlice", nil)
	for _, room := range []string{"Lab Lounge", "Den"} {
		exec(t, alice, "join "+room)
		next(t, aout, resultOf("join"))
	}
	for _, tt := range []struct{ line, want string }{
		{"say la", `say "Lab Lounge" `},
		{`members "lab`, `members "Lab Lounge" `},
		{"leave d", "leave Den "},
		{"leave ", ""}, // two rooms, nothing in common
		{"say Den hel", ""},
		{"send La", ""}, // a buddy, not a room
		{"jo", "join "},
	} {
		got, ok := alice.Complete(tt.line)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Complete(%q) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
	}
	// A second Tab lists the choices: rooms, buddies, commands.
	exec(t, alice, "add LabBob")
	next(t, aout, resultOf("add"))
	exec(t, alice, "add LabCarol")
	next(t, aout, resultOf("add"))
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"leave ", []string{"Den", "Lab Lounge"}},
		{`say "la`, []string{"Lab Lounge"}},
		{"send Lab", []string{"LabBob", "LabCarol"}},
		{"send labc", []string{"LabCarol"}},
		{"bl", []string{"block", "blocked"}},
		{"send LabBob hi", nil},
	} {
		got := alice.Choices(tt.line)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Choices(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// lockedBuffer is a bytes.Buffer for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMalformedRoomSNACSkipped: a room SNAC that does not parse is skipped
// with a note in the debug trace; the room goes on.
func TestMalformedRoomSNACSkipped(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	debug := &lockedBuffer{}
	alice, aout := startTCP(t, srv, "LabAlice", func(o *client.Options) { o.Debug = debug })
	bob, bout := startTCP(t, srv, "Lab Bob", nil)
	exec(t, alice, "join Lounge")
	next[*client.ChatJoined](t, aout, nil)
	exec(t, bob, "join Lounge")
	next[*client.ChatJoined](t, bout, nil)
	// 0E,06: a cookie, channel 3, then two bytes where a TLV should start.
	bad := []byte{0x00, 0x0e, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x03, 0x20, 'x'}
	if err := srv.SendRoomSNAC("4-0-Lounge", "LabAlice", bad); err != nil {
		t.Fatal(err)
	}
	exec(t, bob, "say Lounge still here")
	if m := next[*client.ChatMessage](t, aout, nil); m.Text != "still here" {
		t.Errorf("alice got %+v", m)
	}
	if n := strings.Count(strings.ToLower(debug.String()), "skipped 0e,06"); n != 1 {
		t.Errorf("%d notes of the skipped SNAC in the debug trace:\n%s", n, debug.String())
	}
}

// TestAcceptUnknownRoom: an invitation naming a room the server does not
// know is accepted through chat navigation: a user room is created, a
// public one refused with a sentence; asking BOS for the room by the
// invitation's cookie would have ended the session.
func TestAcceptUnknownRoom(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	t.Cleanup(srv.Close)
	alice, aout := startTCP(t, srv, "LabAlice", nil)
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: "Lab Bob", Password: secret.String("bobpass22")})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := bos.Connect(ctx, bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range bob.Events() {
		}
	}()
	defer bob.Logout(context.Background())

	for _, tt := range []struct {
		ref  chat.Ref
		want string // the error, or "" to join
	}{
		{chat.Ref{Exchange: 4, Cookie: "4-0-Nowhere"}, ""},
		{chat.Ref{Exchange: 5, Cookie: "5-0-Private"}, `the server refused the room name "Private"`},
	} {
		if err := bob.Invite(ctx, "LabAlice", tt.ref, "come"); err != nil {
			t.Fatal(err)
		}
		next[*client.ChatInvite](t, aout, nil)
		exec(t, alice, "accept")
		r := next(t, aout, resultOf("accept"))
		if tt.want == "" && (!r.OK || r.Room != "Nowhere") || tt.want != "" && !strings.Contains(r.Error, tt.want) {
			t.Errorf("accept %s: %+v, want error %q", tt.ref.Cookie, r, tt.want)
		}
	}
	exec(t, alice, "rooms")
	if r := next(t, aout, resultOf("rooms")); !slices.Equal(r.Rooms, []string{"Nowhere"}) {
		t.Errorf("rooms %+v", r)
	}
	if k := aout.kinds(); slices.Contains(k, "disconnected") {
		t.Errorf("the session ended: %v", k)
	}
}

// TestOwnWordsShown (issue 22 item 5): what you say is shown as you said
// it, like a line from someone else: "-> Lab Bob: text" for an IM, "[Room]
// you: text" in a room, "invited X to Room"; the same words when the
// result comes over the control socket, where Describe writes them.
func TestOwnWordsShown(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(chatAccounts...)
	t.Cleanup(srv.Close)
	alice, aout := startTCP(t, srv, "LabAlice", nil)
	startTCP(t, srv, "Lab Bob", nil)

	words := func(r *client.Result) string {
		t.Helper()
		text := client.Text(r)[len("15:04:05 "):]
		r.Summary = ""
		b, err := client.JSON(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := client.DecodeOutput(b)
		if err != nil {
			t.Fatal(err)
		}
		client.Describe(back.(*client.Result))
		if other := client.Text(back)[len("15:04:05 "):]; other != text {
			t.Errorf("over the socket %q, here %q", other, text)
		}
		return text
	}
	if r := alice.Do(t.Context(), client.CmdSend, []string{"Lab Bob", "hi <there> &\nsecond line"}, true); !r.OK || words(r) != "-> Lab Bob: hi <there> &\n"+strings.Repeat(" ", len("15:04:05 -> Lab Bob: "))+"second line" {
		t.Errorf("send: %q", client.Text(r))
	}
	exec(t, alice, "join Lab Lounge")
	next(t, aout, resultOf("join"))
	exec(t, alice, "say Lab Lounge héllo <b>")
	if r := next(t, aout, resultOf("say")); !r.OK || words(r) != "[Lab Lounge] you: héllo <b>" {
		t.Errorf("say: %q", client.Text(r))
	}
	exec(t, alice, `invite "Lab Bob" Lab Lounge`)
	if r := next(t, aout, resultOf("invite")); !r.OK || words(r) != "invited Lab Bob to Lab Lounge" {
		t.Errorf("invite: %q", client.Text(r))
	}
}
