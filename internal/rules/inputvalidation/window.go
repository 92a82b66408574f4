package inputvalidation

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// Windows: how far a rule reads around the line it judges. Hunks may be
// shorter; indices are always clamped.
const (
	backWindow  = 40
	aheadWindow = 15
	// fileScanLines bounds file-wide look-ups (imports, framework markers) so
	// that a file with many candidate lines stays linear in practice.
	fileScanLines = 4000
)

// assignmentAt reports whether code (a masked line) assigns name with =,
// :=, += or a declaration, and returns the column after the operator and
// whether the operator was +=.
func assignmentAt(code, name string) (col int, appends, ok bool) {
	for off := 0; off < len(code); {
		k := strings.Index(code[off:], name)
		if k < 0 {
			return 0, false, false
		}
		a := off + k
		b := a + len(name)
		off = a + 1
		if a > 0 && (isIdentChar(code[a-1]) || code[a-1] == '.') || b < len(code) && isIdentChar(code[b]) {
			continue
		}
		if !declarationPrefix(code[:a]) {
			continue
		}
		p := skipBlanks(code, b)
		// Type annotations: `q: str =`, `var q string =`, `const q: string =`.
		if p < len(code) && (code[p] == ':' && !(p+1 < len(code) && code[p+1] == '=') || isIdentStart(code[p])) {
			for p < len(code) && (isIdentChar(code[p]) || strings.IndexByte(" \t:.[]<>|*?", code[p]) >= 0) {
				if code[p] == ':' && p+1 < len(code) && code[p+1] == '=' {
					break
				}
				p++
			}
		}
		switch {
		case hasAt(code, p, ":="):
			return p + 2, false, true
		case hasAt(code, p, "+="):
			return p + 2, true, true
		case p < len(code) && code[p] == '=' && !(p+1 < len(code) && (code[p+1] == '=' || code[p+1] == '>')):
			return p + 1, false, true
		}
	}
	return 0, false, false
}

// declarationPrefix reports whether what precedes a name on its line
// leaves it in assignment position: nothing, or keywords and a type
// (const, let, var, final String, List<String>, String[]).
func declarationPrefix(before string) bool {
	t := strings.TrimRight(before, " \t")
	if t == "" {
		return true
	}
	last := t[len(t)-1]
	return isIdentChar(last) || last == '>' || last == ']'
}

func skipBlanks(s string, k int) int {
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	return k
}

// hasAny is the cheap literal test run before a regular expression, so
// that lines the keyword prefilter let through for another branch stay
// cheap.
func hasAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func hasAt(s string, i int, sub string) bool {
	return i >= 0 && len(s)-i >= len(sub) && s[i:i+len(sub)] == sub
}

// assign is one assignment found in a hunk: its line and right-hand side.
type assign struct {
	line int
	rhs  span
}

// assignments returns the right-hand sides that define name before line i
// of the hunk: the nearest plain assignment and the += lines after it.
func assignments(lang diff.Language, v *checks.HunkView, i int, name string) []assign {
	var out []assign
	triples := 0 // Java text-block delimiters from line j to i-1
	for j := min(i, len(v.Lines)) - 1; j >= 0 && j >= i-backWindow; j-- {
		ls := lexical.LineSpan(v, j)
		code := ls.Code
		if lang == diff.Java {
			// The masker leaves text-block contents as code: a line that
			// starts inside one holds no assignment.
			triples += strings.Count(ls.Raw, `"""`)
			if triples%2 == 1 {
				continue
			}
		}
		if !strings.Contains(code, name) {
			continue
		}
		col, appends, ok := assignmentAt(code, name)
		if !ok {
			continue
		}
		out = append(out, assign{j, readStatement(lang, v, j, col, false)})
		if !appends {
			break
		}
	}
	return out
}

// fileConstant reports whether the file (as far as the diff shows it)
// declares name as a constant string: `const name = "..."`, a Go const
// block entry, a Java `static final`, or a module-level Python literal.
func fileConstant(fc *checks.FileContext, name string) bool {
	n := 0
	for _, v := range fc.Views {
		inConstBlock := false
		for j := range v.Lines {
			if n++; n > fileScanLines {
				return false
			}
			ls := lexical.LineSpan(v, j)
			t := strings.TrimSpace(ls.Code)
			switch {
			case strings.HasPrefix(t, "const ("):
				inConstBlock = true
				continue
			case inConstBlock && t == ")":
				inConstBlock = false
				continue
			}
			if !strings.Contains(ls.Code, name) {
				continue
			}
			col, appends, ok := assignmentAt(ls.Code, name)
			if !ok || appends {
				continue
			}
			constant := inConstBlock || strings.HasPrefix(t, "const ") || strings.Contains(t, "static final ") ||
				fc.Lang() == diff.Python && !lexical.IsSpace(ls.Code[0])
			if !constant {
				continue
			}
			rhs := ls.Slice(col, len(ls.Code)).Trim()
			rhs.Code = strings.TrimRight(rhs.Code, ";")
			rhs.Raw = rhs.Raw[:len(rhs.Code)]
			if _, lit := literalValue(fc.Lang(), rhs.Trim()); lit {
				return true
			}
		}
	}
	return false
}

