package layers

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

const module = "github.com/aim-oscar/aim/"

// allowed lists, for every package of the module, the module's packages it
// may import directly (non-test files). Leaves import none, and have an
// empty row: every package has one (TestEveryPackageHasARow).
var allowed = map[string][]string{
	"cmd/aim": {"internal/buddylist", "internal/client", "internal/config", "internal/control",
		"internal/demo", "internal/history", "internal/interactive", "internal/iostreams", "internal/limits", "internal/runner", "internal/screenname", "internal/sessionsock", "internal/tablecmd", "internal/tui"},

	"internal/interactive": {"internal/client", "internal/iostreams", "internal/sessionsock"},
	"internal/runner":      {"internal/client", "internal/config", "internal/control", "internal/sessionsock"},
	// The command-line layer's one library package (it prints and reads
	// cobra flags): only cmd/aim imports it (TestOnlyCommandLineImportsTablecmd).
	"internal/tablecmd": {"internal/client", "internal/config", "internal/control", "internal/interactive",
		"internal/iostreams", "internal/runner", "internal/screenname"},
	"internal/tui":         {"internal/client", "internal/history", "internal/screenname"},
	"internal/sessionsock": {"internal/client", "internal/control"},
	"internal/client": {"internal/bos", "internal/buddylist", "internal/chat", "internal/config", "internal/history",
		"internal/htmltext", "internal/limits", "internal/login", "internal/screenname", "internal/secret", "internal/wiretrace"},
	"internal/demo": {"internal/htmltext", "internal/oscartest", "internal/secret"},

	"internal/chat": {"internal/bos", "internal/flapconn", "internal/htmltext", "internal/limits", "internal/oscar",
		"internal/screenname", "internal/secret"},
	"internal/bos": {"internal/buddylist", "internal/flapconn", "internal/limits", "internal/oscar",
		"internal/screenname", "internal/secret"},
	"internal/flapconn":  {"internal/linger", "internal/oscar", "internal/secret"},
	"internal/login":     {"internal/linger", "internal/oscar", "internal/secret"},
	"internal/buddylist": {"internal/oscar", "internal/screenname"},
	"internal/oscartest": {"internal/oscar", "internal/screenname"},
	"internal/wiretrace": {"internal/oscar"},

	// TLS for oscartest's servers, apart so that only the tests that speak
	// TLS link crypto/tls.
	"internal/oscartest/oscartls": {"internal/oscartest"},

	"internal/config":  {"internal/limits", "internal/screenname", "internal/secret"},
	"internal/control": {"internal/screenname"},
	"internal/history": {"internal/screenname"},

	// Leaves.
	"internal/oscar": {}, "internal/screenname": {}, "internal/limits": {}, "internal/secret": {},
	"internal/htmltext": {}, "internal/linger": {}, "internal/iostreams": {}, "internal/leakcheck": {},
	"internal/netsim": {}, "internal/transcript": {}, "internal/layers": {}, "internal/history/historytest": {},
}

// forbidden are edges that would undo a layering decision; each says why.
// They hold even if someone adds the edge to allowed. A direct one is
// about the package's own imports; the others also forbid depending on the
// target through other packages (go list -deps).
var forbidden = []struct {
	from, to string
	direct   bool
	why      string
}{
	{"cmd/aim", "internal/oscar", true, "the command line speaks to the runtime (internal/client), never the wire codec"},
	{"cmd/aim", "internal/bos", true, "the command line speaks to the runtime (internal/client), never the session"},
	{"internal/client", "internal/oscar", true, "the runtime speaks bos's and login's words, never the wire codec"},
	{"internal/tui", "internal/oscar", true, "the UI talks to the session through the command table and its events, never the wire codec"},
	{"internal/tui", "internal/bos", true, "the UI talks to the session through the command table and its events, never the session's internals"},
	{"internal/config", "internal/bos", false, "the config file is read without the session"},
	{"internal/config", "internal/oscar", false, "the config file is read without the wire codec"},
	{"internal/control", "internal/bos", false, "the control socket knows no session"},
	{"internal/control", "internal/oscar", false, "the control socket knows no wire codec"},
	{"internal/screenname", "internal/", false, "screen names are a leaf"},
	{"internal/oscar", "internal/", false, "the codec is a leaf (std lib and screenname only)"},
}

type pkg struct {
	path    string
	imports []string // module packages imported directly
	deps    []string // module packages depended on, transitively
	tls     bool     // depends on crypto/tls
	testTLS bool     // its test binary links crypto/tls
}

// list returns the module's packages as go list sees them, with what
// their test binaries link: one go list for the tests that share it.
func list(t *testing.T) []pkg {
	t.Helper()
	pkgs, err := listed()
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

var listed = sync.OnceValues(func() ([]pkg, error) {
	if err := watchSources(); err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "list", "-test", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, module+"...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []pkg
	testTLS := map[string]bool{} // by package path
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 {
			return nil, fmt.Errorf("go list line %q", line)
		}
		path := strings.TrimPrefix(f[0], module)
		tls := slices.Contains(strings.Fields(f[2]), "crypto/tls")
		switch {
		case strings.HasSuffix(path, ".test"): // the test binary's main package
			testTLS[strings.TrimSuffix(path, ".test")] = tls
		case strings.Contains(path, " ["): // a package compiled for a test binary
		default:
			pkgs = append(pkgs, pkg{path: path, imports: ours(f[1]), deps: ours(f[2]), tls: tls})
		}
	}
	for i := range pkgs {
		pkgs[i].testTLS = testTLS[pkgs[i].path]
	}
	if len(pkgs) < 10 {
		return nil, fmt.Errorf("go list found only %d packages", len(pkgs))
	}
	return pkgs, nil
})

