package insecuredefaults

import (
	"path"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// tlsVerificationDisabled reports code and configuration that turn off
// certificate or host-name verification, or allow protocol versions that
// are broken, so that any machine in the path can read and change the
// traffic.
type tlsVerificationDisabled struct{ checks.Described }

// verifyKeys are settings that verify certificates: false turns it off.
// insecureKeys are settings that skip verification: true turns it off.
// Both are word lists; keys match whatever their separators or case.
var (
	verifyKeys = [][]string{
		{"ssl", "verify"}, {"verify", "ssl"}, {"ssl", "verification"}, {"verify", "certs"}, {"verify", "cert"},
		{"verify", "certificate"}, {"verify", "certificates"}, {"validate", "certs"}, {"validate", "certificates"},
		{"strict", "ssl"}, {"reject", "unauthorized"}, {"tls", "verify"}, {"verify", "tls"}, {"check", "hostname"},
		{"verify", "hostname"}, {"hostname", "verification"}, {"python", "https", "verify"}, {"check", "certificate"},
	}
	insecureKeys = [][]string{
		{"insecure", "skip", "verify"}, {"insecure", "skip", "tls", "verify"}, {"skip", "tls", "verify"},
		{"tls", "skip", "verify"}, {"skip", "ssl", "verify"}, {"ssl", "skip", "verify"}, {"skip", "ssl", "validation"},
		{"skip", "cert", "verify"}, {"skip", "certificate", "verification"}, {"skip", "tls", "verification"},
		{"skip", "ssl", "verification"}, {"disable", "ssl", "verification"}, {"disable", "tls", "verification"},
		{"trust", "all", "certs"}, {"trust", "all", "certificates"}, {"trust", "all"}, {"allow", "insecure"},
		{"tls", "insecure"}, {"insecure", "tls"}, {"insecure", "ssl"}, {"use", "insecure", "trust", "manager"},
		{"accept", "any", "certificate"}, {"ignore", "ssl", "errors"}, {"ignore", "certificate", "errors"},
		{"ignore", "https", "errors"}, {"accept", "insecure", "certs"}, {"git", "ssl", "no", "verify"},
		{"no", "verify", "ssl"}, {"ssl", "no", "verify"},
	}
	verifyNorm, insecureNorm = joinKeys(verifyKeys), joinKeys(insecureKeys)
)

func joinKeys(keys [][]string) []string {
	out := make([]string, len(keys))
	for k, ws := range keys {
		out[k] = strings.Join(ws, "")
	}
	return out
}

// commonLead are first words whose opening letters are frequent in code
// (true, sign, value); a keyword starts after them so that the prefilter
// compares fewer positions.
var commonLead = map[string]int{"ignore": 2, "trust": 2, "validate": 3}

// keyKeywords spells every key with no separator (camelCase and
// PascalCase fold to it), '_' and '-'.
func keyKeywords(keys ...[][]string) []string {
	var out []string
	for _, set := range keys {
		for _, ws := range set {
			skip := commonLead[ws[0]]
			for _, sep := range []string{"", "_", "-"} {
				out = append(out, strings.Join(ws, sep)[skip:])
			}
		}
	}
	return out
}

func newTLSVerificationDisabled() *tlsVerificationDisabled {
	kw := []string{
		// Python
		"verify=false", "verify = false", "verify =false", "verify= false", "_create_unverified_context", "rt_none",
		"disable_warnings", "protocol_tlsv1", "protocol_sslv", "tlsv1_method", "sslv3_method", "sslv2_method",
		"tlsversion.tlsv1", "tlsversion.sslv3", "ssl=false", "ssl = false",
		// Go
		"insecureignorehostkey", "versiontls10", "versiontls11", "versionssl30",
		// JavaScript
		"checkserveridentity", "'tlsv1", "\"tlsv1", "'sslv3", "\"sslv3",
		// Java and Kotlin
		// (tnameverifier: any *HostnameVerifier; ustall: TrustAllStrategy)
		"tnameverifier", "tname_verifier", "ustallstrategy", "ustselfsignedstrategy", "insecuretrustmanagerfactory",
		"sslsession", "checkservertrusted",
		// Shell and Dockerfiles
		"--insecure", "--no-check-certificate", "--no-verify-ssl", "--trusted-host", "curl ", "check_certificate",
		// YAML sections and Elastic settings
		"verify:", "insecure:", "verification:", "verification_mode", "verificationmode", "skip_verify", "skipverify",
		"verify_peer", "verifypeer", "ustall:", "noverify",
	}
	kw = append(kw, keyKeywords(verifyKeys, insecureKeys)...)
	return &tlsVerificationDisabled{checks.Described{M: checks.Meta{
		ID:     "tls-verification-disabled",
		Family: family,
		Title:  "TLS verification disabled",
		Summary: "Certificate or host-name verification is turned off (verify=False, InsecureSkipVerify, rejectUnauthorized: false, " +
			"trust-all managers, sslVerify: false) or a broken protocol version is allowed.",
		Languages: codeLanguages(diff.YAML, diff.JSON, diff.Properties, diff.TOML, diff.Dotenv, diff.Shell,
			diff.Dockerfile, diff.Terraform, diff.Unknown),
		Severity: checks.Failure,
		Keywords: kw,
	}}}
}

// tlsConfigNames are extension-less files whose settings the rule reads.
var tlsConfigNames = map[string]bool{".npmrc": true, ".yarnrc": true, ".gitconfig": true, "pipfile": true, ".wgetrc": true, "gitconfig": true}

var (
	// keyValue is a setting: an optionally quoted key, ':' or '=' (or a
	// space in shell and ini-like files), an optionally quoted value.
	keyValue = regexp.MustCompile(`(["']?)([A-Za-z_][A-Za-z0-9_.\-]*)(["']?)\s*\]?\s*(?::\s*(?:bool|boolean|Boolean)\s*)?(:|=|\s)\s*(["']?)([A-Za-z0-9]+)\b`)
	// verificationMode is Elastic's setting (ssl.verification_mode: none).
	verificationMode = regexp.MustCompile(`(?i)verification[_.-]?mode["']?\s*[:=]\s*["']?none\b`)
	// yamlChild is a nested YAML key with a value.
	yamlChild = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z_][\w\-]*)\s*:\s*["']?([A-Za-z]+)["']?\s*$`)
	yamlKey   = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z_][\w.\-]*)\s*:`)

	pyVerifyFalse   = regexp.MustCompile(`\bverify\s*=\s*False\b`)
	pyVerifyAttr    = regexp.MustCompile(`\.verify\s*=\s*False\b`)
	pyUnverified    = regexp.MustCompile(`\b_create_unverified_context\b`)
	pyCertNone      = regexp.MustCompile(`\bCERT_NONE\b`)
	pyCertReqsStr   = regexp.MustCompile(`\bcert_reqs\s*=\s*["']CERT_NONE["']`)
	pyDisableWarn   = regexp.MustCompile(`\burllib3\.disable_warnings\s*\(`)
	pyOldProtocol   = regexp.MustCompile(`\bPROTOCOL_(?:SSLv2|SSLv3|TLSv1|TLSv1_1)\b|\b(?:SSLv2|SSLv3|TLSv1|TLSv1_1)_METHOD\b|\bTLSVersion\.(?:SSLv3|TLSv1|TLSv1_1)\b`)
	pyAiohttpSSL    = regexp.MustCompile(`\bssl\s*=\s*False\b`)
	goIgnoreHostKey = regexp.MustCompile(`\bssh\.InsecureIgnoreHostKey\s*\(\s*\)`)
	goOldVersion    = regexp.MustCompile(`\bMinVersion\s*[:=]\s*tls\.Version(?:TLS10|TLS11|SSL30)\b|\btls\.VersionSSL30\b`)
	jsIdentity      = regexp.MustCompile(`\bcheckServerIdentity\s*[:=]\s*(?:\(\s*[\w\s,]*\)|\w+)\s*=>\s*(?:undefined|null|\{\s*\}|true)`)
	jsOldProtocol   = regexp.MustCompile(`\b(?:minVersion|maxVersion)\s*:\s*["']TLSv1(?:\.1)?["']|\bsecureProtocol\s*:\s*["'](?:SSLv2|SSLv3|TLSv1|TLSv1_1)_method["']`)
	javaTrustAll    = regexp.MustCompile(`\b(?:NoopHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER|AllowAllHostnameVerifier|NullHostnameVerifier|TrustAllStrategy|TrustSelfSignedStrategy|InsecureTrustManagerFactory)\b`)
	javaVerifierYes = regexp.MustCompile(`(?i)hostnameVerifier\s*(?:\(\s*)?(?:\{\s*)?\(?\s*[\w?]*\s*(?:,\s*[\w?]*\s*)?\)?\s*->\s*true\b`)
	javaVerifyDecl  = regexp.MustCompile(`\bboolean\s+verify\s*\(\s*(?:final\s+)?String\s+\w+\s*,\s*(?:final\s+)?SSLSession\s+\w+\s*\)|\bfun\s+verify\s*\(\s*\w+\s*:\s*String\??\s*,\s*\w+\s*:\s*SSLSession\??\s*\)`)
	javaReturnTrue  = regexp.MustCompile(`^\s*(?:\{\s*)?return\s+true\s*;?\s*(?:\}\s*)?$|=\s*true\s*$|\{\s*return\s+true\s*;?\s*\}`)
	javaCheckServer = regexp.MustCompile(`\b(?:void|fun)\s+checkServerTrusted\s*\(`)
	javaOldProtocol = regexp.MustCompile(`\b(?:getInstance|setEnabledProtocols|setProtocol|protocols?)\s*\([^)]*"(?:SSLv2|SSLv3|TLSv1|TLSv1\.1)"`)
	shCurlInsecure  = regexp.MustCompile(`\bcurl\b[^|;&]*\s(?:-k|--insecure|-[A-Za-z]*k[A-Za-z]*)(?:\s|$)`)
	shInsecureFlag  = regexp.MustCompile(`(?:^|\s)(?:--insecure|--no-check-certificate|--no-verify-ssl|--insecure-skip-tls-verify)(?:\s|=true|$)|(?:^|\s)--trusted-host[\s=]`)
)

