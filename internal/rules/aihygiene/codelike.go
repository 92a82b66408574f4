package aihygiene

import (
	"regexp"
	"strings"
)

// Deciding whether the text of a comment is code or prose. The test is a
// set of statement shapes (assignment, call, control flow, import, block
// punctuation) plus one grammatical check that rejects most English: in
// an expression, two plain identifiers never follow each other with only
// blanks between, unless one of them is a keyword ("not", "in", "range").
// Prose is full of such pairs ("return the user", "if the cache is warm").

// isExprKeyword reports whether w may stand next to an identifier in an
// expression or a statement header. A switch, not a map: it runs on every
// word of every comment line that reaches the classifier.
func isExprKeyword(w string) bool {
	switch w {
	case "and", "or", "not", "in", "is", "if", "else", "for", "await", "new", "typeof", "instanceof", "as",
		"lambda", "yield", "return", "async", "function", "range", "func", "chan", "const", "let", "var", "val",
		"void", "delete", "from", "import", "throw", "raise", "with", "go", "defer", "case", "struct", "interface",
		"final", "static", "public", "private", "protected", "export", "default", "extends", "implements", "class",
		"def", "type", "map", "select", "None", "True", "False", "nil", "null", "true", "false", "undefined",
		"this", "self", "while", "catch", "try", "finally", "elif", "except", "assert":
		return true
	}
	return false
}

// exprOK reports whether s could be an expression or statement tail: no two
// non-keyword identifiers side by side outside string literals, and no
// sentence punctuation.
func exprOK(s string) bool {
	prev := ""   // the previous identifier, when nothing but blanks followed it
	gap := false // blanks seen since prev
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			// A string is an operand like an identifier: `"," data` is
			// no more an expression than `the data`.
			if prev != "" && gap && !isExprKeyword(prev) {
				return false
			}
			i = j + 1
			prev, gap = "\x00", false
		case c == ' ' || c == '\t':
			gap = true
			i++
		case isIdentByte(c) && !('0' <= c && c <= '9'):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			w := s[i:j]
			if prev != "" && gap && !isExprKeyword(prev) && !isExprKeyword(w) {
				return false
			}
			prev, gap = w, false
			i = j
		default:
			if isIdentByte(c) { // a number
				for i < len(s) && (isIdentByte(s[i]) || s[i] == '.') {
					i++
				}
				prev, gap = "", false
				continue
			}
			// A sentence (". " between words), or a "--" dash or SQL
			// comment between spaces.
			if c == '.' && i+1 < len(s) && s[i+1] == ' ' && i > 0 && isIdentByte(s[i-1]) {
				return false
			}
			if c == '-' && i > 0 && s[i-1] == ' ' && strings.HasPrefix(s[i:], "-- ") {
				return false
			}
			prev, gap = "", false
			i++
		}
	}
	return true
}

