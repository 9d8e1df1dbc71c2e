package oscartest

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	srv := NewServer(labAccounts...)
	srv.AddBot("EchoBot", func(from, text string) string { return text })
	alice := signOn(t, srv, "LabAlice", "Lab Bob", "EchoBot")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob", "LabAlice")
	bob.ready()
	half := dial(t, srv.AuthAddr()) // a login left halfway
	half.read()
	idle := dial(t, srv.BOSAddr()) // a BOS connection that never sends its cookie
	idle.read()
	srv.Close()
	srv.Close() // twice is fine
	waitGoroutines(t, before)
	if _, err := srv.WaitClosed(ctxT(t), "LabAlice"); err != nil {
		t.Errorf("WaitClosed after Close: %v", err)
	}
	if err := srv.WaitOnline(ctxT(t), "LabAlice"); !errors.Is(err, ErrServerClosed) {
		t.Errorf("WaitOnline after Close = %v, want ErrServerClosed", err)
	}
}

func TestCloseUnstarted(t *testing.T) {
	t.Parallel()
	NewUnstartedServer().Close()
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) {
		s.LoginError = func(name string) uint16 {
			if name == "LabDave" {
				return oscar.LoginErrSuspended
			}
			return 0
		}
	})
	for _, tc := range []struct {
		name, pw string
		want     uint16
	}{
		{"LabAlice", "wrong", oscar.LoginErrBadPassword},
		{"LabNobody", "whatever1", oscar.LoginErrUnknownName},
		{"LabDave", "davepw44", oscar.LoginErrSuspended},
	} {
		if r := flapLogin(t, srv, tc.name, tc.pw); r.ErrorCode != tc.want || r.ScreenName != tc.name || r.Cookie != nil {
			t.Errorf("FLAP login %s/%s = %+v, want error 0x%04x", tc.name, tc.pw, r, tc.want)
		}
		if tc.name == "LabNobody" {
			continue // 17,06 answers unknown names (see the replays)
		}
		if r := md5Login(t, srv, tc.name, tc.pw, false); r.ErrorCode != tc.want {
			t.Errorf("MD5 login %s/%s = %+v, want error 0x%04x", tc.name, tc.pw, r, tc.want)
		}
	}
	// The name as typed comes back; the registered form is used on BOS.
	r := flapLogin(t, srv, "labbob", "bobpass22")
	if r.ScreenName != "labbob" || len(r.Cookie) != cookieLen || r.BOSAddress != srv.BOSAddr() {
		t.Errorf("login reply %+v", r)
	}
	c := signOnWith(t, srv, r)
	c.ready()
	c.sendMsg(9, oscar.Empty(oscar.TypeSelfInfoRequest))
	var si oscar.SelfInfo
	if err := si.Decode(c.expect(oscar.TypeSelfInfo).Body); err != nil || si.Info.ScreenName != "Lab Bob" {
		t.Errorf("01,0F = %+v, %v; want Lab Bob", si.Info, err)
	}
	// A cookie opens one session only.
	again := dial(t, srv.BOSAddr())
	again.read()
	again.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: r.Cookie}).AppendTo(nil))
	again.expectEOF()
}

func TestMD5KeyIsStable(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	key := func() string {
		c := dial(t, srv.AuthAddr())
		c.read()
		c.send(oscar.ChannelSignon, []byte{0, 0, 0, 1})
		c.sendMsg(1, &oscar.MD5KeyRequest{ScreenName: "lab dave"})
		var k oscar.MD5KeyReply
		k.Decode(c.expect(oscar.TypeMD5KeyReply).Body)
		return string(k.Key)
	}
	k1, k2 := key(), key()
	if k1 != k2 || !isUUID([]byte(k1)) {
		t.Errorf("keys %q, %q: want one UUID-style key per account", k1, k2)
	}
	if k3 := challengeKey("labalice"); k3 == k1 {
		t.Errorf("two accounts share key %q", k1)
	}
	// Both hash forms are accepted.
	for _, hashed := range []bool{true, false} {
		c := dial(t, srv.AuthAddr())
		c.read()
		c.send(oscar.ChannelSignon, []byte{0, 0, 0, 1})
		c.sendMsg(2, &oscar.MD5LoginRequest{ScreenName: "LabDave", Hash: oscar.MD5LoginHash([]byte(k1), []byte("davepw44"), hashed), PasswordIsHashed: hashed})
		s := c.expect(oscar.TypeMD5LoginReply)
		var r oscar.LoginReply
		if err := r.Decode(s.Body); err != nil || r.ErrorCode != 0 || s.RequestID != 0 {
			t.Errorf("hashed=%v: 17,03 = %+v (id %d), %v", hashed, r, s.RequestID, err)
		}
	}
}