func (r *tlsVerificationDisabled) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	lang := fc.Lang()
	if lang == diff.Unknown && !tlsConfigNames[strings.ToLower(path.Base(fc.Path()))] {
		return
	}
	code := v.Code(i)
	if strings.TrimSpace(code) == "" {
		return
	}
	text := uncommented(v, i)
	msg := r.detect(fc, lang, v, i, code, text)
	if msg == "" {
		return
	}
	sev := r.M.Severity
	// A setting that only a development build or a loopback target sees is
	// still worth a look, but it is not a production hole.
	if devGated(v, i) || localTarget.MatchString(text) || (!lang.IsProgramming() && devConfigPath(fc.Path())) {
		sev = sev.Lower()
	}
	report(fc, v, i, inTests(fc, sev), msg)
}

const tlsFix = "keep verification on and trust the server's CA explicitly (a CA bundle path, a custom root pool) if it is private."

func (r *tlsVerificationDisabled) detect(fc *checks.FileContext, lang diff.Language, v *checks.HunkView, i int, code, text string) string {
	switch lang {
	case diff.Python:
		if m := pyVerifyFalse.FindStringIndex(code); m != nil && tlsVerifyCall(v, i, m[0]) {
			return "verify=False turns off certificate checking for this request; " + tlsFix
		}
		if pyVerifyAttr.MatchString(code) {
			return "Setting verify = False on a session turns off certificate checking for all its requests; " + tlsFix
		}
		if pyUnverified.MatchString(code) {
			return "ssl._create_unverified_context() accepts any certificate; use ssl.create_default_context() and load the CA you need."
		}
		if m := pyCertNone.FindStringIndex(text); m != nil && !isComparison(text[:m[0]]) &&
			(!isBlank(code[m[0]]) || pyCertReqsStr.MatchString(text)) {
			return "CERT_NONE accepts any certificate; use ssl.CERT_REQUIRED with a default context, loading a private CA if needed."
		}
		if pyDisableWarn.MatchString(code) {
			return "urllib3.disable_warnings() silences the warning that unverified HTTPS requests raise; fix the verification instead of hiding it."
		}
		if m := pyOldProtocol.FindStringIndex(code); m != nil && !isComparison(code[:m[0]]) {
			return "SSLv3, TLS 1.0 and TLS 1.1 are broken; use ssl.create_default_context() (TLS 1.2 or later)."
		}
		if pyAiohttpSSL.MatchString(code) && fileAnyRaw(fc, func(t string) bool { return strings.Contains(t, "aiohttp") }) {
			return "ssl=False makes aiohttp skip certificate checking; " + tlsFix
		}
	case diff.Go:
		if goIgnoreHostKey.MatchString(code) {
			return "ssh.InsecureIgnoreHostKey() accepts any host key, so the connection can be intercepted; verify against known_hosts (knownhosts.New) or a pinned key."
		}
		if goOldVersion.MatchString(code) {
			return "TLS 1.0/1.1 and SSLv3 are broken; set MinVersion to tls.VersionTLS12 or leave the default."
		}
	case diff.JavaScript, diff.TypeScript:
		if jsIdentity.MatchString(code) {
			return "A checkServerIdentity that accepts everything turns off host-name verification; remove it or compare the certificate with the expected host."
		}
		if jsOldProtocol.MatchString(text) {
			return "TLS 1.0/1.1 and SSLv3 are broken; require TLSv1.2 or later."
		}
	case diff.Java, diff.Kotlin:
		if m := javaTrustAll.FindString(code); m != "" && !importLine.MatchString(code) {
			return m + " accepts any certificate or host name; use the default verifier and a trust store holding the CA you need."
		}
		if javaVerifierYes.MatchString(code) {
			return "A HostnameVerifier that always returns true accepts a certificate for any host; use the default verifier."
		}
		if javaVerifyDecl.MatchString(code) && verifyReturnsTrue(v, i) {
			return "This HostnameVerifier returns true for every host; use the default verifier."
		}
		if javaCheckServer.MatchString(code) && emptyBody(v, i) {
			return "A trust manager whose checkServerTrusted is empty trusts every certificate; use the default TrustManagerFactory with a trust store holding the CA you need."
		}
		if javaOldProtocol.MatchString(text) {
			return "SSLv3, TLS 1.0 and TLS 1.1 are broken; use \"TLS\" or \"TLSv1.3\"/\"TLSv1.2\"."
		}
	case diff.Shell, diff.Dockerfile:
		if shCurlInsecure.MatchString(code) {
			return "curl -k/--insecure skips certificate checking, so the download can be replaced in transit; install the CA instead."
		}
		if shInsecureFlag.MatchString(code) {
			return "This flag skips certificate checking for the command; install or pass the CA instead."
		}
	}
	if key, ok := insecureSetting(lang, code, text); ok {
		return key + " turns off certificate verification; " + tlsFix
	}
	// An Elastic-stack setting (YAML, properties, env, dicts handed to a
	// client). Go, Java and Kotlin configure TLS through typed APIs, so
	// there the text is only ever a quotation, in a message or a test.
	if lang != diff.Go && lang != diff.Java && lang != diff.Kotlin && verificationMode.MatchString(text) {
		return "verification_mode: none accepts any certificate; use full (or certificate) with the CA configured."
	}
	if lang == diff.YAML {
		if key, ok := nestedTLSOff(v, i, text); ok {
			return key + " turns off certificate verification; " + tlsFix
		}
	}
	return ""
}

