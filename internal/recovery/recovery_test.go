package recovery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeSource serves a delivery log newest first in pages, with cursors
// that are offsets, and records redelivery requests.
type fakeSource struct {
	mu        sync.Mutex
	log       []HookDelivery // newest first
	listErrs  []error
	sendErrs  map[int64]error
	lists     int
	perPage   int
	requested []int64
}

func (s *fakeSource) ListHookDeliveries(_ context.Context, cursor string, perPage int) ([]HookDelivery, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists++
	if len(s.listErrs) > 0 {
		err := s.listErrs[0]
		s.listErrs = s.listErrs[1:]
		if err != nil {
			return nil, "", err
		}
	}
	if s.perPage > 0 {
		perPage = s.perPage
	}
	off, _ := strconv.Atoi(cursor)
	end := min(off+perPage, len(s.log))
	next := ""
	if end < len(s.log) {
		next = strconv.Itoa(end)
	}
	return slices.Clone(s.log[off:end]), next, nil
}

func (s *fakeSource) RedeliverHookDelivery(_ context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.sendErrs[id]; err != nil {
		delete(s.sendErrs, id)
		return err
	}
	s.requested = append(s.requested, id)
	return nil
}

func (s *fakeSource) sent() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requested)
}

// memStore has the semantics the queue's SQL gives the Store.
type memStore struct {
	mu       sync.Mutex
	received map[string]bool
	rows     map[string]*memRow
	releases int
}

type memRow struct {
	requested int64
	attempts  int
}

func newMemStore(received ...string) *memStore {
	m := &memStore{received: map[string]bool{}, rows: map[string]*memRow{}}
	for _, g := range received {
		m.received[g] = true
	}
	return m
}

func (m *memStore) Received(_ context.Context, guids []string) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]bool{}
	for _, g := range guids {
		if m.received[g] {
			out[g] = true
		}
	}
	return out, nil
}

func (m *memStore) Note(_ context.Context, guids []string, _ time.Time) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fresh := map[string]bool{}
	for _, g := range guids {
		if m.rows[g] == nil {
			m.rows[g] = &memRow{}
			fresh[g] = true
		}
	}
	return fresh, nil
}

func (m *memStore) Claim(_ context.Context, guid string, now, staleBefore time.Time, maxAttempts int) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rows[guid]
	if r == nil || r.requested > staleBefore.Unix() || r.attempts >= maxAttempts {
		return false, nil
	}
	r.requested, r.attempts = now.Unix(), r.attempts+1
	return true, nil
}

func (m *memStore) Release(_ context.Context, guid string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.rows[guid]; r != nil && r.attempts > 0 {
		r.requested, r.attempts = 0, r.attempts-1
		m.releases++
	}
	return nil
}

type countingMetrics struct {
	mu          sync.Mutex
	found       map[string]int
	redelivered int
	errs        map[string]int
}

func newMetrics() *countingMetrics {
	return &countingMetrics{found: map[string]int{}, errs: map[string]int{}}
}

func (c *countingMetrics) RecoveryFound(reason string) { c.mu.Lock(); c.found[reason]++; c.mu.Unlock() }
func (c *countingMetrics) RecoveryRedelivered()        { c.mu.Lock(); c.redelivered++; c.mu.Unlock() }
func (c *countingMetrics) RecoveryError(kind string)   { c.mu.Lock(); c.errs[kind]++; c.mu.Unlock() }

type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	return ctx.Err()
}

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type harness struct {
	src     *fakeSource
	store   *memStore
	clock   *clock
	metrics *countingMetrics
	rec     *Recoverer
}

func newHarness(t *testing.T, log []HookDelivery, store *memStore, mutate ...func(*Config)) *harness {
	t.Helper()
	h := &harness{src: &fakeSource{log: newestFirst(log)}, store: store, clock: &clock{now: t0}, metrics: newMetrics()}
	cfg := Config{Source: h.src, Interval: time.Minute, Metrics: h.metrics, Now: h.clock.Now, Sleep: h.clock.Sleep}
	for _, m := range mutate {
		m(&cfg)
	}
	rec, err := New(cfg, store)
	if err != nil {
		t.Fatal(err)
	}
	h.rec = rec
	return h
}

