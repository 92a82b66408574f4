package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/ghclient"
	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/webhook"
)

// app is the whole App in-process, as in TestEndToEnd, wired to
// a fake GitHub through the real clients, with every log line and metric
// kept for assertions. Timings are shortened where production waits are
// the App's own choice (backoffs, polling, the attempt timeout), never
// where GitHub asked for a wait.
type app struct {
	gh      *githubtest.Server
	metrics *Metrics
	logs    *syncBuffer
	runner  *attemptLog
	url     string
	secret  string
}

// Figures the tests shorten and the budgets they check against.
const (
	testAttemptTimeout = time.Second // far above a normal answer on a loaded machine
	testRetryBackoff   = 200 * time.Millisecond
	testMaxTries       = 3 // ghclient's default GET attempts per call
)

func startApp(t *testing.T, gh *githubtest.Server) *app {
	t.Helper()
	return startAppOn(t, gh, Config{DBPath: filepath.Join(t.TempDir(), "q.db")})
}

// startAppOn is startApp on the store store names (DBPath or DatabaseURL).
func startAppOn(t *testing.T, gh *githubtest.Server, store Config) *app {
	t.Helper()
	a := &app{gh: gh, metrics: NewMetrics(), logs: &syncBuffer{}, secret: "faults-webhook-secret"}
	logger := slog.New(slog.NewJSONHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	factory, err := ghclient.NewFactory(ghclient.Config{
		AppID: gh.App().ID, PrivateKeyPEM: gh.App().PrivateKeyPEM, BaseURL: gh.URL(), Transport: gh.Client().Transport,
		Logger: logger, Observer: a.metrics,
		MaxTries: testMaxTries, RetryBaseDelay: 10 * time.Millisecond, AttemptTimeout: testAttemptTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := analysis.New(analysis.Options{Factory: factory, Workers: 2, Logger: logger, Observer: a.metrics})
	if err != nil {
		t.Fatal(err)
	}
	a.runner = &attemptLog{next: runner}
	cfg := Config{AppID: gh.App().ID, WebhookSecret: []byte(a.secret), DBPath: store.DBPath, DatabaseURL: store.DatabaseURL, Workers: 2, ShutdownTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, cfg, a.runner, factory, Options{
		Logger: logger, Metrics: a.metrics, queueTestOnly: true,
		queueRetryBackoff: func(int) time.Duration { return testRetryBackoff },
		queuePoll:         20 * time.Millisecond,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not stop")
		}
	})
	a.url = "http://" + ln.Addr().String()
	return a
}

// deliver sends a signed webhook delivery and returns the status.
func (a *app) deliver(t *testing.T, event, delivery, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.url+"/webhook", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(a.secret), []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// pullRequestOpened is a pull_request.opened delivery for repo#n at head, with
// head.repo set to headRepo ("" for a branch of repo itself).
func pullRequestOpened(repo string, n int, head, headRepo string) string {
	owner, name, _ := strings.Cut(repo, "/")
	headRepoJSON := fmt.Sprintf(`{"id":99,"name":%q,"full_name":%q,"fork":false,"owner":{"login":%q}}`, name, repo, owner)
	if headRepo != "" {
		fo, fn, _ := strings.Cut(headRepo, "/")
		headRepoJSON = fmt.Sprintf(`{"id":555,"name":%q,"full_name":%q,"fork":true,"owner":{"login":%q}}`, fn, headRepo, fo)
	}
	return fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"state":"open","draft":false,`+
		`"head":{"sha":%q,"ref":"feature","repo":%s},"base":{"ref":"main","repo":{"id":99,"name":%q,"full_name":%q,"owner":{"login":%q}}}},`+
		`"repository":{"id":99,"name":%q,"full_name":%q,"owner":{"login":%q}},"installation":{"id":7}}`,
		n, n, head, headRepoJSON, name, repo, owner, name, repo, owner)
}

// metric reads one sample of the App's /metrics, 0 when absent.
func (a *app) metric(t *testing.T, name string) float64 {
	t.Helper()
	resp, err := http.Get(a.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", line, err)
			}
			return f
		}
	}
	return 0
}

// waitFor polls cond for up to a minute: the wall time of these tests is
// mostly waits GitHub asked for, which the App must not shorten.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// attemptLog records when each analysis attempt ran, so the fake's request
// log can be cut into attempts.
type attemptLog struct {
	next analysis.Runner
	mu   sync.Mutex
	runs []attemptRun
}

type attemptRun struct {
	start, end time.Time
	err        error
}

func (l *attemptLog) Analyze(ctx context.Context, job analysis.Job) error {
	start := time.Now()
	err := l.next.Analyze(ctx, job)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs = append(l.runs, attemptRun{start: start, end: time.Now(), err: err})
	return err
}

func (l *attemptLog) all() []attemptRun {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]attemptRun(nil), l.runs...)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// route names a logged request the way the budget counts it.
func route(r githubtest.Request) string {
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	if len(segs) >= 3 && segs[0] == "repos" {
		segs[1], segs[2] = "{owner}", "{repo}"
	}
	for i, s := range segs {
		if _, err := strconv.Atoi(s); err == nil {
			segs[i] = "{n}"
		} else if len(s) == 40 {
			segs[i] = "{sha}"
		}
		if i > 0 && segs[i-1] == "contents" {
			segs = append(segs[:i], "{path}")
			break
		}
	}
	out := r.Method + " /" + strings.Join(segs, "/")
	if strings.Contains(r.Accept, "diff") {
		out += " (diff)"
	}
	return out
}
