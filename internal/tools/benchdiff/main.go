// Command benchdiff writes the large all-added diff that docs/BENCHMARKS.md
// measures `app check` on: go run ./internal/tools/benchdiff -mb 150 > big.diff
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/prodready/prodready/internal/fixture"
)

func main() {
	mb := flag.Int64("mb", 150, "minimum size of the diff in MB")
	root := flag.String("root", fixture.GoSourceRoot(), "tree whose text files become added files")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	n, err := fixture.WriteTreeDiff(w, *root, *mb<<20)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchdiff: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "benchdiff: wrote %d bytes from %s\n", n, *root)
}
