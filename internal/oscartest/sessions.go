package oscartest

import "github.com/aim-oscar/aim/internal/oscar"

// How the real server ends sessions, and the 2026 release's extras.

// motdText is the 2026 release's 01,13 (type 4), sent right after 01,18.
const motdText = "Welcome to Open OSCAR Server"

// Shutdown ends every client connection the way the real server does when
// it is stopped gracefully (SIGTERM): a BOS session whose login carried
// TLV 0x004A = 1 gets a zero-length channel-4 frame, any other the bare
// 4-byte channel-4 header `2a 04 <seq>`; buddies get no 03,0C first; then
// each connection closes. The listeners stay open, so Shutdown also plays
// a restart: clients that sign on again get in, with the same accounts.
func (s *Server) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ended []*session
	for c := range s.conns {
		if c.closing {
			continue
		}
		switch {
		case c.sess == nil:
			c.closeAfterLocked()
		case c.sess.multiConn:
			c.sendFrame(oscar.ChannelSignoff, nil)
			c.closeAfterLocked()
			ended = append(ended, c.sess)
		default:
			c.enqueue(outItem{kind: itemKickBare})
			c.closing = true
			ended = append(ended, c.sess)
		}
	}
	for _, ss := range ended { // every connection is closing: nobody is told
		s.endSessionLocked(ss)
	}
	s.notifyLocked()
}

// motdLocked sends the 2026 release's 01,13 after its 01,18.
func (s *Server) motdLocked(ss *session) {
	if s.Release != Release2026 {
		return
	}
	m := oscar.MOTD{Type: 4, TLVs: oscar.TLVList(oscar.AppendTLVString(nil, oscar.TLVMOTDText, motdText))}
	ss.conn.sendMsg(reqIDServer, &m)
}

// afterBUCPReplyLocked ends an authorizer connection after 17,03: the 2026
// release sends a zero-length channel-4 frame first (README fact 43).
func (s *Server) afterBUCPReplyLocked(c *conn) {
	if s.Release == Release2026 {
		c.sendFrame(oscar.ChannelSignoff, nil)
	}
	c.closeAfterLocked()
}

// Pause sends 01,0B to screenName's BOS session: the client should answer
// 01,0C and send nothing else until Resume.
func (s *Server) Pause(screenName string) error {
	return s.Send(screenName, reqIDServer, &oscar.Pause{})
}

// Resume sends 01,0D to screenName's BOS session.
func (s *Server) Resume(screenName string) error {
	return s.Send(screenName, reqIDServer, oscar.Empty(oscar.TypeResume))
}

// Migrate moves screenName's BOS session to addr (this server's BOS when
// empty), the way the protocol does: 01,0B; once the client answers 01,0C,
// 01,12 naming addr and a new one-time cookie for the account, and the
// connection closes. A client that signs on at addr with that cookie
// (addr must reach this server: a test's Dial can map a name to BOSAddr)
// is the same user again.
func (s *Server) Migrate(screenName, addr string) error {
	s.mu.Lock()
	c, err := s.bosConnLocked(screenName)
	if err == nil {
		if addr == "" {
			addr = s.bosAddr
		}
		c.sess.migrateTo = addr
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.Pause(screenName)
}

// pauseAckLocked handles 01,0C: if a migration waits for it, the client
// gets 01,12 and the connection closes.
func (s *Server) pauseAckLocked(ss *session) {
	addr := ss.migrateTo
	if addr == "" {
		return
	}
	ss.migrateTo = ""
	cookie := s.issueCookieLocked(ss.user, ss.user.name, ss.multiConn)
	var tlvs []byte
	tlvs = oscar.AppendTLVString(tlvs, oscar.TLVMigrateAddress, addr)
	tlvs = oscar.AppendTLV(tlvs, oscar.TLVMigrateCookie, cookie)
	ss.conn.sendMsg(reqIDServer, &oscar.Migrate{TLVs: oscar.TLVList(tlvs)})
	ss.conn.closeLocked()
}
