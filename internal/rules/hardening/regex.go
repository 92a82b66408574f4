package hardening

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// regexRedos reports regular expressions open to ReDoS: patterns built
// from variables, and literal patterns that repeat a group whose iterations
// can split the same text in several ways, (a+)+ or (\w+\s?)* (catalogue
// rule 14). Go is left out: RE2 matches in linear time. Both kinds are
// notices, warnings when request data reaches the line.
type regexRedos struct{ checks.Described }

func newRegexRedos() *regexRedos {
	return &regexRedos{checks.Described{M: checks.Meta{
		ID:        "regex-user-controlled-or-redos",
		Family:    family,
		Title:     "Regular expression open to ReDoS",
		Summary:   "A regular expression is built from a variable or nests unbounded repetitions, so crafted input can make matching take exponential time (ReDoS).",
		Languages: []diff.Language{diff.Python, diff.JavaScript, diff.TypeScript, diff.Java},
		Severity:  checks.Notice,
		Keywords: []string{
			"re.compile(", "re.search(", "re.match(", "re.fullmatch(", "re.sub(", "re.subn(", "re.findall(",
			"re.finditer(", "re.split(", "regexp(", "pattern.compile(", "pattern.matches(",
			"+)+", "+)*", "*)*", "*)+", "?)*", "?)+", "+){", "*){", "})+", "})*",
		},
	}}}
}

var (
	pyRegexCall   = regexp.MustCompile(`(?:^|[^\w.])re\.(?:compile|search|match|fullmatch|sub|subn|findall|finditer|split)\s*\(`)
	jsRegexCall   = regexp.MustCompile(`(?:^|[^\w$.])(?:new\s+)?RegExp\s*\(`)
	javaRegexCall = regexp.MustCompile(`\bPattern\.(?:compile|matches)\s*\(`)
	escapeMarker  = regexp.MustCompile(`(?i)escape|\bquote\s*\(|\$&|\bLITERAL\b`)
	regexAPI      = regexp.MustCompile(`\bre\.\w+\(|\bRegExp\b|\bPattern\.|\.(?:matches|replaceAll|replaceFirst|split|match|matchAll|search|test|replace)\s*\(`)
)

func (r *regexRedos) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	lang := fc.Lang()
	if r.nonLiteral(fc, v, i, lang) {
		return
	}
	raw := v.Lines[i].Text
	if !strings.Contains(raw, ")+") && !strings.Contains(raw, ")*") && !strings.Contains(raw, "){") {
		return
	}
	for _, pat := range regexLiterals(lang, lexical.LineSpan(v, i)) {
		if nestedQuantifier(pat) {
			sev := checks.Notice
			if taintedNear(lang, v, i) {
				sev = checks.Warning
			}
			report(fc, v, i, sev, "The pattern repeats a group whose iterations can split the same text in several ways (like (a+)+ or (\\w+\\s?)*), so a near-miss input backtracks exponentially (ReDoS); make each iteration start or end with a character the repetitions inside cannot match, or bound the input length.")
			return
		}
	}
}

// nonLiteral reports a regex constructor whose pattern argument varies at
// run time; it returns true when it reported.
func (r *regexRedos) nonLiteral(fc *checks.FileContext, v *checks.HunkView, i int, lang diff.Language) bool {
	code := v.Code(i)
	var re *regexp.Regexp
	switch lang {
	case diff.Python:
		if !strings.Contains(code, "re.") {
			return false
		}
		re = pyRegexCall
	case diff.JavaScript, diff.TypeScript:
		if !strings.Contains(code, "RegExp") {
			return false
		}
		re = jsRegexCall
	case diff.Java:
		if !strings.Contains(code, "Pattern.") {
			return false
		}
		re = javaRegexCall
	}
	for _, m := range re.FindAllStringIndex(code, 4) {
		c := readBalanced(v, i, m[1]-1, 10)
		args := splitTop(c.inner)
		if len(args) == 0 || !c.closed && len(args) < 2 {
			continue
		}
		if escapeMarker.MatchString(c.inner.Raw) {
			continue
		}
		if !patternDynamic(lang, v, i, args[0]) {
			continue
		}
		if taintedNear(lang, v, i) {
			report(fc, v, i, checks.Warning, "The regular expression is built from user input, so a client can submit a pattern that backtracks for minutes (ReDoS) or matches more than intended; escape it (re.escape, escapeRegExp, Pattern.quote) to match it literally.")
		} else {
			report(fc, v, i, checks.Notice, "The regular expression is built from a variable; if that value can come from users it can backtrack for minutes (ReDoS). Escape it to match literally (re.escape, escapeRegExp, Pattern.quote) or validate it.")
		}
		return true
	}
	return false
}

