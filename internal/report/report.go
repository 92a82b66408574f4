// Package report renders engine results for people and machines: a
// terminal listing, JSON, SARIF 2.1.0 for code scanning, and GitHub Actions
// workflow commands. It reads only checks types, so the App's Check Run
// summary and the CLI share one notion of a finding.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// Format names an output format.
type Format string

const (
	Text   Format = "text"
	JSON   Format = "json"
	SARIF  Format = "sarif"
	GitHub Format = "github"
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON, SARIF, GitHub:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, json, sarif or github)", s)
}

// Options adjust rendering.
type Options struct {
	// Color enables ANSI colours in the text format.
	Color bool
	// Version is the tool version written into SARIF.
	Version string
	// Rules describes every rule that ran, for SARIF's rule table.
	Rules []checks.Meta
}

// Write renders res in format f.
func Write(w io.Writer, f Format, res *checks.Result, opts Options) error {
	switch f {
	case JSON:
		return writeJSON(w, res)
	case SARIF:
		return writeSARIF(w, res, opts)
	case GitHub:
		return writeGitHub(w, res)
	default:
		return writeText(w, res, opts)
	}
}

// Count returns how many findings are at or above threshold.
func Count(res *checks.Result, threshold checks.Severity) int {
	n := 0
	for _, f := range res.Findings {
		if f.Severity >= threshold {
			n++
		}
	}
	return n
}
