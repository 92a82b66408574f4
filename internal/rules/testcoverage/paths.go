package testcoverage

import (
	"path"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// role is what a changed file is to this rule.
type role uint8

const (
	// roleSkip files are neither judged nor count as tests: entry points,
	// scripts, examples, migrations, config, test support code.
	roleSkip role = iota
	// roleSource files are judged for a matching test change.
	roleSource
	// roleTest files satisfy the sources in their matching scope.
	roleTest
)

// family groups languages whose tests may cover each other's sources.
type family uint8

const (
	famNone family = iota
	famGo
	famPython
	famJS
	famJVM
)

func familyOf(lang diff.Language) family {
	switch lang {
	case diff.Go:
		return famGo
	case diff.Python:
		return famPython
	case diff.JavaScript, diff.TypeScript:
		return famJS
	case diff.Java, diff.Kotlin:
		return famJVM
	}
	return famNone
}

// skipDirs hold code nobody expects unit tests for, or code that is not
// shipped: scripts, examples and docs (as the brief asks), database
// migrations (schema changes are verified by running them), CI config and
// Go's cmd/ entry points (see isEntryPoint).
var skipDirs = map[string]bool{
	"scripts": true, "script": true, "hack": true,
	"examples": true, "example": true, "samples": true, "sample": true, "demo": true, "demos": true,
	"docs": true, "doc": true,
	"migrations": true, "migration": true, "migrate": true, "alembic": true,
	".github": true, ".circleci": true, ".storybook": true,
}

// supportDirs hold test infrastructure: editing a fake is not a test of
// the code, and a fake does not need tests of its own.
var supportDirs = map[string]bool{
	"testutil": true, "testutils": true, "testhelper": true, "testhelpers": true, "testsupport": true,
	"mocks": true, "mock": true, "fakes": true, "fake": true, "stubs": true, "fixtures": true,
}

// classify decides the role of a file from its path and language.
func classify(p string, lang diff.Language) role {
	fam := familyOf(lang)
	if fam == famNone {
		return roleSkip
	}
	if isTestPath(p, fam) {
		return roleTest
	}
	dir, base := path.Split(p)
	for _, seg := range strings.Split(strings.TrimSuffix(dir, "/"), "/") {
		if skipDirs[seg] || supportDirs[seg] {
			return roleSkip
		}
	}
	lower := strings.ToLower(base)
	switch fam {
	case famGo:
		if isEntryPoint(p) || lower == "doc.go" || lower == "tools.go" ||
			strings.HasPrefix(lower, "mock_") || strings.HasSuffix(lower, "_mock.go") || strings.HasSuffix(lower, "_mocks.go") {
			return roleSkip
		}
	case famPython:
		switch lower {
		case "__main__.py", "setup.py", "conf.py", "manage.py", "wsgi.py", "asgi.py", "settings.py", "config.py",
			"noxfile.py", "fabfile.py":
			return roleSkip
		}
		// Stubs declare types only, like .d.ts files.
		if strings.HasSuffix(lower, ".pyi") || strings.Contains(p, "/settings/") || strings.HasPrefix(p, "settings/") {
			return roleSkip
		}
	case famJS:
		if strings.HasPrefix(lower, ".") || strings.Contains(lower, ".config.") || strings.HasPrefix(lower, "config.") || strings.Contains(lower, ".stories.") ||
			strings.Contains(lower, ".mock.") || strings.HasSuffix(lower, ".d.ts") || strings.HasSuffix(lower, ".d.mts") ||
			strings.HasPrefix(lower, "gulpfile.") || strings.HasPrefix(lower, "gruntfile.") ||
			strings.HasPrefix(lower, "setuptests.") || strings.HasPrefix(lower, "jest.setup.") || strings.HasPrefix(lower, "vitest.setup.") {
			return roleSkip
		}
	case famJVM:
		// Gradle build scripts and package/module descriptors hold no
		// behaviour; Spring configuration classes are wiring, and the
		// *Application class is the entry point (see isEntryPoint).
		class := strings.TrimSuffix(strings.TrimSuffix(base, ".java"), ".kt")
		if strings.HasSuffix(lower, ".kts") || lower == "package-info.java" || lower == "module-info.java" ||
			strings.HasSuffix(class, "Config") || strings.HasSuffix(class, "Configuration") || strings.HasSuffix(class, "Application") {
			return roleSkip
		}
	}
	return roleSource
}

// isEntryPoint reports Go main.go files and anything under a cmd/
// directory. They are skipped on purpose: by Go convention they only parse
// flags and wire packages together, their behaviour is tested through the
// packages they call, and testing main() needs a subprocess harness, so
// flagging every flag or wiring change would be noise. Logic that grows in
// them is better caught by review than by this heuristic.
func isEntryPoint(p string) bool {
	if path.Base(p) == "main.go" {
		return true
	}
	return strings.HasPrefix(p, "cmd/") || strings.Contains(p, "/cmd/")
}

// isTestPath applies the shared conventions plus a few the engine's list
// leaves out: Django's tests.py, Cypress component tests and Kotlin ITs.
func isTestPath(p string, fam family) bool {
	if checks.IsTestPath(p) {
		return true
	}
	base := path.Base(p)
	switch fam {
	case famPython:
		return base == "tests.py"
	case famJS:
		return strings.Contains(base, ".cy.")
	case famJVM:
		for _, set := range jvmTestSets[1:] {
			if strings.Contains(p, "src/"+set+"/") {
				return true
			}
		}
		return strings.HasSuffix(base, "IT.kt")
	}
	return false
}

// jsSourceKey is a JS/TS source's name without its extension:
// "orders.service" for orders.service.ts, so that a NestJS
// orders.controller.spec.ts does not count as a test of orders.service.ts.
func jsSourceKey(base string) string {
	return strings.TrimSuffix(base, path.Ext(base))
}

// jsTestMarkers end the name of a JS/TS test before its extension.
var jsTestMarkers = []string{".e2e-spec", ".test", ".spec", ".cy", ".e2e", ".unit", ".int"}

// jsTestKey is the source key a JS/TS test file names: "orders.service" for
// orders.service.spec.ts and for __tests__/orders.service.ts.
func jsTestKey(base string) string {
	k := strings.TrimSuffix(base, path.Ext(base))
	for _, m := range jsTestMarkers {
		if strings.HasSuffix(k, m) {
			return k[:len(k)-len(m)]
		}
	}
	return k
}

// jvmTestSets are the Maven and Gradle source sets that hold tests; the
// engine's conventions know the first.
var jvmTestSets = []string{"test", "androidTest", "integrationTest", "it"}

// jvmTestSuffixes are the class-name suffixes of Surefire, Failsafe and
// JUnit conventions, longest first so that "TestCase" is not read as "Test".
var jvmTestSuffixes = []string{"TestCase", "Tests", "Test", "IT"}

// jvmLayout splits a JVM path at src/<set>/(java|kotlin)/ into the module
// root before it (with its trailing slash), the language directory, the
// package path below it and the class name; ok is false when the file is
// not in a Maven/Gradle source set.
func jvmLayout(p, set string) (root, langDir, pkg, class string, ok bool) {
	dir, base := path.Split(p)
	class = strings.TrimSuffix(strings.TrimSuffix(base, ".java"), ".kt")
	for _, langDir := range []string{"java", "kotlin"} {
		marker := "src/" + set + "/" + langDir + "/"
		i := strings.Index(dir, marker)
		if i < 0 || (i > 0 && dir[i-1] != '/') {
			continue
		}
		return dir[:i], langDir, strings.TrimSuffix(dir[i+len(marker):], "/"), class, true
	}
	return "", "", "", class, false
}

// testedClass is the class a JVM test file is named after ("OrderService"
// for OrderServiceTest, OrderServiceIT or TestOrderService), or "".
func testedClass(class string) string {
	for _, s := range jvmTestSuffixes {
		if len(class) > len(s) && strings.HasSuffix(class, s) {
			return class[:len(class)-len(s)]
		}
	}
	if len(class) > 4 && strings.HasPrefix(class, "Test") {
		return class[4:]
	}
	return ""
}
