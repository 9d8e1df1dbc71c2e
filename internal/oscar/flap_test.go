package oscar

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

func TestChannelString(t *testing.T) {
	for _, tt := range []struct {
		ch   Channel
		want string
	}{
		{ChannelSignon, "signon"},
		{ChannelSNAC, "snac"},
		{ChannelError, "error"},
		{ChannelSignoff, "signoff"},
		{ChannelKeepalive, "keepalive"},
		{0, "unknown(0x0)"},
		{6, "unknown(0x6)"},
		{0xff, "unknown(0xff)"},
	} {
		if got := tt.ch.String(); got != tt.want {
			t.Errorf("Channel(%d).String() = %q, want %q", tt.ch, got, tt.want)
		}
	}
	f := Frame{Channel: ChannelSNAC, Seq: 7, Payload: make([]byte, 12)}
	if got, want := f.String(), "FLAP ch=snac seq=7 len=12"; got != want {
		t.Errorf("Frame.String() = %q, want %q", got, want)
	}
}

func TestParseFrame(t *testing.T) {
	tests := []struct {
		name, hex string
		want      Frame
		n         int
		field     string // of the *DecodeError, "" for success
	}{
		{"server ack", "2a01 0064 0004 00000001", Frame{Channel: ChannelSignon, Seq: 0x64, Payload: []byte{0, 0, 0, 1}}, 10, ""},
		{"logout", "2a04 1238 0000", Frame{Channel: ChannelSignoff, Seq: 0x1238, Payload: []byte{}}, 6, ""},
		{"next frame follows", "2a05 ffff 0000 2a02", Frame{Channel: ChannelKeepalive, Seq: 0xffff, Payload: []byte{}}, 6, ""},
		{"unknown channel kept", "2a09 0001 0001 ee", Frame{Channel: 9, Seq: 1, Payload: []byte{0xee}}, 7, ""},
		{"empty", "", Frame{}, 0, "header"},
		{"short header", "2a04006d", Frame{}, 0, "header"},
		{"bad start", "2b01 0064 0004 00000001", Frame{}, 0, "start marker"},
		{"short payload", "2a02 0001 0005 01020304", Frame{}, 0, "payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(t, tt.hex)
			f, n, err := ParseFrame(in)
			if tt.field != "" {
				var de *DecodeError
				if !errors.As(err, &de) || de.Msg != "FLAP" || de.Field != tt.field {
					t.Fatalf("ParseFrame = %v, %d, %v; want a FLAP %s error", f, n, err, tt.field)
				}
				return
			}
			if err != nil || n != tt.n || f.Channel != tt.want.Channel || f.Seq != tt.want.Seq || !bytes.Equal(f.Payload, tt.want.Payload) {
				t.Fatalf("ParseFrame = %v % x, %d, %v; want %v % x, %d", f, f.Payload, n, err, tt.want, tt.want.Payload, tt.n)
			}
			if got := f.AppendTo(nil); !bytes.Equal(got, in[:n]) {
				t.Errorf("AppendTo = % x, want % x", got, in[:n])
			}
		})
	}
}

func TestFrameAppendToCutsOversizedPayload(t *testing.T) {
	b := Frame{Channel: ChannelSNAC, Seq: 1, Payload: make([]byte, MaxFLAPPayload+10)}.AppendTo([]byte("prefix"))
	if len(b) != 6+FLAPHeaderLen+MaxFLAPPayload {
		t.Fatalf("len = %d", len(b))
	}
	if got := binary.BigEndian.Uint16(b[6+4:]); got != MaxFLAPPayload {
		t.Errorf("length field %d", got)
	}
}

// readAll reads frames until an error, copying each (payloads alias the
// reader's buffer).
func readAll(fr *FrameReader) ([]Frame, error) {
	var fs []Frame
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return fs, err
		}
		f.Payload = bytes.Clone(f.Payload)
		fs = append(fs, f)
	}
}

