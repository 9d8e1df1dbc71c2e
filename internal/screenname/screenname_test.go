package screenname

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateScreenName(t *testing.T) {
	tests := []struct {
		in   string
		want string // the error, or "" if valid
	}{
		{"LabBob", ""},
		{"Lab Carol", ""},
		{"  LabBob  ", ""},
		{"abc", ""},
		{"a1234567890123456"[:16], ""},
		{"A B C D E F G H I J K L M N O P", ""}, // 16 letters, spaces not counted
		{"12345", ""},
		{"1234567890", ""},
		{"", "screen name is empty"},
		{"   ", "screen name is empty"},
		{"x!", `screen name "x!" has an invalid character '!'`},
		{"bob@aol.com", `screen name "bob@aol.com" has an invalid character '@'`},
		{"tab\there", `screen name "tab\there" has an invalid character '\t'`},
		{"José", `screen name "José" has an invalid character 'é'`},
		{"ab", `screen name "ab" is shorter than 3 characters`},
		{"a b", `screen name "a b" is shorter than 3 characters`},
		{"averyveryverylongname", `screen name "averyveryverylongname" is longer than 16 characters`},
		{"1abc", `screen name "1abc" must start with a letter (or be an ICQ number of 5 to 10 digits)`},
		{"1234", `screen name "1234" is not a valid ICQ number (want 5 to 10 digits)`},
		{"12345678901", `screen name "12345678901" is not a valid ICQ number (want 5 to 10 digits)`},
	}
	for _, tt := range tests {
		err := Validate(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
			var sne *Error
			if !errors.As(err, &sne) {
				t.Errorf("Validate(%q) = %T, want *Error", tt.in, err)
			}
		}
		if got != tt.want {
			t.Errorf("Validate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseScreenName(t *testing.T) {
	long := strings.Repeat("x", MaxLen)
	tests := []struct {
		in, want string
		err      string // a word of the error, "" for none
	}{
		{"LabAlice", "LabAlice", ""},
		{"Lab Bob", "Lab Bob", ""},
		{"  labbob\t", "labbob", ""},
		{"alice@example.com", "alice@example.com", ""},
		{long, long, ""},
		{"Ünïcödé", "Ünïcödé", ""},
		{"", "", "empty"},
		{" \t\n", "", "empty"},
		{long + "y", "", "longer"},
		{"lab\x00bob", "", "control"},
		{"lab\nbob", "", "control"},
		{"lab\x7fbob", "", "control"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("Parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Parse(%q) = %q, %v; want an error saying %q", tt.in, got, err, tt.err)
		}
	}
}

func TestNormalizeScreenName(t *testing.T) {
	for in, want := range map[string]string{
		"Lab Bob":   "labbob",
		"labbob":    "labbob",
		"LABALICE":  "labalice",
		" L a B ":   "lab",
		"Bob Smith": "bobsmith",
		"Ünï Cödé":  "Ünïcödé", // only ASCII folds: servers do no more
		"":          "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { Normalize("labbob") }); n != 0 {
		t.Errorf("Normalize of a normal name allocates %v times", n)
	}
}

func TestSameScreenName(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"Lab Bob", "labbob", true}, // 03,0B vs 03,0C (README fact 21)
		{"LabAlice", "labalice", true},
		{"Bob Smith", "bobsmith", true},
		{" bob ", "B O B", true},
		{"", "", true},
		{"", "   ", true},
		{"bob", "bobb", false},
		{"bob", "bo", false},
		{"bob", "", false},
		{"labbob", "labrob", false},
		{"É", "é", false}, // only ASCII folds
		{"bob\x00", "bob", false},
	}
	for _, tt := range tests {
		for _, p := range [][2]string{{tt.a, tt.b}, {tt.b, tt.a}} {
			if got := Same(p[0], p[1]); got != tt.same {
				t.Errorf("Same(%q, %q) = %v, want %v", p[0], p[1], got, tt.same)
			}
			if norm := Normalize(p[0]) == Normalize(p[1]); norm != tt.same {
				t.Errorf("Normalize disagrees on %q, %q", p[0], p[1])
			}
		}
	}
}
