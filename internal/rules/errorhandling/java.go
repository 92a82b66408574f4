package errorhandling

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// javaEmptyCatch flags empty catch blocks in Java and Kotlin, unless the
// variable is named ignored/ignore/expected or a comment explains why.
type javaEmptyCatch struct{ checks.Described }

func newJavaEmptyCatch() *javaEmptyCatch {
	return &javaEmptyCatch{checks.Described{M: checks.Meta{
		ID:        "java-empty-catch",
		Family:    Family,
		Title:     "Empty catch block",
		Summary:   "A catch block is empty, so the exception is swallowed without a trace.",
		Languages: []diff.Language{diff.Java, diff.Kotlin},
		Severity:  checks.Warning,
		Keywords:  []string{"catch"},
	}}}
}

func (r *javaEmptyCatch) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if raw := v.Lines[i].Text; !mayHoldCatch(raw) || lintSuppressed(raw) {
		return
	}
	for _, c := range catchClauses(v, i, true) {
		if len(c.stmts) != 0 || ignoredCatchNames[catchName(c.param)] || explained(c.comments) {
			continue
		}
		caught := strings.Join(catchTypes(c.param), " | ")
		msg := fmt.Sprintf("Empty catch block swallows %s without a trace; handle it or rethrow it (wrapped), or name the variable `ignored` and add a comment saying why it is safe.", caught)
		if caught == "InterruptedException" {
			msg = "Empty catch block swallows InterruptedException and loses the interrupt; call Thread.currentThread().interrupt() and stop, or rethrow."
		}
		report(fc, v, i, checks.Warning, msg)
		return
	}
}

// javaCatchPrintStackTraceOnly flags catch blocks whose only statements
// print the exception (e.printStackTrace(), System.out/err.println).
type javaCatchPrintStackTraceOnly struct{ checks.Described }

func newJavaCatchPrintStackTraceOnly() *javaCatchPrintStackTraceOnly {
	return &javaCatchPrintStackTraceOnly{checks.Described{M: checks.Meta{
		ID:        "java-catch-printstacktrace-only",
		Family:    Family,
		Title:     "Exception only printed",
		Summary:   "A catch block only calls printStackTrace() or System.out/err.println, then carries on as if nothing failed.",
		Languages: []diff.Language{diff.Java},
		Severity:  checks.Warning,
		Keywords:  []string{"catch"},
	}}}
}

var (
	javaPrintStackTrace = regexp.MustCompile(`^[\w.]+\.printStackTrace\(\s*(?:System\.(?:out|err)\s*)?\)$`)
	javaSystemPrint     = regexp.MustCompile(`^System\.(?:out|err)\.print(?:ln|f)?\(`)
)

func isJavaPrintOnly(s string) bool {
	if javaPrintStackTrace.MatchString(s) {
		return true
	}
	k := strings.IndexByte(s, '(')
	return javaSystemPrint.MatchString(s) && matchClose(s, k) == len(s)
}

func (r *javaCatchPrintStackTraceOnly) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if raw := v.Lines[i].Text; !mayHoldCatch(raw) || lintSuppressed(raw) {
		return
	}
	for _, c := range catchClauses(v, i, true) {
		if !allStmts(c.stmts, isJavaPrintOnly) {
			continue
		}
		types := catchTypes(c.param)
		sev := checks.Notice
		for _, t := range types {
			if s := shortName(t); s == "Exception" || s == "Throwable" {
				sev = checks.Warning
			}
		}
		report(fc, v, i, sev, fmt.Sprintf(
			"The catch block only prints %s and carries on as if nothing failed; log it through the application's logger and handle it or rethrow it (wrapped) so callers see the failure.",
			strings.Join(types, " | ")))
		return
	}
}