// isControlWord reports keywords that are never variable names in the
// languages read here (Python's `in` or `is` are Java variables).
func isControlWord(name string) bool {
	switch name {
	case "new", "return", "await", "typeof", "if", "else", "for", "while", "def", "func", "function", "const", "let", "var":
		return true
	}
	return false
}

// identifiers calls fn for each variable-like identifier of s's code (a
// plain name or the receiver of a dotted one, not a constant or keyword),
// at most limit of them.
func identifiers(s span, limit int, fn func(name string)) {
	c := s.Code
	for k := 0; k < len(c) && limit > 0; {
		if !isIdentStart(c[k]) || k > 0 && (isIdentChar(c[k-1]) || c[k-1] == '.') {
			k++
			continue
		}
		e := k
		for e < len(c) && isIdentChar(c[e]) {
			e++
		}
		name := c[k:e]
		k = e
		if isConstantName(name) || isControlWord(name) {
			continue
		}
		fn(name)
		limit--
	}
}

var (
	// javaParamInput names a Spring/JAX-RS handler parameter bound from
	// the request: @RequestParam String name, @PathVariable("id") long id.
	javaParamInput = regexp.MustCompile(`@(?:RequestParam|PathVariable|RequestBody|RequestHeader|QueryParam|PathParam|FormParam|HeaderParam)\b(?:\([^)]*\))?\s+(?:final\s+)?[\w.]+(?:<[^>]*>)?(?:\[\])?\s+([A-Za-z_$][\w$]*)`)
	// jsDestructured names variables destructured from the request:
	// const { q, page = 1 } = req.query.
	jsDestructured = regexp.MustCompile(`(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:req|request|ctx|event)\.`)
)

// mayBindInput is the cheap literal test before inputNames' expressions.
func mayBindInput(lang diff.Language, t string) bool {
	if lang == diff.Java {
		return strings.Contains(t, "@") && hasAny(t, "@Request", "@PathVariable", "@QueryParam", "@PathParam", "@FormParam", "@HeaderParam")
	}
	return strings.Contains(t, "}") && hasAny(t, "req", "ctx.", "event.")
}

// inputNames returns the variables a line binds from request data beyond
// what checks.UserInputNear reads (it takes one assignment target per line):
// annotated Java handler parameters and destructured JS request fields.
func inputNames(lang diff.Language, code string) []string {
	var names []string
	switch lang {
	case diff.Java:
		for _, m := range javaParamInput.FindAllStringSubmatch(code, 8) {
			names = append(names, m[1])
		}
	case diff.JavaScript, diff.TypeScript:
		if m := jsDestructured.FindStringSubmatch(code); m != nil {
			for _, part := range strings.Split(m[1], ",") {
				if k := strings.IndexAny(part, ":="); k >= 0 {
					if part[k] == ':' {
						part = part[k+1:] // { q: term } binds term
						if e := strings.IndexByte(part, '='); e >= 0 {
							part = part[:e]
						}
					} else {
						part = part[:k]
					}
				}
				if p := strings.TrimSpace(part); isPlainIdent(p) {
					names = append(names, p)
				}
			}
		}
	}
	return names
}

// userInputNear is checks.UserInputNear (a marker on the line, or a
// variable assigned from one earlier in the hunk) widened two ways: by
// inputNames, and by following one more assignment, so that
// params = new URLSearchParams(location.search); q = params.get("q")
// marks q.
func userInputNear(lang diff.Language, v *checks.HunkView, i int) bool {
	if i < 0 || i >= len(v.Lines) {
		return false
	}
	marked := func(t string) bool { return checks.HasUserInput(lang, t) }
	return flows(lang, v, i, lexical.LineSpan(v, i), marked, 1) || boundFromInput(lang, v, i, v.Lines[i].Text)
}

// flows reports whether text (part of line i) holds what marked
// recognises, or names a variable whose nearest assignment above it in the
// hunk does, following up to depth further assignments. It looks for the
// names before running marked on any other line, so that a miss is cheap.
func flows(lang diff.Language, v *checks.HunkView, i int, text span, marked func(string) bool, depth int) bool {
	if marked(text.Raw) {
		return true
	}
	var buf [8]string
	names := buf[:0]
	identifiers(text, len(buf), func(name string) { names = append(names, name) })
	for _, name := range names {
		for j := min(i, len(v.Lines)) - 1; j >= 0 && j >= i-backWindow; j-- {
			t := v.Lines[j].Text
			if !strings.Contains(t, name) {
				continue
			}
			ls := lexical.LineSpan(v, j)
			col, _, ok := assignmentAt(ls.Code, name)
			if !ok {
				continue
			}
			if marked(t) || depth > 0 && flows(lang, v, j, ls.Slice(col, len(ls.Code)), marked, depth-1) {
				return true
			}
			break // the nearest assignment decides
		}
	}
	return false
}

