package proctest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/queue/queuetest"
)

// TestTwoProcessesOnePostgres: two `app serve` processes share one
// Postgres and one GitHub. Every push reaches them three times (the
// delivery, GitHub's redelivery of it at the other instance, the push's
// check_suite), all at once: each head gets exactly one completed run.
func TestTwoProcessesOnePostgres(t *testing.T) {
	url := queuetest.PostgresURL()
	if url == "" {
		t.Skip(queuetest.EnvPostgresURL + " not set")
	}
	t.Parallel()
	dbURL := queuetest.PostgresSchema(t, url)
	migrate(t, dbURL)
	w := newWorld(t, map[string]string{"DATABASE_URL": dbURL})
	const prs = 10
	heads, diffs := map[int]string{}, map[int]string{}
	for n := 1; n <= prs; n++ {
		heads[n], diffs[n] = w.addPR(n, 3)
	}
	procs := [2]*proc{w.start("a", nil), w.start("b", nil)}

	var wg sync.WaitGroup
	for n := 1; n <= prs; n++ {
		for _, d := range []struct {
			to              int
			event, id, body string
		}{
			{n % 2, "pull_request", fmt.Sprintf("pr-%d", n), prOpened(n, heads[n])},
			{(n + 1) % 2, "pull_request", fmt.Sprintf("pr-%d", n), prOpened(n, heads[n])},
			{(n + 1) % 2, "check_suite", fmt.Sprintf("suite-%d", n), suiteRequested(n, heads[n])},
		} {
			wg.Go(func() {
				if code := procs[d.to].send(d.event, d.id, d.body); code != 202 && code != 200 {
					t.Errorf("%s %s: %d", d.event, d.id, code)
				}
			})
		}
	}
	wg.Wait()
	var all []string
	for n := 1; n <= prs; n++ {
		all = append(all, heads[n])
	}
	w.waitCompleted(90*time.Second, all...)
	for n := 1; n <= prs; n++ {
		checkOneRun(t, w.gh.CheckRuns(repoFull, heads[n]), diffs[n])
	}
}
