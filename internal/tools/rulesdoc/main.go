// Command rulesdoc prints docs/rules.md from the rule registry.
package main

import (
	"fmt"
	"os"

	"github.com/prodready/prodready/internal/rules"
)

func main() {
	reg, err := rules.Registry()
	if err != nil {
		fmt.Fprintf(os.Stderr, "rulesdoc: %v\n", err)
		os.Exit(1)
	}
	fmt.Print(rules.Reference(reg))
}
