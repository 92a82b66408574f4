package githubtest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"
)

const (
	maxPullFiles   = 3000 // GitHub's cap on GET /pulls/{n}/files
	maxPullCommits = 250  // GitHub's cap on GET /pulls/{n}/commits
	maxInlineFile  = 1 << 20
	maxAnnotations = 50
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(errorBody(message, "https://docs.github.com/rest")))
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func wantsRaw(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "vnd.github.raw") || strings.Contains(a, "vnd.github.v3.raw")
}

func vars(r *http.Request) map[string]string {
	v := mux.Vars(r)
	for k, val := range v {
		if u, err := url.PathUnescape(val); err == nil {
			v[k] = u
		}
	}
	return v
}

// lookup finds the request's repository or answers 404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*repo, map[string]string) {
	v := vars(r)
	rp := s.repoLocked(v["owner"], v["repo"], false)
	if rp == nil {
		writeError(w, http.StatusNotFound, "Not Found")
	}
	return rp, v
}

// paginate cuts total items into GitHub's pages and sets the Link header
// that go-github reads NextPage from.
func paginate(w http.ResponseWriter, r *http.Request, total int) (start, end int) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	last := max(1, (total+per-1)/per)
	start = min((page-1)*per, total)
	end = min(start+per, total)
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf(`<http://%s%s?%s>; rel="%s"`, r.Host, r.URL.EscapedPath(), q.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	return start, end
}

func userJSON(login string) map[string]any {
	typ := "User"
	if strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	return map[string]any{"login": login, "id": len(login) * 7919, "type": typ}
}

func (s *Server) repoJSON(r *repo) map[string]any {
	return map[string]any{
		"id": r.id, "name": r.name, "full_name": r.owner + "/" + r.name,
		"owner": userJSON(r.owner), "default_branch": r.defaultBranch, "private": false,
	}
}

func (s *Server) pullJSON(rp *repo, pr *PullRequest) map[string]any {
	labels := make([]map[string]any, 0, len(pr.Labels))
	for i, l := range pr.Labels {
		labels = append(labels, map[string]any{"id": i + 1, "name": l})
	}
	head := s.repoJSON(rp)
	if pr.HeadRepo != "" {
		o, n := splitRepo(pr.HeadRepo)
		head = map[string]any{"id": rp.id + 100000, "name": n, "full_name": pr.HeadRepo, "owner": userJSON(o), "fork": true}
	}
	adds, dels := 0, 0
	for _, f := range pr.Files {
		adds += f.Additions
		dels += f.Deletions
	}
	updated := pr.UpdatedAt
	if updated.IsZero() {
		updated = time.Unix(1700000000+int64(pr.Number), 0)
	}
	return map[string]any{
		"id": rp.id*100000 + int64(pr.Number), "number": pr.Number, "state": pr.State,
		"title": pr.Title, "body": pr.Body, "draft": pr.Draft, "user": userJSON(pr.Author),
		"labels":    labels,
		"html_url":  fmt.Sprintf("https://github.com/%s/%s/pull/%d", rp.owner, rp.name, pr.Number),
		"head":      map[string]any{"ref": pr.HeadRef, "sha": pr.HeadSHA, "label": pr.HeadRef, "repo": head},
		"base":      map[string]any{"ref": pr.BaseRef, "sha": pr.BaseSHA, "label": pr.BaseRef, "repo": s.repoJSON(rp)},
		"additions": adds, "deletions": dels, "changed_files": len(pr.Files), "commits": len(pr.Commits),
		"created_at": ts(time.Unix(1700000000, 0)), "updated_at": ts(updated), "merged": false,
	}
}