// TestFrameReaderEnd covers how a stream can end: cleanly, with the bare
// channel-4 header a real server kicks with (duplicate-login.txt: "4
// trailing bytes not a whole frame: 2a04006d"), or inside a frame.
func TestFrameReaderEnd(t *testing.T) {
	const ack = "2a010064000400000001"
	tests := []struct {
		name, hex string
		frames    int    // whole frames before the end
		truncSeq  int    // seq of the truncated signoff, -1 for none
		want      error  // io.EOF or io.ErrUnexpectedEOF
		detail    string // in the error message
	}{
		{"clean", ack + ack, 2, -1, io.EOF, ""},
		{"nothing", "", 0, -1, io.EOF, ""},
		{"kick after a frame", ack + "2a04006d", 1, 0x6d, io.EOF, ""},
		{"kick alone", "2a04006d", 0, 0x6d, io.EOF, ""},
		{"kick with one length byte", "2a04006d00", 0, 0x6d, io.EOF, ""},
		{"kick without seq", "2a04", 0, 0, io.EOF, ""},
		{"kick with half a seq", "2a0400", 0, 0, io.EOF, ""},
		{"signoff with its payload cut", ack + "2a04006d0005 000900", 1, -1, io.ErrUnexpectedEOF, "(9 bytes buffered)"},
		{"start marker alone", ack + "2a", 1, -1, io.ErrUnexpectedEOF, "(1 bytes buffered)"},
		{"snac header cut", "2a02006d", 0, -1, io.ErrUnexpectedEOF, "(4 bytes buffered)"},
		{"snac payload cut", ack + "2a02 0065 000a 0001000300", 1, -1, io.ErrUnexpectedEOF, "(11 bytes buffered)"},
		{"cut keepalive header", "2a05 0001 00", 0, -1, io.ErrUnexpectedEOF, ""},
	}
	for _, tt := range tests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				fr := NewFrameReader(rd.wrap(bytes.NewReader(mustHex(t, tt.hex))))
				fs, err := readAll(fr)
				whole := fs
				if tt.truncSeq >= 0 {
					if len(fs) != tt.frames+1 {
						t.Fatalf("got %d frames, want %d and a truncated signoff (err %v)", len(fs), tt.frames, err)
					}
					last := fs[len(fs)-1]
					if !last.Truncated || last.Channel != ChannelSignoff || last.Seq != uint16(tt.truncSeq) || len(last.Payload) != 0 {
						t.Errorf("last frame %v truncated=%v, want a truncated signoff seq %#x", last, last.Truncated, tt.truncSeq)
					}
					whole = fs[:len(fs)-1]
				}
				if len(whole) != tt.frames {
					t.Fatalf("got %d whole frames, want %d (err %v)", len(whole), tt.frames, err)
				}
				for _, f := range whole {
					if f.Truncated {
						t.Errorf("whole frame %v marked truncated", f)
					}
				}
				if tt.want == io.EOF && err != io.EOF {
					t.Fatalf("err = %v, want io.EOF itself", err)
				}
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
					t.Fatalf("err = %v, want %v containing %q", err, tt.want, tt.detail)
				}
				// The end is sticky.
				if f, err2 := fr.ReadFrame(); err2 != err {
					t.Errorf("after the end: %v, %v; want %v again", f, err2, err)
				}
			})
		}
	}
}

func TestFrameReaderBadStartIsSticky(t *testing.T) {
	const ack = "2a010064000400000001"
	for _, hex := range []string{"00" + ack, ack + "2b" + ack[2:] + ack, ack + "000000000000"} {
		fr := NewFrameReader(bytes.NewReader(mustHex(t, hex)))
		fs, err := readAll(fr)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != "start marker" {
			t.Fatalf("%s: got %d frames then %v, want a start marker *DecodeError", hex, len(fs), err)
		}
		for range 3 {
			if _, err2 := fr.ReadFrame(); err2 != err {
				t.Fatalf("%s: after a bad start marker, ReadFrame = %v, want the same error again", hex, err2)
			}
		}
	}
}

// errAfter returns data, then err.
type errAfter struct {
	data []byte
	err  error
}

func (r *errAfter) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestFrameReaderPassesReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	for _, hex := range []string{"", "2a010064000400000001", "2a0100640004000000", "2a04006d"} {
		fr := NewFrameReader(&errAfter{mustHex(t, hex), boom})
		_, err := readAll(fr)
		if err != boom {
			t.Errorf("%q: err = %v, want %v as it is", hex, err, boom)
		}
		if _, err := fr.ReadFrame(); err != boom {
			t.Errorf("%q: again: %v", hex, err)
		}
	}
}

