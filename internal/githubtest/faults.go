package githubtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault replaces (or delays) the fake's answer to one matching request.
type Fault struct {
	// Status, when non-zero, is answered instead of the real response.
	Status int
	// Header is added to the faulty answer.
	Header http.Header
	// Body is the answer's JSON body; empty means GitHub's usual error body
	// for Status.
	Body string
	// Delay holds the answer back (the request's context still cancels it);
	// with Status zero the real response follows the delay.
	Delay time.Duration
	// Reset hijacks the connection and closes it without answering, as a
	// proxy dropping the connection would.
	Reset bool
	// Hold keeps the request waiting until the test releases it or the
	// client goes away (see NewHold).
	Hold *Hold
	// LoseAnswer lets the fake apply the request, then drops the
	// connection before any of the answer is sent: a write GitHub made
	// whose result the client never learns, the case that retries must
	// be idempotent for.
	LoseAnswer bool
	// expireToken revokes the request's installation token first, so the
	// fake's token check answers 401 (TokenExpired).
	expireToken bool
	// resetIn puts x-ratelimit-reset that long after the answer
	// (PrimaryLimitIn).
	resetIn time.Duration
	// pass answers normally (Pass).
	pass bool
	// name labels the fault in the request log.
	name string
}

func (f Fault) String() string {
	if f.name != "" {
		return f.name
	}
	switch {
	case f.Hold != nil && f.Hold.applied:
		return "hold after apply"
	case f.Hold != nil:
		return "hold"
	case f.Reset:
		return "reset"
	case f.LoseAnswer:
		return "lost-answer"
	case f.Status != 0:
		return strconv.Itoa(f.Status)
	default:
		return "delay " + f.Delay.String()
	}
}

// StatusFault answers code with GitHub's generic error body.
func StatusFault(code int) Fault { return Fault{Status: code} }

// BadGateway, ServiceUnavailable and GatewayTimeout are what GitHub's edge
// answers during incidents and deploys.
func BadGateway() Fault         { return Fault{Status: http.StatusBadGateway} }
func ServiceUnavailable() Fault { return Fault{Status: http.StatusServiceUnavailable} }
func GatewayTimeout() Fault     { return Fault{Status: http.StatusGatewayTimeout} }

// SecondaryLimit is GitHub's 403 for secondary (abuse) rate limits. A zero
// retryAfter leaves the Retry-After header out.
func SecondaryLimit(retryAfter time.Duration) Fault {
	f := Fault{
		Status: http.StatusForbidden,
		Body:   errorBody("You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docsSecondary),
		name:   "secondary-limit",
	}
	if retryAfter > 0 {
		f.Header = http.Header{"Retry-After": {strconv.Itoa(int(retryAfter / time.Second))}}
	}
	return f
}

// TooManyRequests is a 429 with Retry-After, which GitHub also sends for
// secondary limits.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{
		Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {strconv.Itoa(int(retryAfter / time.Second))}},
		Body:   errorBody("You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docsSecondary),
		name:   "429",
	}
}

// PrimaryLimit is GitHub's 403 when the hourly quota is spent.
func PrimaryLimit(reset time.Time) Fault {
	return Fault{
		Status: http.StatusForbidden,
		Header: http.Header{
			"X-Ratelimit-Limit":     {"5000"},
			"X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Used":      {"5000"},
			"X-Ratelimit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
			"X-Ratelimit-Resource":  {"core"},
		},
		Body: errorBody("API rate limit exceeded for installation.", docsPrimary),
		name: "primary-limit",
	}
}

// PrimaryLimitIn is PrimaryLimit with the reset d after the moment the
// fault answers, so a script can ask for a wait of about d whenever the
// request comes. GitHub gives the reset in whole seconds, so the wait it
// asks for is between d-1s and d.
func PrimaryLimitIn(d time.Duration) Fault {
	f := PrimaryLimit(time.Time{})
	f.resetIn = d
	return f
}