var (
	reImportJS   = regexp.MustCompile(`^import\s+(?:type\s+)?(?:[\w$*{}, ]+\s+from\s+)?['"][^'"]+['"];?$`)
	reImportPy   = regexp.MustCompile(`^import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*;?$`)
	reImportGo   = regexp.MustCompile(`^import\s+(?:\w+\s+)?(?:"[^"]+"|\()$`)
	reFromImport = regexp.MustCompile(`^from\s+[\w.]+\s+import\s+(?:\(|\*|[\w]+(?:\s+as\s+\w+)?(?:\s*,\s*\w+(?:\s+as\s+\w+)?)*,?)$`)
	reRequire    = regexp.MustCompile(`^(?:const|let|var)\s+[\w${}, ]+\s*=\s*require\(['"][^'"]+['"]\);?$`)
	rePyDef      = regexp.MustCompile(`^(?:async\s+)?def\s+\w+\s*\(.*\)\s*(?:->.*)?:$`)
	rePyClass    = regexp.MustCompile(`^class\s+\w+(?:\(.*\))?\s*[:{]$`)
	reGoFunc     = regexp.MustCompile(`^func\s*(?:\([^)]*\)\s*)?\w*\s*\(.*\{$`)
	reJSFunc     = regexp.MustCompile(`^(?:export\s+)?(?:async\s+)?function\s*\*?\s*[\w$]*\s*\(.*\)\s*(?::\s*[^{]+)?\{?$`)
	rePyHeader   = regexp.MustCompile(`^(?:if|elif|while|for|with|except)\s+(.+):$`)
	reCHeader    = regexp.MustCompile(`^(?:\}\s*)?(?:if|else\s+if|while|for|switch|catch)\s*\((.*)\)\s*\{?$`)
	reGoHeader   = regexp.MustCompile(`^(?:\}\s*else\s+)?(?:if|for|switch|select)\s+(.+)\{$`)
	reReturn     = regexp.MustCompile(`^return\b\s*(.*?);?$`)
	reThrow      = regexp.MustCompile(`^(?:throw\s+new\s+[\w.]+\(.*\)|raise\s+[\w.]+(?:\(.*\))?(?:\s+from\s+\w+)?);?$`)
	reDecl       = regexp.MustCompile(`^(?:export\s+)?(?:const|let|var|val)\s+([\w${}\[\], ]+?)(?:\s*:\s*[^=]+?)?\s*=\s*(.+?);?$`)
	reGoVar      = regexp.MustCompile(`^var\s+\w+\s+[\w.*\[\]]+$`)
	reAssign     = regexp.MustCompile(`^([\w$.]+(?:\[[^\]]*\])*(?:\s*,\s*[\w$.]+)*)\s*(?::=|[-+*/%|&^]?=)\s*([^=].*?);?$`)
	reTypedDecl  = regexp.MustCompile(`^(?:(?:final|private|public|protected|static)\s+)*[\w.]+(?:<[\w<>, ?.]*>)?(?:\[\])?\s+\w+\s*=\s*(.+);$`)
	reCall       = regexp.MustCompile(`^(?:await\s+|new\s+|defer\s+|go\s+|yield\s+|return\s+)?[\w$]+(?:\.[\w$]+|\[[^\]]*\]|\(\))*(?:\(.*\))(?:\.[\w$]+(?:\(.*\))?)*;?$`)
	reChain      = regexp.MustCompile(`^\.[\w$]+\(.*\)?;?$`)
	reCallBlock  = regexp.MustCompile(`^[\w$.]+\(.*(?:=>|function\s*\(.*\)|\))\s*\{$`)
	reIncDec     = regexp.MustCompile(`^[\w$.\[\]]+(?:\+\+|--);?$`)
	reDecorator  = regexp.MustCompile(`^@[\w.]+(?:\(.*\))?$`)
	reObjEntry   = regexp.MustCompile(`^(?:[\w$]+|"[^"]*"|'[^']*')\s*:\s*(.+),$`)
	reMember     = regexp.MustCompile(`^(?:(?:public|private|protected|static|final|abstract|export|default|async|override)\s+)+.*[;{)]$`)
	reGoType     = regexp.MustCompile(`^type\s+\w+(?:\[.*\])?\s+(?:struct|interface)\s*\{$`)
)

// closers are lines of block punctuation that commented-out code carries.
var closers = map[string]bool{
	"}": true, "};": true, "})": true, "});": true, ")": true, ");": true, "]": true, "];": true, "},": true, "),": true,
	"} else {": true, "else:": true, "try:": true, "finally:": true, "else {": true, "try {": true, "} finally {": true,
	"pass": true, "break": true, "continue": true, "break;": true, "continue;": true, "return": true, "return;": true,
	"end": true, "do {": true,
}

// codeStrength grades a comment's text: a statement, a piece of block
// punctuation or data that only counts next to statements, or prose.
type codeStrength uint8

const (
	notCode codeStrength = iota
	weakCode
	strongCode
)

// openers are lines that open a literal or a block on their own.
var openers = map[string]bool{"{": true, "[": true, "(": true, "({": true, "([": true}

// codeKind grades the text of one comment line.
func codeKind(b string) codeStrength {
	if b == "" {
		return notCode
	}
	if closers[b] || openers[b] {
		return weakCode
	}
	// Sentences end with a full stop; code does not (spread "..." aside).
	if strings.HasSuffix(b, ".") && !strings.HasSuffix(b, "...") {
		return notCode
	}
	if strings.HasSuffix(b, "?") || strings.HasSuffix(b, "!") {
		return notCode
	}
	c0 := b[0]
	switch {
	case c0 == '}':
		rest := strings.TrimSpace(b[1:])
		if strings.HasPrefix(rest, "else") || strings.HasPrefix(rest, "catch") || strings.HasPrefix(rest, "finally") ||
			strings.HasPrefix(rest, "while") || strings.HasPrefix(rest, ")") {
			return weakCode
		}
		return notCode
	case c0 == '@':
		return grade(reDecorator.MatchString(b), weakCode)
	case c0 == '.':
		return grade(reChain.MatchString(b), strongCode)
	}
	if reIncDec.MatchString(b) {
		return strongCode
	}
	if statement(b) {
		return strongCode
	}
	return dataEntry(b)
}

