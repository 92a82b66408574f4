package secrets

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

var pemHeader = regexp.MustCompile(`-----BEGIN ((?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED|SSH2 ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----`)

const pemEnd = "-----END"

// minMaterial is the shortest run of base64 that counts as key material: a
// PEM body line is 64 characters, a placeholder ("MIIE...") far shorter.
const minMaterial = 40

// materialRun returns the longest run of base64 characters in s.
func materialRun(s string) string {
	best, start := "", -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isBase64Char(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

// isMaterial reports whether text (a line after the header, or the rest of
// the header line) carries real-looking key material rather than "..." or
// a template hole.
func isMaterial(text string) bool {
	if strings.Contains(text, "...") || strings.Contains(text, "…") || strings.Contains(text, "{") || strings.Contains(text, "<") {
		return false
	}
	run := materialRun(text)
	return len(run) >= minMaterial && entropy(run) >= 4.0
}

// hasInlineMaterial reads the rest of a header line: a key stored in one
// string (JSON, .env) continues after "\n" escapes.
func hasInlineMaterial(rest string) bool {
	if k := strings.Index(rest, pemEnd); k >= 0 {
		rest = rest[:k]
	}
	rest = strings.ReplaceAll(rest, `\n`, " ")
	rest = strings.ReplaceAll(rest, `\r`, " ")
	return isMaterial(rest)
}

// pemHeaderLine reports whether t, trimmed of quotes and concatenation, is
// one of the RFC 1421 / OpenPGP armour headers that may precede the body.
func pemHeaderLine(t string) bool {
	for _, h := range []string{"Proc-Type:", "DEK-Info:", "Comment:", "Version:", "Hash:"} {
		if strings.HasPrefix(t, h) {
			return true
		}
	}
	return false
}

// trimWrapping strips what holds a key line inside source code: quotes,
// concatenation, YAML block markers and a trailing "\n" escape.
func trimWrapping(t string) string {
	t = strings.TrimLeft(t, " \t\"'`+|>")
	t = strings.TrimRight(t, " \t\"'`+,;")
	t = strings.TrimSuffix(t, `\n`)
	return strings.TrimRight(t, " \t\"'`+,;")
}

// appendKeyMaterialSpans masks everything after a private key header up to
// its END line, or to the end of s: all of it is key material.
func appendKeyMaterialSpans(s string, spans []span) []span {
	if !strings.Contains(s, "PRIVATE KEY") {
		return spans
	}
	hs := pemHeader.FindAllStringIndex(s, -1)
	for n, h := range hs {
		// Material lies before the END line or the next header; bounding the
		// search keeps a line of many headers linear.
		end := len(s)
		if n+1 < len(hs) {
			end = hs[n+1][0]
		}
		if k := strings.Index(s[h[1]:end], pemEnd); k >= 0 {
			end = h[1] + k
		}
		// A header glued to code ("...KEY-----\n" +) has no material to hide.
		if end > h[1] && len(materialRun(s[h[1]:end])) >= 16 {
			spans = append(spans, span{start: h[1], end: end, full: true})
		}
	}
	return spans
}

type privateKeyRule struct{ checks.Described }

func newPrivateKeyRule() *privateKeyRule {
	return &privateKeyRule{checks.Described{M: checks.Meta{
		ID:       "secret-private-key",
		Family:   family,
		Title:    "Private key committed",
		Summary:  "A PEM, OpenSSH or PGP private key block with key material is committed in the diff.",
		Severity: checks.Failure,
		Keywords: []string{"PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"},
		Classes:  scanClasses,
	}}}
}

func (r *privateKeyRule) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	line := v.Lines[i].Text
	if allowedLine(line) {
		return
	}
	h := pemHeader.FindStringSubmatchIndex(line)
	if h == nil {
		return
	}
	if !hasInlineMaterial(line[h[1]:]) && !materialFollows(v, i) {
		return
	}
	sev := pathSeverity(checks.Failure, fc.Path())
	if isFixturePath(fc.Path()) {
		// Test keys for TLS and signing code live in testdata; they stay
		// visible without blocking the merge.
		sev = checks.Notice
	}
	kind := "private key"
	if h[2] >= 0 && strings.Contains(line[h[2]:h[3]], "ENCRYPTED") || procTypeEncrypted(v, i) {
		sev = sev.Lower()
		kind = "passphrase-protected private key"
	}
	fc.Report(checks.Finding{
		StartLine: v.Lines[i].NewLine,
		Severity:  sev,
		Message: "A " + kind + " is committed here. Treat it as compromised: rotate it, remove it from the history, " +
			"and mount keys at run time from a secret store.",
		Evidence: maskLine(line, nil),
	})
}

// materialFollows looks at the lines after a header line (skipping armour
// headers and blank lines) for the first line of the key body.
func materialFollows(v *checks.HunkView, i int) bool {
	for j := i + 1; j < len(v.Lines) && j <= i+5; j++ {
		t := trimWrapping(strings.TrimSpace(v.Lines[j].Text))
		if t == "" || pemHeaderLine(t) {
			continue
		}
		return isMaterial(t)
	}
	return false
}

func procTypeEncrypted(v *checks.HunkView, i int) bool {
	for j := i + 1; j < len(v.Lines) && j <= i+2; j++ {
		if strings.Contains(v.Lines[j].Text, "Proc-Type: 4,ENCRYPTED") {
			return true
		}
	}
	return false
}
