package oscar

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/transcript"
)

// The captures in shared/transcripts are the ground truth for these tests:
// every frame a real server and real clients exchanged. They are read once
// per test binary.
var loadTranscripts = sync.OnceValues(func() ([]transcript.Line, error) {
	dir, err := transcript.Dir()
	if err != nil {
		return nil, err
	}
	lines, err := transcript.LoadAll(dir)
	if err == nil && len(lines) == 0 {
		err = fmt.Errorf("no frame lines in %s", dir)
	}
	return lines, err
})

// transcriptLines returns every frame line of every capture. The captures
// are part of the repository (internal/transcript/testdata), so a missing
// one fails the test, benchmark or fuzz target; it is never skipped.
func transcriptLines(tb testing.TB) []transcript.Line {
	tb.Helper()
	lines, err := loadTranscripts()
	if err != nil {
		tb.Fatalf("transcripts: %v", err)
	}
	return lines
}

// captured is one transcript line parsed down to its frame, and to its SNAC
// when it is on channel 2.
type captured struct {
	transcript.Line
	F    Frame
	SNAC SNAC // channel 2 only
}

func (c captured) isAuth() bool { return strings.HasPrefix(c.Conn, "auth") }
func (c captured) isBOS() bool  { return strings.HasPrefix(c.Conn, "bos") }

// transcriptFrames parses every transcript line. A line that does not
// parse is fatal: the captures are known good.
func transcriptFrames(tb testing.TB) []captured {
	tb.Helper()
	lines := transcriptLines(tb)
	out := make([]captured, 0, len(lines))
	for _, l := range lines {
		f, n, err := ParseFrame(l.Frame)
		if err != nil || n != len(l.Frame) {
			tb.Fatalf("%s: ParseFrame used %d of %d bytes: %v", l.Where(), n, len(l.Frame), err)
		}
		c := captured{Line: l, F: f}
		if f.Channel == ChannelSNAC {
			if c.SNAC, err = ParseSNAC(f.Payload); err != nil {
				tb.Fatalf("%s: ParseSNAC: %v", l.Where(), err)
			}
		}
		out = append(out, c)
	}
	return out
}

// transcriptSNACs returns the distinct bodies of SNAC family,subtype in the
// captures, both directions, in the order first seen.
func transcriptSNACs(tb testing.TB, family, subtype uint16) [][]byte {
	tb.Helper()
	want := MakeSNACType(family, subtype)
	var out [][]byte
	for _, c := range transcriptFrames(tb) {
		if c.F.Channel == ChannelSNAC && c.SNAC.Type() == want {
			out = append(out, c.SNAC.Body)
		}
	}
	return distinct(out)
}

// transcriptPayloads returns the distinct payloads of the frames on channel
// ch that match keep.
func transcriptPayloads(tb testing.TB, ch Channel, keep func(captured) bool) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, c := range transcriptFrames(tb) {
		if c.F.Channel == ch && keep(c) {
			out = append(out, c.F.Payload)
		}
	}
	return distinct(out)
}

func distinct(bs [][]byte) [][]byte {
	seen := map[string]bool{}
	out := bs[:0:0]
	for _, b := range bs {
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, b)
		}
	}
	return out
}

func fromServer(c captured) bool { return c.Dir == 's' }

// body is what every typed SNAC body in this package has.
type body interface {
	Message
	Decode([]byte) error
}

