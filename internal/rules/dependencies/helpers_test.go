package dependencies

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestPythonImport(t *testing.T) {
	tests := []struct {
		stmt string
		want []pyModule
	}{
		{"import os", []pyModule{{module: "os"}}},
		{"import numpy as np, pandas", []pyModule{{module: "numpy"}, {module: "pandas"}}},
		{"import a.b.c as d", []pyModule{{module: "a.b.c"}}},
		{"from google.cloud import storage, bigquery as bq", []pyModule{{module: "google.cloud", names: []string{"storage", "bigquery"}}}},
		{"from x import (", []pyModule{{module: "x"}}},
		{"    from fastapi import (Depends,", []pyModule{{module: "fastapi", names: []string{"Depends"}}}},
		{"try: import ujson as json", []pyModule{{module: "ujson"}}},
		{"from . import views", nil},
		{"from .models import User", nil},
		{"from __future__ import annotations", []pyModule{{module: "__future__", names: []string{"annotations"}}}},
		{"important = True", nil},
		{"imports = [x for x in y]", nil},
		{"from_date = 3", nil},
		{"import", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, _ := pythonImport(tt.stmt)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("pythonImport(%q) = %+v, want %+v", tt.stmt, got, tt.want)
		}
	}
}

func TestPythonPrefixesAndCandidates(t *testing.T) {
	imp := importRef{eco: ecoPython, name: "google", py: pythonPrefixes("google.cloud", []string{"storage"})}
	if want := []string{"google", "google.cloud", "google.cloud.storage"}; !slices.Equal(imp.py, want) {
		t.Errorf("prefixes = %v, want %v", imp.py, want)
	}
	c := pyCandidates(&imp)
	if !slices.Contains(c, "google-cloud-storage") {
		t.Errorf("candidates %v lack google-cloud-storage", c)
	}
	yaml := importRef{eco: ecoPython, name: "yaml", py: []string{"yaml"}}
	if c := pyCandidates(&yaml); !slices.Contains(c, "pyyaml") {
		t.Errorf("candidates %v lack pyyaml", c)
	}
}

