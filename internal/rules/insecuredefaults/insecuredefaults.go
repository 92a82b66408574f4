// Package insecuredefaults holds the insecure-defaults rules about
// transport and cryptography settings and web protections that are
// switched off: TLS verification, non-cryptographic randomness for
// secrets, fast hashes of passwords, weak ciphers, unverified JWTs,
// disabled CSRF protection and permissive CORS. They are lexical checks on
// added lines that read a few lines around the match (context included)
// to tell the insecure form from the safe one.
package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

const family = "insecure-defaults"

// Rules returns the rules of this package, fresh instances each call.
func Rules() []checks.Rule {
	return []checks.Rule{
		newTLSVerificationDisabled(),
		newInsecureRandom(),
		newWeakPasswordHash(),
		newWeakCipher(),
		newJWTVerificationDisabled(),
		newCSRFDisabled(),
		newCORSPermissive(),
	}
}

// codeLanguages returns the programming languages most rules read, plus
// extra, as a fresh slice so that no two rules share one.
func codeLanguages(extra ...diff.Language) []diff.Language {
	out := []diff.Language{diff.Go, diff.Python, diff.JavaScript, diff.TypeScript, diff.Java, diff.Kotlin}
	return append(out, extra...)
}

// report files a finding on line i of v; suppression (prodready:ignore,
// nosec, nosemgrep) is the engine's.
func report(fc *checks.FileContext, v *checks.HunkView, i int, sev checks.Severity, msg string) {
	if i < 0 || i >= len(v.Lines) {
		return
	}
	fc.Report(checks.Finding{StartLine: v.Lines[i].NewLine, Severity: sev, Message: msg})
}

// inTests lowers a finding one level in test files, for the rules whose
// findings the catalogue downgrades there (TLS, JWT) rather than skips.
func inTests(fc *checks.FileContext, s checks.Severity) checks.Severity {
	if fc.IsTest {
		return s.Lower()
	}
	return s
}

// uncommented returns line i with comments blanked and the contents of
// string literals kept, for patterns that need both code and strings
// (Cipher.getInstance("DES"), allow_origins=["*"]) but must not fire on a
// comment. A run that Code blanked is string content when a quote of the
// same kind bounds it on both sides; any other blanked run is a comment.
// Text inside a string that spans lines is treated as a comment.
func uncommented(v *checks.HunkView, i int) string {
	raw, code := v.Lines[i].Text, v.Code(i)
	if raw == code || len(raw) != len(code) {
		return code
	}
	var b []byte
	for a := 0; a < len(code); {
		if !isBlank(code[a]) {
			a++
			continue
		}
		e := a
		for e < len(code) && isBlank(code[e]) {
			e++
		}
		if a > 0 && e < len(code) && isQuote(code[a-1]) && code[e] == code[a-1] && raw[a:e] != code[a:e] {
			if b == nil {
				b = []byte(code)
			}
			copy(b[a:e], raw[a:e])
		}
		a = e
	}
	if b == nil {
		return code
	}
	return string(b)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// hasAny reports whether s contains any of subs.
func hasAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII string sub,
// ignoring ASCII case, without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	first := sub[0]
	for k := 0; k+n <= len(s); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != first {
			continue
		}
		ok := true
		for m := 1; m < n; m++ {
			d := s[k+m]
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if d != sub[m] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// windowAny reports whether any line from i-back to i+ahead (context
// included, comments and string contents masked) satisfies match.
func windowAny(v *checks.HunkView, i, back, ahead int, match func(code string) bool) bool {
	for j := max(0, i-back); j <= i+ahead && j < len(v.Lines); j++ {
		if match(v.Code(j)) {
			return true
		}
	}
	return false
}

// windowAnyText is windowAny over comment-free text with strings kept.
func windowAnyText(v *checks.HunkView, i, back, ahead int, match func(text string) bool) bool {
	for j := max(0, i-back); j <= i+ahead && j < len(v.Lines); j++ {
		if match(uncommented(v, j)) {
			return true
		}
	}
	return false
}

// stanzaAny is windowAnyText limited to the paragraph around line i: it
// stops at a blank line either way, so that a setting in the next
// function or block does not count.
func stanzaAny(v *checks.HunkView, i, limit int, match func(text string) bool) bool {
	for j := i; j >= 0 && j >= i-limit; j-- {
		if strings.TrimSpace(v.Lines[j].Text) == "" {
			break
		}
		if match(uncommented(v, j)) {
			return true
		}
	}
	for j := i + 1; j < len(v.Lines) && j <= i+limit; j++ {
		if strings.TrimSpace(v.Lines[j].Text) == "" {
			break
		}
		if match(uncommented(v, j)) {
			return true
		}
	}
	return false
}

// fileScanLines bounds how many lines a file-wide look-up reads, so that a
// huge file costs the same as a large one.
const fileScanLines = 20000

// fileAny reports whether any line the diff shows of the file (context and
// added, masked) satisfies match.
func fileAny(fc *checks.FileContext, match func(code string) bool) bool {
	n := 0
	for _, v := range fc.Views {
		for j := range v.Lines {
			if match(v.Code(j)) {
				return true
			}
			if n++; n > fileScanLines {
				return false
			}
		}
	}
	return false
}

// fileAnyRaw is fileAny over the raw text: for imports and quoted names.
func fileAnyRaw(fc *checks.FileContext, match func(text string) bool) bool {
	n := 0
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			if match(l.Text) {
				return true
			}
			if n++; n > fileScanLines {
				return false
			}
		}
	}
	return false
}

// devGate matches a condition that only holds outside production: a debug
// flag, a development environment name, an explicit insecure opt-in.
var devGate = regexp.MustCompile(`(?i)^\s*(?:\}\s*else\s+)?(?:if|elif|when|unless)\b.*(?:\bdebug\b|\.debug\b|\bDEBUG\b|develop|\bdev\b|\blocal(?:host)?\b|\btesting\b|NODE_ENV\s*!==?\s*["']production|insecure)`)

// devGated reports whether line i sits in a block guarded by a
// development-only condition: an if on DEBUG, a development environment or
// an insecure flag within the few lines above it, at a lower indentation.
func devGated(v *checks.HunkView, i int) bool {
	if i < 0 || i >= len(v.Lines) {
		return false
	}
	ind := indent(v.Lines[i].Text)
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		t := v.Lines[j].Text
		if strings.TrimSpace(t) == "" {
			continue
		}
		if indent(t) >= ind {
			continue
		}
		// Only the nearest enclosing block counts.
		return devGate.MatchString(v.Code(j)) || devGate.MatchString(uncommented(v, j))
	}
	return false
}

// indent is the width of a line's leading white space, a tab counting as
// four columns.
func indent(s string) int {
	n := 0
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// importLine matches a Java, Kotlin or Python import, where a class name
// is named, not used.
var importLine = regexp.MustCompile(`^\s*import\s`)

// localTarget matches a loopback host in a URL or host string.
var localTarget = regexp.MustCompile(`(?i)\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])\b`)

// devConfigPath reports whether a configuration file is for a
// development or local environment only, by a word of its path
// (settings/dev.py, config/development.yml, docker-compose.local.yml).
func devConfigPath(p string) bool {
	words := strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
		return r == '/' || r == '.' || r == '_' || r == '-'
	})
	for _, w := range words {
		switch w {
		case "dev", "development", "develop", "local", "override":
			return true
		}
	}
	return false
}
