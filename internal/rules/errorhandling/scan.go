package errorhandling

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// pos is a column of a line of a HunkView.
type pos struct{ line, col int }

// Bodies longer than this are not error handlers worth judging, and the
// bound keeps a pathological hunk from costing quadratic time.
const maxBodyLines = 60

// matchBrace finds the '}' that closes the '{' at open, reading masked code
// forward across the view (context lines included). ok is false when the
// view or the window ends first: the block's end is then unknown.
func matchBrace(v *checks.HunkView, open pos) (pos, bool) {
	depth := 0
	for j := open.line; j < len(v.Lines) && j <= open.line+maxBodyLines; j++ {
		code := v.Code(j)
		k := 0
		if j == open.line {
			k = open.col
		}
		for ; k < len(code); k++ {
			switch code[k] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return pos{j, k}, true
				}
			}
		}
	}
	return pos{}, false
}

// enclosingOpen finds the innermost '{' still open at p, reading masked
// code backwards at most back lines.
func enclosingOpen(v *checks.HunkView, p pos, back int) (pos, bool) {
	depth := 0
	for j := p.line; j >= 0 && j >= p.line-back; j-- {
		code := v.Code(j)
		end := len(code)
		if j == p.line {
			end = min(p.col, len(code))
		}
		for k := end - 1; k >= 0; k-- {
			switch code[k] {
			case '}':
				depth++
			case '{':
				if depth == 0 {
					return pos{j, k}, true
				}
				depth--
			}
		}
	}
	return pos{}, false
}

// openBrace finds the '{' that opens a block whose header ends at column
// from of line i: on the same line, or alone at the start of the next code
// line (Allman style). Anything else between header and brace means the
// header is not what the caller thought.
func openBrace(v *checks.HunkView, i, from int) (pos, bool) {
	code := v.Code(i)
	rest := strings.TrimLeft(code[min(from, len(code)):], " \t")
	if rest != "" {
		if rest[0] == '{' {
			return pos{i, len(code) - len(rest)}, true
		}
		return pos{}, false
	}
	j := v.NextCode(i)
	if j < 0 || j > i+2 {
		return pos{}, false
	}
	next := v.Code(j)
	t := strings.TrimLeft(next, " \t")
	if t == "" || t[0] != '{' {
		return pos{}, false
	}
	return pos{j, len(next) - len(t)}, true
}

// blockBody returns the masked code between the braces at open and close,
// lines joined with '\n'.
func blockBody(v *checks.HunkView, open, closing pos) string {
	if open.line == closing.line {
		return v.Code(open.line)[open.col+1 : closing.col]
	}
	var b strings.Builder
	b.WriteString(v.Code(open.line)[open.col+1:])
	for j := open.line + 1; j < closing.line; j++ {
		b.WriteByte('\n')
		b.WriteString(v.Code(j))
	}
	b.WriteByte('\n')
	b.WriteString(v.Code(closing.line)[:closing.col])
	return b.String()
}

// blockComments returns the comments written between the braces at open
// and close.
func blockComments(v *checks.HunkView, open, closing pos, openers []string) []string {
	var out []string
	for j := open.line; j <= closing.line; j++ {
		from, to := 0, len(v.Lines[j].Text)
		if j == open.line {
			from = open.col + 1
		}
		if j == closing.line {
			to = closing.col
		}
		if c, ok := lineComment(v.Lines[j].Text, v.Code(j), from, to, openers); ok {
			out = append(out, c)
		}
	}
	return out
}

var (
	cOpeners  = []string{"//", "/*"}
	pyOpeners = []string{"#"}
)

// lineComment returns the text of the comment found in raw[from:to]. code
// is raw with comments and string contents blanked, so an opener that is
// blank in code and outside any string (an even number of quote characters
// before it) starts a comment. A segment blank in code but not in raw,
// with no opener, is the middle of a block comment.
func lineComment(raw, code string, from, to int, openers []string) (string, bool) {
	if len(code) != len(raw) {
		return "", false
	}
	to = min(to, len(raw))
	if from >= to {
		return "", false
	}
	for k := from; k < to; k++ {
		if code[k] != ' ' || raw[k] == ' ' || raw[k] == '\t' {
			continue
		}
		for _, op := range openers {
			if strings.HasPrefix(raw[k:], op) && quotesBalanced(code[:k]) {
				return strings.TrimSpace(raw[k+len(op) : to]), true
			}
		}
	}
	if strings.TrimSpace(code[from:to]) == "" && strings.TrimSpace(raw[from:to]) != "" {
		return strings.TrimSpace(raw[from:to]), true
	}
	return "", false
}

