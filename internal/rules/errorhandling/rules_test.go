package errorhandling

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// findings runs the family over a diff (or over src added as a new file
// at path when src does not start with "diff --git") and returns
// "rule:line:severity" strings.
func findings(t *testing.T, path, src string) []string {
	t.Helper()
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	var d bytes.Buffer
	if strings.HasPrefix(src, "diff --git") {
		d.WriteString(src)
	} else if err := fixture.WriteAddedFile(&d, path, []byte(src)); err != nil {
		t.Fatal(err)
	}
	res, err := checks.NewEngine(reg, checks.Options{Workers: 1}).Run(context.Background(), diff.NewReader(&d))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d:%s", f.RuleID, f.StartLine, f.Severity))
	}
	return out
}

func TestRuleEdgeCases(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            []string
	}{
		{"go package-level registration", "a.go", "package a\n\nvar _ = register(\"x\")\n", nil},
		{"go if-init bool result", "a.go", "package a\n\nfunc f() {\n\tif v, _ := cache.Load(k); v != nil {\n\t\tuse(v)\n\t}\n}\n", nil},
		{"go plain assignment", "a.go", "package a\n\nfunc f(s string) {\n\tn, _ = strconv.Atoi(s)\n}\n",
			[]string{"go-error-discarded:4:warning"}},
		{"go io.WriteString to ResponseWriter", "a.go",
			"package a\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\t_, _ = io.WriteString(w, \"ok\")\n}\n", nil},
		{"go io.WriteString to a file", "a.go",
			"package a\n\nfunc h(f *os.File) {\n\t_, _ = io.WriteString(f, \"ok\")\n}\n",
			[]string{"go-error-discarded:4:warning"}},
		{"go nolint", "a.go", "package a\n\nfunc f() {\n\t_ = os.Remove(p) //nolint:errcheck\n}\n", nil},
		{"go discards of calls not known to return an error", "a.go",
			"package a\n\nfunc f() {\n\tr, _ := tramp.AddRel(kind)\n\t_ = h.Value()\n\tblock, _ := pem.Decode(data)\n\tn, _ := strconv.Atoi(s)\n\t_ = s.store.MarkDone(ctx, id)\n}\n",
			[]string{"go-error-discarded:7:warning", "go-error-discarded:8:warning"}},
		{"go http client vs gin context", "a.go",
			"package a\n\nfunc f(c *gin.Context) {\n\tresp, _ := client.Get(url)\n\tv, _ := c.Get(\"user\")\n\tctx, _ := context.WithTimeout(c, time.Second)\n\t_ = fmt.Errorf(\"x\")\n}\n",
			[]string{"go-error-discarded:4:warning"}},
		{"go deferred rollback and remove", "a.go",
			"package a\n\nfunc f() {\n\tdefer func() {\n\t\t_ = tx.Rollback()\n\t}()\n\tdefer func() { _ = os.Remove(tmp) }()\n}\n",
			[]string{"go-error-discarded:7:notice"}},
		{"go func literal returning error", "a.go",
			"package a\n\nvar f = func() error {\n\tif err := g(); err != nil {\n\t\treturn nil\n\t}\n\treturn nil\n}\n",
			[]string{"go-error-unhandled-branch:4:warning"}},
		{"go function without error result", "a.go",
			"package a\n\nfunc (s *S) Get() *Item {\n\tit, err := s.load()\n\tif err != nil {\n\t\treturn nil\n\t}\n\treturn it\n}\n", nil},
		{"go multi-line signature", "a.go",
			"package a\n\nfunc (s *Store) Update(\n\tctx context.Context,\n\tid string,\n) error {\n\tif err := s.check(id); err != nil {\n\t\treturn nil\n\t}\n\treturn nil\n}\n",
			[]string{"go-error-unhandled-branch:7:warning"}},
		{"go zerolog", "a.go",
			"package a\n\nfunc f() {\n\tdata, err := load()\n\tif err != nil {\n\t\tlog.Error().Err(err).Msg(\"load\")\n\t}\n\tuse(data)\n\tcfg, err := conf()\n\tif err != nil {\n\t\tlog.Fatal().Err(err).Msg(\"conf\")\n\t}\n\tuse(cfg)\n}\n",
			[]string{"go-error-unhandled-branch:5:warning"}},
		{"go hunk ends inside the block", "",
			"diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1,2 +1,3 @@\n func f() {\n+\tif err != nil {\n \t\tx()\n",
			nil},
		{"py pragma is not an explanation", "a.py",
			"try:\n    run()\nexcept Exception:  # pragma: no cover\n    pass\n",
			[]string{"py-except-silent:3:warning"}},
		{"py body continues past the hunk", "",
			"diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,6 +1,7 @@\n def f():\n     try:\n         run()\n+    except Exception:\n         pass\n \n \n",
			nil},
		{"py multi-line except tuple", "a.py",
			"try:\n    run()\nexcept (\n    ValueError,\n    KeyError,\n):\n    pass\n",
			[]string{"py-except-silent:3:notice"}},
		{"py test file is lowered", "tests/test_a.py",
			"def test_x():\n    try:\n        run()\n    except Exception:\n        pass\n",
			[]string{"py-except-silent:4:notice"}},
		{"js chained finally", "a.js", "p.catch(() => {}).finally(done);\n",
			[]string{"js-promise-catch-noop:1:warning"}},
		{"js coverage pragma", "a.js", "try { f(); } catch (e) { /* istanbul ignore next */ }\n",
			[]string{"js-empty-catch:1:warning"}},
		{"js console handler kept", "a.js", "const r = await p.catch(console.error);\n",
			[]string{"js-promise-catch-noop:1:warning"}},
		{"js fallback passed on", "a.js", "render(await p.catch(() => null));\n", nil},
		{"java explained by comment", "A.java",
			"class A {\n  void f() {\n    try { g(); } catch (Exception e) { // already reported upstream\n    }\n  }\n}\n", nil},
		{"java catch in a string and a method name", "A.java",
			"class A {\n  String s = \"catch (Exception e) {}\";\n  void f() { p.catch(x); catchAll(); }\n}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findings(t, tt.path, tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

func TestAllowCallsOption(t *testing.T) {
	src := "diff --git a/a.go b/a.go\nnew file mode 100644\n--- /dev/null\n+++ b/a.go\n@@ -0,0 +1,5 @@\n+package a\n+func f() {\n+\t_ = logger.Sync()\n+\t_ = conn.SetDeadline(t)\n+}\n"
	count := func(opts Options) int {
		reg, err := checks.NewRegistry(RulesWith(opts)...)
		if err != nil {
			t.Fatal(err)
		}
		res, err := checks.NewEngine(reg, checks.Options{Workers: 1}).RunDiff(context.Background(), strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range res.Findings {
			if f.RuleID == "go-error-discarded" {
				n++
			}
		}
		return n
	}
	if n := count(Options{}); n != 2 {
		t.Fatalf("default: %d findings, want 2", n)
	}
	if n := count(Options{AllowCalls: []string{"logger.Sync", "SetDeadline"}}); n != 0 {
		t.Fatalf("with allow_calls: %d findings, want 0", n)
	}
}
