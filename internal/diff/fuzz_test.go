package diff

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader feeds the reader arbitrary bytes, seeded with every diff
// make.sh generated. testdata/fuzz/FuzzReader keeps the inputs that broke
// the go-diff based reader this one replaced: the fuzzer's finds and the
// panics, hangs and glued lines found by reading go-diff's source.
func FuzzReader(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.diff"))
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, filepath.Join("testdata", "not-a-diff.txt"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every line the reader returns is a line of the input, prefix and
		// all: nothing is glued together or cut apart.
		inputLines := map[string]bool{}
		for _, l := range bytes.Split(data, []byte("\n")) {
			inputLines[string(bytes.TrimSuffix(l, []byte("\r")))] = true
		}
		r := NewReader(bytes.NewReader(data))
		for n := 0; ; n++ {
			file, err := r.Next()
			if err != nil {
				if _, again := r.Next(); again != io.EOF {
					t.Fatalf("Next after %v returned %v, want io.EOF", err, again)
				}
				break
			}
			if msg := checkInvariants(file); msg != "" {
				t.Fatalf("file %d (%q): %s", n, file.Path(), msg)
			}
			for _, h := range file.Hunks {
				for _, l := range h.Lines {
					raw := map[LineKind]string{Added: "+", Deleted: "-", Context: " "}[l.Kind] + l.Text
					if !inputLines[raw] && (l.Kind != Context || l.Text != "" || !inputLines[""]) {
						t.Fatalf("file %d (%q): line %q is not a line of the input", n, file.Path(), raw)
					}
				}
			}
			if n > len(data) {
				t.Fatalf("%d files from %d bytes", n, len(data))
			}
		}
		if r.BytesRead() > int64(len(data)) {
			t.Fatalf("BytesRead %d > input %d", r.BytesRead(), len(data))
		}
	})
}
