package rules

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

var benchDiff = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	_, err := fixture.WriteTreeDiff(&buf, fixture.GoSourceRoot(), 32<<20)
	return buf.Bytes(), err
})

func loadBenchDiff(b *testing.B) []byte {
	d, err := benchDiff()
	if err != nil {
		b.Skipf("no Go source tree to build the benchmark diff from: %v", err)
	}
	return d
}

// BenchmarkEngine runs every rule over a 32 MB all-added diff of the Go
// toolchain's src/ tree, parsing in parallel chunks as app check does.
func BenchmarkEngine(b *testing.B) {
	d := loadBenchDiff(b)
	reg, err := Registry()
	if err != nil {
		b.Fatal(err)
	}
	engine := NewEngine(reg, 0)
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.RunDiff(context.Background(), bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOnly is the floor: the same diff through the parser alone,
// on one goroutine.
func BenchmarkParseOnly(b *testing.B) {
	d := loadBenchDiff(b)
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		r := diff.NewReader(bytes.NewReader(d))
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
}
