package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	suggestpkg "github.com/prodready/prodready/internal/suggest"
)

// Parse reads a configuration file. The error, when not nil, is an *Error
// listing every problem found, not only the first.
func Parse(src []byte, file string, cat Catalog) (cfg *Config, err error) {
	ps := newProblems(src)
	defer func() {
		if r := recover(); r != nil {
			ps.add(1, 1, "cannot parse this file (malformed YAML)")
			cfg, err = nil, ps.err(file)
		}
	}()
	cfg = &Config{}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		ps.addYAMLError(err)
		return nil, ps.err(file)
	}
	var root ast.Node
	for _, doc := range f.Docs {
		if doc.Body == nil {
			continue
		}
		if root != nil {
			tk := doc.Body.GetToken()
			ps.add(tk.Position.Line, tk.Position.Column, "only one YAML document is allowed")
			continue
		}
		root = doc.Body
	}
	if root == nil {
		ps.add(1, 1, "the file is empty: start it with 'version: %d'", SchemaVersion)
		return nil, ps.err(file)
	}
	m, ok := unwrap(root).(*ast.MappingNode)
	if !ok {
		tk := root.GetToken()
		ps.add(tk.Position.Line, tk.Position.Column, "the configuration must be a mapping (key: value lines), not %s", describe(root))
		return nil, ps.err(file)
	}
	d := &decoder{ps: ps, cat: cat}
	d.config(m, cfg)
	if err := ps.err(file); err != nil {
		return nil, err
	}
	return cfg, nil
}

type decoder struct {
	ps  *problems
	cat Catalog
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

func describe(n ast.Node) string {
	switch unwrap(n).(type) {
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode:
		return "a mapping"
	case *ast.NullNode:
		return "empty"
	}
	return "a scalar"
}

func pos(n ast.Node) (int, int) {
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 1, 1
	}
	return tk.Position.Line, tk.Position.Column
}

func keyName(mv *ast.MappingValueNode) string {
	if s, ok := mv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return strings.Trim(mv.Key.String(), `"'`)
}

// value decodes one node strictly into v, recording any error with its
// position; decoding node by node is what lets one pass report every
// problem instead of the first.
func (d *decoder) value(n ast.Node, v any) (ok bool) {
	// go-yaml v1.19.2 panics on some malformed tagged values (found by
	// FuzzParse); a configuration file must never take the process down.
	defer func() {
		if r := recover(); r != nil {
			l, c := pos(n)
			d.ps.add(l, c, "cannot read this value (malformed YAML)")
			ok = false
		}
	}()
	if err := yaml.NodeToValue(n, v, yaml.Strict()); err != nil {
		d.ps.addYAMLError(err)
		return false
	}
	return true
}

func (ps *problems) addYAMLError(err error) {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			ps.add(tk.Position.Line, tk.Position.Column, "%s", ye.GetMessage())
			return
		}
		ps.add(1, 1, "%s", ye.GetMessage())
		return
	}
	ps.add(1, 1, "%v", err)
}

func (d *decoder) mapping(n ast.Node, what string) *ast.MappingNode {
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		return v
	case *ast.NullNode:
		return nil
	}
	line, col := pos(n)
	d.ps.add(line, col, "%s must be a mapping, not %s", what, describe(n))
	return nil
}

var topLevelKeys = []string{"version", "fail_on", "max_annotations", "paths", "languages", "tests", "families", "rules", "profiles"}

func (d *decoder) config(m *ast.MappingNode, cfg *Config) {
	seen := map[string]bool{}
	for _, mv := range m.Values {
		key := keyName(mv)
		kl, kc := pos(mv.Key)
		if seen[key] {
			d.ps.add(kl, kc, "%q is set twice", key)
			continue
		}
		seen[key] = true
		switch key {
		case "version":
			if d.value(mv.Value, &cfg.Version) && cfg.Version != SchemaVersion {
				l, c := pos(mv.Value)
				d.ps.add(l, c, "unsupported version %d: this build reads version %d", cfg.Version, SchemaVersion)
			}
		case "fail_on":
			if d.value(mv.Value, &cfg.FailOn) {
				d.failOn(mv.Value, cfg.FailOn)
			}
		case "max_annotations":
			if d.value(mv.Value, &cfg.MaxAnnotations) && (cfg.MaxAnnotations < 0 || cfg.MaxAnnotations > MaxAnnotationsLimit) {
				l, c := pos(mv.Value)
				d.ps.add(l, c, "max_annotations must be between 0 and %d, got %d", MaxAnnotationsLimit, cfg.MaxAnnotations)
			}
		case "paths":
			if d.value(mv.Value, &cfg.Paths) {
				d.globs(mv.Value, cfg.Paths)
			}
		case "languages":
			if d.value(mv.Value, &cfg.Languages) {
				d.languages(mv.Value, cfg.Languages)
			}
		case "tests":
			if d.value(mv.Value, &cfg.Tests) {
				d.globList(mv.Value, "patterns", cfg.Tests.Patterns)
			}
		case "families":
			cfg.Families = d.settingsMap(mv.Value, "families", true)
		case "rules":
			cfg.Rules = d.settingsMap(mv.Value, "rules", false)
		case "profiles":
			d.profiles(mv.Value, &cfg.Profiles)
		default:
			d.ps.add(kl, kc, "unknown field %q%s (known: %s)", key, suggest(key, topLevelKeys), strings.Join(topLevelKeys, ", "))
		}
	}
	if !seen["version"] {
		d.ps.add(1, 1, "missing 'version: %d' (the schema version this file is written for)", SchemaVersion)
	}
}