func TestNormaliseAndRequirementName(t *testing.T) {
	for in, want := range map[string]string{
		"Flask_SQLAlchemy":    "flask-sqlalchemy",
		"ruamel.yaml":         "ruamel-yaml",
		"requests":            "requests",
		"A__b--C":             "a-b-c",
		"fastapi[all]>=0.110": "fastapi",
		"uvicorn[standard] ; python_version>'3.8'":           "uvicorn",
		"mylib @ git+https://github.com/acme/mylib.git":      "mylib",
		"git+https://github.com/acme/tool.git#egg=acme_tool": "acme-tool",
		"https://example.org/pkg-1.0.tar.gz":                 "",
		"./libs/shared_utils":                                "shared-utils",
		"":                                                   "",
	} {
		got := requirementName(in)
		if in == "Flask_SQLAlchemy" || in == "ruamel.yaml" || in == "A__b--C" {
			got = normalise(in)
		}
		if got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

func TestParseRequirements(t *testing.T) {
	d := parseRequirements("svc/requirements.txt", `# comment
--index-url https://pypi.example/simple
Django>=5.0  # web
-r base.txt
--requirement=../common/reqs.txt
-e git+https://github.com/acme/lib.git#egg=acme-lib
-e .
numpy==1.26; python_version >= "3.9"
`)
	if got, want := keys(d.names), []string{"acme-lib", "django", "numpy"}; !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	if want := []string{"svc/base.txt", "common/reqs.txt"}; !slices.Equal(d.includes, want) {
		t.Errorf("includes = %v, want %v", d.includes, want)
	}
	if !d.counts || !d.provided["asgiref"] {
		t.Errorf("counts %v provided %v", d.counts, keys(d.provided))
	}
}

func TestParsePyproject(t *testing.T) {
	d := parsePyproject("pyproject.toml", `
[project]
name = "Acme_Tool"
dependencies = [
  "httpx>=0.27",  # client
  "pydantic[email]>=2,<3",
  'rich',
]

[project.optional-dependencies]
ml = ["torch", "scikit-learn>=1.4"]

[dependency-groups]
dev = ["pytest", {include-group = "lint"}]

[tool.poetry.group.docs.dependencies]
mkdocs = "^1.5"

[tool.black]
line-length = 100
`)
	want := []string{"httpx", "mkdocs", "pydantic", "pytest", "rich", "scikit-learn", "torch"}
	if got := keys(d.names); !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	if !d.counts || !d.own["acme-tool"] {
		t.Errorf("counts %v own %v", d.counts, keys(d.own))
	}
	tool := parsePyproject("pyproject.toml", "[tool.ruff]\nline-length = 110\n")
	if tool.counts {
		t.Error("a tool-only pyproject counts as a manifest")
	}
	dyn := parsePyproject("pyproject.toml", "[project]\nname = \"x\"\ndynamic = [\"version\", \"dependencies\"]\n")
	if dyn.counts {
		t.Error("dynamic dependencies count as declared")
	}
	poetry := parsePyproject("pyproject.toml", "[tool.poetry]\npackages = [{ include = \"my_pkg\", from = \"src\" }]\n[tool.poetry.dependencies]\npython = \"^3.11\"\nrequests = \"^2.31\"\n")
	if got := keys(poetry.names); !poetry.counts || !slices.Equal(got, []string{"requests"}) || !poetry.own["my-pkg"] {
		t.Errorf("poetry: counts %v names %v own %v", poetry.counts, got, keys(poetry.own))
	}
}

func TestParseSetupCfgAndSetupPy(t *testing.T) {
	cfg := parseSetupCfg("setup.cfg", `[metadata]
name = acme-cli

[options]
packages = find:
install_requires =
    click>=8
    requests ; python_version >= "3.8"
python_requires = >=3.9

[options.extras_require]
yaml = PyYAML
`)
	if got, want := keys(cfg.names), []string{"click", "pyyaml", "requests"}; !cfg.counts || !slices.Equal(got, want) {
		t.Errorf("setup.cfg: counts %v names %v, want %v", cfg.counts, got, want)
	}
	if f := parseSetupCfg("setup.cfg", "[options]\ninstall_requires = file: requirements.in\n"); !f.opaque {
		t.Error("install_requires = file: is not opaque")
	}

	py := parseSetupPy("setup.py", `from setuptools import setup
setup(
    name="acme",
    install_requires=["boto3>=1.34", 'tenacity'],  # runtime
    extras_require={"test": ["pytest"]},
)
`)
	if got, want := keys(py.names), []string{"boto3", "pytest", "tenacity"}; !slices.Equal(got, want) || py.opaque {
		t.Errorf("setup.py: names %v opaque %v", got, py.opaque)
	}
	computed := parseSetupPy("setup.py", "from setuptools import setup\nsetup(install_requires=read_requirements('requirements.txt'))\n")
	if !computed.opaque {
		t.Error("a computed install_requires is not opaque")
	}
}

func TestParsePackageJSONAndTsconfig(t *testing.T) {
	d := parsePackageJSON("web/package.json", `{"name": "@acme/web", "dependencies": {"react": "18"}, "devDependencies": {"@types/node": "20"},
"workspaces": {"packages": ["packages/*"]}}`, false)
	if got := keys(d.names); !slices.Equal(got, []string{"@types/node", "react"}) || !d.own["@acme/web"] {
		t.Errorf("names %v own %v", got, keys(d.own))
	}
	if !slices.Equal(d.workspaces, []string{"web/packages/*"}) {
		t.Errorf("workspaces %v", d.workspaces)
	}
	// The few lines a diff shows of a modified package.json.
	p := parsePackageJSON("package.json", "    \"express\": \"^4.19.2\",\n    \"@scope/pkg\": \"1.0.0\",\n", true)
	if got := keys(p.names); !slices.Equal(got, []string{"@scope/pkg", "express"}) {
		t.Errorf("partial names %v", got)
	}
	tc := parseTsconfig("apps/web/tsconfig.json", `{
  // comment with "quotes" and a , before }
  "extends": "../../tsconfig.base",
  "compilerOptions": {
    "baseUrl": "./src", /* block */
    "paths": { "@/*": ["./*"], "~utils": ["utils/index.ts"], "*": ["types/*"], },
  },
}`)
	sort.Strings(tc.aliases)
	if !slices.Equal(tc.aliases, []string{"@/*", "~utils"}) || !slices.Equal(tc.baseDirs, []string{"apps/web/src", "apps/web/src/types"}) {
		t.Errorf("aliases %v baseDirs %v", tc.aliases, tc.baseDirs)
	}
	if !slices.Equal(tc.includes, []string{"tsconfig.base.json"}) {
		t.Errorf("includes %v", tc.includes)
	}
}

func TestParseGoModAndWork(t *testing.T) {
	d := parseGoMod("go.mod", `module example.com/app // the app

go 1.23.4

require github.com/a/b v1.0.0
require (
	golang.org/x/sync v0.7.0 // indirect
)
replace (
	github.com/old/x => github.com/new/x v1.2.0
	example.com/local => ../local
)
`)
	if got, want := keys(d.names), []string{"example.com/local", "github.com/a/b", "github.com/new/x", "github.com/old/x", "golang.org/x/sync"}; !slices.Equal(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
	if !d.own["example.com/app"] || d.goMinor != 23 {
		t.Errorf("own %v goMinor %d", keys(d.own), d.goMinor)
	}
	w := parseGoWork("go.work", "go 1.22\nuse (\n\t./api\n\t.\n)\nuse ./tools\n")
	if want := []string{"api/go.mod", "go.mod", "tools/go.mod"}; !slices.Equal(w.includes, want) || w.counts {
		t.Errorf("go.work includes %v counts %v", w.includes, w.counts)
	}
	if !goCovered(d.names, "github.com/a/b/sub/pkg") || goCovered(d.names, "github.com/a/bc") {
		t.Error("goCovered prefix matching")
	}
}

func TestJavaManifestsAndMatching(t *testing.T) {
	g := parseGradle("build.gradle", `plugins { id 'org.springframework.boot' version '3.2.0' }
group = 'io.acme'
dependencies {
    implementation "com.squareup.okhttp3:okhttp:4.12.0"
    implementation group: 'org.apache.commons', name: 'commons-text', version: '1.11.0'
    testImplementation libs.junit
}`)
	want := []string{"com.squareup.okhttp3", "io.acme", "org.apache.commons", "org.springframework.boot"}
	if got := keys(g.names); !slices.Equal(got, want) {
		t.Errorf("gradle names %v, want %v", got, want)
	}
	tests := []struct {
		imp  string
		want bool
	}{
		{"okhttp3.OkHttpClient", true},
		{"org.apache.commons.text.StringEscapeUtils", true},
		{"org.apache.kafka.clients.KafkaClient", false}, // apache is an umbrella
		{"com.fasterxml.jackson.databind.ObjectMapper", true},
		{"com.stripe.Stripe", false},
		{"io.acme.billing.Invoice", true},
	}
	for _, tt := range tests {
		if got := javaDeclared(g.names, tt.imp); got != tt.want {
			t.Errorf("javaDeclared(%s) = %v, want %v", tt.imp, got, tt.want)
		}
	}
	if imp, ok := javaImport("import static org.junit.Assert.*;"); !ok || imp != "org.junit.Assert" {
		t.Errorf("static import = %q %v", imp, ok)
	}
	if pkg, root := javaPathPackage("svc/src/main/java/com/acme/x/Y.java"); pkg != "com.acme.x" || root != "svc/src/main/java" {
		t.Errorf("path package %q root %q", pkg, root)
	}
}

func TestNpmPackage(t *testing.T) {
	tests := map[string]string{
		"lodash/fp":                 "lodash",
		"@scope/pkg/sub/path":       "@scope/pkg",
		"react":                     "react",
		"./local":                   "",
		"../up":                     "",
		"node:fs":                   "",
		"fs/promises":               "",
		"crypto":                    "",
		"@/components/Button":       "",
		"~/utils":                   "",
		"#internal/x":               "",
		"virtual:pwa-register":      "",
		"https://cdn.skypack.dev/x": "",
		"raw-loader!./file.txt":     "",
		"./x.svg?react":             "",
		"Components/Header":         "",
		"@scope":                    "",
		"":                          "",
		"zone.js":                   "zone.js",
	}
	for spec, want := range tests {
		got, ok := npmPackage(spec)
		if got != want || ok != (want != "") {
			t.Errorf("npmPackage(%q) = %q %v, want %q", spec, got, ok, want)
		}
	}
}

func TestJSSpecifiers(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`import x, { y } from 'pkg-a';`, []string{"pkg-a"}},
		{`export * from "pkg-b"`, []string{"pkg-b"}},
		{`} from 'pkg-c';`, []string{"pkg-c"}},
		{`import 'polyfill';`, []string{"polyfill"}},
		{`const a = require('pkg-d'), b = require("pkg-e");`, []string{"pkg-d", "pkg-e"}},
		{`const m = await import('pkg-f');`, []string{"pkg-f"}},
		{`const p = require.resolve('pkg-g');`, nil},
		{`const b = Buffer.from('abc');`, nil},
		{`foo.import('x');`, nil},
		{`// import x from 'pkg-h'`, nil},
		{`const s = "import x from 'pkg-i'";`, nil},
		{`log('done'); import 'late';`, nil},
	}
	for _, tt := range tests {
		code := checks.MaskCode(diff.JavaScript, []string{tt.line})[0]
		if got := jsSpecifiers(tt.line, code); !slices.Equal(got, tt.want) {
			t.Errorf("jsSpecifiers(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestBlankComments(t *testing.T) {
	in := []string{`import ( // std`, `/* "github.com/x/y"`, `still comment */ "fmt"`, `"net/url" // "a//b"`, `x := "//not"`, `	// licence`}
	lines := make([]diff.Line, len(in))
	for i, s := range in {
		lines[i] = diff.Line{Text: s}
	}
	got := blankComments(lines)
	want := []string{`import (       `, strings.Repeat(" ", len(in[1])), `                 "fmt"`, `"net/url"          `, `x := "//not"`, ""}
	if !slices.Equal(got, want) {
		t.Errorf("blankComments = %q, want %q", got, want)
	}
}

func TestMiscHelpers(t *testing.T) {
	for p, want := range map[string]bool{
		"requirements.txt": true, "requirements-dev.txt": true, "dev-requirements.txt": true,
		"requirements/prod.txt": true, "requirements.in": true, "docs/notes.txt": false, "requirements.md": false,
	} {
		if got := isRequirementsFile(p); got != want {
			t.Errorf("isRequirementsFile(%q) = %v", p, got)
		}
	}
	for _, tt := range []struct {
		pattern, spec string
		want          bool
	}{
		{"@lib/*", "@lib/db", true}, {"@lib/*", "@library", false}, {"config", "config", true}, {"config", "config/x", false},
		{"*.css", "theme.css", true},
	} {
		if got := aliasMatches(tt.pattern, tt.spec); got != tt.want {
			t.Errorf("aliasMatches(%q, %q) = %v", tt.pattern, tt.spec, got)
		}
	}
	if got := ancestors("a/b/c"); !slices.Equal(got, []string{"", "a", "a/b", "a/b/c"}) {
		t.Errorf("ancestors = %v", got)
	}
	if joinPath("a", "../../x") != "" || joinPath("", "go.mod") != "go.mod" {
		t.Error("joinPath must stay inside the repository")
	}
	if typesName("@scope/pkg") != "scope__pkg" {
		t.Error("typesName")
	}
	if !strings.HasPrefix(stripTomlComment(`a = "#x" # c`), `a = "#x" `) {
		t.Error("stripTomlComment")
	}
	if !preferred("svc/requirements.txt", "pyproject.toml") || !preferred("requirements.txt", "requirements-dev.txt") {
		t.Error("preferred")
	}
	if !isPythonStdlib("tomllib") || isPythonStdlib("requests") || !isNodeBuiltin("fs/promises") || !isNodePrefixOnly("test") ||
		!isGoStdlib("net/http/httptest") || isGoStdlib("crypto/argon2") {
		t.Error("standard-library tables")
	}
}
