package ghclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/githubtest"
)

var repo = analysis.Repo{Owner: "octo", Name: "app"}

const repoName = "octo/app"

type env struct {
	fake    *githubtest.Server
	factory *Factory
	gh      *Client
	logs    *syncBuffer
	obs     *recorder
}

// newEnv wires the real go-github and ghinstallation clients to a fake
// GitHub that validates every request against the OpenAPI description.
func newEnv(t *testing.T, mutate ...func(*Config)) *env {
	t.Helper()
	fake := githubtest.New(t)
	app := fake.App()
	logs := &syncBuffer{}
	obs := &recorder{}
	cfg := Config{
		AppID:          app.ID,
		PrivateKeyPEM:  app.PrivateKeyPEM,
		BaseURL:        fake.URL(),
		Transport:      fake.Client().Transport,
		Logger:         slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observer:       obs,
		RetryBaseDelay: 5 * time.Millisecond,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	f, err := NewFactory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.Client(1)
	if err != nil {
		t.Fatal(err)
	}
	return &env{fake: fake, factory: f, gh: c, logs: logs, obs: obs}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type observation struct {
	method, route     string
	status, remaining int
}

type recorder struct {
	mu  sync.Mutex
	obs []observation
}

func (r *recorder) OnResponse(method, route string, status, remaining int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs = append(r.obs, observation{method, route, status, remaining})
}

func (r *recorder) all() []observation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]observation(nil), r.obs...)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

var (
	pullRoute   = githubtest.Route("GET /repos/{owner}/{repo}/pulls/{pull_number}")
	tokenRoute  = githubtest.Route("POST /app/installations/{installation_id}/access_tokens")
	createRoute = githubtest.Route("POST /repos/{owner}/{repo}/check-runs")
	updateRoute = githubtest.Route("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}")
)

func samplePull() githubtest.PullRequest {
	return githubtest.PullRequest{
		Number: 7, Title: "Add retries", Body: "body", HeadRef: "feature", Author: "dev",
		Labels: []string{"bug", "go"},
		Diff:   "diff --git a/main.go b/main.go\n--- a/main.go\n+++ b/main.go\n@@ -1 +1 @@\n-a\n+b\n",
		Files:  []githubtest.File{{Filename: "main.go", Additions: 1, Deletions: 1, Patch: "@@ -1 +1 @@\n-a\n+b"}},
	}
}

func TestPullRequest(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	pr, err := e.gh.PullRequest(ctx(t), repo, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := githubtest.FakeSHA("octo/app#7 head")
	if pr.Number != 7 || pr.Title != "Add retries" || pr.State != "open" || pr.HeadSHA != want || pr.HeadRef != "feature" ||
		pr.BaseRef != "main" || pr.Author != "dev" || strings.Join(pr.Labels, ",") != "bug,go" || pr.ChangedFiles != 1 || pr.Additions != 1 {
		t.Errorf("pull request %+v", pr)
	}
	_, err = e.gh.PullRequest(ctx(t), repo, 8)
	if !errors.Is(err, analysis.ErrNotFound) || !strings.Contains(err.Error(), "get pull octo/app#8") {
		t.Errorf("missing pull: %v", err)
	}
}

func TestPullRequestDiff(t *testing.T) {
	e := newEnv(t)
	pr := samplePull()
	e.fake.AddPull(repoName, pr)
	body, err := e.gh.PullRequestDiff(ctx(t), repo, 7)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(body)
	body.Close()
	if string(got) != pr.Diff {
		t.Errorf("diff %q", got)
	}
	reqs := e.fake.Requests()
	if last := reqs[len(reqs)-1]; !strings.Contains(last.Accept, "application/vnd.github.v3.diff") {
		t.Errorf("diff requested with Accept %q", last.Accept)
	}

	e.fake.Inject(pullRoute.Accept("diff"), githubtest.DiffTooLarge())
	if _, err := e.gh.PullRequestDiff(ctx(t), repo, 7); !errors.Is(err, analysis.ErrDiffTooLarge) {
		t.Errorf("406: %v", err)
	}
	if _, err := e.gh.PullRequestDiff(ctx(t), repo, 99); !errors.Is(err, analysis.ErrNotFound) {
		t.Errorf("missing pull: %v", err)
	}
}

func manyFiles(n int) []githubtest.File {
	files := make([]githubtest.File, n)
	for i := range files {
		files[i] = githubtest.File{Filename: fmt.Sprintf("pkg/f%04d.go", i), Status: "added", Additions: 1, Patch: "@@ -0,0 +1 @@\n+x"}
	}
	files[3].Patch = "" // GitHub omits patches of huge files
	files[4].PreviousFilename, files[4].Status = "old.go", "renamed"
	return files
}

func TestPullRequestFilesPages(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, Files: manyFiles(250)})
	files, err := e.gh.PullRequestFiles(ctx(t), repo, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 250 || files[249].Filename != "pkg/f0249.go" || files[3].Patch != "" || files[4].PreviousFilename != "old.go" || files[0].Status != "added" {
		t.Fatalf("%d files, last %+v", len(files), files[len(files)-1])
	}
	var pages []string
	for _, r := range e.fake.Requests() {
		if strings.HasSuffix(r.Path, "/files") {
			pages = append(pages, r.Query)
		}
	}
	if len(pages) != 3 || !strings.Contains(pages[0], "per_page=100") || !strings.Contains(pages[2], "page=3") {
		t.Errorf("pages requested: %q", pages)
	}
}

