// Package queue is the App's durable job queue: River on an embedded SQLite
// file (one machine) or on Postgres (several machines). Webhook deliveries
// are recorded and their jobs inserted in one transaction, so that a
// redelivered webhook inserts nothing and one pull-request head is analysed
// once however many events name it. River's generic transaction type stays
// inside this package.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
	"github.com/prodready/prodready/internal/recovery"
)

// Defaults, sized for a 2-core machine: an analysis mostly waits on GitHub,
// whose best practices ask for few concurrent requests per installation.
const (
	DefaultWorkers           = 4
	DefaultJobTimeout        = 5 * time.Minute
	DefaultMaxAttempts       = 8
	DefaultMaxSnoozes        = 20
	DefaultDeliveryRetention = 8 * 24 * time.Hour // GHES redelivers up to 7 days back
	resolveTimeout           = time.Minute
	pruneInterval            = time.Hour
)

// ErrNotMigrated: the Postgres schema is missing or behind; run `app migrate`.
var ErrNotMigrated = errors.New("the Postgres schema is not migrated: run `app migrate` with the same DATABASE_URL")

// ErrInvalidJob: a job lacks a field the worker needs.
var ErrInvalidJob = errors.New("invalid job")

// Config chooses the store and sizes the workers. Zero values take defaults.
type Config struct {
	// DatabaseURL selects Postgres (postgres:// or postgresql://); empty
	// selects SQLite at SQLitePath.
	DatabaseURL string
	SQLitePath  string
	// Workers is how many analyses run at once on this process.
	Workers int
	// JobTimeout bounds one analysis attempt.
	JobTimeout time.Duration
	// RescueAfter is when a job still marked running is presumed orphaned
	// by a dead process and retried; must exceed JobTimeout.
	RescueAfter time.Duration
	// MaxAttempts bounds failed attempts (snoozes do not count).
	MaxAttempts int
	// MaxSnoozes bounds how often GitHub's "wait" is honoured before the
	// job is cancelled.
	MaxSnoozes int
	// DeliveryRetention is how long a delivery id is remembered.
	DeliveryRetention time.Duration
	// MaxConns caps the Postgres pool (default 10).
	MaxConns int32
	Logger   *slog.Logger
	Metrics  Metrics
	// Recovery configures the missed-delivery recovery, a periodic job on
	// the elected leader; off unless its Source is set and its Interval
	// positive. Its Logger defaults to Logger.
	Recovery recovery.Config
	// TestOnly skips River's start-up jitter; tests only.
	TestOnly bool
	// TestRetryBackoff, when set, replaces River's schedule for retrying a
	// failed attempt (attempt⁴ seconds: 1 s, 16 s, 81 s, …); it is given
	// the number of the attempt that failed. Tests only: it lets a script
	// of GitHub faults run through several retries in seconds.
	TestRetryBackoff func(attempt int) time.Duration
	// TestPollInterval, when set, is how often workers look for jobs whose
	// wait has passed (River's default is a second). Tests only.
	TestPollInterval time.Duration
}

// testRetryPolicy is River's retry policy for Config.TestRetryBackoff.
type testRetryPolicy struct {
	backoff func(attempt int) time.Duration
}

func (p testRetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(p.backoff(job.Attempt))
}

