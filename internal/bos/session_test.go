package bos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/secret"
	"github.com/aim-oscar/aim/internal/transcript"
)

var (
	alice = oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"}
	bob   = oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"}
	carol = oscartest.Account{ScreenName: "LabCarol", Password: "carolpw3"}
)

func startServer(t *testing.T, accounts ...oscartest.Account) *oscartest.Server {
	t.Helper()
	srv := oscartest.NewServer(accounts...)
	t.Cleanup(srv.Close)
	return srv
}

// signOn logs in and connects; opts may set buddies, profile and the like.
func signOn(t *testing.T, srv *oscartest.Server, name, password string, method login.Method, opts bos.Options) *bos.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: name, Password: secret.String(password), Method: method, Dial: opts.Dial})
	if err != nil {
		t.Fatalf("Authorize(%s): %v", name, err)
	}
	opts.Addr, opts.Cookie, opts.ScreenName, opts.MultiConn = res.BOSAddr, res.Cookie, res.ScreenName, res.MultiConn
	sess, err := bos.Connect(t.Context(), opts)
	if err != nil {
		t.Fatalf("Connect(%s): %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
	})
	return sess
}

// nextEvent returns the next event of type T, skipping others; it fails
// the test if the session ends or 10 s pass first.
func nextEvent[T bos.Event](t *testing.T, sess *bos.Session) T {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case ev, ok := <-sess.Events():
			if !ok {
				var zero T
				t.Fatalf("events closed while waiting for %T (session error: %v)", zero, sess.Err())
			}
			if e, ok := ev.(T); ok {
				return e
			}
		case <-timeout.C:
			var zero T
			t.Fatalf("no %T within 10 s", zero)
		}
	}
}

func logout(t *testing.T, sess *bos.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := sess.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
}

// seedClientFrames returns what the lab client sent on BOS in the seed's
// capture of a FLAP signon.
func seedClientFrames(t *testing.T) []oscar.Frame {
	t.Helper()
	dir, err := transcript.Dir()
	if err != nil {
		t.Fatalf("transcripts: %v", err)
	}
	lines, err := transcript.Load(dir + "/flap-login-signon.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []oscar.Frame
	for _, l := range lines {
		if l.Dir == 'c' && l.Conn == "bos" {
			f, _, err := oscar.ParseFrame(l.Frame)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, f)
		}
	}
	return out
}

func snacType(t *testing.T, f oscar.Frame) oscar.SNACType {
	t.Helper()
	s, err := oscar.ParseSNAC(f.Payload)
	if err != nil {
		t.Fatalf("frame %v: %v", f, err)
	}
	return s.Type()
}

// TestSignonMatchesSeed signs on as the seed's capture does (same buddies,
// same profile) and checks that the client sends the same frames in the
// same order with the same bodies, the cookie and request ids aside, and
// that the last frame is the zero-length channel-4 logout. The one frame
// more is the request for offline IMs (04,10), right after client ready:
// no server sends them unasked (fact 59).
func TestSignonMatchesSeed(t *testing.T) {
	t.Parallel()
	want := seedClientFrames(t)
	srv := startServer(t, alice)
	sess := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{
		Buddies: []string{"Lab Bob", "LabCarol"},
		Profile: "<HTML>alice lab profile</HTML>",
	})
	if ev := nextEvent[*bos.SignedOn](t, sess); ev.ScreenName != "LabAlice" {
		t.Errorf("SignedOn.ScreenName = %q, want LabAlice", ev.ScreenName)
	}
	logout(t, sess)
	got, err := srv.WaitClosed(t.Context(), "LabAlice")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(f oscar.Frame) bool {
		s, err := oscar.ParseSNAC(f.Payload)
		return f.Channel == oscar.ChannelSNAC && err == nil && s.Type() == oscar.TypeOfflineRetrieve
	})
	if i < 1 || snacType(t, got[i-1]) != oscar.TypeClientReady || len(got[i].Payload) != oscar.SNACHeaderLen {
		t.Fatalf("no empty 04,10 right after 01,02: %v", got)
	}
	got = slices.Delete(got, i, i+1)
	if len(got) != len(want) {
		t.Fatalf("client sent %d frames, the seed %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Channel != w.Channel {
			t.Fatalf("frame %d: channel %v, want %v", i, g.Channel, w.Channel)
		}
		switch g.Channel {
		case oscar.ChannelSignon: // the cookie differs; its shape must not
			var gs, ws oscar.BOSSignon
			if gs.Decode(g.Payload) != nil || ws.Decode(w.Payload) != nil || len(gs.Cookie) != len(ws.Cookie) {
				t.Errorf("frame %d: BOS signon % x, want the shape of % x", i, g.Payload, w.Payload)
			}
		case oscar.ChannelSNAC:
			gt, wt := snacType(t, g), snacType(t, w)
			if gt != wt {
				t.Fatalf("frame %d: %v, want %v", i, gt, wt)
			}
			if gb, wb := g.Payload[oscar.SNACHeaderLen:], w.Payload[oscar.SNACHeaderLen:]; !bytes.Equal(gb, wb) {
				t.Errorf("frame %d (%v) body:\n got % x\nwant % x", i, gt, gb, wb)
			}
		case oscar.ChannelSignoff:
			if len(g.Payload) != 0 {
				t.Errorf("logout frame has %d bytes of payload, want 0", len(g.Payload))
			}
		}
	}
	if last := got[len(got)-1]; last.Channel != oscar.ChannelSignoff || len(last.Payload) != 0 {
		t.Errorf("last frame = %v, want an empty channel-4 FLAP", last)
	}
}

