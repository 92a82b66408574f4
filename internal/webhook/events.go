package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
)

type decisionKind int

const (
	decisionIgnore decisionKind = iota
	decisionPing
	decisionLog
	decisionEnqueue
)

// decision is what a delivery asks for, plus what to log about it.
type decision struct {
	kind   decisionKind
	reason string // why it is ignored
	jobs   []analysis.Job
	suite  *intake.Suite

	action       string
	installation int64
	repo         string
	prs          []int
	headSHA      string
	extra        []slog.Attr
}

func (d decision) attrs() []slog.Attr {
	var as []slog.Attr
	if d.action != "" {
		as = append(as, slog.String("action", d.action))
	}
	if d.installation != 0 {
		as = append(as, slog.Int64("installation", d.installation))
	}
	if d.repo != "" {
		as = append(as, slog.String("repo", d.repo))
	}
	if len(d.prs) == 1 {
		as = append(as, slog.Int("pr", d.prs[0]))
	} else if len(d.prs) > 1 {
		as = append(as, slog.Any("prs", d.prs))
	}
	if d.headSHA != "" {
		as = append(as, slog.String("head_sha", d.headSHA))
	}
	return append(as, d.extra...)
}

func ignore(d decision, format string, a ...any) (decision, error) {
	d.kind = decisionIgnore
	d.reason = fmt.Sprintf(format, a...)
	return d, nil
}

// The payload shapes below hold only the fields the App routes on.

type repository struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Owner    struct {
		Login string `json:"login"`
	} `json:"owner"`
}

func (r *repository) repo() (analysis.Repo, bool) {
	if r == nil {
		return analysis.Repo{}, false
	}
	owner, name := r.Owner.Login, r.Name
	if owner == "" || name == "" {
		owner, name, _ = strings.Cut(r.FullName, "/")
	}
	return analysis.Repo{Owner: owner, Name: name}, owner != "" && name != ""
}

type installation struct {
	ID      int64 `json:"id"`
	Account *struct {
		Login string `json:"login"`
	} `json:"account"`
}

type app struct {
	ID int64 `json:"id"`
}

// prRef is an entry of a check suite's or run's pull_requests array.
type prRef struct {
	Number int `json:"number"`
	Base   struct {
		Repo struct {
			ID int64 `json:"id"`
		} `json:"repo"`
	} `json:"base"`
}

type common struct {
	Action       string        `json:"action"`
	Repository   *repository   `json:"repository"`
	Installation *installation `json:"installation"`
}

type pullRequestEvent struct {
	common
	Number      int `json:"number"`
	PullRequest *struct {
		Number int    `json:"number"`
		State  string `json:"state"`
		Draft  bool   `json:"draft"`
		Head   struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
}

type checkSuiteEvent struct {
	common
	CheckSuite *struct {
		HeadSHA      string  `json:"head_sha"`
		App          *app    `json:"app"`
		PullRequests []prRef `json:"pull_requests"`
	} `json:"check_suite"`
}

type checkRunEvent struct {
	common
	CheckRun *struct {
		Name         string  `json:"name"`
		HeadSHA      string  `json:"head_sha"`
		App          *app    `json:"app"`
		PullRequests []prRef `json:"pull_requests"`
	} `json:"check_run"`
}

type installationRepositoriesEvent struct {
	common
	Added   []json.RawMessage `json:"repositories_added"`
	Removed []json.RawMessage `json:"repositories_removed"`
}

type installationEvent struct {
	common
	Repositories []json.RawMessage `json:"repositories"`
}

var errNoPayload = errors.New("empty payload")

// route turns one verified delivery into a decision. An error means the
// payload is malformed or lacks a field the App needs (400).
func route(event string, payload []byte, appID int64) (decision, error) {
	if len(payload) == 0 {
		return decision{}, errNoPayload
	}
	switch event {
	case "ping":
		if !json.Valid(payload) {
			return decision{}, errors.New("malformed JSON")
		}
		return decision{kind: decisionPing}, nil
	case "pull_request":
		var e pullRequestEvent
		if err := decode(payload, &e); err != nil {
			return decision{}, err
		}
		return routePullRequest(e)
	case "check_suite":
		var e checkSuiteEvent
		if err := decode(payload, &e); err != nil {
			return decision{}, err
		}
		return routeCheckSuite(e, appID)
	case "check_run":
		var e checkRunEvent
		if err := decode(payload, &e); err != nil {
			return decision{}, err
		}
		return routeCheckRun(e, appID)
	case "installation":
		var e installationEvent
		if err := decode(payload, &e); err != nil {
			return decision{}, err
		}
		d := base(e.common)
		d.kind = decisionLog
		d.extra = append(d.extra, slog.Int("repositories", len(e.Repositories)))
		if e.Installation != nil && e.Installation.Account != nil {
			d.extra = append(d.extra, slog.String("account", e.Installation.Account.Login))
		}
		return d, nil
	case "installation_repositories":
		var e installationRepositoriesEvent
		if err := decode(payload, &e); err != nil {
			return decision{}, err
		}
		d := base(e.common)
		d.kind = decisionLog
		d.extra = append(d.extra, slog.Int("repositories_added", len(e.Added)), slog.Int("repositories_removed", len(e.Removed)))
		if e.Installation != nil && e.Installation.Account != nil {
			d.extra = append(d.extra, slog.String("account", e.Installation.Account.Login))
		}
		return d, nil
	}
	// Still check the body, so that "200 ignored" always means well-formed.
	var c common
	if err := decode(payload, &c); err != nil {
		return decision{}, err
	}
	return ignore(base(c), "event %q is not used", event)
}

func decode(payload []byte, v any) error {
	if err := json.Unmarshal(payload, v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("malformed JSON")
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return fmt.Errorf("malformed payload: field %q has the wrong type", typ.Field)
		}
		return errors.New("malformed JSON")
	}
	return nil
}

