package config

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestEveryErrorIsASettingsError: each error type of this package matches
// ErrSettings, wrapped or not, so cmd/aim's one mapping covers it. A new
// type must be added here, and so is checked too.
func TestEveryErrorIsASettingsError(t *testing.T) {
	t.Parallel()
	all := map[string]error{
		"SettingError":         &SettingError{},
		"MissingSettingError":  &MissingSettingError{},
		"PermissionError":      &PermissionError{},
		"FileError":            &FileError{Err: errors.New("x")},
		"NoPasswordError":      &NoPasswordError{},
		"PasswordCommandError": &PasswordCommandError{},
		"LockError":            &LockError{Err: errors.New("x")},
	}
	for name, err := range all {
		if !errors.Is(err, ErrSettings) || !errors.Is(fmt.Errorf("wrapped: %w", err), ErrSettings) {
			t.Errorf("%s does not match ErrSettings", name)
		}
	}
	if errors.Is(errors.New("other"), ErrSettings) {
		t.Error("any error matches ErrSettings")
	}

	// Every exported type named ...Error in the package's source is listed.
	var missing []string
	for _, name := range exportedNames(t) {
		if strings.HasSuffix(name, "Error") && all[name] == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("error types not checked here: %v", missing)
	}
}

// TestScreenNameRulesLiveInScreenname: config checks screen names with
// package screenname's rules and does not offer them again (no Validate,
// Normalize or limits of its own): callers take them from screenname.
func TestScreenNameRulesLiveInScreenname(t *testing.T) {
	t.Parallel()
	for _, name := range exportedNames(t) {
		if strings.Contains(name, "ScreenName") && name != "KeyScreenName" {
			t.Errorf("config exports %s: screen-name rules belong to package screenname", name)
		}
	}
}

// exportedNames lists the package's exported top-level names (not methods
// or fields), from its non-test source.
func exportedNames(t *testing.T) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						names = append(names, d.Name.Name)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							names = append(names, s.Name.Name)
						case *ast.ValueSpec:
							for _, n := range s.Names {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	names = slices.DeleteFunc(names, func(n string) bool { return !ast.IsExported(n) })
	sort.Strings(names)
	return names
}
