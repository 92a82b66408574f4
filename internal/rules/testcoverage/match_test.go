package testcoverage

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

func source(p string, lang diff.Language) checks.Observation {
	return checks.Observation{Path: p, Data: &summary{Path: p, Lang: lang, Logic: 12, Line: 3, Evidence: "x := 1"}}
}

func testFile(p string, lang diff.Language) checks.Observation {
	return checks.Observation{Path: p, Data: &summary{Path: p, Lang: lang, Test: true}}
}

// TestConcludeMatching runs Conclude on one source and one changed test:
// covered means the test lies in the source's matching scope.
func TestConcludeMatching(t *testing.T) {
	tests := []struct {
		src, test string
		srcLang   diff.Language
		testLang  diff.Language
		covered   bool
	}{
		{"internal/api/handler.go", "internal/api/handler_test.go", diff.Go, diff.Go, true},
		{"internal/api/handler.go", "internal/api/routes_test.go", diff.Go, diff.Go, true},
		{"internal/api/handler.go", "internal/store/handler_test.go", diff.Go, diff.Go, false},
		{"internal/api/handler.go", "internal/api/v2/handler_test.go", diff.Go, diff.Go, false},
		{"handler.go", "handler_test.go", diff.Go, diff.Go, true},
		{"internal/api/handler.go", "internal/api/testdata/golden.go", diff.Go, diff.Go, false},
		{"internal/api/handler.go", "internal/api/handler_test.py", diff.Go, diff.Python, false},

		{"app/services/billing.py", "tests/unit/test_billing.py", diff.Python, diff.Python, true},
		{"app/services/billing.py", "somewhere/else/billing_test.py", diff.Python, diff.Python, true},
		{"app/services/billing.py", "app/tests/test_auth.py", diff.Python, diff.Python, true},
		{"app/services/billing.py", "tests/test_auth.py", diff.Python, diff.Python, true},
		{"app/services/billing.py", "app/services/tests.py", diff.Python, diff.Python, true},
		{"app/services/billing.py", "other/tests/test_auth.py", diff.Python, diff.Python, false},
		{"app/services/billing.py", "app/services/test_invoices.py", diff.Python, diff.Python, false},
		{"billing.py", "test_billing.py", diff.Python, diff.Python, true},

		{"src/utils/format.ts", "src/utils/format.test.ts", diff.TypeScript, diff.TypeScript, true},
		{"src/utils/format.ts", "test/format.spec.ts", diff.TypeScript, diff.TypeScript, true},
		{"src/utils/format.ts", "src/utils/__tests__/format.ts", diff.TypeScript, diff.TypeScript, true},
		{"src/utils/format.js", "src/utils/format.test.ts", diff.JavaScript, diff.TypeScript, true},
		{"src/components/Button/index.tsx", "src/components/Button/Button.test.tsx", diff.TypeScript, diff.TypeScript, true},
		{"src/utils/format.ts", "src/utils/parse.test.ts", diff.TypeScript, diff.TypeScript, false},
		{"src/utils/format.ts", "src/utils/__tests__/parse.ts", diff.TypeScript, diff.TypeScript, false},

		{"src/main/java/com/acme/svc/OrderService.java", "src/test/java/com/acme/svc/OrderServiceTest.java", diff.Java, diff.Java, true},
		{"src/main/java/com/acme/svc/OrderService.java", "src/test/java/com/acme/svc/OrderServiceIT.java", diff.Java, diff.Java, true},
		{"src/main/java/com/acme/svc/OrderService.java", "src/test/java/com/acme/svc/TestOrderService.java", diff.Java, diff.Java, true},
		{"orders/src/main/java/com/acme/svc/OrderService.java", "orders/src/test/java/com/acme/svc/OrderServiceTests.java", diff.Java, diff.Java, true},
		{"src/main/java/com/acme/svc/OrderService.java", "src/test/java/com/acme/web/OrderServiceTest.java", diff.Java, diff.Java, false},
		{"src/main/java/com/acme/svc/OrderService.java", "src/test/java/com/acme/svc/OrderControllerTest.java", diff.Java, diff.Java, false},
		{"src/main/kotlin/com/acme/Slug.kt", "src/test/kotlin/com/acme/SlugTest.kt", diff.Kotlin, diff.Kotlin, true},
		{"src/main/kotlin/com/acme/Slug.kt", "src/test/java/com/acme/SlugTest.java", diff.Kotlin, diff.Java, true},
		{"app/src/main/java/com/acme/Cart.kt", "app/src/androidTest/java/com/acme/CartTest.kt", diff.Kotlin, diff.Kotlin, true},
		{"src/main/java/com/acme/Repo.java", "src/integrationTest/java/com/acme/RepoIT.java", diff.Java, diff.Java, true},
		{"src/main/java/com/acme/Repo.java", "src/main/java/com/acme/RepoTest.java", diff.Java, diff.Java, false},
		{"legacy/com/acme/Report.java", "legacy-tests/com/acme/ReportTest.java", diff.Java, diff.Java, true},
	}
	r := NewMissingTests()
	for _, tt := range tests {
		t.Run(tt.src+"~"+tt.test, func(t *testing.T) {
			got := r.Conclude([]checks.Observation{source(tt.src, tt.srcLang), testFile(tt.test, tt.testLang)})
			if covered := len(got) == 0; covered != tt.covered {
				t.Errorf("covered = %v, want %v (findings %v)", covered, tt.covered, got)
			}
		})
	}
}

