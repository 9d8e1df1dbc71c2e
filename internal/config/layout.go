package config

import (
	"bytes"
	"reflect"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/screenname"
)

// layout is the config file's text, changed in place: each edit replaces,
// inserts or deletes only the bytes it must, so every other line (blank
// lines, comment alignment, CRLF line endings, quoting) stays as the user
// wrote it. Each edit is made on a fresh parse of the current text.
//
// Each edit is also made on the node tree (document); when the file has a
// shape the in-place edits do not handle, or their result does not read back
// as the edited tree, the tree is encoded instead (ok is false).
type layout struct {
	src  []byte
	crlf bool // the file's lines end in CRLF
	ok   bool // every edit so far was made in place
}

func newLayout(src []byte) *layout {
	i := bytes.IndexByte(src, '\n')
	return &layout{src: src, crlf: i > 0 && src[i-1] == '\r', ok: true}
}

// lines is one parse of the text: the top-level mapping and where lines start.
type lines struct {
	src   []byte
	start []int // start[i] is the offset of line i+1
	top   *yaml.Node
}

// parse reads l.src afresh. It fails (and in-place editing stops) if the top
// level is not a block mapping.
func (l *layout) parse() (*lines, bool) {
	if hasOtherBreaks(l.src) {
		return nil, false
	}
	var root yaml.Node
	if err := yaml.Unmarshal(l.src, &root); err != nil {
		return nil, false
	}
	p := &lines{src: l.src, start: []int{0}}
	for i, b := range l.src {
		if b == '\n' && i+1 < len(l.src) {
			p.start = append(p.start, i+1)
		}
	}
	switch {
	case root.Kind == 0: // empty, or only comments
		p.top = &yaml.Node{Kind: yaml.MappingNode}
	case len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode && root.Content[0].Style&yaml.FlowStyle == 0:
		p.top = root.Content[0]
	default:
		return nil, false
	}
	return p, true
}

// hasOtherBreaks reports whether src has line breaks other than LF and
// CRLF, which the YAML parser counts as lines and lines does not: a lone CR,
// NEL, LS or PS.
func hasOtherBreaks(src []byte) bool {
	for i, b := range src {
		if b == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			return true
		}
	}
	return bytes.Contains(src, []byte("\u0085")) || bytes.Contains(src, []byte("\u2028")) ||
		bytes.Contains(src, []byte("\u2029"))
}

// change applies one edit computed by f on a fresh parse. f returns the
// byte range to replace and its new text (with "\n" line endings), or false
// if it cannot make the edit in place.
func (l *layout) change(f func(p *lines) (from, to int, text string, ok bool)) {
	if !l.ok {
		return
	}
	p, ok := l.parse()
	if ok {
		var from, to int
		var text string
		if from, to, text, ok = f(p); ok {
			if l.crlf {
				text = strings.ReplaceAll(text, "\n", "\r\n")
			}
			l.src = append(l.src[:from:from], append([]byte(text), l.src[to:]...)...)
		}
	}
	l.ok = ok
}

// matches reports whether the text reads back as the same data as root.
func (l *layout) matches(root *yaml.Node) bool {
	var want, got any
	if err := root.Decode(&want); err != nil {
		return false
	}
	if err := yaml.Unmarshal(l.src, &got); err != nil {
		return false
	}
	if got == nil { // an empty file
		got = map[string]any{}
	}
	if want == nil {
		want = map[string]any{}
	}
	return reflect.DeepEqual(want, got)
}

// The edits.

// setKey sets the top-level key to value: in place of the old value if the
// key is there (keeping the line's comment), else as a new last key.
func (l *layout) setKey(key string, value *yaml.Node) {
	l.change(func(p *lines) (int, int, string, bool) {
		k, v := mapEntry(p.top, key)
		if k == nil {
			at := p.insertAfter(p.lastLine(p.top))
			return at, at, p.newline(at) + encodeEntry(key, value, ""), true
		}
		if k.Column != 1 {
			return 0, 0, "", false
		}
		entry := encodeEntry(key, value, "")
		last := p.entryLastLine(k, v)
		if v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && v.Value != "" &&
			strings.Count(entry, "\n") == 1 && last == v.Line {
			// One line for one line: replace just the value, so a comment
			// after it keeps its place.
			from := p.offset(v.Line, v.Column)
			if to, ok := p.scalarEnd(from, false); ok && p.lineOf(to) == v.Line {
				return from, to, strings.TrimSuffix(strings.TrimPrefix(entry, key+": "), "\n"), true
			}
		}
		// Replace the key's lines, keeping a comment after the key.
		comment := v.LineComment
		if comment == "" {
			comment = k.LineComment
		}
		return p.start[k.Line-1], p.insertAfter(last), encodeEntry(key, value, comment), true
	})
}

