package testcoverage

import "github.com/prodready/prodready/internal/checks"

// Rules returns the rules of this family.
func Rules() []checks.Rule { return nil }
