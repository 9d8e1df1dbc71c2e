package client

import (
	"time"

	"github.com/aim-oscar/aim/internal/config"
)

// Output is one line of what a running account reports: an event from the
// server, a step of the reconnect supervisor, a config change followed, or
// a command's result. Each concrete type below is one JSON "type" of the
// README's table; Text renders any of them for people.
type Output interface {
	// Kind is the JSON "type".
	Kind() string
	head() *Head
}

// Head starts every Output: its JSON type, and when it happened (UTC).
type Head struct {
	Type string    `json:"type"`
	Time time.Time `json:"time"`
}

func (h *Head) head() *Head { return h }

// Stamp sets the head of o (its type from Kind, and t in UTC) and returns o.
func Stamp(o Output, t time.Time) Output {
	*o.head() = Head{Type: o.Kind(), Time: t.UTC()}
	return o
}

// SignedOn is the first output of each session: signon is complete.
type SignedOn struct {
	Head
	ScreenName   string `json:"screen_name"` // as the server formats it
	WarningLevel int    `json:"warning_level"`
	Reconnected  bool   `json:"reconnected"` // a signon after a lost connection
}

// IM is an incoming instant message.
type IM struct {
	Head
	From         string `json:"from"`
	Text         string `json:"text"` // tags stripped, entities decoded
	HTML         string `json:"html"` // as sent
	AutoResponse bool   `json:"auto_response"`
	AutoReplied  bool   `json:"auto_replied"` // aim answered with the away message
	WarningLevel int    `json:"warning_level"`
	// Offline: the server kept it while you were offline; its time is
	// when the server stored it, not when it arrived.
	Offline bool `json:"offline"`
}

// BuddyOnline is a buddy signing on ("buddy_online"), or changing while on
// ("buddy_changed": away, idle or warning level).
type BuddyOnline struct {
	Head
	Name         string    `json:"name"`
	Away         bool      `json:"away"`
	IdleMinutes  int       `json:"idle_minutes"`
	WarningLevel int       `json:"warning_level"`
	SignonTime   time.Time `json:"signon_time,omitzero"`
	Changed      bool      `json:"-"` // already online: Kind is buddy_changed
}

// BuddyOffline is a buddy signing off.
type BuddyOffline struct {
	Head
	Name string `json:"name"`
}

// Typing is a typing notification; State is typing, typed or stopped
// (bos.TypingState's words).
type Typing struct {
	Head
	From  string `json:"from"`
	State string `json:"state"`
}

// Warned is the user being warned; By is empty when anonymous.
type Warned struct {
	Head
	WarningLevel int    `json:"warning_level"`
	By           string `json:"by,omitempty"`
}

// Rate is the server reporting on a rate class. Code is changed, warning,
// limited or clear (bos.RateCode's words).
type Rate struct {
	Head
	Code  string `json:"code"`
	Class uint16 `json:"class"`
	Level uint32 `json:"level"`
	Limit uint32 `json:"limit"`
	Alert uint32 `json:"alert"`
	Clear uint32 `json:"clear"`
	// WaitMS is how long the class's next request waits now, as aim
	// paces it (never more than a few minutes).
	WaitMS int64 `json:"wait_ms"`
}

// ServerError is an error from the server that answers no request.
type ServerError struct {
	Head
	SNAC    string `json:"snac"` // "04,01"
	Code    uint16 `json:"code"`
	Message string `json:"message"`
}

// ServerMessage is a message of the day, or a notice of a pause or migration.
type ServerMessage struct {
	Head
	SNAC string `json:"snac"`
	Text string `json:"text"`
}

// Disconnect reasons.
const (
	ReasonLogout            = "logout"
	ReasonSignedOnElsewhere = "signed_on_elsewhere"
	ReasonClosedByServer    = "closed_by_server"
	ReasonConnectionLost    = "connection_lost"
	ReasonError             = "error"
)

// Disconnected is the last output of each session.
type Disconnected struct {
	Head
	Reason string `json:"reason"` // one of the Reason constants
	Error  string `json:"error,omitempty"`
}

// Reconnecting is the supervisor waiting before it signs on again.
type Reconnecting struct {
	Head
	Attempt int   `json:"attempt"`
	DelayMS int64 `json:"delay_ms"`
}

// ReconnectFailed is one failed attempt to sign on again.
type ReconnectFailed struct {
	Head
	Attempt int    `json:"attempt"`
	Error   string `json:"error"`
}

