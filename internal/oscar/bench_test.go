package oscar

import (
	"io"
	"testing"
)

// cycle reads a stream of whole frames over and over, never ending.
type cycle struct {
	b   []byte
	off int
}

func (c *cycle) Read(p []byte) (int, error) {
	n := copy(p, c.b[c.off:])
	c.off += n
	if c.off == len(c.b) {
		c.off = 0
	}
	return n, nil
}

// BenchmarkFrameReader reads a few MB of the captures' frames, both
// directions of every connection mixed, as one stream. One op is one pass
// over the stream; the reader is made once, so allocs/op is the count per
// pass, not per frame.
func BenchmarkFrameReader(b *testing.B) {
	var one []byte
	for _, c := range transcriptFrames(b) {
		one = append(one, c.Frame...)
	}
	frames := 0
	var stream []byte
	for len(stream) < 4<<20 {
		stream = append(stream, one...)
		frames += len(transcriptLines(b))
	}
	fr := NewFrameReader(&cycle{b: stream})
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for range frames {
			if _, err := fr.ReadFrame(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
	b.ReportMetric(float64(len(stream))/float64(frames), "B/frame")
}

// incomingIMBody is a 04,07 as a real server sends one: a full user info
// block and an HTML message of about 100 bytes.
func incomingIMBody() []byte {
	var info []byte
	info = AppendTLVUint16(info, UserTLVClass, ClassFree|ClassUnconfirmed)
	info = AppendTLVUint32(info, UserTLVMemberSince, 0x3a4b5c6d)
	info = AppendTLVUint32(info, UserTLVSignonTime, 0x6b063970)
	info = AppendTLVUint16(info, UserTLVIdleMinutes, 0)
	info = AppendTLVUint32(info, UserTLVStatus, 0)
	info = AppendTLVUint32(info, UserTLVOnlineSeconds, 3600)
	info = AppendTLVUint32(info, 0x001e, 0)
	html := `<HTML><BODY BGCOLOR="#ffffff"><FONT LANG="0">are we still on for lunch tomorrow?</FONT></BODY></HTML>`
	msg := NewMessage(Text{Charset: CharsetASCII, Data: []byte(html)})
	var tlvs []byte
	tlvs = msg.appendTLV(tlvs)
	m := IncomingIM{
		Cookie:  [8]byte{0x59, 0x1b, 0x95, 0xb5, 0xec, 0x0a, 0x66, 0x2c},
		Channel: 1,
		From:    UserInfo{ScreenName: "LabAlice", TLVs: TLVList(info)},
		TLVs:    TLVList(tlvs),
	}
	return m.AppendTo(nil)
}

func BenchmarkIncomingIMDecode(b *testing.B) {
	body := incomingIMBody()
	var m IncomingIM
	if err := m.Decode(body); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSend(b *testing.B) *ICBMSend {
	txt, err := NewText("are we still on for lunch tomorrow? the usual place, around noon")
	if err != nil {
		b.Fatal(err)
	}
	return &ICBMSend{
		Cookie:     [8]byte{0x59, 0x1b, 0x95, 0xb5, 0xec, 0x0a, 0x66, 0x2c},
		Channel:    1,
		ScreenName: "Lab Bob",
		Message:    NewMessage(txt),
		WantAck:    true,
	}
}

func BenchmarkICBMSendEncode(b *testing.B) {
	m := benchSend(b)
	buf := m.AppendTo(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = m.AppendTo(buf[:0])
	}
}

func BenchmarkFrameWriterIM(b *testing.B) {
	m := benchSend(b)
	fw := NewFrameWriter(io.Discard, 1)
	b.SetBytes(int64(FLAPHeaderLen + SNACHeaderLen + len(m.AppendTo(nil))))
	b.ReportAllocs()
	for b.Loop() {
		if err := fw.WriteMessage(0x10c, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSNAC(b *testing.B) {
	payload := SNAC{SNACHeader: SNACHeader{Family: 4, Subtype: 7, RequestID: 0x80000000}, Body: incomingIMBody()}.AppendTo(nil)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSNAC(payload); err != nil {
			b.Fatal(err)
		}
	}
}
