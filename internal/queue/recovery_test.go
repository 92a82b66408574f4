package queue

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/ghclient"
	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/recovery"
)

var redeliverRoute = githubtest.Route("POST /app/hook/deliveries/{delivery_id}/attempts")

// recoveryEnv is the recovery job end to end but for River's schedule: the
// fake GitHub (validating every request against GitHub's description),
// the real App client and the real store.
type recoveryEnv struct {
	fake    *githubtest.Server
	app     *ghclient.AppClient
	metrics *recMetrics
	now     time.Time
	sleeps  []time.Duration
	mu      sync.Mutex
}

func newRecoveryEnv(t *testing.T) *recoveryEnv {
	t.Helper()
	fake := githubtest.New(t)
	f, err := ghclient.NewFactory(ghclient.Config{
		AppID: fake.App().ID, PrivateKeyPEM: fake.App().PrivateKeyPEM, BaseURL: fake.URL(),
		Transport: fake.Client().Transport, RetryBaseDelay: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &recoveryEnv{fake: fake, app: f.App(), metrics: &recMetrics{found: map[string]int{}, errs: map[string]int{}}, now: time.Now()}
}

// config is a recovery job on e's fake, with e's clock; interval 0 is off.
func (e *recoveryEnv) config(interval time.Duration, max int) recovery.Config {
	return recovery.Config{
		Source: e.app, Interval: interval, Max: max, Metrics: e.metrics,
		Now: func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.sleeps = append(e.sleeps, d)
			return ctx.Err()
		},
	}
}

func (e *recoveryEnv) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

type recMetrics struct {
	mu          sync.Mutex
	found       map[string]int
	redelivered int
	errs        map[string]int
}

func (m *recMetrics) RecoveryFound(r string) { m.mu.Lock(); m.found[r]++; m.mu.Unlock() }
func (m *recMetrics) RecoveryRedelivered()   { m.mu.Lock(); m.redelivered++; m.mu.Unlock() }
func (m *recMetrics) RecoveryError(k string) { m.mu.Lock(); m.errs[k]++; m.mu.Unlock() }

// add seeds one attempt, minutesAgo before now.
func (e *recoveryEnv) add(id int64, guid, event, action string, status, minutesAgo int) {
	e.fake.AddDelivery(githubtest.Delivery{
		ID: id, GUID: guid, Event: event, Action: action, StatusCode: status,
		DeliveredAt: e.now.Add(-time.Duration(minutesAgo) * time.Minute), InstallationID: 7, RepositoryID: 9,
	})
}

func openWithRecovery(t *testing.T, cfg Config, rc recovery.Config) *Queue {
	t.Helper()
	cfg.Recovery = rc
	return openQueue(t, cfg, newFakeRunner(), fakeFactory{})
}

func runRecovery(t *testing.T, q *Queue) recovery.Stats {
	t.Helper()
	st, err := q.st.recoverer().Run(context.Background())
	if err != nil {
		t.Fatalf("recovery run: %v", err)
	}
	return st
}

func TestRecoveryRequestsExactlyTheMissedDeliveries(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			e := newRecoveryEnv(t)
			e.add(1, "too-old", "pull_request", "opened", 500, 4*60)
			e.add(2, "ok", "pull_request", "opened", 200, 170)
			e.add(3, "failed-500", "pull_request", "synchronize", 500, 160)
			e.add(4, "timed-out", "check_suite", "requested", 0, 150)
			e.add(5, "healed", "pull_request", "reopened", 502, 140)
			e.add(6, "healed", "pull_request", "reopened", 200, 139)
			e.add(7, "other-event", "issues", "opened", 500, 130)
			e.add(8, "ignored-action", "pull_request", "closed", 500, 120)
			e.add(9, "recorded", "pull_request", "opened", 0, 110) // answered after GitHub's 10 s
			e.add(10, "failed-twice", "check_run", "rerequested", 503, 100)
			e.add(11, "failed-twice", "check_run", "rerequested", 0, 90)
			q := openWithRecovery(t, sc.cfg(t), e.config(time.Minute, 0))
			if !q.Recovering() {
				t.Fatal("recovery is not scheduled")
			}
			if _, err := q.Enqueue(context.Background(), "recorded", job(1, "aaa", "recorded")); err != nil {
				t.Fatal(err)
			}

			st := runRecovery(t, q)
			// Oldest first, each GUID once, at its latest attempt.
			if got, want := e.fake.Redelivered(), []int64{3, 4, 11}; !slices.Equal(got, want) {
				t.Fatalf("redelivered %v, want %v (stats %+v)", got, want, st)
			}
			if st.Failed != 4 || st.Received != 1 || st.Found != 3 || st.Requested != 3 {
				t.Fatalf("stats %+v", st)
			}
			if e.metrics.found[recovery.ReasonFailed] != 1 || e.metrics.found[recovery.ReasonMissing] != 2 || e.metrics.redelivered != 3 {
				t.Fatalf("metrics %+v", e.metrics)
			}
			if !slices.Equal(e.sleeps, []time.Duration{time.Second, time.Second}) {
				t.Fatalf("gaps %v, want 1 s before each request but the first", e.sleeps)
			}

			// GitHub's redeliveries failed again (the fake records them with
			// status 0): within the cooldown a second run asks for none.
			posts := e.fake.CountRequests(redeliverRoute)
			st = runRecovery(t, q)
			if n := e.fake.CountRequests(redeliverRoute); n != posts || st.Recent != 3 || st.Found != 0 {
				t.Fatalf("second run sent %d more requests, stats %+v", n-posts, st)
			}
		})
	}
}

