// Package config reads .github/prodready.yml: the per-repository tuning of
// rules, paths, thresholds and the AI-authored profile. Parsing is strict
// and reports every problem with its line, column and a caret excerpt;
// nothing falls back silently. The package knows rules only through a
// Catalog, so it depends on neither the engine nor any rule family.
package config

import (
	"regexp"
	"strings"
)

// DefaultPath is where the App and the CLI look for the configuration.
const DefaultPath = ".github/prodready.yml"

// SchemaVersion is the only configuration version this build reads.
const SchemaVersion = 1

// Defaults that apply when the configuration leaves a setting out.
const (
	DefaultFailOn         = "failure"
	DefaultMaxAnnotations = 1000
	// MaxAnnotationsLimit keeps one check run within GitHub's means: at 50
	// annotations a request, 10,000 annotations are 200 writes.
	MaxAnnotationsLimit = 10000
)

// Config is one parsed configuration file.
type Config struct {
	Version int `yaml:"version"`
	// FailOn is the lowest severity that fails the check: failure, warning,
	// notice or never.
	FailOn string `yaml:"fail_on,omitempty"`
	// MaxAnnotations caps the annotations posted on one check run; the rest
	// are counted in the summary.
	MaxAnnotations int        `yaml:"max_annotations,omitempty"`
	Paths          PathFilter `yaml:"paths,omitempty"`
	// Languages turns whole languages off (or back on): {java: false}.
	Languages map[string]bool `yaml:"languages,omitempty"`
	Tests     TestSettings    `yaml:"tests,omitempty"`
	// Families and Rules tune rules by family name or rule id; a rule
	// setting wins over its family's.
	Families map[string]RuleSettings `yaml:"families,omitempty"`
	Rules    map[string]RuleSettings `yaml:"rules,omitempty"`
	Profiles Profiles                `yaml:"profiles,omitempty"`
}

// PathFilter keeps files matching Include (all when empty) and not Exclude.
// Patterns are doublestar globs over repository-relative paths.
type PathFilter struct {
	Include []string `yaml:"include,omitempty"`
	Exclude []string `yaml:"exclude,omitempty"`
}

// TestSettings override the test-file conventions.
type TestSettings struct {
	// Patterns are extra globs of files that count as tests.
	Patterns []string `yaml:"patterns,omitempty"`
}

// RuleSettings tune one rule or a whole family. Options that only some
// rules read are validated against the rules that read them.
type RuleSettings struct {
	Enabled  *bool      `yaml:"enabled,omitempty"`
	Severity string     `yaml:"severity,omitempty"`
	Paths    PathFilter `yaml:"paths,omitempty"`

	// missing-tests: logic lines a file must add before a test is expected.
	MinLogicLines *int `yaml:"min_logic_lines,omitempty"`
	// error-handling: calls whose discarded error is fine (e.g. "log.Sync").
	AllowCalls []string `yaml:"allow_calls,omitempty"`
	// secrets: values never reported, exact strings or /regex/.
	Allow []string `yaml:"allow,omitempty"`
	// secrets: extra token formats of the organisation.
	Patterns []SecretPattern `yaml:"patterns,omitempty"`
}

// SecretPattern is an organisation-specific token format.
type SecretPattern struct {
	ID       string   `yaml:"id"`
	Regex    string   `yaml:"regex"`
	Keywords []string `yaml:"keywords,omitempty"`
	// Entropy is the minimum Shannon entropy (bits per character) of the
	// match; 0 disables the gate.
	Entropy float64 `yaml:"entropy,omitempty"`
	// Severity defaults to failure.
	Severity string `yaml:"severity,omitempty"`
}

// Profiles hold settings applied only when a condition holds.
type Profiles struct {
	AIAuthored AIProfile `yaml:"ai_authored,omitempty"`
}

// AIProfile is applied when a pull request looks written by an AI agent.
type AIProfile struct {
	// Enabled turns detection off when false.
	Enabled  *bool                   `yaml:"enabled,omitempty"`
	Detect   AIDetect                `yaml:"detect,omitempty"`
	Families map[string]RuleSettings `yaml:"families,omitempty"`
	Rules    map[string]RuleSettings `yaml:"rules,omitempty"`
}

// AIDetect configures the signals of AI authorship; every list adds to the
// built-in defaults unless the matching *Only flag says otherwise.
type AIDetect struct {
	Trailers       *bool    `yaml:"trailers,omitempty"`
	GeneratedWith  *bool    `yaml:"generated_with,omitempty"`
	Agents         []string `yaml:"agents,omitempty"`
	BotAuthors     []string `yaml:"bot_authors,omitempty"`
	BranchPrefixes []string `yaml:"branch_prefixes,omitempty"`
	Labels         []string `yaml:"labels,omitempty"`
}

// Catalog is what the configuration is validated against: the rules and
// families of this build, and which options each reads.
type Catalog interface {
	// Family returns the family of rule id.
	Family(id string) (string, bool)
	// IsFamily reports whether name is a family.
	IsFamily(name string) bool
	// RuleIDs lists every rule id, for suggestions.
	RuleIDs() []string
	// Families lists every family name.
	Families() []string
}

// option names and the rules and families that read them. A family owner
// means the option applies to the family as a whole (set under families:).
var optionOwners = map[string][]string{
	"min_logic_lines": {"missing-tests", "tests"},
	"allow_calls":     {"go-error-discarded", "error-handling"},
	"allow":           {"secrets"},
	"patterns":        {"secrets"},
}

// usedOptions names the options set in s.
func (s RuleSettings) usedOptions() []string {
	var used []string
	if s.MinLogicLines != nil {
		used = append(used, "min_logic_lines")
	}
	if s.AllowCalls != nil {
		used = append(used, "allow_calls")
	}
	if s.Allow != nil {
		used = append(used, "allow")
	}
	if s.Patterns != nil {
		used = append(used, "patterns")
	}
	return used
}

func ownersText(opt string) string {
	return strings.Join(optionOwners[opt], " or ")
}

// PatternKeywords are the literals the engine searches for before running
// a secret pattern's regex: its keywords, else the regex's literal prefix.
func PatternKeywords(p SecretPattern) []string {
	if len(p.Keywords) > 0 {
		return p.Keywords
	}
	re, err := regexp.Compile(p.Regex)
	if err != nil {
		return nil
	}
	if prefix, _ := re.LiteralPrefix(); len(prefix) >= 3 {
		return []string{prefix}
	}
	return nil
}