func TestPullRequestFilesStopsAt3000(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, Files: manyFiles(3200)})
	files, err := e.gh.PullRequestFiles(ctx(t), repo, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3000 {
		t.Errorf("%d files, want GitHub's cap of 3000", len(files))
	}
	if n := e.fake.CountRequests(githubtest.Route("GET /repos/{o}/{r}/pulls/{n}/files")); n != 30 {
		t.Errorf("%d page requests, want 30", n)
	}
}

func TestPullRequestCommits(t *testing.T) {
	e := newEnv(t)
	commits := make([]githubtest.Commit, 120)
	for i := range commits {
		commits[i] = githubtest.Commit{SHA: githubtest.FakeSHA(fmt.Sprint(i)), Message: fmt.Sprintf("commit %d", i), AuthorLogin: "dev", AuthorEmail: "dev@example.com"}
	}
	commits[5].AuthorLogin = "" // an author without a GitHub account
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 3, Commits: commits})
	got, err := e.gh.PullRequestCommits(ctx(t), repo, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 120 || got[119].Message != "commit 119" || got[0].AuthorLogin != "dev" || got[0].AuthorEmail != "dev@example.com" || got[5].AuthorLogin != "" {
		t.Errorf("%d commits: %+v", len(got), got[0])
	}
	if _, err := e.gh.PullRequestCommits(ctx(t), repo, 4); !errors.Is(err, analysis.ErrNotFound) {
		t.Errorf("missing pull: %v", err)
	}
}

func TestPullRequestsForCommit(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("pushed")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 2, HeadSHA: sha, State: "closed"})
	// #3 contains sha but its head has moved on: not this analysis.
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 3, Commits: []githubtest.Commit{{SHA: sha}}})
	got, err := e.gh.PullRequestsForCommit(ctx(t), repo, sha)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1]" {
		t.Errorf("pulls %v, want [1]", got)
	}
	if n := e.fake.CountRequests(githubtest.Route("GET /repos/{o}/{r}/pulls")); n != 0 {
		t.Errorf("fell back to listing open pulls (%d requests) although GitHub found the pull", n)
	}
}

func TestPullRequestsForCommitFromFork(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("fork push")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 9, HeadSHA: sha, HeadRepo: "someone/app"})
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 10})
	got, err := e.gh.PullRequestsForCommit(ctx(t), repo, sha)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[9]" {
		t.Errorf("pulls %v, want [9]", got)
	}
	if n := e.fake.CountRequests(githubtest.Route("GET /repos/{o}/{r}/pulls")); n != 1 {
		t.Errorf("%d open-pull listings, want 1", n)
	}
	none, err := e.gh.PullRequestsForCommit(ctx(t), repo, githubtest.FakeSHA("no pull"))
	if err != nil || len(none) != 0 {
		t.Errorf("commit without pull: %v, %v", none, err)
	}
}

func TestFileContent(t *testing.T) {
	e := newEnv(t)
	cfg := []byte("fail_on: high\n")
	e.fake.SetFile(repoName, "main", ".github/prodready.yml", cfg)
	big := bytes.Repeat([]byte("0123456789abcdef"), 70000) // 1.1 MB: the contents API leaves it out
	e.fake.SetFile(repoName, "main", "big/data.txt", big)

	got, err := e.gh.FileContent(ctx(t), repo, "main", ".github/prodready.yml")
	if err != nil || !bytes.Equal(got, cfg) {
		t.Fatalf("small file: %q, %v", got, err)
	}
	got, err = e.gh.FileContent(ctx(t), repo, "main", "big/data.txt")
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("large file: %d bytes, %v", len(got), err)
	}
	if n := e.fake.CountRequests(githubtest.Route("GET /repos/{o}/{r}/git/blobs/{sha}")); n != 1 {
		t.Errorf("%d blob requests for the large file, want 1", n)
	}
	_, err = e.gh.FileContent(ctx(t), repo, "main", ".prodready.yml")
	if !errors.Is(err, analysis.ErrNotFound) || !strings.Contains(err.Error(), "octo/app@main:.prodready.yml") {
		t.Errorf("missing file: %v", err)
	}
	_, err = e.gh.FileContent(ctx(t), repo, "feature", ".github/prodready.yml")
	if !errors.Is(err, analysis.ErrNotFound) {
		t.Errorf("file on another ref: %v", err)
	}
	_, err = e.gh.FileContent(ctx(t), repo, "main", ".github")
	if err == nil || errors.Is(err, analysis.ErrNotFound) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestFindCheckRun(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	appID := e.fake.App().ID
	if run, err := e.gh.FindCheckRun(ctx(t), repo, sha, analysis.CheckRunName); err != nil || run != nil {
		t.Fatalf("no runs yet: %+v, %v", run, err)
	}
	e.fake.AddCheckRun(repoName, githubtest.CheckRun{Name: "prodready", HeadSHA: sha, ExternalID: "old", AppID: appID, Status: "completed", Conclusion: "success"})
	want := e.fake.AddCheckRun(repoName, githubtest.CheckRun{Name: "prodready", HeadSHA: sha, ExternalID: "mine", AppID: appID, Status: "in_progress",
		Annotations: []githubtest.Annotation{{Path: "a.go", StartLine: 1, EndLine: 1, Level: "warning", Message: "m"}}})
	e.fake.AddCheckRun(repoName, githubtest.CheckRun{Name: "prodready", HeadSHA: sha, ExternalID: "impostor", AppID: appID + 1})
	e.fake.AddCheckRun(repoName, githubtest.CheckRun{Name: "lint", HeadSHA: sha, AppID: appID})

	run, err := e.gh.FindCheckRun(ctx(t), repo, sha, analysis.CheckRunName)
	if err != nil {
		t.Fatal(err)
	}
	if run == nil || run.ID != want || run.ExternalID != "mine" || run.Status != "in_progress" || run.AnnotationsCount != 1 || run.HeadSHA != sha {
		t.Errorf("found %+v, want run %d", run, want)
	}
	for _, r := range e.fake.Requests() {
		if strings.HasSuffix(r.Path, "/check-runs") && (!strings.Contains(r.Query, fmt.Sprintf("app_id=%d", appID)) || !strings.Contains(r.Query, "check_name=prodready")) {
			t.Errorf("check runs listed without app and name filters: %s", r.Query)
		}
	}
}