// ConfigApplied is the config file changing, and the session following.
type ConfigApplied struct {
	Head
	Added   []string `json:"added"`   // buddies
	Removed []string `json:"removed"` // buddies
	Profile bool     `json:"profile"` // the profile changed
	Away    bool     `json:"away"`    // the away message changed
	// NotifyOff and NotifyOn are the buddies and rooms put on and taken
	// off the quiet list (notify): aim tui rings for them no more, again.
	NotifyOff []string `json:"notify_off,omitempty"`
	NotifyOn  []string `json:"notify_on,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// ConfigError is the config file changing in a way that cannot be used,
// or no longer being followed.
type ConfigError struct {
	Head
	Error   string `json:"error"`
	Stopped bool   `json:"-"` // the file is no longer followed
}

// ChatJoined is the account in a chat room: the first output of each room,
// and again after a room connection was restored.
type ChatJoined struct {
	Head
	Room    string   `json:"room"`    // as the server names it
	Members []string `json:"members"` // the account included, in the server's order
}

// ChatMessage is something said in a room the account is in.
type ChatMessage struct {
	Head
	Room string `json:"room"`
	From string `json:"from"`
	Text string `json:"text"` // tags stripped, entities decoded
	HTML string `json:"html"` // as sent, decoded by its charset
}

// ChatMember is someone entering ("chat_member_joined") or leaving
// ("chat_member_left") a room the account is in.
type ChatMember struct {
	Head
	Room string `json:"room"`
	Name string `json:"name"`
	Left bool   `json:"-"` // Kind is chat_member_left
}

// Chat room leave reasons.
const (
	RoomLeft           = "left"             // asked for (leave, or signing off)
	RoomConnectionLost = "connection_lost"  // aim joins the room again
	RoomClosedByServer = "closed_by_server" // with a reason; aim joins again
	RoomSignedOff      = "signed_off"       // the account went offline for good
)

// ChatLeft is the account out of a room: the last output of the room, unless
// the reason says aim joins it again.
type ChatLeft struct {
	Head
	Room   string `json:"room"`
	Reason string `json:"reason"`          // one of the Room constants
	Error  string `json:"error,omitempty"` // why the connection ended, unless left
}

// ChatInvite is an invitation to a chat room; accept joins the last one.
type ChatInvite struct {
	Head
	From string `json:"from"`
	Room string `json:"room"`
	Text string `json:"text"`
}

// Result is the outcome of one command. The fields after Error are set by
// the commands they are listed for.
type Result struct {
	Head
	ID      int    `json:"id,omitempty"` // the input line's number
	Command string `json:"command"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
	// ExitCode and Exit, on the failure of a command run once (aim send),
	// are aim's exit status and what it means: "usage", "auth",
	// "network", "kicked", "refused", "running", "no_session",
	// "interrupted" or "error".
	ExitCode int    `json:"exit_code,omitempty"`
	Exit     string `json:"exit,omitempty"`

	To           string              `json:"to,omitempty"`            // send, autoreply, typing
	Delivery     string              `json:"delivery,omitempty"`      // send, autoreply: "delivered", or "stored" for their next signon
	Text         string              `json:"text,omitempty"`          // send, autoreply, say: what you said, as plain text
	State        string              `json:"state,omitempty"`         // typing: typing, typed or stopped
	Name         string              `json:"name,omitempty"`          // add, remove, move, info, warn, block, unblock, allow, disallow, notify
	Group        string              `json:"group,omitempty"`         // move
	WarningLevel *int                `json:"warning_level,omitempty"` // info, warn: percent
	Away         *bool               `json:"away,omitempty"`          // info, away
	Anonymous    *bool               `json:"anonymous,omitempty"`     // warn
	Help         string              `json:"help,omitempty"`          // help
	Room         string              `json:"room,omitempty"`          // join, say, leave, members, invite, accept
	Members      []string            `json:"members,omitempty"`       // members
	Blocked      []string            `json:"blocked,omitempty"`       // blocked
	Allowed      []string            `json:"allowed,omitempty"`       // blocked
	Privacy      string              `json:"privacy,omitempty"`       // blocked, privacy, block, unblock, allow, disallow: the mode in force
	PrivacyWas   string              `json:"privacy_was,omitempty"`   // block, unblock, allow, disallow: the mode before, when they changed it
	Dropped      []string            `json:"dropped,omitempty"`       // block, unblock, allow, disallow: names taken off a list as the mode changed
	Unchanged    bool                `json:"unchanged,omitempty"`     // block, unblock, allow, disallow, join, accept, away, profile, notify: nothing to do (blocked already, not blocked, in the room already, nothing to clear); typing: not sent (the setting is off, or they are blocked)
	Notify       string              `json:"notify,omitempty"`        // notify: on or off, as the config file's quiet list has it now
	Quiet        []string            `json:"quiet,omitempty"`         // status, buddies: whose messages ring no bell in aim tui (the config file's quiet list)
	Path         string              `json:"path,omitempty"`          // config path, config set, config unset
	Key          string              `json:"key,omitempty"`           // config set, config unset
	Value        string              `json:"value,omitempty"`         // config set
	Groups       []config.BuddyGroup `json:"groups,omitempty"`        // buddies list: the config file's groups; buddies, status: the session's, in the server's order
	Reconnecting *bool               `json:"reconnecting,omitempty"`  // status: the connection is being restored
	// Settings are config show's resolved settings, in the registry's order.
	Settings     config.Values `json:"settings,omitempty"`
	*BuddyList                 // buddies
	*RoomList                  // rooms
	*UserInfo                  // info
	*VersionInfo               // version

	// Summary is the outcome for people, the words text mode prints
	// whichever way the command ran (it crosses the control socket).
	Summary string `json:"summary,omitempty"`
	// Line is the command as typed.
	Line string `json:"-"`
}

