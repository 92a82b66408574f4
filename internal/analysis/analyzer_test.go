package analysis

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/rules"
)

const cleanDiff = `diff --git a/README.md b/README.md
--- a/README.md
+++ b/README.md
@@ -1,2 +1,3 @@
 # Project
+More words about the project.
 Done.
`

func newAnalyzer(t *testing.T, gh *fakeGitHub) *Analyzer {
	t.Helper()
	a, err := New(Options{Factory: gh, Workers: 2, Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var job = Job{InstallationID: 1, Repo: Repo{"acme", "shop"}, PR: 7, HeadSHA: "head1", DeliveryID: "d-1", Reason: "pull_request.opened"}

// engineFindings is what app check reports on the same diff.
func engineFindings(t *testing.T, diff string) []string {
	t.Helper()
	reg, err := rules.Registry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.NewEngine(reg, 2).RunDiff(context.Background(), strings.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d %s %s", f.Path, f.StartLine, f.Severity, f.RuleID))
	}
	sort.Strings(out)
	return out
}

func annotationKeys(as []Annotation) []string {
	var out []string
	for _, a := range as {
		id := a.Title[strings.LastIndex(a.Title, "(")+1 : len(a.Title)-1]
		out = append(out, fmt.Sprintf("%s:%d %s %s", a.Path, a.StartLine, a.Level, id))
	}
	sort.Strings(out)
	return out
}

func TestAnalyzePostsEveryAnnotationInBatches(t *testing.T) {
	diff := githubtest.KeysDiff(1, 120)
	gh := newFake(diff)
	if err := newAnalyzer(t, gh).Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	runs := gh.runsFor("head1")
	if len(runs) != 1 {
		t.Fatalf("%d check runs, want 1", len(runs))
	}
	r := runs[0]
	want := engineFindings(t, diff)
	tokens := 0
	for _, w := range want {
		if strings.HasSuffix(w, " failure secret-provider-token") {
			tokens++
		}
	}
	if tokens != 120 {
		t.Fatalf("engine reports %d token findings on the keys diff, want 120", tokens)
	}
	if got := annotationKeys(r.annotations); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("annotations differ from app check:\n%s", strings.Join(got, "\n"))
	}
	// create + 3 batches (50, 50, 20 and the missing-tests notice) + completion
	if r.writes != 5 || r.Status != "completed" || r.Conclusion != "failure" {
		t.Errorf("writes %d status %s conclusion %s", r.writes, r.Status, r.Conclusion)
	}
	if !strings.Contains(r.summary, fmt.Sprintf("**%d findings**", len(want))) || !strings.Contains(r.summary, "secret-provider-token") {
		t.Errorf("summary:\n%s", r.summary)
	}
	for _, a := range r.annotations {
		if strings.Contains(a.Message, "AKIA") && !strings.Contains(a.RawDetails, "****") {
			t.Fatalf("annotation leaks a key: %+v", a)
		}
		if strings.Contains(a.RawDetails, "AKIA") && !strings.Contains(a.RawDetails, "*") {
			t.Fatalf("evidence not masked: %q", a.RawDetails)
		}
	}
}

func TestAnalyzeIsIdempotent(t *testing.T) {
	gh := newFake(githubtest.KeysDiff(1, 60))
	a := newAnalyzer(t, gh)
	for i := 0; i < 3; i++ {
		if err := a.Analyze(context.Background(), job); err != nil {
			t.Fatal(err)
		}
	}
	runs := gh.runsFor("head1")
	want := len(engineFindings(t, githubtest.KeysDiff(1, 60)))
	if len(runs) != 1 || len(runs[0].annotations) != want {
		t.Fatalf("%d runs, %d annotations; want 1 run with %d", len(runs), len(runs[0].annotations), want)
	}
}

func TestAnalyzeResumesAfterAFailedBatch(t *testing.T) {
	gh := newFake(githubtest.KeysDiff(1, 130))
	a := newAnalyzer(t, gh)
	// The first batch lands, the second fails: the job errors and retries.
	gh.fail("UpdateCheckRun", nil, errors.New("502 bad gateway"))
	if err := a.Analyze(context.Background(), job); err == nil {
		t.Fatal("a failed write did not fail the job")
	}
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	runs := gh.runsFor("head1")
	if len(runs) != 1 {
		t.Fatalf("%d runs", len(runs))
	}
	seen := map[string]bool{}
	for _, an := range runs[0].annotations {
		k := fmt.Sprintf("%s:%d %s", an.Path, an.StartLine, an.Title)
		if seen[k] {
			t.Fatalf("annotation %s posted twice", k)
		}
		seen[k] = true
	}
	if len(seen) != len(engineFindings(t, githubtest.KeysDiff(1, 130))) || runs[0].Conclusion != "failure" {
		t.Fatalf("%d distinct annotations, conclusion %q", len(seen), runs[0].Conclusion)
	}
}

func TestForceCreatesANewRun(t *testing.T) {
	gh := newFake(cleanDiff)
	a := newAnalyzer(t, gh)
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	rerun := job
	rerun.Force = true
	if err := a.Analyze(context.Background(), rerun); err != nil {
		t.Fatal(err)
	}
	runs := gh.runsFor("head1")
	if len(runs) != 2 || runs[0].Conclusion != "success" || runs[1].Conclusion != "success" {
		t.Fatalf("runs after a re-run: %d", len(runs))
	}
}

func TestSupersededRunIsCancelled(t *testing.T) {
	gh := newFake(githubtest.KeysDiff(1, 3))
	a := newAnalyzer(t, gh)
	// A run exists in progress for head1 (say, from a crashed attempt),
	// then the author pushes head2.
	if _, err := gh.CreateCheckRun(context.Background(), job.Repo, CheckRunCreate{Name: CheckRunName, HeadSHA: "head1", Status: "in_progress"}); err != nil {
		t.Fatal(err)
	}
	gh.pr.HeadSHA = "head2"
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	if r.Status != "completed" || r.Conclusion != "cancelled" || !strings.Contains(r.summary, "Superseded by a newer push") {
		t.Fatalf("old run: %s %s %q", r.Status, r.Conclusion, r.summary)
	}
	// No run is opened for a head that is already stale.
	stale := job
	stale.HeadSHA = "head0"
	if err := a.Analyze(context.Background(), stale); err != nil {
		t.Fatal(err)
	}
	if n := len(gh.runsFor("head0")); n != 0 {
		t.Fatalf("%d runs created for a stale head", n)
	}
}

func TestDiffTooLargeFallsBackToFiles(t *testing.T) {
	gh := newFake("")
	gh.tooLarge = true
	patch := strings.SplitN(githubtest.KeysDiff(1, 4), "@@ -0,0", 2)[1]
	gh.files = []PullFile{
		{Filename: "deploy/keys.py", Status: "added", Additions: 4, Patch: "@@ -0,0" + patch},
		{Filename: "assets/logo.png", Status: "added", Additions: 0},
		{Filename: "data/huge.sql", Status: "modified", Additions: 90000},
	}
	if err := newAnalyzer(t, gh).Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	if len(r.annotations) < 4 || r.Conclusion != "failure" {
		t.Fatalf("%d annotations, conclusion %s", len(r.annotations), r.Conclusion)
	}
	if !strings.Contains(r.summary, "Not analysed") || !strings.Contains(r.summary, "data/huge.sql") {
		t.Errorf("summary does not list the file without a patch:\n%s", r.summary)
	}
}

func TestConfigFromBaseBranch(t *testing.T) {
	gh := newFake(githubtest.KeysDiff(1, 2))
	gh.contents["main:.github/prodready.yml"] = "version: 1\nfail_on: never\n"
	// The PR tries to switch the secrets family off: it must not count.
	gh.contents["head1:.github/prodready.yml"] = "version: 1\nfamilies:\n  secrets:\n    enabled: false\n"
	if err := newAnalyzer(t, gh).Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	if len(r.annotations) < 2 || r.Conclusion != "neutral" {
		t.Fatalf("%d annotations, conclusion %s (want 2, neutral under fail_on: never)", len(r.annotations), r.Conclusion)
	}
	if !strings.Contains(r.summary, ".github/prodready.yml@main") {
		t.Errorf("summary does not name the config source:\n%s", r.summary)
	}
}

func TestInvalidConfigIsReportedNotFatal(t *testing.T) {
	gh := newFake(cleanDiff)
	gh.contents["main:.github/prodready.yml"] = "version: 1\nfail_onn: warning\n"
	gh.contents["head1:.github/prodready.yml"] = "version: 1\nrules:\n  missing-test: {}\n"
	if err := newAnalyzer(t, gh).Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	if !strings.Contains(r.summary, "Configuration errors") || !strings.Contains(r.summary, `unknown field "fail_onn"`) {
		t.Errorf("summary lacks the base config's errors:\n%s", r.summary)
	}
	if len(r.annotations) != 1 || r.annotations[0].Path != ".github/prodready.yml" || r.annotations[0].StartLine != 3 {
		t.Fatalf("annotations on the changed config: %+v", r.annotations)
	}
	if r.Conclusion != "neutral" {
		t.Errorf("conclusion %s", r.Conclusion)
	}
}

func TestTransientConfigErrorRetriesWithoutVerdict(t *testing.T) {
	gh := newFake(githubtest.KeysDiff(1, 2))
	gh.fail("FileContent", errors.New("502 bad gateway"))
	err := newAnalyzer(t, gh).Analyze(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), "fetch config") {
		t.Fatalf("err = %v", err)
	}
	for _, r := range gh.runsFor("head1") {
		if r.Status == "completed" {
			t.Fatal("a transient config error produced a completed run")
		}
	}
}

func TestRateLimitIsPassedToTheQueue(t *testing.T) {
	gh := newFake(cleanDiff)
	gh.fail("PullRequest", &RetryAfterError{Wait: 90 * time.Second, Err: errors.New("secondary rate limit")})
	err := newAnalyzer(t, gh).Analyze(context.Background(), job)
	var ra *RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != 90*time.Second {
		t.Fatalf("err = %v, want a RetryAfterError of 90s", err)
	}
}

func TestAIAuthoredProfile(t *testing.T) {
	gh := newFake(cleanDiff)
	gh.commits = []Commit{{SHA: "abc1234567", Message: "Add README words\n\nCo-authored-by: Claude <noreply@anthropic.com>"}}
	if err := newAnalyzer(t, gh).Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	if !strings.Contains(r.summary, "**AI-authored**: yes") || !strings.Contains(r.summary, "naming claude") {
		t.Errorf("summary:\n%s", r.summary)
	}
}

func TestAnnotationLimits(t *testing.T) {
	an := ToAnnotation(findingWith(strings.Repeat("t", 400), strings.Repeat("m", 70000), 3, 5, 4))
	if len(an.Title) > 255 || len(an.Message) > 64<<10 {
		t.Errorf("title %d message %d", len(an.Title), len(an.Message))
	}
	if an.StartColumn != 0 || an.EndColumn != 0 {
		t.Error("columns on a multi-line annotation")
	}
	one := ToAnnotation(findingWith("t", "m", 3, 3, 4))
	if one.StartColumn != 4 {
		t.Errorf("single-line annotation lost its column: %+v", one)
	}
}

// TestHostileDiffShapes runs shapes GitHub really sends through the whole
// analysis: a diff of only binary files, 3,000 files at once, and one
// 20 MB line. Each must end in a completed run, not an error or a hang.
func TestHostileDiffShapes(t *testing.T) {
	var binary, many strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&binary, "diff --git a/img/%d.png b/img/%d.png\nnew file mode 100644\nindex 0000000..1111111\nBinary files /dev/null and b/img/%d.png differ\n", i, i, i)
	}
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&many, "diff --git a/pkg/f%04d.go b/pkg/f%04d.go\n--- a/pkg/f%04d.go\n+++ b/pkg/f%04d.go\n@@ -1,2 +1,3 @@\n package pkg\n+var x%d = %d\n \n", i, i, i, i, i, i)
	}
	long := "diff --git a/data/blob.js b/data/blob.js\nnew file mode 100644\n--- /dev/null\n+++ b/data/blob.js\n@@ -0,0 +1 @@\n+var s = \"" + strings.Repeat("a", 20<<20) + "\";\n"
	cases := []struct{ name, diff, summary string }{
		{"binary only", binary.String(), "Reviewed 5 files"},
		{"3000 files", many.String(), "Reviewed 3000 files"},
		{"20 MB line", long, "Reviewed 1 file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gh := newFake(c.diff)
			if err := newAnalyzer(t, gh).Analyze(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			runs := gh.runsFor("head1")
			if len(runs) != 1 || runs[0].Status != "completed" {
				t.Fatalf("runs: %+v", runs)
			}
			if len(runs[0].summary) > 65535 || !strings.Contains(runs[0].summary, c.summary) {
				t.Errorf("summary (%d characters) lacks %q:\n%.400s", len(runs[0].summary), c.summary, runs[0].summary)
			}
		})
	}
}

