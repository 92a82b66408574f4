package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/recovery"
)

// Outcomes of one analysis attempt, as reported to Metrics.
const (
	OutcomeSuccess   = "success"
	OutcomeSnoozed   = "snoozed"   // GitHub asked us to wait
	OutcomeRetry     = "retry"     // failed; River retries with backoff
	OutcomeFailed    = "failed"    // failed on the last attempt: discarded
	OutcomeCancelled = "cancelled" // will never succeed, or gave up waiting
	OutcomeShutdown  = "shutdown"  // interrupted by Stop; back to the queue
)

// Why a job was cancelled, as reported to Metrics.ObserveCancel; a job
// GitHub refused for good reports its analysis.RefusedError's Reason
// (forbidden, unauthorized, unprocessable, bad_request, gone, refused).
const (
	CancelNotFound    = "not_found"    // the PR, repository or installation is gone (404)
	CancelRateLimited = "rate_limited" // GitHub asked us to wait more than MaxSnoozes times
)

// minRateLimitWait is what GitHub's docs ask for when a rate-limit answer
// carries neither retry-after nor x-ratelimit-reset.
const minRateLimitWait = time.Minute

type analysisWorker struct {
	river.WorkerDefaults[analysisArgs]
	runner     analysis.Runner
	timeout    time.Duration
	maxSnoozes int
	metrics    Metrics
	logger     *slog.Logger
}

// Timeout is finite on purpose: River rescues a job left running by a dead
// process only when its worker has a timeout.
func (w *analysisWorker) Timeout(*river.Job[analysisArgs]) time.Duration { return w.timeout }

func (w *analysisWorker) Work(ctx context.Context, job *river.Job[analysisArgs]) error {
	a := job.Args
	log := w.logger.With(
		slog.Int64("job_id", job.ID),
		slog.Int("attempt", job.Attempt),
		slog.String("delivery_id", a.DeliveryID),
		slog.String("reason", a.Reason),
		slog.Int64("installation", a.InstallationID),
		slog.String("repo", a.Repo.String()),
		slog.Int("pr", a.PR),
		slog.String("head_sha", a.HeadSHA),
	)
	start := time.Now()
	err := w.runner.Analyze(ctx, a.job())
	outcome, reason, ret := w.judge(ctx, job.JobRow, err)
	w.metrics.ObserveAnalysis(outcome, time.Since(start))
	if outcome == OutcomeCancelled {
		w.metrics.ObserveCancel(reason)
	}
	switch outcome {
	case OutcomeSuccess:
		log.InfoContext(ctx, "analysis done", slog.Duration("took", time.Since(start)))
	case OutcomeSnoozed:
		var snooze *rivertype.JobSnoozeError
		errors.As(ret, &snooze)
		log.WarnContext(ctx, "analysis snoozed: GitHub asked us to wait",
			slog.Duration("wait", snooze.Duration), slog.String("error", err.Error()))
	case OutcomeShutdown:
		log.InfoContext(ctx, "analysis interrupted by shutdown; back to the queue")
	case OutcomeRetry:
		log.WarnContext(ctx, "analysis failed; River will retry", slog.String("error", err.Error()))
	case OutcomeCancelled:
		log.WarnContext(ctx, "analysis cancelled: GitHub refused it for good; not retried",
			slog.String("cancel_reason", reason), slog.String("error", err.Error()))
	default:
		log.ErrorContext(ctx, "analysis failed", slog.String("outcome", outcome), slog.String("error", err.Error()))
	}
	return ret
}

// judge maps the Runner's error to what River should do with the job and,
// for a cancelled job, why.
func (w *analysisWorker) judge(ctx context.Context, job *rivertype.JobRow, err error) (outcome, reason string, ret error) {
	if err == nil {
		return OutcomeSuccess, "", nil
	}
	var ra *analysis.RetryAfterError
	if errors.As(err, &ra) {
		if n := snoozeCount(job); n >= w.maxSnoozes {
			// Snoozing does not use up attempts; without a cap a
			// repository GitHub always throttles would wait forever.
			return OutcomeCancelled, CancelRateLimited, river.JobCancel(fmt.Errorf("gave up after GitHub asked to wait %d times: %w", n, err))
		}
		return OutcomeSnoozed, "", river.JobSnooze(snoozeFor(ra.Wait))
	}
	if reason, ok := permanent(err); ok {
		// Retrying cannot help: the job ends on its first attempt.
		return OutcomeCancelled, reason, river.JobCancel(err)
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) &&
		!errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely) {
		// Stop cancelled the job: put it back without spending an attempt.
		// (A timeout is DeadlineExceeded and counts as a failed attempt.)
		return OutcomeShutdown, "", river.JobSnooze(0)
	}
	if job.Attempt >= job.MaxAttempts {
		return OutcomeFailed, "", err
	}
	return OutcomeRetry, "", err
}

// permanent recognises errors no retry can cure: the PR, repository or
// installation is gone, or GitHub refused the request for good.
func permanent(err error) (reason string, ok bool) {
	if errors.Is(err, analysis.ErrNotFound) {
		return CancelNotFound, true
	}
	var refused *analysis.RefusedError
	if errors.As(err, &refused) {
		return refused.Reason(), true
	}
	return "", false
}

// snoozeFor never waits less than GitHub asked. It adds a second for clock
// skew against x-ratelimit-reset and up to 10% jitter (at most 30 s) so that
// jobs throttled together do not all return in the same instant.
func snoozeFor(wait time.Duration) time.Duration {
	if wait <= 0 {
		wait = minRateLimitWait
	}
	jitter := min(wait/10, 30*time.Second)
	d := wait + time.Second
	if jitter > 0 {
		d += rand.N(jitter)
	}
	return d
}

