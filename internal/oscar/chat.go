package oscar

import (
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// Families of chat rooms. Each is served on its own connection, reached
// with 01,04 on BOS (see ServiceRequest).
const (
	FamilyChatNav = 0x000D // find and create rooms
	FamilyChat    = 0x000E // one room: its members and messages
)

// The SNAC types of chat rooms and of the service requests that reach them.
const (
	TypeServiceRequest   SNACType = 0x0001_0004
	TypeServiceReply     SNACType = 0x0001_0005
	TypeChatNavError     SNACType = 0x000D_0001
	TypeChatNavRightsReq SNACType = 0x000D_0002
	TypeExchangeInfoReq  SNACType = 0x000D_0003
	TypeRoomInfoReq      SNACType = 0x000D_0004
	TypeCreateRoom       SNACType = 0x000D_0008
	TypeNavInfo          SNACType = 0x000D_0009
	TypeChatError        SNACType = 0x000E_0001
	TypeRoomInfoUpdate   SNACType = 0x000E_0002
	TypeChatUsersJoined  SNACType = 0x000E_0003
	TypeChatUsersLeft    SNACType = 0x000E_0004
	TypeChatSend         SNACType = 0x000E_0005
	TypeChatIncoming     SNACType = 0x000E_0006
)

// Exchanges: the namespaces rooms live in.
const (
	ExchangeUser   = 0x0004 // rooms users create
	ExchangePublic = 0x0005 // rooms the server's operator made; creating one fails with 0D,01 0x0014
)

// TLVs of 0D,09.
const (
	NavTLVMaxRooms = 0x0002 // u8: rooms one user may be in at once
	NavTLVExchange = 0x0003 // an ExchangeInfo, one per exchange
	NavTLVRoom     = 0x0004 // a RoomInfo
)

// TLVs of an exchange in 0D,09 and of a room info block.
const (
	ExchangeTLVMaxNameLen   = 0x0004 // u16: the longest room name (100 on the real server)
	RoomTLVFullName         = 0x006A // the room's name
	RoomTLVFlags            = 0x00C9 // u16
	RoomTLVCreated          = 0x00CA // u32 Unix time
	RoomTLVMaxMessageLen    = 0x00D1 // u16: the longest message text, in bytes
	RoomTLVMaxOccupants     = 0x00D2 // u16
	RoomTLVName             = 0x00D3 // the room's name
	RoomTLVCreatePerms      = 0x00D5 // u8
	RoomTLVCharset          = 0x00D6 // charset name, in 0D,08
	RoomTLVLanguage         = 0x00D7 // language, in 0D,08
	RoomTLVMaxVisibleMsgLen = 0x00DA // u16
)

// MaxRoomNameLen is the longest room name the real server takes (its
// exchanges' TLV 0x0004).
const MaxRoomNameLen = 100

// ParseRoomName checks that s can name a room: not empty once trimmed, at
// most MaxRoomNameLen bytes, no control characters.
func ParseRoomName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("room name is empty")
	case len(s) > MaxRoomNameLen:
		return "", errors.New("room name is longer than 100 bytes")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", errors.New("room name has a control character")
		}
	}
	return s, nil
}

// RoomRef names a room instance: u16 exchange | u8 length + cookie | u16
// instance. It is TLV 0x0001 of a 01,04 for a room, TLV 0x2711 of a chat
// invitation, the body of 0D,04 (with a detail byte) and the head of a room
// info block. The real server's cookies read "4-0-" + the room's name as
// first created.
type RoomRef struct {
	Exchange uint16
	Cookie   string
	Instance uint16
}

// AppendTo appends the reference.
func (m RoomRef) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Exchange)
	b = appendStr8(b, m.Cookie)
	return binary.BigEndian.AppendUint16(b, m.Instance)
}

// Decode reads a reference that fills b.
func (m *RoomRef) Decode(b []byte) error { return m.decodeAll(b, "room", "room") }

