// Package secrets holds the rules that find credentials committed in a diff
// (provider tokens, private keys, hard-coded passwords, .env files) and
// Redact, which masks secrets in the evidence of every finding.
package secrets

import (
	"path"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

const family = "secrets"

// Options are what a repository's configuration may set for this family.
type Options struct {
	// Allow reports values that are never findings (known test keys).
	Allow func(value string) bool
	// Patterns are the organisation's own token formats, reported by
	// secret-provider-token.
	Patterns []Pattern
}

// Pattern is an organisation-specific token format.
type Pattern struct {
	ID       string
	Regex    *regexp.Regexp
	Keywords []string
	// MinEntropy (bits per character) keeps low-entropy matches quiet.
	MinEntropy float64
	Severity   checks.Severity
}

// Rules returns the rules of this family with default options.
func Rules() []checks.Rule { return RulesWith(Options{}) }

// RulesWith returns the rules of this family configured by opts.
func RulesWith(opts Options) []checks.Rule {
	allow := opts.Allow
	if allow == nil {
		allow = func(string) bool { return false }
	}
	tokens := newProviderTokenRule()
	tokens.allow = allow
	for _, pt := range opts.Patterns {
		p := &provider{name: pt.ID, lits: pt.Keywords, re: pt.Regex, minEntropy: pt.MinEntropy, severity: pt.Severity, custom: true}
		tokens.list = append(tokens.list, p)
		tokens.M.Keywords = append(tokens.M.Keywords, pt.Keywords...)
	}
	credential := newHardcodedCredentialRule()
	credential.allow = allow
	return []checks.Rule{
		tokens,
		newPrivateKeyRule(),
		credential,
		newEnvFileRule(),
	}
}

// scanClasses: secrets leak into generated and minified files (bundled
// config, compiled front-ends) as much as into source; lockfiles and
// vendored code are someone else's.
var scanClasses = []diff.Class{diff.Source, diff.Generated, diff.Minified}

// allowedLine honours the inline allow comments of gitleaks and
// detect-secrets, which repositories already carry for known test values.
func allowedLine(line string) bool {
	return strings.Contains(line, "gitleaks:allow") || strings.Contains(line, "pragma: allowlist secret")
}

// pathSeverity lowers a finding one level in tests and docs, where
// committed values are usually fixtures and examples; they stay visible
// because real keys end up there too.
func pathSeverity(sev checks.Severity, p string) checks.Severity {
	if checks.IsTestPath(p) || checks.IsDocPath(p) {
		return sev.Lower()
	}
	return sev
}

// isFixturePath reports test-data directories, where test keys belong.
func isFixturePath(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch seg {
		case "testdata", "fixtures", "fixture", "__fixtures__", "test-fixtures":
			return true
		}
	}
	return false
}

// exampleMarkers name template files that are meant to be committed with
// placeholder values (.env.example, config.sample.yaml, settings.dist).
var exampleMarkers = []string{"example", "sample", "template", "tmpl", "tpl", "dist", "defaults", "schema"}

func isExamplePath(p string) bool {
	base := strings.ToLower(path.Base(p))
	for _, m := range exampleMarkers {
		if strings.Contains(base, "."+m) || strings.Contains(base, m+".") || strings.Contains(base, "_"+m) || strings.Contains(base, "-"+m) {
			return true
		}
	}
	return false
}

// isI18nPath reports translation catalogues, whose "password" keys hold
// labels in every language.
func isI18nPath(p string) bool {
	lower := strings.ToLower(p)
	for _, seg := range strings.Split(path.Dir(lower), "/") {
		switch seg {
		case "locales", "locale", "i18n", "l10n", "lang", "langs", "translations", "messages":
			return true
		}
	}
	return strings.HasSuffix(lower, ".po") || strings.HasSuffix(lower, ".pot") || path.Base(lower) == "strings.xml"
}
