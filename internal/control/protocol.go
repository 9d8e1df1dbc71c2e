package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// Version is the protocol version this aim speaks. Each side's first line
// is a hello carrying it; a peer with another version gets a *VersionError
// (client) or a CodeVersion error (server), never lines it cannot read.
// The hello's shape never changes, whatever the version; a server's hello
// may also say what its session is (Options.About), which a peer that
// does not know it ignores.
const Version = 1

// Line limits, in bytes without the newline. A request over MaxRequestLen
// is refused and its client disconnected; a reply over MaxReplyLen is
// refused to the handler that made it.
const (
	MaxRequestLen = 64 << 10
	MaxReplyLen   = 1 << 20
)

// protocolName is the hello's "protocol" value: a line without it comes
// from something that is not an aim control peer.
const protocolName = "aim-control"

// hello is each side's first line: {"protocol":"aim-control","version":1},
// a server's with "about" when it says what its session is. A server that
// refuses the connection sends an error line instead.
type hello struct {
	Protocol string            `json:"protocol,omitempty"`
	Version  int               `json:"version,omitempty"`
	About    map[string]string `json:"about,omitempty"`
	Error    *Error            `json:"error,omitempty"`
}

// helloLine is a client's hello, newline included.
var helloLine = helloWith(nil)

// helloWith is a hello saying about, newline included.
func helloWith(about map[string]string) []byte {
	b, _ := json.Marshal(hello{Protocol: protocolName, Version: Version, About: about}) // cannot fail: strings
	return append(b, '\n')
}

// checkHello reads a peer's hello line, and what it says about its
// session (nil if nothing).
func checkHello(line []byte) (map[string]string, error) {
	var h hello
	if err := json.Unmarshal(line, &h); err != nil || (h.Protocol != protocolName && h.Error == nil) {
		return nil, &Error{Code: CodeBadRequest, Message: "the first line is not an aim control hello"}
	}
	if h.Error != nil {
		return nil, h.Error
	}
	if h.Version != Version {
		return nil, &VersionError{Theirs: h.Version}
	}
	return h.About, nil
}

// Request is one line from a client: a command of the session's command
// table (the words `aim login` reads on standard input) with its
// arguments, and an id its replies carry:
//
//	{"id":1,"command":"send","args":["Lab Bob","build done"]}
//
// A client may have several requests running at once on one connection,
// each with an id that is not in use.
type Request struct {
	ID      uint64   `json:"id"`
	Command string   `json:"command"`
	Args    []string `json:"args,omitempty"`

	Peer Peer `json:"-"` // who sent it (server side only)
}

// Peer is the process at the other end of a connection, as the kernel
// reports it.
type Peer struct {
	UID int
	PID int // 0 where the system does not say
}

// parseRequest decodes one request line. Fields it does not know, a
// missing command or id, or anything after the object are refused: the
// version in the hello is the place for new fields.
func parseRequest(line []byte) (Request, error) {
	var r Request
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Request{}, &Error{Code: CodeBadRequest, Message: "bad request line: " + err.Error()}
	}
	if dec.More() {
		return Request{}, &Error{Code: CodeBadRequest, Message: "bad request line: more than one JSON value"}
	}
	if len(r.Args) == 0 {
		r.Args = nil // "args":[] is no arguments
	}
	switch {
	case r.ID == 0:
		return Request{}, &Error{Code: CodeBadRequest, Message: "bad request line: id must be a positive integer"}
	case r.Command == "":
		return Request{}, &Error{Code: CodeBadRequest, Message: fmt.Sprintf("bad request %d: no command", r.ID)}
	}
	return r, nil
}

// Reply is one line from the server. With an ID, it answers that request:
// Body is a value the handler sent (a streamed event, or with Final its
// result), or Error says why the request failed. Without an ID it is about
// the connection: Body is a notice from the session (Server.Notify), and
// with Final the server closes the connection after it, Body saying why
// the session ended (Server.Shutdown) or Error why this client was cut off.
//
//	{"id":1,"final":true,"body":{"type":"result","ok":true}}
//	{"id":2,"body":{"type":"im","from":"bob","text":"hi"}}
//	{"body":{"type":"reconnecting","attempt":1}}
//	{"final":true,"error":{"code":"too_slow","message":"…"}}
type Reply struct {
	ID    uint64          `json:"id,omitempty"`
	Final bool            `json:"final,omitempty"`
	Body  json.RawMessage `json:"body,omitempty"`
	Error *Error          `json:"error,omitempty"`
}

// Error codes of the protocol. A handler may return an *Error with a code
// of its own; other handler errors become CodeFailed.
const (
	CodeVersion        = "version"         // the two sides speak different protocol versions
	CodeRefused        = "refused"         // the peer is another user
	CodeBadRequest     = "bad_request"     // a line that is not a request (disconnects)
	CodeTooLong        = "too_long"        // a request line over MaxRequestLen (disconnects)
	CodeUnknownCommand = "unknown_command" // the handler does not know the command (disconnects)
	CodeTooSlow        = "too_slow"        // the client fell behind its replies (disconnects)
	CodeFailed         = "failed"          // the handler returned an error
)

// Error is an error the server reports on the socket, and the error the
// client returns for it.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return "aim session: " + e.Message }

// ErrUnknownCommand, returned (or wrapped) by a Handler, answers the
// request with CodeUnknownCommand and disconnects the client.
var ErrUnknownCommand = errors.New("unknown command")

// replyError turns a handler's error into what the client is told.
func replyError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, ErrUnknownCommand):
		return &Error{Code: CodeUnknownCommand, Message: err.Error()}
	}
	return &Error{Code: CodeFailed, Message: err.Error()}
}

// bufPool holds the buffers values are marshalled into.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// marshalBody encodes v as compact JSON without a newline, leaving <, >
// and & as they are (the JSON output of aim does too). A json.RawMessage
// is checked and compacted.
func marshalBody(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > MaxReplyLen-64 { // room for the envelope
		return nil, fmt.Errorf("reply of %d bytes is over the %d-byte limit", len(b), MaxReplyLen)
	}
	return bytes.Clone(b), nil
}

// appendReply appends the line of a reply: body is compact JSON (or nil).
func appendReply(b []byte, id uint64, final bool, body []byte, e *Error) []byte {
	b = append(b, '{')
	sep := false
	field := func(name string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	if id != 0 {
		field("id")
		b = strconv.AppendUint(b, id, 10)
	}
	if final {
		field("final")
		b = append(b, "true"...)
	}
	if body != nil {
		field("body")
		b = append(b, body...)
	}
	if e != nil {
		field("error")
		// An Error is two strings: Marshal cannot fail.
		eb, _ := json.Marshal(e)
		b = append(b, eb...)
	}
	return append(b, '}', '\n')
}
