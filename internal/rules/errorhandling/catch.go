package errorhandling

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// catchClause is a `catch (param) { ... }` of a brace language whose body
// closes within the hunk.
type catchClause struct {
	param    string // between the parentheses; "" for JS `catch {`
	stmts    []string
	comments []string
}

// mayHoldCatch is a cheap test on raw text: a `catch` word that is not a
// method call (.catch) and not part of a longer identifier.
func mayHoldCatch(raw string) bool {
	for k := indexWord(raw, "catch", 0); k >= 0; k = indexWord(raw, "catch", k+1) {
		if k == 0 || raw[k-1] != '.' {
			return true
		}
	}
	return false
}

// catchClauses returns the catch blocks that start on line i. A promise's
// `.catch(` is not a catch clause. needParam is set for Java and Kotlin,
// where the parameter is mandatory.
func catchClauses(v *checks.HunkView, i int, needParam bool) []catchClause {
	var out []catchClause
	code := v.Code(i)
	for k := indexWord(code, "catch", 0); k >= 0; k = indexWord(code, "catch", k+1) {
		if k > 0 && code[k-1] == '.' {
			continue
		}
		p := k + len("catch")
		for p < len(code) && (code[p] == ' ' || code[p] == '\t') {
			p++
		}
		var c catchClause
		if p < len(code) && code[p] == '(' {
			end := matchClose(code, p)
			if end < 0 {
				continue
			}
			c.param = strings.TrimSpace(code[p+1 : end-1])
			p = end
		} else if needParam {
			continue
		}
		open, ok := openBrace(v, i, p)
		if !ok {
			continue
		}
		closing, ok := matchBrace(v, open)
		if !ok {
			continue
		}
		c.stmts = splitStatements(blockBody(v, open, closing))
		c.comments = blockComments(v, open, closing, cOpeners)
		out = append(out, c)
	}
	return out
}

// catchName returns the variable of a catch parameter: Java "final
// IOException e", Kotlin "e: IOException", TypeScript "e: unknown", JS "e".
func catchName(param string) string {
	if k := strings.IndexByte(param, ':'); k >= 0 {
		return identAt(strings.TrimSpace(param[:k]), 0)
	}
	return lastIdent(param)
}

// catchTypes returns the caught types of a Java or Kotlin parameter.
func catchTypes(param string) []string {
	var t string
	if k := strings.IndexByte(param, ':'); k >= 0 {
		t = param[k+1:]
	} else {
		name := lastIdent(param)
		t = strings.TrimSpace(param)
		t = t[:len(t)-len(name)]
	}
	var out []string
	for _, p := range strings.Split(t, "|") {
		f := strings.Fields(p)
		if len(f) > 0 {
			out = append(out, f[len(f)-1])
		}
	}
	return out
}

// ignoredCatchNames mark a deliberately ignored exception (IntelliJ,
// Checkstyle and the unnamed variable of Java 21).
var ignoredCatchNames = map[string]bool{"ignored": true, "ignore": true, "expected": true, "_": true, "unused": true}

// consoleCall matches a single console logging call.
var consoleCall = regexp.MustCompile(`^console\.(?:log|error|warn|info|debug|trace)\(`)

func isConsoleCall(s string) bool {
	k := strings.IndexByte(s, '(')
	return consoleCall.MatchString(s) && matchClose(s, k) == len(s)
}

func allStmts(stmts []string, f func(string) bool) bool {
	if len(stmts) == 0 {
		return false
	}
	for _, s := range stmts {
		if !f(s) {
			return false
		}
	}
	return true
}
