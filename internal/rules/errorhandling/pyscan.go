package errorhandling

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// pyExcept is an except clause and the body that indentation gives it.
type pyExcept struct {
	bare     bool
	types    []string // as written: "ValueError", "requests.RequestException"
	stmts    []pyStmt // top-level statements of the body
	comments []string // comments on the clause line and in the body
	complete bool     // the body's end was seen (or the hunk ends the file)
}

// pyStmt is one statement of an except body; nested blocks and
// continuation lines are folded into the statement that opens them.
type pyStmt struct {
	code string // masked
	raw  string
}

// isPyExceptLine reports whether masked code starts an except clause.
func isPyExceptLine(code string) bool {
	t := strings.TrimLeft(code, " \t")
	if !strings.HasPrefix(t, "except") {
		return false
	}
	return len(t) == len("except") || !isIdentByte(t[len("except")])
}

// parsePyExcept reads the except clause on line i and its body, from the
// line after the clause's colon while lines are indented deeper than the
// clause (blank and comment-only lines do not end a body; brackets and a
// trailing backslash continue a line).
func parsePyExcept(v *checks.HunkView, i int) (pyExcept, bool) {
	var e pyExcept
	code := v.Code(i)
	t := strings.TrimLeft(code, " \t")
	col := len(code) - len(t) + len("except")
	// The clause may run over several lines when it names a tuple.
	var clause strings.Builder
	depth, colonLine, colonCol := 0, -1, -1
	for j := i; j < len(v.Lines) && j <= i+6 && colonLine < 0; j++ {
		c := v.Code(j)
		k := 0
		if j == i {
			k = col
		}
		for ; k < len(c); k++ {
			switch c[k] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			case ':':
				if depth == 0 {
					colonLine, colonCol = j, k
				}
			}
			if colonLine >= 0 {
				break
			}
			clause.WriteByte(c[k])
		}
		clause.WriteByte(' ')
	}
	if colonLine < 0 {
		return e, false
	}
	e.types, e.bare = pyExceptTypes(clause.String())
	cl := v.Code(colonLine)
	if c, ok := lineComment(v.Lines[colonLine].Text, cl, colonCol+1, len(cl), pyOpeners); ok {
		e.comments = append(e.comments, c)
	}
	if inline := strings.TrimSpace(cl[colonCol+1:]); inline != "" {
		for _, s := range splitStatements(inline) {
			e.stmts = append(e.stmts, pyStmt{code: s, raw: s})
		}
		// A one-line body keeps no raw text of its own; masked code is
		// enough for every check but NaN detection, which reads raw.
		if len(e.stmts) == 1 {
			e.stmts[0].raw = strings.TrimSpace(v.Lines[colonLine].Text[colonCol+1:])
		}
		e.complete = true
		return e, true
	}
	clauseIndent := indentWidth(v.Lines[i].Text)
	bodyIndent, open, cont := -1, 0, false
	j := colonLine + 1
	for ; j < len(v.Lines) && j <= colonLine+maxBodyLines; j++ {
		c, raw := v.Code(j), v.Lines[j].Text
		if strings.TrimSpace(c) == "" {
			if cm, ok := lineComment(raw, c, 0, len(raw), pyOpeners); ok {
				e.comments = append(e.comments, cm)
			}
			continue
		}
		if cm, ok := lineComment(raw, c, 0, len(raw), pyOpeners); ok {
			e.comments = append(e.comments, cm)
		}
		continuation := open > 0 || cont
		if !continuation {
			ind := indentWidth(raw)
			if ind <= clauseIndent {
				e.complete = true
				break
			}
			if bodyIndent < 0 || ind <= bodyIndent {
				bodyIndent = ind
				e.stmts = append(e.stmts, pyStmt{code: strings.TrimSpace(c), raw: strings.TrimSpace(raw)})
			} else {
				continuation = true
			}
		}
		if continuation && len(e.stmts) > 0 {
			last := &e.stmts[len(e.stmts)-1]
			last.code += "\n" + strings.TrimSpace(c)
			last.raw += "\n" + strings.TrimSpace(raw)
		}
		for k := 0; k < len(c); k++ {
			switch c[k] {
			case '(', '[', '{':
				open++
			case ')', ']', '}':
				if open > 0 {
					open--
				}
			}
		}
		cont = strings.HasSuffix(strings.TrimRight(c, " \t"), "\\")
	}
	if !e.complete && j >= len(v.Lines) {
		e.complete = atEOF(v)
	}
	return e, len(e.stmts) > 0
}

