package chat

import (
	"context"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// Ref names a room: the RoomRef of its info block (Nav.Room, Room.Info)
// or of an invitation (bos.ChatInvited).
type Ref = oscar.RoomRef

// ExchangeUser is the exchange of the rooms users create.
const ExchangeUser = oscar.ExchangeUser

// ParseRoomName checks that s can name a room (oscar.ParseRoomName) and
// returns it trimmed.
func ParseRoomName(s string) (string, error) { return oscar.ParseRoomName(s) }

// OpenNavFor asks sess for chat navigation (01,04 → 01,05), within ctx,
// and opens it with opts (Addr and Cookie from the reply). life bounds the
// connection's whole life, as OpenNav's ctx does. sess paces its SNACs
// with the navigation as a peer (bos.Session.SharePacing).
func OpenNavFor(ctx, life context.Context, sess *bos.Session, opts Options) (*Nav, error) {
	rep, err := sess.RequestService(ctx, oscar.FamilyChatNav, nil)
	if err != nil {
		return nil, err
	}
	opts.Addr, opts.Cookie = rep.Address, secret.Bytes(rep.Cookie)
	nav, err := OpenNav(life, opts)
	if err != nil {
		return nil, err
	}
	// The real server runs chat navigation on the BOS session: its tick
	// looks at the BOS classes too, so the session's pacing keeps it quiet
	// around the SNACs that need it (until the navigation ends).
	sess.SharePacing(nav.c)
	return nav, nil
}

// JoinFor asks sess for the connection of the room ref names (01,04 with
// the room → 01,05) and joins it with opts (Addr and Cookie from the
// reply). ctx bounds the room's whole life, as Join's does.
func JoinFor(ctx context.Context, sess *bos.Session, ref Ref, opts Options) (*Room, error) {
	rep, err := sess.RequestService(ctx, oscar.FamilyChat, &ref)
	if err != nil {
		return nil, err
	}
	opts.Addr, opts.Cookie = rep.Address, secret.Bytes(rep.Cookie)
	return Join(ctx, opts)
}
