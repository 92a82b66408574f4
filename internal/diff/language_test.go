package diff

import (
	"strings"
	"testing"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		path, first string
		want        Language
	}{
		{"cmd/app/main.go", "", Go},
		{"svc/app.py", "", Python},
		{"stubs/app.pyi", "", Python},
		{"web/index.js", "", JavaScript},
		{"web/esm.mjs", "", JavaScript},
		{"web/App.jsx", "", JavaScript},
		{"web/app.ts", "", TypeScript},
		{"web/App.tsx", "", TypeScript},
		{"src/Main.java", "", Java},
		{"src/Main.JAVA", "", Java},
		{"app/build.gradle.kts", "", Kotlin},
		{"lib/x.rb", "", Ruby},
		{"public/index.php", "", PHP},
		{"Svc/Program.cs", "", CSharp},
		{"src/x.h", "", C},
		{"src/x.cpp", "", Cpp},
		{"src/lib.rs", "", Rust},
		{"deploy.sh", "", Shell},
		{".github/workflows/ci.yml", "", YAML},
		{"config.yaml", "", YAML},
		{"package.json", "", JSON},
		{"pyproject.toml", "", TOML},
		{"pom.xml", "", XML},
		{"templates/page.html", "", HTML},
		{"main.tf", "", Terraform},
		{"migrations/001.sql", "", SQL},
		{"README.md", "", Markdown},
		{"app.properties", "", Properties},
		// Container files.
		{"Dockerfile", "", Dockerfile},
		{"deploy/Dockerfile.prod", "", Dockerfile},
		{"api.Dockerfile", "", Dockerfile},
		{"Containerfile", "", Dockerfile},
		// Environment files.
		{".env", "", Dotenv},
		{"svc/.env.local", "", Dotenv},
		{".env.production", "", Dotenv},
		{"config/prod.env", "", Dotenv},
		{"Makefile", "", Shell},
		// The extension wins over a shebang.
		{"tool.py", "#!/bin/bash", Python},
		// Shebangs, with env, options, assignments and versions.
		{"bin/tool", "#!/usr/bin/env python3", Python},
		{"bin/tool", "#!/usr/bin/env python3.12", Python},
		{"bin/tool", "#!/usr/bin/python2.7 -u", Python},
		{"bin/tool", "#! /usr/bin/env python", Python},
		{"bin/tool", "#!/usr/bin/env -S uv run --script", Python},
		{"bin/tool", "#!/usr/bin/env PYTHONPATH=. python3", Python},
		{"bin/tool", "#!/usr/bin/env node", JavaScript},
		{"bin/tool", "#!/usr/bin/env -S node --experimental-modules", JavaScript},
		{"bin/tool", "#!/usr/local/bin/node18", JavaScript},
		{"bin/tool", "#!/usr/bin/env -S deno run --allow-net", TypeScript},
		{"bin/tool", "#!/usr/bin/env ts-node", TypeScript},
		{"bin/tool", "#!/bin/bash -euo pipefail", Shell},
		{"bin/tool", "#!/bin/sh", Shell},
		{"bin/tool", "#!/usr/bin/env zsh", Shell},
		{"bin/tool", "#!/usr/bin/env ruby2.7", Ruby},
		{"bin/tool", "#!/usr/bin/php8.2", PHP},
		{"bin/tool", "#!/usr/bin/env", Unknown},
		{"bin/tool", "#!", Unknown},
		{"bin/tool", "#!/usr/bin/perl", Unknown},
		{"bin/tool", "echo hi", Unknown},
		{"LICENSE", "", Unknown},
		{"", "", Unknown},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.path, tt.first); got != tt.want {
			t.Errorf("DetectLanguage(%q, %q) = %q, want %q", tt.path, tt.first, got, tt.want)
		}
	}
}

