package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// identWords splits an identifier into lower-case words at underscores,
// hyphens, dots and camel-case humps: "generateResetToken" -> generate,
// reset, token; "APIKey" -> api, key; "session_ID" -> session, id.
func identWords(name string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(name[start:end]))
		}
		start = -1
	}
	for k := 0; k < len(name); k++ {
		c := name[k]
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			if start < 0 {
				start = k
			}
		case 'A' <= c && c <= 'Z':
			// A hump starts a word, except inside an acronym that the next
			// lower-case letter does not close (APIKey: "API", "Key").
			if start >= 0 {
				prevUpper := 'A' <= name[k-1] && name[k-1] <= 'Z'
				nextLower := k+1 < len(name) && 'a' <= name[k+1] && name[k+1] <= 'z'
				if !prevUpper || nextLower {
					flush(k)
				}
			}
			if start < 0 {
				start = k
			}
		default:
			flush(k)
		}
	}
	flush(len(name))
	return out
}

var (
	pyDef     = regexp.MustCompile(`^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)`)
	pyClass   = regexp.MustCompile(`^\s*class\s+([A-Za-z_]\w*)`)
	goFunc    = regexp.MustCompile(`^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)`)
	jsFunc    = regexp.MustCompile(`\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(|^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)|^\s*(?:(?:public|private|protected|static|async|override|readonly|get)\s+)*([A-Za-z_$][\w$]*)\s*\([^;]*\)\s*(?::\s*[^={]+)?\{`)
	javaFunc  = regexp.MustCompile(`^\s*(?:(?:public|private|protected|static|final|synchronized|abstract|override|suspend|internal|open)\s+)*(?:fun\s+|[\w<>\[\],.?]+\s+)([A-Za-z_]\w*)\s*\([^;]*\)\s*(?:throws\s+[\w., ]+)?(?::\s*[\w<>?]+\s*)?(?:\{|=)`)
	ctrlWords = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "catch": true, "return": true, "new": true, "else": true, "synchronized": true, "try": true, "do": true, "when": true}
)

// enclosingFunc returns the name of the function or method whose body
// holds line i, looking up to 40 lines back within the hunk, or "".
func enclosingFunc(lang diff.Language, v *checks.HunkView, i int) string {
	if i < 0 || i >= len(v.Lines) {
		return ""
	}
	if lang == diff.Python {
		ind := indent(v.Lines[i].Text)
		for j := i - 1; j >= 0 && j >= i-40; j-- {
			code := v.Code(j)
			if strings.TrimSpace(code) == "" {
				continue
			}
			if d := indent(code); d < ind {
				ind = d
				if m := pyDef.FindStringSubmatch(code); m != nil {
					return m[1]
				}
				if pyClass.MatchString(code) {
					return ""
				}
			}
		}
		return ""
	}
	// Brace languages: walking up, a line that opens more braces than the
	// lines between it and i close opens a block holding i.
	bal := 0
	for j := i; j >= 0 && j >= i-40; j-- {
		code := v.Code(j)
		opens, closes := strings.Count(code, "{"), strings.Count(code, "}")
		if j == i {
			// Only what precedes line i's own code can enclose it.
			continue
		}
		bal += opens - closes
		if bal <= 0 {
			continue
		}
		if name := funcName(lang, code); name != "" {
			return name
		}
		bal = 0
	}
	return ""
}

// funcName returns the function a line declares, or "".
func funcName(lang diff.Language, code string) string {
	var m []string
	switch lang {
	case diff.Go:
		m = goFunc.FindStringSubmatch(code)
	case diff.JavaScript, diff.TypeScript:
		m = jsFunc.FindStringSubmatch(code)
	case diff.Java, diff.Kotlin:
		m = javaFunc.FindStringSubmatch(code)
	}
	for _, g := range m[min(1, len(m)):] {
		if g != "" && !ctrlWords[g] {
			return g
		}
	}
	return ""
}

// roleTarget matches a name being given a value in masked code: an
// assignment target, a keyword argument, an object key.
var roleTarget = regexp.MustCompile(`([A-Za-z_$][\w$]*)\]?\s*(?::=|\+=|=|:)`)

// quotedKey matches a quoted dict key or subscript being given a value:
// {"token": ...}, data['token'] = ...
var quotedKey = regexp.MustCompile(`["']([A-Za-z_$][\w$.-]*)["']\s*\]?\s*(?::|=)`)

// typeWords are type names that an annotation puts between a target and
// its value (token: str = ...), skipped when looking for the target.
var typeWords = map[string]bool{"str": true, "string": true, "String": true, "int": true, "bytes": true, "number": true,
	"any": true, "Any": true, "byte": true, "long": true, "Long": true, "Integer": true, "char": true, "var": true, "val": true,
	"const": true, "let": true, "final": true, "Optional": true, "bigint": true, "BigInteger": true, "float": true, "double": true}

// roleName returns the name that receives the expression starting at
// column col of a line: the last assignment target, keyword argument or
// key before it. code is the masked line, text the same line with
// comments blanked and strings kept (for quoted keys).
func roleName(code, text string, col int) string {
	col = min(col, len(code), len(text))
	name, at := lastTarget(code[:col], roleTarget)
	if qn, qat := lastTarget(text[:col], quotedKey); qat > at {
		name = qn
	}
	return name
}

// lastTarget returns the last match of re in prefix that assigns rather
// than compares, and where it ends.
func lastTarget(prefix string, re *regexp.Regexp) (string, int) {
	ms := re.FindAllStringSubmatchIndex(prefix, -1)
	for k := len(ms) - 1; k >= 0; k-- {
		m := ms[k]
		end := m[1]
		// '==', '=>', '::' and ':=' written as ': =' compare or scope.
		if end < len(prefix) && (prefix[end] == '=' || prefix[end] == '>' || prefix[end] == ':') {
			continue
		}
		if end >= 2 && prefix[end-1] == ':' && prefix[end-2] == ':' {
			continue
		}
		if prefix[end-1] == '=' && end >= 2 && (prefix[end-2] == '!' || prefix[end-2] == '<' || prefix[end-2] == '>') {
			continue
		}
		name := prefix[m[2]:m[3]]
		if typeWords[name] {
			continue
		}
		// A ternary's ':' or a case label is not a key.
		if prefix[end-1] == ':' && (name == "case" || name == "default" || strings.Contains(prefix[:m[0]], "?")) {
			continue
		}
		return name, end
	}
	return "", -1
}
