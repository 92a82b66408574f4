package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// testCatalog stands in for the rule registry.
type testCatalog map[string]string

func (c testCatalog) Family(id string) (string, bool) { f, ok := c[id]; return f, ok }
func (c testCatalog) IsFamily(name string) bool {
	for _, f := range c {
		if f == name {
			return true
		}
	}
	return false
}
func (c testCatalog) RuleIDs() []string {
	var ids []string
	for id := range c {
		ids = append(ids, id)
	}
	return ids
}
func (c testCatalog) Families() []string {
	return []string{"error-handling", "input-validation", "secrets", "tests"}
}

var cat = testCatalog{
	"missing-tests":                   "tests",
	"go-error-discarded":              "error-handling",
	"java-catch-printstacktrace-only": "error-handling",
	"sql-string-built":                "input-validation",
	"secret-provider-token":           "secrets",
	"placeholder-stub-code":           "ai-hygiene",
}

func TestFullExampleIsValid(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "config", "full.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(b, "full.yml", cat)
	if err != nil {
		t.Fatalf("fixtures/config/full.yml is invalid:\n%v", err)
	}
	if cfg.MaxAnnotations != 1000 || *cfg.Rules["missing-tests"].MinLogicLines != 15 || len(cfg.Families["secrets"].Patterns) != 1 {
		t.Errorf("parsed %+v", cfg)
	}
}

