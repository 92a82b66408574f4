package checks

import (
	"regexp"
	"strings"
)

// Directive is an inline suppression written in a comment:
//
//	prodready:ignore <rule-id>[,<rule-id>] -- <reason>
//	prodready:ignore-file <rule-id> -- <reason>
type Directive struct {
	File   bool
	Rules  []string
	Reason string
	// Column is the 1-based column where the directive starts.
	Column int
}

var directivePattern = regexp.MustCompile(`prodready:ignore(-file)?(?:[ \t]+([A-Za-z0-9_,\- \t]*?))?(?:[ \t]*--[ \t]*(.*?))?[ \t]*$`)

// ParseDirective finds a directive in a source line. The caller decides
// whether it stands in a comment.
func ParseDirective(line string) (Directive, bool) {
	i := strings.Index(line, "prodready:ignore")
	if i < 0 {
		return Directive{}, false
	}
	// A block comment's closer is not part of the reason.
	rest := strings.TrimRight(line[i:], " \t")
	rest = strings.TrimSuffix(strings.TrimSuffix(rest, "-->"), "*/")
	m := directivePattern.FindStringSubmatch(rest)
	if m == nil {
		return Directive{File: strings.HasPrefix(line[i:], "prodready:ignore-file"), Column: i + 1}, true
	}
	d := Directive{File: m[1] != "", Reason: strings.TrimSpace(m[3]), Column: i + 1}
	for _, r := range strings.FieldsFunc(m[2], func(c rune) bool { return c == ',' || c == ' ' || c == '\t' }) {
		d.Rules = append(d.Rules, r)
	}
	return d, true
}

// Covers reports whether the directive silences rule id.
func (d Directive) Covers(id string) bool {
	if d.Reason == "" {
		return false
	}
	for _, r := range d.Rules {
		if r == id {
			return true
		}
	}
	return false
}

// inComment reports whether the directive starting at col (1-based) of
// line i sits in a comment or string, i.e. the masked code blanks it.
func inComment(v *HunkView, i, col int) bool {
	if _, ok := styleFor(v.lang); !ok {
		before := v.Lines[i].Text[:col-1]
		for _, open := range []string{"//", "#", "--", "/*", "<!--", ";", "%"} {
			if strings.Contains(before, open) {
				return true
			}
		}
		return false
	}
	code := v.commentsMasked(i)
	start := col - 1
	end := start + len("prodready:ignore")
	if end > len(code) {
		return false
	}
	return strings.TrimSpace(code[start:end]) == ""
}

// DirectiveAt returns the directive on line i of v when it stands in a
// comment.
func DirectiveAt(v *HunkView, i int) (Directive, bool) {
	d, ok := ParseDirective(v.Lines[i].Text)
	if !ok || !inComment(v, i, d.Column) {
		return Directive{}, false
	}
	return d, true
}
