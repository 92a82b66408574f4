package githubtest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type collector struct {
	mu   sync.Mutex
	errs []error
}

func (c *collector) add(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, err)
}

func (c *collector) all() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.errs...)
}

func newCollecting(t *testing.T) (*Server, *collector) {
	c := &collector{}
	return NewWithOptions(t, Options{OnViolation: c.add}), c
}

func do(t *testing.T, s *Server, method, path, token string, body any, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL()+strings.TrimPrefix(path, "/"), rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestSpecLoadTime(t *testing.T) {
	start := time.Now()
	if _, err := loadValidator(DefaultSpecPath()); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("trimmed OpenAPI description loaded in %s", took)
	// The aim is < 100 ms; the bound is loose so slow CI machines do not flake.
	if took > 2*time.Second {
		t.Errorf("loading the trimmed description took %s", took)
	}
}

func annotation(level string) map[string]any {
	return map[string]any{"path": "a.go", "start_line": 1, "end_line": 1, "annotation_level": level, "message": "m"}
}

func TestValidationRejectsWhatGitHubRejects(t *testing.T) {
	sha := FakeSHA("head")
	tooMany := make([]map[string]any, 51)
	for i := range tooMany {
		tooMany[i] = annotation("warning")
	}
	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"51 annotations", map[string]any{"name": "prodready", "head_sha": sha, "output": map[string]any{"title": "t", "summary": "s", "annotations": tooMany}}, "maximum number of items is 50"},
		{"bad level", map[string]any{"name": "prodready", "head_sha": sha, "output": map[string]any{"title": "t", "summary": "s", "annotations": []any{annotation("error")}}}, "annotation_level"},
		{"missing head_sha", map[string]any{"name": "prodready"}, "head_sha"},
		{"summary too long", map[string]any{"name": "prodready", "head_sha": sha, "output": map[string]any{"title": "t", "summary": strings.Repeat("x", 65536)}}, "summary"},
		{"bad status", map[string]any{"name": "prodready", "head_sha": sha, "status": "done"}, "status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newCollecting(t)
			s.AddPull("o/r", PullRequest{Number: 1, HeadSHA: sha})
			tok := s.IssueToken(1)
			resp, _ := do(t, s, "POST", "/repos/o/r/check-runs", "token "+tok, tc.body)
			errs := c.all()
			if len(errs) == 0 {
				t.Fatalf("no violation reported (status %d)", resp.StatusCode)
			}
			if !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("violation %q does not mention %q", errs[0], tc.want)
			}
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusCreated {
				t.Errorf("status %d", resp.StatusCode)
			}
			if resp.StatusCode == http.StatusCreated && tc.name != "bad status" {
				t.Errorf("the fake accepted what GitHub refuses")
			}
		})
	}
}

