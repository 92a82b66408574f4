package queue

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
	"github.com/prodready/prodready/internal/queue/queuetest"
)

// fakeRunner counts analyses per head and answers with errs in turn (nil
// once they run out).
type fakeRunner struct {
	mu    sync.Mutex
	calls map[string]int
	errs  []error
	block chan struct{} // when set, Analyze waits on it or on ctx
}

func newFakeRunner(errs ...error) *fakeRunner {
	return &fakeRunner{calls: map[string]int{}, errs: errs}
}

func (r *fakeRunner) Analyze(ctx context.Context, j analysis.Job) error {
	r.mu.Lock()
	r.calls[fmt.Sprintf("%s#%d@%s", j.Repo, j.PR, j.HeadSHA)]++
	var err error
	if len(r.errs) > 0 {
		err, r.errs = r.errs[0], r.errs[1:]
	}
	block := r.block
	r.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return fmt.Errorf("analysis interrupted: %w", ctx.Err())
		}
	}
	return err
}

func (r *fakeRunner) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		n += c
	}
	return n
}

func (r *fakeRunner) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[key]
}

type fakeFactory struct{ prs []int }

func (f fakeFactory) ForInstallation(context.Context, int64) (analysis.GitHub, error) {
	return fakeGitHub{prs: f.prs}, nil
}

// fakeGitHub implements only what the resolve worker calls.
type fakeGitHub struct {
	analysis.GitHub
	prs []int
}

func (g fakeGitHub) PullRequestsForCommit(context.Context, analysis.Repo, string) ([]int, error) {
	return g.prs, nil
}

// storeCase is one backend the table of tests runs on.
type storeCase struct {
	name string
	cfg  func(t *testing.T) Config
}

// stores is SQLite always, plus Postgres when PRODREADY_TEST_POSTGRES_URL
// names a server (each test then gets its own schema).
func stores() []storeCase {
	cases := []storeCase{{"sqlite", func(t *testing.T) Config {
		return Config{SQLitePath: filepath.Join(t.TempDir(), "q.db"), TestOnly: true}
	}}}
	if url := os.Getenv("PRODREADY_TEST_POSTGRES_URL"); url != "" {
		cases = append(cases, storeCase{"postgres", func(t *testing.T) Config {
			u := queuetest.PostgresSchema(t, url)
			if _, err := Migrate(context.Background(), Config{DatabaseURL: u}); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			return Config{DatabaseURL: u, TestOnly: true}
		}})
	}
	return cases
}

func openQueue(t *testing.T, cfg Config, runner analysis.Runner, factory analysis.ClientFactory) *Queue {
	t.Helper()
	q, err := Open(context.Background(), cfg, runner, factory)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	return q
}

func job(pr int, sha, delivery string) analysis.Job {
	return analysis.Job{
		InstallationID: 7, Repo: analysis.Repo{Owner: "octo", Name: "app"},
		PR: pr, HeadSHA: sha, DeliveryID: delivery, Reason: "pull_request.synchronize",
	}
}

func forced(j analysis.Job) analysis.Job { j.Force = true; return j }

// allJobs lists the analysis jobs (not River's periodic prune job).
func (q *Queue) allJobs(t *testing.T) []*rivertype.JobRow {
	t.Helper()
	js, err := q.st.jobs(context.Background())
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	var out []*rivertype.JobRow
	for _, j := range js {
		if j.Kind == kindAnalysis {
			out = append(out, j)
		}
	}
	return out
}

// waitForOnlyJob waits until the one analysis job is in state and returns
// it; until the mover has taken it into River there is none.
func (q *Queue) waitForOnlyJob(t *testing.T, what string, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	var j *rivertype.JobRow
	waitFor(t, what, func() bool {
		js := q.allJobs(t)
		if len(js) > 1 {
			t.Fatalf("%d analysis jobs, want at most one", len(js))
		}
		if len(js) == 0 {
			return false
		}
		j = js[0]
		return j.State == state
	})
	return j
}

// waitFor polls cond for up to 15 s: River picks jobs up within its fetch
// intervals, not at once.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// moveAll moves the whole intake into River, as the mover does, and
// returns what it did, oldest delivery first.
func (q *Queue) moveAll(t *testing.T) []movedDelivery {
	t.Helper()
	var all []movedDelivery
	for {
		moved, err := q.st.moveIntake(context.Background(), 1000)
		if err != nil {
			t.Fatalf("move intake: %v", err)
		}
		if len(moved) == 0 {
			return all
		}
		all = append(all, moved...)
	}
}

