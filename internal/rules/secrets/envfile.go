package secrets

import (
	"path"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

type envFileRule struct{ checks.Described }

func newEnvFileRule() *envFileRule {
	return &envFileRule{checks.Described{M: checks.Meta{
		ID:        "secret-env-file",
		Family:    family,
		Title:     ".env file committed",
		Summary:   "A new .env file (not .env.example) is added to the repository; such files hold real credentials.",
		Languages: []diff.Language{diff.Dotenv},
		Severity:  checks.Warning,
		Classes:   scanClasses,
	}}}
}

// isEnvFile reports dotenv files that hold real values: .env, .env.local,
// .env.production, prod.env, but not the templates committed on purpose.
func isEnvFile(p string) bool {
	base := strings.ToLower(path.Base(p))
	if base != ".env" && !strings.HasPrefix(base, ".env.") && !strings.HasSuffix(base, ".env") {
		return false
	}
	for _, m := range exampleMarkers {
		if strings.Contains(base, m) {
			return false
		}
	}
	// .env.vault holds dotenv-vault's encrypted values.
	return !strings.Contains(base, "vault")
}

// testEnvFile reports the env files of test runs, which frameworks expect
// to be committed with throw-away values.
func testEnvFile(p string) bool {
	base := strings.ToLower(path.Base(p))
	for _, s := range []string{".test", ".testing", ".ci", ".e2e"} {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return checks.IsTestPath(p)
}

// envAssignment parses KEY=value (with an optional export), returning the
// value without quotes or a trailing comment.
func envAssignment(t string) (key, val string, valStart int, ok bool) {
	s := strings.TrimLeft(t, " \t")
	off := len(t) - len(s)
	if strings.HasPrefix(s, "export ") {
		s2 := strings.TrimLeft(s[len("export "):], " \t")
		off += len(s) - len(s2)
		s = s2
	}
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return "", "", 0, false
	}
	key = strings.TrimSpace(s[:eq])
	for i := 0; i < len(key); i++ {
		if c := key[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return "", "", 0, false
		}
	}
	raw := s[eq+1:]
	lead := len(raw) - len(strings.TrimLeft(raw, " \t"))
	val = strings.TrimLeft(raw, " \t")
	valStart = off + eq + 1 + lead
	if len(val) > 0 && (val[0] == '"' || val[0] == '\'') {
		if e := strings.IndexByte(val[1:], val[0]); e >= 0 {
			return key, val[1 : 1+e], valStart + 1, true
		}
	}
	if h := strings.Index(val, " #"); h >= 0 {
		val = val[:h]
	}
	return key, strings.TrimRight(val, " \t\r"), valStart, true
}

// publicPrefixes mark variables a front-end build embeds in the bundle on
// purpose; a .env of nothing else holds no secret.
var publicPrefixes = []string{"REACT_APP_", "NEXT_PUBLIC_", "VITE_", "EXPO_PUBLIC_", "PUBLIC_", "NUXT_PUBLIC_", "GATSBY_", "VUE_APP_"}

func publicKey(k string) bool {
	for _, p := range publicPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func (r *envFileRule) CheckFile(fc *checks.FileContext) {
	f := fc.File
	if f.Status != diff.AddedFile && f.Status != diff.Renamed && f.Status != diff.Copied || !isEnvFile(fc.Path()) {
		return
	}
	first, line, evidence := 0, 0, ""
	public := true
	fc.AddedLines(func(v *checks.HunkView, i int) {
		t := v.Lines[i].Text
		if first == 0 && !allowedLine(t) {
			first = v.Lines[i].NewLine
		}
		key, val, at, ok := envAssignment(t)
		if !ok || val == "" {
			return
		}
		public = public && publicKey(key)
		if line == 0 && !allowedLine(t) {
			line = v.Lines[i].NewLine
			evidence = maskLine(t, []span{{start: at, end: at + len(val)}})
		}
	})
	if line == 0 {
		line = first
		public = false
	}
	if line == 0 {
		return
	}
	sev := checks.Warning
	if public || testEnvFile(fc.Path()) {
		sev = checks.Notice
	}
	fc.Report(checks.Finding{
		StartLine: line,
		Severity:  sev,
		Message: "A " + path.Base(fc.Path()) + " file is being committed; these hold real credentials. Remove it, add it to " +
			".gitignore, and commit a .env.example with placeholder values instead.",
		Evidence: evidence,
	})
}
