package errorhandling

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// pyBareExcept flags a bare `except:` that does not re-raise. It owns every
// bare except, silent or not: py-except-silent never reports one, so an
// `except: pass` is reported once, here, with a message that says it is
// also silent.
type pyBareExcept struct{ checks.Described }

func newPyBareExcept() *pyBareExcept {
	return &pyBareExcept{checks.Described{M: checks.Meta{
		ID:        "py-bare-except",
		Family:    Family,
		Title:     "Bare except",
		Summary:   "A bare `except:` catches everything, KeyboardInterrupt and SystemExit included, and does not re-raise.",
		Languages: []diff.Language{diff.Python},
		Severity:  checks.Warning,
		Keywords:  []string{"except"},
	}}}
}

func (r *pyBareExcept) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	// The raw test is cheap and rejects the many lines where "except" is
	// part of "Exception"; masking can only blank text, never add it.
	raw := v.Lines[i].Text
	if !isPyExceptLine(raw) || lintSuppressed(raw) || !isPyExceptLine(v.Code(i)) {
		return
	}
	e, ok := parsePyExcept(v, i)
	if !ok || !e.bare || !e.complete {
		return
	}
	silent := true
	for _, s := range e.stmts {
		switch classifyPyStmt(s) {
		case pyRaise:
			return
		case pyOther:
			silent = false
		}
	}
	msg := "Bare `except:` also catches KeyboardInterrupt and SystemExit; catch the specific exceptions you expect (or `Exception`) and handle or re-raise them."
	if silent {
		msg = "Bare `except:` swallows every exception, KeyboardInterrupt and SystemExit included, without handling it; catch the specific exceptions you expect and handle them, or log and re-raise."
	}
	report(fc, v, i, checks.Warning, msg)
}

// pyExceptSilent flags typed except clauses whose body only passes,
// continues, returns an empty value, fills in a default or logs, and
// contextlib.suppress(Exception).
type pyExceptSilent struct{ checks.Described }

func newPyExceptSilent() *pyExceptSilent {
	return &pyExceptSilent{checks.Described{M: checks.Meta{
		ID:        "py-except-silent",
		Family:    Family,
		Title:     "Exception silently swallowed",
		Summary:   "An except clause only passes, continues, returns an empty value or logs, so the failure disappears.",
		Languages: []diff.Language{diff.Python},
		Severity:  checks.Warning,
		Keywords:  []string{"except", "suppress("},
	}}}
}

// pyAlwaysExempt are exceptions whose silent handling is the idiom:
// optional imports, already-gone files and processes, interrupts,
// cancellation, exhausted iterators, empty queues and polling timeouts.
var pyAlwaysExempt = map[string]bool{
	"ImportError": true, "ModuleNotFoundError": true, "FileNotFoundError": true, "FileExistsError": true,
	"ProcessLookupError": true, "KeyboardInterrupt": true, "CancelledError": true, "StopIteration": true,
	"StopAsyncIteration": true, "GeneratorExit": true, "Empty": true, "TimeoutError": true,
}

// pyCleanupExempt are exempt around cleanup calls (os.remove, close, kill).
var pyCleanupExempt = map[string]bool{
	"OSError": true, "IOError": true, "PermissionError": true, "IsADirectoryError": true,
	"NotADirectoryError": true, "Error": true, "EnvironmentError": true,
}

var pyCleanupCall = regexp.MustCompile(`\b(?:os\.remove|os\.unlink|\.unlink|os\.rmdir|\.rmdir|shutil\.rmtree|\.close|\.kill|\.terminate|\.shutdown|os\.killpg|\.cleanup)\(`)

var pySuppressBroad = regexp.MustCompile(`(?:^|[^\w.]|contextlib\.)suppress\(([^)]*)\)`)

func (r *pyExceptSilent) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	raw := v.Lines[i].Text
	isExcept := isPyExceptLine(raw)
	if !isExcept && !strings.Contains(raw, "suppress(") || lintSuppressed(raw) {
		return
	}
	code := v.Code(i)
	if strings.Contains(code, "suppress(") {
		r.checkSuppress(fc, v, i, code)
		return
	}
	if !isPyExceptLine(code) {
		return
	}
	e, ok := parsePyExcept(v, i)
	if !ok || e.bare || !e.complete || explained(e.comments) {
		return
	}
	broad, exempt := false, true
	for _, t := range e.types {
		s := shortName(t)
		if s == "Exception" || s == "BaseException" {
			broad = true
		}
		if !pyAlwaysExempt[s] && !(pyCleanupExempt[s] && cleanupBefore(v, i)) {
			exempt = false
		}
	}
	if exempt {
		return
	}
	var has [pyRaise + 1]bool
	for _, s := range e.stmts {
		k := classifyPyStmt(s)
		if k == pyOther || k == pyRaise {
			return
		}
		has[k] = true
	}
	caught := strings.Join(e.types, ", ")
	if len(e.types) > 1 {
		caught = "(" + caught + ")"
	}
	if !broad {
		// A specific exception handled by a sentinel return, a default or
		// a log line is the EAFP idiom; only an empty body is silent.
		if has[pyReturnEmpty] || has[pyAssignDefault] || has[pyLog] || has[pyLogTrace] {
			return
		}
		report(fc, v, i, checks.Notice, fmt.Sprintf(
			"`except %s` discards the exception without a trace (Bandit B110/B112); handle it, log it with context, or add a comment saying why it is safe to ignore.", caught))
		return
	}
	logged := has[pyLog] || has[pyLogTrace]
	if logged && has[pyContinue] {
		// Logging a failed item and moving on to the next is a visible,
		// deliberate skip.
		return
	}
	sev := checks.Warning
	what := "does nothing with it"
	switch {
	case has[pyReturnEmpty] || has[pyAssignDefault]:
		what = "replaces the failure with an empty or default value"
	case has[pyLogTrace]:
		sev, what = checks.Notice, "only logs it (with its traceback) and carries on"
	case logged:
		what = "only prints or logs it and carries on"
	}
	report(fc, v, i, sev, fmt.Sprintf(
		"`except %s` catches every error and %s, so callers never learn the operation failed; catch the specific exceptions you expect, and re-raise (or return an explicit error) for the rest.", caught, what))
}

func (r *pyExceptSilent) checkSuppress(fc *checks.FileContext, v *checks.HunkView, i int, code string) {
	m := pySuppressBroad.FindStringSubmatch(code)
	if m == nil {
		return
	}
	for _, t := range strings.Split(m[1], ",") {
		if s := shortName(strings.TrimSpace(t)); s == "Exception" || s == "BaseException" {
			report(fc, v, i, checks.Warning,
				"contextlib.suppress(Exception) silently swallows every error raised in the block; suppress only the specific exceptions you expect.")
			return
		}
	}
}

// cleanupBefore reports whether the try body above the except at line i
// (up to its `try:`) calls a cleanup function, where an OSError is
// routinely ignored.
func cleanupBefore(v *checks.HunkView, i int) bool {
	for j := i - 1; j >= 0 && j >= i-10; j-- {
		c := v.Code(j)
		if pyCleanupCall.MatchString(c) {
			return true
		}
		if t := strings.TrimSpace(c); t == "try:" {
			return false
		}
	}
	return false
}