func TestLoginLimit(t *testing.T) {
	t.Parallel()
	srv, clk := startServer(t, func(s *Server, _ *fakeClock) { s.LoginLimit = true })
	for i := range loginBurst {
		if r := flapLogin(t, srv, "LabAlice", "wrong"); r.ErrorCode != oscar.LoginErrBadPassword {
			t.Fatalf("login %d: error 0x%04x, want 0x0005", i+1, r.ErrorCode)
		}
	}
	if r := flapLogin(t, srv, "LabAlice", "alicepw1"); r.ErrorCode != oscar.LoginErrRateLimited {
		t.Errorf("login 11: error 0x%04x, want 0x001D", r.ErrorCode)
	}
	clk.Advance(loginEvery)
	if r := flapLogin(t, srv, "LabAlice", "alicepw1"); r.ErrorCode != 0 {
		t.Errorf("login a minute later: error 0x%04x, want success", r.ErrorCode)
	}
}

func TestKickStyles(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	watcher := signOn(t, srv, "LabAlice", "LabCarol")
	watcher.ready()

	// FLAP login (no TLV 0x4A): the bare 4-byte channel-4 header.
	c := signOn(t, srv, "LabCarol")
	c.ready()
	watcher.expect(oscar.TypeBuddyArrived)
	if err := srv.Kick("labcarol"); err != nil {
		t.Fatal(err)
	}
	c.nc.SetReadDeadline(time.Now().Add(hangGuard))
	f, err := c.fr.ReadFrame()
	if err != nil || !f.Truncated || f.Channel != oscar.ChannelSignoff || f.Seq != c.seq {
		t.Errorf("kick = %+v, %v; want a truncated channel-4 header with seq %d", f, err, c.seq)
	}
	c.expectEOF()
	watcher.expect(oscar.TypeBuddyDeparted)

	// MD5 login with TLV 0x4A = 1: TLV 9 (1 byte) and the URL.
	c = signOnWith(t, srv, md5Login(t, srv, "LabCarol", "carolpw3", true))
	c.ready()
	watcher.expect(oscar.TypeBuddyArrived)
	if err := srv.Kick("LabCarol"); err != nil {
		t.Fatal(err)
	}
	f = c.read()
	want := mustHex("0009000101" + "000b0029" + hexOf(kickURL))
	if f.Channel != oscar.ChannelSignoff || !bytes.Equal(f.Payload, want) {
		t.Errorf("kick = %v % x, want channel 4 % x", f, f.Payload, want)
	}
	var d oscar.Disconnect
	if err := d.Decode(f.Payload); err != nil || d.Reason != oscar.DisconnectSignedOnElsewhere {
		t.Errorf("kick decodes to %+v, %v", d, err)
	}
	c.expectEOF()
	watcher.expect(oscar.TypeBuddyDeparted)
	if err := srv.Kick("LabCarol"); err == nil {
		t.Error("Kick of a signed-off user succeeded")
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&15])
	}
	return b.String()
}

// A second login of the same name kicks the first; watchers see the user
// stay online (03,0B again, no 03,0C).
func TestDuplicateLoginKeepsPresence(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	watcher := signOn(t, srv, "LabAlice", "LabCarol")
	watcher.ready()
	first := signOn(t, srv, "LabCarol")
	first.ready()
	watcher.expect(oscar.TypeBuddyArrived)
	second := signOn(t, srv, "LabCarol")
	first.nc.SetReadDeadline(time.Now().Add(hangGuard))
	if f, err := first.fr.ReadFrame(); err != nil || !f.Truncated {
		t.Fatalf("first session got %v, %v; want the kick", f, err)
	}
	second.ready()
	watcher.expect(oscar.TypeBuddyArrived) // not 03,0C
	if !srv.Online("LabCarol") {
		t.Error("LabCarol is not online after the second login")
	}
}