// Metrics is how the queue reports analyses; internal/server implements it.
type Metrics interface {
	ObserveAnalysis(outcome string, took time.Duration)
	// ObserveCancel counts a cancelled analysis by why: CancelNotFound,
	// CancelRateLimited or an analysis.RefusedError's Reason.
	ObserveCancel(reason string)
	// ObserveIntake reports one delivery's jobs moved from the intake
	// into River: how many were inserted, how many dropped as equal to a
	// job already there, whether the row was unreadable (and dropped),
	// and how long it waited since the delivery was accepted.
	ObserveIntake(inserted, deduplicated int, unreadable bool, waited time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) ObserveAnalysis(string, time.Duration)       {}
func (nopMetrics) ObserveCancel(string)                        {}
func (nopMetrics) ObserveIntake(int, int, bool, time.Duration) {}

// IsPostgres tells whether url selects the Postgres store.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// controlTimeout bounds the small control jobs (resolving a check suite's
// pull requests, pruning); never beyond an analysis's own timeout, so that
// RescueAfter > JobTimeout covers them too.
func (c Config) controlTimeout() time.Duration { return min(resolveTimeout, c.JobTimeout) }

func (c Config) withDefaults() (Config, error) {
	if c.DatabaseURL != "" && !IsPostgres(c.DatabaseURL) {
		return c, errors.New("database URL must start with postgres:// or postgresql://")
	}
	if c.DatabaseURL == "" && c.SQLitePath == "" {
		return c, errors.New("neither a Postgres URL nor a SQLite path is set")
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = DefaultJobTimeout
	}
	if c.RescueAfter <= 0 {
		c.RescueAfter = 2*c.JobTimeout + time.Minute
	}
	if c.RescueAfter <= c.JobTimeout {
		return c, fmt.Errorf("rescue delay %s must exceed the job timeout %s", c.RescueAfter, c.JobTimeout)
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.MaxSnoozes <= 0 {
		c.MaxSnoozes = DefaultMaxSnoozes
	}
	if c.DeliveryRetention <= 0 {
		c.DeliveryRetention = DefaultDeliveryRetention
	}
	if c.MaxConns <= 0 {
		c.MaxConns = 10
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = nopMetrics{}
	}
	if c.Recovery.Enabled() {
		if c.Recovery.Logger == nil {
			c.Recovery.Logger = c.Logger.With(slog.String("component", "recovery"))
		}
		if c.Recovery.Interval < time.Second {
			return c, fmt.Errorf("recovery interval %s must be at least a second", c.Recovery.Interval)
		}
		var err error
		if c.Recovery, err = c.Recovery.WithDefaults(); err != nil {
			return c, err
		}
		// River would take a run still going at the rescue delay for one
		// left by a dead process.
		if t := c.Recovery.RunTimeout(); t >= c.RescueAfter {
			return c, fmt.Errorf("a recovery run may take %s, beyond the rescue delay %s: lower its maximum", t, c.RescueAfter)
		}
	}
	return c, nil
}

// Queue is the durable queue. Open it, Start it to run workers, Stop it.
type Queue struct {
	st    store
	cfg   Config
	store string // "sqlite" or "postgres", for messages

	mu      sync.Mutex
	started bool
	stopped bool

	// gc groups the transactions of concurrent Enqueue calls and runs
	// the mover's between them.
	gc *groupCommit
	// kick wakes the mover when a delivery has put jobs in the intake.
	kick  chan struct{}
	mover *mover
}

// Open connects to the store. SQLite is migrated on the spot (one process
// owns the file). Postgres is only checked: several instances share it, and
// River's migrator takes no lock, so migrations there are an explicit step.
func Open(ctx context.Context, cfg Config, runner analysis.Runner, factory analysis.ClientFactory) (*Queue, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if runner == nil || factory == nil {
		return nil, errors.New("queue: a Runner and a ClientFactory are required")
	}
	q := &Queue{cfg: cfg}
	if IsPostgres(cfg.DatabaseURL) {
		q.store = "postgres"
		pool, err := openPostgres(ctx, cfg.DatabaseURL, cfg.MaxConns)
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		d, drv := postgresDialect{pool}, riverpgxv5.New(pool)
		if err := checkSchema(ctx, drv, d); err != nil {
			d.close()
			return nil, fmt.Errorf("queue: %w", err)
		}
		q.st, err = newRiverStore(drv, d, cfg, runner, factory)
		if err != nil {
			d.close()
			return nil, fmt.Errorf("queue: %w", err)
		}
		q.initIntake()
		return q, nil
	}
	q.store = "sqlite"
	d, err := openSQLite(ctx, cfg.SQLitePath)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	drv := riversqlite.New(d.db)
	if _, err := migrateAll(ctx, drv, d, cfg.Logger); err != nil {
		d.close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	if storeLocked {
		if err := rescueOrphans(ctx, drv, cfg.Logger); err != nil {
			d.close()
			return nil, fmt.Errorf("queue: %w", err)
		}
	}
	q.st, err = newRiverStore(drv, d, cfg, runner, factory)
	if err != nil {
		d.close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	q.initIntake()
	return q, nil
}

func (q *Queue) initIntake() {
	q.gc = newGroupCommit(q.st.submit, groupCommitMax, q.commitSlots())
	q.kick = make(chan struct{}, 1)
}

// MigrateResult lists the migration versions a Migrate run applied.
type MigrateResult struct {
	River []int
	Own   []int
}

// Migrate brings the store's schema up to date; re-runs are no-ops. Run it
// from one place at a time (a deploy step), not from every instance.
func Migrate(ctx context.Context, cfg Config) (MigrateResult, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate: %w", err)
	}
	if IsPostgres(cfg.DatabaseURL) {
		pool, err := openPostgres(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return MigrateResult{}, fmt.Errorf("migrate: %w", err)
		}
		defer pool.Close()
		return migrateAll(ctx, riverpgxv5.New(pool), postgresDialect{pool}, cfg.Logger)
	}
	d, err := openSQLite(ctx, cfg.SQLitePath)
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate: %w", err)
	}
	defer d.close()
	return migrateAll(ctx, riversqlite.New(d.db), d, cfg.Logger)
}

func migrateAll[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], d dialect[TTx], logger *slog.Logger) (MigrateResult, error) {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: quiet(logger)})
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate River: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate River: %w", err)
	}
	var out MigrateResult
	for _, v := range res.Versions {
		out.River = append(out.River, v.Version)
	}
	if out.Own, err = d.migrateOwn(ctx); err != nil {
		return out, err
	}
	return out, nil
}

