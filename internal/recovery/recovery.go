// Package recovery finds webhook deliveries that GitHub failed to hand to
// the App (it was down, slow or answered an error) and asks GitHub to send
// them again: GitHub never redelivers on its own. It lists the App's recent
// deliveries (GET /app/hook/deliveries), keeps the events the App acts on,
// and requests a redelivery (POST /app/hook/deliveries/{id}/attempts) for
// each delivery GUID that has no successful attempt and that the App did not
// record either. The webhook's delivery-id dedupe absorbs any repeat.
//
// The package knows neither River nor go-github: the queue runs Run as a
// periodic job on the elected leader, over a Store it implements, and the
// GitHub client implements Source.
package recovery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/prodready/prodready/internal/analysis"
)

// Defaults and bounds of Config.
const (
	DefaultInterval = 5 * time.Minute
	DefaultWindow   = 3 * time.Hour
	// MaxWindow is how far back github.com keeps deliveries.
	MaxWindow   = 72 * time.Hour
	DefaultMax  = 50
	MaxPerRun   = 300         // five minutes of requests at DefaultGap
	DefaultGap  = time.Second // GitHub's guidance between writes
	perPage     = 100         // GitHub's maximum
	defaultPage = 30          // pages read at most per run: 3,000 deliveries
	// defaultCooldown spaces two redelivery requests for one GUID: a
	// redelivery normally lands within seconds, so one still failing after
	// this long failed again (the App is still unreachable, or refuses it).
	defaultCooldown = 30 * time.Minute
	// defaultAttempts bounds the requests for one GUID: a delivery the App
	// refuses for good (a malformed payload) is not asked for forever.
	defaultAttempts = 3
	// maxConsecutiveErrors ends a run whose requests keep failing.
	maxConsecutiveErrors = 3
)

// HookDelivery is one attempt of the App's webhook, as GitHub lists it. A
// redelivery is a new attempt with a new ID and the same GUID (the
// X-GitHub-Delivery header).
type HookDelivery struct {
	ID             int64
	GUID           string
	Event          string
	Action         string
	StatusCode     int // the App's answer; 0 when none arrived (refused, timed out)
	Redelivery     bool
	DeliveredAt    time.Time
	InstallationID int64
	RepositoryID   int64
}

// Source is GitHub as the job sees it: the App's (JWT-authenticated)
// delivery log. Errors follow the ghclient conventions: a rate limit is an
// *analysis.RetryAfterError, a vanished delivery wraps analysis.ErrNotFound
// and a retryable failure has a Transient() bool method returning true.
type Source interface {
	// ListHookDeliveries returns one page, newest first, and the cursor of
	// the next page ("" after the last).
	ListHookDeliveries(ctx context.Context, cursor string, perPage int) ([]HookDelivery, string, error)
	// RedeliverHookDelivery asks GitHub to send the delivery id again.
	RedeliverHookDelivery(ctx context.Context, id int64) error
}

// Store is the App's memory of deliveries, shared by all its instances.
type Store interface {
	// Received returns those of guids the webhook recorded (and committed).
	Received(ctx context.Context, guids []string) (map[string]bool, error)
	// Note records guids as found missing and returns those not recorded
	// before, so that each missed delivery is counted once.
	Note(ctx context.Context, guids []string, now time.Time) (map[string]bool, error)
	// Claim atomically takes the right to request a redelivery of guid: it
	// succeeds only when the last claim is older than staleBefore and fewer
	// than maxAttempts were made. Only the claimer sends the request.
	Claim(ctx context.Context, guid string, now, staleBefore time.Time, maxAttempts int) (bool, error)
	// Release undoes a claim whose request GitHub did not take.
	Release(ctx context.Context, guid string) error
}

// Metrics counts what the job does; internal/server implements it.
type Metrics interface {
	// RecoveryFound counts a delivery found failed ("failed": the App
	// answered an error) or missing ("missing": no answer reached GitHub),
	// once per delivery GUID.
	RecoveryFound(reason string)
	// RecoveryRedelivered counts redeliveries GitHub accepted.
	RecoveryRedelivered()
	// RecoveryError counts failures by kind: rate_limited, list,
	// redeliver, store.
	RecoveryError(kind string)
}

