package oscartest

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Chat rooms, the way the real server runs them (README facts 45 to 54):
//
//   - 01,04 on BOS for family 0x000D or 0x000E (with the room in TLV 1)
//     gets 01,05: the BOS address, a one-time 256-byte cookie, the family
//     and TLV 0x008E = 0. Another family gets 01,01 code 0x0005; a room
//     request without a room, or for a room nobody created, ends the BOS
//     connection (the real server's handler fails).
//   - The service connection comes to the BOS listener with the cookie on
//     channel 1. It gets 01,03 with its families (000d 0001 for chat
//     navigation, 0001 000e for a room), answers 01,17 with 01,18 and 01,06
//     with the BOS classes, and takes 01,08 and 01,02. Chat navigation
//     counts against the BOS session's levels (its 01,07 in chat-2025.txt
//     shows them); each room connection has levels of its own.
//   - Chat navigation: 0D,02 → 0D,09 (up to 10 rooms, exchanges 4 and 5);
//     0D,03 → 0D,09 with that exchange; 0D,08 creates or joins a room by
//     name, compared without regard to case: the reply's cookie is
//     "<exchange>-0-<name as first created>", instance 0, detail 2. A 0D,08
//     without a name, and a 0D,04 for an unknown cookie, end the
//     connection; a name not on exchange 5 gets 0D,01 code 0x0014; an
//     exchange other than 4 and 5 gets 0D,01 code 0x0008.
//   - A room: after its 01,02 the client gets 0E,03 (every member, itself
//     included) then 0E,02, and the others 0E,03 with the newcomer, all
//     with request id 0. 0E,05 goes to the others as 0E,06 (request id 0)
//     with the sender's chat user info, TLV 1 when it was sent, and the
//     message's text, charset and language byte for byte; the sender gets
//     its copy only with TLV 6, under its own request id. A member whose
//     connection ends leaves: the others get 0E,04.
//   - When the BOS session ends, its service connections end with the
//     frames the real server sends: chat navigation the "signed on
//     elsewhere" channel 4 (TLV 9 = 1 and a URL), a room the bare 4-byte
//     channel-4 header.
//   - With Release2026: 01,05 puts TLV 0x000D first, 01,13 follows 01,18,
//     chat user info shows signon time 0x886e0900, and 0E,04 class 0.

// chatState is the server's rooms and outstanding service cookies
// (guarded by Server.mu).
type chatState struct {
	rooms     map[string]*room // by roomKey
	byCookie  map[string]*room
	tickets   map[string]*svcTicket
	ticketIDs []string // issue order, to bound tickets
}

// room is one chat room. Rooms are never removed, as on the real server.
type room struct {
	exchange uint16
	name     string // as first created
	cookie   string // "<exchange>-0-<name>"
	created  time.Time
	members  []*service // joined (after 01,02), in join order
	bots     []*roomBot // sitting in the room, listed before the members
}

// roomBot is a member of a room with no connection (AddRoomBot).
type roomBot struct {
	name  string
	reply func(from, text string) string
}

// svcTicket is what a service cookie stands for until a connection shows it.
type svcTicket struct {
	bos    *session
	family uint16
	room   *room
}

// service is one chat navigation or chat room connection (guarded by
// Server.mu).
type service struct {
	conn   *conn
	bos    *session // the BOS session that asked for it
	rates  *session // this connection's rate levels (chat navigation: the BOS session's), signon time and 01,17
	family uint16
	room   *room
	joined bool
}

// Chat limits, as the real server announces them.
const (
	chatMaxRooms       = 10
	chatMaxMessageLen  = 0x0400
	chatMaxOccupants   = 0x0064
	chatClass          = oscar.ClassFree // chat user info says 0x0010, BOS 0x0011
	tlvServiceSSLState = 0x008E
)

// motd2026 is the 2026 release's 01,13, sent after 01,18 (fact 44).
var motd2026 = oscar.MOTD{Type: 4, TLVs: oscar.TLVList(oscar.AppendTLVString(nil, oscar.TLVMOTDText, "Welcome to Open OSCAR Server"))}