// newBody returns a zero message of type t, or nil when the package does
// not model t.
func newBody(t SNACType) body {
	switch t {
	case TypeClientReady:
		return &ClientReady{}
	case TypeHostReady:
		return &HostReady{}
	case TypePause:
		return &Pause{}
	case TypePauseAck:
		return &PauseAck{}
	case TypeMigrate:
		return &Migrate{}
	case TypeRateParams:
		return &RateParams{}
	case TypeRateAck:
		return &RateAck{}
	case TypeRateChange:
		return &RateChange{}
	case TypeSelfInfo:
		return &SelfInfo{}
	case TypeWarned:
		return &Warned{}
	case TypeSetIdle:
		return &SetIdle{}
	case TypeClientVersions:
		return &ClientVersions{}
	case TypeHostVersions:
		return &HostVersions{}
	case TypeLocateRights:
		return &LocateRights{}
	case TypeSetInfo:
		return &SetInfo{}
	case TypeUserInfoQuery:
		return &UserInfoQuery{}
	case TypeUserInfoReply:
		return &UserInfoReply{}
	case TypeBuddyRights:
		return &BuddyRights{}
	case TypeAddBuddies:
		return &AddBuddies{}
	case TypeRemoveBuddies:
		return &RemoveBuddies{}
	case TypeBuddyArrived:
		return &BuddyArrived{}
	case TypeBuddyDeparted:
		return &BuddyDeparted{}
	case TypeSetICBMParams:
		return &SetICBMParams{}
	case TypeICBMParams:
		return &ICBMParamsReply{}
	case TypeICBMSend:
		return &ICBMSend{}
	case TypeICBMIncoming:
		return &IncomingIM{}
	case TypeWarnRequest:
		return &WarnRequest{}
	case TypeWarnReply:
		return &WarnReply{}
	case TypeICBMAck:
		return &ICBMAck{}
	case TypeOfflineDone:
		return &OfflineDone{}
	case TypeTyping:
		return &Typing{}
	case TypePrivacyRights:
		return &PrivacyRights{}
	case TypeSetPermitMask:
		return &SetPermitMask{}
	case TypeAddDeny:
		return &AddDeny{}
	case TypeStatsInterval:
		return &StatsInterval{}
	case TypeMOTD:
		return &MOTD{}
	case TypeMD5KeyRequest:
		return &MD5KeyRequest{}
	case TypeMD5KeyReply:
		return &MD5KeyReply{}
	case TypeMD5LoginRequest:
		return &MD5LoginRequest{}
	case TypeMD5LoginReply:
		return &LoginReply{}
	case TypeFeedbagRightsReq:
		return &FeedbagRightsQuery{}
	case TypeFeedbagRights:
		return &FeedbagRights{}
	case TypeFeedbagQueryIfModified:
		return &FeedbagQueryIfModified{}
	case TypeFeedbagReply:
		return &FeedbagReply{}
	case TypeFeedbagInsertItem:
		return &FeedbagInsert{}
	case TypeFeedbagUpdateItem:
		return &FeedbagUpdate{}
	case TypeFeedbagDeleteItem:
		return &FeedbagDelete{}
	case TypeFeedbagStatus:
		return &FeedbagStatus{}
	case TypeFeedbagNotModified:
		return &FeedbagNotModified{}
	case TypeFeedbagStartCluster:
		return &FeedbagStartCluster{}
	case TypeServiceRequest:
		return &ServiceRequest{}
	case TypeServiceReply:
		return &ServiceReply{}
	case TypeExchangeInfoReq:
		return &ExchangeInfoRequest{}
	case TypeRoomInfoReq:
		return &RoomInfoRequest{}
	case TypeCreateRoom:
		return &CreateRoom{}
	case TypeNavInfo:
		return &NavInfo{}
	case TypeRoomInfoUpdate:
		return &RoomInfoUpdate{}
	case TypeChatUsersJoined:
		return &ChatUsersJoined{}
	case TypeChatUsersLeft:
		return &ChatUsersLeft{}
	case TypeChatSend:
		return &ChatSend{}
	case TypeChatIncoming:
		return &ChatIncoming{}
	}
	if t.Subtype() == 1 {
		return &SNACError{Family: t.Family()}
	}
	return nil
}

// emptyBodies are the requests that carry nothing (see Empty).
var emptyBodies = []SNACType{
	TypeRateRequest, TypeSelfInfoRequest, TypeLocateRightsReq, TypeBuddyRightsReq,
	TypeICBMParamsReq, TypePrivacyRightsReq, TypeOfflineRetrieve, TypeChatNavRightsReq,
	TypeFeedbagQuery, TypeFeedbagUse, TypeFeedbagEndCluster,
}

// unmodelled says why a SNAC seen in the captures has no typed message:
// only its SNAC header is checked. A type in none of the three lists
// fails TestTranscriptSNACs, so a new capture cannot slip past.
func unmodelled(t SNACType) (string, bool) {
	switch {
	case t.Family() == 0x15:
		return "ICQ extensions: sent by BarnOwl only", true
	case t == MakeSNACType(1, 0x14):
		return "privacy flags: sent by the lab script only", true
	case t == TypeLocateDirInfo:
		return "directory info: sent by BarnOwl only", true
	case t == MakeSNACType(4, 0x50):
		return "a made-up SNAC to provoke 04,01", true
	}
	return "", false
}