// tlsVerifyCall reports whether the verify=False at column col of line i
// is a keyword argument of a call, not a parameter default (def f(verify=
// False)) nor a JWT decode (jwt-verification-disabled reports that).
func tlsVerifyCall(v *checks.HunkView, i, col int) bool {
	name, line, ok := callee(v, i, col)
	if !ok {
		return false
	}
	lower := strings.ToLower(name)
	if strings.Contains(lower, "jwt") || strings.Contains(lower, "decode") || strings.Contains(lower, "token") {
		return false
	}
	pre := strings.TrimSpace(v.Code(line))
	return !strings.HasPrefix(pre, "def ") && !strings.HasPrefix(pre, "async def ") && !strings.HasPrefix(pre, "class ")
}

// callee finds the call whose argument list holds column col of line i:
// it walks back over the masked code (up to 8 lines) to the innermost
// unclosed '(' and returns the dotted name before it and its line.
func callee(v *checks.HunkView, i, col int) (string, int, bool) {
	depth := 0
	for j := i; j >= 0 && j >= i-8; j-- {
		code := v.Code(j)
		end := len(code)
		if j == i {
			end = min(col, len(code))
		}
		for k := end - 1; k >= 0; k-- {
			switch code[k] {
			case ')', ']', '}':
				depth++
			case '(', '[', '{':
				if depth > 0 {
					depth--
					continue
				}
				if code[k] != '(' {
					// Inside a literal list or dict: keep looking outward.
					continue
				}
				e := k
				for e > 0 && isBlank(code[e-1]) {
					e--
				}
				s := e
				for s > 0 && (isIdentChar(code[s-1]) || code[s-1] == '.') {
					s--
				}
				return code[s:e], j, true
			}
		}
	}
	return "", 0, false
}

