package hardening

import (
	"testing"

	"github.com/prodready/prodready/internal/fixture"
)

// TestFixturesExact holds these rules to exactly their expected lines.
func TestFixturesExact(t *testing.T) {
	fixture.RequireExact(t, Rules(), "../../../fixtures/rules")
}
