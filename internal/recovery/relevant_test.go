package recovery_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
	"github.com/prodready/prodready/internal/recovery"
	"github.com/prodready/prodready/internal/webhook"
)

type countingEnqueuer struct{ n int }

func (e *countingEnqueuer) Enqueue(context.Context, string, ...analysis.Job) (intake.Result, error) {
	e.n++
	return intake.Result{Jobs: 1}, nil
}

func (e *countingEnqueuer) EnqueueResolve(context.Context, string, intake.Suite) (intake.Result, error) {
	e.n++
	return intake.Result{Jobs: 1}, nil
}

// TestRelevantMatchesTheWebhookHandler guards the copy of the handler's
// routing in Relevant: for every action GitHub documents for the three
// events, the real handler queues work exactly when Relevant says so.
func TestRelevantMatchesTheWebhookHandler(t *testing.T) {
	const secret, appID = "s", 42
	actions := map[string][]string{
		"pull_request": {"assigned", "auto_merge_disabled", "auto_merge_enabled", "closed", "converted_to_draft",
			"demilestoned", "dequeued", "edited", "enqueued", "labeled", "locked", "milestoned", "opened",
			"ready_for_review", "reopened", "review_request_removed", "review_requested", "synchronize",
			"unassigned", "unlabeled", "unlocked"},
		"check_suite": {"completed", "requested", "rerequested"},
		"check_run":   {"completed", "created", "requested_action", "rerequested"},
	}
	common := `"repository":{"id":9,"name":"app","owner":{"login":"octo"}},"installation":{"id":7}`
	payloads := map[string]string{
		"pull_request": `{"action":%q,"number":3,"pull_request":{"number":3,"state":"open","head":{"sha":"abc"}},` + common + `}`,
		"check_suite":  `{"action":%q,"check_suite":{"head_sha":"abc","app":{"id":42},"pull_requests":[{"number":3,"base":{"repo":{"id":9}}}]},` + common + `}`,
		"check_run":    `{"action":%q,"check_run":{"name":"` + analysis.CheckRunName + `","head_sha":"abc","app":{"id":42},"pull_requests":[{"number":3,"base":{"repo":{"id":9}}}]},` + common + `}`,
	}
	for event, list := range actions {
		for i, action := range list {
			q := &countingEnqueuer{}
			h, err := webhook.New(webhook.Config{Secret: []byte(secret), AppID: appID, Enqueuer: q})
			if err != nil {
				t.Fatal(err)
			}
			body := []byte(fmt.Sprintf(payloads[event], action))
			req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(secret), body))
			req.Header.Set("X-GitHub-Event", event)
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("%s-%d", event, i))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 300 {
				t.Fatalf("%s.%s: handler answered %d %s", event, action, rec.Code, rec.Body)
			}
			if queued := q.n > 0; queued != recovery.Relevant(event, action) {
				t.Errorf("%s.%s: handler queues work = %v, Relevant = %v", event, action, queued, !queued)
			}
		}
	}
}
