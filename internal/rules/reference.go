package rules

import (
	"fmt"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/ruledocs"
)

// Reference renders docs/rules.md from the registry and the rule docs
// (internal/rules/ruledocs), so that the rule reference every annotation
// links to cannot drift from the code. A rule without a doc is rendered
// from its metadata alone; TestRuleDocs fails on it.
func Reference(reg *checks.Registry) string {
	docs, _ := ruledocs.All()
	var b strings.Builder
	b.WriteString("# Rule reference\n\n")
	b.WriteString("Generated from the rule registry and internal/rules/ruledocs by `go run ./internal/tools/rulesdoc > docs/rules.md`; a test fails when it is out of date.\n")
	b.WriteString("Every Bad and Good example below is run through the engine by that test: each Bad example is reported by its rule, no Good example is.\n")
	b.WriteString("`app explain <rule-id>` prints one rule's section in the terminal.\n\n")
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
			b.WriteString("\n")
			b.WriteString(section(m, docs[m.ID]))
		}
	}
	return b.String()
}

// Section renders the reference of one rule as markdown, the text of its
// part of docs/rules.md; ok is false when the registry has no such rule.
func Section(reg *checks.Registry, id string) (md string, ok bool) {
	r, ok := reg.Lookup(id)
	if !ok {
		return "", false
	}
	docs, _ := ruledocs.All()
	return section(r.Meta(), docs[id]), true
}

// section renders one rule. Its heading is the bare id, so that GitHub
// gives it the anchor docs/rules.md#<rule-id> every annotation links to;
// the parts below it are bold labels, not headings, so that they add no
// anchors of their own.
func section(m checks.Meta, d *ruledocs.Doc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n**%s.** %s\n\n", m.ID, strings.TrimSuffix(m.Title, "."), m.Summary)
	fmt.Fprintf(&b, "- Family: `%s`\n- Languages: %s\n- Default severity: `%s`\n", m.Family, languages(m), m.Severity)
	if d != nil {
		for _, s := range []struct{ name, label string }{
			{ruledocs.Why, "Why it matters"},
			{ruledocs.Bad, "Bad"},
			{ruledocs.Good, "Good"},
			{ruledocs.Options, "Options"},
			{ruledocs.Notes, "Notes"},
		} {
			if text := d.Section(s.name); text != "" {
				fmt.Fprintf(&b, "\n**%s**\n\n%s\n", s.label, text)
			}
		}
	}
	b.WriteString("\n**Suppress**\n\n")
	fmt.Fprintf(&b, "- One finding: a comment on its line or the line above, `%s` (without a reason after `--` it silences nothing).\n", directiveExample(m, d))
	fmt.Fprintf(&b, "- A whole file: `prodready:ignore-file %s -- <reason>` in its first 10 lines.\n", m.ID)
	if checks.HonoursNosec(m.Family) {
		b.WriteString("- A gosec/Bandit `nosec` or Semgrep `nosemgrep` marker on the line counts too.\n")
	}
	b.WriteString("- The repository, in `.github/prodready.yml`:\n\n")
	b.WriteString("```yaml\n")
	b.WriteString(ConfigSnippet(m.ID))
	b.WriteString("```\n")
	return b.String()
}

// ConfigSnippet is the configuration the reference shows for turning a
// rule off, with its alternatives commented out; the docs test parses it
// both as it is and with those lines uncommented.
func ConfigSnippet(id string) string {
	return fmt.Sprintf(`version: 1
rules:
  %s:
    enabled: false
    # severity: notice                    # or keep it, at a lower level
    # paths: {exclude: ["testdata/**"]}   # or skip some files
`, id)
}

// directiveExample writes the inline directive in the comment syntax of
// the rule's first Bad example.
func directiveExample(m checks.Meta, d *ruledocs.Doc) string {
	lang := ""
	if d != nil {
		if bl := d.Examples(ruledocs.Bad); len(bl) > 0 {
			lang = bl[0].Lang
			if bl[0].IsDiff() {
				lang = ""
			}
		}
	}
	if lang == "" && len(m.Languages) > 0 {
		lang = string(m.Languages[0])
	}
	directive := fmt.Sprintf("prodready:ignore %s -- <reason>", m.ID)
	switch lang {
	case "go", "javascript", "js", "typescript", "ts", "java", "kotlin", "csharp", "rust":
		return "// " + directive
	case "html", "xml":
		return "<!-- " + directive + " -->"
	case "":
		return directive
	}
	return "# " + directive
}

func languages(m checks.Meta) string {
	if len(m.Languages) == 0 {
		return "all"
	}
	names := make([]string, len(m.Languages))
	for i, l := range m.Languages {
		names[i] = string(l)
		if l == diff.Unknown {
			names[i] = "other text files"
		}
	}
	return strings.Join(names, ", ")
}
