package rules

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

const fixtureRoot = "../../fixtures/rules"

// TestRulePrecisionRecall runs every rule over its own positive and negative
// fixtures and holds it to precision and recall of at least 0.9.
func TestRulePrecisionRecall(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	engine := NewEngine(reg, 2)
	var scores []fixture.Score
	for _, rule := range reg.Rules() {
		id := rule.Meta().ID
		t.Run(id, func(t *testing.T) {
			dir := filepath.Join(fixtureRoot, id)
			rf, err := fixture.LoadRule(dir)
			if err != nil {
				t.Fatalf("rule %s has no usable fixtures: %v", id, err)
			}
			checkListed(t, rf)
			s, err := fixture.Evaluate(context.Background(), engine, rf, nil)
			if err != nil {
				t.Fatal(err)
			}
			scores = append(scores, s)
			if s.Positives == 0 {
				t.Errorf("%s: expect.txt lists no positive line", id)
			}
			if !hasNegativeFile(rf) {
				t.Errorf("%s: expect.txt lists no negative file (a 'file:' line with no line numbers)", id)
			}
			// The fixtures are written with the rules, so they must be met
			// exactly: a threshold let a new false positive pass unseen.
			if s.FP > 0 || s.FN > 0 {
				t.Errorf("%s: precision %.2f recall %.2f (want both 1.00)\nfalse positives: %s\nmissed: %s",
					id, s.Precision, s.Recall, strings.Join(s.FalsePositives, "; "), strings.Join(s.Missed, "; "))
			}
		})
	}
	sort.Slice(scores, func(i, j int) bool { return scores[i].RuleID < scores[j].RuleID })
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-34s %5s %5s %4s %4s %4s %9s %6s\n", "rule", "cases", "pos", "tp", "fp", "fn", "precision", "recall")
	for _, s := range scores {
		fmt.Fprintf(&b, "%-34s %5d %5d %4d %4d %4d %9.2f %6.2f\n", s.RuleID, s.Cases, s.Positives, s.TP, s.FP, s.FN, s.Precision, s.Recall)
	}
	t.Log(b.String())
}

func hasNegativeFile(rf *fixture.RuleFixtures) bool {
	positive := map[string]bool{}
	for loc := range rf.Expected {
		positive[loc.Key] = true
	}
	for k := range rf.Keys {
		if !positive[k] {
			return true
		}
	}
	return false
}

// checkListed requires every file of every case to appear in expect.txt,
// so that a fixture cannot be forgotten in silence.
func checkListed(t *testing.T, rf *fixture.RuleFixtures) {
	t.Helper()
	for _, c := range rf.Cases {
		for _, p := range diffPaths(t, c) {
			if !rf.Keys[c.Key(p)] {
				t.Errorf("%s: %s is not listed in expect.txt (list it with its lines, or as 'key:' when negative)", rf.RuleID, c.Key(p))
			}
		}
	}
}

func diffPaths(t *testing.T, c fixture.Case) []string {
	t.Helper()
	r := diff.NewReader(bytes.NewReader(c.Diff))
	var paths []string
	for {
		f, err := r.Next()
		if err != nil {
			break
		}
		paths = append(paths, f.Path())
	}
	return paths
}

// TestEveryFixtureDirNamesARule catches fixtures left behind by a renamed rule.
func TestEveryFixtureDirNamesARule(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(fixtureRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := reg.Lookup(e.Name()); e.IsDir() && !ok {
			t.Errorf("fixtures/rules/%s names no registered rule", e.Name())
		}
	}
}
