package inputvalidation

import (
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// argKind is the answer of the non-literal test shared by the rules of this
// family (catalogue 3.1, item 5).
type argKind uint8

const (
	// argNone: nothing there (no argument, or only punctuation).
	argNone argKind = iota
	// argLiteral: string or number literals, UPPER_CASE constants, and
	// formatting or concatenation of those only.
	argLiteral
	// argDynamic: a variable, a call result, an f-string or template
	// placeholder, or formatting of one of those.
	argDynamic
)

// resolver tells classify what a plain identifier holds; without one every
// identifier that is not a constant is dynamic.
type resolver func(name string) argKind

// isPureCall reports whether a function's result is literal when its
// arguments are: formatting, joining, conversions and case changes.
func isPureCall(name string) bool {
	switch name {
	case "format", "join", "Join", "Sprintf", "Sprint", "Sprintln", "concat", "formatted", "valueOf",
		"str", "String", "string", "byte", "bytes", "upper", "lower", "strip", "trim", "toUpperCase",
		"toLowerCase", "split", "replace", "encode", "dedent", "text", "Repeat", "repeat", "of", "asList", "List", "Array":
		return true
	}
	return false
}

// isNeutralWord reports keywords that carry no data of their own.
func isNeutralWord(name string) bool {
	switch name {
	case "new", "await", "typeof", "and", "or", "not", "in", "is", "if", "else", "as", "return":
		return true
	}
	return false
}

// isConstantWord reports literal values spelled as identifiers.
func isConstantWord(name string) bool {
	switch name {
	case "True", "False", "None", "true", "false", "null", "nil", "undefined", "__dirname", "__filename", "NaN", "Infinity":
		return true
	}
	return false
}

// isConstantName reports whether a (possibly dotted) name reads as a
// constant: its last segment is UPPER_CASE (TABLE_NAME, cfg.USERS_TABLE) or
// a literal keyword such as None or null.
func isConstantName(name string) bool {
	if isConstantWord(name) {
		return true
	}
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		name = name[k+1:]
	}
	if len(name) < 2 {
		return false
	}
	letter := false
	for k := 0; k < len(name); k++ {
		c := name[k]
		switch {
		case 'A' <= c && c <= 'Z':
			letter = true
		case c == '_' || '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return letter
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isPyStringPrefix reports whether an identifier glued to a quote is a
// Python string prefix (r, b, u, f and their pairs).
func isPyStringPrefix(p string) bool {
	if len(p) == 0 || len(p) > 2 {
		return false
	}
	for k := 0; k < len(p); k++ {
		switch p[k] {
		case 'r', 'R', 'b', 'B', 'u', 'U', 'f', 'F':
		default:
			return false
		}
	}
	return true
}

// classify is the non-literal test: it reads an argument or expression and
// says whether anything in it can vary at run time.
func classify(lang diff.Language, s span, res resolver) argKind {
	c, r := s.Code, s.Raw
	if len(c) != len(r) {
		c = r
	}
	kind := argNone
	dynamic := false
	skipType := false
	for k := 0; k < len(c); {
		ch := c[k]
		switch {
		case lexical.IsSpace(ch) || ch == '\\':
			k++
		case ch == '"' || ch == '\'' || ch == '`':
			end, dyn := scanString(lang, c, r, k, "", res)
			kind = max(kind, argLiteral)
			dynamic = dynamic || dyn
			if lang == diff.Java && hasAt(r, k, `"""`) && end < len(r) {
				// The masker reads a text block's closing line as a string,
				// hiding a trailing .formatted(x): re-read the rest.
				lines := strings.Split(r[end:], "\n")
				rest := span{Raw: r[end:], Code: strings.Join(checks.MaskCode(lang, lines), "\n")}
				if classify(lang, rest, res) == argDynamic {
					dynamic = true
				}
				k = len(c)
				continue
			}
			k = end
		case isDigit(ch):
			for k < len(c) && (isIdentChar(c[k]) || c[k] == '.') {
				k++
			}
			kind = max(kind, argLiteral)
		case isIdentStart(ch):
			start := k
			for k < len(c) && (isIdentChar(c[k]) || c[k] == '.' && k+1 < len(c) && isIdentStart(c[k+1])) {
				k++
			}
			name := c[start:k]
			if k < len(c) && (c[k] == '"' || c[k] == '\'') && lang == diff.Python && isPyStringPrefix(name) {
				end, dyn := scanString(lang, c, r, k, name, res)
				kind = max(kind, argLiteral)
				dynamic = dynamic || dyn
				k = end
				continue
			}
			if k < len(c) && c[k] == '`' && (lang == diff.JavaScript || lang == diff.TypeScript) {
				// A tagged template (sql`...`, Prisma.sql`...`) hands its
				// placeholders to the tag as parameters.
				end, _ := scanString(lang, c, r, k, "", nil)
				kind = max(kind, argLiteral)
				k = end
				continue
			}
			if isNeutralWord(name) {
				skipType = name == "new"
				continue
			}
			if skipType {
				skipType = false
				continue
			}
			next := k
			for next < len(c) && (c[next] == ' ' || c[next] == '\t') {
				next++
			}
			if next < len(c) {
				switch c[next] {
				case '(':
					last := name
					if d := strings.LastIndexByte(name, '.'); d >= 0 {
						last = name[d+1:]
					}
					if !isPureCall(last) {
						dynamic = true
					}
					continue
				case '=':
					if next+1 >= len(c) || c[next+1] != '=' {
						continue // keyword argument name
					}
				case ':':
					if lang == diff.JavaScript || lang == diff.TypeScript {
						continue // object key
					}
				case '{':
					if lang == diff.Go {
						continue // composite literal type: []string{...}
					}
				}
			}
			switch {
			case isConstantName(name):
				kind = max(kind, argLiteral)
			case res != nil && !strings.Contains(name, "."):
				got := res(name)
				if got == argDynamic {
					dynamic = true
				}
				kind = max(kind, argLiteral)
			default:
				dynamic = true
			}
		default:
			k++
		}
	}
	if dynamic {
		return argDynamic
	}
	return kind
}

// scanString reads the string literal whose opening quote is at k and
// returns the index after it and whether it interpolates a non-constant
// (Python f-strings, JS templates with ${...}).
func scanString(lang diff.Language, c, r string, k int, prefix string, res resolver) (int, bool) {
	q := c[k]
	if (lang == diff.Python || lang == diff.Java) && k+2 < len(c) && c[k+1] == q && c[k+2] == q {
		delim := c[k : k+3]
		// Java text blocks are not masked as strings: find the end on raw.
		hay := c
		if lang == diff.Java {
			hay = r
		}
		end := strings.Index(hay[k+3:], delim)
		if end < 0 {
			return len(c), interpolates(lang, r[k+3:], prefix, res)
		}
		return k + 3 + end + 3, interpolates(lang, r[k+3:k+3+end], prefix, res)
	}
	if q == '`' {
		prefix = "`"
	}
	end := strings.IndexByte(c[k+1:], q)
	if end < 0 {
		return len(c), interpolates(lang, r[k+1:], prefix, res)
	}
	return k + 1 + end + 1, interpolates(lang, r[k+1:k+1+end], prefix, res)
}

// interpolates reports whether a string body with the given prefix
// ("f" for Python f-strings, "`" for JS templates) embeds a non-constant.
func interpolates(lang diff.Language, body, prefix string, res resolver) bool {
	var open string
	switch {
	case lang == diff.Python && strings.ContainsAny(prefix, "fF"):
		open = "{"
	case prefix == "`" && (lang == diff.JavaScript || lang == diff.TypeScript):
		open = "${"
	default:
		return false
	}
	for off := 0; off < len(body); {
		k := strings.Index(body[off:], open)
		if k < 0 {
			return false
		}
		k += off
		start := k + len(open)
		if open == "{" && start < len(body) && body[start] == '{' {
			off = start + 1 // {{ is a literal brace
			continue
		}
		depth, end := 1, len(body)
		for m := start; m < len(body); m++ {
			if body[m] == '{' {
				depth++
			} else if body[m] == '}' {
				depth--
				if depth == 0 {
					end = m
					break
				}
			}
		}
		expr := strings.TrimSpace(body[start:end])
		if open == "{" {
			// Python format spec and conversion: {x!r:>10}
			if cut := strings.IndexAny(expr, "!:"); cut > 0 {
				expr = strings.TrimSpace(expr[:cut])
			}
		}
		if !constantExpr(expr, res) {
			return true
		}
		off = end + 1
	}
	return false
}

// constantExpr is the non-literal test for the inside of a placeholder.
func constantExpr(expr string, res resolver) bool {
	if expr == "" || isConstantName(expr) {
		return true
	}
	// ids.map(() => '?').join(',') and ','.join(['%s'] * n) build
	// placeholders, not values.
	if buildsPlaceholders(expr) {
		return true
	}
	allDigits := true
	for k := 0; k < len(expr); k++ {
		if !isDigit(expr[k]) {
			allDigits = false
			break
		}
	}
	if allDigits {
		return true
	}
	if res != nil && isPlainIdent(expr) {
		return res(expr) != argDynamic
	}
	return false
}

func buildsPlaceholders(expr string) bool {
	return strings.Contains(expr, `'?'`) || strings.Contains(expr, `"?"`) || strings.Contains(expr, `'%s'`) ||
		strings.Contains(expr, `"%s"`) || strings.Contains(expr, `'?,'`) || strings.Contains(expr, `"?,"`)
}

func isPlainIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for k := 1; k < len(s); k++ {
		if !isIdentChar(s[k]) {
			return false
		}
	}
	return true
}

// literalValue returns the contents of s when s is exactly one plain string
// literal (no prefix other than r/b/u, no interpolation).
func literalValue(lang diff.Language, s span) (string, bool) {
	c := s.Code
	if len(c) < 2 {
		return "", false
	}
	q := c[len(c)-1]
	if q != '"' && q != '\'' && q != '`' {
		return "", false
	}
	open := strings.IndexByte(c, q)
	if open < 0 || open == len(c)-1 {
		return "", false
	}
	if p := c[:open]; p != "" && !(lang == diff.Python && isPyStringPrefix(p) && !strings.ContainsAny(p, "fF")) {
		return "", false
	}
	if strings.IndexByte(c[open+1:len(c)-1], q) >= 0 {
		return "", false
	}
	body := s.Raw[open+1 : len(c)-1]
	if q == '`' && strings.Contains(body, "${") {
		return "", false
	}
	return body, true
}
