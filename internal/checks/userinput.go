package checks

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/diff"
)

// userInputMarkers are the expressions through which request data enters a
// program, per language. A finding whose line holds one, or a variable
// assigned from one earlier in the hunk, is raised a level.
var userInputMarkers = map[diff.Language]*regexp.Regexp{
	diff.Python:     regexp.MustCompile(`\brequest\.(args|form|values|json|data|files|GET|POST|headers|cookies|query_params|path_params|body)\b|\binput\(|\bsys\.argv\b|\brequest\.get_json\(`),
	diff.JavaScript: regexp.MustCompile(`\breq(uest)?\.(query|params|body|headers|cookies)\b|\bevent\.(body|queryStringParameters|pathParameters)\b|\bctx\.(query|params|request\.body)\b|\bprocess\.argv\b|\blocation\.(search|hash)\b`),
	diff.Go:         regexp.MustCompile(`\br\.URL\.Query\(\)|\br\.(FormValue|PostFormValue|PathValue)\(|\br\.(Form|PostForm|Body)\b|\bmux\.Vars\(|\bc\.(Param|Query|PostForm|DefaultQuery|FormValue|QueryParam)\(|\bos\.Args\b`),
	diff.Java:       regexp.MustCompile(`\brequest\.(getParameter|getHeader|getQueryString|getInputStream|getReader|getCookies)\(|\bgetParameter\(|@RequestParam|@PathVariable|@RequestBody|@QueryParam|@PathParam`),
}

func init() {
	userInputMarkers[diff.TypeScript] = userInputMarkers[diff.JavaScript]
	userInputMarkers[diff.Kotlin] = userInputMarkers[diff.Java]
}

// HasUserInput reports whether text holds a user-input marker of lang.
func HasUserInput(lang diff.Language, text string) bool {
	re, ok := userInputMarkers[lang]
	return ok && re.MatchString(text)
}

var assignTarget = regexp.MustCompile(`^\s*(?:(?:const|let|var|final|val|auto)\s+)?(?:[\w<>\[\],.]+\s+)?([A-Za-z_$][\w$]*)\s*(?::=|=[^=]|:\s*[\w<>\[\]]+\s*=[^=])`)

// UserInputNear reports whether line i of v holds a user-input marker, or
// names a variable that an earlier line of the same hunk (up to 40 lines
// back, context included) assigned from one.
func UserInputNear(lang diff.Language, v *HunkView, i int) bool {
	line := v.Lines[i].Text
	if HasUserInput(lang, line) {
		return true
	}
	for j := max(0, i-40); j < i; j++ {
		t := v.Lines[j].Text
		if !HasUserInput(lang, t) {
			continue
		}
		m := assignTarget.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		if ContainsWord(line, m[1]) {
			return true
		}
	}
	return false
}

// ContainsWord reports whether word occurs in s delimited by non-identifier
// characters.
func ContainsWord(s, word string) bool {
	for off := 0; ; {
		k := strings.Index(s[off:], word)
		if k < 0 {
			return false
		}
		a, b := off+k, off+k+len(word)
		if (a == 0 || !isIdent(s[a-1])) && (b == len(s) || !isIdent(s[b])) {
			return true
		}
		off = a + 1
	}
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