func (s *Server) getPull(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, v := s.lookup(w, r)
	if rp == nil {
		return
	}
	n, _ := strconv.Atoi(v["number"])
	pr := rp.pulls[n]
	if pr == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if a := r.Header.Get("Accept"); strings.Contains(a, ".diff") || strings.Contains(a, ".patch") {
		w.Header().Set("Content-Type", "application/vnd.github.diff; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(pr.Diff))
		return
	}
	writeJSON(w, http.StatusOK, s.pullJSON(rp, pr))
}

func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, _ := s.lookup(w, r)
	if rp == nil {
		return
	}
	q := r.URL.Query()
	state := cmp.Or(q.Get("state"), "open")
	var prs []*PullRequest
	for _, n := range rp.order {
		pr := rp.pulls[n]
		if state != "all" && pr.State != state {
			continue
		}
		if h := q.Get("head"); h != "" && !strings.HasSuffix(h, ":"+pr.HeadRef) {
			continue
		}
		if b := q.Get("base"); b != "" && b != pr.BaseRef {
			continue
		}
		prs = append(prs, pr)
	}
	sortKey := cmp.Or(q.Get("sort"), "created")
	asc := q.Get("direction") == "asc" || (q.Get("direction") == "" && sortKey != "created" && sortKey != "updated")
	slices.SortStableFunc(prs, func(a, b *PullRequest) int {
		c := cmp.Compare(a.Number, b.Number)
		if sortKey == "updated" {
			c = cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), c)
		}
		if !asc {
			c = -c
		}
		return c
	})
	start, end := paginate(w, r, len(prs))
	out := make([]map[string]any, 0, end-start)
	for _, pr := range prs[start:end] {
		out = append(out, s.pullJSON(rp, pr))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) pullFor(w http.ResponseWriter, r *http.Request) (*repo, *PullRequest) {
	rp, v := s.lookup(w, r)
	if rp == nil {
		return nil, nil
	}
	n, _ := strconv.Atoi(v["number"])
	pr := rp.pulls[n]
	if pr == nil {
		writeError(w, http.StatusNotFound, "Not Found")
	}
	return rp, pr
}

func (s *Server) listPullFiles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pr := s.pullFor(w, r)
	if pr == nil {
		return
	}
	files := pr.Files[:min(len(pr.Files), maxPullFiles)]
	start, end := paginate(w, r, len(files))
	out := make([]map[string]any, 0, end-start)
	for _, f := range files[start:end] {
		m := map[string]any{
			"sha": FakeSHA(f.Filename), "filename": f.Filename, "status": cmp.Or(f.Status, "modified"),
			"additions": f.Additions, "deletions": f.Deletions, "changes": f.Additions + f.Deletions,
			"blob_url": "https://github.com/blob/" + f.Filename, "raw_url": "https://github.com/raw/" + f.Filename,
			"contents_url": "https://api.github.com/contents/" + f.Filename,
		}
		if f.Patch != "" {
			m["patch"] = f.Patch
		}
		if f.PreviousFilename != "" {
			m["previous_filename"] = f.PreviousFilename
		}
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, out)
}

func commitJSON(c Commit) map[string]any {
	m := map[string]any{
		"sha": c.SHA,
		"commit": map[string]any{
			"message": c.Message,
			"author":  map[string]any{"name": c.AuthorName, "email": c.AuthorEmail, "date": ts(time.Unix(1700000000, 0))},
		},
		"author": nil,
	}
	if c.AuthorLogin != "" {
		m["author"] = userJSON(c.AuthorLogin)
	}
	return m
}

