package queue

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/prodready/prodready/internal/queue/intake"
)

// groupCommit lets concurrent webhook requests share transactions. SQLite
// commits one transaction at a time through one connection; with each
// delivery in its own transaction, fifty concurrent senders queue behind
// one another. Here a request that finds a transaction slot free commits
// at once, with whatever is pending; every request that arrives while all
// slots are busy waits and is committed with the others in the next
// transaction, led by the first of them. Each request is answered only
// after the transaction holding it has committed, so a 202 still means
// "durably queued".
//
// SQLite gets one slot (one writer). Postgres gets several: a request
// arriving during a commit then waits for about one transaction, not for
// the one in flight and its own, and Postgres flushes the WAL of commits
// that arrive together once.
//
// The slots also run background tasks (moving the intake into River, see
// mover.go), at a lower priority than deliveries: runIdle only takes a
// free slot once no delivery has arrived for a moment, and runNext, for a
// task that has waited too long, jumps the queue but runs alone.
type groupCommit struct {
	submit func(context.Context, []request) ([]intake.Result, error)
	// max bounds one transaction's size so that a burst cannot build one
	// transaction too long to finish within a webhook's deadline.
	max int
	// slots is how many transactions may run at once.
	slots int
	// timeout bounds a transaction, independently of the request that
	// happens to lead it going away.
	timeout time.Duration

	mu      sync.Mutex
	pending []*waiter
	leaders int
	// lastArrival is when the latest delivery asked for a slot.
	lastArrival time.Time
}

type waiter struct {
	req request
	// task, when set, makes this waiter a background task, run alone in
	// a slot instead of req.
	task  func()
	res   intake.Result
	err   error
	batch []*waiter     // set before wake when this waiter must commit it
	wake  chan struct{} // closed when res/err are set or a batch is given
}

func newGroupCommit(submit func(context.Context, []request) ([]intake.Result, error), maxBatch, slots int) *groupCommit {
	return &groupCommit{submit: submit, max: maxBatch, slots: max(slots, 1), timeout: 10 * time.Second}
}

func (g *groupCommit) do(ctx context.Context, r request) (intake.Result, error) {
	w := &waiter{req: r, wake: make(chan struct{})}
	g.mu.Lock()
	g.lastArrival = time.Now()
	g.pending = append(g.pending, w)
	if g.leaders >= g.slots {
		g.mu.Unlock()
		<-w.wake
		if w.batch == nil {
			return w.res, w.err
		}
	} else {
		// A slot is freed only when nothing is pending, so the batch
		// taken here holds w.
		g.leaders++
		w.batch = g.takeLocked()
		g.mu.Unlock()
	}
	g.lead(ctx, w.batch)
	return w.res, w.err
}

// runIdle runs task in a slot if one is free, nothing is pending and no
// delivery has arrived for quiet; it reports whether it ran. Deliveries
// that arrive meanwhile wait for task, so it should be short.
func (g *groupCommit) runIdle(quiet time.Duration, task func()) bool {
	g.mu.Lock()
	if g.leaders >= g.slots || len(g.pending) > 0 || time.Since(g.lastArrival) < quiet {
		g.mu.Unlock()
		return false
	}
	g.leaders++
	g.mu.Unlock()
	g.lead(context.Background(), []*waiter{{task: task}})
	return true
}

// runNext runs task in the next slot to come free, ahead of the
// deliveries already waiting, and returns when it has run.
func (g *groupCommit) runNext(task func()) {
	w := &waiter{task: task, wake: make(chan struct{})}
	g.mu.Lock()
	if g.leaders < g.slots {
		g.leaders++
		g.mu.Unlock()
		g.lead(context.Background(), []*waiter{w})
		return
	}
	g.pending = slices.Insert(g.pending, 0, w)
	g.mu.Unlock()
	<-w.wake
	g.lead(context.Background(), w.batch)
}

// takeLocked removes the next batch from the pending requests: a task
// alone, or deliveries up to the next task.
func (g *groupCommit) takeLocked() []*waiter {
	n := 1
	if g.pending[0].task == nil {
		for n < min(len(g.pending), g.max) && g.pending[n].task == nil {
			n++
		}
	}
	batch := g.pending[:n:n]
	g.pending = g.pending[n:]
	return batch
}

// lead commits batch (its leader at the head) and answers the others in
// it, or runs the task that is the batch; then it gives the next batch to
// its first waiter, or frees the slot when nothing is pending.
func (g *groupCommit) lead(ctx context.Context, batch []*waiter) {
	if batch[0].task != nil {
		batch[0].task()
		g.handOff()
		return
	}
	reqs := make([]request, len(batch))
	for i, w := range batch {
		reqs[i] = w.req
	}
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.timeout)
	results, err := g.submit(tctx, reqs)
	cancel()
	for i, w := range batch {
		if err != nil {
			w.err = err
		} else {
			w.res = results[i]
		}
		if i > 0 {
			close(w.wake)
		}
	}
	g.handOff()
}

// handOff gives the slot just used to the next batch, or frees it.
func (g *groupCommit) handOff() {
	g.mu.Lock()
	if len(g.pending) == 0 {
		g.leaders--
		g.mu.Unlock()
		return
	}
	next := g.takeLocked()
	g.mu.Unlock()
	next[0].batch = next
	close(next[0].wake)
}
