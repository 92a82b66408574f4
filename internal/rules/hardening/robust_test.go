package hardening

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

// TestWindowsNeverPanic feeds every short window of every fixture file of
// these rules to them as a hunk of its own, so that hunks starting and
// ending inside a call, a literal or a string are exercised, with added and
// context lines mixed.
func TestWindowsNeverPanic(t *testing.T) {
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{Workers: 2})
	var files []string
	for _, r := range Rules() {
		dir := filepath.Join("../../../fixtures/rules", r.Meta().ID)
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".diff") && !strings.HasSuffix(p, "expect.txt") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no fixture files found")
	}
	var buf bytes.Buffer
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		name := filepath.Base(p)
		for start := 0; start < len(lines); start++ {
			for _, n := range []int{1, 3, 8} {
				end := min(start+n, len(lines))
				for _, mixed := range []bool{false, true} {
					buf.Reset()
					added := 0
					var body strings.Builder
					for k := start; k < end; k++ {
						prefix := "+"
						if mixed && k%2 == 1 {
							prefix = " "
						} else {
							added++
						}
						body.WriteString(prefix + lines[k] + "\n")
					}
					fmt.Fprintf(&buf, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n%s",
						name, name, name, name, start+1, end-start-added, start+1, end-start, body.String())
					if _, err := engine.Run(context.Background(), diff.NewReader(bytes.NewReader(buf.Bytes()))); err != nil {
						t.Fatalf("%s [%d,%d): %v", p, start, end, err)
					}
				}
			}
		}
	}
}

// TestHostileLines runs the rules over fragments and pathological lines in
// every language they read.
func TestHostileLines(t *testing.T) {
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{Workers: 1})
	hostile := []string{
		"", "(", ")", "{", "}", "requests.get(", "requests.get(url, timeout=", "http.Get(", "&http.Client{",
		"http.Server{", "fetch(", "axios.get(", "chmod", "chmod 7", "os.chmod(", "os.Chmod(p,", "re.compile(",
		"new RegExp(", "Pattern.compile(", "(a+)+", "/(a+)+", "'(a+)+", "logger.info(", "print(f\"{", "console.log(`${",
		"log.Printf(\"%s\"", "logger.info(\"token: %s\" %", "logger.info(\"x\".format(", "debug=True", "DEBUG = True",
		"include: '*'", "_ \"net/http/pprof\"", "setWritable(true, false", "PosixFilePermissions.fromString(\"rwx",
		strings.Repeat("logger.info(token, ", 400), strings.Repeat("(a+", 300) + strings.Repeat(")+", 300),
		strings.Repeat("re.compile(x)", 300), strings.Repeat("[", 2000), strings.Repeat("\"", 999),
		strings.Repeat("fetch(u, {", 300), "print(f\"{{{{{\")", "console.log(`${`${`${", "logger.info(\"%s\" % (",
	}
	for _, name := range []string{"f.go", "f.py", "f.js", "f.ts", "f.java", "f.kt", "f.sh", "Dockerfile", "f.yml",
		"f.properties", "f.xml", "settings.py", "src/server/f.ts"} {
		var b strings.Builder
		fmt.Fprintf(&b, "diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n", name, name, name, len(hostile))
		for _, h := range hostile {
			b.WriteString("+" + h + "\n")
		}
		if _, err := engine.Run(context.Background(), diff.NewReader(strings.NewReader(b.String()))); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