func newestFirst(log []HookDelivery) []HookDelivery {
	out := slices.Clone(log)
	slices.SortFunc(out, func(a, b HookDelivery) int { return int(b.ID - a.ID) })
	return out
}

// d is an attempt minutes before t0.
func d(id int64, guid, event, action string, status int, minutesAgo int) HookDelivery {
	return HookDelivery{ID: id, GUID: guid, Event: event, Action: action, StatusCode: status,
		DeliveredAt: t0.Add(-time.Duration(minutesAgo) * time.Minute)}
}

func (h *harness) run(t *testing.T) Stats {
	t.Helper()
	st, err := h.rec.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return st
}

func TestRunRequestsExactlyTheMissedDeliveries(t *testing.T) {
	log := []HookDelivery{
		d(1, "old", "pull_request", "opened", 500, 4*60), // before the 3 h window
		d(2, "ok", "pull_request", "opened", 200, 170),
		d(3, "err500", "pull_request", "synchronize", 500, 160),
		d(4, "timeout", "check_suite", "requested", 0, 150),
		d(5, "healed", "pull_request", "reopened", 502, 140),
		d(6, "healed", "pull_request", "reopened", 200, 139), // redelivered, then fine
		d(7, "issues", "issues", "opened", 500, 130),
		d(8, "closed", "pull_request", "closed", 500, 120),
		d(9, "late", "pull_request", "opened", 0, 110), // timed out at GitHub, yet recorded by the App
		d(10, "twice", "check_run", "rerequested", 503, 100),
		d(11, "twice", "check_run", "rerequested", 0, 90),
		d(12, "accepted202", "check_suite", "rerequested", 202, 80),
		d(13, "nullaction", "pull_request", "", 500, 70),
	}
	h := newHarness(t, log, newMemStore("late"))
	st := h.run(t)
	// Oldest first, each GUID once, at its latest attempt.
	if got, want := h.src.sent(), []int64{3, 4, 11}; !slices.Equal(got, want) {
		t.Fatalf("redelivered %v, want %v", got, want)
	}
	want := Stats{Pages: 1, Listed: 12, Relevant: 7, Failed: 4, Received: 1, Found: 3, Requested: 3}
	if st != want {
		t.Fatalf("stats\n got %+v\nwant %+v", st, want)
	}
	if h.metrics.found[ReasonFailed] != 1 || h.metrics.found[ReasonMissing] != 2 || h.metrics.redelivered != 3 {
		t.Fatalf("metrics %+v", h.metrics)
	}
	if !slices.Equal(h.clock.sleeps, []time.Duration{DefaultGap, DefaultGap}) {
		t.Fatalf("sleeps %v, want a gap before each request but the first", h.clock.sleeps)
	}

	// Idempotent: the same log (GitHub has not tried yet, or tried and
	// failed again) asks for nothing within the cooldown, and counts nothing.
	st = h.run(t)
	if len(h.src.sent()) != 3 || st.Recent != 3 || st.Found != 0 || h.metrics.found[ReasonMissing] != 2 {
		t.Fatalf("second run: sent %v, stats %+v", h.src.sent(), st)
	}
}

func TestCooldownAndAttemptBound(t *testing.T) {
	h := newHarness(t, []HookDelivery{d(1, "g", "pull_request", "opened", 500, 10)}, newMemStore())
	for range 6 {
		h.run(t)
		h.clock.advance(defaultCooldown / 2)
	}
	// Runs at 0, 15, 30, 45, 60, 75 min: requests at 0, 30 and 60 (cooldown),
	// and no fourth (attempt bound), although the window still holds it.
	if got := len(h.src.sent()); got != defaultAttempts {
		t.Fatalf("requests %d, want %d", got, defaultAttempts)
	}
}

