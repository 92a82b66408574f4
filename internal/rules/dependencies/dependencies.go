// Package dependencies holds the supply-chain rules: imports of packages
// the project does not declare, which AI assistants invent and attackers
// then register ("slopsquatting").
package dependencies

//go:generate go run gen.go

import (
	"fmt"
	"path"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// Rules returns the rules of this package.
func Rules() []checks.Rule { return []checks.Rule{NewHallucinatedDependency()} }

// newestGoMinor is the Go release whose standard library data/go_stdlib.txt
// lists: a module that asks for a newer Go may import packages the list
// does not know yet.
const newestGoMinor = 26

// HallucinatedDependency reports added imports that are neither standard
// library, nor code of the repository, nor declared in its manifests.
//
// It is a diff rule because the evidence comes from two places, combined
// as a union: the manifests and files the diff itself shows (new manifests
// in full, the visible lines of modified ones, every path it adds, the
// imports existing code makes on context lines), and the repository at the
// reviewed revision through checks.Run.Repo. Observe only collects; Conclude
// clears what the diff explains and then asks the repository about the
// rest, one manifest at a time, so that the App spends requests only on
// imports the diff leaves open. An import is reported when a dependency
// manifest governs its file (one the diff adds, or one in the repository)
// and neither source declares or provides it. A manifest the diff only
// modifies can clear an import but not, alone, make it judged: the lines
// it does not show may declare anything.
//
// The rule never touches the network: whether a package exists in its
// registry, and how old it is (the catalogue's network mode, at failure
// level), is out of its scope.
type HallucinatedDependency struct{ checks.Described }

// NewHallucinatedDependency returns the rule.
func NewHallucinatedDependency() *HallucinatedDependency {
	return &HallucinatedDependency{checks.Described{M: checks.Meta{
		ID:      "hallucinated-dependency",
		Family:  "ai-hygiene",
		Title:   "Import of an undeclared package",
		Summary: "An added import names a package that is not in the standard library, not in the repository and not declared in its go.mod, package.json, requirements/pyproject or pom.xml/build.gradle: possibly invented by an AI assistant (slopsquatting risk).",
		// Every language: the manifests (go.mod, requirements.txt,
		// package.json, pom.xml) must be observed too.
		Severity: checks.Warning,
	}}}
}

// observation is what the rule keeps of one file: a manifest's
// declarations, or a source file's unexplained imports.
type observation struct {
	path     string
	eco      ecosystem
	manifest *decls
	isNew    bool
	// javaPkg is the package a Java file declares or its path implies.
	javaPkg string
	// established are the owners (ownerKey) of the packages that context
	// lines import: code already in use, however its package is provided.
	established []string
	imports     []importRef
	// repo reads the repository under review; nil when there is none.
	repo *repoTree
}

// Observe implements checks.DiffRule.
func (r *HallucinatedDependency) Observe(fc *checks.FileContext) any {
	f := fc.File
	if f == nil || f.NewPath == "" || f.Status == diff.DeletedFile {
		return nil
	}
	p := f.NewPath
	if eco, kind := manifestKind(p); kind != "" {
		d := parseManifest(p, kind, newSideText(fc), f.Status != diff.AddedFile)
		if d == nil {
			return nil
		}
		return &observation{path: p, eco: eco, manifest: d, isNew: f.Status == diff.AddedFile}
	}
	eco := ecosystemOf(f.Language)
	if eco == 0 || vendoredPath(p) {
		return nil
	}
	o := &observation{path: p, eco: eco}
	if eco == ecoJava {
		o.javaPkg = javaPackage(fc)
	}
	imps := scanImports(fc, eco, r.M.ID)
	if len(imps) == 0 {
		return o
	}
	for i := range imps {
		if imps[i].existing {
			o.established = append(o.established, ownerKey(&imps[i]))
			continue
		}
		o.imports = append(o.imports, imps[i])
	}
	if len(o.imports) > 0 && fc.Run != nil && fc.Run.Repo != nil {
		// Conclude reads the repository, and only for imports the diff
		// itself does not explain: for the App every read is a request.
		o.repo = &repoTree{run: fc.Run, ctx: fc.Ctx}
	}
	return o
}

// vendoredPath catches the vendoring directories the engine's classifier
// does not know (pip's _vendor, gsutil's vendored): code copied in is
// imported through its own, unread, dependency list.
func vendoredPath(p string) bool {
	for _, dir := range []string{"vendored/", "_vendor/", "_vendored/", "site-packages/", "dist-packages/"} {
		if strings.HasPrefix(p, dir) || strings.Contains(p, "/"+dir) {
			return true
		}
	}
	return false
}

// ownerKey is the part of an import that one package provides: the Go
// repository (host/owner/repo), the Python top-level module, the npm
// package, the Java root (com.acme).
func ownerKey(imp *importRef) string {
	switch imp.eco {
	case ecoGo:
		parts := strings.SplitN(imp.spec, "/", 4)
		return strings.Join(parts[:min(len(parts), 3)], "/")
	case ecoJava:
		return javaRoot(imp.spec)
	}
	return imp.name
}

// newSideText is the file as far as the diff shows it: every context and
// added line, hunk after hunk (the whole file when the diff adds it).
func newSideText(fc *checks.FileContext) string {
	var b strings.Builder
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// javaPackage is the package a Java file declares in the lines the diff
// shows, or the one its path below a source root implies.
func javaPackage(fc *checks.FileContext) string {
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			if l.NewLine > 60 {
				break
			}
			// A package clause inside a comment starts with // or *.
			if strings.Contains(l.Text, "package") {
				if p, ok := javaPackageLine(l.Text); ok {
					return strings.Clone(p)
				}
			}
		}
	}
	pkg, _ := javaPathPackage(fc.File.NewPath)
	return pkg
}

