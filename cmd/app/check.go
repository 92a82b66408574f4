package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"text/tabwriter"

	"github.com/prodready/prodready/internal/aiauthor"
	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/config"
	"github.com/prodready/prodready/internal/report"
	"github.com/prodready/prodready/internal/rules"
)

// checkMemoryLimit is the soft limit of `app check`'s Go heap.
const checkMemoryLimit = 48 << 20

type checkFlags struct {
	configFile string
	aiAuthored bool
	gitRange   string
	format     string
	failOn     string
	only       string
	disable    string
	repo       string
	color      string
	workers    int
	listRules  bool
	cpuProfile string
	staged     bool
	sarifFile  string
}

func runCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf checkFlags
	fs.StringVar(&cf.format, "format", "text", "output format: text, json, sarif or github")
	fs.StringVar(&cf.failOn, "fail-on", "", "exit 1 when a finding is at or above: failure, warning, notice or never (default: the config's fail_on, else failure)")
	fs.StringVar(&cf.configFile, "config", "", "configuration file (default: "+config.DefaultPath+" under --repo, when present)")
	fs.BoolVar(&cf.aiAuthored, "ai-authored", false, "apply the stricter AI-authored profile")
	fs.StringVar(&cf.gitRange, "range", "", "BASE..HEAD: read the commits in --repo to detect AI authorship (trailers, generated-with lines, branch)")
	fs.StringVar(&cf.only, "rules", "", "comma-separated rule ids or families to run (default: all)")
	fs.StringVar(&cf.disable, "disable", "", "comma-separated rule ids or families to skip")
	fs.StringVar(&cf.repo, "repo", ".", "repository root: where .github/prodready.yml, the manifests hallucinated-dependency reads and the commits of --range come from")
	fs.StringVar(&cf.color, "color", "auto", "colour the text format: auto, always or never")
	fs.IntVar(&cf.workers, "workers", 0, "goroutines judging files (default: GOMAXPROCS)")
	fs.BoolVar(&cf.listRules, "list-rules", false, "list every rule and exit")
	fs.StringVar(&cf.cpuProfile, "cpuprofile", "", "write a CPU profile of the review to this file (for performance work)")
	fs.BoolVar(&cf.staged, "staged", false, "review the changes staged for commit (git diff --cached) in the repository holding --repo; the config and manifests are read from its top level (for pre-commit hooks)")
	fs.StringVar(&cf.sarifFile, "sarif", "", "also write SARIF 2.1.0 to this file, whatever --format is, so one review can annotate (--format github) and feed code scanning")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: app check [flags] [FILE|-]\n       app check --staged [flags]\n\nReviews a unified diff (git diff, git log -p, GitHub's .diff), or with --staged what the next commit would record. Exit 0: clean or below --fail-on; 1: findings at or above --fail-on; 2: bad usage or unreadable input.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "app check: "+format+"\n", a...)
		return exitUsage
	}
	if cf.staged && fs.NArg() > 0 {
		return fail("--staged reads the diff from git's index, so it takes no diff file (got %q)", fs.Arg(0))
	}

	format, err := report.ParseFormat(cf.format)
	if err != nil {
		return fail("%v", err)
	}
	full, err := rules.Registry()
	if err != nil {
		return fail("%v", err)
	}
	reg, err := full.Select(splitList(cf.only), splitList(cf.disable))
	if err != nil {
		return fail("%v", err)
	}
	if cf.listRules {
		listRules(stdout, reg)
		return exitOK
	}
	if cf.staged {
		// From here on --repo is the top level, wherever the command was
		// started: the configuration and the manifests live there, and the
		// diff's paths are relative to it.
		top, err := repoTopLevel(ctx, cf.repo)
		if err != nil {
			return fail("--staged: %v", err)
		}
		cf.repo = top
	}

	fetched, explicit := loadConfig(ctx, cf.configFile, cf.repo, full)
	switch {
	case fetched.Status == config.Missing && explicit:
		return fail("config %s does not exist", fetched.Source)
	case fetched.Status == config.Unreadable:
		return fail("%v", fetched.Err)
	case fetched.Status == config.Invalid:
		fmt.Fprintln(stderr, fetched.Err)
		return fail("%s is invalid (app config validate shows the same errors)", fetched.Source)
	}
	cfg := fetched.Effective()

	verdict := aiauthor.Verdict{}
	if cf.gitRange != "" {
		signals, err := gitSignals(ctx, cf.repo, cf.gitRange)
		if err != nil {
			return fail("%v", err)
		}
		verdict = aiauthor.Detect(signals, cfg.Profiles.AIAuthored.Detect)
	}
	if cf.aiAuthored {
		verdict.AIAuthored = true
		verdict.Evidence = append([]string{"--ai-authored was given"}, verdict.Evidence...)
	}
	policy := cfg.Policy(full, verdict.AIAuthored)
	threshold := policy.FailOn
	if cf.failOn != "" {
		if threshold, err = parseFailOn(cf.failOn); err != nil {
			return fail("%v", err)
		}
	}
	configured, err := rules.Build(policy)
	if err != nil {
		return fail("%v", err)
	}
	if reg, err = configured.Select(splitList(cf.only), splitList(cf.disable)); err != nil {
		return fail("%v", err)
	}
	if fs.NArg() > 1 {
		return fail("expected at most one diff file, got %d arguments", fs.NArg())
	}

	var (
		input io.Reader
		name  string
		// finish reports a failure of the input's source that the review
		// itself cannot see: git exiting non-zero after a clean cut.
		finish = func() error { return nil }
	)
	if cf.staged {
		staged, wait, err := openStaged(ctx, cf.repo)
		if err != nil {
			return fail("--staged: %v", err)
		}
		defer wait()
		// Machine formats and --sarif still get their (empty) report below,
		// so that a consumer always has a document to read.
		if format == report.Text && cf.sarifFile == "" && stagedEmpty(staged) {
			if err := wait(); err != nil {
				return fail("--staged: %v", err)
			}
			fmt.Fprintln(stdout, "nothing staged to review")
			return exitOK
		}
		input, name, finish = staged, "staged changes", wait
	} else {
		in, inName, closeInput, err := openInput(fs.Arg(0), stdin)
		if err != nil {
			return fail("%v", err)
		}
		defer closeInput()
		input, name = in, inName
	}
	var sarifOut *pendingFile
	if cf.sarifFile != "" {
		// Created before the review so that a bad path fails at once, not
		// after minutes on a large diff.
		if sarifOut, err = createPending(cf.sarifFile); err != nil {
			return fail("--sarif: %v", err)
		}
		defer sarifOut.discard()
	}

	// A review streams, so its live heap stays small; a soft memory limit
	// keeps the collector ahead of a large file instead of letting the heap
	// grow to twice its peak. GOMEMLIMIT in the environment overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(checkMemoryLimit)
	}
	engine := rules.NewEngineWithPolicy(reg, cf.workers, policy, config.DirReader(cf.repo))
	if cf.cpuProfile != "" {
		pf, err := os.Create(cf.cpuProfile)
		if err != nil {
			return fail("cpuprofile: %v", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fail("cpuprofile: %v", err)
		}
		defer pprof.StopCPUProfile()
	}
	res, err := engine.RunDiff(ctx, input)
	if err != nil {
		return fail("%s: %v", name, err)
	}
	if err := finish(); err != nil {
		return fail("%s: %v", name, err)
	}
	res.Stats.AIAuthored, res.Stats.AIEvidence = policy.AIAuthored, verdict.Evidence
	if fetched.Status == config.Loaded {
		res.Stats.Config = fetched.Source
	}
	metas := make([]checks.Meta, 0, len(reg.Rules()))
	for _, r := range reg.Rules() {
		metas = append(metas, r.Meta())
	}
	opts := report.Options{Color: useColor(cf.color, stdout), Version: buildVersion(), Rules: metas}
	if err := report.Write(stdout, format, res, opts); err != nil {
		return fail("write report: %v", err)
	}
	if sarifOut != nil {
		if err := report.Write(sarifOut.f, report.SARIF, res, opts); err != nil {
			return fail("--sarif: write %s: %v", cf.sarifFile, err)
		}
		if err := sarifOut.commit(); err != nil {
			return fail("--sarif: %v", err)
		}
	}
	if threshold != checks.SeverityNone && report.Count(res, threshold) > 0 {
		return exitFindings
	}
	return exitOK
}