// insecureSetting finds a setting on the line that turns verification off
// (sslVerify: false, InsecureSkipVerify: true, NODE_TLS_REJECT_UNAUTHORIZED
// = "0") and returns its key.
func insecureSetting(lang diff.Language, code, text string) (string, bool) {
	program := lang.IsProgramming() && lang != diff.Shell && lang != diff.Dockerfile
	for _, m := range keyValue.FindAllStringSubmatchIndex(text, -1) {
		key := text[m[4]:m[5]]
		sep := text[m[8]:m[9]]
		val := text[m[12]:m[13]]
		openQ, closeQ, valQ := m[3] > m[2], m[7] > m[6], m[11] > m[10]
		if isBlank(sep[0]) && (program || lang == diff.YAML || lang == diff.JSON) {
			continue
		}
		if program {
			// In code the key must be code or a quoted key of its own, and
			// the value code or a quoted value of its own, so that text in
			// a message ("set ssl_verify=false") does not count.
			if isBlank(code[m[4]]) && !(openQ && closeQ) {
				continue
			}
			if isBlank(code[m[12]]) && !valQ {
				continue
			}
		}
		if k := strings.LastIndexByte(key, '.'); k >= 0 {
			key = key[k+1:]
		}
		truth, ok := boolWord(val, program && !valQ)
		if !ok {
			continue
		}
		norm := normKey(key)
		for _, s := range insecureNorm {
			if strings.HasSuffix(norm, s) && truth {
				return setting(text, m), true
			}
		}
		for _, s := range verifyNorm {
			if !strings.HasSuffix(norm, s) {
				continue
			}
			negated := negatedKey(norm[:len(norm)-len(s)])
			if truth == negated {
				return setting(text, m), true
			}
		}
	}
	return "", false
}

