package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ownMigrationLock serialises two `app migrate` runs on our own tables
// (River's migrator takes no lock; run it from one place).
const ownMigrationLock = 0x70726f64 // "prod"

func openPostgres(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx errors can quote the URL, password included.
		return nil, errors.New("parse DATABASE_URL: not a valid Postgres connection URL")
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open Postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to Postgres %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return pool, nil
}

type postgresDialect struct{ pool *pgxpool.Pool }

// txAttempts bounds the retries of a transaction Postgres chose as the
// victim of a deadlock or a serialization failure.
const txAttempts = 3

// withTx runs fn in a transaction and commits it, again if Postgres chose
// it as a conflict's victim (retryConflicts); fn must be safe to repeat,
// which a function of its transaction alone is.
func (d postgresDialect) withTx(ctx context.Context, fn func(context.Context, pgx.Tx) error) error {
	return retryConflicts(ctx, func() error { return d.tryTx(ctx, fn) })
}

// retryConflicts runs fn again when Postgres aborted it to break a
// deadlock or a serialization conflict (several instances, or several
// group commits or movers of one, touching the same delivery ids and
// jobs), rather than answering a webhook 500 or failing a move.
func retryConflicts(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == txAttempts || !isTxConflict(err) || ctx.Err() != nil {
			return err
		}
	}
}