func (m *RoomRef) decodeAll(b []byte, msg, field string) error {
	r := reader{b: b, msg: msg}
	m.decode(&r, field+": ")
	r.end(field)
	return r.err
}

// decode reads a reference at r's position; prefix starts each field name.
func (m *RoomRef) decode(r *reader, prefix string) {
	if !r.needSuffixed(2, prefix, "exchange") {
		return
	}
	m.Exchange = r.u16("")
	if !r.needSuffixed(1, prefix, "cookie length") {
		return
	}
	n := int(r.u8(""))
	if !r.needSuffixed(n, prefix, "cookie") {
		return
	}
	m.Cookie = string(r.bytes(n, ""))
	if !r.needSuffixed(2, prefix, "instance") {
		return
	}
	m.Instance = r.u16("")
}

// RoomInfo is a room info block: a RoomRef, a u8 detail level and a
// counted TLV list (name, limits, creation time). It is TLV 0x0004 of
// 0D,09, the body of 0E,02 and, with cookie "create", of 0D,08. TLVs alias
// the bytes decoded.
type RoomInfo struct {
	RoomRef
	Detail uint8
	TLVs   TLVList
}

// AppendTo appends the block.
func (m *RoomInfo) AppendTo(b []byte) []byte {
	b = m.RoomRef.AppendTo(b)
	b = append(b, m.Detail)
	return m.TLVs.AppendCounted(b)
}

// Decode reads a block that fills b.
func (m *RoomInfo) Decode(b []byte) error { return m.decodeAll(b, "room info", "room info") }

func (m *RoomInfo) decodeAll(b []byte, msg, field string) error {
	r := reader{b: b, msg: msg}
	m.decode(&r, field+": ")
	r.end(field)
	return r.err
}

func (m *RoomInfo) decode(r *reader, prefix string) {
	*m = RoomInfo{}
	m.RoomRef.decode(r, prefix)
	if !r.needSuffixed(1, prefix, "detail") {
		return
	}
	m.Detail = r.u8("")
	m.TLVs = r.tlvsCounted(prefix + "TLVs")
}

// Name returns the room's name: TLV 0x00D3, else 0x006A.
func (m *RoomInfo) Name() string {
	if s, ok := m.TLVs.String(RoomTLVName); ok {
		return s
	}
	s, _ := m.TLVs.String(RoomTLVFullName)
	return s
}

// MaxMessageLen returns the longest message text the room takes, in bytes.
func (m *RoomInfo) MaxMessageLen() (uint16, bool) { return m.TLVs.Uint16(RoomTLVMaxMessageLen) }

// MaxOccupants returns how many users the room holds.
func (m *RoomInfo) MaxOccupants() (uint16, bool) { return m.TLVs.Uint16(RoomTLVMaxOccupants) }

// Created returns when the room was created.
func (m *RoomInfo) Created() (time.Time, bool) {
	v, ok := m.TLVs.Uint32(RoomTLVCreated)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(v), 0), true
}

// Charset returns the charset name a 0D,08 asks for (TLV 0x00D6).
func (m *RoomInfo) Charset() string {
	s, _ := m.TLVs.String(RoomTLVCharset)
	return s
}

// ExchangeInfo is TLV 0x0003 of 0D,09: u16 exchange | u16 TLV count | TLVs
// (limits and permissions). TLVs alias the bytes decoded.
type ExchangeInfo struct {
	Exchange uint16
	TLVs     TLVList
}

// AppendTo appends the block.
func (m *ExchangeInfo) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, m.Exchange)
	return m.TLVs.AppendCounted(b)
}

// Decode reads a block that fills b.
func (m *ExchangeInfo) Decode(b []byte) error { return m.decodeAll(b, "exchange info", "exchange") }

func (m *ExchangeInfo) decodeAll(b []byte, msg, field string) error {
	r := reader{b: b, msg: msg}
	*m = ExchangeInfo{}
	if r.needSuffixed(2, field, ": exchange") {
		m.Exchange = r.u16("")
	}
	m.TLVs = r.tlvsCounted(field + ": TLVs")
	r.end(field)
	return r.err
}

