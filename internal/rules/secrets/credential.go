package secrets

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// credentialKeywords prefilter the hard-coded credential rule: the words
// credential keys are made of, "://" for passwords in URLs and "bearer"
// for Authorization headers; credentialKeywordList adds the "… key"
// spellings. "pass" and "auth" are broad (Python's pass, author), but such
// lines are rejected at the first key test.
var credentialKeywords = []string{"pass", "pwd", "_pw", "secret", "token", "auth", "bearer", "cred", "://"}

// credentialKeywordList adds the spellings of "<qualifier> key" (api_key,
// signingKey, STRIPE-KEY) to the base keywords.
func credentialKeywordList() []string {
	out := append([]string(nil), credentialKeywords...)
	for _, q := range keyQualifiers {
		out = append(out, q+"_key", q+"key", q+"-key")
	}
	return out
}

type hardcodedCredentialRule struct {
	checks.Described
	allow func(string) bool
}

func newHardcodedCredentialRule() *hardcodedCredentialRule {
	return &hardcodedCredentialRule{Described: checks.Described{M: checks.Meta{
		ID:       "secret-hardcoded-credential",
		Family:   family,
		Title:    "Hard-coded credential",
		Summary:  "A password, secret, token or API key is written as a literal (assignment, map entry, config value, URL, comparison).",
		Severity: checks.Warning,
		Keywords: credentialKeywordList(),
		Classes:  scanClasses,
	}}}
}

// modeFor reads a file's syntax: which languages write values bare, and
// where a value equal to its key's name is a constant rather than a secret.
// The path flags (example file, docs) only quiet findings, so they are
// computed once a line has a hit rather than on every line.
func modeFor(fc *checks.FileContext) scanMode {
	var m scanMode
	switch fc.Lang() {
	case diff.YAML, diff.Dotenv, diff.Properties:
		m.unquoted, m.eol = true, true
	case diff.Shell, diff.Unknown:
		m.unquoted = true
	case diff.Dockerfile:
		m.unquoted, m.dockerfile = true, true
	case diff.Markdown:
		m.unquoted, m.codeConsts = true, true
	default:
		m.codeConsts = true
	}
	return m
}

func (r *hardcodedCredentialRule) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	line := v.Lines[i].Text
	if len(line) < 6 || allowedLine(line) {
		return
	}
	m := modeFor(fc)
	if fc.Lang() == diff.JSON {
		m.inString = func(p int) bool { return insideDoubleQuotes(line, p) }
	} else {
		m.inString = func(p int) bool {
			code := v.Code(i)
			return p < len(code) && p < len(line) && code[p] != line[p]
		}
	}
	if fc.Lang() == diff.Terraform {
		r.checkVariableDefault(fc, v, i, &m)
	}
	var best credHit
	found := false
	var spans []span
	collect := func(h credHit) {
		if r.allow != nil && h.start >= 0 && h.end <= len(line) && h.start < h.end && r.allow(line[h.start:h.end]) {
			return
		}
		spans = append(spans, span{start: h.start, end: h.end})
		if !found || rank(h) > rank(best) {
			best, found = h, true
		}
	}
	scanCredentials(line, &m, collect)
	if !found {
		return
	}
	if m.example, m.docs = isExamplePath(fc.Path()), checks.IsDocPath(fc.Path()); m.example || m.docs {
		found, spans = false, spans[:0]
		scanCredentials(line, &m, collect)
		if !found {
			return
		}
	}
	if isI18nPath(fc.Path()) && !best.strong {
		return
	}
	sev := checks.Warning
	if best.strong {
		sev = checks.Failure
	}
	fc.Report(checks.Finding{
		StartLine: v.Lines[i].NewLine,
		Severity:  pathSeverity(sev, fc.Path()),
		Message:   credentialMessage(best),
		Evidence:  maskLine(line, spans),
	})
}

var (
	tfVariable = regexp.MustCompile(`^\s*variable\s+"([^"]+)"`)
	tfDefault  = regexp.MustCompile(`^\s*default\s*=\s*"`)
)

// checkVariableDefault reads a Terraform variable block named like a
// credential and reports a literal default: variable "db_password" {
// default = "…" } ships the password with the module.
func (r *hardcodedCredentialRule) checkVariableDefault(fc *checks.FileContext, v *checks.HunkView, i int, m *scanMode) {
	g := tfVariable.FindStringSubmatch(v.Lines[i].Text)
	if g == nil {
		return
	}
	info := classifyKey(g[1])
	if !info.cred {
		return
	}
	for j := i + 1; j < len(v.Lines) && j <= i+10; j++ {
		t := v.Lines[j].Text
		if strings.HasPrefix(strings.TrimSpace(t), "}") {
			return
		}
		loc := tfDefault.FindStringIndex(t)
		if loc == nil || !v.IsAdded(j) || allowedLine(t) {
			continue
		}
		val, ok := readValue(t, loc[1]-1, false, false)
		if !ok {
			return
		}
		ok, weak, strong := judge(info, g[1], t[val.start:val.end], m, judgeCtx{})
		if !ok {
			return
		}
		h := credHit{start: val.start, end: val.end, key: g[1], weak: weak, strong: strong}
		sev := checks.Warning
		if strong {
			sev = checks.Failure
		}
		fc.Report(checks.Finding{
			StartLine: v.Lines[j].NewLine,
			Severity:  pathSeverity(sev, fc.Path()),
			Message:   credentialMessage(h),
			Evidence:  maskLine(t, []span{{start: val.start, end: val.end}}),
		})
		return
	}
}

// insideDoubleQuotes reports whether byte p of a JSON line is inside a
// string (the engine's code masking has no JSON syntax).
func insideDoubleQuotes(line string, p int) bool {
	in := false
	for k := 0; k < p && k < len(line); k++ {
		switch line[k] {
		case '\\':
			k++
		case '"':
			in = !in
		}
	}
	return in
}

func rank(h credHit) int {
	switch {
	case h.strong:
		return 2
	case !h.weak:
		return 1
	}
	return 0
}

// safeKeyName returns the key for a message when it is a plain identifier;
// anything else (long, odd characters) is left out so that a message can
// never carry a secret.
func safeKeyName(k string) string {
	if k == "" || len(k) > 40 {
		return ""
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return ""
		}
	}
	if isProviderToken(k) || len(k) >= 16 && looksRandom(k) {
		return ""
	}
	return "`" + k + "` "
}

func credentialMessage(h credHit) string {
	key := safeKeyName(h.key)
	switch {
	case h.kind == hitURL:
		return "A password is embedded in a connection URL. Build the URL at run time from credentials read from the environment " +
			"or a secret manager, and rotate this one if it is real."
	case h.kind == hitAuthHeader:
		return "An Authorization header carries a hard-coded token. Read the token at run time from the environment or a secret " +
			"manager, and revoke this one if it is real."
	case h.kind == hitCompare:
		return "A credential " + key + "is compared with a hard-coded literal, a built-in password anyone can read in the source. " +
			"Check against a hashed secret from configuration instead."
	case h.weak:
		return "The credential " + key + "is set to a well-known default. Use a strong secret loaded at run time from the " +
			"environment or a secret manager, never a literal in the repository."
	}
	return "A credential " + key + "is hard-coded as a literal. Load it at run time from the environment or a secret manager, " +
		"and rotate it if it is real."
}
