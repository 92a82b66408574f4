package aihygiene

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// testsWeakened flags a change that makes a test suite check less: tests
// focused with .only (the rest of the suite stops running), skipped or
// disabled, and test files that lose more assertions than they gain.
//
// It is a line rule for the markers and a diff rule for the assertion
// count: assertions moved from one test file to another are a refactor,
// so a file is reported only when the whole diff loses assertions too.
// Conditional skips (skipif, `if testing.Short() { t.Skip() }`, Playwright's
// test.skip(condition)) are how suites handle environments; they are left
// alone.
type testsWeakened struct{ checks.Described }

func newTestsWeakened() *testsWeakened {
	return &testsWeakened{checks.Described{M: checks.Meta{
		ID:        "tests-weakened",
		Family:    Family,
		Title:     "Tests weakened",
		Summary:   "Added .only / skip / xit / @Disabled / t.Skip markers in test files, and test files whose diff removes more assertions than it adds.",
		Languages: []diff.Language{diff.JavaScript, diff.TypeScript, diff.Python, diff.Go, diff.Java, diff.Kotlin},
		Severity:  checks.Warning,
		Keywords: []string{
			".only(", ".skip(", ".skipf(", ".skipnow(", "xit(", "xdescribe(", "xtest(", "xcontext(", "fdescribe(", "fit(",
			"pytest.mark.skip", "pytest.mark.xfail", "@mark.skip", "unittest.skip", "pytest.skip(", "skiptest(",
			"@disabled", "@ignore", "enabled = false", "enabled=false",
		},
	}}}
}

var (
	jsFocus    = regexp.MustCompile(`(?:^|[^\w$.])(?:test\.)?(?:it|describe|test|context|suite|specify|fixture)\.only\s*\(|(?:^|[^\w$.])(?:fit|fdescribe)\s*\(\s*['"` + "`" + `]`)
	jsSkip     = regexp.MustCompile(`(?:^|[^\w$.])(?:test\.)?(it|describe|test|context|suite|specify|fixture)\.skip\s*\(`)
	jsXSkip    = regexp.MustCompile(`(?:^|[^\w$.])(?:xit|xdescribe|xtest|xcontext|xspecify)\s*\(`)
	goSkip     = regexp.MustCompile(`(?:^|[^\w.])(?:t|b|tb|f|s\.T\(\)|suite\.T\(\))\.Skip(?:f|Now)?\(`)
	pyMarkSkip = regexp.MustCompile(`(?:pytest\.|^@)mark\.(skip|xfail)\b(\()?`)
	pyUnitSkip = regexp.MustCompile(`unittest\.skip\b`)
	pySkipCall = regexp.MustCompile(`(?:^|[^\w.])pytest\.skip\(|\bself\.skipTest\(`)
	javaSkip   = regexp.MustCompile(`^@(?:Disabled|Ignore)(?:\(.*\))?$|^@Test\s*\(.*\benabled\s*=\s*false\b`)
)

func (r *testsWeakened) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if !fc.IsTest {
		return
	}
	code := v.Code(i)
	raw := v.Lines[i].Text
	var msg string
	switch fc.Lang() {
	case diff.JavaScript, diff.TypeScript:
		msg = jsWeakened(code, raw)
	case diff.Python:
		msg = pyWeakened(v, i, code, raw)
	case diff.Go:
		if goSkip.MatchString(code) && !goConditional(fc, v, i, code) {
			msg = "Test skipped with `t.Skip`: it no longer runs, so whatever it covered is unchecked. Fix the test, or skip only under a stated condition (testing.Short(), a missing dependency) and link an issue."
		}
	case diff.Java, diff.Kotlin:
		if javaSkip.MatchString(strings.TrimSpace(code)) {
			msg = "Test disabled (`@Disabled` / `@Ignore` / `enabled = false`): it no longer runs. Fix it, or link an issue that tracks re-enabling it."
		}
	}
	if msg != "" {
		fc.Report(checks.Finding{StartLine: v.Lines[i].NewLine, Message: msg})
	}
}

