package proctest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/githubtest"
	"github.com/prodready/prodready/internal/rules"
	"github.com/prodready/prodready/internal/webhook"

	// Linked in only so that `go test` caches this package's results
	// against the code under test: the app binary is built by a
	// subprocess, which the test cache does not see, and a cached pass
	// from before a change to the queue or server would be stale
	// (readAppSources covers cmd/app itself).
	_ "github.com/prodready/prodready/internal/server"
)

// appBinary is `app` built once for the package's tests.
var appBinary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "prodready-proctest")
	if err != nil {
		fmt.Fprintln(os.Stderr, "proctest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	appBinary = filepath.Join(dir, "app")
	// Built as the Dockerfile builds the image's binary (static, no cgo,
	// stripped), so these tests run what the container ships. -trimpath is
	// left out: it changes only the file names recorded in the binary, and
	// would rebuild every dependency apart from the test build's cache.
	build := exec.Command("go", "build", "-ldflags", "-s -w", "-o", appBinary, "github.com/prodready/prodready/cmd/app")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "proctest: build app:", err)
		return 1
	}
	return m.Run()
}

const (
	webhookSecret = "proctest-webhook-secret"
	repoFull      = "acme/shop"
	installation  = 7
)

var appSources sync.Once

// readAppSources reads cmd/app's Go files once per run. The test cache
// keys a result on the files a test opened, so a change to the binary's
// main package, which no test here imports, invalidates cached results.
func readAppSources(t *testing.T) {
	appSources.Do(func() {
		files, err := filepath.Glob(filepath.Join("..", "..", "cmd", "app", "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("cmd/app sources: %v (found %d)", err, len(files))
		}
		for _, f := range files {
			if _, err := os.ReadFile(f); err != nil {
				t.Fatalf("read %s: %v", f, err)
			}
		}
	})
}

// world is one fake GitHub and the settings every `app serve` of a test
// shares with it.
type world struct {
	t   *testing.T
	gh  *githubtest.Server
	env map[string]string
}

func newWorld(t *testing.T, store map[string]string) *world {
	t.Helper()
	readAppSources(t)
	gh := githubtest.New(t)
	env := map[string]string{
		"GITHUB_APP_ID":         strconv.FormatInt(gh.App().ID, 10),
		"GITHUB_PRIVATE_KEY":    string(gh.App().PrivateKeyPEM),
		"GITHUB_WEBHOOK_SECRET": webhookSecret,
		"GITHUB_API_URL":        gh.URL(),
		"PRODREADY_WORKERS":     "2",
		// The recovery pass would call the fake's delivery log, which
		// these tests do not script.
		"PRODREADY_RECOVERY_INTERVAL": "off",
		"LOG_LEVEL":                   "debug",
	}
	for k, v := range store {
		env[k] = v
	}
	return &world{t: t, gh: gh, env: env}
}

// addPR adds pull request n with a diff of keys lines, and returns its
// head SHA and diff.
func (w *world) addPR(n, keys int) (head, diff string) {
	diff = githubtest.KeysDiff(uint64(n), keys)
	w.gh.AddPull(repoFull, githubtest.PullRequest{Number: n, Title: "Add deploy keys", Diff: diff})
	return githubtest.FakeSHA(fmt.Sprintf("%s#%d head", repoFull, n)), diff
}

// proc is one `app serve` process.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	url    string
	logs   *syncBuffer
	exited chan struct{}
	code   int
}

