package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// writeGitHub prints workflow commands, which GitHub Actions turns into
// annotations on the run and, for lines in the PR's diff, on the PR.
func writeGitHub(w io.Writer, res *checks.Result) error {
	bw := bufio.NewWriter(w)
	for _, f := range res.Findings {
		cmd := "notice"
		switch f.Severity {
		case checks.Failure:
			cmd = "error"
		case checks.Warning:
			cmd = "warning"
		}
		props := []string{
			"file=" + escapeProperty(f.Path),
			fmt.Sprintf("line=%d", f.StartLine),
			fmt.Sprintf("endLine=%d", f.EndLine),
		}
		if f.StartColumn > 0 && f.StartLine == f.EndLine {
			props = append(props, fmt.Sprintf("col=%d", f.StartColumn))
			if f.EndColumn > 0 {
				props = append(props, fmt.Sprintf("endColumn=%d", f.EndColumn))
			}
		}
		props = append(props, "title="+escapeProperty(f.Title+" ("+f.RuleID+")"))
		fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(f.Message))
	}
	fmt.Fprintf(bw, "%s\n", Summary(res))
	return bw.Flush()
}

// escapeData and escapeProperty follow the toolkit's command encoding.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
