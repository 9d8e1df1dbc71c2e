package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// ErrSettings is matched, with errors.Is, by every error of this package's
// error types: a screen name, setting, config file, lock or password the
// user must fix. cmd/aim gives all of them one exit code.
var ErrSettings = errors.New("settings error")

// settingsError, embedded in each error type of this package, makes it
// match ErrSettings.
type settingsError struct{}

func (settingsError) Is(target error) bool { return target == ErrSettings }

// SettingError is a setting with a value aim cannot use.
type SettingError struct {
	settingsError
	Key    string // "auth", "server", "buddies", ...
	Value  string // the offending value; never a password
	Source string // "--auth", "AIM_AUTH", the file's path, or "default"
	Reason string // "is not allowed (want flap or md5)"
	Err    error  // the underlying problem, if any
}

func (e *SettingError) Error() string {
	var b strings.Builder
	b.WriteString(e.Key)
	if e.Value != "" {
		b.WriteString(" " + strconv.Quote(e.Value))
	}
	if e.Source != "" && e.Source != "default" {
		b.WriteString(" (from " + e.Source + ")")
	}
	if e.Reason != "" {
		b.WriteString(" " + e.Reason)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *SettingError) Unwrap() error { return e.Err }

// MissingSettingError is a setting a command needs that no source sets.
type MissingSettingError struct {
	settingsError
	Key  string // "server"
	Flag string // "--server HOST:PORT", or "" if no flag sets it
	Path string // the config file
}

func (e *MissingSettingError) Error() string {
	_, arg, _ := strings.Cut(e.Flag, " ")
	if e.Flag == "" {
		arg = strings.ToUpper(e.Key)
		return fmt.Sprintf("no %s set: set %s%s, or add \"%s: %s\" to %s",
			e.Key, EnvPrefix, strings.ToUpper(e.Key), e.Key, arg, e.Path)
	}
	return fmt.Sprintf("no %s set: pass %s, set %s%s, or add \"%s: %s\" to %s",
		e.Key, e.Flag, EnvPrefix, strings.ToUpper(e.Key), e.Key, arg, e.Path)
}

// PermissionError is a config file that holds a password but that group or
// others may read or write.
type PermissionError struct {
	settingsError
	Path    string
	Mode    fs.FileMode
	Command bool // the file holds a password_command and others may write it
}

func (e *PermissionError) Error() string {
	if e.Command {
		return fmt.Sprintf("config file %s sets password_command but group or others can write it (mode %04o), so anyone could choose what aim runs; run: chmod go-w %s",
			e.Path, uint32(e.Mode.Perm()), e.Path)
	}
	return fmt.Sprintf("config file %s holds a password but group or others can access it (mode %04o); run: chmod 600 %s",
		e.Path, uint32(e.Mode.Perm()), e.Path)
}

// FileError is a config file that is not valid YAML or holds a value of the
// wrong type. The file is never changed when this is returned.
type FileError struct {
	settingsError
	Path string
	Line int // 0 if the message already names it, or none applies
	Err  error
}

func (e *FileError) Error() string {
	msg := e.Err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	lines := strings.Split(msg, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	msg = strings.Join(lines, "; ")
	if e.Line > 0 {
		return fmt.Sprintf("config file %s: line %d: %s", e.Path, e.Line, msg)
	}
	return fmt.Sprintf("config file %s: %s", e.Path, msg)
}

func (e *FileError) Unwrap() error { return e.Err }

// NoPasswordError says no source gave a password, and how to give one.
type NoPasswordError struct {
	settingsError
	Path  string // the config file
	Empty bool   // the prompt was answered with an empty line
}

func (e *NoPasswordError) Error() string {
	if e.Empty {
		return "no password entered"
	}
	return "no password: set " + EnvPassword + ", set password_command in " + e.Path +
		", or run aim in a terminal to be asked for it"
}

// PasswordCommandError is a password_command that failed. It carries the
// command's exit status and the first line of its standard error, never its
// standard output.
type PasswordCommandError struct {
	settingsError
	Command string
	Status  string // "exit status 1", "timed out after 1m0s", "printed no password"
	Stderr  string // first line of standard error, possibly empty
}

func (e *PasswordCommandError) Error() string {
	msg := "password_command " + strconv.Quote(e.Command) + " failed: " + e.Status
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

// plainPathError returns the reason of a *fs.PathError without its path and
// operation, for messages that name the file already ("config file X:
// permission denied", not "config file X: open X: permission denied").
// errors.Is still sees the reason (fs.ErrPermission, fs.ErrNotExist).
func plainPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
