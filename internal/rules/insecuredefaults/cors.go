package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// corsPermissive reports CORS that lets any origin read responses: a
// wildcard, a framework default that means one, or the request's own
// Origin reflected back; with credentials allowed too it is a failure.
type corsPermissive struct{ checks.Described }

func newCORSPermissive() *corsPermissive {
	return &corsPermissive{checks.Described{M: checks.Meta{
		ID:     "cors-permissive",
		Family: family,
		Title:  "CORS allows any origin",
		Summary: "CORS allows every origin (Access-Control-Allow-Origin: *, allow_origins=[\"*\"], origin: true, bare cors(), " +
			"@CrossOrigin, AllowAllOrigins) or reflects the request's Origin; a failure when credentials are allowed too.",
		Languages: codeLanguages(diff.YAML, diff.JSON, diff.Properties, diff.TOML),
		Severity:  checks.Warning,
		Keywords: []string{"access-control-allow-origin", "allow_origin", "alloworigin", "allowedorigin", "allowed_origin",
			"allowed-origin", "allow-origin", "allowallorigins", "cors_allow_all", "cors_origin_allow_all", "cors(", "cors (",
			"origins=", "origins =", "\"origins\"", "'origins'", "origin:", "origin :", "crossorigin", "applypermitdefaultvalues",
			"checkorigin", "enablecors", "cors:", "cors.default", "cors.allowall", "register(cors", "origin_regex"},
	}}}
}

var (
	headerWildcard = regexp.MustCompile(`(?i)access-control-allow-origin["']?\s*\]?\s*(?:[,:=]\s*|\s+)(?:["']value["']\s*:\s*)?["']{0,2}\*(?:["'\s;,}]|$)`)
	headerSet      = regexp.MustCompile(`(?i)access-control-allow-origin["']?\s*\]?\s*[,:=]\s*(.*)`)
	originRead     = regexp.MustCompile(`(?i)\bHeader\.Get\(\s*["']Origin["']\s*\)|\bheaders\s*(?:\.\s*origin\b|\[\s*["']origin["']\s*\]|\.get\s*\(\s*["']origin["'])|\b(?:header|get|getHeader|GetHeader)\s*\(\s*["']origin["']\s*\)|HTTP_ORIGIN`)
	allowListCheck = regexp.MustCompile(`(?i)\bif\b|\bcontains|includes\s*\(|\bin\s|allow|whitelist|trusted|\.has\s*\(|indexOf|match`)

	pyWildcard = regexp.MustCompile(`\b(?:allow_origins|origins|cors_allowed_origins|CORS_ORIGINS|CORS_ALLOWED_ORIGINS)\s*=\s*(?:\[\s*)?["']\*["']|["']origins["']\s*:\s*(?:\[\s*)?["']\*["']|\bCORS_(?:ALLOW_ALL_ORIGINS|ORIGIN_ALLOW_ALL)\s*=\s*True\b|\ballow_origin_regex\s*=\s*r?["']\.[*+]["']`)
	pyBareCORS = regexp.MustCompile(`\bCORS\s*\(\s*\w+\s*(?:,|\))`)

	jsWildcard = regexp.MustCompile(`\borigin\s*:\s*(?:["'` + "`" + `]\*["'` + "`" + `]|true\b|(?:function\s*)?\(\s*\w+\s*,\s*\w+\s*\)\s*(?:=>)?\s*\{?\s*(?:return\s+)?\w+\s*\(\s*null\s*,\s*true\s*\))`)
	jsBare     = regexp.MustCompile(`(?:^|[^\w.$])cors\s*\(\s*\)|\benableCors\s*\(\s*\)|\.register\s*\(\s*(?:cors|fastifyCors)\s*\)|\bcors\s*:\s*true\b`)

	javaCrossOrigin = regexp.MustCompile(`@CrossOrigin\b(?:\s*\(([^)]*)\))?`)
	javaWildcard    = regexp.MustCompile(`\b(?:allowedOrigins|allowedOriginPatterns|addAllowedOrigin|addAllowedOriginPattern)\s*\(\s*"\*"\s*\)|\bsetAllowedOrigin(?:Pattern)?s\s*\(\s*(?:List\.of|Arrays\.asList|Collections\.singletonList|listOf|mutableListOf)\s*\(\s*"\*"\s*\)\s*\)|\ballowedOrigin(?:Pattern)?s\s*=\s*(?:listOf|mutableListOf)\s*\(\s*"\*"\s*\)|\bapplyPermitDefaultValues\s*\(\s*\)`)

	goWildcard  = regexp.MustCompile(`\bAllowAllOrigins\s*:\s*true\b|\bAllow(?:ed)?Origins\s*[:(]\s*\[\]string\s*\{\s*"\*"\s*\}|\bcors\.(?:Default|AllowAll)\s*\(\s*\)|\bmiddleware\.CORS\s*\(\s*\)|\bAllowOriginFunc\w*\s*:\s*func\s*\([^)]*\)\s*bool\s*\{\s*return\s+true\s*\}`)
	goWSOrigin  = regexp.MustCompile(`\bCheckOrigin\s*:\s*func\s*\([^)]*\)\s*bool\s*\{\s*return\s+true\s*\}`)
	cfgWildcard = regexp.MustCompile(`(?i)(?:allow(?:ed)?[_-]?origin(?:s|[_-]?patterns?)?|cors[_-]?origins?|cors[_-]?allowed[_-]?origins)["']?\s*[:=]\s*(?:\[\s*)?["']{0,2}\*["']{0,2}\s*(?:\]|,|$)|(?i)\bcors\s*:\s*true\b`)

	credentials = regexp.MustCompile(`(?i)allow_credentials\s*=\s*True|supports_credentials\s*=\s*True|\bcredentials\s*:\s*true|AllowCredentials\s*[:=]\s*true|allowCredentials\s*\(\s*true\s*\)|setAllowCredentials\s*\(\s*true\s*\)|allowCredentials\s*=\s*"true"|Access-Control-Allow-Credentials["']?\s*\]?\s*[,:=]\s*["']?true|\bAllowCredentials\s*\(\s*\)|CORS_ALLOW_CREDENTIALS\s*=\s*True|allow-credentials["']?\s*[:=]\s*["']?true`)
	corsWord    = regexp.MustCompile(`(?i)cors`)
)