func TestEnqueueDedupe(t *testing.T) {
	steps := []struct {
		name     string
		delivery string
		jobs     []analysis.Job
		want     intake.Result
		// moved is what taking the delivery into River did; nil when
		// nothing was left in the intake.
		moved *insertCount
	}{
		{"first delivery", "d1", []analysis.Job{job(1, "aaa", "d1")}, intake.Result{Jobs: 1}, &insertCount{inserted: 1}},
		{"redelivery queues nothing", "d1", []analysis.Job{job(1, "aaa", "d1")}, intake.Result{Duplicate: true}, nil},
		{"check_suite for the same head", "d2", []analysis.Job{job(1, "aaa", "d2")}, intake.Result{Jobs: 1}, &insertCount{deduped: 1}},
		{"new head SHA", "d3", []analysis.Job{job(1, "bbb", "d3")}, intake.Result{Jobs: 1}, &insertCount{inserted: 1}},
		{"forced re-run", "d4", []analysis.Job{forced(job(1, "aaa", "d4"))}, intake.Result{Jobs: 1}, &insertCount{inserted: 1}},
		{"forced re-run redelivered", "d4", []analysis.Job{forced(job(1, "aaa", "d4"))}, intake.Result{Duplicate: true}, nil},
		{"second forced re-run", "d5", []analysis.Job{forced(job(1, "aaa", "d5"))}, intake.Result{Jobs: 1}, &insertCount{inserted: 1}},
		{"same job twice in one delivery", "d6", []analysis.Job{job(2, "ccc", "d6"), job(2, "ccc", "d6"), job(3, "ccc", "d6")}, intake.Result{Jobs: 3}, &insertCount{inserted: 2, deduped: 1}},
		{"delivery without jobs", "d7", nil, intake.Result{}, nil},
		{"delivery without jobs redelivered", "d7", nil, intake.Result{Duplicate: true}, nil},
	}
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			q := openQueue(t, sc.cfg(t), newFakeRunner(), fakeFactory{})
			ctx := context.Background()
			for _, s := range steps {
				got, err := q.Enqueue(ctx, s.delivery, s.jobs...)
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if got != s.want {
					t.Errorf("%s: got %+v, want %+v", s.name, got, s.want)
				}
				moved := q.moveAll(t)
				switch {
				case s.moved == nil && len(moved) != 0:
					t.Errorf("%s: moved %+v, want nothing in the intake", s.name, moved)
				case s.moved != nil && (len(moved) != 1 || moved[0].deliveryID != s.delivery || moved[0].insertCount != *s.moved || moved[0].err != nil):
					t.Errorf("%s: moved %+v, want %s with %+v", s.name, moved, s.delivery, *s.moved)
				}
			}
			counts, err := q.JobCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts["available"] != 6 {
				t.Errorf("available jobs = %d, want 6 (%v)", counts["available"], counts)
			}
			if len(counts) != len(rivertype.JobStates()) {
				t.Errorf("counts has %d states, want all %d", len(counts), len(rivertype.JobStates()))
			}
		})
	}
}

// TestSubmitBatch covers the grouped path issue 6 needs: several deliveries
// in one transaction, with repeats across and within them, then moved into
// River together.
func TestSubmitBatch(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			q := openQueue(t, sc.cfg(t), newFakeRunner(), fakeFactory{})
			ctx := context.Background()
			if _, err := q.Enqueue(ctx, "old", job(9, "zzz", "old")); err != nil {
				t.Fatal(err)
			}
			q.moveAll(t)
			a := newAnalysisArgs(job(1, "aaa", "b1"))
			res, err := q.st.submit(ctx, []request{
				{deliveryID: "b1", analyses: []analysisArgs{a}},
				{deliveryID: "b1", analyses: []analysisArgs{a}}, // same delivery twice in one group
				{deliveryID: "b2", analyses: []analysisArgs{newAnalysisArgs(job(1, "aaa", "b2"))}},
				{deliveryID: "b3", analyses: []analysisArgs{newAnalysisArgs(job(9, "zzz", "b3"))}},
				{deliveryID: "old"},
				{deliveryID: "b4", resolves: []resolveArgs{newResolveArgs("b4", intake.Suite{InstallationID: 7, Repo: a.Repo, HeadSHA: "fff"})}},
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []intake.Result{{Jobs: 1}, {Duplicate: true}, {Jobs: 1}, {Jobs: 1}, {Duplicate: true}, {Jobs: 1}}
			for i := range want {
				if res[i] != want[i] {
					t.Errorf("request %d: got %+v, want %+v", i, res[i], want[i])
				}
			}
			// One move takes all four rows: b2 repeats b1's job within
			// the batch, b3 the job moved before.
			moved, err := q.st.moveIntake(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			wantMoved := []movedDelivery{
				{deliveryID: "b1", insertCount: insertCount{inserted: 1}},
				{deliveryID: "b2", insertCount: insertCount{deduped: 1}},
				{deliveryID: "b3", insertCount: insertCount{deduped: 1}},
				{deliveryID: "b4", insertCount: insertCount{inserted: 1}},
			}
			if len(moved) != len(wantMoved) {
				t.Fatalf("moved %+v, want %+v", moved, wantMoved)
			}
			for i, w := range wantMoved {
				if m := moved[i]; m.deliveryID != w.deliveryID || m.insertCount != w.insertCount || m.err != nil {
					t.Errorf("moved %d: got %+v, want %+v", i, m, w)
				}
			}
		})
	}
}

