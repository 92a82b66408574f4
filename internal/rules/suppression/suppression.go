// Package suppression checks the prodready:ignore directives themselves: a
// suppression without a reason, or naming a rule that does not exist,
// silences nothing and is reported so that its author can fix it.
package suppression

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/suggest"
)

// ID is the rule's id.
const ID = "suppression-directive"

type rule struct {
	checks.Described
	known []string
}

// New returns the rule; known lists every rule id a directive may name.
func New(known []string) checks.Rule {
	return rule{
		Described: checks.Described{M: checks.Meta{
			ID:       ID,
			Family:   "suppression",
			Title:    "Invalid prodready:ignore directive",
			Summary:  "A prodready:ignore directive lacks a reason after --, names an unknown rule, or sits where it has no effect.",
			Severity: checks.Notice,
			Keywords: []string{"prodready:ignore"},
			Classes:  nil,
		}},
		known: append(slices.Clone(known), ID),
	}
}

func (r rule) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	d, ok := checks.DirectiveAt(v, i)
	if !ok {
		return
	}
	line := v.Lines[i].NewLine
	kind := "prodready:ignore"
	if d.File {
		kind = "prodready:ignore-file"
	}
	var problems []string
	if len(d.Rules) == 0 {
		problems = append(problems, fmt.Sprintf("%s names no rule: write `%s <rule-id> -- <reason>`", kind, kind))
	}
	for _, id := range d.Rules {
		if !slices.Contains(r.known, id) {
			problems = append(problems, fmt.Sprintf("%s names unknown rule %q%s", kind, id, suggest.Hint(id, r.known, 4)))
		}
	}
	if d.Reason == "" {
		problems = append(problems, fmt.Sprintf("%s has no reason after `--`, so it suppresses nothing: say why the finding does not apply", kind))
	}
	if d.File && line > 10 {
		problems = append(problems, "prodready:ignore-file only counts in the first 10 lines of a file")
	}
	if len(problems) == 0 {
		return
	}
	fc.Report(checks.Finding{StartLine: line, StartColumn: d.Column, Message: strings.Join(problems, "; ") + "."})
}
