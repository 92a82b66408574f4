package rules

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/config"
	"github.com/prodready/prodready/internal/fixture"
	"github.com/prodready/prodready/internal/rules/ruledocs"
)

// TestRuleDocs holds the reference to what the rules do: every registered
// rule has a doc and every doc names a rule, and every example is run
// through the engine with every rule at its defaults. A Bad example must
// be reported by its rule, a Good example must not be, not even as a
// suppressed finding.
func TestRuleDocs(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := ruledocs.All()
	if err != nil {
		t.Fatal(err)
	}
	for id := range docs {
		if _, ok := reg.Lookup(id); !ok {
			t.Errorf("internal/rules/ruledocs/%s.md names no registered rule", id)
		}
	}
	engine := NewEngine(reg, 1)
	verified := 0
	for _, r := range reg.Rules() {
		id := r.Meta().ID
		t.Run(id, func(t *testing.T) {
			d, ok := docs[id]
			if !ok {
				t.Fatalf("rule %s has no internal/rules/ruledocs/%s.md", id, id)
			}
			for _, s := range []string{ruledocs.Bad, ruledocs.Good} {
				for n, b := range d.Examples(s) {
					got, suppressed := runExample(t, engine, b, id)
					name := fmt.Sprintf("%s.md, %s example %d (%s)", id, s, n+1, exampleName(b))
					switch {
					case s == ruledocs.Bad && len(got) == 0:
						t.Errorf("%s: %s does not report it (suppressed: %d)", name, id, len(suppressed))
					case s == ruledocs.Good && len(got)+len(suppressed) > 0:
						t.Errorf("%s: %s reports it: %s", name, id, strings.Join(append(got, suppressed...), "; "))
					default:
						verified++
					}
				}
			}
			for _, s := range []string{ruledocs.Options, ruledocs.Notes} {
				for _, b := range d.Examples(s) {
					if b.Lang == "yaml" {
						checkConfig(t, reg, id+".md "+s, b.Code)
					}
				}
			}
			snippet := ConfigSnippet(id)
			checkConfig(t, reg, id+" config snippet", snippet)
			checkConfig(t, reg, id+" config snippet, alternatives on", uncommented.ReplaceAllString(snippet, "$1"))
		})
	}
	t.Logf("%d examples verified", verified)
}

// uncommented turns the commented-out alternatives of a snippet back on.
var uncommented = regexp.MustCompile(`(?m)^(\s+)# `)

// runExample returns the findings of rule id on the example, as
// "path:line: message", apart from the suppressed ones.
func runExample(t *testing.T, engine *checks.Engine, b ruledocs.Block, id string) (found, suppressed []string) {
	t.Helper()
	var d bytes.Buffer
	if b.IsDiff() {
		d.WriteString(b.Code)
	} else if err := fixture.WriteAddedFile(&d, b.Path, []byte(b.Code)); err != nil {
		t.Fatal(err)
	}
	res, err := engine.RunDiff(context.Background(), &d)
	if err != nil {
		t.Fatalf("%s: %s: %v", id, exampleName(b), err)
	}
	for _, f := range res.Findings {
		if f.RuleID == id {
			found = append(found, fmt.Sprintf("%s:%d: %s", f.Path, f.StartLine, f.Message))
		}
	}
	for _, f := range res.Suppressed {
		if f.RuleID == id {
			suppressed = append(suppressed, fmt.Sprintf("%s:%d (suppressed): %s", f.Path, f.StartLine, f.Message))
		}
	}
	return found, suppressed
}

func exampleName(b ruledocs.Block) string {
	if b.IsDiff() {
		return "diff"
	}
	return b.Path
}

// checkConfig parses a configuration the docs show, against this build's
// rules.
func checkConfig(t *testing.T, reg *checks.Registry, what, yaml string) {
	t.Helper()
	if !strings.HasPrefix(yaml, "version:") && !strings.Contains(yaml, "\nversion:") {
		yaml = "version: 1\n" + yaml
	}
	if _, err := config.Parse([]byte(yaml), what, reg); err != nil {
		t.Errorf("%s is not a valid configuration:\n%s\n%v", what, yaml, err)
	}
}

// TestRuleDocsParse pins the format errors a malformed doc gets.
func TestRuleDocsParse(t *testing.T) {
	good := "## Why\nx\n\n## Bad\n```go path=a.go\nx\n```\n\n## Good\n```diff\n+x\n```\n"
	if _, err := ruledocs.Parse("r", good); err != nil {
		t.Fatalf("valid doc rejected: %v", err)
	}
	cases := map[string]string{
		"preamble\n" + good:                                     "text before the first section",
		strings.Replace(good, "## Why", "## Whyy", 1):           `unknown section "Whyy"`,
		strings.Replace(good, "## Good", "## Why", 1):           `section "Why" given twice`,
		good + "## Notes\nn\n## Options\no\n":                   `section "Options" out of order`,
		strings.Replace(good, "go path=a.go", "go", 1):          "has no path=",
		strings.Replace(good, "```diff\n+x\n```", "no code", 1): `section "Good" has no code block`,
		strings.Replace(good, "## Why\nx\n", "## Why\n", 1):     `section "Why" is missing or empty`,
		good + "```go\n": "not closed",
	}
	for in, want := range cases {
		_, err := ruledocs.Parse("r", in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}