func TestMD5Signon(t *testing.T) {
	t.Parallel()
	srv := startServer(t, bob)
	sess := signOn(t, srv, "labbob", "bobpass22", login.MD5, bos.Options{})
	ev := nextEvent[*bos.SignedOn](t, sess)
	if ev.ScreenName != "Lab Bob" { // 01,0F has the registered form
		t.Errorf("SignedOn.ScreenName = %q, want %q", ev.ScreenName, "Lab Bob")
	}
	if lim := sess.Limits(); lim.MaxMessageLen != 512 || lim.MaxProfileLen != 1000 {
		t.Errorf("Limits = %+v, want the server's 512-byte messages and 1000-byte profiles", lim)
	}
	logout(t, sess)
}

// TestTwoSessions: two users who list each other see each other arrive,
// exchange IMs in three charsets, and see each other leave.
func TestTwoSessions(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{Buddies: []string{"Lab Bob"}})
	b := signOn(t, srv, "labbob", "bobpass22", login.MD5, bos.Options{Buddies: []string{"LabAlice"}})

	if ev := nextEvent[*bos.BuddyOnline](t, a); !screenname.Same(ev.Name, "labbob") || ev.Changed {
		t.Errorf("alice saw %+v, want Lab Bob arriving", ev)
	}
	if ev := nextEvent[*bos.BuddyOnline](t, b); ev.Name != "LabAlice" {
		t.Errorf("bob saw %+v, want LabAlice arriving", ev)
	}
	for _, text := range []string{"hello bob", "café au lait", "héllo 漢字 😀"} {
		if err := a.SendIM(t.Context(), "Lab Bob", text); err != nil {
			t.Fatalf("SendIM(%q): %v", text, err)
		}
		im := nextEvent[*bos.IMReceived](t, b)
		if im.From != "LabAlice" || im.Text != text {
			t.Errorf("bob got %q from %q, want %q from LabAlice", im.Text, im.From, text)
		}
	}
	if err := b.SendIM(t.Context(), "labalice", "hi alice"); err != nil {
		t.Fatal(err)
	}
	if im := nextEvent[*bos.IMReceived](t, a); im.Text != "hi alice" {
		t.Errorf("alice got %q", im.Text)
	}
	logout(t, b)
	if ev := nextEvent[*bos.BuddyOffline](t, a); !screenname.Same(ev.Name, "Lab Bob") {
		t.Errorf("alice saw %q leave, want Lab Bob", ev.Name)
	}
}

func TestIMToOfflineUser(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
	err := a.SendIM(t.Context(), "Lab Bob", "anyone there?")
	var re *bos.RequestError
	if !errors.As(err, &re) || !re.RecipientOffline() || re.Type != bos.SNACType(oscar.TypeICBMSend) {
		t.Fatalf("SendIM to an offline user: %v, want a RequestError for 04,06 saying so", err)
	}
}

func TestMessageTooLong(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
	long := string(bytes.Repeat([]byte("x"), 513))
	var tl *limits.TooLongError
	if err := a.SendIM(t.Context(), "Lab Bob", long); !errors.As(err, &tl) || tl.Limit != 512 {
		t.Fatalf("SendIM of 513 bytes: %v, want a limits.TooLongError with limit 512", err)
	}
}