func annotations(n int) []analysis.Annotation {
	out := make([]analysis.Annotation, n)
	for i := range out {
		out[i] = analysis.Annotation{Path: "main.go", StartLine: i + 1, EndLine: i + 1, Level: "warning", Title: "t", Message: fmt.Sprintf("finding %d", i)}
	}
	return out
}

func TestCreateAndUpdateCheckRun(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	started := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	created, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{
		Name: analysis.CheckRunName, HeadSHA: sha, ExternalID: "octo/app#1@" + sha, Status: "in_progress",
		DetailsURL: "https://prodready.example/runs/1", StartedAt: started,
		Output: &analysis.CheckRunOutput{Title: "Analysing", Summary: "Started."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.Status != "in_progress" || created.ExternalID != "octo/app#1@"+sha {
		t.Fatalf("created %+v", created)
	}
	for batch := 0; batch < 3; batch++ {
		_, err := e.gh.UpdateCheckRun(ctx(t), repo, created.ID, analysis.CheckRunUpdate{
			Output: &analysis.CheckRunOutput{Title: "Analysing", Summary: "Posting findings.", Annotations: annotations(50)},
		})
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
	}
	done, err := e.gh.UpdateCheckRun(ctx(t), repo, created.ID, analysis.CheckRunUpdate{
		Conclusion: "neutral",
		Output:     &analysis.CheckRunOutput{Title: "150 findings", Summary: "## Summary", Text: "details"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != "completed" || done.Conclusion != "neutral" || done.AnnotationsCount != 150 {
		t.Errorf("completed %+v", done)
	}
	runs := e.fake.CheckRuns(repoName, sha)
	if len(runs) != 1 {
		t.Fatalf("%d runs", len(runs))
	}
	r := runs[0]
	if r.Name != analysis.CheckRunName || r.Title != "150 findings" || r.Text != "details" || len(r.Annotations) != 150 ||
		r.Writes != 5 || !r.StartedAt.Equal(started) || r.CompletedAt.IsZero() || r.DetailsURL != "https://prodready.example/runs/1" {
		t.Errorf("stored run %+v", r)
	}
}

func TestCheckRunOutputLimits(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	long := strings.Repeat("é", 40000) // 80,000 bytes
	multi := analysis.Annotation{Path: "a.go", StartLine: 3, EndLine: 5, StartColumn: 2, EndColumn: 9, Level: "failure", Message: strings.Repeat("m", 70000), Title: strings.Repeat("ü", 300)}
	single := analysis.Annotation{Path: "a.go", StartLine: 4, StartColumn: 2, EndColumn: 9, Level: "notice", Message: "m"}
	run, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{
		Name: analysis.CheckRunName, HeadSHA: sha, Status: "in_progress",
		Output: &analysis.CheckRunOutput{Title: strings.Repeat("t", 300), Summary: long, Annotations: []analysis.Annotation{multi, single}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := e.fake.CheckRuns(repoName, sha)[0]
	if len(got.Summary) > 65535 || !utf8.ValidString(got.Summary) || !strings.HasSuffix(got.Summary, "…") {
		t.Errorf("summary: %d bytes, valid %v", len(got.Summary), utf8.ValidString(got.Summary))
	}
	if n := utf8.RuneCountInString(got.Title); n != 255 {
		t.Errorf("title: %d runes", n)
	}
	a, b := got.Annotations[0], got.Annotations[1]
	if a.StartColumn != 0 || a.EndColumn != 0 || utf8.RuneCountInString(a.Title) != 255 || len(a.Message) > 64*1024 {
		t.Errorf("multi-line annotation kept columns or long fields: %+v", a.StartColumn)
	}
	if b.StartColumn != 2 || b.EndColumn != 9 || b.EndLine != 4 {
		t.Errorf("single-line annotation %+v", b)
	}

	before := len(e.fake.Requests())
	_, err = e.gh.UpdateCheckRun(ctx(t), repo, run.ID, analysis.CheckRunUpdate{Output: &analysis.CheckRunOutput{Title: "t", Summary: "s", Annotations: annotations(51)}})
	if err == nil || !strings.Contains(err.Error(), "51 annotations") {
		t.Errorf("51 annotations: %v", err)
	}
	bad := annotations(1)
	bad[0].Level = "error"
	if _, err := e.gh.UpdateCheckRun(ctx(t), repo, run.ID, analysis.CheckRunUpdate{Output: &analysis.CheckRunOutput{Title: "t", Summary: "s", Annotations: bad}}); err == nil {
		t.Error("annotation level error accepted")
	}
	if _, err := e.gh.UpdateCheckRun(ctx(t), repo, run.ID, analysis.CheckRunUpdate{Status: "completed"}); err == nil {
		t.Error("completed without conclusion accepted")
	}
	if n := len(e.fake.Requests()); n != before {
		t.Errorf("refused writes still reached GitHub (%d requests)", n-before)
	}
}

func TestUpdateRefusedByGitHub(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	run, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{Name: "prodready", HeadSHA: sha})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Inject(updateRoute, githubtest.Unprocessable("Invalid request"))
	_, err = e.gh.UpdateCheckRun(ctx(t), repo, run.ID, analysis.CheckRunUpdate{Status: "in_progress"})
	var ra *analysis.RetryAfterError
	var te *TransientError
	if err == nil || errors.As(err, &ra) || errors.As(err, &te) || !strings.Contains(err.Error(), fmt.Sprintf("update check run %d on octo/app", run.ID)) {
		t.Errorf("422: %v", err)
	}
	if n := e.fake.CountRequests(updateRoute); n != 1 {
		t.Errorf("%d PATCH requests, want 1", n)
	}
}

func TestForbiddenWithoutLimitIsPermanent(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Fault{Status: http.StatusForbidden, Body: `{"message":"Resource not accessible by integration"}`})
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	var te *TransientError
	if err == nil || errors.As(err, &ra) || errors.As(err, &te) || !strings.Contains(err.Error(), "not accessible") {
		t.Errorf("permission 403: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 1 {
		t.Errorf("403 retried: %d requests", n)
	}
}

func TestSecondaryLimitBecomesRetryAfter(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.SecondaryLimit(7*time.Second))
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != 7*time.Second {
		t.Fatalf("secondary limit: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 1 {
		t.Errorf("secondary limit retried: %d requests", n)
	}
	// go-github remembers the limit: the next call waits without a request.
	_, err = e.gh.PullRequest(ctx(t), repo, 7)
	if !errors.As(err, &ra) || ra.Wait <= 0 || ra.Wait > 7*time.Second {
		t.Errorf("call during the limit: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 1 {
		t.Errorf("a request was sent during the secondary limit (%d)", n)
	}
}

func TestSecondaryLimitWithoutRetryAfterWaitsAMinute(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.SecondaryLimit(0))
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != time.Minute {
		t.Fatalf("secondary limit without Retry-After: %v", err)
	}
}

func TestTooManyRequests(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.TooManyRequests(5*time.Second))
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != 5*time.Second {
		t.Fatalf("429: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 1 {
		t.Errorf("429 retried: %d requests", n)
	}
}

func TestPrimaryLimitWaitsUntilReset(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	reset := time.Now().Add(90 * time.Second)
	e.fake.Inject(pullRoute, githubtest.PrimaryLimit(reset))
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) {
		t.Fatalf("primary limit: %v", err)
	}
	if ra.Wait < 89*time.Second || ra.Wait > 92*time.Second {
		t.Errorf("wait %s, want about 91s (reset + 1s)", ra.Wait)
	}
	// Until the reset go-github refuses locally: GitHub is not hammered.
	_, err = e.gh.PullRequestFiles(ctx(t), repo, 7)
	if !errors.As(err, &ra) || ra.Wait < 80*time.Second {
		t.Errorf("call during the primary limit: %v", err)
	}
	if n := len(e.fake.Requests()); n != 2 { // token + the limited GET
		t.Errorf("%d requests, want 2", n)
	}
}

func TestGetRetriedThroughBadGatewayBurst(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.BadGateway(), githubtest.GatewayTimeout())
	pr, err := e.gh.PullRequest(ctx(t), repo, 7)
	if err != nil || pr.Number != 7 {
		t.Fatalf("after 2 transient failures: %v", err)
	}
	var statuses []int
	for _, r := range e.fake.Requests() {
		if r.Method == "GET" {
			statuses = append(statuses, r.Status)
		}
	}
	if fmt.Sprint(statuses) != "[502 504 200]" {
		t.Errorf("statuses %v", statuses)
	}
	if n := e.fake.CountRequests(tokenRoute); n != 1 {
		t.Errorf("retries fetched %d tokens", n)
	}
}

func TestGetGivesUpAfterThreeTries(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Times(3, githubtest.ServiceUnavailable())...)
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var te *TransientError
	if !errors.As(err, &te) || te.Status != 503 || !strings.Contains(err.Error(), "get pull octo/app#7") {
		t.Fatalf("persistent 503: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestGetRetriedAfterConnectionReset(t *testing.T) {
	// Without keep-alive net/http cannot retry a reset on a reused
	// connection by itself, so every retry seen here is ours.
	e := newEnv(t, func(c *Config) { c.Transport = &http.Transport{DisableKeepAlives: true} })
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.ConnReset(), githubtest.ConnReset())
	pr, err := e.gh.PullRequest(ctx(t), repo, 7)
	if err != nil || pr.Number != 7 {
		t.Fatalf("after connection resets: %v", err)
	}
	var log []string
	for _, r := range e.fake.Requests() {
		if r.Method == "GET" {
			log = append(log, fmt.Sprint(r.Status, r.Fault))
		}
	}
	if fmt.Sprint(log) != "[0reset 0reset 200]" {
		t.Errorf("attempts %v", log)
	}
}

func TestConnectionResetsExhaustedAreTransient(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Transport = &http.Transport{DisableKeepAlives: true} })
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Times(6, githubtest.ConnReset())...)
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var te *TransientError
	if !errors.As(err, &te) || te.Status != 0 {
		t.Fatalf("resets: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestPostNotRetried(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	e.fake.Inject(createRoute, githubtest.BadGateway())
	_, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{Name: "prodready", HeadSHA: sha})
	var te *TransientError
	if !errors.As(err, &te) || te.Status != 502 {
		t.Fatalf("502 on create: %v", err)
	}
	if n := e.fake.CountRequests(createRoute); n != 1 {
		t.Errorf("POST sent %d times", n)
	}
	if runs := e.fake.CheckRuns(repoName, sha); len(runs) != 0 {
		t.Errorf("%d runs created", len(runs))
	}
	e.fake.Inject(createRoute, githubtest.ConnReset())
	if _, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{Name: "prodready", HeadSHA: sha}); !errors.As(err, &te) {
		t.Errorf("reset on create: %v", err)
	}
	if n := e.fake.CountRequests(createRoute); n != 2 {
		t.Errorf("POST after a reset sent %d times in all, want 2", n)
	}
}

func TestRetryBackoffRespectsContext(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.RetryBaseDelay = 10 * time.Second })
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.BadGateway())
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.gh.PullRequest(c, repo, 7)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("after %s: %v", time.Since(start), err)
	}
}

