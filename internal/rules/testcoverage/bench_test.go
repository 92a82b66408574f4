package testcoverage

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// BenchmarkMissingTests runs the rule alone over a diff of many source and
// test files, to keep Observe's per-line cost visible.
func BenchmarkMissingTests(b *testing.B) {
	var d bytes.Buffer
	for i := range 400 {
		d.WriteString(added(fmt.Sprintf("internal/pkg%d/orders.go", i), goHandler+goHandler+goHandler))
		d.WriteString(added(fmt.Sprintf("app/mod%d/billing.py", i), "import os\n\n\ndef charge(order):\n    # bill it\n    if order.total > 0 and order.open:\n        return order.bill()\n    logger.info(\"skip %s\", order.id)\n    return None\n"))
		if i%2 == 0 {
			d.WriteString(added(fmt.Sprintf("internal/pkg%d/orders_test.go", i), "package api\n\nfunc TestX(t *testing.T) {}\n"))
		}
	}
	reg, err := checks.NewRegistry(NewMissingTests())
	if err != nil {
		b.Fatal(err)
	}
	e := checks.NewEngine(reg, checks.Options{Workers: 1})
	b.SetBytes(int64(d.Len()))
	b.ResetTimer()
	for range b.N {
		if _, err := e.Run(context.Background(), diff.NewReader(bytes.NewReader(d.Bytes()))); err != nil {
			b.Fatal(err)
		}
	}
}
