package secrets

import "strings"

// weakDefaults are the passwords every scanner and every attacker tries
// first; as the value of a password or secret they are a finding at any
// length and any entropy.
var weakDefaults = []string{
	"password", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "admin", "admin123",
	"admin1234", "administrator", "root", "toor", "123456", "1234567", "12345678", "123456789",
	"1234567890", "qwerty", "qwerty123", "letmein", "changeme", "change_me", "change-me", "changeit",
	"secret", "secret123", "default", "guest", "welcome", "welcome1", "hunter2", "pass123",
	"pass1234", "test123", "abc123", "iloveyou", "trustno1", "s3cr3t",
}

func isWeakDefault(v string) bool { return inFold(v, weakDefaults) }

// placeholderMarkers are the words of values written to be replaced.
var placeholderMarkers = []string{
	"xxx", "***", "...", "…", "your", "example", "sample", "placeholder", "dummy", "fake", "mock",
	"change", "replace", "insert", "redacted", "todo", "fixme", "tbd", "here", "abcdefgh",
	"12345678", "qwertyui", "process.env", "os.environ", "getenv", "environ[", "env[", "secretsmanager",
}

var nonValues = []string{"none", "null", "nil", "undefined", "true", "false", "required", "optional", "string", "str", "bool", "bytes", "secretstr"}

// placeholderValue reports values that stand for a secret instead of being
// one: templates, environment references, masks and "your-key-here".
func placeholderValue(v string) bool {
	if v == "" || inFold(v, nonValues) {
		return true
	}
	if strings.ContainsAny(v, "<") && strings.ContainsAny(v, ">") {
		return true
	}
	if strings.Contains(v, "{") && strings.Contains(v, "}") || strings.Contains(v, "${") || strings.Contains(v, "{{") ||
		strings.Contains(v, "#{") || strings.Contains(v, "$(") || strings.Contains(v, "%(") {
		return true
	}
	for _, f := range []string{"%s", "%v", "%d", "%q"} {
		if strings.Contains(v, f) {
			return true
		}
	}
	switch c := v[0]; {
	case c == '$' && len(v) > 1 && (isAlnum(v[1]) && !isDigit(v[1]) || v[1] == '_' || v[1] == '{' || v[1] == '('):
		return true
	case len(v) > 2 && (c == '%' || c == '@') && v[len(v)-1] == c:
		return true
	case c == '!' || c == '&' || c == '*' || c == '|' || c == '>':
		// YAML tags (!Ref, !vault), anchors, aliases and block scalars.
		return true
	}
	for _, m := range placeholderMarkers {
		if containsFold(v, m) {
			return true
		}
	}
	if hasPrefixFold(v, "arn:") || hasPrefixFold(v, "projects/") || hasPrefixFold(v, "vault:") {
		return true
	}
	if shoutedName(v) {
		return true
	}
	masked := true
	for i := 0; i < len(v); i++ {
		if !strings.ContainsRune("xX*#.-_0 ", rune(v[i])) {
			masked = false
			break
		}
	}
	return masked
}

// shoutedName matches upper-case stand-ins such as MYTOKEN1 or
// APIKEY_HERE: capitals and digits only, naming the kind of secret.
func shoutedName(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isUpperASCII(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	for _, w := range []string{"TOKEN", "KEY", "SECRET", "PASS", "PWD", "AUTH"} {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}

// proseOrLabel reports UI text: i18n labels ("Password", "Mot de passe"),
// messages and translations are not credentials.
func proseOrLabel(v string) bool {
	if strings.ContainsAny(v, " \t") {
		return true
	}
	w := strings.TrimRight(v, ":?!.")
	if len(w) >= 2 && isUpperASCII(w[0]) {
		lower := true
		for i := 1; i < len(w); i++ {
			if !isLowerASCII(w[i]) {
				lower = false
				break
			}
		}
		if lower {
			return true
		}
	}
	letters, nonASCII := true, false
	for _, r := range v {
		if r >= 0x80 {
			nonASCII = true
			continue
		}
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			letters = false
			break
		}
	}
	return letters && nonASCII
}

var fileExtensions = []string{
	".json", ".pem", ".key", ".txt", ".yaml", ".yml", ".env", ".p12", ".pfx", ".jks", ".crt", ".cer",
	".der", ".ini", ".cfg", ".conf", ".toml", ".properties", ".xml", ".db", ".sqlite", ".keystore",
	".truststore", ".gpg", ".asc", ".pub", ".csv", ".log", ".html", ".js", ".py",
}

// identifierLike reports values that name something (a file, a path, a
// URL, an environment variable, a property, an identifier) rather than
// hold a secret. bare is set for unquoted values in contexts where an
// unquoted word may be a variable rather than a literal.
func identifierLike(v string, bare bool) bool {
	if strings.Contains(v, "://") {
		return true
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "~/") ||
		len(v) > 2 && v[1] == ':' && v[2] == '\\' {
		return true
	}
	lowerPath := strings.Contains(v, "/")
	for i := 0; i < len(v) && lowerPath; i++ {
		c := v[i]
		lowerPath = isLowerASCII(c) || isDigit(c) || c == '/' || c == '.' || c == '_' || c == '-'
	}
	if lowerPath {
		return true
	}
	for _, ext := range fileExtensions {
		if len(v) > len(ext) && hasSuffixFold(v, ext) && wordy(v[:len(v)-len(ext)]) {
			return true
		}
	}
	if envVarName(v) || dottedPath(v) || wordsJoined(v) || lettersJoined(v) {
		return true
	}
	if bare {
		digit := false
		for i := 0; i < len(v); i++ {
			if isDigit(v[i]) || !isAlnum(v[i]) && v[i] != '_' && v[i] != '.' && v[i] != '$' {
				digit = true
				break
			}
		}
		if !digit {
			return true
		}
	}
	return false
}

// wordy reports a file-name stem: letters, digits, '.', '_' and '-'.
func wordy(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

// envVarName matches DB_PASSWORD and PASSWORD: upper-case words, never a
// mix of cases the way generated secrets are.
func envVarName(v string) bool {
	if len(v) < 2 || !isUpperASCII(v[0]) {
		return false
	}
	underscore, digits := false, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '_':
			underscore = true
		case isDigit(c):
			digits++
		case !isUpperASCII(c):
			return false
		}
	}
	return underscore || digits == 0
}

