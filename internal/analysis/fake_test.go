package analysis

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// fakeGitHub is an in-memory GitHub for one repository, in the manner of
// policy-bot's hand-written fakes: it keeps check runs and their
// annotations, and can be told to fail specific calls.
type fakeGitHub struct {
	mu       sync.Mutex
	pr       PullRequest
	diff     string
	tooLarge bool
	files    []PullFile
	commits  []Commit
	contents map[string]string // "ref:path" -> content
	runs     []*fakeRun
	nextID   int64
	// failures: call name -> errors returned by the next calls, in order.
	failures map[string][]error
	calls    []string
	// refuse makes UpdateCheckRun answer 422, as GitHub's validation does,
	// to any write carrying an annotation it matches; the write changes
	// nothing.
	refuse func(Annotation) bool
	// lose makes the next n annotation writes apply but fail, as a write
	// whose answer was lost does.
	lose int
}

type fakeRun struct {
	CheckRun
	name        string
	title       string
	summary     string
	annotations []Annotation
	writes      int
}

func newFake(diff string) *fakeGitHub {
	return &fakeGitHub{
		pr:       PullRequest{Number: 7, State: "open", HeadSHA: "head1", HeadRef: "feature/x", BaseRef: "main", BaseSHA: "base1", Author: "alice", Title: "Add users API"},
		diff:     diff,
		contents: map[string]string{},
		failures: map[string][]error{},
		nextID:   100,
	}
}

func (f *fakeGitHub) fail(call string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[call] = append(f.failures[call], errs...)
}

func (f *fakeGitHub) take(call string) error {
	f.calls = append(f.calls, call)
	if errs := f.failures[call]; len(errs) > 0 {
		f.failures[call] = errs[1:]
		return errs[0]
	}
	return nil
}

func (f *fakeGitHub) ForInstallation(context.Context, int64) (GitHub, error) { return f, nil }

func (f *fakeGitHub) PullRequest(_ context.Context, _ Repo, n int) (*PullRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("PullRequest"); err != nil {
		return nil, err
	}
	pr := f.pr
	return &pr, nil
}

func (f *fakeGitHub) PullRequestDiff(context.Context, Repo, int) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("PullRequestDiff"); err != nil {
		return nil, err
	}
	if f.tooLarge {
		return nil, ErrDiffTooLarge
	}
	return io.NopCloser(strings.NewReader(f.diff)), nil
}

func (f *fakeGitHub) PullRequestFiles(context.Context, Repo, int) ([]PullFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("PullRequestFiles"); err != nil {
		return nil, err
	}
	return f.files, nil
}

func (f *fakeGitHub) PullRequestCommits(context.Context, Repo, int) ([]Commit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("PullRequestCommits"); err != nil {
		return nil, err
	}
	return f.commits, nil
}

func (f *fakeGitHub) PullRequestsForCommit(context.Context, Repo, string) ([]int, error) {
	return []int{f.pr.Number}, nil
}

func (f *fakeGitHub) FileContent(_ context.Context, _ Repo, ref, path string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("FileContent"); err != nil {
		return nil, err
	}
	c, ok := f.contents[ref+":"+path]
	if !ok {
		return nil, fmt.Errorf("get %s at %s: %w", path, ref, ErrNotFound)
	}
	return []byte(c), nil
}

func (f *fakeGitHub) FindCheckRun(_ context.Context, _ Repo, sha, name string) (*CheckRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("FindCheckRun"); err != nil {
		return nil, err
	}
	for i := len(f.runs) - 1; i >= 0; i-- {
		if r := f.runs[i]; r.HeadSHA == sha && r.name == name {
			c := r.CheckRun
			c.AnnotationsCount = len(r.annotations)
			return &c, nil
		}
	}
	return nil, nil
}

func (f *fakeGitHub) CreateCheckRun(_ context.Context, _ Repo, c CheckRunCreate) (*CheckRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("CreateCheckRun"); err != nil {
		return nil, err
	}
	f.nextID++
	r := &fakeRun{CheckRun: CheckRun{ID: f.nextID, ExternalID: c.ExternalID, HeadSHA: c.HeadSHA, Status: c.Status}, name: c.Name, writes: 1}
	if c.Output != nil {
		r.title, r.summary = c.Output.Title, c.Output.Summary
		r.annotations = append(r.annotations, c.Output.Annotations...)
	}
	f.runs = append(f.runs, r)
	out := r.CheckRun
	return &out, nil
}

func (f *fakeGitHub) UpdateCheckRun(_ context.Context, _ Repo, id int64, u CheckRunUpdate) (*CheckRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("UpdateCheckRun"); err != nil {
		return nil, err
	}
	for _, r := range f.runs {
		if r.ID != id {
			continue
		}
		if u.Output != nil && len(u.Output.Annotations) > annotationBatch {
			return nil, fmt.Errorf("422: %d annotations in one request", len(u.Output.Annotations))
		}
		if u.Output != nil && f.refuse != nil {
			for _, a := range u.Output.Annotations {
				if f.refuse(a) {
					return nil, &RefusedError{Status: 422, Message: "Invalid annotation", Err: fmt.Errorf("update check run %d: 422 Invalid annotation", id)}
				}
			}
		}
		r.writes++
		if u.Status != "" {
			r.Status = u.Status
		}
		if u.Conclusion != "" {
			r.Conclusion = u.Conclusion
		}
		if u.Output != nil {
			r.title, r.summary = u.Output.Title, u.Output.Summary
			r.annotations = append(r.annotations, u.Output.Annotations...)
		}
		if f.lose > 0 && u.Output != nil && len(u.Output.Annotations) > 0 {
			f.lose--
			return nil, fmt.Errorf("update check run %d: connection reset after the write", id)
		}
		out := r.CheckRun
		return &out, nil
	}
	return nil, fmt.Errorf("update check run %d: %w", id, ErrNotFound)
}

func (f *fakeGitHub) runsFor(sha string) []*fakeRun {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeRun
	for _, r := range f.runs {
		if r.HeadSHA == sha {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeGitHub) CheckRunAnnotations(_ context.Context, _ Repo, id int64) ([]Annotation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.take("CheckRunAnnotations"); err != nil {
		return nil, err
	}
	for _, r := range f.runs {
		if r.ID == id {
			return append([]Annotation(nil), r.annotations...), nil
		}
	}
	return nil, fmt.Errorf("list annotations of check run %d: %w", id, ErrNotFound)
}