// TestFrameReaderSizes reads frames of every awkward size, in mixed order,
// and checks the buffer never grows past one maximal frame.
func TestFrameReaderSizes(t *testing.T) {
	sizes := []int{0, 1, initialReadBuf - FLAPHeaderLen, initialReadBuf - FLAPHeaderLen + 1, 10, MaxFLAPPayload, 3, MaxFLAPPayload - 1, 0, 20000}
	var in []byte
	for i, n := range sizes {
		p := bytes.Repeat([]byte{byte(i + 1)}, n)
		in = Frame{Channel: ChannelSNAC, Seq: uint16(i), Payload: p}.AppendTo(in)
	}
	for _, rd := range readers {
		fr := NewFrameReader(rd.wrap(bytes.NewReader(in)))
		for i, n := range sizes {
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("%s: frame %d: %v", rd.name, i, err)
			}
			if f.Seq != uint16(i) || len(f.Payload) != n || (n > 0 && (f.Payload[0] != byte(i+1) || f.Payload[n-1] != byte(i+1))) {
				t.Fatalf("%s: frame %d = %v, want %d bytes of %d", rd.name, i, f, n, i+1)
			}
			if len(fr.buf) > FLAPHeaderLen+MaxFLAPPayload {
				t.Fatalf("%s: buffer is %d bytes", rd.name, len(fr.buf))
			}
		}
		if _, err := fr.ReadFrame(); err != io.EOF {
			t.Fatalf("%s: at the end: %v", rd.name, err)
		}
	}
}

// A frame returned by ReadFrame holds the bytes it was given, even when
// the frame before it was much larger.
func TestFrameReaderPayloadAfterCompaction(t *testing.T) {
	var in []byte
	for i := range 200 {
		in = Frame{Channel: ChannelSNAC, Seq: uint16(i), Payload: []byte(fmt.Sprintf("frame %d %s", i, strings.Repeat("x", i*7%300)))}.AppendTo(in)
	}
	fr := NewFrameReader(iotest.HalfReader(bytes.NewReader(in)))
	for i := range 200 {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("frame %d ", i); !strings.HasPrefix(string(f.Payload), want) || len(f.Payload) != len(want)+i*7%300 {
			t.Fatalf("frame %d: %q", i, f.Payload)
		}
	}
}

// TestFrameReaderBegun: Begun is called once for each frame whose rest the
// reader has to wait for, and never for a frame that came whole or for the
// wait before a frame's first byte.
func TestFrameReaderBegun(t *testing.T) {
	var in []byte
	for i := range 5 {
		in = Frame{Channel: ChannelSNAC, Seq: uint16(i), Payload: bytes.Repeat([]byte{'x'}, i*10)}.AppendTo(in)
	}
	for _, tt := range []struct {
		name string
		r    func() io.Reader
		want []int // calls of Begun counted when each frame is returned
	}{
		{"whole", func() io.Reader { return bytes.NewReader(in) }, []int{0, 0, 0, 0, 0}},
		{"byte by byte", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(in)) }, []int{1, 2, 3, 4, 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFrameReader(tt.r())
			calls := 0
			fr.Begun = func() { calls++ }
			var got []int
			for {
				if _, err := fr.ReadFrame(); err != nil {
					if err != io.EOF {
						t.Fatal(err)
					}
					break
				}
				got = append(got, calls)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Begun calls after each frame: %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFrameWriterSequenceWraps(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, 0xfffe)
	var traced []uint16
	fw.Trace = func(f Frame) { traced = append(traced, f.Seq) }
	if err := fw.WriteFrame(ChannelSignon, []byte{0, 0, 0, 1}); err != nil {
		t.Fatal(err)
	}
	if err := fw.WriteMessage(0x10c, Empty(TypeSelfInfoRequest)); err != nil {
		t.Fatal(err)
	}
	if err := fw.WriteEncoded(ChannelKeepalive, nil); err != nil {
		t.Fatal(err)
	}
	if err := fw.WriteRaw([]byte{0x2a, 0x04}); err != nil { // no number taken
		t.Fatal(err)
	}
	if err := fw.WriteEncoded(ChannelSignoff, nil); err != nil {
		t.Fatal(err)
	}
	want := mustHex(t, "2a01 fffe 0004 00000001"+
		"2a02 ffff 000a 0001 000e 0000 0000010c"+
		"2a05 0000 0000"+
		"2a04"+
		"2a04 0001 0000")
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("wrote\n% x\nwant\n% x", buf.Bytes(), want)
	}
	if fmt.Sprint(traced) != "[65534 65535 0 1]" {
		t.Errorf("Trace saw seqs %v", traced)
	}
}

// TestFrameWriterTranscriptIM writes a lab-script IM and gets the frame
// the capture has byte for byte (im-and-presence.txt line 62).
func TestFrameWriterTranscriptIM(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, 0x1240)
	m := ICBMSend{
		Cookie:     [8]byte{0x59, 0x1b, 0x95, 0xb5, 0xec, 0x0a, 0x66, 0x2c},
		Channel:    1,
		ScreenName: "Lab Bob",
		Message:    NewMessage(mustText(t, "hello bob")),
		WantAck:    true,
	}
	if err := fw.WriteMessage(0x10c, &m); err != nil {
		t.Fatal(err)
	}
	want := mustHex(t, "2a021240003a0004000600000000010c591b95b5ec0a662c0001074c616220426f620002001605010001010101000d0000000068656c6c6f20626f6200030000")
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("wrote\n% x\nwant\n% x", buf.Bytes(), want)
	}
}

