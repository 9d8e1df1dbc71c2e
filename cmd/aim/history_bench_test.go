package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aim-oscar/aim/internal/history/historytest"
)

// BenchmarkHistoryProcess is aim history as a person runs it: the aim
// binary as a process, on a history of a million stored IMs across 500
// conversations (historytest's corpus). "tail" is aim history NAME
// --limit 50 (goal < 50 ms), "grep" aim history --grep over all of them
// (goal < 2 s); each reports ms/op, from the start of the process to its
// exit, its output going to /dev/null as in the docs' commands.
func BenchmarkHistoryProcess(b *testing.B) {
	bin := buildAim(b)
	home := b.TempDir()
	state := filepath.Join(home, "state")
	name, err := historytest.Write(filepath.Join(state, "aim", "labalice", "history"))
	if err != nil {
		b.Fatal(err)
	}
	env := []string{"HOME=" + home, "XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + home,
		"AIM_SCREEN_NAME=LabAlice", "AIM_CONFIG=" + filepath.Join(home, "none.yaml"), "PATH=" + os.Getenv("PATH")}
	for _, bc := range []struct {
		name  string
		args  []string
		lines int // of its output, checked once
	}{
		{"tail", []string{"history", name, "--limit", "50"}, 50},
		{"grep", []string{"history", "--grep", "needle"}, historytest.Matches},
	} {
		b.Run(bc.name, func(b *testing.B) {
			run := func(out *bytes.Buffer) {
				cmd := exec.Command(bin, bc.args...)
				cmd.Env = env
				if out != nil {
					cmd.Stdout = out
				}
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					b.Fatalf("aim %v: %v: %s", bc.args, err, stderr.Bytes())
				}
			}
			var out bytes.Buffer
			run(&out)
			n := 0
			for _, l := range bytes.Split(out.Bytes(), []byte("\n")) {
				if bytes.Contains(l, []byte("message ")) {
					n++
				}
			}
			if n != bc.lines {
				b.Fatalf("aim %v showed %d lines, want %d:\n%s", bc.args, n, bc.lines, out.Bytes())
			}
			for b.Loop() {
				run(nil)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}
