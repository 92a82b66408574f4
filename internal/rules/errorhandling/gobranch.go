package errorhandling

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// goErrorUnhandledBranch flags `if err != nil` blocks that do not handle
// the error: empty ones, ones that only log and fall through, and ones that
// return a nil error from a function whose signature returns error.
type goErrorUnhandledBranch struct{ checks.Described }

func newGoErrorUnhandledBranch() *goErrorUnhandledBranch {
	return &goErrorUnhandledBranch{checks.Described{M: checks.Meta{
		ID:        "go-error-unhandled-branch",
		Family:    Family,
		Title:     "Go error checked but not handled",
		Summary:   "An `if err != nil` block is empty, only logs and falls through, or returns a nil error.",
		Languages: []diff.Language{diff.Go},
		Severity:  checks.Warning,
		Keywords:  []string{"err != nil"},
	}}}
}

// errCond is the condition of an error branch.
type errCond struct {
	name   string // the error variable
	init   string // the init statement of `if x, err := f(); err != nil`
	exact  bool   // the condition is only `err != nil`
	elseIf bool
}

// parseErrIf reads `if [init;] err != nil [&& ...] {` from masked code and
// returns the condition and the column of the block's '{'.
func parseErrIf(code string) (errCond, int, bool) {
	var c errCond
	t := strings.TrimLeft(code, " \t")
	if strings.HasPrefix(t, "}") {
		t = strings.TrimLeft(t[1:], " \t")
		if !strings.HasPrefix(t, "else ") {
			return c, 0, false
		}
		t = strings.TrimLeft(t[len("else "):], " \t")
		c.elseIf = true
	}
	if !strings.HasPrefix(t, "if ") {
		return c, 0, false
	}
	start := len(code) - len(t) + len("if ")
	depth, brace, semi := 0, -1, -1
scan:
	for k := start; k < len(code); k++ {
		switch code[k] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ';':
			if depth == 0 {
				semi = k
			}
		case '{':
			if depth == 0 {
				brace = k
				break scan
			}
		}
	}
	if brace < 0 {
		return c, 0, false
	}
	cond := code[start:brace]
	if semi >= 0 {
		c.init = strings.TrimSpace(code[start:semi])
		cond = code[semi+1 : brace]
	}
	if strings.Contains(cond, "||") {
		return c, 0, false
	}
	parts := strings.Split(cond, "&&")
	for _, p := range parts {
		if name, ok := errNotNil(p); ok {
			c.name = name
			break
		}
	}
	if c.name == "" {
		return c, 0, false
	}
	c.exact = len(parts) == 1
	return c, brace, true
}

// errNotNil matches `<name> != nil` where the name says it holds an error.
func errNotNil(s string) (string, bool) {
	s = strings.TrimSpace(s)
	name := identAt(s, 0)
	lower := strings.ToLower(name)
	if !strings.HasPrefix(lower, "err") && !strings.HasSuffix(lower, "err") || lower == "stderr" {
		return "", false
	}
	rest := strings.TrimSpace(s[len(name):])
	if !strings.HasPrefix(rest, "!=") || strings.TrimSpace(rest[2:]) != "nil" {
		return "", false
	}
	return name, true
}

func (r *goErrorUnhandledBranch) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	raw := v.Lines[i].Text
	if t := strings.TrimLeft(raw, " \t"); !strings.HasPrefix(t, "if ") && !strings.HasPrefix(t, "}") || lintSuppressed(raw) {
		return
	}
	code := v.Code(i)
	c, brace, ok := parseErrIf(code)
	if !ok {
		return
	}
	open := pos{i, brace}
	closing, ok := matchBrace(v, open)
	if !ok {
		return
	}
	stmts := splitStatements(blockBody(v, open, closing))
	switch {
	case len(stmts) == 0:
		if explained(blockComments(v, open, closing, cOpeners)) {
			return
		}
		report(fc, v, i, checks.Warning, fmt.Sprintf(
			"This `if %s != nil` block is empty, so the error is silently ignored; return it wrapped with context, or handle it.", c.name))
	case len(stmts) == 1 && c.exact && strings.HasPrefix(stmts[0], "return "):
		if r.swallowingReturn(v, i, code, stmts[0]) {
			report(fc, v, i, checks.Warning, fmt.Sprintf(
				"The error is swallowed: this branch returns a nil error, so callers believe the call succeeded; return %s (wrapped with context) instead.", c.name))
		}
	case !c.elseIf && allGoLogCalls(stmts):
		if r.logOnlyMatters(v, i, c, closing) {
			report(fc, v, i, checks.Warning, fmt.Sprintf(
				"`%s` is only logged, and execution falls through to code that uses the failed call's result; return (or continue) after logging, or handle the failure.", c.name))
		}
	}
}

// goZeroValues are results that carry no information besides "no error".
var goZeroValues = map[string]bool{"nil": true, `""`: true, "0": true, "false": true}

// swallowingReturn decides whether `return ..., nil` in an error branch
// swallows the error. With the enclosing signature in view, the function
// must return error and every returned value must be a zero value; without
// it only `return nil, nil` is judged, since a lone `return nil` may be the
// failure value of a function that returns no error at all.
func (r *goErrorUnhandledBranch) swallowingReturn(v *checks.HunkView, i int, code, stmt string) bool {
	exprs := splitTop(strings.TrimSpace(strings.TrimPrefix(stmt, "return")))
	if exprs[len(exprs)-1] != "nil" {
		return false
	}
	for _, e := range exprs {
		if !goZeroValues[e] {
			return false
		}
	}
	ifCol := len(code) - len(strings.TrimLeft(code, " \t"))
	params, results, found := enclosingGoFunc(v, pos{i, ifCol})
	if !found {
		if len(exprs) < 2 {
			return false
		}
		for _, e := range exprs {
			if e != "nil" {
				return false
			}
		}
		return true
	}
	// A callback handed an error (filepath.WalkDir's err error) may skip
	// entries by returning nil: that is the documented protocol.
	if indexWord(params, "error", 0) >= 0 {
		return false
	}
	n, ok := resultsEndInError(results)
	return ok && n == len(exprs)
}

