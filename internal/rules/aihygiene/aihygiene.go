// Package aihygiene holds the rules for what AI assistants leave behind in
// otherwise working code: stubs and placeholders, debugging output, tests
// switched off or stripped of assertions, and blocks of commented-out code.
//
// These are hygiene findings, not vulnerabilities: the rules favour
// precision, stay out of test files where the pattern is the norm (stubs,
// prints) and read only what the hunk shows, so that a construct whose
// context is not visible is left alone rather than guessed at.
package aihygiene

import (
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// Family is the Meta.Family of every rule in this package.
const Family = "ai-hygiene"

// Rules returns fresh instances of the rules of this package.
func Rules() []checks.Rule {
	return []checks.Rule{
		newPlaceholderStub(),
		newDebugLeftover(),
		newTestsWeakened(),
		newCommentedOutCode(),
	}
}

// lowerASCII folds an ASCII letter.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// indexFold is strings.Index with ASCII case folding; sub must be lower
// case. It does not allocate, unlike strings.ToLower on every line.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	first := sub[0]
	for i := 0; i+n <= len(s); i++ {
		if lowerASCII(s[i]) != first {
			continue
		}
		j := 1
		for j < n && lowerASCII(s[i+j]) == sub[j] {
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
}

// hasFold reports whether s contains sub (lower case) ignoring ASCII case.
func hasFold(s, sub string) bool { return indexFold(s, sub) >= 0 }

// hasPrefixFold is strings.HasPrefix with ASCII case folding; p is lower case.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lowerASCII(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// indexWord finds word in s delimited by non-identifier bytes.
func indexWord(s, word string) int {
	for off := 0; off < len(s); {
		k := strings.Index(s[off:], word)
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

// indent is the width of a line's leading blanks.
func indent(s string) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return n
}

func isBlank(s string) bool { return indent(s) == len(s) }

// inString reports whether byte p of a line sits inside a string literal on
// that line, judged from the masked code: string contents are blanked but
// their quotes kept, comments blanked whole. A line inside a multi-line
// string is blank throughout and reads as not-a-string.
func inString(code string, p int) bool {
	if p < 0 || p >= len(code) || code[p] != ' ' && code[p] != '\t' {
		return false
	}
	before, after := byte(0), byte(0)
	for k := p - 1; k >= 0; k-- {
		if code[k] != ' ' && code[k] != '\t' {
			before = code[k]
			break
		}
	}
	for k := p + 1; k < len(code); k++ {
		if code[k] != ' ' && code[k] != '\t' {
			after = code[k]
			break
		}
	}
	return isQuote(before) && isQuote(after)
}

// inCommentAt reports whether byte p is prose: blanked by the mask and not
// inside a single-line string.
func inCommentAt(code string, p int) bool {
	if p < 0 || p >= len(code) || code[p] != ' ' && code[p] != '\t' {
		return false
	}
	return !inString(code, p)
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// trailingComment returns the text after the comment marker that follows
// the last code on the line, or "" when the line carries no comment.
func trailingComment(lang diff.Language, raw, code string) (string, bool) {
	end := len(code)
	for end > 0 && (code[end-1] == ' ' || code[end-1] == '\t') {
		end--
	}
	if end > len(raw) {
		return "", false
	}
	rest := raw[end:]
	marker := "//"
	if lang == diff.Python || lang == diff.Ruby || lang == diff.Shell {
		marker = "#"
	}
	k := strings.Index(rest, marker)
	if k < 0 {
		return "", false
	}
	return rest[k+len(marker):], true
}

// pathHasDir reports whether one of p's directories (not its base name) is
// named one of dirs. It does not allocate.
func pathHasDir(p string, dirs ...string) bool {
	for {
		k := strings.IndexByte(p, '/')
		if k < 0 {
			return false
		}
		seg := p[:k]
		for _, d := range dirs {
			if strings.EqualFold(seg, d) {
				return true
			}
		}
		p = p[k+1:]
	}
}

// baseName is the last element of a slash-separated path.
func baseName(p string) string {
	if k := strings.LastIndexByte(p, '/'); k >= 0 {
		return p[k+1:]
	}
	return p
}

// isDocPath is checks.IsDocPath without its allocations, for rules that ask
// on every candidate line.
func isDocPath(p string) bool {
	b := baseName(p)
	for _, ext := range []string{".md", ".rst", ".txt", ".markdown", ".ipynb"} {
		if len(b) >= len(ext) && strings.EqualFold(b[len(b)-len(ext):], ext) {
			return true
		}
	}
	return pathHasDir(p, "docs", "doc", "examples", "example", "samples", "sample")
}
