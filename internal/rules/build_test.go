package rules

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/config"
)

// TestBuildAppliesOptions runs a configured registry end to end: every
// rule option and the enabled flag change what is reported.
func TestBuildAppliesOptions(t *testing.T) {
	full, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	const (
		allowedKey = "AKIAQ3J7W2LXNB5RT6YE"
		otherKey   = "AKIAZ7H2K4M6PWR3T5VX"
		orgToken   = "acme_9f3c2a7b1e5d4c8a6b0f2e9d7c3a1b5e"
	)
	src := `diff --git a/svc/keys.py b/svc/keys.py
new file mode 100644
--- /dev/null
+++ b/svc/keys.py
@@ -0,0 +1,4 @@
+FIXTURE_KEY = "` + allowedKey + `"
+PROD_KEY = "` + otherKey + `"
+INTERNAL = "` + orgToken + `"
+print(INTERNAL)
diff --git a/svc/sync.go b/svc/sync.go
new file mode 100644
--- /dev/null
+++ b/svc/sync.go
@@ -0,0 +1,5 @@
+package svc
+func flush() {
+	_ = logger.Sync()
+	_ = os.Remove(tmp)
+}
`
	cfgText := `version: 1
families:
  secrets:
    allow: ["` + allowedKey + `"]
    patterns:
      - id: acme-internal-token
        regex: 'acme_[0-9a-f]{32}'
        entropy: 3.0
  error-handling:
    allow_calls: ["logger.Sync"]
rules:
  missing-tests:
    enabled: false
`
	cfg, err := config.Parse([]byte(cfgText), "p.yml", full)
	if err != nil {
		t.Fatal(err)
	}
	policy := cfg.Policy(full, false)
	reg, err := Build(policy)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := reg.Lookup("missing-tests"); ok {
		t.Error("a disabled rule is still in the registry")
	}
	res, err := NewEngineWithPolicy(reg, 2, policy, nil).RunDiff(context.Background(), strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[fmt.Sprintf("%s:%d %s", f.Path, f.StartLine, f.RuleID)] = true
		for _, secret := range []string{allowedKey, otherKey, orgToken} {
			if strings.Contains(f.Evidence, secret) || strings.Contains(f.Message, secret) {
				t.Errorf("%s leaks %s: %q", f.RuleID, secret, f.Evidence)
			}
		}
	}
	for _, want := range []string{"svc/keys.py:2 secret-provider-token", "svc/keys.py:3 secret-provider-token", "svc/sync.go:4 go-error-discarded"} {
		if !got[want] {
			t.Errorf("missing %s; got %v", want, got)
		}
	}
	for _, unwanted := range []string{"svc/keys.py:1 secret-provider-token", "svc/sync.go:3 go-error-discarded"} {
		if got[unwanted] {
			t.Errorf("reported %s despite the configuration", unwanted)
		}
	}
}
