package client_test

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

func labAccount(srv *oscartest.Server, name, password string) client.Account {
	return client.Account{Server: srv.AuthAddr(), ScreenName: name, Password: secret.String(password), Dial: srv.Dial}
}

// runAccount starts a client for a and returns what it emits once the
// signon has settled.
func runAccount(t *testing.T, a client.Account) (*client.Client, *outputs) {
	t.Helper()
	out := &outputs{}
	c, err := client.Start(t.Context(), client.Options{Account: a, Emit: out.add})
	if err != nil {
		t.Fatalf("Start(%s): %v", a.ScreenName, err)
	}
	t.Cleanup(func() { c.Stop(); c.Wait() })
	synctest.Wait()
	return c, out
}

// The end-to-end case. On the 2026 release: LabAlice sends to Lab
// Bob while he is offline, and aim send says stored (exit 0); Bob signs on
// away and gets it once, marked offline, with the time it was sent, and
// no automatic reply goes back; the server's notice is a plain notice. On
// the 2025 release the same send is refused (exit 6), as before.
func TestOfflineIMEndToEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		rel   oscartest.Release
		after bool // the server's 04,17 before the stored IMs
	}{{"2026", oscartest.Release2026, false}, {"2026 done first", oscartest.Release2026, true}, {"2025", oscartest.Release2025, false}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := pipeServer(t, func(s *oscartest.Server) {
					s.Release, s.OfflineAfterDone = tc.rel, tc.after
					s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
				})
				alice := labAccount(srv, "LabAlice", "alicepw1")
				sentAt := time.Now().Truncate(time.Second)
				r, err := client.Send(t.Context(), alice, "Lab Bob", "while you were out <3", time.Now, nil, false)
				if tc.rel == oscartest.Release2025 {
					var notOn *client.NotSignedOnError
					if !errors.As(err, &notOn) || client.FailureOf(err) != client.FailureRefused {
						t.Fatalf("2025 send: %+v, %v; want refused, not signed on", r, err)
					}
					return
				}
				if err != nil || r.Delivery != "stored" || r.Summary != "-> Lab Bob (offline; the server keeps it for their next signon): while you were out <3" {
					t.Fatalf("send: %+v, %v; want stored", r, err)
				}
				if _, err := client.Send(t.Context(), alice, "Lab Bob", "only if on", time.Now, nil, true); !errors.As(err, new(*client.NotSignedOnError)) {
					t.Errorf("--online-only send: %v, want not signed on", err)
				}
				time.Sleep(time.Hour) // Bob signs on an hour later

				bob := labAccount(srv, "Lab Bob", "bobpass22")
				bob.Away = "gone fishing"
				c, out := runAccount(t, bob)
				var ims []*client.IM
				var notices []*client.ServerMessage
				for _, o := range out.all() {
					switch e := o.(type) {
					case *client.IM:
						ims = append(ims, e)
					case *client.ServerMessage:
						notices = append(notices, e)
					}
				}
				if len(ims) != 1 {
					t.Fatalf("Bob got %d IMs, want 1: %v", len(ims), out.kinds())
				}
				im := ims[0]
				if !im.Offline || im.Text != "while you were out <3" || im.AutoReplied || !im.Time.Equal(sentAt.UTC()) {
					t.Errorf("stored IM %+v, want offline, the text, sent at %v, not answered", im, sentAt.UTC())
				}
				if text := client.Text(im); !strings.Contains(text, "(while you were offline, "+sentAt.Local().Format("Mon 2 Jan")+"): while you were out <3") {
					t.Errorf("text form %q does not say offline", text)
				}
				if len(notices) != 1 || notices[0].Text != "You just received 1 IM(s) while you were offline. If you do not wish to receive offline messages, please go to IM Settings <https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ&start_radio=1&pp=ygUJcmljayByb2xsoAcB>." {
					t.Errorf("notices %+v, want the server's, in plain text with the link's address", notices)
				}
				for _, f := range srv.Sent("Lab Bob") {
					if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeICBMSend {
						t.Errorf("Bob sent an IM: % x", s.Body)
					}
				}
				c.Stop()
				c.Wait()
				_, out = runAccount(t, bob) // once only
				if n := count[*client.IM](out); n != 0 {
					t.Errorf("second signon: %d IMs, want none", n)
				}
			})
		})
	}
}

