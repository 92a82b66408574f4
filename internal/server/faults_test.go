package server

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/queue/queuetest"
)

// The retry budget TestGitHubFaultScript holds the App to, per installation:
//   - a GET call makes at most testMaxTries attempts (transient answers:
//     502/503/504, a dropped connection, an attempt timeout), plus one
//     replay when GitHub refuses the token (401);
//   - a write is sent once per call, plus that one 401 replay: never
//     re-sent by the transport after a transient answer;
//   - an analysis fails at most queue.DefaultMaxAttempts attempts and is
//     snoozed at most queue.DefaultMaxSnoozes times;
//   - after a rate-limit answer (Retry-After, or x-ratelimit-remaining 0
//     with a reset) nothing more reaches GitHub for the installation
//     before the wait GitHub asked for has passed.
const (
	repoFull     = "acme/shop"
	installation = 7
	keys         = 120 // findings: with the missing-tests notice, 3 batches
	poisonedLine = 20  // GitHub's validation refuses this annotation
)

// TestGitHubFaultScript runs one pull request with 121 findings through
// the whole App while the fake GitHub answers, by script, with every fault
// the reliability issue lists. The run must end completed with every
// annotation but the one GitHub refuses, posted once, within the retry
// budget, never sooner than GitHub asked, and with no secret in a request
// or a log line.
func TestGitHubFaultScript(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		gitHubFaultScript(t, Config{DBPath: filepath.Join(t.TempDir(), "q.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		url := queuetest.PostgresURL()
		if url == "" {
			t.Skip(queuetest.EnvPostgresURL + " not set")
		}
		u := queuetest.PostgresSchema(t, url)
		if _, err := queue.Migrate(context.Background(), queue.Config{DatabaseURL: u}); err != nil {
			t.Fatal(err)
		}
		gitHubFaultScript(t, Config{DatabaseURL: u})
	})
}

func gitHubFaultScript(t *testing.T, store Config) {
	gh := githubtest.New(t)
	diff := githubtest.KeysDiff(5, keys)
	gh.AddPull(repoFull, githubtest.PullRequest{Number: 5, Title: "Add deploy keys", Diff: diff})
	head := githubtest.FakeSHA(repoFull + "#5 head")
	gh.RefuseAnnotations(func(a githubtest.Annotation) bool {
		return a.Path == "deploy/keys.py" && a.StartLine == poisonedLine
	}, "Invalid request: annotation start_line is outside the file")

	var (
		pull        = githubtest.Route("GET /repos/{o}/{r}/pulls/{n}").Accept("json")
		find        = githubtest.Route("GET /repos/{o}/{r}/commits/{sha}/check-runs")
		contents    = githubtest.Route("GET /repos/{o}/{r}/contents/{path...}")
		commits     = githubtest.Route("GET /repos/{o}/{r}/pulls/{n}/commits")
		annotations = githubtest.Route("GET /repos/{o}/{r}/check-runs/{id}/annotations")
		patch       = githubtest.Route("PATCH /repos/{o}/{r}/check-runs/{id}")
		pass        = githubtest.Pass()
	)
	// The script, by analysis attempt (each route's faults are consumed by
	// its requests in order; Pass lets one through):
	//  1: the PR read meets a 503/502/503 burst: three tries, the whole
	//     budget of a call, so the attempt fails and the queue retries;
	//  2: the run lookup meets a stalled answer (retried after the attempt
	//     timeout), the config read a 500 (not retried by the client: the
	//     attempt fails);
	//  3: the commits read meets a dropped connection (retried); batch 1
	//     holds the annotation GitHub refuses (halved until it is alone);
	//     batch 2 meets a token GitHub expired early (fresh token, sent
	//     again); batch 3 is applied but its answer lost (the attempt
	//     fails);
	//  4: the run lookup meets a 403 secondary limit, Retry-After: 1;
	//  5: the commits read meets a 429, Retry-After: 1;
	//  6: the read of held annotations meets the primary limit, reset
	//     1–2 s ahead;
	//  7: resumes: lists what GitHub holds, offers the refused annotation
	//     once more, completes.
	gh.Inject(pull, githubtest.ServiceUnavailable(), githubtest.BadGateway(), githubtest.ServiceUnavailable())
	gh.Inject(find, githubtest.Delay(10*time.Second), pass, pass, githubtest.SecondaryLimit(time.Second))
	gh.Inject(contents, githubtest.StatusFault(http.StatusInternalServerError))
	gh.Inject(commits, githubtest.ConnReset(), pass, githubtest.TooManyRequests(time.Second))
	gh.Inject(patch.Body(`"start_line":60,`), githubtest.TokenExpired())
	gh.Inject(patch.Body(`"start_line":110,`), githubtest.LostAnswer())
	gh.Inject(annotations, githubtest.PrimaryLimitIn(2*time.Second))

	a := startAppOn(t, gh, store)
	start := time.Now()
	if code := a.deliver(t, "pull_request", "delivery-1", pullRequestOpened(repoFull, 5, head, "")); code != http.StatusAccepted {
		t.Fatalf("pull_request.opened: %d", code)
	}
	waitFor(t, "the run to complete", func() bool {
		runs := gh.CheckRuns(repoFull, head)
		return len(runs) == 1 && runs[0].Status == "completed"
	})
	wall := time.Since(start)
	// Let a duplicate write or a stray retry, had one slipped through, land.
	time.Sleep(300 * time.Millisecond)
	reqs := gh.Requests()
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].At.Before(reqs[j].At) })

	t.Run("one completed run, refused annotation left out and said", func(t *testing.T) {
		runs := gh.CheckRuns(repoFull, head)
		if len(runs) != 1 {
			t.Fatalf("%d check runs, want 1", len(runs))
		}
		r := runs[0]
		if r.Status != "completed" || r.Conclusion != "failure" {
			t.Errorf("status %s conclusion %s", r.Status, r.Conclusion)
		}
		seen := map[string]int{}
		for _, an := range r.Annotations {
			seen[fmt.Sprintf("%s:%d:%d %s", an.Path, an.StartLine, an.StartColumn, an.Title)]++
			if an.Path == "deploy/keys.py" && an.StartLine == poisonedLine {
				t.Errorf("the refused annotation is in the run")
			}
		}
		for k, n := range seen {
			if n > 1 {
				t.Errorf("annotation %s posted %d times", k, n)
			}
		}
		if want := keys + 1 - 1; len(r.Annotations) != want {
			t.Errorf("%d annotations, want %d (all findings but the refused one)", len(r.Annotations), want)
		}
		if !strings.Contains(r.Summary, "**1 annotation refused by GitHub**") || !strings.Contains(r.Summary, "outside the file") {
			t.Errorf("the summary does not say what GitHub refused:\n%s", r.Summary)
		}
		if !strings.Contains(r.Summary, fmt.Sprintf("**%d findings**", keys+1)) {
			t.Errorf("the summary does not count every finding:\n%.300s", r.Summary)
		}
	})

	runs := a.runner.all()
	t.Run("attempts and their outcomes", func(t *testing.T) {
		var kinds []string
		failed, snoozed := 0, 0
		for _, r := range runs {
			var ra *analysis.RetryAfterError
			switch {
			case r.err == nil:
				kinds = append(kinds, "done")
			case errors.As(r.err, &ra):
				snoozed++
				kinds = append(kinds, "wait")
			default:
				failed++
				kinds = append(kinds, "fail")
			}
		}
		if got := strings.Join(kinds, " "); got != "fail fail fail wait wait wait done" {
			t.Errorf("attempts %q, want the script's: fail fail fail wait wait wait done", got)
			for i, r := range runs {
				t.Logf("attempt %d: %v", i+1, r.err)
			}
		}
		if failed+1 > queue.DefaultMaxAttempts || snoozed > queue.DefaultMaxSnoozes {
			t.Errorf("%d failed attempts and %d snoozes exceed the budget (%d, %d)", failed, snoozed, queue.DefaultMaxAttempts, queue.DefaultMaxSnoozes)
		}
		for _, w := range []struct {
			name string
			want float64
		}{
			{`prodready_analysis_duration_seconds_count{outcome="retry"}`, 3},
			{`prodready_analysis_duration_seconds_count{outcome="snoozed"}`, 3},
			{`prodready_analysis_duration_seconds_count{outcome="success"}`, 1},
			{`prodready_analyses_cancelled_total{reason="unprocessable"}`, 0},
			{`prodready_annotations_refused_total{reason="unprocessable"}`, 1},
			{`prodready_check_runs_completed_total{conclusion="failure"}`, 1},
		} {
			if got := a.metric(t, w.name); got != w.want {
				t.Errorf("%s = %v, want %v", w.name, got, w.want)
			}
		}
	})

	t.Run("retry budget", func(t *testing.T) {
		checkBudget(t, reqs, runs)
	})

	t.Run("waits GitHub asked for", func(t *testing.T) {
		waits := checkWaits(t, reqs)
		if len(waits) != 3 {
			t.Errorf("%d rate-limit answers, want the script's 3", len(waits))
		}
		for _, w := range waits {
			t.Logf("%-52s asked %5s, next request after %5s", w.what, w.asked.Round(time.Millisecond), w.observed.Round(time.Millisecond))
		}
	})

	t.Run("the expired token was replaced once and not sent again", func(t *testing.T) {
		var unauthorized, tokens int
		for _, r := range reqs {
			if r.Status == http.StatusUnauthorized {
				unauthorized++
			}
			if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/access_tokens") {
				tokens++
			}
		}
		if unauthorized != 1 || tokens != 2 {
			t.Errorf("%d 401s and %d token requests, want 1 and 2", unauthorized, tokens)
		}
	})

	t.Run("no secret leaves the process or reaches the logs", func(t *testing.T) {
		logs := a.logs.String()
		secrets := append(gh.IssuedTokens(), a.secret, "PRIVATE KEY", "ghs_", "eyJ", "Bearer ", "Authorization")
		for _, s := range secrets {
			if strings.Contains(logs, s) {
				t.Errorf("logs contain %q", redact(s))
			}
			for _, r := range reqs {
				if bytes.Contains(r.Body, []byte(s)) || strings.Contains(r.Query, s) {
					t.Errorf("%s %s carries %q outside its header", r.Method, r.Path, redact(s))
				}
			}
		}
		for _, line := range strings.Split(diff, "\n") {
			if i := strings.Index(line, "AKIA"); i >= 0 {
				key := line[i : i+20]
				if strings.Contains(logs, key) {
					t.Fatalf("logs hold a key from the diff unmasked")
				}
				for _, r := range reqs {
					if bytes.Contains(r.Body, []byte(key)) {
						t.Fatalf("%s %s sent a key from the diff unmasked", r.Method, r.Path)
					}
				}
			}
		}
		for _, want := range []string{
			"retrying once with a fresh token",
			"GitHub refused annotations; they are left out of the run",
			`"annotations_refused":1`,
			"analysis snoozed: GitHub asked us to wait",
			"retrying github request",
		} {
			if !strings.Contains(logs, want) {
				t.Errorf("logs lack %q", want)
			}
		}
	})

	// How the writes went, attempt by attempt: the refused batch's halving
	// is the run of 422s.
	for k, r := range runs {
		var steps []string
		for _, q := range reqs {
			if q.Method == http.MethodPatch && !q.At.Before(r.start) && !q.At.After(r.end) {
				steps = append(steps, cmp.Or(q.Fault, strconv.Itoa(q.Status)))
			}
		}
		if len(steps) > 0 {
			t.Logf("attempt %d writes: %s", k+1, strings.Join(steps, " "))
		}
	}
	counts := map[string]int{}
	var order []string
	for _, r := range reqs {
		k := route(r)
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	for _, k := range order {
		t.Logf("%3d  %s", counts[k], k)
	}
	t.Logf("%d requests, %d analysis attempts, %s from the delivery to the completed run", len(reqs), len(runs), wall.Round(10*time.Millisecond))
}

