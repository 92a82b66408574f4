package secrets

import (
	"strings"
	"testing"
	"time"
)

// TestAdversarialInputs holds Redact and the scanners to linear time on
// inputs built to make them backtrack: long lines of operators, keys,
// schemes and headers.
func TestAdversarialInputs(t *testing.T) {
	inputs := map[string]string{
		"assign":    strings.Repeat(`password="`, 20000),
		"colon":     strings.Repeat(`token:'`, 20000),
		"bearer":    strings.Repeat("bearer ", 30000) + "authorization",
		"basic":     "authorization " + strings.Repeat("basic ", 30000),
		"urls":      strings.Repeat("a://b:c@", 20000),
		"parens":    strings.Repeat("setPassword(", 20000),
		"pairs":     strings.Repeat(`put("password", `, 20000),
		"headers":   strings.Repeat("-----BEGIN PRIVATE KEY-----", 5000),
		"base64":    strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3", 20000),
		"compare":   strings.Repeat(`password == "`, 20000),
		"xml":       strings.Repeat("<password>", 20000) + "</password>",
		"equals":    strings.Repeat("password.equals(", 20000),
		"tokens":    strings.Repeat("AKIA", 50000),
		"mailchimp": strings.Repeat("0123456789abcdef-us", 20000),
		"quotes":    strings.Repeat(`"api_key": "`, 20000) + `"`,
	}
	for name, s := range inputs {
		start := time.Now()
		Redact(s)
		m := scanMode{unquoted: true, eol: true, inString: func(int) bool { return true }}
		scanCredentials(s, &m, func(credHit) {})
		d := time.Since(start)
		t.Logf("%-10s %8d bytes %v", name, len(s), d)
		// Quadratic behaviour took tens of seconds here; linear is well
		// under this bound even on a loaded machine.
		if d > 3*time.Second {
			t.Errorf("%s: %v on %d bytes", name, d, len(s))
		}
	}
}