func jsWeakened(code, raw string) string {
	if jsFocus.MatchString(code) {
		return "Focused test (`.only` / `fit`): every other test in the run is silently skipped. Remove the focus before merging."
	}
	if jsXSkip.MatchString(code) {
		return "Test disabled with an `x` prefix (`xit` / `xdescribe`): it no longer runs. Fix it, or link an issue that tracks re-enabling it."
	}
	loc := jsSkip.FindStringSubmatchIndex(code)
	if loc == nil {
		return ""
	}
	// Playwright's test.skip(condition, reason) inside a test is
	// conditional; test.skip('title', fn) and test.skip() are not.
	if raw[loc[2]:loc[3]] == "test" || raw[loc[2]:loc[3]] == "fixture" {
		args := strings.TrimLeft(raw[loc[1]:], " \t")
		if args != "" && !isQuote(args[0]) && args[0] != ')' {
			return ""
		}
	}
	return "Test skipped (`.skip`): it no longer runs, so whatever it covered is unchecked. Fix it, or link an issue that tracks re-enabling it."
}

func pyWeakened(v *checks.HunkView, i int, code, raw string) string {
	t := strings.TrimSpace(code)
	if m := pyMarkSkip.FindStringSubmatchIndex(t); m != nil && (strings.HasPrefix(t, "@") || strings.HasPrefix(t, "pytestmark")) {
		// skipif / xfail(condition, ...) are conditional; skip and a bare
		// or reason-only xfail are not.
		kind := t[m[2]:m[3]]
		if kind == "skip" && strings.HasPrefix(t[m[3]:], "if") {
			return ""
		}
		if kind == "xfail" && m[4] >= 0 {
			rt := strings.TrimSpace(raw)
			if k := strings.Index(rt, "xfail("); k >= 0 {
				args := strings.TrimSpace(rt[k+6:])
				if !strings.HasPrefix(args, ")") && !strings.HasPrefix(args, "reason") && !strings.HasPrefix(args, "strict") && !strings.HasPrefix(args, "raises") {
					return ""
				}
			}
		}
		if kind == "xfail" {
			return "Test marked `xfail`: its failure no longer fails the suite. Fix the test or the code, or link an issue."
		}
		return "Test skipped with `pytest.mark.skip`: it no longer runs. Fix it, or skip only under a condition (`skipif`) and link an issue."
	}
	// Only as a decorator: `return unittest.skip(msg)` builds one in a
	// helper that decides when to skip.
	if loc := pyUnitSkip.FindStringIndex(t); loc != nil && strings.HasPrefix(t, "@") && !strings.HasPrefix(t[loc[1]:], "If") && !strings.HasPrefix(t[loc[1]:], "Unless") && !strings.HasPrefix(t[loc[1]:], "Test") {
		return "Test skipped with `unittest.skip`: it no longer runs. Fix it, or use skipIf/skipUnless with a stated condition."
	}
	if pySkipCall.MatchString(t) && !pyConditional(v, i) {
		return "Test skipped unconditionally (`pytest.skip` / `skipTest`): it no longer runs. Fix it, or skip only under a stated condition."
	}
	return ""
}

// pyConditional reports whether line i runs under an if/else/except/with
// (a skip for a missing dependency or platform) rather than always.
func pyConditional(v *checks.HunkView, i int) bool {
	t := strings.TrimSpace(v.Code(i))
	if strings.HasPrefix(t, "if ") {
		return true
	}
	op := pyOpener(v, i)
	if op < 0 {
		return false
	}
	ot := strings.TrimSpace(v.Code(op))
	for _, kw := range []string{"if ", "elif ", "else", "except", "try", "with ", "for ", "while "} {
		if strings.HasPrefix(ot, kw) {
			return true
		}
	}
	return false
}

