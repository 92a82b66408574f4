package testcoverage

import (
	"regexp"
	"strings"
)

// lineScanner sorts the masked lines of one hunk into logic and non-logic
// lines. It must see every line of the hunk in order, context included,
// because imports, log calls and type declarations may span lines.
type lineScanner struct {
	fam family
	// open counts the brackets a multi-line import, log call or type
	// declaration has left open; while it is positive lines are skipped.
	open int
}

// logic reports whether a masked line is behaviour a test should cover:
// not blank, not only comments, brackets or string literals, not an import,
// package clause, log-only statement or type-only declaration.
func (s *lineScanner) logic(code string) bool {
	if s.open > 0 {
		s.open += bracketDelta(code)
		if s.open < 0 {
			s.open = 0
		}
		return false
	}
	t := strings.TrimSpace(code)
	if !hasIdent(t) {
		return false
	}
	if isImport(s.fam, t) || isDeclaration(s.fam, t) || isAnnotation(t) || isLogCall(t) {
		if d := bracketDelta(t); d > 0 {
			s.open = d
		}
		return false
	}
	return !isFieldDecl(s.fam, t) && !isAccessor(s.fam, t)
}

// hasIdent reports whether s holds a letter, digit, underscore or non-ASCII
// byte: lines of only braces, punctuation and blanked strings do not count.
func hasIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		if isIdentByte(s[i]) || s[i] >= 0x80 {
			return true
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// bracketDelta is the number of brackets a masked line opens minus those it
// closes.
func bracketDelta(s string) int {
	d := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			d--
		}
	}
	return d
}

// identAt returns the identifier starting at s[i:].
func identAt(s string, i int) string {
	j := i
	for j < len(s) && (isIdentByte(s[j]) || s[j] == '$') {
		j++
	}
	return s[i:j]
}

func isImport(fam family, t string) bool {
	switch fam {
	case famGo:
		return strings.HasPrefix(t, "import ") || strings.HasPrefix(t, "import(") || strings.HasPrefix(t, "package ")
	case famPython:
		return strings.HasPrefix(t, "import ") || strings.HasPrefix(t, "from ") && strings.Contains(t, " import")
	case famJVM:
		return strings.HasPrefix(t, "import ") || strings.HasPrefix(t, "package ")
	case famJS:
		if strings.HasPrefix(t, "import ") || strings.HasPrefix(t, "import{") ||
			strings.HasPrefix(t, "export {") || strings.HasPrefix(t, "export *") || strings.HasPrefix(t, "export type {") {
			return true
		}
		// const x = require("y") and its destructuring forms.
		if strings.HasPrefix(t, "const ") || strings.HasPrefix(t, "let ") || strings.HasPrefix(t, "var ") {
			k := strings.Index(t, "require(")
			if k < 0 {
				return false
			}
			rest := strings.TrimSuffix(t[k:], ";")
			return strings.HasSuffix(rest, ")") && strings.Count(rest, "(") == 1
		}
	}
	return false
}

// isDeclaration reports the opening line of a type-only declaration (Go
// type and const, TypeScript interface, type alias and enum): they carry no
// behaviour to test, and a PR adding a 20-field struct is not untested logic.
func isDeclaration(fam family, t string) bool {
	switch fam {
	case famGo:
		return strings.HasPrefix(t, "type ") || strings.HasPrefix(t, "type(") ||
			strings.HasPrefix(t, "const ") || strings.HasPrefix(t, "const(")
	case famJS:
		t = strings.TrimPrefix(t, "export ")
		t = strings.TrimPrefix(t, "declare ")
		if strings.HasPrefix(t, "interface ") || strings.HasPrefix(t, "enum ") || strings.HasPrefix(t, "const enum ") {
			return true
		}
		if !strings.HasPrefix(t, "type ") {
			return false
		}
		// "type Name = ..." or "type Name<T> = ...", not an assignment to
		// a variable called type.
		name := identAt(t, 5)
		if name == "" {
			return false
		}
		rest := strings.TrimLeft(t[5+len(name):], " \t")
		return strings.HasPrefix(rest, "<") || strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "==")
	}
	return false
}

// isAnnotation reports a line that is only a decorator or annotation,
// @Column(name = "total") or @app.get("/orders"): wiring whose behaviour
// sits in the code it annotates. A multi-line argument list is followed
// through the open bracket count.
func isAnnotation(t string) bool {
	if len(t) < 2 || t[0] != '@' {
		return false
	}
	i := 1
	for i < len(t) && (isIdentByte(t[i]) || t[i] == '.') {
		i++
	}
	if i == 1 {
		return false
	}
	rest := t[i:]
	if rest == "" {
		return true
	}
	if rest[0] != '(' {
		return false
	}
	if bracketDelta(rest) > 0 {
		return true
	}
	end := strings.LastIndexByte(rest, ')')
	return strings.TrimSpace(rest[end+1:]) == ""
}