// MaxNameLen returns the longest room name the exchange takes.
func (m *ExchangeInfo) MaxNameLen() (uint16, bool) { return m.TLVs.Uint16(ExchangeTLVMaxNameLen) }

// ExchangeInfoRequest is SNAC 0D,03: ask about one exchange.
type ExchangeInfoRequest struct {
	Exchange uint16
}

// SNACType returns 0D,03.
func (m *ExchangeInfoRequest) SNACType() SNACType { return TypeExchangeInfoReq }

// AppendTo appends the body.
func (m *ExchangeInfoRequest) AppendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint16(b, m.Exchange)
}

// Decode reads the body.
func (m *ExchangeInfoRequest) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 0D,03"}
	m.Exchange = r.u16("exchange")
	r.end("exchange")
	return r.err
}

// RoomInfoRequest is SNAC 0D,04: ask for a room's info block by its
// cookie. The real server ends the connection for a cookie it does not
// know.
type RoomInfoRequest struct {
	RoomRef
	Detail uint8
}

// SNACType returns 0D,04.
func (m *RoomInfoRequest) SNACType() SNACType { return TypeRoomInfoReq }

// AppendTo appends the body.
func (m *RoomInfoRequest) AppendTo(b []byte) []byte {
	return append(m.RoomRef.AppendTo(b), m.Detail)
}

// Decode reads the body.
func (m *RoomInfoRequest) Decode(b []byte) error {
	r := reader{b: b, msg: "SNAC 0D,04"}
	*m = RoomInfoRequest{}
	m.RoomRef.decode(&r, "")
	m.Detail = r.u8("detail")
	r.end("detail")
	return r.err
}

// CreateRoom is SNAC 0D,08: create a room on an exchange, or join the one
// of that name (compared case-insensitively). Its body is a room info block
// with cookie "create"; see NewCreateRoom. The real server ends the
// connection when TLV 0x00D3 (the name) is missing.
type CreateRoom struct {
	Room RoomInfo
}

// NewCreateRoom returns the 0D,08 the captures' client sends: cookie
// "create", instance 0xFFFF, detail 1, TLVs 0x00D3 name, 0x00D6 charset
// "us-ascii" and 0x00D7 language "en". Check name with ParseRoomName.
func NewCreateRoom(exchange uint16, name string) CreateRoom {
	var tlvs []byte
	tlvs = AppendTLVString(tlvs, RoomTLVName, name)
	tlvs = AppendTLVString(tlvs, RoomTLVCharset, CharsetNameASCII)
	tlvs = AppendTLVString(tlvs, RoomTLVLanguage, "en")
	return CreateRoom{Room: RoomInfo{
		RoomRef: RoomRef{Exchange: exchange, Cookie: "create", Instance: 0xFFFF},
		Detail:  1,
		TLVs:    TLVList(tlvs),
	}}
}

// SNACType returns 0D,08.
func (m *CreateRoom) SNACType() SNACType { return TypeCreateRoom }

// AppendTo appends the body.
func (m *CreateRoom) AppendTo(b []byte) []byte { return m.Room.AppendTo(b) }

// Decode reads the body.
func (m *CreateRoom) Decode(b []byte) error { return m.Room.decodeAll(b, "SNAC 0D,08", "room") }

// NavInfo is SNAC 0D,09, the chat navigation's one answer: to 0D,02 the
// most rooms a user may be in (TLV 0x0002) and every exchange (TLV 0x0003
// each); to 0D,03 one exchange; to 0D,04 and 0D,08 a room (TLV 0x0004).
// It encodes TLVs 0x0002, the exchanges, the rooms, then Extra.
type NavInfo struct {
	HasMaxRooms bool
	MaxRooms    uint8
	Exchanges   []ExchangeInfo
	Rooms       []RoomInfo
	// Extra holds the TLVs not modelled above, in order, encoded last.
	Extra TLVList
}

// SNACType returns 0D,09.
func (m *NavInfo) SNACType() SNACType { return TypeNavInfo }