func quotesBalanced(code string) bool {
	return strings.Count(code, `"`)%2 == 0 && strings.Count(code, "'")%2 == 0 && strings.Count(code, "`")%2 == 0
}

// placeholderComment matches comments that mark unfinished handling or
// talk to a tool rather than explain a deliberate choice: IDE templates,
// "handle error" stubs and coverage or type-checker pragmas.
var placeholderComment = regexp.MustCompile(`(?i)\b(todo|fixme|xxx|tbd)\b|auto-?generated|\bhandle\b|^(pragma|type:\s*ignore|pylint:|istanbul |c8 ignore|@ts-)`)

// explained reports whether one of the comments justifies the handler
// (ESLint no-empty, Checkstyle and IntelliJ accept any comment; a TODO or a
// "handle error" stub is not a justification).
func explained(comments []string) bool {
	for _, c := range comments {
		c = strings.Trim(c, "/*# \t")
		if c != "" && !placeholderComment.MatchString(c) {
			return true
		}
	}
	return false
}

// lintSuppressed reports whether a line carries another linter's
// suppression marker for the same finding.
func lintSuppressed(raw string) bool {
	return strings.Contains(raw, "nosec") || strings.Contains(raw, "nolint") ||
		strings.Contains(raw, "noqa") || strings.Contains(raw, "NOSONAR") ||
		strings.Contains(raw, "eslint-disable")
}

// splitStatements splits masked code on ';' and newlines outside brackets.
func splitStatements(code string) []string {
	var out []string
	depth, start := 0, 0
	for k := 0; k <= len(code); k++ {
		if k < len(code) {
			switch code[k] {
			case '(', '[', '{':
				depth++
				continue
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
				continue
			case ';', '\n':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		if s := strings.TrimSpace(code[start:k]); s != "" {
			out = append(out, s)
		}
		start = k + 1
	}
	return out
}

// matchClose returns the index just past the bracket that closes s[i]
// ('(' or '['), or -1 when it does not close within s.
func matchClose(s string, i int) int {
	open := s[i]
	var closing byte = ')'
	if open == '[' {
		closing = ']'
	}
	depth := 0
	for k := i; k < len(s); k++ {
		switch s[k] {
		case open:
			depth++
		case closing:
			depth--
			if depth == 0 {
				return k + 1
			}
		}
	}
	return -1
}

// atEOF reports whether the hunk runs to the end of the file: git writes
// three lines of trailing context unless the file ends first, so fewer
// means nothing follows the hunk.
func atEOF(v *checks.HunkView) bool {
	if v.Hunk == nil {
		return true
	}
	n := 0
	for k := len(v.Hunk.Lines) - 1; k >= 0 && v.Hunk.Lines[k].Kind == diff.Context; k-- {
		n++
	}
	return n < 3
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// indexWord returns the first index at or after from where w occurs as a
// whole word, or -1.
func indexWord(s, w string, from int) int {
	for from <= len(s) {
		k := strings.Index(s[from:], w)
		if k < 0 {
			return -1
		}
		a, b := from+k, from+k+len(w)
		if (a == 0 || !isIdentByte(s[a-1])) && (b == len(s) || !isIdentByte(s[b])) {
			return a
		}
		from = a + 1
	}
	return -1
}

// identAt returns the identifier starting at s[i].
func identAt(s string, i int) string {
	j := i
	for j < len(s) && isIdentByte(s[j]) {
		j++
	}
	return s[i:j]
}

// lastIdent returns the last identifier of s (the variable in "final
// IOException e").
func lastIdent(s string) string {
	s = strings.TrimRight(s, " \t")
	j := len(s)
	for j > 0 && isIdentByte(s[j-1]) {
		j--
	}
	return s[j:]
}