func TestIntercept(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []Event
	srv, _ := startServer(t, func(s *Server, _ *fakeClock) {
		s.Intercept = func(e Event) Action {
			mu.Lock()
			e.Frame.Payload = nil
			events = append(events, e)
			mu.Unlock()
			if e.Service != serviceBOS || e.Frame.Channel != oscar.ChannelSNAC {
				return Answer
			}
			switch e.ScreenName {
			case "LabAlice":
				if e.Index == 4 { // the 01,0E after the signon: swallowed
					return Ignore
				}
			case "Lab Bob":
				if e.Index == 2 { // 01,08: hang up instead
					return Hangup
				}
			}
			return Answer
		}
	})
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	alice.sendMsg(0x50, oscar.Empty(oscar.TypeSelfInfoRequest)) // index 4: ignored
	alice.sendMsg(0x51, oscar.Empty(oscar.TypeSelfInfoRequest))
	if s := alice.expect(oscar.TypeSelfInfo); s.RequestID != 0x51 {
		t.Errorf("01,0F answers request %#x, want 0x51 (0x50 was swallowed)", s.RequestID)
	}

	bob := dial(t, srv.BOSAddr())
	bob.read()
	r := flapLogin(t, srv, "labbob", "bobpass22")
	bob.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: r.Cookie}).AppendTo(nil))
	bob.expect(oscar.TypeHostReady)
	bob.sendMsg(1, oscar.Empty(oscar.TypeRateRequest))
	bob.expect(oscar.TypeRateParams)
	bob.sendMsg(2, &oscar.RateAck{Classes: []uint16{1}})
	bob.expectEOF()
	frames, err := srv.WaitClosed(ctxT(t), "LabBob")
	if err != nil || len(frames) != 3 {
		t.Fatalf("WaitClosed = %d frames, %v; want 3", len(frames), err)
	}

	mu.Lock()
	defer mu.Unlock()
	var auth, bos int
	for _, e := range events {
		switch {
		case e.Service == serviceAuth && e.ScreenName == "Lab Bob":
			auth++
		case e.Service == serviceBOS && e.ScreenName == "Lab Bob":
			if e.Index != bos {
				t.Errorf("Bob's BOS event %d has index %d", bos, e.Index)
			}
			bos++
		}
	}
	if auth != 1 || bos != 3 {
		t.Errorf("events for Bob: %d auth, %d bos; want 1 and 3 (the name is known from the frame)", auth, bos)
	}
}

func TestWaitClosedAndSent(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	c := signOn(t, srv, "LabAlice")
	c.ready()
	if err := srv.WaitOnline(ctxT(t), "labalice"); err != nil {
		t.Fatal(err)
	}
	if !srv.Online("Lab Alice") {
		t.Error("Online = false after 01,02")
	}
	if got := srv.Sent("LabAlice"); len(got) != 4 {
		t.Errorf("Sent = %d frames, want 4 (cookie, 01,06, 01,08, 01,02)", len(got))
	}
	if got := srv.AuthSent("LABALICE"); len(got) != 1 || got[0].Channel != oscar.ChannelSignon {
		t.Errorf("AuthSent = %v, want the channel-1 login", got)
	}
	c.send(oscar.ChannelKeepalive, nil)
	c.send(oscar.ChannelSignoff, nil)
	c.expectEOF()
	frames, err := srv.WaitClosed(ctxT(t), "LabAlice")
	if err != nil {
		t.Fatal(err)
	}
	last := frames[len(frames)-1]
	if last.Channel != oscar.ChannelSignoff || len(last.Payload) != 0 {
		t.Errorf("last frame = %v, want an empty channel-4 FLAP", last)
	}
	if frames[0].Channel != oscar.ChannelSignon {
		t.Errorf("first frame = %v, want the cookie", frames[0])
	}
	if err := srv.WaitOffline(ctxT(t), "LabAlice"); err != nil {
		t.Fatal(err)
	}
	// The copies are the caller's.
	frames[0].Payload[0] ^= 0xFF
	if again := srv.Sent("LabAlice"); again[0].Payload[0] == frames[0].Payload[0] {
		t.Error("Sent returned a payload shared with an earlier call")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := srv.WaitClosed(ctx, "LabDave"); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitClosed for a user never seen = %v, want context.Canceled", err)
	}
}