// AppendTo appends the body.
func (m *NavInfo) AppendTo(b []byte) []byte {
	if m.HasMaxRooms {
		b = AppendTLVUint8(b, NavTLVMaxRooms, m.MaxRooms)
	}
	for i := range m.Exchanges {
		b = appendTLVFunc(b, NavTLVExchange, m.Exchanges[i].AppendTo)
	}
	for i := range m.Rooms {
		b = appendTLVFunc(b, NavTLVRoom, m.Rooms[i].AppendTo)
	}
	return append(b, m.Extra...)
}

// Decode reads the body.
func (m *NavInfo) Decode(b []byte) error {
	const msg = "SNAC 0D,09"
	l, err := parseTLVs(b, msg, "TLVs")
	if err != nil {
		return err
	}
	*m = NavInfo{}
	if v, ok := l.Get(NavTLVMaxRooms); ok {
		if len(v) != 1 {
			return &DecodeError{Msg: msg, Field: "max rooms (TLV 0x0002)", Reason: "not 1 byte"}
		}
		m.HasMaxRooms, m.MaxRooms = true, v[0]
	}
	for t, v := range l.All() {
		switch t {
		case NavTLVExchange:
			var e ExchangeInfo
			if err := e.decodeAll(v, msg, "exchange (TLV 0x0003)"); err != nil {
				return err
			}
			m.Exchanges = append(m.Exchanges, e)
		case NavTLVRoom:
			var ri RoomInfo
			if err := ri.decodeAll(v, msg, "room (TLV 0x0004)"); err != nil {
				return err
			}
			m.Rooms = append(m.Rooms, ri)
		}
	}
	m.Extra = l.without(func(t uint16) bool { return t == NavTLVMaxRooms || t == NavTLVExchange || t == NavTLVRoom })
	return nil
}

// RoomInfoUpdate is SNAC 0E,02: the room's info block, sent after 0E,03
// when a client joins (request id 0).
type RoomInfoUpdate struct {
	Room RoomInfo
}

// SNACType returns 0E,02.
func (m *RoomInfoUpdate) SNACType() SNACType { return TypeRoomInfoUpdate }

// AppendTo appends the body.
func (m *RoomInfoUpdate) AppendTo(b []byte) []byte { return m.Room.AppendTo(b) }

// Decode reads the body.
func (m *RoomInfoUpdate) Decode(b []byte) error { return m.Room.decodeAll(b, "SNAC 0E,02", "room") }

// ChatUsers is the body of 0E,03 and 0E,04: one or more user info blocks.
type ChatUsers struct {
	Users []UserInfo
}

func (m *ChatUsers) appendTo(b []byte) []byte {
	for i := range m.Users {
		b = m.Users[i].AppendTo(b)
	}
	return b
}

func (m *ChatUsers) decode(b []byte, msg string) error {
	r := reader{b: b, msg: msg}
	m.Users = nil
	for r.err == nil && r.len() > 0 {
		var u UserInfo
		u.decode(&r, "user info")
		m.Users = append(m.Users, u)
	}
	if r.err == nil && len(m.Users) == 0 {
		r.fail("user info", "none")
	}
	return r.err
}

// ChatUsersJoined is SNAC 0E,03: users in the room. A client that joins
// gets everyone there, itself included; the others get the newcomer.
type ChatUsersJoined ChatUsers

// SNACType returns 0E,03.
func (m *ChatUsersJoined) SNACType() SNACType { return TypeChatUsersJoined }

// AppendTo appends the blocks.
func (m *ChatUsersJoined) AppendTo(b []byte) []byte { return (*ChatUsers)(m).appendTo(b) }

// Decode reads the body.
func (m *ChatUsersJoined) Decode(b []byte) error { return (*ChatUsers)(m).decode(b, "SNAC 0E,03") }

// ChatUsersLeft is SNAC 0E,04: users left the room.
type ChatUsersLeft ChatUsers

