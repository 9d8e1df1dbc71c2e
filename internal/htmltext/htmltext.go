// Package htmltext turns the HTML that AIM clients put in messages and
// profiles into plain text for a terminal: tags dropped, line breaks kept,
// entities decoded.
package htmltext

import (
	"html"
	"strings"
)

// Plain returns s without its markup. <br> and the end of a paragraph or
// div become newlines; every other tag is dropped; entities (&amp;, &#233;)
// are decoded. Text that is not HTML comes back unchanged, so a lone "<"
// as in "a < b" survives.
func Plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(s[i : i+j])
			i += j
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 || !isTag(s[i+1:i+end]) {
			b.WriteByte('<')
			i++
			continue
		}
		switch tagName(s[i+1 : i+end]) {
		case "br", "/p", "/div", "p":
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
		}
		i += end + 1
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}

// isTag reports whether the text between < and > looks like a tag: a
// name, a closing name, a comment or a declaration.
func isTag(inner string) bool {
	if inner == "" {
		return false
	}
	c := inner[0]
	if c == '/' || c == '!' {
		return len(inner) > 1
	}
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func tagName(inner string) string {
	end := strings.IndexAny(inner, " \t\r\n/")
	if end == 0 && len(inner) > 1 && inner[0] == '/' { // closing tag
		rest := inner[1:]
		if e := strings.IndexAny(rest, " \t\r\n"); e >= 0 {
			rest = rest[:e]
		}
		return "/" + strings.ToLower(rest)
	}
	if end < 0 {
		end = len(inner)
	}
	return strings.ToLower(inner[:end])
}
