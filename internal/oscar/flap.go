package oscar

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// Channel is a FLAP frame type.
type Channel uint8

// FLAP channels.
const (
	ChannelSignon    Channel = 1 // first frame in each direction on every connection
	ChannelSNAC      Channel = 2 // a SNAC
	ChannelError     Channel = 3 // FLAP-level error
	ChannelSignoff   Channel = 4 // close; empty from a client, TLVs from a server
	ChannelKeepalive Channel = 5 // empty keepalive
)

var channelNames = [...]string{1: "signon", 2: "snac", 3: "error", 4: "signoff", 5: "keepalive"}

func (c Channel) String() string {
	if int(c) < len(channelNames) && channelNames[c] != "" {
		return channelNames[c]
	}
	return "unknown(0x" + strconv.FormatUint(uint64(c), 16) + ")"
}

// FLAP framing constants.
const (
	FLAPStart      = 0x2A
	FLAPHeaderLen  = 6
	MaxFLAPPayload = 0xFFFF
)

// Frame is one FLAP frame.
type Frame struct {
	Channel Channel
	Seq     uint16
	Payload []byte
	// Truncated is set on a channel-4 frame that ended at EOF before its
	// header was whole. Real servers kick a session by writing a bare
	// 4-byte channel-4 header (no length) and closing: that is a sign-off,
	// not a broken stream.
	Truncated bool
}

func (f Frame) String() string {
	return fmt.Sprintf("FLAP ch=%s seq=%d len=%d", f.Channel, f.Seq, len(f.Payload))
}

// AppendTo appends the frame's wire form. A payload over 65535 bytes is cut;
// FrameWriter refuses such payloads instead.
func (f Frame) AppendTo(b []byte) []byte {
	p := f.Payload
	if len(p) > MaxFLAPPayload {
		p = p[:MaxFLAPPayload]
	}
	b = append(b, FLAPStart, byte(f.Channel))
	b = binary.BigEndian.AppendUint16(b, f.Seq)
	b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
	return append(b, p...)
}

// ParseFrame decodes one whole frame from the start of b and returns it with
// the number of bytes it used. The payload aliases b.
func ParseFrame(b []byte) (Frame, int, error) {
	if len(b) < FLAPHeaderLen {
		return Frame{}, 0, &DecodeError{Msg: "FLAP", Field: "header", Reason: needReason(FLAPHeaderLen, len(b))}
	}
	if b[0] != FLAPStart {
		return Frame{}, 0, badStart(b[0])
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b)-FLAPHeaderLen < n {
		return Frame{}, 0, &DecodeError{Msg: "FLAP", Field: "payload", Reason: needReason(n, len(b)-FLAPHeaderLen)}
	}
	end := FLAPHeaderLen + n
	return Frame{
		Channel: Channel(b[1]),
		Seq:     binary.BigEndian.Uint16(b[2:]),
		Payload: b[FLAPHeaderLen:end:end],
	}, end, nil
}

func badStart(c byte) error {
	return &DecodeError{Msg: "FLAP", Field: "start marker", Reason: "got 0x" + strconv.FormatUint(uint64(c), 16) + ", want 0x2a"}
}

const initialReadBuf = 4096

// FrameReader reads whole frames from a stream. It keeps one buffer that
// starts small and grows only for a bigger frame, up to one maximal frame
// (65541 bytes): a peer cannot make it allocate more than that.
//
// The payload of a returned frame aliases the buffer and is valid only until
// the next call to ReadFrame. FrameReader is not safe for concurrent use.
type FrameReader struct {
	// Begun, if set, is called (at most once per frame) when ReadFrame has
	// part of a frame and must wait for the rest. A caller that lets the
	// wait between frames be unbounded (an idle session) uses it to bound
	// the rest of a frame that has begun: a read deadline set there makes
	// the waiting read fail.
	Begun func()

	r    io.Reader
	buf  []byte
	head int   // start of unread data
	tail int   // end of unread data
	err  error // first read error, returned once buffered frames are used up
}

// NewFrameReader returns a reader of frames from r.
func NewFrameReader(r io.Reader) *FrameReader { return &FrameReader{r: r} }

// ReadFrame returns the next frame. At a clean end of stream it returns
// io.EOF. A stream that ends inside a frame gives an error wrapping
// io.ErrUnexpectedEOF, except a channel-4 header cut short, which is
// returned as a Truncated frame (see Frame). A bad start marker gives a
// *DecodeError, and the reader stays failed: the stream has lost its place.
func (fr *FrameReader) ReadFrame() (Frame, error) {
	begun := false
	for fr.tail-fr.head < FLAPHeaderLen {
		begun = fr.begin(begun)
		if err := fr.fill(FLAPHeaderLen); err != nil {
			return fr.atEOF(err)
		}
	}
	h := fr.buf[fr.head:fr.tail]
	if h[0] != FLAPStart {
		fr.err = badStart(h[0])
		fr.head = fr.tail
		return Frame{}, fr.err
	}
	need := FLAPHeaderLen + int(binary.BigEndian.Uint16(h[4:]))
	for fr.tail-fr.head < need {
		begun = fr.begin(begun)
		if err := fr.fill(need); err != nil {
			return fr.atEOF(err)
		}
	}
	h = fr.buf[fr.head : fr.head+need : fr.head+need]
	fr.head += need
	return Frame{
		Channel: Channel(h[1]),
		Seq:     binary.BigEndian.Uint16(h[2:]),
		Payload: h[FLAPHeaderLen:],
	}, nil
}

