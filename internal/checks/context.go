package checks

import (
	"context"
	"sort"
	"strings"

	"github.com/prodready/prodready/internal/diff"
)

// HunkView is the new-file side of one hunk: its context and added lines in
// order, with deleted lines left out, so that a rule reads the code as it
// will be after the merge.
type HunkView struct {
	Hunk     *diff.Hunk
	Lines    []diff.Line
	lang     diff.Language
	code     []string
	comments []string
}

// Code returns line i with comments and the contents of string literals
// blanked out (same length, so columns still match), for rules that must
// not fire on prose or on text inside strings.
func (v *HunkView) Code(i int) string {
	if v.code == nil {
		texts := make([]string, len(v.Lines))
		for j, l := range v.Lines {
			texts[j] = l.Text
		}
		v.code = MaskCode(v.lang, texts)
	}
	return v.code[i]
}

// commentsMasked is line i with only comments blanked; directives are
// rare, so it is computed on first use.
func (v *HunkView) commentsMasked(i int) string {
	if v.comments == nil {
		texts := make([]string, len(v.Lines))
		for j, l := range v.Lines {
			texts[j] = l.Text
		}
		v.comments = MaskComments(v.lang, texts)
	}
	return v.comments[i]
}

// IsAdded reports whether line i is an added line.
func (v *HunkView) IsAdded(i int) bool {
	return i >= 0 && i < len(v.Lines) && v.Lines[i].Kind == diff.Added
}

// NextCode returns the index of the next line after i whose masked code is
// not blank, or -1.
func (v *HunkView) NextCode(i int) int {
	for j := i + 1; j < len(v.Lines); j++ {
		if strings.TrimSpace(v.Code(j)) != "" {
			return j
		}
	}
	return -1
}

// PrevCode returns the index of the previous line before i whose masked code
// is not blank, or -1.
func (v *HunkView) PrevCode(i int) int {
	for j := i - 1; j >= 0; j-- {
		if strings.TrimSpace(v.Code(j)) != "" {
			return j
		}
	}
	return -1
}

// FileContext is everything a rule may read about one file. It belongs to
// one goroutine: rules run sequentially on it.
type FileContext struct {
	Ctx   context.Context
	File  *diff.File
	Views []*HunkView
	// IsTest is set for test files by the language's conventions.
	IsTest bool
	// Run is shared by every file of the review (repository access, memo).
	Run *Run

	findings []Finding
	current  Meta
}

// Lang is the file's language.
func (fc *FileContext) Lang() diff.Language { return fc.File.Language }

// Path is the path findings are reported on.
func (fc *FileContext) Path() string { return fc.File.Path() }

func newFileContext(ctx context.Context, f *diff.File) *FileContext {
	fc := &FileContext{Ctx: ctx, File: f, IsTest: IsTestPath(f.Path())}
	fc.Views = make([]*HunkView, len(f.Hunks))
	for i := range f.Hunks {
		h := &f.Hunks[i]
		// A hunk without deleted lines (every line of a new file) is its
		// own new-file side: share it rather than copy it.
		lines := h.Lines
		for k, l := range h.Lines {
			if l.Kind == diff.Deleted {
				lines = make([]diff.Line, k, len(h.Lines))
				copy(lines, h.Lines[:k])
				for _, l := range h.Lines[k:] {
					if l.Kind != diff.Deleted {
						lines = append(lines, l)
					}
				}
				break
			}
		}
		fc.Views[i] = &HunkView{Hunk: h, Lines: lines, lang: f.Language}
	}
	return fc
}

// Report records a finding of the running rule. Only Message and StartLine
// are required; rule id, family, path, title, severity, end line and
// evidence default from the rule and the line. A finding on a line that is
// not an added line is dropped: context is read, never reported.
func (fc *FileContext) Report(f Finding) {
	f.RuleID = fc.current.ID
	f.Family = fc.current.Family
	if f.Path == "" {
		f.Path = fc.Path()
	}
	if f.Title == "" {
		f.Title = fc.current.Title
	}
	if f.Severity == SeverityNone {
		f.Severity = fc.current.Severity
	}
	if f.EndLine < f.StartLine {
		f.EndLine = f.StartLine
	}
	text, ok := fc.addedLine(f.StartLine)
	if !ok {
		return
	}
	// Findings outlive their file: copy what they keep of its text, or a
	// one-line excerpt would pin the whole hunk's memory until the end.
	if f.key == "" {
		f.key = strings.Clone(normaliseSpace(text))
	}
	if f.Evidence == "" {
		f.Evidence = text
	}
	f.Evidence = strings.Clone(f.Evidence)
	fc.findings = append(fc.findings, f)
}

// AddedLines calls fn for every added line of the file in order.
func (fc *FileContext) AddedLines(fn func(v *HunkView, i int)) {
	for _, v := range fc.Views {
		for i, l := range v.Lines {
			if l.Kind == diff.Added {
				fn(v, i)
			}
		}
	}
}

// addedLine returns the text of new-file line n if the diff added it.
func (fc *FileContext) addedLine(n int) (string, bool) {
	v, i, ok := fc.lineAt(n)
	if !ok || v.Lines[i].Kind != diff.Added {
		return "", false
	}
	return v.Lines[i].Text, true
}

// lineAt finds new-file line n among the lines the diff shows.
func (fc *FileContext) lineAt(n int) (*HunkView, int, bool) {
	vs := fc.Views
	k := sort.Search(len(vs), func(i int) bool {
		return len(vs[i].Lines) > 0 && vs[i].Lines[len(vs[i].Lines)-1].NewLine >= n
	})
	if k == len(vs) {
		return nil, 0, false
	}
	lines := vs[k].Lines
	j := sort.Search(len(lines), func(i int) bool { return lines[i].NewLine >= n })
	if j < len(lines) && lines[j].NewLine == n {
		return vs[k], j, true
	}
	return nil, 0, false
}

func normaliseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
