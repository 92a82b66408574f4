package proctest

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/queue/queuetest"
)

// killPoint is a moment of an analysis: the n-th request matching route
// (counting from 1) is held, before or after GitHub acts on it, and the
// process is killed while it waits for the answer.
type killPoint struct {
	name    string
	route   githubtest.Matcher
	nth     int
	applied bool
	// postgres marks the points also run on Postgres, where each costs
	// ~30 s of rescue delay.
	postgres bool
}

var (
	tokenRoute  = githubtest.Route("POST /app/installations/{id}/access_tokens")
	pullRoute   = githubtest.Route("GET /repos/{o}/{r}/pulls/{n}").Accept("v3+json")
	diffRoute   = githubtest.Route("GET /repos/{o}/{r}/pulls/{n}").Accept("diff")
	configRoute = githubtest.Route("GET /repos/{o}/{r}/contents/{path...}")
	createRoute = githubtest.Route("POST /repos/{o}/{r}/check-runs")
	updateRoute = githubtest.Route("PATCH /repos/{o}/{r}/check-runs/{id}")
)

// killPoints walk one analysis of 120 findings from its first request to
// its last: token, pull request, find run, create run, configuration,
// commits, diff, three annotation batches, head re-check, verdict. The
// "answer lost" points are the hard ones: GitHub holds the write, the App
// never learnt it, and the next attempt must neither repeat nor lose it.
var killPoints = []killPoint{
	{"installation token", tokenRoute, 1, false, false},
	{"reading the pull request", pullRoute, 1, false, false},
	{"creating the check run", createRoute, 1, false, false},
	{"check run created, answer lost", createRoute, 1, true, true},
	{"reading the configuration", configRoute, 1, false, false},
	{"fetching the diff", diffRoute, 1, false, false},
	{"first annotation batch", updateRoute, 1, false, false},
	{"first batch stored, answer lost", updateRoute, 1, true, false},
	{"second batch stored, answer lost", updateRoute, 2, true, true},
	{"re-checking the head before the verdict", pullRoute, 2, false, false},
	{"verdict stored, answer lost", updateRoute, 4, true, false},
}

// reach starts `app serve` (named name, with args) on a pull request of
// 120 findings and returns once the analysis is parked at k.
func (w *world) reach(k killPoint, name string, args ...string) (p *proc, hold *githubtest.Hold, head, diff string) {
	w.t.Helper()
	head, diff = w.addPR(1, 120)
	hold = k.inject(w.gh)
	p = w.start(name, nil, args...)
	if code := p.send("pull_request", "delivery-1", prOpened(1, head)); code != 202 {
		w.t.Fatalf("delivery: %d, want 202", code)
	}
	waitArrived(w.t, hold, k.name, p)
	return p, hold, head, diff
}

func (k killPoint) inject(gh *githubtest.Server) *githubtest.Hold {
	h := githubtest.NewHold(k.applied)
	faults := make([]githubtest.Fault, 0, k.nth)
	for range k.nth - 1 {
		faults = append(faults, githubtest.Pass())
	}
	gh.Inject(k.route, append(faults, githubtest.Fault{Hold: h})...)
	return h
}

// TestKillDuringAnalysisSQLite kills `app serve` (SIGKILL) at each kill
// point and starts it again on the same SQLite file: the new process
// rescues the orphaned job at once and completes it on the same check
// run, with every annotation posted exactly once.
func TestKillDuringAnalysisSQLite(t *testing.T) {
	for _, k := range killPoints {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, map[string]string{"PRODREADY_DB_PATH": filepath.Join(t.TempDir(), "q.db")})
			first, _, head, diff := w.reach(k, "first")
			first.kill()

			second := w.start("restarted", nil)
			runs := w.waitCompleted(60*time.Second, head)
			checkOneRun(t, runs, diff)
			checkNoLeaks(t, w, diff, first, second)
			if !strings.Contains(second.logs.String(), "rescued at start-up") {
				t.Errorf("the restarted process did not report the rescue")
			}
		})
	}
}

// TestKillDuringAnalysisPostgres: two instances share Postgres; the one
// running the analysis is killed and the other, once it holds River's
// leadership, rescues the job after PRODREADY_RESCUE_AFTER and completes
// it. Two kill points: both "answer lost", the cases where a careless
// retry duplicates.
func TestKillDuringAnalysisPostgres(t *testing.T) {
	url := queuetest.PostgresURL()
	if url == "" {
		t.Skip(queuetest.EnvPostgresURL + " not set")
	}
	for _, k := range killPoints {
		if !k.postgres {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			dbURL := queuetest.PostgresSchema(t, url)
			migrate(t, dbURL)
			w := newWorld(t, map[string]string{
				"DATABASE_URL": dbURL,
				// Short, so that the rescue comes within the test's patience;
				// still well above what this analysis takes.
				"PRODREADY_JOB_TIMEOUT":  "15s",
				"PRODREADY_RESCUE_AFTER": "16s",
			})
			first, _, head, diff := w.reach(k, "first")
			second := w.start("second", nil)
			first.kill()

			runs := w.waitCompleted(120*time.Second, head)
			checkOneRun(t, runs, diff)
			checkNoLeaks(t, w, diff, first, second)
			if !strings.Contains(second.logs.String(), `"msg":"analysis done"`) {
				t.Errorf("the surviving instance did not finish the analysis")
			}
		})
	}
}

// migrate runs `app migrate`, the deploy step a Postgres installation takes.
func migrate(t *testing.T, dbURL string) {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), appBinary, "migrate")
	cmd.Env = []string{"DATABASE_URL=" + dbURL}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("app migrate: %v\n%s", err, out.String())
	}
}