func (s *Server) listPullCommits(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pr := s.pullFor(w, r)
	if pr == nil {
		return
	}
	commits := pr.Commits[:min(len(pr.Commits), maxPullCommits)]
	start, end := paginate(w, r, len(commits))
	out := make([]map[string]any, 0, end-start)
	for _, c := range commits[start:end] {
		out = append(out, commitJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// pullsForCommit finds pull requests of this repository whose head or
// commits contain sha; like GitHub it does not see heads in forks.
func (s *Server) pullsForCommit(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, v := s.lookup(w, r)
	if rp == nil {
		return
	}
	sha := v["sha"]
	var prs []*PullRequest
	for _, n := range rp.order {
		pr := rp.pulls[n]
		if pr.HeadRepo != "" {
			continue
		}
		hit := pr.HeadSHA == sha
		for _, c := range pr.Commits {
			hit = hit || c.SHA == sha
		}
		if hit {
			prs = append(prs, pr)
		}
	}
	start, end := paginate(w, r, len(prs))
	out := make([]map[string]any, 0, end-start)
	for _, pr := range prs[start:end] {
		out = append(out, s.pullJSON(rp, pr))
	}
	writeJSON(w, http.StatusOK, out)
}

// base64Lines wraps base64 at 60 columns as the contents API does.
func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(enc) > 60 {
		sb.WriteString(enc[:60])
		sb.WriteByte('\n')
		enc = enc[60:]
	}
	sb.WriteString(enc)
	return sb.String()
}

func (s *Server) getContents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, v := s.lookup(w, r)
	if rp == nil {
		return
	}
	ref := cmp.Or(r.URL.Query().Get("ref"), rp.defaultBranch)
	p := strings.Trim(v["path"], "/")
	tree := rp.files[ref]
	content, ok := tree[p]
	if !ok {
		s.listDirLocked(w, rp, tree, p)
		return
	}
	if wantsRaw(r) {
		w.Header().Set("Content-Type", "application/vnd.github.raw; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(content)
		return
	}
	m := s.contentEntry(rp, p, content)
	// Beyond 1 MB GitHub leaves the content out; clients must use the raw
	// media type or the blob.
	if len(content) > maxInlineFile {
		m["content"], m["encoding"] = "", "none"
	} else {
		m["content"], m["encoding"] = base64Lines(content), "base64"
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) contentEntry(rp *repo, p string, content []byte) map[string]any {
	return map[string]any{
		"type": "file", "name": path.Base(p), "path": p, "size": len(content), "sha": BlobSHA(content),
		"url":          fmt.Sprintf("https://api.github.com/repos/%s/%s/contents/%s", rp.owner, rp.name, p),
		"download_url": fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/HEAD/%s", rp.owner, rp.name, p),
	}
}

func (s *Server) listDirLocked(w http.ResponseWriter, rp *repo, tree map[string][]byte, dir string) {
	seen := map[string]bool{}
	var out []map[string]any
	prefix := dir + "/"
	for p, content := range tree {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		rest := strings.TrimPrefix(p, prefix)
		if name, _, isDir := strings.Cut(rest, "/"); isDir {
			if !seen[name] {
				seen[name] = true
				out = append(out, map[string]any{"type": "dir", "name": name, "path": prefix + name, "size": 0, "sha": FakeSHA(prefix + name)})
			}
			continue
		}
		out = append(out, s.contentEntry(rp, p, content))
	}
	if len(out) == 0 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	slices.SortFunc(out, func(a, b map[string]any) int { return cmp.Compare(a["path"].(string), b["path"].(string)) })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, v := s.lookup(w, r)
	if rp == nil {
		return
	}
	content, ok := rp.blobs[v["sha"]]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if wantsRaw(r) {
		w.Header().Set("Content-Type", "application/vnd.github.raw; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(content)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sha": v["sha"], "size": len(content), "content": base64Lines(content), "encoding": "base64",
		"url": fmt.Sprintf("https://api.github.com/repos/%s/%s/git/blobs/%s", rp.owner, rp.name, v["sha"]),
	})
}

func (s *Server) runJSON(rp *repo, run *CheckRun) map[string]any {
	m := map[string]any{
		"id": run.ID, "name": run.Name, "head_sha": run.HeadSHA, "external_id": run.ExternalID,
		"status": run.Status, "conclusion": nil, "details_url": run.DetailsURL,
		"started_at": ts(run.StartedAt), "completed_at": ts(run.CompletedAt),
		"url":      fmt.Sprintf("https://api.github.com/repos/%s/%s/check-runs/%d", rp.owner, rp.name, run.ID),
		"html_url": fmt.Sprintf("https://github.com/%s/%s/runs/%d", rp.owner, rp.name, run.ID),
		"output": map[string]any{
			"title": run.Title, "summary": run.Summary, "text": run.Text,
			"annotations_count": len(run.Annotations),
			"annotations_url":   fmt.Sprintf("https://api.github.com/repos/%s/%s/check-runs/%d/annotations", rp.owner, rp.name, run.ID),
		},
		"app":           map[string]any{"id": run.AppID, "slug": fmt.Sprintf("app-%d", run.AppID), "name": fmt.Sprintf("App %d", run.AppID)},
		"check_suite":   map[string]any{"id": run.ID / 10},
		"pull_requests": []any{},
	}
	if run.Conclusion != "" {
		m["conclusion"] = run.Conclusion
	}
	return m
}

// resolveRefLocked maps a branch name to its head SHA, as GitHub does for
// the commits/{ref}/check-runs path.
func (rp *repo) resolveRefLocked(ref string) string {
	for _, pr := range rp.pulls {
		if pr.HeadRef == ref && pr.HeadRepo == "" {
			return pr.HeadSHA
		}
	}
	return ref
}

func (s *Server) listCheckRuns(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, v := s.lookup(w, r)
	if rp == nil {
		return
	}
	sha := rp.resolveRefLocked(v["ref"])
	q := r.URL.Query()
	appID, _ := strconv.ParseInt(q.Get("app_id"), 10, 64)
	var runs []*CheckRun
	for _, run := range slices.Backward(rp.runs) {
		switch {
		case run.HeadSHA != sha,
			q.Get("check_name") != "" && q.Get("check_name") != run.Name,
			q.Get("status") != "" && q.Get("status") != run.Status,
			appID != 0 && appID != run.AppID:
			continue
		}
		runs = append(runs, run)
	}
	// filter=latest (the default) keeps the newest run per name and App.
	if cmp.Or(q.Get("filter"), "latest") == "latest" {
		seen := map[string]bool{}
		runs = slices.DeleteFunc(runs, func(run *CheckRun) bool {
			k := fmt.Sprintf("%d/%s", run.AppID, run.Name)
			dup := seen[k]
			seen[k] = true
			return dup
		})
	}
	start, end := paginate(w, r, len(runs))
	out := make([]map[string]any, 0, end-start)
	for _, run := range runs[start:end] {
		out = append(out, s.runJSON(rp, run))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(runs), "check_runs": out})
}

type annotationBody struct {
	Path            string `json:"path"`
	StartLine       int    `json:"start_line"`
	EndLine         int    `json:"end_line"`
	StartColumn     *int   `json:"start_column"`
	EndColumn       *int   `json:"end_column"`
	AnnotationLevel string `json:"annotation_level"`
	Message         string `json:"message"`
	Title           string `json:"title"`
	RawDetails      string `json:"raw_details"`
}

func (a annotationBody) annotation() Annotation {
	ann := Annotation{
		Path: a.Path, StartLine: a.StartLine, EndLine: a.EndLine, Level: a.AnnotationLevel,
		Title: a.Title, Message: a.Message, RawDetails: a.RawDetails,
	}
	if a.StartColumn != nil {
		ann.StartColumn = *a.StartColumn
	}
	if a.EndColumn != nil {
		ann.EndColumn = *a.EndColumn
	}
	return ann
}

type checkRunBody struct {
	Name        *string `json:"name"`
	HeadSHA     *string `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      *string `json:"status"`
	Conclusion  *string `json:"conclusion"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title       *string          `json:"title"`
		Summary     *string          `json:"summary"`
		Text        *string          `json:"text"`
		Annotations []annotationBody `json:"annotations"`
	} `json:"output"`
}

// applyLocked writes b into run, enforcing the rules GitHub enforces beyond
// the schema; it returns the 422 message when GitHub would refuse.
func (s *Server) applyLocked(run *CheckRun, b *checkRunBody) string {
	if b.Output != nil && len(b.Output.Annotations) > maxAnnotations {
		return fmt.Sprintf("Only %d annotations are allowed per request", maxAnnotations)
	}
	if b.Output != nil {
		for _, a := range b.Output.Annotations {
			if (a.StartColumn != nil || a.EndColumn != nil) && a.StartLine != a.EndLine {
				return "start_column and end_column are only allowed when start_line equals end_line"
			}
			if a.StartLine < 1 || a.EndLine < a.StartLine {
				return fmt.Sprintf("annotation lines %d-%d are invalid", a.StartLine, a.EndLine)
			}
			if utf8.RuneCountInString(a.Title) > 255 {
				return "annotation title is too long (maximum is 255 characters)"
			}
			if len(a.Message) > 64*1024 || len(a.RawDetails) > 64*1024 {
				return "annotation message or raw_details exceeds 64 KB"
			}
			for _, ref := range s.refusals {
				if ref.match(a.annotation()) {
					return ref.message
				}
			}
		}
	}
	status, conclusion := run.Status, run.Conclusion
	if b.Status != nil {
		status = *b.Status
	}
	if b.Conclusion != nil {
		conclusion, status = *b.Conclusion, "completed"
	}
	if status == "completed" && conclusion == "" {
		return "conclusion is required when status is completed"
	}
	if b.Name != nil {
		run.Name = *b.Name
	}
	if b.DetailsURL != nil {
		run.DetailsURL = *b.DetailsURL
	}
	if b.ExternalID != nil {
		run.ExternalID = *b.ExternalID
	}
	run.Status, run.Conclusion = status, conclusion
	if b.StartedAt != nil {
		if t, err := time.Parse(time.RFC3339, *b.StartedAt); err == nil {
			run.StartedAt = t
		}
	}
	if b.CompletedAt != nil {
		if t, err := time.Parse(time.RFC3339, *b.CompletedAt); err == nil {
			run.CompletedAt = t
		}
	}
	if status == "completed" && run.CompletedAt.IsZero() {
		run.CompletedAt = s.now().UTC()
	}
	if o := b.Output; o != nil {
		if o.Title != nil {
			run.Title = *o.Title
		}
		if o.Summary != nil {
			run.Summary = *o.Summary
		}
		if o.Text != nil {
			run.Text = *o.Text
		}
		for _, a := range o.Annotations {
			run.Annotations = append(run.Annotations, a.annotation())
		}
	}
	run.Writes++
	return ""
}

func (s *Server) createCheckRun(w http.ResponseWriter, r *http.Request) {
	var b checkRunBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, _ := s.lookup(w, r)
	if rp == nil {
		return
	}
	if b.Name == nil || *b.Name == "" || b.HeadSHA == nil {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request: name and head_sha are required")
		return
	}
	if !rp.knownSHALocked(*b.HeadSHA) {
		writeError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+*b.HeadSHA)
		return
	}
	run := &CheckRun{ID: s.nextRunID + 1, HeadSHA: *b.HeadSHA, AppID: s.app.ID, Status: "queued", StartedAt: s.now().UTC()}
	if msg := s.applyLocked(run, &b); msg != "" {
		writeError(w, http.StatusUnprocessableEntity, msg)
		return
	}
	s.nextRunID++
	rp.runs = append(rp.runs, run)
	writeJSON(w, http.StatusCreated, s.runJSON(rp, run))
}