// DetectLanguage is fed by the reader with the first line of a new file.
func TestReaderDetectsShebang(t *testing.T) {
	in := "diff --git a/bin/deploy b/bin/deploy\nnew file mode 100755\n--- /dev/null\n+++ b/bin/deploy\n@@ -0,0 +1,2 @@\n+#!/usr/bin/env -S python3 -u\n+print('hi')\n" +
		// A hunk that does not start at line 1 cannot show the shebang.
		"diff --git a/bin/other b/bin/other\n--- a/bin/other\n+++ b/bin/other\n@@ -10 +10 @@\n-a\n+b\n"
	files, err := readAll(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Language != Python || files[1].Language != Unknown {
		t.Fatalf("languages: %+v", files)
	}
}

func TestIsProgramming(t *testing.T) {
	for _, l := range []Language{Go, Python, JavaScript, TypeScript, Java, Shell, Dockerfile, SQL, Terraform} {
		if !l.IsProgramming() {
			t.Errorf("%q.IsProgramming() = false", l)
		}
	}
	for _, l := range []Language{Unknown, YAML, JSON, TOML, XML, Markdown, Properties, Dotenv, HTML} {
		if l.IsProgramming() {
			t.Errorf("%q.IsProgramming() = true", l)
		}
	}
}

// fileWith builds an added file at path whose lines are lines.
func fileWith(path string, lines ...string) *File {
	f := &File{NewPath: path, Status: AddedFile}
	h := Hunk{NewStart: 1, NewLines: len(lines)}
	for i, l := range lines {
		h.Lines = append(h.Lines, Line{Kind: Added, NewLine: i + 1, Text: l})
	}
	f.Hunks = []Hunk{h}
	f.Language = DetectLanguage(path, firstLine(f))
	return f
}

func TestClassify(t *testing.T) {
	long := strings.Repeat("var a=1;", 300)
	tests := []struct {
		name string
		f    *File
		want Class
	}{
		{"plain source", fileWith("internal/api/handler.go", "package api"), Source},
		// Lockfiles.
		{"npm lock", fileWith("web/package-lock.json", "{"), Lockfile},
		{"yarn lock", fileWith("yarn.lock", "# yarn lockfile v1"), Lockfile},
		{"pnpm lock", fileWith("pnpm-lock.yaml", "lockfileVersion: '6.0'"), Lockfile},
		{"go.sum", fileWith("go.sum", "github.com/x/y v1.0.0 h1:abc="), Lockfile},
		{"Cargo.lock", fileWith("Cargo.lock", "version = 3"), Lockfile},
		{"poetry lock", fileWith("poetry.lock", "[[package]]"), Lockfile},
		{"Gemfile.lock", fileWith("Gemfile.lock", "GEM"), Lockfile},
		{"composer lock", fileWith("composer.lock", "{"), Lockfile},
		{"go.mod is not a lockfile", fileWith("go.mod", "module x"), Source},
		// Vendored trees.
		{"go vendor", fileWith("vendor/github.com/pkg/errors/errors.go", "package errors"), Vendored},
		{"nested node_modules", fileWith("web/node_modules/lodash/index.js", "module.exports = {}"), Vendored},
		{"third_party", fileWith("third_party/zlib/inflate.c", "int x;"), Vendored},
		{"vendor as a file name", fileWith("pkg/vendor.go", "package pkg"), Source},
		{"vendors dir", fileWith("pkg/vendors/acme.go", "package vendors"), Source},
		// Minified.
		{"min.js", fileWith("static/app.min.js", "!function(){}"), Minified},
		{"min.css", fileWith("static/site.min.css", "a{}"), Minified},
		{"-min.js", fileWith("static/jquery-min.js", "x"), Minified},
		{"long JS line", fileWith("static/bundle.js", long), Minified},
		{"long Go line is not minified", fileWith("table.go", "var t = `"+long+"`"), Source},
		// Generated by name.
		{"pb.go", fileWith("api/v1/service.pb.go", "package v1"), Generated},
		{"pb.gw.go", fileWith("api/v1/service.pb.gw.go", "package v1"), Generated},
		{"pb2", fileWith("api/service_pb2.py", "import x"), Generated},
		{"d.ts", fileWith("types/index.d.ts", "export {}"), Generated},
		{"snapshot", fileWith("src/__snapshots__/App.test.js.snap", "exports[`x`] = 1"), Generated},
		// Generated by content.
		{"go generated marker", fileWith("internal/mocks/store.go", "// Code generated by MockGen. DO NOT EDIT.", "package mocks"), Generated},
		{"stringer marker", fileWith("kind_string.go", `// Code generated by "stringer -type=Kind"; DO NOT EDIT.`, "", "package x"), Generated},
		{"marker after a license", fileWith("gen.go", "// Copyright 2024", "", "// Code generated by protoc-gen-go. DO NOT EDIT.", "package x"), Generated},
		{"python protobuf marker", fileWith("x.py", "# Generated by the protocol buffer compiler.  DO NOT EDIT!", "import x"), Generated},
		{"@generated", fileWith("src/schema.ts", "/* @generated */", "export {}"), Generated},
		{"@generated in a doc comment", fileWith("src/Api.java", "/**", " * @generated", " */"), Generated},
		{"C# auto-generated", fileWith("Svc/Reference.cs", "// <auto-generated />", "namespace Svc {}"), Generated},
		{"marker mentioned in a string", fileWith("lint.go", `const msg = "// Code generated x DO NOT EDIT."`), Source},
		{"marker mentioned mid-comment", fileWith("lint.go", "// files with a `// Code generated ... DO NOT EDIT.` line are skipped"), Source},
		{"@generated in code", fileWith("x.js", `const tag = "@generated";`), Source},
	}
	for _, tt := range tests {
		if got := Classify(tt.f); got != tt.want {
			t.Errorf("%s: Classify(%s) = %v, want %v", tt.name, tt.f.Path(), got, tt.want)
		}
	}

	// The marker must be near the top of the new file.
	late := fileWith("late.go", "package x")
	late.Hunks[0].Lines[0].NewLine = 200
	late.Hunks[0].Lines[0].Text = "// Code generated by x. DO NOT EDIT."
	if got := Classify(late); got != Source {
		t.Errorf("marker at line 200: %v, want source", got)
	}
	// A deleted marker does not make the new file generated.
	removed := fileWith("hand.go", "package x")
	removed.Hunks[0].Lines = append([]Line{{Kind: Deleted, OldLine: 1, Text: "// Code generated by x. DO NOT EDIT."}}, removed.Hunks[0].Lines...)
	if got := Classify(removed); got != Source {
		t.Errorf("deleted marker: %v, want source", got)
	}
}

func TestStringers(t *testing.T) {
	if Added.String() != "added" || Deleted.String() != "deleted" || Context.String() != "context" {
		t.Error("LineKind.String")
	}
	for s, want := range map[Status]string{Modified: "modified", AddedFile: "added", DeletedFile: "deleted", Renamed: "renamed", Copied: "copied"} {
		if s.String() != want {
			t.Errorf("Status %d = %q, want %q", s, s.String(), want)
		}
	}
	for c, want := range map[Class]string{Source: "source", Generated: "generated", Vendored: "vendored", Lockfile: "lockfile", Minified: "minified"} {
		if c.String() != want {
			t.Errorf("Class %d = %q, want %q", c, c.String(), want)
		}
	}
}
