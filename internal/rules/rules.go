// Package rules assembles the rule families into the registry that both
// the CLI and the App run, configured by a repository's policy.
package rules

import (
	"slices"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/config"
	"github.com/prodready/prodready/internal/rules/errorhandling"
	"github.com/prodready/prodready/internal/rules/inputvalidation"
	"github.com/prodready/prodready/internal/rules/secrets"
	"github.com/prodready/prodready/internal/rules/suppression"
	"github.com/prodready/prodready/internal/rules/testcoverage"
)

// options are the rule options a configuration may set.
type options struct {
	allowCalls    []string
	minLogicLines *int
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
		secrets.Rules(),
		[]checks.Rule{missing},
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
	all := assemble(options{
		allowCalls:    p.Options("go-error-discarded").AllowCalls,
		minLogicLines: p.Options("missing-tests").MinLogicLines,
	})
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
// resolved configuration.
func NewEngineWithPolicy(reg *checks.Registry, workers int, policy checks.Policy) *checks.Engine {
	return checks.NewEngine(reg, checks.Options{Workers: workers, Redact: secrets.Redact, Policy: policy})
}