func TestValidRequestsPassAndSubdirectoryContentsRoute(t *testing.T) {
	s, c := newCollecting(t)
	s.SetFile("o/r", "main", "dir/sub/.prodready.yml", []byte("fail_on: high\n"))
	tok := "token " + s.IssueToken(7)
	resp, body := do(t, s, "GET", "/repos/o/r/contents/dir/sub/.prodready.yml?ref=main", tok, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	resp, _ = do(t, s, "GET", "/repos/o/r/contents/dir?ref=main", tok, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("directory listing status %d", resp.StatusCode)
	}
	resp, _ = do(t, s, "GET", "/repos/o/r/contents/nope.yml", tok, nil)
	if resp.StatusCode != 404 {
		t.Fatalf("missing file status %d", resp.StatusCode)
	}
	if errs := c.all(); len(errs) != 0 {
		t.Fatalf("valid requests reported: %v", errs)
	}
	// A path the App must never call is a violation even when well formed.
	do(t, s, "DELETE", "/repos/o/r/contents/x", tok, nil)
	if len(c.all()) == 0 {
		t.Fatal("an operation outside the description was not reported")
	}
}

func signJWT(t *testing.T, key *rsa.PrivateKey, iss int64, iat, exp time.Time) string {
	t.Helper()
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	c := enc.EncodeToString([]byte(fmt.Sprintf(`{"iss":"%d","iat":%d,"exp":%d}`, iss, iat.Unix(), exp.Unix())))
	sum := sha256.Sum256([]byte(h + "." + c))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return h + "." + c + "." + enc.EncodeToString(sig)
}

func TestAccessTokensVerifyTheJWT(t *testing.T) {
	s, c := newCollecting(t)
	app := s.App()
	now := time.Now()
	good := signJWT(t, app.Key, app.ID, now.Add(-30*time.Second), now.Add(2*time.Minute))
	resp, body := do(t, s, "POST", "/app/installations/9/access_tokens", "Bearer "+good, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("good JWT: status %d: %s", resp.StatusCode, body)
	}
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || !strings.HasPrefix(tok.Token, "ghs_") || tok.ExpiresAt.Before(now.Add(59*time.Minute)) {
		t.Fatalf("token answer %s (%v)", body, err)
	}
	if r, _ := do(t, s, "GET", "/repos/o/r/pulls", "token "+tok.Token, nil); r.StatusCode != 404 {
		t.Errorf("issued token not accepted: %d", r.StatusCode)
	}
	if len(c.all()) != 0 {
		t.Fatalf("violations: %v", c.all())
	}

	block, _ := pem.Decode(GenerateKey(t))
	other, _ := x509.ParsePKCS1PrivateKey(block.Bytes)
	bad := map[string]string{
		"other key": signJWT(t, other, app.ID, now, now.Add(time.Minute)),
		"other app": signJWT(t, app.Key, app.ID+1, now, now.Add(time.Minute)),
		"expired":   signJWT(t, app.Key, app.ID, now.Add(-10*time.Minute), now.Add(-time.Minute)),
		"too long":  signJWT(t, app.Key, app.ID, now, now.Add(30*time.Minute)),
		"not a JWT": "abc",
		"tampered":  good[:len(good)-4] + "AAAA",
	}
	for name, jwt := range bad {
		before := len(c.all())
		resp, _ := do(t, s, "POST", "/app/installations/9/access_tokens", "Bearer "+jwt, nil)
		if resp.StatusCode != http.StatusUnauthorized || len(c.all()) == before {
			t.Errorf("%s: status %d, violation reported %v", name, resp.StatusCode, len(c.all()) > before)
		}
	}
}

func TestFaultScripts(t *testing.T) {
	s, _ := newCollecting(t)
	s.AddPull("o/r", PullRequest{Number: 1, Diff: "diff --git a/x b/x\n"})
	tok := "token " + s.IssueToken(1)
	s.Inject(Route("GET /repos/{owner}/{repo}/pulls/{pull_number}").Accept("diff"), DiffTooLarge())
	s.Inject(Route("GET /repos/{owner}/{repo}/pulls/{pull_number}"), BadGateway(), SecondaryLimit(3*time.Second))

	statuses := func(accept string) int {
		r, _ := do(t, s, "GET", "/repos/o/r/pulls/1", tok, nil, "Accept", accept)
		return r.StatusCode
	}
	if got := statuses("application/vnd.github.v3.diff"); got != 406 {
		t.Errorf("diff: %d, want 406", got)
	}
	if got := statuses("application/vnd.github.v3+json"); got != 502 {
		t.Errorf("first json: %d, want 502", got)
	}
	r, _ := do(t, s, "GET", "/repos/o/r/pulls/1", tok, nil)
	if r.StatusCode != 403 || r.Header.Get("Retry-After") != "3" {
		t.Errorf("secondary limit: %d Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if got := statuses("application/vnd.github.v3.diff"); got != 200 {
		t.Errorf("after the script: %d, want 200", got)
	}
	reqs := s.Requests()
	if len(reqs) != 4 || reqs[0].Fault != "406 too_large" || reqs[3].Fault != "" || reqs[3].Auth != "token" {
		t.Errorf("request log %+v", reqs)
	}
	for _, r := range reqs {
		if strings.Contains(fmt.Sprint(r), "ghs_") {
			t.Errorf("request log holds a token: %+v", r)
		}
	}

	s.Inject(Route("/repos/{owner}/{repo}/pulls/{pull_number}"), ConnReset())
	req, _ := http.NewRequest("GET", s.URL()+"repos/o/r/pulls/1", nil)
	req.Header.Set("Authorization", tok)
	tr := &http.Transport{DisableKeepAlives: true}
	if resp, err := (&http.Client{Transport: tr}).Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("connection reset answered %d", resp.StatusCode)
	}
}

func TestPaginationAndCaps(t *testing.T) {
	s, c := newCollecting(t)
	files := make([]File, 3100)
	for i := range files {
		files[i] = File{Filename: fmt.Sprintf("f%04d.go", i), Additions: 1, Patch: "@@ -0,0 +1 @@\n+x"}
	}
	s.AddPull("o/r", PullRequest{Number: 2, Files: files})
	tok := "token " + s.IssueToken(1)
	resp, body := do(t, s, "GET", "/repos/o/r/pulls/2/files?per_page=100&page=30", tok, nil)
	var got []map[string]any
	_ = json.Unmarshal(body, &got)
	if len(got) != 100 || strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
		t.Errorf("page 30: %d files, Link %q", len(got), resp.Header.Get("Link"))
	}
	resp, _ = do(t, s, "GET", "/repos/o/r/pulls/2/files?per_page=100", tok, nil)
	if !strings.Contains(resp.Header.Get("Link"), "page=2") {
		t.Errorf("page 1 Link %q", resp.Header.Get("Link"))
	}
	if len(c.all()) != 0 {
		t.Fatal(c.all())
	}
}