func TestSlowAnswerHonoursContext(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Delay(50*time.Millisecond), githubtest.Delay(5*time.Second))
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatalf("slow but in time: %v", err)
	}
	c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.gh.PullRequest(c, repo, 7)
	var te *TransientError
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) || time.Since(start) > 2*time.Second {
		t.Errorf("timeout after %s: %v", time.Since(start), err)
	}
	// The fake logs the abandoned request once its handler gives up.
	for deadline := time.Now().Add(time.Second); e.fake.CountRequests(pullRoute) < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := e.fake.CountRequests(pullRoute); n != 2 {
		t.Errorf("%d requests, want 2: a timed-out GET must not be retried", n)
	}
}

func TestTokenCachedPerInstallation(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.SetFile(repoName, "main", "a.txt", []byte("a"))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := e.gh.PullRequest(ctx(t), repo, 7)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			gh, err := e.factory.ForInstallation(ctx(t), 1)
			if err == nil {
				_, err = gh.FileContent(ctx(t), repo, "main", "a.txt")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := e.fake.CountRequests(tokenRoute); n != 1 {
		t.Errorf("%d token requests for 40 calls on one installation, want 1", n)
	}
	other, _ := e.factory.ForInstallation(ctx(t), 2)
	if again, _ := e.factory.ForInstallation(ctx(t), 1); again != analysis.GitHub(e.gh) {
		t.Error("the factory built a second client for installation 1")
	}
	if _, err := other.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.CountRequests(tokenRoute); n != 2 {
		t.Errorf("%d token requests for two installations, want 2", n)
	}
	for _, r := range e.fake.Requests() {
		if r.Path == "/repos/octo/app/pulls/7" && r.Installation == 0 {
			t.Errorf("request without an installation token: %+v", r)
		}
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	fake := githubtest.NewWithOptions(t, githubtest.Options{TokenTTL: 61 * time.Second})
	app := fake.App()
	f, err := NewFactory(Config{AppID: app.ID, PrivateKeyPEM: app.PrivateKeyPEM, BaseURL: fake.URL(), Transport: fake.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	fake.AddPull(repoName, samplePull())
	gh, _ := f.ForInstallation(ctx(t), 5)
	if _, err := gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	// ghinstallation refreshes a minute before expiry: 1 s from now.
	time.Sleep(1100 * time.Millisecond)
	if _, err := gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	if n := fake.CountRequests(tokenRoute); n != 2 {
		t.Errorf("%d token requests, want a refresh", n)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(tokenRoute, githubtest.StatusFault(http.StatusNotFound))
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	if !errors.Is(err, analysis.ErrNotFound) {
		t.Errorf("installation gone: %v", err)
	}
	e.fake.Inject(tokenRoute, githubtest.SecondaryLimit(30*time.Second))
	_, err = e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != 30*time.Second {
		t.Errorf("limited token request: %v", err)
	}
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Errorf("after the token faults: %v", err)
	}
}

func TestNoSecretInLogs(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	e.fake.Inject(pullRoute, githubtest.BadGateway())
	e.fake.Inject(createRoute, githubtest.SecondaryLimit(time.Second))
	_, _ = e.gh.PullRequest(ctx(t), repo, 1)
	_, _ = e.gh.PullRequest(ctx(t), repo, 404)
	_, _ = e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{Name: "prodready", HeadSHA: sha})
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"github request"`) || !strings.Contains(logs, `"msg":"retrying github request"`) {
		t.Fatalf("expected request logs, got:\n%s", logs)
	}
	tokens := e.fake.IssuedTokens()
	if len(tokens) == 0 {
		t.Fatal("no token issued")
	}
	// "eyJ" starts every JWT (base64 of `{"`).
	secrets := append(tokens, "Authorization", "authorization", "Bearer", "ghs_", "eyJ", "PRIVATE KEY")
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("logs contain %q", s)
		}
	}
	for _, r := range e.fake.Requests() {
		for _, tok := range tokens {
			if bytes.Contains(r.Body, []byte(tok)) || strings.Contains(r.Query, tok) {
				t.Errorf("request %s %s carries the token outside its header", r.Method, r.Path)
			}
		}
	}
}

func TestUnknownKeyIsRefusedWithoutLeakingTheJWT(t *testing.T) {
	var mu sync.Mutex
	var violations []string
	fake := githubtest.NewWithOptions(t, githubtest.Options{OnViolation: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		violations = append(violations, err.Error())
	}})
	fake.AddPull(repoName, samplePull())
	logs := &syncBuffer{}
	f, err := NewFactory(Config{
		AppID: fake.App().ID, PrivateKeyPEM: githubtest.GenerateKey(t), BaseURL: fake.URL(), Transport: fake.Client().Transport,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	gh, _ := f.ForInstallation(ctx(t), 1)
	_, err = gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	var te *TransientError
	if err == nil || errors.As(err, &ra) || errors.As(err, &te) || errors.Is(err, analysis.ErrNotFound) {
		t.Errorf("JWT signed with an unknown key: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(violations) != 1 || !strings.Contains(violations[0], "JWT signature") {
		t.Errorf("fake saw %q", violations)
	}
	if l := logs.String(); !strings.Contains(l, `"status":401`) || strings.Contains(l, "eyJ") || strings.Contains(err.Error(), "eyJ") {
		t.Errorf("logs or error leak the JWT or miss the 401:\n%s\n%v", l, err)
	}
}

func TestObserverSeesEveryAttempt(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.BadGateway())
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	got := e.obs.all()
	want := []observation{
		{"POST", "/app/installations/{id}/access_tokens", 201, -1},
		{"GET", "/repos/{owner}/{repo}/pulls/{id}", 502, -1},
		{"GET", "/repos/{owner}/{repo}/pulls/{id}", 200, 4999},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("observations\n got %v\nwant %v", got, want)
	}
}

func TestRouteOf(t *testing.T) {
	cases := map[string]string{
		"/repos/o/r/pulls/12/files":                                     "/repos/{owner}/{repo}/pulls/{id}/files",
		"/repos/o/r/contents/a/b/c.yml":                                 "/repos/{owner}/{repo}/contents/{path}",
		"/repos/o/r/commits/" + githubtest.FakeSHA("x") + "/check-runs": "/repos/{owner}/{repo}/commits/{sha}/check-runs",
		"/api/v3/app/installations/5/access_tokens":                     "/app/installations/{id}/access_tokens",
	}
	for in, want := range cases {
		base := "/"
		if strings.HasPrefix(in, "/api/v3") {
			base = "/api/v3/"
		}
		if got := routeOf(in, base); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewFactoryChecksConfig(t *testing.T) {
	key := githubtest.NewApp(t).PrivateKeyPEM
	escaped := []byte(strings.ReplaceAll(string(key), "\n", `\n`))
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"valid", Config{AppID: 1, PrivateKeyPEM: key}, true},
		{"escaped newlines", Config{AppID: 1, PrivateKeyPEM: escaped}, true},
		{"no app id", Config{PrivateKeyPEM: key}, false},
		{"no key", Config{AppID: 1}, false},
		{"garbage key", Config{AppID: 1, PrivateKeyPEM: []byte("not a key")}, false},
		{"bad url", Config{AppID: 1, PrivateKeyPEM: key, BaseURL: "ftp://x"}, false},
	}
	for _, tc := range cases {
		_, err := NewFactory(tc.cfg)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err != nil && strings.Contains(err.Error(), "PRIVATE KEY") {
			t.Errorf("%s: error quotes the key", tc.name)
		}
	}
}

func TestAPIURLs(t *testing.T) {
	cases := []struct{ in, base, upload string }{
		{"", "https://api.github.com/", "https://uploads.github.com/"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/uploads/"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
	}
	for _, tc := range cases {
		b, u, err := apiURLs(tc.in)
		if err != nil || b.String() != tc.base || u.String() != tc.upload {
			t.Errorf("apiURLs(%q) = %v, %v, %v", tc.in, b, u, err)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncateBytes("aé", 3); got != "…" && len(got) > 3 {
		t.Errorf("truncateBytes: %q", got)
	}
	s := strings.Repeat("€", 10) // 30 bytes
	got := truncateBytes(s, 10)
	if len(got) > 10 || !utf8.ValidString(got) {
		t.Errorf("truncateBytes(%q, 10) = %q", s, got)
	}
	if got := truncateRunes(strings.Repeat("ü", 5), 3); got != "üü…" {
		t.Errorf("truncateRunes = %q", got)
	}
	if got := truncateRunes("abc", 3); got != "abc" {
		t.Errorf("truncateRunes kept %q", got)
	}
}

// TestStalledGetIsRetriedAfterTheAttemptTimeout: a GitHub answer that
// never begins costs one attempt, not the whole job.
func TestStalledGetIsRetriedAfterTheAttemptTimeout(t *testing.T) {
	// Well above what a normal answer takes on a loaded machine, so that
	// only the stalled one times out.
	const bound = 300 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.AttemptTimeout = bound })
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Delay(10*time.Second))
	pr, err := e.gh.PullRequest(ctx(t), repo, 7)
	if err != nil || pr.Number != 7 {
		t.Fatalf("after one stalled attempt: %v", err)
	}
	var got []observation
	for _, o := range e.obs.all() {
		if o.method == "GET" {
			got = append(got, o)
		}
	}
	if len(got) != 2 || got[0].status != 0 || got[1].status != 200 {
		t.Errorf("attempts seen by the observer: %v, want a timed-out one then 200", got)
	}
	if !strings.Contains(e.logs.String(), "no response headers within "+bound.String()) {
		t.Errorf("the timed-out attempt is not logged as such:\n%s", e.logs.String())
	}
}

func TestStalledGetsExhaustedAreTransient(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AttemptTimeout = 300 * time.Millisecond })
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Times(3, githubtest.Delay(10*time.Second))...)
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var te *TransientError
	if !errors.As(err, &te) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("three stalled attempts: %v, want a TransientError", err)
	}
	if n := len(e.obs.all()); n != 4 { // the token, then three GETs
		t.Errorf("%d attempts, want the token request and 3 GETs", n)
	}
}

