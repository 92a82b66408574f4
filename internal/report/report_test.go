package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleResult() *checks.Result {
	return &checks.Result{
		Findings: []checks.Finding{
			{RuleID: "sql-string-built", Family: "input-validation", Severity: checks.Failure, Path: "api/users.go", StartLine: 42, EndLine: 42, StartColumn: 9, EndColumn: 31,
				Title: "SQL built from a formatted string", Message: "The query text is built with fmt.Sprintf from request input.\nUse placeholders: db.Query(\"… WHERE id = $1\", id).",
				Evidence: `rows, err := db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = %s", id))`, Fingerprint: "0123456789abcdef", DocURL: checks.DocBaseURL + "sql-string-built"},
			{RuleID: "go-error-discarded", Family: "error-handling", Severity: checks.Warning, Path: "api/users.go", StartLine: 57, EndLine: 57,
				Title: "Error discarded", Message: "json.Unmarshal returns an error that is assigned to _.", Evidence: "_ = json.Unmarshal(body, &u)", Fingerprint: "fedcba9876543210"},
			{RuleID: "missing-tests", Family: "tests", Severity: checks.Notice, Path: "dir with space/a,b:c.py", StartLine: 3, EndLine: 9,
				Title: "No test for a changed file", Message: "50% of lines changed, 100% untested", Fingerprint: "00000000000000ff"},
		},
		Suppressed: []checks.Finding{
			{RuleID: "go-error-discarded", Family: "error-handling", Severity: checks.Warning, Path: "api/users.go", StartLine: 60, EndLine: 60,
				Title: "Error discarded", Message: "w.Write returns an error that is assigned to _.", Fingerprint: "1111111111111111",
				Suppression: &checks.Suppression{Kind: "inline", Reason: "the client is gone; nothing to do"}},
		},
		Stats: checks.Stats{Files: 3, AddedLines: 120, DurationMS: 7, Suppressed: 1, FindingsBySeverity: map[string]int{"failure": 1, "warning": 1, "notice": 1}},
	}
}

func sampleRules() []checks.Meta {
	return []checks.Meta{
		{ID: "go-error-discarded", Family: "error-handling", Title: "Error discarded", Summary: "An error result assigned to _.", Severity: checks.Warning},
		{ID: "sql-string-built", Family: "input-validation", Title: "SQL built from a formatted string", Summary: "SQL text built by formatting or concatenation reaches a query call.", Severity: checks.Warning},
	}
}

func TestGolden(t *testing.T) {
	for _, f := range []Format{Text, JSON, SARIF, GitHub} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, f, sampleResult(), Options{Version: "test", Rules: sampleRules()}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "sample."+string(f)+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/report -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s:\n%s", f, golden, buf.String())
			}
		})
	}
}

func TestSARIFShape(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, SARIF, sampleResult(), Options{Rules: sampleRules()}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region map[string]int `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q runs %d", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Results) != 4 {
		t.Fatalf("%d results", len(run.Results))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d = %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
	}
	if got := run.Results[2].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "dir%20with%20space/a,b:c.py" {
		t.Errorf("uri = %q", got)
	}
	if _, ok := run.Results[2].Locations[0].PhysicalLocation.Region["startColumn"]; ok {
		t.Error("multi-line region carries columns")
	}
	if lv := run.Results[2].Level; lv != "note" {
		t.Errorf("notice maps to %q, want note", lv)
	}
}

func TestGitHubEscaping(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, GitHub, sampleResult(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"::error file=api/users.go,line=42,endLine=42,col=9,endColumn=31,title=SQL built from a formatted string (sql-string-built)::The query text is built with fmt.Sprintf from request input.%0AUse placeholders",
		"::notice file=dir with space/a%2Cb%3Ac.py,line=3,endLine=9,title=",
		"::50%25 of lines changed, 100%25 untested",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestParseFormat(t *testing.T) {
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
	if f, err := ParseFormat("SARIF"); err != nil || f != SARIF {
		t.Errorf("SARIF: %v %v", f, err)
	}
}

func TestCheckRunSummarySaysWhatGitHubRefused(t *testing.T) {
	in := SummaryInput{Result: sampleResult(), Posted: 3, Conclusion: "failure", FailOn: checks.Failure}
	if s := CheckRunSummary(in); strings.Contains(s, "refused") {
		t.Errorf("a run without refusals mentions them:\n%s", s)
	}
	in.Refused, in.RefusedMessage = 1, "Invalid annotation | line 7"
	s := CheckRunSummary(in)
	if !strings.Contains(s, "**1 annotation refused by GitHub** and not shown inline (GitHub said: Invalid annotation \\| line 7)") {
		t.Errorf("summary:\n%s", s)
	}
	in.Refused, in.RefusedMessage = 3, ""
	if s := CheckRunSummary(in); !strings.Contains(s, "**3 annotations refused by GitHub** and not shown inline;") {
		t.Errorf("summary:\n%s", s)
	}
}
