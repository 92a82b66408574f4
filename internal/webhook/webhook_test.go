package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/queue/intake"
)

const (
	secret = "s3cr3t-webhook-key"
	appID  = 42
)

// fakeQueue dedupes like the real one: by delivery id, then by
// (repo, PR, SHA) unless forced.
type fakeQueue struct {
	mu         sync.Mutex
	deliveries map[string]bool
	keys       map[string]bool
	jobs       []analysis.Job
	suites     []intake.Suite
	fail       error
}

func newFakeQueue() *fakeQueue {
	return &fakeQueue{deliveries: map[string]bool{}, keys: map[string]bool{}}
}

func (q *fakeQueue) Enqueue(_ context.Context, delivery string, jobs ...analysis.Job) (intake.Result, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return intake.Result{}, q.fail
	}
	if q.deliveries[delivery] {
		return intake.Result{Duplicate: true}, nil
	}
	q.deliveries[delivery] = true
	// Like the real queue, every job counts as queued; equal ones are
	// kept once.
	for _, j := range jobs {
		k := fmt.Sprintf("%s#%d@%s", j.Repo, j.PR, j.HeadSHA)
		if j.Force {
			k += "!" + delivery
		}
		if q.keys[k] {
			continue
		}
		q.keys[k] = true
		q.jobs = append(q.jobs, j)
	}
	return intake.Result{Jobs: len(jobs)}, nil
}

func (q *fakeQueue) EnqueueResolve(_ context.Context, delivery string, s intake.Suite) (intake.Result, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return intake.Result{}, q.fail
	}
	if q.deliveries[delivery] {
		return intake.Result{Duplicate: true}, nil
	}
	q.deliveries[delivery] = true
	q.suites = append(q.suites, s)
	return intake.Result{Jobs: 1}, nil
}

type fakeMetrics struct {
	mu   sync.Mutex
	seen []string
}

func (m *fakeMetrics) ObserveDelivery(event, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen = append(m.seen, event+"/"+outcome)
}

func (m *fakeMetrics) last() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.seen) == 0 {
		return ""
	}
	return m.seen[len(m.seen)-1]
}

type harness struct {
	router  *mux.Router
	queue   *fakeQueue
	metrics *fakeMetrics
	logs    *bytes.Buffer
}

