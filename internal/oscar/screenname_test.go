package oscar

import (
	"errors"
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
		err := ValidateScreenName(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
			var sne *ScreenNameError
			if !errors.As(err, &sne) {
				t.Errorf("ValidateScreenName(%q) = %T, want *ScreenNameError", tt.in, err)
			}
		}
		if got != tt.want {
			t.Errorf("ValidateScreenName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
