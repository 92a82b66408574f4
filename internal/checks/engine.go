package checks

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prodready/prodready/internal/diff"
)

// FileSource yields file diffs one at a time; *diff.Reader is one.
type FileSource interface {
	Next() (*diff.File, error)
}

// Options tune an Engine.
type Options struct {
	// Workers bounds the goroutines that run rules; 0 means GOMAXPROCS.
	Workers int
	// Redact masks secrets in evidence before a finding leaves the engine.
	Redact func(string) string
	// ChunkBytes is the size of the pieces a git diff is cut into for
	// parallel parsing; 0 means 256 KiB.
	ChunkBytes int
	// Policy applies a repository's configuration; nil means defaults.
	Policy Policy
	// Repo reads files of the repository under review, for rules that need
	// more than the diff (declared dependencies); nil when there is none.
	Repo RepoReader
	// InFlightBytes bounds the diff text parsed and not yet judged, which
	// is what a run's memory grows with; 0 means 3 MiB. A single file
	// larger than the bound still goes through, alone.
	InFlightBytes int
}

// Policy is what a repository's configuration decides during a run.
type Policy interface {
	// SkipFile keeps a file out of review (path filters, languages).
	SkipFile(path string, lang diff.Language) bool
	// IsTest extends the test-file conventions.
	IsTest(path string) bool
	// Adjust overrides a finding's severity; false drops the finding
	// (outside the rule's paths).
	Adjust(f *Finding) bool
}

// nosecFamilies honour the markers of gosec, Bandit and Semgrep, whose
// rules they overlap.
var nosecFamilies = map[string]bool{"input-validation": true, "secrets": true, "insecure-defaults": true}

// HonoursNosec reports whether findings of a family are silenced by a
// gosec/Bandit "nosec" or a Semgrep "nosemgrep" marker on their line.
func HonoursNosec(family string) bool { return nosecFamilies[family] }

// Engine runs a registry's rules over diffs. It is safe for concurrent use.
type Engine struct {
	reg     *Registry
	opts    Options
	mu      sync.Mutex
	plans   map[planKey]*plan
	diffIdx map[string]int
}

type planKey struct {
	lang  diff.Language
	class diff.Class
}

// plan is the compiled rule set for one language and file class: which rules
// run, and the Aho-Corasick automaton over their keywords.
type plan struct {
	lineRules   []LineRule
	lineMetas   []Meta
	always      []int // line rules without keywords
	fileRules   []FileRule
	fileMetas   []Meta
	diffRules   []int // indexes into Engine.reg.rules of DiffRules
	matcher     *literalSet
	patternRule [][]int // pattern index -> line rule indexes
	words       int     // uint64 words per line bitset
}

// NewEngine prepares an engine for the rules of reg.
func NewEngine(reg *Registry, opts Options) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.ChunkBytes <= 0 {
		opts.ChunkBytes = 256 << 10
	}
	if opts.InFlightBytes <= 0 {
		opts.InFlightBytes = 3 << 20
	}
	e := &Engine{reg: reg, opts: opts, plans: map[planKey]*plan{}, diffIdx: map[string]int{}}
	for i, r := range reg.rules {
		if _, ok := r.(DiffRule); ok {
			e.diffIdx[r.Meta().ID] = i
		}
	}
	return e
}

// Registry is the rule set the engine runs.
func (e *Engine) Registry() *Registry { return e.reg }

