package secrets

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// provider is one issuer's token format. The regular expression describes
// the token exactly; it runs only on lines holding one of the literals, and
// a match counts only when it is not glued to more token characters, so a
// 40-character run never passes for a 36-character token.
type provider struct {
	name string
	// lits are case-sensitive literals every token of the format contains.
	lits []string
	re   *regexp.Regexp
	// near, when set, must occur (any case) within a few lines, for formats
	// too generic to trust on their own (Twilio SIDs, Mailgun's key-…).
	near string
	// awsExample skips the documented AWS example keys (…EXAMPLE).
	awsExample bool
	// gluedAfter is a word the token may follow directly: Telegram's API
	// URLs read /bot<token>/.
	gluedAfter string
	// custom marks a format from the repository's configuration, judged by
	// minEntropy and reported at severity instead of the built-in checks.
	custom     bool
	minEntropy float64
	severity   checks.Severity
}

var providers = []*provider{
	{name: "AWS access key ID", lits: []string{"AKIA", "ASIA", "ABIA", "ACCA"},
		re: regexp.MustCompile(`(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`), awsExample: true},
	{name: "GitHub token", lits: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
		re: regexp.MustCompile(`gh[pousr]_[0-9A-Za-z]{36}`)},
	{name: "GitHub fine-grained token", lits: []string{"github_pat_"},
		re: regexp.MustCompile(`github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}`)},
	{name: "GitLab personal access token", lits: []string{"glpat-"},
		re: regexp.MustCompile(`glpat-(?:[0-9A-Za-z_-]{27,}\.[0-9a-z]{2}[0-9a-z]{7}|[0-9A-Za-z_-]{20})`)},
	{name: "Slack token", lits: []string{"xox"},
		re: regexp.MustCompile(`xoxe\.xox[bp]-[0-9]-[0-9A-Za-z]{163,166}|xox[abeoprs]-(?:[0-9]{1,13}-){1,4}[0-9A-Za-z]{8,64}`)},
	{name: "Slack webhook URL", lits: []string{"hooks.slack.com/"},
		re: regexp.MustCompile(`https://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[0-9A-Za-z]{24}|(?:workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[0-9]{8,20}/[0-9A-Za-z]{24,32})`)},
	{name: "Stripe live key", lits: []string{"sk_live_", "rk_live_"},
		re: regexp.MustCompile(`[rs]k_live_[0-9A-Za-z]{24,99}`)},
	{name: "Google API key", lits: []string{"AIza"},
		re: regexp.MustCompile(`AIza[0-9A-Za-z_-]{35}`)},
	{name: "Google OAuth access token", lits: []string{"ya29."},
		re: regexp.MustCompile(`ya29\.[0-9A-Za-z_-]{20,}`)},
	{name: "OpenAI API key", lits: []string{"T3BlbkFJ", "sk-proj-", "sk-svcacct-", "sk-admin-"},
		re: regexp.MustCompile(`sk-(?:proj|svcacct|admin)-(?:[0-9A-Za-z_-]{74}|[0-9A-Za-z_-]{58})T3BlbkFJ(?:[0-9A-Za-z_-]{74}|[0-9A-Za-z_-]{58})|sk-(?:proj|svcacct)-[0-9A-Za-z_-]{156}|sk-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20}`)},
	{name: "Anthropic API key", lits: []string{"sk-ant-"},
		re: regexp.MustCompile(`sk-ant-(?:api03|admin01)-[0-9A-Za-z_-]{93}AA|sk-ant-(?:oat01|ort01)-[0-9A-Za-z_-]{80,120}`)},
	{name: "Twilio API key or account SID", lits: []string{"SK", "AC"},
		re: regexp.MustCompile(`(?:SK|AC)[0-9a-f]{32}`), near: "twilio"},
	{name: "SendGrid API key", lits: []string{"SG."},
		re: regexp.MustCompile(`SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}`)},
	{name: "npm access token", lits: []string{"npm_"},
		re: regexp.MustCompile(`npm_[0-9A-Za-z]{36}`)},
	{name: "PyPI upload token", lits: []string{"pypi-AgEIcHlwaS5vcmc"},
		re: regexp.MustCompile(`pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}`)},
	{name: "Mailgun API key", lits: []string{"key-"},
		re: regexp.MustCompile(`key-[0-9a-f]{32}`), near: "mailgun"},
	{name: "Mailchimp API key", lits: []string{"-us"},
		re: regexp.MustCompile(`[0-9a-f]{32}-us[0-9]{1,2}`)},
	{name: "Telegram bot token", lits: []string{":AA"},
		re: regexp.MustCompile(`[0-9]{8,10}:AA[0-9A-Za-z_-]{33}`), gluedAfter: "bot"},
	{name: "Square access token", lits: []string{"sq0atp-", "sq0csp-", "EAAA"},
		re: regexp.MustCompile(`sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[0-9A-Za-z_-]{60}`)},
	{name: "Shopify access token", lits: []string{"shpat_", "shpca_", "shppa_", "shpss_"},
		re: regexp.MustCompile(`shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}`)},
}