func redact(s string) string {
	if strings.HasPrefix(s, "ghs_") && len(s) > 8 {
		return s[:8] + "…"
	}
	return s
}

// transientAnswer is an answer after which a GET is worth repeating.
func transientAnswer(r githubtest.Request) bool {
	switch {
	case r.Fault == "reset", r.Fault == "lost-answer":
		return true
	case r.Status == 499: // the client gave up on a stalled answer
		return true
	}
	return r.Status == http.StatusBadGateway || r.Status == http.StatusServiceUnavailable || r.Status == http.StatusGatewayTimeout
}

func sameRequest(a, b githubtest.Request) bool {
	return a.Method == b.Method && a.Path == b.Path && a.Query == b.Query && a.Accept == b.Accept && bytes.Equal(a.Body, b.Body)
}

// checkBudget cuts the request log into analysis attempts and, within
// each, into calls: a call is a request and its repeats, each sent after a
// transient answer or a 401 to the one before. A new attempt always starts
// a new call, which is why the attempts are taken from the runner.
func checkBudget(t *testing.T, reqs []githubtest.Request, runs []attemptRun) {
	t.Helper()
	attemptOf := func(at time.Time) int {
		k := -1
		for i, r := range runs {
			if !at.Before(r.start) {
				k = i
			}
		}
		return k
	}
	var api []githubtest.Request // token requests are part of the call they serve
	for _, r := range reqs {
		if !strings.HasSuffix(r.Path, "/access_tokens") {
			api = append(api, r)
		}
	}
	for i := 0; i < len(api); {
		j := i + 1
		for j < len(api) && sameRequest(api[j], api[j-1]) && attemptOf(api[j].At) == attemptOf(api[i].At) &&
			(transientAnswer(api[j-1]) || api[j-1].Status == http.StatusUnauthorized) {
			j++
		}
		call := api[i:j]
		tries, replays := 0, 0
		for _, r := range call {
			if r.Status == http.StatusUnauthorized {
				replays++
			} else {
				tries++
			}
		}
		what := fmt.Sprintf("attempt %d: %s", attemptOf(call[0].At)+1, route(call[0]))
		switch {
		case call[0].Method != http.MethodGet && tries > 1:
			t.Errorf("%s: a write sent %d times in one call", what, tries)
		case tries > testMaxTries:
			t.Errorf("%s: %d tries in one call, budget %d", what, tries, testMaxTries)
		case replays > 1:
			t.Errorf("%s: %d replays after a 401, budget 1", what, replays)
		}
		if len(call) > 1 {
			var steps []string
			for _, r := range call {
				steps = append(steps, cmp.Or(r.Fault, strconv.Itoa(r.Status)))
			}
			t.Logf("%s: %s", what, strings.Join(steps, " → "))
		}
		i = j
	}
	for _, r := range reqs {
		if k := attemptOf(r.At); k < 0 || r.At.After(runs[k].end) {
			t.Errorf("%s %s at %s outside every analysis attempt", r.Method, r.Path, r.At.Format(time.StampMicro))
		}
	}
}

