package analysis_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/ghclient"
	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/rules"
)

// These tests run the analysis through the real go-github and
// ghinstallation clients against the fake GitHub, which validates every
// request against GitHub's OpenAPI description.

const repoName = "acme/shop"

type env struct {
	gh       *githubtest.Server
	analyzer *analysis.Analyzer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	gh := githubtest.New(t)
	factory, err := ghclient.NewFactory(ghclient.Config{AppID: gh.App().ID, PrivateKeyPEM: gh.App().PrivateKeyPEM, BaseURL: gh.URL(), Transport: gh.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	a, err := analysis.New(analysis.Options{Factory: factory, Workers: 2, Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return &env{gh: gh, analyzer: a}
}

func (e *env) addPR(diff string) analysis.Job {
	pr := githubtest.PullRequest{Number: 12, Title: "Add order search", Diff: diff}
	e.gh.AddPull(repoName, pr)
	head := githubtest.FakeSHA(repoName + "#12 head")
	return analysis.Job{InstallationID: 7, Repo: analysis.Repo{Owner: "acme", Name: "shop"}, PR: 12, HeadSHA: head, DeliveryID: "d-1", Reason: "pull_request.opened"}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "diffs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkKeys is what app check reports on diff, as path:line level rule.
func checkKeys(t *testing.T, diff string) []string {
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

func annotationKeys(as []githubtest.Annotation) []string {
	var out []string
	for _, a := range as {
		id := a.Title[strings.LastIndex(a.Title, "(")+1 : len(a.Title)-1]
		out = append(out, fmt.Sprintf("%s:%d %s %s", a.Path, a.StartLine, a.Level, id))
	}
	sort.Strings(out)
	return out
}

func TestRealClientMatchesCLI(t *testing.T) {
	for _, name := range []string{"ai-pr-go.diff", "ai-pr-python.diff", "ai-pr-typescript.diff", "ai-pr-java.diff", "clean-pr.diff"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			diff := readFixture(t, name)
			job := e.addPR(diff)
			if err := e.analyzer.Analyze(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			runs := e.gh.CheckRuns(repoName, job.HeadSHA)
			if len(runs) != 1 {
				t.Fatalf("%d check runs, want 1", len(runs))
			}
			r := runs[0]
			want := checkKeys(t, diff)
			if got := annotationKeys(r.Annotations); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("annotations:\n%s\napp check:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			wantConclusion := "success"
			for _, k := range want {
				wantConclusion = "neutral"
				if strings.Contains(k, " failure ") {
					wantConclusion = "failure"
					break
				}
			}
			if r.Status != "completed" || r.Conclusion != wantConclusion {
				t.Errorf("status %s conclusion %s, want completed %s", r.Status, r.Conclusion, wantConclusion)
			}
		})
	}
}

func TestManyAnnotationsFaultsAndNoLeaks(t *testing.T) {
	e := newEnv(t)
	diff := githubtest.KeysDiff(3, 120)
	job := e.addPR(diff)
	// GETs fail with 502 twice (retried by the client), then a write hits a
	// secondary rate limit: the job must hand the wait to the queue, and the
	// retry must finish without posting any annotation twice.
	e.gh.Inject(githubtest.Route("GET /repos/{o}/{r}/pulls/{n}"), githubtest.BadGateway(), githubtest.BadGateway())
	e.gh.Inject(githubtest.Route("PATCH /repos/{o}/{r}/check-runs/{id}"), githubtest.Fault{}, githubtest.SecondaryLimit(30*time.Second))

	err := e.analyzer.Analyze(context.Background(), job)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait < 30*time.Second {
		t.Fatalf("err = %v, want a RetryAfterError of at least 30s", err)
	}
	// The queue would snooze; go-github also remembers the limit, so the
	// retry uses a fresh client as a later job would after the wait.
	e2 := &env{gh: e.gh}
	factory, ferr := ghclient.NewFactory(ghclient.Config{AppID: e.gh.App().ID, PrivateKeyPEM: e.gh.App().PrivateKeyPEM, BaseURL: e.gh.URL(), Transport: e.gh.Client().Transport})
	if ferr != nil {
		t.Fatal(ferr)
	}
	if e2.analyzer, ferr = analysis.New(analysis.Options{Factory: factory, Workers: 2, Sleep: func(context.Context, time.Duration) error { return nil }}); ferr != nil {
		t.Fatal(ferr)
	}
	if err := e2.analyzer.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	runs := e.gh.CheckRuns(repoName, job.HeadSHA)
	if len(runs) != 1 {
		t.Fatalf("%d runs", len(runs))
	}
	got := annotationKeys(runs[0].Annotations)
	if want := checkKeys(t, diff); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%d annotations after the retry, want %d (duplicates or losses)", len(got), len(want))
	}
	if runs[0].Conclusion != "failure" {
		t.Errorf("conclusion %s", runs[0].Conclusion)
	}
	// No request body may carry a key unmasked.
	for _, line := range strings.Split(diff, "\n") {
		i := strings.Index(line, "AKIA")
		if i < 0 {
			continue
		}
		key := line[i : i+20]
		for _, req := range e.gh.Requests() {
			if bytes.Contains(req.Body, []byte(key)) {
				t.Fatalf("%s %s sent the key %s unmasked", req.Method, req.Path, key)
			}
		}
	}
}

func TestDiffTooLargeUsesFilesAPI(t *testing.T) {
	e := newEnv(t)
	diff := githubtest.KeysDiff(3, 3)
	patch := "@@ -0,0" + strings.SplitN(diff, "@@ -0,0", 2)[1]
	e.gh.AddPull(repoName, githubtest.PullRequest{Number: 12, Diff: diff, Files: []githubtest.File{
		{Filename: "deploy/keys.py", Status: "added", Additions: 3, Patch: patch},
		{Filename: "assets/big.bin", Status: "added", Additions: 0},
		{Filename: "db/dump.sql", Status: "modified", Additions: 50000},
	}})
	e.gh.Inject(githubtest.Route("GET /repos/{o}/{r}/pulls/{n}").Accept("diff"), githubtest.DiffTooLarge())
	job := analysis.Job{InstallationID: 7, Repo: analysis.Repo{Owner: "acme", Name: "shop"}, PR: 12, HeadSHA: githubtest.FakeSHA(repoName + "#12 head")}
	if err := e.analyzer.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := e.gh.CheckRuns(repoName, job.HeadSHA)[0]
	if r.Conclusion != "failure" || !strings.Contains(r.Summary, "db/dump.sql") {
		t.Fatalf("conclusion %s, summary:\n%s", r.Conclusion, r.Summary)
	}
	if n := e.gh.CountRequests(githubtest.Route("GET /repos/{o}/{r}/pulls/{n}/files")); n != 1 {
		t.Errorf("%d files requests", n)
	}
}

func TestRequestCountOfOnePR(t *testing.T) {
	e := newEnv(t)
	job := e.addPR(readFixture(t, "ai-pr-go.diff"))
	if err := e.analyzer.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range e.gh.Requests() {
		counts[r.Method]++
	}
	// token, PR, find run, create, config@base, config@head, commits, diff,
	// one annotation batch, PR re-check, completion.
	if total := counts["GET"] + counts["POST"] + counts["PATCH"]; total > 12 {
		t.Errorf("one small PR cost %d requests: %v", total, counts)
	}
	t.Logf("requests for one PR: %v", counts)
}

// TestRefusedAnnotationAgainstGitHub: GitHub's validation refuses one
// annotation every time it is sent; the run completes without it and says
// so, and no other annotation is lost or doubled.
func TestRefusedAnnotationAgainstGitHub(t *testing.T) {
	e := newEnv(t)
	diff := githubtest.KeysDiff(3, 120)
	job := e.addPR(diff)
	const bad = 40
	e.gh.RefuseAnnotations(func(a githubtest.Annotation) bool { return a.Path == "deploy/keys.py" && a.StartLine == bad }, "Invalid request: annotation is outside the file")
	if err := e.analyzer.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	runs := e.gh.CheckRuns(repoName, job.HeadSHA)
	if len(runs) != 1 || runs[0].Status != "completed" {
		t.Fatalf("runs %+v", runs)
	}
	var want []string
	for _, k := range checkKeys(t, diff) {
		if !strings.HasPrefix(k, fmt.Sprintf("deploy/keys.py:%d ", bad)) {
			want = append(want, k)
		}
	}
	if got := annotationKeys(runs[0].Annotations); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%d annotations, want %d: all but the refused one", len(got), len(want))
	}
	if !strings.Contains(runs[0].Summary, "**1 annotation refused by GitHub**") || !strings.Contains(runs[0].Summary, "outside the file") {
		t.Errorf("summary:\n%s", runs[0].Summary)
	}
}

// TestLostAnswerThenResume: GitHub applies a batch whose answer is lost;
// the retried job reads what GitHub holds and posts each annotation once.
func TestLostAnswerThenResume(t *testing.T) {
	e := newEnv(t)
	diff := githubtest.KeysDiff(3, 120)
	job := e.addPR(diff)
	e.gh.Inject(githubtest.Route("PATCH /repos/{o}/{r}/check-runs/{id}"), githubtest.Fault{}, githubtest.LostAnswer())
	if err := e.analyzer.Analyze(context.Background(), job); err == nil {
		t.Fatal("the lost answer did not fail the attempt")
	}
	if n := len(e.gh.CheckRuns(repoName, job.HeadSHA)[0].Annotations); n != 100 {
		t.Fatalf("GitHub holds %d annotations after the lost answer, want 100", n)
	}
	if err := e.analyzer.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r := e.gh.CheckRuns(repoName, job.HeadSHA)[0]
	if got, want := annotationKeys(r.Annotations), checkKeys(t, diff); strings.Join(got, "\n") != strings.Join(want, "\n") || r.Status != "completed" {
		t.Fatalf("%d annotations (%s), want %d each once", len(got), r.Status, len(want))
	}
	if n := e.gh.CountRequests(githubtest.Route("GET /repos/{o}/{r}/check-runs/{id}/annotations")); n != 1 {
		t.Errorf("held annotations listed %d times, want once (one page)", n)
	}
}

// TestPullRequestFromAFork: the head lives in a fork; the run is created
// on the base repository, where the pull request and its checks live, for
// the head SHA, and the configuration comes from the base branch.
func TestPullRequestFromAFork(t *testing.T) {
	e := newEnv(t)
	diff := githubtest.KeysDiff(3, 3)
	head := githubtest.FakeSHA("fork head")
	e.gh.AddPull(repoName, githubtest.PullRequest{Number: 31, HeadSHA: head, HeadRepo: "mallory/shop", HeadRef: "main", Author: "mallory", Diff: diff})
	e.gh.SetFile(repoName, "main", ".github/prodready.yml", []byte("version: 1\nfail_on: never\n"))
	e.gh.SetFile(repoName, head, ".github/prodready.yml", []byte("version: 1\nfamilies:\n  secrets:\n    enabled: false\n"))
	job := analysis.Job{InstallationID: 7, Repo: analysis.Repo{Owner: "acme", Name: "shop"}, PR: 31, HeadSHA: head, Reason: "pull_request.opened"}
	if err := e.analyzer.Analyze(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	runs := e.gh.CheckRuns(repoName, head)
	if len(runs) != 1 || runs[0].Status != "completed" || runs[0].Conclusion != "neutral" || runs[0].HeadSHA != head {
		t.Fatalf("runs on the base repository: %+v", runs)
	}
	if n := len(runs[0].Annotations); n < 3 {
		t.Errorf("%d annotations: the fork's config must not switch the secrets family off", n)
	}
	if other := e.gh.CheckRuns("mallory/shop", head); len(other) != 0 {
		t.Errorf("%d runs on the fork", len(other))
	}
	for _, r := range e.gh.Requests() {
		if strings.Contains(r.Path, "mallory") {
			t.Errorf("%s %s: the App has no business in the fork", r.Method, r.Path)
		}
	}
}
