// Package rules assembles the rule families into the default registry that
// both the CLI and the App run.
package rules

import (
	"slices"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/rules/errorhandling"
	"github.com/prodready/prodready/internal/rules/inputvalidation"
	"github.com/prodready/prodready/internal/rules/secrets"
	"github.com/prodready/prodready/internal/rules/suppression"
	"github.com/prodready/prodready/internal/rules/testcoverage"
)

// All returns a fresh instance of every rule.
func All() []checks.Rule {
	all := slices.Concat(
		errorhandling.Rules(),
		inputvalidation.Rules(),
		secrets.Rules(),
		testcoverage.Rules(),
	)
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.Meta().ID
	}
	return append(all, suppression.New(ids))
}

// Registry validates and returns the default registry.
func Registry() (*checks.Registry, error) {
	return checks.NewRegistry(All()...)
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
