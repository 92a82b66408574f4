package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func severityColor(s checks.Severity) string {
	switch s {
	case checks.Failure:
		return ansiRed
	case checks.Warning:
		return ansiYellow
	default:
		return ansiCyan
	}
}

// writeText lists findings grouped by file, in diff order, then a summary.
func writeText(w io.Writer, res *checks.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	lastPath := ""
	for _, f := range res.Findings {
		if f.Path != lastPath {
			if lastPath != "" {
				bw.WriteString("\n")
			}
			bw.WriteString(paint(ansiBold, f.Path) + "\n")
			lastPath = f.Path
		}
		pos := fmt.Sprintf("%d", f.StartLine)
		if f.StartColumn > 0 {
			pos += fmt.Sprintf(":%d", f.StartColumn)
		}
		fmt.Fprintf(bw, "  %-7s %s %s  %s\n", pos, paint(severityColor(f.Severity), fmt.Sprintf("%-7s", f.Severity)), paint(ansiDim, f.RuleID), f.Title)
		for _, line := range strings.Split(f.Message, "\n") {
			fmt.Fprintf(bw, "          %s\n", line)
		}
		if f.Evidence != "" {
			fmt.Fprintf(bw, "          %s\n", paint(ansiDim, "> "+f.Evidence))
		}
	}
	if len(res.Findings) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString(Summary(res) + "\n")
	return bw.Flush()
}

// Summary is the one-line account of a run.
func Summary(res *checks.Result) string {
	s := res.Stats
	var parts []string
	for _, sev := range []checks.Severity{checks.Failure, checks.Warning, checks.Notice} {
		if n := s.FindingsBySeverity[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	head := "no findings"
	if n := len(res.Findings); n > 0 {
		head = fmt.Sprintf("%d finding%s (%s)", n, plural(n), strings.Join(parts, ", "))
	}
	extra := ""
	if s.Suppressed > 0 {
		extra += fmt.Sprintf("; %d suppressed", s.Suppressed)
	}
	if s.BinaryFiles > 0 || s.SkippedFiles > 0 {
		extra += fmt.Sprintf("; %d binary and %d generated/vendored file%s skipped", s.BinaryFiles, s.SkippedFiles, plural(s.SkippedFiles))
	}
	return fmt.Sprintf("%s in %d file%s, %d added line%s%s, %d ms", head, s.Files, plural(s.Files), s.AddedLines, plural(s.AddedLines), extra, s.DurationMS)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