// Conclude implements checks.DiffRule.
func (r *HallucinatedDependency) Conclude(obs []checks.Observation) []checks.Finding {
	var (
		manifests []*observation
		sources   []*observation
		paths     []string
		goOwn     = map[string]bool{}
		jsOwn     = map[string]bool{}
		javaRoots = map[string]bool{}
		// established[eco] holds the owners imported by existing code.
		established = map[ecosystem]map[string]bool{ecoGo: {}, ecoPython: {}, ecoJS: {}, ecoJava: {}}
	)
	for _, ob := range obs {
		o, ok := ob.Data.(*observation)
		if !ok {
			continue
		}
		paths = append(paths, o.path)
		if o.manifest != nil {
			manifests = append(manifests, o)
			for k := range o.manifest.own {
				switch o.eco {
				case ecoGo:
					goOwn[k] = true
				case ecoJS:
					jsOwn[k] = true
				}
			}
			continue
		}
		for _, k := range o.established {
			established[o.eco][k] = true
		}
		if o.javaPkg != "" {
			if root := javaRoot(o.javaPkg); root != "" {
				javaRoots[root] = true
			}
		}
		if len(o.imports) > 0 {
			sources = append(sources, o)
		}
	}
	if len(sources) == 0 {
		return nil
	}
	tree := newDiffTree(paths)
	// Python code also imports modules that sys.path tweaks make visible
	// (sys.path.append("test/lib")): any module or package of that name
	// the diff adds is taken as local.
	pyNames, goDirs := map[string]bool{}, map[string]bool{}
	for _, p := range paths {
		if strings.HasSuffix(p, ".go") {
			goDirs[dirOf(p)] = true
		}
		if strings.HasSuffix(p, ".py") {
			pyNames[strings.TrimSuffix(path.Base(p), ".py")] = true
			for _, seg := range strings.Split(dirOf(p), "/") {
				pyNames[seg] = true
			}
		}
	}
	empty := newDecls(0, "")
	var out []checks.Finding
	var governing []*observation
	for _, o := range sources {
		governing = governing[:0]
		for _, m := range manifests {
			if m.eco == o.eco && inScope(m.manifest.dir, o.path) {
				governing = append(governing, m)
			}
		}
		scope, counts, manifest, opaque := empty, false, "", false
		if len(governing) > 0 {
			scope = newDecls(o.eco, "")
		}
		for _, m := range governing {
			scope.merge(m.manifest)
			opaque = opaque || m.manifest.opaque
			// A manifest the diff modifies shows only some of its lines:
			// it can clear an import, never condemn one.
			if m.isNew && m.manifest.counts {
				counts = true
				if preferred(m.path, manifest) {
					manifest = m.path
				}
			}
		}
		if opaque {
			continue
		}
		for i := range o.imports {
			c := &o.imports[i]
			if established[c.eco][ownerKey(c)] || scope.declares(c) || local(tree, c, o.path, scope) {
				continue
			}
			switch c.eco {
			case ecoGo:
				if goCovered(goOwn, c.spec) || goLocalDir(goDirs, c.spec) || c.goStdLike && scope.goMinor > newestGoMinor {
					continue
				}
			case ecoJS:
				if jsOwn[c.name] || sameScopeWorkspace(c.name, scope, jsOwn) {
					continue
				}
			case ecoJava:
				if javaRoots[javaRoot(c.spec)] {
					continue
				}
			case ecoPython:
				if pyNames[c.name] {
					continue
				}
			}
			judged, m := counts, manifest
			if o.repo != nil {
				v := o.repo.judge(c, o.path, counts)
				if v.cleared {
					continue
				}
				if v.counts {
					judged = true
					if preferred(v.manifest, m) {
						m = v.manifest
					}
				}
			}
			if judged {
				out = append(out, finding(o.path, c, m))
			}
		}
	}
	return out
}

