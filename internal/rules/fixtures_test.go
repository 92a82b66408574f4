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

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

const fixtureRoot = "../../fixtures/rules"

type score struct {
	rule                string
	cases, positives    int
	tp, fp, fn          int
	precision, recall   float64
	falsePos, falseNegs []string
}

// TestRulePrecisionRecall runs every rule over its own positive and negative
// fixtures and holds it to precision and recall of at least 0.9.
func TestRulePrecisionRecall(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	engine := NewEngine(reg, 2)
	var scores []score
	for _, rule := range reg.Rules() {
		id := rule.Meta().ID
		t.Run(id, func(t *testing.T) {
			dir := filepath.Join(fixtureRoot, id)
			rf, err := fixture.LoadRule(dir)
			if err != nil {
				t.Fatalf("rule %s has no usable fixtures: %v", id, err)
			}
			s := scoreRule(t, engine, rf)
			scores = append(scores, s)
			if s.positives == 0 {
				t.Errorf("%s: expect.txt lists no positive line", id)
			}
			if !hasNegativeFile(rf) {
				t.Errorf("%s: expect.txt lists no negative file (a 'file:' line with no line numbers)", id)
			}
			if s.precision < 0.9 || s.recall < 0.9 {
				t.Errorf("%s: precision %.2f recall %.2f (want both >= 0.90)\nfalse positives: %s\nmissed: %s",
					id, s.precision, s.recall, strings.Join(s.falsePos, "; "), strings.Join(s.falseNegs, "; "))
			}
		})
	}
	sort.Slice(scores, func(i, j int) bool { return scores[i].rule < scores[j].rule })
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-34s %5s %5s %4s %4s %4s %9s %6s\n", "rule", "cases", "pos", "tp", "fp", "fn", "precision", "recall")
	for _, s := range scores {
		fmt.Fprintf(&b, "%-34s %5d %5d %4d %4d %4d %9.2f %6.2f\n", s.rule, s.cases, s.positives, s.tp, s.fp, s.fn, s.precision, s.recall)
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

func scoreRule(t *testing.T, engine *checks.Engine, rf *fixture.RuleFixtures) score {
	t.Helper()
	s := score{rule: rf.RuleID, cases: len(rf.Cases), positives: len(rf.Expected)}
	found := map[fixture.Location]bool{}
	for _, c := range rf.Cases {
		paths := diffPaths(t, c)
		for _, p := range paths {
			if !rf.Keys[c.Key(p)] {
				t.Errorf("%s: %s is not listed in expect.txt (list it with its lines, or as 'key:' when negative)", rf.RuleID, c.Key(p))
			}
		}
		res, err := engine.Run(context.Background(), diff.NewReader(bytes.NewReader(c.Diff)))
		if err != nil {
			t.Fatalf("%s: run %s: %v", rf.RuleID, c.Name, err)
		}
		for _, f := range res.Findings {
			if f.RuleID != rf.RuleID {
				continue
			}
			loc := fixture.Location{Key: c.Key(f.Path), Line: f.StartLine}
			found[loc] = true
		}
	}
	for loc := range found {
		if rf.Expected[loc] {
			s.tp++
		} else {
			s.fp++
			s.falsePos = append(s.falsePos, fmt.Sprintf("%s:%d", loc.Key, loc.Line))
		}
	}
	for loc := range rf.Expected {
		if !found[loc] {
			s.fn++
			s.falseNegs = append(s.falseNegs, fmt.Sprintf("%s:%d", loc.Key, loc.Line))
		}
	}
	sort.Strings(s.falsePos)
	sort.Strings(s.falseNegs)
	s.precision, s.recall = 1, 1
	if s.tp+s.fp > 0 {
		s.precision = float64(s.tp) / float64(s.tp+s.fp)
	}
	if s.tp+s.fn > 0 {
		s.recall = float64(s.tp) / float64(s.tp+s.fn)
	}
	return s
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