// providerKeywords are the prefilter of the provider rule: the literal
// prefixes, plus the words that put a generic Twilio or Mailgun shape in
// context. "-us" and "SG." are not selective on their own, but the literal
// check in forEachProviderToken rejects their lines with one Index call.
var providerKeywords = []string{
	"AKIA", "ASIA", "ABIA", "ACCA",
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
	"xoxa-", "xoxb-", "xoxe", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "hooks.slack.com/",
	"sk_live_", "rk_live_", "AIza", "ya29.",
	"T3BlbkFJ", "sk-proj-", "sk-svcacct-", "sk-admin-", "sk-ant-",
	"twilio", "mailgun", "SG.", "npm_", "pypi-AgEIcHlwaS5vcmc", "key-", "-us", ":AA",
	"sq0atp-", "sq0csp-", "EAAA", "shpat_", "shpca_", "shppa_", "shpss_",
	"service_account",
}

// forEachProviderToken calls fn for every token of a known format in s, in
// provider order, until fn returns false.
func forEachProviderToken(s string, fn func(p *provider, start, end int) bool) {
	forEachToken(providers, s, fn)
}

// forEachToken is forEachProviderToken over a given list of formats.
func forEachToken(list []*provider, s string, fn func(p *provider, start, end int) bool) {
	// Which bytes occur in s: a literal with a byte that does not occur is
	// rejected without searching, which skips nearly all of them.
	var present [256]bool
	for i := 0; i < len(s); i++ {
		present[s[i]] = true
	}
	for _, p := range list {
		hit := false
		for _, l := range p.lits {
			if len(l) >= 2 && present[l[0]] && present[l[1]] && present[l[len(l)-1]] && strings.Contains(s, l) || len(l) == 1 && present[l[0]] {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		for _, m := range p.re.FindAllStringIndex(s, -1) {
			a, b := m[0], m[1]
			glued := a > 0 && isTokenChar(s[a-1])
			if glued && p.gluedAfter != "" && strings.HasSuffix(s[:a], p.gluedAfter) &&
				(a == len(p.gluedAfter) || !isTokenChar(s[a-len(p.gluedAfter)-1])) {
				glued = false
			}
			if glued || b < len(s) && isTokenChar(s[b]) {
				continue
			}
			if !fn(p, a, b) {
				return
			}
		}
	}
}

// isProviderToken reports whether the whole of v is a token of a known
// format; the credential rule leaves those to the provider rule.
func isProviderToken(v string) bool {
	found := false
	forEachProviderToken(v, func(_ *provider, start, end int) bool {
		found = start == 0 && end == len(v)
		return !found
	})
	return found
}

// fakeMarkers make a token obviously not a real one.
var fakeMarkers = []string{"xxxx", "****", "example", "sample", "dummy", "fake", "placeholder", "your", "abcdefgh", "12345678", "0000000"}

// looksFakeToken tells the invented tokens of docs and tests from real
// ones: real tokens are random, so they carry no words and no long runs.
func looksFakeToken(tok string) bool {
	for _, m := range fakeMarkers {
		if containsFold(tok, m) {
			return true
		}
	}
	return entropy(tok) < 3.0
}

// nearWord reports whether word occurs in the lines around line i of v.
func nearWord(v *checks.HunkView, i int, word string, radius int) bool {
	for j := max(0, i-radius); j < len(v.Lines) && j <= i+radius; j++ {
		if containsFold(v.Lines[j].Text, word) {
			return true
		}
	}
	return false
}

type providerTokenRule struct {
	checks.Described
	// list is the built-in formats plus the configured ones.
	list  []*provider
	allow func(string) bool
}

func newProviderTokenRule() *providerTokenRule {
	return &providerTokenRule{list: append([]*provider(nil), providers...), allow: func(string) bool { return false }, Described: checks.Described{M: checks.Meta{
		ID:       "secret-provider-token",
		Family:   family,
		Title:    "Provider API token committed",
		Summary:  "An API token of a known provider (AWS, GitHub, Slack, Stripe, OpenAI, …) is committed in the diff.",
		Severity: checks.Failure,
		Keywords: append([]string(nil), providerKeywords...),
		Classes:  scanClasses,
	}}}
}

func (r *providerTokenRule) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	line := v.Lines[i].Text
	if allowedLine(line) {
		return
	}
	var found *provider
	var spans []span
	forEachToken(r.list, line, func(p *provider, start, end int) bool {
		tok := line[start:end]
		if r.allow(tok) {
			return true
		}
		if p.custom {
			if entropy(tok) < p.minEntropy {
				return true
			}
		} else if p.awsExample && strings.HasSuffix(tok, "EXAMPLE") || looksFakeToken(tok) {
			return true
		}
		if p.near != "" {
			// The line naming the provider reports the token (see
			// checkNearTokens); a token line reports itself only when the
			// provider is named on it or only in unchanged context.
			if o := nearOwner(v, i, p); o != i && (o >= 0 || !nearWord(v, i, p.near, nearRadius)) {
				return true
			}
		}
		if found == nil {
			found = p
		}
		spans = append(spans, span{start: start, end: end})
		return true
	})
	if found == nil {
		r.checkServiceAccount(fc, v, i)
	} else {
		fc.Report(providerFinding(fc, v, i, found, maskLine(line, spans)))
	}
	r.checkNearTokens(fc, v, i)
}

func providerFinding(fc *checks.FileContext, v *checks.HunkView, i int, p *provider, evidence string) checks.Finding {
	if p.custom {
		sev := p.severity
		if sev == checks.SeverityNone {
			sev = checks.Failure
		}
		return checks.Finding{
			StartLine: v.Lines[i].NewLine,
			Severity:  pathSeverity(sev, fc.Path()),
			Message: "A token of this organisation's " + p.name + " format is committed here. Revoke it now (it is in the history) " +
				"and load it at run time from the environment or a secret manager.",
			Evidence: evidence,
		}
	}
	return checks.Finding{
		StartLine: v.Lines[i].NewLine,
		Severity:  pathSeverity(checks.Failure, fc.Path()),
		Message: article(p.name) + " " + p.name + " is committed here. Revoke it with the provider now (it is in the history) " +
			"and load it at run time from the environment or a secret manager.",
		Evidence: evidence,
	}
}

// nearRadius is how many lines apart a generic token and the provider's
// name may be (a YAML block, a settings section, a client constructor).
const nearRadius = 6

// nearOwner decides which line reports a generic token (a Twilio SID)
// found on line j: the added line naming the provider closest to j,
// earlier lines winning ties, or -1. Only the owner reports, so that a
// block naming Twilio on several lines still yields one finding per token,
// and a token line without any keyword of its own is still reported.
func nearOwner(v *checks.HunkView, j int, p *provider) int {
	best, bestDist := -1, nearRadius+1
	for k := max(0, j-nearRadius); k < len(v.Lines) && k <= j+nearRadius; k++ {
		d := k - j
		if d < 0 {
			d = -d
		}
		if d < bestDist && v.IsAdded(k) && containsFold(v.Lines[k].Text, p.near) {
			best, bestDist = k, d
		}
	}
	return best
}

// checkNearTokens runs on a line naming a provider whose token format is
// generic, and reports that provider's tokens on the lines around it.
func (r *providerTokenRule) checkNearTokens(fc *checks.FileContext, v *checks.HunkView, i int) {
	line := v.Lines[i].Text
	for _, p := range providers {
		if p.near == "" || !containsFold(line, p.near) {
			continue
		}
		for j := max(0, i-nearRadius); j < len(v.Lines) && j <= i+nearRadius; j++ {
			if j == i || !v.IsAdded(j) || allowedLine(v.Lines[j].Text) {
				continue
			}
			t := v.Lines[j].Text
			var spans []span
			other := false
			forEachProviderToken(t, func(q *provider, start, end int) bool {
				switch {
				case q != p:
					other = true
				case !looksFakeToken(t[start:end]):
					spans = append(spans, span{start: start, end: end})
				}
				return true
			})
			// A line with a token of its own format is reported by its own
			// check, which masks every token on it.
			if len(spans) == 0 || other || nearOwner(v, j, p) != i {
				continue
			}
			fc.Report(providerFinding(fc, v, j, p, maskLine(t, spans)))
		}
	}
}

var serviceAccountType = regexp.MustCompile(`["']type["']\s*:\s*["']service_account["']`)

// checkServiceAccount finds a GCP service-account key file: its "type" line
// names it, and the private_key entry nearby makes it a usable credential.
func (r *providerTokenRule) checkServiceAccount(fc *checks.FileContext, v *checks.HunkView, i int) {
	line := v.Lines[i].Text
	if !strings.Contains(line, "service_account") || !serviceAccountType.MatchString(line) {
		return
	}
	keyed := false
	for j := max(0, i-30); j < len(v.Lines) && j <= i+30; j++ {
		t := v.Lines[j].Text
		k := strings.Index(t, "private_key")
		if k < 0 || strings.HasPrefix(t[k:], "private_key_id") {
			continue
		}
		if h := pemHeader.FindStringIndex(t); h != nil && hasInlineMaterial(t[h[1]:]) {
			keyed = true
			break
		}
	}
	if !keyed {
		return
	}
	fc.Report(checks.Finding{
		StartLine: v.Lines[i].NewLine,
		Severity:  pathSeverity(checks.Failure, fc.Path()),
		Message: "A GCP service-account key file (with its private key) is committed here. Delete the key in IAM now " +
			"and use workload identity or a secret manager instead of key files.",
		Evidence: maskLine(line, nil),
	})
}

// article is "An" before a vowel sound as the names here start ("An AWS
// access key ID", "An OpenAI API key"), else "A".
func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		return "An"
	}
	return "A"
}
