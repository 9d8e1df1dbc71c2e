package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func needShell(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("password_command runs sh -c")
	}
}

func TestPasswordOrder(t *testing.T) {
	t.Parallel()
	needShell(t)
	prompt := func() (string, error) { return "from-prompt", nil }
	tests := []struct {
		name   string
		env    map[string]string
		file   string
		prompt func() (string, error)
		want   string
	}{
		{"env first", map[string]string{"AIM_PASSWORD": "from-env"},
			"password: from-file\npassword_command: echo from-command\n", prompt, "from-env"},
		{"command before file", nil,
			"password: from-file\npassword_command: echo from-command\n", prompt, "from-command"},
		{"command from env", map[string]string{"AIM_PASSWORD_COMMAND": "echo from-env-command"},
			"password: from-file\npassword_command: echo from-command\n", prompt, "from-env-command"},
		{"file before prompt", nil, "password: from-file\n", prompt, "from-file"},
		{"prompt last", nil, "", prompt, "from-prompt"},
		{"empty env is unset", map[string]string{"AIM_PASSWORD": ""}, "password: from-file\n", prompt, "from-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file, 0o600)
			c, err := Load(Options{Path: path, Env: env(tt.env)})
			if err != nil {
				t.Fatal(err)
			}
			pw, err := c.Password(t.Context(), tt.prompt)
			if err != nil {
				t.Fatalf("Password: %v", err)
			}
			if pw.Reveal() != tt.want {
				t.Errorf("Password = %q, want %q", pw.Reveal(), tt.want)
			}
		})
	}
}

func TestPasswordNone(t *testing.T) {
	t.Parallel()
	c, err := Load(Options{Path: filepath.Join(t.TempDir(), "config.yaml"), Env: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Password(t.Context(), nil)
	var npe *NoPasswordError
	if !errors.As(err, &npe) || npe.Empty {
		t.Fatalf("Password = %v, want *NoPasswordError", err)
	}
	for _, w := range []string{"AIM_PASSWORD", "password_command", c.Path, "terminal"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}

	_, err = c.Password(t.Context(), func() (string, error) { return "", nil })
	if !errors.As(err, &npe) || !npe.Empty {
		t.Errorf("Password with empty answer = %v, want *NoPasswordError{Empty: true}", err)
	}

	// Ctrl-D at the prompt: no password, not a failure to read one.
	_, err = c.Password(t.Context(), func() (string, error) { return "", fmt.Errorf("reading password: %w", io.EOF) })
	if !errors.As(err, &npe) || !npe.Empty || !errors.Is(err, ErrSettings) {
		t.Errorf("Password at end of input = %v, want *NoPasswordError{Empty: true}", err)
	}

	boom := errors.New("terminal went away")
	if _, err = c.Password(t.Context(), func() (string, error) { return "", boom }); !errors.Is(err, boom) || err.Error() != "reading password: terminal went away" {
		t.Errorf("Password with failing prompt = %v, want it to wrap %v, saying so once", err, boom)
	}
}

func TestPasswordCommand(t *testing.T) {
	t.Parallel()
	needShell(t)
	tests := []struct {
		name    string
		command string
		want    string   // the password, if it succeeds
		errs    []string // substrings of the error, if it fails
	}{
		{"first line only", `printf 'pw one\nsecond\n'`, "pw one", nil},
		{"no trailing newline", `printf pw`, "pw", nil},
		{"crlf", `printf 'pw\r\n'`, "pw", nil},
		{"failure", `echo leaked-$((40+2)); echo 'gpg: no secret key' >&2; echo more >&2; exit 3`, "",
			[]string{"password_command", "exit status 3", "gpg: no secret key"}},
		{"failure without stderr", `exit 1`, "", []string{"exit status 1"}},
		{"empty output", `echo; echo second`, "", []string{"printed no password"}},
		{"not found", `/nonexistent/pass-helper`, "", []string{"exit status 127", "not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{PasswordCommand: tt.command, filePassword: "from-file"}
			pw, err := c.Password(t.Context(), nil)
			if tt.errs == nil {
				if err != nil || pw.Reveal() != tt.want {
					t.Errorf("Password = %q, %v; want %q", pw.Reveal(), err, tt.want)
				}
				return
			}
			var pce *PasswordCommandError
			if !errors.As(err, &pce) {
				t.Fatalf("Password = %q, %v; want *PasswordCommandError", pw.Reveal(), err)
			}
			for _, w := range tt.errs {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "leaked-42") {
				t.Errorf("error %q contains the command's standard output", err)
			}
		})
	}
}

func TestPasswordCommandTimeout(t *testing.T) {
	t.Parallel()
	needShell(t)
	c := &Config{PasswordCommand: "exec sleep 30", PasswordCommandTimeout: 50 * time.Millisecond}
	_, err := c.Password(t.Context(), nil)
	var pce *PasswordCommandError
	if !errors.As(err, &pce) || !strings.Contains(err.Error(), "timed out after 50ms") {
		t.Errorf("Password = %v, want a timeout *PasswordCommandError", err)
	}
}

func TestPasswordCommandCanceled(t *testing.T) {
	t.Parallel()
	needShell(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c := &Config{PasswordCommand: "exec sleep 30"}
	if _, err := c.Password(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Password = %v, want context.Canceled", err)
	}
}

func TestSecretRedacts(t *testing.T) {
	t.Parallel()
	s := Secret("hunter2")
	type wrapper struct {
		Password Secret `json:"password" yaml:"password"`
	}
	var outputs []string
	for _, verb := range []string{"%v", "%s", "%q", "%x", "%X", "%#v", "%+v", "%10s", "%d"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, wrapper{s}), fmt.Sprintf(verb, &wrapper{s}))
	}
	outputs = append(outputs, s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintln(s), fmt.Sprint([]Secret{s}))
	j, err := json.Marshal(wrapper{s})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(j, &back); err != nil || back["password"] != "<redacted>" {
		t.Errorf("json = %s (%v)", j, err)
	}
	y, err := yaml.Marshal(wrapper{s})
	if err != nil {
		t.Fatal(err)
	}
	if string(y) != "password: <redacted>\n" {
		t.Errorf("yaml = %q", y)
	}
	outputs = append(outputs, back["password"], string(y), fmt.Sprint(errors.New("x: "+s.String())))
	for _, out := range outputs {
		if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", "hunter2")) {
			t.Errorf("output %q reveals the secret", out)
		}
		if !strings.Contains(out, "<redacted>") {
			t.Errorf("output %q does not say <redacted>", out)
		}
	}
	if s.Reveal() != "hunter2" {
		t.Errorf("Reveal = %q", s.Reveal())
	}
}
