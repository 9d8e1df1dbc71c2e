package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/commands.md from the command tree")

// commandsDoc is docs/commands.md: every command of the cobra tree, its
// usage, help, examples and flags, in the tree's order.
func commandsDoc(root *cobra.Command) string {
	var b strings.Builder
	b.WriteString("# Commands\n\n<!-- Generated from the command tree by `go test ./cmd/aim -run TestCommandsDoc -update`; do not edit. -->\n\n")
	b.WriteString("Every command, its flags and examples, as `aim COMMAND --help` prints them. What they do, in prose: [usage.md](usage.md).\n")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		b.WriteString("\n## " + c.CommandPath() + "\n\n")
		if c.Long != "" {
			b.WriteString(strings.TrimSpace(c.Long) + "\n\n")
		} else if c.Short != "" {
			b.WriteString(c.Short + "\n\n")
		}
		b.WriteString("```\n" + c.UseLine() + "\n```\n")
		if c.Example != "" {
			b.WriteString("\nExamples:\n\n```\n" + c.Example + "\n```\n")
		}
		if fl := c.NonInheritedFlags().FlagUsages(); strings.TrimSpace(fl) != "" {
			b.WriteString("\nFlags:\n\n```\n" + fl + "```\n")
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return b.String()
}

// TestCommandsDoc: docs/commands.md is what the command tree says now; a
// flag or help text changed without the page fails here.
func TestCommandsDoc(t *testing.T) {
	t.Parallel()
	streams, _, _, _ := testIO()
	root := newRootCmd(&factory{IO: streams})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	want := commandsDoc(root)
	const path = "../../docs/commands.md"
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/commands.md is stale: run go test ./cmd/aim -run TestCommandsDoc -update")
	}
}

// TestReadmeIsAFrontPage: the README stays short, and every page it links
// to exists.
func TestReadmeIsAFrontPage(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > 200 {
		t.Errorf("README.md has %d lines; the rest belongs in docs/", n)
	}
	for _, part := range strings.Split(string(b), "](docs/")[1:] {
		page, _, _ := strings.Cut(part, ")")
		page, _, _ = strings.Cut(page, "#")
		if _, err := os.Stat("../../docs/" + page); err != nil {
			t.Errorf("README links to docs/%s: %v", page, err)
		}
	}
}