// begin calls Begun before a wait for more of a frame that has begun, the
// first time only; it returns whether Begun has been called for this frame.
func (fr *FrameReader) begin(begun bool) bool {
	if begun || fr.tail == fr.head || fr.Begun == nil {
		return begun
	}
	fr.Begun()
	return true
}

// fill reads at least one more byte, making room for a frame of need bytes.
func (fr *FrameReader) fill(need int) error {
	if fr.err != nil {
		return fr.err
	}
	if len(fr.buf)-fr.head < need { // the frame does not fit where it starts
		if fr.head > 0 {
			fr.tail = copy(fr.buf, fr.buf[fr.head:fr.tail])
			fr.head = 0
		}
		if len(fr.buf) < need {
			size := max(need, initialReadBuf, 2*len(fr.buf))
			size = min(size, FLAPHeaderLen+MaxFLAPPayload)
			nb := make([]byte, size)
			copy(nb, fr.buf[:fr.tail])
			fr.buf = nb
		}
	} else if fr.head == fr.tail { // empty: start over at the front
		fr.head, fr.tail = 0, 0
	}
	for {
		n, err := fr.r.Read(fr.buf[fr.tail:])
		fr.tail += n
		if err != nil {
			fr.err = err
		}
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// atEOF turns a read error that hit mid-frame into the right result.
func (fr *FrameReader) atEOF(err error) (Frame, error) {
	left := fr.buf[fr.head:fr.tail]
	if !errors.Is(err, io.EOF) || len(left) == 0 {
		return Frame{}, err
	}
	fr.head = fr.tail
	if len(left) >= 2 && len(left) < FLAPHeaderLen && left[0] == FLAPStart && Channel(left[1]) == ChannelSignoff {
		f := Frame{Channel: ChannelSignoff, Truncated: true}
		if len(left) >= 4 {
			f.Seq = binary.BigEndian.Uint16(left[2:])
		}
		return f, nil
	}
	fr.err = fmt.Errorf("oscar: FLAP: stream ended inside a frame (%d bytes buffered): %w", len(left), io.ErrUnexpectedEOF)
	return Frame{}, fr.err
}

// Encoder is anything that appends its wire form to a buffer: every typed
// message in this package.
type Encoder interface {
	AppendTo(b []byte) []byte
}

// Message is a typed SNAC body that knows its family and subtype.
type Message interface {
	Encoder
	SNACType() SNACType
}

// FrameWriter writes frames to a stream, numbering them. Each frame is built
// in one reused buffer and handed to the stream in a single Write under a
// lock, so frames from several goroutines never interleave.
type FrameWriter struct {
	mu  sync.Mutex
	w   io.Writer
	seq uint16
	buf []byte
	// Trace, if set, sees every frame just before it is written (under the
	// lock, so in wire order). The payload aliases the writer's buffer.
	Trace func(Frame)
}

// NewFrameWriter returns a writer whose first frame carries sequence number
// seq. Any start value is valid; each side counts its own frames.
func NewFrameWriter(w io.Writer, seq uint16) *FrameWriter {
	return &FrameWriter{w: w, seq: seq}
}

// WriteFrame writes one frame with the given payload.
func (fw *FrameWriter) WriteFrame(ch Channel, payload []byte) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	b := fw.start(ch)
	b = append(b, payload...)
	return fw.finish(b)
}

// WriteEncoded writes one frame whose payload is m's wire form; a nil m
// gives an empty payload.
func (fw *FrameWriter) WriteEncoded(ch Channel, m Encoder) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	b := fw.start(ch)
	if m != nil {
		b = m.AppendTo(b)
	}
	return fw.finish(b)
}

// WriteSNAC writes a channel-2 frame holding the SNAC header h and body m
// (nil for an empty body). If h has the optional-data flag, opt is written
// before the body with its u16 length; otherwise opt is ignored.
func (fw *FrameWriter) WriteSNAC(h SNACHeader, opt []byte, m Encoder) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	b := fw.start(ChannelSNAC)
	b = h.appendWithOpt(b, opt)
	if m != nil {
		b = m.AppendTo(b)
	}
	return fw.finish(b)
}

// WriteMessage writes m as a SNAC with flags 0 and the given request id.
func (fw *FrameWriter) WriteMessage(reqID uint32, m Message) error {
	t := m.SNACType()
	return fw.WriteSNAC(SNACHeader{Family: t.Family(), Subtype: t.Subtype(), RequestID: reqID}, nil, m)
}

// WriteRaw writes b as it is, with no framing and no sequence number: for
// tests that need broken traffic.
func (fw *FrameWriter) WriteRaw(b []byte) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	_, err := fw.w.Write(b)
	return err
}

func (fw *FrameWriter) start(ch Channel) []byte {
	return append(fw.buf[:0], FLAPStart, byte(ch), 0, 0, 0, 0)
}

func (fw *FrameWriter) finish(b []byte) error {
	fw.buf = b[:0]
	n := len(b) - FLAPHeaderLen
	if n > MaxFLAPPayload {
		return ErrFrameTooLarge
	}
	binary.BigEndian.PutUint16(b[2:], fw.seq)
	binary.BigEndian.PutUint16(b[4:], uint16(n))
	if fw.Trace != nil {
		fw.Trace(Frame{Channel: Channel(b[1]), Seq: fw.seq, Payload: b[FLAPHeaderLen:]})
	}
	fw.seq++
	_, err := fw.w.Write(b)
	return err
}