func (r *corsPermissive) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	// Test code never ships these settings (catalogue 3.1 excludes test
	// paths from most security rules).
	if fc.IsTest {
		return
	}
	code := v.Code(i)
	if strings.TrimSpace(code) == "" {
		return
	}
	lang := fc.Lang()
	text := uncommented(v, i)
	msg := r.detect(fc, lang, v, i, code, text)
	if msg == "" {
		return
	}
	// A wildcard that only a development build or a local environment
	// sees exposes nothing.
	if devGated(v, i) || (!lang.IsProgramming() && devConfigPath(fc.Path())) {
		return
	}
	sev := r.M.Severity
	if stanzaAny(v, i, 10, credentials.MatchString) {
		sev = checks.Failure
		msg += " Credentials are allowed too, so any site can make authenticated requests and read the answers."
	}
	report(fc, v, i, sev, msg+" List the origins that need access (from configuration) instead.")
}

const (
	wildcardMsg  = "CORS allows every origin, so any website can read these responses from a visitor's browser."
	reflectedMsg = "The request's own Origin is echoed into Access-Control-Allow-Origin without an allow-list, which allows every origin."
)

func (r *corsPermissive) detect(fc *checks.FileContext, lang diff.Language, v *checks.HunkView, i int, code, text string) string {
	if loc := headerWildcard.FindStringIndex(text); loc != nil {
		return wildcardMsg
	}
	if lang.IsProgramming() && reflectsOrigin(v, i, text) {
		return reflectedMsg
	}
	switch lang {
	case diff.Python:
		if pyWildcard.MatchString(text) && pyAnchored(code, text) {
			return wildcardMsg
		}
		if m := pyBareCORS.FindStringIndex(code); m != nil && !corsCallHasOrigins(v, i, m[0]) {
			return "flask_cors.CORS(app) without origins= allows every origin."
		}
	case diff.JavaScript, diff.TypeScript:
		if jsWildcard.MatchString(text) && windowAnyText(v, i, 6, 2, corsWord.MatchString) {
			return wildcardMsg
		}
		if jsBare.MatchString(code) {
			return "CORS middleware with no options allows every origin (cors(), enableCors(), cors: true)."
		}
	case diff.Java, diff.Kotlin:
		if m := javaCrossOrigin.FindStringSubmatch(text); m != nil && !importLine.MatchString(code) {
			args := m[1]
			if !hasAny(args, "origins", "value", "originPatterns", "\"") || strings.Contains(args, "\"*\"") {
				return "@CrossOrigin without an explicit origin list allows every origin."
			}
		}
		if javaWildcard.MatchString(text) {
			return wildcardMsg
		}
	case diff.Go:
		if goWSOrigin.MatchString(code) {
			return "A WebSocket CheckOrigin that returns true lets any website open an authenticated socket as the visitor (cross-site WebSocket hijacking)."
		}
		if goWildcard.MatchString(text) {
			return wildcardMsg
		}
	default:
		if cfgWildcard.MatchString(text) {
			return wildcardMsg
		}
	}
	return ""
}

