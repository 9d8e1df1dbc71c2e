package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// BenchmarkSendProcess runs `aim send` as a process, one after another,
// against the in-process server: through a running session's control
// socket (no password, no signon), and with its own signon
// (--no-session: authorizer, BOS signon, the IM, logout). Each op is one
// whole process, from exec to exit, the message acknowledged; in-process
// is the same run without the exec. The server announces rate classes
// without a window, which the client does not pace: against a real server
// the session would pace a send a second after the burst (one IM every
// 4 s), and the signons would be refused after ten.
func BenchmarkSendProcess(b *testing.B) {
	bin := buildAim(b)
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.Rates = oscartest.DefaultRates()
	srv.EnforceRates = false
	for i := range srv.Rates.Classes {
		srv.Rates.Classes[i].Window = 0 // the client does not pace such a class
	}
	srv.Start()
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	env := newProcEnv(b, bin, srv, "screen_name: LabAlice\n")

	send := func(b *testing.B, password string, args ...string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := env.command(ctx, password, append([]string{"send"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("aim send: %v\n%s", err, out)
		}
	}
	// The same without the exec: aim's run in this process, for what
	// the socket and the signon cost beyond starting a program.
	sendHere := func(b *testing.B, args ...string) {
		streams, _, _, errOut := testIO()
		if code := run(b.Context(), append([]string{"send"}, args...), streams); code != 0 {
			b.Fatalf("aim send: exit %d: %s", code, errOut)
		}
	}
	for _, kv := range env.base {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
	for _, k := range []string{"AIM_CONFIG", "AIM_SCREEN_NAME", "AIM_AUTH", "AIM_OUTPUT", "AIM_PASSWORD_COMMAND"} {
		b.Setenv(k, "")
	}
	b.Setenv("AIM_PASSWORD", "")

	b.Run("session", func(b *testing.B) {
		login := env.startSession(b, "alicepw1", "login", "--json", "--no-input")
		login.waitLine(b, `"type":"signed_on"`)
		b.Run("process", func(b *testing.B) {
			for b.Loop() {
				send(b, "", "EchoBot", "through the session")
			}
		})
		b.Run("in-process", func(b *testing.B) {
			for b.Loop() {
				sendHere(b, "EchoBot", "through the session")
			}
		})
		login.cmd.Process.Signal(os.Interrupt)
		login.exitCode(b)
	})
	b.Run("own-signon", func(b *testing.B) {
		b.Run("process", func(b *testing.B) {
			for b.Loop() {
				send(b, "alicepw1", "--no-session", "EchoBot", "with a signon of its own")
			}
		})
		b.Setenv("AIM_PASSWORD", "alicepw1")
		b.Run("in-process", func(b *testing.B) {
			for b.Loop() {
				sendHere(b, "--no-session", "EchoBot", "with a signon of its own")
			}
		})
	})
}
