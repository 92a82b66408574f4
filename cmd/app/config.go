package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/goccy/go-yaml"

	"github.com/prodready/prodready/internal/config"
	"github.com/prodready/prodready/internal/rules"
)

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "validate" && args[0] != "print") {
		fmt.Fprint(stderr, "usage: app config validate [FILE] | app config print [FILE]\n")
		return exitUsage
	}
	verb := args[0]
	fs := flag.NewFlagSet("config "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", ".", "repository root holding "+config.DefaultPath)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "app config %s: expected at most one file\n", verb)
		return exitUsage
	}
	reg, err := rules.Registry()
	if err != nil {
		fmt.Fprintf(stderr, "app config: %v\n", err)
		return exitUsage
	}
	fetched, explicit := loadConfig(ctx, fs.Arg(0), *repo, reg)
	switch fetched.Status {
	case config.Missing:
		if explicit || verb == "validate" {
			fmt.Fprintf(stderr, "app config %s: %s does not exist\n", verb, fetched.Source)
			return exitUsage
		}
	case config.Unreadable:
		fmt.Fprintf(stderr, "app config %s: %v\n", verb, fetched.Err)
		return exitUsage
	case config.Invalid:
		fmt.Fprintln(stderr, fetched.Err)
		return exitFindings
	}
	if verb == "validate" {
		fmt.Fprintf(stdout, "ok: %s\n", fetched.Source)
		return exitOK
	}
	eff := effectiveConfig(fetched.Effective())
	b, err := yaml.MarshalWithOptions(eff, yaml.Indent(2), yaml.IndentSequence(true))
	if err != nil {
		fmt.Fprintf(stderr, "app config print: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "# effective configuration (source: %s)\n%s", sourceOrDefaults(fetched), b)
	return exitOK
}

// loadConfig reads FILE, or the default path under repo. explicit says the
// user named the file, so a missing one is an error, not "use defaults".
func loadConfig(ctx context.Context, file, repo string, cat config.Catalog) (config.Fetched, bool) {
	if file != "" {
		dir, name := filepath.Split(file)
		if dir == "" {
			dir = "."
		}
		return config.Fetch(ctx, config.DirReader(dir), name, file, cat), true
	}
	path := filepath.Join(repo, filepath.FromSlash(config.DefaultPath))
	return config.Fetch(ctx, config.DirReader(repo), config.DefaultPath, path, cat), false
}

func sourceOrDefaults(f config.Fetched) string {
	if f.Status == config.Loaded {
		return f.Source
	}
	return "built-in defaults"
}

// effectiveConfig fills in the defaults a file left out, so that `config
// print` shows what a run will actually use.
func effectiveConfig(c *config.Config) *config.Config {
	out := *c
	out.Version = config.SchemaVersion
	if out.FailOn == "" {
		out.FailOn = config.DefaultFailOn
	}
	if out.MaxAnnotations == 0 {
		out.MaxAnnotations = config.DefaultMaxAnnotations
	}
	return &out
}
