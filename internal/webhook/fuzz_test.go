package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
)

// acceptAll is an Enqueuer that checks what it is handed.
type acceptAll struct{ t *testing.T }

func (a acceptAll) Enqueue(_ context.Context, id string, jobs ...analysis.Job) (intake.Result, error) {
	for _, j := range jobs {
		if j.InstallationID <= 0 || j.Repo.Owner == "" || j.Repo.Name == "" || j.PR <= 0 || j.HeadSHA == "" {
			a.t.Fatalf("handler enqueued an incomplete job %+v for %s", j, id)
		}
	}
	return intake.Result{Jobs: len(jobs)}, nil
}

func (a acceptAll) EnqueueResolve(_ context.Context, id string, s intake.Suite) (intake.Result, error) {
	if s.InstallationID <= 0 || s.HeadSHA == "" {
		a.t.Fatalf("handler enqueued an incomplete suite %+v for %s", s, id)
	}
	return intake.Result{Jobs: 1}, nil
}

// FuzzHandler sends correctly signed but mutated bodies, so that the fuzzer
// reaches the parsing and routing behind the signature check: the handler
// must never panic, must answer with one of its documented codes, and must
// never enqueue a job missing a field the worker needs.
func FuzzHandler(f *testing.F) {
	events := []string{"pull_request", "check_suite", "check_run", "installation", "ping"}
	for _, e := range events {
		f.Add(e, []byte(`{"action":"opened"}`))
	}
	f.Add("pull_request", []byte(`{"action":"opened","number":5,"pull_request":{"number":5,"head":{"sha":"abc"}},"repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}}`))
	f.Add("check_suite", []byte(`{"action":"requested","check_suite":{"head_sha":"abc","pull_requests":[]},"repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}}`))
	if paths, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "github", "webhooks", "*.json")); len(paths) > 0 {
		for _, p := range paths[:min(len(paths), 12)] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(strings.SplitN(filepath.Base(p), ".", 2)[0], b)
			}
		}
	}
	secret := []byte("fuzz-secret")
	f.Fuzz(func(t *testing.T, event string, body []byte) {
		h, err := New(Config{Secret: secret, AppID: 1, Enqueuer: acceptAll{t}})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(string(body)))
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", "fuzz-delivery")
		req.Header.Set("X-Hub-Signature-256", Signature(secret, body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for event %q body %q", rec.Code, event, body)
		}
	})
}