func TestBots(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	srv.AddBot("Echo Bot", func(from, text string) string {
		if text == "quiet" {
			return ""
		}
		return from + " said: " + text + " ☺"
	})
	if !srv.Online("echobot") {
		t.Error("bot not online")
	}
	alice := signOn(t, srv, "LabAlice", "echobot")
	arrivals := alice.ready()
	if len(arrivals) != 1 || arrivals[0].Type() != oscar.TypeBuddyArrived || userInfoOf(t, arrivals[0].Body).ScreenName != "Echo Bot" {
		t.Fatalf("before 0B,02: %v, want the bot's 03,0B", arrivals)
	}
	send := func(id uint32, text string) {
		txt, _ := oscar.NewText(text)
		alice.sendMsg(id, &oscar.ICBMSend{Cookie: [8]byte{1, 2, 3}, Channel: 1, ScreenName: "echobot", Message: oscar.NewMessage(txt), WantAck: true})
	}
	send(7, "quiet")
	if s := alice.expect(oscar.TypeICBMAck); s.RequestID != 7 {
		t.Errorf("04,0C request id %d", s.RequestID)
	}
	send(8, "hi")
	alice.expect(oscar.TypeICBMAck)
	var im oscar.IncomingIM
	if err := im.Decode(alice.expect(oscar.TypeICBMIncoming).Body); err != nil {
		t.Fatal(err)
	}
	if got := im.Message.Text.String(); im.From.ScreenName != "Echo Bot" || got != "LabAlice said: hi ☺" {
		t.Errorf("bot reply from %q: %q", im.From.ScreenName, got)
	}
	// A bot added later shows up to whoever watches it.
	srv.AddBot("LateBot", nil)
	alice.sendMsg(9, &oscar.AddBuddies{Names: []string{"latebot"}})
	if info := userInfoOf(t, alice.expect(oscar.TypeBuddyArrived).Body); info.ScreenName != "LateBot" {
		t.Errorf("03,0B for %q", info.ScreenName)
	}
	// A bot can speak first.
	if err := srv.SendIM("echobot", "labalice", "welcome"); err != nil {
		t.Fatal(err)
	}
	im.Decode(alice.expect(oscar.TypeICBMIncoming).Body)
	if im.From.ScreenName != "Echo Bot" || im.Message.Text.String() != "welcome" || im.From.TLVs.Count() != 4 {
		t.Errorf("SendIM: 04,07 = %+v", im)
	}
	if r := flapLogin(t, srv, "Echo Bot", ""); r.ErrorCode != oscar.LoginErrUnknownName {
		t.Errorf("login as a bot: 0x%04x, want 0x0001", r.ErrorCode)
	}
}

func TestSendAndSendRaw(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	c := signOn(t, srv, "LabAlice")
	c.ready()
	if err := srv.Send("labalice", 0, &oscar.Warned{Level: 500}); err != nil {
		t.Fatal(err)
	}
	if s := c.expect(oscar.TypeWarned); s.RequestID != 0 || u16(s.Body) != 500 {
		t.Errorf("01,10 = %+v", s)
	}
	garbage := []byte{0x2a, 0x02, 0xff, 0xff, 0x00, 0x03, 0x00}
	if err := srv.SendRaw("LabAlice", garbage); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(garbage))
	c.nc.SetReadDeadline(time.Now().Add(hangGuard))
	if _, err := c.nc.Read(buf[:]); err != nil || !bytes.Equal(buf, garbage) {
		t.Errorf("read % x, %v; want % x", buf, err, garbage)
	}
	if err := srv.Send("LabDave", 0, &oscar.Warned{}); err == nil {
		t.Error("Send to a user with no session succeeded")
	}
}

// A client that stops reading cannot make the server queue without bound:
// its connection is dropped.
func TestSlowClientIsDropped(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	c := signOn(t, srv, "LabAlice")
	c.ready()
	big := &oscar.UserInfoReply{Info: oscar.UserInfo{ScreenName: "x"}, TLVs: oscar.TLVList(oscar.AppendTLV(nil, 2, make([]byte, 60000)))}
	var err error
	for i := 0; i < 100000 && err == nil; i++ {
		err = srv.Send("LabAlice", 1, big)
	}
	if err == nil {
		t.Fatal("the server queued 6 GB for a client that reads nothing")
	}
	if _, err := srv.WaitClosed(ctxT(t), "LabAlice"); err != nil {
		t.Fatal(err)
	}
}