// zeroTime2026 is the 2026 release's chat signon time: a zero Go time cast
// to u32.
const zeroTime2026 = 0x886e0900

// chatNavFamilies and chatFamilies are the 01,03 of the two services.
var (
	chatNavFamilies = []uint16{oscar.FamilyChatNav, oscar.FamilyOService}
	chatFamilies    = []uint16{oscar.FamilyOService, oscar.FamilyChat}
)

// exchangeTLVsHex is each exchange's TLV list in 0D,09 (chat-2025.txt).
const exchangeTLVsHex = "000300010a00020002001000040002006400c90002000f00d5000102" +
	"00d6000875732d617363696900d70002656e00d8000875732d617363696900d90002656e"

func (s *Server) chatLocked() *chatState {
	if s.chat.rooms == nil {
		s.chat.rooms = make(map[string]*room)
		s.chat.byCookie = make(map[string]*room)
		s.chat.tickets = make(map[string]*svcTicket)
	}
	return &s.chat
}

func roomKey(exchange uint16, name string) string {
	return strconv.Itoa(int(exchange)) + "/" + strings.ToLower(name)
}

// AddPublicRoom makes a room on exchange 5, where users cannot create
// rooms, and returns its cookie ("5-0-<name>"). A room of that name
// (compared without regard to case) is kept as it is.
func (s *Server) AddPublicRoom(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roomLocked(oscar.ExchangePublic, name).cookie
}

// roomLocked returns the room name on exchange, creating it.
func (s *Server) roomLocked(exchange uint16, name string) *room {
	cs := s.chatLocked()
	k := roomKey(exchange, name)
	if r := cs.rooms[k]; r != nil {
		return r
	}
	r := &room{exchange: exchange, name: name, created: s.now()}
	r.cookie = strconv.Itoa(int(exchange)) + "-0-" + name
	cs.rooms[k] = r
	cs.byCookie[r.cookie] = r
	return r
}

// AddRoomBot seats a bot called name in the room called room on exchange
// 4 (created if there is none; its cookie is returned). The bot is listed
// among the room's members and answers each message said there with
// reply's return value, said in the room (an empty string says nothing).
// reply gets the sender's name and the message as sent (HTML) and runs on a
// goroutine of the server, without server locks.
func (s *Server) AddRoomBot(room, name string, reply func(from, text string) string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.roomLocked(oscar.ExchangeUser, room)
	r.bots = append(r.bots, &roomBot{name: name, reply: reply})
	return r.cookie
}

// botInfo is a room bot's chat user info.
func (b *roomBot) info() oscar.UserInfo {
	var t []byte
	t = oscar.AppendTLVUint16(t, oscar.UserTLVClass, chatClass)
	return oscar.UserInfo{ScreenName: b.name, TLVs: oscar.TLVList(t)}
}

// botsHearLocked runs the room's bots' replies to a message, each on its
// own goroutine, and says what they answer.
func (s *Server) botsHearLocked(r *room, from, text string) {
	for _, b := range r.bots {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			answer := b.reply(from, text)
			if answer == "" {
				return
			}
			msg, err := oscar.NewChatMessage(answer)
			if err != nil {
				s.logf("oscartest: room bot %s: %v", b.name, err)
				return
			}
			var cookie [8]byte
			rand.Read(cookie[:])
			out := &oscar.ChatIncoming{Cookie: cookie, Channel: oscar.ChatChannel, Sender: b.info(), ToRoom: true, Message: msg}
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, m := range r.members {
				m.conn.sendMsg(0, out)
			}
		}()
	}
}

// RoomMembers returns the screen names in the room with this cookie, in
// join order (nil for an unknown room).
func (s *Server) RoomMembers(cookie string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.chatLocked().byCookie[cookie]
	if r == nil {
		return nil
	}
	out := make([]string, len(r.members))
	for i, m := range r.members {
		out[i] = m.bos.user.name
	}
	return out
}