// isTxConflict reports a deadlock (40P01) or serialization failure (40001).
func isTxConflict(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

func (d postgresDialect) tryTx(ctx context.Context, fn func(context.Context, pgx.Tx) error) error {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(ctx, tx); err != nil {
		// The caller's ctx may be the reason fn failed; roll back regardless.
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// acceptSQL records a group's deliveries and queues the jobs of the new
// ones in one statement, which is a transaction of its own: over the
// network each round trip was a large part of a group's time. Ids go in
// sorted, as the jobs do after them (batch.sorted), so that two statements
// sharing ids wait on each other in one order, not in a cycle; one that
// meets an id another is inserting waits for it to commit and then skips
// the id, so exactly one of them queues its jobs. The ids are distinct;
// an empty jobs text means the delivery has none.
const acceptSQL = `WITH input AS (
	SELECT * FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(delivery_id, jobs, n)
), fresh AS (
	INSERT INTO prodready_deliveries (delivery_id, received_at)
	SELECT delivery_id, $3::bigint FROM input ORDER BY delivery_id
	ON CONFLICT (delivery_id) DO NOTHING
	RETURNING delivery_id
), queued AS (
	INSERT INTO prodready_intake (delivery_id, received_ms, jobs)
	SELECT input.delivery_id, $4::bigint, input.jobs FROM input JOIN fresh USING (delivery_id)
	WHERE input.jobs <> '' ORDER BY input.n
)
SELECT delivery_id FROM fresh`

func (d postgresDialect) accept(ctx context.Context, ids []string, jobs [][]byte, at time.Time) ([]bool, error) {
	// The first request with an id owns it; a repeat later in the same
	// group is a duplicate like any other.
	first := make(map[string]int, len(ids))
	var distinct, distinctJobs []string
	for i, id := range ids {
		if _, seen := first[id]; seen {
			continue
		}
		first[id] = i
		distinct = append(distinct, id)
		distinctJobs = append(distinctJobs, string(jobs[i]))
	}
	var inserted []string
	err := retryConflicts(ctx, func() error {
		rows, err := d.pool.Query(ctx, acceptSQL, distinct, distinctJobs, at.Unix(), at.UnixMilli())
		if err != nil {
			return err
		}
		inserted, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record %d deliveries: %w", len(distinct), err)
	}
	isNew := make(map[string]bool, len(inserted))
	for _, id := range inserted {
		isNew[id] = true
	}
	fresh := make([]bool, len(ids))
	for i, id := range ids {
		fresh[i] = first[id] == i && isNew[id]
	}
	return fresh, nil
}

// takeIntake skips rows another instance's mover holds, so that movers on
// several instances share the intake instead of queueing behind one another.
func (d postgresDialect) takeIntake(ctx context.Context, tx pgx.Tx, limit int) ([]intakeRow, error) {
	rows, err := tx.Query(ctx, `DELETE FROM prodready_intake WHERE id IN (
	SELECT id FROM prodready_intake ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING id, delivery_id, received_ms, jobs`, limit)
	if err != nil {
		return nil, fmt.Errorf("take queued jobs: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (intakeRow, error) {
		var r intakeRow
		var jobs string
		err := row.Scan(&r.id, &r.deliveryID, &r.receivedMS, &jobs)
		r.jobs = []byte(jobs)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("take queued jobs: %w", err)
	}
	return out, nil
}

func (d postgresDialect) pruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for _, q := range []string{
		`DELETE FROM prodready_deliveries WHERE received_at < $1`,
		`DELETE FROM prodready_redeliveries WHERE found_at < $1`,
	} {
		tag, err := d.pool.Exec(ctx, q, before.Unix())
		if err != nil {
			return total, fmt.Errorf("prune deliveries: %w", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

func (d postgresDialect) receivedDeliveries(ctx context.Context, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	rows, err := d.pool.Query(ctx, `SELECT delivery_id FROM prodready_deliveries WHERE delivery_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("look up deliveries: %w", err)
	}
	if err := collectIDs(rows, found); err != nil {
		return nil, fmt.Errorf("look up deliveries: %w", err)
	}
	return found, nil
}

func collectIDs(rows pgx.Rows, into map[string]bool) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return rows.Err()
}

func (d postgresDialect) noteRedeliveries(ctx context.Context, ids []string, at time.Time) (map[string]bool, error) {
	fresh := map[string]bool{}
	// One statement; a concurrent run inserting the same id waits for it
	// and then skips it, so each id is fresh for exactly one caller.
	rows, err := d.pool.Query(ctx, `INSERT INTO prodready_redeliveries (delivery_id, found_at)
SELECT id, $2 FROM unnest($1::text[]) AS t(id) ORDER BY id
ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id`, ids, at.Unix())
	if err != nil {
		return nil, fmt.Errorf("note missed deliveries: %w", err)
	}
	if err := collectIDs(rows, fresh); err != nil {
		return nil, fmt.Errorf("note missed deliveries: %w", err)
	}
	return fresh, nil
}

func (d postgresDialect) claimRedelivery(ctx context.Context, id string, at, staleBefore time.Time, maxAttempts int) (bool, error) {
	// Two claimers of one row: the second waits for the first to commit,
	// re-reads the row and finds its condition no longer holds.
	tag, err := d.pool.Exec(ctx, `UPDATE prodready_redeliveries SET requested_at = $1, attempts = attempts + 1
WHERE delivery_id = $2 AND requested_at <= $3 AND attempts < $4`, at.Unix(), id, staleBefore.Unix(), maxAttempts)
	if err != nil {
		return false, fmt.Errorf("claim redelivery: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (d postgresDialect) releaseRedelivery(ctx context.Context, id string) error {
	if _, err := d.pool.Exec(ctx, `UPDATE prodready_redeliveries SET requested_at = 0, attempts = attempts - 1
WHERE delivery_id = $1 AND attempts > 0`, id); err != nil {
		return fmt.Errorf("release redelivery: %w", err)
	}
	return nil
}

func (d postgresDialect) jobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := d.pool.Query(ctx, `SELECT state::text, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		counts[state] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	return counts, nil
}

func (d postgresDialect) intakeBacklog(ctx context.Context) (int, error) {
	var n int64
	if err := d.pool.QueryRow(ctx, `SELECT count(*) FROM prodready_intake`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the intake: %w", err)
	}
	return int(n), nil
}

func (d postgresDialect) ping(ctx context.Context) error {
	var one int
	err := d.pool.QueryRow(ctx, `SELECT 1 FROM prodready_deliveries LIMIT 1`).Scan(&one)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("ping Postgres: %w", err)
	}
	return nil
}

func (d postgresDialect) migrateOwn(ctx context.Context) ([]int, error) {
	var applied []int
	err := d.withTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(ownMigrationLock)); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.Exec(ctx, ownMigrationTablePostgres); err != nil {
			return fmt.Errorf("create prodready_migration: %w", err)
		}
		done, err := postgresVersions(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range ownMigrations {
			if done[m.version] {
				continue
			}
			for _, stmt := range m.postgres {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("own migration %d: %w", m.version, err)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO prodready_migration (version, applied_at) VALUES ($1, $2)`,
				m.version, time.Now().Unix()); err != nil {
				return fmt.Errorf("own migration %d: %w", m.version, err)
			}
			applied = append(applied, m.version)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate Postgres: %w", err)
	}
	return applied, nil
}

func (d postgresDialect) missingOwn(ctx context.Context) ([]int, error) {
	var exists bool
	if err := d.pool.QueryRow(ctx, `SELECT to_regclass('prodready_migration') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("look for prodready_migration: %w", err)
	}
	done := map[int]bool{}
	if exists {
		var err error
		if done, err = postgresVersions(ctx, d.pool); err != nil {
			return nil, err
		}
	}
	return ownMissing(done), nil
}

type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func postgresVersions(ctx context.Context, q pgQuerier) (map[int]bool, error) {
	rows, err := q.Query(ctx, `SELECT version FROM prodready_migration`)
	if err != nil {
		return nil, fmt.Errorf("read prodready_migration: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read prodready_migration: %w", err)
		}
		done[int(v)] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read prodready_migration: %w", err)
	}
	return done, nil
}

func (d postgresDialect) close() { d.pool.Close() }