func TestConcludeSeverityAndMessage(t *testing.T) {
	r := NewMissingTests()
	obs := []checks.Observation{
		{Path: "internal/api/handler.go", Data: &summary{Path: "internal/api/handler.go", Lang: diff.Go, Logic: 20, Line: 5, Exported: "ServeOrders", Evidence: "func ServeOrders() {"}},
		{Path: "app/billing.py", Data: &summary{Path: "app/billing.py", Lang: diff.Python, Logic: 14, Branches: 2, Line: 1}},
		{Path: "src/rank.ts", Data: &summary{Path: "src/rank.ts", Lang: diff.TypeScript, Logic: 11, Branches: 3, Line: 2}},
		{Path: "src/small.ts", Data: &summary{Path: "src/small.ts", Lang: diff.TypeScript, Logic: 9, Line: 2}},
		{Path: "README.md", Data: nil},
	}
	got := r.Conclude(obs)
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3: %+v", len(got), got)
	}
	want := []struct {
		path string
		sev  checks.Severity
		msg  string
	}{
		{"internal/api/handler.go", checks.Warning, "no test changed for handler.go (20 logic lines added, new public API ServeOrders); expected a change in a _test.go file in internal/api/."},
		{"app/billing.py", checks.Notice, "expected a change in test_billing.py, billing_test.py or a test under a tests/ directory above app/."},
		{"src/rank.ts", checks.Warning, "(11 logic lines added, 3 branches); expected a change in rank.test.ts, rank.spec.ts or __tests__/rank.*."},
	}
	for i, w := range want {
		f := got[i]
		if f.Path != w.path || f.Severity != w.sev || !strings.Contains(f.Message, w.msg) {
			t.Errorf("finding %d = %s %v %q, want %s %v containing %q", i, f.Path, f.Severity, f.Message, w.path, w.sev, w.msg)
		}
	}

	r.MinLogicLines = 5
	if got := r.Conclude(obs[3:4]); len(got) != 1 {
		t.Errorf("with MinLogicLines 5 a 9-line change must be reported, got %v", got)
	}
}

func TestExpectedJVM(t *testing.T) {
	got := expectedTests("orders/src/main/kotlin/com/acme/Slug.kt", diff.Kotlin)
	if want := "orders/src/test/kotlin/com/acme/SlugTest.kt (or SlugTests, SlugIT)"; got != want {
		t.Errorf("expectedTests = %q, want %q", got, want)
	}
	if got := expectedTests("main.go", diff.Go); got != "a _test.go file in the repository root" {
		t.Errorf("expectedTests root = %q", got)
	}
}