func TestRecoveryStopsOnceDelivered(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			e := newRecoveryEnv(t)
			e.add(1, "a", "pull_request", "opened", 0, 30)
			e.add(2, "b", "pull_request", "synchronize", 500, 20)
			q := openWithRecovery(t, sc.cfg(t), e.config(time.Minute, 0))
			// The redelivery reaches the App: its webhook records the id and
			// answers 202, as the real handler does.
			e.fake.OnRedeliver(func(d githubtest.Delivery) int {
				if _, err := q.Enqueue(context.Background(), d.GUID, job(1, d.GUID, d.GUID)); err != nil {
					t.Error(err)
					return 500
				}
				return 202
			})
			runRecovery(t, q)
			if got := e.fake.Redelivered(); !slices.Equal(got, []int64{1, 2}) {
				t.Fatalf("redelivered %v", got)
			}
			// Long after the cooldown nothing is asked again: both now have a
			// 2xx attempt and are in the delivery table.
			e.advance(2 * time.Hour)
			st := runRecovery(t, q)
			if got := e.fake.Redelivered(); len(got) != 2 || st.Failed != 0 {
				t.Fatalf("redelivered %v, stats %+v", got, st)
			}
		})
	}
}

func TestRecoveryPerRunCap(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			e := newRecoveryEnv(t)
			for i := range 5 {
				e.add(int64(i+1), string(rune('a'+i)), "check_suite", "requested", 0, 50-i)
			}
			q := openWithRecovery(t, sc.cfg(t), e.config(time.Minute, 2))
			for run, want := range [][]int64{{1, 2}, {1, 2, 3, 4}, {1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}} {
				runRecovery(t, q)
				if got := e.fake.Redelivered(); !slices.Equal(got, want) {
					t.Fatalf("after run %d redelivered %v, want %v", run+1, got, want)
				}
			}
		})
	}
}

func TestRecoveryRateLimitEndsTheRun(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			e := newRecoveryEnv(t)
			for i := range 4 {
				e.add(int64(i+1), string(rune('a'+i)), "pull_request", "opened", 500, 40-i)
			}
			q := openWithRecovery(t, sc.cfg(t), e.config(time.Minute, 0))
			// One second, because go-github also remembers the limit on the
			// real clock and refuses calls until it passes.
			e.fake.Inject(redeliverRoute, githubtest.SecondaryLimit(time.Second))
			st, err := q.st.recoverer().Run(context.Background())
			if err != nil {
				t.Fatalf("a rate limit is not an error of the run: %v", err)
			}
			if n := e.fake.CountRequests(redeliverRoute); n != 1 || len(e.fake.Redelivered()) != 0 {
				t.Fatalf("%d requests after a 403 (redelivered %v); want the run to stop at the first", n, e.fake.Redelivered())
			}
			if st.Paused.Before(e.now.Add(time.Second)) || e.metrics.errs[recovery.ErrKindRateLimited] != 1 {
				t.Fatalf("stats %+v, errors %v; want a pause of at least Retry-After", st, e.metrics.errs)
			}
			// Runs within the wait send nothing at all, not even a list.
			before := len(e.fake.Requests())
			for range 3 {
				e.advance(300 * time.Millisecond)
				runRecovery(t, q)
			}
			if n := len(e.fake.Requests()); n != before {
				t.Fatalf("%d requests during GitHub's wait", n-before)
			}
			if e.metrics.errs[recovery.ErrKindRateLimited] != 1 {
				t.Fatalf("errors %v: one rate limit counted more than once", e.metrics.errs)
			}
			// After it the run resumes, the refused one included.
			time.Sleep(1100 * time.Millisecond)
			e.advance(time.Second)
			runRecovery(t, q)
			if got := e.fake.Redelivered(); !slices.Equal(got, []int64{1, 2, 3, 4}) {
				t.Fatalf("after the wait redelivered %v", got)
			}
		})
	}
}