func TestCloseClientConnections(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice", "Lab Bob")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	alice.expect(oscar.TypeBuddyArrived)
	srv.CloseClientConnections()
	for _, c := range []*client{alice, bob} {
		// Whichever connection closes first, the other may still hear its
		// 03,0C before its own end.
		for {
			c.nc.SetReadDeadline(time.Now().Add(hangGuard))
			f, err := c.fr.ReadFrame()
			if err != nil {
				break
			}
			if s, _ := oscar.ParseSNAC(f.Payload); s.Type() != oscar.TypeBuddyDeparted {
				t.Errorf("got %v before the end, want nothing or 03,0C", s.Type())
			}
		}
	}
	if err := srv.WaitOffline(ctxT(t), "Lab Bob"); err != nil {
		t.Fatal(err)
	}
	// The server still takes new logins.
	signOn(t, srv, "LabAlice").ready()
}

// Presence: away and idle reach watchers as 03,0B; 03,0C uses the
// normalized name with class 0.
func TestPresence(t *testing.T) {
	t.Parallel()
	srv, clk := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice", "labbob")
	alice.ready()
	bob := signOn(t, srv, "labbob", "LabAlice")
	if got := bob.ready(); len(got) != 1 || got[0].Type() != oscar.TypeBuddyArrived {
		t.Fatalf("Bob before 0B,02: %v", got)
	}
	info := userInfoOf(t, alice.expect(oscar.TypeBuddyArrived).Body)
	if info.ScreenName != "Lab Bob" || info.Class() != 0x0011 || info.TLVs.Count() != 4 {
		t.Errorf("03,0B = %+v", info)
	}
	bob.sendMsg(5, &oscar.SetInfo{HasAway: true, Away: []byte("gone")})
	if info := userInfoOf(t, alice.expect(oscar.TypeBuddyArrived).Body); info.Class() != 0x0031 {
		t.Errorf("away class 0x%04x, want 0x0031", info.Class())
	}
	bob.sendMsg(6, &oscar.SetInfo{HasAway: true})
	if info := userInfoOf(t, alice.expect(oscar.TypeBuddyArrived).Body); info.Class() != 0x0011 {
		t.Errorf("back class 0x%04x, want 0x0011", info.Class())
	}
	bob.sendMsg(7, &oscar.SetIdle{Seconds: 120})
	if info := userInfoOf(t, alice.expect(oscar.TypeBuddyArrived).Body); info.IdleMinutes() != 2 {
		t.Errorf("idle %d minutes, want 2", info.IdleMinutes())
	}
	clk.Advance(3 * time.Minute)
	alice.sendMsg(8, &oscar.UserInfoQuery{Type: oscar.InfoQueryProfile, ScreenName: "labbob"})
	var reply oscar.UserInfoReply
	reply.Decode(alice.expect(oscar.TypeUserInfoReply).Body)
	if reply.Info.IdleMinutes() != 5 {
		t.Errorf("idle %d minutes three minutes later, want 5", reply.Info.IdleMinutes())
	}
	bob.send(oscar.ChannelSignoff, nil)
	dep := alice.expect(oscar.TypeBuddyDeparted)
	if want := mustHex("066c6162626f6200000001000100020000"); !bytes.Equal(dep.Body, want) {
		t.Errorf("03,0C body % x, want % x", dep.Body, want)
	}
}