func (d *decoder) failOn(n ast.Node, s string) {
	switch strings.ToLower(s) {
	case "failure", "warning", "notice", "never":
		return
	}
	l, c := pos(n)
	d.ps.add(l, c, "fail_on must be failure, warning, notice or never, got %q", s)
}

func (d *decoder) severity(n ast.Node, s string) {
	switch strings.ToLower(s) {
	case "", "failure", "warning", "notice":
		return
	}
	l, c := pos(n)
	d.ps.add(l, c, "severity must be failure, warning or notice, got %q", s)
}

// field finds the value node of key in a mapping node, for positions.
func field(n ast.Node, key string) ast.Node {
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return n
	}
	for _, mv := range m.Values {
		if keyName(mv) == key {
			return mv.Value
		}
	}
	return n
}

// item finds the i-th element of a sequence node, for positions.
func item(n ast.Node, i int) ast.Node {
	if s, ok := unwrap(n).(*ast.SequenceNode); ok && i < len(s.Values) {
		return s.Values[i]
	}
	return n
}

func (d *decoder) globs(n ast.Node, pf PathFilter) {
	d.globList(field(n, "include"), "", pf.Include)
	d.globList(field(n, "exclude"), "", pf.Exclude)
}

func (d *decoder) globList(n ast.Node, key string, globs []string) {
	if key != "" {
		n = field(n, key)
	}
	for i, g := range globs {
		if g == "" || !doublestar.ValidatePattern(g) {
			l, c := pos(item(n, i))
			d.ps.add(l, c, "invalid glob %q", g)
		}
	}
}

var knownLanguages = []string{"go", "python", "javascript", "typescript", "java", "kotlin", "ruby", "php", "csharp", "c", "cpp", "rust", "shell", "yaml", "json", "toml", "xml", "html", "dockerfile", "terraform", "sql", "markdown", "properties", "dotenv"}

var languageAliases = map[string]string{
	"golang": "go", "py": "python", "python3": "python", "js": "javascript", "node": "javascript",
	"ts": "typescript", "sh": "shell", "bash": "shell", "yml": "yaml", "c#": "csharp", "c++": "cpp",
	"docker": "dockerfile", "tf": "terraform", "md": "markdown", "env": "dotenv",
}

func (d *decoder) languages(n ast.Node, langs map[string]bool) {
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return
	}
	for _, mv := range m.Values {
		k := keyName(mv)
		if !contains(knownLanguages, k) {
			l, c := pos(mv.Key)
			hint := suggest(k, knownLanguages)
			if alias, ok := languageAliases[strings.ToLower(k)]; ok {
				hint = fmt.Sprintf(" (did you mean %q?)", alias)
			}
			d.ps.add(l, c, "unknown language %q%s", k, hint)
		}
	}
}

func (d *decoder) settingsMap(n ast.Node, what string, families bool) map[string]RuleSettings {
	m := d.mapping(n, what)
	if m == nil {
		return nil
	}
	out := map[string]RuleSettings{}
	for _, mv := range m.Values {
		name := keyName(mv)
		l, c := pos(mv.Key)
		if _, dup := out[name]; dup {
			d.ps.add(l, c, "%q is set twice under %s", name, what)
			continue
		}
		if families && !d.cat.IsFamily(name) {
			d.ps.add(l, c, "unknown family %q%s (families: %s)", name, suggest(name, d.cat.Families()), strings.Join(d.cat.Families(), ", "))
			continue
		}
		if !families {
			if _, ok := d.cat.Family(name); !ok {
				hint := suggest(name, d.cat.RuleIDs())
				if d.cat.IsFamily(name) {
					hint = " (that is a family: move it under 'families')"
				}
				d.ps.add(l, c, "unknown rule %q%s (app check --list-rules shows them)", name, hint)
				continue
			}
		}
		var s RuleSettings
		if unwrap(mv.Value).Type() != ast.NullType && !d.value(mv.Value, &s) {
			continue
		}
		d.settings(mv.Value, name, s)
		out[name] = s
	}
	return out
}

