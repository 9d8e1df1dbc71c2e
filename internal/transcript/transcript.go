// Package transcript reads the wire captures kept in its testdata
// directory (a copy of shared/transcripts, with their README): one FLAP
// frame per line, as "<dir> <conn> <hex>", with '#' comment lines. Tests in
// several packages decode them; it imports no testing code.
package transcript

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Line is one frame of a capture.
type Line struct {
	File   string // base name of the capture
	Number int    // line number in the file
	Dir    byte   // 'c' client to server, 's' server to client
	Conn   string // "auth", "bos", "auth2", ...
	Frame  []byte // the whole frame, header included
}

// Dir finds the transcripts directory: $AIM_TRANSCRIPTS if set, else
// internal/transcript/testdata in the repository that holds the working
// directory. The captures are part of the repository, so a fresh clone
// runs every test that reads them; a missing directory is an error.
func Dir() (string, error) {
	if d := os.Getenv("AIM_TRANSCRIPTS"); d != "" {
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	t := filepath.Join(root, "internal", "transcript", "testdata")
	if _, err := os.Stat(filepath.Join(t, "README.md")); err != nil {
		return "", fmt.Errorf("no transcripts at %s (set AIM_TRANSCRIPTS): %w", t, err)
	}
	return t, nil
}

// RepoRoot returns the nearest directory at or above the working directory
// that holds a go.mod.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod above the working directory")
		}
	}
}

// Files lists the capture files in dir, sorted.
func Files(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Strings(m)
	return m, nil
}

// Load reads one capture.
func Load(path string) ([]Line, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	base := filepath.Base(path)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 3 || (fields[0] != "c" && fields[0] != "s") {
			return nil, fmt.Errorf("%s:%d: not a frame line", base, n)
		}
		b, err := hex.DecodeString(fields[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", base, n, err)
		}
		out = append(out, Line{File: base, Number: n, Dir: fields[0][0], Conn: fields[1], Frame: b})
	}
	return out, sc.Err()
}

// LoadAll reads every capture in dir.
func LoadAll(dir string) ([]Line, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	var all []Line
	for _, f := range files {
		l, err := Load(f)
		if err != nil {
			return nil, err
		}
		all = append(all, l...)
	}
	return all, nil
}

// Where names a line for test messages: "im-and-presence.txt:42 s bos".
func (l Line) Where() string { return fmt.Sprintf("%s:%d %c %s", l.File, l.Number, l.Dir, l.Conn) }
