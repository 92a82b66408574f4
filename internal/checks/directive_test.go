package checks

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/diff"
)

func TestParseDirective(t *testing.T) {
	cases := []struct {
		line string
		want Directive
		ok   bool
	}{
		{`x := 1 // prodready:ignore todo-left -- tracked in #12`, Directive{Rules: []string{"todo-left"}, Reason: "tracked in #12", Column: 11}, true},
		{`# prodready:ignore a-rule,b-rule -- legacy API`, Directive{Rules: []string{"a-rule", "b-rule"}, Reason: "legacy API", Column: 3}, true},
		{`/* prodready:ignore a-rule -- why */`, Directive{Rules: []string{"a-rule"}, Reason: "why", Column: 4}, true},
		{`<!-- prodready:ignore-file a-rule -- generated docs -->`, Directive{File: true, Rules: []string{"a-rule"}, Reason: "generated docs", Column: 6}, true},
		{`// prodready:ignore a-rule`, Directive{Rules: []string{"a-rule"}, Column: 4}, true},
		{`-- prodready:ignore a-rule --`, Directive{Rules: []string{"a-rule"}, Column: 4}, true},
		{`plain code`, Directive{}, false},
	}
	for _, c := range cases {
		got, ok := ParseDirective(c.line)
		if ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseDirective(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func TestSuppression(t *testing.T) {
	reg, err := NewRegistry(
		fixmeRule{Described{Meta{ID: "todo-left", Family: "hygiene", Title: "FIXME", Summary: "s", Severity: Notice, Keywords: []string{"FIXME"}}}},
		fixmeRule{Described{Meta{ID: "todo-secret", Family: "secrets", Title: "FIXME", Summary: "s", Severity: Warning, Keywords: []string{"FIXME"}}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(reg, Options{Workers: 2})
	src := `diff --git a/a.go b/a.go
new file mode 100644
--- /dev/null
+++ b/a.go
@@ -0,0 +1,9 @@
+package a
+// FIXME one // prodready:ignore todo-left -- tracked in #1
+// prodready:ignore todo-left,todo-secret -- both
+// FIXME two
+// FIXME three // prodready:ignore todo-left
+var s = "prodready:ignore todo-left -- in a string" // FIXME four
+// FIXME five nosec
+// prodready:ignore todo-left -- two lines above does not count
+
diff --git a/b.py b/b.py
new file mode 100644
--- /dev/null
+++ b/b.py
@@ -0,0 +1,3 @@
+# prodready:ignore-file todo-secret -- fixtures for the scanner
+# FIXME six
+x = 1
`
	res, err := e.Run(context.Background(), diff.NewReader(strings.NewReader(src)))
	if err != nil {
		t.Fatal(err)
	}
	list := func(fs []Finding) string {
		var out []string
		for _, f := range fs {
			s := fmt.Sprintf("%s:%d %s", f.Path, f.StartLine, f.RuleID)
			if f.Suppression != nil {
				s += " (" + f.Suppression.Kind + ": " + f.Suppression.Reason + ")"
			}
			out = append(out, s)
		}
		return strings.Join(out, "\n")
	}
	wantKept := strings.Join([]string{
		"a.go:2 todo-secret",
		"a.go:5 todo-left",
		"a.go:5 todo-secret",
		"a.go:6 todo-left",
		"a.go:6 todo-secret",
		"a.go:7 todo-left",
		"b.py:2 todo-left",
	}, "\n")
	wantSuppressed := strings.Join([]string{
		"a.go:2 todo-left (inline: tracked in #1)",
		"a.go:4 todo-left (inline: both)",
		"a.go:4 todo-secret (inline: both)",
		"a.go:7 todo-secret (nosec: marked nosec/nosemgrep)",
		"b.py:2 todo-secret (file: fixtures for the scanner)",
	}, "\n")
	if got := list(res.Findings); got != wantKept {
		t.Errorf("kept:\n%s\nwant:\n%s", got, wantKept)
	}
	if got := list(res.Suppressed); got != wantSuppressed {
		t.Errorf("suppressed:\n%s\nwant:\n%s", got, wantSuppressed)
	}
	if res.Stats.Suppressed != 5 {
		t.Errorf("stats.suppressed = %d", res.Stats.Suppressed)
	}
}

// fixmeRule reports added lines holding "FIXME" (case-sensitive, so that
// directives naming todo-* rules do not match).
type fixmeRule struct{ Described }

func (r fixmeRule) CheckLine(fc *FileContext, v *HunkView, i int) {
	if strings.Contains(v.Lines[i].Text, "FIXME") {
		fc.Report(Finding{StartLine: v.Lines[i].NewLine, Message: "fixme"})
	}
}
