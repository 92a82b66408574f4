// Package githubtest is an in-memory GitHub REST API for tests. The real
// go-github and ghinstallation clients talk to it over HTTP, and every
// request they send is validated against GitHub's OpenAPI description
// (fixtures/github/openapi-trimmed.json), so a payload GitHub would reject
// fails the test instead of production.
package githubtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
)

// Options tune a fake; the zero value is what New uses.
type Options struct {
	// App is the App whose JWTs the fake trusts; default NewApp(t).
	App *App
	// SpecPath overrides DefaultSpecPath().
	SpecPath string
	// OnViolation receives every request that breaks the OpenAPI
	// description or the fake's auth rules; default t.Errorf. Tests of the
	// validator itself collect them instead.
	OnViolation func(error)
	// TokenTTL is the lifetime of installation tokens; default one hour.
	TokenTTL time.Duration
	// Now stands in for time.Now.
	Now func() time.Time
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	t         testing.TB
	srv       *httptest.Server
	app       App
	pub       *rsa.PublicKey
	validate  *validator
	onViolate func(error)
	tokenTTL  time.Duration
	now       func() time.Time
	closing   chan struct{}

	mu         sync.Mutex
	repos      map[string]*repo
	tokens     map[string]tokenGrant
	remaining  map[int64]int
	injections []*injection
	refusals   []refusal
	requests   []Request
	deliveries []Delivery
	// redelivered and onRedeliver: see Redelivered and OnRedeliver.
	redelivered []int64
	onRedeliver func(Delivery) int
	nextRunID   int64
}

type tokenGrant struct {
	installation int64
	expires      time.Time
	// revoked: GitHub stopped accepting the token before expires, as it
	// does when an installation's token is revoked or expires early. The
	// client cannot know until a 401 tells it, so a revoked token is never
	// a violation: requests already in flight carry it legitimately. Tests
	// that want a client to stop using it count the 401s in the log.
	revoked bool
}

// Request is one request the fake received, for assertions.
type Request struct {
	Method string
	Path   string
	Query  string
	Accept string
	// Auth is the Authorization scheme ("token", "Bearer") without the
	// credential, so that logs of the fake never hold a secret.
	Auth string
	// Installation is the installation the request acted for: the owner
	// of its token, or the installation whose token it asked for. It is
	// set for faulty answers too, so waits can be checked per installation.
	Installation int64
	Body         []byte
	Status       int
	// Fault names the injected fault that answered, if any.
	Fault string
	// At is when the request arrived and AnsweredAt when the fake finished
	// answering it (or dropped the connection), by the fake's clock, so
	// that tests can check the waits between requests GitHub asked for.
	At, AnsweredAt time.Time
	// Header holds the answer's headers (Retry-After, x-ratelimit-*);
	// nil when no answer was sent.
	Header http.Header
}

// New starts a fake GitHub for t with default options; it is closed when
// the test ends.
func New(t testing.TB) *Server { return NewWithOptions(t, Options{}) }

// NewWithOptions starts a fake GitHub configured by o.
func NewWithOptions(t testing.TB, o Options) *Server {
	t.Helper()
	app := o.App
	if app == nil {
		a := NewApp(t)
		app = &a
	}
	path := o.SpecPath
	if path == "" {
		path = DefaultSpecPath()
	}
	v, err := cachedValidator(path)
	if err != nil {
		t.Fatalf("githubtest: %v", err)
	}
	s := &Server{
		t:         t,
		app:       *app,
		pub:       &app.Key.PublicKey,
		validate:  v,
		onViolate: o.OnViolation,
		tokenTTL:  o.TokenTTL,
		now:       o.Now,
		closing:   make(chan struct{}),
		repos:     map[string]*repo{},
		tokens:    map[string]tokenGrant{},
		remaining: map[int64]int{},
		nextRunID: 4000000000,
	}
	if s.onViolate == nil {
		s.onViolate = func(err error) { t.Errorf("githubtest: %v", err) }
	}
	if s.tokenTTL == 0 {
		s.tokenTTL = time.Hour
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.srv = httptest.NewServer(s.routes())
	t.Cleanup(func() {
		close(s.closing)
		s.srv.Close()
	})
	return s
}

// URL is the API root to configure clients with (BaseURL), with a
// trailing slash as go-github wants.
func (s *Server) URL() string { return s.srv.URL + "/" }

// App is the App identity the fake trusts.
func (s *Server) App() App { return s.app }

// Client is an HTTP client for the fake's listener.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// CountRequests counts logged requests matching m (nil: all).
func (s *Server) CountRequests(m Matcher) int {
	n := 0
	for _, r := range s.Requests() {
		req := &http.Request{Method: r.Method, URL: mustURL(r.Path), Header: http.Header{"Accept": {r.Accept}}}
		req = req.WithContext(context.WithValue(context.Background(), requestInfoKey, &requestInfo{body: r.Body}))
		if m == nil || m(req) {
			n++
		}
	}
	return n
}

// IssuedTokens returns every installation token handed out, so tests can
// check none of them leaks into logs or request bodies.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for tok := range s.tokens {
		out = append(out, tok)
	}
	return out
}