// TestTranscriptFLAP re-encodes every frame of every capture to its bytes.
func TestTranscriptFLAP(t *testing.T) {
	for _, c := range transcriptFrames(t) {
		if got := c.F.AppendTo(nil); !bytes.Equal(got, c.Frame) {
			t.Errorf("%s: AppendTo:\n got % x\nwant % x", c.Where(), got, c.Frame)
		}
		if strings.HasPrefix(c.F.Channel.String(), "unknown") {
			t.Errorf("%s: channel %v", c.Where(), c.F.Channel)
		}
		// More bytes after the frame are not part of it.
		_, n, err := ParseFrame(append(slices.Clip(c.Frame), 0x2a, 0x02, 0x00))
		if err != nil || n != len(c.Frame) {
			t.Errorf("%s: ParseFrame with trailing bytes = %d, %v; want %d", c.Where(), n, err, len(c.Frame))
		}
	}
}

// TestTranscriptSNACs decodes every SNAC body of every capture, both
// directions, and re-encodes it to the same bytes where the package models
// the message.
func TestTranscriptSNACs(t *testing.T) {
	byType := map[SNACType][]captured{}
	for _, c := range transcriptFrames(t) {
		if c.F.Channel != ChannelSNAC {
			continue
		}
		if got := c.SNAC.AppendTo(nil); !bytes.Equal(got, c.F.Payload) {
			t.Errorf("%s: SNAC.AppendTo:\n got % x\nwant % x", c.Where(), got, c.F.Payload)
		}
		byType[c.SNAC.Type()] = append(byType[c.SNAC.Type()], c)
	}
	types := make([]SNACType, 0, len(byType))
	for typ := range byType {
		types = append(types, typ)
	}
	slices.Sort(types)
	for _, typ := range types {
		samples := byType[typ]
		t.Run(typ.Short(), func(t *testing.T) {
			if why, ok := unmodelled(typ); ok {
				// Their SNAC headers were re-encoded above; the bodies
				// are not the package's to model.
				t.Logf("%d not modelled (%s)", len(samples), why)
				return
			}
			if slices.Contains(emptyBodies, typ) {
				for _, c := range samples {
					if len(c.SNAC.Body) != 0 {
						t.Errorf("%s: %v has a %d-byte body", c.Where(), typ, len(c.SNAC.Body))
					}
				}
				return
			}
			reused := newBody(typ)
			if reused == nil {
				t.Fatalf("%v (%d in the captures) is neither modelled, empty nor listed as unmodelled", typ, len(samples))
			}
			for _, c := range samples {
				m := newBody(typ)
				if err := m.Decode(c.SNAC.Body); err != nil {
					t.Errorf("%s: Decode: %v\nbody % x", c.Where(), err, c.SNAC.Body)
					continue
				}
				if m.SNACType() != typ {
					t.Errorf("%s: SNACType() = %v", c.Where(), m.SNACType())
				}
				if got := m.AppendTo(nil); !bytes.Equal(got, c.SNAC.Body) {
					t.Errorf("%s: AppendTo:\n got % x\nwant % x", c.Where(), got, c.SNAC.Body)
				}
				// Decoding into a value that held another message must
				// leave nothing of the old one behind.
				if err := reused.Decode(c.SNAC.Body); err != nil {
					t.Errorf("%s: Decode into a used value: %v", c.Where(), err)
				} else if got := reused.AppendTo(nil); !bytes.Equal(got, c.SNAC.Body) {
					t.Errorf("%s: AppendTo after decoding into a used value:\n got % x\nwant % x", c.Where(), got, c.SNAC.Body)
				}
			}
		})
	}
}

