package oscartest

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"net"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// authState is the authorizer connection's progress (guarded by srv.mu).
type authState struct {
	signedOn bool // the client's channel-1 frame arrived
}

// ticket is what a cookie stands for until BOS takes it.
type ticket struct {
	user      *user
	multiConn bool // the login carried TLV 0x004A = 1
}

// cookieLen is the size of the real server's cookies.
const cookieLen = 256

// handleAuth handles one client frame on an authorizer connection. It
// returns false to close the connection at once.
func (c *conn) handleAuth(f oscar.Frame) bool {
	s := c.srv
	switch f.Channel {
	case oscar.ChannelSignon:
		var sf oscar.SignonFrame
		if err := sf.Decode(f.Payload); err != nil {
			s.logf("oscartest: auth %s: %v", c.remote, err)
			return false
		}
		if !sf.TLVs.Has(oscar.TLVScreenName) { // bare: an MD5 (BUCP) login follows
			s.mu.Lock()
			c.auth.signedOn = true
			s.mu.Unlock()
			return true
		}
		var req oscar.LoginRequest
		if err := req.Decode(f.Payload); err != nil {
			s.logf("oscartest: auth %s: %v", c.remote, err)
			return false
		}
		hook := s.loginHook(req.ScreenName)
		s.mu.Lock()
		defer s.mu.Unlock()
		if c.auth.signedOn { // a second channel-1 frame: ignore it
			return true
		}
		c.auth.signedOn = true
		c.noteAuthNameLocked(req.ScreenName)
		password := oscar.AppendRoasted(nil, req.RoastedPassword)
		reply := s.authorizeLocked(c, req.ScreenName, hook, multiConn(sf.TLVs), func(u *user) bool {
			return req.RoastedPassword != nil && string(password) == u.password
		})
		c.sendFrame(oscar.ChannelSignoff, reply.AppendTo(nil))
		c.closeAfterLocked()
		return true

	case oscar.ChannelSNAC:
		snac, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			s.logf("oscartest: auth %s: %v", c.remote, err)
			return false
		}
		switch snac.Type() {
		case oscar.TypeMD5KeyRequest:
			var req oscar.MD5KeyRequest
			if err := req.Decode(snac.Body); err != nil {
				s.logf("oscartest: auth %s: %v", c.remote, err)
				return false
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			c.noteAuthNameLocked(req.ScreenName)
			if u := s.accountLocked(req.ScreenName); u != nil {
				c.sendMsg(s.bucpReqID(snac), &oscar.MD5KeyReply{Key: []byte(challengeKey(u.norm))})
				return true
			}
			// Unknown name: 17,03 with TLV 8 alone, instead of 17,07.
			c.sendMsg(s.bucpReqID(snac), &oscar.LoginReply{ErrorCode: oscar.LoginErrUnknownName})
			s.afterBUCPReplyLocked(c)
			return true

		case oscar.TypeMD5LoginRequest:
			var req oscar.MD5LoginRequest
			decodeErr := req.Decode(snac.Body)
			if req.ScreenName == "" {
				s.logf("oscartest: auth %s: %v", c.remote, decodeErr)
				return false
			}
			hook := s.loginHook(req.ScreenName)
			s.mu.Lock()
			defer s.mu.Unlock()
			c.noteAuthNameLocked(req.ScreenName)
			reply := s.authorizeLocked(c, req.ScreenName, hook, req.MultiConn, func(u *user) bool {
				if decodeErr != nil { // no usable hash: a wrong password, as the real server says
					return false
				}
				return oscar.MD5LoginHash([]byte(challengeKey(u.norm)), []byte(u.password), req.PasswordIsHashed) == req.Hash
			})
			c.sendMsg(s.bucpReqID(snac), &reply)
			s.afterBUCPReplyLocked(c)
			return true
		}
		s.logf("oscartest: auth %s: ignoring %v", c.remote, snac.Type())
		return true

	case oscar.ChannelSignoff:
		return false
	}
	return true // keepalives and unknown channels
}

// bucpReqID is the request id of the authorizer's answer to snac: the
// 2025 release sends 0, the 2026 release echoes the client's (17,07 and
// 17,03 in every 2026 capture).
func (s *Server) bucpReqID(snac oscar.SNAC) uint32 {
	if s.Release == Release2026 {
		return snac.RequestID
	}
	return 0
}

// loginHook runs LoginError (without server locks).
func (s *Server) loginHook(typed string) uint16 {
	if s.LoginError == nil {
		return 0
	}
	return s.LoginError(typed)
}

// authorizeLocked decides a login and, when it succeeds, issues a cookie.
// The checks come in the real server's order: the per-IP limiter, then the
// account, then the password.
func (s *Server) authorizeLocked(c *conn, typed string, hook uint16, multi bool, passwordOK func(*user) bool) oscar.LoginReply {
	reply := oscar.LoginReply{ScreenName: typed}
	switch u := s.accountLocked(typed); {
	case s.LoginLimit && !s.limiter.allow(remoteIP(c.nc), s.now()):
		reply.ErrorCode = oscar.LoginErrRateLimited
	case hook != 0:
		reply.ErrorCode = hook
	case u == nil:
		reply.ErrorCode = oscar.LoginErrUnknownName
	case !passwordOK(u):
		reply.ErrorCode = oscar.LoginErrBadPassword
	default:
		reply.BOSAddress = s.bosAddr
		reply.Cookie = s.issueCookieLocked(u, typed, multi)
		if s.Release == Release2026 { // and TLV 0x008E = 0, as after a 01,05
			reply.Extra = oscar.TLVList(oscar.AppendTLVUint8(nil, tlvServiceSSLState, 0))
		}
	}
	if reply.ErrorCode != 0 {
		s.logf("oscartest: auth %s: login %q refused with 0x%04x", c.remote, typed, reply.ErrorCode)
	}
	return reply
}

