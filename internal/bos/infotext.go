package bos

import (
	"strings"

	"github.com/aim-oscar/aim/internal/oscar"
)

// decodeInfoText turns a profile or away message into UTF-8 using the
// charset its MIME type names (`text/aolrtf; charset="us-ascii"`).
func decodeInfoText(b []byte, mime string) string {
	cs := ""
	if i := strings.Index(strings.ToLower(mime), "charset="); i >= 0 {
		cs = strings.Trim(strings.ToLower(mime[i+len("charset="):]), `"' ;`)
	}
	t := oscar.Text{Charset: oscar.CharsetASCII, Data: b}
	switch cs {
	case "iso-8859-1", "latin1", "windows-1252":
		t.Charset = oscar.CharsetLatin1
	case "unicode-2-0", "utf-16", "utf-16be", "ucs-2":
		t.Charset = oscar.CharsetUCS2BE
	}
	return t.String()
}
