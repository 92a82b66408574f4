package errorhandling

import (
	"testing"

	"github.com/prodready/prodready/internal/fixture"
)

// TestFixturesExact holds this family to exactly its expected lines.
func TestFixturesExact(t *testing.T) {
	fixture.RequireExact(t, Rules(), "../../../fixtures/rules")
}