// TestHolds: a hold parks one request; before apply the write never
// happens if the client gives up, after apply it has happened already.
func TestHolds(t *testing.T) {
	for _, applied := range []bool{false, true} {
		t.Run(fmt.Sprintf("applied=%v", applied), func(t *testing.T) {
			s, _ := newCollecting(t)
			s.AddPull("o/r", PullRequest{Number: 1})
			sha := FakeSHA("o/r#1 head")
			tok := "token " + s.IssueToken(1)
			create := Route("POST /repos/{owner}/{repo}/check-runs")
			h := NewHold(applied)
			s.Inject(create, Pass(), Fault{Hold: h})

			if r, _ := do(t, s, "POST", "/repos/o/r/check-runs", tok, map[string]string{"name": "one", "head_sha": sha}); r.StatusCode != 201 {
				t.Fatalf("passed request: %d", r.StatusCode)
			}
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+"repos/o/r/check-runs", strings.NewReader(fmt.Sprintf(`{"name":"two","head_sha":%q}`, sha)))
			req.Header.Set("Authorization", tok)
			req.Header.Set("Content-Type", "application/json")
			failed := make(chan error, 1)
			go func() {
				resp, err := s.Client().Do(req)
				if err == nil {
					resp.Body.Close()
				}
				failed <- err
			}()
			<-h.Arrived()
			cancel() // the client dies while its request is parked
			if err := <-failed; err == nil {
				t.Fatal("the held request was answered")
			}
			// The fake notices the client left and logs the request.
			deadline := time.Now().Add(5 * time.Second)
			for s.CountRequests(create) < 2 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n, want := len(s.CheckRuns("o/r", sha)), map[bool]int{false: 1, true: 2}[applied]; n != want {
				t.Fatalf("%d check runs, want %d", n, want)
			}

			// A released hold answers as the fake would have.
			h2 := NewHold(applied)
			s.Inject(create, Fault{Hold: h2})
			go func() { <-h2.Arrived(); h2.Release() }()
			if r, _ := do(t, s, "POST", "/repos/o/r/check-runs", tok, map[string]string{"name": "three", "head_sha": sha}); r.StatusCode != 201 {
				t.Fatalf("released request: %d", r.StatusCode)
			}
			if reqs := s.Requests(); reqs[len(reqs)-1].Fault != holdLabel(applied) {
				t.Errorf("log labels the fault %q", reqs[len(reqs)-1].Fault)
			}
		})
	}
}

func holdLabel(applied bool) string {
	if applied {
		return "hold after apply"
	}
	return "hold"
}

