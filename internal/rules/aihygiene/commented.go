package aihygiene

import (
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// commentedOutCode flags runs of at least three added line comments that
// read as code. It is a file rule rather than a line rule because comment
// markers are everywhere: one pass over the added lines, looking at the
// first non-blank byte, is cheaper than waking a line rule on every "//".
//
// Only line comments are read. Block comments and docstrings hold API
// examples far more often than dead code, and a run that is introduced as
// an example ("Usage:", "Output:", a fence, a doctest prompt, code indented
// under prose as Go doc comments do) is left alone.
type commentedOutCode struct{ checks.Described }

// minCodeLines is the shortest run of commented code reported.
const minCodeLines = 3

func newCommentedOutCode() *commentedOutCode {
	return &commentedOutCode{checks.Described{M: checks.Meta{
		ID:        "commented-out-code",
		Family:    Family,
		Title:     "Commented-out code",
		Summary:   "Three or more consecutive added comment lines that parse as code (statements, calls, control flow, imports) rather than prose.",
		Languages: []diff.Language{diff.Go, diff.Python, diff.JavaScript, diff.TypeScript, diff.Java},
		Severity:  checks.Notice,
	}}}
}

// commentLine is one added line comment of a run.
type commentLine struct {
	idx    int    // index in the hunk view
	body   string // text after the marker, trimmed
	indent int    // blanks between the marker and the text
	kind   lineKind
	strong bool // a statement, not just punctuation or data
}

type lineKind uint8

const (
	kindBlank lineKind = iota // an empty comment line: neither code nor prose
	kindCode
	kindProse
)

func (r *commentedOutCode) CheckFile(fc *checks.FileContext) {
	marker := "//"
	if fc.Lang() == diff.Python {
		marker = "#"
	}
	var buf [32]commentLine
	run := buf[:0]
	for _, v := range fc.Views {
		h := &hunkState{v: v}
		run = run[:0]
		flush := func() {
			if len(run) >= minCodeLines {
				r.judgeRun(fc, h, run)
			}
			run = run[:0]
		}
		for i, l := range v.Lines {
			if l.Kind != diff.Added {
				flush()
				continue
			}
			t := l.Text
			k := indent(t)
			if !strings.HasPrefix(t[k:], marker) {
				flush()
				continue
			}
			body := t[k+len(marker):]
			run = append(run, commentLine{idx: i, body: body})
		}
		flush()
	}
}

// judgeRun classifies a run of consecutive added comment lines and reports
// each stretch of at least minCodeLines code lines once, on its first line.
func (r *commentedOutCode) judgeRun(fc *checks.FileContext, h *hunkState, run []commentLine) {
	lang := fc.Lang()
	v := h.v
	codeLines := 0
	for n := range run {
		c := &run[n]
		raw := c.body
		c.indent = width(raw)
		c.body = strings.TrimSpace(raw)
		switch {
		case c.body == "":
			c.kind = kindBlank
		case quickProse(c.body):
			c.kind = kindProse
		case directiveComment(lang, raw):
			// Neutral, like an empty comment line: it neither breaks
			// nor extends a stretch of code.
			c.kind = kindBlank
			continue
		default:
			c.kind = kindCode // a candidate until classified below
			codeLines++
		}
		if exampleMarker(c.body) {
			// The whole run documents an example or expected output.
			return
		}
	}
	// Most comment runs are prose: classify with the regular expressions
	// only the runs that could hold enough code.
	if codeLines < minCodeLines {
		return
	}
	codeLines = 0
	for n := range run {
		c := &run[n]
		if c.kind != kindCode {
			continue
		}
		switch codeKind(c.body) {
		case strongCode:
			c.strong = true
			codeLines++
		case weakCode:
			codeLines++
		default:
			c.kind = kindProse
		}
	}
	if codeLines < minCodeLines {
		return
	}
	proseIndent := -1
	for _, c := range run {
		if c.kind == kindProse && (proseIndent < 0 || c.indent < proseIndent) {
			proseIndent = c.indent
		}
	}
	for s := 0; s < len(run); {
		if run[s].kind != kindCode {
			s++
			continue
		}
		e, last, n, strong, minIndent := s, s, 0, 0, -1
		for e < len(run) && run[e].kind != kindProse {
			if run[e].kind == kindCode {
				n++
				last = e
				if run[e].strong {
					strong++
				}
				if minIndent < 0 || run[e].indent < minIndent {
					minIndent = run[e].indent
				}
			}
			e++
		}
		// Braces and data entries alone are a documented payload, not
		// dead code: a stretch needs two statements.
		if n >= minCodeLines && strong >= 2 && !introduced(run, s, proseIndent, minIndent) && h.lineComments(lang, run[s:e]) && !cgoPreamble(lang, v, run[len(run)-1].idx) {
			fc.Report(checks.Finding{
				StartLine: v.Lines[run[s].idx].NewLine,
				EndLine:   v.Lines[run[last].idx].NewLine,
				Message:   "Commented-out code: these comment lines are code, not an explanation. Delete them (version control keeps the history) or restore them as live code.",
			})
		}
		s = e
	}
}

// introduced reports whether the code stretch starting at s illustrates
// the prose around it: the code is indented deeper than the prose (Go doc
// comments indent code blocks with a tab; reStructuredText and Markdown do
// the same), or the prose line before it ends with a colon ("We generate:",
// "Usage:"), unless that line calls the code old, kept or disabled.
func introduced(run []commentLine, s, proseIndent, codeIndent int) bool {
	if proseIndent >= 0 && codeIndent > proseIndent+1 {
		return true
	}
	for k := s - 1; k >= 0; k-- {
		if run[k].kind == kindBlank {
			continue
		}
		if run[k].kind != kindProse || !strings.HasSuffix(run[k].body, ":") {
			return false
		}
		// "Old implementation:" introduces dead code, not an example.
		for _, w := range []string{"old", "previous", "legacy", "original", "kept", "disabled", "unused", "obsolete", "deprecated", "temporarily", "for now"} {
			if indexWordFold(run[k].body, w) >= 0 {
				return false
			}
		}
		return true
	}
	return false
}

// indexWordFold is indexWord ignoring ASCII case; word is lower case.
func indexWordFold(s, word string) int {
	for off := 0; off < len(s); {
		k := indexFold(s[off:], word)
		if k < 0 {
			return -1
		}
		a, b := off+k, off+k+len(word)
		if (a == 0 || !isIdentByte(s[a-1])) && (b == len(s) || !isIdentByte(s[b])) {
			return a
		}
		off = a + 1
	}
	return -1
}

// hunkState is what judging the runs of one hunk computes once, on first
// need: which lines start inside a block comment or a multi-line string.
type hunkState struct {
	v      *checks.HunkView
	inside []bool
}

// lineComments confirms that every line of the stretch is a line comment:
// not text inside a multi-line string that happens to start with a marker
// (a docstring's example), nor a line of a block comment (a Go package doc
// quoting a cgo preamble).
func (h *hunkState) lineComments(lang diff.Language, lines []commentLine) bool {
	if h.inside == nil {
		h.inside = insideStarts(lang, h.v.Lines)
	}
	for _, c := range lines {
		if h.inside[c.idx] {
			return false
		}
	}
	return true
}

// insideStarts tracks block comments and multi-line strings (Python triple
// quotes, Go raw strings, JS template literals) over the lines of a hunk,
// skipping one-line strings and line comments. A hunk that starts inside
// one of them is read as code.
func insideStarts(lang diff.Language, lines []diff.Line) []bool {
	out := make([]bool, len(lines))
	python := lang == diff.Python
	var closer string // what ends the construct the scan is in; "" in code
	for k, l := range lines {
		out[k] = closer != ""
		s := l.Text
		for i := 0; i < len(s); i++ {
			if closer != "" {
				if strings.HasPrefix(s[i:], closer) {
					i += len(closer) - 1
					closer = ""
				} else if s[i] == '\\' && closer != "*/" {
					i++
				}
				continue
			}
			c := s[i]
			switch {
			case python && c == '#', !python && c == '/' && i+1 < len(s) && s[i+1] == '/':
				i = len(s)
			case !python && c == '/' && i+1 < len(s) && s[i+1] == '*':
				closer = "*/"
				i++
			case python && (strings.HasPrefix(s[i:], `"""`) || strings.HasPrefix(s[i:], "'''")):
				closer = s[i : i+3]
				i += 2
			case !python && c == '`':
				closer = "`"
			case c == '"' || c == '\'':
				for i++; i < len(s) && s[i] != c; i++ {
					if s[i] == '\\' {
						i++
					}
				}
			}
		}
	}
	return out
}

// cgoPreamble reports whether the comment run ending at line last is the
// C preamble of a Go file: code by design, read by cgo.
func cgoPreamble(lang diff.Language, v *checks.HunkView, last int) bool {
	if lang != diff.Go {
		return false
	}
	for k := last + 1; k < len(v.Lines); k++ {
		t := strings.TrimSpace(v.Lines[k].Text)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		return t == `import "C"`
	}
	return false
}

// directiveComment is a tool directive rather than text: //go:generate,
// //nolint, // +build, #!, # type:, # noqa, // eslint-disable, #region.
func directiveComment(lang diff.Language, body string) bool {
	if body == "" {
		return false
	}
	if body[0] != ' ' && body[0] != '\t' {
		// "//go:build", "//nolint:errcheck", "#!/usr/bin/env", "///" and
		// "//!" doc comments, "#:" Sphinx attributes, "#%%" cells.
		switch body[0] {
		case '!', ':', '%', '#', '/', '@', '=', '-', '+', '<':
			return true
		}
		if k := strings.IndexByte(body, ':'); k > 0 && isLowerWord(body[:k]) && (k+1 == len(body) || body[k+1] != ' ' && body[k+1] != '=') {
			return true
		}
		for _, p := range []string{"region", "endregion", "nolint", "export ", "line ", "sys ", "cgo ", "noinspection", "pragma"} {
			if strings.HasPrefix(body, p) {
				return true
			}
		}
		return false
	}
	t := strings.TrimSpace(body)
	for _, p := range []string{"+build", "eslint-", "prettier-", "istanbul ", "type:", "noqa", "pylint:", "fmt:", "pragma", "@ts-", "language=", "nolint", "lint:", "NOSONAR", "prodready:", "#region", "#endregion", "region ", "endregion", "jscpd:", "c8 ", "webpack"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

func isLowerWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// exampleMarker is a comment line that announces an example or output.
func exampleMarker(b string) bool {
	if strings.HasPrefix(b, "```") || strings.HasPrefix(b, ">>>") || strings.HasPrefix(b, "$ ") || strings.HasPrefix(b, "~~~") {
		return true
	}
	for _, p := range []string{"Output:", "Unordered output:", "Example:", "Examples:", "Usage:", "For example", "e.g.", "Example usage", "example:"} {
		if strings.HasPrefix(b, p) {
			return true
		}
	}
	return false
}

// width is the visual indentation of a comment's text, a tab counting as
// four columns: gofmt indents code blocks in doc comments with one tab.
func width(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			w++
		case '\t':
			w += 4
		default:
			return w
		}
	}
	return w
}

// isStatementWord reports whether w opens a statement that needs no
// punctuation to be code.
func isStatementWord(w string) bool {
	switch w {
	case "import", "from", "package", "return", "break", "continue", "pass", "raise", "throw", "del", "yield",
		"await", "go", "defer", "else", "try", "finally", "end", "var", "let", "const", "val", "def", "class",
		"func", "function", "type", "export", "public", "private", "protected", "static", "final", "async", "for",
		"while", "if", "elif", "with", "except", "switch", "case", "default", "select":
		return true
	}
	return false
}

// quickProse rejects, without regular expressions, comment text that cannot
// be code: a sentence, text without any code punctuation, or text opening
// with two plain words ("Package sync mirrors", "Run returns when").
func quickProse(b string) bool {
	if strings.HasSuffix(b, ".") && !strings.HasSuffix(b, "...") {
		return true
	}
	w := firstWord(b)
	if isStatementWord(w) {
		return false
	}
	if !strings.ContainsAny(b, "(={};[:@+-") {
		return true
	}
	if strings.HasSuffix(b, ";") || strings.HasSuffix(b, "{") {
		return false
	}
	return wordPairs(b, 2) >= 2
}

// wordPairs counts, up to limit, the places where two plain identifiers
// (not keywords) follow each other with only blanks between, outside
// string literals: prose is full of them, code has few (a declared type).
func wordPairs(s string, limit int) int {
	n := 0
	prev, gap := "", false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
			prev, gap = "", false
		case c == ' ' || c == '\t':
			gap = true
			i++
		case isIdentByte(c) && !('0' <= c && c <= '9'):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			w := s[i:j]
			if prev != "" && gap && !isExprKeyword(prev) && !isExprKeyword(w) {
				if n++; n >= limit {
					return n
				}
			}
			prev, gap = w, false
			i = j
		default:
			prev, gap = "", false
			i++
		}
	}
	return n
}
