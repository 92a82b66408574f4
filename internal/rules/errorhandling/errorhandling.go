// Package errorhandling holds the rules that catch swallowed or ignored
// errors: discarded Go errors, empty or log-only error branches, silent
// Python excepts, empty JS/Java catch blocks and no-op promise handlers.
//
// Most of these constructs span lines: the `catch`, `except` or `if err !=
// nil` sits on an added line while its body may come from context lines.
// The rules read the body from the hunk view and report on the line that
// opens the construct; a body that runs past the end of the hunk is left
// alone, because what follows is unknown.
package errorhandling

import (
	"github.com/prodready/prodready/internal/checks"
)

// Family is the Meta.Family of every rule in this package.
const Family = "error-handling"

// Options are what a repository's configuration may set for this family.
type Options struct {
	// AllowCalls are calls whose discarded error is fine, as written at the
	// call site ("logger.Sync") or by name alone ("Sync").
	AllowCalls []string
}

// Rules returns the rules of this family with default options.
func Rules() []checks.Rule { return RulesWith(Options{}) }

// RulesWith returns the rules of this family configured by opts.
func RulesWith(opts Options) []checks.Rule {
	discarded := newGoErrorDiscarded()
	discarded.allow = map[string]bool{}
	for _, c := range opts.AllowCalls {
		discarded.allow[c] = true
	}
	return []checks.Rule{
		discarded,
		newGoErrorUnhandledBranch(),
		newPyBareExcept(),
		newPyExceptSilent(),
		newJSEmptyCatch(),
		newJSPromiseCatchNoop(),
		newJavaEmptyCatch(),
		newJavaCatchPrintStackTraceOnly(),
	}
}

// testAdjusted lowers a finding one level in test files: a swallowed error
// in a test hides a failure of the test, not of production code.
func testAdjusted(fc *checks.FileContext, s checks.Severity) checks.Severity {
	if fc.IsTest {
		return s.Lower()
	}
	return s
}

// report files a finding on line i of v.
func report(fc *checks.FileContext, v *checks.HunkView, i int, sev checks.Severity, msg string) {
	fc.Report(checks.Finding{
		StartLine: v.Lines[i].NewLine,
		Severity:  testAdjusted(fc, sev),
		Message:   msg,
	})
}
