// Package rules assembles the rule families into the registry that both
// the CLI and the App run, configured by a repository's policy.
package rules

import (
	"regexp"
	"slices"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/config"
	"github.com/prodready/prodready/internal/rules/aihygiene"
	"github.com/prodready/prodready/internal/rules/dependencies"
	"github.com/prodready/prodready/internal/rules/errorhandling"
	"github.com/prodready/prodready/internal/rules/hardening"
	"github.com/prodready/prodready/internal/rules/inputvalidation"
	"github.com/prodready/prodready/internal/rules/insecuredefaults"
	"github.com/prodready/prodready/internal/rules/secrets"
	"github.com/prodready/prodready/internal/rules/suppression"
	"github.com/prodready/prodready/internal/rules/testcoverage"
)

// options are the rule options a configuration may set.
type options struct {
	allowCalls    []string
	minLogicLines *int
	secrets       secrets.Options
}

// assemble builds every rule with opts; the suppression-directive rule
// comes last because it must know every other rule's id.
func assemble(opts options) []checks.Rule {
	missing := testcoverage.NewMissingTests()
	if opts.minLogicLines != nil {
		missing.MinLogicLines = *opts.minLogicLines
	}
	all := slices.Concat(
		errorhandling.RulesWith(errorhandling.Options{AllowCalls: opts.allowCalls}),
		inputvalidation.Rules(),
		secrets.RulesWith(opts.secrets),
		[]checks.Rule{missing},
		insecuredefaults.Rules(),
		hardening.Rules(),
		aihygiene.Rules(),
		dependencies.Rules(),
	)
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.Meta().ID
	}
	return append(all, suppression.New(ids))
}

// All returns a fresh instance of every rule with default options.
func All() []checks.Rule { return assemble(options{}) }

// Registry validates and returns the default registry; it is also the
// catalogue configurations are validated against.
func Registry() (*checks.Registry, error) {
	return checks.NewRegistry(All()...)
}

// Build returns the rules a repository's resolved configuration asks for:
// options set, disabled rules left out.
func Build(p *config.Policy) (*checks.Registry, error) {
	all := assemble(optionsOf(p))
	enabled := all[:0]
	for _, r := range all {
		if p.Enabled(r.Meta().ID) {
			enabled = append(enabled, r)
		}
	}
	return checks.NewRegistry(enabled...)
}

// NewEngine returns an engine for reg that masks secrets in all evidence.
func NewEngine(reg *checks.Registry, workers int) *checks.Engine {
	return checks.NewEngine(reg, checks.Options{Workers: workers, Redact: secrets.Redact})
}

// NewEngineWithPolicy returns an engine that applies a repository's
// resolved configuration, masking its own token formats too; repo (may be
// nil) reads the repository's files at the reviewed revision.
func NewEngineWithPolicy(reg *checks.Registry, workers int, policy *config.Policy, repo checks.RepoReader) *checks.Engine {
	return checks.NewEngine(reg, checks.Options{Workers: workers, Redact: secrets.RedactWith(optionsOf(policy).secrets), Policy: policy, Repo: repo})
}

// optionsOf reads the rule options out of a resolved configuration. The
// configuration was validated, so its regular expressions compile.
func optionsOf(p *config.Policy) options {
	sec := p.Options("secret-provider-token")
	o := options{
		allowCalls:    p.Options("go-error-discarded").AllowCalls,
		minLogicLines: p.Options("missing-tests").MinLogicLines,
	}
	if len(sec.Allow) > 0 {
		o.secrets.Allow = config.AllowMatcher(sec.Allow)
	}
	for _, sp := range sec.Patterns {
		re, err := regexp.Compile(sp.Regex)
		if err != nil {
			continue
		}
		sev, err := checks.ParseSeverity(sp.Severity)
		if err != nil {
			sev = checks.Failure
		}
		o.secrets.Patterns = append(o.secrets.Patterns, secrets.Pattern{ID: sp.ID, Regex: re, Keywords: config.PatternKeywords(sp), MinEntropy: sp.Entropy, Severity: sev})
	}
	return o
}
