package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// csrfDisabled reports CSRF protection switched off explicitly. Stateless
// APIs that authenticate with bearer tokens may do so legitimately, so the
// message asks the author to confirm that no cookie carries the session.
type csrfDisabled struct{ checks.Described }

func newCSRFDisabled() *csrfDisabled {
	return &csrfDisabled{checks.Described{M: checks.Meta{
		ID:     "csrf-protection-disabled",
		Family: family,
		Title:  "CSRF protection disabled",
		Summary: "CSRF protection is switched off (@csrf_exempt, WTF_CSRF_ENABLED = False, Spring's csrf().disable(), " +
			"Rails' skip of verify_authenticity_token, csrf: false).",
		Languages: codeLanguages(diff.Ruby, diff.YAML, diff.JSON, diff.Properties),
		Severity:  checks.Warning,
		Keywords:  []string{"csrf", "verify_authenticity_token", "_forgery"},
	}}}
}

const csrfConfirm = " If these endpoints are reached with a session cookie, any site the user visits can send requests as them: confirm they accept only bearer tokens, or keep CSRF on and exempt only what must be (signed webhooks)."

var (
	pyCSRFExempt    = regexp.MustCompile(`^\s*@(?:csrf_exempt|csrf\.exempt)\b|\bcsrf_exempt\s*\(|\bcsrf\.exempt\s*\(|\bmethod_decorator\s*\(\s*csrf_exempt\b`)
	pyWTFOff        = regexp.MustCompile(`\bWTF_CSRF_(?:ENABLED|CHECK_DEFAULT)["']?\]?\s*[:=]\s*False\b`)
	pyEnforceCSRF   = regexp.MustCompile(`^\s*def\s+enforce_csrf\s*\(`)
	pyMiddlewareOff = regexp.MustCompile(`^\s*#\s*["']django\.middleware\.csrf\.CsrfViewMiddleware["']\s*,?\s*$`)
	pyTestingConfig = regexp.MustCompile(`^\s*class\s+\w*(?:Test|Dev|Local)\w*|\bTESTING\s*=\s*True\b|\bif\s+(?:app\.)?testing\b|\[\s*["']TESTING["']\s*\]`)
	pyImportLine    = regexp.MustCompile(`^\s*(?:from|import)\s`)

	springDisable  = regexp.MustCompile(`\.csrf\s*\(\s*\)\s*\.\s*disable\s*\(\s*\)|\bcsrf\s*\(\s*(?:AbstractHttpConfigurer::disable|CsrfConfigurer(?:<[^>]*>)?::disable|\(?\s*\w+\s*\)?\s*->\s*\w+\s*\.\s*disable\s*\(\s*\))\s*\)|\bcsrf\s*\{\s*(?:it\s*\.\s*)?disable\s*\(\s*\)\s*\}`)
	springCSRFEnd  = regexp.MustCompile(`\.csrf\s*\(\s*\)\s*$`)
	springDisStart = regexp.MustCompile(`^\s*\.\s*disable\s*\(\s*\)`)
	springIgnore   = regexp.MustCompile(`\bignoring\w*Matchers\s*\(\s*"/\*\*"\s*\)`)
	springStateles = regexp.MustCompile(`SessionCreationPolicy\.STATELESS|\bSTATELESS\b`)

	jsCSRFOff   = regexp.MustCompile(`\bcsrf\w*\s*:\s*(?:false\b|\{\s*enabled\s*:\s*false\b)`)
	jsCSRFOpen  = regexp.MustCompile(`\bcsrf\w*\s*:\s*\{\s*$`)
	jsEnabledNo = regexp.MustCompile(`^\s*enabled\s*:\s*false\b`)

	rubySkip = regexp.MustCompile(`\bskip_before_action\s+:verify_authenticity_token\b|\bskip_forgery_protection\b|\ballow_forgery_protection\s*=\s*false\b`)

	csrfSetting = regexp.MustCompile(`(?i)["']?([\w.\-]*csrf[\w.\-]*)["']?\s*[:=]\s*["']?(true|false|no|off)\b`)
)

func (r *csrfDisabled) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	// Test code never ships these settings (catalogue 3.1 excludes test
	// paths from most security rules).
	if fc.IsTest {
		return
	}
	code := v.Code(i)
	raw := v.Lines[i].Text
	sev, what := r.detect(fc, v, i, code, raw)
	if what == "" {
		return
	}
	report(fc, v, i, sev, what+csrfConfirm)
}

