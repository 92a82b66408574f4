package checks

import (
	"path"
	"strings"
)

// IsTestPath applies the test-file conventions of Go, Python, JS/TS and Java
// (and the directory names most other ecosystems share).
func IsTestPath(p string) bool {
	base := path.Base(p)
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, "_test.go"),
		strings.HasPrefix(lower, "test_") && strings.HasSuffix(lower, ".py"),
		strings.HasSuffix(lower, "_test.py"), lower == "conftest.py",
		strings.Contains(lower, ".test.") || strings.Contains(lower, ".spec.") || strings.Contains(lower, "_spec."),
		strings.HasSuffix(base, "Test.java") || strings.HasSuffix(base, "Tests.java") || strings.HasSuffix(base, "IT.java") || strings.HasSuffix(base, "TestCase.java"),
		strings.HasPrefix(base, "Test") && strings.HasSuffix(base, ".java"),
		strings.HasSuffix(base, "Test.kt") || strings.HasSuffix(base, "Tests.kt"):
		return true
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch seg {
		case "test", "tests", "__tests__", "testdata", "e2e", "cypress", "playwright", "spec", "__mocks__", "testing":
			return true
		}
	}
	return strings.Contains(p, "src/test/")
}

// IsDocPath is for prose and examples, where rules that guard production
// code are softened.
func IsDocPath(p string) bool {
	lower := strings.ToLower(p)
	if strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".rst") || strings.HasSuffix(lower, ".txt") {
		return true
	}
	for _, seg := range strings.Split(path.Dir(lower), "/") {
		switch seg {
		case "docs", "doc", "examples", "example", "samples", "sample":
			return true
		}
	}
	return false
}
