// Package intake holds the few types the webhook handler and the job queue
// share, so that the handler can depend on a small interface without
// importing the queue (and River) it talks to.
package intake

import "github.com/prodready/prodready/internal/analysis"

// Result says what enqueuing one webhook delivery did.
type Result struct {
	// Duplicate: the delivery id had already been recorded (GitHub
	// redelivered it), so nothing was queued.
	Duplicate bool
	// Jobs counts the jobs durably queued for this delivery. A job equal
	// to one already queued, running or finished recently (a check_suite
	// after a synchronize) is dropped later, when the queue takes it in,
	// and counted there.
	Jobs int
}

// Suite is a check suite whose pull requests a worker has to look up:
// GitHub leaves a suite's pull_requests empty for pushes to forks.
type Suite struct {
	InstallationID int64
	Repo           analysis.Repo
	HeadSHA        string
	// Reason is the event that asked for it, e.g. "check_suite.requested".
	Reason string
	// Force makes the resulting analyses re-run ("Re-run" clicks).
	Force bool
}