func (r *csrfDisabled) detect(fc *checks.FileContext, v *checks.HunkView, i int, code, raw string) (checks.Severity, string) {
	lang := fc.Lang()
	// A commented-out CSRF middleware is the one pattern that lives in a
	// comment.
	if lang == diff.Python && pyMiddlewareOff.MatchString(raw) {
		return r.M.Severity, "Django's CsrfViewMiddleware is commented out, which turns CSRF checks off for the whole site."
	}
	if strings.TrimSpace(code) == "" {
		return checks.SeverityNone, ""
	}
	text := uncommented(v, i)
	switch lang {
	case diff.Python:
		if pyImportLine.MatchString(code) {
			return checks.SeverityNone, ""
		}
		if pyCSRFExempt.MatchString(code) && !signedHook(v, i) {
			return r.M.Severity, "csrf_exempt turns CSRF checks off for this view."
		}
		if pyWTFOff.MatchString(text) && !testingConfig(v, i) {
			return r.M.Severity, "WTF_CSRF_ENABLED = False turns Flask-WTF's CSRF checks off for every form."
		}
		if pyEnforceCSRF.MatchString(code) && bodyOnlyReturns(v, i) {
			return r.M.Severity, "An enforce_csrf that does nothing turns CSRF checks off for session authentication."
		}
	case diff.Java, diff.Kotlin:
		disabled := springDisable.MatchString(code) || springIgnore.MatchString(text)
		if !disabled && springCSRFEnd.MatchString(code) {
			if j := v.NextCode(i); j > 0 && j <= i+2 && springDisStart.MatchString(v.Code(j)) {
				disabled = true
			}
		}
		if !disabled {
			return checks.SeverityNone, ""
		}
		sev := r.M.Severity
		if windowAny(v, i, 15, 15, springStateles.MatchString) {
			// A stateless session policy is the legitimate case; it still
			// needs the author's word that no cookie authenticates.
			sev = checks.Notice
		}
		return sev, "Spring Security's CSRF protection is disabled."
	case diff.JavaScript, diff.TypeScript:
		if jsCSRFOff.MatchString(code) || jsCSRFOpen.MatchString(code) && enabledFalseBelow(v, i) {
			return r.M.Severity, "CSRF protection is switched off in this configuration."
		}
	case diff.Ruby:
		if rubySkip.MatchString(code) {
			return r.M.Severity, "Rails' forgery protection is skipped here."
		}
	case diff.YAML, diff.JSON, diff.Properties:
		if m := csrfSetting.FindStringSubmatch(text); m != nil {
			key, val := strings.ToLower(m[1]), strings.ToLower(m[2])
			off := val != "true"
			if hasAny(key, "disable", "skip", "exempt") {
				off = !off
			}
			if off && !devConfigPath(fc.Path()) {
				return r.M.Severity, "CSRF protection is switched off in this configuration (" + m[1] + ")."
			}
		}
	}
	return checks.SeverityNone, ""
}

// testingConfig reports whether line i sits in a testing configuration:
// a class named like Test or Testing, or next to TESTING = True.
func testingConfig(v *checks.HunkView, i int) bool {
	if windowAny(v, i, 5, 5, func(c string) bool { return strings.Contains(c, "TESTING") && pyTestingConfig.MatchString(c) }) {
		return true
	}
	ind := indent(v.Lines[i].Text)
	for j := i - 1; j >= 0 && j >= i-30; j-- {
		code := v.Code(j)
		if strings.TrimSpace(code) == "" || indent(code) >= ind {
			continue
		}
		ind = indent(code)
		if pyClass.MatchString(code) {
			return pyTestingConfig.MatchString(code)
		}
		if strings.HasPrefix(strings.TrimSpace(code), "if ") {
			if pyTestingConfig.MatchString(code) || strings.Contains(code, "TESTING") {
				return true
			}
		}
	}
	return false
}

// bodyOnlyReturns reports whether the Python function declared on line i
// has a body of only return, return None or pass (comments and docstrings
// aside).
func bodyOnlyReturns(v *checks.HunkView, i int) bool {
	ind := indent(v.Lines[i].Text)
	saw := false
	for j := i + 1; j < len(v.Lines) && j <= i+8; j++ {
		code := strings.TrimSpace(v.Code(j))
		// Blank lines, comments and docstrings (masked to their quotes).
		if strings.Trim(code, "\"' \t") == "" {
			continue
		}
		if indent(v.Lines[j].Text) <= ind {
			break
		}
		switch code {
		case "return", "return None", "pass", "...":
			saw = true
		default:
			return false
		}
	}
	return saw
}

// hookName marks a webhook or callback endpoint: the sender cannot hold a
// CSRF token and the payload is authenticated by a signature instead.
var hookName = regexp.MustCompile(`(?i)webhook|callback|\bhooks?\b|_hook\b|stripe|github_event|slack_event`)

// signedHook reports whether the exemption on line i is for a webhook:
// the line itself, or the decorated function or route within the next
// four lines, names one.
func signedHook(v *checks.HunkView, i int) bool {
	ahead := 0
	if strings.HasPrefix(strings.TrimSpace(v.Code(i)), "@") {
		ahead = 4
	}
	return windowAnyText(v, i, 0, ahead, hookName.MatchString)
}

// enabledFalseBelow reports whether the object opened at the end of line i
// sets enabled: false among its first few lines.
func enabledFalseBelow(v *checks.HunkView, i int) bool {
	for j := i + 1; j < len(v.Lines) && j <= i+6; j++ {
		code := v.Code(j)
		if jsEnabledNo.MatchString(code) {
			return true
		}
		if strings.Contains(code, "}") || strings.Contains(code, "{") {
			return false
		}
	}
	return false
}
