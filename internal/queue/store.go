package queue

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/prodready/prodready/internal/queue/intake"
	"github.com/prodready/prodready/internal/recovery"
)

// store is one database with its River client, whatever River's transaction
// type. Queue talks only to this, so that River's TTx stays in this file and
// the two dialect files.
type store interface {
	submit(ctx context.Context, reqs []request) ([]intake.Result, error)
	moveIntake(ctx context.Context, limit int) ([]movedDelivery, error)
	insertAnalyses(ctx context.Context, jobs []analysisArgs) (insertCount, error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
	stopAndCancel(ctx context.Context) error
	ping(ctx context.Context) error
	jobCounts(ctx context.Context) (map[string]int, error)
	intakeBacklog(ctx context.Context) (int, error)
	// jobs lists every job, newest first; for tests and diagnostics.
	jobs(ctx context.Context) ([]*rivertype.JobRow, error)
	// recoverer is the missed-delivery recovery job, nil when it is off.
	recoverer() *recovery.Recoverer
	close()
}

// request is one webhook delivery's worth of inserts.
type request struct {
	deliveryID string
	analyses   []analysisArgs
	resolves   []resolveArgs
}

// dialect is the SQL that differs between SQLite and Postgres.
type dialect[TTx any] interface {
	// withTx runs fn in one transaction and commits when fn returns nil.
	withTx(ctx context.Context, fn func(ctx context.Context, tx TTx) error) error
	// accept records the delivery ids and puts the jobs of each new one
	// (jobs[i], nil when it has none) in the intake, in one transaction;
	// fresh[i] is false when ids[i] was there already or earlier in ids.
	accept(ctx context.Context, ids []string, jobs [][]byte, at time.Time) (fresh []bool, err error)
	// takeIntake deletes and returns up to limit intake rows, oldest
	// first, skipping rows that another transaction holds; a rollback of
	// tx puts them back.
	takeIntake(ctx context.Context, tx TTx, limit int) ([]intakeRow, error)
	// pruneDeliveries forgets delivery ids and redelivery records older
	// than before.
	pruneDeliveries(ctx context.Context, before time.Time) (int64, error)
	// receivedDeliveries returns those of ids recorded by recordDelivery.
	receivedDeliveries(ctx context.Context, ids []string) (map[string]bool, error)
	// noteRedeliveries records ids as found missing; fresh are the new ones.
	noteRedeliveries(ctx context.Context, ids []string, at time.Time) (fresh map[string]bool, err error)
	// claimRedelivery sets requested_at to at and counts an attempt when
	// the last request is not after staleBefore and fewer than
	// maxAttempts were made; it reports whether it did.
	claimRedelivery(ctx context.Context, id string, at, staleBefore time.Time, maxAttempts int) (bool, error)
	// releaseRedelivery undoes one claim.
	releaseRedelivery(ctx context.Context, id string) error
	jobCounts(ctx context.Context) (map[string]int, error)
	intakeBacklog(ctx context.Context) (int, error)
	ping(ctx context.Context) error
	// migrateOwn applies this package's own migrations; applied lists them.
	migrateOwn(ctx context.Context) (applied []int, err error)
	// missingOwn lists own migrations not applied yet.
	missingOwn(ctx context.Context) ([]int, error)
	close()
}

type riverStore[TTx any] struct {
	db     dialect[TTx]
	client *river.Client[TTx]
	now    func() time.Time
	rec    *recovery.Recoverer
}

// submit records each request's delivery id and its jobs in the intake,
// all in one transaction, so a delivery is either wholly queued or not at
// all: the webhook may answer 202 only once this returned nil. The jobs go
// into River later (moveIntake): River's insert costs about fifteen times
// what an intake row does, and the webhook answer should not wait for it.
// It takes the requests of one group commit (groupcommit.go); results are
// per request, in order.
func (s *riverStore[TTx]) submit(ctx context.Context, reqs []request) ([]intake.Result, error) {
	results := make([]intake.Result, len(reqs))
	ids := make([]string, len(reqs))
	jobs := make([][]byte, len(reqs))
	for i, r := range reqs {
		ids[i] = r.deliveryID
		results[i].Jobs = len(r.analyses) + len(r.resolves)
		if results[i].Jobs == 0 {
			continue
		}
		var err error
		if jobs[i], err = json.Marshal(intakeJobs{Analyses: r.analyses, Resolves: r.resolves}); err != nil {
			return nil, fmt.Errorf("enqueue: encode the jobs of delivery %s: %w", r.deliveryID, err)
		}
	}
	fresh, err := s.db.accept(ctx, ids, jobs, s.now())
	if err != nil {
		return nil, fmt.Errorf("enqueue: %w", err)
	}
	for i := range results {
		if !fresh[i] {
			results[i] = intake.Result{Duplicate: true}
		}
	}
	return results, nil
}

// intakeJobs is what an intake row holds: the jobs of one delivery.
type intakeJobs struct {
	Analyses []analysisArgs `json:"analyses,omitempty"`
	Resolves []resolveArgs  `json:"resolves,omitempty"`
}

// intakeRow is one accepted delivery whose jobs are not in River yet.
type intakeRow struct {
	id         int64
	deliveryID string
	receivedMS int64
	jobs       []byte
}

// movedDelivery says what moving one intake row into River did.
type movedDelivery struct {
	deliveryID string
	received   time.Time
	insertCount
	// err is set when the row could not be read; it was dropped.
	err error
}

// insertCount counts one request's jobs by what River did with them.
type insertCount struct {
	inserted int
	// deduped counts jobs skipped because an equal one is already
	// queued, running or finished recently, or came twice in a request.
	deduped int
}

// moveIntake moves the jobs of up to limit intake rows, oldest first,
// into River, deleting the rows in the same transaction: a job is in the
// intake or in River, never both and never neither. Rows another
// instance is moving are skipped (Postgres). A row that cannot be decoded
// is dropped and reported rather than blocking every row behind it.
func (s *riverStore[TTx]) moveIntake(ctx context.Context, limit int) ([]movedDelivery, error) {
	var moved []movedDelivery
	err := s.db.withTx(ctx, func(ctx context.Context, tx TTx) error {
		rows, err := s.db.takeIntake(ctx, tx, limit)
		if err != nil {
			return err
		}
		slices.SortFunc(rows, func(a, b intakeRow) int { return cmp.Compare(a.id, b.id) })
		moved = make([]movedDelivery, len(rows))
		counts := make([]insertCount, len(rows))
		b := newBatch()
		for i, r := range rows {
			moved[i].deliveryID, moved[i].received = r.deliveryID, time.UnixMilli(r.receivedMS)
			var jobs intakeJobs
			if err := json.Unmarshal(r.jobs, &jobs); err != nil {
				moved[i].err = fmt.Errorf("decode the queued jobs of delivery %s: %w", r.deliveryID, err)
				continue
			}
			for _, a := range jobs.Analyses {
				if !b.add(i, kindAnalysis, a.key(), a) {
					counts[i].deduped++
				}
			}
			for _, a := range jobs.Resolves {
				if !b.add(i, kindResolve, a.key(), a) {
					counts[i].deduped++
				}
			}
		}
		if len(b.params) > 0 {
			res, err := s.client.InsertManyTx(ctx, tx, b.sorted())
			if err != nil {
				return fmt.Errorf("insert %d jobs: %w", len(b.params), err)
			}
			if err := b.count(res, counts); err != nil {
				return err
			}
		}
		for i := range moved {
			moved[i].insertCount = counts[i]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("move intake into River: %w", err)
	}
	return moved, nil
}

// insertAnalyses inserts jobs found by a worker (no delivery to record).
func (s *riverStore[TTx]) insertAnalyses(ctx context.Context, jobs []analysisArgs) (insertCount, error) {
	b := newBatch()
	counts := make([]insertCount, 1)
	for _, a := range jobs {
		if !b.add(0, kindAnalysis, a.key(), a) {
			counts[0].deduped++
		}
	}
	if len(b.params) == 0 {
		return counts[0], nil
	}
	res, err := s.client.InsertMany(ctx, b.sorted())
	if err != nil {
		return insertCount{}, fmt.Errorf("insert %d analysis jobs: %w", len(b.params), err)
	}
	if err := b.count(res, counts); err != nil {
		return insertCount{}, err
	}
	return counts[0], nil
}

func (s *riverStore[TTx]) start(ctx context.Context) error {
	if err := s.client.Start(ctx); err != nil {
		return fmt.Errorf("start River: %w", err)
	}
	return nil
}

func (s *riverStore[TTx]) stop(ctx context.Context) error { return s.client.Stop(ctx) }

func (s *riverStore[TTx]) stopAndCancel(ctx context.Context) error {
	return s.client.StopAndCancel(ctx)
}

func (s *riverStore[TTx]) ping(ctx context.Context) error { return s.db.ping(ctx) }

func (s *riverStore[TTx]) jobCounts(ctx context.Context) (map[string]int, error) {
	return s.db.jobCounts(ctx)
}

func (s *riverStore[TTx]) intakeBacklog(ctx context.Context) (int, error) {
	return s.db.intakeBacklog(ctx)
}

func (s *riverStore[TTx]) jobs(ctx context.Context) ([]*rivertype.JobRow, error) {
	var all []*rivertype.JobRow
	params := river.NewJobListParams().States(rivertype.JobStates()...).First(1000)
	for {
		page, err := s.client.JobList(ctx, params)
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		for _, j := range page.Jobs {
			all = append(all, j)
		}
		if len(page.Jobs) < 1000 {
			return all, nil
		}
		params = params.After(page.LastCursor)
	}
}

func (s *riverStore[TTx]) recoverer() *recovery.Recoverer { return s.rec }

func (s *riverStore[TTx]) recoveryStore() recovery.Store { return recoveryStore[TTx]{s.db} }

func (s *riverStore[TTx]) prune(ctx context.Context, before time.Time) (int64, error) {
	return s.db.pruneDeliveries(ctx, before)
}

func (s *riverStore[TTx]) close() { s.db.close() }

// recoveryStore is the recovery job's view of the store.
type recoveryStore[TTx any] struct{ db dialect[TTx] }

func (s recoveryStore[TTx]) Received(ctx context.Context, guids []string) (map[string]bool, error) {
	return s.db.receivedDeliveries(ctx, guids)
}

func (s recoveryStore[TTx]) Note(ctx context.Context, guids []string, now time.Time) (map[string]bool, error) {
	return s.db.noteRedeliveries(ctx, guids, now)
}

func (s recoveryStore[TTx]) Claim(ctx context.Context, guid string, now, staleBefore time.Time, maxAttempts int) (bool, error) {
	return s.db.claimRedelivery(ctx, guid, now, staleBefore, maxAttempts)
}

func (s recoveryStore[TTx]) Release(ctx context.Context, guid string) error {
	return s.db.releaseRedelivery(ctx, guid)
}

// batch collects the jobs of one insert, dropping repeats of a unique key
// (Postgres refuses an upsert that touches one row twice) and remembering
// which request each job came from.
type batch struct {
	params []river.InsertManyParams
	keys   []string       // kind+key of params[i]
	owner  map[string]int // kind+key → request index
}

// sorted returns the jobs ordered by key. Concurrent transactions that
// insert some of the same unique jobs then wait on each other in one
// order and cannot deadlock.
func (b *batch) sorted() []river.InsertManyParams {
	idx := make([]int, len(b.params))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(x, y int) int { return strings.Compare(b.keys[x], b.keys[y]) })
	out := make([]river.InsertManyParams, len(idx))
	for i, j := range idx {
		out[i] = b.params[j]
	}
	return out
}

func newBatch() *batch { return &batch{owner: map[string]int{}} }

func (b *batch) add(req int, kind, key string, args river.JobArgs) bool {
	k := kind + "\x00" + key
	if _, dup := b.owner[k]; dup {
		return false
	}
	b.owner[k] = req
	b.keys = append(b.keys, k)
	b.params = append(b.params, river.InsertManyParams{Args: args})
	return true
}

// count credits each insert result to its request. Results are matched by
// key, not by position: a skipped duplicate comes back as the existing row,
// and nothing promises RETURNING keeps the input order.
func (b *batch) count(res []*rivertype.JobInsertResult, results []insertCount) error {
	for _, r := range res {
		var key string
		switch r.Job.Kind {
		case kindAnalysis:
			var a analysisArgs
			if err := json.Unmarshal(r.Job.EncodedArgs, &a); err != nil {
				return fmt.Errorf("decode inserted job %d: %w", r.Job.ID, err)
			}
			key = a.key()
		case kindResolve:
			var a resolveArgs
			if err := json.Unmarshal(r.Job.EncodedArgs, &a); err != nil {
				return fmt.Errorf("decode inserted job %d: %w", r.Job.ID, err)
			}
			key = a.key()
		default:
			return fmt.Errorf("insert returned a job of unexpected kind %q", r.Job.Kind)
		}
		i, ok := b.owner[r.Job.Kind+"\x00"+key]
		if !ok {
			return fmt.Errorf("insert returned job %d that no request asked for", r.Job.ID)
		}
		if r.UniqueSkippedAsDuplicate {
			results[i].deduped++
		} else {
			results[i].inserted++
		}
	}
	return nil
}
