// Package wiretrace writes the --debug trace: one line per OSCAR frame sent
// or received, with the password, the MD5 hash and the cookie zeroed. It
// writes only to the writer it is given and decides nothing else.
package wiretrace

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

// secretTLVs are the TLVs whose values never reach the trace: the roasted
// password (0x0002 in a channel-1 login), the cookie (0x0006: in the login
// reply, the BOS and service signons, a service redirect 01,05 and a
// migration 01,12) and the MD5 login hash (0x0025 in 17,02).
var secretTLVs = map[uint16]bool{oscar.TLVRoastedPassword: true, oscar.TLVCookie: true, oscar.TLVPasswordHash: true}

// New returns a Trace func for login and bos that writes one line
// per frame to w: time, direction, channel, SNAC type, and the payload in
// hex with secret values zeroed and named; and a Logf for the session's
// notes (what it skipped), on the same lines.
func New(w io.Writer) (trace func(sent bool, f oscar.Frame), logf func(string, ...any)) {
	logf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "debug %s "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
	}
	return func(sent bool, f oscar.Frame) {
		dir := "<-"
		if sent {
			dir = "->"
		}
		p, redacted := redact(f)
		what := f.Channel.String()
		if f.Channel == oscar.ChannelSNAC {
			if s, err := oscar.ParseSNAC(f.Payload); err == nil {
				what = fmt.Sprintf("snac %s req=0x%x", s.Type(), s.RequestID)
			}
		}
		note := ""
		if redacted {
			note = " (secrets zeroed)"
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "debug %s %s seq=%d len=%d %s%s: %s\n", time.Now().Format("15:04:05.000"), dir, f.Seq, len(f.Payload), what, note, hex.EncodeToString(p))
	}, logf
}

// mu serializes every trace's lines: the connections of one session (BOS,
// chat navigation, rooms) each have a trace, and all write to the one
// --debug writer, which need not be safe for concurrent use.
var mu sync.Mutex

// redact returns a copy of the payload with secret TLV values zeroed.
func redact(f oscar.Frame) ([]byte, bool) {
	p := append([]byte(nil), f.Payload...)
	switch f.Channel {
	case oscar.ChannelSignon:
		if len(p) > 4 {
			return p, zeroSecrets(p[4:])
		}
	case oscar.ChannelSignoff:
		return p, zeroSecrets(p)
	case oscar.ChannelSNAC:
		s, err := oscar.ParseSNAC(p)
		if err != nil {
			return p, false
		}
		switch s.Type() { // s.Body aliases p
		case oscar.TypeMD5LoginRequest, oscar.TypeMD5LoginReply, oscar.TypeServiceReply:
			// The login, and the redirect to a chat service with its cookie.
			return p, zeroSecrets(s.Body)
		case oscar.TypeMigrate:
			// A u16 family count, the families, then TLVs with the new
			// BOS address and cookie.
			if len(s.Body) >= 2 {
				if off := 2 + 2*int(binary.BigEndian.Uint16(s.Body)); off <= len(s.Body) {
					return p, zeroSecrets(s.Body[off:])
				}
			}
			clear(s.Body)
			return p, len(s.Body) > 0
		}
	}
	return p, false
}

// zeroSecrets zeroes the values of secret TLVs in a TLV list in place. A
// list that does not parse is zeroed whole: better blind than leaking.
func zeroSecrets(b []byte) bool {
	l, err := oscar.ParseTLVs(b)
	if err != nil {
		clear(b)
		return len(b) > 0
	}
	found := false
	for t, v := range l.All() {
		if secretTLVs[t] {
			clear(v)
			found = true
		}
	}
	return found
}
