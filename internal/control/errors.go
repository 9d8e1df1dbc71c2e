package control

import (
	"encoding/json"
	"fmt"
)

// InUseError is Listen finding the socket of a session that is alive: the
// account already has an `aim login` here, which a second one must not
// kick off.
type InUseError struct {
	Path string // "" when the session has no socket just now
}

func (e *InUseError) Error() string {
	if e.Path == "" {
		return "this screen name already has a session here"
	}
	return "this screen name already has a session here (its control socket is " + e.Path + ")"
}

// NoSessionError is Dial finding no session to talk to: no socket, or a
// socket nothing listens on. A command can then sign on by itself.
type NoSessionError struct {
	Path string
	Err  error
}

func (e *NoSessionError) Error() string {
	return "no session is running for this screen name (no one listens on " + e.Path + ")"
}

func (e *NoSessionError) Unwrap() error { return e.Err }

// VersionError is a peer speaking another version of the protocol: most
// often an `aim login` started before aim was upgraded.
type VersionError struct {
	Theirs int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the session speaks control protocol version %d and this aim version %d: "+
		"restart the session with this aim", e.Theirs, Version)
}

// PeerError is the other end of a socket belonging to another user.
type PeerError struct {
	Path string
	UID  int
}

func (e *PeerError) Error() string {
	return fmt.Sprintf("the control socket %s is served by uid %d, not by you: refusing to use it", e.Path, e.UID)
}

// EndedError is the session ending while a request waited: Body is the
// session's last word (Server.Shutdown's notice), nil if the connection
// just closed.
type EndedError struct {
	Body json.RawMessage
}

func (e *EndedError) Error() string { return "the session ended" }
