package hardening

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// span is a stretch of source beside its masked twin (lexical.Span).
type span = lexical.Span

// Constructs longer than this are cut short; the bound keeps huge lines and
// unbalanced hunks linear.
const (
	maxSpanLines = 40
	maxSpanBytes = 16 << 10
)

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// balanced is what readBalanced found between a pair of brackets.
type balanced struct {
	inner  span // between the brackets, lines joined by '\n'
	last   int  // line of the closing bracket, or the last line read
	end    int  // column of the closing bracket on line last, when closed
	closed bool
}

// readBalanced reads the bracketed construct whose opening bracket is at
// column open of line i, following it onto later lines of the hunk (context
// included) up to maxLines lines. A construct that the hunk cuts off comes
// back with closed unset: its contents are then unknown.
func readBalanced(v *checks.HunkView, i, open, maxLines int) balanced {
	r := balanced{last: i}
	if i < 0 || i >= len(v.Lines) || open < 0 {
		return r
	}
	var raw, code strings.Builder
	depth, total := 0, 0
	for j := i; j < len(v.Lines) && j < i+maxLines; j++ {
		ls := lexical.LineSpan(v, j)
		a := 0
		if j == i {
			a = open + 1
		}
		a = min(a, len(ls.Code))
		b := len(ls.Code)
		for k := a; k < len(ls.Code); k++ {
			switch ls.Code[k] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			}
			if depth < 0 {
				b, r.end, r.closed = k, k, true
				break
			}
		}
		if j > i {
			raw.WriteByte('\n')
			code.WriteByte('\n')
		}
		raw.WriteString(ls.Raw[a:b])
		code.WriteString(ls.Code[a:b])
		r.last = j
		total += b - a
		if r.closed || total > maxSpanBytes {
			break
		}
	}
	r.inner = span{Raw: raw.String(), Code: code.String()}
	return r
}

// splitTop splits s at its top-level commas and trims the pieces.
func splitTop(s span) []span {
	var out []span
	depth, start := 0, 0
	for k := 0; k < len(s.Code); k++ {
		switch s.Code[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s.Slice(start, k).Trim())
				start = k + 1
			}
		}
	}
	if last := s.Slice(start, len(s.Code)).Trim(); len(last.Code) > 0 {
		out = append(out, last)
	}
	return out
}

// topLevelKey reports whether the struct or object literal body s holds
// the key name at its top level (name: value), not inside a nested literal.
func topLevelKey(s span, name string) bool {
	for _, part := range splitTop(s) {
		c := part.Code
		if strings.HasPrefix(c, name) {
			rest := strings.TrimLeft(c[len(name):], " \t")
			if strings.HasPrefix(rest, ":") {
				return true
			}
		}
	}
	return false
}

// strLit is a string literal of a span: the quotes are at start and end.
type strLit struct {
	start, end int
	quote      byte
	prefix     string // Python string prefix letters glued to the quote (r, f, rb)
}

func (l strLit) content(s span) string { return s.Raw[l.start+1 : l.end] }

// stringLits finds the string literals of s. The mask keeps quote
// characters and blanks what lies between them, so the next identical
// quote on the code side closes a literal.
func stringLits(s span) []strLit {
	var out []strLit
	c := s.Code
	for k := 0; k < len(c); k++ {
		q := c[k]
		if q != '"' && q != '\'' && q != '`' {
			continue
		}
		e := strings.IndexByte(c[k+1:], q)
		if e < 0 {
			break
		}
		e += k + 1
		p := k
		for p > 0 && isIdentChar(s.Raw[p-1]) && k-p < 3 {
			p--
		}
		out = append(out, strLit{start: k, end: e, quote: q, prefix: s.Raw[p:k]})
		k = e
	}
	return out
}

