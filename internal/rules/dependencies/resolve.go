package dependencies

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// --- matching an import against one manifest -----------------------------------

// declares reports whether d declares (or is) what imp needs.
func (d *decls) declares(imp *importRef) bool {
	switch imp.eco {
	case ecoGo:
		return goCovered(d.names, imp.spec) || goCovered(d.own, imp.spec)
	case ecoPython:
		return pyDeclared(d, imp)
	case ecoJS:
		return jsDeclared(d, imp)
	case ecoJava:
		return javaDeclared(d.names, imp.spec)
	}
	return false
}

// goCovered reports whether a module in mods provides the package p.
func goCovered(mods map[string]bool, p string) bool {
	for q := p; q != ""; {
		if mods[q] {
			return true
		}
		i := strings.LastIndexByte(q, '/')
		if i < 0 {
			break
		}
		q = q[:i]
	}
	return false
}

// pyCandidates are the normalised distribution names that could provide
// the import: the dotted prefixes themselves (google.cloud.storage is
// google-cloud-storage), the import-name map, and the usual python-x,
// pyx, x-python, x-binary spellings of the top-level name.
func pyCandidates(imp *importRef) []string {
	var out []string
	for _, p := range imp.py {
		out = append(out, normalise(p))
	}
	for k := len(imp.py) - 1; k >= 0; k-- {
		out = append(out, pythonDistributions(imp.py[k])...)
	}
	top := normalise(imp.name)
	out = append(out, "python-"+top, "py"+top, "py-"+top, top+"-python", top+"-py", top+"-binary")
	return out
}

func pyDeclared(d *decls, imp *importRef) bool {
	for _, c := range pyCandidates(imp) {
		if d.names[c] || d.own[c] {
			return true
		}
	}
	for _, p := range imp.py {
		if d.provided[p] {
			return true
		}
	}
	return false
}

func jsDeclared(d *decls, imp *importRef) bool {
	n := imp.name
	if d.names[n] || d.own[n] || d.names["@types/"+typesName(n)] {
		return true
	}
	for _, a := range d.aliases {
		if aliasMatches(a, imp.spec) {
			return true
		}
	}
	return false
}

// typesName is the DefinitelyTyped name of a package: @scope/x is
// @types/scope__x.
func typesName(n string) string {
	if strings.HasPrefix(n, "@") {
		return strings.Replace(n[1:], "/", "__", 1)
	}
	return n
}

// aliasMatches reads a tsconfig paths key: "@app/*" matches "@app/x",
// "config" matches only "config".
func aliasMatches(pattern, spec string) bool {
	if pre, post, ok := strings.Cut(pattern, "*"); ok {
		return len(spec) >= len(pre)+len(post) && strings.HasPrefix(spec, pre) && strings.HasSuffix(spec, post)
	}
	return pattern == spec
}

// javaDeclared matches an import against group ids. Group ids and package
// names only roughly agree (com.fasterxml.jackson.core ships
// com.fasterxml.jackson.databind), so a group covers the packages that
// share its first two parts, three when the second is a hosting or
// umbrella name (io.github.user, org.apache.kafka), plus the known
// mismatches.
func javaDeclared(groups map[string]bool, imp string) bool {
	for g := range groups {
		if strings.HasPrefix(imp+".", g+".") || sharesJavaRoot(g, imp) {
			return true
		}
		for _, p := range javaGroupPackages(g) {
			if strings.HasPrefix(imp+".", p+".") {
				return true
			}
		}
	}
	return false
}

// javaRoot is the part of a Java name that identifies its owner.
func javaRoot(name string) string {
	parts := strings.SplitN(name, ".", 4)
	n := 2
	if len(parts) >= 3 && umbrellaJavaName(parts[1]) {
		n = 3
	}
	if len(parts) < n {
		return ""
	}
	return strings.Join(parts[:n], ".")
}

func sharesJavaRoot(group, imp string) bool {
	r := javaRoot(group)
	return r != "" && strings.HasPrefix(imp+".", r+".")
}

func umbrellaJavaName(s string) bool {
	switch s {
	case "github", "gitlab", "bitbucket", "apache", "eclipse", "googlecode", "sourceforge", "jboss", "codehaus", "amazonaws":
		return true
	}
	return false
}

