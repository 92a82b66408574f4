package webhook

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/prodready/prodready/internal/analysis"
)

// examplesDir holds GitHub's own payload examples (@octokit/webhooks-examples,
// written by fixtures/github/webhooks.js), one file per example plus index.json.
const examplesDir = "../../fixtures/github/webhooks"

// exampleAppID is the App that owns the check suites in the examples; the
// handler is configured as that App so that suites route rather than being
// ignored as another App's.
const exampleAppID = 29310

// TestGitHubExamples replays every example and checks it is routed or
// ignored as the package documents:
//   - pull_request opened/synchronize/reopened/ready_for_review, and
//     check_suite requested/rerequested, are queued (202) when the payload
//     names an installation, else ignored (200): only Apps get installations;
//   - check_run rerequested is queued only for our run name (none of the
//     examples is ours), every other check_run action is ignored;
//   - installation and installation_repositories are logged (200);
//   - ping answers 200; everything else is ignored with 200.
func TestGitHubExamples(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(examplesDir, "index.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no webhook examples under %s yet (fixtures/github/update.sh writes them)", examplesDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		File, Event, Action string
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	if len(index) == 0 {
		t.Skipf("%s/index.json lists no examples", examplesDir)
	}
	for i, ex := range index {
		t.Run(ex.File, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(examplesDir, ex.File))
			if err != nil {
				t.Fatal(err)
			}
			var probe struct {
				Installation *struct{ ID int64 }    `json:"installation"`
				CheckRun     *struct{ Name string } `json:"check_run"`
			}
			if err := json.Unmarshal(body, &probe); err != nil {
				t.Fatalf("example is not JSON: %v", err)
			}
			hasInstallation := probe.Installation != nil && probe.Installation.ID > 0

			want := "ignored"
			switch ex.Event {
			case "pull_request":
				switch ex.Action {
				case "opened", "synchronize", "reopened", "ready_for_review":
					if hasInstallation {
						want = "accepted"
					}
				}
			case "check_suite":
				if (ex.Action == "requested" || ex.Action == "rerequested") && hasInstallation {
					want = "accepted"
				}
			case "check_run":
				if ex.Action == "rerequested" && hasInstallation && probe.CheckRun != nil && probe.CheckRun.Name == analysis.CheckRunName {
					want = "accepted"
				}
			case "installation", "installation_repositories":
				want = "logged"
			}

			h := newHarness(t, nil)
			h.router = newExampleRouter(t, h)
			rec := h.send(t, delivery{event: ex.Event, id: "example-" + ex.File[:len(ex.File)-len(".json")], body: body})
			wantStatus := 200
			if want == "accepted" {
				wantStatus = 202
			}
			if rec.Code != wantStatus {
				t.Fatalf("example %d (%s.%s): status %d, want %d; reply %s", i, ex.Event, ex.Action, rec.Code, wantStatus, rec.Body)
			}
			if got := h.metrics.last(); got != ex.Event+"/"+want {
				t.Fatalf("metric %q, want %q", got, ex.Event+"/"+want)
			}
			if want == "accepted" && len(h.queue.jobs)+len(h.queue.suites) == 0 {
				t.Fatal("accepted but nothing queued")
			}
			if want != "accepted" && len(h.queue.jobs)+len(h.queue.suites) != 0 {
				t.Fatalf("%s but queued %d jobs and %d suites", want, len(h.queue.jobs), len(h.queue.suites))
			}
		})
	}
}
