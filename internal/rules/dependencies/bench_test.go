package dependencies

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

// noop is a diff rule that observes nothing: the engine's floor.
type noop struct{ checks.Described }

func (noop) Observe(*checks.FileContext) any                { return nil }
func (noop) Conclude([]checks.Observation) []checks.Finding { return nil }

func benchRules(b *testing.B, rules ...checks.Rule) {
	d, err := benchDiff()
	if err != nil {
		b.Skipf("no Go source tree: %v", err)
	}
	reg, err := checks.NewRegistry(rules...)
	if err != nil {
		b.Fatal(err)
	}
	// The toolchain's tree has a go.mod at src/: with a repository the
	// rule resolves every import.
	e := checks.NewEngine(reg, checks.Options{Repo: &memRepo{files: map[string]string{"go.mod": "module std\n"}}})
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.RunDiff(context.Background(), bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloor is the engine with a rule that does nothing.
func BenchmarkFloor(b *testing.B) {
	benchRules(b, noop{checks.Described{M: checks.Meta{ID: "noop", Family: "noop", Title: "noop", Summary: "noop", Severity: checks.Notice}}})
}

// BenchmarkHallucinatedDependency is the engine with this rule alone, on
// a 32 MB all-added diff of the Go toolchain's src/ tree.
func BenchmarkHallucinatedDependency(b *testing.B) { benchRules(b, Rules()...) }