// identWords splits an identifier into lower-case words at underscores,
// dashes, dots and case changes: APIKey -> api key, user_SSN -> user ssn.
func identWords(s string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(s[start:end]))
		}
		start = -1
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '_' || c == '$' || !isIdentChar(c):
			flush(k)
		case 'A' <= c && c <= 'Z':
			if start >= 0 {
				prev := s[k-1]
				nextLower := k+1 < len(s) && 'a' <= s[k+1] && s[k+1] <= 'z'
				if 'a' <= prev && prev <= 'z' || isDigit(prev) || 'A' <= prev && prev <= 'Z' && nextLower {
					flush(k)
				}
			}
			if start < 0 {
				start = k
			}
		default:
			if start < 0 {
				start = k
			}
		}
	}
	flush(len(s))
	return out
}

// assignTarget finds the variable an assignment line sets.
var assignTarget = regexp.MustCompile(`^\s*(?:(?:const|let|var|final|val|auto)\s+)?(?:[\w<>\[\],.]+\s+)?([A-Za-z_$][\w$]*)\s*(?::=|=[^=]|:\s*[\w<>\[\]]+\s*=[^=])`)

// taintedNear reports whether line i holds a user-input marker, or names a
// variable assigned (directly or through other variables) from one on an
// earlier line of the hunk, at most 40 lines back.
func taintedNear(lang diff.Language, v *checks.HunkView, i int) bool {
	if i < 0 || i >= len(v.Lines) {
		return false
	}
	if checks.HasUserInput(lang, v.Lines[i].Text) {
		return true
	}
	var names []string
	for j := max(0, i-40); j < i; j++ {
		t := v.Lines[j].Text
		if !checks.HasUserInput(lang, t) && !containsAnyWord(t, names) {
			continue
		}
		if m := assignTarget.FindStringSubmatch(t); m != nil {
			names = append(names, m[1])
		}
	}
	return containsAnyWord(v.Lines[i].Text, names)
}

func containsAnyWord(s string, words []string) bool {
	for _, w := range words {
		if checks.ContainsWord(s, w) {
			return true
		}
	}
	return false
}

// assignedFrom returns the right-hand side of the last assignment to name
// on the lines before i (at most back lines), or "".
func assignedFrom(v *checks.HunkView, i int, name string, back int) string {
	for j := i - 1; j >= 0 && j >= i-back; j-- {
		t := v.Lines[j].Text
		if !strings.Contains(t, name) {
			continue
		}
		m := assignTarget.FindStringSubmatchIndex(t)
		if m == nil || t[m[2]:m[3]] != name {
			continue
		}
		rhs := t[m[1]-1:]
		if k := strings.IndexByte(rhs, '='); k >= 0 && k < 3 {
			rhs = rhs[k+1:]
		}
		return rhs
	}
	return ""
}

// callName returns the dotted name written just before column open (a '('
// of code): requests.get, new RegExp, Pattern.compile.
func callName(code string, open int) (name string, start int) {
	k := min(open, len(code))
	for k > 0 && (code[k-1] == ' ' || code[k-1] == '\t') {
		k--
	}
	end := k
	for k > 0 && (isIdentChar(code[k-1]) || code[k-1] == '.') {
		k--
	}
	return code[k:end], k
}

// precededByDot reports whether the identifier starting at column k is a
// member access (x.fetch) rather than a bare name.
func precededByDot(code string, k int) bool {
	if k > 0 && isIdentChar(code[k-1]) {
		return true
	}
	for k > 0 && (code[k-1] == ' ' || code[k-1] == '\t') {
		k--
	}
	return k > 0 && code[k-1] == '.'
}

// hasAnyFold reports whether s contains any of subs, ASCII case-insensitively;
// subs must be lower case.
func hasAnyFold(s string, subs ...string) bool {
	for _, sub := range subs {
		if indexFold(s, sub) >= 0 {
			return true
		}
	}
	return false
}

// indexFold is strings.Index ignoring ASCII case; sub must be lower case.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	first := sub[0]
	for k := 0; k+n <= len(s); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != first {
			continue
		}
		if strings.EqualFold(s[k:k+n], sub) {
			return k
		}
	}
	return -1
}
