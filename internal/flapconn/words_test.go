package flapconn_test

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/aim-oscar/aim/internal/flapconn"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSignonStepWords: a signon that fails at each step says why in a
// person's words (the server's reason where it gave one), with no SNAC or
// code; the step's SNAC is in Detail, for --debug. The tester's case: the
// server ends the session (the name signed on elsewhere) while the client
// waits for the rate limits.
func TestSignonStepWords(t *testing.T) {
	kick := func(srv *oscartest.Server, at int) func(oscartest.Event) oscartest.Action {
		return func(e oscartest.Event) oscartest.Action {
			if e.Service == "bos" && e.Index == at {
				srv.Kick(e.ScreenName)
				return oscartest.Ignore
			}
			return oscartest.Answer
		}
	}
	tests := []struct {
		name      string
		intercept func(srv *oscartest.Server) func(oscartest.Event) oscartest.Action
		signon    func(sg *flapconn.Signon) error
		words     string
		detail    string
	}{
		{"the server hangs up", func(*oscartest.Server) func(oscartest.Event) oscartest.Action {
			return func(e oscartest.Event) oscartest.Action {
				if e.Service == "bos" && e.Index == 1 { // the 01,06, after the cookie's 01,03 went out
					return oscartest.Hangup
				}
				return oscartest.Answer
			}
		}, nil, "could not sign on: the server closed the connection", "signon: waiting for "}, // host ready or rate limits: the 01,03 may not get out
		{"host ready: the server says nothing", func(*oscartest.Server) func(oscartest.Event) oscartest.Action {
			return func(e oscartest.Event) oscartest.Action {
				if e.Service == "bos" {
					return oscartest.Ignore
				}
				return oscartest.Answer
			}
		}, nil, "could not sign on: the server did not answer in time", "(01,03)"},
		{"rate limits: signed on elsewhere", func(srv *oscartest.Server) func(oscartest.Event) oscartest.Action {
			return kick(srv, 1) // the 01,06, after the cookie's 01,03 went out
		}, nil, "could not sign on: this screen name signed on somewhere else", "(01,07)"},
		{"the owner's step: signed on elsewhere", func(srv *oscartest.Server) func(oscartest.Event) oscartest.Action {
			return kick(srv, 3) // the 01,02
		}, func(sg *flapconn.Signon) error {
			if err := sg.SendAll(sg.RateAck(), sg.ClientReady()); err != nil {
				return err
			}
			return sg.Expect("waiting for the room (0E,03 and 0E,02)", map[oscar.SNACType]func(oscar.SNAC) error{
				oscar.TypeChatUsersJoined: func(oscar.SNAC) error { return nil },
			})
		}, "could not sign on: this screen name signed on somewhere else", "(0E,03 and 0E,02)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := oscartest.NewUnstartedServer(alice)
				srv.Intercept = tt.intercept(srv)
				srv.StartPipes()
				defer srv.Close()
				_, err := open(t, t.Context(), srv, flapconn.Options{Keepalive: -1, Signon: tt.signon}, 16)
				if err == nil {
					t.Fatal("signed on")
				}
				if got := err.Error(); got != tt.words || strings.ContainsAny(got, "(,") {
					t.Errorf("error %q, want %q", got, tt.words)
				}
				if d := oscar.DetailOf(err); !strings.Contains(d, tt.detail) {
					t.Errorf("detail %q, want it to name %s", d, tt.detail)
				}
			})
		})
	}
}