// TestSignedOnElsewhere: a second login kicks the first. Both logins send
// TLV 0x004A, so the kick says why and the session reports it as such.
func TestSignedOnElsewhere(t *testing.T) {
	t.Parallel()
	for _, m := range []login.Method{login.FLAP, login.MD5} {
		t.Run(m.String(), func(t *testing.T) {
			srv := startServer(t, alice)
			first := signOn(t, srv, "LabAlice", "alicepw1", m, bos.Options{})
			nextEvent[*bos.SignedOn](t, first)
			signOn(t, srv, "LabAlice", "alicepw1", m, bos.Options{})
			ev := nextEvent[*bos.Disconnected](t, first)
			var ce *bos.ClosedError
			if !errors.As(ev.Err, &ce) || !ce.SignedOnElsewhere() || ev.Reason != bos.ReasonSignedOnElsewhere {
				t.Fatalf("Disconnected = %v (%v), want signed on elsewhere", ev.Err, ev.Reason)
			}
		})
	}
}

// loginWithout4A is a FLAP login without TLV 0x004A, as older clients (and
// the lab script of the captures) send it: the server then never says why
// it ends a session. It returns the BOS options to connect with.
func loginWithout4A(t *testing.T, srv *oscartest.Server, name, password string) bos.Options {
	t.Helper()
	nc, err := net.Dial("tcp", srv.AuthAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	req := oscar.LoginRequest{ScreenName: name, RoastedPassword: oscar.AppendRoasted(nil, []byte(password))}
	if err := oscar.NewFrameWriter(nc, 1).WriteEncoded(oscar.ChannelSignon, &req); err != nil {
		t.Fatal(err)
	}
	fr := oscar.NewFrameReader(nc)
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("waiting for the login reply: %v", err)
		}
		if f.Channel != oscar.ChannelSignoff {
			continue
		}
		var reply oscar.LoginReply
		if err := reply.Decode(f.Payload); err != nil || reply.ErrorCode != 0 {
			t.Fatalf("login reply %+v, %v", reply, err)
		}
		return bos.Options{Addr: reply.BOSAddress, Cookie: secret.Bytes(append([]byte(nil), reply.Cookie...)), ScreenName: name}
	}
}

// connectOpts connects with opts and logs out at the end of the test.
func connectOpts(t *testing.T, opts bos.Options) *bos.Session {
	t.Helper()
	sess, err := bos.Connect(t.Context(), opts)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
	})
	return sess
}

// TestKickedWithBareHeader: after a login without TLV 0x004A the real
// server kicks with a 4-byte channel-4 header and no length. That is a
// sign-off, not a crash, and its reason cannot be known.
func TestKickedWithBareHeader(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	first := connectOpts(t, loginWithout4A(t, srv, "LabAlice", "alicepw1"))
	nextEvent[*bos.SignedOn](t, first)
	connectOpts(t, loginWithout4A(t, srv, "LabAlice", "alicepw1"))
	ev := nextEvent[*bos.Disconnected](t, first)
	var ce *bos.ClosedError
	if !errors.As(ev.Err, &ce) {
		t.Fatalf("Disconnected.Err = %v, want a ClosedError", ev.Err)
	}
	if ev.Reason != bos.ReasonUnexplained {
		t.Errorf("Disconnected.Reason = %v, want %v", ev.Reason, bos.ReasonUnexplained)
	}
}

func TestConnectionDropped(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	sess := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{})
	nextEvent[*bos.SignedOn](t, sess)
	srv.CloseClientConnections()
	ev := nextEvent[*bos.Disconnected](t, sess)
	if !errors.Is(ev.Err, bos.ErrConnectionLost) || ev.Reason != bos.ReasonConnectionLost {
		t.Fatalf("Disconnected = %v (%v), want ErrConnectionLost", ev.Err, ev.Reason)
	}
	if err := sess.SendIM(t.Context(), "x", "y"); !errors.Is(err, bos.ErrClosed) {
		t.Errorf("SendIM after the end: %v, want ErrClosed", err)
	}
}

func TestContextEndsSession(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	ctx, cancel := context.WithCancel(t.Context())
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: "alicepw1"})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := bos.Connect(ctx, bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	ev := nextEvent[*bos.Disconnected](t, sess)
	if ev.Err != nil || ev.Reason != bos.ReasonLogout {
		t.Errorf("Disconnected = %v (%v), want nil (a logout)", ev.Err, ev.Reason)
	}
	frames, err := srv.WaitClosed(t.Context(), "LabAlice")
	if err != nil {
		t.Fatal(err)
	}
	if last := frames[len(frames)-1]; last.Channel != oscar.ChannelSignoff || len(last.Payload) != 0 {
		t.Errorf("last frame = %v, want an empty channel-4 FLAP", last)
	}
}

