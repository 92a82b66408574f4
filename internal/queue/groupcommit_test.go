package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/queue/intake"
)

// TestGroupCommitBatchesConcurrentRequests holds the group commit to its
// contract: every request is answered with its own result, only after a
// transaction holding it returned, and requests that arrive while one
// transaction runs share the next.
func TestGroupCommitBatchesConcurrentRequests(t *testing.T) {
	var txs, maxBatch atomic.Int32
	release := make(chan struct{})
	var first atomic.Bool
	first.Store(true)
	submit := func(_ context.Context, reqs []request) ([]intake.Result, error) {
		txs.Add(1)
		for {
			m := maxBatch.Load()
			if int32(len(reqs)) <= m || maxBatch.CompareAndSwap(m, int32(len(reqs))) {
				break
			}
		}
		if first.Swap(false) {
			<-release // hold the first transaction until the others queue up
		}
		out := make([]intake.Result, len(reqs))
		for i, r := range reqs {
			out[i].Duplicate = r.deliveryID == "dup"
			out[i].Jobs = len(r.deliveryID)
		}
		return out, nil
	}
	g := newGroupCommit(submit, 256, 1)
	const n = 40
	var wg sync.WaitGroup
	results := make([]intake.Result, n)
	errs := make([]error, n)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], errs[0] = g.do(context.Background(), request{deliveryID: "first"})
	}()
	time.Sleep(20 * time.Millisecond)
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("d-%03d", i)
			if i == 7 {
				id = "dup"
			}
			results[i], errs[i] = g.do(context.Background(), request{deliveryID: id})
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
	}
	if results[0].Jobs != len("first") || !results[7].Duplicate || results[8].Jobs != len("d-008") {
		t.Fatalf("results were not matched to their requests: %+v %+v %+v", results[0], results[7], results[8])
	}
	if txs.Load() > 3 || maxBatch.Load() < n-5 {
		t.Errorf("%d transactions, largest %d requests: concurrent requests were not grouped", txs.Load(), maxBatch.Load())
	}
}

func TestGroupCommitSharesAFailure(t *testing.T) {
	boom := errors.New("disk full")
	g := newGroupCommit(func(context.Context, []request) ([]intake.Result, error) { return nil, boom }, 8, 1)
	if _, err := g.do(context.Background(), request{deliveryID: "x"}); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	// The lead is released after a failure: the next request commits.
	g.submit = func(_ context.Context, reqs []request) ([]intake.Result, error) {
		return make([]intake.Result, len(reqs)), nil
	}
	if _, err := g.do(context.Background(), request{deliveryID: "y"}); err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitSlots: with two slots two transactions run at once, never
// three, and every request still gets its own answer.
func TestGroupCommitSlots(t *testing.T) {
	var inFlight, most atomic.Int32
	bothIn := make(chan struct{})
	var once sync.Once
	submit := func(_ context.Context, reqs []request) ([]intake.Result, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if n == 2 {
			once.Do(func() { close(bothIn) })
		}
		select { // the first transactions wait until two overlap
		case <-bothIn:
		case <-time.After(5 * time.Second):
		}
		out := make([]intake.Result, len(reqs))
		for i, r := range reqs {
			out[i].Jobs = len(r.deliveryID)
		}
		return out, nil
	}
	g := newGroupCommit(submit, 256, 2)
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("d-%d", i) // lengths 3 and 4 tell the answers apart
			res, err := g.do(context.Background(), request{deliveryID: id})
			if err != nil || res.Jobs != len(id) {
				t.Errorf("request %s: %+v, %v", id, res, err)
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d transactions at once, want 2", m)
	}
	if g.leaders != 0 || len(g.pending) != 0 {
		t.Errorf("after the burst: %d leaders, %d pending", g.leaders, len(g.pending))
	}
}

// TestGroupCommitTasksYieldToDeliveries: a background task never takes a
// slot that a delivery waits for or has just used, and one that has waited
// too long runs next, alone, ahead of the deliveries already waiting.
func TestGroupCommitTasksYieldToDeliveries(t *testing.T) {
	var mu sync.Mutex
	var events []string
	record := func(e string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}
	hold := make(chan struct{})
	var held atomic.Bool
	submit := func(_ context.Context, reqs []request) ([]intake.Result, error) {
		record(fmt.Sprintf("tx(%d)", len(reqs)))
		if !held.Swap(true) {
			<-hold
		}
		return make([]intake.Result, len(reqs)), nil
	}
	g := newGroupCommit(submit, 256, 1)
	ran := false
	if !g.runIdle(0, func() { ran = true }) || !ran {
		t.Fatal("runIdle did not run on an idle group commit")
	}

	var wg sync.WaitGroup
	wg.Go(func() { _, _ = g.do(context.Background(), request{deliveryID: "first"}) })
	waitFor(t, "the first transaction", func() bool { mu.Lock(); defer mu.Unlock(); return len(events) == 1 })
	if g.runIdle(0, func() { t.Error("runIdle ran while the slot was busy") }) {
		t.Fatal("runIdle reported running while the slot was busy")
	}
	for i := range 5 {
		wg.Go(func() { _, _ = g.do(context.Background(), request{deliveryID: fmt.Sprint(i)}) })
	}
	pending := func(n int) func() bool {
		return func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.pending) == n }
	}
	waitFor(t, "five waiting deliveries", pending(5))
	wg.Go(func() { g.runNext(func() { record("task") }) })
	waitFor(t, "the task to queue", pending(6))
	close(hold)
	wg.Wait()
	if want := []string{"tx(1)", "task", "tx(5)"}; !slices.Equal(events, want) {
		t.Fatalf("order %v, want %v", events, want)
	}
	// The slot is free, but a delivery has only just arrived.
	if g.runIdle(time.Hour, func() { t.Error("runIdle ran right after a delivery") }) {
		t.Fatal("runIdle did not wait for a quiet moment")
	}
	if g.leaders != 0 || len(g.pending) != 0 {
		t.Errorf("afterwards: %d leaders, %d pending", g.leaders, len(g.pending))
	}
}

