// Package hardening holds the insecure-defaults rules about settings that
// are safe to leave out in a demo and costly in production: HTTP clients
// and servers without timeouts, debug switches left on, world-writable
// files, regular expressions open to ReDoS, and secrets written to logs.
//
// Every rule here stays quiet in test files: the catalogue (3.1, item 2)
// excludes test paths for these rules, and test code sets all of these on
// purpose (httptest servers, chmod to provoke errors, fake tokens).
package hardening

import "github.com/prodready/prodready/internal/checks"

const family = "insecure-defaults"

// Rules returns the rules of this package.
func Rules() []checks.Rule {
	return []checks.Rule{
		newHTTPClientNoTimeout(),
		newGoServerNoTimeouts(),
		newDebugModeEnabled(),
		newWorldWritable(),
		newRegexRedos(),
		newLogSensitiveData(),
	}
}

// report files a finding on line i of v; the engine drops it when line i
// is not an added line.
func report(fc *checks.FileContext, v *checks.HunkView, i int, sev checks.Severity, msg string) {
	if i < 0 || i >= len(v.Lines) {
		return
	}
	fc.Report(checks.Finding{StartLine: v.Lines[i].NewLine, Severity: sev, Message: msg})
}