func grade(ok bool, k codeStrength) codeStrength {
	if ok {
		return k
	}
	return notCode
}

// dataEntry is a line of a commented-out object or dict literal.
func dataEntry(b string) codeStrength {
	if m := reObjEntry.FindStringSubmatch(b); m != nil && exprOK(m[1]) && !strings.Contains(m[1], " ") {
		return weakCode
	}
	return notCode
}

// statement recognises the shapes of statements, declarations and headers.
func statement(b string) bool {
	switch firstWord(b) {
	case "import":
		return reImportJS.MatchString(b) || reImportPy.MatchString(b) || reImportGo.MatchString(b)
	case "from":
		return reFromImport.MatchString(b)
	case "package":
		return strings.Count(b, " ") == 1
	case "def":
		return rePyDef.MatchString(b)
	case "async":
		return rePyDef.MatchString(b) || reJSFunc.MatchString(b)
	case "class":
		return rePyClass.MatchString(b)
	case "func":
		return reGoFunc.MatchString(b)
	case "function", "export":
		return reJSFunc.MatchString(b) || reDecl.MatchString(b) || reMember.MatchString(b) && exprOK(b)
	case "if", "elif", "while", "for", "with", "except", "switch", "catch", "select", "else":
		if m := rePyHeader.FindStringSubmatch(b); m != nil {
			return exprOK(m[1])
		}
		if m := reCHeader.FindStringSubmatch(b); m != nil {
			// "of" is a keyword only in a for header: for (const x of xs).
			return exprOK(strings.Replace(m[1], " of ", " in ", 1))
		}
		if m := reGoHeader.FindStringSubmatch(b); m != nil {
			return exprOK(m[1])
		}
		// A one-line C-style if: `if (n > 0) return retry(fn, n);`.
		if k := strings.IndexByte(b, '('); k >= 0 && strings.HasSuffix(b, ";") && strings.TrimSpace(b[:k]) == firstWord(b) {
			if e := matchParen(b, k); e > 0 && exprOK(b[k+1:e]) {
				return statement(strings.TrimSpace(b[e+1:])) || codeKind(strings.TrimSpace(b[e+1:])) == strongCode
			}
		}
		return false
	case "return":
		m := reReturn.FindStringSubmatch(b)
		return m != nil && m[1] != "" && exprOK(m[1]) && !strings.HasSuffix(m[1], ":")
	case "throw", "raise":
		return reThrow.MatchString(b)
	case "const", "let", "var", "val":
		if reRequire.MatchString(b) || reGoVar.MatchString(b) {
			return true
		}
		m := reDecl.FindStringSubmatch(b)
		return m != nil && exprOK(m[2])
	case "type":
		return reGoType.MatchString(b)
	case "public", "private", "protected", "static", "final", "abstract", "override":
		return reMember.MatchString(b) && (strings.Contains(b, "(") || strings.Contains(b, "=") || strings.HasSuffix(b, ";"))
	}
	if m := reAssign.FindStringSubmatch(b); m != nil {
		// "realm=xxx", "N=1": without blanks around the operator an
		// assignment is more often notation, unless a semicolon ends it.
		if k := len(m[1]); k < len(b) && b[k] != ' ' && !strings.HasSuffix(b, ";") {
			return false
		}
		return exprOK(m[2])
	}
	if m := reTypedDecl.FindStringSubmatch(b); m != nil {
		return exprOK(m[1])
	}
	if reCall.MatchString(b) || reCallBlock.MatchString(b) {
		return callArgsOK(b)
	}
	return false
}

// matchParen returns the index of the parenthesis closing the one at k,
// skipping string literals, or -1.
func matchParen(s string, k int) int {
	depth := 0
	for i := k; i < len(s); i++ {
		switch c := s[i]; c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		case '"', '\'', '`':
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
}

// callArgsOK rejects "calls" whose parentheses hold prose: "Retry(after a
// short delay)".
func callArgsOK(b string) bool {
	k := strings.IndexByte(b, '(')
	if k < 0 || strings.Contains(b, "func(") {
		// Go parameter lists pair names with types by design.
		return true
	}
	return exprOK(b[k:])
}

func firstWord(b string) string {
	n := 0
	for n < len(b) && isIdentByte(b[n]) {
		n++
	}
	return b[:n]
}
