package aihygiene

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// fakeRepo serves files of the reviewed revision from a map.
type fakeRepo map[string]string

func (r fakeRepo) ReadFile(_ context.Context, p string) ([]byte, error) {
	if s, ok := r[p]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

// run reviews a diff with this package's rules and returns "rule:path:line"
// for every finding, sorted.
func run(t *testing.T, repo checks.RepoReader, d string) []string {
	t.Helper()
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := checks.NewEngine(reg, checks.Options{Workers: 1, Repo: repo}).Run(context.Background(), diff.NewReader(strings.NewReader(d)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%s:%d", f.RuleID, f.Path, f.StartLine))
	}
	sort.Strings(out)
	return out
}

// modified builds a diff of path with one hunk starting at new line start;
// lines are given with their +/-/space prefixes.
func modified(path string, start int, lines ...string) string {
	old, nw := 0, 0
	for _, l := range lines {
		if l[0] != '+' {
			old++
		}
		if l[0] != '-' {
			nw++
		}
	}
	return fmt.Sprintf("diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n%s\n",
		path, path, path, path, start, old, start, nw, strings.Join(lines, "\n"))
}

func TestPythonScriptReadFromRepository(t *testing.T) {
	d := modified("tools_x/report.py", 40, "     rows = load()", "+    print(rows)", "     return rows")
	// Without a repository a module in a package is taken as a library.
	if got := run(t, nil, d); len(got) != 1 || got[0] != "debug-leftover:tools_x/report.py:41" {
		t.Errorf("no repo: %v", got)
	}
	// The head revision shows a __main__ guard: a script, left alone.
	repo := fakeRepo{"tools_x/report.py": "import sys\n\nif __name__ == \"__main__\":\n    main()\n"}
	if got := run(t, repo, d); len(got) != 0 {
		t.Errorf("script: %v", got)
	}
}

func TestGoPackageReadFromRepository(t *testing.T) {
	d := modified("internal/gen/run.go", 12, " \tx := 1", "+\tfmt.Println(x)", " \treturn")
	if got := run(t, nil, d); len(got) != 1 {
		t.Errorf("no repo: %v", got)
	}
	repo := fakeRepo{"internal/gen/run.go": "//go:build ignore\n\npackage main\n"}
	if got := run(t, repo, d); len(got) != 0 {
		t.Errorf("package main: %v", got)
	}
}

func TestAssertionsMovedBetweenFilesAreNotWeakening(t *testing.T) {
	removed := modified("tests/test_a.py", 3, "+import os", "-    assert a == 1", "-    assert b == 2")
	added := modified("tests/test_b.py", 3, "+    assert a == 1", "+    assert b == 2")
	if got := run(t, nil, removed+added); len(got) != 0 {
		t.Errorf("moved: %v", got)
	}
	if got := run(t, nil, removed); len(got) != 1 || got[0] != "tests-weakened:tests/test_a.py:3" {
		t.Errorf("removed: %v", got)
	}
}

func TestCommentedCodeInsideStringIsNotReported(t *testing.T) {
	d := modified("app/q.py", 1,
		`+QUERY = """`,
		"+# x = compute(y)",
		"+# z = x + 1",
		"+# w = z * 2",
		`+"""`,
		"+# a = compute(b)",
		"+# c = a + 1",
		"+# d = c * 2",
	)
	if got := run(t, nil, d); len(got) != 1 || got[0] != "commented-out-code:app/q.py:6" {
		t.Errorf("got %v", got)
	}
}

// TestWindowsNeverPanic feeds every window of every fixture file of this
// package's rules as a hunk of its own, so that hunks starting and ending
// mid-construct, with added and context lines mixed, are exercised.
func TestWindowsNeverPanic(t *testing.T) {
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{Workers: 2})
	var files []string
	for _, r := range Rules() {
		root := filepath.Join("../../../fixtures/rules", r.Meta().ID)
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".diff") && !strings.HasSuffix(p, "expect.txt") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Skip("no fixtures")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		name := filepath.ToSlash(p[strings.Index(p, "rules/")+len("rules/"):])
		for start := 0; start < len(lines); start++ {
			for _, n := range []int{3, 8} {
				end := min(start+n, len(lines))
				for _, mixed := range []bool{false, true} {
					var body []string
					for k := start; k < end; k++ {
						prefix := "+"
						if mixed && k%2 == 1 {
							prefix = " "
						}
						body = append(body, prefix+lines[k])
					}
					if _, err := engine.Run(context.Background(), diff.NewReader(strings.NewReader(modified(name, start+1, body...)))); err != nil {
						t.Fatalf("%s [%d,%d): %v", p, start, end, err)
					}
				}
			}
		}
	}
}

// TestOddLinesNeverPanic covers empty, huge and truncated lines.
func TestOddLinesNeverPanic(t *testing.T) {
	huge := strings.Repeat("x = foo(bar) # TODO implement ", 4000)
	for _, path := range []string{"a.py", "a.go", "a.ts", "a.java", "a.kt", "a.cs", "a.rs", "a_test.go", "tests/test_a.py"} {
		var b bytes.Buffer
		for _, l := range []string{"", "#", "//", "/*", "\"\"\"", "`", "...", "raise NotImplementedError", "panic(", "panic(\"", "throw new", "throw new Error(", "TODO(", "todo!(", "console.", "console.log", "print(", "fmt.Print", "t.Skip(", "it.only(", "@Disabled", "return", "pass  #", "# x = 1", "# y = 2", "# z = 3", "// x = 1", "// y = 2", "// z = 3", huge, "\"your-", "'<your", "https://example.com"} {
			b.WriteString("+" + l + "\n")
		}
		n := strings.Count(b.String(), "\n")
		d := fmt.Sprintf("diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -1,0 +1,%d @@\n%s", path, path, path, path, n, b.String())
		run(t, nil, d)
	}
}
