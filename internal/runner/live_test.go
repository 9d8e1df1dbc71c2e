package runner_test

import (
	"errors"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/secret"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// TestHostedFollowGetsTheSignon: what a hosted session says before anyone
// follows it (its signon) reaches the first Follow, after the status,
// once; the signoff reaches it too, and Follow ends with the logout.
func TestHostedFollowGetsTheSignon(t *testing.T) {
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	h, err := runner.Host(t.Context(), client.Options{Account: client.Account{Server: srv.AuthAddr(),
		ScreenName: "LabAlice", Password: secret.String("alicepw1")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	following := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- h.Follow(t.Context(), func(o client.Output) {
			kinds = append(kinds, o.Kind())
			if len(kinds) == 1 { // the status: Follow is subscribed once it returns
				close(following)
			}
		})
	}()
	<-following
	h.Logout(t.Context())
	err = <-done
	if len(kinds) < 3 || kinds[0] != "result" || kinds[1] != "signed_on" || kinds[len(kinds)-1] != "disconnected" {
		t.Errorf("Follow got %q; want the status, signed_on, ..., disconnected", kinds)
	}
	if e := (*sessionsock.EndedError)(nil); !errors.As(err, &e) || e.Last == nil || e.Last.Reason != client.ReasonLogout {
		t.Errorf("Follow ended with %v; want the session's end by a logout", err)
	}
	h.Close()
}
