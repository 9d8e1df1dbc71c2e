// Package control is the control socket of a signed-on account: the Unix
// socket through which every aim command reaches the running `aim login`
// of that account instead of signing on by itself. It owns the socket's
// place and permissions, the check of each peer's credentials, and the
// protocol; it never knows what a command does (a Handler does), never
// prints and never reads the environment.
//
// The protocol is newline-delimited JSON both ways. Each side's first line
// is a hello with the protocol version, {"protocol":"aim-control","version":1};
// then the client sends requests and the server answers each with Reply
// lines, the last one Final:
//
//	→ {"id":1,"command":"send","args":["Lab Bob","build done"]}
//	← {"id":1,"final":true,"body":{"type":"result","command":"send","ok":true}}
//
// Replies without an id are about the session, for every client: notices
// (Server.Notify), and a final line when the session ends (Server.Shutdown)
// or the client is cut off (an error: a bad line, a line over
// MaxRequestLen, an unknown command, or falling QueueLen replies behind).
package control
