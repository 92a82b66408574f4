package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Registry is an immutable, validated set of rules.
type Registry struct {
	rules []Rule
	byID  map[string]Rule
	// keywords is built on first use: one prefilter over every line rule's
	// keywords, shared by every engine and language.
	keywords     *keywordIndex
	keywordsOnce sync.Once
}

// keywordIndex is the prefilter and its pattern numbering.
type keywordIndex struct {
	matcher  *literalSet
	patterns []string
	index    map[string]int
}

func (r *Registry) keywordIndex() *keywordIndex {
	r.keywordsOnce.Do(func() {
		kw := &keywordIndex{index: map[string]int{}}
		for _, rule := range r.rules {
			if _, ok := rule.(LineRule); !ok {
				continue
			}
			for _, k := range rule.Meta().Keywords {
				lk := asciiLower(k)
				if _, seen := kw.index[lk]; !seen {
					kw.index[lk] = len(kw.patterns)
					kw.patterns = append(kw.patterns, lk)
				}
			}
		}
		if len(kw.patterns) > 0 {
			kw.matcher = newLiteralSet(kw.patterns)
		}
		r.keywords = kw
	})
	return r.keywords
}

// NewRegistry validates the rules (unique ids, complete metadata, at least
// one check method) and keeps them in id order.
func NewRegistry(rules ...Rule) (*Registry, error) {
	r := &Registry{byID: make(map[string]Rule, len(rules))}
	var problems []string
	for _, rule := range rules {
		m := rule.Meta()
		if err := m.validate(); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if _, dup := r.byID[m.ID]; dup {
			problems = append(problems, fmt.Sprintf("rule %q registered twice", m.ID))
			continue
		}
		_, isLine := rule.(LineRule)
		_, isFile := rule.(FileRule)
		_, isDiff := rule.(DiffRule)
		if !isLine && !isFile && !isDiff {
			problems = append(problems, fmt.Sprintf("rule %q implements none of LineRule, FileRule, DiffRule", m.ID))
			continue
		}
		r.byID[m.ID] = rule
		r.rules = append(r.rules, rule)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid rule registry: %s", strings.Join(problems, "; "))
	}
	sort.Slice(r.rules, func(i, j int) bool { return r.rules[i].Meta().ID < r.rules[j].Meta().ID })
	return r, nil
}

// Rules returns the rules in id order.
func (r *Registry) Rules() []Rule { return slices.Clone(r.rules) }

// Lookup finds a rule by id.
func (r *Registry) Lookup(id string) (Rule, bool) {
	rule, ok := r.byID[id]
	return rule, ok
}

// Families lists the family names in use, sorted.
func (r *Registry) Families() []string {
	var fams []string
	for _, rule := range r.rules {
		if f := rule.Meta().Family; !slices.Contains(fams, f) {
			fams = append(fams, f)
		}
	}
	sort.Strings(fams)
	return fams
}

// Select keeps the rules named in only (all when empty) and drops those in
// disable. Names are rule ids or family names; an unknown name is an error
// so that a typo never silently turns a rule off.
func (r *Registry) Select(only, disable []string) (*Registry, error) {
	match := func(names []string) (map[string]bool, error) {
		set := map[string]bool{}
		for _, n := range names {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			found := false
			for _, rule := range r.rules {
				m := rule.Meta()
				if m.ID == n || m.Family == n {
					set[m.ID] = true
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("unknown rule or family %q (see --list-rules)", n)
			}
		}
		return set, nil
	}
	keep, err := match(only)
	if err != nil {
		return nil, err
	}
	drop, err := match(disable)
	if err != nil {
		return nil, err
	}
	out := &Registry{byID: map[string]Rule{}}
	for _, rule := range r.rules {
		id := rule.Meta().ID
		if (len(keep) > 0 && !keep[id]) || drop[id] {
			continue
		}
		out.rules = append(out.rules, rule)
		out.byID[id] = rule
	}
	return out, nil
}

// Family returns the family of rule id.
func (r *Registry) Family(id string) (string, bool) {
	rule, ok := r.byID[id]
	if !ok {
		return "", false
	}
	return rule.Meta().Family, true
}

// IsFamily reports whether name is the family of some rule.
func (r *Registry) IsFamily(name string) bool {
	for _, rule := range r.rules {
		if rule.Meta().Family == name {
			return true
		}
	}
	return false
}

// RuleIDs lists the rule ids in order.
func (r *Registry) RuleIDs() []string {
	ids := make([]string, len(r.rules))
	for i, rule := range r.rules {
		ids[i] = rule.Meta().ID
	}
	return ids
}