// start runs `app serve` with the world's settings plus extra and waits
// until it answers /readyz.
func (w *world) start(name string, extra map[string]string, args ...string) *proc {
	w.t.Helper()
	port := freePort(w.t)
	cmd := exec.Command(appBinary, append([]string{"serve"}, args...)...)
	cmd.Env = []string{"PORT=" + strconv.Itoa(port)}
	for _, m := range []map[string]string{w.env, extra} {
		for k, v := range m {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	p := &proc{t: w.t, name: name, cmd: cmd, url: "http://127.0.0.1:" + strconv.Itoa(port), logs: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		w.t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	w.t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		<-p.exited
		if w.t.Failed() {
			w.t.Logf("%s logs:\n%s", name, p.logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			w.t.Fatalf("%s exited with %d before it was ready:\n%s", name, p.code, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s not ready after 30 s:\n%s", name, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *proc) signal(s syscall.Signal) {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(s)
	}
}

// kill ends the process as the OOM killer or a lost machine would.
func (p *proc) kill() {
	p.t.Helper()
	p.signal(syscall.SIGKILL)
	p.wait(10 * time.Second)
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(bound time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(bound):
		p.t.Fatalf("%s still running after %s", p.name, bound)
		return -1
	}
}

// send delivers one signed webhook and returns the status.
func (p *proc) send(event, delivery, body string) int {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.url+"/webhook", strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(webhookSecret), []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Errorf("deliver %s %s to %s: %v", event, delivery, p.name, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

const repoJSON = `"repository":{"id":99,"name":"shop","full_name":"acme/shop","owner":{"login":"acme"}},"installation":{"id":7}`

func prOpened(n int, head string) string {
	return fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"state":"open","draft":false,"head":{"sha":%q}},%s}`, n, n, head, repoJSON)
}

func suiteRequested(n int, head string) string {
	return fmt.Sprintf(`{"action":"requested","check_suite":{"head_sha":%q,"pull_requests":[{"number":%d,"base":{"repo":{"id":99}}}]},%s}`, head, n, repoJSON)
}

// waitCompleted waits until every head has a completed run, then a little
// more so that a duplicate, had one slipped through, shows; it returns the
// runs of the first head.
func (w *world) waitCompleted(bound time.Duration, heads ...string) []githubtest.CheckRun {
	w.t.Helper()
	deadline := time.Now().Add(bound)
	for time.Now().Before(deadline) {
		done := 0
		for _, h := range heads {
			if runs := w.gh.CheckRuns(repoFull, h); len(runs) > 0 && runs[0].Status == "completed" {
				done++
			}
		}
		if done == len(heads) {
			time.Sleep(1500 * time.Millisecond)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return w.gh.CheckRuns(repoFull, heads[0])
}

// checkOneRun asserts exactly one completed run on head whose annotations
// are what `app check` finds in diff, each posted once.
func checkOneRun(t *testing.T, runs []githubtest.CheckRun, diff string) {
	t.Helper()
	if len(runs) != 1 || runs[0].Status != "completed" {
		t.Fatalf("%d runs on the head (%v), want exactly one completed", len(runs), statuses(runs))
	}
	var got []string
	for _, a := range runs[0].Annotations {
		// The title ends with the rule id in parentheses.
		rule := a.Title[strings.LastIndex(a.Title, "(")+1 : len(a.Title)-1]
		got = append(got, fmt.Sprintf("%s:%d %s", a.Path, a.StartLine, rule))
	}
	want := expectedAnnotations(t, diff)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		dups := 0
		for i := 1; i < len(got); i++ {
			if got[i] == got[i-1] {
				dups++
			}
		}
		t.Fatalf("%d annotations (%d repeated), want the %d `app check` finds", len(got), dups, len(want))
	}
}

// expectedAnnotations runs the engine the App runs on diff.
func expectedAnnotations(t *testing.T, diff string) []string {
	t.Helper()
	reg, err := rules.Registry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.NewEngine(reg, 2).RunDiff(context.Background(), strings.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d %s", f.Path, f.StartLine, f.RuleID))
	}
	slices.Sort(out)
	return out
}

// checkNoLeaks asserts that no request to GitHub and no log line of procs
// holds a key of diff unmasked, the webhook secret, the App's private key or
// an installation token (the processes log at debug level).
func checkNoLeaks(t *testing.T, w *world, diff string, procs ...*proc) {
	t.Helper()
	pemLines := strings.Split(strings.TrimSpace(string(w.gh.App().PrivateKeyPEM)), "\n")
	secrets := append(w.gh.IssuedTokens(), webhookSecret, pemLines[len(pemLines)/2])
	for _, line := range strings.Split(diff, "\n") {
		if i := strings.Index(line, "AKIA"); i >= 0 {
			secrets = append(secrets, line[i:i+20])
		}
	}
	for _, s := range secrets {
		for _, p := range procs {
			if strings.Contains(p.logs.String(), s) {
				t.Errorf("%s's logs hold a secret (%.4s…)", p.name, s)
			}
		}
		for _, r := range w.gh.Requests() {
			if bytes.Contains(r.Body, []byte(s)) || strings.Contains(r.Query, s) {
				t.Errorf("%s %s carries a secret (%.4s…) in its body or query", r.Method, r.Path, s)
			}
		}
	}
}

func statuses(runs []githubtest.CheckRun) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.Status+"/"+r.Conclusion)
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitArrived waits for a hold to park its request.
func waitArrived(t *testing.T, h *githubtest.Hold, what string, procs ...*proc) {
	t.Helper()
	select {
	case <-h.Arrived():
	case <-time.After(60 * time.Second):
		for _, p := range procs {
			t.Logf("%s logs:\n%s", p.name, p.logs.String())
		}
		t.Fatalf("the analysis never reached %s", what)
	}
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
