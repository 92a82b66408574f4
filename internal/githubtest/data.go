package githubtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// PullRequest is a pull request of the fake, as a test sets it up.
type PullRequest struct {
	Number  int
	Title   string
	Body    string
	State   string // "open" (default) or "closed"
	Draft   bool
	HeadSHA string
	HeadRef string
	BaseSHA string
	BaseRef string // default "main"
	// HeadRepo is the fork ("owner/name") the head lives in; empty for a
	// branch of the repository itself. GitHub's commits/{sha}/pulls does not
	// find pull requests from forks, which is what the App's fallback is for.
	HeadRepo string
	Author   string // default "octocat"
	Labels   []string
	// Diff is served for the diff media type.
	Diff    string
	Files   []File
	Commits []Commit
	// UpdatedAt orders GET /pulls?sort=updated; default creation order.
	UpdatedAt time.Time
}

// File is one entry of GET /pulls/{n}/files.
type File struct {
	Filename         string
	PreviousFilename string
	Status           string // default "modified"
	Additions        int
	Deletions        int
	Patch            string // empty: GitHub omitted it
}

// Commit is one entry of GET /pulls/{n}/commits.
type Commit struct {
	SHA         string
	Message     string
	AuthorLogin string // empty: the author has no GitHub account
	AuthorName  string
	AuthorEmail string
}

// Annotation is one annotation of a check run.
type Annotation struct {
	Path        string
	StartLine   int
	EndLine     int
	StartColumn int
	EndColumn   int
	Level       string
	Title       string
	Message     string
	RawDetails  string
}

// CheckRun is a check run held by the fake.
type CheckRun struct {
	ID          int64
	Name        string
	HeadSHA     string
	ExternalID  string
	Status      string
	Conclusion  string
	DetailsURL  string
	AppID       int64 // default the fake's App
	StartedAt   time.Time
	CompletedAt time.Time
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
	// Writes counts the create and update requests that touched the run.
	Writes int
}

// Delivery is a webhook delivery listed by GET /app/hook/deliveries.
type Delivery struct {
	ID             int64
	GUID           string
	Event          string
	Action         string
	StatusCode     int
	Redelivery     bool
	DeliveredAt    time.Time
	InstallationID int64
	RepositoryID   int64
}

type repo struct {
	owner, name   string
	id            int64
	defaultBranch string
	pulls         map[int]*PullRequest
	order         []int
	files         map[string]map[string][]byte // ref → path → content
	blobs         map[string][]byte
	runs          []*CheckRun
}

func splitRepo(full string) (string, string) {
	owner, name, ok := strings.Cut(full, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		panic(fmt.Sprintf("githubtest: repository %q is not owner/name", full))
	}
	return owner, name
}

// repoLocked returns the repository, creating it when create is set.
func (s *Server) repoLocked(owner, name string, create bool) *repo {
	key := strings.ToLower(owner + "/" + name)
	r := s.repos[key]
	if r == nil && create {
		r = &repo{
			owner: owner, name: name,
			id:            int64(1000 + len(s.repos)),
			defaultBranch: "main",
			pulls:         map[int]*PullRequest{},
			files:         map[string]map[string][]byte{},
			blobs:         map[string][]byte{},
		}
		s.repos[key] = r
	}
	return r
}

// AddRepo creates an empty repository ("owner/name").
func (s *Server) AddRepo(full string) {
	owner, name := splitRepo(full)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoLocked(owner, name, true)
}

// DeleteRepo deletes the repository ("owner/name") with its pull requests,
// files and check runs: from then on GitHub answers 404 to every request
// about it, as it does once a repository is deleted or the installation
// loses access to it.
func (s *Server) DeleteRepo(full string) {
	owner, name := splitRepo(full)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.repos, strings.ToLower(owner+"/"+name))
}