func (s *Server) runFor(w http.ResponseWriter, r *http.Request) (*repo, *CheckRun) {
	rp, v := s.lookup(w, r)
	if rp == nil {
		return nil, nil
	}
	id, _ := strconv.ParseInt(v["id"], 10, 64)
	for _, run := range rp.runs {
		if run.ID == id {
			return rp, run
		}
	}
	writeError(w, http.StatusNotFound, "Not Found")
	return rp, nil
}

func (s *Server) updateCheckRun(w http.ResponseWriter, r *http.Request) {
	var b checkRunBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, run := s.runFor(w, r)
	if run == nil {
		return
	}
	if run.AppID != s.app.ID {
		writeError(w, http.StatusForbidden, "Invalid app_id `"+strconv.FormatInt(s.app.ID, 10)+"` - check run can only be modified by the GitHub App that created it.")
		return
	}
	// Validate on a copy so that a refused update changes nothing.
	next := *run
	next.Annotations = slices.Clone(run.Annotations)
	if msg := s.applyLocked(&next, &b); msg != "" {
		writeError(w, http.StatusUnprocessableEntity, msg)
		return
	}
	*run = next
	writeJSON(w, http.StatusOK, s.runJSON(rp, run))
}

func (s *Server) getCheckRun(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, run := s.runFor(w, r)
	if run == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.runJSON(rp, run))
}