// DropRoomConnections cuts the connections of everyone in the room with
// this cookie, as a failing network would (no channel 4), and returns how
// many it cut. Their BOS sessions are not touched.
func (s *Server) DropRoomConnections(cookie string) int {
	s.mu.Lock()
	var conns []*conn
	if r := s.chatLocked().byCookie[cookie]; r != nil {
		for _, m := range r.members {
			conns = append(conns, m.conn)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.abort()
	}
	return len(conns)
}

// SendRoomSNAC sends a channel-2 frame with payload (a SNAC header and
// body, well formed or not) on screenName's connection to the room with
// this cookie.
func (s *Server) SendRoomSNAC(cookie, screenName string, payload []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := screenname.Normalize(screenName)
	if r := s.chatLocked().byCookie[cookie]; r != nil {
		for _, m := range r.members {
			if m.bos.user.norm == n && m.conn.sendFrame(oscar.ChannelSNAC, append([]byte(nil), payload...)) {
				return nil
			}
		}
	}
	return fmt.Errorf("oscartest: %s is not in the room %q", screenName, cookie)
}

// ForgetRooms drops every room that has no members left, as a restart of
// the real server does; a room asked for by its old cookie is then
// unknown. Room bots' rooms are kept.
func (s *Server) ForgetRooms() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chatLocked()
	for k, r := range cs.rooms {
		if len(r.members) == 0 && len(r.bots) == 0 {
			delete(cs.rooms, k)
			delete(cs.byCookie, r.cookie)
		}
	}
}

// info is the room's info block, TLVs in the real server's order.
func (r *room) info() oscar.RoomInfo {
	var b []byte
	b = oscar.AppendTLVUint16(b, oscar.RoomTLVFlags, 0x000F)
	b = oscar.AppendTLVUint32(b, oscar.RoomTLVCreated, uint32(r.created.Unix()))
	b = oscar.AppendTLVUint16(b, oscar.RoomTLVMaxMessageLen, chatMaxMessageLen)
	b = oscar.AppendTLVUint16(b, oscar.RoomTLVMaxOccupants, chatMaxOccupants)
	b = oscar.AppendTLVUint8(b, oscar.RoomTLVCreatePerms, 2)
	b = oscar.AppendTLVString(b, oscar.RoomTLVFullName, r.name)
	b = oscar.AppendTLVString(b, oscar.RoomTLVName, r.name)
	b = oscar.AppendTLVUint16(b, oscar.RoomTLVMaxVisibleMsgLen, chatMaxMessageLen)
	return oscar.RoomInfo{
		RoomRef: oscar.RoomRef{Exchange: r.exchange, Cookie: r.cookie},
		Detail:  2,
		TLVs:    oscar.TLVList(b),
	}
}

// serviceRequestLocked answers 01,04 on BOS.
func (s *Server) serviceRequestLocked(ss *session, snac oscar.SNAC) {
	c := ss.conn
	var m oscar.ServiceRequest
	if !s.decodeOK(ss, snac, m.Decode(snac.Body)) {
		return
	}
	t := &svcTicket{bos: ss, family: m.Family}
	switch m.Family {
	case oscar.FamilyChatNav:
	case oscar.FamilyChat:
		if m.HasRoom {
			t.room = s.chatLocked().byCookie[m.Room.Cookie]
		}
		if t.room == nil {
			s.logf("oscartest: bos %s: 01,04 for an unknown room %q; closing", c.name, m.Room.Cookie)
			c.closeAfterLocked()
			return
		}
	default:
		c.sendMsg(snac.RequestID, &oscar.SNACError{Family: oscar.FamilyOService, Code: oscar.ErrCodeServiceUnavail})
		return
	}
	c.sendMsg(snac.RequestID, &oscar.ServiceReply{
		Family:      m.Family,
		Address:     s.bosAddr,
		Cookie:      s.issueServiceCookieLocked(t),
		FamilyFirst: s.Release == Release2026,
		Extra:       oscar.TLVList(oscar.AppendTLVUint8(nil, tlvServiceSSLState, 0)),
	})
}

