package ghclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/go-github/v66/github"

	"github.com/prodready/prodready/internal/analysis"
)

// GitHub's documented caps; see docs/github-platform.md.
const (
	perPage         = 100
	maxPullFiles    = 3000
	maxAnnotations  = 50
	maxTitleRunes   = 255
	maxOutputBytes  = 65535
	maxMessageBytes = 64 * 1024
	// Bounds on pages read while looking things up, so that a repository
	// with thousands of open pull requests or runs cannot eat the quota.
	maxCommitPullPages = 3
	maxOpenPullPages   = 5
	maxCheckRunPages   = 5
	// A run holds at most config.MaxAnnotationsLimit (10,000) of ours.
	maxAnnotationPages = 101

	mediaTypeDiff = "application/vnd.github.v3.diff"
	mediaTypeJSON = "application/vnd.github+json"
)

// Client is analysis.GitHub for one installation.
type Client struct {
	gh             *github.Client
	appID          int64
	installationID int64
	logger         *slog.Logger
}

var _ analysis.GitHub = (*Client)(nil)

// PullRequest reads one pull request.
func (c *Client) PullRequest(ctx context.Context, repo analysis.Repo, number int) (*analysis.PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, repo.Owner, repo.Name, number)
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("get pull %s#%d", repo, number))
	}
	return toPullRequest(pr), nil
}

// PullRequestDiff streams the unified diff instead of buffering it as
// PullRequests.GetRaw would: diffs of large PRs run to many megabytes.
// The caller closes the body.
func (c *Client) PullRequestDiff(ctx context.Context, repo analysis.Repo, number int) (io.ReadCloser, error) {
	op := fmt.Sprintf("get diff of pull %s#%d", repo, number)
	req, err := c.gh.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/pulls/%d", url.PathEscape(repo.Owner), url.PathEscape(repo.Name), number), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Accept", mediaTypeDiff)
	resp, err := c.gh.BareDo(ctx, req)
	if err != nil {
		if diffTooLarge(resp, err) {
			return nil, fmt.Errorf("%s: %w", op, analysis.ErrDiffTooLarge)
		}
		return nil, mapError(err, op)
	}
	return resp.Body, nil
}

// diffTooLarge recognises GitHub refusing to render a diff: 406 (beyond
// 300 files or 20,000 lines), or any error naming the diff field as
// too_large or not_available (a diff that took too long to generate).
func diffTooLarge(resp *github.Response, err error) bool {
	if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusNotAcceptable {
		return true
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		for _, e := range er.Errors {
			if e.Field == "diff" && (e.Code == "too_large" || e.Code == "not_available") {
				return true
			}
		}
	}
	return false
}

