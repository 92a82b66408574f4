package proctest

import (
	"database/sql"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	// The store's own driver, to read what a stopped process left behind.
	_ "modernc.org/sqlite"
)

// TestSigtermFinishesRunningAnalysis: SIGTERM arrives mid-analysis and
// the process keeps going until the analysis is done, then exits 0.
func TestSigtermFinishesRunningAnalysis(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]string{"PRODREADY_DB_PATH": filepath.Join(t.TempDir(), "q.db")})
	k := killPoint{name: "second annotation batch", route: updateRoute, nth: 2}
	p, hold, head, diff := w.reach(k, "app", "-shutdown-timeout", "30s")
	p.signal(syscall.SIGTERM)
	// The process must not be gone yet: it waits for the analysis.
	time.Sleep(500 * time.Millisecond)
	select {
	case <-p.exited:
		t.Fatalf("exited (%d) with an analysis in flight:\n%s", p.code, p.logs.String())
	default:
	}
	hold.Release()
	if code := p.wait(40 * time.Second); code != 0 {
		t.Fatalf("exit %d after draining:\n%s", code, p.logs.String())
	}
	checkOneRun(t, w.gh.CheckRuns(repoFull, head), diff)
}

// TestSigtermPutsUnfinishedAnalysisBack: an analysis that outlasts the
// drain bound is interrupted and handed back to the queue, not left
// "running"; the next start completes it on the same check run.
func TestSigtermPutsUnfinishedAnalysisBack(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "q.db")
	w := newWorld(t, map[string]string{"PRODREADY_DB_PATH": dbPath})
	k := killPoint{name: "first annotation batch", route: updateRoute, nth: 1}
	p, _, head, diff := w.reach(k, "app", "-shutdown-timeout", "2s") // never released: GitHub hangs
	p.signal(syscall.SIGTERM)
	// 2 s bound, then the queue's grace for cancelled jobs to hand back.
	if code := p.wait(20 * time.Second); code == 0 {
		t.Errorf("exit 0 although an analysis had to be interrupted")
	}
	if !strings.Contains(p.logs.String(), "running jobs were cancelled") {
		t.Errorf("the interrupted drain is not logged")
	}

	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var state string
	var attempt int
	err = db.QueryRow(`SELECT state, attempt FROM river_job WHERE kind = 'analysis'`).Scan(&state, &attempt)
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Back in the queue, and the interruption did not spend an attempt.
	if state != "available" || attempt != 0 {
		t.Fatalf("after the drain the job is %s (attempt %d), want available (0)", state, attempt)
	}

	again := w.start("restarted", nil)
	checkOneRun(t, w.waitCompleted(60*time.Second, head), diff)
	if strings.Contains(again.logs.String(), "rescued at start-up") {
		t.Errorf("the job was left running and had to be rescued; the drain should have put it back")
	}
}