// Found reasons and error kinds reported to Metrics.
const (
	ReasonFailed       = "failed"
	ReasonMissing      = "missing"
	ErrKindRateLimited = "rate_limited"
	ErrKindList        = "list"
	ErrKindRedeliver   = "redeliver"
	ErrKindStore       = "store"
)

type nopMetrics struct{}

func (nopMetrics) RecoveryFound(string) {}
func (nopMetrics) RecoveryRedelivered() {}
func (nopMetrics) RecoveryError(string) {}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Config configures the job. The zero value is off.
type Config struct {
	// Source is the App's delivery log; nil turns the job off.
	Source Source
	// Interval between runs; zero or negative turns the job off.
	Interval time.Duration
	// Window is how far back a run looks (default DefaultWindow, at most
	// MaxWindow).
	Window time.Duration
	// Max bounds the redeliveries requested per run (default DefaultMax).
	Max int
	// Gap spaces the redelivery requests (default DefaultGap).
	Gap time.Duration
	// MaxPages bounds the pages of 100 deliveries read per run.
	MaxPages int
	// Cooldown and MaxAttempts bound the requests for one delivery GUID.
	Cooldown    time.Duration
	MaxAttempts int
	Metrics     Metrics
	Logger      *slog.Logger
	// Now and Sleep stand in for the clock in tests.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Enabled reports whether the job should be scheduled at all.
func (c Config) Enabled() bool { return c.Source != nil && c.Interval > 0 }

// WithDefaults fills in zero values and checks the rest.
func (c Config) WithDefaults() (Config, error) {
	switch {
	case c.Window < 0 || c.Window > MaxWindow:
		return c, fmt.Errorf("recovery window %s must be positive and at most %s (GitHub keeps deliveries 3 days)", c.Window, MaxWindow)
	case c.Max < 0 || c.Max > MaxPerRun:
		return c, fmt.Errorf("recovery maximum %d must be from 1 to %d redeliveries per run", c.Max, MaxPerRun)
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Max == 0 {
		c.Max = DefaultMax
	}
	if c.Gap <= 0 {
		c.Gap = DefaultGap
	}
	if c.MaxPages <= 0 {
		c.MaxPages = defaultPage
	}
	if c.Cooldown <= 0 {
		c.Cooldown = defaultCooldown
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = defaultAttempts
	}
	if c.Metrics == nil {
		c.Metrics = nopMetrics{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleepCtx
	}
	return c, nil
}

// actionable lists, per event, the actions the webhook handler acts on
// (internal/webhook's routePullRequest, routeCheckSuite, routeCheckRun):
// redelivering any other would spend the budget on deliveries the handler
// ignores. Keep the two in step.
var actionable = map[string][]string{
	"pull_request": {"opened", "synchronize", "reopened", "ready_for_review"},
	"check_suite":  {"requested", "rerequested"},
	"check_run":    {"rerequested"},
}

// Relevant reports whether a delivery of event and action could make the
// App queue work.
func Relevant(event, action string) bool {
	return slices.Contains(actionable[event], action)
}

// Recoverer runs the job. It is safe for concurrent use, though the queue
// never runs two at once.
type Recoverer struct {
	cfg   Config
	store Store

	mu          sync.Mutex
	pausedUntil time.Time
}

// New checks cfg and binds it to store.
func New(cfg Config, store Store) (*Recoverer, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Source == nil || store == nil {
		return nil, errors.New("recovery: a Source and a Store are required")
	}
	return &Recoverer{cfg: cfg, store: store}, nil
}

// Timeout bounds one run: the spaced requests plus time to list.
func (r *Recoverer) Timeout() time.Duration { return r.cfg.RunTimeout() }

// RunTimeout is Timeout for a Config that WithDefaults filled in.
func (c Config) RunTimeout() time.Duration {
	return time.Duration(c.Max)*c.Gap + 2*time.Minute
}

// Stats says what one run did, for its log line and for tests.
type Stats struct {
	Pages     int // pages read
	Listed    int // attempts within the window
	Relevant  int // GUIDs of events the App acts on
	Failed    int // of those, GUIDs without a 2xx attempt
	Received  int // of those, GUIDs the App recorded anyway (answered late)
	Found     int // of the rest, GUIDs seen for the first time
	Requested int // redeliveries GitHub accepted
	Recent    int // GUIDs skipped: requested recently or too often already
	Deferred  int // GUIDs not tried: the per-run cap or a rate limit ended the run
	Errors    int // failed redelivery requests
	// Truncated: the page bound was reached before the window's start.
	Truncated bool
	// Paused: GitHub asked to wait until then (rate limit); the run ended
	// early, or was skipped, and the next one after it resumes.
	Paused time.Time
}

// guidState is every attempt of one delivery GUID within the window.
type guidState struct {
	guid       string
	latestID   int64
	firstAt    time.Time
	ok         bool
	lastStatus int
}

// Run does one pass. A rate limit ends it early without an error (the
// next run resumes); other errors end it with one.
func (r *Recoverer) Run(ctx context.Context) (Stats, error) {
	var st Stats
	now := r.cfg.Now()
	if until := r.paused(); now.Before(until) {
		st.Paused = until
		return st, nil
	}
	groups, err := r.list(ctx, now.Add(-r.cfg.Window), &st)
	if err != nil {
		return st, r.stopOn(err, ErrKindList, &st)
	}
	var failed []*guidState
	for _, g := range groups {
		if !g.ok {
			failed = append(failed, g)
		}
	}
	st.Failed = len(failed)
	if len(failed) == 0 {
		return st, nil
	}
	// Oldest first: the App sees events in the order they happened (opened
	// before synchronize), and the oldest are nearest to GitHub forgetting them.
	slices.SortFunc(failed, func(a, b *guidState) int {
		return cmp.Or(a.firstAt.Compare(b.firstAt), cmp.Compare(a.guid, b.guid))
	})
	guids := make([]string, len(failed))
	for i, g := range failed {
		guids[i] = g.guid
	}
	received, err := r.store.Received(ctx, guids)
	if err != nil {
		r.cfg.Metrics.RecoveryError(ErrKindStore)
		return st, fmt.Errorf("recovery: look up received deliveries: %w", err)
	}
	missing := failed[:0]
	guids = guids[:0]
	for _, g := range failed {
		if received[g.guid] {
			st.Received++
			continue
		}
		missing = append(missing, g)
		guids = append(guids, g.guid)
	}
	if len(missing) == 0 {
		return st, nil
	}
	fresh, err := r.store.Note(ctx, guids, now)
	if err != nil {
		r.cfg.Metrics.RecoveryError(ErrKindStore)
		return st, fmt.Errorf("recovery: note missed deliveries: %w", err)
	}
	for _, g := range missing {
		if fresh[g.guid] {
			st.Found++
			r.cfg.Metrics.RecoveryFound(reason(g.lastStatus))
		}
	}
	return st, r.redeliver(ctx, missing, now, &st)
}

func reason(status int) string {
	if status == 0 {
		return ReasonMissing
	}
	return ReasonFailed
}

// list pages through the delivery log, newest first, until it passes
// since, runs out or reaches the page bound, and groups the relevant
// attempts by GUID.
func (r *Recoverer) list(ctx context.Context, since time.Time, st *Stats) (map[string]*guidState, error) {
	groups := map[string]*guidState{}
	cursor := ""
	for st.Pages < r.cfg.MaxPages {
		page, next, err := r.cfg.Source.ListHookDeliveries(ctx, cursor, perPage)
		if err != nil {
			return nil, fmt.Errorf("recovery: list deliveries (page %d): %w", st.Pages+1, err)
		}
		st.Pages++
		passed := false
		for _, d := range page {
			if d.DeliveredAt.Before(since) {
				passed = true
				continue
			}
			st.Listed++
			if d.GUID == "" || d.ID <= 0 || !Relevant(d.Event, d.Action) {
				continue
			}
			g := groups[d.GUID]
			if g == nil {
				g = &guidState{guid: d.GUID, firstAt: d.DeliveredAt}
				groups[d.GUID] = g
			}
			if d.StatusCode >= 200 && d.StatusCode < 300 {
				g.ok = true
			}
			if d.DeliveredAt.Before(g.firstAt) {
				g.firstAt = d.DeliveredAt
			}
			if d.ID > g.latestID {
				g.latestID, g.lastStatus = d.ID, d.StatusCode
			}
		}
		if passed || next == "" {
			st.Relevant = len(groups)
			return groups, nil
		}
		cursor = next
	}
	st.Truncated = true
	st.Relevant = len(groups)
	return groups, nil
}

// redeliver requests the redeliveries, spaced and capped, each behind a
// claim so that no other run (on this or another instance) requests the
// same GUID within the cooldown.
func (r *Recoverer) redeliver(ctx context.Context, missing []*guidState, now time.Time, st *Stats) error {
	sent, consecutive := 0, 0
	for i, g := range missing {
		if sent >= r.cfg.Max {
			st.Deferred = len(missing) - i
			return nil
		}
		ok, err := r.store.Claim(ctx, g.guid, now, now.Add(-r.cfg.Cooldown), r.cfg.MaxAttempts)
		if err != nil {
			r.cfg.Metrics.RecoveryError(ErrKindStore)
			return fmt.Errorf("recovery: claim delivery %s: %w", g.guid, err)
		}
		if !ok {
			st.Recent++
			continue
		}
		if sent > 0 {
			if err := r.cfg.Sleep(ctx, r.cfg.Gap); err != nil {
				r.release(ctx, g.guid)
				return fmt.Errorf("recovery: %w", err)
			}
		}
		sent++
		err = r.cfg.Source.RedeliverHookDelivery(ctx, g.latestID)
		if err == nil {
			consecutive = 0
			st.Requested++
			r.cfg.Metrics.RecoveryRedelivered()
			r.cfg.Logger.InfoContext(ctx, "requested a redelivery", slog.String("delivery_id", g.guid),
				slog.Int64("hook_delivery", g.latestID), slog.Int("last_status", g.lastStatus),
				slog.Time("first_delivered_at", g.firstAt))
			continue
		}
		if ctx.Err() != nil {
			r.release(ctx, g.guid)
			return fmt.Errorf("recovery: %w", err)
		}
		var ra *analysis.RetryAfterError
		if errors.As(err, &ra) {
			r.release(ctx, g.guid)
			st.Deferred = len(missing) - i
			return r.stopOn(err, ErrKindRedeliver, st)
		}
		st.Errors++
		consecutive++
		r.cfg.Metrics.RecoveryError(ErrKindRedeliver)
		// A transient failure did not reach GitHub for sure: free the GUID
		// for the next run. Anything else (404, 422: gone or refused)
		// keeps the claim, which counts against MaxAttempts.
		if isTransient(err) {
			r.release(ctx, g.guid)
		}
		r.cfg.Logger.WarnContext(ctx, "redelivery request failed", slog.String("delivery_id", g.guid),
			slog.Int64("hook_delivery", g.latestID), slog.String("error", err.Error()))
		if consecutive >= maxConsecutiveErrors {
			st.Deferred = len(missing) - i - 1
			return fmt.Errorf("recovery: %d redelivery requests failed in a row, last: %w", consecutive, err)
		}
	}
	return nil
}

// stopOn turns a rate limit into a pause (no error: the next run after
// it resumes) and counts other errors under kind.
func (r *Recoverer) stopOn(err error, kind string, st *Stats) error {
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) {
		r.cfg.Metrics.RecoveryError(kind)
		return err
	}
	r.cfg.Metrics.RecoveryError(ErrKindRateLimited)
	until := r.cfg.Now().Add(ra.Wait)
	r.mu.Lock()
	if until.After(r.pausedUntil) {
		r.pausedUntil = until
	}
	r.mu.Unlock()
	st.Paused = until
	return nil
}

func (r *Recoverer) paused() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pausedUntil
}

// release runs even when ctx is done: a claim left behind would hold the
// GUID for the whole cooldown.
func (r *Recoverer) release(ctx context.Context, guid string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := r.store.Release(rctx, guid); err != nil {
		r.cfg.Metrics.RecoveryError(ErrKindStore)
		r.cfg.Logger.WarnContext(ctx, "could not release a redelivery claim; it expires with the cooldown",
			slog.String("delivery_id", guid), slog.String("error", err.Error()))
	}
}

func isTransient(err error) bool {
	var t interface{ Transient() bool }
	return errors.As(err, &t) && t.Transient()
}