// pyExceptTypes splits the text between `except` and ':' into the caught
// types; bare is set for a bare `except:`.
func pyExceptTypes(clause string) (types []string, bare bool) {
	s := strings.TrimSpace(clause)
	s = strings.TrimSpace(strings.TrimPrefix(s, "*"))
	if s == "" {
		return nil, true
	}
	if k := lastWord(s, "as"); k >= 0 {
		s = strings.TrimSpace(s[:k])
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = s[1 : len(s)-1]
	}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			types = append(types, p)
		}
	}
	return types, false
}

// shortName is the last dotted component of a type: "asyncio.CancelledError"
// gives "CancelledError".
func shortName(t string) string {
	return t[strings.LastIndexByte(t, '.')+1:]
}

func indentWidth(s string) int {
	w := 0
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case ' ':
			w++
		case '\t':
			w = w/8*8 + 8
		default:
			return w
		}
	}
	return w
}

// pyKind classifies a statement of an except body.
type pyKind uint8

const (
	pyOther         pyKind = iota
	pyPass                 // pass, ...
	pyContinue             // continue
	pyReturnEmpty          // return, return None / [] / {} / "" / 0 / False / -1
	pyAssignDefault        // x = None / 0 / np.nan / float("nan")
	pyLog                  // print(...), logger.error(...)
	pyLogTrace             // logger.exception(...), exc_info=..., traceback.print_exc()
	pyRaise                // raise anywhere in the statement
)

var (
	pyReturnEmptyRe = regexp.MustCompile(`^return(?:\s+(?:None|\[\]|\{\}|""|''|0|False|-1|\(\)))?$`)
	pyAssignRe      = regexp.MustCompile(`^[\w.\[\]"', ]+?\s*=\s*(None|0|0\.0|""|''|np\.nan|numpy\.nan|math\.nan|pd\.NA|float\(\s*["'] *["']\s*\))$`)
)

func classifyPyStmt(s pyStmt) pyKind {
	c := s.code
	if indexWord(c, "raise", 0) >= 0 {
		return pyRaise
	}
	switch c {
	case "pass", "...":
		return pyPass
	case "continue":
		return pyContinue
	}
	if pyReturnEmptyRe.MatchString(c) {
		return pyReturnEmpty
	}
	if m := pyAssignRe.FindStringSubmatch(c); m != nil {
		if strings.HasPrefix(m[1], "float") && !strings.Contains(strings.ToLower(s.raw), "nan") {
			return pyOther
		}
		return pyAssignDefault
	}
	return pyLogKind(c)
}

// pyLogKind recognises a statement that is a single logging or printing
// call.
func pyLogKind(c string) pyKind {
	k := strings.IndexByte(c, '(')
	if k <= 0 || !strings.HasSuffix(c, ")") || matchClose(c, k) != len(c) {
		return pyOther
	}
	head := strings.TrimSpace(c[:k])
	segs := strings.Split(head, ".")
	trace := strings.HasSuffix(head, ".exception") || strings.Contains(c, "exc_info") || segs[0] == "traceback"
	switch {
	case head == "print", head == "traceback.print_exc", head == "traceback.print_exception",
		head == "sys.stderr.write", head == "warnings.warn", head == "click.echo", head == "click.secho":
	default:
		isLog := false
		for _, seg := range segs[:len(segs)-1] {
			l := strings.ToLower(strings.Trim(seg, "_ "))
			if l == "log" || l == "logger" || l == "logging" || l == "lg" || strings.HasSuffix(l, "logger") || strings.HasSuffix(l, "_log") {
				isLog = true
				break
			}
		}
		if !isLog {
			return pyOther
		}
	}
	if trace {
		return pyLogTrace
	}
	return pyLog
}