func (e *Engine) planFor(lang diff.Language, class diff.Class) *plan {
	key := planKey{lang, class}
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.plans[key]; ok {
		return p
	}
	kw := e.reg.keywordIndex()
	p := &plan{matcher: kw.matcher, patternRule: make([][]int, len(kw.patterns))}
	for i, r := range e.reg.rules {
		m := r.Meta()
		if !m.AppliesTo(lang, class) {
			continue
		}
		if lr, ok := r.(LineRule); ok {
			idx := len(p.lineRules)
			p.lineRules = append(p.lineRules, lr)
			p.lineMetas = append(p.lineMetas, m)
			if len(m.Keywords) == 0 {
				p.always = append(p.always, idx)
			}
			for _, k := range m.Keywords {
				pi := kw.index[asciiLower(k)]
				if n := len(p.patternRule[pi]); n == 0 || p.patternRule[pi][n-1] != idx {
					p.patternRule[pi] = append(p.patternRule[pi], idx)
				}
			}
		}
		if fr, ok := r.(FileRule); ok {
			p.fileRules = append(p.fileRules, fr)
			p.fileMetas = append(p.fileMetas, m)
		}
		if _, ok := r.(DiffRule); ok {
			p.diffRules = append(p.diffRules, i)
		}
	}
	p.words = (len(p.lineRules) + 63) / 64
	e.plans[key] = p
	return p
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Stats describe one run.
type Stats struct {
	Files              int            `json:"files"`
	BinaryFiles        int            `json:"binary_files"`
	SkippedFiles       int            `json:"skipped_files"`
	Suppressed         int            `json:"suppressed"`
	AddedLines         int            `json:"added_lines"`
	DurationMS         int64          `json:"duration_ms"`
	FindingsBySeverity map[string]int `json:"findings_by_severity"`
	// Set by the caller, not the engine: whether the stricter AI-authored
	// profile applied and why, and which configuration was used.
	AIAuthored bool     `json:"ai_authored"`
	AIEvidence []string `json:"ai_evidence,omitempty"`
	Config     string   `json:"config,omitempty"`
}

// Result is the outcome of a run: findings in diff order, then line order.
type Result struct {
	Findings []Finding
	// Suppressed are findings silenced in the source, in the same order.
	Suppressed []Finding
	Stats      Stats
}

type fileResult struct {
	index      int
	path       string
	findings   []Finding
	suppressed []Finding
	fileRules  []Directive // prodready:ignore-file directives, for DiffRule findings
	obs        map[int]any // registry rule index -> observation
	added      int
	binary     bool
	skipped    bool
}

// Run reads every file from src and runs the rules on them concurrently:
// one goroutine reads while up to Workers goroutines judge the files
// already read, so a large diff streams through in bounded memory.
func (e *Engine) Run(ctx context.Context, src FileSource) (*Result, error) {
	return e.run(ctx, func(yield func(unit) bool) error {
		for i := 0; ; i++ {
			f, err := src.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if !yield(unit{index: i << chunkShift, file: f}) {
				return nil
			}
		}
	})
}

// RunDiff reviews the unified diff read from r. A git-style diff is cut
// into chunks of whole files that the workers parse in parallel (parsing
// costs as much as judging); any other diff is parsed on one goroutine.
func (e *Engine) RunDiff(ctx context.Context, r io.Reader) (*Result, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	if !diff.IsGitDiff(br) {
		return e.Run(ctx, diff.NewReader(br))
	}
	ch := diff.NewChunker(br, e.opts.ChunkBytes)
	return e.runChunks(ctx, ch, func(yield func(unit) bool) error {
		for i := 0; ; i++ {
			b, err := ch.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read diff: %w", err)
			}
			if !yield(unit{index: i << chunkShift, chunk: b}) {
				return nil
			}
		}
	})
}

const (
	// chunkShift leaves room in a file's index for its position in its
	// chunk, so that findings sort in diff order.
	chunkShift = 24
)

// unit is what a worker takes: one parsed file, or a chunk of diff text
// holding whole files that the worker parses itself.
type unit struct {
	index int
	file  *diff.File
	chunk []byte
}

func (e *Engine) run(ctx context.Context, produce func(yield func(unit) bool) error) (*Result, error) {
	return e.runChunks(ctx, nil, produce)
}

