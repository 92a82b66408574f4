package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func runApp(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

var durationPattern = regexp.MustCompile(`("duration_ms": )\d+|(, )\d+ ms$|(, )\d+ ms\n`)

// normalise removes what varies from run to run: timings and the version.
func normalise(s string) string {
	s = durationPattern.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case strings.HasPrefix(m, `"duration_ms"`):
			return `"duration_ms": 0`
		case strings.HasSuffix(m, "\n"):
			return ", 0 ms\n"
		default:
			return ", 0 ms"
		}
	})
	return regexp.MustCompile(`"version": "[^"]*"`).ReplaceAllString(s, `"version": "test"`)
}

// TestGoldenOutputs pins every output format on the realistic AI-written
// PRs: a change in any rule or reporter shows up here as a diff.
func TestGoldenOutputs(t *testing.T) {
	for _, name := range []string{"ai-pr-go", "ai-pr-python", "ai-pr-typescript", "ai-pr-java", "clean-pr"} {
		for _, format := range []string{"text", "json", "sarif", "github"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				code, out, errOut := runApp(t, "", "check", "--format", format, "--fail-on", "never", "--repo", t.TempDir(), filepath.Join("..", "..", "fixtures", "diffs", name+".diff"))
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				got := normalise(out)
				golden := filepath.Join("testdata", name+"."+format+".golden")
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (go test ./cmd/app -run TestGoldenOutputs -update)", err)
				}
				if got != string(want) {
					t.Errorf("output differs from %s (rerun with -update if intended):\n%s", golden, got)
				}
			})
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	goDiff := filepath.Join("..", "..", "fixtures", "diffs", "ai-pr-go.diff")
	clean := filepath.Join("..", "..", "fixtures", "diffs", "clean-pr.diff")
	cases := []struct {
		name string
		args []string
		in   string
		code int
		err  string
	}{
		{"findings at default fail-on", []string{"check", "--repo", dir, "--fail-on", "warning", goDiff}, "", exitFindings, ""},
		{"findings below fail-on", []string{"check", "--repo", dir, "--fail-on", "failure", clean}, "", exitOK, ""},
		{"fail-on never", []string{"check", "--repo", dir, "--fail-on", "never", goDiff}, "", exitOK, ""},
		{"clean stdin", []string{"check", "--repo", dir}, "", exitOK, ""},
		{"malformed stdin", []string{"check", "--repo", dir}, "this is not a diff\n", exitUsage, "not a unified diff"},
		{"truncated hunk", []string{"check", "--repo", dir}, "--- a/x.go\n+++ b/x.go\n@@ -1,3 +1,4 @@\n a\n+b\n", exitUsage, "truncated"},
		{"missing file", []string{"check", "--repo", dir, filepath.Join(dir, "nope.diff")}, "", exitUsage, "no such file"},
		{"directory", []string{"check", "--repo", dir, dir}, "", exitUsage, "is a directory"},
		{"bad format", []string{"check", "--format", "xml"}, "", exitUsage, `unknown format "xml"`},
		{"bad fail-on", []string{"check", "--fail-on", "sometimes"}, "", exitUsage, "--fail-on"},
		{"unknown rule", []string{"check", "--rules", "sql-strng-built"}, "", exitUsage, `unknown rule or family "sql-strng-built"`},
		{"two files", []string{"check", "--repo", dir, goDiff, clean}, "", exitUsage, "at most one"},
		{"staged with a file", []string{"check", "--staged", goDiff}, "", exitUsage, "--staged reads the diff from git's index, so it takes no diff file"},
		{"unknown command", []string{"frobnicate"}, "", exitUsage, "unknown command"},
		{"missing explicit config", []string{"check", "--config", filepath.Join(dir, "none.yml")}, "", exitUsage, "does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runApp(t, c.in, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if c.err != "" && !strings.Contains(errOut, c.err) {
				t.Errorf("stderr %q lacks %q", errOut, c.err)
			}
			if c.code == exitUsage && strings.HasPrefix(c.args[0], "check") && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("usage errors are one line, got %q", errOut)
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	code, out, errOut := runApp(t, "", "check", "--format", "json", "--fail-on", "never", "--repo", t.TempDir(), filepath.Join("..", "..", "fixtures", "diffs", "ai-pr-python.diff"))
	if code != exitOK {
		t.Fatal(errOut)
	}
	var doc struct {
		Findings []map[string]any `json:"findings"`
		Stats    map[string]any   `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) == 0 {
		t.Fatal("no findings on the AI-written Python PR")
	}
	for _, k := range []string{"rule", "family", "severity", "path", "start_line", "end_line", "start_column", "end_column", "title", "message", "fingerprint"} {
		if _, ok := doc.Findings[0][k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	for _, k := range []string{"files", "added_lines", "duration_ms", "findings_by_severity"} {
		if _, ok := doc.Stats[k]; !ok {
			t.Errorf("stats lacks %q", k)
		}
	}
}

func TestListRules(t *testing.T) {
	code, out, _ := runApp(t, "", "check", "--list-rules")
	if code != exitOK {
		t.Fatal(code)
	}
	reg, err := rules.Registry()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range reg.RuleIDs() {
		if !strings.Contains(out, id+" ") {
			t.Errorf("--list-rules lacks %s", id)
		}
	}
}

func TestConfigFlow(t *testing.T) {
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(repo, ".github", "prodready.yml")
	goDiff := filepath.Join("..", "..", "fixtures", "diffs", "ai-pr-go.diff")

	// Disabling every family leaves a clean run.
	reg, err := rules.Registry()
	if err != nil {
		t.Fatal(err)
	}
	cfgText := "version: 1\nfail_on: notice\nfamilies:\n"
	for _, fam := range reg.Families() {
		cfgText += "  " + fam + ": {enabled: false}\n"
	}
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runApp(t, "", "check", "--repo", repo, goDiff)
	if code != exitOK || !strings.Contains(out, "no findings") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	// An invalid file stops the run with its errors, never falls back.
	if err := os.WriteFile(cfgPath, []byte("version: 1\nrules:\n  sql-string-bilt: {enabled: false}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runApp(t, "", "check", "--repo", repo, goDiff)
	if code != exitUsage || !strings.Contains(errOut, `3:3: unknown rule "sql-string-bilt" (did you mean "sql-string-built"?)`) {
		t.Fatalf("exit %d stderr %q", code, errOut)
	}
	code, _, errOut = runApp(t, "", "config", "validate", "--repo", repo)
	if code != exitFindings || !strings.Contains(errOut, "^") {
		t.Fatalf("validate: exit %d stderr %q", code, errOut)
	}
	code, out, _ = runApp(t, "", "config", "validate", filepath.Join("..", "..", "fixtures", "config", "full.yml"))
	if code != exitOK || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("validate full.yml: exit %d out %q", code, out)
	}
	code, out, _ = runApp(t, "", "config", "print", "--repo", t.TempDir())
	if code != exitOK || !strings.Contains(out, "fail_on: failure") || !strings.Contains(out, "built-in defaults") {
		t.Fatalf("print: exit %d out %q", code, out)
	}
}

func TestAIAuthoredFlagRaisesMissingTests(t *testing.T) {
	goDiff := filepath.Join("..", "..", "fixtures", "diffs", "ai-pr-python.diff")
	sev := func(args ...string) map[string]string {
		code, out, errOut := runApp(t, "", append([]string{"check", "--format", "json", "--fail-on", "never", "--repo", t.TempDir(), "--rules", "missing-tests"}, append(args, goDiff)...)...)
		if code != exitOK {
			t.Fatal(errOut)
		}
		var doc struct {
			Findings []struct{ Path, Severity string } `json:"findings"`
			Stats    struct {
				AIAuthored bool     `json:"ai_authored"`
				Evidence   []string `json:"ai_evidence"`
			} `json:"stats"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, f := range doc.Findings {
			m[f.Path] = f.Severity
		}
		if len(args) > 0 && (!doc.Stats.AIAuthored || len(doc.Stats.Evidence) == 0) {
			t.Errorf("stats do not record the AI verdict: %+v", doc.Stats)
		}
		return m
	}
	plain, ai := sev(), sev("--ai-authored")
	if len(plain) == 0 {
		t.Fatal("no missing-tests finding to raise")
	}
	order := map[string]int{"notice": 1, "warning": 2, "failure": 3}
	for p, s := range plain {
		if order[ai[p]] != min(order[s]+1, 3) {
			t.Errorf("%s: %s without the AI profile, %s with it", p, s, ai[p])
		}
	}
}
