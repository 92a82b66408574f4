package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// orphanBatch bounds one look-up of orphaned jobs.
const orphanBatch = 200

// rescueOrphans hands back to the queue every job a dead process left
// marked running. Only for a store no other process can use (the SQLite
// lock): there, "running" at start-up can only mean "orphaned", so the
// work resumes now instead of after RescueAfter (by default 11 minutes,
// longer than a user waits for a check). The treatment matches River's own
// rescuer: the lost attempt counts, so a job that kills the process every
// time (a poison pill) is discarded once its attempts are spent rather than
// crash-looping the App, and a job cancelled while it ran stays cancelled.
func rescueOrphans[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], logger *slog.Logger) error {
	exec := drv.GetExecutor()
	// A second in the future takes in jobs started within the clock's
	// resolution of this call; none of them can be live (the lock).
	horizon := time.Now().Add(time.Second)
	var afterID int64
	for {
		stuck, err := exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: afterID, Max: orphanBatch, StuckHorizon: horizon})
		if err != nil {
			return fmt.Errorf("look up jobs orphaned by a stopped process: %w", err)
		}
		if len(stuck) == 0 {
			return nil
		}
		afterID = stuck[len(stuck)-1].ID
		params, err := orphanRescue(stuck, time.Now().UTC())
		if err != nil {
			return err
		}
		if _, err := exec.JobRescueMany(ctx, params); err != nil {
			return fmt.Errorf("rescue jobs orphaned by a stopped process: %w", err)
		}
		for i, j := range stuck {
			logger.WarnContext(ctx, "job was running when the process stopped; rescued at start-up",
				slog.Int64("job_id", j.ID), slog.String("kind", j.Kind), slog.Int("attempt", j.Attempt),
				slog.String("now", params.State[i]))
		}
		if len(stuck) < orphanBatch {
			return nil
		}
	}
}

// orphanRescue decides each orphan's new state: available at once while it
// has attempts left, discarded when it has none, cancelled when a cancel
// was requested while it ran.
func orphanRescue(stuck []*rivertype.JobRow, now time.Time) (*riverdriver.JobRescueManyParams, error) {
	p := &riverdriver.JobRescueManyParams{StuckHorizon: now}
	for _, j := range stuck {
		var meta struct {
			CancelAttemptedAt time.Time `json:"cancel_attempted_at"`
		}
		if len(j.Metadata) > 0 {
			if err := json.Unmarshal(j.Metadata, &meta); err != nil {
				return nil, fmt.Errorf("rescue job %d: read its metadata: %w", j.ID, err)
			}
		}
		state, finalized, scheduled := rivertype.JobStateAvailable, (*time.Time)(nil), now
		switch {
		case !meta.CancelAttemptedAt.IsZero():
			state, finalized, scheduled = rivertype.JobStateCancelled, &now, j.ScheduledAt
		case j.Attempt >= j.MaxAttempts:
			state, finalized, scheduled = rivertype.JobStateDiscarded, &now, j.ScheduledAt
		}
		msg, err := json.Marshal(rivertype.AttemptError{
			At:      now,
			Attempt: max(j.Attempt, 0),
			Error:   "the process running this job stopped before it finished (found at start-up)",
		})
		if err != nil {
			return nil, fmt.Errorf("rescue job %d: %w", j.ID, err)
		}
		p.ID = append(p.ID, j.ID)
		p.Error = append(p.Error, msg)
		p.FinalizedAt = append(p.FinalizedAt, finalized)
		p.ScheduledAt = append(p.ScheduledAt, scheduled)
		p.State = append(p.State, string(state))
	}
	return p, nil
}
