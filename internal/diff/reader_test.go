package diff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The diffs under testdata/ are produced by testdata/make.sh with git from
// a small repository of four commits:
//
//	c0 initial tree
//	c1 content edits, new files (one empty), a deletion, quoted paths, CRLF,
//	   missing final newlines, a/ and b/ directories
//	c2 renames (pure, edited, with spaces, unicode), a copy, a mode change
//	c3 binary edit and addition, empty-file deletion, a one-line edit

// wantFile is what a File must look like. Hunks renders each hunk's lines
// in order: "+N" an added line at new line N, "N" a context line at new
// line N, "-N" a deleted line at old line N.
type wantFile struct {
	Old, New         string
	Status           Status
	Binary, ModeOnly bool
	OldMode, NewMode string
	Added, Deleted   int
	Lang             Language
	Hunks            []string
}

func render(h Hunk) string {
	parts := make([]string, 0, len(h.Lines))
	for _, l := range h.Lines {
		switch l.Kind {
		case Added:
			parts = append(parts, "+"+strconv.Itoa(l.NewLine))
		case Deleted:
			parts = append(parts, "-"+strconv.Itoa(l.OldLine))
		default:
			parts = append(parts, strconv.Itoa(l.NewLine))
		}
	}
	return strings.Join(parts, " ")
}

