// Package suppression checks the prodready:ignore directives themselves: a
// suppression without a reason, or naming a rule that does not exist,
// silences nothing and is reported so that its author can fix it.
package suppression

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prodready/prodready/internal/checks"
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
			problems = append(problems, fmt.Sprintf("%s names unknown rule %q%s", kind, id, closest(id, r.known)))
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

// closest suggests the known id nearest to id, when one is near.
func closest(id string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := distance(id, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
