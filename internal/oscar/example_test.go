package oscar_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// unhex reads the wire bytes of an example, written one frame a line.
func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// Reading a BOS connection: frames, then the SNAC in each channel-2
// frame, then the typed message its family and subtype name. The bytes
// are what the server sent LabAlice in im-and-presence.txt: Lab Bob
// arrives, sends an IM in UCS-2BE and signs off.
func Example() {
	wire := unhex(`
		2a02006d00340003000b000080000000074c616220426f6200000004000300046b0639700001000200110006000400000000001e000400000000
		2a020070006b0004000700008000000019b39332ac70d8090001074c616220426f6200000004000300046b0639700001000200110006000400000000001e0004000000000002002905010001010101002000020000006800e9006c006c006f00200061006c00690063006500204e16754c
		2a02007a001b0003000c000080000000066c6162626f6200000001000100020000`)

	fr := oscar.NewFrameReader(bytes.NewReader(wire)) // a net.Conn in real use
	for {
		f, err := fr.ReadFrame()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if f.Channel != oscar.ChannelSNAC {
			continue
		}
		s, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			fmt.Println(err)
			return
		}
		switch s.Type() {
		case oscar.TypeBuddyArrived:
			var m oscar.BuddyArrived
			if err := m.Decode(s.Body); err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("%s is on (away: %v)\n", m.Info.ScreenName, m.Info.Away())
		case oscar.TypeICBMIncoming:
			var m oscar.IncomingIM
			if err := m.Decode(s.Body); err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("%s: %s\n", m.From.ScreenName, m.Message.Text)
		case oscar.TypeBuddyDeparted:
			var m oscar.BuddyDeparted
			if err := m.Decode(s.Body); err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("%s is off\n", m.Info.ScreenName)
		default:
			fmt.Println("unhandled", s.Type())
		}
	}
	// Output:
	// Lab Bob is on (away: false)
	// Lab Bob: héllo alice 世界
	// labbob is off
}

// Sending an IM: the recipient and the text are checked when they are
// made, so encoding cannot fail. NewText picks the narrowest charset, here
// UCS-2BE for 世界. FrameWriter numbers the frame and writes it whole.
func ExampleICBMSend() {
	to, err := screenname.Parse("Lab Bob")
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := oscar.NewText("hi 世界")
	if err != nil {
		fmt.Println(err)
		return
	}
	m := oscar.ICBMSend{
		Cookie:     [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, // random in real use
		Channel:    1,
		ScreenName: to,
		Message:    oscar.NewMessage(text),
		WantAck:    true, // the server answers with 04,0C
	}

	var conn bytes.Buffer
	fw := oscar.NewFrameWriter(&conn, 0x1240)
	if err := fw.WriteMessage(0x10c, &m); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("FLAP % x\n", conn.Next(oscar.FLAPHeaderLen))
	fmt.Printf("SNAC % x\n", conn.Next(oscar.SNACHeaderLen))
	fmt.Printf("body % x\n", conn.Bytes())
	// Output:
	// FLAP 2a 02 12 40 00 3b
	// SNAC 00 04 00 06 00 00 00 00 01 0c
	// body 01 02 03 04 05 06 07 08 00 01 07 4c 61 62 20 42 6f 62 00 02 00 17 05 01 00 01 01 01 01 00 0e 00 02 00 00 00 68 00 69 00 20 4e 16 75 4c 00 03 00 00
}

// A real server kicks a session by writing a bare 4-byte channel-4 header
// and closing (duplicate-login.txt). FrameReader returns that as a
// truncated signoff frame, then io.EOF; a frame cut anywhere else is an
// error wrapping io.ErrUnexpectedEOF.
func ExampleFrameReader_kick() {
	for _, wire := range []string{"2a04006d", "2a02006d0034000300"} {
		fr := oscar.NewFrameReader(bytes.NewReader(unhex(wire)))
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				fmt.Println(err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF))
				break
			}
			fmt.Println(f.Channel, f.Truncated)
		}
	}
	// Output:
	// signoff true
	// true false
	// false true
}

// The MD5 login: the client asks for a key (17,06), the server sends one
// (17,07), and the client proves it knows the password without sending it
// (17,02). The key and hash are from md5-login-signon-logout.txt.
func ExampleMD5LoginHash() {
	key := []byte("c42a6899-9e25-4428-aa4e-83b86456de9e")
	hash := oscar.MD5LoginHash(key, []byte("davepw44"), true)
	m := oscar.MD5LoginRequest{ScreenName: "LabDave", Hash: hash, PasswordIsHashed: true}
	fmt.Printf("%x\n", hash)
	fmt.Printf("% x\n", m.AppendTo(nil))
	// Output:
	// 22aeb1d4f77af227cb6637d55c21db0f
	// 00 01 00 07 4c 61 62 44 61 76 65 00 25 00 10 22 ae b1 d4 f7 7a f2 27 cb 66 37 d5 5c 21 db 0f 00 4c 00 00
}
