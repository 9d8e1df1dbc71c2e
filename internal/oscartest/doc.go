// Package oscartest is an in-process OSCAR server in the spirit of
// net/http/httptest: an authorizer and a BOS server on loopback that answer
// the way Open OSCAR Server answers in the captures under shared/transcripts.
//
// Tests of the client use it, and `aim demo` embeds it, so it imports no
// testing code. It owns everything it starts: Close closes the listeners and
// every connection and waits for every goroutine.
//
//	srv := oscartest.NewServer(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
//	defer srv.Close()
//	// log in at srv.AuthAddr(); the authorizer sends the client to srv.BOSAddr()
//
// What it does, frame by frame, and where that comes from:
//
//   - Every connection starts with the server's channel-1 acknowledge; its FLAP
//     sequence numbers start at 100 and count every frame it sends.
//   - The authorizer takes the FLAP login (channel 1 with a roasted password)
//     and the MD5 login (BUCP: 17,06 → 17,07 → 17,02 → 17,03). It answers once
//     and closes. The challenge key is fixed per account, like the real one.
//   - BOS takes the one-time cookie, announces 13 families (01,03), answers the
//     rights requests with the captured bodies, relays IMs, typing, warnings and
//     presence, and keeps each account's server-stored list (feedbag) the
//     way the real one does: 13,0F with a one-byte count under the strict
//     "modified before" rule, 0x0000 for every edit, names normalized on the
//     way back, presence and privacy from the list after 13,07, a deny item
//     that blocks only once a pdinfo item exists. Server.Release picks the
//     2025 or 2026 behaviour where they differ (presence at once or at
//     13,12, the group delete, several sessions of one account and the
//     pushes of their edits, typing relayed only to sessions neither idle
//     nor away); Server.FeedbagPartItems splits 13,06.
//   - Typing (04,14) is relayed as ClientEvent relays it: the sender's
//     registered name and request id, dropped silently to an offline user
//     or across a block either way, whatever the buddy preferences say;
//     those only add an empty TLV 0x000B to the account's IMs (it wants
//     typing notifications), each release reading them its own way.
//     Idle (01,11) reaches watchers as 03,0B with TLV 4; an account with
//     several sessions is idle once all are, since the latest.
//   - Chat rooms (chat.go): 01,04 on BOS hands out a service cookie for
//     chat navigation (0D: rooms by name, cookie "4-0-<name>") or a room
//     (0E: members, relayed messages, echo on request), each served on its
//     own connection to the BOS listener; BOS logout ends them with the
//     real server's frames. AddPublicRoom makes exchange-5 rooms.
//   - Rate limiting follows the real server's moving average per class; see
//     Server.EnforceRates.
//   - Sessions end as they do on the real server: a logout (zero-length
//     channel 4) closes the connection after what was already queued; a
//     second signon of a name kicks the first (TLV 9 = 1 after a login with
//     TLV 0x004A, the bare 4-byte header without), except on the 2026
//     release with 0x004A = 1 on both, which keeps both and tells the first
//     with a second 0B,02 and an IM from "OOS System Msg". Shutdown plays a
//     graceful stop (and restart). The 2026 release also sends an empty
//     channel 4 after 17,03 and 01,13 after 01,18.
//   - Offline IMs (offline.go, facts 56-62): the 2026 release stores an IM
//     with TLV 6 for an offline account that accepts them (its buddy
//     preference 0x34; ten per sender), tells it at signon with an IM from
//     "OOS System Msg", and hands them over on 04,10 (stored 04,07s, then
//     04,17; OfflineAfterDone swaps the two); the 2025 release refuses both.
//
// Hooks for fault injection: Intercept (swallow a frame or hang up instead of
// answering), Send and SendRaw (push any SNAC or any bytes), Kick,
// CloseClientConnections, Shutdown. Sent, AuthSent and WaitClosed return what
// a client sent, so a test can check its last frame; Ends says how each
// connection ended (its logout frame read, a reset seen).
//
// Package oscartls serves the same server over TLS (WrapListener); it is
// apart so that the tests that do not speak TLS do not link crypto/tls.
package oscartest
