package queue

import (
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
)

// Queue names. Analyses get their own queue so that a backlog of them
// cannot starve the short jobs (suite resolution, pruning, recovery).
const (
	queueAnalysis = "analysis"
	queueControl  = river.QueueDefault
)

const (
	kindAnalysis = "analysis"
	kindResolve  = "resolve_suite"
	kindPrune    = "prune_deliveries"
	kindRecover  = "recover_deliveries"
)

// analysisArgs is analysis.Job as River stores it. Only the fields tagged
// unique form River's dedupe key, so a synchronize and a check_suite for the
// same head collapse into one job while DeliveryID and Reason (which differ
// between them) do not count. ForceKey is empty unless the job is forced, in
// which case it holds the delivery id: each "Re-run" click is its own job,
// yet a redelivery of that click is still one.
type analysisArgs struct {
	InstallationID int64         `json:"installation_id"`
	Repo           analysis.Repo `json:"repo" river:"unique"`
	PR             int           `json:"pr" river:"unique"`
	HeadSHA        string        `json:"head_sha" river:"unique"`
	ForceKey       string        `json:"force_key" river:"unique"`
	DeliveryID     string        `json:"delivery_id"`
	Reason         string        `json:"reason"`
	Force          bool          `json:"force,omitempty"`
}

func (analysisArgs) Kind() string { return kindAnalysis }

func (analysisArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueAnalysis, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func newAnalysisArgs(j analysis.Job) analysisArgs {
	a := analysisArgs{
		InstallationID: j.InstallationID,
		Repo:           j.Repo,
		PR:             j.PR,
		HeadSHA:        j.HeadSHA,
		DeliveryID:     j.DeliveryID,
		Reason:         j.Reason,
		Force:          j.Force,
	}
	if j.Force {
		a.ForceKey = j.DeliveryID
	}
	return a
}

func (a analysisArgs) job() analysis.Job {
	return analysis.Job{
		InstallationID: a.InstallationID,
		Repo:           a.Repo,
		PR:             a.PR,
		HeadSHA:        a.HeadSHA,
		DeliveryID:     a.DeliveryID,
		Reason:         a.Reason,
		Force:          a.Force,
	}
}

// key mirrors River's unique key so that one batch never carries two equal
// jobs: Postgres refuses an upsert that touches the same row twice.
func (a analysisArgs) key() string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%s", a.Repo.Owner, a.Repo.Name, a.PR, a.HeadSHA, a.ForceKey)
}

// resolveArgs asks a worker to find the pull requests of a check suite.
// Unique by suite and delivery: a redelivery is caught by the delivery table
// already, and two suites for one SHA from different deliveries are cheap.
type resolveArgs struct {
	InstallationID int64         `json:"installation_id"`
	Repo           analysis.Repo `json:"repo" river:"unique"`
	HeadSHA        string        `json:"head_sha" river:"unique"`
	DeliveryID     string        `json:"delivery_id" river:"unique"`
	Reason         string        `json:"reason"`
	Force          bool          `json:"force,omitempty"`
}

func (resolveArgs) Kind() string { return kindResolve }

func (resolveArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueControl, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func newResolveArgs(deliveryID string, s intake.Suite) resolveArgs {
	return resolveArgs{
		InstallationID: s.InstallationID,
		Repo:           s.Repo,
		HeadSHA:        s.HeadSHA,
		DeliveryID:     deliveryID,
		Reason:         s.Reason,
		Force:          s.Force,
	}
}

func (a resolveArgs) key() string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%s", a.Repo.Owner, a.Repo.Name, a.HeadSHA, a.DeliveryID)
}

// pruneArgs deletes delivery ids older than the redelivery window. It is a
// periodic job, which only the elected leader inserts.
type pruneArgs struct{}

func (pruneArgs) Kind() string { return kindPrune }

func (pruneArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queueControl} }

// recoverArgs runs the missed-delivery recovery, a periodic job which only
// the elected leader inserts. It is unique while queued or running, so a
// slow run never overlaps the next one (which would double the request
// rate), and it is not retried: the next period is the retry.
type recoverArgs struct{}

func (recoverArgs) Kind() string { return kindRecover }

func (recoverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueControl,
		MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled,
		}},
	}
}
