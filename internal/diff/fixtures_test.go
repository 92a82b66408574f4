package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The PR diffs under fixtures/diffs drive the README demo and the golden
// tests of the rules; this checks they parse into the files they describe.
func TestFixtureDiffs(t *testing.T) {
	tests := []struct {
		file      string
		realistic bool     // an AI-style or clean PR: 150-400 lines that edit existing files
		files     []string // "status path" of every file, in order
	}{
		{"ai-pr-go.diff", true, []string{
			"modified cmd/ordersd/main.go", "modified internal/api/handlers.go", "modified internal/config/config.go",
			"added internal/export/s3.go", "modified internal/store/store.go",
		}},
		{"ai-pr-python.diff", true, []string{"modified inventory/__init__.py", "modified inventory/db.py", "modified inventory/routes.py"}},
		{"ai-pr-typescript.diff", true, []string{
			"modified public/dashboard.ts", "added src/routes/reports.ts", "modified src/server.ts",
			"added src/services/github.ts", "added src/services/report.ts",
		}},
		{"ai-pr-java.diff", true, []string{
			"modified src/main/java/com/acme/billing/InvoiceController.java",
			"modified src/main/java/com/acme/billing/InvoiceRepository.java",
			"added src/main/java/com/acme/billing/PdfRenderer.java",
		}},
		{"clean-pr.diff", true, []string{
			"modified cmd/ordersd/main.go", "modified internal/api/handlers.go",
			"modified internal/api/handlers_test.go", "modified internal/store/store.go",
		}},
		{"edge-binary-and-renames.diff", false, []string{
			"added assets/favicon.ico", "modified assets/logo.png", "modified config.example.json", "copied config.test.json",
			"renamed docs/guide/setup.md", "deleted docs/old-checkout-flow.md", "modified scripts/deploy.sh",
			"modified src/cart.js", "renamed src/lib/format.js",
		}},
		{"edge-crlf-no-newline.diff", false, []string{
			"modified .editorconfig", "modified .gitignore", "modified README.md", "modified Tools/Greeter.cs",
			"added Tools/Version.cs", "modified scripts/build.bat",
		}},
		{"edge-log-p.diff", false, []string{"modified notes/cli.py", "renamed notes-cli", "modified notes/store.py"}},
	}
	dir := filepath.Join("..", "..", "fixtures", "diffs")
	entries, err := filepath.Glob(filepath.Join(dir, "*.diff"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(tests) {
		t.Errorf("%d diffs in %s, %d described here", len(entries), dir, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			files, err := readAll(t, in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			context := false
			for _, f := range files {
				got = append(got, f.Status.String()+" "+f.Path())
				for _, h := range f.Hunks {
					for _, l := range h.Lines {
						context = context || (l.Kind == Context && f.Status == Modified)
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.files, "\n") {
				t.Errorf("files:\n got %q\nwant %q", got, tt.files)
			}
			if !tt.realistic {
				return
			}
			if n := bytes.Count(in, []byte("\n")); n < 150 || n > 400 {
				t.Errorf("%d lines, want 150-400", n)
			}
			if !context {
				t.Error("no edit of an existing file: a PR diff should carry context lines")
			}
		})
	}
}
