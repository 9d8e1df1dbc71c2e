package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// The recipes of the docs that a person pastes (issue 22 item 13), tried
// as pasted where this machine can, else read for what they must say.

// docBlock returns the lines of the first fenced block of lang in the doc
// file after the line containing marker.
func docBlock(t *testing.T, file, marker, lang string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", file))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, marker)
	if i < 0 {
		t.Fatalf("%s has no %q", file, marker)
	}
	text = text[i:]
	start := strings.Index(text, "```"+lang+"\n")
	if start < 0 {
		t.Fatalf("%s has no %s block after %q", file, lang, marker)
	}
	text = text[start+len("```"+lang+"\n"):]
	end := strings.Index(text, "```")
	return strings.Split(strings.TrimSuffix(text[:end], "\n"), "\n")
}

// TestSystemdUnitStops: the unit of docs/sessions.md is not restarted
// after an exit that a restart cannot mend (it would loop, signing on
// again and again): settings or no password, a refused password, signed
// on elsewhere, a session running already.
func TestSystemdUnitStops(t *testing.T) {
	var codes []string
	for _, line := range docBlock(t, "sessions.md", "systemd user service", "ini") {
		if v, ok := strings.CutPrefix(line, "RestartPreventExitStatus="); ok {
			codes = strings.Fields(v)
		}
	}
	for _, code := range []int{exitUsage, exitAuth, exitKicked, exitRunning} {
		if !slices.Contains(codes, strconv.Itoa(code)) {
			t.Errorf("RestartPreventExitStatus=%s lacks %d (%s)", strings.Join(codes, " "), code, exitMeaning(code))
		}
	}
}

// TestCompletionInstallFreshHome: the completion lines of docs/usage.md
// for bash and fish run as pasted in a fresh HOME, where the directories
// they write to do not exist yet.
func TestCompletionInstallFreshHome(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := filepath.Dir(buildAim(t))
	home := t.TempDir()
	var lines []string
	for _, line := range docBlock(t, "usage.md", "Shell completion", "sh") {
		if !strings.Contains(line, "zsh") { // ${fpath[1]} is zsh's
			lines = append(lines, line)
		}
	}
	cmd := exec.Command("bash", "-e", "-c", strings.Join(lines, "\n"))
	cmd.Env = []string{"HOME=" + home, "PATH=" + bin + ":/usr/bin:/bin"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the completion lines in a fresh HOME: %v\n%s", err, out)
	}
	script := filepath.Join(home, ".local/share/bash-completion/completions/aim")
	check := exec.Command("bash", "-c", "source "+script+" && complete -p aim")
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(out), "aim") {
		t.Errorf("bash does not load %s: %v\n%s", script, err, out)
	}
	if _, err := os.Stat(filepath.Join(home, ".config/fish/completions/aim.fish")); err != nil {
		t.Error(err)
	}
}

// TestTmuxRecipeWithServerRunning: the tmux lines of docs/sessions.md
// start a session that aim status finds, even when a tmux server runs
// already, started from an environment without aim on its PATH and
// without the session's password.
func TestTmuxRecipeWithServerRunning(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	aim := buildAim(t)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	// Short paths: tmux's and aim's sockets live under them.
	tmp, err := os.MkdirTemp("", "rcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	home, bin, run := filepath.Join(tmp, "h"), filepath.Join(tmp, "b"), filepath.Join(tmp, "r")
	for _, dir := range []string{home, bin, run} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// aim on the PATH, and the password manager the recipe names.
	if err := os.Symlink(aim, filepath.Join(bin, "aim")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "pass"), []byte("#!/bin/sh\necho alicepw1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, filepath.Join(home, ".config", "aim", "config.yaml"),
		fmt.Sprintf("server: %s\nscreen_name: LabAlice\n", srv.AuthAddr()))
	// Temp dirs of the test's own, another for the shell than for the
	// tmux server: the sessions running on this machine (in
	// /tmp/aim-UID) are not found, and a session that missed the
	// recipe's XDG_RUNTIME_DIR is not found by the shell's aim status.
	base := []string{"HOME=" + home, "TMUX_TMPDIR=" + tmp, "TERM=xterm", "TMPDIR=" + home}
	shell := append(slices.Clone(base[:3]), "PATH="+bin+":/usr/bin:/bin", "XDG_RUNTIME_DIR="+run, "TMPDIR="+run, "AIM_PASSWORD=alicepw1")
	t.Cleanup(func() {
		c := exec.Command("tmux", "kill-server")
		c.Env = base
		c.Run()
	})

	// A tmux server runs already, with an environment of its own.
	first := exec.Command("tmux", "new-session", "-d", "-s", "other")
	first.Env = append(slices.Clone(base), "PATH=/usr/bin:/bin")
	if out, err := first.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	var recipe []string
	for _, line := range docBlock(t, "sessions.md", "Start the session once, in tmux", "sh") {
		if !strings.HasPrefix(line, "aim status") {
			recipe = append(recipe, line)
		}
	}
	cmd := exec.Command("sh", "-e", "-c", strings.Join(recipe, "\n"))
	cmd.Env = shell
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the tmux recipe: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	if err := srv.WaitOnline(ctx, "LabAlice"); err != nil {
		pane := exec.Command("tmux", "capture-pane", "-p", "-t", "aim")
		pane.Env = base
		out, _ := pane.CombinedOutput()
		t.Fatalf("the session never signed on: %v; its window:\n%s", err, out)
	}
	status := exec.Command(filepath.Join(bin, "aim"), "status")
	status.Env = shell
	if out, err := status.CombinedOutput(); err != nil {
		t.Errorf("aim status after the recipe: %v\n%s", err, out)
	}
}
