package client_test

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
)

// readmeTypes reads the JSON events table of docs/json.md: each type with the
// fields it documents. A row that says "the same" has the fields of the
// row above it. Words in backticks after "field`:" up to the next ";" are
// that field's values, not fields.
func readmeTypes(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## JSON events\n")
	if !ok {
		t.Fatal("docs/json.md has no JSON events section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| (.*) \\|$")
	tick := regexp.MustCompile("`([^`]*)`(:?)")
	word := regexp.MustCompile(`^[a-z_]+$`)
	types := map[string][]string{}
	var prev []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		var fields []string
		for _, clause := range strings.Split(m[2], ";") {
			for _, tm := range tick.FindAllStringSubmatch(clause, -1) {
				if word.MatchString(tm[1]) {
					fields = append(fields, tm[1])
				}
				if tm[2] == ":" {
					break // the rest of the clause are values
				}
			}
		}
		if strings.HasPrefix(m[2], "the same") {
			fields = prev
		}
		types[m[1]], prev = fields, fields
	}
	if len(types) == 0 {
		t.Fatal("no rows in the JSON events table of docs/json.md")
	}
	return types
}

// jsonFields returns the JSON names of an Output's fields, with those of
// embedded structs.
func jsonFields(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-":
		case f.Anonymous && tag == "":
			names = append(names, jsonFields(f.Type)...)
		default:
			names = append(names, tag)
		}
	}
	return names
}

// TestREADMEDocumentsEveryOutput: every type in docs/json.md's table is an
// Output whose JSON fields are exactly the documented ones (with type and
// time, which every line has), and every Output is in the table.
func TestREADMEDocumentsEveryOutput(t *testing.T) {
	t.Parallel()
	documented := readmeTypes(t)
	seen := map[string]bool{}
	for _, o := range client.Outputs() {
		kind := o.Kind()
		seen[kind] = true
		doc, ok := documented[kind]
		if !ok {
			t.Errorf("%s (%T) is not in the JSON events table of docs/json.md", kind, o)
			continue
		}
		got := jsonFields(reflect.TypeOf(o))
		want := append([]string{"type", "time"}, doc...)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(slices.Compact(got), slices.Compact(want)) {
			t.Errorf("%s: the struct has JSON fields %v, docs/json.md documents %v", kind, got, want)
		}
	}
	for kind := range documented {
		if !seen[kind] {
			t.Errorf("docs/json.md documents %q, which no Output has", kind)
		}
	}
}

// TestOutputJSON: a stamped output marshals with its type and time first.
func TestOutputJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 29, 22, 30, 0, 0, time.UTC)
	b, err := json.Marshal(client.Stamp(&client.BuddyOnline{Name: "LabBob", Changed: true}, at))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"buddy_changed","time":"2026-11-29T22:30:00Z","name":"LabBob","away":false,"idle_minutes":0,"warning_level":0}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
}

// TestDecodeOutput: every Output's JSON decodes back into the same type,
// with the same JSON and the same text.
func TestDecodeOutput(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 29, 22, 30, 0, 0, time.UTC)
	for _, o := range client.Outputs() {
		b, err := client.JSON(client.Stamp(o, at))
		if err != nil {
			t.Fatal(err)
		}
		back, err := client.DecodeOutput(b)
		if err != nil {
			t.Errorf("%s: %v", o.Kind(), err)
			continue
		}
		b2, _ := client.JSON(back)
		if back.Kind() != o.Kind() || string(b2) != string(b) || client.Text(back) != client.Text(o) {
			t.Errorf("%s: decoded as %s: %s%s, text %q, want %q", o.Kind(), back.Kind(), b, b2, client.Text(back), client.Text(o))
		}
	}
	if _, err := client.DecodeOutput([]byte(`{"type":"nonsense"}`)); err == nil {
		t.Error("an unknown type decoded")
	}
}