// The send command of a running session: stored unless --online-only,
// which refuses as before; the option goes in the list form (control
// socket) and in a typed line alike.
func TestSendCommandOnlineOnly(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.Release = oscartest.Release2026
			s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
		})
		c, out := runAccount(t, labAccount(srv, "LabAlice", "alicepw1"))
		r := c.Do(t.Context(), client.CmdSend, []string{client.OnlineOnly, "Lab Bob", "now or never"}, true)
		if r.OK || !strings.Contains(r.Error, "Lab Bob is not signed on") || r.Delivery != "" {
			t.Errorf("--online-only = %+v, want refused", r)
		}
		r = c.Do(t.Context(), client.CmdSend, []string{"Lab Bob", "keep it"}, true)
		if !r.OK || r.Delivery != "stored" {
			t.Errorf("send = %+v, want stored", r)
		}
		if err := c.Exec(t.Context(), 7, `send --online-only "Lab Bob" typed`, true); err != nil {
			t.Fatal(err)
		}
		c.Exec(t.Context(), 8, `send --bogus "Lab Bob" typed`, true)
		synctest.Wait()
		var seven, eight *client.Result
		for _, o := range out.all() {
			if r, ok := o.(*client.Result); ok && r.ID == 7 {
				seven = r
			} else if ok && r.ID == 8 {
				eight = r
			}
		}
		if seven == nil || seven.OK || !strings.Contains(seven.Error, "not signed on") {
			t.Errorf("typed --online-only: %+v", seven)
		}
		if eight == nil || eight.OK || !strings.Contains(eight.Error, "takes no option --bogus") {
			t.Errorf("unknown option: %+v", eight)
		}
		if n := srv.OfflineIMs("Lab Bob"); n != 1 {
			t.Errorf("%d IMs stored, want 1", n)
		}
	})
}

// prefsItem returns the buddy-preferences item of LabAlice's list on the
// server (signing on to read it), failing if there is none.
func prefsItem(t *testing.T, srv *oscartest.Server) oscar.FeedbagItem {
	t.Helper()
	sess := bosSession(t, srv, "LabAlice", "alicepw1", true)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sess.Logout(ctx)
		srv.WaitOffline(ctx, "LabAlice")
	}()
	for _, it := range sess.Feedbag().Items() {
		if it.Class == oscar.FeedbagClassBuddyPrefs {
			return it
		}
	}
	t.Fatal("no buddy-preferences item on the server")
	return oscar.FeedbagItem{}
}

