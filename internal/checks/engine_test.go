package checks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prodready/prodready/internal/diff"
)

// todoRule reports every added line holding "todo"; it counts its calls so
// tests can see the prefilter at work.
type todoRule struct {
	Described
	calls *atomic.Int64
}

func (r todoRule) CheckLine(fc *FileContext, v *HunkView, i int) {
	r.calls.Add(1)
	if strings.Contains(strings.ToLower(v.Lines[i].Text), "todo") {
		fc.Report(Finding{StartLine: v.Lines[i].NewLine, Message: "todo left"})
	}
}

// nextLineRule reports an added "open" line when the next line of the hunk,
// context included, is "close": it reads context but must only report on
// added lines.
type nextLineRule struct{ Described }

func (r nextLineRule) CheckLine(fc *FileContext, v *HunkView, i int) {
	if strings.TrimSpace(v.Lines[i].Text) != "open" {
		return
	}
	if j := v.NextCode(i); j > 0 && strings.TrimSpace(v.Lines[j].Text) == "close" {
		fc.Report(Finding{StartLine: v.Lines[i].NewLine, EndLine: v.Lines[j].NewLine, Message: "empty block"})
	}
	// Reporting on the context line must be dropped by the engine.
	if j := v.NextCode(i); j > 0 && !v.IsAdded(j) {
		fc.Report(Finding{StartLine: v.Lines[j].NewLine, Message: "on context"})
	}
}

