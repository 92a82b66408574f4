package main

import (
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/rules"
)

func TestExplainText(t *testing.T) {
	code, out, errOut := runApp(t, "", "explain", "secret-provider-token")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"secret-provider-token\n=====================\n",
		"WHY IT MATTERS\n", "CWE-798", "BAD\n", "GOOD\n", "SUPPRESS\n",
		"  internal/releases/client.go:\n    package releases\n",
		"        req.Header.Set(", // a tab in the Go example is four spaces
		"prodready:ignore secret-provider-token -- <reason>",
		"    rules:\n      secret-provider-token:\n        enabled: false\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  ") {
			continue // code, where ** is a glob
		}
		for _, unwanted := range []string{"```", "**", "### "} {
			if strings.Contains(line, unwanted) {
				t.Errorf("terminal text still holds markdown %q: %q", unwanted, line)
			}
		}
	}
	if got := terminalText("**Title.** globs `a/**`, `b/**` stay\n"); got != "Title. globs `a/**`, `b/**` stay\n" {
		t.Errorf("bold markers: got %q", got)
	}
}

// TestExplainMarkdownIsTheReference: the markdown form is, byte for byte,
// the rule's section of docs/rules.md, so the terminal and the links of the
// annotations never disagree.
func TestExplainMarkdownIsTheReference(t *testing.T) {
	reg, err := rules.Registry()
	if err != nil {
		t.Fatal(err)
	}
	ref := rules.Reference(reg)
	for _, id := range reg.RuleIDs() {
		// Flags may follow the rule id.
		code, out, errOut := runApp(t, "", "explain", id, "--format", "markdown")
		if code != exitOK || errOut != "" {
			t.Fatalf("%s: exit %d, stderr %q", id, code, errOut)
		}
		if !strings.HasPrefix(out, "### "+id+"\n") || !strings.Contains(ref, "\n"+out) {
			t.Errorf("%s: the markdown is not the rule's section of the reference:\n%s", id, out)
		}
		if code, _, _ := runApp(t, "", "explain", id); code != exitOK {
			t.Errorf("%s: text form exits %d", id, code)
		}
	}
}

func TestExplainErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // the first line of stderr
	}{
		{"typo", []string{"explain", "secret-provider-tokn"}, `app explain: unknown rule "secret-provider-tokn" (did you mean "secret-provider-token"?)`},
		{"far off", []string{"explain", "no-such-thing"}, `app explain: unknown rule "no-such-thing"`},
		{"family", []string{"explain", "secrets"}, `app explain: unknown rule "secrets" (that is a family: 'app check --list-rules --rules secrets' lists its rules)`},
		{"no rule", []string{"explain"}, "app explain: name a rule"},
		{"two rules", []string{"explain", "missing-tests", "sql-string-built"}, "app explain: name one rule, not 2"},
		{"bad format", []string{"explain", "--format", "html", "missing-tests"}, `app explain: unknown format "html" (want text or markdown)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runApp(t, "", c.args...)
			if code != exitUsage || out != "" {
				t.Fatalf("exit %d, stdout %q; want exit %d and no output", code, out, exitUsage)
			}
			if first, _, _ := strings.Cut(errOut, "\n"); first != c.want {
				t.Errorf("stderr starts %q, want %q", first, c.want)
			}
		})
	}
	_, _, errOut := runApp(t, "", "explain")
	if !strings.Contains(errOut, "app check --list-rules") {
		t.Errorf("usage does not say where the rule ids are:\n%s", errOut)
	}
	if code, _, _ := runApp(t, "", "explain", "-h"); code != exitOK {
		t.Errorf("explain -h exits %d, want %d", code, exitOK)
	}
	if code, out, _ := runApp(t, "", "help"); code != exitOK || !strings.Contains(out, "app explain RULE") {
		t.Errorf("the usage does not list explain:\n%s", out)
	}
}
