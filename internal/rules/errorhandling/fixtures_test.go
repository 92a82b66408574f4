package errorhandling

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// TestFixturesExact runs this family alone over its fixtures and demands
// exactly the expected lines, so that the package can be checked while
// other families are being written (the shared precision/recall harness in
// internal/rules needs them all to compile) and so that any drift, even
// within the harness's 0.9 tolerance, is visible.
func TestFixturesExact(t *testing.T) {
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{Workers: 2})
	for _, r := range reg.Rules() {
		id := r.Meta().ID
		t.Run(id, func(t *testing.T) {
			rf, err := fixture.LoadRule(filepath.Join("../../../fixtures/rules", id))
			if err != nil {
				t.Fatal(err)
			}
			found := map[fixture.Location]bool{}
			for _, c := range rf.Cases {
				res, err := engine.Run(context.Background(), diff.NewReader(bytes.NewReader(c.Diff)))
				if err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
				for _, f := range res.Findings {
					if f.RuleID == id {
						found[fixture.Location{Key: c.Key(f.Path), Line: f.StartLine}] = true
					}
				}
			}
			var fp, fn []string
			for loc := range found {
				if !rf.Expected[loc] {
					fp = append(fp, loc.Key+":"+strconv.Itoa(loc.Line))
				}
			}
			for loc := range rf.Expected {
				if !found[loc] {
					fn = append(fn, loc.Key+":"+strconv.Itoa(loc.Line))
				}
			}
			sort.Strings(fp)
			sort.Strings(fn)
			if len(fp) > 0 || len(fn) > 0 {
				t.Errorf("false positives: %v\nmissed: %v", fp, fn)
			}
		})
	}
}
