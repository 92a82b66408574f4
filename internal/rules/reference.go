package rules

import (
	"fmt"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// Reference renders docs/rules.md from the registry, so that the rule
// reference every annotation links to cannot drift from the code.
func Reference(reg *checks.Registry) string {
	var b strings.Builder
	b.WriteString("# Rule reference\n\n")
	b.WriteString("Generated from the rule registry by `go run ./internal/tools/rulesdoc > docs/rules.md`; a test fails when it is out of date.\n\n")
	b.WriteString("Silence one finding with a comment on its line or the line above: `prodready:ignore <rule-id> -- <reason>`;\n")
	b.WriteString("a whole file with `prodready:ignore-file <rule-id> -- <reason>` in its first 10 lines; tune rules in `.github/prodready.yml`.\n\n")
	b.WriteString("| Rule | Family | Languages | Default severity |\n|---|---|---|---|\n")
	for _, r := range reg.Rules() {
		m := r.Meta()
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", m.ID, m.ID, m.Family, languages(m), m.Severity)
	}
	for _, fam := range reg.Families() {
		fmt.Fprintf(&b, "\n## Family `%s`\n", fam)
		for _, r := range reg.Rules() {
			m := r.Meta()
			if m.Family != fam {
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n%s\n\n- Title: %s\n- Languages: %s\n- Default severity: %s\n", m.ID, m.Summary, m.Title, languages(m), m.Severity)
			fmt.Fprintf(&b, "- Suppress: `prodready:ignore %s -- <reason>`\n", m.ID)
		}
	}
	return b.String()
}

func languages(m checks.Meta) string {
	if len(m.Languages) == 0 {
		return "all"
	}
	names := make([]string, len(m.Languages))
	for i, l := range m.Languages {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}