func TestPerRunCap(t *testing.T) {
	var log []HookDelivery
	for i := range 7 {
		log = append(log, d(int64(i+1), fmt.Sprintf("g%d", i+1), "pull_request", "synchronize", 500, 60-i))
	}
	h := newHarness(t, log, newMemStore(), func(c *Config) { c.Max = 3 })
	st := h.run(t)
	if got := h.src.sent(); !slices.Equal(got, []int64{1, 2, 3}) || st.Deferred != 4 || st.Found != 7 {
		t.Fatalf("first run sent %v, stats %+v", got, st)
	}
	st = h.run(t)
	if got := h.src.sent(); !slices.Equal(got, []int64{1, 2, 3, 4, 5, 6}) || st.Recent != 3 || st.Deferred != 1 || st.Found != 0 {
		t.Fatalf("second run sent %v, stats %+v", got, st)
	}
	h.run(t)
	if got := h.src.sent(); len(got) != 7 {
		t.Fatalf("third run sent %v", got)
	}
}

func TestRateLimitOnRedeliveryPausesAndResumes(t *testing.T) {
	log := []HookDelivery{
		d(1, "a", "pull_request", "opened", 500, 30),
		d(2, "b", "pull_request", "opened", 500, 20),
		d(3, "c", "pull_request", "opened", 500, 10),
	}
	h := newHarness(t, log, newMemStore())
	limited := &analysis.RetryAfterError{Wait: 10 * time.Minute, Err: errors.New("403 secondary rate limit")}
	h.src.sendErrs = map[int64]error{2: limited}
	st := h.run(t)
	if got := h.src.sent(); !slices.Equal(got, []int64{1}) {
		t.Fatalf("sent %v, want only the first", got)
	}
	if !st.Paused.Equal(t0.Add(10*time.Minute)) || st.Deferred != 2 || h.metrics.errs[ErrKindRateLimited] != 1 || h.store.releases != 1 {
		t.Fatalf("stats %+v, errors %v, releases %d", st, h.metrics.errs, h.store.releases)
	}
	// Before the wait is over a run does not even list.
	h.clock.advance(5 * time.Minute)
	lists := h.src.lists
	st = h.run(t)
	if h.src.lists != lists || st.Paused.IsZero() {
		t.Fatalf("run during the pause listed (%d → %d) or did not say paused (%+v)", lists, h.src.lists, st)
	}
	// After it, the released GUID and the rest go out; "a" is in its cooldown.
	h.clock.advance(6 * time.Minute)
	h.run(t)
	if got := h.src.sent(); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("after the pause sent %v", got)
	}
	if h.metrics.errs[ErrKindRateLimited] != 1 {
		t.Fatalf("errors %v: the pause must not count again", h.metrics.errs)
	}
}

func TestRateLimitWhileListing(t *testing.T) {
	h := newHarness(t, []HookDelivery{d(1, "a", "pull_request", "opened", 500, 30)}, newMemStore())
	h.src.listErrs = []error{&analysis.RetryAfterError{Wait: time.Minute, Err: errors.New("429")}}
	st, err := h.rec.Run(context.Background())
	if err != nil || st.Paused.IsZero() || len(h.src.sent()) != 0 {
		t.Fatalf("Run = %+v, %v", st, err)
	}
	h.clock.advance(time.Minute)
	h.run(t)
	if len(h.src.sent()) != 1 {
		t.Fatal("no redelivery after the pause")
	}
}

type transientErr struct{}

func (transientErr) Error() string   { return "github answered 502" }
func (transientErr) Transient() bool { return true }