// TestStalledWriteIsNotRetried: a write that timed out may still have been
// applied, so it is left to the job's idempotent retry.
func TestStalledWriteIsNotRetried(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AttemptTimeout = 300 * time.Millisecond })
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	e.fake.Inject(createRoute, githubtest.Delay(10*time.Second))
	_, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{Name: "prodready", HeadSHA: sha})
	var te *TransientError
	if !errors.As(err, &te) {
		t.Fatalf("stalled create: %v, want a TransientError", err)
	}
	for _, o := range e.obs.all() {
		if o.method == "POST" && o.route == "/repos/{owner}/{repo}/check-runs" && o.status != 0 {
			t.Errorf("create answered %d", o.status)
		}
	}
	if n := len(e.obs.all()); n != 2 {
		t.Errorf("%d attempts, want the token request and one POST", n)
	}
}

// TestAttemptTimeoutLeavesTheBodyReadable: the bound is on the headers; a
// diff that streams for longer than it is still read whole.
func TestAttemptTimeoutLeavesTheBodyReadable(t *testing.T) {
	const bound = 200 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.AttemptTimeout = bound })
	pr := samplePull()
	// Far more than the connection buffers hold: most of it is still on
	// the wire when the bound passes.
	pr.Diff = "diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n@@ -0,0 +1 @@\n+" + strings.Repeat("x", 8<<20) + "\n"
	e.fake.AddPull(repoName, pr)
	body, err := e.gh.PullRequestDiff(ctx(t), repo, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	time.Sleep(2 * bound) // past the bound, before reading
	got, err := io.ReadAll(body)
	if err != nil || string(got) != pr.Diff {
		t.Fatalf("diff read after the bound: %d of %d bytes, %v", len(got), len(pr.Diff), err)
	}
}

