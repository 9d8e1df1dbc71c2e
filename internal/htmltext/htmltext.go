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
// div become newlines; a link keeps its address after its text ("here
// <http://x>"; the address alone when it is the text); every other tag is
// dropped; entities (&amp;, &#233;) are decoded. A lone "<" as in "a < b" survives. Whether or not s has
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

// stripMarkup drops the tags of s, turns line-breaking ones into "\n",
// keeps each link's address after its text (link), and decodes entities.
func stripMarkup(s string) string {
	b := make([]byte, 0, len(s))
	href, linkStart := "", -1 // the link being read: its raw address, where its text starts in b
	for i := 0; i < len(s); {
		c := s[i]
		if c != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			b = append(b, s[i:i+j]...)
			i += j
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 || !isTag(s[i+1:i+end]) {
			b = append(b, '<')
			i++
			continue
		}
		switch inner := s[i+1 : i+end]; tagName(inner) {
		case "br", "/p", "/div", "p":
			if len(b) > 0 {
				b = append(b, '\n')
			}
		case "a":
			if linkStart >= 0 { // an <a> left open: close it here
				b = link(b, linkStart, href)
			}
			if href, linkStart = attr(inner, "href"), len(b); href == "" {
				linkStart = -1
			}
		case "/a":
			if linkStart >= 0 {
				b = link(b, linkStart, href)
				linkStart = -1
			}
		}
		i += end + 1
	}
	if linkStart >= 0 {
		b = link(b, linkStart, href)
	}
	return html.UnescapeString(string(b))
}

// link ends a link whose text is b[start:]: its address follows in angle
// brackets ("here <http://x>"), or stands alone when the text is empty or
// the address itself. Both are still HTML, decoded with the rest. White
// space that ends the text comes after the address.
func link(b []byte, start int, href string) []byte {
	raw := string(b[start:])
	text := strings.TrimRight(raw, " \t\r\n")
	trail := raw[len(text):]
	plain, addr := strings.TrimSpace(html.UnescapeString(text)), html.UnescapeString(href)
	switch plain {
	case addr, strings.TrimPrefix(addr, "mailto:"):
		return b
	case "":
		b = append(b[:start+len(text)], href...)
	default:
		b = append(append(append(b[:start+len(text)], " <"...), href...), '>')
	}
	return append(b, trail...)
}

// attr returns the raw value of the attribute called name in a tag's
// inner text ("a href=\"x\" target=_blank"): quoted with " or ', or bare;
// "" when there is none.
func attr(inner, name string) string {
	i := strings.IndexAny(inner, " \t\r\n")
	if i < 0 {
		return ""
	}
	rest := inner[i:]
	for {
		rest = strings.TrimLeft(rest, " \t\r\n/")
		if rest == "" {
			return ""
		}
		n := strings.IndexAny(rest, " \t\r\n=")
		if n < 0 {
			n = len(rest)
		}
		key := rest[:n]
		rest = strings.TrimLeft(rest[n:], " \t\r\n")
		var val string
		if strings.HasPrefix(rest, "=") {
			rest = strings.TrimLeft(rest[1:], " \t\r\n")
			if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
				q := rest[0]
				e := strings.IndexByte(rest[1:], q)
				if e < 0 {
					e = len(rest) - 1
				}
				val, rest = rest[1:1+e], rest[min(len(rest), 2+e):]
			} else {
				e := strings.IndexAny(rest, " \t\r\n")
				if e < 0 {
					e = len(rest)
				}
				val, rest = rest[:e], rest[e:]
			}
		}
		if strings.EqualFold(key, name) {
			return strings.TrimSpace(val)
		}
	}
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