func TestEnqueueRejectsIncompleteJobs(t *testing.T) {
	q := openQueue(t, stores()[0].cfg(t), newFakeRunner(), fakeFactory{})
	bad := job(1, "", "d")
	if _, err := q.Enqueue(context.Background(), "d", bad); !errors.Is(err, ErrInvalidJob) {
		t.Fatalf("err = %v, want ErrInvalidJob", err)
	}
	if _, err := q.Enqueue(context.Background(), "", job(1, "a", "")); !errors.Is(err, ErrInvalidJob) {
		t.Fatalf("err = %v, want ErrInvalidJob", err)
	}
	if n := len(q.allJobs(t)); n != 0 {
		t.Fatalf("%d jobs inserted by rejected calls", n)
	}
}

func TestWorkerRunsOnceForDuplicatedDeliveries(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			runner := newFakeRunner()
			q := openQueue(t, sc.cfg(t), runner, fakeFactory{})
			ctx := context.Background()
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			var (
				wg            sync.WaitGroup
				mu            sync.Mutex
				fresh, queued int
			)
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Four copies of d1 and four other deliveries for the same head, at once.
					d := "d1"
					if i%2 == 1 {
						d = fmt.Sprintf("other-%d", i)
					}
					res, err := q.Enqueue(ctx, d, job(1, "aaa", d))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if d == "d1" && !res.Duplicate {
						fresh++
					}
					queued += res.Jobs
				}()
			}
			wg.Wait()
			if fresh != 1 || queued != 5 {
				t.Fatalf("d1 accepted %d times, %d jobs queued; want 1 and 5 (d1 once, four others)", fresh, queued)
			}
			waitFor(t, "the analysis to complete", func() bool {
				js := q.allJobs(t)
				return len(js) == 1 && js[0].State == rivertype.JobStateCompleted
			})
			// A late redelivery and a late check_suite still change nothing.
			if res, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil || !res.Duplicate {
				t.Fatalf("late redelivery: %+v, %v", res, err)
			}
			if res, err := q.Enqueue(ctx, "late", job(1, "aaa", "late")); err != nil || res.Jobs != 1 {
				t.Fatalf("late check_suite: %+v, %v", res, err)
			}
			time.Sleep(300 * time.Millisecond)
			if n := runner.count("octo/app#1@aaa"); n != 1 {
				t.Fatalf("runner called %d times, want 1", n)
			}
		})
	}
}

func TestRetryAfterSnoozes(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			runner := newFakeRunner(&analysis.RetryAfterError{Wait: time.Hour, Err: errors.New("secondary rate limit")})
			q := openQueue(t, sc.cfg(t), runner, fakeFactory{})
			ctx := context.Background()
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			before := time.Now()
			if _, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil {
				t.Fatal(err)
			}
			j := q.waitForOnlyJob(t, "the job to be snoozed", rivertype.JobStateScheduled)
			if j.Attempt != 0 {
				t.Errorf("attempt = %d after a snooze, want 0 (a snooze must not spend attempts)", j.Attempt)
			}
			if len(j.Errors) != 0 {
				t.Errorf("snooze recorded errors: %v", j.Errors)
			}
			if min := before.Add(time.Hour); j.ScheduledAt.Before(min) {
				t.Errorf("scheduled at %s, earlier than GitHub asked (%s)", j.ScheduledAt, min)
			}
			if n := snoozeCount(j); n != 1 {
				t.Errorf("snoozes = %d, want 1", n)
			}
			if runner.total() != 1 {
				t.Errorf("runner called %d times, want 1", runner.total())
			}
		})
	}
}