// patternDynamic reports whether a pattern argument can vary at run time:
// a variable, a call on one, an f-string or template placeholder. UPPER_CASE
// constants and literals are fixed; a bare variable assigned a literal or an
// escaped value earlier in the hunk is too.
func patternDynamic(lang diff.Language, v *checks.HunkView, i int, a span) bool {
	if (lang == diff.JavaScript || lang == diff.TypeScript) && strings.HasPrefix(a.Code, "/") {
		return false // a regex literal (or its .source)
	}
	// A plain name assigned earlier in the hunk holds whatever it was
	// assigned: a literal, an escaped value, or a composition of those.
	var fixed func(name string, depth int) bool
	fixed = func(name string, depth int) bool {
		rhs := assignedFrom(v, i, name, 200)
		if rhs == "" {
			return false
		}
		if escapeMarker.MatchString(rhs) {
			return true
		}
		masked := checks.MaskCode(lang, []string{rhs})[0]
		if len(masked) != len(rhs) {
			masked = rhs
		}
		return !exprDynamic(lang, span{Raw: rhs, Code: masked}, depth+1, fixed)
	}
	return exprDynamic(lang, a, 0, fixed)
}

func isBareName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for k := 0; k < len(s); k++ {
		if !isIdentChar(s[k]) && s[k] != '.' {
			return false
		}
	}
	return true
}

// isConstantName reports a name that reads as a constant: its last segment
// is UPPER_CASE, or a literal keyword.
func isConstantName(name string) bool {
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		name = name[k+1:]
	}
	switch name {
	case "True", "False", "None", "true", "false", "null", "undefined", "source":
		return true
	}
	letter := false
	for k := 0; k < len(name); k++ {
		c := name[k]
		switch {
		case 'A' <= c && c <= 'Z':
			letter = true
		case c == '_' || isDigit(c):
		default:
			return false
		}
	}
	return letter
}

// dynamicReceiver reports a method call on a variable (request.args.get,
// rules.pop): its result varies. Calls on modules and classes that only
// format or escape (re, str, String, Pattern, path) are not.
func dynamicReceiver(call string) bool {
	k := strings.IndexByte(call, '.')
	if k < 0 {
		return false
	}
	first := call[:k]
	switch first {
	case "re", "str", "string", "String", "Pattern", "Math", "Object", "Array", "JSON", "os", "path", "regex",
		"Regex", "_", "lodash", "util", "utils", "strings", "fmt", "Arrays", "List", "Collections", "Stream":
		return false
	}
	return first != "" && 'a' <= first[0] && first[0] <= 'z' && !isConstantName(first)
}

func isNeutralWord(w string) bool {
	switch w {
	case "new", "await", "typeof", "and", "or", "not", "in", "is", "if", "else", "for", "lambda", "return":
		return true
	}
	return false
}

// exprDynamic reads an expression's code (strings blanked) and its string
// placeholders and reports whether anything in it varies at run time.
func exprDynamic(lang diff.Language, s span, depth int, fixed func(name string, depth int) bool) bool {
	c := s.Code
	for k := 0; k < len(c); {
		ch := c[k]
		if !isIdentStart(ch) || k > 0 && (isIdentChar(c[k-1])) {
			k++
			continue
		}
		start := k
		for k < len(c) && (isIdentChar(c[k]) || c[k] == '.' && k+1 < len(c) && isIdentStart(c[k+1])) {
			k++
		}
		name := c[start:k]
		next := k
		for next < len(c) && (c[next] == ' ' || c[next] == '\t') {
			next++
		}
		switch {
		case next < len(c) && c[next] == '(' && dynamicReceiver(name):
			return true // request.args.get(...), self.rules.pop()
		case next < len(c) && (c[next] == '(' || c[next] == '"' || c[next] == '\'' || c[next] == '`'):
			// A call (its arguments are read on) or a string prefix.
		case start > 0 && c[start-1] == '.':
			// Attribute of a call result or literal: "|".join(...).
		case isConstantName(name) || isNeutralWord(name):
		case depth < 3 && fixed != nil && !strings.Contains(name, ".") && fixed(name, depth):
		default:
			return true
		}
	}
	for _, l := range stringLits(s) {
		content := l.content(s)
		var exprs []string
		switch {
		case lang == diff.Python && strings.ContainsAny(l.prefix, "fF"):
			exprs = braceExprs(content, "{")
		case l.quote == '`':
			exprs = braceExprs(content, "${")
		}
		for _, e := range exprs {
			if depth > 2 {
				return true
			}
			if exprDynamic(lang, span{Raw: e, Code: e}, depth+1, fixed) {
				return true
			}
		}
	}
	return false
}

