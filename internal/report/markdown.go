package report

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prodready/prodready/internal/checks"
)

// MaxSummary is GitHub's limit on a check run's output.summary.
const MaxSummary = 65535

// SummaryInput is what a check-run summary says beyond the findings.
type SummaryInput struct {
	Result *checks.Result
	// Posted is how many annotations were posted; the rest are counted.
	Posted int
	// Conclusion is the check run's conclusion.
	Conclusion string
	FailOn     checks.Severity
	AIAuthored bool
	AIEvidence []string
	// ConfigSource names the configuration used ("" for defaults) and
	// ConfigProblems lists why it could not be used, when it could not.
	ConfigSource   string
	ConfigProblems string
	// NotAnalysed are files GitHub sent no patch for.
	NotAnalysed []string
	// Refused counts annotations GitHub refused for good (422), which the
	// run therefore lacks; RefusedMessage is GitHub's explanation.
	Refused        int
	RefusedMessage string
	Elapsed        time.Duration
}

// CheckRunSummary renders the Markdown summary of a check run, within
// GitHub's 65,535-character limit: sections that do not fit are cut with a
// note, never the whole summary.
func CheckRunSummary(in SummaryInput) string {
	res := in.Result
	var b strings.Builder
	st := res.Stats
	total := len(res.Findings)
	if total == 0 {
		b.WriteString("**No findings.** ")
	} else {
		fmt.Fprintf(&b, "**%d finding%s**: ", total, plural(total))
		var parts []string
		for _, sev := range []checks.Severity{checks.Failure, checks.Warning, checks.Notice} {
			if n := st.FindingsBySeverity[sev.String()]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sev))
			}
		}
		b.WriteString(strings.Join(parts, ", ") + ". ")
	}
	fmt.Fprintf(&b, "Reviewed %d file%s, %d added line%s in %s.", st.Files, plural(st.Files), st.AddedLines, plural(st.AddedLines), in.Elapsed.Round(time.Millisecond))
	if in.FailOn == checks.SeverityNone {
		b.WriteString(" The check never fails (`fail_on: never`).")
	} else {
		fmt.Fprintf(&b, " The check fails on findings at `%s` or above.", in.FailOn)
	}
	b.WriteString("\n")
	if total > in.Posted {
		fmt.Fprintf(&b, "\n%d finding%s shown as annotations; %d more not annotated (`max_annotations`), most severe first.\n", in.Posted, plural(in.Posted), total-in.Posted)
	}
	if in.Refused > 0 {
		fmt.Fprintf(&b, "\n**%d annotation%s refused by GitHub** and not shown inline", in.Refused, plural(in.Refused))
		if in.RefusedMessage != "" {
			// GitHub's message is one line the caller bounded.
			fmt.Fprintf(&b, " (GitHub said: %s)", escapeCell(in.RefusedMessage))
		}
		b.WriteString("; the findings still count above and in the tables below.\n")
	}
	if st.Suppressed > 0 {
		fmt.Fprintf(&b, "\n%d finding%s suppressed in the source (`prodready:ignore` or nosec).\n", st.Suppressed, plural(st.Suppressed))
	}
	if in.ConfigProblems != "" {
		fmt.Fprintf(&b, "\n### Configuration errors\n\nThe configuration could not be used, so the defaults applied:\n\n```\n%s\n```\n", truncateRunes(in.ConfigProblems, 8000))
	}

	if total > 0 {
		b.WriteString("\n### By rule\n\n| Family | Rule | Failure | Warning | Notice |\n|---|---|---:|---:|---:|\n")
		type row struct {
			family, rule string
			n            [4]int
		}
		rows := map[string]*row{}
		for _, f := range res.Findings {
			r, ok := rows[f.RuleID]
			if !ok {
				r = &row{family: f.Family, rule: f.RuleID}
				rows[f.RuleID] = r
			}
			r.n[f.Severity]++
		}
		keys := make([]string, 0, len(rows))
		for k := range rows {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := rows[keys[i]], rows[keys[j]]
			if a.family != c.family {
				return a.family < c.family
			}
			return a.rule < c.rule
		})
		for _, k := range keys {
			r := rows[k]
			fmt.Fprintf(&b, "| %s | [`%s`](%s%s) | %d | %d | %d |\n", r.family, r.rule, checks.DocBaseURL, r.rule, r.n[checks.Failure], r.n[checks.Warning], r.n[checks.Notice])
		}

		counts := map[string]int{}
		for _, f := range res.Findings {
			counts[f.Path]++
		}
		files := make([]string, 0, len(counts))
		for p := range counts {
			files = append(files, p)
		}
		sort.Slice(files, func(i, j int) bool {
			if counts[files[i]] != counts[files[j]] {
				return counts[files[i]] > counts[files[j]]
			}
			return files[i] < files[j]
		})
		b.WriteString("\n### Top files\n\n| File | Findings |\n|---|---:|\n")
		for i, p := range files {
			if i == 10 {
				fmt.Fprintf(&b, "| … %d more file%s | |\n", len(files)-10, plural(len(files)-10))
				break
			}
			fmt.Fprintf(&b, "| `%s` | %d |\n", escapeCell(p), counts[p])
		}
	}

	if len(in.NotAnalysed) > 0 {
		fmt.Fprintf(&b, "\n### Not analysed\n\nGitHub sent no patch for %d file%s (binary, or too large to show):\n\n", len(in.NotAnalysed), plural(len(in.NotAnalysed)))
		for i, p := range in.NotAnalysed {
			if i == 50 {
				fmt.Fprintf(&b, "- … and %d more\n", len(in.NotAnalysed)-50)
				break
			}
			fmt.Fprintf(&b, "- `%s`\n", escapeCell(p))
		}
	}

	b.WriteString("\n### Context\n\n")
	if in.AIAuthored {
		b.WriteString("- **AI-authored**: yes, so the stricter `ai_authored` profile applied. Evidence:\n")
		for _, e := range in.AIEvidence {
			fmt.Fprintf(&b, "  - %s\n", e)
		}
	} else {
		b.WriteString("- **AI-authored**: no signal found (commit trailers, generated-with lines, bot authors, branch prefixes, labels).\n")
	}
	if in.ConfigSource != "" {
		fmt.Fprintf(&b, "- **Configuration**: `%s`\n", in.ConfigSource)
	} else {
		b.WriteString("- **Configuration**: built-in defaults (no `.github/prodready.yml` on the base branch)\n")
	}
	if st.BinaryFiles > 0 || st.SkippedFiles > 0 {
		fmt.Fprintf(&b, "- **Skipped**: %d binary, %d generated, vendored, lockfile or excluded file%s\n", st.BinaryFiles, st.SkippedFiles, plural(st.SkippedFiles))
	}
	return truncateRunes(b.String(), MaxSummary)
}

func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s)
}

// truncateRunes cuts s to at most n characters (GitHub counts characters)
// on a rune boundary, saying that it did.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	const note = "\n\n… (cut to fit GitHub's limit)"
	keep := n - utf8.RuneCountInString(note)
	i := 0
	for k := range s {
		if keep == 0 {
			i = k
			break
		}
		keep--
	}
	return s[:i] + note
}