func TestOtherErrorsRetry(t *testing.T) {
	runner := newFakeRunner(errors.New("502 from GitHub"))
	q := openQueue(t, stores()[0].cfg(t), runner, fakeFactory{})
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil {
		t.Fatal(err)
	}
	// River's first retry comes about a second later; the fake then succeeds.
	j := q.waitForOnlyJob(t, "the retried job to complete", rivertype.JobStateCompleted)
	if j.Attempt != 2 || len(j.Errors) != 1 || j.MaxAttempts != DefaultMaxAttempts {
		t.Fatalf("attempt %d, %d errors, max %d; want 2, 1, %d", j.Attempt, len(j.Errors), j.MaxAttempts, DefaultMaxAttempts)
	}
}

type recordingMetrics struct {
	mu        sync.Mutex
	outcomes  []string
	cancelled []string
	intake    insertCount
	// unreadable counts dropped intake rows.
	unreadable int
}

func (m *recordingMetrics) ObserveIntake(inserted, deduplicated int, unreadable bool, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.intake.inserted += inserted
	m.intake.deduped += deduplicated
	if unreadable {
		m.unreadable++
	}
}

func (m *recordingMetrics) ObserveAnalysis(outcome string, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes = append(m.outcomes, outcome)
}

func (m *recordingMetrics) ObserveCancel(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cancelled = append(m.cancelled, reason)
}

func (m *recordingMetrics) seen() (outcomes, cancelled []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.outcomes...), append([]string(nil), m.cancelled...)
}

// TestPermanentRefusalCancelsOnce: what GitHub refuses for good ends the
// job on its first attempt, with the reason logged and counted.
func TestPermanentRefusalCancelsOnce(t *testing.T) {
	refused := &analysis.RefusedError{Status: 403, Message: "Resource not accessible by integration", Err: errors.New("get pull octo/app#1: 403 Resource not accessible by integration")}
	runner := newFakeRunner(fmt.Errorf("get pull: %w", refused))
	metrics := &recordingMetrics{}
	logs := &lockedBuffer{}
	cfg := stores()[0].cfg(t)
	cfg.Metrics, cfg.Logger = metrics, slog.New(slog.NewJSONHandler(logs, nil))
	q := openQueue(t, cfg, runner, fakeFactory{})
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil {
		t.Fatal(err)
	}
	j := q.waitForOnlyJob(t, "the job to be cancelled", rivertype.JobStateCancelled)
	if j.Attempt != 1 || runner.total() != 1 {
		t.Errorf("attempt %d, runner called %d times; want 1 and 1", j.Attempt, runner.total())
	}
	outcomes, cancelled := metrics.seen()
	if fmt.Sprint(outcomes) != "[cancelled]" || fmt.Sprint(cancelled) != "[forbidden]" {
		t.Errorf("metrics: outcomes %v, cancel reasons %v", outcomes, cancelled)
	}
	if l := logs.String(); !strings.Contains(l, `"cancel_reason":"forbidden"`) || !strings.Contains(l, "not accessible by integration") {
		t.Errorf("the cancellation's reason is not logged:\n%s", l)
	}
}

// lockedBuffer is a bytes.Buffer safe for River's and the workers' logs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRetryBackoffForTests: the test-only schedule replaces River's
// attempt⁴ seconds, and never waits less than it says.
func TestRetryBackoffForTests(t *testing.T) {
	runner := newFakeRunner(errors.New("502"), errors.New("502"))
	cfg := stores()[0].cfg(t)
	var mu sync.Mutex
	var asked []int
	cfg.TestRetryBackoff = func(attempt int) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, attempt)
		return 300 * time.Millisecond
	}
	cfg.TestPollInterval = 20 * time.Millisecond
	q := openQueue(t, cfg, runner, fakeFactory{})
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil {
		t.Fatal(err)
	}
	j := q.waitForOnlyJob(t, "the job to complete after two retries", rivertype.JobStateCompleted)
	if j.Attempt != 3 || len(j.Errors) != 2 {
		t.Fatalf("attempt %d with %d errors, want 3 and 2", j.Attempt, len(j.Errors))
	}
	// The last retry began no sooner than the backoff after the failed
	// attempt began (River records an error at its attempt's start; SQLite
	// keeps timestamps to the millisecond, hence the one allowed).
	if gap := j.AttemptedAt.Sub(j.Errors[1].At); gap < 300*time.Millisecond-time.Millisecond {
		t.Errorf("third attempt %s after the second began, want at least 300ms", gap)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(asked) != "[1 2]" {
		t.Errorf("backoff asked for attempts %v, want [1 2]", asked)
	}
}