// offline_ims in the config file reaches the server's list as the buddy
// preference the 2026 release reads (fact 58): off, the server keeps no IM
// for the account; on (the default), it does. The bits another client set
// in the same item stay.
func TestOfflineIMsSettingReachesServer(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	other := oscar.FeedbagItem{ItemID: 0x0501, Class: oscar.FeedbagClassBuddyPrefs,
		TLVs: oscar.TLVList(mustHexT(t, "00c9 0004 00000001 00d7 0004 80000000 00d8 0004 80000000 0131 0001 7a"))}
	insertItems(t, srv, other)
	store := func() error {
		bob := bosSession(t, srv, "Lab Bob", "bobpass22", false)
		defer bob.Logout(t.Context())
		_, err := bob.SendOrStoreIM(t.Context(), "LabAlice", "are you there?")
		return err
	}

	a := newMachine(t, srv, "screen_name: LabAlice\noffline_ims: false\n")
	a.start()
	nextOut[*client.SignedOn](a)
	a.stop() // after the signon's sync
	it := prefsItem(t, srv)
	if valid, on := it.BuddyPref2(oscar.FeedbagPrefAcceptOfflineIM); !valid || on {
		t.Errorf("offline_ims: false: preference valid %v on %v, want valid and off", valid, on)
	}
	if p, _ := it.BuddyPrefs(); p&1 == 0 || p&oscar.FeedbagPrefTyping == 0 {
		t.Errorf("TLV 0xC9 = %#x, want the other client's bit 0 and the typing bit", p)
	}
	if valid, on := it.BuddyPref2(33); !valid || !on {
		t.Errorf("the other client's preference 33: valid %v on %v, want both kept", valid, on)
	}
	if v, _ := it.TLVs.Get(0x0131); string(v) != "z" {
		t.Errorf("the other client's TLV 0x0131 = %q, want kept", v)
	}
	if err := store(); !errors.As(err, new(*bos.RequestError)) {
		t.Errorf("IM for LabAlice with offline_ims: false: %v, want refused", err)
	}

	if err := os.WriteFile(a.cfg, []byte("screen_name: LabAlice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.start()
	nextOut[*client.SignedOn](a)
	a.stop()
	it = prefsItem(t, srv)
	if valid, on := it.BuddyPref2(oscar.FeedbagPrefAcceptOfflineIM); !valid || !on {
		t.Errorf("default: preference valid %v on %v, want valid and on", valid, on)
	}
	if err := store(); err != nil {
		t.Errorf("IM for LabAlice by default: %v, want stored", err)
	}
}

func mustHexT(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The server deletes each stored IM as it hands it out (04,10), so only a
// session that shows them may ask: a one-shot send, or one command's own
// session (no Emit), leaves them on the server, and a session that shows
// them and is stopped at once ('aim login </dev/null') still gets them,
// from a server slow to answer. Before, all three took them and the first
// two, or the third's logout frame, dropped them.
func TestStoredIMsNeverDropped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.Release = oscartest.Release2026
			s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
			s.Intercept = func(e oscartest.Event) oscartest.Action {
				if snac, err := oscar.ParseSNAC(e.Frame.Payload); err == nil && e.Frame.Channel == oscar.ChannelSNAC &&
					snac.Type() == oscar.TypeOfflineRetrieve {
					time.Sleep(time.Second) // a server slow to get to it
				}
				return oscartest.Answer
			}
		})
		alice := labAccount(srv, "LabAlice", "alicepw1")
		bob := labAccount(srv, "Lab Bob", "bobpass22")
		if r, err := client.Send(t.Context(), alice, "Lab Bob", "kept for you", time.Now, nil, false); err != nil || r.Delivery != "stored" {
			t.Fatalf("send: %+v, %v", r, err)
		}
		if _, err := client.Send(t.Context(), bob, "LabAlice", "a one-shot send", time.Now, nil, false); err != nil {
			t.Fatal(err)
		}
		if n := srv.OfflineIMs("Lab Bob"); n != 1 {
			t.Fatalf("after Bob's one-shot send the server keeps %d, want 1", n)
		}
		c, err := client.Start(t.Context(), client.Options{Account: bob})
		if err != nil {
			t.Fatal(err)
		}
		c.Stop()
		c.Wait()
		if n := srv.OfflineIMs("Lab Bob"); n != 1 {
			t.Fatalf("after a session nobody watched the server keeps %d, want 1", n)
		}
		out := &outputs{}
		if c, err = client.Start(t.Context(), client.Options{Account: bob, Emit: out.add}); err != nil {
			t.Fatal(err)
		}
		c.Stop()
		c.Wait()
		var got []string
		for _, o := range out.all() {
			if im, ok := o.(*client.IM); ok && im.Offline {
				got = append(got, im.Text)
			}
		}
		if len(got) != 1 || got[0] != "kept for you" || srv.OfflineIMs("Lab Bob") != 0 {
			t.Errorf("a session stopped at once showed %q; the server keeps %d", got, srv.OfflineIMs("Lab Bob"))
		}
	})
}

