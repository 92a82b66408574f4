package testcoverage

import (
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// TestMaskerMatchesMaskCode holds the rule's fast masker to the engine's
// conventions: the same code survives, line for line.
func TestMaskerMatchesMaskCode(t *testing.T) {
	sources := map[diff.Language]string{
		diff.Go:         "package x // pkg\n\nimport \"fmt\"\n\nfunc f() {\n\ts := `raw\nstill \"raw\" // no\n` + \"a\\\"b\" /* c */ + 'x'\n\t/* open\n\tstill\n\t*/ if s == \"\" { return }\n\tr := '\\''\n}\n",
		diff.JavaScript: "const t = `a ${b}\nc \\` d`; // x\nconst s = 'it\\'s' + \"q\"; /* a */ f(/* b */ 1)\n/**\n * doc\n */\nexport function g() { return '#'; }\n",
		diff.Python:     "x = 1  # c\ns = \"a#b\" + 'c\\'d'\ndef f():\n    \"\"\"Doc\n    if and or\n    \"\"\"\n    return '''x''' + r\"\\d\"\n# only\n",
		diff.Java:       "String s = \"// no\"; // yes\nchar c = '\"';\n/* a */ int x = 1; /* b\n c */ int y;\n",
		diff.Kotlin:     "val s = \"x\" // c\nval c = 'x'\n",
	}
	for lang, src := range sources {
		lines := strings.Split(src, "\n")
		want := checks.MaskCode(lang, lines)
		m := codeMasker{fam: familyOf(lang)}
		for i, l := range lines {
			got := m.line(l)
			if strings.TrimSpace(got) != strings.TrimSpace(want[i]) {
				t.Errorf("%s line %d %q:\n got  %q\n want %q", lang, i+1, l, got, want[i])
			}
		}
	}
}

// The engine's MaskCode reads Java text blocks and Kotlin raw strings as
// code; this masker blanks them, so that their prose is not counted.
func TestMaskerJVMTripleQuotes(t *testing.T) {
	m := codeMasker{fam: famJVM}
	want := []string{`String tb = """`, "", `  """;`, `val s = """   `, `   """ + x`}
	for i, l := range []string{`String tb = """`, "  text block if", `  """;`, `val s = """raw`, `if """ + x`} {
		if got := m.line(l); got != want[i] {
			t.Errorf("line %d %q = %q, want %q", i, l, got, want[i])
		}
	}
}

func TestMaskerEdges(t *testing.T) {
	m := codeMasker{fam: famGo}
	for _, s := range []string{"", "\"", "'\\", "\"abc\\", "/", "/*", "`"} {
		_ = m.line(s)
		m.state = inCode
	}
	if got := m.line("x := 1 // note"); got != "x := 1        " {
		t.Errorf("got %q", got)
	}
	if got := m.line("   // only a comment"); got != "" {
		t.Errorf("comment-only line = %q, want empty", got)
	}
	if got := m.line("plain code"); got != "plain code" {
		t.Errorf("plain line changed: %q", got)
	}
}
