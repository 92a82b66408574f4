package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSARIFAlongside: --sarif writes, in the same review, exactly what
// --format sarif prints, and leaves the main output as it was; a failed
// review leaves no file behind.
func TestSARIFAlongside(t *testing.T) {
	goDiff := filepath.Join("..", "..", "fixtures", "diffs", "ai-pr-go.diff")
	dir := t.TempDir()
	sarifPath := filepath.Join(dir, "out.sarif")

	code, out, errOut := runApp(t, "", "check", "--format", "github", "--fail-on", "warning", "--sarif", sarifPath, "--repo", t.TempDir(), goDiff)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d (fail-on still decides): %s", code, exitFindings, errOut)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "ai-pr-go.github.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if normalise(out) != string(golden) {
		t.Errorf("--sarif changed the github output:\n%s", out)
	}
	got, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatalf("--sarif wrote nothing: %v", err)
	}
	_, want, _ := runApp(t, "", "check", "--format", "sarif", "--fail-on", "never", "--repo", t.TempDir(), goDiff)
	if normalise(string(got)) != normalise(want) {
		t.Errorf("the --sarif file differs from --format sarif's output")
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("the --sarif file is not JSON: %v", err)
	}
	annotations := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "::") {
			annotations++
		}
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) < annotations || annotations == 0 {
		t.Errorf("SARIF %s with %d runs; want 2.1.0 with at least the %d annotated findings", doc.Version, len(doc.Runs), annotations)
	}
	if st, err := os.Stat(sarifPath); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("the report should be readable by all, like any output file: %v %v", st.Mode(), err)
	}

	t.Run("failed review leaves nothing", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "bad.sarif")
		code, _, errOut := runApp(t, "this is not a diff\n", "check", "--sarif", path, "--repo", t.TempDir())
		if code != exitUsage || !strings.Contains(errOut, "not a unified diff") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 0 {
			t.Errorf("left behind: %v", entries)
		}
	})

	t.Run("unwritable path fails before the review", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "missing-dir", "x.sarif")
		code, out, errOut := runApp(t, "", "check", "--sarif", path, "--repo", t.TempDir(), goDiff)
		if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		// It names the path given, not the temporary file beside it.
		if want := "app check: --sarif: cannot create " + path + ": "; !strings.HasPrefix(errOut, want) || strings.Contains(errOut, ".tmp") {
			t.Errorf("stderr %q, want it to start %q", errOut, want)
		}
	})
}
