package config

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// maxStderrLine bounds the part of password_command's standard error kept in an error.
const maxStderrLine = 200

// Password returns the password, taking the first of:
//
//  1. the AIM_PASSWORD environment variable (as it was when Load ran);
//  2. password_command, run with "sh -c" under ctx and PasswordCommandTimeout,
//     whose first line of standard output is the password;
//  3. the config file's password key (Load has checked the file's mode);
//  4. prompt, if it is not nil (cmd/aim passes one only when stdin is a terminal).
//
// A prompt answered with an empty line or the end of input (Ctrl-D) is a
// *NoPasswordError too. With none of these it returns a *NoPasswordError that says how to give one.
// A failing password_command gives a *PasswordCommandError; if ctx ends while
// it runs, the error wraps ctx.Err().
func (c *Config) Password(ctx context.Context, prompt func() (string, error)) (Secret, error) {
	if c.envPassword != "" {
		return c.envPassword, nil
	}
	if c.PasswordCommand != "" {
		return c.runPasswordCommand(ctx)
	}
	if c.filePassword != "" {
		return c.filePassword, nil
	}
	if prompt != nil {
		pw, err := prompt()
		if errors.Is(err, io.EOF) { // Ctrl-D: no password, as an empty line is
			return "", &NoPasswordError{Path: c.Path, Empty: true}
		}
		if err != nil {
			return "", fmt.Errorf("reading password: %w", err)
		}
		if pw == "" {
			return "", &NoPasswordError{Path: c.Path, Empty: true}
		}
		return Secret(pw), nil
	}
	return "", &NoPasswordError{Path: c.Path}
}

// runPasswordCommand runs password_command and returns its first line.
func (c *Config) runPasswordCommand(ctx context.Context) (Secret, error) {
	timeout := c.PasswordCommandTimeout
	if timeout <= 0 {
		timeout = DefaultPasswordCommandTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(cctx, "sh", "-c", c.PasswordCommand)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A grandchild that keeps the pipes open must not keep us waiting
	// once the command is killed.
	cmd.WaitDelay = time.Second
	err := cmd.Run()

	fail := func(status string) (Secret, error) {
		return "", &PasswordCommandError{Command: c.PasswordCommand, Status: status, Stderr: firstLine(stderr.String(), maxStderrLine)}
	}
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("password_command %q: %w", c.PasswordCommand, ctx.Err())
	case errors.Is(cctx.Err(), context.DeadlineExceeded):
		return fail("timed out after " + timeout.String())
	case err != nil:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fail(exitErr.ProcessState.String()) // "exit status 1", "signal: killed"
		}
		return fail(err.Error())
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return fail("printed no password on its first line")
	}
	return Secret(line), nil
}

// firstLine returns s's first non-empty line, trimmed and cut to max bytes.
func firstLine(s string, max int) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			if len(line) > max {
				line = line[:max] + "..."
			}
			return line
		}
	}
	return ""
}