// TestStalledBodyFailsAsATimeout: a diff that stops arriving after its
// headers fails the read once the bound passes, as a timeout (transient),
// instead of holding the worker until the job timeout.
func TestStalledBodyFailsAsATimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "diff --git a/x b/x\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	tr := &attemptTimeoutTransport{next: http.DefaultTransport, timeout: 200 * time.Millisecond}
	req, err := http.NewRequestWithContext(ctx(t), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	var stall *timeoutError
	if !errors.As(err, &stall) || stall.waitingFor != "more of the response body" || string(got) != "diff --git a/x b/x\n" {
		t.Fatalf("read %q, %v; want the first line, then a stall error", got, err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%v is not a timeout, so the job would not retry it as transient", err)
	}
}

// statusesOf lists "METHOD status[fault]" of the fake's log, oldest first.
func statusesOf(reqs []githubtest.Request) []string {
	var out []string
	for _, r := range reqs {
		s := fmt.Sprintf("%s %d", r.Method, r.Status)
		if r.Fault != "" {
			s += " " + r.Fault
		}
		out = append(out, s)
	}
	return out
}

func TestRevokedTokenIsReplacedOnce(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	e.fake.Inject(pullRoute, githubtest.TokenExpired())
	pr, err := e.gh.PullRequest(ctx(t), repo, 7)
	if err != nil || pr.Number != 7 {
		t.Fatalf("after GitHub refused the cached token: %v", err)
	}
	want := "[POST 201 GET 200 GET 401 token-expired POST 201 GET 200]"
	if got := fmt.Sprint(statusesOf(e.fake.Requests())); got != want {
		t.Errorf("requests %s\nwant     %s", got, want)
	}
	// The new token stays in use: no further token requests or 401s.
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.CountRequests(tokenRoute); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	if !strings.Contains(e.logs.String(), "retrying once with a fresh token") {
		t.Errorf("the refused token is not logged:\n%s", e.logs.String())
	}
}

// TestRevokedTokenOnAWriteReplaysTheBody: GitHub did nothing with a
// request it answered 401, so a write is sent again, once, whole.
func TestRevokedTokenOnAWriteReplaysTheBody(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	run, err := e.gh.CreateCheckRun(ctx(t), repo, analysis.CheckRunCreate{Name: "prodready", HeadSHA: sha})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Inject(updateRoute, githubtest.TokenExpired())
	if _, err := e.gh.UpdateCheckRun(ctx(t), repo, run.ID, analysis.CheckRunUpdate{
		Output: &analysis.CheckRunOutput{Title: "t", Summary: "s", Annotations: annotations(50)},
	}); err != nil {
		t.Fatalf("write after a refused token: %v", err)
	}
	if got := e.fake.CheckRuns(repoName, sha)[0].Annotations; len(got) != 50 {
		t.Errorf("%d annotations, want 50 exactly once", len(got))
	}
	var patches [][]byte
	for _, r := range e.fake.Requests() {
		if r.Method == "PATCH" {
			patches = append(patches, r.Body)
		}
	}
	if len(patches) != 2 || !bytes.Equal(patches[0], patches[1]) || len(patches[1]) == 0 {
		t.Errorf("%d PATCH requests; the replay must carry the same body", len(patches))
	}
}

func TestSecondRefusedTokenIsPermanent(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.TokenExpired(), githubtest.TokenExpired())
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var refused *analysis.RefusedError
	if !errors.As(err, &refused) || refused.Status != 401 || refused.Reason() != "unauthorized" ||
		!strings.Contains(err.Error(), "refused the installation token twice") || !strings.Contains(refused.Message, "Bad credentials") {
		t.Fatalf("two refused tokens: %v", err)
	}
	var ra *analysis.RetryAfterError
	var te *TransientError
	if errors.As(err, &ra) || errors.As(err, &te) {
		t.Errorf("a permanent refusal reads as retryable: %v", err)
	}
	if n := e.fake.CountRequests(pullRoute); n != 2 {
		t.Errorf("%d GETs, want 2: one retry with a fresh token, no more", n)
	}
	// The refused token is not sent again: the next call asks for a new one.
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatalf("after the installation's credentials work again: %v", err)
	}
	want := "[POST 201 GET 401 token-expired POST 201 GET 401 token-expired POST 201 GET 200]"
	if got := fmt.Sprint(statusesOf(e.fake.Requests())); got != want {
		t.Errorf("requests %s\nwant     %s", got, want)
	}
}