type observed struct {
	mu      sync.Mutex
	posted  int
	refused map[string]int
	done    []string
}

func (o *observed) AnalysisDone(conclusion string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done = append(o.done, conclusion)
}

func (o *observed) AnnotationsPosted(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.posted += n
}

func (o *observed) AnnotationsRefused(n int, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.refused == nil {
		o.refused = map[string]int{}
	}
	o.refused[reason] += n
}

func observedAnalyzer(t *testing.T, gh *fakeGitHub) (*Analyzer, *observed) {
	t.Helper()
	obs := &observed{}
	a, err := New(Options{Factory: gh, Workers: 2, Observer: obs, Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return a, obs
}

// keyLine is the diff line of githubtest.KeysDiff's i-th key (1-based lines).
func keyLine(i int) int { return i + 1 }

func countWrites(gh *fakeGitHub) int {
	gh.mu.Lock()
	defer gh.mu.Unlock()
	n := 0
	for _, c := range gh.calls {
		if c == "UpdateCheckRun" || c == "CreateCheckRun" {
			n++
		}
	}
	return n
}

// TestRefusedAnnotationIsIsolatedAndSkipped: GitHub refuses a whole batch
// for one invalid annotation; the analysis finds that one by halving the
// batch, leaves it out, says so and completes the run.
func TestRefusedAnnotationIsIsolatedAndSkipped(t *testing.T) {
	diff := githubtest.KeysDiff(1, 120)
	gh := newFake(diff)
	bad := keyLine(30)
	gh.refuse = func(a Annotation) bool { return a.Path == "deploy/keys.py" && a.StartLine == bad }
	a, obs := observedAnalyzer(t, gh)
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	want := engineFindings(t, diff)
	if r.Status != "completed" || r.Conclusion != "failure" || len(r.annotations) != len(want)-1 {
		t.Fatalf("status %s conclusion %s, %d annotations; want completed failure with %d", r.Status, r.Conclusion, len(r.annotations), len(want)-1)
	}
	for _, an := range r.annotations {
		if an.StartLine == bad && an.Path == "deploy/keys.py" {
			t.Fatal("the refused annotation is in the run")
		}
	}
	if !strings.Contains(r.summary, "**1 annotation refused by GitHub**") || !strings.Contains(r.summary, "Invalid annotation") {
		t.Errorf("summary does not say what GitHub refused:\n%s", r.summary)
	}
	// create + 3 batches + completion, plus at most the probe budget.
	if w := countWrites(gh); w > 5+maxRefusalProbes {
		t.Errorf("%d writes, budget %d", w, 5+maxRefusalProbes)
	}
	if obs.refused["unprocessable"] != 1 || obs.posted != len(want)-1 || len(obs.done) != 1 {
		t.Errorf("observed %d posted, refused %v, done %v", obs.posted, obs.refused, obs.done)
	}
	t.Logf("%d writes to isolate one refused annotation among %d", countWrites(gh), len(want))
}

// TestRefusalProbesAreBounded: many refused annotations do not turn into
// many writes; what the budget cannot isolate is skipped whole and counted.
func TestRefusalProbesAreBounded(t *testing.T) {
	diff := githubtest.KeysDiff(1, 120)
	gh := newFake(diff)
	gh.refuse = func(a Annotation) bool { return a.Path == "deploy/keys.py" && a.StartLine%3 == 0 }
	a, obs := observedAnalyzer(t, gh)
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	want := len(engineFindings(t, diff))
	refused := obs.refused["unprocessable"]
	if r.Status != "completed" || refused == 0 || len(r.annotations)+refused != want {
		t.Fatalf("%s: %d annotations + %d refused, want %d in all", r.Status, len(r.annotations), refused, want)
	}
	for _, an := range r.annotations {
		if gh.refuse(an) {
			t.Fatalf("a refused annotation landed: %+v", an)
		}
	}
	if !strings.Contains(r.summary, fmt.Sprintf("**%d annotations refused by GitHub**", refused)) {
		t.Errorf("summary:\n%s", r.summary)
	}
	if w := countWrites(gh); w > 5+maxRefusalProbes {
		t.Errorf("%d writes, budget %d", w, 5+maxRefusalProbes)
	}
}

// TestOneOffUnprocessableIsNotARefusal: a 422 that does not repeat leaves
// nothing out.
func TestOneOffUnprocessableIsNotARefusal(t *testing.T) {
	diff := githubtest.KeysDiff(1, 60)
	gh := newFake(diff)
	gh.fail("UpdateCheckRun", &RefusedError{Status: 422, Message: "Validation Failed", Err: errors.New("422")})
	a, obs := observedAnalyzer(t, gh)
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	if len(r.annotations) != len(engineFindings(t, diff)) || strings.Contains(r.summary, "refused") || len(obs.refused) != 0 {
		t.Fatalf("%d annotations, refused %v, summary:\n%s", len(r.annotations), obs.refused, r.summary)
	}
}

// TestResumeAfterALostAnswerPostsNothingTwice: GitHub applied a batch but
// the answer was lost; the retried job lists what GitHub holds and posts
// only the rest.
func TestResumeAfterALostAnswerPostsNothingTwice(t *testing.T) {
	diff := githubtest.KeysDiff(1, 130)
	gh := newFake(diff)
	gh.lose = 2 // the first two batches land, their answers do not
	a := newAnalyzer(t, gh)
	if err := a.Analyze(context.Background(), job); err == nil {
		t.Fatal("a lost answer did not fail the attempt")
	}
	if err := a.Analyze(context.Background(), job); err == nil {
		t.Fatal("the second lost answer did not fail the attempt")
	}
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	assertNoDuplicates(t, r.annotations)
	if want := len(engineFindings(t, diff)); len(r.annotations) != want || r.Status != "completed" {
		t.Fatalf("%d annotations (%s), want %d", len(r.annotations), r.Status, want)
	}
	lists := 0
	for _, c := range gh.calls {
		if c == "CheckRunAnnotations" {
			lists++
		}
	}
	if lists != 2 { // once per resumed attempt
		t.Errorf("held annotations listed %d times, want 2", lists)
	}
}

// TestResumeAcrossARefusedGap: refused annotations leave a gap, so GitHub's
// count no longer says which annotations are held; the retry still posts
// each missing one once.
func TestResumeAcrossARefusedGap(t *testing.T) {
	diff := githubtest.KeysDiff(1, 130)
	gh := newFake(diff)
	bad := keyLine(7)
	gh.refuse = func(a Annotation) bool { return a.Path == "deploy/keys.py" && a.StartLine == bad }
	a, obs := observedAnalyzer(t, gh)
	// Batch 1 is refused, isolated and the rest of it posted; the write
	// after that fails and the attempt with it.
	gh.fail("UpdateCheckRun", append(make([]error, 1+maxRefusalProbes), errors.New("502 bad gateway"))...)
	if err := a.Analyze(context.Background(), job); err == nil {
		t.Fatal("the failed write did not fail the attempt")
	}
	if n := len(gh.runsFor("head1")[0].annotations); n != annotationBatch-1 {
		t.Fatalf("after the first attempt GitHub holds %d annotations, want the %d of batch 1 it accepted", n, annotationBatch-1)
	}
	if err := a.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := gh.runsFor("head1")[0]
	assertNoDuplicates(t, r.annotations)
	want := len(engineFindings(t, diff))
	if len(r.annotations) != want-1 || !strings.Contains(r.summary, "**1 annotation refused by GitHub**") || obs.refused["unprocessable"] != 1 {
		t.Fatalf("%d annotations, want %d; refused %v; summary:\n%s", len(r.annotations), want-1, obs.refused, r.summary)
	}
}

func assertNoDuplicates(t *testing.T, as []Annotation) {
	t.Helper()
	seen := map[string]bool{}
	for _, an := range as {
		k := fmt.Sprintf("%s:%d:%d %s", an.Path, an.StartLine, an.StartColumn, an.Title)
		if seen[k] {
			t.Fatalf("annotation %s posted twice", k)
		}
		seen[k] = true
	}
}
