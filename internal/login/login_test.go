package login_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

func startServer(t *testing.T) *oscartest.Server {
	t.Helper()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	t.Cleanup(srv.Close)
	return srv
}

func authorize(t *testing.T, srv *oscartest.Server, name, pw string, m login.Method) (*login.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	return login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: name, Password: secret.String(pw), Method: m})
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	for _, m := range []login.Method{login.FLAP, login.MD5} {
		t.Run(m.String(), func(t *testing.T) {
			srv := startServer(t)
			res, err := authorize(t, srv, "labalice", "alicepw1", m)
			if err != nil {
				t.Fatal(err)
			}
			if res.BOSAddr != srv.BOSAddr() || len(res.Cookie) == 0 || res.ScreenName != "labalice" || !res.MultiConn {
				t.Errorf("Result = %+v, want BOS %s, a cookie, the name as typed, MultiConn", res, srv.BOSAddr())
			}
			if !sentMultiConn(t, srv.AuthSent("LabAlice")) {
				t.Errorf("the login did not carry TLV 0x004A = 1")
			}
		})
	}
}

// sentMultiConn reports whether the login request among frames (FLAP
// channel 1 or 17,02) carries TLV 0x004A = 1.
func sentMultiConn(t *testing.T, frames []oscar.Frame) bool {
	t.Helper()
	for _, f := range frames {
		switch f.Channel {
		case oscar.ChannelSignon:
			var req oscar.LoginRequest
			if req.Decode(f.Payload) == nil {
				return req.MultiConn
			}
		case oscar.ChannelSNAC:
			s, err := oscar.ParseSNAC(f.Payload)
			if err == nil && s.Type() == oscar.TypeMD5LoginRequest {
				var req oscar.MD5LoginRequest
				if err := req.Decode(s.Body); err != nil {
					t.Fatal(err)
				}
				return req.MultiConn
			}
		}
	}
	t.Fatalf("no login request among %v", frames)
	return false
}

// TestFLAPRequest: the FLAP login request carries TLVs 1 and 2 (the
// roasted password), the client identity and TLV 0x004A = 1.
func TestFLAPRequest(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	if _, err := authorize(t, srv, "LabAlice", "alicepw1", login.FLAP); err != nil {
		t.Fatal(err)
	}
	sent := srv.AuthSent("LabAlice")
	if len(sent) != 1 || sent[0].Channel != oscar.ChannelSignon {
		t.Fatalf("client sent %v, want one channel-1 frame", sent)
	}
	var req oscar.LoginRequest
	if err := req.Decode(sent[0].Payload); err != nil {
		t.Fatal(err)
	}
	pw := oscar.AppendRoasted(nil, req.RoastedPassword) // roasting twice gives the password back
	if req.ScreenName != "LabAlice" || string(pw) != "alicepw1" || req.Client != login.DefaultClient() || !req.MultiConn {
		t.Errorf("request = %+v", req)
	}
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, user, pw string
		code           uint16
		text           string
	}{
		{"wrong password", "LabAlice", "nope", oscar.LoginErrBadPassword, "wrong password"},
		{"unknown name", "NoSuchUser", "x", oscar.LoginErrUnknownName, "screen name unknown"},
	}
	for _, m := range []login.Method{login.FLAP, login.MD5} {
		for _, tt := range tests {
			t.Run(m.String()+"/"+tt.name, func(t *testing.T) {
				srv := startServer(t)
				_, err := authorize(t, srv, tt.user, tt.pw, m)
				var ae *login.AuthError
				if !errors.As(err, &ae) || ae.Code != tt.code || !strings.Contains(err.Error(), tt.text) {
					t.Fatalf("err = %v, want AuthError 0x%04x saying %q", err, tt.code, tt.text)
				}
				if strings.Contains(err.Error(), tt.pw) && tt.pw != "x" {
					t.Errorf("error %q contains the password", err)
				}
			})
		}
	}
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.LoginError = func(string) uint16 { return oscar.LoginErrRateLimited }
	srv.Start()
	defer srv.Close()
	_, err := authorize(t, srv, "LabAlice", "alicepw1", login.FLAP)
	var ae *login.AuthError
	if !errors.As(err, &ae) || !ae.RateLimited() || !strings.Contains(err.Error(), "wait a few minutes") {
		t.Fatalf("err = %v, want a rate-limited AuthError", err)
	}
}

func TestServerHangsUp(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.Intercept = func(ev oscartest.Event) oscartest.Action {
		if ev.Service == "auth" {
			return oscartest.Hangup
		}
		return oscartest.Answer
	}
	srv.Start()
	defer srv.Close()
	for _, m := range []login.Method{login.FLAP, login.MD5} {
		_, err := authorize(t, srv, "LabAlice", "alicepw1", m)
		var se *login.StepError
		if !errors.As(err, &se) {
			t.Errorf("%v: err = %v, want a StepError", m, err)
		}
	}
}