// pyAnchored reports whether a Python wildcard setting is code: its first
// identifier is not inside a string.
func pyAnchored(code, text string) bool {
	loc := pyWildcard.FindStringIndex(text)
	return loc != nil && (!isBlank(code[loc[0]]) || isQuote(code[loc[0]]))
}

// corsCallHasOrigins reports whether the CORS( call starting at col of
// line i names origins or resources among its arguments (up to four lines).
func corsCallHasOrigins(v *checks.HunkView, i, col int) bool {
	depth := 0
	for j := i; j < len(v.Lines) && j <= i+4; j++ {
		t := uncommented(v, j)
		start := 0
		if j == i {
			start = col
		}
		for k := start; k < len(t); k++ {
			switch t[k] {
			case '(':
				depth++
			case ')':
				depth--
				if depth <= 0 {
					return hasAny(t[start:k], "origins", "resources")
				}
			}
		}
		if hasAny(t[start:], "origins", "resources") {
			return true
		}
	}
	return false
}

// reflectsOrigin reports whether line i sets Access-Control-Allow-Origin
// to the request's Origin header, read on the line or assigned to a
// variable a few lines up, with no allow-list check in between.
func reflectsOrigin(v *checks.HunkView, i int, text string) bool {
	m := headerSet.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	val := m[1]
	if originRead.MatchString(val) {
		return true
	}
	name := leadingIdent(val)
	if name == "" {
		return false
	}
	for j := i - 1; j >= 0 && j >= i-10; j-- {
		t := uncommented(v, j)
		if !checks.ContainsWord(t, name) {
			continue
		}
		if originRead.MatchString(t) && strings.Contains(t, "=") {
			return true
		}
		// An if, an includes() or an allow-list between the read and the
		// header makes it a checked origin.
		if allowListCheck.MatchString(t) {
			return false
		}
	}
	return false
}

// leadingIdent is the plain identifier a value starts with, or "" when it
// starts with anything else (a literal, a call).
func leadingIdent(s string) string {
	s = strings.TrimSpace(s)
	e := 0
	for e < len(s) && isIdentChar(s[e]) {
		e++
	}
	if e == 0 || (s[0] >= '0' && s[0] <= '9') {
		return ""
	}
	rest := strings.TrimLeft(s[e:], " \t")
	if rest != "" && rest[0] != ')' && rest[0] != ';' && rest[0] != ',' {
		return ""
	}
	return s[:e]
}