// TokenExpired has GitHub stop accepting the installation token the
// request carries, before the expiry the client was given, and answer 401
// "Bad credentials" to it and to every later request with it. Those 401s
// are not violations (the client could not know); tests count them in the
// log to check that the client stopped using the token.
func TokenExpired() Fault { return Fault{expireToken: true, name: "token-expired"} }

// LostAnswer applies the request and drops the connection before the
// answer (see Fault.LoseAnswer).
func LostAnswer() Fault { return Fault{LoseAnswer: true} }

// DiffTooLarge is GitHub's 406 for a diff beyond 300 files or 20,000 lines.
func DiffTooLarge() Fault {
	b, _ := json.Marshal(map[string]any{
		"message":           "Sorry, the diff exceeded the maximum number of files (300). Consider using 'List pull requests files' API or locally cloning the repository instead.",
		"errors":            []map[string]string{{"resource": "PullRequest", "field": "diff", "code": "too_large"}},
		"documentation_url": "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files",
	})
	return Fault{Status: http.StatusNotAcceptable, Body: string(b), name: "406 too_large"}
}

// Unprocessable is a 422 validation failure, e.g. on a check run update.
func Unprocessable(message string) Fault {
	return Fault{Status: http.StatusUnprocessableEntity, Body: errorBody(message, "https://docs.github.com/rest/checks/runs#update-a-check-run"), name: "422"}
}

// Hold parks a request for tests that act while it is in flight: kill the
// client at a precise point of its work, or stop it gracefully. Arrived is
// closed once the request is parked. A hold made by NewHold(false) parks
// the request before GitHub acts on it; NewHold(true) lets the fake act
// (create the check run, store the annotations) and parks only the
// answer, as when GitHub did the write but the answer never came back.
type Hold struct {
	applied bool
	arrived chan struct{}
	release chan struct{}
	arrive  sync.Once
	free    sync.Once
}

// NewHold makes a hold; see Hold.
func NewHold(applied bool) *Hold {
	return &Hold{applied: applied, arrived: make(chan struct{}), release: make(chan struct{})}
}

// Arrived is closed when the held request reaches the fake.
func (h *Hold) Arrived() <-chan struct{} { return h.arrived }

// Release lets the held request go on; safe to call more than once.
func (h *Hold) Release() { h.free.Do(func() { close(h.release) }) }

// wait parks until released (true) or until the client or the fake goes
// away (false).
func (h *Hold) wait(r *http.Request, closing <-chan struct{}) bool {
	h.arrive.Do(func() { close(h.arrived) })
	select {
	case <-h.release:
		return true
	case <-r.Context().Done():
		return false
	case <-closing:
		return false
	}
}

// Delay holds the real answer back by d.
func Delay(d time.Duration) Fault { return Fault{Delay: d} }

// ConnReset drops the connection without an answer.
func ConnReset() Fault { return Fault{Reset: true} }

// Pass answers normally. It holds a place in a script, so that a fault
// meant for a later request of the same route waits for it; the log shows
// no fault for it.
func Pass() Fault { return Fault{pass: true, name: "pass"} }

// Times repeats f n times, for bursts.
func Times(n int, f Fault) []Fault {
	out := make([]Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

const (
	docsSecondary = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	docsPrimary   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
)

func errorBody(message, docs string) string {
	b, _ := json.Marshal(map[string]string{"message": message, "documentation_url": docs})
	return string(b)
}

// Matcher selects the requests a fault applies to.
type Matcher func(*http.Request) bool

// Route matches "METHOD /path/template" (or "/path/template" for any
// method); "{name}" matches one path segment and "{name...}" the rest.
func Route(pattern string) Matcher {
	method, path, found := strings.Cut(pattern, " ")
	if !found {
		method, path = "", pattern
	}
	want := strings.Split(strings.Trim(path, "/"), "/")
	return func(r *http.Request) bool {
		if method != "" && !strings.EqualFold(method, r.Method) {
			return false
		}
		return matchSegments(want, strings.Split(strings.Trim(r.URL.Path, "/"), "/"))
	}
}

func matchSegments(want, got []string) bool {
	for i, w := range want {
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "...}") {
			return i < len(got)
		}
		if i >= len(got) {
			return false
		}
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			if got[i] == "" {
				return false
			}
			continue
		}
		if w != got[i] {
			return false
		}
	}
	return len(want) == len(got)
}

