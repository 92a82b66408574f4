package config

import (
	"regexp"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// Policy is a configuration resolved for one run: what the engine asks
// per file and per finding, with every precedence already applied
// (defaults < family < rule < AI profile family < AI profile rule).
type Policy struct {
	FailOn         checks.Severity // SeverityNone: never fail
	MaxAnnotations int
	AIAuthored     bool

	include, exclude []string
	testPatterns     []string
	disabledLangs    map[diff.Language]bool
	rules            map[string]*ruleState
}

type ruleState struct {
	disabled bool
	severity checks.Severity // SeverityNone: the rule's default
	raise    int             // levels added by the default AI profile
	filters  []PathFilter
	opts     RuleSettings // options, merged family then rule
}

// defaultAIStricter are the rules the built-in AI-authored profile makes
// one level stricter when the configuration sets no profile of its own.
var defaultAIStricter = []string{"missing-tests", "placeholder-stub-code"}

// Policy resolves c for a run on a pull request that is (or is not)
// AI-authored.
func (c *Config) Policy(cat Catalog, aiAuthored bool) *Policy {
	p := &Policy{
		FailOn:         checks.Failure,
		MaxAnnotations: DefaultMaxAnnotations,
		AIAuthored:     aiAuthored,
		include:        c.Paths.Include,
		exclude:        c.Paths.Exclude,
		testPatterns:   c.Tests.Patterns,
		disabledLangs:  map[diff.Language]bool{},
		rules:          map[string]*ruleState{},
	}
	switch fo := strings.ToLower(c.FailOn); fo {
	case "never":
		p.FailOn = checks.SeverityNone
	case "":
	default:
		if s, err := checks.ParseSeverity(fo); err == nil {
			p.FailOn = s
		}
	}
	if c.MaxAnnotations > 0 {
		p.MaxAnnotations = c.MaxAnnotations
	}
	for lang, on := range c.Languages {
		if !on {
			p.disabledLangs[diff.Language(lang)] = true
		}
	}
	if c.Profiles.AIAuthored.Enabled != nil && !*c.Profiles.AIAuthored.Enabled {
		aiAuthored = false
		p.AIAuthored = false
	}
	for _, id := range cat.RuleIDs() {
		fam, _ := cat.Family(id)
		st := &ruleState{}
		apply := func(s RuleSettings, ok bool) {
			if !ok {
				return
			}
			if s.Enabled != nil {
				st.disabled = !*s.Enabled
			}
			if sev, err := checks.ParseSeverity(s.Severity); err == nil {
				st.severity = sev
			}
			if len(s.Paths.Include) > 0 || len(s.Paths.Exclude) > 0 {
				st.filters = append(st.filters, s.Paths)
			}
			mergeOptions(&st.opts, s)
		}
		s, ok := c.Families[fam]
		apply(s, ok)
		s, ok = c.Rules[id]
		apply(s, ok)
		if aiAuthored {
			prof := c.Profiles.AIAuthored
			if len(prof.Families) == 0 && len(prof.Rules) == 0 {
				for _, r := range defaultAIStricter {
					if r == id {
						st.raise = 1
					}
				}
			}
			s, ok = prof.Families[fam]
			apply(s, ok)
			s, ok = prof.Rules[id]
			apply(s, ok)
		}
		p.rules[id] = st
	}
	return p
}

func mergeOptions(dst *RuleSettings, s RuleSettings) {
	if s.MinLogicLines != nil {
		dst.MinLogicLines = s.MinLogicLines
	}
	dst.AllowCalls = append(dst.AllowCalls, s.AllowCalls...)
	dst.Allow = append(dst.Allow, s.Allow...)
	dst.Patterns = append(dst.Patterns, s.Patterns...)
}

// Enabled reports whether the rule runs at all.
func (p *Policy) Enabled(id string) bool {
	st, ok := p.rules[id]
	return !ok || !st.disabled
}

// Options returns the rule options the configuration sets for a rule.
func (p *Policy) Options(id string) RuleSettings {
	if st, ok := p.rules[id]; ok {
		return st.opts
	}
	return RuleSettings{}
}

// SkipFile reports whether the configuration keeps a file out of review.
func (p *Policy) SkipFile(path string, lang diff.Language) bool {
	if p.disabledLangs[lang] {
		return true
	}
	return !PathFilter{Include: p.include, Exclude: p.exclude}.Match(path)
}

// IsTest applies the extra test patterns on top of the conventions.
func (p *Policy) IsTest(path string) bool {
	if checks.IsTestPath(path) {
		return true
	}
	for _, g := range p.testPatterns {
		if ok, _ := doublestar.Match(g, path); ok {
			return true
		}
	}
	return false
}

// Adjust applies severity overrides and per-rule path filters; it returns
// false when the finding falls outside the rule's paths.
func (p *Policy) Adjust(f *checks.Finding) bool {
	st, ok := p.rules[f.RuleID]
	if !ok {
		return true
	}
	for _, pf := range st.filters {
		if !pf.Match(f.Path) {
			return false
		}
	}
	if st.severity != checks.SeverityNone {
		f.Severity = st.severity
	}
	for i := 0; i < st.raise; i++ {
		f.Severity = f.Severity.Raise()
	}
	return true
}

// Match reports whether path passes the filter.
func (pf PathFilter) Match(path string) bool {
	if len(pf.Include) > 0 {
		in := false
		for _, g := range pf.Include {
			if ok, _ := doublestar.Match(g, path); ok {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	for _, g := range pf.Exclude {
		if ok, _ := doublestar.Match(g, path); ok {
			return false
		}
	}
	return true
}

// AllowMatcher compiles secrets.allow entries: exact values, or /regex/.
func AllowMatcher(allow []string) func(string) bool {
	exact := map[string]bool{}
	var res []*regexp.Regexp
	for _, a := range allow {
		if re, ok := regexLiteral(a); ok {
			if r, err := regexp.Compile(re); err == nil {
				res = append(res, r)
			}
			continue
		}
		exact[a] = true
	}
	return func(v string) bool {
		if exact[v] {
			return true
		}
		for _, r := range res {
			if r.MatchString(v) {
				return true
			}
		}
		return false
	}
}
