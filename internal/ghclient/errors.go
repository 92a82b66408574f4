package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"

	"github.com/prodready/prodready/internal/analysis"
)

// defaultLimitWait is what GitHub's docs ask for when a rate-limit answer
// carries neither retry-after nor x-ratelimit-reset: "at least one minute".
const defaultLimitWait = time.Minute

// TransientError is a failure worth retrying later: GitHub answered 5xx
// or the connection failed. It exists apart from analysis.RetryAfterError
// because GitHub gave no wait, so the queue's own backoff applies; callers
// detect it with errors.As or through the Transient method without
// importing this package.
type TransientError struct {
	Op     string
	Status int // 0 when no response arrived
	Err    error
}

func (e *TransientError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: github answered %d: %v", e.Op, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

func (e *TransientError) Unwrap() error { return e.Err }

// Transient marks the error as retryable for callers that only know the
// interface{ Transient() bool }.
func (e *TransientError) Transient() bool { return true }

// mapError translates go-github and ghinstallation errors into the
// analysis package's vocabulary, prefixing op for context.
func mapError(err error, op string) error {
	if err == nil {
		return nil
	}
	wrapped := fmt.Errorf("%s: %w", op, err)

	var primary *github.RateLimitError
	if errors.As(err, &primary) {
		return &analysis.RetryAfterError{Wait: untilReset(primary.Rate.Reset.Time), Err: wrapped}
	}
	var secondary *github.AbuseRateLimitError
	if errors.As(err, &secondary) {
		wait := defaultLimitWait
		if secondary.RetryAfter != nil && *secondary.RetryAfter > 0 {
			wait = *secondary.RetryAfter
		}
		return &analysis.RetryAfterError{Wait: wait, Err: wrapped}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return wrapped
	}
	if resp := responseOf(err); resp != nil {
		if wait, ok := limitWait(resp); ok {
			return &analysis.RetryAfterError{Wait: wait, Err: wrapped}
		}
		if secondaryByMessage(err) {
			return &analysis.RetryAfterError{Wait: defaultLimitWait, Err: wrapped}
		}
		switch {
		case resp.StatusCode == http.StatusNotFound:
			return fmt.Errorf("%s: %w", op, analysis.ErrNotFound)
		case resp.StatusCode >= 500:
			return &TransientError{Op: op, Status: resp.StatusCode, Err: err}
		case permanent(resp.StatusCode):
			msg := githubMessage(err)
			if resp.StatusCode == http.StatusUnauthorized {
				var he *ghinstallation.HTTPError
				if errors.As(err, &he) {
					wrapped = fmt.Errorf("%s: github refused the App's JWT when asked for an installation token (wrong App id or private key, or the key was revoked): %w", op, err)
				} else {
					// reauthTransport already retried with a fresh token.
					wrapped = fmt.Errorf("%s: github refused the installation token twice, the second freshly issued (the installation may be suspended or the App's access revoked): %w", op, err)
				}
			}
			return &analysis.RefusedError{Status: resp.StatusCode, Message: msg, Err: wrapped}
		}
		return wrapped
	}
	var urlErr *url.Error
	var netErr net.Error
	if errors.As(err, &urlErr) || errors.As(err, &netErr) || transientNetError(err) {
		return &TransientError{Op: op, Err: err}
	}
	return wrapped
}

// permanent reports statuses that repeating the same request cannot
// change. 404 (ErrNotFound), 406 (the diff fallback), 409 and rate limits
// are handled apart; other 4xx stay retryable, as GitHub has used them for
// passing conditions.
func permanent(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusGone, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// maxMessage bounds GitHub's message as quoted in logs and summaries.
const maxMessage = 300

// githubMessage is GitHub's explanation of an error answer on one line,
// with the field errors it listed.
func githubMessage(err error) string {
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		return ""
	}
	msg := er.Message
	for _, fe := range er.Errors {
		switch {
		case fe.Message != "":
			msg += "; " + fe.Message
		case fe.Field != "":
			msg += fmt.Sprintf("; %s %s", fe.Field, fe.Code)
		}
	}
	msg = strings.Join(strings.Fields(msg), " ")
	return truncateRunes(msg, maxMessage)
}

// responseOf finds GitHub's answer inside err: go-github's ErrorResponse
// for API calls, ghinstallation's HTTPError for the token exchange.
func responseOf(err error) *http.Response {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		// ghinstallation leaves the body of a failed token answer open.
		if he.Response.Body != nil {
			he.Response.Body.Close()
		}
		return he.Response
	}
	return nil
}

// limitWait reads GitHub's rate-limit signals from a 403 or 429: a
// Retry-After in seconds, else x-ratelimit-remaining 0 with a reset time;
// a bare 429 waits the documented minute. Other 403s are permission
// errors and not retried.
func limitWait(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return max(time.Duration(secs)*time.Second, time.Second), true
		}
	}
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return untilReset(time.Unix(reset, 0)), true
		}
		return defaultLimitWait, true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return defaultLimitWait, true
	}
	return 0, false
}

// secondaryByMessage recognises a secondary rate limit that go-github did
// not, because GitHub's answer lacked the documentation URL it looks for:
// GitHub's docs promise "an error message that indicates that you exceeded
// a secondary rate limit", with no wait given, so the documented minute
// applies rather than a permanent refusal.
func secondaryByMessage(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusForbidden &&
		strings.Contains(strings.ToLower(er.Message), "rate limit")
}

// untilReset waits until GitHub's reset time plus a second, because the
// reset is given in whole seconds and clocks differ slightly.
func untilReset(reset time.Time) time.Duration {
	return max(time.Until(reset)+time.Second, time.Second)
}