// watchSources opens every Go file of the module, so that go test's cache
// (which records the files a test opens, not those go list reads) runs the
// test again when an import changes.
func watchSources() error {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			_, err = os.ReadFile(path)
		}
		return err
	})
	return err
}

func ours(s string) []string {
	var out []string
	for _, p := range strings.Fields(s) {
		if strings.HasPrefix(p, module) {
			out = append(out, strings.TrimPrefix(p, module))
		}
	}
	return out
}

func TestImportsFollowTheTable(t *testing.T) {
	t.Parallel()
	for _, p := range list(t) {
		ok := allowed[p.path]
		for _, imp := range p.imports {
			if !slices.Contains(ok, imp) {
				t.Errorf("%s imports %s: not in the table of internal/layers/imports_test.go (add it there if the layering really changes)", p.path, imp)
			}
		}
	}
}

// TestEveryPackageHasARow: each package of the module is in the table,
// a leaf with an empty row included, so that a new package is placed in
// the layering when it is added (docs/architecture.md says where), not
// let through because it imports nothing of aim's yet.
func TestEveryPackageHasARow(t *testing.T) {
	t.Parallel()
	for _, p := range list(t) {
		if _, ok := allowed[p.path]; !ok {
			t.Errorf("%s has no row in the table of internal/layers/imports_test.go (a leaf gets an empty one)", p.path)
		}
	}
}

func TestForbiddenEdges(t *testing.T) {
	t.Parallel()
	for _, p := range list(t) {
		for _, f := range forbidden {
			if p.path != f.from {
				continue
			}
			deps := p.deps
			if f.direct {
				deps = p.imports
			}
			for _, d := range deps {
				if d == f.to || (strings.HasSuffix(f.to, "/") && strings.HasPrefix(d, f.to) && !leafOK(f.from, d)) {
					t.Errorf("%s depends on %s: %s", p.path, d, f.why)
				}
			}
		}
	}
}

// TestTestsAddNoTLS: crypto/tls, with x509, the curves and math/big
// under it, is a fourth of what a test binary of ours links, and linking
// is half the CPU of go test ./... (issue 20). So a test binary links it
// only if its package's own code does: tests that serve TLS start an
// oscartls.Server (internal/oscartest/oscartls), which only tests that
// speak TLS import, and the other tests of the test server do not pay for
// it.
func TestTestsAddNoTLS(t *testing.T) {
	t.Parallel()
	for _, p := range list(t) {
		if p.testTLS && !p.tls {
			t.Errorf("%s's test binary links crypto/tls, which %s itself does not: keep TLS in the tests that speak it "+
				"(go list -test -deps -f '{{.ImportPath}}: {{.Imports}}' ./%s shows who imports it)", p.path, p.path, p.path)
		}
	}
}

// leafOK is what a leaf may still use: the codec uses screen names.
func leafOK(from, dep string) bool {
	return from == "internal/oscar" && dep == "internal/screenname"
}

// The check itself: the table must refuse the two edges the layering is
// about, so an edit that allows them shows up here.
func TestTableRefusesKnownBadEdges(t *testing.T) {
	t.Parallel()
	for _, e := range [][2]string{{"cmd/aim", "internal/oscar"}, {"internal/client", "internal/oscar"}, {"internal/config", "internal/bos"},
		{"cmd/aim", "internal/bos"}} {
		if slices.Contains(allowed[e[0]], e[1]) {
			t.Errorf("the table allows %s → %s", e[0], e[1])
		}
		found := false
		for _, f := range forbidden {
			found = found || (f.from == e[0] && f.to == e[1])
		}
		if !found {
			t.Errorf("%s → %s is not forbidden", e[0], e[1])
		}
	}
}

// TestOnlyCommandLineImportsTablecmd: internal/tablecmd prints and defines
// and reads cobra flags, by design part of the command-line layer (the one
// exception to "library packages never print or read flags",
// docs/architecture.md): no package but cmd/aim may import it, in the
// table or through another package.
func TestOnlyCommandLineImportsTablecmd(t *testing.T) {
	t.Parallel()
	const tablecmd = "internal/tablecmd"
	for from, row := range allowed {
		if from != "cmd/aim" && slices.Contains(row, tablecmd) {
			t.Errorf("the table lets %s import %s: only cmd/aim may", from, tablecmd)
		}
	}
	if !slices.Contains(allowed["cmd/aim"], tablecmd) {
		t.Errorf("the table does not let cmd/aim import %s", tablecmd)
	}
	for _, p := range list(t) {
		if p.path != "cmd/aim" && p.path != tablecmd && slices.Contains(p.deps, tablecmd) {
			t.Errorf("%s depends on %s: only cmd/aim may", p.path, tablecmd)
		}
	}
}