// TestTranscriptSignon checks every channel-1 frame: the server's bare
// acknowledge, the FLAP login on auth connections (TLV 1 present), the MD5
// login's bare frame, and the cookie on BOS connections.
func TestTranscriptSignon(t *testing.T) {
	counts := map[string]int{}
	for _, c := range transcriptFrames(t) {
		if c.F.Channel != ChannelSignon {
			continue
		}
		var f SignonFrame
		if err := f.Decode(c.F.Payload); err != nil {
			t.Errorf("%s: SignonFrame.Decode: %v", c.Where(), err)
			continue
		}
		if f.Version != FLAPVersion {
			t.Errorf("%s: version %d", c.Where(), f.Version)
		}
		var kind string
		var m interface{ AppendTo([]byte) []byte }
		switch {
		case c.Dir == 's' || len(f.TLVs) == 0:
			if len(f.TLVs) != 0 {
				t.Errorf("%s: server's acknowledge has TLVs % x", c.Where(), f.TLVs)
			}
			kind, m = "bare", &f
		case c.isAuth():
			var lr LoginRequest
			if err := lr.Decode(c.F.Payload); err != nil {
				t.Errorf("%s: LoginRequest.Decode: %v", c.Where(), err)
				continue
			}
			kind, m = "FLAP login", &lr
		case c.isBOS():
			var bs BOSSignon
			if err := bs.Decode(c.F.Payload); err != nil {
				t.Errorf("%s: BOSSignon.Decode: %v", c.Where(), err)
				continue
			}
			if len(bs.Cookie) == 0 {
				t.Errorf("%s: empty cookie", c.Where())
			}
			kind, m = "BOS signon", &bs
		default:
			t.Fatalf("%s: unknown connection", c.Where())
		}
		counts[kind]++
		if got := m.AppendTo(nil); !bytes.Equal(got, c.F.Payload) {
			t.Errorf("%s: %T.AppendTo:\n got % x\nwant % x", c.Where(), m, got, c.F.Payload)
		}
	}
	for _, k := range []string{"bare", "FLAP login", "BOS signon"} {
		if counts[k] == 0 {
			t.Errorf("no %s frame in the captures", k)
		}
	}
	t.Logf("channel 1: %v", counts)
}

// TestTranscriptSignoff checks every channel-4 frame, classified by its
// connection and content as a client must: the authorizer's reply to a
// FLAP login; the 2026 authorizer's empty frame after an MD5 login's 17,03
// (fact 43); a server's kick on BOS (TLV 9); a graceful shutdown's empty
// frame on BOS to a client that sent TLV 0x4A (fact 55); and the clients'
// empty logouts.
func TestTranscriptSignoff(t *testing.T) {
	counts := map[string]int{}
	for _, c := range transcriptFrames(t) {
		if c.F.Channel != ChannelSignoff {
			continue
		}
		var kind string
		var m interface{ AppendTo([]byte) []byte }
		switch {
		case c.Dir == 'c':
			if len(c.F.Payload) != 0 {
				t.Errorf("%s: client logout has a payload % x", c.Where(), c.F.Payload)
			}
			var d Disconnect
			if err := d.Decode(c.F.Payload); err != nil || d != (Disconnect{}) {
				t.Errorf("%s: Disconnect.Decode(empty) = %+v, %v", c.Where(), d, err)
			}
			kind, m = "logout", &d
		case c.isAuth() && len(c.F.Payload) == 0:
			var prev captured // the frame before it on this connection
			for _, p := range transcriptFrames(t) {
				if p.File == c.File && p.Conn == c.Conn && p.Number < c.Number && p.Dir == 's' {
					prev = p
				}
			}
			if prev.F.Channel != ChannelSNAC || prev.SNAC.Type() != TypeMD5LoginReply {
				t.Errorf("%s: empty channel 4 on the authorizer after %v, not after 17,03", c.Where(), prev.F.Channel)
			}
			kind, m = "authorizer close", &Disconnect{}
		case c.isAuth():
			var r LoginReply
			if err := r.Decode(c.F.Payload); err != nil {
				t.Errorf("%s: LoginReply.Decode: %v", c.Where(), err)
				continue
			}
			if r.ScreenName == "" {
				t.Errorf("%s: no screen name in %+v", c.Where(), r)
			}
			kind, m = "login reply", &r
		case c.isBOS():
			var d Disconnect
			if err := d.Decode(c.F.Payload); err != nil {
				t.Errorf("%s: Disconnect.Decode: %v", c.Where(), err)
				continue
			}
			switch {
			case len(c.F.Payload) == 0 && d == (Disconnect{}):
				kind = "shutdown"
			case d.Reason == DisconnectSignedOnElsewhere && strings.HasPrefix(d.URL, "https://"):
				kind = "kick"
			default:
				t.Errorf("%s: Disconnect = %+v", c.Where(), d)
			}
			m = &d
		default:
			t.Fatalf("%s: unknown connection", c.Where())
		}
		counts[kind]++
		if got := m.AppendTo(nil); !bytes.Equal(got, c.F.Payload) {
			t.Errorf("%s: %T.AppendTo:\n got % x\nwant % x", c.Where(), m, got, c.F.Payload)
		}
	}
	for _, k := range []string{"logout", "login reply", "authorizer close", "kick", "shutdown"} {
		if counts[k] == 0 {
			t.Errorf("no %s frame in the captures", k)
		}
	}
	t.Logf("channel 4: %v", counts)
}

