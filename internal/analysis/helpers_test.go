package analysis

import "github.com/prodready/prodready/internal/checks"

func findingWith(title, msg string, start, end, col int) checks.Finding {
	return checks.Finding{RuleID: "x-rule", Title: title, Message: msg, Path: "a.go", StartLine: start, EndLine: end, StartColumn: col, Severity: checks.Warning}
}