// deleteKey removes the top-level key and its value's lines. Comment lines
// above and below stay.
func (l *layout) deleteKey(key string) {
	l.change(func(p *lines) (int, int, string, bool) {
		k, v := mapEntry(p.top, key)
		if k == nil {
			return 0, 0, "", true
		}
		if k.Column != 1 {
			return 0, 0, "", false
		}
		return p.start[k.Line-1], p.insertAfter(p.entryLastLine(k, v)), "", true
	})
}

// addName adds name to the names of group (matched as groupNames does),
// creating the group or the buddies key as groupNames does.
func (l *layout) addName(group, name string) {
	l.change(func(p *lines) (int, int, string, bool) {
		_, list := mapEntry(p.top, KeyBuddies)
		if list == nil {
			at := p.insertAfter(p.lastLine(p.top))
			return at, at, p.newline(at) + encodeEntry(KeyBuddies, newGroupList(group, name), ""), true
		}
		if list.Kind != yaml.SequenceNode || list.Style&yaml.FlowStyle != 0 {
			return 0, 0, "", false
		}
		for _, g := range list.Content {
			if n := mapValue(g, "group"); n == nil || !strings.EqualFold(strings.TrimSpace(n.Value), group) {
				continue
			}
			names := mapValue(g, "names")
			switch {
			case names == nil || names.Kind != yaml.SequenceNode:
				return 0, 0, "", false
			case names.Style&yaml.FlowStyle != 0:
				return p.addToFlow(names, name)
			default:
				return p.addToBlock(names, name)
			}
		}
		// A new group after the last one, at the same indentation.
		at := p.insertAfter(p.lastLine(list))
		indent := strings.Repeat(" ", list.Column-1)
		text := encodeNode(newGroupList(group, name))
		text = indent + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n"+indent) + "\n"
		return at, at, p.newline(at) + text, true
	})
}

// removeName removes the first name whose normalized form is key, as
// removeName does on the tree.
func (l *layout) removeName(key string) {
	l.change(func(p *lines) (int, int, string, bool) {
		_, list := mapEntry(p.top, KeyBuddies)
		if list == nil || list.Kind != yaml.SequenceNode {
			return 0, 0, "", false
		}
		for _, g := range list.Content {
			names := mapValue(g, "names")
			if names == nil || names.Kind != yaml.SequenceNode {
				continue
			}
			for i, n := range names.Content {
				if n.Kind != yaml.ScalarNode || screenname.Normalize(strings.TrimSpace(n.Value)) != key {
					continue
				}
				if names.Style&yaml.FlowStyle != 0 {
					return p.removeFromFlow(n)
				}
				return p.removeFromBlock(g, names, i)
			}
		}
		return 0, 0, "", false
	})
}

// addToFlow inserts name before the closing bracket of a flow sequence.
func (p *lines) addToFlow(seq *yaml.Node, name string) (int, int, string, bool) {
	open := p.offset(seq.Line, seq.Column)
	end, ok := p.flowEnd(open)
	if !ok {
		return 0, 0, "", false
	}
	item := encodeFlowItem(name)
	prev := end - 1
	for prev > open && isSpace(p.src[prev]) {
		prev--
	}
	switch p.src[prev] {
	case '[':
		return end, end, item, true
	case ',':
		return prev + 1, prev + 1, " " + item, true
	default:
		return prev + 1, prev + 1, ", " + item, true
	}
}

// addToBlock adds a "- name" line after the last item of a block sequence,
// with that item's indentation.
func (p *lines) addToBlock(seq *yaml.Node, name string) (int, int, string, bool) {
	last := seq.Content[len(seq.Content)-1]
	prefix, ok := p.itemPrefix(last)
	if !ok || last.Kind != yaml.ScalarNode || p.lastLine(seq) != last.Line {
		return 0, 0, "", false
	}
	at := p.insertAfter(last.Line)
	return at, at, p.newline(at) + prefix + encodeFlowItem(name) + "\n", true
}