// TestTranscriptKeepalive checks the clients' channel-5 frames: empty.
func TestTranscriptKeepalive(t *testing.T) {
	n := 0
	for _, c := range transcriptFrames(t) {
		if c.F.Channel == ChannelKeepalive {
			n++
			if c.Dir != 'c' || len(c.F.Payload) != 0 {
				t.Errorf("%s: keepalive with % x", c.Where(), c.F.Payload)
			}
		}
	}
	if n == 0 {
		t.Error("no keepalive in the captures")
	}
}

// stream is what one side sent on one connection, in order.
type stream struct {
	name     string // "duplicate-login.txt bos s"
	frames   []transcript.Line
	trailing []byte // bytes that were no whole frame when the connection closed
}

func (s *stream) bytes() []byte {
	var b []byte
	for _, l := range s.frames {
		b = append(b, l.Frame...)
	}
	return append(b, s.trailing...)
}

// trailingRE matches the comment a capture has where a connection closed
// with bytes that were not a whole frame.
var trailingRE = regexp.MustCompile(`^#\s+\S+\s+(\S+) ([cs]): (\d+) trailing bytes not a whole frame: ([0-9a-f]+)`)

// transcriptStreams groups the captures by file, connection and direction,
// with the trailing bytes from the comments.
func transcriptStreams(tb testing.TB) []*stream {
	tb.Helper()
	byName := map[string]*stream{}
	var out []*stream
	get := func(file, conn string, dir byte) *stream {
		name := file + " " + conn + " " + string(dir)
		s := byName[name]
		if s == nil {
			s = &stream{name: name}
			byName[name] = s
			out = append(out, s)
		}
		return s
	}
	lines := transcriptLines(tb)
	for _, l := range lines {
		s := get(l.File, l.Conn, l.Dir)
		s.frames = append(s.frames, l)
	}
	dir, err := transcript.Dir()
	if err != nil {
		tb.Fatal(err)
	}
	files, err := transcript.Files(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, path := range files {
		text, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(text), "\n") {
			m := trailingRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			s := get(filepath.Base(path), m[1], m[2][0])
			n, _ := strconv.Atoi(m[3])
			s.trailing = mustHex(tb, m[4])
			if len(s.trailing) != n {
				tb.Fatalf("%s: comment says %s bytes, shows %d", path, m[3], len(s.trailing))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// readers are the ways a stream can arrive: whole, a byte at a time, in
// halves, and with io.EOF on the last data.
var readers = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"bytewise", iotest.OneByteReader},
	{"halves", iotest.HalfReader},
	{"data+EOF", iotest.DataErrReader},
}

// TestTranscriptStreams reads each side of each connection as one byte
// stream through FrameReader: it must yield the captured frames, then the
// kick's truncated signoff where a capture has one, then io.EOF.
func TestTranscriptStreams(t *testing.T) {
	sawTrailing := false
	for _, s := range transcriptStreams(t) {
		sawTrailing = sawTrailing || len(s.trailing) > 0
		for _, rd := range readers {
			fr := NewFrameReader(rd.wrap(bytes.NewReader(s.bytes())))
			for _, want := range s.frames {
				f, err := fr.ReadFrame()
				if err != nil {
					t.Fatalf("%s (%s): ReadFrame at %s: %v", s.name, rd.name, want.Where(), err)
				}
				if got := f.AppendTo(nil); !bytes.Equal(got, want.Frame) || f.Truncated {
					t.Fatalf("%s (%s): frame %s:\n got % x\nwant % x", s.name, rd.name, want.Where(), got, want.Frame)
				}
			}
			if len(s.trailing) > 0 {
				f, err := fr.ReadFrame()
				if err != nil || !f.Truncated || f.Channel != ChannelSignoff || len(f.Payload) != 0 {
					t.Fatalf("%s (%s): after the frames, trailing % x gave %v (truncated %v), %v; want a truncated signoff",
						s.name, rd.name, s.trailing, f, f.Truncated, err)
				}
				if len(s.trailing) >= 4 && f.Seq != uint16(s.trailing[2])<<8|uint16(s.trailing[3]) {
					t.Errorf("%s (%s): truncated signoff seq %#x, trailing % x", s.name, rd.name, f.Seq, s.trailing)
				}
			}
			for range 2 {
				if f, err := fr.ReadFrame(); err != io.EOF {
					t.Fatalf("%s (%s): at the end: %v, %v; want io.EOF", s.name, rd.name, f, err)
				}
			}
			if len(fr.buf) > initialReadBuf {
				t.Errorf("%s (%s): buffer grew to %d for frames of at most %d bytes", s.name, rd.name, len(fr.buf), maxFrameLen(s.frames))
			}
		}
	}
	if !sawTrailing {
		t.Error("no capture has trailing bytes (duplicate-login.txt should)")
	}
}

func maxFrameLen(ls []transcript.Line) int {
	n := 0
	for _, l := range ls {
		n = max(n, len(l.Frame))
	}
	return n
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := decodeHex(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// decodeHex reads hex with spaces, so test tables can group fields.
func decodeHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.Join(strings.Fields(s), ""))
}

// TestTranscriptOfflineIMs reads the offline-message captures (facts
// 56–62): each 04,07 that answers a 04,10 is stored (TLV 0x0016, a
// normalized sender with no user-info TLVs), no live 04,07 is, the 04,17
// echoes the 04,10's request id, and the 2026 stored times match the
// capture's clock.
func TestTranscriptOfflineIMs(t *testing.T) {
	var stored, live, done int
	retrieve := map[string]uint32{} // file+conn → request id of the last 04,10
	for _, c := range transcriptFrames(t) {
		if c.F.Channel != ChannelSNAC || !strings.HasPrefix(c.File, "offline-im-") {
			continue
		}
		key := c.File + " " + c.Conn
		switch c.SNAC.Type() {
		case TypeOfflineRetrieve:
			retrieve[key] = c.SNAC.RequestID
		case TypeOfflineDone:
			done++
			if id, ok := retrieve[key]; !ok || id != c.SNAC.RequestID {
				t.Errorf("%s: 04,17 request id %#x, want the 04,10's %#x", c.Where(), c.SNAC.RequestID, id)
			}
		case TypeICBMIncoming:
			var m IncomingIM
			if err := m.Decode(c.SNAC.Body); err != nil {
				t.Fatalf("%s: %v", c.Where(), err)
			}
			at, ok := m.Stored()
			if !ok {
				live++
				continue
			}
			stored++
			if c.SNAC.RequestID != 0x80000000 {
				t.Errorf("%s: stored 04,07 request id %#x", c.Where(), c.SNAC.RequestID)
			}
			if m.From.ScreenName != screenname.Normalize(m.From.ScreenName) || len(m.From.TLVs) != 0 {
				t.Errorf("%s: stored sender %q with %d TLVs", c.Where(), m.From.ScreenName, len(m.From.TLVs))
			}
			if at.Year() != 2026 || at.Month() != 12 || at.Day() != 7 {
				t.Errorf("%s: stored at %v, want the capture's day", c.Where(), at)
			}
			if m.Message.Text.String() == "" {
				t.Errorf("%s: stored message has no text", c.Where())
			}
		}
	}
	if stored < 3 || done < 3 {
		t.Errorf("stored 04,07s %d, 04,17s %d: want at least 3 of each (offline-im-2026.txt)", stored, done)
	}
}

// TestSNACErrorSubcode reads the reason behind an ICBM refusal: the 11th
// stored message to one recipient is refused with subcode 0x000F (fact 57).
func TestSNACErrorSubcode(t *testing.T) {
	var e SNACError
	if err := e.Decode(mustHex(t, "0004 0008 0002 000f")); err != nil {
		t.Fatal(err)
	}
	if e.Code != ErrCodeNotLoggedOn || e.Subcode() != ICBMSubcodeOfflineFull {
		t.Errorf("code %#x subcode %#x", e.Code, e.Subcode())
	}
	if err := e.Decode(mustHex(t, "0004")); err != nil || e.Subcode() != 0 {
		t.Errorf("no TLVs: subcode %#x, %v", e.Subcode(), err)
	}
}
