package testcoverage

import (
	"path"
	"strings"

	"github.com/prodready/prodready/internal/diff"
)

// testIndex holds the changed test files of a diff, keyed the way each
// language's matching scope looks them up.
type testIndex struct {
	// goDirs are directories with a changed _test.go file.
	goDirs map[string]bool
	// pyNames are the base names of changed Python test files.
	pyNames map[string]bool
	// pyRoots are tests/ and test/ directories (with their path) holding a
	// changed Python test, and pyDjango the directories of a changed tests.py.
	pyRoots, pyDjango map[string]bool
	// jsKeys are the source names changed JS/TS tests are named after.
	jsKeys map[string]bool
	// jvmClasses are "package/path/Class" keys of changed tests in a test
	// source set (jvmTestSets); jvmNames the tested class names of all of
	// them, for sources outside the Maven layout.
	jvmClasses, jvmNames map[string]bool
}

func newTestIndex() *testIndex {
	return &testIndex{
		goDirs: map[string]bool{}, pyNames: map[string]bool{}, pyRoots: map[string]bool{}, pyDjango: map[string]bool{},
		jsKeys: map[string]bool{}, jvmClasses: map[string]bool{}, jvmNames: map[string]bool{},
	}
}

// add records one changed test file.
func (ix *testIndex) add(p string, lang diff.Language) {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch familyOf(lang) {
	case famGo:
		if strings.HasSuffix(base, "_test.go") {
			ix.goDirs[dir] = true
		}
	case famPython:
		ix.pyNames[base] = true
		if base == "tests.py" {
			ix.pyDjango[dir] = true
		}
		segs := strings.Split(dir, "/")
		for i, seg := range segs {
			if seg == "tests" || seg == "test" {
				ix.pyRoots[strings.Join(segs[:i+1], "/")] = true
			}
		}
	case famJS:
		ix.jsKeys[jsTestKey(base)] = true
	case famJVM:
		tested := testedClass(strings.TrimSuffix(strings.TrimSuffix(base, ".java"), ".kt"))
		if tested == "" {
			return
		}
		ix.jvmNames[tested] = true
		for _, set := range jvmTestSets {
			if _, _, pkg, _, ok := jvmLayout(p, set); ok {
				ix.jvmClasses[pkg+"/"+tested] = true
				break
			}
		}
	}
}

// covers reports whether a changed test lies in the matching scope of the
// source file p.
func (ix *testIndex) covers(p string, lang diff.Language) bool {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch familyOf(lang) {
	case famGo:
		return ix.goDirs[dir]
	case famPython:
		stem := strings.TrimSuffix(base, ".py")
		if ix.pyNames["test_"+stem+".py"] || ix.pyNames[stem+"_test.py"] || ix.pyDjango[dir] {
			return true
		}
		// Any test under a tests/ directory of an ancestor: the nearest one
		// the repository has cannot be known from the diff, and pytest
		// layouts nest freely below it.
		for d := dir; ; {
			prefix := d
			if prefix != "" {
				prefix += "/"
			}
			if ix.pyRoots[prefix+"tests"] || ix.pyRoots[prefix+"test"] {
				return true
			}
			if d == "" {
				return false
			}
			if k := strings.LastIndexByte(d, '/'); k >= 0 {
				d = d[:k]
			} else {
				d = ""
			}
		}
	case famJS:
		key := jsSourceKey(base)
		if ix.jsKeys[key] {
			return true
		}
		// components/Button/index.tsx is tested as Button.test.tsx.
		if key == "index" && dir != "" {
			return ix.jsKeys[path.Base(dir)]
		}
	case famJVM:
		_, _, pkg, class, inSet := jvmLayout(p, "main")
		if inSet {
			return ix.jvmClasses[pkg+"/"+class]
		}
		return ix.jvmNames[class]
	}
	return false
}

// expectedTests names, for the message, the test change the matching scope
// of source p asks for.
func expectedTests(p string, lang diff.Language) string {
	dir, base := path.Split(p)
	switch familyOf(lang) {
	case famGo:
		if dir == "" {
			return "a _test.go file in the repository root"
		}
		return "a _test.go file in " + dir
	case famPython:
		stem := strings.TrimSuffix(base, ".py")
		return "test_" + stem + ".py, " + stem + "_test.py or a test under a tests/ directory above " + displayDir(dir)
	case famJS:
		ext := path.Ext(base)
		stem := strings.TrimSuffix(base, ext)
		return stem + ".test" + ext + ", " + stem + ".spec" + ext + " or __tests__/" + stem + ".*"
	case famJVM:
		root, langDir, pkg, class, inSet := jvmLayout(p, "main")
		ext := path.Ext(base)
		if !inSet {
			return class + "Test" + ext
		}
		if pkg != "" {
			pkg += "/"
		}
		return root + "src/test/" + langDir + "/" + pkg + class + "Test" + ext + " (or " + class + "Tests, " + class + "IT)"
	}
	return "a matching test file"
}

func displayDir(dir string) string {
	if dir == "" {
		return "the repository root"
	}
	return dir
}
