// Package lexical holds what the line-based rule families share for
// reading code in a hunk: a stretch of source beside its masked twin.
package lexical

import "github.com/prodready/prodready/internal/checks"

// Span is a stretch of source with its masked twin (comments and string
// contents blanked, same length): structure is read on Code, so that prose
// never matches, and literal text on Raw.
type Span struct{ Raw, Code string }

// LineSpan is line i of v.
func LineSpan(v *checks.HunkView, i int) Span {
	raw, code := v.Lines[i].Text, v.Code(i)
	if len(raw) != len(code) {
		// Never expected; reading raw as code errs toward reporting.
		code = raw
	}
	return Span{raw, code}
}

// Slice is s[a:b] on both sides.
func (s Span) Slice(a, b int) Span { return Span{s.Raw[a:b], s.Code[a:b]} }

// Trim drops the spaces around the code.
func (s Span) Trim() Span {
	a, b := 0, len(s.Code)
	for a < b && IsSpace(s.Code[a]) {
		a++
	}
	for b > a && IsSpace(s.Code[b-1]) {
		b--
	}
	return s.Slice(a, b)
}

// IsSpace reports an ASCII space, tab or line break.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
