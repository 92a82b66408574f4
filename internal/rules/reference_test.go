package rules

import (
	"os"
	"testing"
)

// TestReferenceIsCurrent keeps docs/rules.md, which every annotation
// links to, in step with the registry.
func TestReferenceIsCurrent(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	want := Reference(reg)
	got, err := os.ReadFile("../../docs/rules.md")
	if err != nil || string(got) != want {
		t.Fatalf("docs/rules.md is out of date: run go run ./internal/tools/rulesdoc > docs/rules.md")
	}
}
