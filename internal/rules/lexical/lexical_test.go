package lexical

import (
	"context"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
)

// capture records the span of every added line holding "Query".
type capture struct {
	checks.Described
	spans *[]Span
}

func (c capture) CheckLine(_ *checks.FileContext, v *checks.HunkView, i int) {
	*c.spans = append(*c.spans, LineSpan(v, i))
}

func TestLineSpanSliceTrim(t *testing.T) {
	var spans []Span
	rule := capture{checks.Described{M: checks.Meta{ID: "capture", Family: "test", Title: "t", Summary: "s", Severity: checks.Notice, Keywords: []string{"Query"}}}, &spans}
	reg, err := checks.NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	src := "diff --git a/a.go b/a.go\nnew file mode 100644\n--- /dev/null\n+++ b/a.go\n@@ -0,0 +1 @@\n+  db.Query(\"SELECT \" + name) // why  \n"
	if _, err := checks.NewEngine(reg, checks.Options{Workers: 1}).RunDiff(context.Background(), strings.NewReader(src)); err != nil {
		t.Fatal(err)
	}
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Raw == s.Code || len(s.Raw) != len(s.Code) || strings.Contains(s.Code, "SELECT") || strings.Contains(s.Code, "why") {
		t.Fatalf("span %+v: code must blank the string and the comment, keeping lengths", s)
	}
	// Trim reads the code, where the comment is blank: it goes too.
	if tr := s.Trim(); tr.Raw != `db.Query("SELECT " + name)` {
		t.Errorf("trimmed raw %q", tr.Raw)
	}
	if got := s.Slice(2, 10).Code; got != "db.Query" {
		t.Errorf("slice %q", got)
	}
}