// c0c1 is git diff c0 c1 (and the first commit of git log -p).
var c0c1 = []wantFile{
	{Old: "a/alpha.go", New: "a/alpha.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"1 2 -3 +3"}},
	{New: "added.go", Status: AddedFile, NewMode: "100644", Added: 7, Lang: Go, Hunks: []string{"+1 +2 +3 +4 +5 +6 +7"}},
	{New: "b/bar.go", Status: AddedFile, NewMode: "100644", Added: 3, Lang: Go, Hunks: []string{"+1 +2 +3"}},
	{Old: "b/foo.go", New: "b/foo.go", Added: 2, Lang: Go, Hunks: []string{"1 2 3 +4 +5"}},
	{Old: "crlf.txt", New: "crlf.txt", Added: 1, Deleted: 1, Hunks: []string{"1 -2 +2 3"}},
	{Old: "doomed.txt", Status: DeletedFile, OldMode: "100644", Deleted: 2, Hunks: []string{"-1 -2"}},
	{New: "empty.txt", Status: AddedFile, NewMode: "100644"},
	{Old: "héllo wörld.go", New: "héllo wörld.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"1 2 -3 +3"}},
	// An addition at line 1, a change under a section header, an addition
	// at the end of the file.
	{Old: "main.go", New: "main.go", Added: 6, Deleted: 1, Lang: Go, Hunks: []string{"+1 2 3 4", "16 17 18 -18 +19 20 21 22", "31 32 33 +34 +35 +36 +37"}},
	{Old: "my file.go", New: "my file.go", Added: 2, Deleted: 2, Lang: Go, Hunks: []string{"1 2 -3 -4 +3 +4"}},
	{Old: "nonl_both.txt", New: "nonl_both.txt", Added: 1, Deleted: 1, Hunks: []string{"1 -2 +2"}},
	{Old: "nonl_old.txt", New: "nonl_old.txt", Added: 2, Deleted: 1, Hunks: []string{"-1 +1 +2"}},
	{Old: "tab\tname.go", New: "tab\tname.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"1 2 -3 +3"}},
	{Old: "zz_nonl_new.txt", New: "zz_nonl_new.txt", Added: 1, Deleted: 1, Hunks: []string{"-1 +1"}},
}

// c1c2 is git diff -M c1 c2.
var c1c2 = []wantFile{
	{Old: "my file.go", New: "docs/my notes.go", Status: Renamed, Lang: Go},
	{Old: "héllo wörld.go", New: "grüße.go", Status: Renamed, Lang: Go},
	{Old: "old_name.go", New: "new_name.go", Status: Renamed, Lang: Go},
	{Old: "moved.go", New: "pkg/moved.go", Status: Renamed, Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"-1 +1 2 3 4"}},
	{Old: "script.sh", New: "script.sh", ModeOnly: true, OldMode: "100644", NewMode: "100755", Lang: Shell},
	{Old: "src.py", New: "src.py", Added: 1, Deleted: 1, Lang: Python, Hunks: []string{"1 -2 +2 3 4 5"}},
	{New: "src_copy.py", Status: AddedFile, NewMode: "100644", Added: 19, Lang: Python, Hunks: []string{"+1 +2 +3 +4 +5 +6 +7 +8 +9 +10 +11 +12 +13 +14 +15 +16 +17 +18 +19"}},
}

// c1c2Copies is git diff -C -C c1 c2: src_copy.py becomes a copy.
var c1c2Copies = append(append([]wantFile(nil), c1c2[:6]...),
	wantFile{Old: "src.py", New: "src_copy.py", Status: Copied, Added: 1, Deleted: 1, Lang: Python, Hunks: []string{"8 9 10 -11 +11 12 13 14"}})

// c2c3 is git diff c2 c3.
var c2c3 = []wantFile{
	{Old: "empty_doomed.txt", Status: DeletedFile, OldMode: "100644"},
	{New: "icon.bin", Status: AddedFile, Binary: true, NewMode: "100644"},
	{Old: "logo.png", New: "logo.png", Binary: true},
	{Old: "main.go", New: "main.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"12 13 14 -15 +15 16 17 18"}},
}

// c0c2GitHub is the GitHub-style diff of c0...c2: without content in
// common, the renamed small files show as deleted and added.
var c0c2GitHub = []wantFile{
	c0c1[0], c0c1[1], c0c1[2], c0c1[3], c0c1[4],
	{New: "docs/my notes.go", Status: AddedFile, NewMode: "100644", Added: 4, Lang: Go, Hunks: []string{"+1 +2 +3 +4"}},
	c0c1[5], c0c1[6],
	{New: "grüße.go", Status: AddedFile, NewMode: "100644", Added: 3, Lang: Go, Hunks: []string{"+1 +2 +3"}},
	{Old: "héllo wörld.go", Status: DeletedFile, OldMode: "100644", Deleted: 3, Lang: Go, Hunks: []string{"-1 -2 -3"}},
	c0c1[8],
	{Old: "my file.go", Status: DeletedFile, OldMode: "100644", Deleted: 4, Lang: Go, Hunks: []string{"-1 -2 -3 -4"}},
	c1c2[2], c0c1[10], c0c1[11], c1c2[3], c1c2[4], c1c2[5], c1c2[6], c0c1[12], c0c1[13],
}

func concat(parts ...[]wantFile) []wantFile {
	var out []wantFile
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll parses the whole input, checking on the way the invariants every
// File must meet.
func readAll(t testing.TB, input []byte) ([]*File, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(input))
	var files []*File
	for {
		f, err := r.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			if _, again := r.Next(); again != io.EOF {
				t.Errorf("Next after error %v returned %v, want io.EOF", err, again)
			}
			return files, err
		}
		if msg := checkInvariants(f); msg != "" {
			t.Errorf("%s: %s", f.Path(), msg)
		}
		files = append(files, f)
	}
}

// checkInvariants returns what is wrong with f, or "".
func checkInvariants(f *File) string {
	if f == nil {
		return "nil file"
	}
	if f.Path() == "" {
		return "file without a path"
	}
	added, deleted := 0, 0
	for hi, h := range f.Hunks {
		old, nw := h.OldStart, h.NewStart
		oldN, newN := 0, 0
		for _, l := range h.Lines {
			switch l.Kind {
			case Added:
				added++
				newN++
				if l.NewLine < 1 || l.NewLine != nw || l.OldLine != 0 {
					return fmt.Sprintf("hunk %d: added line at %d/%d, want new line %d", hi, l.OldLine, l.NewLine, nw)
				}
				nw++
			case Deleted:
				deleted++
				oldN++
				if l.OldLine < 1 || l.OldLine != old || l.NewLine != 0 {
					return fmt.Sprintf("hunk %d: deleted line at %d/%d, want old line %d", hi, l.OldLine, l.NewLine, old)
				}
				old++
			case Context:
				oldN++
				newN++
				if l.NewLine < 1 || l.OldLine < 1 || l.NewLine != nw || l.OldLine != old {
					return fmt.Sprintf("hunk %d: context line at %d/%d, want %d/%d", hi, l.OldLine, l.NewLine, old, nw)
				}
				old++
				nw++
			default:
				return fmt.Sprintf("hunk %d: line kind %d", hi, l.Kind)
			}
			if strings.ContainsAny(l.Text, "\n") {
				return fmt.Sprintf("hunk %d: line text holds a newline: %q", hi, l.Text)
			}
		}
		if oldN != h.OldLines || newN != h.NewLines {
			return fmt.Sprintf("hunk %d: %d old and %d new lines, header says %d and %d", hi, oldN, newN, h.OldLines, h.NewLines)
		}
	}
	if added != f.AddedLines || deleted != f.DeletedLines {
		return fmt.Sprintf("AddedLines/DeletedLines = %d/%d, lines say %d/%d", f.AddedLines, f.DeletedLines, added, deleted)
	}
	if f.Binary && len(f.Hunks) > 0 {
		return "binary file with hunks"
	}
	return ""
}

func checkFiles(t *testing.T, got []*File, want []wantFile) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) {
			t.Errorf("file %d: missing, want %q -> %q", i, want[i].Old, want[i].New)
			continue
		}
		f := got[i]
		hunks := make([]string, 0, len(f.Hunks))
		for _, h := range f.Hunks {
			hunks = append(hunks, render(h))
		}
		g := wantFile{
			Old: f.OldPath, New: f.NewPath, Status: f.Status, Binary: f.Binary, ModeOnly: f.ModeOnly,
			OldMode: f.OldMode, NewMode: f.NewMode, Added: f.AddedLines, Deleted: f.DeletedLines,
			Lang: f.Language, Hunks: hunks,
		}
		if i >= len(want) {
			t.Errorf("file %d: unexpected %+v", i, g)
			continue
		}
		w := want[i]
		if len(w.Hunks) == 0 {
			w.Hunks = []string{}
		}
		if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
			t.Errorf("file %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestReaderGitOutputs(t *testing.T) {
	tests := []struct {
		file string
		want []wantFile
	}{
		{"git-diff.diff", c0c1},
		{"git-diff-no-prefix.diff", c0c1}, // b/foo.go and a/alpha.go are real directories here
		{"git-diff-quotepath-off.diff", []wantFile{c0c1[7], c0c1[9], c0c1[12]}},
		{"git-diff-renames.diff", c1c2},
		{"git-diff-copies.diff", c1c2Copies},
		{"git-diff-binary.diff", c2c3},
		{"git-diff-binary-patch.diff", c2c3},
		{"git-log-p.diff", concat(c0c1, c1c2, c2c3)},
		{"format-patch.diff", concat(c0c1, c1c2, c2c3)},
		{"github.diff", c0c2GitHub},
		{"git-diff-u0.diff", []wantFile{{Old: "main.go", New: "main.go", Added: 6, Deleted: 1, Lang: Go, Hunks: []string{"+1", "-18 +19", "+34 +35 +36 +37"}}}},
		{"mnemonic-worktree.diff", []wantFile{{Old: "main.go", New: "main.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"25 26 27 -28 +28 29 30 31"}}}},
		{"mnemonic-cached.diff", []wantFile{{Old: "util/strings.go", New: "util/strings.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"5 6 7 -8 +8 9 10 11"}}}},
		{"mnemonic-head.diff", []wantFile{
			{Old: "main.go", New: "main.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"25 26 27 -28 +28 29 30 31"}},
			{Old: "util/strings.go", New: "util/strings.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"5 6 7 -8 +8 9 10 11"}},
		}},
		{"plain-unified.diff", []wantFile{{Old: "old/greek.txt", New: "new/greek.txt", Added: 2, Deleted: 1, Hunks: []string{"1 -2 +2 3 +4"}}}},
		{"empty.diff", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			files, err := readAll(t, readFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkFiles(t, files, tt.want)
		})
	}
}

// addedTexts returns the added lines of the file at path, in order.
func addedTexts(files []*File, path string) []string {
	var out []string
	for _, f := range files {
		if f.Path() != path {
			continue
		}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Kind == Added {
					out = append(out, l.Text)
				}
			}
		}
	}
	return out
}

func TestReaderLineTexts(t *testing.T) {
	tests := []struct {
		file, path string
		want       []string
	}{
		// CRLF content: the \r is part of the line ending, not the text.
		{"git-diff.diff", "crlf.txt", []string{"line 2"}},
		// "\ No newline at end of file" is a marker, on either side.
		{"git-diff.diff", "zz_nonl_new.txt", []string{"new side loses its newline"}},
		{"git-diff.diff", "nonl_old.txt", []string{"old side has no newline", "second line"}},
		{"git-diff.diff", "nonl_both.txt", []string{"has a newline either"}},
		// In format-patch output the marker is followed by the "-- "
		// signature, which must not be glued onto the line.
		{"format-patch.diff", "zz_nonl_new.txt", []string{"new side loses its newline"}},
		{"git-log-p.diff", "zz_nonl_new.txt", []string{"new side loses its newline"}},
		{"git-diff.diff", "main.go", []string{"// Command demo serves a tiny HTTP API.", "\treturn fmt.Sprintf(\"127.0.0.1:%d\", s.port)", "", "func version() string {", "\treturn \"1.0.0\"", "}"}},
		{"git-diff.diff", "héllo wörld.go", []string{`var unicode = "héllo wörld"`}},
		{"git-diff-quotepath-off.diff", "héllo wörld.go", []string{`var unicode = "héllo wörld"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.path, func(t *testing.T) {
			files, err := readAll(t, readFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := addedTexts(files, tt.path)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("added lines of %s:\n got %q\nwant %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestReaderHunkHeaders(t *testing.T) {
	files, err := readAll(t, readFile(t, "git-diff.diff"))
	if err != nil {
		t.Fatal(err)
	}
	var main *File
	for _, f := range files {
		if f.Path() == "main.go" {
			main = f
		}
	}
	if main == nil || len(main.Hunks) != 3 {
		t.Fatalf("main.go not parsed into 3 hunks: %+v", main)
	}
	want := []Hunk{
		{OldStart: 1, OldLines: 3, NewStart: 1, NewLines: 4},
		{OldStart: 15, OldLines: 7, NewStart: 16, NewLines: 7, Section: "func newServer(name string) *server {"},
		{OldStart: 30, OldLines: 3, NewStart: 31, NewLines: 7, Section: "func main() {"},
	}
	for i, h := range main.Hunks {
		var joined strings.Builder
		for _, l := range h.Lines {
			joined.WriteString(l.Text)
		}
		if h.Text != joined.String() {
			t.Errorf("hunk %d: Text is not its lines back to back", i)
		}
		h.Lines, h.Text = nil, ""
		if fmt.Sprintf("%+v", h) != fmt.Sprintf("%+v", want[i]) {
			t.Errorf("hunk %d header: got %+v, want %+v", i, h, want[i])
		}
	}
}

func TestReaderNotADiff(t *testing.T) {
	tests := []struct {
		name  string
		input string
		err   error
	}{
		{"empty", "", nil},
		{"blank lines", "\n\n   \n\t\n", nil},
		{"prose", string(readFile(t, "not-a-diff.txt")), ErrNotADiff},
		{"dashes without plus", "hello\n--- not a header\nworld\n", ErrNotADiff},
		{"header pair without hunk", "hello\n--- a/x\n+++ b/x\nworld\n", ErrNotADiff},
		{"header pair at end", "--- a/x\n+++ b/x\n", ErrNotADiff},
		{"stray hunk", "@@ -1 +1 @@\n-a\n+b\n", ErrNotADiff},
		{"git log without -p", "commit 0123\nAuthor: A <a@example.com>\n\n    message\n", ErrNotADiff},
		{"combined merge diff", "diff --cc x.go\nindex 1,2..3\n--- a/x.go\n+++ b/x.go\n@@@ -1,1 -1,1 +1,1 @@@\n- a\n -b\n++c\n", ErrNotADiff},
		{"binary junk", "\x00\x01\x02\xff\xfe\n\x89PNG\r\n", ErrNotADiff},
		{"colour codes", string(readFile(t, "git-diff-color.diff")), ErrNotADiff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := readAll(t, []byte(tt.input))
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if len(files) != 0 {
				t.Errorf("got %d files, want none", len(files))
			}
		})
	}
}

// TestReaderEdgeCases holds the inputs that broke the go-diff based parser
// and other shapes git or other tools produce.
func TestReaderEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []wantFile
		texts []string // added lines of the first file, when checked
		err   string   // substring of the expected error
	}{
		{
			name:  "no-newline marker then format-patch signature",
			input: "From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\ndiff --git a/x.txt b/x.txt\nindex 1..2 100644\n--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\n-- \n2.39.5\n\n",
			want:  []wantFile{{Old: "x.txt", New: "x.txt", Added: 1, Deleted: 1, Hunks: []string{"-1 +1"}}},
			texts: []string{"b"},
		},
		{
			name:  "diff --git line with a single path",
			input: "diff --git a/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
			want:  []wantFile{{Old: "x", New: "x", Added: 1, Deleted: 1, Hunks: []string{"-1 +1"}}},
		},
		{
			name:  "hunk counts far beyond the input",
			input: "--- a/x\n+++ b/x\n@@ -1,2000000000 +1,2000000000 @@\n-a\n+b\n",
			err:   "is truncated",
		},
		{name: "hunk count overflowing int32", input: "--- a/x\n+++ b/x\n@@ -1,99999999999 +1 @@\n-a\n+b\n", err: "bad hunk header"},
		{name: "negative counts", input: "--- a/x\n+++ b/x\n@@ -1,-5 +1,-5 @@\n-a\n+b\n", err: "bad hunk header"},
		{name: "negative start", input: "--- a/x\n+++ b/x\n@@ -1 +-3,2 @@\n-a\n+b\n+c\n", err: "bad hunk header"},
		{name: "lines starting at line 0", input: "--- a/x\n+++ b/x\n@@ -1 +0,2 @@\n-a\n+b\n+c\n", err: "bad hunk header"},
		{name: "garbage hunk header", input: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -a +b @@\n-a\n+b\n", err: "bad hunk header"},
		{
			name:  "headers-only binary mode change at end of input",
			input: "diff --git a/x.bin b/x.bin\nold mode 100644\nnew mode 100755\nindex 1..2\nBinary files a/x.bin and b/x.bin differ\n",
			want:  []wantFile{{Old: "x.bin", New: "x.bin", Binary: true, OldMode: "100644", NewMode: "100755"}},
		},
		{
			name:  "git log -p ending with a mode change",
			input: "commit abc\nAuthor: x\n\n    msg\n\ndiff --git a/s.sh b/s.sh\nold mode 100644\nnew mode 100755\n",
			want:  []wantFile{{Old: "s.sh", New: "s.sh", ModeOnly: true, OldMode: "100644", NewMode: "100755", Lang: Shell}},
		},
		{
			name:  "deleted SQL comment and added ++x look like a file header",
			input: "diff --git a/q.sql b/q.sql\n--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n x\n--- comment\n+++i;\n@@ -10,1 +10,1 @@\n-y\n+z\n",
			want:  []wantFile{{Old: "q.sql", New: "q.sql", Added: 2, Deleted: 2, Lang: SQL, Hunks: []string{"1 -2 +2", "-10 +10"}}},
			texts: []string{"++i;", "z"},
		},
		{
			name:  "no-prefix path holding ' b/'",
			input: "diff --git a/x b/y.go a/x b/y.go\nindex 1..2 100644\n--- a/x b/y.go\n+++ a/x b/y.go\n@@ -1 +1 @@\n-a\n+b\n",
			want:  []wantFile{{Old: "a/x b/y.go", New: "a/x b/y.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"-1 +1"}}},
		},
		{
			name:  "mnemonic prefixes of --no-index",
			input: "diff --git 1/x.go 2/x.go\nindex 1..2 100644\n--- 1/x.go\n+++ 2/x.go\n@@ -1 +1 @@\n-a\n+b\n",
			want:  []wantFile{{Old: "x.go", New: "x.go", Added: 1, Deleted: 1, Lang: Go, Hunks: []string{"-1 +1"}}},
		},
		{
			name:  "svn labels after a tab",
			input: "Index: x\n===================================================================\n--- x\t(revision 12)\n+++ x\t(working copy)\n@@ -1 +1 @@\n-a\n+b\n",
			want:  []wantFile{{Old: "x", New: "x", Added: 1, Deleted: 1, Hunks: []string{"-1 +1"}}},
		},
		{name: "more added lines than counted", input: "--- a/x.go\n+++ b/x.go\n@@ -1,2 +1,2 @@\n-a\n+b\n+c\n+d\n", err: "more added lines than its header counts"},
		{name: "changed line after a complete hunk", input: "--- a/x.go\n+++ b/x.go\n@@ -1 +1 @@\n-a\n+b\n+c\n", err: "more lines than its header counts"},
		{name: "body line where a hunk header belongs", input: "diff --git a/x.go b/x.go\n--- a/x.go\n+++ b/x.go\n+b\n", err: "expected an @@ hunk header"},
		{name: "junk inside a hunk", input: "--- a/x.go\n+++ b/x.go\n@@ -1,2 +1,2 @@\n a\njunk\n b\n", err: "is truncated"},
		{name: "hunk header at end of input", input: "diff --git a/x.go b/x.go\n--- a/x.go\n+++ b/x.go\n@@ -1,2 +1,3 @@\n", err: "is truncated"},
		{
			name:  "empty context line with its space stripped",
			input: "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,4 @@\n def f():\n\n+    pass\n x = 1\n",
			want:  []wantFile{{Old: "x.py", New: "x.py", Added: 1, Lang: Python, Hunks: []string{"1 2 +3 4"}}},
		},
		{
			name:  "plain diff creating and deleting files",
			input: "--- /dev/null\n+++ b/new.rb\n@@ -0,0 +1 @@\n+puts 1\n--- a/old.rb\n+++ /dev/null\n@@ -1 +0,0 @@\n-puts 2\n",
			want: []wantFile{
				{New: "new.rb", Status: AddedFile, Added: 1, Lang: Ruby, Hunks: []string{"+1"}},
				{Old: "old.rb", Status: DeletedFile, Deleted: 1, Lang: Ruby, Hunks: []string{"-1"}},
			},
		},
		{
			name:  "text between plain file diffs",
			input: "diff -ru a/x.c b/x.c\n--- a/x.c\t2024-01-02 03:04:05.000000000 +0000\n+++ b/x.c\t2024-01-02 03:04:06.000000000 +0000\n@@ -1 +1 @@\n-int a;\n+int b;\nOnly in b: y.c\nBinary files a/z.png and b/z.png differ\n",
			want:  []wantFile{{Old: "x.c", New: "x.c", Added: 1, Deleted: 1, Lang: C, Hunks: []string{"-1 +1"}}},
		},
		{
			name:  "empty rename source and quoted rename target",
			input: "diff --git a/e.txt \"b/\\303\\251.txt\"\nsimilarity index 100%\nrename from e.txt\nrename to \"\\303\\251.txt\"\n",
			want:  []wantFile{{Old: "e.txt", New: "é.txt", Status: Renamed}},
		},
		{
			name:  "Binary files line and hunks: the hunks win",
			input: "diff --git a/x.txt b/x.txt\nBinary files a/x.txt and b/x.txt differ\n--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n",
			want:  []wantFile{{Old: "x.txt", New: "x.txt", Added: 1, Deleted: 1, Hunks: []string{"-1 +1"}}},
		},
		{
			name:  "rename with mode change and edit",
			input: "diff --git a/run b/bin/run\nold mode 100644\nnew mode 100755\nsimilarity index 90%\nrename from run\nrename to bin/run\nindex 1..2\n--- a/run\n+++ b/bin/run\n@@ -1,2 +1,2 @@\n #!/usr/bin/env python3\n-print(1)\n+print(2)\n",
			want:  []wantFile{{Old: "run", New: "bin/run", Status: Renamed, OldMode: "100644", NewMode: "100755", Added: 1, Deleted: 1, Lang: Python, Hunks: []string{"1 -2 +2"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := readAll(t, []byte(tt.input))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkFiles(t, files, tt.want)
			if tt.texts != nil && len(files) > 0 {
				if got := addedTexts(files[:1], files[0].Path()); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.texts) {
					t.Errorf("added texts = %q, want %q", got, tt.texts)
				}
			}
		})
	}
}

func TestReaderColourHint(t *testing.T) {
	_, err := readAll(t, readFile(t, "git-diff-color.diff"))
	if !errors.Is(err, ErrNotADiff) || !strings.Contains(err.Error(), "--no-color") {
		t.Errorf("err = %v, want ErrNotADiff with a --no-color hint", err)
	}
	if _, err := readAll(t, readFile(t, "not-a-diff.txt")); err != ErrNotADiff {
		t.Errorf("plain text: err = %v, want exactly ErrNotADiff", err)
	}
}

// A diff saved with a byte order mark reads like the original.
func TestReaderBOM(t *testing.T) {
	files, err := readAll(t, append([]byte("\xef\xbb\xbf"), readFile(t, "git-diff.diff")...))
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, c0c1)
}

// A diff saved with CRLF line endings (downloaded on Windows) reads like
// the original.
func TestReaderCRLFDiff(t *testing.T) {
	in := bytes.ReplaceAll(readFile(t, "git-diff.diff"), []byte("\n"), []byte("\r\n"))
	files, err := readAll(t, in)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, c0c1)
	if got := addedTexts(files, "main.go"); got[0] != "// Command demo serves a tiny HTTP API." {
		t.Errorf("first added line of main.go = %q", got[0])
	}
}

var hunkHeaderRE = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)

// hunkBodies returns, for each hunk header line of a diff, the index of its
// first and one past its last body line (counting as git apply does).
func hunkBodies(lines []string) [][2]int {
	var out [][2]int
	for i := 0; i < len(lines); i++ {
		m := hunkHeaderRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		count := func(s string) int {
			if s == "" {
				return 1
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		oldLeft, newLeft := count(m[2]), count(m[4])
		j := i + 1
		for ; j < len(lines) && (oldLeft > 0 || newLeft > 0); j++ {
			switch {
			case strings.HasPrefix(lines[j], "+"):
				newLeft--
			case strings.HasPrefix(lines[j], "-"):
				oldLeft--
			case strings.HasPrefix(lines[j], `\`):
			default:
				oldLeft--
				newLeft--
			}
		}
		out = append(out, [2]int{i + 1, j})
		i = j - 1
	}
	return out
}

// Cutting a real diff anywhere never panics; cutting it inside a hunk body
// at a line boundary is an error that says the hunk is truncated.
func TestReaderTruncated(t *testing.T) {
	for _, name := range []string{"git-diff.diff", "git-log-p.diff", "format-patch.diff", "git-diff-binary-patch.diff", "git-diff-copies.diff"} {
		t.Run(name, func(t *testing.T) {
			in := readFile(t, name)
			lines := strings.SplitAfter(string(in), "\n")
			inside := map[int]bool{} // cut after this many lines
			for _, b := range hunkBodies(lines) {
				for k := b[0]; k < b[1]; k++ {
					inside[k] = true
				}
			}
			// Before the first file header there is only a commit header or
			// a mail header: not a diff yet.
			first := 0
			for first < len(lines) && !strings.HasPrefix(lines[first], "diff --git ") {
				first++
			}
			cut := 0
			for k := 0; k <= len(lines); k++ {
				_, err := readAll(t, []byte(strings.Join(lines[:k], "")))
				switch {
				case inside[k] && (err == nil || !strings.Contains(err.Error(), "is truncated")):
					t.Errorf("cut after %d lines (inside a hunk): err = %v, want a truncation error", k, err)
				case k <= first && k > 0 && !errors.Is(err, ErrNotADiff):
					t.Errorf("cut after %d lines (before the first file): err = %v, want ErrNotADiff", k, err)
				case !inside[k] && k > first && err != nil:
					t.Errorf("cut after %d lines (between hunks): %v", k, err)
				}
				if inside[k] {
					cut++
				}
			}
			if cut == 0 {
				t.Fatal("no cut point fell inside a hunk")
			}
			if name == "git-diff.diff" || name == "format-patch.diff" {
				for n := 0; n <= len(in); n++ {
					readAll(t, in[:n]) // must not panic; errors are expected
				}
			}
		})
	}
}

// A 20 MB single-line file (a minified bundle) is read whole, and the file
// after it is still found.
func TestReaderHugeLine(t *testing.T) {
	const size = 20 << 20
	var b bytes.Buffer
	b.WriteString("diff --git a/dist/app.js b/dist/app.js\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/dist/app.js\n@@ -0,0 +1 @@\n+")
	b.WriteString(strings.Repeat("x", size))
	b.WriteString("\n\\ No newline at end of file\n")
	b.WriteString("diff --git a/main.go b/main.go\nindex 1..2 100644\n--- a/main.go\n+++ b/main.go\n@@ -1 +1,2 @@\n package main\n+// " + strings.Repeat("y", size/2) + "\n")
	files, err := readAll(t, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("got %d files, want 2", len(files))
	}
	if l := files[0].Hunks[0].Lines; len(l) != 1 || len(l[0].Text) != size || l[0].NewLine != 1 {
		t.Errorf("big line: %d lines, text %d bytes", len(l), len(l[0].Text))
	}
	if files[0].Class != Minified {
		t.Errorf("class = %v, want minified", files[0].Class)
	}
	if got := files[1].Hunks[0].Lines[1]; got.NewLine != 2 || len(got.Text) != size/2+3 {
		t.Errorf("second file: line %d with %d bytes", got.NewLine, len(got.Text))
	}
}

func TestReaderBytesRead(t *testing.T) {
	in := readFile(t, "git-diff.diff")
	r := NewReader(bytes.NewReader(in))
	for {
		if _, err := r.Next(); err != nil {
			break
		}
	}
	if r.BytesRead() != int64(len(in)) {
		t.Errorf("BytesRead = %d, want %d", r.BytesRead(), len(in))
	}
}

type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// A read error mid-file is reported, not taken for the end of the diff.
func TestReaderReadError(t *testing.T) {
	disk := errors.New("disk on fire")
	in := readFile(t, "git-diff.diff")
	r := NewReader(&failAfter{data: in[:len(in)/2], err: disk})
	for {
		_, err := r.Next()
		if err == io.EOF {
			t.Fatal("read error taken for the end of input")
		}
		if err != nil {
			if !errors.Is(err, disk) {
				t.Fatalf("err = %v, want the read error", err)
			}
			return
		}
	}
}

func TestSplitGitArgs(t *testing.T) {
	tests := []struct {
		args, old, new, src, dst string
	}{
		{"a/x.go b/x.go", "x.go", "x.go", "a/", "b/"},
		{"a/my file.go b/my file.go", "my file.go", "my file.go", "a/", "b/"},
		{"a/a b/c b/a b/c", "a b/c", "a b/c", "a/", "b/"},
		{"a/b/foo.go b/b/foo.go", "b/foo.go", "b/foo.go", "a/", "b/"},
		{"b/foo.go b/foo.go", "b/foo.go", "b/foo.go", "", ""},
		{"a/x.go a/x.go", "a/x.go", "a/x.go", "", ""},
		{"x.go x.go", "x.go", "x.go", "", ""},
		{"i/x.go w/x.go", "x.go", "x.go", "i/", "w/"},
		{"c/x.go i/x.go", "x.go", "x.go", "c/", "i/"},
		{"c/x.go w/x.go", "x.go", "x.go", "c/", "w/"},
		{"1/x.go 2/x.go", "x.go", "x.go", "1/", "2/"},
		{"a/old.go b/new.go", "old.go", "new.go", "a/", "b/"},
		{`"a/tab\there.go" "b/tab\there.go"`, "tab\there.go", "tab\there.go", "a/", "b/"},
		{`"a/\303\251.go" "b/\303\251.go"`, "é.go", "é.go", "a/", "b/"},
		{`a/plain.go "b/\303\251.go"`, "plain.go", "é.go", "a/", "b/"},
		{`"\303\251.go" "\303\251.go"`, "é.go", "é.go", "", ""},
		{`"a/unterminated`, "a/unterminated", "", "", ""},
		{"a/x", "a/x", "a/x", "a/", "b/"},
		{"", "", "", "a/", "b/"},
		{"a/", "a/", "a/", "a/", "b/"},
	}
	for _, tt := range tests {
		old, nw, src, dst := splitGitArgs(tt.args)
		if old != tt.old || nw != tt.new || src != tt.src || dst != tt.dst {
			t.Errorf("splitGitArgs(%q) = %q %q %q %q, want %q %q %q %q", tt.args, old, nw, src, dst, tt.old, tt.new, tt.src, tt.dst)
		}
	}
}

func TestParseHunkHeader(t *testing.T) {
	tests := []struct {
		in   string
		want Hunk
		ok   bool
	}{
		{"@@ -1,3 +1,4 @@", Hunk{OldStart: 1, OldLines: 3, NewStart: 1, NewLines: 4}, true},
		{"@@ -1 +1 @@", Hunk{OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 1}, true},
		{"@@ -0,0 +1,7 @@", Hunk{NewStart: 1, NewLines: 7}, true},
		{"@@ -1,2 +0,0 @@", Hunk{OldStart: 1, OldLines: 2}, true},
		{"@@ -32,0 +34,4 @@ func main() {", Hunk{OldStart: 32, NewStart: 34, NewLines: 4, Section: "func main() {"}, true},
		{"@@ -15,7 +16,7 @@   class A:  ", Hunk{OldStart: 15, OldLines: 7, NewStart: 16, NewLines: 7, Section: "class A:"}, true},
		{"@@ -2147483647,0 +2147483647,0 @@", Hunk{OldStart: 2147483647, NewStart: 2147483647}, true},
		{"@@ -2147483648 +1 @@", Hunk{}, false},
		{"@@ -1,3 +1,4", Hunk{}, false},
		{"@@ -1,3 @@", Hunk{}, false},
		{"@@ -,3 +1 @@", Hunk{}, false},
		{"@@ -1, +1 @@", Hunk{}, false},
		{"@@ -0,1 +1 @@", Hunk{}, false},
		{"@@ -1 +0 @@", Hunk{}, false},
		{"@@ -1 +x @@", Hunk{}, false},
	}
	for _, tt := range tests {
		got, ok := parseHunkHeader([]byte(tt.in))
		if ok != tt.ok || (ok && fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want)) {
			t.Errorf("parseHunkHeader(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHeaderPath(t *testing.T) {
	tests := map[string]string{
		"a/x.go":                                  "a/x.go",
		"a/my file.go\t":                          "a/my file.go",
		"a/x.go\t2024-01-02 03:04:05 +0000":       "a/x.go",
		"x\t(revision 12)":                        "x",
		`"a/tab\tname.go"`:                        "a/tab\tname.go",
		`"b/h\303\251llo w\303\266rld.go"` + "\t": "b/héllo wörld.go",
		"/dev/null":                               "/dev/null",
		"a/trailing.go  ":                         "a/trailing.go",
		`"a/bad\q"`:                               `a/bad\q`,
	}
	for in, want := range tests {
		if got := headerPath(in); got != want {
			t.Errorf("headerPath(%q) = %q, want %q", in, got, want)
		}
	}
}
