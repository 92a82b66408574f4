// Package inputvalidation holds the rules that follow untrusted data into
// dangerous sinks: SQL, shells, deserialisers, eval, HTML output, file paths
// and unbounded request bodies. They are lexical first-pass checks (see the
// catalogue's notes): each looks for a sink on an added line, then reads the
// call's arguments and the lines around it to decide whether the data can
// vary at run time (the non-literal test in literal.go) and whether it
// comes from the request (checks.UserInputNear and tainted).
package inputvalidation

import (
	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

const family = "input-validation"

// Rules returns the rules of this family.
func Rules() []checks.Rule {
	return []checks.Rule{
		newSQLStringBuilt(),
		newCmdShellInjection(),
		newUnsafeDeserialization(),
		newCodeEvalDynamic(),
		newXSSRawHTMLSink(),
		newPathTraversal(),
		newRequestBodyUnbounded(),
	}
}

// languages returns the languages most rules of the family read, plus
// extra, as a fresh slice so that no two rules share one.
func languages(extra ...diff.Language) []diff.Language {
	out := []diff.Language{diff.Go, diff.Python, diff.JavaScript, diff.TypeScript, diff.Java}
	return append(out, extra...)
}
