package client

import (
	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/htmltext"
)

// IMBody is what an IM typed as text carries on the wire. AIM messages are
// HTML: unless html, "<", ">" and "&" are escaped and line breaks become
// <br>, so that the receiver sees exactly what was typed; with html the
// text goes out as it is, markup and all.
func IMBody(text string, html bool) string {
	if html {
		return text
	}
	return htmltext.FromPlain(text)
}

// CheckIM checks, without a server, an IM to to whose body (IMBody) is
// body: the screen name's syntax (a *bos.ScreenNameError) and the
// length real servers take (a *bos.TooLongError). Signons are rationed by
// real servers: check before spending one.
func CheckIM(to, body string) error {
	if err := bos.ValidateScreenName(to); err != nil {
		return err
	}
	return bos.CheckIM(body)
}