// enclosingGoFunc finds the function (declaration or literal) whose body
// holds p, reading back through the hunk and then the hunk header, which
// git fills with the enclosing top-level line.
func enclosingGoFunc(v *checks.HunkView, p pos) (params, results string, ok bool) {
	for depth := 0; depth < 12; depth++ {
		open, found := enclosingOpen(v, p, 300)
		if !found {
			break
		}
		hdr := v.Code(open.line)[:open.col]
		if k := lastWord(hdr, "func"); k >= 0 {
			return goFuncSig(hdr[k:])
		}
		if strings.HasPrefix(strings.TrimSpace(hdr), ")") {
			// The closing line of a parameter list split over lines.
			for j := open.line - 1; j >= 0 && j >= open.line-12; j-- {
				c := v.Code(j)
				if k := lastWord(c, "func"); k >= 0 {
					var b strings.Builder
					b.WriteString(c[k:])
					for m := j + 1; m < open.line; m++ {
						b.WriteByte(' ')
						b.WriteString(v.Code(m))
					}
					b.WriteByte(' ')
					b.WriteString(hdr)
					return goFuncSig(b.String())
				}
			}
			return "", "", false
		}
		p = open
	}
	if v.Hunk != nil && strings.HasPrefix(v.Hunk.Section, "func") {
		return goFuncSig(v.Hunk.Section)
	}
	return "", "", false
}

// lastWord returns the index of the last whole-word occurrence of w in s.
func lastWord(s, w string) int {
	last := -1
	for k := indexWord(s, w, 0); k >= 0; k = indexWord(s, w, k+1) {
		last = k
	}
	return last
}

// goIntoArgCallees write their result through a pointer argument, so a
// failure leaves the target zero-valued for the code that follows.
var goIntoArgCallees = regexp.MustCompile(`^(?:Unmarshal\w*|Decode\w*|Scan\w*|\w*Bind\w*|Parse(?:Multipart)?Form|ReadFull|Find|First|Take)$`)

// goAssign is an assignment statement in masked code.
var goAssign = regexp.MustCompile(`^\s*([\w.,\s]+?)\s*:?=\s*(\S.*)$`)

// logOnlyMatters decides whether a branch that only logs lets execution
// continue with a result of the failed call. Logging the error of a
// cleanup call (Close, Shutdown, Remove) and moving on is ordinary; logging
// the error of a call that produced a value, or filled a pointer argument,
// and then using that value is not.
func (r *goErrorUnhandledBranch) logOnlyMatters(v *checks.HunkView, i int, c errCond, closing pos) bool {
	after := strings.TrimSpace(v.Code(closing.line)[closing.col+1:])
	if strings.HasPrefix(after, "else") {
		return false
	}
	if j := v.NextCode(closing.line); after == "" && j >= 0 && strings.HasPrefix(strings.TrimSpace(v.Code(j)), "else") {
		return false
	}
	stmt := c.init
	if stmt == "" {
		for j, n := v.PrevCode(i), 0; j >= 0 && n < 10; j, n = v.PrevCode(j), n+1 {
			m := goAssign.FindStringSubmatch(v.Code(j))
			if m != nil && indexWord(m[1], c.name, 0) >= 0 {
				stmt = v.Code(j)
				break
			}
		}
	}
	m := goAssign.FindStringSubmatch(stmt)
	if m == nil || indexWord(m[1], c.name, 0) < 0 {
		return false
	}
	for _, name := range splitTop(m[1]) {
		if name != c.name && name != "_" && name != "" {
			return true
		}
	}
	cc, ok := parseCallChain(m[2])
	return ok && cc.callee != "" && goIntoArgCallees.MatchString(cc.callee)
}

// goLogSegment matches the selector segments that name a logger.
var goLogSegment = regexp.MustCompile(`^(?:log|logger|slog|zap|zerolog|logrus|klog|glog|sugar|lg|l|logging|\w*Log|\w*Logger)$`)

// allGoLogCalls reports whether every statement is a logging call that
// neither exits nor panics.
func allGoLogCalls(stmts []string) bool {
	if len(stmts) == 0 {
		return false
	}
	for _, s := range stmts {
		if strings.Contains(s, ".Fatal") || strings.Contains(s, ".Panic") || strings.Contains(s, "os.Exit") {
			return false
		}
		cc, ok := parseCallChain(s)
		if !ok || !cc.isCall || strings.TrimSpace(cc.rest) != "" {
			return false
		}
		head := s
		if k := strings.IndexByte(s, '('); k >= 0 {
			head = s[:k]
		}
		segs := strings.Split(head, ".")
		isLog := false
		switch {
		case segs[0] == "fmt" && len(segs) == 2 && (strings.HasPrefix(segs[1], "Print") || strings.HasPrefix(segs[1], "Fprint")),
			len(segs) == 1 && (segs[0] == "println" || segs[0] == "print"),
			len(segs) == 2 && (segs[0] == "t" || segs[0] == "b") && strings.HasPrefix(segs[1], "Log"):
			isLog = true
		default:
			for _, seg := range segs[:len(segs)-1] {
				if goLogSegment.MatchString(strings.TrimSpace(seg)) {
					isLog = true
					break
				}
			}
		}
		if !isLog {
			return false
		}
	}
	return true
}