func (d *decoder) settings(n ast.Node, owner string, s RuleSettings) {
	d.severity(field(n, "severity"), s.Severity)
	d.globs(field(n, "paths"), s.Paths)
	// Only the owners named: an option a family's rules share (secrets'
	// allow and patterns) set on one rule of it, or a rule option set on
	// a sibling rule that never reads it, would pass and do nothing.
	for _, opt := range s.usedOptions() {
		if !contains(optionOwners[opt], owner) {
			l, c := pos(field(n, opt))
			d.ps.add(l, c, "option %q does not apply to %q (it is read by %s)", opt, owner, ownersText(opt))
		}
	}
	if s.MinLogicLines != nil && *s.MinLogicLines < 1 {
		l, c := pos(field(n, "min_logic_lines"))
		d.ps.add(l, c, "min_logic_lines must be at least 1, got %d", *s.MinLogicLines)
	}
	for i, a := range s.Allow {
		if re, ok := regexLiteral(a); ok {
			if _, err := regexp.Compile(re); err != nil {
				l, c := pos(item(field(n, "allow"), i))
				d.ps.add(l, c, "invalid regex in allow: %v", simplifyRegexErr(err))
			}
		}
	}
	seenIDs := map[string]bool{}
	for i, p := range s.Patterns {
		pn := item(field(n, "patterns"), i)
		switch {
		case p.ID == "":
			l, c := pos(pn)
			d.ps.add(l, c, "a secret pattern needs an id")
		case seenIDs[p.ID]:
			l, c := pos(field(pn, "id"))
			d.ps.add(l, c, "secret pattern id %q is used twice", p.ID)
		}
		seenIDs[p.ID] = true
		if p.Regex == "" {
			l, c := pos(pn)
			d.ps.add(l, c, "secret pattern %q needs a regex", p.ID)
		} else if _, err := regexp.Compile(p.Regex); err != nil {
			l, c := pos(field(pn, "regex"))
			d.ps.add(l, c, "invalid regex for secret pattern %q: %v", p.ID, simplifyRegexErr(err))
		} else if len(PatternKeywords(p)) == 0 {
			l, c := pos(pn)
			d.ps.add(l, c, "secret pattern %q needs keywords: its regex starts with no literal of 3 or more characters to search for", p.ID)
		}
		if p.Entropy < 0 || p.Entropy > 8 {
			l, c := pos(field(pn, "entropy"))
			d.ps.add(l, c, "entropy must be between 0 and 8 bits per character, got %g", p.Entropy)
		}
		d.severity(field(pn, "severity"), p.Severity)
	}
}

func (d *decoder) profiles(n ast.Node, p *Profiles) {
	m := d.mapping(n, "profiles")
	if m == nil {
		return
	}
	for _, mv := range m.Values {
		name := keyName(mv)
		if name != "ai_authored" {
			l, c := pos(mv.Key)
			d.ps.add(l, c, "unknown profile %q (known: ai_authored)", name)
			continue
		}
		pm := d.mapping(mv.Value, "profiles.ai_authored")
		if pm == nil {
			continue
		}
		for _, pv := range pm.Values {
			key := keyName(pv)
			switch key {
			case "enabled":
				d.value(pv.Value, &p.AIAuthored.Enabled)
			case "detect":
				d.value(pv.Value, &p.AIAuthored.Detect)
			case "families":
				p.AIAuthored.Families = d.settingsMap(pv.Value, "profiles.ai_authored.families", true)
			case "rules":
				p.AIAuthored.Rules = d.settingsMap(pv.Value, "profiles.ai_authored.rules", false)
			default:
				l, c := pos(pv.Key)
				d.ps.add(l, c, "unknown field %q in profiles.ai_authored (known: enabled, detect, families, rules)", key)
			}
		}
	}
}

// regexLiteral recognises "/…/" allow entries.
func regexLiteral(s string) (string, bool) {
	if len(s) >= 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/") {
		return s[1 : len(s)-1], true
	}
	return "", false
}

func simplifyRegexErr(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns " (did you mean "x"?)" for the closest candidate within
// a small edit distance, or "".
func suggest(s string, candidates []string) string {
	return suggestpkg.Hint(s, candidates, 3)
}
