package ghclient

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Observer sees every HTTP attempt the clients make (retries and token
// requests included), so the server can export request counts by status
// and the remaining rate limit. status is 0 when no response arrived;
// remaining is -1 when GitHub sent no x-ratelimit-remaining header.
// Implementations must be safe for concurrent use.
type Observer interface {
	OnResponse(method, route string, status int, remaining int)
}

// observeTransport reports and logs each attempt. It sits below the
// Authorization header being set, but logs only method, route and status
// so that no credential can reach the logs.
type observeTransport struct {
	next     http.RoundTripper
	observer Observer
	logger   *slog.Logger
	basePath string
}

func (t *observeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	route := routeOf(req.URL.Path, t.basePath)
	status, remaining := 0, -1
	if resp != nil {
		status = resp.StatusCode
		if v := resp.Header.Get("X-Ratelimit-Remaining"); v != "" {
			if n, perr := strconv.Atoi(v); perr == nil {
				remaining = n
			}
		}
	}
	if t.observer != nil {
		t.observer.OnResponse(req.Method, route, status, remaining)
	}
	level := slog.LevelDebug
	if err != nil || status == http.StatusForbidden || status == http.StatusTooManyRequests || status >= 500 {
		level = slog.LevelWarn
	}
	if t.logger.Enabled(req.Context(), level) {
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
		}
		if remaining >= 0 {
			attrs = append(attrs, slog.Int("ratelimit_remaining", remaining))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		t.logger.LogAttrs(req.Context(), level, "github request", attrs...)
	}
	return resp, err
}

// retryTransport re-sends idempotent reads that failed on GitHub's edge
// (502/503/504), on a dropped connection or on an attempt timeout. Writes are never re-sent here:
// the job-level retry repeats them idempotently, and a POST re-sent after
// a lost response could create a second check run. 403 and 429 are not
// retried either: they are rate limits, surfaced as RetryAfterError.
type retryTransport struct {
	next     http.RoundTripper
	maxTries int
	base     time.Duration
	logger   *slog.Logger
	basePath string
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !replayable(req) || t.maxTries <= 1 {
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if attempt >= t.maxTries || ctx.Err() != nil || !transient(resp, err) {
			return resp, err
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
			// Drain a little so the connection can be reused.
			_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
			resp.Body.Close()
		}
		wait := t.backoff(attempt)
		t.logger.LogAttrs(ctx, slog.LevelWarn, "retrying github request",
			slog.String("method", req.Method),
			slog.String("route", routeOf(req.URL.Path, t.basePath)),
			slog.Int("attempt", attempt),
			slog.Int("status", status),
			slog.Duration("wait", wait))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}

// attemptTimeoutTransport bounds how long one attempt waits for GitHub's
// response headers. GitHub itself gives up on a request after about ten
// seconds, so an answer that has not begun long after that is a stalled
// connection: without a bound it would hold the worker until the job
// timeout. The body of a large diff may stream for longer than the bound,
// and a reader may pause between reads for as long as it likes; only a
// single read that waits that long for GitHub's next bytes fails.
type attemptTimeoutTransport struct {
	next    http.RoundTripper
	timeout time.Duration
}

// timeoutError is an attempt that waited too long for GitHub, for the
// response headers or for more of the body. It is a net.Error with
// Timeout() true, so the retry transport retries a GET that hit it and
// mapError and the job's retry call it transient; it deliberately does not
// wrap context.DeadlineExceeded, which means the caller's own deadline
// passed.
type timeoutError struct {
	waitingFor string
	after      time.Duration
}

func (e *timeoutError) Error() string {
	return "github sent no " + e.waitingFor + " within " + e.after.String()
}
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

var _ net.Error = (*timeoutError)(nil)

func (t *attemptTimeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.timeout <= 0 {
		return t.next.RoundTrip(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	timer := time.AfterFunc(t.timeout, cancel)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if !timer.Stop() {
		// The bound passed before the headers arrived (or just as they
		// did: the body could not be read anyway).
		if resp != nil {
			resp.Body.Close()
		}
		cancel()
		if cerr := req.Context().Err(); cerr != nil {
			return nil, cerr // the caller's own cancellation wins
		}
		return nil, &timeoutError{waitingFor: "response headers", after: t.timeout}
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &stallBoundBody{ReadCloser: resp.Body, cancel: cancel, timeout: t.timeout}
	return resp, nil
}

// stallBoundBody fails a read that waits longer than timeout for bytes, and
// releases the attempt's context once the body is closed. Only the time
// spent inside Read counts, so a slow consumer is never cut off.
type stallBoundBody struct {
	io.ReadCloser
	cancel  context.CancelFunc
	timeout time.Duration
	stalled atomic.Bool
}

func (b *stallBoundBody) Read(p []byte) (int, error) {
	timer := time.AfterFunc(b.timeout, func() {
		b.stalled.Store(true)
		b.cancel()
	})
	n, err := b.ReadCloser.Read(p)
	timer.Stop()
	if err != nil && b.stalled.Load() {
		err = &timeoutError{waitingFor: "more of the response body", after: b.timeout}
	}
	return n, err
}

func (b *stallBoundBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// backoff doubles from base with ±50% jitter so that many workers hit by
// the same incident do not retry in lockstep.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.base << (attempt - 1)
	return d/2 + time.Duration(rand.Int64N(int64(d)+1))
}

func replayable(req *http.Request) bool {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return false
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func transient(resp *http.Response, err error) bool {
	if err != nil {
		return transientNetError(err)
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// transientNetError reports errors of the connection rather than of the
// request: resets, a peer closing mid-exchange, refused connections and
// transport timeouts. A cancelled or expired context is never transient.
func transientNetError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// routeOf turns a request path into a low-cardinality route for metrics
// and logs: owner, repo, numbers, SHAs and file paths become placeholders.
func routeOf(path, basePath string) string {
	p := strings.TrimPrefix(path, strings.TrimSuffix(basePath, "/"))
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) >= 3 && segs[0] == "repos" {
		segs[1], segs[2] = "{owner}", "{repo}"
		for i := 3; i < len(segs); i++ {
			if segs[i] == "contents" && i+1 < len(segs) {
				segs = append(segs[:i+1], "{path}")
				break
			}
		}
	}
	for i, s := range segs {
		switch {
		case isDigits(s):
			segs[i] = "{id}"
		case isSHA(s):
			segs[i] = "{sha}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}