// TestServerSilent: an authorizer that never answers makes the login fail
// after the step timeout, naming the step (on a fake clock, for both
// methods).
func TestServerSilent(t *testing.T) {
	t.Parallel()
	for _, m := range []login.Method{login.FLAP, login.MD5} {
		synctest.Test(t, func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
			srv.Intercept = func(oscartest.Event) oscartest.Action { return oscartest.Ignore }
			srv.StartPipes()
			defer srv.Close()
			start := time.Now()
			var waits []string
			var waitedAt []time.Duration
			_, err := login.Authorize(t.Context(), login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: "alicepw1", Method: m, Dial: srv.Dial,
				Waiting: func(w login.Wait) {
					waits, waitedAt = append(waits, w.String()), append(waitedAt, time.Since(start))
				}})
			var se *login.StepError
			var ne net.Error
			if !errors.As(err, &se) || !errors.As(err, &ne) || !ne.Timeout() || !strings.Contains(err.Error(), "waiting for the") {
				t.Fatalf("%v: err = %v, want a timeout naming the step", m, err)
			}
			if d := time.Since(start); d != login.DefaultStepTimeout {
				t.Errorf("%v: failed after %v, want the step timeout %v", m, d, login.DefaultStepTimeout)
			}
			// Issue 22: after a couple of seconds a person is told what the
			// login waits for. (The server said hello: it speaks OSCAR.)
			if errors.As(err, new(*login.SilentError)) {
				t.Errorf("%v: err = %v, an OSCAR server that stalls said to be maybe not OSCAR", m, err)
			}
			if len(waits) != 1 || waitedAt[0] != login.WaitNotice || !strings.Contains(waits[0], "no answer from "+srv.AuthAddr()+" yet") ||
				strings.Contains(waits[0], ",0") {
				t.Errorf("%v: told %q at %v, want one notice at %v naming the address and no SNAC", m, waits, waitedAt, login.WaitNotice)
			}
		})
	}
}

// TestSilentPort: a port that accepts and never sends a byte (issue 22:
// 20 s of nothing, then "read tcp …: i/o timeout"). After WaitNotice the
// caller is told what the login waits for; at the end the error says the
// port may not be an OSCAR server's.
func TestSilentPort(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const addr = "192.0.2.1:443"
		dial := func(ctx context.Context, network, a string) (net.Conn, error) {
			client, server := net.Pipe()
			go io.Copy(io.Discard, server) // reads all, answers nothing; ends when the login closes
			return client, nil
		}
		start := time.Now()
		var waits []string
		_, err := login.Authorize(t.Context(), login.Options{Addr: addr, ScreenName: "LabAlice", Password: "alicepw1", Dial: dial,
			Waiting: func(w login.Wait) {
				if d := time.Since(start); d != login.WaitNotice {
					t.Errorf("told after %v, want %v", d, login.WaitNotice)
				}
				waits = append(waits, w.String())
			}})
		want := "no answer from " + addr + " yet (waiting for the login reply; giving up after 20s)"
		if len(waits) != 1 || waits[0] != want {
			t.Errorf("told %q, want %q once", waits, want)
		}
		var silent *login.SilentError
		var ne net.Error
		if !errors.As(err, &silent) || !errors.As(err, &ne) || !ne.Timeout() ||
			!strings.Contains(err.Error(), "no answer from "+addr+" in 20s; it may not be an OSCAR server: check the address and port") {
			t.Fatalf("err = %v, want a timeout that says the port may not be OSCAR", err)
		}
	})
}

func TestConnectRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = login.Authorize(t.Context(), login.Options{Addr: addr, ScreenName: "x", Password: "y"})
	var se *login.StepError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "connecting to "+addr) {
		t.Fatalf("err = %v, want a StepError naming the address", err)
	}
}

func TestParseMethod(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]login.Method{"": login.FLAP, "flap": login.FLAP, "MD5": login.MD5} {
		if got, err := login.ParseMethod(in); err != nil || got != want {
			t.Errorf("ParseMethod(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := login.ParseMethod("sha1"); err == nil {
		t.Error("ParseMethod(sha1) succeeded")
	}
}

// TestAuthorizerCloseIsClean: the login reads what the authorizer sends
// after its reply (the 2026 release adds a zero-length channel 4 after
// 17,03) until the server closes, so the connection ends without a reset,
// for both methods and releases.
func TestAuthorizerCloseIsClean(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		for _, m := range []login.Method{login.FLAP, login.MD5} {
			t.Run(rel.String()+"/"+m.String(), func(t *testing.T) {
				srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
				srv.Release = rel
				srv.Start()
				defer srv.Close()
				if _, err := authorize(t, srv, "LabAlice", "alicepw1", m); err != nil {
					t.Fatal(err)
				}
				if _, err := authorize(t, srv, "LabAlice", "wrong", m); err == nil {
					t.Fatal("a wrong password was accepted")
				}
				srv.Close() // waits for every connection to end
				ends := srv.Ends()
				if len(ends) != 2 {
					t.Fatalf("%d connections ended, want 2", len(ends))
				}
				for _, e := range ends {
					if e.Reset {
						t.Errorf("an authorizer connection was reset: %+v", e)
					}
				}
			})
		}
	}
}

// TestStepWords: a step that fails says which in a person's words, with
// no SNAC; Detail names it for --debug.
func TestStepWords(t *testing.T) {
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		if e.Service == "auth" && e.Index == 1 { // the 17,06
			return oscartest.Hangup
		}
		return oscartest.Answer
	}
	srv.Start()
	defer srv.Close()
	_, err := login.Authorize(t.Context(), login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: "alicepw1", Method: login.MD5})
	const want = "login: waiting for the MD5 key: the login server closed the connection"
	var se *login.StepError
	if !errors.As(err, &se) || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if d := se.Detail(); !strings.Contains(d, "(17,07)") {
		t.Errorf("detail %q, want the SNAC awaited", d)
	}
}
