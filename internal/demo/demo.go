// Package demo is the local world of `aim demo`: an in-process OSCAR server
// (oscartest) with a few accounts and a bot that answers. It never prints
// and never signs on: aim signs on to it as to any other server.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// The cast: the user of `aim demo`, and a buddy that answers.
const (
	User = "DemoUser"
	Bot  = "AIMBot"
	// Password is every account's on a shared server (Listen).
	Password = "demo"
	// Room is the chat room where Bot sits and answers what is said.
	Room = "Lobby"
	// Profile is the demo user's profile.
	Profile = "<HTML>Trying out <B>aim</B>, the command-line AIM client.</HTML>"
)

// Accounts can sign on to a shared server (Listen).
var Accounts = []string{"Alice", "Bob", "Carol", User}

// greetWithin bounds how long the bot waits for User to sign on.
const greetWithin = 30 * time.Second

// Server is a running demo server.
type Server struct {
	*oscartest.Server
	Password secret.String // User's, on a server from Start

	stop    context.CancelFunc
	greeted chan struct{}
}

// Group is the group of User's buddy list, as the server keeps it.
const Group = "Buddies"

// Start starts a server on loopback for one session: User, with a random
// password and Bot in its list on the server (as an account that has been
// used keeps its list), and Bot, who says hello once User sees it online.
func Start() *Server {
	var pw [12]byte
	rand.Read(pw[:])
	password := hex.EncodeToString(pw[:])
	srv := oscartest.NewServer(oscartest.Account{ScreenName: User, Password: password})
	srv.StoreBuddies(User, Group, Bot) // cannot fail: a new account
	srv.AddBot(Bot, reply)
	srv.AddRoomBot(Room, Bot, roomReply)
	ctx, stop := context.WithTimeout(context.Background(), greetWithin)
	s := &Server{Server: srv, Password: secret.String(password), stop: stop, greeted: make(chan struct{})}
	// The hello is an IM the server delivers like any other, once User
	// has been told that Bot is online: a greeting from someone not yet
	// online reads wrong.
	go func() {
		defer close(s.greeted)
		if srv.WaitWatching(ctx, User, Bot) == nil {
			srv.SendIM(Bot, User, "Hi! I'm "+Bot+", a bot on this demo server. Type: send "+Bot+" hello")
		}
	}()
	return s
}

// ListenError is an address the demo server could not listen on (taken,
// or not this machine's): Listen's error then wraps one.
type ListenError = oscartest.ListenError

// CheckAddr checks a HOST:PORT to listen on before anything listens, so
// that a malformed one is told apart from one that cannot be had.
func CheckAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	switch {
	case err != nil:
		return err
	case host == "":
		return errors.New("no host")
	case port == "":
		return errors.New("no port")
	}
	return nil
}

// Listen starts a server on addr that every account of Accounts can sign
// on to, with Password, and talk to the others and to Bot.
func Listen(addr string) (*Server, error) {
	srv := oscartest.NewUnstartedServer()
	for _, name := range Accounts {
		srv.AddAccount(oscartest.Account{ScreenName: name, Password: Password})
	}
	srv.AuthListen = addr
	if err := srv.Listen(); err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	srv.AddBot(Bot, reply)
	srv.AddRoomBot(Room, Bot, roomReply)
	greeted := make(chan struct{})
	close(greeted)
	return &Server{Server: srv, stop: func() {}, greeted: greeted}, nil
}

// HowToTalk says who can sign on to a shared server (Listen) and how,
// from another terminal: a few lines for the person who started it.
func (s *Server) HowToTalk() string {
	return fmt.Sprintf(`accounts: %s, password %q; %s answers messages, and in the room %s. In another terminal:
  AIM_PASSWORD=%s aim login --server %s --screen-name %s
  AIM_PASSWORD=%s aim chat --server %s --screen-name %s %s
`, strings.Join(Accounts, ", "), Password, Bot, Room,
		Password, s.AuthAddr(), Accounts[0], Password, s.AuthAddr(), Accounts[1], Room)
}

// Close stops the server and everything it started, and waits for them.
func (s *Server) Close() {
	s.stop()
	<-s.greeted
	s.Server.Close()
}

// roomReply is the bot's side in Room: it answers greetings, help, the
// time and anything that names it, and lets the rest of the talk be.
func roomReply(from, html string) string {
	text := strings.TrimSpace(htmltext.Plain(html))
	lower := strings.ToLower(text)
	first, _, _ := strings.Cut(strings.Trim(lower, "!?.,"), " ")
	switch {
	case strings.Contains(lower, "help"):
		return from + ": what you say here goes to everyone in " + Room + ". Try: members " + Room + ", invite NAME " + Room + ", leave " + Room + "."
	case strings.Contains(lower, "time"):
		return from + ": it is " + time.Now().Format("15:04:05") + " here."
	case first == "hi" || first == "hello" || first == "hey":
		return "Hello, " + from + "! I'm " + Bot + "; say help, or time, or my name."
	case strings.Contains(lower, strings.ToLower(Bot)):
		return fmt.Sprintf("%s: you said %q. Say help for ideas.", from, text)
	}
	return ""
}

// reply is the bot's side of the conversation.
func reply(from, html string) string {
	text := strings.TrimSpace(htmltext.Plain(html))
	lower := strings.ToLower(text)
	switch {
	case lower == "":
		return ""
	case strings.HasPrefix(lower, "help"):
		return "Try: send " + Bot + " time, info " + Bot + ", away brb, buddies, join " + Room + ", quit."
	case strings.Contains(lower, "time"):
		return "It is " + time.Now().Format("15:04:05") + " here."
	case lower == "hi" || lower == "hello" || strings.HasPrefix(lower, "hello ") || strings.HasPrefix(lower, "hi "):
		return "Hello, " + from + "! Everything you see is real OSCAR on a local server."
	}
	return fmt.Sprintf("You said %q (%d characters). Say help for ideas.", text, len([]rune(text)))
}