// AddPull adds or replaces a pull request, creating the repository.
func (s *Server) AddPull(full string, pr PullRequest) {
	owner, name := splitRepo(full)
	if pr.Number <= 0 {
		panic("githubtest: pull request needs a positive Number")
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.BaseRef == "" {
		pr.BaseRef = "main"
	}
	if pr.HeadRef == "" {
		pr.HeadRef = fmt.Sprintf("pr-%d", pr.Number)
	}
	if pr.Author == "" {
		pr.Author = "octocat"
	}
	if pr.HeadSHA == "" {
		pr.HeadSHA = FakeSHA(fmt.Sprintf("%s#%d head", full, pr.Number))
	}
	if pr.BaseSHA == "" {
		pr.BaseSHA = FakeSHA(fmt.Sprintf("%s#%d base", full, pr.Number))
	}
	pr.Labels = slices.Clone(pr.Labels)
	pr.Files = slices.Clone(pr.Files)
	pr.Commits = slices.Clone(pr.Commits)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(owner, name, true)
	if _, ok := r.pulls[pr.Number]; !ok {
		r.order = append(r.order, pr.Number)
	}
	r.pulls[pr.Number] = &pr
}

// SetFile stores content at path as of ref (a branch name or a SHA).
func (s *Server) SetFile(full, ref, path string, content []byte) {
	owner, name := splitRepo(full)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(owner, name, true)
	if r.files[ref] == nil {
		r.files[ref] = map[string][]byte{}
	}
	c := slices.Clone(content)
	r.files[ref][strings.Trim(path, "/")] = c
	r.blobs[BlobSHA(c)] = c
}

// AddCheckRun seeds a check run (e.g. one of another App) and returns its id.
func (s *Server) AddCheckRun(full string, run CheckRun) int64 {
	owner, name := splitRepo(full)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(owner, name, true)
	s.nextRunID++
	run.ID = s.nextRunID
	if run.AppID == 0 {
		run.AppID = s.app.ID
	}
	if run.Status == "" {
		run.Status = "queued"
	}
	if run.StartedAt.IsZero() {
		run.StartedAt = s.now().UTC()
	}
	run.Annotations = slices.Clone(run.Annotations)
	r.runs = append(r.runs, &run)
	return run.ID
}

// CheckRuns returns copies of the check runs on sha, oldest first.
func (s *Server) CheckRuns(full, sha string) []CheckRun {
	owner, name := splitRepo(full)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(owner, name, false)
	if r == nil {
		return nil
	}
	var out []CheckRun
	for _, run := range r.runs {
		if run.HeadSHA == sha {
			c := *run
			c.Annotations = slices.Clone(run.Annotations)
			out = append(out, c)
		}
	}
	return out
}

// AddDelivery seeds the webhook delivery log of the App. A zero ID takes
// the next free one; GitHub lists deliveries by descending ID.
func (s *Server) AddDelivery(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.ID == 0 {
		d.ID = s.maxDeliveryIDLocked() + 1
	}
	if d.DeliveredAt.IsZero() {
		d.DeliveredAt = s.now().UTC()
	}
	s.deliveries = append(s.deliveries, d)
}

// OnRedeliver sets what a requested redelivery does: fn receives the new
// attempt (same GUID, Redelivery set) and returns the status code the App
// answered, e.g. after handing it to the App's webhook handler; 0 records
// that GitHub could not connect. Without it every redelivery fails with 0.
// fn runs without the fake's lock held.
func (s *Server) OnRedeliver(fn func(Delivery) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRedeliver = fn
}

// Redelivered lists the delivery ids whose redelivery was requested (POST
// /app/hook/deliveries/{id}/attempts answered 202), oldest request first.
func (s *Server) Redelivered() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.redelivered)
}

func (s *Server) maxDeliveryIDLocked() int64 {
	var m int64
	for _, d := range s.deliveries {
		m = max(m, d.ID)
	}
	return m
}

// Deliveries returns the delivery log, redeliveries included.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// FakeSHA derives a stable 40-hex commit SHA from seed.
func FakeSHA(seed string) string {
	sum := sha1.Sum([]byte(seed))
	return hex.EncodeToString(sum[:])
}

// BlobSHA is git's object id of content as a blob.
func BlobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// knownSHALocked reports whether sha names a commit the repository has, so
// that check runs on unknown commits fail as they do on GitHub (422).
func (r *repo) knownSHALocked(sha string) bool {
	if _, ok := r.files[sha]; ok {
		return true
	}
	for _, pr := range r.pulls {
		if pr.HeadSHA == sha || pr.BaseSHA == sha {
			return true
		}
		for _, c := range pr.Commits {
			if c.SHA == sha {
				return true
			}
		}
	}
	for _, run := range r.runs {
		if run.HeadSHA == sha {
			return true
		}
	}
	return false
}

// IssueToken hands out an installation token without the JWT exchange, for
// tests that talk to the fake with a plain HTTP client.
func (s *Server) IssueToken(installationID int64) string {
	tok := newInstallationToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = tokenGrant{installation: installationID, expires: s.now().Add(s.tokenTTL)}
	return tok
}

// KeysDiff is a diff adding deploy/keys.py with n distinct AWS-shaped
// access key ids, one a line: n secret findings, enough for several
// annotation batches when n > 50. seed picks the keys, so that tests
// sharing one fake can tell their pull requests apart.
func KeysDiff(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 9))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/deploy/keys.py b/deploy/keys.py\nnew file mode 100644\n--- /dev/null\n+++ b/deploy/keys.py\n@@ -0,0 +1,%d @@\n", n)
	key := make([]byte, 16)
	for i := range n {
		for j := range key {
			key[j] = alnum[r.IntN(len(alnum))]
		}
		fmt.Fprintf(&b, "+KEY_%d = \"AKIA%s\"\n", i, key)
	}
	return b.String()
}