func TestInfoWarnAwayTyping(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{Buddies: []string{"Lab Bob"}})
	b := signOn(t, srv, "labbob", "bobpass22", login.FLAP, bos.Options{Profile: "<HTML>bob's profile</HTML>"})
	nextEvent[*bos.BuddyOnline](t, a)

	if err := b.SetAway(t.Context(), "gone fishing"); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent[*bos.BuddyOnline](t, a); !ev.Changed || !ev.Away {
		t.Errorf("after away: %+v, want a change to away", ev)
	}
	info, err := a.GetInfo(t.Context(), "Lab Bob")
	if err != nil {
		t.Fatal(err)
	}
	if info.Profile != "<HTML>bob's profile</HTML>" || !info.Away || info.AwayMessage != "gone fishing" {
		t.Errorf("GetInfo = %+v", info)
	}
	level, err := a.Warn(t.Context(), "Lab Bob", false)
	if err != nil || level == 0 {
		t.Fatalf("Warn = %d, %v", level, err)
	}
	if w := nextEvent[*bos.Warned](t, b); w.Level != level || w.By != "LabAlice" {
		t.Errorf("bob's Warned = %+v, want level %d by LabAlice", w, level)
	}
	if err := b.SendTyping(t.Context(), "LabAlice", bos.TypingStarted); err != nil {
		t.Fatal(err)
	}
	if ty := nextEvent[*bos.Typing](t, a); ty.State != bos.TypingStarted || !screenname.Same(ty.From, "labbob") {
		t.Errorf("Typing = %+v", ty)
	}
	if _, err := a.GetInfo(t.Context(), "LabCarol"); err == nil {
		t.Error("GetInfo of an unknown user succeeded")
	}
}

// TestNoGoroutinesLeft: after Logout every goroutine of the session is
// gone. The sessions and the server run in a synctest bubble, which fails
// the test if any goroutine started in it is left blocked at its end; the
// server's own goroutines end with its Close, and the sessions' must end
// with their Logout, before the server closes.
func TestNoGoroutinesLeft(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(alice)
		srv.StartPipes()
		opts := bos.Options{Dial: srv.Dial}
		for range 3 {
			sess, err := connect(t, srv, opts)
			if err != nil {
				t.Fatal(err)
			}
			logout(t, sess)
			<-sess.Done()
		}
		srv.Close()
	})
}

// TestAwayAutoReply: while away, a session with AutoReply answers each
// sender once with the away message, flagged as automatic; a new away
// message answers again; back, or an automatic reply, gets no answer.
func TestAwayAutoReply(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, bob)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.FLAP, bos.Options{AutoReply: true, Away: "at lunch"})
	b := signOn(t, srv, "labbob", "bobpass22", login.FLAP, bos.Options{AutoReply: true})
	nextEvent[*bos.SignedOn](t, a)
	// Signed on is said once 01,02 is sent; the server takes Alice for
	// online only once it has read it, on her connection, while Bob's IM
	// comes on his: wait for that, or under load the IM finds her offline.
	if err := srv.WaitOnline(t.Context(), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"hi", "still there?"} {
		if err := b.SendIM(t.Context(), "LabAlice", text); err != nil {
			t.Fatal(err)
		}
	}
	if im := nextEvent[*bos.IMReceived](t, a); !im.AutoReplied {
		t.Errorf("first IM: %+v, want it answered", im)
	}
	if im := nextEvent[*bos.IMReceived](t, a); im.AutoReplied {
		t.Errorf("second IM from the same sender answered again: %+v", im)
	}
	if err := a.SetAway(t.Context(), "in a meeting"); err != nil {
		t.Fatal(err)
	}
	if err := b.SendIM(t.Context(), "LabAlice", "and now?"); err != nil {
		t.Fatal(err)
	}
	if im := nextEvent[*bos.IMReceived](t, a); !im.AutoReplied {
		t.Errorf("after a new away message: %+v, want it answered", im)
	}
	if err := a.SetAway(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	if err := b.SendIM(t.Context(), "LabAlice", "back?"); err != nil {
		t.Fatal(err)
	}
	if im := nextEvent[*bos.IMReceived](t, a); im.AutoReplied {
		t.Errorf("answered while back: %+v", im)
	}
	// Bob got exactly the two away messages, flagged, and did not answer
	// them (he is not away, and they are automatic anyway).
	for _, want := range []string{"at lunch", "in a meeting"} {
		im := nextEvent[*bos.IMReceived](t, b)
		if !im.AutoResponse || im.Text != want || im.AutoReplied {
			t.Errorf("bob got %+v, want the automatic %q", im, want)
		}
	}
}

