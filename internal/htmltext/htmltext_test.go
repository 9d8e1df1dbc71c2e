package htmltext

import "testing"

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
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzPlain(f *testing.F) {
	f.Add("<HTML><BODY>hi <B>there</B></BODY></HTML>")
	f.Add("a < b &amp; <br>")
	f.Fuzz(func(t *testing.T, s string) {
		Plain(s) // must not panic
	})
}
