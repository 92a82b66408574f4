// Package testcoverage holds the tests family: rules about whether a pull
// request's behaviour changes come with tests.
package testcoverage

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// Rules returns the rules of this family.
func Rules() []checks.Rule { return []checks.Rule{NewMissingTests()} }

// DefaultMinLogicLines is how many logic lines a source file must gain
// before the rule expects a test change with it.
const DefaultMinLogicLines = 10

// warnBranches is the number of added branch tokens that makes an untested
// change behaviour-heavy enough for a warning.
const warnBranches = 3

// MissingTests reports source files that gain logic while no test in their
// matching scope changes in the same diff. It is a DiffRule: whether a test
// changed is only known once every file has been seen.
type MissingTests struct {
	checks.Described
	// MinLogicLines is the trigger threshold; 0 or less means
	// DefaultMinLogicLines. Set it before the engine runs: Observe reads it
	// concurrently.
	MinLogicLines int
}

// NewMissingTests returns the rule with its default threshold.
func NewMissingTests() *MissingTests {
	return &MissingTests{
		Described: checks.Described{M: checks.Meta{
			ID:      "missing-tests",
			Family:  "tests",
			Title:   "Code change without tests",
			Summary: "A source file gains logic but no test in its matching scope changes in the same diff.",
			Languages: []diff.Language{
				diff.Go, diff.Python, diff.JavaScript, diff.TypeScript, diff.Java, diff.Kotlin,
			},
			Severity: checks.Notice,
		}},
		MinLogicLines: DefaultMinLogicLines,
	}
}

func (r *MissingTests) threshold() int {
	if r.MinLogicLines <= 0 {
		return DefaultMinLogicLines
	}
	return r.MinLogicLines
}

// summary is all the rule keeps of one file: small, and free of the
// FileContext, so that a large diff does not stay in memory until Conclude.
type summary struct {
	Path string
	Lang diff.Language
	// Test is set for a test file that gained lines; the fields below are
	// only filled for source files.
	Test bool
	// Logic is the number of added logic lines, Branches the branch tokens
	// on them, Exported the first new exported or public API ("" if none).
	// Partial means the scan stopped early and the counts are lower bounds.
	Logic    int
	Branches int
	Exported string
	Partial  bool
	// Line is the first added non-blank line of the first hunk that adds
	// logic, where the finding goes, and Evidence its (clipped) text.
	Line     int
	Evidence string
}

// maxEvidence bounds the evidence kept per file; the engine shortens it
// further, this only keeps a pathological line out of memory.
const maxEvidence = 512

// Observe classifies the file and, for a test, records that it changed;
// for a source file it counts the added logic lines.
func (r *MissingTests) Observe(fc *checks.FileContext) any {
	f := fc.File
	if f == nil || f.Status == diff.DeletedFile || f.NewPath == "" || f.AddedLines == 0 {
		return nil
	}
	p := f.NewPath
	switch classify(p, f.Language) {
	case roleTest:
		return &summary{Path: p, Lang: f.Language, Test: true}
	case roleSource:
	default:
		return nil
	}
	limit := r.threshold()
	s := scan(fc, familyOf(f.Language), limit)
	if s.Logic < limit || s.Line == 0 {
		return nil
	}
	s.Path, s.Lang = p, f.Language
	return s
}

// scan counts the added logic lines, branch tokens and exported API of a
// source file and picks the line to report on. It stops as soon as the
// file is over the threshold and certain to be a warning: on a large diff
// most lines then go unread, and the counts become lower bounds (Partial).
func scan(fc *checks.FileContext, fam family, limit int) *summary {
	s := &summary{}
	kotlin := fc.Lang() == diff.Kotlin
	m := codeMasker{fam: fam}
	for _, v := range fc.Views {
		if !hasAdded(v) {
			continue
		}
		// Each hunk starts in code, as HunkView.Code assumes.
		m.state = inCode
		sc := lineScanner{fam: fam}
		first := -1
		for i, l := range v.Lines {
			code := m.line(l.Text)
			logic := sc.logic(code)
			if l.Kind != diff.Added {
				continue
			}
			if first < 0 && strings.TrimSpace(l.Text) != "" {
				first = i
			}
			if !logic {
				continue
			}
			if s.Line == 0 {
				s.Line = v.Lines[first].NewLine
				s.Evidence = clip(v.Lines[first].Text)
			}
			s.Logic++
			if s.Branches < warnBranches {
				s.Branches += countBranches(code, fam)
			}
			if s.Exported == "" {
				s.Exported = exportedName(fam, kotlin, code)
			}
			if s.Logic >= limit && (s.Branches >= warnBranches || s.Exported != "") {
				s.Partial = true
				return s
			}
		}
	}
	return s
}

func hasAdded(v *checks.HunkView) bool {
	for _, l := range v.Lines {
		if l.Kind == diff.Added {
			return true
		}
	}
	return false
}

// clip copies at most maxEvidence bytes of s, cut on a rune boundary, so
// the summary does not pin the hunk's memory.
func clip(s string) string {
	if len(s) <= maxEvidence {
		return strings.Clone(s)
	}
	cut := maxEvidence
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.Clone(s[:cut])
}

// Conclude reports, in diff order, each source file over the threshold
// whose matching scope holds no changed test.
func (r *MissingTests) Conclude(obs []checks.Observation) []checks.Finding {
	ix := newTestIndex()
	for _, o := range obs {
		if s, ok := o.Data.(*summary); ok && s.Test {
			ix.add(s.Path, s.Lang)
		}
	}
	var out []checks.Finding
	limit := r.threshold()
	for _, o := range obs {
		s, ok := o.Data.(*summary)
		if !ok || s.Test || s.Logic < limit || s.Line < 1 || ix.covers(s.Path, s.Lang) {
			continue
		}
		out = append(out, checks.Finding{
			Path:      s.Path,
			StartLine: s.Line,
			Severity:  severity(s),
			Message:   message(s),
			Evidence:  s.Evidence,
		})
	}
	return out
}

// severity is notice, or warning for a behaviour-heavy change: many new
// branches or new exported API, where an untested change costs most.
func severity(s *summary) checks.Severity {
	if s.Branches >= warnBranches || s.Exported != "" {
		return checks.Warning
	}
	return checks.Notice
}

func message(s *summary) string {
	base := s.Path
	if k := strings.LastIndexByte(base, '/'); k >= 0 {
		base = base[k+1:]
	}
	more := ""
	if s.Partial {
		more = "+"
	}
	var why strings.Builder
	fmt.Fprintf(&why, "%d%s logic lines added", s.Logic, more)
	if s.Branches >= warnBranches {
		fmt.Fprintf(&why, ", %d%s branches", s.Branches, more)
	}
	if s.Exported != "" {
		fmt.Fprintf(&why, ", new public API %s", s.Exported)
	}
	return fmt.Sprintf("no test changed for %s (%s); expected a change in %s. Add tests for the new behaviour, or say in the PR why none are needed.",
		base, why.String(), expectedTests(s.Path, s.Lang))
}