var (
	javaField   = regexp.MustCompile(`^(?:(?:private|protected|public|static|final|transient|volatile)\s+)*[\w.$]+(?:<[\w<>,.? ]*>)?(?:\[\])*\s+\w+;$`)
	kotlinField = regexp.MustCompile(`^(?:(?:private|protected|public|internal|override|open|lateinit|const)\s+)*(?:val|var)\s+\w+\s*:\s*[^=(){}]+,?$`)
	tsField     = regexp.MustCompile(`^(?:(?:private|public|protected|readonly|static|declare|abstract|override)\s+)*#?\w+[?!]?\s*:\s*[^=(){}]+;$`)
	pyField     = regexp.MustCompile(`^[A-Za-z_]\w*\s*:\s*[\w\[\], .|]+(?:=\s*(?:-?[\w.]+|"\s*"|'\s*'|\[\]|\{\}))?$`)
	// Getters without parameters and setters with one, on one line or as
	// the opening line of a block; the body lines are judged on their own.
	javaAccessor  = regexp.MustCompile(`^(?:public\s+|protected\s+)?(?:final\s+)?[\w.<>\[\], ?]+\s+(?:(?:get|is)[A-Z]\w*\s*\(\s*\)|set[A-Z]\w*\s*\(\s*(?:final\s+)?[\w.$]+(?:<[\w<>, ?]*>)?(?:\[\])*\s+\w+\s*\))\s*\{\s*(?:(?:return\s+(?:this\.)?\w+|this\.\w+\s*=\s*\w+);\s*\})?$`)
	trivialReturn = regexp.MustCompile(`^return\s+(?:this\.|self\.)?\w+;?$`)
	fieldStore    = regexp.MustCompile(`^(?:this|self)\.(\w+)\s*=\s*(\w+);?$`)
)

// isFieldDecl reports a field or property declaration without behaviour:
// Java "private final OrderRepository repo;", TypeScript "name: string;",
// Kotlin "val id: Long,", Python "total: int = 0". DTOs, entities and
// dataclasses are lists of these, and are not untested logic.
func isFieldDecl(fam family, t string) bool {
	switch fam {
	case famJVM:
		if strings.HasSuffix(t, ";") {
			if strings.ContainsAny(t, "(=") {
				return false
			}
			return javaField.MatchString(t) && !strings.HasPrefix(t, "return ") && !strings.HasPrefix(t, "throw ")
		}
		return (strings.Contains(t, "val ") || strings.Contains(t, "var ")) && kotlinField.MatchString(t)
	case famJS:
		return strings.HasSuffix(t, ";") && strings.IndexByte(t, ':') > 0 && tsField.MatchString(t)
	case famPython:
		return strings.IndexByte(t, ':') > 0 && !strings.HasSuffix(t, ":") && pyField.MatchString(t)
	}
	return false
}

// isAccessor reports the lines of getters, setters and constructors that
// only move a field: "public String getName() {", "return this.name;",
// "this.repo = repo;", "self.client = client".
func isAccessor(fam family, t string) bool {
	if fam == famGo {
		return false
	}
	switch {
	case strings.HasPrefix(t, "return "):
		return trivialReturn.MatchString(t)
	case strings.HasPrefix(t, "this.") || strings.HasPrefix(t, "self."):
		m := fieldStore.FindStringSubmatch(t)
		return m != nil && m[1] == m[2]
	}
	return fam == famJVM && (strings.Contains(t, " get") || strings.Contains(t, " set") || strings.Contains(t, " is")) &&
		javaAccessor.MatchString(t)
}

// logReceivers are receiver names that make a call a log statement.
var logReceivers = map[string]bool{
	"log": true, "logger": true, "logging": true, "slog": true, "console": true, "glog": true, "klog": true,
	"logr": true, "_log": true, "_logger": true, "log_": true, "LOG": true, "LOGGER": true, "Log": true, "Logger": true,
}