func TestIMs(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	txt, _ := oscar.NewText("hello")
	send := &oscar.ICBMSend{Cookie: [8]byte{9}, Channel: 1, ScreenName: "labbob", Message: oscar.NewMessage(txt), WantAck: true, AutoResponse: true}
	alice.sendMsg(0x10c, send)
	if s := alice.expect(oscar.TypeICBMAck); s.RequestID != 0x10c {
		t.Errorf("04,0C request id %#x", s.RequestID)
	}
	in := bob.expect(oscar.TypeICBMIncoming)
	var im oscar.IncomingIM
	if err := im.Decode(in.Body); err != nil || in.RequestID != reqIDServer {
		t.Fatalf("04,07 %+v (id %#x), %v", im, in.RequestID, err)
	}
	if im.From.ScreenName != "LabAlice" || im.TLVs.Has(oscar.ICBMTLVRequestAck) || !im.AutoResponse || im.Message.Text.String() != "hello" {
		t.Errorf("04,07 = %+v", im)
	}
	bob.sendMsg(0x77, &oscar.Typing{Channel: 1, ScreenName: "LabAlice", Event: oscar.TypingStarted})
	if s := alice.expect(oscar.TypeTyping); s.RequestID != 0x77 {
		t.Errorf("relayed 04,14 request id %#x, want the sender's", s.RequestID)
	}
	alice.sendMsg(0x10d, &oscar.ICBMSend{Channel: 1, ScreenName: "LabCarol", Message: oscar.NewMessage(txt), WantAck: true})
	if s := alice.expect(oscar.TypeICBMError); !bytes.Equal(s.Body, []byte{0, 4}) {
		t.Errorf("04,01 body % x, want 00 04", s.Body)
	}
	alice.sendMsg(0x10e, oscar.Empty(0x0004_0050))
	if s := alice.expect(oscar.TypeICBMError); !bytes.Equal(s.Body, []byte{0, 1}) || s.RequestID != 0x10e {
		t.Errorf("unknown SNAC: 04,01 body % x", s.Body)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice", "Lab Bob")
	alice.ready()
	bob := signOn(t, srv, "Lab Bob")
	bob.ready()
	alice.expect(oscar.TypeBuddyArrived)
	alice.sendMsg(1, &oscar.WarnRequest{ScreenName: "labbob"})
	var wr oscar.WarnReply
	wr.Decode(alice.expect(oscar.TypeWarnReply).Body)
	if wr != (oscar.WarnReply{Delta: 100, NewLevel: 100}) {
		t.Errorf("04,09 = %+v", wr)
	}
	var w oscar.Warned
	if s := bob.expect(oscar.TypeWarned); s.RequestID != 0 || w.Decode(s.Body) != nil || w.Warner.ScreenName != "LabAlice" {
		t.Errorf("01,10 = %+v", w)
	}
	if info := userInfoOf(t, alice.expect(oscar.TypeBuddyArrived).Body); info.WarningLevel != 100 {
		t.Errorf("03,0B warning %d", info.WarningLevel)
	}
	var rc oscar.RateChange
	rc.Decode(bob.expect(oscar.TypeRateChange).Body)
	if rc.Code != oscar.RateChanged || rc.Class.ID != 3 || rc.Class.Limit != 4185 {
		t.Errorf("01,0A = %+v", rc)
	}
	alice.sendMsg(2, &oscar.WarnRequest{Anonymous: true, ScreenName: "Lab Bob"})
	wr.Decode(alice.expect(oscar.TypeWarnReply).Body)
	if wr != (oscar.WarnReply{Delta: 30, NewLevel: 130}) {
		t.Errorf("anonymous 04,09 = %+v", wr)
	}
	if s := bob.expect(oscar.TypeWarned); !bytes.Equal(s.Body, []byte{0, 130}) {
		t.Errorf("anonymous 01,10 body % x", s.Body)
	}
	alice.expect(oscar.TypeBuddyArrived)
	rc.Decode(bob.expect(oscar.TypeRateChange).Body)
	if rc.Class.Limit != 4240 || rc.Class.Clear != 5197 || rc.Class.Alert != 5110 {
		t.Errorf("01,0A after the second warning = %+v", rc.Class)
	}
	alice.sendMsg(3, &oscar.WarnRequest{ScreenName: "LabAlice"})
	if s := alice.expect(oscar.TypeICBMError); u16(s.Body) != oscar.ErrCodeNotSupportedHost {
		t.Errorf("warning oneself: code %#x", u16(s.Body))
	}
	alice.sendMsg(4, &oscar.WarnRequest{ScreenName: "LabCarol"})
	if s := alice.expect(oscar.TypeICBMError); u16(s.Body) != oscar.ErrCodeNotLoggedOn {
		t.Errorf("warning an offline user: code %#x", u16(s.Body))
	}
	// The level outlives the session: the next one starts with the IM class
	// tightened, and says so with 01,0A code 1 during the signon.
	bob.send(oscar.ChannelSignoff, nil)
	alice.expect(oscar.TypeBuddyDeparted)
	bob = signOn(t, srv, "Lab Bob")
	before := bob.ready()
	if len(before) != 1 || before[0].Type() != oscar.TypeRateChange || rc.Decode(before[0].Body) != nil || rc.Code != oscar.RateChanged || rc.Class.Limit != 4240 {
		t.Errorf("signon of a warned user: %v (%+v)", before, rc)
	}
	bob.sendMsg(5, oscar.Empty(oscar.TypeSelfInfoRequest))
	if info := userInfoOf(t, bob.expect(oscar.TypeSelfInfo).Body); info.WarningLevel != 130 {
		t.Errorf("01,0F warning level %d, want 130", info.WarningLevel)
	}
}

// Rates with a clock the test moves: alert, clear, limited (SNACs dropped,
// one 01,0A code 3), disconnect.
func TestRateEnforcement(t *testing.T) {
	t.Parallel()
	srv, clk := startServer(t, nil)
	c := signOn(t, srv, "LabAlice")
	c.ready()
	clk.Advance(time.Second)
	rateChange := func(want uint16) oscar.RateChange {
		t.Helper()
		var rc oscar.RateChange
		if err := rc.Decode(c.expect(oscar.TypeRateChange).Body); err != nil || rc.Code != want {
			t.Fatalf("01,0A = %+v, %v; want code %d", rc, err, want)
		}
		return rc
	}
	// Class 3 (04,06, 02,05), window 20: from 6000, 4 SNACs at one instant
	// fall to 4886, below alert (5000). The alert is noticed once a second
	// of the server's clock has passed.
	query := func(id uint32) {
		c.sendMsg(id, &oscar.UserInfoQuery{Type: 1, ScreenName: "nobody"})
	}
	for i := range uint32(4) {
		query(i)
		c.expect(oscar.TypeLocateError)
	}
	clk.Advance(time.Second)
	query(10)
	if rc := rateChange(oscar.RateWarning); rc.Class.ID != 3 {
		t.Errorf("alert for class %d", rc.Class.ID)
	}
	c.expect(oscar.TypeLocateError)
	clk.Advance(20 * time.Second)
	query(11)
	rateChange(oscar.RateClear)
	c.expect(oscar.TypeLocateError)

	// Limited: from 5494, the 7th SNAC at one instant falls below limit
	// (4000): it and the next two are dropped. No 01,0A comes yet: the
	// server reports a change of status on its 1-second tick only.
	var batch []oscar.Message
	for range 9 {
		batch = append(batch, &oscar.UserInfoQuery{Type: 1, ScreenName: "nobody"})
	}
	batch = append(batch, oscar.Empty(oscar.TypeSelfInfoRequest)) // class 1: still answered
	c.sendBatch(batch...)
	answered, notices := 0, 0
	for {
		s := c.readSNAC()
		if s.Type() == oscar.TypeSelfInfo {
			break
		}
		switch s.Type() {
		case oscar.TypeLocateError:
			answered++
		case oscar.TypeRateChange:
			notices++
		default:
			t.Fatalf("unexpected %v", s.Type())
		}
	}
	if answered != 6 || notices != 0 {
		t.Errorf("answered %d with %d notices; want 6 and none before the tick", answered, notices)
	}
	// The tick a second later: the class is limited (one 01,0A code 3),
	// and a SNAC of it is still dropped (its level is far from clear).
	clk.Advance(time.Second)
	c.sendMsg(0x300, oscar.Empty(oscar.TypeSelfInfoRequest))
	rateChange(oscar.RateLimited)
	c.expect(oscar.TypeSelfInfo)
	// Quiet long enough, the class clears: the 1-second ticker notices.
	clk.Advance(time.Minute)
	rateChange(oscar.RateClear)
	query(200)
	c.expect(oscar.TypeLocateError)

	// Far below disconnect: the server hangs up.
	batch = batch[:0]
	for range 30 {
		batch = append(batch, &oscar.UserInfoQuery{Type: 1, ScreenName: "nobody"})
	}
	c.sendBatch(batch...)
	for {
		c.nc.SetReadDeadline(time.Now().Add(hangGuard))
		if _, err := c.fr.ReadFrame(); err != nil {
			break
		}
	}
	if err := srv.WaitOffline(ctxT(t), "LabAlice"); err != nil {
		t.Fatal(err)
	}
}

// A client that breaks the framing loses its connection; its watchers see
// it leave.
func TestClientGarbage(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, nil)
	alice := signOn(t, srv, "LabAlice", "LabCarol")
	alice.ready()
	carol := signOn(t, srv, "LabCarol")
	carol.ready()
	alice.expect(oscar.TypeBuddyArrived)
	if _, err := carol.nc.Write([]byte{0x2b, 0x02, 0x00, 0x01, 0x00, 0x00}); err != nil {
		t.Fatal(err)
	}
	alice.expect(oscar.TypeBuddyDeparted)
	frames, err := srv.WaitClosed(ctxT(t), "LabCarol")
	if err != nil || len(frames) != 4 {
		t.Errorf("WaitClosed = %d frames, %v; want the 4 good ones", len(frames), err)
	}
	// A SNAC too short for its header closes the connection too.
	carol = signOn(t, srv, "LabCarol")
	carol.ready()
	alice.expect(oscar.TypeBuddyArrived)
	carol.send(oscar.ChannelSNAC, []byte{0, 1, 0})
	alice.expect(oscar.TypeBuddyDeparted)
}