func TestFrameWriterWriteSNACOptionalData(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, 1)
	h := SNACHeader{Family: 1, Subtype: 0x0a, Flags: SNACFlagOptionalData, RequestID: 0x80000000}
	if err := fw.WriteSNAC(h, []byte{0xaa, 0xbb}, &SetIdle{Seconds: 120}); err != nil {
		t.Fatal(err)
	}
	h.Flags = SNACFlagMoreReplies
	if err := fw.WriteSNAC(h, []byte{0xaa, 0xbb}, nil); err != nil { // opt ignored without the flag
		t.Fatal(err)
	}
	want := mustHex(t, "2a02 0001 0012 0001 000a 8000 80000000 0002 aabb 00000078"+
		"2a02 0002 000a 0001 000a 0001 80000000")
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("wrote\n% x\nwant\n% x", buf.Bytes(), want)
	}
	f, _, _ := ParseFrame(want)
	s, err := ParseSNAC(f.Payload)
	if err != nil || !bytes.Equal(s.Optional, []byte{0xaa, 0xbb}) || !bytes.Equal(s.Body, []byte{0, 0, 0, 0x78}) {
		t.Errorf("ParseSNAC = %+v, %v", s, err)
	}
}

// big encodes as n zero bytes.
type big int

func (n big) AppendTo(b []byte) []byte { return append(b, make([]byte, n)...) }

func TestFrameWriterTooLarge(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, 100)
	tooBig := []func() error{
		func() error { return fw.WriteFrame(ChannelSNAC, make([]byte, MaxFLAPPayload+1)) },
		func() error { return fw.WriteEncoded(ChannelSNAC, big(MaxFLAPPayload+1)) },
		func() error {
			return fw.WriteSNAC(SNACHeader{Family: 4, Subtype: 6}, nil, big(MaxFLAPPayload-SNACHeaderLen+1))
		},
		func() error {
			return fw.WriteSNAC(SNACHeader{Family: 4, Subtype: 6, Flags: SNACFlagOptionalData}, make([]byte, 10), big(MaxFLAPPayload-SNACHeaderLen-11))
		},
	}
	for i, write := range tooBig {
		if err := write(); !errors.Is(err, ErrFrameTooLarge) {
			t.Errorf("write %d: err = %v, want ErrFrameTooLarge", i, err)
		}
		if buf.Len() != 0 {
			t.Fatalf("write %d: %d bytes written", i, buf.Len())
		}
	}
	// The largest frame goes, with the number the refused ones did not take.
	if err := fw.WriteSNAC(SNACHeader{Family: 4, Subtype: 6}, nil, big(MaxFLAPPayload-SNACHeaderLen)); err != nil {
		t.Fatalf("maximal frame: %v", err)
	}
	f, n, err := ParseFrame(buf.Bytes())
	if err != nil || n != buf.Len() || f.Seq != 100 || len(f.Payload) != MaxFLAPPayload {
		t.Fatalf("maximal frame read back as %v, %d of %d bytes, %v", f, n, buf.Len(), err)
	}
	buf.Reset()
	if err := fw.WriteFrame(ChannelKeepalive, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.Bytes(); !bytes.Equal(got, []byte{0x2a, 5, 0, 101, 0, 0}) {
		t.Errorf("next frame % x", got)
	}
}