// SNACType returns 0E,04.
func (m *ChatUsersLeft) SNACType() SNACType { return TypeChatUsersLeft }

// AppendTo appends the blocks.
func (m *ChatUsersLeft) AppendTo(b []byte) []byte { return (*ChatUsers)(m).appendTo(b) }

// Decode reads the body.
func (m *ChatUsersLeft) Decode(b []byte) error { return (*ChatUsers)(m).decode(b, "SNAC 0E,04") }

// TLVs of 0E,05 and 0E,06, and of the message inside TLV 0x0005.
const (
	ChatTLVToRoom  = 0x0001 // empty: to the whole room (relayed in 0E,06)
	ChatTLVSender  = 0x0003 // 0E,06: the sender's user info
	ChatTLVMessage = 0x0005 // the message: nested TLVs
	ChatTLVEcho    = 0x0006 // empty, 0E,05: send me my own copy

	ChatMsgTLVText     = 0x0001 // the text (HTML), in Charset
	ChatMsgTLVCharset  = 0x0002 // the charset name: "us-ascii", "iso-8859-1", "unicode-2-0"
	ChatMsgTLVLanguage = 0x0003 // "en"
)

// ChatMessage is TLV 0x0005 of 0E,05 and 0E,06: the text, its charset by
// name and a language. The real server relays text and charset byte for
// byte, and keeps only these three TLVs. Text aliases the bytes decoded.
type ChatMessage struct {
	Text     NamedText
	Language string
	// Extra holds the TLVs not modelled above, in order, encoded last.
	Extra TLVList
}

// NewChatMessage returns s in the narrowest charset that carries it (see
// NewNamedText), in language "en".
func NewChatMessage(s string) (ChatMessage, error) {
	t, err := NewNamedText(s)
	if err != nil {
		return ChatMessage{}, err
	}
	return ChatMessage{Text: t, Language: "en"}, nil
}

// AppendTo appends the nested TLVs: text, charset, language (the last two
// when set), Extra.
func (m *ChatMessage) AppendTo(b []byte) []byte {
	b = AppendTLV(b, ChatMsgTLVText, m.Text.Data)
	if m.Text.Charset != "" {
		b = AppendTLVString(b, ChatMsgTLVCharset, m.Text.Charset)
	}
	if m.Language != "" {
		b = AppendTLVString(b, ChatMsgTLVLanguage, m.Language)
	}
	return append(b, m.Extra...)
}

// Decode reads the nested TLVs. The text is required.
func (m *ChatMessage) Decode(b []byte) error { return m.decode(b, "chat message") }

func (m *ChatMessage) decode(b []byte, msg string) error {
	l, err := parseTLVs(b, msg, "message TLVs")
	if err != nil {
		return err
	}
	*m = ChatMessage{}
	var ok bool
	if m.Text.Data, ok = l.Get(ChatMsgTLVText); !ok {
		return &DecodeError{Msg: msg, Field: "text (TLV 0x0001)", Reason: "missing"}
	}
	m.Text.Charset, _ = l.String(ChatMsgTLVCharset)
	m.Language, _ = l.String(ChatMsgTLVLanguage)
	m.Extra = l.without(func(t uint16) bool {
		return t == ChatMsgTLVText || t == ChatMsgTLVCharset || t == ChatMsgTLVLanguage
	})
	return nil
}

// ChatSend is SNAC 0E,05: the client says something in the room. Channel
// is 3. The real server relays it to the others as 0E,06 with request id
// 0, and to the sender only with Echo (with the sender's request id).
type ChatSend struct {
	Cookie  [8]byte
	Channel uint16
	ToRoom  bool // empty TLV 0x0001
	Echo    bool // empty TLV 0x0006
	Message ChatMessage
	// Extra holds the TLVs not modelled above, in order, encoded last.
	Extra TLVList
}

// ChatChannel is the ICBM channel of chat messages.
const ChatChannel = 3

// SNACType returns 0E,05.
func (m *ChatSend) SNACType() SNACType { return TypeChatSend }