func mustURL(path string) *url.URL {
	u, err := url.Parse(path)
	if err != nil {
		return &url.URL{Path: path}
	}
	return u
}

func (s *Server) violation(err error) { s.onViolate(err) }

type ctxKey int

const requestInfoKey ctxKey = iota

// requestInfo travels with a request through the fake's handlers.
type requestInfo struct {
	body []byte
	// installation is set by the handlers that learn it (token checks,
	// token issuing).
	installation int64
}

func infoOf(r *http.Request) *requestInfo {
	if info, ok := r.Context().Value(requestInfoKey).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.UseEncodedPath()
	api := r.NewRoute().Subrouter()
	api.Use(s.requireInstallationToken)
	api.HandleFunc("/repos/{owner}/{repo}/pulls", s.listPulls).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/pulls/{number:[0-9]+}", s.getPull).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/pulls/{number:[0-9]+}/files", s.listPullFiles).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/pulls/{number:[0-9]+}/commits", s.listPullCommits).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/commits/{sha}/pulls", s.pullsForCommit).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/commits/{ref}/check-runs", s.listCheckRuns).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/contents/{path:.+}", s.getContents).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/git/blobs/{sha}", s.getBlob).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/check-runs", s.createCheckRun).Methods(http.MethodPost)
	api.HandleFunc("/repos/{owner}/{repo}/check-runs/{id:[0-9]+}", s.getCheckRun).Methods(http.MethodGet)
	api.HandleFunc("/repos/{owner}/{repo}/check-runs/{id:[0-9]+}", s.updateCheckRun).Methods(http.MethodPatch)
	api.HandleFunc("/repos/{owner}/{repo}/check-runs/{id:[0-9]+}/annotations", s.listAnnotations).Methods(http.MethodGet)

	app := r.PathPrefix("/app").Subrouter()
	app.Use(s.requireAppJWT)
	app.HandleFunc("/installations/{id:[0-9]+}/access_tokens", s.createToken).Methods(http.MethodPost)
	app.HandleFunc("/hook/deliveries", s.listDeliveries).Methods(http.MethodGet)
	app.HandleFunc("/hook/deliveries/{id:[0-9]+}/attempts", s.redeliver).Methods(http.MethodPost)

	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found")
	})
	return s.front(r)
}

// front logs, validates and applies faults to every request before the
// router sees it, so that faulty answers are validated and logged too.
func (s *Server) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := s.now()
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "unreadable body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		info := &requestInfo{body: body}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey, info))
		routed, verr := s.validate.validate(r.Context(), r, body)
		if verr != nil {
			s.violation(verr)
		}
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		entry := Request{
			Method:       r.Method,
			Path:         r.URL.Path,
			Query:        r.URL.RawQuery,
			Accept:       strings.Join(r.Header.Values("Accept"), ", "),
			Auth:         scheme,
			Installation: s.installationOf(r),
			Body:         body,
			At:           at,
		}
		rec := &statusRecorder{ResponseWriter: w}
		// GitHub refuses a request that breaks its schema with 422; answering
		// the same keeps the App's error path honest when the test goes on.
		if routed && verr != nil {
			writeError(rec, http.StatusUnprocessableEntity, "Invalid request.\n\n"+verr.Error())
			entry.Status = rec.status
			s.log(entry)
			return
		}
		if f, ok := s.nextFault(r); ok && !f.pass {
			entry.Fault = f.String()
			switch {
			case f.expireToken:
				// The router's token check answers the 401, as for any
				// revoked token.
				s.revokeToken(r)
			case f.LoseAnswer:
				s.loseAnswer(w, r, next, entry)
				return
			case f.Hold != nil && f.Hold.applied:
				entry.Status = s.serveHeld(rec, r, next, f.Hold)
				if info.installation != 0 {
					entry.Installation = info.installation
				}
				entry.AnsweredAt = s.now()
				s.log(entry)
				return
			default:
				if status, handled := s.applyFault(rec, r, f, entry); handled {
					if status >= 0 { // -1: a reset, logged before the connection closed
						entry.Status = status
						entry.AnsweredAt = s.now()
						entry.Header = rec.header
						s.log(entry)
					}
					return
				}
			}
		}
		next.ServeHTTP(rec, r)
		entry.Status = rec.status
		entry.Header = rec.header
		entry.AnsweredAt = s.now()
		if info.installation != 0 {
			entry.Installation = info.installation
		}
		s.log(entry)
	})
}

