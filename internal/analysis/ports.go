// Package analysis is the App's unit of work: review one pull request head
// and publish the result as a Check Run. It talks to GitHub only through
// the GitHub interface below (implemented by internal/ghclient, faked in
// tests), and to the review engine through internal/checks, so that the
// queue, the webhook and the engine stay independent of each other.
package analysis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Repo names a repository.
type Repo struct {
	Owner string `json:"owner"`
	Name  string `json:"name"`
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// Job is one analysis: a pull request at one head commit. The queue
// persists it as JSON; (Repo, PR, HeadSHA) is its dedupe key unless Force.
type Job struct {
	InstallationID int64  `json:"installation_id"`
	Repo           Repo   `json:"repo"`
	PR             int    `json:"pr"`
	HeadSHA        string `json:"head_sha"`
	// DeliveryID is the webhook delivery that asked for the job (logs only).
	DeliveryID string `json:"delivery_id"`
	// Reason is the event that caused it, e.g. "pull_request.synchronize".
	Reason string `json:"reason"`
	// Force re-runs an analysis that already completed (a "Re-run" click).
	Force bool `json:"force,omitempty"`
}

// PullRequest is what an analysis reads about a pull request.
type PullRequest struct {
	Number  int
	Title   string
	Body    string
	State   string // "open" or "closed"
	Draft   bool
	HeadSHA string
	HeadRef string
	BaseRef string
	BaseSHA string
	Author  string // login; bots end in "[bot]"
	Labels  []string
	// Changed counts what GitHub reports, to decide on the diff or files API.
	ChangedFiles int
	Additions    int
	Deletions    int
}

// PullFile is one entry of the paged files API, the fallback for diffs
// GitHub refuses to render.
type PullFile struct {
	Filename         string
	PreviousFilename string
	Status           string // added, removed, modified, renamed, copied, changed, unchanged
	Additions        int
	Deletions        int
	// Patch is empty when GitHub omitted it (binary or very large).
	Patch string
}

// Commit is what the AI-authorship detector reads of a commit.
type Commit struct {
	SHA         string
	Message     string
	AuthorLogin string
	AuthorEmail string
}

// CheckRun is the part of a check run the App reads back.
type CheckRun struct {
	ID         int64
	ExternalID string
	HeadSHA    string
	Status     string // queued, in_progress, completed
	Conclusion string
	// AnnotationsCount is how many annotations GitHub holds for the run, so
	// that a retried job does not post the same batch twice.
	AnnotationsCount int
}

// Annotation is one inline finding in GitHub's shape.
type Annotation struct {
	Path        string
	StartLine   int
	EndLine     int
	StartColumn int // only when StartLine == EndLine
	EndColumn   int
	Level       string // notice, warning, failure
	Title       string // at most 255 characters
	Message     string // at most 64 KB
	RawDetails  string
}

// CheckRunOutput is the title, summary and annotations of one write.
type CheckRunOutput struct {
	Title       string
	Summary     string // at most 65,535 characters
	Text        string
	Annotations []Annotation // at most 50 per request
}

// CheckRunCreate opens a check run.
type CheckRunCreate struct {
	Name       string
	HeadSHA    string
	ExternalID string
	Status     string
	DetailsURL string
	StartedAt  time.Time
	Output     *CheckRunOutput
}

// CheckRunUpdate changes a check run; annotations in Output are appended.
type CheckRunUpdate struct {
	Status      string
	Conclusion  string
	CompletedAt time.Time
	Output      *CheckRunOutput
}

// GitHub is what an analysis needs from GitHub for one installation.
// Implementations return ErrNotFound, ErrDiffTooLarge and *RetryAfterError
// where those apply, and wrap every other error with context.
type GitHub interface {
	PullRequest(ctx context.Context, repo Repo, number int) (*PullRequest, error)
	// PullRequestDiff streams the unified diff (GitHub's diff media type).
	PullRequestDiff(ctx context.Context, repo Repo, number int) (io.ReadCloser, error)
	// PullRequestFiles pages through the files API (at most 3,000 files).
	PullRequestFiles(ctx context.Context, repo Repo, number int) ([]PullFile, error)
	PullRequestCommits(ctx context.Context, repo Repo, number int) ([]Commit, error)
	// PullRequestsForCommit lists open pull requests whose head is sha; for
	// check_suite events from forks, whose pull_requests array is empty.
	PullRequestsForCommit(ctx context.Context, repo Repo, sha string) ([]int, error)
	// FileContent reads a file at ref; ErrNotFound when it does not exist.
	FileContent(ctx context.Context, repo Repo, ref, path string) ([]byte, error)
	// FindCheckRun returns this App's check run named name on sha, or nil.
	FindCheckRun(ctx context.Context, repo Repo, sha, name string) (*CheckRun, error)
	CreateCheckRun(ctx context.Context, repo Repo, c CheckRunCreate) (*CheckRun, error)
	UpdateCheckRun(ctx context.Context, repo Repo, id int64, u CheckRunUpdate) (*CheckRun, error)
	// CheckRunAnnotations lists the annotations GitHub holds for a check
	// run, so that a retried job posts only those still missing.
	CheckRunAnnotations(ctx context.Context, repo Repo, id int64) ([]Annotation, error)
}

// ClientFactory hands out a GitHub client authenticated as one installation.
type ClientFactory interface {
	ForInstallation(ctx context.Context, installationID int64) (GitHub, error)
}

var (
	// ErrNotFound: the resource does not exist (or the App cannot see it).
	ErrNotFound = errors.New("not found")
	// ErrDiffTooLarge: GitHub answered 406 too_large to the diff media type.
	ErrDiffTooLarge = errors.New("diff too large for GitHub to render")
)

// RetryAfterError says GitHub asked us to wait (rate limits, Retry-After);
// the queue snoozes the job for Wait instead of failing it.
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.Wait, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RefusedError says GitHub refused a request for good: the App lacks a
// permission (403 "Resource not accessible by integration"), its
// credentials are not accepted even freshly issued (401), or GitHub rejects
// the content (422). Repeating the same request cannot succeed, so the
// queue cancels the job instead of retrying it, and the analysis skips
// annotations GitHub refuses rather than failing the run.
type RefusedError struct {
	Status int // GitHub's HTTP status
	// Message is GitHub's own explanation, for logs and summaries.
	Message string
	Err     error
}

func (e *RefusedError) Error() string { return e.Err.Error() }

func (e *RefusedError) Unwrap() error { return e.Err }

// Reason is a short label for metrics and logs, one of a fixed set.
func (e *RefusedError) Reason() string {
	switch e.Status {
	case 400:
		return "bad_request"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 410:
		return "gone"
	case 422:
		return "unprocessable"
	}
	return "refused"
}

// Runner runs analyses; the queue's worker calls it.
type Runner interface {
	Analyze(ctx context.Context, job Job) error
}

// CheckRunName is the name of the App's check run on every commit.
const CheckRunName = "prodready"