func checkSchema[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], d dialect[TTx]) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	if !res.OK {
		return fmt.Errorf("%w (River: %s)", ErrNotMigrated, strings.Join(res.Messages, "; "))
	}
	missing, err := d.missingOwn(ctx)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w (prodready: unapplied migrations %v)", ErrNotMigrated, missing)
	}
	return nil
}

func newRiverStore[TTx any](drv riverdriver.Driver[TTx], d dialect[TTx], cfg Config, runner analysis.Runner, factory analysis.ClientFactory) (*riverStore[TTx], error) {
	s := &riverStore[TTx]{db: d, now: time.Now}
	logger := cfg.Logger.With(slog.String("component", "queue"))
	workers := river.NewWorkers()
	river.AddWorker(workers, &analysisWorker{
		runner: runner, timeout: cfg.JobTimeout, maxSnoozes: cfg.MaxSnoozes, metrics: cfg.Metrics, logger: logger,
	})
	river.AddWorker(workers, &resolveWorker{
		factory: factory, insert: s.insertAnalyses, timeout: cfg.controlTimeout(), maxSnoozes: cfg.MaxSnoozes, logger: logger,
	})
	river.AddWorker(workers, &pruneWorker{prune: s.prune, retention: cfg.DeliveryRetention, logger: logger})
	periodic := []*river.PeriodicJob{river.NewPeriodicJob(
		river.PeriodicInterval(pruneInterval),
		func() (river.JobArgs, *river.InsertOpts) { return pruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: kindPrune, RunOnStart: true},
	)}
	if cfg.Recovery.Enabled() {
		rec, err := recovery.New(cfg.Recovery, s.recoveryStore())
		if err != nil {
			return nil, err
		}
		s.rec = rec
		river.AddWorker(workers, &recoverWorker{rec: rec, logger: cfg.Recovery.Logger})
		// Not RunOnStart: every leader election would run it at once, and
		// a process that only lives briefly (tests, a crash loop) would
		// call GitHub each time. The first pass comes one interval in.
		periodic = append(periodic, river.NewPeriodicJob(
			river.PeriodicInterval(cfg.Recovery.Interval),
			func() (river.JobArgs, *river.InsertOpts) { return recoverArgs{}, nil },
			&river.PeriodicJobOpts{ID: kindRecover},
		))
	}
	rc := &river.Config{
		Logger:               quiet(cfg.Logger),
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{queueAnalysis: {MaxWorkers: cfg.Workers}, queueControl: {MaxWorkers: 2}},
		JobTimeout:           cfg.controlTimeout(),
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          cfg.MaxAttempts,
		PeriodicJobs:         periodic,
		TestOnly:             cfg.TestOnly,
	}
	if cfg.TestRetryBackoff != nil {
		rc.RetryPolicy = testRetryPolicy{backoff: cfg.TestRetryBackoff}
	}
	if cfg.TestPollInterval > 0 {
		rc.FetchPollInterval = cfg.TestPollInterval
		rc.FetchCooldown = min(cfg.TestPollInterval, river.FetchCooldownDefault)
	}
	client, err := river.NewClient(drv, rc)
	if err != nil {
		return nil, fmt.Errorf("create River client: %w", err)
	}
	s.client = client
	return s, nil
}