// The rate tick is the real server's: a second after the connection's last
// frame (a keepalive too), then once a second; never on a SNAC. A class
// taken below alert hears nothing while frames keep coming less than a
// second apart, and hears it (01,0A code 2, with the level after its last
// SNAC) once the client has been quiet for a second.
func TestRateTickAfterQuiet(t *testing.T) {
	t.Parallel()
	srv, clk := startServer(t, nil)
	c := signOn(t, srv, "LabAlice")
	c.ready()
	clk.Advance(time.Minute) // everything clear and reported long ago
	handled := func() int {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.handled
	}
	settle := func(n int) { // until the server has acted on frame n
		t.Helper()
		if err := srv.wait(ctxT(t), func() bool { return srv.handled >= n }); err != nil {
			t.Fatal(err)
		}
	}
	// Class 3 at 6000: the first SNAC after a minute keeps it there, the
	// next 4 at the same instant leave 4886, below alert.
	// A frame is counted once the server is done with it, which may be
	// after its answer was read here: count from before the SNACs.
	n := handled()
	for i := range uint32(5) {
		c.sendMsg(i, &oscar.UserInfoQuery{Type: 1, ScreenName: "nobody"})
		c.expect(oscar.TypeLocateError)
	}
	settle(n + 5)
	clk.Advance(600 * time.Millisecond)
	c.send(oscar.ChannelKeepalive, nil)
	settle(n + 6)
	clk.Advance(900 * time.Millisecond) // 1.5 s after the SNACs, 0.9 s after the keepalive
	c.sendMsg(0x20, oscar.Empty(oscar.TypeSelfInfoRequest))
	if s := c.readSNAC(); s.Type() != oscar.TypeSelfInfo {
		t.Fatalf("got %v before 01,0F; want no report while frames come less than a second apart", s.Type())
	}
	clk.Advance(time.Second) // quiet for a second: the tick
	var rc oscar.RateChange
	if err := rc.Decode(c.expect(oscar.TypeRateChange).Body); err != nil || rc.Code != oscar.RateWarning || rc.Class.ID != 3 || rc.Class.Current != 4886 {
		t.Errorf("01,0A = %+v, %v; want code 2 for class 3 at level 4886", rc, err)
	}
}