// javaGroupPackages are the packages a group ships under another root.
func javaGroupPackages(group string) []string {
	switch group {
	case "junit":
		return []string{"org.junit", "junit"}
	case "org.projectlombok":
		return []string{"lombok"}
	case "com.squareup.okhttp3":
		return []string{"okhttp3"}
	case "com.squareup.retrofit2":
		return []string{"retrofit2"}
	case "com.squareup.okio":
		return []string{"okio"}
	case "mysql", "com.mysql":
		return []string{"com.mysql"}
	case "com.h2database":
		return []string{"org.h2"}
	case "io.projectreactor":
		return []string{"reactor"}
	case "io.rest-assured":
		return []string{"io.restassured"}
	case "com.github.ben-manes.caffeine":
		return []string{"com.github.benmanes.caffeine"}
	case "org.apache.httpcomponents", "org.apache.httpcomponents.client5", "org.apache.httpcomponents.core5":
		return []string{"org.apache.http", "org.apache.hc"}
	case "com.google.guava":
		return []string{"com.google.common", "com.google.thirdparty"}
	case "com.googlecode.json-simple":
		return []string{"org.json.simple"}
	case "org.json":
		return []string{"org.json"}
	case "net.java.dev.jna":
		return []string{"com.sun.jna"}
	case "org.springframework.boot":
		// The starters bring these in, and code imports them directly.
		return []string{"org.springframework", "com.fasterxml.jackson", "org.slf4j", "ch.qos.logback", "org.yaml.snakeyaml",
			"org.junit", "org.mockito", "org.assertj", "org.hamcrest", "org.hibernate", "com.jayway.jsonpath", "io.micrometer",
			"reactor", "io.netty", "com.zaxxer.hikari", "org.apache.catalina", "org.apache.tomcat"}
	}
	if rest, ok := strings.CutPrefix(group, "commons-"); ok {
		return []string{"org.apache.commons." + rest}
	}
	return nil
}

// --- the repository and the diff as trees ------------------------------------

// tree answers whether a path exists, in the repository or in the diff.
type tree interface {
	exists(p string) bool
}

// diffTree is every file the diff shows on its new side, and their
// directories.
type diffTree struct {
	files map[string]bool
	dirs  map[string]bool
}

func newDiffTree(paths []string) *diffTree {
	t := &diffTree{files: map[string]bool{}, dirs: map[string]bool{}}
	for _, p := range paths {
		t.files[p] = true
		for d := dirOf(p); d != "" && !t.dirs[d]; d = dirOf(d) {
			t.dirs[d] = true
		}
	}
	return t
}

func (t *diffTree) exists(p string) bool { return p != "" && (t.files[p] || t.dirs[p]) }

// repoTree reads the repository through the review's RepoReader, once per
// path for the whole review.
type repoTree struct {
	run *checks.Run
	ctx context.Context
}

const memoPrefix = "hallucinated-dependency\x00"

type readResult struct {
	data    []byte
	missing bool
	err     error
}

func (t repoTree) read(p string) readResult {
	v, _ := t.run.Memo(memoPrefix+"read\x00"+p, func() (any, error) {
		b, err := t.run.Repo.ReadFile(t.ctx, p)
		switch {
		case err == nil:
			return readResult{data: b}, nil
		case errors.Is(err, fs.ErrNotExist):
			return readResult{missing: true}, nil
		}
		return readResult{err: err}, nil
	})
	r, _ := v.(readResult)
	return r
}

// exists treats any answer but "does not exist" as existing: reading a
// directory fails with another error in both readers, and a failed read
// must make the rule quieter, never louder.
func (t repoTree) exists(p string) bool {
	if p == "" {
		return true
	}
	return !t.read(p).missing
}

// manifest is the parsed manifest at p with what it includes, nil when
// there is none; read and parsed once per review.
func (t repoTree) manifest(p string) *decls {
	v, _ := t.run.Memo(memoPrefix+"manifest\x00"+p, func() (any, error) {
		return t.load(p, 0), nil
	})
	d, _ := v.(*decls)
	return d
}

