package proctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/githubtest"
)

// TestContainerDoors runs the image's binary (built as the Dockerfile does)
// with the argv the Dockerfile gives it: its ENTRYPOINT followed by
// `check -`, a diff on stdin, as `docker run -i prodready check - < diff`
// does; and the default CMD must be `serve`. Docker itself is not on the
// CI machines; this holds the Dockerfile and the binary to each other.
func TestContainerDoors(t *testing.T) {
	readAppSources(t)
	dockerfile, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	entry := execForm(t, dockerfile, "ENTRYPOINT")
	if cmd := execForm(t, dockerfile, "CMD"); len(cmd) != 1 || cmd[0] != "serve" {
		t.Errorf("CMD %q, want [\"serve\"]: `docker run prodready` must serve the App", cmd)
	}
	if len(entry) != 1 || entry[0] != "/app" {
		t.Fatalf("ENTRYPOINT %q, want [\"/app\"]: the README's `docker run … check -` relies on it", entry)
	}
	if !regexp.MustCompile(`(?m)^ENV CGO_ENABLED=0$`).Match(dockerfile) {
		t.Fatalf("the Dockerfile no longer builds without cgo as TestMain does; keep them alike")
	}

	diff := githubtest.KeysDiff(3, 4) // four leaked keys: failures
	run := exec.Command(appBinary, "check", "--format", "json", "-")
	run.Stdin = strings.NewReader(diff)
	out, err := run.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("check - on a diff with failures: %v, want exit 1", err)
	}
	var report struct {
		Findings []struct{ Rule string } `json:"findings"`
	}
	if err := json.Unmarshal(out, &report); err != nil || len(report.Findings) == 0 {
		t.Fatalf("report: %v, %d findings\n%s", err, len(report.Findings), out)
	}
	for _, line := range strings.Split(diff, "\n") {
		if i := strings.Index(line, "AKIA"); i >= 0 && bytes.Contains(out, []byte(line[i:i+20])) {
			t.Fatalf("the report shows a key unmasked")
		}
	}
	want := expectedAnnotations(t, diff)
	if len(report.Findings) != len(want) {
		t.Errorf("the container's binary found %d, the engine in this test %d", len(report.Findings), len(want))
	}
}

// execForm reads the JSON (exec) form of a Dockerfile instruction.
func execForm(t *testing.T, dockerfile []byte, instruction string) []string {
	t.Helper()
	for _, line := range strings.Split(string(dockerfile), "\n") {
		if rest, ok := strings.CutPrefix(line, instruction+" "); ok {
			var argv []string
			if err := json.Unmarshal([]byte(rest), &argv); err != nil {
				t.Fatalf("%s is not in exec form: %q", instruction, line)
			}
			return argv
		}
	}
	t.Fatalf("the Dockerfile has no %s", instruction)
	return nil
}
