package wiretrace

import (
	"bytes"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/aim-oscar/aim/internal/oscar"
)

// TestTraceZeroesCookies: every frame that carries a cookie or a password
// reaches the trace with it zeroed, and says so.
func TestTraceZeroesCookies(t *testing.T) {
	cookie := []byte("SECRET-COOKIE-0123456789")
	snac := func(typ oscar.SNACType, body []byte) oscar.Frame {
		h := oscar.SNAC{SNACHeader: oscar.SNACHeader{Family: typ.Family(), Subtype: typ.Subtype(), RequestID: 7}, Body: body}
		return oscar.Frame{Channel: oscar.ChannelSNAC, Payload: h.AppendTo(nil)}
	}
	service := &oscar.ServiceReply{Family: 0x0E, Address: "127.0.0.1:5190", Cookie: cookie}
	migrate := &oscar.Migrate{Families: []uint16{1, 2, 3}, TLVs: oscar.AppendTLV(oscar.AppendTLVString(nil, oscar.TLVBOSAddress, "127.0.0.1:5191"), oscar.TLVCookie, cookie)}
	login := &oscar.LoginReply{ScreenName: "alice", BOSAddress: "127.0.0.1:5190", Cookie: cookie}
	signon := &oscar.BOSSignon{Cookie: cookie}
	frames := map[string]oscar.Frame{
		"01,05 service redirect": snac(oscar.TypeServiceReply, service.AppendTo(nil)),
		"01,12 migration":        snac(oscar.TypeMigrate, migrate.AppendTo(nil)),
		"01,12 malformed":        snac(oscar.TypeMigrate, append([]byte{0xff, 0xff}, cookie...)),
		"17,03 login reply":      snac(oscar.TypeMD5LoginReply, login.AppendTo(nil)),
		"channel 4 login reply":  {Channel: oscar.ChannelSignoff, Payload: login.AppendTo(nil)},
		"channel 1 signon":       {Channel: oscar.ChannelSignon, Payload: signon.AppendTo(nil)},
	}
	for name, f := range frames {
		var out bytes.Buffer
		trace, _ := New(&out)
		trace(false, f)
		if strings.Contains(out.String(), hex.EncodeToString(cookie)) || strings.Contains(out.String(), hex.EncodeToString(cookie[:8])) {
			t.Errorf("%s: the cookie reached the trace: %s", name, out.String())
		}
		if !strings.Contains(out.String(), "(secrets zeroed)") {
			t.Errorf("%s: no note that secrets were zeroed: %s", name, out.String())
		}
	}
	// What holds no secret is shown as it is.
	var out bytes.Buffer
	trace, _ := New(&out)
	trace(true, snac(oscar.TypeStatsInterval, []byte{0, 1}))
	if !strings.HasSuffix(strings.TrimSpace(out.String()), "0001") || strings.Contains(out.String(), "zeroed") {
		t.Errorf("0B,02: %s", out.String())
	}
}

// TestTracesShareAWriter: the connections of one session each have a
// trace and write to one --debug writer, here a bytes.Buffer, which is not
// safe for concurrent use: the lines must not race (go test -race) nor
// mix.
func TestTracesShareAWriter(t *testing.T) {
	var buf bytes.Buffer
	var wg sync.WaitGroup
	for range 4 {
		trace, logf := New(&buf)
		wg.Go(func() {
			for range 50 {
				trace(true, oscar.Frame{Channel: oscar.ChannelKeepalive})
				logf("a note %d", 1)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "debug ") {
			t.Fatalf("mixed line %q", l)
		}
	}
}