// run feeds a diff to an engine holding only this rule.
func run(t *testing.T, r *MissingTests, d string) []checks.Finding {
	t.Helper()
	reg, err := checks.NewRegistry(r)
	if err != nil {
		t.Fatal(err)
	}
	res, err := checks.NewEngine(reg, checks.Options{Workers: 4}).Run(context.Background(), diff.NewReader(strings.NewReader(d)))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func added(path, content string) string {
	var b bytes.Buffer
	if err := fixture.WriteAddedFile(&b, path, []byte(content)); err != nil {
		panic(err)
	}
	return b.String()
}

const goHandler = `package api

import "net/http"

// ordersHandler lists orders.
func ordersHandler(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	limit := 50
	orders, err := store.List(r.Context(), status, limit)
	if err != nil {
		http.Error(w, "list failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(orders)
	total := len(orders)
	w.Header().Set("X-Total", strconv.Itoa(total))
}
`

func TestObserveThroughEngine(t *testing.T) {
	r := NewMissingTests()
	got := run(t, r, added("internal/api/orders.go", goHandler))
	if len(got) != 1 || got[0].StartLine != 1 || got[0].Severity != checks.Notice || got[0].Evidence != "package api" {
		t.Fatalf("untested handler: got %+v", got)
	}
	if got := run(t, r, added("internal/api/orders.go", goHandler)+added("internal/api/orders_test.go", "package api\n")); len(got) != 0 {
		t.Errorf("tested handler: got %+v", got)
	}
	// A test that only loses lines does not cover new logic.
	deleted := "diff --git a/internal/api/old_test.go b/internal/api/old_test.go\n--- a/internal/api/old_test.go\n+++ b/internal/api/old_test.go\n@@ -1,2 +1,1 @@\n package api\n-func TestOld(t *testing.T) {}\n"
	if got := run(t, r, added("internal/api/orders.go", goHandler)+deleted); len(got) != 1 {
		t.Errorf("test with deletions only: got %+v", got)
	}
	r.MinLogicLines = 100
	if got := run(t, r, added("internal/api/orders.go", goHandler)); len(got) != 0 {
		t.Errorf("threshold 100: got %+v", got)
	}
}

// TestObserveDirect calls Observe on a hand-built FileContext, as a config
// layer or another engine would.
func TestObserveDirect(t *testing.T) {
	r := NewMissingTests()
	mk := func(p string, lang diff.Language, status diff.Status, lines ...string) *checks.FileContext {
		h := diff.Hunk{NewStart: 1}
		for i, l := range lines {
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Added, NewLine: i + 1, Text: l})
		}
		f := &diff.File{NewPath: p, Status: status, Language: lang, Hunks: []diff.Hunk{h}, AddedLines: len(lines)}
		return &checks.FileContext{Ctx: context.Background(), File: f, Views: []*checks.HunkView{{Hunk: &f.Hunks[0], Lines: h.Lines}}}
	}
	var body []string
	body = append(body, "", "def charge(order):")
	for i := range 11 {
		body = append(body, fmt.Sprintf("    step_%d = order.apply(%d)", i, i))
	}
	s, ok := r.Observe(mk("app/billing.py", diff.Python, diff.AddedFile, body...)).(*summary)
	// The new public def makes it a warning, so the scan stops at the threshold.
	if !ok || s.Test || s.Logic != 10 || !s.Partial || s.Line != 2 || s.Exported != "charge" || s.Evidence != "def charge(order):" {
		t.Errorf("source summary = %+v", s)
	}
	body[1] = "def _charge(order):"
	if s, ok := r.Observe(mk("app/billing.py", diff.Python, diff.AddedFile, body...)).(*summary); !ok || s.Logic != 12 || s.Partial || s.Exported != "" {
		t.Errorf("notice-level summary = %+v", s)
	}
	if s, ok := r.Observe(mk("tests/test_billing.py", diff.Python, diff.AddedFile, "def test_x(): pass")).(*summary); !ok || !s.Test {
		t.Errorf("test summary = %+v", s)
	}
	if d := r.Observe(mk("app/billing.py", diff.Python, diff.AddedFile, body[:6]...)); d != nil {
		t.Errorf("below threshold: got %+v", d)
	}
	if d := r.Observe(mk("scripts/backfill.py", diff.Python, diff.AddedFile, body...)); d != nil {
		t.Errorf("script: got %+v", d)
	}
	if d := r.Observe(mk("", diff.Python, diff.DeletedFile, body...)); d != nil {
		t.Errorf("deleted: got %+v", d)
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", maxEvidence)
	c := clip(long)
	if len(c) > maxEvidence || !strings.HasPrefix(long, c) || len(c) == 0 {
		t.Errorf("clip cut badly: len %d", len(c))
	}
	if clip("short") != "short" {
		t.Error("clip changed a short line")
	}
}
