package dependencies

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// memRepo is a repository at the reviewed revision, held in memory.
// Directories exist when a file lies below them, and reading one fails as
// it does in the real readers (with an error that is not ErrNotExist).
type memRepo struct {
	files map[string]string
	reads atomic.Int64
}

func (m *memRepo) ReadFile(_ context.Context, p string) ([]byte, error) {
	m.reads.Add(1)
	if s, ok := m.files[p]; ok {
		return []byte(s), nil
	}
	for f := range m.files {
		if strings.HasPrefix(f, p+"/") {
			return nil, fmt.Errorf("read %s: is a directory", p)
		}
	}
	return nil, fmt.Errorf("read %s: %w", p, fs.ErrNotExist)
}

// failingRepo fails every read, as an API outage would.
type failingRepo struct{}

func (failingRepo) ReadFile(context.Context, string) ([]byte, error) {
	return nil, errors.New("502 bad gateway")
}

func run(t *testing.T, repo checks.RepoReader, diffText string) []checks.Finding {
	t.Helper()
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	e := checks.NewEngine(reg, checks.Options{Workers: 2, Repo: repo})
	res, err := e.Run(context.Background(), diff.NewReader(strings.NewReader(diffText)))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// added builds a git diff adding the files (path, content pairs).
func added(files ...string) string {
	var b bytes.Buffer
	for i := 0; i+1 < len(files); i += 2 {
		if err := fixture.WriteAddedFile(&b, files[i], []byte(files[i+1])); err != nil {
			panic(err)
		}
	}
	return b.String()
}

// lines renders findings as path:line:severity for comparison.
func lines(fs []checks.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%s", f.Path, f.StartLine, f.Severity))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestRepoPython(t *testing.T) {
	repo := &memRepo{files: map[string]string{
		"requirements.txt":       "fastapi\nrequests>=2\n-r requirements/extra.txt\n",
		"requirements/extra.txt": "PyYAML\n",
		"app/__init__.py":        "",
		"app/db.py":              "",
		"scripts/helpers.py":     "",
		"src/mylib/core.py":      "",
		"ns/pkg/mod.py":          "", // a namespace package: no __init__.py
	}}
	code := `import os
import fastapi
import yaml
import requests_oauth3
from app import db
from ns.pkg import mod
import helpers
import mylib.core
import huggingface_hub_utils  # prodready:ignore hallucinated-dependency -- vendored wheel installed by the Dockerfile
`
	got := lines(run(t, repo, added("scripts/job.py", code, "tests/test_job.py", "import requests_oauth3\n")))
	want := "scripts/job.py:4:warning tests/test_job.py:1:notice"
	if got != want {
		t.Errorf("findings = %q, want %q", got, want)
	}
}

func TestRepoNilOrNoManifestIsQuiet(t *testing.T) {
	d := added("main.py", "import requests_oauth3\n", "web/index.js", "import x from 'express-rate-limiter-pro';\n")
	if fs := run(t, nil, d); len(fs) != 0 {
		t.Errorf("no repository: %v", lines(fs))
	}
	if fs := run(t, &memRepo{files: map[string]string{"README.md": "hi"}}, d); len(fs) != 0 {
		t.Errorf("repository without manifests: %v", lines(fs))
	}
	// A pyproject.toml holding only tool settings declares nothing.
	repo := &memRepo{files: map[string]string{"pyproject.toml": "[tool.black]\nline-length = 100\n"}}
	if fs := run(t, repo, d); len(fs) != 0 {
		t.Errorf("tool-only pyproject: %v", lines(fs))
	}
	// A read that fails for another reason than "missing" is no verdict.
	if fs := run(t, failingRepo{}, d); len(fs) != 0 {
		t.Errorf("failing repository: %v", lines(fs))
	}
}

// A pull request that adds an import and declares it: the repository at
// the head revision already holds the new requirement.
func TestImportAddedWithItsDependency(t *testing.T) {
	d := `diff --git a/requirements.txt b/requirements.txt
index 1111111..2222222 100644
--- a/requirements.txt
+++ b/requirements.txt
@@ -1,2 +1,3 @@
 fastapi
 requests
+httpx>=0.27
diff --git a/app/client.py b/app/client.py
index 3333333..4444444 100644
--- a/app/client.py
+++ b/app/client.py
@@ -1,2 +1,3 @@
 import fastapi
+import httpx
 import requests
`
	head := &memRepo{files: map[string]string{"requirements.txt": "fastapi\nrequests\nhttpx>=0.27\n", "app/client.py": ""}}
	if fs := run(t, head, d); len(fs) != 0 {
		t.Errorf("head declares httpx: %v", lines(fs))
	}
	// A working tree that lags behind the diff (the CLI run before the
	// change is checked out): the requirement the diff adds still counts.
	stale := &memRepo{files: map[string]string{"requirements.txt": "fastapi\nrequests\n"}}
	if fs := run(t, stale, d); len(fs) != 0 {
		t.Errorf("diff adds httpx to requirements.txt: %v", lines(fs))
	}
	// Without the requirement line the same import is reported.
	without := strings.Replace(d, "+httpx>=0.27\n", " gunicorn\n", 1)
	without = strings.Replace(without, "@@ -1,2 +1,3 @@\n fastapi", "@@ -1,3 +1,3 @@\n fastapi", 1)
	if got := lines(run(t, stale, without)); got != "app/client.py:2:warning" {
		t.Errorf("undeclared httpx: %q", got)
	}
}

// Imports on context lines are code the project already runs: a package
// they use is established, declared or not (a transitive dependency), and
// a new import of it is no invention.
func TestEstablishedByExistingCode(t *testing.T) {
	repo := &memRepo{files: map[string]string{"requirements.txt": "gcs-oauth2-boto-plugin\n"}}
	d := `diff --git a/gslib/copy.py b/gslib/copy.py
index 1111111..2222222 100644
--- a/gslib/copy.py
+++ b/gslib/copy.py
@@ -1,3 +1,9 @@
 import boto
+from boto.s3.key import Key
+import boto3_turbo
+try:
+    import ujson as json
+except ImportError:
+    import simplejson as json
 
 def copy(src, dst):
`
	if got := lines(run(t, repo, d)); got != "gslib/copy.py:3:warning" {
		t.Errorf("findings = %q", got)
	}
}

// The diff adds the project's first manifest; the repository holds the
// local module the new code imports.
func TestNewManifestAndRepoLocalModule(t *testing.T) {
	repo := &memRepo{files: map[string]string{"utils.py": "", "app.py": ""}}
	d := added("requirements.txt", "flask\n", "app.py", "import flask\nimport utils\nimport flask_turbo_cache\n")
	if got := lines(run(t, repo, d)); got != "app.py:3:warning" {
		t.Errorf("findings = %q", got)
	}
}

func TestRepoGo(t *testing.T) {
	repo := &memRepo{files: map[string]string{
		"go.mod":       "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.0.12\n)\nreplace example.com/old => ./old\n",
		"go.work":      "go 1.22\n\nuse (\n\t.\n\t./tools\n)\n",
		"tools/go.mod": "module example.com/tools\n\nrequire golang.org/x/tools v0.20.0\n",
	}}
	// A hunk inside a long import block: git names the block in the hunk
	// header, and neither "import" nor its opening line is shown.
	d := `diff --git a/cmd/api/main.go b/cmd/api/main.go
index 1111111..2222222 100644
--- a/cmd/api/main.go
+++ b/cmd/api/main.go
@@ -10,6 +10,10 @@ import (
 	"net/http"
 	"os"
 
+	"crypto/argon2"
+	"example.com/svc/internal/auth"
+	"example.com/tools/gen"
+	"github.com/acme/quickjson"
 	"github.com/go-chi/chi/v5"
 	"github.com/go-chi/chi/v5/middleware"
 	"github.com/sirupsen/logrus"
`
	if got := lines(run(t, repo, d)); got != "cmd/api/main.go:13:warning cmd/api/main.go:16:warning" {
		t.Errorf("findings = %q", got)
	}
	// A module asking for a newer Go than the shipped list may use std
	// packages the list does not know yet.
	repo.files["go.mod"] = strings.Replace(repo.files["go.mod"], "go 1.22", "go 1.30", 1)
	if got := lines(run(t, repo, d)); got != "cmd/api/main.go:16:warning" {
		t.Errorf("go 1.30: findings = %q", got)
	}
}

func TestRepoJS(t *testing.T) {
	repo := &memRepo{files: map[string]string{
		"package.json":                       `{"name": "@acme/root", "private": true, "workspaces": ["packages/*", "apps/web"], "devDependencies": {"typescript": "5"}}`,
		"tsconfig.base.json":                 `{"compilerOptions": {"paths": {"@shared/*": ["packages/shared/src/*"]}}}`,
		"packages/widgets/package.json":      `{"name": "@acme/widgets"}`,
		"packages/kit/package.json":          `{"name": "tool-kit"}`,
		"apps/web/package.json":              `{"name": "web", "dependencies": {"react": "18", "@tanstack/react-query": "5"}, "devDependencies": {"@types/lodash": "4"}}`,
		"apps/web/tsconfig.json":             `{"extends": "../../tsconfig.base.json", "compilerOptions": {"baseUrl": "src"}}`,
		"apps/web/src/components/Button.tsx": "",
	}}
	code := `import React from 'react';
import { useQuery } from '@tanstack/react-query/build/legacy';
import { Card } from '@acme/widgets';
import kit from 'tool-kit';
import { fmt } from '@shared/format';
import Button from 'components/Button';
import _ from 'lodash';
import fs from 'node:fs';
import { test } from 'node:test';
import 'zone.js';
const cfg = require("config-loader-plus");
`
	got := lines(run(t, repo, added("apps/web/src/app.tsx", code)))
	// tool-kit lives in packages/kit: without a directory listing the rule
	// only finds workspace packages whose directory bears their name, or
	// that share the importer's npm scope. Declaring the workspace
	// dependency ("tool-kit": "workspace:*") clears it.
	if got != "apps/web/src/app.tsx:10:warning apps/web/src/app.tsx:11:warning apps/web/src/app.tsx:4:warning" {
		t.Errorf("findings = %q", got)
	}
}

func TestRepoJava(t *testing.T) {
	repo := &memRepo{files: map[string]string{
		"pom.xml":           "<project><groupId>com.acme</groupId><dependencies><dependency><groupId>com.squareup.okhttp3</groupId></dependency><dependency><groupId>junit</groupId></dependency></dependencies></project>",
		"core/build.gradle": "dependencies { implementation 'org.apache.commons:commons-lang3:3.14.0' }\n",
		"core/src/main/java/org/shared/Util.java": "",
	}}
	code := `package com.acme.core;

import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.Test;
import org.apache.commons.lang3.StringUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.shared.Util;
import com.acme.common.Money;
`
	got := lines(run(t, repo, added("core/src/main/java/com/acme/core/Pricing.java", code)))
	if got != "core/src/main/java/com/acme/core/Pricing.java:7:notice" {
		t.Errorf("findings = %q", got)
	}
}

// The manifests are read once per review, however many files ask.
func TestManifestsReadOncePerReview(t *testing.T) {
	repo := &memRepo{files: map[string]string{"requirements.txt": "requests\n"}}
	var files []string
	for i := range 40 {
		files = append(files, fmt.Sprintf("pkg/m%d.py", i), "import requests\nimport requests_oauth3\n")
	}
	fs := run(t, repo, added(files...))
	if len(fs) != 40 {
		t.Fatalf("%d findings, want 40", len(fs))
	}
	// 22 manifest names at the root, 5 in pkg/, and 6 looks for a local
	// requests_oauth3 (a directory or a .py file in pkg/, the root, src/):
	// the same for 40 files as for one.
	if n := repo.reads.Load(); n != 33 {
		t.Errorf("%d reads for 40 files importing the same packages, want 33", n)
	}
}

func TestFixtures(t *testing.T) {
	fixture.RequireExact(t, Rules(), filepath.Join("..", "..", "..", "fixtures", "rules"))
}