func base(c common) decision {
	d := decision{action: c.Action}
	if c.Installation != nil {
		d.installation = c.Installation.ID
	}
	if r, ok := c.Repository.repo(); ok {
		d.repo = r.String()
	}
	return d
}

// target checks what every enqueuing event needs: an installation to act
// as and a repository. A payload without an installation was not sent to
// an App (a repository webhook pointed here): nothing to do, but not an error.
func target(c common, d decision) (analysis.Repo, decision, bool, error) {
	if c.Installation == nil || c.Installation.ID <= 0 {
		d, _ = ignore(d, "no installation in the payload")
		return analysis.Repo{}, d, false, nil
	}
	r, ok := c.Repository.repo()
	if !ok {
		return analysis.Repo{}, d, false, errors.New("payload lacks repository owner and name")
	}
	return r, d, true, nil
}

func routePullRequest(e pullRequestEvent) (decision, error) {
	d := base(e.common)
	switch e.Action {
	case "opened", "synchronize", "reopened", "ready_for_review":
	default:
		return ignore(d, "pull_request action %q is not analysed", e.Action)
	}
	repo, d, ok, err := target(e.common, d)
	if err != nil || !ok {
		return d, err
	}
	if e.PullRequest == nil {
		return d, errors.New("payload lacks pull_request")
	}
	number := e.PullRequest.Number
	if number == 0 {
		number = e.Number
	}
	d.headSHA = e.PullRequest.Head.SHA
	if number <= 0 || d.headSHA == "" {
		return d, errors.New("payload lacks the pull request number or head SHA")
	}
	d.prs = []int{number}
	if e.PullRequest.State == "closed" {
		return ignore(d, "pull request is closed")
	}
	if e.PullRequest.Draft {
		d.extra = append(d.extra, slog.Bool("draft", true))
	}
	d.kind = decisionEnqueue
	d.jobs = []analysis.Job{{
		InstallationID: d.installation,
		Repo:           repo,
		PR:             number,
		HeadSHA:        d.headSHA,
		Reason:         "pull_request." + e.Action,
	}}
	return d, nil
}

func routeCheckSuite(e checkSuiteEvent, appID int64) (decision, error) {
	d := base(e.common)
	force := false
	switch e.Action {
	case "requested":
	case "rerequested":
		force = true
	default:
		return ignore(d, "check_suite action %q is not used", e.Action)
	}
	repo, d, ok, err := target(e.common, d)
	if err != nil || !ok {
		return d, err
	}
	if e.CheckSuite == nil || e.CheckSuite.HeadSHA == "" {
		return d, errors.New("payload lacks check_suite.head_sha")
	}
	d.headSHA = e.CheckSuite.HeadSHA
	if s := e.CheckSuite.App; s != nil && appID != 0 && s.ID != appID {
		return ignore(d, "check suite belongs to app %d", s.ID)
	}
	return enqueueFor(d, repo, e.Repository.ID, e.CheckSuite.PullRequests, "check_suite."+e.Action, force), nil
}

func routeCheckRun(e checkRunEvent, appID int64) (decision, error) {
	d := base(e.common)
	if e.Action != "rerequested" {
		return ignore(d, "check_run action %q is not used", e.Action)
	}
	repo, d, ok, err := target(e.common, d)
	if err != nil || !ok {
		return d, err
	}
	if e.CheckRun == nil || e.CheckRun.HeadSHA == "" {
		return d, errors.New("payload lacks check_run.head_sha")
	}
	d.headSHA = e.CheckRun.HeadSHA
	if e.CheckRun.Name != analysis.CheckRunName {
		return ignore(d, "check run %q is not ours", e.CheckRun.Name)
	}
	if a := e.CheckRun.App; appID != 0 && (a == nil || a.ID != appID) {
		return ignore(d, "check run belongs to another app")
	}
	return enqueueFor(d, repo, e.Repository.ID, e.CheckRun.PullRequests, "check_run.rerequested", true), nil
}

// enqueueFor analyses each listed pull request of this repository at the
// suite's head. Entries whose base is another repository are dropped: their
// numbers belong to that repository. With none left (pushes to forks leave
// the list empty), a worker looks the pull requests up instead.
func enqueueFor(d decision, repo analysis.Repo, repoID int64, prs []prRef, reason string, force bool) decision {
	d.kind = decisionEnqueue
	seen := map[int]bool{}
	for _, p := range prs {
		if p.Number <= 0 || seen[p.Number] {
			continue
		}
		if repoID != 0 && p.Base.Repo.ID != 0 && p.Base.Repo.ID != repoID {
			continue
		}
		seen[p.Number] = true
		d.prs = append(d.prs, p.Number)
		d.jobs = append(d.jobs, analysis.Job{
			InstallationID: d.installation,
			Repo:           repo,
			PR:             p.Number,
			HeadSHA:        d.headSHA,
			Reason:         reason,
			Force:          force,
		})
	}
	if len(d.jobs) == 0 {
		d.suite = &intake.Suite{
			InstallationID: d.installation,
			Repo:           repo,
			HeadSHA:        d.headSHA,
			Reason:         reason,
			Force:          force,
		}
		d.extra = append(d.extra, slog.Bool("resolve_prs", true))
	}
	return d
}