// Recovering reports whether the missed-delivery recovery is scheduled.
func (q *Queue) Recovering() bool { return q.st.recoverer() != nil }

// Store names the backing store ("sqlite" or "postgres").
func (q *Queue) Store() string { return q.store }

// Start runs the workers until Stop. ctx scopes only the start-up: the
// process's signal context must not cancel running analyses behind Stop's
// back, so the workers run on a context detached from it.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return errors.New("queue: start after stop")
	}
	if q.started {
		return nil
	}
	if err := q.st.start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	q.mover = &mover{
		st: q.st, gc: q.gc, kick: q.kick, metrics: q.cfg.Metrics,
		logger: q.cfg.Logger.With(slog.String("component", "queue")),
		stop:   make(chan struct{}), done: make(chan struct{}), maxDefer: moveMaxDefer,
	}
	go q.mover.run(context.WithoutCancel(ctx))
	q.started = true
	return nil
}

// hardStopGrace is how long cancelled jobs get to hand their result back
// once Stop's own deadline has passed.
const hardStopGrace = 5 * time.Second

// Stop stops fetching jobs and waits for running ones until ctx is done;
// then it cancels them (they go back to the queue without spending an
// attempt) and waits a few seconds more. It closes the store either way.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return nil
	}
	q.stopped = true
	defer q.st.close()
	if !q.started {
		return nil
	}
	// The mover first, while River still runs: a move under way finishes
	// and what is left stays in the intake for the next start.
	close(q.mover.stop)
	select {
	case <-q.mover.done:
	case <-ctx.Done():
	}
	err := q.st.stop(ctx)
	if err == nil {
		return nil
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopGrace)
	defer cancel()
	if herr := q.st.stopAndCancel(hctx); herr != nil {
		return fmt.Errorf("queue: stop: jobs did not finish in time (%v) nor after cancellation: %w", err, herr)
	}
	return fmt.Errorf("queue: stop: running jobs were cancelled: %w", err)
}

// Enqueue records deliveryID and queues jobs in one transaction. A delivery
// seen before queues nothing (Result.Duplicate). The jobs wait in the
// intake until the mover, started by Start, puts them into River; a job
// equal to one queued, running or completed within the retention period
// is dropped then. A nil error means the transaction committed.
func (q *Queue) Enqueue(ctx context.Context, deliveryID string, jobs ...analysis.Job) (intake.Result, error) {
	if deliveryID == "" {
		return intake.Result{}, fmt.Errorf("queue: %w: empty delivery id", ErrInvalidJob)
	}
	r := request{deliveryID: deliveryID}
	for _, j := range jobs {
		if err := validJob(j); err != nil {
			return intake.Result{}, fmt.Errorf("queue: %w", err)
		}
		r.analyses = append(r.analyses, newAnalysisArgs(j))
	}
	return q.submitOne(ctx, r)
}

