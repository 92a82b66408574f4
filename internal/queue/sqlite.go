package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	// Registers the pure-Go "sqlite" database/sql driver (no cgo).
	_ "modernc.org/sqlite"
)

// openSQLite opens the embedded store, locked for this process (see
// lockStore). One connection only: SQLite allows one writer, and River's
// driver advises a single connection to avoid SQLITE_BUSY between its own
// goroutines. WAL keeps readers off the writer.
func openSQLite(ctx context.Context, path string) (sqliteDialect, error) {
	if path == "" {
		return sqliteDialect{}, errors.New("open SQLite: empty path")
	}
	// '?' and '#' would be read as the start of the DSN's parameters.
	if strings.ContainsAny(path, "?#") {
		return sqliteDialect{}, fmt.Errorf("open SQLite: path %q must not contain '?' or '#'", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return sqliteDialect{}, fmt.Errorf("open SQLite: create directory: %w", err)
		}
	}
	lock, err := lockStore(path)
	if err != nil {
		return sqliteDialect{}, err
	}
	dsn := "file:" + path +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		unlock(lock)
		return sqliteDialect{}, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		unlock(lock)
		return sqliteDialect{}, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	return sqliteDialect{db: db, lock: lock}, nil
}

func unlock(f *os.File) {
	if f != nil {
		_ = f.Close()
	}
}

// sqliteDialect is the embedded store; lock is held from open to close.
type sqliteDialect struct {
	db   *sql.DB
	lock *os.File
}