// issueServiceCookieLocked makes a one-time service cookie: 256 bytes, 32
// of them random, like a BOS cookie.
func (s *Server) issueServiceCookieLocked(t *svcTicket) []byte {
	cs := s.chatLocked()
	b := make([]byte, cookieLen)
	rand.Read(b[:32])
	copy(b[33:], t.bos.user.norm)
	b[32] = byte(min(len(t.bos.user.norm), cookieLen-33))
	cs.tickets[string(b)] = t
	cs.ticketIDs = append(cs.ticketIDs, string(b))
	if len(cs.ticketIDs) > maxCookies {
		delete(cs.tickets, cs.ticketIDs[0])
		cs.ticketIDs = append(cs.ticketIDs[:0], cs.ticketIDs[1:]...)
	}
	return b
}

// serviceSignonLocked takes a channel-1 frame whose cookie is a service
// cookie and makes c that service's connection. It reports whether the
// cookie was one (else it may be a BOS cookie).
func (s *Server) serviceSignonLocked(c *conn, payload []byte) bool {
	var bs oscar.BOSSignon
	if bs.Decode(payload) != nil {
		return false
	}
	cs := s.chatLocked()
	t := cs.tickets[string(bs.Cookie)]
	if t == nil {
		return false
	}
	delete(cs.tickets, string(bs.Cookie))
	for i, id := range cs.ticketIDs {
		if id == string(bs.Cookie) {
			cs.ticketIDs = append(cs.ticketIDs[:i], cs.ticketIDs[i+1:]...)
			break
		}
	}
	u := t.bos.user
	if t.bos.conn.closing {
		s.logf("oscartest: service %s: the BOS session that asked is gone; closing", c.remote)
		c.closeAfterLocked()
		return true
	}
	now := s.now()
	svc := &service{
		conn:   c,
		bos:    t.bos,
		family: t.family,
		room:   t.room,
		rates:  &session{conn: c, user: u, signon: now, tickAt: now.Add(rateTick), rates: s.newRatesLocked(u, now)},
	}
	if svc.family == oscar.FamilyChatNav {
		svc.rates.rates = t.bos.rates // the same levels (the slices share their entries)
	}
	c.svc, c.name, c.norm = svc, u.name, u.norm
	c.nc.SetReadDeadline(time.Time{})
	t.bos.services = append(t.bos.services, svc)
	families := chatNavFamilies
	if svc.family == oscar.FamilyChat {
		families = chatFamilies
	}
	c.sendMsg(reqIDServer, &oscar.HostReady{Families: families})
	s.notifyLocked()
	return true
}

// handleService handles one client frame on a service connection. It
// returns false to close the connection at once.
func (c *conn) handleService(f oscar.Frame) bool {
	s := c.srv
	s.mu.Lock()
	s.frameLocked(c.svc.rates, s.now())
	s.mu.Unlock()
	switch f.Channel {
	case oscar.ChannelSNAC:
	case oscar.ChannelSignoff: // leaving: nothing back, close at once
		return false
	default:
		return true
	}
	snac, err := oscar.ParseSNAC(f.Payload)
	s.mu.Lock()
	defer s.mu.Unlock()
	svc := c.svc
	if err != nil {
		s.logf("oscartest: service %s (%s): closing: malformed SNAC (%v)", c.remote, c.name, err)
		return false
	}
	drop, disconnect := s.rateCheckLocked(svc.rates, snac.Type())
	if disconnect {
		return false
	}
	if drop {
		return true
	}
	return s.serviceDispatchLocked(svc, snac)
}