// manifestNames are the manifests looked for in a directory: every name
// costs the App one request, so the long tail is looked for at the root
// only.
func manifestNames(eco ecosystem, root bool) []string {
	switch eco {
	case ecoGo:
		if root {
			return []string{"go.mod", "go.work"}
		}
		return []string{"go.mod"}
	case ecoPython:
		if !root {
			return []string{"pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "Pipfile"}
		}
		return []string{"pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "Pipfile",
			"requirements-dev.txt", "requirements_dev.txt", "requirements-test.txt", "requirements_test.txt",
			"requirements-tests.txt", "dev-requirements.txt", "test-requirements.txt", "requirements.in", "requirements-dev.in",
			"requirements/base.txt", "requirements/common.txt", "requirements/dev.txt", "requirements/development.txt",
			"requirements/local.txt", "requirements/prod.txt", "requirements/production.txt", "requirements/test.txt"}
	case ecoJS:
		if root {
			return []string{"package.json", "tsconfig.json", "jsconfig.json", "tsconfig.base.json", "pnpm-workspace.yaml"}
		}
		return []string{"package.json", "tsconfig.json", "jsconfig.json"}
	case ecoJava:
		if root {
			return []string{"pom.xml", "build.gradle", "build.gradle.kts", "gradle/libs.versions.toml"}
		}
		return []string{"pom.xml", "build.gradle", "build.gradle.kts"}
	}
	return nil
}

// load reads and parses one manifest and the files it includes, to a
// small depth. A manifest that cannot be read makes its scope opaque.
func (t repoTree) load(p string, depth int) *decls {
	eco, kind := manifestKind(p)
	if kind == "" {
		return nil
	}
	r := t.read(p)
	if r.missing {
		return nil
	}
	if r.err != nil {
		d := newDecls(eco, p)
		d.opaque = true
		return d
	}
	d := parseManifest(p, kind, string(r.data), false)
	if d == nil || depth >= 3 {
		return d
	}
	for _, inc := range d.includes {
		sub := t.load(inc, depth+1)
		if sub == nil {
			continue
		}
		if kind == "go.work" {
			// A workspace's modules are the project's own.
			for m := range sub.own {
				d.own[m] = true
			}
			for m := range sub.names {
				d.names[m] = true
			}
			continue
		}
		c := d.counts
		d.merge(sub)
		d.counts = c || sub.counts
	}
	return d
}

// ancestors lists the directories from the root down to dir, root first.
func ancestors(dir string) []string {
	out := []string{""}
	if dir == "" {
		return out
	}
	parts := strings.Split(dir, "/")
	for i := range parts {
		out = append(out, strings.Join(parts[:i+1], "/"))
	}
	return out
}

// repoVerdict is what the repository says about one import.
type repoVerdict struct {
	// cleared: declared, local, or in a scope the rule cannot judge.
	cleared bool
	// counts is set when a dependency manifest governs the file; manifest
	// names the nearest, for messages.
	counts   bool
	manifest string
}

// judge reads the manifests that govern file, the root's first (shared by
// most files), one at a time, and stops at the first that declares imp:
// for the App every file read is a request. Looking for local code costs
// requests too, so it is left out when no manifest, in the repository or
// in the diff (diffCounts), would let the import be judged anyway.
func (t repoTree) judge(imp *importRef, file string, diffCounts bool) repoVerdict {
	var v repoVerdict
	var seen []*decls
	for _, dir := range ancestors(dirOf(file)) {
		for _, name := range manifestNames(imp.eco, dir == "") {
			d := t.manifest(joinPath(dir, name))
			if d == nil {
				continue
			}
			if d.opaque || d.declares(imp) {
				return repoVerdict{cleared: true}
			}
			if d.counts && preferred(d.path, v.manifest) {
				v.counts, v.manifest = true, d.path
			}
			seen = append(seen, d)
		}
	}
	if !v.counts && !diffCounts {
		return v
	}
	scope := newDecls(imp.eco, "")
	for _, d := range seen {
		scope.merge(d)
	}
	if imp.eco == ecoGo && imp.goStdLike && scope.goMinor > newestGoMinor || local(t, imp, file, scope) ||
		imp.eco == ecoJS && (sameScopeWorkspace(imp.name, scope, nil) || t.workspacePackage(imp.name, scope)) {
		v.cleared = true
	}
	return v
}

// workspacePackage looks for the package.json of a workspace package
// named name under the workspace globs: packages/* holds packages/ui for
// @acme/ui by convention, so only that directory is read.
func (t repoTree) workspacePackage(name string, scope *decls) bool {
	unscoped := name
	if i := strings.IndexByte(name, '/'); i >= 0 {
		unscoped = name[i+1:]
	}
	for _, g := range scope.workspaces {
		dir := g
		if pre, ok := strings.CutSuffix(g, "/**"); ok {
			dir = joinPath(pre, unscoped)
		} else if pre, ok := strings.CutSuffix(g, "/*"); ok {
			dir = joinPath(pre, unscoped)
		} else if strings.ContainsAny(g, "*?[") {
			continue
		}
		d := t.manifest(joinPath(dir, "package.json"))
		if d != nil && d.own[name] {
			return true
		}
	}
	return false
}

// --- local code ----------------------------------------------------------------

// local reports whether imp names code of the repository itself.
func local(t tree, imp *importRef, file string, scope *decls) bool {
	switch imp.eco {
	case ecoPython:
		return pyLocal(t, imp, dirOf(file))
	case ecoJS:
		return jsLocal(t, imp, scope)
	case ecoJava:
		return javaLocal(t, imp, file)
	}
	return false
}

// pyLocal looks for the module as a package directory or a .py file next
// to the importing file, in its parent directories (scripts and tests run
// from there), at the root, and under src/.
func pyLocal(t tree, imp *importRef, dir string) bool {
	roots := ancestors(dir)
	roots = append(roots, "src")
	for _, r := range roots {
		for _, p := range []string{joinPath(r, imp.name), joinPath(r, imp.name+".py")} {
			if p != "" && t.exists(p) {
				return true
			}
		}
	}
	return false
}

// jsLocal resolves a bare specifier against the tsconfig baseUrl
// directories: "components/Button" with baseUrl "src" is src/components.
func jsLocal(t tree, imp *importRef, scope *decls) bool {
	if scope == nil {
		return false
	}
	first, _, _ := strings.Cut(imp.spec, "/")
	for _, base := range scope.baseDirs {
		for _, ext := range []string{"", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".json", ".d.ts"} {
			if p := joinPath(base, first+ext); p != "" && t.exists(p) {
				return true
			}
		}
	}
	return false
}

// javaLocal looks for the imported class in the importing file's source
// root, and treats the packages that share the file's own package root
// (com.acme.* for com.acme.billing) as the project's.
func javaLocal(t tree, imp *importRef, file string) bool {
	pkg, root := javaPathPackage(file)
	if r := javaRoot(pkg); r != "" && strings.HasPrefix(imp.spec+".", r+".") {
		return true
	}
	if root == "" {
		return false
	}
	var parts []string
	for _, p := range strings.Split(imp.spec, ".") {
		parts = append(parts, p)
		if p != "" && 'A' <= p[0] && p[0] <= 'Z' {
			break
		}
	}
	rel := strings.Join(parts, "/")
	for _, ext := range []string{".java", ".kt", ""} {
		if t.exists(joinPath(root, rel+ext)) {
			return true
		}
	}
	return false
}

// inScope reports whether a manifest in dir governs file.
func inScope(dir, file string) bool {
	return dir == "" || strings.HasPrefix(file, dir+"/")
}

// preferred reports whether manifest a is the better one to name in a
// message than b: the one nearer the file, then the main manifest of its
// directory (requirements.txt before requirements-dev.txt).
func preferred(a, b string) bool {
	if b == "" {
		return true
	}
	da, db := strings.Count(a, "/"), strings.Count(b, "/")
	if da != db {
		return da > db
	}
	return manifestRank(a) < manifestRank(b)
}

func manifestRank(p string) int {
	switch path.Base(p) {
	case "go.mod", "package.json", "pom.xml":
		return 0
	case "requirements.txt", "build.gradle", "build.gradle.kts":
		return 1
	case "pyproject.toml":
		return 2
	case "setup.py", "setup.cfg", "Pipfile":
		return 3
	}
	return 4
}