func (s *Server) listAnnotations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, run := s.runFor(w, r)
	if run == nil {
		return
	}
	start, end := paginate(w, r, len(run.Annotations))
	out := make([]map[string]any, 0, end-start)
	for _, a := range run.Annotations[start:end] {
		m := map[string]any{
			"path": a.Path, "start_line": a.StartLine, "end_line": a.EndLine, "annotation_level": a.Level,
			"title": a.Title, "message": a.Message, "raw_details": a.RawDetails,
			"start_column": nil, "end_column": nil, "blob_href": "https://github.com/blob/" + a.Path,
		}
		if a.StartColumn != 0 {
			m["start_column"] = a.StartColumn
		}
		if a.EndColumn != 0 {
			m["end_column"] = a.EndColumn
		}
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	tok := newInstallationToken()
	expires := s.now().Add(s.tokenTTL).UTC().Truncate(time.Second)
	s.mu.Lock()
	s.tokens[tok] = tokenGrant{installation: id, expires: expires}
	s.mu.Unlock()
	infoOf(r).installation = id
	writeJSON(w, http.StatusCreated, map[string]any{
		"token": tok, "expires_at": expires.Format(time.RFC3339),
		"permissions":          map[string]string{"checks": "write", "contents": "read", "pull_requests": "read", "metadata": "read"},
		"repository_selection": "all",
	})
}