// EnqueueResolve is Enqueue for a check suite whose pull requests a worker
// must look up first.
func (q *Queue) EnqueueResolve(ctx context.Context, deliveryID string, s intake.Suite) (intake.Result, error) {
	if deliveryID == "" {
		return intake.Result{}, fmt.Errorf("queue: %w: empty delivery id", ErrInvalidJob)
	}
	if s.InstallationID <= 0 || s.Repo.Owner == "" || s.Repo.Name == "" || s.HeadSHA == "" {
		return intake.Result{}, fmt.Errorf("queue: %w: suite needs installation, repository and head SHA", ErrInvalidJob)
	}
	return q.submitOne(ctx, request{deliveryID: deliveryID, resolves: []resolveArgs{newResolveArgs(deliveryID, s)}})
}

func (q *Queue) submitOne(ctx context.Context, r request) (intake.Result, error) {
	res, err := q.gc.do(ctx, r)
	if err != nil {
		return intake.Result{}, fmt.Errorf("queue: %w", err)
	}
	if res.Jobs > 0 {
		select {
		case q.kick <- struct{}{}:
		default: // the mover is already due to look
		}
	}
	return res, nil
}

// groupCommitMax bounds the deliveries committed in one transaction.
const groupCommitMax = 256

// commitSlots is how many webhook transactions run at once: one on SQLite
// (one writer), several on Postgres, leaving most of the pool to River.
func (q *Queue) commitSlots() int {
	if q.store == "postgres" {
		return max(1, int(q.cfg.MaxConns)/3)
	}
	return 1
}

func validJob(j analysis.Job) error {
	switch {
	case j.InstallationID <= 0:
		return fmt.Errorf("%w: no installation id", ErrInvalidJob)
	case j.Repo.Owner == "" || j.Repo.Name == "":
		return fmt.Errorf("%w: no repository", ErrInvalidJob)
	case j.PR <= 0:
		return fmt.Errorf("%w: no pull request number", ErrInvalidJob)
	case j.HeadSHA == "":
		return fmt.Errorf("%w: no head SHA", ErrInvalidJob)
	}
	return nil
}

// Ready reports whether the store answers a query on the queue's tables.
func (q *Queue) Ready(ctx context.Context) error {
	if err := q.st.ping(ctx); err != nil {
		return fmt.Errorf("queue %s: %w", q.store, err)
	}
	return nil
}

// JobCounts counts jobs by River state, every state present (zero or not)
// so that a metric does not vanish when its count drops to zero.
func (q *Queue) JobCounts(ctx context.Context) (map[string]int, error) {
	counts, err := q.st.jobCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", q.store, err)
	}
	for _, s := range rivertype.JobStates() {
		if _, ok := counts[string(s)]; !ok {
			counts[string(s)] = 0
		}
	}
	return counts, nil
}

// IntakeBacklog counts accepted deliveries whose jobs are not in River yet.
func (q *Queue) IntakeBacklog(ctx context.Context) (int, error) {
	n, err := q.st.intakeBacklog(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue %s: %w", q.store, err)
	}
	return n, nil
}

// quiet passes River only warnings and errors: at info it logs every
// start, stop and election, which drowns the App's own logs.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(minLevel{l.Handler(), slog.LevelWarn}).With(slog.String("component", "river"))
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// Compile-time checks that both dialects fit their driver's transaction type.
var (
	_ dialect[*sql.Tx] = sqliteDialect{}
	_ dialect[pgx.Tx]  = postgresDialect{}
)
