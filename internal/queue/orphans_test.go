package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

func TestSQLiteStoreServesOneProcess(t *testing.T) {
	if !storeLocked {
		t.Skip("no file locks on this platform")
	}
	cfg := stores()[0].cfg(t)
	q := openQueue(t, cfg, newFakeRunner(), fakeFactory{})
	_, err := Open(context.Background(), cfg, newFakeRunner(), fakeFactory{})
	if !errors.Is(err, errStoreInUse) || !strings.Contains(err.Error(), "use Postgres") {
		t.Fatalf("second Open: %v, want errStoreInUse", err)
	}
	if _, err := Migrate(context.Background(), cfg); !errors.Is(err, errStoreInUse) {
		t.Fatalf("Migrate while open: %v, want errStoreInUse", err)
	}
	if err := q.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	q2, err := Open(context.Background(), cfg, newFakeRunner(), fakeFactory{})
	if err != nil {
		t.Fatalf("Open after the first closed: %v", err)
	}
	_ = q2.Stop(context.Background())
}

// TestOrphansRescuedAtStartup stands for a process killed mid-job: its jobs
// stay "running" in the file. The next process, holding the lock, knows no
// one runs them and hands them back at once, with River's accounting.
func TestOrphansRescuedAtStartup(t *testing.T) {
	if !storeLocked {
		t.Skip("no file locks on this platform")
	}
	cfg := stores()[0].cfg(t)
	ctx := context.Background()
	q, err := Open(ctx, cfg, newFakeRunner(), fakeFactory{})
	if err != nil {
		t.Fatal(err)
	}
	for i, sha := range []string{"aaa", "bbb", "ccc", "ddd"} {
		if _, err := q.Enqueue(ctx, sha, job(i+1, sha, sha)); err != nil {
			t.Fatal(err)
		}
	}
	q.moveAll(t)
	ids := map[string]int64{}
	for _, j := range q.allJobs(t) {
		ids[headOf(t, j)] = j.ID
	}
	_ = q.Stop(ctx)

	// What a process killed with SIGKILL leaves behind.
	db, err := sql.Open("sqlite", "file:"+cfg.SQLitePath)
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now().Add(-time.Minute).UTC().Format("2006-01-02 15:04:05.000")
	for _, u := range []struct {
		sha, meta string
		attempt   int
	}{
		{"aaa", `{}`, 1},
		{"bbb", `{}`, DefaultMaxAttempts},
		{"ccc", `{"cancel_attempted_at":"2026-01-01T00:00:00Z"}`, 1},
	} {
		if _, err := db.Exec(`UPDATE river_job SET state = 'running', attempt = ?, attempted_at = ?, metadata = jsonb(?) WHERE id = ?`,
			u.attempt, started, u.meta, ids[u.sha]); err != nil {
			t.Fatal(err)
		}
	}
	_ = db.Close()

	runner := newFakeRunner()
	q2 := openQueue(t, cfg, runner, fakeFactory{})
	want := map[string]rivertype.JobState{
		"aaa": rivertype.JobStateAvailable, "bbb": rivertype.JobStateDiscarded,
		"ccc": rivertype.JobStateCancelled, "ddd": rivertype.JobStateAvailable,
	}
	for _, j := range q2.allJobs(t) {
		head := headOf(t, j)
		if j.State != want[head] {
			t.Errorf("job %s: state %s, want %s", head, j.State, want[head])
		}
		if head == "aaa" {
			if j.Attempt != 1 || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, "stopped before it finished") {
				t.Errorf("rescued job: attempt %d, errors %+v; want the lost attempt counted and explained", j.Attempt, j.Errors)
			}
		}
	}
	if err := q2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rescued and the waiting job to run", func() bool { return runner.total() == 2 })
	if runner.count("octo/app#1@aaa") != 1 || runner.count("octo/app#4@ddd") != 1 {
		t.Fatalf("runs: %v", runner.calls)
	}
}

func headOf(t *testing.T, j *rivertype.JobRow) string {
	t.Helper()
	var a analysisArgs
	if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
		t.Fatalf("job %d args: %v", j.ID, err)
	}
	return a.HeadSHA
}
