package htmltext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"<HTML><BODY>hi <B>there</B></BODY></HTML>", "hi there"},
		{`<html><body ichatballooncolor="#7BB5EE"><font face="Helvetica">caf&eacute; &amp; tea</font></body></html>`, "café & tea"},
		{"line one<br>line two<BR/>three", "line one\nline two\nthree"},
		{"a < b and c > d", "a < b and c > d"},
		{"5 &lt; 6 &#233;", "5 < 6 é"},
		{"<p>one</p><p>two</p>", "one\n\ntwo"},
		{"<!-- note -->x", "x"},
		{"unterminated <b", "unterminated <b"},
		{"", ""},
		{"<>", "<>"},
		// Issue 12: the same normalization with and without markup.
		{"line\r\nnext\r\n", "line\nnext"},
		{"old mac\rline", "old mac\nline"},
		{"trailing newline\n", "trailing newline"},
		{"<b>trailing newline</b>\n", "trailing newline"},
		{"<b>crlf</b>\r\nnext", "crlf\nnext"},
		{"entity cr&#13;&#10;next", "entity cr\nnext"},
		// Issue 22: a link keeps its address.
		{`<a href="http://x">link</a>`, "link <http://x>"},
		{`see <A HREF='http://x/?a=1&amp;b=2' target=_blank>the <b>page</b></a>.`, "see the page <http://x/?a=1&b=2>."},
		{`<a href=http://x>http://x</a>`, "http://x"},
		{`<a href="mailto:bob@example.com">bob@example.com</a>`, "bob@example.com"},
		{`<a href="http://x"></a> empty`, "http://x empty"},
		{`<a name="top">anchor</a>`, "anchor"},
		{`<a href="http://x">open <a href="http://y">two</a>`, "open <http://x> two <http://y>"},
		{`<a href="http://x">never closed`, "never closed <http://x>"},
		{"Your screen name (LabAlice) is now signed into Open OSCAR Server in 2 locations. Click <a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ\">here</a> for more information.",
			"Your screen name (LabAlice) is now signed into Open OSCAR Server in 2 locations. Click here <https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ> for more information."},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFromPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"a < b & c", "a &lt; b &amp; c"},
		{"&amp; stays typed", "&amp;amp; stays typed"},
		{"<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"},
		{"one\ntwo\r\nthree\rfour", "one<br>two<br>three<br>four"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FromPlain(tt.in); got != tt.want {
			t.Errorf("FromPlain(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back, want := Plain(FromPlain(tt.in)), strings.TrimSpace(normalizeNewlines(tt.in)); back != want {
			t.Errorf("Plain(FromPlain(%q)) = %q, want %q", tt.in, back, want)
		}
	}
}

func FuzzPlain(f *testing.F) {
	f.Add("<HTML><BODY>hi <B>there</B></BODY></HTML>")
	f.Add("a < b &amp; <br>")
	f.Add("line\r\nnext\r")
	f.Add(`<a href="http://x?a=1&amp;b">link <a href=y>two</a> <a href='q`)
	f.Fuzz(func(t *testing.T, s string) {
		Plain(s) // must not panic
		// What is typed comes back as typed, up to Plain's normalization.
		if back, want := Plain(FromPlain(s)), strings.TrimSpace(normalizeNewlines(s)); back != want && utf8.ValidString(s) {
			t.Fatalf("Plain(FromPlain(%q)) = %q, want %q", s, back, want)
		}
	})
}