// removeFromFlow removes one item of a flow sequence and a comma beside it.
func (p *lines) removeFromFlow(item *yaml.Node) (int, int, string, bool) {
	from := p.offset(item.Line, item.Column)
	to, ok := p.scalarEnd(from, true)
	if !ok {
		return 0, 0, "", false
	}
	after := to
	for after < len(p.src) && (p.src[after] == ' ' || p.src[after] == '\t') {
		after++
	}
	if after < len(p.src) && p.src[after] == ',' { // "a, b" -> "b"
		after++
		for after < len(p.src) && (p.src[after] == ' ' || p.src[after] == '\t') {
			after++
		}
		return from, after, "", true
	}
	before := from - 1
	for before >= 0 && isSpace(p.src[before]) {
		before--
	}
	if before >= 0 && p.src[before] == ',' { // "a, b" -> "a"
		return before, to, "", true
	}
	return from, to, "", true // "[a]" -> "[]"
}

// removeFromBlock deletes the line of item i of a block sequence. The last
// item left becomes "names: []".
func (p *lines) removeFromBlock(group, seq *yaml.Node, i int) (int, int, string, bool) {
	item := seq.Content[i]
	if _, ok := p.itemPrefix(item); !ok {
		return 0, 0, "", false
	}
	// The item must be on one line, with nothing else before the next.
	if i+1 < len(seq.Content) && seq.Content[i+1].Line != item.Line+1 ||
		i+1 == len(seq.Content) && p.lastLine(seq) != item.Line {
		return 0, 0, "", false
	}
	next := p.insertAfter(item.Line)
	if len(seq.Content) > 1 {
		return p.start[item.Line-1], next, "", true
	}
	// The only item: "names:\n  - x\n" becomes "names: []\n".
	var key *yaml.Node
	for j := 0; j+1 < len(group.Content); j += 2 {
		if group.Content[j+1] == seq {
			key = group.Content[j]
		}
	}
	if key == nil || key.Line != item.Line-1 {
		return 0, 0, "", false
	}
	colon := p.offset(key.Line, key.Column) + len(key.Value)
	if colon >= len(p.src) || p.src[colon] != ':' {
		return 0, 0, "", false
	}
	// Two edits in one: rewrite from the colon to the end of the item's line.
	keyLineEnd := p.lineEnd(key.Line)
	return colon + 1, next, " []" + string(p.src[colon+1:keyLineEnd]) + "\n", true
}

// Positions.

// offset is the byte offset of a node's line and column (columns count
// characters, as the YAML parser does).
func (p *lines) offset(line, col int) int {
	o := p.start[line-1]
	for i := 1; i < col && o < len(p.src); i++ {
		_, n := utf8.DecodeRune(p.src[o:])
		o += n
	}
	return o
}

// lineOf is the 1-based line holding offset o.
func (p *lines) lineOf(o int) int {
	n := 0
	for n < len(p.start) && p.start[n] <= o {
		n++
	}
	return n
}

// lineEnd is the offset of the end of line n, before its line ending.
func (p *lines) lineEnd(n int) int {
	e := len(p.src)
	if n < len(p.start) {
		e = p.start[n]
	}
	if e > p.start[n-1] && p.src[e-1] == '\n' {
		e--
	}
	if e > p.start[n-1] && p.src[e-1] == '\r' {
		e--
	}
	return e
}

// insertAfter is the offset just past line n's line ending: where a line
// inserted after it starts. Line 0 is the start of the file.
func (p *lines) insertAfter(n int) int {
	if n <= 0 {
		return 0
	}
	if n < len(p.start) {
		return p.start[n]
	}
	return len(p.src)
}

// newline is the line ending needed before text inserted at offset at: one
// if at ends a last line that has none.
func (p *lines) newline(at int) string {
	if at > 0 && at == len(p.src) && p.src[at-1] != '\n' {
		return "\n"
	}
	return ""
}

// indent is the number of spaces starting line n, and whether the rest of
// the line is empty or a comment.
func (p *lines) indent(n int) (ind int, blank, comment bool) {
	s := p.src[p.start[n-1]:p.lineEnd(n)]
	for ind < len(s) && s[ind] == ' ' {
		ind++
	}
	return ind, ind == len(s), ind < len(s) && s[ind] == '#'
}

// lastLine is the last line holding content (not blank, not only a
// comment) of a block node; for an empty top level, the file's last line.
func (p *lines) lastLine(n *yaml.Node) int {
	if n.Line == 0 {
		return len(p.start)
	}
	own := n.Column - 1
	last := n.Line
	for i := n.Line + 1; i <= len(p.start); i++ {
		ind, blank, comment := p.indent(i)
		switch {
		case blank || comment:
			continue
		case ind > own, ind == own && n.Kind == yaml.MappingNode,
			ind == own && n.Kind == yaml.SequenceNode && p.dashAt(i, ind):
			last = i
			continue
		}
		break
	}
	return last
}

