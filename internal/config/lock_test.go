package config

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// editorEnv switches the test binary into one of the editing processes of
// TestConcurrentEditsFromProcesses: "PATH|ID".
const editorEnv = "AIM_CONFIG_TEST_EDITOR"

const (
	editorProcs = 4 // processes editing at once: without the lock even 2 lose edits
	editorEdits = 6 // edits each one makes
)

// TestEditorProcess is not a test: it is the body of the processes that
// TestConcurrentEditsFromProcesses starts. It waits for standard input to
// close, so all of them start editing together, then adds its names one
// edit at a time; process 0 also sets the away message.
func TestEditorProcess(t *testing.T) {
	t.Parallel()
	spec, ok := os.LookupEnv(editorEnv)
	if !ok {
		t.Skip("run by TestConcurrentEditsFromProcesses")
	}
	path, id, _ := strings.Cut(spec, "|")
	_, _ = os.Stdin.Read(make([]byte, 1)) // the start signal: EOF
	c, err := Load(Options{Path: path, Env: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	for j := range editorEdits {
		if _, _, err := c.AddBuddies([]string{fmt.Sprintf("Proc%sn%d", id, j)}, "Group"+id); err != nil {
			t.Fatal(err)
		}
		if id == "0" && j == editorEdits/2 {
			if err := c.SetAway("away from process 0"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestConcurrentEditsFromProcesses: edits made at the same time by several
// processes are all kept (each read-modify-write holds the file's lock).
func TestConcurrentEditsFromProcesses(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	path := writeConfig(t, "# shared by many\nserver: localhost\n", 0o600)
	var cmds []*exec.Cmd
	var starts []*os.File
	for i := range editorProcs {
		cmd := exec.Command(exe, "-test.run=^TestEditorProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), editorEnv+"="+path+"|"+strconv.Itoa(i))
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdin = r
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		cmds, starts = append(cmds, cmd), append(starts, w)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("process %d:\n%s", i, out.String())
			}
		})
	}
	for _, w := range starts {
		w.Close()
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("editing process %d: %v", i, err)
		}
	}

	c := load(t, path)
	have := map[string]bool{}
	for _, g := range c.Buddies {
		for _, n := range g.Names {
			have[n] = true
		}
	}
	lost := 0
	for i := range editorProcs {
		for j := range editorEdits {
			if n := fmt.Sprintf("Proc%dn%d", i, j); !have[n] {
				lost++
				t.Errorf("buddy %s was lost", n)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d edits lost", lost, editorProcs*editorEdits)
	}
	if c.Away != "away from process 0" {
		t.Errorf("away = %q, want the one process 0 set", c.Away)
	}
	if c.Server != "localhost:5190" || !strings.HasPrefix(readFile(t, path), "# shared by many\n") {
		t.Errorf("the rest of the file changed:\n%s", readFile(t, path))
	}
	noTempFiles(t, filepath.Dir(path))
}

// TestLockFailureIsAnError: when the lock cannot be taken the edit fails
// and the file is untouched.
func TestLockFailureIsAnError(t *testing.T) {
	t.Parallel()
	content := "buddies:\n  - group: A\n    names: [LabBob]\n"
	path := writeConfig(t, content, 0o600)
	if err := os.Mkdir(lockPath(path), 0o700); err != nil { // a lock file that cannot be opened
		t.Fatal(err)
	}
	c := load(t, path)
	_, _, err := c.AddBuddies([]string{"LabCarol"}, "")
	var le *LockError
	if !errors.As(err, &le) {
		t.Fatalf("AddBuddies = %v, want a *LockError", err)
	}
	if got := readFile(t, path); got != content {
		t.Errorf("file changed:\n%s", got)
	}
}