// TestRateTickerSleepsWhenSettled: once no tick can report anything, the
// rate ticker stops looking (an idle hour costs a few looks, not the
// 36,000 of a 100 ms poll), and a SNAC wakes it: the 01,0A still comes a
// second after the client goes quiet.
func TestRateTickerSleepsWhenSettled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewUnstartedServer(labAccounts...)
		srv.StartPipes()
		t.Cleanup(srv.Close)
		c := signOn(t, srv, "LabAlice")
		c.ready()
		looks := func() int {
			srv.mu.Lock()
			defer srv.mu.Unlock()
			return srv.rateLooks
		}
		time.Sleep(time.Minute) // the signon's classes back at max, reported clear
		synctest.Wait()
		before := looks()
		time.Sleep(time.Hour)
		synctest.Wait()
		if n := looks() - before; n > 0 {
			t.Errorf("the rate ticker looked %d times in an idle hour, want none", n)
		}
		// As in TestRateTickAfterQuiet: 5 SNACs of class 3 at one instant
		// leave it at 4886, below alert; the tick a second later says so.
		for i := range uint32(5) {
			c.sendMsg(i, &oscar.UserInfoQuery{Type: 1, ScreenName: "nobody"})
			c.expect(oscar.TypeLocateError)
		}
		time.Sleep(1100 * time.Millisecond)
		var rc oscar.RateChange
		if err := rc.Decode(c.expect(oscar.TypeRateChange).Body); err != nil || rc.Code != oscar.RateWarning || rc.Class.ID != 3 || rc.Class.Current != 4886 {
			t.Errorf("01,0A = %+v, %v; want code 2 for class 3 at level 4886", rc, err)
		}
	})
}