func TestFrameWriterPassesWriteErrors(t *testing.T) {
	boom := errors.New("broken pipe")
	fw := NewFrameWriter(writerFunc(func([]byte) (int, error) { return 0, boom }), 1)
	if err := fw.WriteFrame(ChannelKeepalive, nil); err != boom {
		t.Errorf("WriteFrame: %v", err)
	}
	if err := fw.WriteMessage(1, Empty(TypeRateRequest)); err != boom {
		t.Errorf("WriteMessage: %v", err)
	}
	if err := fw.WriteRaw([]byte{1}); err != boom {
		t.Errorf("WriteRaw: %v", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestFrameWriterConcurrent writes from many goroutines at once (run it
// with -race) and parses the stream back: every frame whole, numbered in
// stream order, each goroutine's frames in its own order.
func TestFrameWriterConcurrent(t *testing.T) {
	const (
		writers = 8
		each    = 250
		start   = 0xff00 // wraps during the test
	)
	var buf bytes.Buffer // written only under the FrameWriter's lock
	fw := NewFrameWriter(&buf, start)
	var traced []uint16 // Trace runs under the lock too
	fw.Trace = func(f Frame) { traced = append(traced, f.Seq) }
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := &Typing{Channel: 1, ScreenName: "Lab Bob"}
			for i := range each {
				var err error
				switch i % 3 {
				case 0: // payload: goroutine, index, then filler that varies in size
					p := append([]byte{byte(g), byte(i >> 8), byte(i)}, bytes.Repeat([]byte{byte(g)}, i%50)...)
					err = fw.WriteFrame(ChannelSNAC, p)
				case 1:
					m.Cookie[0], m.Cookie[1], m.Cookie[2] = byte(g), byte(i>>8), byte(i)
					err = fw.WriteMessage(uint32(g), m)
				case 2:
					err = fw.WriteEncoded(ChannelKeepalive, big(g))
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()

	fr := NewFrameReader(bytes.NewReader(buf.Bytes()))
	next := make([]int, writers) // next index expected from each goroutine
	for k := range writers * each {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("frame %d: %v", k, err)
		}
		if want := uint16(start + k); f.Seq != want || traced[k] != want {
			t.Fatalf("frame %d: seq %#x (traced %#x), want %#x", k, f.Seq, traced[k], want)
		}
		var g, i int
		switch f.Channel {
		case ChannelKeepalive:
			g = len(f.Payload)
			i = next[g]
		case ChannelSNAC:
			if s, err := ParseSNAC(f.Payload); err == nil && s.Type() == TypeTyping {
				var m Typing
				if err := m.Decode(s.Body); err != nil || m.ScreenName != "Lab Bob" || s.RequestID != uint32(m.Cookie[0]) {
					t.Fatalf("frame %d: %+v, %v", k, m, err)
				}
				g, i = int(m.Cookie[0]), int(m.Cookie[1])<<8|int(m.Cookie[2])
				break
			}
			p := f.Payload
			g, i = int(p[0]), int(p[1])<<8|int(p[2])
			if g >= writers || !bytes.Equal(p[3:], bytes.Repeat([]byte{byte(g)}, i%50)) {
				t.Fatalf("frame %d: payload % x", k, p)
			}
		default:
			t.Fatalf("frame %d: %v", k, f)
		}
		if g >= writers || i != next[g] {
			t.Fatalf("frame %d: goroutine %d's frame %d, want its frame %d", k, g, i, next[g])
		}
		next[g]++
	}
	if f, err := fr.ReadFrame(); err != io.EOF {
		t.Fatalf("after the frames: %v, %v", f, err)
	}
}

func mustText(tb testing.TB, s string) Text {
	tb.Helper()
	t, err := NewText(s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}