// installationOf names the installation a request acts for, from its
// token or from the access_tokens path, without judging either.
func (s *Server) installationOf(r *http.Request) int64 {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer") {
		s.mu.Lock()
		grant, ok := s.tokens[cred]
		s.mu.Unlock()
		if ok {
			return grant.installation
		}
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) == 4 && segs[0] == "app" && segs[1] == "installations" && segs[3] == "access_tokens" {
		if id, err := strconv.ParseInt(segs[2], 10, 64); err == nil {
			return id
		}
	}
	return 0
}

// loseAnswer lets the real handler apply r, then drops the connection
// before a byte of the answer reaches the client.
func (s *Server) loseAnswer(w http.ResponseWriter, r *http.Request, next http.Handler, entry Request) {
	buf := httptest.NewRecorder()
	next.ServeHTTP(buf, r)
	entry.Status = buf.Code // what GitHub did; the client saw no answer
	if info := infoOf(r); info.installation != 0 {
		entry.Installation = info.installation
	}
	entry.AnsweredAt = s.now()
	s.log(entry)
	hj, ok := w.(http.Hijacker)
	if !ok {
		s.violation(fmt.Errorf("githubtest: a lost answer needs an http.Hijacker"))
		return
	}
	if conn, _, err := hj.Hijack(); err == nil {
		conn.Close()
	}
}

func (s *Server) log(e Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, e)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	header http.Header // as sent, for the log
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.header = w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		w.header = w.ResponseWriter.Header().Clone()
	}
	return w.ResponseWriter.Write(b)
}

// Hijack lets ConnReset faults reach the underlying connection.
func (w *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("not a hijacker")
	}
	return hj.Hijack()
}

func (s *Server) requireInstallationToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "token") && !strings.EqualFold(scheme, "bearer") {
			s.violation(fmt.Errorf("%s %s without an installation token", r.Method, r.URL.Path))
			writeError(w, http.StatusUnauthorized, "Requires authentication")
			return
		}
		info := infoOf(r)
		now := s.now()
		s.mu.Lock()
		grant, ok := s.tokens[cred]
		s.mu.Unlock()
		var problem error
		refuse := true
		switch {
		case !ok:
			problem = fmt.Errorf("%s %s with an unknown installation token", r.Method, r.URL.Path)
		case grant.revoked:
			// GitHub's answer tells the client; see tokenGrant.revoked.
		case !now.Before(grant.expires):
			// ghinstallation knows the expiry and refreshes a minute early.
			problem = fmt.Errorf("%s %s with an installation token past its expires_at", r.Method, r.URL.Path)
		default:
			refuse = false
		}
		if ok {
			info.installation = grant.installation
		}
		if problem != nil {
			s.violation(problem)
		}
		if refuse {
			writeError(w, http.StatusUnauthorized, "Bad credentials")
			return
		}
		s.mu.Lock()
		left, seen := s.remaining[grant.installation]
		if !seen {
			left = 5000
		}
		if left > 0 {
			left--
		}
		s.remaining[grant.installation] = left
		s.mu.Unlock()
		reset := now.Add(time.Hour).Truncate(time.Hour)
		w.Header().Set("X-Ratelimit-Limit", "5000")
		w.Header().Set("X-Ratelimit-Remaining", fmt.Sprint(left))
		w.Header().Set("X-Ratelimit-Used", fmt.Sprint(5000-left))
		w.Header().Set("X-Ratelimit-Reset", fmt.Sprint(reset.Unix()))
		w.Header().Set("X-Ratelimit-Resource", "core")
		next.ServeHTTP(w, r)
	})
}

// ExpireTokens makes GitHub stop accepting every token it issued to the
// installation, before the expires_at the client holds: what happens when
// GitHub revokes tokens or an installation's token expires early.
// Requests with them are answered 401 "Bad credentials" and, unlike
// unknown tokens, not counted as violations. It returns how many tokens it
// revoked.
func (s *Server) ExpireTokens(installationID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for tok, g := range s.tokens {
		if g.installation == installationID && !g.revoked {
			g.revoked = true
			s.tokens[tok] = g
			n++
		}
	}
	return n
}

// revokeToken revokes the installation token r carries, if any.
func (s *Server) revokeToken(r *http.Request) {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.tokens[cred]; ok {
		g.revoked = true
		s.tokens[cred] = g
	}
}

func (s *Server) requireAppJWT(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "bearer") {
			s.violation(fmt.Errorf("%s %s without an App JWT", r.Method, r.URL.Path))
			writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
			return
		}
		if err := verifyAppJWT(cred, s.pub, s.app.ID, s.now()); err != nil {
			s.violation(fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err))
			writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
			return
		}
		next.ServeHTTP(w, r)
	})
}
