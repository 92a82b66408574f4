package insecuredefaults

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

// noop is a keyword-less FileRule, so that the baseline engine parses and
// masks nothing more than it must.
type noop struct{ checks.Described }

func (noop) CheckFile(*checks.FileContext) {}

func benchRules(b *testing.B, rules ...checks.Rule) {
	d, err := benchDiff()
	if err != nil {
		b.Skipf("no Go source tree: %v", err)
	}
	reg, err := checks.NewRegistry(rules...)
	if err != nil {
		b.Fatal(err)
	}
	e := checks.NewEngine(reg, checks.Options{})
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.RunDiff(context.Background(), bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaseline is the engine over the 32 MB Go-tree diff with no line
// rule; BenchmarkPackage adds this package's rules. The difference includes
// the keyword prefilter's scan of every added line, which a full registry
// pays once for all its rules; the rules' own share of a full run is in
// internal/rules' BenchmarkEngine.
func BenchmarkBaseline(b *testing.B) {
	benchRules(b, noop{checks.Described{M: checks.Meta{ID: "noop", Family: "noop", Title: "noop", Summary: "noop", Severity: checks.Notice}}})
}

func BenchmarkPackage(b *testing.B) { benchRules(b, Rules()...) }