type wait struct {
	what            string
	asked, observed time.Duration
}

// checkWaits finds every rate-limit answer and checks that the next
// request for the same installation came no sooner than GitHub asked:
// Retry-After seconds after the answer, or the x-ratelimit-reset instant
// when the remaining quota is 0.
func checkWaits(t *testing.T, reqs []githubtest.Request) []wait {
	t.Helper()
	var out []wait
	for i, r := range reqs {
		if r.Status != http.StatusForbidden && r.Status != http.StatusTooManyRequests {
			continue
		}
		var until time.Time
		if v := r.Header.Get("Retry-After"); v != "" {
			secs, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("Retry-After %q", v)
			}
			until = r.AnsweredAt.Add(time.Duration(secs) * time.Second)
		}
		if r.Header.Get("X-Ratelimit-Remaining") == "0" {
			reset, err := strconv.ParseInt(r.Header.Get("X-Ratelimit-Reset"), 10, 64)
			if err != nil {
				t.Fatalf("x-ratelimit-reset %q", r.Header.Get("X-Ratelimit-Reset"))
			}
			if rt := time.Unix(reset, 0); rt.After(until) {
				until = rt
			}
		}
		if until.IsZero() {
			continue // a refusal, not a limit
		}
		w := wait{what: fmt.Sprintf("%s %d %s", route(r), r.Status, r.Fault), asked: until.Sub(r.AnsweredAt)}
		for _, next := range reqs[i+1:] {
			if next.Installation != r.Installation {
				continue
			}
			w.observed = next.At.Sub(r.AnsweredAt)
			if next.At.Before(until) {
				t.Errorf("after %s GitHub asked to wait until %s; %s %s came at %s (%s early)",
					w.what, until.Format(time.StampMilli), next.Method, next.Path, next.At.Format(time.StampMilli), until.Sub(next.At))
			}
			break
		}
		if w.observed == 0 {
			t.Errorf("no request after %s: the run cannot have completed", w.what)
		}
		out = append(out, w)
	}
	return out
}