// TestRecoveryAcrossInstances: two instances sharing a store (a leader
// change while the old leader's run is still going) run at once; each
// missed delivery is asked for once in all. Postgres only: a SQLite store
// serves one process (lockStore).
func TestRecoveryAcrossInstances(t *testing.T) {
	shared := stores()[1:]
	if len(shared) == 0 {
		t.Skip("PRODREADY_TEST_POSTGRES_URL not set")
	}
	for _, sc := range shared {
		t.Run(sc.name, func(t *testing.T) {
			e := newRecoveryEnv(t)
			for i := range 12 {
				e.add(int64(i+1), string(rune('a'+i)), "pull_request", "opened", 0, 60-i)
			}
			cfg := sc.cfg(t)
			q1 := openWithRecovery(t, cfg, e.config(time.Minute, 0))
			q2 := openWithRecovery(t, cfg, e.config(time.Minute, 0))
			var wg sync.WaitGroup
			for _, q := range []*Queue{q1, q2} {
				wg.Go(func() {
					if _, err := q.st.recoverer().Run(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			got := e.fake.Redelivered()
			slices.Sort(got)
			if want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; !slices.Equal(got, want) {
				t.Fatalf("redelivered %v, want each once: %v", got, want)
			}
			if e.metrics.found[recovery.ReasonMissing] != 12 {
				t.Fatalf("found %v, want each counted once", e.metrics.found)
			}
		})
	}
}

func TestRecoveryOffWhenIntervalIsZero(t *testing.T) {
	e := newRecoveryEnv(t)
	e.add(1, "a", "pull_request", "opened", 500, 10)
	q := openWithRecovery(t, stores()[0].cfg(t), e.config(0, 0))
	if q.Recovering() {
		t.Fatal("recovery scheduled with a zero interval")
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := len(e.fake.Requests()); n != 0 {
		t.Fatalf("%d requests to GitHub with recovery off", n)
	}
	rc := e.config(time.Minute, 0)
	rc.Source = nil
	if q := openWithRecovery(t, stores()[0].cfg(t), rc); q.Recovering() {
		t.Fatal("recovery scheduled without a Source")
	}
}

// TestRecoveryRunsAsPeriodicJob lets River schedule it: the elected leader
// inserts the job every interval and a worker runs it.
func TestRecoveryRunsAsPeriodicJob(t *testing.T) {
	e := newRecoveryEnv(t)
	e.add(1, "a", "pull_request", "opened", 500, 10)
	rc := e.config(time.Second, 0)
	rc.Now = nil // River runs it later, on the real clock
	q := openWithRecovery(t, stores()[0].cfg(t), rc)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a redelivery requested by the periodic job", func() bool { return len(e.fake.Redelivered()) == 1 })
	waitFor(t, "a second periodic run", func() bool { return e.fake.CountRequests(githubtest.Route("GET /app/hook/deliveries")) >= 2 })
	if got := e.fake.Redelivered(); len(got) != 1 {
		t.Fatalf("redelivered %v, want once", got)
	}
	js, err := q.st.jobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range js {
		if j.Kind == kindRecover {
			n++
		}
	}
	if n < 2 {
		t.Fatalf("%d recovery jobs, want at least 2", n)
	}
}

func TestRecoveryConfigRejected(t *testing.T) {
	e := newRecoveryEnv(t)
	for _, rc := range []recovery.Config{
		{Source: e.app, Interval: time.Millisecond},
		{Source: e.app, Interval: time.Minute, Window: 100 * time.Hour},
		{Source: e.app, Interval: time.Minute, Max: -3},
		{Source: e.app, Interval: time.Minute, Max: 300, Gap: 10 * time.Second}, // a run would outlast the rescue delay
	} {
		cfg := stores()[0].cfg(t)
		cfg.Recovery = rc
		if _, err := Open(context.Background(), cfg, newFakeRunner(), fakeFactory{}); err == nil {
			t.Errorf("Open with recovery %+v succeeded", rc)
		}
	}
}

func TestPruneForgetsOldRedeliveries(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			e := newRecoveryEnv(t)
			e.add(1, "a", "pull_request", "opened", 500, 10)
			q := openWithRecovery(t, sc.cfg(t), e.config(time.Minute, 0))
			runRecovery(t, q)
			rs := recoveryStoreOf(t, q)
			ctx := context.Background()
			if fresh, err := rs.Note(ctx, []string{"a"}, e.now); err != nil || len(fresh) != 0 {
				t.Fatalf("a is not remembered: %v, %v", fresh, err)
			}
			if _, err := pruneOf(t, q)(ctx, e.now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if fresh, err := rs.Note(ctx, []string{"a"}, e.now); err != nil || !fresh["a"] {
				t.Fatalf("a survived the prune: %v, %v", fresh, err)
			}
		})
	}
}

func recoveryStoreOf(t *testing.T, q *Queue) recovery.Store {
	t.Helper()
	switch s := q.st.(type) {
	case interface{ recoveryStore() recovery.Store }:
		return s.recoveryStore()
	}
	t.Fatalf("store %T has no recovery store", q.st)
	return nil
}

func pruneOf(t *testing.T, q *Queue) func(context.Context, time.Time) (int64, error) {
	t.Helper()
	switch s := q.st.(type) {
	case interface {
		prune(context.Context, time.Time) (int64, error)
	}:
		return s.prune
	}
	t.Fatalf("store %T cannot prune", q.st)
	return nil
}