func (d sqliteDialect) withTx(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(ctx, tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// accept inserts one row at a time: SQLite runs in-process, so a
// statement costs no round trip, and RowsAffected tells each one apart.
func (d sqliteDialect) accept(ctx context.Context, ids []string, jobs [][]byte, at time.Time) ([]bool, error) {
	fresh := make([]bool, len(ids))
	err := d.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		record, err := tx.PrepareContext(ctx,
			`INSERT INTO prodready_deliveries (delivery_id, received_at) VALUES (?, ?) ON CONFLICT (delivery_id) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("record deliveries: %w", err)
		}
		defer record.Close()
		queue, err := tx.PrepareContext(ctx, `INSERT INTO prodready_intake (delivery_id, received_ms, jobs) VALUES (?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("queue jobs: %w", err)
		}
		defer queue.Close()
		for i, id := range ids {
			res, err := record.ExecContext(ctx, id, at.Unix())
			if err != nil {
				return fmt.Errorf("record delivery %s: %w", id, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("record delivery %s: %w", id, err)
			}
			if fresh[i] = n == 1; !fresh[i] || jobs[i] == nil {
				continue
			}
			if _, err := queue.ExecContext(ctx, id, at.UnixMilli(), jobs[i]); err != nil {
				return fmt.Errorf("queue the jobs of delivery %s: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// takeIntake needs no locking: this process holds the file (lockStore) and
// SQLite runs one writing transaction at a time.
func (d sqliteDialect) takeIntake(ctx context.Context, tx *sql.Tx, limit int) ([]intakeRow, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM prodready_intake WHERE id IN (SELECT id FROM prodready_intake ORDER BY id LIMIT ?)
RETURNING id, delivery_id, received_ms, jobs`, limit)
	if err != nil {
		return nil, fmt.Errorf("take queued jobs: %w", err)
	}
	defer rows.Close()
	var out []intakeRow
	for rows.Next() {
		var r intakeRow
		if err := rows.Scan(&r.id, &r.deliveryID, &r.receivedMS, &r.jobs); err != nil {
			return nil, fmt.Errorf("take queued jobs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("take queued jobs: %w", err)
	}
	return out, nil
}

func (d sqliteDialect) pruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for _, q := range []string{
		`DELETE FROM prodready_deliveries WHERE received_at < ?`,
		`DELETE FROM prodready_redeliveries WHERE found_at < ?`,
	} {
		res, err := d.db.ExecContext(ctx, q, before.Unix())
		if err != nil {
			return total, fmt.Errorf("prune deliveries: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("prune deliveries: %w", err)
		}
		total += n
	}
	return total, nil
}

// sqliteChunk keeps IN lists well below SQLite's bound on parameters.
const sqliteChunk = 500

func (d sqliteDialect) receivedDeliveries(ctx context.Context, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	for chunk := range slices.Chunk(ids, sqliteChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := d.db.QueryContext(ctx, `SELECT delivery_id FROM prodready_deliveries WHERE delivery_id IN (?`+
			strings.Repeat(`, ?`, len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up deliveries: %w", err)
		}
		if err := scanIDs(rows, found); err != nil {
			return nil, err
		}
	}
	return found, nil
}

func scanIDs(rows *sql.Rows, into map[string]bool) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("look up deliveries: %w", err)
		}
		into[id] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up deliveries: %w", err)
	}
	return nil
}

func (d sqliteDialect) noteRedeliveries(ctx context.Context, ids []string, at time.Time) (map[string]bool, error) {
	fresh := map[string]bool{}
	err := d.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx,
				`INSERT INTO prodready_redeliveries (delivery_id, found_at) VALUES (?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
				id, at.Unix())
			if err != nil {
				return fmt.Errorf("note missed delivery: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("note missed delivery: %w", err)
			} else if n == 1 {
				fresh[id] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

func (d sqliteDialect) claimRedelivery(ctx context.Context, id string, at, staleBefore time.Time, maxAttempts int) (bool, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE prodready_redeliveries SET requested_at = ?, attempts = attempts + 1
WHERE delivery_id = ? AND requested_at <= ? AND attempts < ?`, at.Unix(), id, staleBefore.Unix(), maxAttempts)
	if err != nil {
		return false, fmt.Errorf("claim redelivery: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim redelivery: %w", err)
	}
	return n == 1, nil
}

func (d sqliteDialect) releaseRedelivery(ctx context.Context, id string) error {
	if _, err := d.db.ExecContext(ctx, `UPDATE prodready_redeliveries SET requested_at = 0, attempts = attempts - 1
WHERE delivery_id = ? AND attempts > 0`, id); err != nil {
		return fmt.Errorf("release redelivery: %w", err)
	}
	return nil
}

func (d sqliteDialect) jobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT state, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	return scanCounts(rows)
}

func (d sqliteDialect) intakeBacklog(ctx context.Context) (int, error) {
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM prodready_intake`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the intake: %w", err)
	}
	return n, nil
}

func (d sqliteDialect) ping(ctx context.Context) error {
	var one int
	// A query on our own table also proves the schema is there.
	err := d.db.QueryRowContext(ctx, `SELECT 1 FROM prodready_deliveries LIMIT 1`).Scan(&one)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("ping SQLite: %w", err)
	}
	return nil
}

func (d sqliteDialect) migrateOwn(ctx context.Context) ([]int, error) {
	var applied []int
	err := d.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, ownMigrationTableSQLite); err != nil {
			return fmt.Errorf("create prodready_migration: %w", err)
		}
		done, err := sqliteVersions(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range ownMigrations {
			if done[m.version] {
				continue
			}
			for _, stmt := range m.sqlite {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("own migration %d: %w", m.version, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO prodready_migration (version, applied_at) VALUES (?, ?)`,
				m.version, time.Now().Unix()); err != nil {
				return fmt.Errorf("own migration %d: %w", m.version, err)
			}
			applied = append(applied, m.version)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate SQLite: %w", err)
	}
	return applied, nil
}

func (d sqliteDialect) missingOwn(ctx context.Context) ([]int, error) {
	var missing []int
	err := d.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'prodready_migration'`).Scan(&n); err != nil {
			return fmt.Errorf("look for prodready_migration: %w", err)
		}
		done := map[int]bool{}
		if n > 0 {
			var err error
			if done, err = sqliteVersions(ctx, tx); err != nil {
				return err
			}
		}
		missing = ownMissing(done)
		return nil
	})
	return missing, err
}

func sqliteVersions(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM prodready_migration`)
	if err != nil {
		return nil, fmt.Errorf("read prodready_migration: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read prodready_migration: %w", err)
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read prodready_migration: %w", err)
	}
	return done, nil
}

func (d sqliteDialect) close() {
	_ = d.db.Close()
	unlock(d.lock)
}

// scanCounts reads (state, count) rows.
func scanCounts(rows *sql.Rows) (map[string]int, error) {
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		counts[state] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	return counts, nil
}