// TestPermanentRefusalEndsTheJobOnce: what GitHub refuses for good (the
// repository deleted, so 404 for everything about it; the App lacking the
// checks permission, so 403 "Resource not accessible by integration")
// ends the job on its first attempt, logged with the reason and counted.
func TestPermanentRefusalEndsTheJobOnce(t *testing.T) {
	cases := []struct {
		name   string
		script func(gh *githubtest.Server)
		reason string
	}{
		{"deleted repository", func(gh *githubtest.Server) { gh.DeleteRepo(repoFull) }, queue.CancelNotFound},
		{"no permission to write checks", func(gh *githubtest.Server) {
			gh.Inject(githubtest.Route("POST /repos/{o}/{r}/check-runs"), githubtest.Fault{
				Status: http.StatusForbidden,
				Body:   `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/checks/runs#create-a-check-run"}`,
			})
		}, "forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gh := githubtest.New(t)
			gh.AddPull(repoFull, githubtest.PullRequest{Number: 5, Diff: githubtest.KeysDiff(5, 3)})
			head := githubtest.FakeSHA(repoFull + "#5 head")
			c.script(gh)
			a := startApp(t, gh)
			if code := a.deliver(t, "pull_request", "delivery-1", pullRequestOpened(repoFull, 5, head, "")); code != http.StatusAccepted {
				t.Fatalf("pull_request.opened: %d", code)
			}
			metric := fmt.Sprintf("prodready_analyses_cancelled_total{reason=%q}", c.reason)
			waitFor(t, "the job to be cancelled", func() bool { return a.metric(t, metric) == 1 })
			// A retry, were there one, would come testRetryBackoff later.
			time.Sleep(3 * testRetryBackoff)
			if runs := a.runner.all(); len(runs) != 1 {
				t.Errorf("%d attempts, want 1: a permanent refusal is not retried", len(runs))
			}
			if got := a.metric(t, `prodready_analysis_duration_seconds_count{outcome="cancelled"}`); got != 1 {
				t.Errorf("cancelled analyses: %v, want 1", got)
			}
			if got := a.metric(t, `prodready_analysis_duration_seconds_count{outcome="retry"}`); got != 0 {
				t.Errorf("retried analyses: %v, want 0", got)
			}
			logs := a.logs.String()
			if !strings.Contains(logs, "analysis cancelled: GitHub refused it for good; not retried") || !strings.Contains(logs, fmt.Sprintf(`"cancel_reason":%q`, c.reason)) {
				t.Errorf("the cancellation and its reason are not logged:\n%s", logs)
			}
			if runs := gh.CheckRuns(repoFull, head); len(runs) != 0 {
				t.Errorf("%d check runs", len(runs))
			}
		})
	}
}