func TestRequestLogTimesAndInstallation(t *testing.T) {
	s, _ := newCollecting(t)
	s.AddPull("o/r", PullRequest{Number: 1})
	tok := "token " + s.IssueToken(5)
	s.Inject(Route("GET /repos/{owner}/{repo}/pulls/{pull_number}"), Pass(), TooManyRequests(time.Second))
	before := time.Now()
	do(t, s, "GET", "/repos/o/r/pulls/1", tok, nil)
	do(t, s, "GET", "/repos/o/r/pulls/1", tok, nil)
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	if reqs[0].Status != 200 || reqs[0].Fault != "" || reqs[0].Header.Get("X-Ratelimit-Remaining") == "" {
		t.Errorf("a Pass answered %d, fault %q, headers %v", reqs[0].Status, reqs[0].Fault, reqs[0].Header)
	}
	if reqs[1].Status != 429 || reqs[1].Header.Get("Retry-After") != "1" {
		t.Errorf("the fault after the Pass answered %d, headers %v", reqs[1].Status, reqs[1].Header)
	}
	for i, r := range reqs {
		// A faulty answer is attributed too: waits are checked per installation.
		if r.Installation != 5 {
			t.Errorf("request %d (%s): installation %d, want 5", i, r.Fault, r.Installation)
		}
		if r.At.Before(before) || r.AnsweredAt.Before(r.At) {
			t.Errorf("request %d: arrived %s, answered %s, test began %s", i, r.At, r.AnsweredAt, before)
		}
	}
	if reqs[1].At.Before(reqs[0].At) {
		t.Errorf("arrivals out of order: %s then %s", reqs[0].At, reqs[1].At)
	}
}

func TestTokenExpiredIsNotAViolation(t *testing.T) {
	s, c := newCollecting(t)
	s.AddPull("o/r", PullRequest{Number: 1})
	tok := "token " + s.IssueToken(3)
	route := Route("GET /repos/{owner}/{repo}/pulls/{pull_number}")
	s.Inject(route, TokenExpired())
	resp, body := do(t, s, "GET", "/repos/o/r/pulls/1", tok, nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "Bad credentials") {
		t.Fatalf("expired token: %d %s", resp.StatusCode, body)
	}
	if r := s.Requests()[0]; r.Fault != "token-expired" || r.Status != 401 || r.Installation != 3 {
		t.Errorf("log entry %+v", r)
	}
	// It stays refused.
	if resp, _ := do(t, s, "GET", "/repos/o/r/pulls/1", tok, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token accepted: %d", resp.StatusCode)
	}
	if errs := c.all(); len(errs) != 0 {
		t.Fatalf("a token GitHub revoked counted against the client: %v", errs)
	}
	// A fresh token works; a token GitHub never issued is still a violation.
	if resp, _ := do(t, s, "GET", "/repos/o/r/pulls/1", "token "+s.IssueToken(3), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("fresh token: %d", resp.StatusCode)
	}
	do(t, s, "GET", "/repos/o/r/pulls/1", "token ghs_never_issued", nil)
	if errs := c.all(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "unknown installation token") {
		t.Fatalf("unknown token: %v", errs)
	}
}

func TestExpireTokens(t *testing.T) {
	s, c := newCollecting(t)
	s.AddPull("o/r", PullRequest{Number: 1})
	a, b, other := s.IssueToken(3), s.IssueToken(3), s.IssueToken(4)
	if n := s.ExpireTokens(3); n != 2 {
		t.Fatalf("expired %d tokens, want 2", n)
	}
	for _, tok := range []string{a, b} {
		if resp, _ := do(t, s, "GET", "/repos/o/r/pulls/1", "token "+tok, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("expired token: %d", resp.StatusCode)
		}
	}
	if resp, _ := do(t, s, "GET", "/repos/o/r/pulls/1", "token "+other, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("another installation's token: %d", resp.StatusCode)
	}
	if errs := c.all(); len(errs) != 0 {
		t.Fatalf("violations: %v", errs)
	}
}

func TestLostAnswerAppliesTheWrite(t *testing.T) {
	s, c := newCollecting(t)
	sha := FakeSHA("head")
	s.AddPull("o/r", PullRequest{Number: 1, HeadSHA: sha})
	id := s.AddCheckRun("o/r", CheckRun{Name: "prodready", HeadSHA: sha})
	tok := s.IssueToken(1)
	s.Inject(Route("PATCH /repos/{owner}/{repo}/check-runs/{id}"), LostAnswer())
	b, _ := json.Marshal(map[string]any{"output": map[string]any{"title": "t", "summary": "s", "annotations": []any{annotation("warning")}}})
	req, _ := http.NewRequest("PATCH", fmt.Sprintf("%srepos/o/r/check-runs/%d", s.URL(), id), bytes.NewReader(b))
	req.Header.Set("Authorization", "token "+tok)
	req.Header.Set("Content-Type", "application/json")
	tr := &http.Transport{DisableKeepAlives: true}
	if resp, err := (&http.Client{Transport: tr}).Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("lost answer arrived: %d", resp.StatusCode)
	}
	if got := s.CheckRuns("o/r", sha)[0].Annotations; len(got) != 1 {
		t.Errorf("the write was not applied: %d annotations", len(got))
	}
	if r := s.Requests()[0]; r.Fault != "lost-answer" || r.Status != http.StatusOK || r.Installation != 1 {
		t.Errorf("log entry %+v", r)
	}
	if len(c.all()) != 0 {
		t.Fatal(c.all())
	}
}