// TestErrors holds every error class to its exact message and position.
func TestErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // "line:col: message"
	}{
		{"unknown top-level key", "version: 1\nfail_onn: warning\n", []string{`2:1: unknown field "fail_onn" (did you mean "fail_on"?)`}},
		{"unknown nested key", "version: 1\nrules:\n  missing-tests:\n    sevirity: warning\n", []string{`4:5: unknown field "sevirity"`}},
		{"wrong type", "version: 1\nmax_annotations: lots\n", []string{`2:18: cannot unmarshal string into Go`}},
		{"wrong type of bool", "version: 1\nrules:\n  missing-tests:\n    enabled: maybe\n", []string{`4:14: cannot unmarshal string into Go`}},
		{"unknown rule", "version: 1\nrules:\n  missing-test:\n    enabled: false\n", []string{`3:3: unknown rule "missing-test" (did you mean "missing-tests"?)`}},
		{"family under rules", "version: 1\nrules:\n  secrets:\n    enabled: false\n", []string{`3:3: unknown rule "secrets" (that is a family: move it under 'families')`}},
		{"unknown family", "version: 1\nfamilies:\n  secret:\n    enabled: false\n", []string{`3:3: unknown family "secret" (did you mean "secrets"?)`}},
		{"bad severity", "version: 1\nrules:\n  missing-tests:\n    severity: critical\n", []string{`4:15: severity must be failure, warning or notice, got "critical"`}},
		{"bad fail_on", "version: 1\nfail_on: error\n", []string{`2:10: fail_on must be failure, warning, notice or never, got "error"`}},
		{"bad glob", "version: 1\npaths:\n  exclude:\n    - \"src/[a-\"\n", []string{`4:7: invalid glob "src/[a-"`}},
		{"bad regex", "version: 1\nfamilies:\n  secrets:\n    allow:\n      - \"/sk_(/\"\n", []string{`5:9: invalid regex in allow: missing closing ): ` + "`sk_(`"}},
		{"bad pattern regex", "version: 1\nfamilies:\n  secrets:\n    patterns:\n      - id: x\n        regex: 'a[b'\n", []string{`6:16: invalid regex for secret pattern "x": missing closing ]: ` + "`[b`"}},
		{"option on wrong rule", "version: 1\nrules:\n  sql-string-built:\n    min_logic_lines: 3\n", []string{`4:22: option "min_logic_lines" does not apply to "sql-string-built" (it is read by missing-tests or tests)`}},
		// Family-wide options set on one rule of the family would be ignored.
		{"secrets option on one secrets rule", "version: 1\nrules:\n  secret-provider-token:\n    allow: [x]\n", []string{`4:12: option "allow" does not apply to "secret-provider-token" (it is read by secrets)`}},
		{"rule option on a sibling rule", "version: 1\nrules:\n  java-catch-printstacktrace-only:\n    allow_calls: [f]\n", []string{`4:18: option "allow_calls" does not apply to "java-catch-printstacktrace-only" (it is read by go-error-discarded or error-handling)`}},
		{"missing version", "fail_on: warning\n", []string{`1:1: missing 'version: 1'`}},
		{"future version", "version: 2\n", []string{`1:10: unsupported version 2: this build reads version 1`}},
		{"not a mapping", "- a\n- b\n", []string{`1:1: the configuration must be a mapping (key: value lines), not a list`}},
		{"syntax error", "version: 1\nrules: [a\n", []string{`2:`}},
		{"unknown language", "version: 1\nlanguages:\n  golang: false\n", []string{`3:3: unknown language "golang" (did you mean "go"?)`}},
		{"max annotations range", "version: 1\nmax_annotations: 20000\n", []string{`2:18: max_annotations must be between 0 and 10000, got 20000`}},
		{"several at once", "version: 1\nfail_on: sometimes\nrules:\n  nope-rule: {}\n  missing-tests:\n    severity: loud\n", []string{
			`2:10: fail_on must be failure, warning, notice or never`,
			`4:3: unknown rule "nope-rule"`,
			`6:15: severity must be failure, warning or notice, got "loud"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), "prodready.yml", cat)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if len(ce.Problems) != len(c.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(ce.Problems), len(c.want), err)
			}
			for i, w := range c.want {
				p := ce.Problems[i]
				line := formatProblem(p)
				if !strings.HasPrefix(line, w) {
					t.Errorf("problem %d = %q, want prefix %q", i, line, w)
				}
				if p.Excerpt == "" || !strings.Contains(p.Excerpt, "^") {
					t.Errorf("problem %d has no caret excerpt", i)
				}
			}
			if !strings.HasPrefix(err.Error(), "prodready.yml:") {
				t.Errorf("error does not start with the file name: %v", err)
			}
		})
	}
}

func formatProblem(p Problem) string {
	return fmt.Sprintf("%d:%d: %s", p.Line, p.Column, p.Message)
}

func TestCaretExcerpt(t *testing.T) {
	_, err := Parse([]byte("version: 1\nrules:\n  missing-tests:\n    sevirity: warning\n"), "x.yml", cat)
	want := "x.yml:4:5: unknown field \"sevirity\"\n    4 |     sevirity: warning\n      |     ^"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestPolicy(t *testing.T) {
	src := `version: 1
fail_on: warning
paths:
  exclude: ["vendor2/**"]
languages:
  java: false
tests:
  patterns: ["qa/**"]
families:
  error-handling:
    severity: notice
rules:
  go-error-discarded:
    severity: failure
    paths:
      include: ["internal/**"]
  sql-string-built:
    enabled: false
`
	cfg, err := Parse([]byte(src), "p.yml", cat)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Policy(cat, false)
	if p.FailOn != checks.Warning || p.MaxAnnotations != DefaultMaxAnnotations {
		t.Errorf("fail_on %v max %d", p.FailOn, p.MaxAnnotations)
	}
	if p.Enabled("sql-string-built") || !p.Enabled("go-error-discarded") {
		t.Error("enabled flags wrong")
	}
	if !p.SkipFile("vendor2/x/y.go", diff.Go) || !p.SkipFile("src/A.java", diff.Java) || p.SkipFile("src/a.go", diff.Go) {
		t.Error("SkipFile wrong")
	}
	if !p.IsTest("qa/smoke.py") || !p.IsTest("a_test.go") || p.IsTest("src/a.go") {
		t.Error("IsTest wrong")
	}
	f := checks.Finding{RuleID: "go-error-discarded", Path: "internal/a.go", Severity: checks.Warning}
	if !p.Adjust(&f) || f.Severity != checks.Failure {
		t.Errorf("rule severity override: %v", f.Severity)
	}
	f = checks.Finding{RuleID: "go-error-discarded", Path: "cmd/a.go", Severity: checks.Warning}
	if p.Adjust(&f) {
		t.Error("rule path include not applied")
	}
	f = checks.Finding{RuleID: "java-catch-printstacktrace-only", Path: "A.java", Severity: checks.Warning}
	if !p.Adjust(&f) || f.Severity != checks.Notice {
		t.Errorf("family severity: %v", f.Severity)
	}
}

func TestAIProfile(t *testing.T) {
	plain := &Config{Version: 1}
	f := checks.Finding{RuleID: "missing-tests", Severity: checks.Notice}
	plain.Policy(cat, true).Adjust(&f)
	if f.Severity != checks.Warning {
		t.Errorf("default AI profile: missing-tests %v, want warning", f.Severity)
	}
	f = checks.Finding{RuleID: "missing-tests", Severity: checks.Notice}
	plain.Policy(cat, false).Adjust(&f)
	if f.Severity != checks.Notice {
		t.Errorf("not AI-authored: %v", f.Severity)
	}
	cfg, err := Parse([]byte("version: 1\nprofiles:\n  ai_authored:\n    rules:\n      sql-string-built:\n        severity: failure\n"), "p.yml", cat)
	if err != nil {
		t.Fatal(err)
	}
	f = checks.Finding{RuleID: "sql-string-built", Severity: checks.Warning}
	cfg.Policy(cat, true).Adjust(&f)
	if f.Severity != checks.Failure {
		t.Errorf("configured AI profile: %v", f.Severity)
	}
	off := false
	cfg.Profiles.AIAuthored.Enabled = &off
	f = checks.Finding{RuleID: "sql-string-built", Severity: checks.Warning}
	if p := cfg.Policy(cat, true); p.AIAuthored {
		t.Error("disabled profile still applied")
	}
}
