package config

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"sort"
	"strings"
	"testing"
)

// TestEveryErrorIsASettingsError: each error type of this package matches
// ErrSettings, wrapped or not, so cmd/aim's one mapping covers it. A new
// type must be added here, and so is checked too.
func TestEveryErrorIsASettingsError(t *testing.T) {
	all := map[string]error{
		"ScreenNameError":      &ScreenNameError{},
		"SettingError":         &SettingError{},
		"MissingSettingError":  &MissingSettingError{},
		"PermissionError":      &PermissionError{},
		"FileError":            &FileError{Err: errors.New("x")},
		"TooLongError":         &TooLongError{},
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
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					name := spec.(*ast.TypeSpec).Name.Name
					if ast.IsExported(name) && strings.HasSuffix(name, "Error") && all[name] == nil {
						missing = append(missing, name)
					}
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("error types not checked here: %v", missing)
	}
}
