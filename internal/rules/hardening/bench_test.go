package hardening

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/fixture"
)

var benchDiff = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	_, err := fixture.WriteTreeDiff(&buf, fixture.GoSourceRoot(), 32<<20)
	return buf.Bytes(), err
})

// BenchmarkRules runs only this package's rules over the 32 MB Go-tree diff
// of the engine benchmark, to show their share of the engine's cost.
func BenchmarkRules(b *testing.B) {
	d, err := benchDiff()
	if err != nil {
		b.Skipf("no Go source tree: %v", err)
	}
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		b.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{})
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.RunDiff(context.Background(), bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoRules is the floor of BenchmarkRules: the same engine and diff
// with no rule at all.
func BenchmarkNoRules(b *testing.B) {
	d, err := benchDiff()
	if err != nil {
		b.Skipf("no Go source tree: %v", err)
	}
	reg, err := checks.NewRegistry()
	if err != nil {
		b.Fatal(err)
	}
	engine := checks.NewEngine(reg, checks.Options{})
	b.SetBytes(int64(len(d)))
	for b.Loop() {
		if _, err := engine.RunDiff(context.Background(), bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
	}
}
