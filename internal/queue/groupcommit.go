package queue

import (
	"context"
	"sync"
	"time"

	"github.com/prodready/prodready/internal/queue/intake"
)

// groupCommit lets concurrent webhook requests share transactions. SQLite
// commits one transaction at a time through one connection; with each
// delivery in its own transaction, fifty concurrent senders queue behind
// one another. Here the first request commits alone, and every request
// that arrives meanwhile waits and is committed with the others in the
// next transaction, led by the first of them. Each request is answered
// only after the transaction holding it has committed, so a 202 still
// means "durably queued".
type groupCommit struct {
	submit func(context.Context, []request) ([]intake.Result, error)
	// max bounds one transaction's size so that a burst cannot build one
	// transaction too long to finish within a webhook's deadline.
	max int
	// timeout bounds a transaction, independently of the request that
	// happens to lead it going away.
	timeout time.Duration

	mu      sync.Mutex
	pending []*waiter
	leading bool
}

type waiter struct {
	req    request
	res    intake.Result
	err    error
	lead   bool          // set before wake when this waiter must commit
	wake   chan struct{} // closed when res/err are set or lead is given
	served bool
}

func newGroupCommit(submit func(context.Context, []request) ([]intake.Result, error), max int) *groupCommit {
	return &groupCommit{submit: submit, max: max, timeout: 10 * time.Second}
}

func (g *groupCommit) do(ctx context.Context, r request) (intake.Result, error) {
	w := &waiter{req: r, wake: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, w)
	if g.leading {
		g.mu.Unlock()
		<-w.wake
		if !w.lead {
			return w.res, w.err
		}
	} else {
		g.leading = true
		g.mu.Unlock()
	}
	g.commitFrom(ctx)
	return w.res, w.err
}

// commitFrom runs as leader: it commits the pending requests (this
// waiter's among them, at the head), then hands the lead to the next
// waiter, if any, and returns.
func (g *groupCommit) commitFrom(ctx context.Context) {
	g.mu.Lock()
	n := min(len(g.pending), g.max)
	batch := g.pending[:n:n]
	g.pending = g.pending[n:]
	g.mu.Unlock()

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
		w.served = true
		if i > 0 {
			close(w.wake)
		}
	}

	g.mu.Lock()
	if len(g.pending) == 0 {
		g.leading = false
		g.mu.Unlock()
		return
	}
	next := g.pending[0]
	g.mu.Unlock()
	next.lead = true
	close(next.wake)
}