// PullRequestFiles pages through the files API, 100 a page, up to the
// 3,000 files GitHub lists at most.
func (c *Client) PullRequestFiles(ctx context.Context, repo analysis.Repo, number int) ([]analysis.PullFile, error) {
	opts := &github.ListOptions{PerPage: perPage}
	var out []analysis.PullFile
	for {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, mapError(err, fmt.Sprintf("list files of pull %s#%d (page %d)", repo, number, max(opts.Page, 1)))
		}
		for _, f := range files {
			out = append(out, analysis.PullFile{
				Filename:         f.GetFilename(),
				PreviousFilename: f.GetPreviousFilename(),
				Status:           f.GetStatus(),
				Additions:        f.GetAdditions(),
				Deletions:        f.GetDeletions(),
				Patch:            f.GetPatch(),
			})
		}
		if resp.NextPage == 0 || len(out) >= maxPullFiles {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(out) > maxPullFiles {
		out = out[:maxPullFiles]
	}
	return out, nil
}

// PullRequestCommits lists the pull request's commits (GitHub lists at
// most 250).
func (c *Client) PullRequestCommits(ctx context.Context, repo analysis.Repo, number int) ([]analysis.Commit, error) {
	opts := &github.ListOptions{PerPage: perPage}
	var out []analysis.Commit
	for {
		commits, resp, err := c.gh.PullRequests.ListCommits(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, mapError(err, fmt.Sprintf("list commits of pull %s#%d (page %d)", repo, number, max(opts.Page, 1)))
		}
		for _, rc := range commits {
			out = append(out, analysis.Commit{
				SHA:         rc.GetSHA(),
				Message:     rc.GetCommit().GetMessage(),
				AuthorLogin: rc.GetAuthor().GetLogin(),
				AuthorEmail: rc.GetCommit().GetAuthor().GetEmail(),
			})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// PullRequestsForCommit asks GitHub which pull requests contain sha and
// keeps the open ones whose head is sha. GitHub does not associate commits
// pushed to forks with the base repository, so when that finds nothing the
// open pull requests are listed (most recently updated first, where a
// fresh push sorts) and matched on head.sha.
func (c *Client) PullRequestsForCommit(ctx context.Context, repo analysis.Repo, sha string) ([]int, error) {
	var out []int
	keep := func(prs []*github.PullRequest) {
		for _, pr := range prs {
			if pr.GetState() == "open" && pr.GetHead().GetSHA() == sha && !slices.Contains(out, pr.GetNumber()) {
				out = append(out, pr.GetNumber())
			}
		}
	}
	opts := &github.ListOptions{PerPage: perPage}
	for page := 0; page < maxCommitPullPages; page++ {
		prs, resp, err := c.gh.PullRequests.ListPullRequestsWithCommit(ctx, repo.Owner, repo.Name, sha, opts)
		if err != nil {
			return nil, mapError(err, fmt.Sprintf("list pulls of commit %s@%s", repo, sha))
		}
		keep(prs)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(out) == 0 {
		lopts := &github.PullRequestListOptions{State: "open", Sort: "updated", Direction: "desc", ListOptions: github.ListOptions{PerPage: perPage}}
		for page := 0; page < maxOpenPullPages; page++ {
			prs, resp, err := c.gh.PullRequests.List(ctx, repo.Owner, repo.Name, lopts)
			if err != nil {
				return nil, mapError(err, fmt.Sprintf("list open pulls of %s for %s", repo, sha))
			}
			keep(prs)
			if resp.NextPage == 0 {
				break
			}
			lopts.Page = resp.NextPage
		}
	}
	slices.Sort(out)
	return out, nil
}

// FileContent reads path at ref. The contents API leaves out the content
// of files over 1 MB (encoding "none"); those are read as a raw blob.
func (c *Client) FileContent(ctx context.Context, repo analysis.Repo, ref, path string) ([]byte, error) {
	op := fmt.Sprintf("get %s@%s:%s", repo, ref, path)
	file, dir, _, err := c.gh.Repositories.GetContents(ctx, repo.Owner, repo.Name, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return nil, mapError(err, op)
	}
	if file == nil {
		return nil, fmt.Errorf("%s: is a directory of %d entries, not a file", op, len(dir))
	}
	if t := file.GetType(); t != "file" {
		return nil, fmt.Errorf("%s: is a %s, not a file", op, t)
	}
	if file.GetEncoding() == "none" || (file.Content == nil || *file.Content == "") && file.GetSize() > 0 {
		b, _, err := c.gh.Git.GetBlobRaw(ctx, repo.Owner, repo.Name, file.GetSHA())
		if err != nil {
			return nil, mapError(err, op+" (blob "+file.GetSHA()+")")
		}
		return b, nil
	}
	s, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("%s: decode content: %w", op, err)
	}
	return []byte(s), nil
}

// FindCheckRun returns the most recent run named name on sha created by
// this App, or nil. Runs of other Apps with the same name are ignored:
// updating them would fail, and they are not ours to supersede.
func (c *Client) FindCheckRun(ctx context.Context, repo analysis.Repo, sha, name string) (*analysis.CheckRun, error) {
	opts := &github.ListCheckRunsOptions{
		CheckName:   github.String(name),
		AppID:       github.Int64(c.appID),
		Filter:      github.String("all"),
		ListOptions: github.ListOptions{PerPage: perPage},
	}
	var best *github.CheckRun
	for page := 0; page < maxCheckRunPages; page++ {
		res, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, repo.Owner, repo.Name, sha, opts)
		if err != nil {
			return nil, mapError(err, fmt.Sprintf("list check runs %q on %s@%s", name, repo, sha))
		}
		for _, run := range res.CheckRuns {
			if run.GetName() != name || run.GetApp().GetID() != c.appID {
				continue
			}
			// Run ids grow with creation; started_at is whatever the
			// creator sent, so it cannot order runs.
			if best == nil || run.GetID() > best.GetID() {
				best = run
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if best == nil {
		return nil, nil
	}
	return toCheckRun(best), nil
}

// CreateCheckRun opens a check run.
func (c *Client) CreateCheckRun(ctx context.Context, repo analysis.Repo, in analysis.CheckRunCreate) (*analysis.CheckRun, error) {
	op := fmt.Sprintf("create check run %q on %s@%s", in.Name, repo, in.HeadSHA)
	if in.Name == "" || in.HeadSHA == "" {
		return nil, fmt.Errorf("%s: name and head SHA are required", op)
	}
	out, err := toOutput(in.Output)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	opts := github.CreateCheckRunOptions{
		Name:       in.Name,
		HeadSHA:    in.HeadSHA,
		ExternalID: optional(in.ExternalID),
		Status:     optional(in.Status),
		DetailsURL: optional(in.DetailsURL),
		Output:     out,
	}
	if !in.StartedAt.IsZero() {
		opts.StartedAt = &github.Timestamp{Time: in.StartedAt}
	}
	run, _, err := c.gh.Checks.CreateCheckRun(ctx, repo.Owner, repo.Name, opts)
	if err != nil {
		return nil, mapError(err, op)
	}
	return toCheckRun(run), nil
}

// updateCheckRunBody replaces go-github's UpdateCheckRunOptions, whose
// required Name field would rename the run to "" unless every update
// repeated it.
type updateCheckRunBody struct {
	Status      *string                `json:"status,omitempty"`
	Conclusion  *string                `json:"conclusion,omitempty"`
	CompletedAt *github.Timestamp      `json:"completed_at,omitempty"`
	Output      *github.CheckRunOutput `json:"output,omitempty"`
}

// UpdateCheckRun changes a check run; GitHub appends the annotations.
func (c *Client) UpdateCheckRun(ctx context.Context, repo analysis.Repo, id int64, in analysis.CheckRunUpdate) (*analysis.CheckRun, error) {
	op := fmt.Sprintf("update check run %d on %s", id, repo)
	if in.Status == "completed" && in.Conclusion == "" {
		return nil, fmt.Errorf("%s: a completed run needs a conclusion", op)
	}
	out, err := toOutput(in.Output)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	body := updateCheckRunBody{Status: optional(in.Status), Conclusion: optional(in.Conclusion), Output: out}
	switch {
	case !in.CompletedAt.IsZero():
		body.CompletedAt = &github.Timestamp{Time: in.CompletedAt}
	case in.Conclusion != "":
		body.CompletedAt = &github.Timestamp{Time: time.Now().UTC().Truncate(time.Second)}
	}
	req, err := c.gh.NewRequest(http.MethodPatch, fmt.Sprintf("repos/%s/%s/check-runs/%d", url.PathEscape(repo.Owner), url.PathEscape(repo.Name), id), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Accept", mediaTypeJSON)
	run := new(github.CheckRun)
	if _, err := c.gh.Do(ctx, req, run); err != nil {
		return nil, mapError(err, op)
	}
	return toCheckRun(run), nil
}

// CheckRunAnnotations pages through the annotations GitHub holds for a
// check run, 100 a page.
func (c *Client) CheckRunAnnotations(ctx context.Context, repo analysis.Repo, id int64) ([]analysis.Annotation, error) {
	opts := &github.ListOptions{PerPage: perPage}
	var out []analysis.Annotation
	for page := 0; page < maxAnnotationPages; page++ {
		anns, resp, err := c.gh.Checks.ListCheckRunAnnotations(ctx, repo.Owner, repo.Name, id, opts)
		if err != nil {
			return nil, mapError(err, fmt.Sprintf("list annotations of check run %d on %s (page %d)", id, repo, max(opts.Page, 1)))
		}
		for _, a := range anns {
			out = append(out, analysis.Annotation{
				Path:        a.GetPath(),
				StartLine:   a.GetStartLine(),
				EndLine:     a.GetEndLine(),
				StartColumn: a.GetStartColumn(),
				EndColumn:   a.GetEndColumn(),
				Level:       a.GetAnnotationLevel(),
				Title:       a.GetTitle(),
				Message:     a.GetMessage(),
				RawDetails:  a.GetRawDetails(),
			})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
	return nil, fmt.Errorf("list annotations of check run %d on %s: more than %d pages", id, repo, maxAnnotationPages)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toPullRequest(pr *github.PullRequest) *analysis.PullRequest {
	out := &analysis.PullRequest{
		Number:       pr.GetNumber(),
		Title:        pr.GetTitle(),
		Body:         pr.GetBody(),
		State:        pr.GetState(),
		Draft:        pr.GetDraft(),
		HeadSHA:      pr.GetHead().GetSHA(),
		HeadRef:      pr.GetHead().GetRef(),
		BaseRef:      pr.GetBase().GetRef(),
		BaseSHA:      pr.GetBase().GetSHA(),
		Author:       pr.GetUser().GetLogin(),
		ChangedFiles: pr.GetChangedFiles(),
		Additions:    pr.GetAdditions(),
		Deletions:    pr.GetDeletions(),
	}
	for _, l := range pr.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

func toCheckRun(run *github.CheckRun) *analysis.CheckRun {
	return &analysis.CheckRun{
		ID:               run.GetID(),
		ExternalID:       run.GetExternalID(),
		HeadSHA:          run.GetHeadSHA(),
		Status:           run.GetStatus(),
		Conclusion:       run.GetConclusion(),
		AnnotationsCount: run.GetOutput().GetAnnotationsCount(),
	}
}

var annotationLevels = []string{"notice", "warning", "failure"}

// toOutput maps an output to GitHub's, refusing what GitHub would refuse
// with a 422 and truncating text fields to GitHub's limits on rune
// boundaries, so that an over-long summary degrades instead of failing
// the whole write.
func toOutput(o *analysis.CheckRunOutput) (*github.CheckRunOutput, error) {
	if o == nil {
		return nil, nil
	}
	if n := len(o.Annotations); n > maxAnnotations {
		return nil, fmt.Errorf("%d annotations in one request, GitHub takes at most %d", n, maxAnnotations)
	}
	if o.Title == "" || o.Summary == "" {
		return nil, errors.New("output needs a title and a summary")
	}
	out := &github.CheckRunOutput{
		Title:   github.String(truncateRunes(o.Title, maxTitleRunes)),
		Summary: github.String(truncateBytes(o.Summary, maxOutputBytes)),
	}
	if o.Text != "" {
		out.Text = github.String(truncateBytes(o.Text, maxOutputBytes))
	}
	for i, a := range o.Annotations {
		if a.Path == "" || a.StartLine < 1 || a.Message == "" {
			return nil, fmt.Errorf("annotation %d (%s:%d): path, start line ≥ 1 and message are required", i, a.Path, a.StartLine)
		}
		if !slices.Contains(annotationLevels, a.Level) {
			return nil, fmt.Errorf("annotation %d (%s:%d): level %q is not notice, warning or failure", i, a.Path, a.StartLine, a.Level)
		}
		end := max(a.EndLine, a.StartLine)
		ga := &github.CheckRunAnnotation{
			Path:            github.String(a.Path),
			StartLine:       github.Int(a.StartLine),
			EndLine:         github.Int(end),
			AnnotationLevel: github.String(a.Level),
			Message:         github.String(truncateBytes(a.Message, maxMessageBytes)),
		}
		// GitHub takes columns only on single-line annotations.
		if end == a.StartLine && a.StartColumn > 0 {
			ga.StartColumn = github.Int(a.StartColumn)
			if a.EndColumn >= a.StartColumn {
				ga.EndColumn = github.Int(a.EndColumn)
			}
		}
		if a.Title != "" {
			ga.Title = github.String(truncateRunes(a.Title, maxTitleRunes))
		}
		if a.RawDetails != "" {
			ga.RawDetails = github.String(truncateBytes(a.RawDetails, maxMessageBytes))
		}
		out.Annotations = append(out.Annotations, ga)
	}
	return out, nil
}

const ellipsis = "…"

// truncateBytes cuts s to at most n bytes on a rune boundary, marking the
// cut. Counting bytes rather than characters stays within GitHub's limit
// whichever of the two GitHub counts.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// truncateRunes cuts s to at most n characters, marking the cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i] + ellipsis
}