// serviceDispatchLocked answers one SNAC on a service connection. It
// returns false to close the connection.
func (s *Server) serviceDispatchLocked(svc *service, snac oscar.SNAC) bool {
	c, id := svc.conn, snac.RequestID
	fail := func(code uint16) {
		c.sendMsg(id, &oscar.SNACError{Family: snac.Family, Code: code})
	}
	nav, chat := svc.family == oscar.FamilyChatNav, svc.family == oscar.FamilyChat
	switch t := snac.Type(); {
	case t == oscar.TypeClientVersions:
		var m oscar.ClientVersions
		if m.Decode(snac.Body) != nil {
			fail(oscar.ErrCodeBadSNACFormat)
			break
		}
		svc.rates.long = true
		c.sendBody(oscar.TypeHostVersions, id, snac.Body)
		if s.Release == Release2026 {
			c.sendMsg(reqIDServer, &motd2026)
		}
	case t == oscar.TypeRateRequest:
		c.sendMsg(id, s.rateParamsLocked(svc.rates))
	case t == oscar.TypeRateAck:
	case t == oscar.TypeClientReady:
		if chat && !svc.joined {
			s.joinLocked(svc)
		}
	case nav && t == oscar.TypeChatNavRightsReq:
		c.sendMsg(id, &oscar.NavInfo{HasMaxRooms: true, MaxRooms: chatMaxRooms, Exchanges: []oscar.ExchangeInfo{
			exchangeInfo(oscar.ExchangeUser), exchangeInfo(oscar.ExchangePublic)}})
	case nav && t == oscar.TypeExchangeInfoReq:
		var m oscar.ExchangeInfoRequest
		switch {
		case m.Decode(snac.Body) != nil:
			fail(oscar.ErrCodeBadSNACFormat)
		case m.Exchange != oscar.ExchangeUser && m.Exchange != oscar.ExchangePublic:
			fail(oscar.ErrCodeNotSupportedHost)
		default:
			c.sendMsg(id, &oscar.NavInfo{HasMaxRooms: true, MaxRooms: chatMaxRooms, Exchanges: []oscar.ExchangeInfo{exchangeInfo(m.Exchange)}})
		}
	case nav && t == oscar.TypeRoomInfoReq:
		var m oscar.RoomInfoRequest
		if m.Decode(snac.Body) != nil {
			fail(oscar.ErrCodeBadSNACFormat)
			break
		}
		r := s.chatLocked().byCookie[m.Cookie]
		if r == nil || r.exchange != m.Exchange {
			s.logf("oscartest: chat nav %s: 0D,04 for an unknown room %q; closing", c.name, m.Cookie)
			return false
		}
		c.sendMsg(id, &oscar.NavInfo{Rooms: []oscar.RoomInfo{r.info()}})
	case nav && t == oscar.TypeCreateRoom:
		return s.createRoomLocked(svc, snac)
	case chat && t == oscar.TypeChatSend:
		var m oscar.ChatSend
		if m.Decode(snac.Body) != nil || !svc.joined {
			fail(oscar.ErrCodeBadSNACFormat)
			break
		}
		s.chatSendLocked(svc, id, &m)
	default:
		fail(oscar.ErrCodeInvalidSNAC)
	}
	return true
}

func exchangeInfo(id uint16) oscar.ExchangeInfo {
	return oscar.ExchangeInfo{Exchange: id, TLVs: oscar.TLVList(mustHex(exchangeTLVsHex))}
}

// createRoomLocked answers 0D,08.
func (s *Server) createRoomLocked(svc *service, snac oscar.SNAC) bool {
	c, id := svc.conn, snac.RequestID
	var m oscar.CreateRoom
	if err := m.Decode(snac.Body); err != nil {
		s.logf("oscartest: chat nav %s: %v; closing", c.name, err)
		return false
	}
	name, ok := m.Room.TLVs.String(oscar.RoomTLVName)
	if !ok {
		s.logf("oscartest: chat nav %s: 0D,08 without a room name; closing", c.name)
		return false
	}
	ex := m.Room.Exchange
	if ex != oscar.ExchangeUser && ex != oscar.ExchangePublic {
		c.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyChatNav, Code: oscar.ErrCodeNotSupportedHost})
		return true
	}
	if len(name) > oscar.MaxRoomNameLen { // not captured: refused rather than cut
		c.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyChatNav, Code: oscar.ErrCodeBadSNACFormat})
		return true
	}
	r := s.chatLocked().rooms[roomKey(ex, name)]
	if r == nil && ex == oscar.ExchangePublic {
		c.sendMsg(id, &oscar.SNACError{Family: oscar.FamilyChatNav, Code: oscar.ErrCodeNoMatch})
		return true
	}
	if r == nil {
		r = s.roomLocked(ex, name)
	}
	c.sendMsg(id, &oscar.NavInfo{Rooms: []oscar.RoomInfo{r.info()}})
	return true
}

