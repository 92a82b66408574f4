// Package checks is the review engine: the Rule interface, the registry, the
// concurrent runner and the platform-neutral Finding that every reporter
// (terminal, JSON, SARIF, GitHub Check Runs) consumes.
package checks

import (
	"fmt"
	"strings"
)

// Severity orders findings; the values match GitHub's annotation levels.
type Severity int8

const (
	SeverityNone Severity = iota
	Notice
	Warning
	Failure
)

func (s Severity) String() string {
	switch s {
	case Notice:
		return "notice"
	case Warning:
		return "warning"
	case Failure:
		return "failure"
	default:
		return "none"
	}
}

// ParseSeverity accepts failure, warning and notice (any case).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "failure", "error":
		return Failure, nil
	case "warning", "warn":
		return Warning, nil
	case "notice", "info":
		return Notice, nil
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want failure, warning or notice)", s)
}

// MarshalText makes severities appear as words in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses the words MarshalText writes.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Raise returns the next level up, capped at Failure.
func (s Severity) Raise() Severity {
	if s >= Failure {
		return Failure
	}
	return s + 1
}

// Lower returns the next level down, never below Notice.
func (s Severity) Lower() Severity {
	if s <= Notice {
		return Notice
	}
	return s - 1
}

// Finding is one problem on one added line range of one file.
type Finding struct {
	RuleID      string   `json:"rule"`
	Family      string   `json:"family"`
	Severity    Severity `json:"severity"`
	Path        string   `json:"path"`
	StartLine   int      `json:"start_line"`
	EndLine     int      `json:"end_line"`
	StartColumn int      `json:"start_column"`
	EndColumn   int      `json:"end_column"`
	Title       string   `json:"title"`
	Message     string   `json:"message"`
	// Evidence is the flagged source line with any secret on it masked.
	Evidence    string `json:"evidence,omitempty"`
	Fingerprint string `json:"fingerprint"`
	DocURL      string `json:"doc_url,omitempty"`
	// Suppression is set on findings silenced in the source; they are
	// counted and listed apart, never annotated.
	Suppression *Suppression `json:"suppression,omitempty"`

	fileIndex int
	// key is the unmasked, whitespace-normalised line the fingerprint is
	// computed from; it never leaves the process.
	key string
}

// Suppression records why a finding was silenced.
type Suppression struct {
	// Kind is "inline" (prodready:ignore on or above the line), "file"
	// (prodready:ignore-file) or "nosec" (a gosec/Bandit/Semgrep marker).
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}
