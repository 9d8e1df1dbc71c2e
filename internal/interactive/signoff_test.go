package interactive

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// TestQuitSaysWhatItWaits: quit typed by a person while the server's rate
// limit holds messages back says, before the wait, how many and that
// Ctrl-C drops them (the wait can last up to 2 minutes).
func TestQuitSaysWhatItWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
		srv.StartPipes()
		defer srv.Close()
		srv.AddBot("EchoBot", func(_, _ string) string { return "" })
		c, err := client.Start(t.Context(), client.Options{Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
			Password: secret.String("alicepw1"), Dial: srv.Dial}, Settle: true, Emit: func(client.Output) {}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Wait()
		defer c.Stop()
		var errOut bytes.Buffer
		streams := &iostreams.IOStreams{In: strings.NewReader(strings.Repeat("send EchoBot hi\n", 15) + "quit\n"),
			Out: &bytes.Buffer{}, ErrOut: &errOut}
		streams.SetStdinTTY(true) // a person types (no prompt: standard output is not the terminal)
		done := make(chan struct{})
		StartInput(t.Context(), func() { close(done) }, streams, &Printer{W: streams.Out}, c, InputPlan{})
		<-done
		said := regexp.MustCompile(`^aim: signing off after \d+ queued messages are sent \(Ctrl-C to drop them\)\n$`)
		if !said.MatchString(errOut.String()) {
			t.Errorf("standard error %q, want what quit waits for", errOut.String())
		}
		if c.Sending() != 0 {
			t.Errorf("%d messages under way after the wait", c.Sending())
		}
	})
}
