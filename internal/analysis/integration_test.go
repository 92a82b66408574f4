package analysis_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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

func keysDiff(n int) string {
	r := rand.New(rand.NewPCG(3, 4))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/deploy/keys.py b/deploy/keys.py\nnew file mode 100644\n--- /dev/null\n+++ b/deploy/keys.py\n@@ -0,0 +1,%d @@\n", n)
	for i := 0; i < n; i++ {
		key := make([]byte, 16)
		for j := range key {
			key[j] = alnum[r.IntN(len(alnum))]
		}
		fmt.Fprintf(&b, "+KEY_%d = \"AKIA%s\"\n", i, key)
	}
	return b.String()
}

func TestManyAnnotationsFaultsAndNoLeaks(t *testing.T) {
	e := newEnv(t)
	diff := keysDiff(120)
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
	diff := keysDiff(3)
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
