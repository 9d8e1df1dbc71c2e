package bos_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
)

// TestRequestService: 01,04 → 01,05 for chat navigation; another family is
// refused with a *RequestError.
func TestRequestService(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice)
	sess := signOn(t, srv, "LabAlice", "alicepw1", login.MD5, bos.Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	rep, err := sess.RequestService(ctx, oscar.FamilyChatNav, nil)
	if err != nil || rep.Family != oscar.FamilyChatNav || rep.Address != srv.BOSAddr() || len(rep.Cookie) == 0 {
		t.Errorf("RequestService(chat navigation) = %+v, %v", rep, err)
	}
	_, err = sess.RequestService(ctx, 0x0010, nil)
	var refused *bos.RequestError
	if !errors.As(err, &refused) || refused.Code != oscar.ErrCodeServiceUnavail {
		t.Errorf("RequestService(0x0010) = %v, want a *RequestError 0x0005", err)
	}
	logout(t, sess)
}

// TestInvite: an invitation reaches the invitee as ChatInvited, room and
// text intact.
func TestInvite(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, carol)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.MD5, bos.Options{})
	c := signOn(t, srv, "LabCarol", "carolpw3", login.MD5, bos.Options{})
	nextEvent[*bos.SignedOn](t, c)
	// Signed on is not online yet for the server: it may still be handling
	// Carol's 01,02 when Alice's invitation comes, and drop it.
	if err := srv.WaitOnline(t.Context(), "LabCarol"); err != nil {
		t.Fatal(err)
	}
	room := oscar.RoomRef{Exchange: 4, Cookie: "4-0-Lab Lounge"}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := a.Invite(ctx, "labcarol", room, "Join me in héllo 漢字"); err != nil {
		t.Fatal(err)
	}
	ev := nextEvent[*bos.ChatInvited](t, c)
	if ev.From != "LabAlice" || ev.Room != room || ev.Text != "Join me in héllo 漢字" {
		t.Errorf("ChatInvited = %+v", ev)
	}
	if err := a.Invite(ctx, "", room, ""); err == nil {
		t.Error("Invite to an empty name: no error")
	}
	logout(t, a)
	logout(t, c)
}

// TestInviteTooLong: invitation text over the IM limit is refused before
// anything is sent, even text too big for one frame, and the session goes
// on: a SNAC that cannot be framed must not end the connection.
func TestInviteTooLong(t *testing.T) {
	t.Parallel()
	srv := startServer(t, alice, carol)
	a := signOn(t, srv, "LabAlice", "alicepw1", login.MD5, bos.Options{})
	room := oscar.RoomRef{Exchange: 4, Cookie: "4-0-Lab Lounge"}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var tl *limits.TooLongError
	for _, text := range []string{strings.Repeat("a", 513), strings.Repeat("a", 65500)} {
		err := a.Invite(ctx, "labcarol", room, text)
		if !errors.As(err, &tl) || tl.What != "invitation" || tl.Len != len(text) || tl.Limit != 512 {
			t.Errorf("Invite(%d bytes) = %v, want a limits.TooLongError for 512", len(text), err)
		}
	}
	if err := a.Invite(ctx, "labcarol", room, "ok"); err != nil {
		t.Errorf("Invite after the refusals: %v", err)
	}
	if err := a.Err(); err != nil {
		t.Errorf("session ended: %v", err)
	}
	logout(t, a)
}