// entryLastLine is the last line of a top-level key's entry. Its value's
// further lines are indented (or, for a list, may start with "-" at column
// 1); comments at column 1 do not end it, but are not part of it either.
// Inside a block scalar, a line starting with "#" is text.
func (p *lines) entryLastLine(k, v *yaml.Node) int {
	block := v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	compactSeq := v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && v.Column == 1
	last := k.Line
	for i := k.Line + 1; i <= len(p.start); i++ {
		ind, blank, comment := p.indent(i)
		switch {
		case blank:
		case ind == 0 && compactSeq && p.dashAt(i, 0):
			last = i
		case ind == 0 && comment:
		case ind == 0:
			return last
		case block || !comment:
			last = i
		}
	}
	return last
}

// dashAt reports whether line n has a sequence's "-" at column ind.
func (p *lines) dashAt(n, ind int) bool {
	s := p.src[p.start[n-1]+ind : p.lineEnd(n)]
	return len(s) > 0 && s[0] == '-' && (len(s) == 1 || s[1] == ' ')
}

// itemPrefix is the text before a block sequence item on its line ("  - "),
// if that is only spaces and the dash.
func (p *lines) itemPrefix(item *yaml.Node) (string, bool) {
	s := string(p.src[p.start[item.Line-1]:p.offset(item.Line, item.Column)])
	t := strings.TrimLeft(s, " ")
	if len(t) < 2 || t[0] != '-' || strings.Trim(t[1:], " ") != "" {
		return "", false
	}
	return s, true
}

// flowEnd is the offset of the bracket closing the flow collection opened
// at open.
func (p *lines) flowEnd(open int) (int, bool) {
	depth := 0
	for i := open; i < len(p.src); i++ {
		switch p.src[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i, true
			}
		case '"', '\'':
			end, ok := p.quotedEnd(i)
			if !ok {
				return 0, false
			}
			i = end - 1
		case '#':
			if i > 0 && isSpace(p.src[i-1]) { // a comment: skip the line
				for i < len(p.src) && p.src[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, false
}

// scalarEnd is the offset just past the scalar starting at from: a quoted
// one ends at its closing quote; a plain one at the end of its line, a
// comment, or (in a flow collection) a ',', ']' or '}'.
func (p *lines) scalarEnd(from int, flow bool) (int, bool) {
	if from >= len(p.src) {
		return 0, false
	}
	if c := p.src[from]; c == '"' || c == '\'' {
		return p.quotedEnd(from)
	}
	i := from
	for i < len(p.src) {
		c := p.src[i]
		if c == '\n' || c == '\r' || flow && (c == ',' || c == ']' || c == '}') ||
			c == '#' && i > from && isSpace(p.src[i-1]) {
			break
		}
		i++
	}
	for i > from && isSpace(p.src[i-1]) {
		i--
	}
	return i, true
}

// quotedEnd is the offset just past the quoted scalar starting at from.
func (p *lines) quotedEnd(from int) (int, bool) {
	q := p.src[from]
	for i := from + 1; i < len(p.src); i++ {
		switch {
		case q == '"' && p.src[i] == '\\':
			i++
		case p.src[i] == q && q == '\'' && i+1 < len(p.src) && p.src[i+1] == '\'':
			i++
		case p.src[i] == q:
			return i + 1, true
		}
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Encoding the new parts.

// mapEntry returns the key and value nodes of key in mapping m.
func mapEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// newGroupList is a buddies list holding one group with one name.
func newGroupList(group, name string) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{
		Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			stringNode("group"), stringNode(group),
			stringNode("names"), {Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle,
				Content: []*yaml.Node{stringNode(name)}},
		}}}}
}

// encodeEntry encodes "key: value" as a top-level entry, with comment
// after the value's first line, and none of value's own head or foot
// comments (they stay where they are in the text).
func encodeEntry(key string, value *yaml.Node, comment string) string {
	v := *value
	v.HeadComment, v.FootComment, v.LineComment = "", "", comment
	return encodeNode(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{stringNode(key), &v}})
}

// encodeFlowItem encodes a name as an item of a flow sequence, quoted if it
// needs to be.
func encodeFlowItem(name string) string {
	s := encodeNode(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle,
		Content: []*yaml.Node{stringNode(name)}})
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "["), "]")
}

// encodeNode encodes n as aim writes the file: two-space indentation.
func encodeNode(n *yaml.Node) string {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return ""
	}
	if err := enc.Close(); err != nil {
		return ""
	}
	return b.String()
}
