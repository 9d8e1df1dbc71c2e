package client_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestAllowDisallow: under allow-permit, a user allowed through a
// running session can message you and one disallowed cannot: the server
// (oscartest enforces the modes as Open OSCAR Server does) takes both at
// once, and the config file says the same.
func TestAllowDisallow(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
				oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"},
				oscartest.Account{ScreenName: "LabCarol", Password: "carolpw1"})
			srv.Release = rel
			t.Cleanup(srv.Close)
			a := newMachine(t, srv, "screen_name: LabAlice\nprivacy: allow-permit\nallowed: [LabCarol]\n")
			a.start()
			nextOut[*client.BuddyListSynced](a)
			for i, tt := range []struct{ line, summary string }{
				{`allow "Lab Bob"`, "Lab Bob is allowed: put on the allowed list (privacy allow-permit)"},
				{"disallow LabCarol", "LabCarol is no longer allowed: taken off the allowed list (privacy allow-permit)"},
				{"disallow LabCarol", "LabCarol is not on the allowed list (privacy allow-permit)"},
				{"allow labbob", "labbob is already allowed (privacy allow-permit)"},
			} {
				if err := a.c.Exec(t.Context(), i+1, tt.line, true); err != nil {
					t.Fatal(err)
				}
				if r := nextOut[*client.Result](a); !r.OK || r.Summary != tt.summary {
					t.Errorf("%s: %+v, want %q", tt.line, r, tt.summary)
				}
				if i < 2 {
					nextOut[*client.BuddyListSynced](a)
				}
			}
			if cfg := a.load(); cfg.Privacy != config.PrivacyAllowPermit || !slices.Equal(cfg.Allowed, []string{"Lab Bob"}) {
				t.Errorf("config file: privacy %q, allowed %q", cfg.Privacy, cfg.Allowed)
			}
			bob := bosSession(t, srv, "Lab Bob", "bobpass22", false)
			carol := bosSession(t, srv, "LabCarol", "carolpw1", false)
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				bob.Logout(ctx)
				carol.Logout(ctx)
			})
			if err := bob.SendIM(t.Context(), "LabAlice", "from the allowed"); err != nil {
				t.Errorf("an IM from an allowed user: %v", err)
			}
			if im := nextOut[*client.IM](a); im.Text != "from the allowed" {
				t.Errorf("IM %+v", im)
			}
			var refused *bos.RequestError
			if err := carol.SendIM(t.Context(), "LabAlice", "from the disallowed"); !errors.As(err, &refused) {
				t.Errorf("an IM from a disallowed user: %v, want refused", err)
			}
			a.stop()
			for _, o := range a.kept {
				if im, ok := o.(*client.IM); ok {
					t.Errorf("an IM from a disallowed user arrived: %+v", im)
				}
			}
		})
	}
}