// Shared reports whether r, a command's result, is also one of the
// session's events: the words the account said (an IM sent, a line said
// in a room), so that everyone following the session (aim events
// --follow, each aim tui attached) sees them, whoever ran the command.
func (r *Result) Shared() bool {
	if !r.OK {
		return false
	}
	switch r.Command {
	case CmdSend.Name, CmdSendHTML.Name, CmdAutoreply.Name, CmdSay.Name:
		return true
	}
	return false
}

// BuddyList is who of the buddies is online, their names as the server
// spells them (as the config file does for those it has not shown yet).
type BuddyList struct {
	Online  []string `json:"online"`
	Offline []string `json:"offline"`
	// Buddies is each buddy online as the session last showed it (its
	// buddy_online and buddy_changed outputs), idle minutes counted on to
	// now, sorted by name: with Result.Groups, what a full-screen client
	// draws its list from before it follows the events.
	Buddies []BuddyState `json:"buddies"`
}

// BuddyState is a buddy online: the fields of buddy_online.
type BuddyState struct {
	Name         string    `json:"name"`
	Away         bool      `json:"away"`
	IdleMinutes  int       `json:"idle_minutes"`
	WarningLevel int       `json:"warning_level"`
	SignonTime   time.Time `json:"signon_time,omitzero"`
}

// RoomList is the chat rooms the account is in, in join order.
type RoomList struct {
	Rooms []string `json:"rooms"`
	// RoomMembers is who is in each room of Rooms, in the server's order
	// (a room being joined again after a lost connection has none yet).
	RoomMembers map[string][]string `json:"room_members"`
}

// UserInfo is what info learns about a user.
type UserInfo struct {
	IdleMinutes int       `json:"idle_minutes"`
	Profile     string    `json:"profile"` // plain text
	ProfileHTML string    `json:"profile_html"`
	AwayMessage string    `json:"away_message"` // plain text
	SignonTime  time.Time `json:"signon_time,omitzero"`
}

func (*SignedOn) Kind() string            { return "signed_on" }
func (*IM) Kind() string                  { return "im" }
func (*BuddyOffline) Kind() string        { return "buddy_offline" }
func (*Typing) Kind() string              { return "typing" }
func (*Warned) Kind() string              { return "warned" }
func (*Rate) Kind() string                { return "rate" }
func (*ServerError) Kind() string         { return "server_error" }
func (*ServerMessage) Kind() string       { return "server_message" }
func (*Disconnected) Kind() string        { return "disconnected" }
func (*Reconnecting) Kind() string        { return "reconnecting" }
func (*ReconnectFailed) Kind() string     { return "reconnect_failed" }
func (*ConfigApplied) Kind() string       { return "config_applied" }
func (*ConfigError) Kind() string         { return "config_error" }
func (*Result) Kind() string              { return "result" }
func (*ChatJoined) Kind() string          { return "chat_joined" }
func (*ChatMessage) Kind() string         { return "chat_message" }
func (*ChatLeft) Kind() string            { return "chat_left" }
func (*ChatInvite) Kind() string          { return "chat_invite" }
func (*HistoryConversation) Kind() string { return "history_conversation" }

func (e *ChatMember) Kind() string {
	if e.Left {
		return "chat_member_left"
	}
	return "chat_member_joined"
}

func (e *BuddyOnline) Kind() string {
	if e.Changed {
		return "buddy_changed"
	}
	return "buddy_online"
}

// Outputs returns one value of each Output type, with BuddyOnline twice
// (online and changed): the whole schema, for documentation checks and
// for decoders that pick a type by its "type".
func Outputs() []Output {
	return []Output{&SignedOn{}, &IM{}, &BuddyOnline{}, &BuddyOnline{Changed: true}, &BuddyOffline{},
		&Typing{}, &Warned{}, &Rate{}, &ServerError{}, &ServerMessage{}, &Disconnected{},
		&Reconnecting{}, &ReconnectFailed{}, &ConfigApplied{}, &ConfigError{}, &Result{},
		&ChatJoined{}, &ChatMessage{}, &ChatMember{}, &ChatMember{Left: true}, &ChatLeft{}, &ChatInvite{},
		&BuddyListSynced{}, &BuddyListChanged{}, &HistoryError{}, &HistoryConversation{}}
}