// AppendTo appends the body: TLVs 0x0001, 0x0006, 0x0005 (the captures'
// order), then Extra.
func (m *ChatSend) AppendTo(b []byte) []byte {
	b = append(b, m.Cookie[:]...)
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	if m.ToRoom {
		b = AppendTLV(b, ChatTLVToRoom, nil)
	}
	if m.Echo {
		b = AppendTLV(b, ChatTLVEcho, nil)
	}
	b = appendTLVFunc(b, ChatTLVMessage, m.Message.AppendTo)
	return append(b, m.Extra...)
}

// Decode reads the body.
func (m *ChatSend) Decode(b []byte) error {
	const msg = "SNAC 0E,05"
	r := reader{b: b, msg: msg}
	*m = ChatSend{}
	r.copy(m.Cookie[:], "cookie")
	m.Channel = r.u16("channel")
	tlvs := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	m.ToRoom = tlvs.Has(ChatTLVToRoom)
	m.Echo = tlvs.Has(ChatTLVEcho)
	m.Extra = tlvs.without(func(t uint16) bool { return t == ChatTLVToRoom || t == ChatTLVEcho || t == ChatTLVMessage })
	v, ok := tlvs.Get(ChatTLVMessage)
	if !ok {
		return &DecodeError{Msg: msg, Field: "message (TLV 0x0005)", Reason: "missing"}
	}
	return m.Message.decode(v, msg+": message")
}

// ChatIncoming is SNAC 0E,06: a message said in the room, with the
// sender's user info. Relays carry request id 0; the sender's own copy
// (asked for with ChatSend.Echo) carries the sender's request id.
type ChatIncoming struct {
	Cookie  [8]byte
	Channel uint16
	Sender  UserInfo // TLV 0x0003
	ToRoom  bool     // empty TLV 0x0001, copied from 0E,05
	Message ChatMessage
	// Extra holds the TLVs not modelled above, in order, encoded last.
	Extra TLVList
}

// SNACType returns 0E,06.
func (m *ChatIncoming) SNACType() SNACType { return TypeChatIncoming }

// AppendTo appends the body: TLVs 0x0003, 0x0001, 0x0005 (the real
// server's order), then Extra.
func (m *ChatIncoming) AppendTo(b []byte) []byte {
	b = append(b, m.Cookie[:]...)
	b = binary.BigEndian.AppendUint16(b, m.Channel)
	b = appendTLVFunc(b, ChatTLVSender, m.Sender.AppendTo)
	if m.ToRoom {
		b = AppendTLV(b, ChatTLVToRoom, nil)
	}
	b = appendTLVFunc(b, ChatTLVMessage, m.Message.AppendTo)
	return append(b, m.Extra...)
}

// Decode reads the body.
func (m *ChatIncoming) Decode(b []byte) error {
	const msg = "SNAC 0E,06"
	r := reader{b: b, msg: msg}
	*m = ChatIncoming{}
	r.copy(m.Cookie[:], "cookie")
	m.Channel = r.u16("channel")
	tlvs := r.tlvsRest("TLVs")
	if r.err != nil {
		return r.err
	}
	m.ToRoom = tlvs.Has(ChatTLVToRoom)
	m.Extra = tlvs.without(func(t uint16) bool { return t == ChatTLVToRoom || t == ChatTLVSender || t == ChatTLVMessage })
	v, ok := tlvs.Get(ChatTLVSender)
	if !ok {
		return &DecodeError{Msg: msg, Field: "sender (TLV 0x0003)", Reason: "missing"}
	}
	sr := reader{b: v, msg: msg}
	m.Sender.decode(&sr, "sender (TLV 0x0003)")
	sr.end("sender (TLV 0x0003)")
	if sr.err != nil {
		return sr.err
	}
	if v, ok = tlvs.Get(ChatTLVMessage); !ok {
		return &DecodeError{Msg: msg, Field: "message (TLV 0x0005)", Reason: "missing"}
	}
	return m.Message.decode(v, msg+": message")
}