func TestRefuseAnnotationsEveryTime(t *testing.T) {
	s, c := newCollecting(t)
	sha := FakeSHA("head")
	s.AddPull("o/r", PullRequest{Number: 1, HeadSHA: sha})
	id := s.AddCheckRun("o/r", CheckRun{Name: "prodready", HeadSHA: sha})
	s.RefuseAnnotations(func(a Annotation) bool { return a.StartLine == 7 }, "Invalid annotation: line 7")
	tok := "token " + s.IssueToken(1)
	bad := annotation("warning")
	bad["start_line"], bad["end_line"] = 7, 7
	path := fmt.Sprintf("/repos/o/r/check-runs/%d", id)
	for i := 0; i < 2; i++ {
		resp, body := do(t, s, "PATCH", path, tok, map[string]any{"output": map[string]any{"title": "t", "summary": "s", "annotations": []any{annotation("notice"), bad}}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "line 7") {
			t.Fatalf("attempt %d: %d %s", i, resp.StatusCode, body)
		}
	}
	if got := s.CheckRuns("o/r", sha)[0].Annotations; len(got) != 0 {
		t.Errorf("a refused write changed the run: %d annotations", len(got))
	}
	if resp, _ := do(t, s, "PATCH", path, tok, map[string]any{"output": map[string]any{"title": "t", "summary": "s", "annotations": []any{annotation("notice")}}}); resp.StatusCode != http.StatusOK {
		t.Errorf("a valid write: %d", resp.StatusCode)
	}
	if len(c.all()) != 0 {
		t.Fatal(c.all())
	}
}

func TestDeleteRepo(t *testing.T) {
	s, c := newCollecting(t)
	sha := FakeSHA("head")
	s.AddPull("o/r", PullRequest{Number: 1, HeadSHA: sha})
	s.SetFile("o/r", "main", "a.txt", []byte("a"))
	tok := "token " + s.IssueToken(1)
	s.DeleteRepo("o/r")
	for _, p := range []string{"/repos/o/r/pulls/1", "/repos/o/r/pulls/1/files", "/repos/o/r/contents/a.txt", "/repos/o/r/commits/" + sha + "/check-runs"} {
		if resp, _ := do(t, s, "GET", p, tok, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := do(t, s, "POST", "/repos/o/r/check-runs", tok, map[string]any{"name": "prodready", "head_sha": sha}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("create: %d, want 404", resp.StatusCode)
	}
	if len(c.all()) != 0 {
		t.Fatal(c.all())
	}
}

func TestPrimaryLimitInAndBodyMatcher(t *testing.T) {
	s, _ := newCollecting(t)
	sha := FakeSHA("head")
	s.AddPull("o/r", PullRequest{Number: 1, HeadSHA: sha})
	id := s.AddCheckRun("o/r", CheckRun{Name: "prodready", HeadSHA: sha})
	tok := "token " + s.IssueToken(1)
	path := fmt.Sprintf("/repos/o/r/check-runs/%d", id)
	s.Inject(Route("PATCH /repos/{owner}/{repo}/check-runs/{id}").Body(`"conclusion"`), PrimaryLimitIn(2*time.Second))
	if resp, _ := do(t, s, "PATCH", path, tok, map[string]any{"status": "in_progress"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("a write without a conclusion met the fault: %d", resp.StatusCode)
	}
	resp, _ := do(t, s, "PATCH", path, tok, map[string]any{"conclusion": "success"})
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Ratelimit-Remaining") != "0" {
		t.Fatalf("primary limit: %d", resp.StatusCode)
	}
	answered := s.Requests()[1].AnsweredAt
	reset, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if wait := time.Unix(reset, 0).Sub(answered); wait < 0 || wait > 2*time.Second {
		t.Errorf("reset %s after the answer, want within (0, 2s]", wait)
	}
	if n := s.CountRequests(Route("PATCH /repos/{o}/{r}/check-runs/{id}").Body(`"conclusion"`)); n != 1 {
		t.Errorf("CountRequests with a body matcher: %d", n)
	}
}
