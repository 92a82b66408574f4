package hardening

import "github.com/prodready/prodready/internal/checks"

// Rules returns the rules of this package.
func Rules() []checks.Rule { return nil }