// chatInfoLocked is a member's user info in a room: the registered name,
// the warning level and TLVs 3 (this connection's signon time; always
// 0x886e0900 on the 2026 release, fact 50), 1 (class 0x0010, or 0 in a
// 2026 0E,04), 6 (status 0) and 0x1E (0).
func (s *Server) chatInfoLocked(svc *service, leaving bool) oscar.UserInfo {
	u := svc.bos.user
	signon, class := uint32(svc.rates.signon.Unix()), uint16(chatClass)
	if s.Release == Release2026 {
		signon = zeroTime2026
		if leaving {
			class = 0
		}
	}
	var b []byte
	b = oscar.AppendTLVUint32(b, oscar.UserTLVSignonTime, signon)
	b = oscar.AppendTLVUint16(b, oscar.UserTLVClass, class)
	b = oscar.AppendTLVUint32(b, oscar.UserTLVStatus, 0)
	b = oscar.AppendTLVUint32(b, tlvMySubscriptions, 0)
	return oscar.UserInfo{ScreenName: u.name, WarningLevel: u.warning, TLVs: oscar.TLVList(b)}
}

// joinLocked puts svc in its room after its 01,02.
func (s *Server) joinLocked(svc *service) {
	r := svc.room
	svc.joined = true
	r.members = append(r.members, svc)
	var all []oscar.UserInfo
	for _, b := range r.bots {
		all = append(all, b.info())
	}
	for _, m := range r.members {
		all = append(all, s.chatInfoLocked(m, false))
	}
	svc.conn.sendMsg(0, &oscar.ChatUsersJoined{Users: all})
	info := r.info()
	svc.conn.sendMsg(0, &oscar.RoomInfoUpdate{Room: info})
	joined := &oscar.ChatUsersJoined{Users: []oscar.UserInfo{s.chatInfoLocked(svc, false)}}
	for _, m := range r.members {
		if m != svc {
			m.conn.sendMsg(0, joined)
		}
	}
	s.notifyLocked()
}

// chatSendLocked relays 0E,05 as 0E,06.
func (s *Server) chatSendLocked(svc *service, id uint32, m *oscar.ChatSend) {
	out := &oscar.ChatIncoming{
		Cookie:  m.Cookie,
		Channel: m.Channel,
		Sender:  s.chatInfoLocked(svc, false),
		ToRoom:  m.ToRoom,
		Message: oscar.ChatMessage{Text: m.Message.Text, Language: m.Message.Language},
	}
	for _, o := range svc.room.members {
		if o != svc {
			o.conn.sendMsg(0, out)
		}
	}
	if m.Echo {
		svc.conn.sendMsg(id, out)
	}
	if len(svc.room.bots) > 0 {
		s.botsHearLocked(svc.room, out.Sender.ScreenName, m.Message.Text.String())
	}
}

// endServiceLocked runs when a service connection ends: a member leaves
// its room, and the others get 0E,04.
func (s *Server) endServiceLocked(svc *service) {
	bos := svc.bos
	for i, o := range bos.services {
		if o == svc {
			bos.services = append(bos.services[:i], bos.services[i+1:]...)
			break
		}
	}
	if !svc.joined {
		return
	}
	svc.joined = false
	r := svc.room
	for i, m := range r.members {
		if m == svc {
			r.members = append(r.members[:i], r.members[i+1:]...)
			break
		}
	}
	left := &oscar.ChatUsersLeft{Users: []oscar.UserInfo{s.chatInfoLocked(svc, true)}}
	for _, m := range r.members {
		m.conn.sendMsg(0, left)
	}
	s.notifyLocked()
}

// endServicesLocked ends the service connections of a BOS session that
// ends, with the real server's frames (see the top of this file).
func (s *Server) endServicesLocked(ss *session) {
	for len(ss.services) > 0 {
		svc := ss.services[0]
		c := svc.conn
		if !c.closing {
			if svc.family == oscar.FamilyChatNav {
				d := oscar.Disconnect{Reason: oscar.DisconnectSignedOnElsewhere, URL: kickURL}
				c.sendFrame(oscar.ChannelSignoff, d.AppendTo(nil))
				c.closeAfterLocked()
			} else {
				c.enqueue(outItem{kind: itemKickBare})
				c.closing = true
			}
		}
		s.endServiceLocked(svc)
	}
}