func parseFailOn(s string) (checks.Severity, error) {
	if strings.EqualFold(s, "never") || strings.EqualFold(s, "none") {
		return checks.SeverityNone, nil
	}
	sev, err := checks.ParseSeverity(s)
	if err != nil {
		return checks.SeverityNone, fmt.Errorf("--fail-on: %v, or never", err)
	}
	return sev, nil
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// openInput returns the diff source. A terminal on stdin means the user
// forgot the pipe: waiting silently for input would look like a hang.
func openInput(arg string, stdin io.Reader) (io.Reader, string, func(), error) {
	if arg == "" || arg == "-" {
		if f, ok := stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				return nil, "", nil, errors.New("no diff given: pass a file, or pipe one in (git diff origin/main... | app check)")
			}
		}
		return bufio.NewReaderSize(stdin, 1<<20), "stdin", func() {}, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, "", nil, fmt.Errorf("read diff: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, "", nil, fmt.Errorf("read diff: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, "", nil, fmt.Errorf("read diff: %s is a directory, not a diff file", arg)
	}
	return f, arg, func() { f.Close() }, nil
}

func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func listRules(w io.Writer, reg *checks.Registry) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tFAMILY\tLANGUAGES\tSEVERITY\tDESCRIPTION")
	for _, r := range reg.Rules() {
		m := r.Meta()
		langs := "all"
		if len(m.Languages) > 0 {
			names := make([]string, len(m.Languages))
			for i, l := range m.Languages {
				names[i] = string(l)
			}
			langs = strings.Join(names, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Family, langs, m.Severity, m.Summary)
	}
	tw.Flush()
}

// pendingFile is an output written whole or not at all: it goes to a
// temporary file beside its target and is renamed into place only once
// complete, so a failed review leaves no half-written SARIF for an upload
// step to choke on.
type pendingFile struct {
	f    *os.File
	path string
	done bool
}

func createPending(path string) (*pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		// The error names the temporary file, which the user never chose.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot create %s: %w", path, err)
	}
	// CreateTemp makes the file private; a report is not.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &pendingFile{f: f, path: path}, nil
}

func (p *pendingFile) commit() error {
	if err := p.f.Close(); err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	if err := os.Rename(p.f.Name(), p.path); err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("cannot put %s in place: %w", p.path, err)
	}
	p.done = true
	return nil
}

// discard removes the temporary file unless commit put it in place.
func (p *pendingFile) discard() {
	if p.done {
		return
	}
	p.f.Close()
	os.Remove(p.f.Name())
}