func newHarness(t *testing.T, enq Enqueuer) *harness {
	t.Helper()
	h := &harness{router: mux.NewRouter(), queue: newFakeQueue(), metrics: &fakeMetrics{}, logs: &bytes.Buffer{}}
	if enq == nil {
		enq = h.queue
	}
	wh, err := New(Config{
		Secret:   []byte(secret),
		AppID:    appID,
		Enqueuer: enq,
		Metrics:  h.metrics,
		Logger:   slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	wh.Register(h.router)
	return h
}

func sign(body []byte) string { return Signature([]byte(secret), body) }

// delivery is one request to send; zero fields take valid defaults.
type delivery struct {
	event, id   string
	body        []byte
	sig         string // "" → a valid signature; "-" → no header
	sha1        bool   // add a valid X-Hub-Signature (SHA-1)
	contentType string
	noEvent     bool
	noID        bool
}

func (h *harness) send(t *testing.T, d delivery) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(d.body))
	if d.contentType == "" {
		d.contentType = "application/json"
	}
	req.Header.Set("Content-Type", d.contentType)
	switch d.sig {
	case "":
		req.Header.Set(HeaderSignature256, sign(d.body))
	case "-":
	default:
		req.Header.Set(HeaderSignature256, d.sig)
	}
	if d.sha1 {
		mac := hmac.New(sha1.New, []byte(secret))
		mac.Write(d.body)
		req.Header.Set(HeaderSignatureSHA1, "sha1="+hex.EncodeToString(mac.Sum(nil)))
	}
	if !d.noEvent {
		req.Header.Set(HeaderEvent, d.event)
	}
	if !d.noID {
		if d.id == "" {
			d.id = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
		}
		req.Header.Set(HeaderDelivery, d.id)
	}
	rec := httptest.NewRecorder()
	h.router.ServeHTTP(rec, req)
	return rec
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type obj = map[string]any

var repoJSON = obj{"id": 100, "name": "app", "full_name": "octo/app", "owner": obj{"login": "octo"}}

func prPayload(action, sha string, extra ...func(obj)) []byte {
	p := obj{
		"action": action, "number": 7,
		"pull_request": obj{"number": 7, "state": "open", "draft": false, "head": obj{"sha": sha},
			"created_at": "not a timestamp go-github could parse"},
		"repository":   repoJSON,
		"installation": obj{"id": 9},
	}
	for _, f := range extra {
		f(p)
	}
	return mustJSON(p)
}

func suitePayload(action, sha string, app int64, prs ...int) []byte {
	list := []obj{}
	for _, n := range prs {
		list = append(list, obj{"number": n, "base": obj{"repo": obj{"id": 100}}})
	}
	return mustJSON(obj{
		"action":       action,
		"check_suite":  obj{"head_sha": sha, "app": obj{"id": app}, "pull_requests": list},
		"repository":   repoJSON,
		"installation": obj{"id": 9},
	})
}

func runPayload(action, name, sha string, app int64, prs ...int) []byte {
	list := []obj{}
	for _, n := range prs {
		list = append(list, obj{"number": n, "base": obj{"repo": obj{"id": 100}}})
	}
	return mustJSON(obj{
		"action":       action,
		"check_run":    obj{"name": name, "head_sha": sha, "app": obj{"id": app}, "pull_requests": list},
		"repository":   repoJSON,
		"installation": obj{"id": 9},
	})
}

func TestHandler(t *testing.T) {
	prOpened := prPayload("opened", "abc123")
	cases := []struct {
		name      string
		d         delivery
		status    int
		outcome   string // metric label "event/outcome"
		jobs      int
		suites    int
		force     bool
		failStore bool
	}{
		{name: "pull_request opened", d: delivery{event: "pull_request", body: prOpened}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		{name: "pull_request synchronize", d: delivery{event: "pull_request", body: prPayload("synchronize", "abc123")}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		{name: "pull_request reopened", d: delivery{event: "pull_request", body: prPayload("reopened", "abc123")}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		{name: "pull_request ready_for_review", d: delivery{event: "pull_request", body: prPayload("ready_for_review", "abc123")}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		{name: "draft pull request is analysed", d: delivery{event: "pull_request", body: prPayload("opened", "abc123", func(p obj) {
			p["pull_request"].(obj)["draft"] = true
		})}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		// The head lives in a fork owned by someone else: the job, and so
		// the check run, belong to the base repository the event names.
		{name: "pull request from a fork", d: delivery{event: "pull_request", body: prPayload("opened", "abc123", func(p obj) {
			pr := p["pull_request"].(obj)
			pr["head"] = obj{"sha": "abc123", "ref": "main", "label": "mallory:main",
				"repo": obj{"id": 555, "name": "app-fork", "full_name": "mallory/app-fork", "fork": true, "owner": obj{"login": "mallory"}}}
			pr["base"] = obj{"sha": "def456", "ref": "main", "label": "octo:main", "repo": repoJSON}
		})}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		{name: "ignored action", d: delivery{event: "pull_request", body: prPayload("labeled", "abc123")}, status: 200, outcome: "pull_request/ignored"},
		{name: "closed pull request", d: delivery{event: "pull_request", body: prPayload("synchronize", "abc123", func(p obj) {
			p["pull_request"].(obj)["state"] = "closed"
		})}, status: 200, outcome: "pull_request/ignored"},
		{name: "no installation", d: delivery{event: "pull_request", body: prPayload("opened", "abc123", func(p obj) { delete(p, "installation") })}, status: 200, outcome: "pull_request/ignored"},
		{name: "no head SHA", d: delivery{event: "pull_request", body: prPayload("opened", "")}, status: 400, outcome: "pull_request/bad_request"},
		{name: "no repository", d: delivery{event: "pull_request", body: prPayload("opened", "abc", func(p obj) { delete(p, "repository") })}, status: 400, outcome: "pull_request/bad_request"},
		{name: "wrong field type", d: delivery{event: "pull_request", body: []byte(`{"action":"opened","number":"seven"}`)}, status: 400, outcome: "pull_request/bad_request"},

		{name: "missing signature", d: delivery{event: "pull_request", body: prOpened, sig: "-"}, status: 401, outcome: "unverified/unauthorized"},
		{name: "SHA-1 signature only", d: delivery{event: "pull_request", body: prOpened, sig: "-", sha1: true}, status: 401, outcome: "unverified/unauthorized"},
		{name: "wrong signature", d: delivery{event: "pull_request", body: prOpened, sig: sign([]byte("other body"))}, status: 401, outcome: "unverified/unauthorized"},
		{name: "signature of another algorithm", d: delivery{event: "pull_request", body: prOpened, sig: strings.Replace(sign(prOpened), "sha256=", "sha512=", 1)}, status: 401, outcome: "unverified/unauthorized"},
		{name: "malformed signature", d: delivery{event: "pull_request", body: prOpened, sig: "sha256=zz"}, status: 401, outcome: "unverified/unauthorized"},
		{name: "body over 25 MB", d: delivery{event: "pull_request", body: bytes.Repeat([]byte(" "), MaxBodyBytes+1)}, status: 413, outcome: "unverified/too_large"},
		{name: "truncated JSON", d: delivery{event: "pull_request", body: prOpened[:len(prOpened)/2]}, status: 400, outcome: "pull_request/bad_request"},
		{name: "empty body", d: delivery{event: "pull_request", body: nil}, status: 400, outcome: "pull_request/bad_request"},
		{name: "missing event header", d: delivery{body: prOpened, noEvent: true}, status: 400, outcome: "other/bad_request"},
		{name: "missing delivery header", d: delivery{event: "pull_request", body: prOpened, noID: true}, status: 400, outcome: "pull_request/bad_request"},
		{name: "malformed delivery header", d: delivery{event: "pull_request", id: "a b\n", body: prOpened}, status: 400, outcome: "pull_request/bad_request"},
		{name: "unsupported content type", d: delivery{event: "pull_request", body: prOpened, contentType: "text/plain"}, status: 415, outcome: "pull_request/unsupported_media_type"},
		{name: "form-encoded body", d: delivery{event: "pull_request", body: []byte("payload=" + url.QueryEscape(string(prOpened))), contentType: "application/x-www-form-urlencoded"}, status: 202, outcome: "pull_request/accepted", jobs: 1},
		{name: "unknown event", d: delivery{event: "star", body: []byte(`{"action":"created"}`)}, status: 200, outcome: "other/ignored"},
		{name: "unknown event with broken JSON", d: delivery{event: "star", body: []byte(`{"action":`)}, status: 400, outcome: "other/bad_request"},
		{name: "ping", d: delivery{event: "ping", body: []byte(`{"zen":"Design for failure.","hook_id":1}`)}, status: 200, outcome: "ping/ignored"},
		{name: "installation", d: delivery{event: "installation", body: []byte(`{"action":"created","installation":{"id":9,"account":{"login":"octo"}},"repositories":[{},{}]}`)}, status: 200, outcome: "installation/logged"},
		{name: "installation_repositories", d: delivery{event: "installation_repositories", body: []byte(`{"action":"added","installation":{"id":9},"repositories_added":[{}],"repositories_removed":[]}`)}, status: 200, outcome: "installation_repositories/logged"},
		{name: "store failure", d: delivery{event: "pull_request", body: prOpened}, status: 500, outcome: "pull_request/error", failStore: true},

		{name: "check_suite requested", d: delivery{event: "check_suite", body: suitePayload("requested", "abc123", appID, 7, 8)}, status: 202, outcome: "check_suite/accepted", jobs: 2},
		{name: "check_suite rerequested forces", d: delivery{event: "check_suite", body: suitePayload("rerequested", "abc123", appID, 7)}, status: 202, outcome: "check_suite/accepted", jobs: 1, force: true},
		{name: "check_suite from a fork resolves", d: delivery{event: "check_suite", body: suitePayload("requested", "abc123", appID)}, status: 202, outcome: "check_suite/accepted", suites: 1},
		{name: "check_suite of another app", d: delivery{event: "check_suite", body: suitePayload("requested", "abc123", 999, 7)}, status: 200, outcome: "check_suite/ignored"},
		{name: "check_suite completed", d: delivery{event: "check_suite", body: suitePayload("completed", "abc123", appID, 7)}, status: 200, outcome: "check_suite/ignored"},
		{name: "check_suite PR of another repository", d: delivery{event: "check_suite", body: []byte(`{"action":"requested","check_suite":{"head_sha":"abc","pull_requests":[{"number":3,"base":{"repo":{"id":555}}}]},"repository":{"id":100,"name":"app","owner":{"login":"octo"}},"installation":{"id":9}}`)}, status: 202, outcome: "check_suite/accepted", suites: 1},

		{name: "check_run rerequested", d: delivery{event: "check_run", body: runPayload("rerequested", analysis.CheckRunName, "abc123", appID, 7)}, status: 202, outcome: "check_run/accepted", jobs: 1, force: true},
		{name: "check_run rerequested without PRs", d: delivery{event: "check_run", body: runPayload("rerequested", analysis.CheckRunName, "abc123", appID)}, status: 202, outcome: "check_run/accepted", suites: 1, force: true},
		{name: "check_run of another name", d: delivery{event: "check_run", body: runPayload("rerequested", "ci", "abc123", appID, 7)}, status: 200, outcome: "check_run/ignored"},
		{name: "check_run of another app", d: delivery{event: "check_run", body: runPayload("rerequested", analysis.CheckRunName, "abc123", 999, 7)}, status: 200, outcome: "check_run/ignored"},
		{name: "check_run created", d: delivery{event: "check_run", body: runPayload("created", analysis.CheckRunName, "abc123", appID, 7)}, status: 200, outcome: "check_run/ignored"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if c.failStore {
				h.queue.fail = errors.New("database is locked")
			}
			rec := h.send(t, c.d)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, c.status, rec.Body)
			}
			if got := h.metrics.last(); got != c.outcome {
				t.Errorf("metric %q, want %q", got, c.outcome)
			}
			if len(h.queue.jobs) != c.jobs || len(h.queue.suites) != c.suites {
				t.Fatalf("queued %d jobs and %d suites, want %d and %d", len(h.queue.jobs), len(h.queue.suites), c.jobs, c.suites)
			}
			for _, j := range h.queue.jobs {
				if j.Force != c.force || j.InstallationID != 9 || j.Repo.String() != "octo/app" || j.HeadSHA != "abc123" ||
					j.DeliveryID != "72d3162e-cc78-11e3-81ab-4c9367dc0958" || j.Reason == "" {
					t.Errorf("job %+v", j)
				}
			}
			for _, s := range h.queue.suites {
				if s.Force != c.force || s.InstallationID != 9 || s.Repo.String() != "octo/app" || s.HeadSHA == "" {
					t.Errorf("suite %+v", s)
				}
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var rep reply
			if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rep.Status == "" {
				t.Errorf("reply %q: %v", rec.Body, err)
			}
		})
	}
}

func TestRedeliveryIsDuplicate(t *testing.T) {
	h := newHarness(t, nil)
	d := delivery{event: "pull_request", body: prPayload("opened", "abc123")}
	if rec := h.send(t, d); rec.Code != http.StatusAccepted {
		t.Fatalf("first: %d", rec.Code)
	}
	rec := h.send(t, d)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"duplicate"`) {
		t.Fatalf("redelivery: %d %s", rec.Code, rec.Body)
	}
	if h.metrics.last() != "pull_request/duplicate" || len(h.queue.jobs) != 1 {
		t.Fatalf("metric %q, %d jobs", h.metrics.last(), len(h.queue.jobs))
	}
}

func TestStoreFailureThenRedeliveryIsAccepted(t *testing.T) {
	h := newHarness(t, nil)
	h.queue.fail = errors.New("disk full")
	d := delivery{event: "pull_request", body: prPayload("opened", "abc123")}
	if rec := h.send(t, d); rec.Code != http.StatusInternalServerError {
		t.Fatalf("first: %d", rec.Code)
	}
	h.queue.fail = nil
	if rec := h.send(t, d); rec.Code != http.StatusAccepted {
		t.Fatalf("redelivery after failure: %d %s", rec.Code, rec.Body)
	}
}

func TestOnlyPost(t *testing.T) {
	h := newHarness(t, nil)
	rec := httptest.NewRecorder()
	h.router.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhook", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET /webhook: %d", rec.Code)
	}
}

// TestSignatureTestVector uses the example from GitHub's documentation.
func TestSignatureTestVector(t *testing.T) {
	const sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if !validSignature([]byte("It's a Secret to Everybody"), []byte("Hello, World!"), sig) {
		t.Fatal("GitHub's test vector does not verify")
	}
	if validSignature([]byte("It's a Secret to Everybody"), []byte("Hello, World?"), sig) {
		t.Fatal("a changed body verifies")
	}
	if validSignature([]byte("It's a secret to everybody"), []byte("Hello, World!"), sig) {
		t.Fatal("a changed secret verifies")
	}
	if validSignature([]byte("It's a Secret to Everybody"), []byte("Hello, World!"), strings.ToUpper(sig[:7])+sig[7:]) {
		t.Fatal("a prefix other than sha256= verifies")
	}

	// Through the handler: the vector passes the signature check and the
	// body, not being JSON, is then a 400 rather than a 401.
	wh, err := New(Config{Secret: []byte("It's a Secret to Everybody"), Enqueuer: newFakeQueue()})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader("Hello, World!"))
	req.Header.Set(HeaderSignature256, sig)
	req.Header.Set(HeaderEvent, "ping")
	req.Header.Set(HeaderDelivery, "d-1")
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
}

func TestLogsCarryContextButNoSecrets(t *testing.T) {
	h := newHarness(t, nil)
	body := prPayload("opened", "abc123", func(p obj) { p["pull_request"].(obj)["body"] = "ghp_SuperSecretTokenInBody" })
	h.send(t, delivery{event: "pull_request", body: body})
	h.send(t, delivery{event: "pull_request", body: body, sig: sign([]byte("x"))})
	logs := h.logs.String()
	for _, want := range []string{`"delivery_id":"72d3162e-cc78-11e3-81ab-4c9367dc0958"`, `"event":"pull_request"`, `"action":"opened"`,
		`"installation":9`, `"repo":"octo/app"`, `"pr":7`, `"head_sha":"abc123"`, `"status":202`, `"status":401`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	for _, leak := range []string{secret, "ghp_SuperSecretTokenInBody", sign(body)[7:], sign([]byte("x"))[7:]} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs contain %q", leak)
		}
	}
}

// TestPullRequestAndCheckSuiteRunOneAnalysis goes through the real queue on
// SQLite: a push sends both pull_request.synchronize and
// check_suite.requested for one head, which must make one analysis.
func TestPullRequestAndCheckSuiteRunOneAnalysis(t *testing.T) {
	ctx := context.Background()
	runner := &countingRunner{runs: map[string]int{}}
	q, err := queue.Open(ctx, queue.Config{SQLitePath: filepath.Join(t.TempDir(), "q.db"), TestOnly: true}, runner, noFactory{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, q)

	steps := []struct {
		d      delivery
		status int
		reply  string
	}{
		{delivery{event: "pull_request", id: "d-sync", body: prPayload("synchronize", "abc123")}, 202, `"jobs":1`},
		{delivery{event: "check_suite", id: "d-suite", body: suitePayload("requested", "abc123", appID, 7)}, 202, `"jobs":1`},
		{delivery{event: "pull_request", id: "d-sync", body: prPayload("synchronize", "abc123")}, 200, `"duplicate"`},
		{delivery{event: "check_run", id: "d-rerun", body: runPayload("rerequested", analysis.CheckRunName, "abc123", appID, 7)}, 202, `"jobs":1`},
	}
	for i, s := range steps {
		rec := h.send(t, s.d)
		if rec.Code != s.status || !strings.Contains(rec.Body.String(), s.reply) {
			t.Fatalf("step %d: %d %s, want %d with %s", i, rec.Code, rec.Body, s.status, s.reply)
		}
	}
	// One analysis for the push, one for the explicit re-run.
	deadline := time.Now().Add(15 * time.Second)
	for runner.snapshot()["octo/app#7@abc123"] < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // room for a wrong third run to show
	if got := runner.snapshot(); len(got) != 1 || got["octo/app#7@abc123"] != 2 {
		t.Fatalf("analyses run: %v, want octo/app#7@abc123 twice (push, re-run)", got)
	}
}

// countingRunner counts analyses per head.
type countingRunner struct {
	mu   sync.Mutex
	runs map[string]int
}

func (r *countingRunner) Analyze(_ context.Context, j analysis.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs[fmt.Sprintf("%s#%d@%s", j.Repo, j.PR, j.HeadSHA)]++
	return nil
}

func (r *countingRunner) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.runs)
}

type noFactory struct{}

func (noFactory) ForInstallation(context.Context, int64) (analysis.GitHub, error) {
	return nil, errors.New("no GitHub in this test")
}

// newExampleRouter is the harness's router with the handler configured as
// the App that owns the checks in GitHub's examples.
func newExampleRouter(t *testing.T, h *harness) *mux.Router {
	t.Helper()
	wh, err := New(Config{
		Secret:   []byte(secret),
		AppID:    exampleAppID,
		Enqueuer: h.queue,
		Metrics:  h.metrics,
		Logger:   slog.New(slog.NewJSONHandler(h.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	wh.Register(r)
	return r
}
