package diff

import (
	"path"
	"strings"
)

// Language is the programming or configuration language of a file.
type Language string

const (
	Unknown    Language = ""
	Go         Language = "go"
	Python     Language = "python"
	JavaScript Language = "javascript"
	TypeScript Language = "typescript"
	Java       Language = "java"
	Kotlin     Language = "kotlin"
	Ruby       Language = "ruby"
	PHP        Language = "php"
	CSharp     Language = "csharp"
	C          Language = "c"
	Cpp        Language = "cpp"
	Rust       Language = "rust"
	Shell      Language = "shell"
	YAML       Language = "yaml"
	JSON       Language = "json"
	TOML       Language = "toml"
	XML        Language = "xml"
	HTML       Language = "html"
	Dockerfile Language = "dockerfile"
	Terraform  Language = "terraform"
	SQL        Language = "sql"
	Markdown   Language = "markdown"
	Properties Language = "properties"
	Dotenv     Language = "dotenv"
)

var extLanguages = map[string]Language{
	".go": Go,
	".py": Python, ".pyw": Python, ".pyi": Python,
	".js": JavaScript, ".mjs": JavaScript, ".cjs": JavaScript, ".jsx": JavaScript,
	".ts": TypeScript, ".mts": TypeScript, ".cts": TypeScript, ".tsx": TypeScript,
	".java": Java, ".kt": Kotlin, ".kts": Kotlin,
	".rb": Ruby, ".php": PHP, ".cs": CSharp,
	".c": C, ".h": C, ".cc": Cpp, ".cpp": Cpp, ".cxx": Cpp, ".hpp": Cpp, ".hh": Cpp,
	".rs": Rust,
	".sh": Shell, ".bash": Shell, ".zsh": Shell, ".ksh": Shell,
	".yml": YAML, ".yaml": YAML,
	".json": JSON, ".toml": TOML, ".xml": XML,
	".html": HTML, ".htm": HTML, ".vue": HTML, ".svelte": HTML, ".jinja": HTML, ".j2": HTML, ".jsp": HTML, ".erb": HTML,
	".tf": Terraform, ".hcl": Terraform,
	".sql": SQL,
	".md":  Markdown, ".markdown": Markdown, ".rst": Markdown,
	".properties": Properties, ".ini": Properties, ".cfg": Properties, ".conf": Properties,
	".env": Dotenv,
}

var interpreterLanguages = map[string]Language{
	"python": Python, "python3": Python, "python2": Python,
	"node": JavaScript, "nodejs": JavaScript, "deno": TypeScript, "ts-node": TypeScript, "tsx": TypeScript,
	"sh": Shell, "bash": Shell, "zsh": Shell, "ksh": Shell, "dash": Shell,
	"ruby": Ruby, "php": PHP,
	// uv runs scripts with inline dependencies: #!/usr/bin/env -S uv run --script
	"uv": Python,
}

// DetectLanguage decides by file name, then by a shebang on the first line.
func DetectLanguage(p, firstLine string) Language {
	base := path.Base(p)
	lower := strings.ToLower(base)
	switch {
	case lower == "dockerfile" || strings.HasPrefix(lower, "dockerfile.") || strings.HasSuffix(lower, ".dockerfile") || lower == "containerfile":
		return Dockerfile
	case lower == ".env" || strings.HasPrefix(lower, ".env."):
		return Dotenv
	case lower == "makefile" || lower == "gnumakefile":
		return Shell
	}
	if l, ok := extLanguages[strings.ToLower(path.Ext(base))]; ok {
		return l
	}
	if strings.HasPrefix(firstLine, "#!") {
		fields := strings.Fields(strings.TrimPrefix(firstLine, "#!"))
		if len(fields) > 0 {
			interp := path.Base(fields[0])
			if interp == "env" {
				interp = ""
				// Skip env's options (-S, -i) and variable assignments.
				for _, a := range fields[1:] {
					if !strings.HasPrefix(a, "-") && !strings.Contains(a, "=") {
						interp = a
						break
					}
				}
			}
			interp = strings.TrimRight(interp, "0123456789.")
			if interp == "python" || strings.HasPrefix(interp, "python") {
				return Python
			}
			if l, ok := interpreterLanguages[interp]; ok {
				return l
			}
		}
	}
	return Unknown
}

// IsProgramming reports whether rules about code (not config or prose) apply.
func (l Language) IsProgramming() bool {
	switch l {
	case Unknown, YAML, JSON, TOML, XML, Markdown, Properties, Dotenv, HTML:
		return false
	}
	return true
}

var lockfiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true, "bun.lockb": true,
	"go.sum": true, "go.work.sum": true, "cargo.lock": true, "poetry.lock": true, "pipfile.lock": true, "uv.lock": true,
	"pdm.lock": true, "composer.lock": true, "gemfile.lock": true, "mix.lock": true, "pubspec.lock": true,
	"packages.lock.json": true, "gradle.lockfile": true, "flake.lock": true, "podfile.lock": true,
}

var vendorDirs = map[string]bool{"vendor": true, "node_modules": true, "third_party": true, "third-party": true, "bower_components": true, ".yarn": true}

// Classify tells generated, vendored, lockfile and minified files apart from
// hand-written source, from the path and the lines the diff shows.
func Classify(f *File) Class {
	p := f.Path()
	base := strings.ToLower(path.Base(p))
	if lockfiles[base] {
		return Lockfile
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if vendorDirs[seg] {
			return Vendored
		}
	}
	switch {
	case strings.Contains(base, ".min."), strings.HasSuffix(base, "-min.js"):
		return Minified
	case strings.HasSuffix(base, ".pb.go"), strings.HasSuffix(base, ".pb.gw.go"), strings.HasSuffix(base, "_pb2.py"),
		strings.HasSuffix(base, "_pb2_grpc.py"), strings.HasSuffix(base, ".pb.ts"), strings.HasSuffix(base, "_generated.go"),
		strings.HasSuffix(base, ".gen.go"), strings.HasSuffix(base, ".generated.ts"), strings.HasSuffix(base, ".d.ts"),
		strings.HasSuffix(base, ".snap"), strings.Contains(p, "__snapshots__/"):
		return Generated
	}
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind == Deleted || l.NewLine > 40 {
				continue
			}
			if isGeneratedMarker(l.Text) {
				return Generated
			}
			if (f.Language == JavaScript || strings.HasSuffix(base, ".css")) && len(l.Text) > 2000 {
				return Minified
			}
		}
	}
	return Source
}

func isGeneratedMarker(s string) bool {
	t := strings.TrimSpace(s)
	// Go's convention (https://go.dev/s/generatedcode), also written by
	// generators for other languages with their own comment marker.
	if (strings.HasPrefix(t, "// Code generated ") || strings.HasPrefix(t, "# Code generated ")) &&
		(strings.HasSuffix(t, "DO NOT EDIT.") || strings.HasSuffix(t, "DO NOT EDIT")) {
		return true
	}
	// .NET tooling.
	if strings.HasPrefix(t, "// <auto-generated") {
		return true
	}
	if strings.Contains(t, "@generated") && (strings.HasPrefix(t, "//") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "*")) {
		return true
	}
	return strings.HasPrefix(t, "# Generated by the protocol buffer compiler.  DO NOT EDIT!")
}
