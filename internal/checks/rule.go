package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/prodready/prodready/internal/diff"
)

// DocBaseURL is where every rule's reference lives; a rule's anchor is its id.
const DocBaseURL = "https://github.com/prodready/prodready/blob/main/docs/rules.md#"

// Meta describes a rule to the registry, the runner and the rule reference.
type Meta struct {
	ID     string
	Family string
	// Title is the default annotation title.
	Title string
	// Summary is the one line --list-rules prints.
	Summary string
	// Languages the rule applies to; empty means every file.
	Languages []diff.Language
	// Severity is the default level of the rule's findings.
	Severity Severity
	// Keywords are the literal prefilter of a LineRule: CheckLine runs only
	// on added lines holding at least one of them (ASCII case-insensitive).
	// Empty means every added line.
	Keywords []string
	// Classes of files the rule reads; empty means hand-written source only,
	// so that generated, vendored, minified files and lockfiles are skipped.
	Classes []diff.Class
}

// Rule is anything the registry can hold. A rule also implements at least
// one of LineRule, FileRule and DiffRule.
type Rule interface {
	Meta() Meta
}

// LineRule judges one added line at a time, reading the lines around it in
// the same hunk (context included) when a construct spans several lines.
type LineRule interface {
	Rule
	// CheckLine is called for v.Lines[i], an added line that passed the
	// keyword prefilter. It reports through fc.Report.
	CheckLine(fc *FileContext, v *HunkView, i int)
}

// FileRule judges a whole file diff at once.
type FileRule interface {
	Rule
	CheckFile(fc *FileContext)
}

// DiffRule needs every file of the diff before it can decide (for example,
// "this source file changed but no test did"). Observe runs concurrently,
// once per file, and must not keep fc; Conclude runs once at the end with
// the observations in diff order.
type DiffRule interface {
	Rule
	Observe(fc *FileContext) any
	Conclude(obs []Observation) []Finding
}

// Observation is what a DiffRule kept of one file.
type Observation struct {
	Path string
	Data any
}

// AppliesTo reports whether the rule reads files of this language and class.
func (m Meta) AppliesTo(lang diff.Language, class diff.Class) bool {
	if len(m.Languages) > 0 && !slices.Contains(m.Languages, lang) {
		return false
	}
	if len(m.Classes) == 0 {
		return class == diff.Source
	}
	return slices.Contains(m.Classes, class)
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (m Meta) validate() error {
	var problems []string
	if !ruleIDPattern.MatchString(m.ID) {
		problems = append(problems, "id must be lower-case words joined by '-'")
	}
	if !ruleIDPattern.MatchString(m.Family) {
		problems = append(problems, "family must be lower-case words joined by '-'")
	}
	if m.Title == "" || len(m.Title) > 255 {
		problems = append(problems, "title must be 1-255 characters")
	}
	if m.Summary == "" {
		problems = append(problems, "summary is empty")
	}
	if m.Severity < Notice || m.Severity > Failure {
		problems = append(problems, "default severity must be failure, warning or notice")
	}
	for _, k := range m.Keywords {
		if k == "" {
			problems = append(problems, "empty keyword")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("rule %q: %s", m.ID, strings.Join(problems, "; "))
	}
	return nil
}

// Described gives a rule its Meta method; rules embed it.
type Described struct{ M Meta }

// Meta returns the rule's description.
func (d Described) Meta() Meta { return d.M }