func newTestEngine(t *testing.T, workers int) (*Engine, *atomic.Int64) {
	t.Helper()
	calls := &atomic.Int64{}
	reg, err := NewRegistry(
		todoRule{Described{Meta{ID: "todo-left", Family: "hygiene", Title: "TODO", Summary: "s", Severity: Notice, Keywords: []string{"TODO"}}}, calls},
		nextLineRule{Described{Meta{ID: "empty-block", Family: "hygiene", Title: "Empty", Summary: "s", Severity: Warning, Keywords: []string{"open"}}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(reg, Options{Workers: workers, Redact: func(s string) string { return strings.ReplaceAll(s, "hunter2", "*******") }}), calls
}

func run(t *testing.T, e *Engine, d string) *Result {
	t.Helper()
	res, err := e.Run(context.Background(), diff.NewReader(strings.NewReader(d)))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const sample = `diff --git a/a.go b/a.go
--- a/a.go
+++ b/a.go
@@ -1,6 +1,8 @@
 package a
-// todo removed line is never judged
+// TODO added
 func f() {
+	open
 	close
 }
 // todo in context is never reported
+var x = "hunter2" // todo
`

func TestEngineReportsOnlyAddedLines(t *testing.T) {
	e, calls := newTestEngine(t, 2)
	res := run(t, e, sample)
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d-%d %s", f.RuleID, f.StartLine, f.EndLine, f.Evidence))
	}
	want := []string{
		"todo-left:2-2 // TODO added",
		"empty-block:4-5 open",
		`todo-left:8-8 var x = "*******" // todo`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The prefilter calls the rule only on the two added lines with "todo".
	if n := calls.Load(); n != 2 {
		t.Errorf("todo rule called %d times, want 2 (prefilter)", n)
	}
	if res.Stats.Files != 1 || res.Stats.AddedLines != 3 {
		t.Errorf("stats = %+v", res.Stats)
	}
	if res.Stats.FindingsBySeverity["notice"] != 2 || res.Stats.FindingsBySeverity["warning"] != 1 {
		t.Errorf("by severity = %v", res.Stats.FindingsBySeverity)
	}
}

func TestEngineOrderAndFingerprintsAreDeterministic(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "diff --git a/f%02d.go b/f%02d.go\nnew file mode 100644\n--- /dev/null\n+++ b/f%02d.go\n@@ -0,0 +1,3 @@\n+// TODO one\n+x\n+// TODO two\n", i, i, i)
	}
	e1, _ := newTestEngine(t, 1)
	e8, _ := newTestEngine(t, 8)
	a, b2 := run(t, e1, b.String()), run(t, e8, b.String())
	if len(a.Findings) != 120 || len(b2.Findings) != 120 {
		t.Fatalf("got %d and %d findings, want 120", len(a.Findings), len(b2.Findings))
	}
	for i := range a.Findings {
		if a.Findings[i].Path != b2.Findings[i].Path || a.Findings[i].StartLine != b2.Findings[i].StartLine || a.Findings[i].Fingerprint != b2.Findings[i].Fingerprint {
			t.Fatalf("finding %d differs between 1 and 8 workers: %+v vs %+v", i, a.Findings[i], b2.Findings[i])
		}
	}
	if a.Findings[0].Path != "f00.go" || a.Findings[119].Path != "f59.go" {
		t.Errorf("findings not in diff order: first %s last %s", a.Findings[0].Path, a.Findings[119].Path)
	}
}

func TestFingerprintSurvivesLineShift(t *testing.T) {
	e, _ := newTestEngine(t, 1)
	before := run(t, e, "--- a/x.go\n+++ b/x.go\n@@ -1,1 +1,2 @@\n a\n+// TODO fix\n")
	after := run(t, e, "--- a/x.go\n+++ b/x.go\n@@ -1,1 +1,5 @@\n a\n+b\n+c\n+d\n+//   TODO   fix\n")
	if before.Findings[0].Fingerprint != after.Findings[0].Fingerprint {
		t.Errorf("fingerprint changed when the line moved: %s vs %s", before.Findings[0].Fingerprint, after.Findings[0].Fingerprint)
	}
	twice := run(t, e, "--- a/x.go\n+++ b/x.go\n@@ -1,1 +1,3 @@\n a\n+// TODO fix\n+// TODO fix\n")
	if twice.Findings[0].Fingerprint == twice.Findings[1].Fingerprint {
		t.Error("two identical findings in one file share a fingerprint")
	}
}

type endlessSource struct{ n int }

func (s *endlessSource) Next() (*diff.File, error) {
	s.n++
	d := fmt.Sprintf("--- a/f%d.go\n+++ b/f%d.go\n@@ -1 +1,2 @@\n a\n+// TODO\n", s.n, s.n)
	return diff.NewReader(strings.NewReader(d)).Next()
}

func TestEngineStopsOnCancel(t *testing.T) {
	e, _ := newTestEngine(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Run(ctx, &endlessSource{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

type failingSource struct{}

func (failingSource) Next() (*diff.File, error) { return nil, errors.New("disk on fire") }

func TestEngineReturnsReadErrors(t *testing.T) {
	e, _ := newTestEngine(t, 2)
	if _, err := e.Run(context.Background(), failingSource{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	if _, err := e.Run(context.Background(), diff.NewReader(strings.NewReader(""))); err != nil {
		t.Fatalf("empty diff: %v", err)
	}
	_, err := e.Run(context.Background(), diff.NewReader(io.MultiReader(strings.NewReader("hello\nworld\n"))))
	if !errors.Is(err, diff.ErrNotADiff) {
		t.Fatalf("err = %v, want ErrNotADiff", err)
	}
}

func TestRegistryRejectsBadRules(t *testing.T) {
	good := Meta{ID: "a-rule", Family: "f", Title: "t", Summary: "s", Severity: Notice}
	cases := map[string][]Rule{
		"duplicate": {todoRule{Described{good}, nil}, todoRule{Described{good}, nil}},
		"bad id":    {todoRule{Described{Meta{ID: "Bad_ID", Family: "f", Title: "t", Summary: "s", Severity: Notice}}, nil}},
		"no level":  {todoRule{Described{Meta{ID: "x", Family: "f", Title: "t", Summary: "s"}}, nil}},
		"no check":  {Described{good}},
	}
	for name, rules := range cases {
		if _, err := NewRegistry(rules...); err == nil {
			t.Errorf("%s: registry accepted invalid rules", name)
		}
	}
}

func TestSelect(t *testing.T) {
	e, _ := newTestEngine(t, 1)
	reg := e.Registry()
	only, err := reg.Select([]string{"todo-left"}, nil)
	if err != nil || len(only.Rules()) != 1 {
		t.Fatalf("select one: %v %d", err, len(only.Rules()))
	}
	none, err := reg.Select([]string{"hygiene"}, []string{"empty-block", "todo-left"})
	if err != nil || len(none.Rules()) != 0 {
		t.Fatalf("family then disable: %v %d", err, len(none.Rules()))
	}
	if _, err := reg.Select([]string{"todo-lft"}, nil); err == nil || !strings.Contains(err.Error(), `"todo-lft"`) {
		t.Fatalf("typo accepted: %v", err)
	}
}

// TestChunkedParseMatchesSequential cuts a git log -p style diff into tiny
// chunks and expects exactly what the one-goroutine parse finds.
func TestChunkedParseMatchesSequential(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 40; i++ {
		if i%7 == 0 {
			fmt.Fprintf(&b, "commit %040d\nAuthor: A <a@b>\n\n    message with diff --git inside\n\n", i)
		}
		fmt.Fprintf(&b, "diff --git a/d/f%02d.go b/d/f%02d.go\nindex 1..2 100644\n--- a/d/f%02d.go\n+++ b/d/f%02d.go\n@@ -1,2 +1,4 @@\n x\n+// TODO %d\n+open\n close\n", i, i, i, i, i)
		if i%5 == 0 {
			fmt.Fprintf(&b, "diff --git a/bin%d.png b/bin%d.png\nindex 1..2 100644\nBinary files a/bin%d.png and b/bin%d.png differ\n", i, i, i, i)
		}
	}
	e, _ := newTestEngine(t, 3)
	seq, err := e.Run(context.Background(), diff.NewReader(strings.NewReader(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	chunked := NewEngine(e.Registry(), Options{Workers: 3, ChunkBytes: 300})
	par, err := chunked.RunDiff(context.Background(), strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(seq.Findings) != 80 || len(par.Findings) != len(seq.Findings) {
		t.Fatalf("sequential %d findings, chunked %d (want 80 each)", len(seq.Findings), len(par.Findings))
	}
	for i := range seq.Findings {
		a, c := seq.Findings[i], par.Findings[i]
		if a.Path != c.Path || a.StartLine != c.StartLine || a.RuleID != c.RuleID || a.Fingerprint != c.Fingerprint {
			t.Fatalf("finding %d: sequential %+v chunked %+v", i, a, c)
		}
	}
	if seq.Stats.Files != 48 || par.Stats.Files != 48 || par.Stats.BinaryFiles != 8 {
		t.Errorf("files: sequential %d chunked %d binary %d", seq.Stats.Files, par.Stats.Files, par.Stats.BinaryFiles)
	}
}