// dottedPath matches property keys and member paths (app.secret.key,
// config.apiKey): short identifier segments joined by dots. JWTs and
// base64 have long segments and are not paths.
func dottedPath(v string) bool {
	if !strings.Contains(v, ".") {
		return false
	}
	for _, seg := range strings.Split(v, ".") {
		if seg == "" || len(seg) > 30 || isDigit(seg[0]) {
			return false
		}
		digits := 0
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if isDigit(c) {
				digits++
			} else if !isAlnum(c) && c != '_' && c != '-' && c != '$' {
				return false
			}
		}
		if digits > 2 {
			return false
		}
	}
	return true
}

// containsKeyName reports a value built from its key's name
// ("encryptionKey" = "encryptionKey1024"): a label or test name.
func containsKeyName(key, v string) bool {
	nk := normaliseName(key)
	return len(nk) >= 5 && strings.Contains(normaliseName(v), nk)
}

// wordsJoined matches lower-case words joined by '-', '_' or '.', with no
// digit: super-secret-key, x-auth-token, user_password. These name things
// far more often than they are secrets, and the ones that are secrets are
// the "your-secret-here" kind.
func wordsJoined(v string) bool {
	seps := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			seps++
		case !isLowerASCII(c):
			return false
		}
	}
	return seps > 0
}

// lettersJoined matches words of letters joined by '.', ':', '/', '_' or
// '-' in any case (js.fetch:credentials, groupname:password:GID): names and
// formats, which real secrets, carrying digits, never are.
func lettersJoined(v string) bool {
	seps := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.' || c == ':' || c == '/' || c == '_' || c == '-':
			if i == 0 || i == len(v)-1 {
				return false
			}
			seps++
		case !isLowerASCII(c) && !isUpperASCII(c):
			return false
		}
	}
	return seps > 0
}

// looksRandom is the bar for a failure: long, high entropy, mixed
// character classes, the shape of generated keys and real passwords.
func looksRandom(v string) bool {
	return len(v) >= 16 && entropy(v) >= 3.5 && charClasses(v) >= 2
}

// judgeCtx is where a value was found.
type judgeCtx struct {
	// nameConstOK keeps a value equal to a word of its key in the running
	// (keyword arguments and comparisons are not name constants).
	nameConstOK bool
	// bare is set for an unquoted value in a context where it may be an
	// identifier.
	bare bool
}

// judge decides whether v, the value given to a credential key, is a
// hard-coded credential, and how bad it is.
func judge(info keyInfo, key, v string, m *scanMode, ctx judgeCtx) (ok, weak, strong bool) {
	if v == "" || len(v) > 512 {
		return false, false, false
	}
	if (info.password || info.secret) && isWeakDefault(v) {
		if m.example || m.codeConsts && !ctx.nameConstOK && equalsKeyPart(key, v) {
			return false, false, false
		}
		return true, true, false
	}
	if placeholderValue(v) || isProviderToken(v) {
		return false, false, false
	}
	if m.codeConsts && !ctx.nameConstOK && (equalsKeyPart(key, v) || containsKeyName(key, v)) {
		return false, false, false
	}
	if proseOrLabel(v) || identifierLike(v, ctx.bare) {
		return false, false, false
	}
	if len(v) < 8 {
		return false, false, false
	}
	if entropy(v) < 3.0 {
		// Human-made passwords (Sup3rS3cr3t!) repeat characters and fall
		// under the entropy gate; their mix of character kinds gives them away.
		if info.password && passwordShaped(v) {
			return true, false, false
		}
		return false, false, false
	}
	return true, false, looksRandom(v)
}

// passwordShaped reports a value mixing at least three of lower case,
// upper case, digits and symbols, the shape password policies demand.
func passwordShaped(v string) bool {
	symbol := 0
	for i := 0; i < len(v); i++ {
		if !isAlnum(v[i]) {
			symbol = 1
			break
		}
	}
	return charClasses(v)+symbol >= 3
}

// splitAuthScheme strips an HTTP auth scheme from an Authorization value.
func splitAuthScheme(v string) (string, int, bool) {
	for _, p := range []string{"bearer ", "basic ", "token ", "digest "} {
		if hasPrefixFold(v, p) {
			off := len(p)
			for off < len(v) && v[off] == ' ' {
				off++
			}
			return v[off:], off, true
		}
	}
	return v, 0, false
}
