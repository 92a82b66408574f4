// Package ruledocs holds the prose of the rule reference: one markdown file
// per rule, named <rule-id>.md, with fixed sections. Keeping the text out
// of the rules' Go code lets it be edited as documentation, while a test in
// package rules runs every example through the engine so that the
// reference cannot claim what a rule does not do.
//
// A file has these level-2 sections, in this order:
//
//	## Why       why the problem matters, with the evidence (required)
//	## Bad       code the rule reports (required)
//	## Good      the fix a reviewer asks for; the rule stays silent (required)
//	## Options   settings of .github/prodready.yml the rule reads (optional)
//	## Notes     what the rule deliberately ignores, false positives (optional)
//
// Bad and Good hold prose and at least one fenced code block. A block's
// info string names its language and the path it is checked under,
// "```go path=internal/api/user.go"; a "```diff" block is a unified diff
// and is checked as it is, for examples that need several files.
package ruledocs

import (
	"embed"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
)

//go:embed *.md
var files embed.FS

// Section names, in the order a file must give them.
const (
	Why     = "Why"
	Bad     = "Bad"
	Good    = "Good"
	Options = "Options"
	Notes   = "Notes"
)

var order = []string{Why, Bad, Good, Options, Notes}

var required = []string{Why, Bad, Good}

// Doc is one rule's documentation.
type Doc struct {
	ID string
	// Sections maps a section name to its markdown body, trimmed.
	Sections map[string]string
}

// Section returns the body of section name, or "".
func (d *Doc) Section(name string) string { return d.Sections[name] }

// Examples returns the fenced code blocks of section name.
func (d *Doc) Examples(name string) []Block { return Blocks(d.Sections[name]) }

// Block is a fenced code block.
type Block struct {
	// Lang is the first word of the info string ("go", "diff", "yaml").
	Lang string
	// Path is the info string's path= attribute, or "".
	Path string
	// Code is the block's content, ending in a newline.
	Code string
}

// IsDiff reports whether the block is a unified diff to check as it is.
func (b Block) IsDiff() bool { return b.Lang == "diff" }

// Blocks returns the fenced code blocks of a markdown text, in order.
func Blocks(md string) []Block {
	var out []Block
	var cur *Block
	var code strings.Builder
	for _, line := range strings.Split(md, "\n") {
		if cur == nil {
			if info, ok := strings.CutPrefix(line, "```"); ok {
				cur = &Block{}
				fields := strings.Fields(info)
				if len(fields) > 0 {
					cur.Lang = fields[0]
				}
				for _, f := range fields[min(1, len(fields)):] {
					if p, ok := strings.CutPrefix(f, "path="); ok {
						cur.Path = p
					}
				}
				code.Reset()
			}
			continue
		}
		if strings.TrimSpace(line) == "```" {
			cur.Code = code.String()
			out = append(out, *cur)
			cur = nil
			continue
		}
		code.WriteString(line)
		code.WriteByte('\n')
	}
	return out
}

// All parses every embedded document, keyed by rule id. The error lists
// every malformed file.
func All() (map[string]*Doc, error) {
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	docs := map[string]*Doc{}
	var problems []string
	for _, e := range entries {
		name := e.Name()
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		id := strings.TrimSuffix(name, path.Ext(name))
		d, err := Parse(id, string(b))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		docs[id] = d
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return docs, fmt.Errorf("rule docs: %s", strings.Join(problems, "; "))
	}
	return docs, nil
}

// Parse reads one document.
func Parse(id, md string) (*Doc, error) {
	d := &Doc{ID: id, Sections: map[string]string{}}
	var names []string
	var body strings.Builder
	current := ""
	inFence := false
	flush := func() {
		if current != "" {
			d.Sections[current] = strings.TrimSpace(body.String())
		}
		body.Reset()
	}
	for n, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence || strings.TrimSpace(line) != "```"
		}
		name, isHeading := strings.CutPrefix(line, "## ")
		if inFence || !isHeading {
			if current == "" && strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("%s.md:%d: text before the first section", id, n+1)
			}
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		flush()
		name = strings.TrimSpace(name)
		if !slices.Contains(order, name) {
			return nil, fmt.Errorf("%s.md:%d: unknown section %q (want %s)", id, n+1, name, strings.Join(order, ", "))
		}
		if slices.Contains(names, name) {
			return nil, fmt.Errorf("%s.md:%d: section %q given twice", id, n+1, name)
		}
		if len(names) > 0 && slices.Index(order, name) < slices.Index(order, names[len(names)-1]) {
			return nil, fmt.Errorf("%s.md:%d: section %q out of order (want %s)", id, n+1, name, strings.Join(order, ", "))
		}
		names = append(names, name)
		current = name
	}
	flush()
	if inFence {
		return nil, fmt.Errorf("%s.md: a code block is not closed", id)
	}
	for _, r := range required {
		if d.Sections[r] == "" {
			return nil, fmt.Errorf("%s.md: section %q is missing or empty", id, r)
		}
	}
	for _, s := range []string{Bad, Good} {
		blocks := d.Examples(s)
		if len(blocks) == 0 {
			return nil, fmt.Errorf("%s.md: section %q has no code block", id, s)
		}
		for _, b := range blocks {
			if !b.IsDiff() && b.Path == "" {
				return nil, fmt.Errorf("%s.md: a %q block in section %q has no path= (```%s path=dir/file.ext)", id, b.Lang, s, b.Lang)
			}
		}
	}
	return d, nil
}
