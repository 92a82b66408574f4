package inputvalidation

import (
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// span is a stretch of source beside its masked twin (lexical.Span).
type span = lexical.Span

// Calls and statements spanning more than this are cut short: the rules only
// need the first few arguments, and huge lines must stay cheap.
const (
	maxSpanLines = 12
	maxSpanBytes = 16 << 10
	// maxCallsPerLine bounds the calls judged on one line, so that a huge
	// generated line stays linear.
	maxCallsPerLine = 16
)

// stringText keeps what the mask blanked (string contents, comments) and
// blanks the code, so that keyword tests run on literal text only.
func stringText(s span) string {
	if s.Raw == s.Code {
		return ""
	}
	b := make([]byte, len(s.Raw))
	for k := 0; k < len(s.Raw); k++ {
		if s.Raw[k] != s.Code[k] {
			b[k] = s.Raw[k]
		} else if s.Raw[k] == '\n' {
			b[k] = '\n'
		} else {
			b[k] = ' '
		}
	}
	return string(b)
}

// segment is part of one hunk line: columns [a, b) of line j.
type segment struct{ j, a, b int }

// joinSegments returns the text of consecutive segments, lines joined by
// '\n'; a single segment is returned without copying.
func joinSegments(v *checks.HunkView, segs []segment) span {
	if len(segs) == 0 {
		return span{}
	}
	if len(segs) == 1 {
		s := segs[0]
		return lexical.LineSpan(v, s.j).Slice(s.a, s.b)
	}
	var raw, code strings.Builder
	for n, s := range segs {
		if n > 0 {
			raw.WriteByte('\n')
			code.WriteByte('\n')
		}
		ls := lexical.LineSpan(v, s.j)
		raw.WriteString(ls.Raw[s.a:s.b])
		code.WriteString(ls.Code[s.a:s.b])
	}
	return span{Raw: raw.String(), Code: code.String()}
}

// call is what readCall found between a call's parentheses.
type call struct {
	args   []span // top-level arguments, trimmed
	inner  span   // everything between the parentheses
	last   int    // index of the line holding the closing parenthesis, or the last line read
	end    int    // column of the closing parenthesis on line last, when closed
	closed bool
}

// declaration reports whether what follows the closing parenthesis makes
// the "call" a function or method declaration: exec(cmd) { or
// exec(sql: string): void.
func (c call) declaration(v *checks.HunkView) bool {
	if !c.closed || c.last >= len(v.Lines) {
		return false
	}
	code := lexical.LineSpan(v, c.last).Code
	k := skipBlanks(code, c.end+1)
	return k < len(code) && (code[k] == '{' || code[k] == ':')
}

// readCall reads the call whose '(' is at column open of line i, following
// it onto the next lines of the hunk when the arguments span lines.
func readCall(v *checks.HunkView, i, open int) call {
	c := call{last: i}
	if i < 0 || i >= len(v.Lines) || open < 0 {
		return c
	}
	var buf [maxSpanLines]segment
	segs := buf[:0]
	depth, total := 0, 0
	for j := i; j < len(v.Lines) && len(segs) < maxSpanLines; j++ {
		code := lexical.LineSpan(v, j).Code
		a := 0
		if j == i {
			a = open + 1
		}
		if a > len(code) {
			a = len(code)
		}
		b := len(code)
		for k := a; k < len(code); k++ {
			switch code[k] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			}
			if depth < 0 {
				b = k
				c.end = k
				c.closed = true
				break
			}
		}
		segs = append(segs, segment{j, a, b})
		c.last = j
		total += b - a
		if c.closed || total > maxSpanBytes {
			break
		}
	}
	c.inner = joinSegments(v, segs)
	c.args = splitArgs(c.inner)
	return c
}

// splitArgs splits s at its top-level commas and trims the pieces; a
// trailing empty piece (trailing comma) is dropped.
func splitArgs(s span) []span {
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
	if last := s.Slice(start, len(s.Code)).Trim(); len(last.Code) > 0 || len(out) > 0 {
		if len(last.Code) > 0 {
			out = append(out, last)
		}
	}
	return out
}

// unwrapList returns the elements of a list-like argument such as
// ["sh", "-c", x], List.of(...), Arrays.asList(...) or new String[]{...};
// other arguments come back as a one-element list.
func unwrapList(s span) []span {
	code := s.Code
	open := strings.IndexAny(code, "([{")
	if open >= 0 && hasAt(code, open, "[]") {
		// new String[]{...}: the elements follow the array type.
		if k := strings.IndexByte(code[open:], '{'); k >= 0 {
			open += k
		}
	}
	if open < 0 || len(code) == 0 {
		return []span{s}
	}
	last := code[len(code)-1]
	if last != ')' && last != ']' && last != '}' {
		return []span{s}
	}
	head := strings.TrimSpace(code[:open])
	switch head {
	case "", "List.of", "Arrays.asList", "new String[]", "ImmutableList.of", "listOf", "arrayOf":
	default:
		return []span{s}
	}
	return splitArgs(s.Slice(open+1, len(code)-1))
}

// readStatement reads from column col of line i to the end of the
// statement: brackets, template literals and triple-quoted strings are
// followed onto the next lines, as are lines ending in or continued by an
// operator. It stops at a ';' or an unbalanced closing bracket, and at a
// top-level ',' when stopAtComma is set (an object or argument value).
func readStatement(lang diff.Language, v *checks.HunkView, i, col int, stopAtComma bool) span {
	if i < 0 || i >= len(v.Lines) {
		return span{}
	}
	var buf [maxSpanLines]segment
	segs := buf[:0]
	depth, backticks, triples, rawTriples, total := 0, 0, 0, 0, 0
	for j := i; j < len(v.Lines) && len(segs) < maxSpanLines; j++ {
		ls := lexical.LineSpan(v, j)
		code := ls.Code
		a := 0
		if j == i {
			a = min(col, len(code))
		}
		b := len(code)
		stop := false
		for k := a; k < len(code) && !stop; k++ {
			switch code[k] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
				if depth < 0 {
					b, stop = k, true
				}
			case ';':
				if depth == 0 && lang != diff.Python {
					b, stop = k, true
				}
			case ',':
				if depth == 0 && stopAtComma {
					b, stop = k, true
				}
			case '`':
				backticks++
			case '"', '\'':
				if lang == diff.Python && k+2 < len(code) && code[k+1] == code[k] && code[k+2] == code[k] {
					triples++
					k += 2
				}
			}
		}
		if lang == diff.Java {
			rawTriples += strings.Count(ls.Raw[a:b], `"""`)
		}
		segs = append(segs, segment{j, a, b})
		total += b - a
		if stop || total > maxSpanBytes {
			break
		}
		if rawTriples > 0 && rawTriples%2 == 0 && strings.HasSuffix(strings.TrimSpace(ls.Raw), ";") {
			// A Java text block hides its closing ';' inside what the
			// masker reads as a string.
			break
		}
		if depth > 0 || backticks%2 == 1 || triples%2 == 1 || rawTriples%2 == 1 {
			continue
		}
		t := strings.TrimSpace(code[a:b])
		if strings.HasSuffix(t, "+") || strings.HasSuffix(t, "\\") || strings.HasSuffix(t, "%") || strings.HasSuffix(t, "=") {
			continue
		}
		if j+1 < len(v.Lines) {
			n := strings.TrimSpace(lexical.LineSpan(v, j+1).Code)
			if strings.HasPrefix(n, "+") || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "%") {
				continue
			}
		}
		break
	}
	return joinSegments(v, segs)
}