// braceExprs returns the placeholder expressions of an f-string ("{") or a
// template literal ("${"); quantifiers such as {2,3} and doubled braces are
// not placeholders.
func braceExprs(s, open string) []string {
	var out []string
	for k := 0; k < len(s); {
		j := strings.Index(s[k:], open)
		if j < 0 {
			break
		}
		j += k + len(open)
		if open == "{" && j < len(s) && s[j] == '{' {
			k = j + 1
			continue
		}
		e := strings.IndexByte(s[j:], '}')
		if e < 0 {
			break
		}
		expr := s[j : j+e]
		k = j + e + 1
		if expr == "" || isDigit(expr[0]) || expr[0] == ',' {
			continue
		}
		out = append(out, expr)
	}
	return out
}

// regexLiterals returns the literal regular expressions of a line, with
// string escapes undone: JavaScript regex literals, and string literals
// (any string: a pattern is often a constant compiled elsewhere).
func regexLiterals(lang diff.Language, s span) []string {
	var out []string
	if lang == diff.JavaScript || lang == diff.TypeScript {
		out = append(out, jsRegexLiterals(s)...)
	}
	apiLine := regexAPI.MatchString(s.Code)
	namedRegex := false
	if m := assignTarget.FindStringSubmatch(s.Code); m != nil {
		for _, w := range identWords(m[1]) {
			if w == "re" || w == "regex" || w == "regexp" || w == "pattern" || w == "pat" || w == "rx" {
				namedRegex = true
			}
		}
	}
	for _, l := range stringLits(s) {
		content := l.content(s)
		if !strings.Contains(content, ")") {
			continue
		}
		// Prose that quotes a pattern is not a pattern: a string counts
		// when it is raw, escapes a character, feeds a regex API on the
		// line, or is assigned to a name that says it is one.
		if !apiLine && !namedRegex && !strings.ContainsRune(content, '\\') && !strings.ContainsAny(l.prefix, "rR") {
			continue
		}
		raw := lang == diff.Python && strings.ContainsAny(l.prefix, "rR") || l.quote == '`'
		if !raw {
			content = strings.ReplaceAll(content, `\\`, `\`)
		}
		out = append(out, content)
	}
	return out
}

// jsRegexLiterals finds /.../ literals: a '/' of code where an operand is
// expected (after an operator, a bracket or return), read on raw text up to
// the closing '/' outside a character class.
func jsRegexLiterals(s span) []string {
	var out []string
	c, raw := s.Code, s.Raw
	for k := 0; k < len(c); k++ {
		if c[k] != '/' || raw[k] != '/' {
			continue
		}
		p := k - 1
		for p >= 0 && (c[p] == ' ' || c[p] == '\t') {
			p--
		}
		if p >= 0 && !strings.ContainsRune("(,=:[!&|?{};+-*%<>~^", rune(c[p])) && !strings.HasSuffix(c[:p+1], "return") {
			continue
		}
		end, class := -1, false
		for j := k + 1; j < len(raw); j++ {
			switch raw[j] {
			case '\\':
				j++
			case '[':
				class = true
			case ']':
				class = false
			case '/':
				if !class {
					end = j
				}
			}
			if end >= 0 {
				break
			}
		}
		if end < 0 {
			break
		}
		out = append(out, raw[k+1:end])
		k = end
	}
	return out
}