// runChunks is run; ch, when not nil, takes parsed chunks back for reuse.
func (e *Engine) runChunks(ctx context.Context, ch *diff.Chunker, produce func(yield func(unit) bool) error) (*Result, error) {
	run := &Run{Repo: e.opts.Repo}
	recycle := func([]byte) {}
	if ch != nil {
		recycle = ch.Recycle
	}
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	units := make(chan unit, e.opts.Workers)
	budget := newByteBudget(e.opts.InFlightBytes)
	results := make(chan []fileResult, e.opts.Workers)
	var readErr, parseErr error
	var errOnce sync.Once
	fail := func(err error, into *error) {
		errOnce.Do(func() { *into = err })
		cancel()
	}
	go func() {
		defer close(units)
		err := produce(func(u unit) bool {
			if !budget.acquire(ctx, len(u.chunk)) {
				return false
			}
			select {
			case units <- u:
				return true
			case <-ctx.Done():
				budget.release(len(u.chunk))
				return false
			}
		})
		if err != nil {
			fail(err, &readErr)
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < e.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch prefilterScratch
			for u := range units {
				if ctx.Err() != nil {
					budget.release(len(u.chunk))
					continue
				}
				if u.file != nil {
					results <- []fileResult{e.checkFile(ctx, run, u.index, u.file, &scratch)}
					continue
				}
				out, err := e.checkChunk(ctx, run, u, &scratch, recycle)
				budget.release(len(u.chunk))
				if err != nil {
					fail(err, &parseErr)
					continue
				}
				results <- out
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	res := &Result{Stats: Stats{FindingsBySeverity: map[string]int{}}}
	var observed []fileResult
	for batch := range results {
		for _, r := range batch {
			res.Stats.Files++
			res.Stats.AddedLines += r.added
			if r.binary {
				res.Stats.BinaryFiles++
			}
			if r.skipped {
				res.Stats.SkippedFiles++
			}
			res.Findings = append(res.Findings, r.findings...)
			res.Suppressed = append(res.Suppressed, r.suppressed...)
			if len(r.obs) > 0 || len(r.fileRules) > 0 {
				observed = append(observed, fileResult{index: r.index, path: r.path, obs: r.obs, fileRules: r.fileRules})
			}
		}
	}
	if readErr != nil {
		return nil, readErr
	}
	if parseErr != nil {
		return nil, parseErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("review cancelled: %w", err)
	}
	concluded, suppressed := e.conclude(observed)
	res.Findings = append(res.Findings, concluded...)
	res.Suppressed = append(res.Suppressed, suppressed...)
	e.finish(res)
	res.Stats.DurationMS = time.Since(start).Milliseconds()
	return res, nil
}

// checkChunk parses a whole chunk before judging it, so that the chunk's
// bytes can be recycled while the rules run (the parser copies the text).
func (e *Engine) checkChunk(ctx context.Context, run *Run, u unit, scratch *prefilterScratch, recycle func([]byte)) ([]fileResult, error) {
	r := diff.NewReader(bytes.NewReader(u.chunk))
	var files []*diff.File
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			recycle(u.chunk)
			return nil, err
		}
		files = append(files, f)
	}
	recycle(u.chunk)
	out := make([]fileResult, 0, len(files))
	for j, f := range files {
		files[j] = nil
		out = append(out, e.checkFile(ctx, run, u.index+j, f, scratch))
	}
	return out, nil
}

func (e *Engine) conclude(observed []fileResult) (out, suppressed []Finding) {
	if len(e.diffIdx) == 0 {
		return nil, nil
	}
	sort.Slice(observed, func(i, j int) bool { return observed[i].index < observed[j].index })
	pathIndex := make(map[string]int, len(observed))
	fileDirectives := map[string][]Directive{}
	for _, o := range observed {
		pathIndex[o.path] = o.index
		fileDirectives[o.path] = o.fileRules
	}
	ids := make([]string, 0, len(e.diffIdx))
	for id := range e.diffIdx {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ri := e.diffIdx[id]
		dr := e.reg.rules[ri].(DiffRule)
		m := dr.Meta()
		var obs []Observation
		for _, o := range observed {
			if d, ok := o.obs[ri]; ok {
				obs = append(obs, Observation{Path: o.path, Data: d})
			}
		}
		for _, f := range dr.Conclude(obs) {
			idx, ok := pathIndex[f.Path]
			if !ok || f.StartLine < 1 {
				continue
			}
			f.RuleID, f.Family, f.fileIndex = m.ID, m.Family, idx
			if f.Title == "" {
				f.Title = m.Title
			}
			if f.Severity == SeverityNone {
				f.Severity = m.Severity
			}
			if f.EndLine < f.StartLine {
				f.EndLine = f.StartLine
			}
			if f.key == "" {
				f.key = normaliseSpace(f.Evidence)
			}
			if e.opts.Policy != nil && !e.opts.Policy.Adjust(&f) {
				continue
			}
			if sup := fileSuppression(fileDirectives[f.Path], f.RuleID); sup != nil {
				f.Suppression = sup
				suppressed = append(suppressed, f)
				continue
			}
			out = append(out, f)
		}
	}
	return out, suppressed
}

func fileSuppression(ds []Directive, id string) *Suppression {
	for _, d := range ds {
		if d.Covers(id) {
			return &Suppression{Kind: "file", Reason: d.Reason}
		}
	}
	return nil
}

// finish orders the findings, masks evidence and assigns fingerprints that
// survive unrelated edits: they hash the rule, the path and the flagged
// code, not the line number, plus an occurrence count for repeats.
func (e *Engine) finish(res *Result) {
	seen := map[string]int{}
	e.order(res.Findings, seen)
	e.order(res.Suppressed, seen)
	for _, f := range res.Findings {
		res.Stats.FindingsBySeverity[f.Severity.String()]++
	}
	res.Stats.Suppressed = len(res.Suppressed)
}

func (e *Engine) order(fs []Finding, seen map[string]int) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.fileIndex != b.fileIndex {
			return a.fileIndex < b.fileIndex
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.StartColumn != b.StartColumn {
			return a.StartColumn < b.StartColumn
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
	for i := range fs {
		f := &fs[i]
		base := f.RuleID + "\x00" + f.Path + "\x00" + f.key
		n := seen[base]
		seen[base] = n + 1
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", base, n))
		f.Fingerprint = hex.EncodeToString(sum[:8])
		f.Evidence = e.evidence(f.Evidence)
		f.DocURL = DocBaseURL + f.RuleID
		f.key = ""
	}
}

const maxEvidence = 200

func (e *Engine) evidence(s string) string {
	s = normaliseSpace(s)
	if e.opts.Redact != nil {
		s = e.opts.Redact(s)
	}
	if len(s) > maxEvidence {
		cut := maxEvidence
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

type prefilterScratch struct {
	buf    []byte
	starts []int
	toView []int
	bits   []uint64
}

func (e *Engine) checkFile(ctx context.Context, run *Run, index int, f *diff.File, scratch *prefilterScratch) fileResult {
	r := fileResult{index: index, path: f.Path(), added: f.AddedLines, binary: f.Binary}
	if f.Binary || len(f.Hunks) == 0 || f.NewPath == "" {
		return r
	}
	if f.Class != diff.Source {
		r.skipped = true
	}
	if e.opts.Policy != nil && e.opts.Policy.SkipFile(f.Path(), f.Language) {
		r.skipped = true
		return r
	}
	p := e.planFor(f.Language, f.Class)
	if len(p.lineRules) == 0 && len(p.fileRules) == 0 && len(p.diffRules) == 0 {
		return r
	}
	fc := newFileContext(ctx, f)
	fc.Run = run
	if e.opts.Policy != nil {
		fc.IsTest = e.opts.Policy.IsTest(f.Path())
	}
	for _, v := range fc.Views {
		if ctx.Err() != nil {
			return r
		}
		e.runLineRules(fc, p, v, scratch)
	}
	for i, fr := range p.fileRules {
		fc.current = p.fileMetas[i]
		fr.CheckFile(fc)
	}
	for _, ri := range p.diffRules {
		dr := e.reg.rules[ri].(DiffRule)
		fc.current = dr.Meta()
		if d := dr.Observe(fc); d != nil {
			if r.obs == nil {
				r.obs = map[int]any{}
			}
			r.obs[ri] = d
		}
	}
	r.fileRules = fileDirectives(fc)
	for _, fd := range fc.findings {
		fd.fileIndex = index
		if e.opts.Policy != nil && !e.opts.Policy.Adjust(&fd) {
			continue
		}
		if sup := suppression(fc, r.fileRules, &fd); sup != nil {
			fd.Suppression = sup
			r.suppressed = append(r.suppressed, fd)
			continue
		}
		r.findings = append(r.findings, fd)
	}
	return r
}

// fileDirectives are the prodready:ignore-file directives in the first 10
// lines of the file, as far as the diff shows them.
func fileDirectives(fc *FileContext) []Directive {
	var ds []Directive
	for _, v := range fc.Views {
		for i, l := range v.Lines {
			if l.NewLine > 10 {
				break
			}
			if !strings.Contains(l.Text, "prodready:ignore-file") {
				continue
			}
			if d, ok := DirectiveAt(v, i); ok && d.File {
				ds = append(ds, d)
			}
		}
	}
	return ds
}

// suppression looks for a directive covering f on its line or the line
// above, then for a file directive, then for a nosec marker.
func suppression(fc *FileContext, fileDs []Directive, f *Finding) *Suppression {
	for _, n := range []int{f.StartLine, f.StartLine - 1} {
		v, i, ok := fc.lineAt(n)
		if !ok || !strings.Contains(v.Lines[i].Text, "prodready:ignore") {
			continue
		}
		if d, ok := DirectiveAt(v, i); ok && !d.File && d.Covers(f.RuleID) {
			return &Suppression{Kind: "inline", Reason: d.Reason}
		}
	}
	if s := fileSuppression(fileDs, f.RuleID); s != nil {
		return s
	}
	if nosecFamilies[f.Family] {
		if v, i, ok := fc.lineAt(f.StartLine); ok {
			t := v.Lines[i].Text
			if strings.Contains(t, "nosec") || strings.Contains(t, "nosemgrep") {
				return &Suppression{Kind: "nosec", Reason: "marked nosec/nosemgrep"}
			}
		}
	}
	return nil
}

// runLineRules runs the keyword automaton once over the hunk's added lines
// and calls each line rule only on the lines where one of its keywords
// occurs, so that regular expressions run on a small fraction of the input.
func (e *Engine) runLineRules(fc *FileContext, p *plan, v *HunkView, s *prefilterScratch) {
	if len(p.lineRules) == 0 {
		return
	}
	hunk := v.Hunk.Lines
	// starts[k] is where hunk line k begins in the text the automaton
	// reads; toView[k] is its index in v, or -1 when it was not added.
	s.starts, s.toView = s.starts[:0], s.toView[:0]
	added := 0
	vi := 0
	for _, l := range hunk {
		if l.Kind == diff.Deleted {
			s.toView = append(s.toView, -1)
			continue
		}
		if l.Kind == diff.Added {
			s.toView = append(s.toView, vi)
			added++
		} else {
			s.toView = append(s.toView, -1)
		}
		vi++
	}
	if added == 0 {
		return
	}
	text := v.Hunk.Text
	if text == "" || len(hunk) > 0 && !sameBacking(text, hunk) {
		// Hunks built without the parser's shared text: join the lines.
		s.buf = s.buf[:0]
		for _, l := range hunk {
			s.buf = append(s.buf, l.Text...)
		}
		text = string(s.buf)
	}
	off := 0
	for _, l := range hunk {
		s.starts = append(s.starts, off)
		off += len(l.Text)
	}
	n := len(v.Lines)
	if cap(s.bits) < n*p.words {
		s.bits = make([]uint64, n*p.words)
	}
	set := s.bits[:n*p.words]
	clear(set)
	if p.matcher != nil && len(text) > 0 {
		// The prefilter reads the hunk's text in place. A keyword that
		// straddles two lines only makes a rule look at a line in vain.
		p.matcher.scan(text, func(pattern, start int) {
			rules := p.patternRule[pattern]
			if len(rules) == 0 {
				return
			}
			k := sort.SearchInts(s.starts, start+1) - 1
			if k < 0 || s.toView[k] < 0 {
				return
			}
			row := s.toView[k] * p.words
			for _, ri := range rules {
				set[row+ri/64] |= 1 << (ri % 64)
			}
		})
	}
	for _, ri := range p.always {
		for k, line := range s.toView {
			if line >= 0 && hunk[k].Kind == diff.Added {
				set[line*p.words+ri/64] |= 1 << (ri % 64)
			}
		}
	}
	for line := 0; line < n; line++ {
		row := set[line*p.words : (line+1)*p.words]
		for w, word := range row {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &^= 1 << b
				ri := w*64 + b
				fc.current = p.lineMetas[ri]
				p.lineRules[ri].CheckLine(fc, v, line)
			}
		}
	}
}

// sameBacking reports whether the hunk's lines are laid out back to back
// in text, as the parser builds them, so that offsets can be computed by
// adding up lengths.
func sameBacking(text string, lines []diff.Line) bool {
	total := 0
	for _, l := range lines {
		total += len(l.Text)
	}
	return total == len(text)
}

// byteBudget bounds the bytes in flight between the reader and the
// workers. One holder may always proceed, however large, so that a single
// huge file cannot deadlock the run.
type byteBudget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	limit int
	used  int
}

func newByteBudget(limit int) *byteBudget {
	b := &byteBudget{limit: limit}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *byteBudget) acquire(ctx context.Context, n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.limit {
		if ctx.Err() != nil {
			return false
		}
		b.cond.Wait()
	}
	b.used += n
	return ctx.Err() == nil || b.undo(n)
}

// undo gives back n after a cancelled acquire; it reports false.
func (b *byteBudget) undo(n int) bool {
	b.used -= n
	b.cond.Broadcast()
	return false
}

func (b *byteBudget) release(n int) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}