// TestForkPullRequestEndToEnd: a pull request whose head lives in another
// owner's fork is analysed, and its check run created on the base
// repository for the head SHA.
func TestForkPullRequestEndToEnd(t *testing.T) {
	gh := githubtest.New(t)
	head := githubtest.FakeSHA("mallory's head")
	gh.AddPull(repoFull, githubtest.PullRequest{Number: 8, HeadSHA: head, HeadRepo: "mallory/shop", HeadRef: "main", Author: "mallory", Diff: githubtest.KeysDiff(5, 2)})
	a := startApp(t, gh)
	if code := a.deliver(t, "pull_request", "delivery-fork", pullRequestOpened(repoFull, 8, head, "mallory/shop")); code != http.StatusAccepted {
		t.Fatalf("pull_request.opened from a fork: %d", code)
	}
	waitFor(t, "the run to complete", func() bool {
		runs := gh.CheckRuns(repoFull, head)
		return len(runs) == 1 && runs[0].Status == "completed"
	})
	r := gh.CheckRuns(repoFull, head)[0]
	if r.HeadSHA != head || r.Conclusion != "failure" || len(r.Annotations) < 2 {
		t.Errorf("run %s on %s with %d annotations", r.Conclusion, r.HeadSHA, len(r.Annotations))
	}
	for _, q := range gh.Requests() {
		if strings.Contains(q.Path, "mallory") {
			t.Errorf("%s %s: nothing of the fork is read or written", q.Method, q.Path)
		}
	}
}
