package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/rules"
	"github.com/prodready/prodready/internal/suggest"
)

const explainUsage = `Usage: app explain [--format text|markdown] RULE

Prints the reference of one rule, the same text as its section of docs/rules.md:
why it matters, a bad and a good example, options and how to suppress it.
'app check --list-rules' lists the rule ids.

Flags:
`

// runExplain prints one rule's reference: markdown as in docs/rules.md, or
// the same text lightly reformatted for a terminal.
func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or markdown")
	fs.Usage = func() {
		fmt.Fprint(stderr, explainUsage)
		fs.PrintDefaults()
	}
	// Flags may come before or after the rule id.
	var ids []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if rest = fs.Args(); len(rest) == 0 {
			break
		}
		ids, rest = append(ids, rest[0]), rest[1:]
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "app explain: "+format+"\n", a...)
		return exitUsage
	}
	if *format != "text" && *format != "markdown" {
		return fail("unknown format %q (want text or markdown)", *format)
	}
	if len(ids) != 1 {
		if len(ids) == 0 {
			fmt.Fprintln(stderr, "app explain: name a rule")
		} else {
			fmt.Fprintf(stderr, "app explain: name one rule, not %d\n", len(ids))
		}
		fs.Usage()
		return exitUsage
	}
	id := ids[0]
	reg, err := rules.Registry()
	if err != nil {
		return fail("%v", err)
	}
	md, ok := rules.Section(reg, id)
	if !ok {
		hint := suggest.Hint(id, reg.RuleIDs(), 4)
		if reg.IsFamily(id) {
			hint = fmt.Sprintf(" (that is a family: 'app check --list-rules --rules %s' lists its rules)", id)
		}
		return fail("unknown rule %q%s", id, hint)
	}
	if *format == "markdown" {
		fmt.Fprint(stdout, md)
		return exitOK
	}
	fmt.Fprint(stdout, terminalText(md))
	return exitOK
}

// bold is markdown's **strong** span.
var bold = regexp.MustCompile(`\*\*([^*\s](?:[^*]*[^*\s])?)\*\*`)

// unbold drops the bold markers outside `code spans`, where ** is part of
// a glob such as "testdata/**".
func unbold(line string) string {
	parts := strings.Split(line, "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = bold.ReplaceAllString(parts[i], "$1")
	}
	return strings.Join(parts, "`")
}

// terminalText reformats a rule's markdown for a terminal without changing
// its words: the heading is underlined, bold labels become upper-case
// headings, bold markers go, and code blocks are indented under the path
// they are checked as instead of being fenced.
func terminalText(md string) string {
	var b strings.Builder
	inCode := false
	for _, line := range strings.Split(strings.TrimRight(md, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			if inCode {
				inCode = false
				continue
			}
			inCode = true
			fields := strings.Fields(strings.TrimPrefix(line, "```"))
			for _, f := range fields[min(1, len(fields)):] {
				if p, ok := strings.CutPrefix(f, "path="); ok {
					fmt.Fprintf(&b, "  %s:\n", p)
				}
			}
		case inCode:
			trimmed := strings.TrimLeft(line, "\t")
			indent := strings.Repeat("    ", len(line)-len(trimmed))
			if line == "" {
				b.WriteString("\n")
				continue
			}
			fmt.Fprintf(&b, "    %s%s\n", indent, trimmed)
		case strings.HasPrefix(line, "### "):
			title := strings.TrimPrefix(line, "### ")
			fmt.Fprintf(&b, "%s\n%s\n", title, strings.Repeat("=", len(title)))
		case strings.HasPrefix(line, "**") && strings.HasSuffix(line, "**") && len(line) > 4 && !strings.Contains(line[2:len(line)-2], "**"):
			b.WriteString(strings.ToUpper(line[2:len(line)-2]) + "\n")
		default:
			b.WriteString(unbold(line) + "\n")
		}
	}
	return b.String()
}