// The 2026 release hands a stored IM with its sender's name normalized
// ("labalice"): the IM names the sender as the server spelled them when
// they came online, else as the buddy list has them, and as the server
// gave it when neither knows them (offline-im-2026.txt).
func TestOfflineIMSenderSpelled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		buddies  []string
		aliceOn  bool // LabAlice online when Bob signs on: the server spells her
		wantFrom string
	}{
		{"a buddy", []string{"LabAlice"}, false, "LabAlice"},
		{"a buddy online", []string{"labalice"}, true, "LabAlice"},
		{"unknown", nil, false, "labalice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := pipeServer(t, func(s *oscartest.Server) {
					s.Release = oscartest.Release2026
					s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
				})
				bob := labAccount(srv, "Lab Bob", "bobpass22")
				bob.Buddies = tc.buddies
				c, _ := runAccount(t, bob) // the list on the server, as the last session left it
				c.Stop()
				c.Wait()
				alice := labAccount(srv, "LabAlice", "alicepw1")
				if r, err := client.Send(t.Context(), alice, "Lab Bob", "while you were out", time.Now, nil, false); err != nil || r.Delivery != "stored" {
					t.Fatalf("send: %+v, %v; want stored", r, err)
				}
				if tc.aliceOn {
					runAccount(t, alice)
				}
				_, out := runAccount(t, bob)
				var froms []string
				for _, o := range out.all() {
					if im, ok := o.(*client.IM); ok {
						froms = append(froms, im.From)
					}
				}
				if len(froms) != 1 || froms[0] != tc.wantFrom {
					t.Errorf("the stored IM came from %q, want %q", froms, tc.wantFrom)
				}
			})
		})
	}
}

// TestNoStoreAskWhereNoneIsKept: the 2025 release keeps no IMs for
// offline users, refusing 04,10, but writes each IM asked to be kept
// (TLV 6) to its database, refuses it, and an upgrade to the 2026 release
// delivers them all at once. A session that saw 04,10 refused asks no
// more, and the one-shot sends of the same state directory then ask
// none either; on the 2026 release they still ask, and it keeps them.
func TestNoStoreAskWhereNoneIsKept(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rel  oscartest.Release
		asks int // 04,06s to Lab Bob for one message once a session has run
	}{{oscartest.Release2025, 1}, {oscartest.Release2026, 2}} {
		t.Run(tc.rel.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := pipeServer(t, func(s *oscartest.Server) {
					s.Release = tc.rel
					s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
				})
				alice := labAccount(srv, "LabAlice", "alicepw1")
				alice.StateDir = t.TempDir()
				toBob := func() int { return len(imsSent(srv, "LabAlice")) }
				send := func() {
					t.Helper()
					_, err := client.Send(t.Context(), alice, "Lab Bob", "are you there?", time.Now, nil, false)
					if tc.rel == oscartest.Release2025 && !errors.As(err, new(*client.NotSignedOnError)) {
						t.Fatalf("send: %v, want not signed on", err)
					}
				}
				send() // nothing known yet: it asks
				if n := toBob(); n != 2 {
					t.Fatalf("first one-shot send: %d IMs sent, want 2 (the second asks the server to keep it)", n)
				}

				out := &outputs{}
				c, err := client.Start(t.Context(), client.Options{Account: alice, Emit: out.add})
				if err != nil {
					t.Fatal(err)
				}
				synctest.Wait() // the signon's 04,10 is answered
				// Sent counts the frames of the account's last BOS
				// connection: from here, this session's.
				c.Exec(t.Context(), 1, `send "Lab Bob" and now?`, true)
				synctest.Wait()
				if n := toBob(); n != tc.asks {
					t.Errorf("through the session: %d IMs sent, want %d", n, tc.asks)
				}
				c.Stop()
				c.Wait()

				send() // a connection of its own again
				if n := toBob(); n != tc.asks {
					t.Errorf("one-shot send after the session: %d IMs sent, want %d", n, tc.asks)
				}
			})
		})
	}
}