// listDeliveries pages the delivery log newest first with GitHub's cursor
// pagination: the Link header's next URL carries an opaque cursor (here
// the id of the last delivery shown), not a page number.
func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	after := int64(-1)
	if c := q.Get("cursor"); c != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(c, "v1_"), 10, 64)
		if err != nil || !strings.HasPrefix(c, "v1_") {
			writeError(w, http.StatusBadRequest, "invalid cursor")
			return
		}
		after = id
	}
	s.mu.Lock()
	ds := slices.Clone(s.deliveries)
	s.mu.Unlock()
	slices.SortStableFunc(ds, func(a, b Delivery) int { return cmp.Compare(b.ID, a.ID) }) // newest first, as GitHub lists them
	if after >= 0 {
		ds = slices.DeleteFunc(ds, func(d Delivery) bool { return d.ID >= after })
	}
	if status := q.Get("status"); status != "" {
		ds = slices.DeleteFunc(ds, func(d Delivery) bool { return deliveryOK(d) != (status == "success") })
	}
	page := ds[:min(per, len(ds))]
	if len(page) < len(ds) {
		q.Set("cursor", fmt.Sprintf("v1_%d", page[len(page)-1].ID))
		q.Set("per_page", strconv.Itoa(per))
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?%s>; rel="next"`, r.Host, r.URL.EscapedPath(), q.Encode()))
	}
	out := make([]map[string]any, 0, len(page))
	for _, d := range page {
		status := "OK"
		switch {
		case d.StatusCode == 0:
			status = "failed to connect"
		case !deliveryOK(d):
			status = "Invalid HTTP Response: " + strconv.Itoa(d.StatusCode)
		}
		var action any
		if d.Action != "" {
			action = d.Action
		}
		out = append(out, map[string]any{
			"id": d.ID, "guid": d.GUID, "delivered_at": ts(d.DeliveredAt), "redelivery": d.Redelivery,
			"duration": 0.1, "status": status, "status_code": d.StatusCode, "event": d.Event, "action": action,
			"installation_id": d.InstallationID, "repository_id": d.RepositoryID,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

func deliveryOK(d Delivery) bool { return d.StatusCode >= 200 && d.StatusCode < 300 }

// redeliver records a new attempt of the delivery, with the same GUID and
// a new id, as GitHub does. Its status code is what the OnRedeliver hook
// answers (which may deliver it to the App under test), else 0: GitHub
// could not connect.
func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	s.mu.Lock()
	var orig *Delivery
	for i := range s.deliveries {
		if s.deliveries[i].ID == id {
			d := s.deliveries[i]
			orig = &d
			break
		}
	}
	hook := s.onRedeliver
	if orig != nil {
		s.redelivered = append(s.redelivered, id)
	}
	s.mu.Unlock()
	if orig == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	again := *orig
	again.Redelivery = true
	again.StatusCode = 0
	if hook != nil {
		again.StatusCode = hook(again)
	}
	s.mu.Lock()
	again.ID = s.maxDeliveryIDLocked() + 1
	again.DeliveredAt = s.now().UTC()
	s.deliveries = append(s.deliveries, again)
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{})
}