func snoozeCount(job *rivertype.JobRow) int {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	if len(job.Metadata) == 0 || json.Unmarshal(job.Metadata, &m) != nil {
		return 0
	}
	return m.Snoozes
}

// resolveWorker finds the open pull requests of a check suite that arrived
// without them (pushes to forks) and queues an analysis for each.
type resolveWorker struct {
	river.WorkerDefaults[resolveArgs]
	factory    analysis.ClientFactory
	insert     func(ctx context.Context, jobs []analysisArgs) (insertCount, error)
	timeout    time.Duration
	maxSnoozes int
	logger     *slog.Logger
}

func (w *resolveWorker) Timeout(*river.Job[resolveArgs]) time.Duration { return w.timeout }

func (w *resolveWorker) Work(ctx context.Context, job *river.Job[resolveArgs]) error {
	a := job.Args
	log := w.logger.With(
		slog.Int64("job_id", job.ID),
		slog.String("delivery_id", a.DeliveryID),
		slog.Int64("installation", a.InstallationID),
		slog.String("repo", a.Repo.String()),
		slog.String("head_sha", a.HeadSHA),
	)
	prs, err := w.find(ctx, a)
	if err != nil {
		var ra *analysis.RetryAfterError
		switch {
		case errors.As(err, &ra):
			if n := snoozeCount(job.JobRow); n >= w.maxSnoozes {
				return river.JobCancel(fmt.Errorf("gave up after GitHub asked to wait %d times: %w", n, err))
			}
			return river.JobSnooze(snoozeFor(ra.Wait))
		}
		if reason, ok := permanent(err); ok {
			log.WarnContext(ctx, "check suite resolution cancelled: GitHub refused it for good; not retried",
				slog.String("cancel_reason", reason), slog.String("error", err.Error()))
			return river.JobCancel(err)
		}
		return err
	}
	jobs := make([]analysisArgs, 0, len(prs))
	for _, pr := range prs {
		jobs = append(jobs, newAnalysisArgs(analysis.Job{
			InstallationID: a.InstallationID,
			Repo:           a.Repo,
			PR:             pr,
			HeadSHA:        a.HeadSHA,
			DeliveryID:     a.DeliveryID,
			Reason:         a.Reason,
			Force:          a.Force,
		}))
	}
	res, err := w.insert(ctx, jobs)
	if err != nil {
		return fmt.Errorf("queue analyses for %s@%s: %w", a.Repo, a.HeadSHA, err)
	}
	log.InfoContext(ctx, "check suite resolved", slog.Any("prs", prs),
		slog.Int("inserted", res.inserted), slog.Int("deduped", res.deduped))
	return nil
}

func (w *resolveWorker) find(ctx context.Context, a resolveArgs) ([]int, error) {
	gh, err := w.factory.ForInstallation(ctx, a.InstallationID)
	if err != nil {
		return nil, fmt.Errorf("client for installation %d: %w", a.InstallationID, err)
	}
	prs, err := gh.PullRequestsForCommit(ctx, a.Repo, a.HeadSHA)
	if err != nil {
		return nil, fmt.Errorf("pull requests for %s@%s: %w", a.Repo, a.HeadSHA, err)
	}
	return prs, nil
}

// pruneWorker forgets delivery ids older than the redelivery window, after
// which GitHub can no longer send them again.
type pruneWorker struct {
	river.WorkerDefaults[pruneArgs]
	prune     func(ctx context.Context, before time.Time) (int64, error)
	retention time.Duration
	logger    *slog.Logger
}

func (w *pruneWorker) Timeout(*river.Job[pruneArgs]) time.Duration { return time.Minute }

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[pruneArgs]) error {
	n, err := w.prune(ctx, time.Now().Add(-w.retention))
	if err != nil {
		return err
	}
	if n > 0 {
		w.logger.InfoContext(ctx, "pruned old delivery ids", slog.Int64("count", n))
	}
	return nil
}

// recoverWorker runs one pass of the missed-delivery recovery.
type recoverWorker struct {
	river.WorkerDefaults[recoverArgs]
	rec    *recovery.Recoverer
	logger *slog.Logger
}

func (w *recoverWorker) Timeout(*river.Job[recoverArgs]) time.Duration { return w.rec.Timeout() }

func (w *recoverWorker) Work(ctx context.Context, _ *river.Job[recoverArgs]) error {
	start := time.Now()
	st, err := w.rec.Run(ctx)
	attrs := []slog.Attr{
		slog.Int("pages", st.Pages), slog.Int("listed", st.Listed), slog.Int("relevant", st.Relevant),
		slog.Int("failed", st.Failed), slog.Int("received_anyway", st.Received), slog.Int("found", st.Found),
		slog.Int("requested", st.Requested), slog.Int("recently_requested", st.Recent),
		slog.Int("deferred", st.Deferred), slog.Int("errors", st.Errors),
		slog.Duration("took", time.Since(start)),
	}
	if !st.Paused.IsZero() {
		attrs = append(attrs, slog.Time("paused_until", st.Paused))
	}
	level, msg := slog.LevelDebug, "delivery recovery: nothing missed"
	switch {
	case err != nil:
		level, msg = slog.LevelWarn, "delivery recovery failed"
		attrs = append(attrs, slog.String("error", err.Error()))
	case !st.Paused.IsZero():
		level, msg = slog.LevelWarn, "delivery recovery paused: GitHub asked us to wait"
	case st.Truncated:
		level, msg = slog.LevelWarn, "delivery recovery: page bound reached before the window's start; older deliveries not examined"
	case st.Found > 0 || st.Requested > 0 || st.Errors > 0 || st.Deferred > 0:
		level, msg = slog.LevelInfo, "delivery recovery done"
	}
	w.logger.LogAttrs(ctx, level, msg, attrs...)
	return err
}