// Accept narrows m to requests whose Accept header contains substr, e.g.
// "diff" for the diff media type of GET /repos/{o}/{r}/pulls/{n}.
func (m Matcher) Accept(substr string) Matcher {
	return func(r *http.Request) bool {
		return m(r) && strings.Contains(r.Header.Get("Accept"), substr)
	}
}

// Body narrows m to requests whose body contains substr, e.g.
// `"conclusion"` for the write that completes a check run.
func (m Matcher) Body(substr string) Matcher {
	return func(r *http.Request) bool {
		return m(r) && bytes.Contains(infoOf(r).body, []byte(substr))
	}
}

type injection struct {
	match  Matcher
	faults []Fault
}

// Inject scripts faults for requests matching m: each matching request
// consumes the next fault, and once they are used up the fake answers
// normally again. Injections are consulted in the order they were added.
func (s *Server) Inject(m Matcher, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injections = append(s.injections, &injection{match: m, faults: faults})
}

func (s *Server) nextFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.injections {
		if len(in.faults) == 0 || !in.match(r) {
			continue
		}
		f := in.faults[0]
		in.faults = in.faults[1:]
		return f, true
	}
	return Fault{}, false
}

// applyFault answers r with f; handled is false when the real handler
// should still run (a pure delay). A reset logs entry itself and returns
// status -1.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, entry Request) (status int, handled bool) {
	if f.Hold != nil && !f.Hold.applied && !f.Hold.wait(r, s.closing) {
		return 499, true
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return 499, true
		case <-s.closing:
			return 499, true
		}
	}
	if f.Reset {
		// Log before closing: the client sees the reset at once and a
		// test may read the log before this handler would return.
		s.log(entry)
		hj, ok := w.(http.Hijacker)
		if !ok {
			s.violation(fmt.Errorf("githubtest: connection reset needs an http.Hijacker"))
			return 0, true
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
		return -1, true
	}
	if f.Status == 0 {
		return 0, false
	}
	if f.resetIn > 0 {
		w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(s.now().Add(f.resetIn).Unix(), 10))
	}
	for k, vs := range f.Header {
		if f.resetIn > 0 && http.CanonicalHeaderKey(k) == "X-Ratelimit-Reset" {
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	body := f.Body
	if body == "" {
		body = errorBody(http.StatusText(f.Status), "https://docs.github.com/rest")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body))
	return f.Status, true
}

// serveHeld runs the real handler into a buffer, parks its answer on h and
// writes it only when released; the client may be gone by then, which is
// the point: GitHub acted, the App never heard.
func (s *Server) serveHeld(w http.ResponseWriter, r *http.Request, next http.Handler, h *Hold) int {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	if !h.wait(r, s.closing) {
		return 499
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	return rec.Code
}

// refusal is a rule of GitHub's validation the App does not know about.
type refusal struct {
	match   func(Annotation) bool
	message string
}

// RefuseAnnotations makes the fake answer 422 with message, as GitHub's
// validation does, to every check-run create or update that carries an
// annotation match accepts. Like GitHub it refuses the whole request and
// changes nothing, every time: unlike an injected Unprocessable fault, the
// refusal does not go away when the request is repeated.
func (s *Server) RefuseAnnotations(match func(Annotation) bool, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusals = append(s.refusals, refusal{match: match, message: message})
}
