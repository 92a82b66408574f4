package analysis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prodready/prodready/internal/aiauthor"
	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/config"
	"github.com/prodready/prodready/internal/report"
	"github.com/prodready/prodready/internal/rules"
)

// Observer receives what the analysis measures, for metrics.
type Observer interface {
	AnalysisDone(conclusion string, elapsed time.Duration)
	AnnotationsPosted(n int)
	// AnnotationsRefused counts, once per completed run, the annotations
	// the run lacks because GitHub refused them for good; reason is a
	// RefusedError's Reason.
	AnnotationsRefused(n int, reason string)
}

// Options configure an Analyzer.
type Options struct {
	Factory ClientFactory
	Logger  *slog.Logger
	// Workers bounds the engine's goroutines per analysis; 0 = GOMAXPROCS.
	Workers int
	// WriteGap spaces consecutive writes to one check run, as GitHub's
	// best practices ask (about a second between content-creating calls).
	WriteGap time.Duration
	Observer Observer
	Now      func() time.Time
	// Sleep waits between writes; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Analyzer reviews pull requests and publishes Check Runs.
type Analyzer struct {
	opts Options
	reg  *checks.Registry
}

// New builds an Analyzer.
func New(opts Options) (*Analyzer, error) {
	if opts.Factory == nil {
		return nil, errors.New("analysis: a ClientFactory is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	reg, err := rules.Registry()
	if err != nil {
		return nil, fmt.Errorf("analysis: %w", err)
	}
	return &Analyzer{opts: opts, reg: reg}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// annotationBatch is GitHub's cap on annotations per request.
const annotationBatch = 50

// maxRefusalProbes bounds the extra writes one attempt spends finding the
// annotations GitHub refuses (422) inside a refused batch. GitHub refuses a
// whole request for one bad annotation and does not say which, so the batch
// is halved until the refused ones are alone: two writes per halving, six
// halvings (⌈log₂ 50⌉) to isolate one annotation in a full batch. Beyond
// the budget a refused part is skipped whole. Writes are GitHub's scarcest
// allowance (80 content-creating requests a minute, a second apart), which
// is why the budget is not larger, and why annotations are not retried one
// by one (50 writes).
const maxRefusalProbes = 12

// Analyze reviews job's pull request at its head SHA and publishes the
// result. It is idempotent: a retried or duplicated job finds the check
// run it created, skips the annotations already posted and completes it.
func (a *Analyzer) Analyze(ctx context.Context, job Job) error {
	start := a.opts.Now()
	log := a.opts.Logger.With("delivery", job.DeliveryID, "installation", job.InstallationID, "repo", job.Repo.String(), "pr", job.PR, "head_sha", job.HeadSHA, "reason", job.Reason)
	gh, err := a.opts.Factory.ForInstallation(ctx, job.InstallationID)
	if err != nil {
		return fmt.Errorf("client for installation %d: %w", job.InstallationID, err)
	}
	pr, err := gh.PullRequest(ctx, job.Repo, job.PR)
	if err != nil {
		return fmt.Errorf("get pull %s#%d: %w", job.Repo, job.PR, err)
	}

	existing, err := gh.FindCheckRun(ctx, job.Repo, job.HeadSHA, CheckRunName)
	if err != nil {
		return fmt.Errorf("find check run %s@%s: %w", job.Repo, job.HeadSHA, err)
	}
	if stale, why := superseded(pr, job); stale {
		// The PR moved on: close our run on the old head instead of
		// leaving it in progress, and analyse nothing.
		if existing != nil && existing.Status != "completed" {
			if _, err := gh.UpdateCheckRun(ctx, job.Repo, existing.ID, CheckRunUpdate{
				Status: "completed", Conclusion: "cancelled", CompletedAt: a.opts.Now(),
				Output: &CheckRunOutput{Title: "Superseded", Summary: why},
			}); err != nil {
				return fmt.Errorf("cancel superseded check run %d: %w", existing.ID, err)
			}
		}
		log.Info("analysis skipped", "why", why)
		return nil
	}
	if existing != nil && existing.Status == "completed" && !job.Force {
		log.Info("analysis already completed", "check_run", existing.ID)
		return nil
	}
	run := existing
	if run == nil || run.Status == "completed" {
		run, err = gh.CreateCheckRun(ctx, job.Repo, CheckRunCreate{
			Name: CheckRunName, HeadSHA: job.HeadSHA, ExternalID: externalID(job), Status: "in_progress", StartedAt: start,
			Output: &CheckRunOutput{Title: "Reviewing…", Summary: "prodready is reviewing this pull request."},
		})
		if err != nil {
			return fmt.Errorf("create check run %s@%s: %w", job.Repo, job.HeadSHA, err)
		}
	}
	log = log.With("check_run", run.ID)

	fetched, headConfigProblems, err := a.loadConfig(ctx, gh, job, pr)
	if err != nil {
		return err
	}
	verdict, err := a.detectAI(ctx, gh, job, pr, fetched.Effective())
	if err != nil {
		return err
	}
	policy := fetched.Effective().Policy(a.reg, verdict.AIAuthored)
	res, notAnalysed, err := a.review(ctx, gh, job, policy)
	if err != nil {
		return err
	}
	res.Stats.AIAuthored, res.Stats.AIEvidence = verdict.AIAuthored, verdict.Evidence

	annotations := a.annotations(res.Findings, policy.MaxAnnotations)
	annotations = append(headConfigProblems, annotations...)
	conclusion := conclude(res, policy.FailOn, len(headConfigProblems) > 0)
	summaryIn := report.SummaryInput{
		Result: res, Posted: len(annotations) - len(headConfigProblems), Conclusion: conclusion, FailOn: policy.FailOn,
		AIAuthored: verdict.AIAuthored, AIEvidence: verdict.Evidence, NotAnalysed: notAnalysed,
	}
	if fetched.Status == config.Loaded {
		summaryIn.ConfigSource = fetched.Source
	}
	if fetched.Status == config.Invalid {
		summaryIn.ConfigProblems = fetched.Err.Error()
	}
	title := runTitle(res)

	// GitHub appends annotations, so a retried job must post only those it
	// does not hold yet: the write whose answer was lost may have landed,
	// and refused ones leave gaps, so a count of held annotations cannot
	// say which are missing. Listing them costs a read per 100.
	todo := annotations
	if run.AnnotationsCount > 0 {
		held, err := gh.CheckRunAnnotations(ctx, job.Repo, run.ID)
		if err != nil {
			return fmt.Errorf("list annotations of check run %d: %w", run.ID, err)
		}
		todo = missing(annotations, held)
		log.Info("resuming check run", "annotations_held", len(held), "annotations_to_post", len(todo))
	}
	p := &poster{a: a, gh: gh, job: job, run: run, title: title, log: log, done: len(annotations) - len(todo), total: len(annotations)}
	for start := 0; start < len(todo); start += annotationBatch {
		if err := p.post(ctx, todo[start:min(start+annotationBatch, len(todo))]); err != nil {
			return err
		}
	}
	summaryIn.Refused, summaryIn.RefusedMessage = p.refused, p.message
	refused := refusal{n: p.refused, reason: p.reason}

	// The PR may have moved on while we worked: say so rather than
	// publishing a verdict on a head nobody will merge.
	if latest, err := gh.PullRequest(ctx, job.Repo, job.PR); err == nil {
		if stale, why := superseded(latest, job); stale {
			conclusion, title = "cancelled", "Superseded"
			summaryIn.Conclusion = conclusion
			why = why + "\n\nThe findings below were computed for this commit before it was superseded.\n\n"
			summaryIn.Elapsed = a.opts.Now().Sub(start)
			return a.complete(ctx, gh, job, run, conclusion, title, why+report.CheckRunSummary(summaryIn), refused, start, log)
		}
	}
	if err := a.opts.Sleep(ctx, a.opts.WriteGap); err != nil {
		return err
	}
	summaryIn.Elapsed = a.opts.Now().Sub(start)
	return a.complete(ctx, gh, job, run, conclusion, title, report.CheckRunSummary(summaryIn), refused, start, log)
}

// refusal is what GitHub refused of one run's annotations.
type refusal struct {
	n      int
	reason string
}

func (a *Analyzer) complete(ctx context.Context, gh GitHub, job Job, run *CheckRun, conclusion, title, summary string, refused refusal, start time.Time, log *slog.Logger) error {
	if _, err := gh.UpdateCheckRun(ctx, job.Repo, run.ID, CheckRunUpdate{
		Status: "completed", Conclusion: conclusion, CompletedAt: a.opts.Now(),
		Output: &CheckRunOutput{Title: title, Summary: summary},
	}); err != nil {
		return fmt.Errorf("complete check run %d: %w", run.ID, err)
	}
	elapsed := a.opts.Now().Sub(start)
	if a.opts.Observer != nil {
		a.opts.Observer.AnalysisDone(conclusion, elapsed)
		if refused.n > 0 {
			a.opts.Observer.AnnotationsRefused(refused.n, refused.reason)
		}
	}
	attrs := []any{"conclusion", conclusion, "elapsed_ms", elapsed.Milliseconds()}
	if refused.n > 0 {
		attrs = append(attrs, "annotations_refused", refused.n, "refusal_reason", refused.reason)
	}
	log.Info("analysis completed", attrs...)
	return nil
}

// poster writes one attempt's annotations, a batch at a time, and copes
// with GitHub refusing some of them for good.
type poster struct {
	a     *Analyzer
	gh    GitHub
	job   Job
	run   *CheckRun
	title string
	log   *slog.Logger
	// done counts annotations dealt with (held, posted or refused), of total.
	done, total int
	probes      int // extra writes spent isolating refused annotations
	refused     int
	reason      string // the first refusal's RefusedError.Reason
	message     string // GitHub's explanation of the first refusal
}

// post sends batch. When GitHub refuses it with 422, which it does for the
// whole request when one annotation is invalid, the batch is halved and
// each half sent, within maxRefusalProbes, so that only the refused
// annotations are left out; they are counted, logged and skipped rather
// than retried, since GitHub would refuse them every time.
func (p *poster) post(ctx context.Context, batch []Annotation) error {
	if err := p.a.opts.Sleep(ctx, p.a.opts.WriteGap); err != nil {
		return err
	}
	_, err := p.gh.UpdateCheckRun(ctx, p.job.Repo, p.run.ID, CheckRunUpdate{
		Status: "in_progress",
		Output: &CheckRunOutput{Title: p.title, Summary: fmt.Sprintf("Posting annotations: %d of %d.", p.done+len(batch), p.total), Annotations: batch},
	})
	if err == nil {
		p.done += len(batch)
		if p.a.opts.Observer != nil {
			p.a.opts.Observer.AnnotationsPosted(len(batch))
		}
		return nil
	}
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Reason() != "unprocessable" {
		return fmt.Errorf("post %d annotations (%d of %d done) on check run %d: %w", len(batch), p.done, p.total, p.run.ID, err)
	}
	if len(batch) > 1 && p.probes+2 <= maxRefusalProbes {
		p.probes += 2
		half := (len(batch) + 1) / 2
		if err := p.post(ctx, batch[:half]); err != nil {
			return err
		}
		return p.post(ctx, batch[half:])
	}
	p.done += len(batch)
	p.refused += len(batch)
	if p.reason == "" {
		p.reason, p.message = refused.Reason(), refused.Message
	}
	p.log.Warn("GitHub refused annotations; they are left out of the run",
		"count", len(batch), "first_path", batch[0].Path, "first_line", batch[0].StartLine,
		"isolated", len(batch) == 1, "reason", refused.Reason(), "github_message", refused.Message)
	return nil
}

// annotationKey identifies an annotation as GitHub lists it back, by the
// fields it stores as sent. The message is left out on purpose: should
// GitHub normalise it, a held annotation would look missing and be posted
// twice. Findings alike in every other field are counted, not told apart.
func annotationKey(a Annotation) string {
	end := max(a.EndLine, a.StartLine)
	col := 0
	if end == a.StartLine {
		col = max(a.StartColumn, 0)
	}
	return fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s\x00%s", a.Path, a.StartLine, end, col, a.Level, a.Title)
}

// missing returns the annotations of want that held lacks, counting
// duplicates, in want's order.
func missing(want, held []Annotation) []Annotation {
	have := make(map[string]int, len(held))
	for _, h := range held {
		have[annotationKey(h)]++
	}
	var out []Annotation
	for _, w := range want {
		k := annotationKey(w)
		if have[k] > 0 {
			have[k]--
			continue
		}
		out = append(out, w)
	}
	return out
}

func superseded(pr *PullRequest, job Job) (bool, string) {
	switch {
	case pr.State == "closed":
		return true, fmt.Sprintf("Pull request #%d is closed; this commit was not reviewed.", job.PR)
	case pr.HeadSHA != "" && pr.HeadSHA != job.HeadSHA:
		return true, fmt.Sprintf("Superseded by a newer push (%s); the review runs on that commit instead.", shortSHA(pr.HeadSHA))
	}
	return false, ""
}

func externalID(job Job) string {
	return fmt.Sprintf("%s#%d@%s", job.Repo, job.PR, job.HeadSHA)
}

func shortSHA(s string) string {
	if len(s) > 7 {
		return s[:7]
	}
	return s
}

// loadConfig reads the configuration from the base branch, so a pull
// request cannot weaken the rules that judge it. A transient error is
// returned (the job retries) rather than judged with defaults. When the PR
// edits the configuration, the new file is validated and its problems
// become annotations on it.
func (a *Analyzer) loadConfig(ctx context.Context, gh GitHub, job Job, pr *PullRequest) (config.Fetched, []Annotation, error) {
	base := pr.BaseRef
	if base == "" {
		base = pr.BaseSHA
	}
	source := config.DefaultPath + "@" + base
	baseBytes, baseErr := repoReader{gh, job.Repo, base}.ReadFile(ctx, config.DefaultPath)
	fetched := config.FromRead(baseBytes, baseErr, source, a.reg)
	if fetched.Status == config.Unreadable {
		return fetched, nil, fmt.Errorf("fetch config %s@%s: %w", job.Repo, base, fetched.Err)
	}
	headBytes, headErr := repoReader{gh, job.Repo, job.HeadSHA}.ReadFile(ctx, config.DefaultPath)
	if headErr == nil && baseErr == nil && string(headBytes) == string(baseBytes) {
		// The PR leaves the configuration alone: nothing more to say.
		return fetched, nil, nil
	}
	head := config.FromRead(headBytes, headErr, config.DefaultPath, a.reg)
	var anns []Annotation
	switch head.Status {
	case config.Unreadable:
		return fetched, nil, fmt.Errorf("fetch config %s@%s: %w", job.Repo, job.HeadSHA, head.Err)
	case config.Invalid:
		var ce *config.Error
		if errors.As(head.Err, &ce) {
			for _, p := range ce.Problems {
				anns = append(anns, Annotation{
					Path: config.DefaultPath, StartLine: max(p.Line, 1), EndLine: max(p.Line, 1), Level: "failure",
					Title: "Invalid prodready configuration", Message: p.Message + "\n\nThis pull request changes " + config.DefaultPath + "; it takes effect once merged, and only if valid.", RawDetails: p.Excerpt,
				})
			}
		}
	}
	return fetched, anns, nil
}

type repoReader struct {
	gh   GitHub
	repo Repo
	ref  string
}

func (r repoReader) ReadFile(ctx context.Context, path string) ([]byte, error) {
	b, err := r.gh.FileContent(ctx, r.repo, r.ref, path)
	if errors.Is(err, ErrNotFound) {
		return nil, config.ErrNotExist
	}
	return b, err
}

func (a *Analyzer) detectAI(ctx context.Context, gh GitHub, job Job, pr *PullRequest, cfg *config.Config) (aiauthor.Verdict, error) {
	if cfg.Profiles.AIAuthored.Enabled != nil && !*cfg.Profiles.AIAuthored.Enabled {
		return aiauthor.Verdict{}, nil
	}
	commits, err := gh.PullRequestCommits(ctx, job.Repo, job.PR)
	if err != nil {
		return aiauthor.Verdict{}, fmt.Errorf("list commits of %s#%d: %w", job.Repo, job.PR, err)
	}
	s := aiauthor.Signals{Title: pr.Title, Body: pr.Body, Branch: pr.HeadRef, Author: pr.Author, Labels: pr.Labels}
	for _, c := range commits {
		s.Commits = append(s.Commits, aiauthor.Commit{SHA: c.SHA, Message: c.Message, AuthorLogin: c.AuthorLogin, AuthorEmail: c.AuthorEmail})
	}
	return aiauthor.Detect(s, cfg.Profiles.AIAuthored.Detect), nil
}

// review runs the engine on the PR's diff, or on the files API when
// GitHub refuses to render a diff that large.
func (a *Analyzer) review(ctx context.Context, gh GitHub, job Job, policy *config.Policy) (*checks.Result, []string, error) {
	reg, err := rules.Build(policy)
	if err != nil {
		return nil, nil, fmt.Errorf("build rules: %w", err)
	}
	engine := rules.NewEngineWithPolicy(reg, a.opts.Workers, policy, repoReader{gh, job.Repo, job.HeadSHA})

	rc, err := gh.PullRequestDiff(ctx, job.Repo, job.PR)
	if err == nil {
		defer rc.Close()
		res, err := engine.RunDiff(ctx, rc)
		if err != nil {
			return nil, nil, fmt.Errorf("review diff of %s#%d: %w", job.Repo, job.PR, err)
		}
		return res, nil, nil
	}
	if !errors.Is(err, ErrDiffTooLarge) {
		return nil, nil, fmt.Errorf("get diff of %s#%d: %w", job.Repo, job.PR, err)
	}
	files, err := gh.PullRequestFiles(ctx, job.Repo, job.PR)
	if err != nil {
		return nil, nil, fmt.Errorf("list files of %s#%d: %w", job.Repo, job.PR, err)
	}
	text, notAnalysed := DiffFromFiles(files)
	res, err := engine.RunDiff(ctx, strings.NewReader(text))
	if err != nil {
		return nil, nil, fmt.Errorf("review files of %s#%d: %w", job.Repo, job.PR, err)
	}
	return res, notAnalysed, nil
}

// DiffFromFiles rebuilds a git diff from the files API's patches; files
// without a patch are returned as not analysed.
func DiffFromFiles(files []PullFile) (string, []string) {
	var b strings.Builder
	var skipped []string
	for _, f := range files {
		if f.Patch == "" {
			if f.Additions+f.Deletions > 0 || f.Status == "added" || f.Status == "modified" {
				skipped = append(skipped, f.Filename)
			}
			continue
		}
		oldName := f.Filename
		if f.PreviousFilename != "" {
			oldName = f.PreviousFilename
		}
		fmt.Fprintf(&b, "diff --git a/%s b/%s\n", oldName, f.Filename)
		oldPath, newPath := "a/"+oldName, "b/"+f.Filename
		switch f.Status {
		case "added":
			b.WriteString("new file mode 100644\n")
			oldPath = "/dev/null"
		case "removed":
			b.WriteString("deleted file mode 100644\n")
			newPath = "/dev/null"
		case "renamed":
			fmt.Fprintf(&b, "rename from %s\nrename to %s\n", oldName, f.Filename)
		}
		fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldPath, newPath)
		b.WriteString(f.Patch)
		if !strings.HasSuffix(f.Patch, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String(), skipped
}

// annotations converts findings, most severe first, capped at max.
func (a *Analyzer) annotations(fs []checks.Finding, limit int) []Annotation {
	sorted := append([]checks.Finding(nil), fs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Severity > sorted[j].Severity })
	if limit >= 0 && len(sorted) > limit {
		sorted = sorted[:limit]
	}
	out := make([]Annotation, 0, len(sorted))
	for _, f := range sorted {
		out = append(out, ToAnnotation(f))
	}
	return out
}

// ToAnnotation shapes a finding for the Checks API: titles of at most 255
// characters, messages of at most 64 KB, columns only on one-line spans.
func ToAnnotation(f checks.Finding) Annotation {
	an := Annotation{
		Path: f.Path, StartLine: f.StartLine, EndLine: max(f.EndLine, f.StartLine), Level: f.Severity.String(),
		Title:   cut(fmt.Sprintf("%s (%s)", f.Title, f.RuleID), 255),
		Message: cut(f.Message+"\n\nRule: "+f.DocURL+"\nSilence with a reason: prodready:ignore "+f.RuleID+" -- <why>", 64<<10),
	}
	if f.Evidence != "" {
		an.RawDetails = cut(f.Evidence, 64<<10)
	}
	if an.StartLine == an.EndLine && f.StartColumn > 0 {
		an.StartColumn = f.StartColumn
		an.EndColumn = max(f.EndColumn, f.StartColumn)
	}
	return an
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n-len("…")]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// conclude maps findings to a check conclusion: failure when one meets
// fail_on, neutral when there are findings below it, success otherwise.
func conclude(res *checks.Result, failOn checks.Severity, configBroken bool) string {
	if failOn != checks.SeverityNone {
		for _, f := range res.Findings {
			if f.Severity >= failOn {
				return "failure"
			}
		}
	}
	if len(res.Findings) > 0 || configBroken {
		return "neutral"
	}
	return "success"
}

func runTitle(res *checks.Result) string {
	n := len(res.Findings)
	if n == 0 {
		return "No findings"
	}
	var parts []string
	for _, sev := range []checks.Severity{checks.Failure, checks.Warning, checks.Notice} {
		if k := res.Stats.FindingsBySeverity[sev.String()]; k > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k, sev))
		}
	}
	return fmt.Sprintf("%d finding%s (%s)", n, plural(n), strings.Join(parts, ", "))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