// closeWatch is a client connection that says when the client stops
// writing: when it half-closes or closes.
type closeWatch struct {
	net.Conn
	once    sync.Once
	stopped chan struct{}
}

func (c *closeWatch) stop() { c.once.Do(func() { close(c.stopped) }) }

func (c *closeWatch) CloseWrite() error {
	defer c.stop()
	return c.Conn.(*net.TCPConn).CloseWrite()
}

func (c *closeWatch) Close() error {
	defer c.stop()
	return c.Conn.Close()
}

// TestQuickSessionsLogoutLands: sessions that log out as soon as they are
// on (a script's `aim login </dev/null`) still get their logout to the
// server, and neither side sees a reset. Here the server is slow to
// answer client-ready, as the real one is when it looks up presence: it
// sends the flight that follows 01,02 (a buddy's arrival, 0B,02) only once
// the client has stopped writing. A client that closes its socket at once
// gets those bytes on a closed socket, and its kernel resets the
// connection; one that half-closes and reads until the server closes does
// not. Every BOS connection must end with the zero-length channel-4 frame
// read by the server, and no connection may be reset.
func TestQuickSessionsLogoutLands(t *testing.T) {
	t.Parallel()
	// Each session is its own account, and they run side by side: every
	// logout waits linger.PeerFirst for this server, which answers only
	// once the client stops writing, and one after the other the 16 took
	// 4 s.
	const n = 16
	accounts := make([]oscartest.Account, n)
	for i := range accounts {
		accounts[i] = oscartest.Account{ScreenName: fmt.Sprintf("LabQuick%d", i), Password: "quickpw1"}
	}
	srv := oscartest.NewUnstartedServer(accounts...)
	var mu sync.Mutex
	watch := map[string]*closeWatch{} // by screen name: its latest connection
	srv.Intercept = func(ev oscartest.Event) oscartest.Action {
		if ev.Service != "bos" || ev.Frame.Channel != oscar.ChannelSNAC {
			return oscartest.Answer
		}
		if s, err := oscar.ParseSNAC(ev.Frame.Payload); err == nil && s.Type() == oscar.TypeClientReady {
			mu.Lock()
			w := watch[ev.ScreenName]
			mu.Unlock()
			select {
			case <-w.stopped:
			case <-time.After(10 * time.Second):
			}
		}
		return oscartest.Answer
	}
	srv.Start()
	t.Cleanup(srv.Close)
	srv.AddBot("EchoBot", nil)
	// Goroutines, not parallel subtests: those run GOMAXPROCS at a time.
	var wg sync.WaitGroup
	for i, a := range accounts {
		wg.Go(func() {
			dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
				nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
				if err != nil {
					return nil, err
				}
				w := &closeWatch{Conn: nc, stopped: make(chan struct{})}
				mu.Lock()
				watch[a.ScreenName] = w
				mu.Unlock()
				return w, nil
			}
			m := login.FLAP
			if i%2 == 1 {
				m = login.MD5
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: a.ScreenName, Password: secret.String(a.Password), Method: m, Dial: dial})
			if err != nil {
				t.Errorf("Authorize(%s): %v", a.ScreenName, err)
				return
			}
			// This server answers nothing after client ready until the
			// client stops: no stored IMs asked for, or each Logout would
			// wait offlineWait for them.
			opts := bos.Options{Buddies: []string{"EchoBot"}, Dial: dial, LeaveStoredIMs: true,
				Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName, MultiConn: res.MultiConn}
			sess, err := bos.Connect(ctx, opts)
			if err != nil {
				t.Errorf("Connect(%s): %v", a.ScreenName, err)
				return
			}
			if err := sess.Logout(ctx); err != nil {
				t.Errorf("Logout(%s): %v", a.ScreenName, err)
			}
			if _, err := srv.WaitClosed(ctx, a.ScreenName); err != nil {
				t.Errorf("WaitClosed(%s): %v", a.ScreenName, err)
			}
		})
	}
	wg.Wait()
	var bosEnds int
	for _, e := range srv.Ends() {
		if e.Reset {
			t.Errorf("%s connection of %q was reset", e.Service, e.ScreenName)
		}
		if e.Service == "bos" {
			bosEnds++
			if !e.Logout {
				t.Errorf("a BOS connection ended without the logout frame: %+v", e)
			}
		}
	}
	if bosEnds != n {
		t.Errorf("%d BOS connections ended, want %d", bosEnds, n)
	}
}