// setting spells a matched key and value for messages.
func setting(text string, m []int) string {
	key, sep, val := text[m[4]:m[5]], text[m[8]:m[9]], text[m[12]:m[13]]
	if k := strings.LastIndexByte(key, '.'); k >= 0 && k+1 < len(key) {
		key = key[k+1:]
	}
	switch sep {
	case ":":
		return key + ": " + val
	case "=":
		return key + "=" + val
	}
	return key + " " + val
}

// negatedKey reports whether what precedes a verify key negates it
// (disable_ssl_verify, no_verify_ssl, skipSslVerification).
func negatedKey(prefix string) bool {
	for _, w := range []string{"disable", "disabled", "no", "skip", "ignore", "without", "dont", "not"} {
		if strings.HasSuffix(prefix, w) {
			return true
		}
	}
	return false
}

// boolWord reads a setting's value; in code only true and false count,
// in configuration also yes/no/on/off/1/0.
func boolWord(s string, codeOnly bool) (bool, bool) {
	switch strings.ToLower(s) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	if codeOnly {
		return false, false
	}
	switch strings.ToLower(s) {
	case "yes", "on", "1":
		return true, true
	case "no", "off", "0":
		return false, true
	}
	return false, false
}

// normKey lower-cases a key and drops its separators.
func normKey(k string) string {
	b := make([]byte, 0, len(k))
	for n := 0; n < len(k); n++ {
		c := k[n]
		switch {
		case c == '_' || c == '-' || c == '.':
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// verifyReturnsTrue reports whether the verify method declared on line i
// returns true unconditionally as its first statement.
func verifyReturnsTrue(v *checks.HunkView, i int) bool {
	code := v.Code(i)
	if javaReturnTrue.MatchString(code[strings.IndexByte(code, ')')+1:]) {
		return true
	}
	j := v.NextCode(i)
	if j < 0 || j > i+3 {
		return false
	}
	next := v.Code(j)
	if strings.TrimSpace(next) == "{" {
		if j = v.NextCode(j); j < 0 {
			return false
		}
		next = v.Code(j)
	}
	return javaReturnTrue.MatchString(next)
}

// emptyBody reports whether the method declared on line i has a body with
// nothing but comments in it.
func emptyBody(v *checks.HunkView, i int) bool {
	// Find the body's '{' on this line or the next two (a wrapped
	// signature or a throws clause).
	j, k := i, -1
	for ; j < len(v.Lines) && j <= i+2; j++ {
		if k = strings.IndexByte(v.Code(j), '{'); k >= 0 {
			break
		}
	}
	if k < 0 || j >= len(v.Lines) {
		return false
	}
	rest := strings.TrimSpace(v.Code(j)[k+1:])
	if rest != "" {
		return strings.HasPrefix(rest, "}")
	}
	n := v.NextCode(j)
	return n >= 0 && strings.HasPrefix(strings.TrimSpace(v.Code(n)), "}")
}

// isComparison reports whether the expression before a name compares
// against it (mode == ssl.CERT_NONE) rather than setting it.
func isComparison(before string) bool {
	b := strings.TrimRight(before, " \t")
	b = strings.TrimSuffix(strings.TrimSuffix(b, "ssl."), "SSL.")
	b = strings.TrimRight(b, " \t")
	return strings.HasSuffix(b, "==") || strings.HasSuffix(b, "!=") || strings.HasSuffix(b, " is") ||
		strings.HasSuffix(b, " is not") || strings.HasSuffix(b, " in")
}

// tlsParentWords are the words of a YAML section that configures TLS.
var tlsParentWords = []string{"ssl", "tls", "https", "cert"}

// nestedTLSOff reads a YAML key that only says something about TLS
// through its section (tls:\n  verify: false, ssl:\n  insecure: true).
func nestedTLSOff(v *checks.HunkView, i int, text string) (string, bool) {
	m := yamlChild.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	key, val := normKey(m[1]), strings.ToLower(m[2])
	off := false
	switch key {
	case "verify", "verification", "verifypeer", "verifyserver", "validate":
		off = val == "false" || val == "no" || val == "off"
	case "insecure", "skipverify", "noverify", "trustall":
		off = val == "true" || val == "yes" || val == "on"
	}
	if !off {
		return "", false
	}
	ind := indent(v.Lines[i].Text)
	for j := i - 1; j >= 0 && j >= i-20; j-- {
		t := uncommented(v, j)
		if strings.TrimSpace(t) == "" || indent(t) >= ind {
			continue
		}
		p := yamlKey.FindStringSubmatch(t)
		if p == nil {
			return "", false
		}
		parent := normKey(p[1])
		for _, w := range tlsParentWords {
			if strings.Contains(parent, w) {
				return p[1] + "." + m[1] + ": " + m[2], true
			}
		}
		return "", false
	}
	return "", false
}