// funcHeader matches the first line of a Java method or a JS function,
// where the scope of a handler's parameters begins.
var funcHeader = regexp.MustCompile(`^\s*(?:(?:public|private|protected|static|final|synchronized)\s+)+[\w<>\[\], .?]+\([^;]*$|\bfunction\b|=>\s*\{\s*$`)

func isFuncHeader(t string) bool {
	if !hasAny(t, "function", "=>", "public ", "private ", "protected ", "static ") {
		return false
	}
	return funcHeader.MatchString(t)
}

// boundFromInput reports whether text names a variable that inputNames
// finds bound earlier in the same function (as far as the hunk shows it).
func boundFromInput(lang diff.Language, v *checks.HunkView, i int, text string) bool {
	if lang != diff.Java && lang != diff.JavaScript && lang != diff.TypeScript {
		return false
	}
	for j := i - 1; j >= 0 && j >= i-backWindow; j-- {
		t := v.Lines[j].Text
		if mayBindInput(lang, t) {
			for _, name := range inputNames(lang, t) {
				if checks.ContainsWord(text, name) {
					return true
				}
			}
		}
		if isFuncHeader(t) {
			return false
		}
	}
	return false
}

// tainted is flows for the path rule: one assignment deep, plus handler
// parameters and destructured request fields.
func tainted(lang diff.Language, v *checks.HunkView, i int, text span, marked func(string) bool) bool {
	return flows(lang, v, i, text, marked, 1) || boundFromInput(lang, v, i, text.Raw)
}

var assignedNamePattern = regexp.MustCompile(`^\s*(?:(?:const|let|var|final|val|auto)\s+)?(?:[\w<>\[\],.]+\s+)?([A-Za-z_$][\w$]*)\s*(?:,\s*[A-Za-z_$][\w$]*\s*)?(?::=|=[^=]|:\s*[\w<>\[\]|]+\s*=[^=])`)

// assignedName returns the variable a line assigns, or "".
func assignedName(code string) string {
	m := assignedNamePattern.FindStringSubmatch(code)
	if m == nil {
		return ""
	}
	return m[1]
}

// windowHas reports whether any line of the hunk from i-back to i+ahead
// holds sub.
func windowHas(v *checks.HunkView, i, back, ahead int, sub string) bool {
	for j := max(0, i-back); j < len(v.Lines) && j <= i+ahead; j++ {
		if strings.Contains(v.Lines[j].Text, sub) {
			return true
		}
	}
	return false
}

// windowMatch is windowHas for a regular expression.
func windowMatch(v *checks.HunkView, i, back, ahead int, re *regexp.Regexp) bool {
	for j := max(0, i-back); j < len(v.Lines) && j <= i+ahead; j++ {
		if re.MatchString(v.Lines[j].Text) {
			return true
		}
	}
	return false
}

// fileHas reports whether any line the diff shows of the file (context
// included) holds one of subs; the scan is bounded by fileScanLines.
func fileHas(fc *checks.FileContext, subs ...string) bool {
	n := 0
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			for _, s := range subs {
				if strings.Contains(l.Text, s) {
					return true
				}
			}
			if n++; n > fileScanLines {
				return false
			}
		}
	}
	return false
}

// severity applies the family's adjustments: one level up with user input,
// one level down in test files.
func severity(fc *checks.FileContext, base checks.Severity, userInput bool) checks.Severity {
	s := base
	if userInput {
		s = s.Raise()
	}
	if fc.IsTest {
		s = s.Lower()
	}
	return s
}

// report files a finding on line i of v. Suppression (prodready:ignore,
// nosec, nosemgrep) is the engine's.
func report(fc *checks.FileContext, v *checks.HunkView, i int, sev checks.Severity, msg string) {
	if i < 0 || i >= len(v.Lines) {
		return
	}
	fc.Report(checks.Finding{StartLine: v.Lines[i].NewLine, Severity: sev, Message: msg})
}

// sinkName is the called function as written before its '(' (the last
// dotted name: os.system, execute, QueryContext), for messages.
func sinkName(code string, start, open int) string {
	if open < start || open > len(code) {
		return "the call"
	}
	name := strings.TrimRight(code[start:open], " \t")
	k := len(name)
	for k > 0 && (isIdentChar(name[k-1]) || name[k-1] == '.') {
		k--
	}
	name = strings.TrimLeft(name[k:], ".")
	if name == "" {
		return "the call"
	}
	return name + "()"
}

// callOpen returns the index of the '(' that ends a regexp match; matches
// are written to end in \(. It returns -1 when there is none.
func callOpen(code string, loc []int) int {
	end := loc[1] - 1
	if end >= 0 && end < len(code) && code[end] == '(' {
		return end
	}
	if k := strings.IndexByte(code[loc[0]:], '('); k >= 0 {
		return loc[0] + k
	}
	return -1
}