// isLogCall reports a statement that is only a call to a logger or a print
// function: s.logger.Info(...), logging.warning(...), console.log(...),
// System.out.println(...), print(...). Calls on other receivers, and
// assignments from log helpers, are logic.
func isLogCall(t string) bool {
	end := 0
	for end < len(t) && (isIdentByte(t[end]) || t[end] == '.' || t[end] == '$') {
		end++
	}
	if end == 0 || end >= len(t) || t[end] != '(' {
		return false
	}
	callee := t[:end]
	switch callee {
	case "print", "println", "fmt.Print", "fmt.Printf", "fmt.Println":
		return true
	}
	if strings.HasPrefix(callee, "System.out.") || strings.HasPrefix(callee, "System.err.") {
		return true
	}
	dot := strings.LastIndexByte(callee, '.')
	if dot <= 0 {
		return false
	}
	for recv := callee[:dot]; recv != ""; {
		seg := recv
		if k := strings.IndexByte(recv, '.'); k >= 0 {
			seg, recv = recv[:k], recv[k+1:]
		} else {
			recv = ""
		}
		if logReceivers[seg] || strings.HasSuffix(strings.ToLower(seg), "logger") {
			return true
		}
	}
	return false
}

// countBranches counts the branch tokens of a masked line: if, case,
// catch, switch, && and || everywhere, plus elif, except, and, or in
// Python and when in Kotlin ("else if" counts once, through its if).
func countBranches(code string, fam family) int {
	n := 0
	for i := 0; i < len(code); {
		c := code[i]
		switch {
		case (c == '&' || c == '|') && i+1 < len(code) && code[i+1] == c:
			n++
			i += 2
		case isIdentByte(c) || c == '$':
			j := i + 1
			for j < len(code) && (isIdentByte(code[j]) || code[j] == '$') {
				j++
			}
			// Only short words after no dot can be keywords; most words
			// are rejected on length and first letter without a compare.
			if w := j - i; w >= 2 && w <= 6 && (i == 0 || code[i-1] != '.') && strings.IndexByte("icseaow", c) >= 0 {
				n += branchWord(code[i:j], fam)
			}
			i = j
		default:
			i++
		}
	}
	return n
}

func branchWord(w string, fam family) int {
	switch w {
	case "if", "case", "catch", "switch":
		return 1
	case "elif", "except", "and", "or":
		if fam == famPython {
			return 1
		}
	case "when":
		if fam == famJVM {
			return 1
		}
	}
	return 0
}

var (
	javaPublicMethod = regexp.MustCompile(`^\s*public\s+(?:(?:static|final|synchronized|abstract|default|native|strictfp)\s+)*(?:<[^(]*>\s+)?([\w.$]+(?:<[^(]*>)?(?:\[\])*)\s+(\w+)\s*\(`)
	kotlinPublicFun  = regexp.MustCompile(`^\s*(?:(?:public|open|suspend|inline|operator|infix|tailrec)\s+)*fun\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?(\w+)\s*\(`)
)

// exportedName returns the name of the exported or public API a masked
// added line declares, or "": Go func or method with an upper-case name,
// JS/TS export function|const|class, a Java public method, a Kotlin fun
// without a restricting modifier, a Python top-level def without a
// leading underscore.
func exportedName(fam family, kotlin bool, code string) string {
	switch fam {
	case famGo:
		if !strings.HasPrefix(code, "func ") {
			return ""
		}
		rest := code[5:]
		if strings.HasPrefix(rest, "(") {
			depth, k := 0, 0
			for ; k < len(rest); k++ {
				if rest[k] == '(' {
					depth++
				} else if rest[k] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if k >= len(rest) {
				return ""
			}
			rest = strings.TrimLeft(rest[k+1:], " \t")
		}
		if rest != "" && isUpper(rest[0]) {
			return identAt(rest, 0)
		}
	case famPython:
		rest, ok := strings.CutPrefix(code, "def ")
		if !ok {
			rest, ok = strings.CutPrefix(code, "async def ")
		}
		if ok {
			if name := identAt(strings.TrimLeft(rest, " "), 0); name != "" && name[0] != '_' {
				return name
			}
		}
	case famJS:
		t := strings.TrimLeft(code, " \t")
		rest, ok := strings.CutPrefix(t, "export ")
		if !ok {
			return ""
		}
		rest = strings.TrimPrefix(rest, "default ")
		rest = strings.TrimPrefix(rest, "async ")
		for _, kw := range []string{"function", "const ", "class "} {
			if after, ok := strings.CutPrefix(rest, kw); ok {
				after = strings.TrimLeft(strings.TrimPrefix(after, "*"), " \t")
				if name := identAt(after, 0); name != "" {
					return name
				}
				return "default"
			}
		}
	case famJVM:
		if kotlin {
			if !strings.Contains(code, "fun ") {
				return ""
			}
			if m := kotlinPublicFun.FindStringSubmatch(code); m != nil {
				return m[1]
			}
			return ""
		}
		if !strings.Contains(code, "public") || !strings.Contains(code, "(") {
			return ""
		}
		if m := javaPublicMethod.FindStringSubmatch(code); m != nil {
			switch m[1] {
			case "class", "record", "interface", "enum", "new", "return":
				return ""
			}
			return m[2]
		}
	}
	return ""
}
