package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse holds the loader to one contract on any input: no panic, and
// either a configuration or an *Error with positioned problems.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "config", "full.yml")); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"version: 1\n", "version: 1\nrules:\n  missing-tests:\n    severity: warning\n", "- a\n", "version: [1\n",
		"version: 1\nfamilies:\n  secrets:\n    patterns:\n      - id: x\n        regex: '('\n", "&a [*a]\n", "version: 1\n---\nversion: 1\n",
		"version: 1\nprofiles:\n  ai_authored:\n    rules: {missing-tests: {severity: failure}}\n", "\t\x00\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse(src, "fuzz.yml", cat)
		if err == nil {
			if cfg == nil {
				t.Fatal("nil config without error")
			}
			cfg.Policy(cat, true)
			return
		}
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Problems) == 0 {
			t.Fatalf("error %T %v is not an *Error with problems", err, err)
		}
		for _, p := range ce.Problems {
			if p.Line < 1 || p.Column < 0 {
				t.Fatalf("problem without a position: %+v", p)
			}
		}
	})
}
