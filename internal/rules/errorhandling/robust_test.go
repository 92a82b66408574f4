package errorhandling

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// TestWindowsNeverPanic feeds every window of every fixture source file to
// the rules as a hunk of its own, so that hunks starting and ending in the
// middle of a construct (and every mix of added and context lines) are
// exercised.
func TestWindowsNeverPanic(t *testing.T) {
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{Workers: 2})
	files, _ := filepath.Glob("../../../fixtures/rules/*/*")
	for _, p := range files {
		if strings.HasSuffix(p, ".diff") || strings.HasSuffix(p, "expect.txt") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		name := filepath.Base(p)
		var buf bytes.Buffer
		for start := 0; start < len(lines); start++ {
			for _, n := range []int{2, 7} {
				end := min(start+n, len(lines))
				for _, added := range []bool{true, false} {
					buf.Reset()
					fmt.Fprintf(&buf, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n",
						name, name, name, name, start+1, 1, start+1, end-start)
					buf.WriteString(" x\n")
					for k := start; k < end; k++ {
						// Alternate added and context lines in the second pass.
						prefix := "+"
						if !added && k%2 == 1 {
							prefix = " "
						}
						buf.WriteString(prefix + lines[k] + "\n")
					}
					if _, err := engine.Run(context.Background(), diff.NewReader(bytes.NewReader(fixHeader(buf.Bytes())))); err != nil {
						t.Fatalf("%s [%d,%d): %v", p, start, end, err)
					}
				}
			}
		}
	}
}

// fixHeader rewrites the single hunk header of d with the real counts.
func fixHeader(d []byte) []byte {
	s := string(d)
	k := strings.Index(s, "@@ -")
	body := s[strings.Index(s[k:], "\n")+k+1:]
	old, nw := 0, 0
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "+"):
			nw++
		case strings.HasPrefix(l, "-"):
			old++
		default:
			old++
			nw++
		}
	}
	var start int
	fmt.Sscanf(s[k:], "@@ -%d", &start)
	return []byte(fmt.Sprintf("%s@@ -%d,%d +%d,%d @@\n%s", s[:k], start, old, start, nw, body))
}

func TestHostileLines(t *testing.T) {
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{Workers: 1})
	hostile := []string{
		"", "_", "_ =", "_ :=", "x, _ :=", "if err != nil", "if err != nil {", "} else if err != nil {",
		"except", "except:", "except (", "except Exception as", "catch", "catch (", "catch (e", "} catch (e) {",
		".catch(", ".catch(()", ".catch(() =>", ".catch(() => {", ".catch(function", ".catch(e =>", "suppress(",
		"return nil, nil", "{{{{", "}}}}", "((((", "))))", strings.Repeat("catch (e) {", 2000),
		strings.Repeat("_ = f(", 500), strings.Repeat("if err != nil { ", 300), "\t\t\texcept:\t",
	}
	for _, ext := range []string{"go", "py", "js", "ts", "java", "kt"} {
		var b strings.Builder
		fmt.Fprintf(&b, "diff --git a/f.%s b/f.%s\nnew file mode 100644\n--- /dev/null\n+++ b/f.%s\n@@ -0,0 +1,%d @@\n", ext, ext, ext, len(hostile))
		for _, h := range hostile {
			b.WriteString("+" + h + "\n")
		}
		if _, err := engine.Run(context.Background(), diff.NewReader(strings.NewReader(b.String()))); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
	}
}