func TestRedeliveryErrors(t *testing.T) {
	log := []HookDelivery{
		d(1, "a", "pull_request", "opened", 500, 50),
		d(2, "b", "pull_request", "opened", 500, 40),
		d(3, "c", "pull_request", "opened", 500, 30),
		d(4, "d", "pull_request", "opened", 500, 20),
	}
	h := newHarness(t, log, newMemStore())
	h.src.sendErrs = map[int64]error{
		1: transientErr{},
		2: fmt.Errorf("redeliver: %w", analysis.ErrNotFound),
	}
	st := h.run(t)
	if got := h.src.sent(); !slices.Equal(got, []int64{3, 4}) || st.Errors != 2 || h.metrics.errs[ErrKindRedeliver] != 2 {
		t.Fatalf("sent %v, stats %+v, errors %v", got, st, h.metrics.errs)
	}
	// The transient failure was released and goes again; the 404 keeps
	// its claim (an attempt spent, cooldown running).
	h.run(t)
	if got := h.src.sent(); !slices.Equal(got, []int64{3, 4, 1}) {
		t.Fatalf("second run sent %v", got)
	}
}

func TestConsecutiveErrorsEndTheRun(t *testing.T) {
	var log []HookDelivery
	errs := map[int64]error{}
	for i := range 6 {
		log = append(log, d(int64(i+1), fmt.Sprintf("g%d", i), "check_suite", "requested", 0, 60-i))
		errs[int64(i+1)] = transientErr{}
	}
	h := newHarness(t, log, newMemStore())
	h.src.sendErrs = errs
	st, err := h.rec.Run(context.Background())
	if err == nil || st.Errors != maxConsecutiveErrors || st.Deferred != 3 {
		t.Fatalf("Run = %+v, %v; want it to stop after %d failures", st, err, maxConsecutiveErrors)
	}
}

func TestListStopsAtTheWindowAndAtThePageBound(t *testing.T) {
	var log []HookDelivery
	for i := range 50 { // one a minute, newest 1 min ago
		log = append(log, d(int64(50-i), fmt.Sprintf("g%d", 50-i), "pull_request", "opened", 200, i+1))
	}
	h := newHarness(t, log, newMemStore(), func(c *Config) { c.Window = 25 * time.Minute })
	h.src.perPage = 10
	st := h.run(t)
	// Minutes 1..25 are in the window: the third page passes it and is the last read.
	if st.Pages != 3 || st.Listed != 25 || st.Truncated {
		t.Fatalf("stats %+v", st)
	}
	h = newHarness(t, log, newMemStore(), func(c *Config) { c.Window = 25 * time.Minute; c.MaxPages = 2 })
	h.src.perPage = 10
	st = h.run(t)
	if st.Pages != 2 || st.Listed != 20 || !st.Truncated {
		t.Fatalf("bounded stats %+v", st)
	}
}

func TestConfig(t *testing.T) {
	if (Config{Interval: time.Minute}).Enabled() || (Config{Source: &fakeSource{}}).Enabled() {
		t.Fatal("enabled without a source or without an interval")
	}
	for _, c := range []Config{{Window: 73 * time.Hour}, {Window: -time.Hour}, {Max: -1}, {Max: MaxPerRun + 1}} {
		if _, err := c.WithDefaults(); err == nil {
			t.Errorf("WithDefaults(%+v) accepted", c)
		}
	}
	c, err := Config{}.WithDefaults()
	if err != nil || c.Window != DefaultWindow || c.Max != DefaultMax || c.Gap != DefaultGap {
		t.Fatalf("defaults %+v, %v", c, err)
	}
	if _, err := New(Config{Interval: time.Minute}, newMemStore()); err == nil {
		t.Fatal("New without a source succeeded")
	}
}

func TestRelevant(t *testing.T) {
	for _, c := range []struct {
		event, action string
		want          bool
	}{
		{"pull_request", "synchronize", true}, {"pull_request", "labeled", false},
		{"check_suite", "requested", true}, {"check_suite", "completed", false},
		{"check_run", "rerequested", true}, {"check_run", "created", false},
		{"push", "", false}, {"installation", "created", false},
	} {
		if got := Relevant(c.event, c.action); got != c.want {
			t.Errorf("Relevant(%q, %q) = %v", c.event, c.action, got)
		}
	}
}
