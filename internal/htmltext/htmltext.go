// Package htmltext turns the HTML that AIM clients put in messages and
// profiles into plain text for a terminal (tags dropped, line breaks kept,
// entities decoded), and plain text into HTML that shows exactly what was
// typed. It never touches the network and never prints.
package htmltext

import (
	"html"
	"strings"
)

// Plain returns s without its markup. <br> and the end of a paragraph or
// div become newlines; every other tag is dropped; entities (&amp;, &#233;)
// are decoded. A lone "<" as in "a < b" survives. Whether or not s has
// markup, the result is normalized the same way: "\r\n" and a lone "\r"
// become "\n", and white space at both ends is trimmed.
func Plain(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = stripMarkup(s)
	}
	return strings.TrimSpace(normalizeNewlines(s))
}

// normalizeNewlines turns "\r\n" and a lone "\r" into "\n".
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// FromPlain returns HTML that shows s exactly as typed: "&", "<" and ">"
// escaped, and each line break ("\n", "\r\n" or "\r") as <br>. Plain undoes
// it, up to the normalization Plain applies to every text.
func FromPlain(s string) string {
	if !strings.ContainsAny(s, "&<>\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString("<br>")
		case '\n':
			b.WriteString("<br>")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stripMarkup drops the tags of s, turns line-breaking ones into "\n", and
// decodes entities.
func stripMarkup(s string) string {
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
	return html.UnescapeString(b.String())
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
