package server

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/ghclient"
	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/queue/queuetest"
	"github.com/prodready/prodready/internal/rules"
	"github.com/prodready/prodready/internal/webhook"
)

// TestEndToEnd drives the App as GitHub would: signed deliveries over
// HTTP to the real handler, queue and analysis, which talk to the fake
// GitHub through the real go-github and ghinstallation clients. It runs on
// the embedded SQLite store, and on Postgres when the test server is set.
func TestEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		endToEnd(t, Config{DBPath: filepath.Join(t.TempDir(), "q.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		url := queuetest.PostgresURL()
		if url == "" {
			t.Skip(queuetest.EnvPostgresURL + " not set")
		}
		u := queuetest.PostgresSchema(t, url)
		if _, err := queue.Migrate(context.Background(), queue.Config{DatabaseURL: u}); err != nil {
			t.Fatal(err)
		}
		endToEnd(t, Config{DatabaseURL: u})
	})
}

func endToEnd(t *testing.T, store Config) {
	const (
		secret   = "e2e-webhook-secret"
		repoFull = "acme/shop"
	)
	diff, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "diffs", "ai-pr-go.diff"))
	if err != nil {
		t.Fatal(err)
	}
	gh := githubtest.New(t)
	gh.AddPull(repoFull, githubtest.PullRequest{Number: 5, Title: "Add order search", Diff: string(diff)})
	head := githubtest.FakeSHA(repoFull + "#5 head")

	factory, err := ghclient.NewFactory(ghclient.Config{AppID: gh.App().ID, PrivateKeyPEM: gh.App().PrivateKeyPEM, BaseURL: gh.URL(), Transport: gh.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := analysis.New(analysis.Options{Factory: factory, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{AppID: gh.App().ID, WebhookSecret: []byte(secret), DBPath: store.DBPath, DatabaseURL: store.DatabaseURL, Workers: 2, ShutdownTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := New(ctx, cfg, runner, factory, Options{queueTestOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String() + "/webhook"

	send := func(event, delivery, body string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", delivery)
		req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(secret), []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	repoJSON := `"repository":{"id":99,"name":"shop","full_name":"acme/shop","owner":{"login":"acme"}},"installation":{"id":7}`
	opened := fmt.Sprintf(`{"action":"opened","number":5,"pull_request":{"number":5,"state":"open","draft":false,"head":{"sha":%q}},%s}`, head, repoJSON)
	if code := send("pull_request", "delivery-1", opened); code != http.StatusAccepted {
		t.Fatalf("pull_request.opened: %d, want 202", code)
	}
	// GitHub's redelivery keeps the delivery id; the same push also sends
	// check_suite.requested. Neither may start a second analysis.
	if code := send("pull_request", "delivery-1", opened); code != http.StatusOK {
		t.Fatalf("redelivery: %d, want 200 (duplicate)", code)
	}
	suite := fmt.Sprintf(`{"action":"requested","check_suite":{"head_sha":%q,"pull_requests":[{"number":5,"base":{"repo":{"id":99}}}]},%s}`, head, repoJSON)
	if code := send("check_suite", "delivery-2", suite); code != http.StatusAccepted && code != http.StatusOK {
		t.Fatalf("check_suite.requested: %d", code)
	}

	deadline := time.Now().Add(60 * time.Second)
	var runs []githubtest.CheckRun
	for time.Now().Before(deadline) {
		runs = gh.CheckRuns(repoFull, head)
		if len(runs) == 1 && runs[0].Status == "completed" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(runs) != 1 || runs[0].Status != "completed" {
		t.Fatalf("check runs on the head: %+v", runs)
	}
	// Give a duplicate job, if one had slipped through, time to show.
	time.Sleep(1500 * time.Millisecond)
	if n := len(gh.CheckRuns(repoFull, head)); n != 1 {
		t.Fatalf("%d check runs after duplicates, want 1", n)
	}

	reg, err := rules.Registry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.NewEngine(reg, 2).RunDiff(context.Background(), bytes.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, f := range res.Findings {
		want = append(want, fmt.Sprintf("%s:%d %s", f.Path, f.StartLine, f.Severity))
	}
	for _, a := range runs[0].Annotations {
		got = append(got, fmt.Sprintf("%s:%d %s", a.Path, a.StartLine, a.Level))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("annotations differ from app check:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(runs[0].Summary, "finding") {
		t.Errorf("summary: %q", runs[0].Summary)
	}
	// The webhook secret and the App key never leave the process.
	for _, r := range gh.Requests() {
		if bytes.Contains(r.Body, []byte(secret)) || bytes.Contains(r.Body, []byte("PRIVATE KEY")) {
			t.Fatalf("%s %s carried a secret", r.Method, r.Path)
		}
	}
	cancel()
	select {
	case <-served:
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}

// TestTwoInstancesOnePostgres runs two App instances on one Postgres
// database and one fake GitHub and sends each a share of a stream of
// deliveries in which every push arrives three times (the delivery, its
// redelivery at the other instance, and the push's check_suite): every PR
// head must end with exactly one completed check run.
func TestTwoInstancesOnePostgres(t *testing.T) {
	url := queuetest.PostgresURL()
	if url == "" {
		t.Skip(queuetest.EnvPostgresURL + " not set")
	}
	dbURL := queuetest.PostgresSchema(t, url)
	if _, err := queue.Migrate(context.Background(), queue.Config{DatabaseURL: dbURL}); err != nil {
		t.Fatal(err)
	}
	const (
		secret   = "two-instances"
		repoFull = "acme/shop"
		prs      = 12
	)
	gh := githubtest.New(t)
	diff := "diff --git a/svc/a.py b/svc/a.py\nnew file mode 100644\n--- /dev/null\n+++ b/svc/a.py\n@@ -0,0 +1,4 @@\n+def load(path):\n+    try:\n+        return open(path).read()\n+    except:\n"
	heads := map[int]string{}
	for n := 1; n <= prs; n++ {
		gh.AddPull(repoFull, githubtest.PullRequest{Number: n, Diff: diff})
		heads[n] = githubtest.FakeSHA(fmt.Sprintf("%s#%d head", repoFull, n))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var urls []string
	var stopped []chan error
	for k := 0; k < 2; k++ {
		factory, err := ghclient.NewFactory(ghclient.Config{AppID: gh.App().ID, PrivateKeyPEM: gh.App().PrivateKeyPEM, BaseURL: gh.URL(), Transport: gh.Client().Transport})
		if err != nil {
			t.Fatal(err)
		}
		runner, err := analysis.New(analysis.Options{Factory: factory, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(ctx, Config{AppID: gh.App().ID, WebhookSecret: []byte(secret), DatabaseURL: dbURL, Workers: 2, ShutdownTimeout: 10 * time.Second}, runner, factory, Options{queueTestOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		urls = append(urls, "http://"+ln.Addr().String()+"/webhook")
		stopped = append(stopped, done)
	}
	send := func(instance int, event, delivery, body string) int {
		req, _ := http.NewRequest(http.MethodPost, urls[instance], strings.NewReader(body))
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", delivery)
		req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(secret), []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	repoJSON := `"repository":{"id":99,"name":"shop","full_name":"acme/shop","owner":{"login":"acme"}},"installation":{"id":7}`
	var wg sync.WaitGroup
	for n := 1; n <= prs; n++ {
		opened := fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"state":"open","head":{"sha":%q}},%s}`, n, n, heads[n], repoJSON)
		suite := fmt.Sprintf(`{"action":"requested","check_suite":{"head_sha":%q,"pull_requests":[{"number":%d,"base":{"repo":{"id":99}}}]},%s}`, heads[n], n, repoJSON)
		for _, d := range []struct {
			instance        int
			event, id, body string
		}{
			{n % 2, "pull_request", fmt.Sprintf("pr-%d", n), opened},
			{(n + 1) % 2, "pull_request", fmt.Sprintf("pr-%d", n), opened},
			{(n + 1) % 2, "check_suite", fmt.Sprintf("suite-%d", n), suite},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code := send(d.instance, d.event, d.id, d.body); code != http.StatusAccepted && code != http.StatusOK {
					t.Errorf("%s %s: %d", d.event, d.id, code)
				}
			}()
		}
	}
	wg.Wait()

	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		done := 0
		for n := 1; n <= prs; n++ {
			if runs := gh.CheckRuns(repoFull, heads[n]); len(runs) == 1 && runs[0].Status == "completed" {
				done++
			}
		}
		if done == prs {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // let a duplicate, had one slipped through, show
	for n := 1; n <= prs; n++ {
		runs := gh.CheckRuns(repoFull, heads[n])
		if len(runs) != 1 || runs[0].Status != "completed" {
			t.Errorf("PR #%d: %d runs %+v, want exactly one completed", n, len(runs), runs)
		}
	}
	cancel()
	for _, done := range stopped {
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("an instance did not stop")
		}
	}
}
