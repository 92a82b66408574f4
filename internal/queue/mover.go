package queue

import (
	"context"
	"log/slog"
	"time"
)

// The mover takes the jobs of accepted deliveries from the intake into
// River. A webhook's transaction only writes an intake row; River's insert
// (about 0.15 ms a job on SQLite, where one transaction runs at a time) is
// paid here, in the same transaction slots, but at a lower priority than
// deliveries: a burst of webhooks is answered first and its jobs follow
// within moments.
const (
	// moveQuiet is how long no delivery must have arrived before the
	// mover takes a free slot.
	moveQuiet = 2 * time.Millisecond
	// moveMaxDefer bounds how long deliveries can keep the mover out;
	// it then takes the next slot ahead of them. Long enough for a burst
	// to be answered without it, short against an analysis's duration.
	moveMaxDefer = 500 * time.Millisecond
	// moveShare: once deferred that long, the mover takes the next slot
	// again after waiting moveShare times its last move, so that a steady
	// stream of deliveries leaves it a fifth of a slot rather than a
	// batch per moveMaxDefer, which a few hundred deliveries a second
	// would outgrow.
	moveShare = 4
	// moveBatch is the rows moved per transaction. On SQLite a move
	// costs ~0.55 ms plus ~0.11 ms a row (BenchmarkMoveIntake), which a
	// delivery arriving meanwhile waits for: 16 rows keep that near
	// 2 ms, and the fixed part at a quarter of the whole.
	moveBatch = 16
	// movePoll is how often the intake is looked at without a kick: rows
	// left by an instance that died, or by a move that failed.
	movePoll = time.Second
	// moveTimeout bounds one move's transaction.
	moveTimeout = 30 * time.Second
)

type mover struct {
	st      store
	gc      *groupCommit
	kick    <-chan struct{}
	logger  *slog.Logger
	metrics Metrics
	stop    chan struct{}
	done    chan struct{}
	// maxDefer is moveMaxDefer; tests shorten or lengthen it.
	maxDefer time.Duration
}

// run moves the intake whenever kicked or polled until stop is closed. A
// move under way when stop closes is finished, not abandoned.
func (m *mover) run(ctx context.Context) {
	defer close(m.done)
	poll := time.NewTicker(movePoll)
	defer poll.Stop()
	for {
		m.drain(ctx)
		select {
		case <-m.stop:
			return
		case <-m.kick:
		case <-poll.C:
		}
	}
}

// drain moves batches until the intake is empty, a move fails (the next
// poll retries it) or stop closes.
func (m *mover) drain(ctx context.Context) {
	waitingSince := time.Now()
	patience := m.maxDefer
	for {
		var moved []movedDelivery
		var err error
		var took time.Duration
		move := func() {
			mctx, cancel := context.WithTimeout(ctx, moveTimeout)
			defer cancel()
			began := time.Now()
			moved, err = m.st.moveIntake(mctx, moveBatch)
			took = time.Since(began)
		}
		if !m.gc.runIdle(moveQuiet, move) {
			if time.Since(waitingSince) < patience {
				select {
				case <-m.stop:
					return
				case <-time.After(moveQuiet):
				}
				continue
			}
			m.gc.runNext(move)
			// Deliveries have kept the mover out for a while: from now
			// until the intake is empty it takes its share of the slot.
			patience = moveShare * took
		}
		if err != nil {
			m.logger.Error("could not move queued jobs into the queue; retrying", slog.String("error", err.Error()))
			return
		}
		m.report(moved)
		if len(moved) < moveBatch {
			return
		}
		select {
		case <-m.stop:
			return
		default:
		}
		waitingSince = time.Now()
	}
}

func (m *mover) report(moved []movedDelivery) {
	now := time.Now()
	for _, d := range moved {
		if d.err != nil {
			// Only a damaged database gets here; the row is gone, so say
			// which delivery to redeliver from the App's settings.
			m.logger.Error("dropped the unreadable jobs of a delivery; redeliver it from the App's advanced settings",
				slog.String("delivery_id", d.deliveryID), slog.String("error", d.err.Error()))
			m.metrics.ObserveIntake(0, 0, true, now.Sub(d.received))
			continue
		}
		m.logger.Debug("delivery's jobs queued", slog.String("delivery_id", d.deliveryID),
			slog.Int("inserted", d.inserted), slog.Int("deduplicated", d.deduped),
			slog.Duration("waited", now.Sub(d.received)))
		m.metrics.ObserveIntake(d.inserted, d.deduped, false, now.Sub(d.received))
	}
}