// goConditional reports whether the skip runs only sometimes: under an if,
// a case or a loop (whatever block opens right above it other than the
// test function itself), or in a file built only for some platforms.
func goConditional(fc *checks.FileContext, v *checks.HunkView, i int, code string) bool {
	if indexWord(code, "if") >= 0 {
		return true
	}
	if j := v.PrevCode(i); j >= 0 {
		p := strings.TrimSpace(v.Code(j))
		if strings.HasSuffix(p, ":") || strings.HasSuffix(p, "{") && !strings.HasPrefix(p, "func ") {
			return true
		}
	}
	return memoBool(fc, "aihygiene/go-build-tag:", func() bool {
		return scanFile(fc, func(n int, t string) bool {
			return n <= 20 && (strings.HasPrefix(t, "//go:build") || strings.HasPrefix(t, "// +build"))
		})
	})
}

// assertionCount is what Observe keeps of a test file.
type assertionCount struct {
	added, deleted int
	firstAdded     int
	evidence       string
}

func (r *testsWeakened) Observe(fc *checks.FileContext) any {
	if !fc.IsTest || fc.File.NewPath == "" {
		return nil
	}
	c := assertionCount{}
	if fc.File.DeletedLines == 0 {
		// Nothing removed: the file only offsets removals elsewhere, and
		// a token count over the hunk text is close enough for that.
		for h := range fc.File.Hunks {
			c.added += assertionTokens(fc.File.Hunks[h].Text)
		}
		if c.added == 0 {
			return nil
		}
		return c
	}
	for h := range fc.File.Hunks {
		for _, l := range fc.File.Hunks[h].Lines {
			switch l.Kind {
			case diff.Added:
				if c.firstAdded == 0 {
					c.firstAdded = l.NewLine
					c.evidence = strings.Clone(l.Text)
				}
				if isAssertion(l.Text) {
					c.added++
				}
			case diff.Deleted:
				if isAssertion(l.Text) {
					c.deleted++
				}
			}
		}
	}
	if c.added == 0 && c.deleted == 0 {
		return nil
	}
	return c
}

func (r *testsWeakened) Conclude(obs []checks.Observation) []checks.Finding {
	net := 0
	for _, o := range obs {
		c := o.Data.(assertionCount)
		net += c.deleted - c.added
	}
	if net <= 0 {
		return nil
	}
	var out []checks.Finding
	for _, o := range obs {
		c := o.Data.(assertionCount)
		if c.deleted <= c.added || c.firstAdded == 0 {
			// A file that only lost lines has no added line to carry
			// the finding.
			continue
		}
		out = append(out, checks.Finding{
			Path:      o.Path,
			StartLine: c.firstAdded,
			Severity:  checks.Notice,
			Evidence:  c.evidence,
			Message: fmt.Sprintf("This test file loses assertions: %d removed, %d added. Check that the tests still verify the behaviour they did, and restore or replace the removed checks.",
				c.deleted, c.added),
		})
	}
	return out
}

// isAssertion reports whether a line of a test file holds an assertion in
// any of the supported frameworks. Commented-out lines do not count.
func isAssertion(s string) bool {
	t := strings.TrimLeft(s, " \t")
	if t == "" || t[0] == '#' || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "/*") {
		return false
	}
	switch {
	case strings.Contains(t, "assert"), strings.Contains(t, "Assert"), // assert x, assertEquals, assert.Equal, self.assertTrue, Assert.That
		strings.Contains(t, "expect("), strings.Contains(t, ".should"), // Jest/Vitest/Chai
		strings.Contains(t, "t.Error"), strings.Contains(t, "t.Fatal"), strings.Contains(t, "require."), // Go
		strings.Contains(t, "pytest.raises("), strings.Contains(t, "verify("), strings.Contains(t, "self.fail("):
		return true
	}
	return false
}

// assertionTokens counts assertion calls in a block of test code.
func assertionTokens(text string) int {
	n := 0
	for _, tok := range []string{"ssert", "expect(", "t.Error", "t.Fatal", "require."} {
		n += strings.Count(text, tok)
	}
	return n
}