// TestConcurrentRefusalsShareOneNewToken: when GitHub revokes the token
// under many requests at once, the installation fetches one new token.
func TestConcurrentRefusalsShareOneNewToken(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	if _, err := e.gh.PullRequest(ctx(t), repo, 7); err != nil {
		t.Fatal(err)
	}
	e.fake.ExpireTokens(1)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.gh.PullRequest(ctx(t), repo, 7)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// A request that read the old transport just before another replaced
	// it still sees a 401 and gets the current, fresh one: never a third.
	if n := e.fake.CountRequests(tokenRoute); n != 2 {
		t.Errorf("%d token requests, want 2 (the first and one replacement)", n)
	}
}

func TestPermanentRefusals(t *testing.T) {
	cases := []struct {
		name   string
		fault  githubtest.Fault
		reason string
	}{
		{"not accessible by integration", githubtest.Fault{Status: 403, Body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}`}, "forbidden"},
		{"unprocessable", githubtest.Unprocessable("Validation Failed"), "unprocessable"},
		{"gone", githubtest.StatusFault(410), "gone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.AddPull(repoName, samplePull())
			e.fake.Inject(pullRoute, c.fault)
			_, err := e.gh.PullRequest(ctx(t), repo, 7)
			var refused *analysis.RefusedError
			if !errors.As(err, &refused) || refused.Reason() != c.reason || refused.Message == "" || !strings.Contains(err.Error(), "get pull octo/app#7") {
				t.Fatalf("%v, want a RefusedError (%s) with GitHub's message", err, c.reason)
			}
			if n := e.fake.CountRequests(pullRoute); n != 1 {
				t.Errorf("a permanent refusal was retried: %d requests", n)
			}
		})
	}
}

// TestSecondaryLimitRecognisedByMessage: a 403 that says "rate limit" but
// lacks the documentation URL go-github looks for is still a limit.
func TestSecondaryLimitRecognisedByMessage(t *testing.T) {
	e := newEnv(t)
	e.fake.AddPull(repoName, samplePull())
	e.fake.Inject(pullRoute, githubtest.Fault{Status: 403, Body: `{"message":"You have exceeded a secondary rate limit and have been temporarily blocked from content creation."}`})
	_, err := e.gh.PullRequest(ctx(t), repo, 7)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != time.Minute {
		t.Fatalf("%v, want a RetryAfterError of a minute", err)
	}
}

func TestCheckRunAnnotationsPages(t *testing.T) {
	e := newEnv(t)
	sha := githubtest.FakeSHA("head")
	e.fake.AddPull(repoName, githubtest.PullRequest{Number: 1, HeadSHA: sha})
	held := make([]githubtest.Annotation, 150)
	for i := range held {
		held[i] = githubtest.Annotation{Path: "a.go", StartLine: i + 1, EndLine: i + 1, Level: "warning", Title: fmt.Sprintf("t%d", i), Message: "m"}
	}
	held[3].StartColumn, held[3].EndColumn = 2, 9
	id := e.fake.AddCheckRun(repoName, githubtest.CheckRun{Name: "prodready", HeadSHA: sha, Annotations: held})
	got, err := e.gh.CheckRunAnnotations(ctx(t), repo, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150 || got[149].Title != "t149" || got[3].StartColumn != 2 || got[3].EndColumn != 9 || got[0].Level != "warning" {
		t.Fatalf("%d annotations, last %+v", len(got), got[len(got)-1])
	}
	if n := e.fake.CountRequests(githubtest.Route("GET /repos/{o}/{r}/check-runs/{id}/annotations")); n != 2 {
		t.Errorf("%d pages requested, want 2", n)
	}
	if _, err := e.gh.CheckRunAnnotations(ctx(t), repo, id+1000); !errors.Is(err, analysis.ErrNotFound) {
		t.Errorf("unknown run: %v", err)
	}
}
