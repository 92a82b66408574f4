package hardening

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

// TestFixturesExact runs these rules alone over their fixtures and demands
// exactly the expected lines, so that any drift shows even within the
// shared harness's 0.9 tolerance, and the package can be checked while
// other families are mid-work. With -v it lists every finding and its
// severity.
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
						loc := fixture.Location{Key: c.Key(f.Path), Line: f.StartLine}
						found[loc] = true
						t.Logf("%s:%d %s: %s", loc.Key, loc.Line, f.Severity, f.Message)
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