// accountLocked finds the account a typed name logs in to (bots have none).
func (s *Server) accountLocked(typed string) *user {
	u := s.users[screenname.Normalize(typed)]
	if u == nil || !u.account || u.bot != nil {
		return nil
	}
	return u
}

// noteAuthNameLocked makes this connection the one AuthSent reports for name.
func (c *conn) noteAuthNameLocked(name string) {
	n := screenname.Normalize(name)
	if u := c.srv.users[n]; u != nil {
		name = u.name
	}
	c.name, c.norm = name, n
	c.srv.lastAuth.put(n, c)
}

// peekNameLocked finds the screen name a frame is about, for Intercept,
// before the frame is handled.
func (c *conn) peekNameLocked(f oscar.Frame) string {
	s := c.srv
	display := func(typed string) string {
		if u := s.users[screenname.Normalize(typed)]; u != nil {
			return u.name
		}
		return typed
	}
	switch {
	case c.service == serviceBOS && f.Channel == oscar.ChannelSignon:
		var bs oscar.BOSSignon
		if bs.Decode(f.Payload) == nil {
			if t := s.cookies[string(bs.Cookie)]; t != nil {
				return t.user.name
			}
		}
	case c.service == serviceAuth && f.Channel == oscar.ChannelSignon:
		var req oscar.LoginRequest
		if req.Decode(f.Payload) == nil {
			return display(req.ScreenName)
		}
	case c.service == serviceAuth && f.Channel == oscar.ChannelSNAC:
		snac, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			break
		}
		switch snac.Type() {
		case oscar.TypeMD5KeyRequest:
			var req oscar.MD5KeyRequest
			if req.Decode(snac.Body) == nil {
				return display(req.ScreenName)
			}
		case oscar.TypeMD5LoginRequest:
			var req oscar.MD5LoginRequest
			req.Decode(snac.Body)
			if req.ScreenName != "" {
				return display(req.ScreenName)
			}
		}
	}
	return ""
}

// issueCookieLocked makes a one-time BOS cookie. Like the real server's, it
// is 256 bytes and shows the name; 32 random bytes make it unguessable.
func (s *Server) issueCookieLocked(u *user, typed string, multi bool) []byte {
	b := make([]byte, 0, cookieLen)
	var r [32]byte
	rand.Read(r[:])
	b = append(b, r[:]...)
	name := u.norm
	if len(name) > cookieLen-len(b)-1 {
		name = name[:cookieLen-len(b)-1]
	}
	b = append(b, byte(len(name)))
	b = append(b, name...)
	b = b[:cookieLen] // zero padding
	s.cookies[string(b)] = &ticket{user: u, multiConn: multi}
	s.cookieIDs = append(s.cookieIDs, string(b))
	if len(s.cookieIDs) > maxCookies { // forget the oldest unused cookie
		delete(s.cookies, s.cookieIDs[0])
		s.cookieIDs = append(s.cookieIDs[:0], s.cookieIDs[1:]...)
	}
	return b
}

// takeCookieLocked returns the ticket of a cookie and forgets the cookie:
// each one opens one BOS session.
func (s *Server) takeCookieLocked(cookie []byte) *ticket {
	t := s.cookies[string(cookie)]
	if t == nil {
		return nil
	}
	delete(s.cookies, string(cookie))
	for i, id := range s.cookieIDs {
		if id == string(cookie) {
			s.cookieIDs = append(s.cookieIDs[:i], s.cookieIDs[i+1:]...)
			break
		}
	}
	return t
}

// multiConn reports TLV 0x004A = 1.
func multiConn(l oscar.TLVList) bool {
	v, ok := l.Uint(oscar.TLVMultiConn)
	return ok && v == 1
}

// challengeKey is the BUCP key of an account: a 36-character UUID-style
// string, the same for the same account every time (as the real server's).
func challengeKey(norm string) string {
	h := md5.Sum([]byte("oscartest challenge key\x00" + norm))
	h[6] = h[6]&0x0f | 0x40 // version 4
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	hex.Encode(out[0:8], h[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], h[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], h[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], h[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], h[10:16])
	return string(out[:])
}

func remoteIP(nc net.Conn) string {
	host, _, err := net.SplitHostPort(nc.RemoteAddr().String())
	if err != nil {
		return nc.RemoteAddr().String()
	}
	return host
}

// loginLimiter is the real server's per-IP login limiter: a burst of
// loginBurst logins, then one per loginEvery.
type loginLimiter struct {
	buckets map[string]*loginBucket
}

type loginBucket struct {
	tokens float64
	last   time.Time
}

const (
	loginBurst    = 10
	loginEvery    = time.Minute
	maxLoginHosts = 1024
)

func (l *loginLimiter) allow(ip string, now time.Time) bool {
	if l.buckets == nil {
		l.buckets = make(map[string]*loginBucket)
	}
	b := l.buckets[ip]
	if b == nil {
		if len(l.buckets) >= maxLoginHosts { // bounded: forget everyone
			clear(l.buckets)
		}
		b = &loginBucket{tokens: loginBurst, last: now}
		l.buckets[ip] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(loginBurst, b.tokens+d.Seconds()/loginEvery.Seconds())
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