// sameScopeWorkspace treats @acme/ui as a workspace package of a monorepo
// whose own packages are @acme/...: workspace directories need not be
// named after their packages.
func sameScopeWorkspace(name string, scope *decls, own map[string]bool) bool {
	if !strings.HasPrefix(name, "@") || len(scope.workspaces) == 0 {
		return false
	}
	sc, _, _ := strings.Cut(name, "/")
	for _, set := range []map[string]bool{scope.own, own} {
		for o := range set {
			if strings.HasPrefix(o, sc+"/") {
				return true
			}
		}
	}
	return false
}

// goLocalDir reports whether the import path ends with a directory of Go
// files the diff adds: github.com/acme/shop/internal/store for
// internal/store/ is the module's own package, whatever go.mod says.
func goLocalDir(dirs map[string]bool, p string) bool {
	if dirs[p] {
		return true // a module rooted at the repository root, like std
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && dirs[p[i+1:]] {
			return true
		}
	}
	return false
}

func finding(p string, c *importRef, manifest string) checks.Finding {
	sev := checks.Warning
	if c.eco == ecoJava || c.test {
		// Java group ids only roughly match packages; tests often lean
		// on development tools installed outside the manifest.
		sev = checks.Notice
	}
	return checks.Finding{
		Path:      p,
		StartLine: c.line,
		Severity:  sev,
		Message:   message(c, manifest),
		Evidence:  c.evidence,
	}
}

const slopsquat = " Confirm that the package exists and is the one you meant before declaring it:" +
	" AI assistants invent plausible names, and attackers register them (slopsquatting)."

func message(c *importRef, manifest string) string {
	switch c.eco {
	case ecoGo:
		if c.goStdLike {
			return fmt.Sprintf("%q is not a Go standard-library package, and no module in %s provides it.", c.spec, manifest) +
				" The package may live elsewhere (golang.org/x/...) or not exist at all; AI assistants invent plausible import paths."
		}
		return fmt.Sprintf("%q is imported, but no module required in %s provides it.", c.spec, manifest) + slopsquat
	case ecoPython:
		return fmt.Sprintf("%q is imported, but it is not in the standard library, not a module of this repository, and no distribution declared in %s provides it.", c.name, manifest) + slopsquat
	case ecoJS:
		if strings.HasPrefix(c.name, "node:") {
			return fmt.Sprintf("%q is not a Node.js built-in module: check the Node.js API documentation for the module that provides it.", c.name)
		}
		return fmt.Sprintf("%q is imported, but it is not a Node.js built-in, a workspace package or a tsconfig path alias, and %s does not declare it.", c.name, manifest) + slopsquat
	}
	return fmt.Sprintf("%q belongs to no package of this project and to no groupId declared in %s.", c.spec, manifest) + slopsquat
}