func TestResolveSuiteQueuesAnalyses(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			runner := newFakeRunner()
			q := openQueue(t, sc.cfg(t), runner, fakeFactory{prs: []int{4, 5, 4}})
			ctx := context.Background()
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			s := intake.Suite{InstallationID: 7, Repo: analysis.Repo{Owner: "octo", Name: "app"}, HeadSHA: "fork1", Reason: "check_suite.requested"}
			if res, err := q.EnqueueResolve(ctx, "d1", s); err != nil || res.Jobs != 1 {
				t.Fatalf("EnqueueResolve: %+v, %v", res, err)
			}
			if res, err := q.EnqueueResolve(ctx, "d1", s); err != nil || !res.Duplicate {
				t.Fatalf("redelivered EnqueueResolve: %+v, %v", res, err)
			}
			waitFor(t, "both analyses", func() bool {
				return runner.count("octo/app#4@fork1") == 1 && runner.count("octo/app#5@fork1") == 1
			})
			time.Sleep(200 * time.Millisecond)
			if runner.total() != 2 {
				t.Fatalf("runner called %d times, want 2", runner.total())
			}
		})
	}
}

// TestStopPutsRunningJobsBack: a job still running when Stop's bound ends is
// cancelled and returns to the queue without spending an attempt.
func TestStopPutsRunningJobsBack(t *testing.T) {
	runner := newFakeRunner()
	runner.block = make(chan struct{})
	cfg := stores()[0].cfg(t)
	q, err := Open(context.Background(), cfg, runner, fakeFactory{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the job to start", func() bool { return runner.total() == 1 })
	sctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := q.Stop(sctx); err == nil {
		t.Fatal("Stop returned nil although it had to cancel a job")
	}

	q2 := openQueue(t, cfg, newFakeRunner(), fakeFactory{})
	j := q2.allJobs(t)[0]
	if j.State != rivertype.JobStateAvailable || j.Attempt != 0 {
		t.Fatalf("after stop: state %s attempt %d, want available 0", j.State, j.Attempt)
	}
}

func TestStopWaitsForRunningJobs(t *testing.T) {
	runner := newFakeRunner()
	runner.block = make(chan struct{})
	q, err := Open(context.Background(), stores()[0].cfg(t), runner, fakeFactory{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the job to start", func() bool { return runner.total() == 1 })
	time.AfterFunc(200*time.Millisecond, func() { close(runner.block) })
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := q.Stop(sctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func TestJudge(t *testing.T) {
	w := &analysisWorker{maxSnoozes: 3}
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	timedOut, cancel2 := context.WithTimeout(live, -time.Second)
	defer cancel2()
	row := func(attempt int, meta string) *rivertype.JobRow {
		return &rivertype.JobRow{Attempt: attempt, MaxAttempts: 8, Metadata: []byte(meta)}
	}
	ra := &analysis.RetryAfterError{Wait: time.Minute, Err: errors.New("429")}
	refused := func(status int) error {
		return fmt.Errorf("get pull: %w", &analysis.RefusedError{Status: status, Message: "m", Err: errors.New("refused")})
	}
	cases := []struct {
		name    string
		ctx     context.Context
		row     *rivertype.JobRow
		err     error
		outcome string
		reason  string
	}{
		{"success", live, row(1, "{}"), nil, OutcomeSuccess, ""},
		{"retry-after snoozes", live, row(1, "{}"), fmt.Errorf("wrapped: %w", ra), OutcomeSnoozed, ""},
		{"too many snoozes cancel", live, row(1, `{"snoozes":3}`), ra, OutcomeCancelled, CancelRateLimited},
		{"not found cancels", live, row(1, "{}"), fmt.Errorf("pr: %w", analysis.ErrNotFound), OutcomeCancelled, CancelNotFound},
		{"forbidden cancels", live, row(1, "{}"), refused(403), OutcomeCancelled, "forbidden"},
		{"refused credentials cancel", live, row(1, "{}"), refused(401), OutcomeCancelled, "unauthorized"},
		{"unprocessable cancels", live, row(1, "{}"), refused(422), OutcomeCancelled, "unprocessable"},
		{"other errors retry", live, row(1, "{}"), errors.New("boom"), OutcomeRetry, ""},
		{"last attempt fails", live, row(8, "{}"), errors.New("boom"), OutcomeFailed, ""},
		{"shutdown puts back", cancelled, row(1, "{}"), context.Canceled, OutcomeShutdown, ""},
		{"timeout is a failed attempt", timedOut, row(1, "{}"), context.DeadlineExceeded, OutcomeRetry, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			outcome, reason, err := w.judge(c.ctx, c.row, c.err)
			if outcome != c.outcome || reason != c.reason {
				t.Fatalf("outcome %q (%q), want %q (%q); err %v", outcome, reason, c.outcome, c.reason, err)
			}
			var snooze *rivertype.JobSnoozeError
			var cancelErr *rivertype.JobCancelError
			switch outcome {
			case OutcomeSnoozed:
				if !errors.As(err, &snooze) || snooze.Duration < ra.Wait {
					t.Fatalf("want a snooze of at least %s, got %v", ra.Wait, err)
				}
			case OutcomeShutdown:
				if !errors.As(err, &snooze) || snooze.Duration != 0 {
					t.Fatalf("want JobSnooze(0), got %v", err)
				}
			case OutcomeCancelled:
				if !errors.As(err, &cancelErr) {
					t.Fatalf("want JobCancel, got %v", err)
				}
			case OutcomeSuccess:
				if err != nil {
					t.Fatal(err)
				}
			default:
				if err == nil || errors.As(err, &snooze) || errors.As(err, &cancelErr) {
					t.Fatalf("want a plain error for River's backoff, got %v", err)
				}
			}
		})
	}
}

func TestSnoozeForNeverShorterThanAsked(t *testing.T) {
	for _, wait := range []time.Duration{0, -time.Second, time.Millisecond, time.Second, 90 * time.Second, time.Hour} {
		floor := max(wait, minRateLimitWait)
		if wait > 0 {
			floor = wait
		}
		for range 50 {
			if got := snoozeFor(wait); got < floor || got > floor+31*time.Second {
				t.Fatalf("snoozeFor(%s) = %s, want in [%s, %s]", wait, got, floor, floor+31*time.Second)
			}
		}
	}
}

func TestSQLiteReopenIsIdempotent(t *testing.T) {
	cfg := stores()[0].cfg(t)
	for range 2 {
		q, err := Open(context.Background(), cfg, newFakeRunner(), fakeFactory{})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Ready(context.Background()); err != nil {
			t.Fatal(err)
		}
		_ = q.Stop(context.Background())
	}
	res, err := Migrate(context.Background(), cfg)
	if err != nil || len(res.River)+len(res.Own) != 0 {
		t.Fatalf("re-migrate: %+v, %v; want no versions", res, err)
	}
}

func TestReadyFailsWhenStoreIsGone(t *testing.T) {
	q := openQueue(t, stores()[0].cfg(t), newFakeRunner(), fakeFactory{})
	if err := q.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	q.st.close()
	if err := q.Ready(context.Background()); err == nil {
		t.Fatal("Ready after close returned nil")
	}
}

func TestPostgresRefusesMissingSchema(t *testing.T) {
	url := os.Getenv("PRODREADY_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("PRODREADY_TEST_POSTGRES_URL not set")
	}
	u := queuetest.PostgresSchema(t, url)
	_, err := Open(context.Background(), Config{DatabaseURL: u}, newFakeRunner(), fakeFactory{})
	if !errors.Is(err, ErrNotMigrated) {
		t.Fatalf("Open on an empty schema: %v, want ErrNotMigrated", err)
	}
	if _, err := Migrate(context.Background(), Config{DatabaseURL: u}); err != nil {
		t.Fatal(err)
	}
	q, err := Open(context.Background(), Config{DatabaseURL: u}, newFakeRunner(), fakeFactory{})
	if err != nil {
		t.Fatal(err)
	}
	_ = q.Stop(context.Background())
}

func TestConfigRejectsBadValues(t *testing.T) {
	cases := []Config{
		{DatabaseURL: "mysql://x"},
		{},
		{SQLitePath: "x.db", JobTimeout: time.Hour, RescueAfter: time.Minute},
	}
	for _, c := range cases {
		if _, err := Open(context.Background(), c, newFakeRunner(), fakeFactory{}); err == nil {
			t.Errorf("Open(%+v) succeeded", c)
		}
	}
}

var _ = river.JobSnooze
