package client_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestOwnLineBeforeTheReply: at a prompt, what you sent is shown before
// the answer to it, as in any chat client. A bot answers at once, right
// after the server's acknowledgement; the send's result (the "->" line)
// raced the reply out of the session, and the reply mostly came first
// (the demo's AIMBot did, on the first line the README suggests).
func TestOwnLineBeforeTheReply(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Rates = oscartest.DefaultRates()
	srv.EnforceRates = false // forty lines in a row: pacing is not what this tests
	for i := range srv.Rates.Classes {
		srv.Rates.Classes[i].Window = 0 // the client does not pace such a class
	}
	srv.Start()
	t.Cleanup(srv.Close)
	srv.AddBot("Echo Bot", func(_, text string) string { return "echo: " + text })
	alice, out := startTCP(t, srv, "LabAlice", nil)
	next(t, out, func(*client.SignedOn) bool { return true })
	const n = 40
	for i := range n {
		alice.Exec(t.Context(), i+1, fmt.Sprintf(`send "Echo Bot" line %d`, i), false) // typed at a prompt
	}
	for i := range n {
		text := fmt.Sprintf("line %d", i)
		if r := next(t, out, func(r *client.Result) bool { return r.Command == "send" && r.Text == text }); !r.OK {
			t.Fatalf("send %q: %s", text, client.Text(r))
		}
		next(t, out, func(im *client.IM) bool { return im.Text == "echo: "+text })
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	shown := map[string]bool{}
	for _, o := range out.all {
		switch o := o.(type) {
		case *client.Result:
			shown[o.Text] = true
		case *client.IM:
			if line := strings.TrimPrefix(o.Text, "echo: "); !shown[line] {
				t.Errorf("the reply to %q came before the line itself", line)
			}
		}
	}
}