// TestOverlappingGroupsOnPostgres: two instances commit groups that share
// delivery ids and jobs, listed in opposite orders. Postgres must not
// abort either (sorted inserts wait in one order), and each delivery is
// fresh for exactly one of them.
func TestOverlappingGroupsOnPostgres(t *testing.T) {
	shared := stores()[1:]
	if len(shared) == 0 {
		t.Skip("PRODREADY_TEST_POSTGRES_URL not set")
	}
	cfg := shared[0].cfg(t)
	q1 := openQueue(t, cfg, newFakeRunner(), fakeFactory{})
	q2 := openQueue(t, cfg, newFakeRunner(), fakeFactory{})
	for round := range 10 {
		var reqs []request
		for i := range 100 {
			id := fmt.Sprintf("r%d-d%02d", round, i)
			reqs = append(reqs, request{deliveryID: id, analyses: []analysisArgs{newAnalysisArgs(job(i, fmt.Sprintf("sha%d-%d", round, i), id))}})
		}
		reversed := slices.Clone(reqs)
		slices.Reverse(reversed)
		var res [2][]intake.Result
		var errs [2]error
		var wg sync.WaitGroup
		wg.Go(func() { res[0], errs[0] = q1.st.submit(context.Background(), reqs) })
		wg.Go(func() { res[1], errs[1] = q2.st.submit(context.Background(), reversed) })
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v / %v", round, errs[0], errs[1])
		}
		for i := range reqs {
			a, b := res[0][i], res[1][len(reqs)-1-i]
			if a.Duplicate == b.Duplicate {
				t.Fatalf("round %d, %s: fresh for both or neither (%+v, %+v)", round, reqs[i].deliveryID, a, b)
			}
		}
	}
}

// BenchmarkMoveIntake times one move of b.N-sized batches from the intake
// into River on SQLite: what a delivery arriving meanwhile may wait for.
func BenchmarkMoveIntake(b *testing.B) {
	for _, rows := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			cfg := Config{SQLitePath: b.TempDir() + "/q.db", TestOnly: true}
			q, err := Open(context.Background(), cfg, newFakeRunner(), fakeFactory{})
			if err != nil {
				b.Fatal(err)
			}
			defer q.Stop(context.Background())
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				reqs := make([]request, rows)
				for k := range reqs {
					id := fmt.Sprintf("b%d-%d", i, k)
					reqs[k] = request{deliveryID: id, analyses: []analysisArgs{newAnalysisArgs(job(k+1, id, id))}}
				}
				if _, err := q.st.submit(ctx, reqs); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				moved, err := q.st.moveIntake(ctx, rows)
				if err != nil || len(moved) != rows {
					b.Fatalf("moved %d of %d: %v", len(moved), rows, err)
				}
			}
		})
	}
}
