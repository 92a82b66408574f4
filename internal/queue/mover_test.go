package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/queue/intake"
)

// TestIntakeSurvivesRestart: a delivery answered 202 by a process that
// stopped before moving its jobs is analysed by the next start.
func TestIntakeSurvivesRestart(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			cfg := sc.cfg(t)
			ctx := context.Background()
			q, err := Open(ctx, cfg, newFakeRunner(), fakeFactory{})
			if err != nil {
				t.Fatal(err)
			}
			if res, err := q.Enqueue(ctx, "d1", job(1, "aaa", "d1")); err != nil || res.Jobs != 1 {
				t.Fatalf("Enqueue: %+v, %v", res, err)
			}
			if err := q.Stop(ctx); err != nil {
				t.Fatal(err)
			}

			runner := newFakeRunner()
			q2 := openQueue(t, cfg, runner, fakeFactory{})
			if n, err := q2.IntakeBacklog(ctx); err != nil || n != 1 {
				t.Fatalf("intake after restart: %d, %v; want 1", n, err)
			}
			if err := q2.Start(ctx); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the analysis", func() bool { return runner.count("octo/app#1@aaa") == 1 })
			if n, err := q2.IntakeBacklog(ctx); err != nil || n != 0 {
				t.Fatalf("intake after the move: %d, %v; want 0", n, err)
			}
		})
	}
}

// TestMoversShareOnePostgres: two instances take deliveries and move the
// intake at once; every head is analysed once, whichever instance took
// its deliveries, and nothing stays behind.
func TestMoversShareOnePostgres(t *testing.T) {
	shared := stores()[1:]
	if len(shared) == 0 {
		t.Skip("PRODREADY_TEST_POSTGRES_URL not set")
	}
	cfg := shared[0].cfg(t)
	runner := newFakeRunner()
	qs := []*Queue{openQueue(t, cfg, runner, fakeFactory{}), openQueue(t, cfg, runner, fakeFactory{})}
	ctx := context.Background()
	for _, q := range qs {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const heads = 60
	var wg sync.WaitGroup
	for i := range 3 * heads {
		// Each head gets a pull_request delivery at one instance and a
		// check_suite delivery at the other, and the first is redelivered.
		head := i % heads
		id := fmt.Sprintf("d%d-%d", head, i/heads)
		if i/heads == 2 {
			id = fmt.Sprintf("d%d-0", head)
		}
		wg.Go(func() {
			if _, err := qs[i%2].Enqueue(ctx, id, job(head+1, fmt.Sprintf("sha%d", head), id)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	waitFor(t, "every head analysed", func() bool { return runner.total() >= heads })
	time.Sleep(300 * time.Millisecond) // room for a wrong second run to show
	for head := range heads {
		if n := runner.count(fmt.Sprintf("octo/app#%d@sha%d", head+1, head)); n != 1 {
			t.Errorf("head %d analysed %d times, want 1", head, n)
		}
	}
	if n, err := qs[0].IntakeBacklog(ctx); err != nil || n != 0 {
		t.Errorf("intake afterwards: %d, %v; want 0", n, err)
	}
}

// TestUnreadableIntakeRowIsDroppedAndReported: a damaged row must not hold
// back the deliveries behind it, and the operator is told which delivery
// to redeliver.
func TestUnreadableIntakeRowIsDroppedAndReported(t *testing.T) {
	cfg := stores()[0].cfg(t)
	var logs lockedBuffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	metrics := &recordingMetrics{}
	cfg.Metrics = metrics
	ctx := context.Background()
	q, err := Open(ctx, cfg, newFakeRunner(), fakeFactory{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, "good", job(1, "aaa", "good")); err != nil {
		t.Fatal(err)
	}
	_ = q.Stop(ctx)
	db, err := sql.Open("sqlite", "file:"+cfg.SQLitePath)
	if err != nil {
		t.Fatal(err)
	}
	// Older than the good row, so that a mover stuck on it would never
	// reach the good one.
	if _, err := db.Exec(`INSERT INTO prodready_intake (id, delivery_id, received_ms, jobs) VALUES (0, 'damaged', 0, '{"analyses":[')`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	runner := newFakeRunner()
	q2 := openQueue(t, cfg, runner, fakeFactory{})
	if err := q2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the good delivery's analysis", func() bool { return runner.count("octo/app#1@aaa") == 1 })
	metrics.mu.Lock()
	unreadable, moved := metrics.unreadable, metrics.intake
	metrics.mu.Unlock()
	if unreadable != 1 || moved != (insertCount{inserted: 1}) {
		t.Errorf("metrics: %d unreadable, %+v; want 1 and one inserted", unreadable, moved)
	}
	if out := logs.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "delivery_id=damaged") {
		t.Errorf("no error naming the damaged delivery in the logs:\n%s", out)
	}
}

// fakeIntake is a store whose intake holds rows and nothing else.
type fakeIntake struct {
	store
	mu   sync.Mutex
	rows int
}

func (f *fakeIntake) moveIntake(_ context.Context, limit int) ([]movedDelivery, error) {
	time.Sleep(200 * time.Microsecond) // a move takes a while, as River's insert does
	f.mu.Lock()
	defer f.mu.Unlock()
	n := min(limit, f.rows)
	f.rows -= n
	return make([]movedDelivery, n), nil
}

func (f *fakeIntake) left() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rows
}

// TestMoverKeepsUpWithASteadyStream: deliveries that never leave the slot
// quiet defer the mover once, then leave it a share of the slot. Moving
// one batch per deferral instead would take 50 s for these 800 rows.
func TestMoverKeepsUpWithASteadyStream(t *testing.T) {
	submit := func(_ context.Context, reqs []request) ([]intake.Result, error) {
		time.Sleep(300 * time.Microsecond)
		return make([]intake.Result, len(reqs)), nil
	}
	g := newGroupCommit(submit, 256, 1)
	ctx := context.Background()
	stream := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stream:
					return
				default:
				}
				_, _ = g.do(ctx, request{deliveryID: "steady"})
			}
		})
	}
	defer func() { close(stream); wg.Wait() }()

	st := &fakeIntake{rows: 50 * moveBatch}
	m := &mover{st: st, gc: g, logger: slog.New(slog.DiscardHandler), metrics: nopMetrics{},
		stop: make(chan struct{}), maxDefer: time.Second}
	drained := make(chan struct{})
	go func() { m.drain(ctx); close(drained) }()
	select {
	case <-drained:
	case <-time.After(20 * time.Second):
		close(m.stop)
		<-drained
		t.Fatalf("%d of %d rows still in the intake after 20 s of steady deliveries", st.left(), 50*moveBatch)
	}
	if n := st.left(); n != 0 {
		t.Fatalf("drain returned with %d rows left", n)
	}
}
