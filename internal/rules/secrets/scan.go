package secrets

import (
	"regexp"
	"strings"
)

type hitKind uint8

const (
	hitAssign hitKind = iota
	hitCompare
	hitURL
	hitAuthHeader
)

// credHit is a hard-coded credential value found on a line: the byte span
// of the value, the key it was given to, and how bad it is.
type credHit struct {
	start, end int
	key        string
	kind       hitKind
	weak       bool
	strong     bool
}

// scanMode is how a line's syntax is read.
type scanMode struct {
	// unquoted: a bare value after '=' or ':' is a literal (YAML, .env,
	// properties, shell, Dockerfile, Markdown).
	unquoted bool
	// eol: a bare value runs to the end of the line (YAML, .env, properties).
	eol bool
	// codeConsts: a quoted value equal to a word of its key is a name
	// constant (PASSWORD_FIELD = "password"), as in source code and JSON.
	codeConsts bool
	// example: an .example/.sample file, where weak defaults are placeholders.
	example bool
	// docs: prose and examples, where local example URLs stay quiet.
	docs bool
	// redact: Redact's mode, with no file or language known.
	redact bool
	// dockerfile: ENV/ARG may separate key and value by a space.
	dockerfile bool
	// inString reports whether byte p of the line is inside a string literal
	// or a comment; there, "key=value" is text and its value is unquoted.
	inString func(p int) bool
}

// scanCredentials calls emit for every hard-coded credential on the line.
func scanCredentials(s string, m *scanMode, emit func(credHit)) {
	scanOperators(s, m, emit)
	if strings.Contains(s, "://") {
		scanURLs(s, m, emit)
	}
	if containsFold(s, "bearer") || containsFold(s, "basic ") {
		scanAuthHeaders(s, m, emit)
	}
	if strings.Contains(s, "</") || strings.Contains(s, "value=") {
		scanMarkup(s, m, emit)
	}
	if m.dockerfile || m.redact {
		scanDockerEnv(s, m, emit)
	}
}

// scanOperators walks the assignment, comparison and call punctuation of
// the line. Each stop costs a bounded look to the left for a key, and the
// key test rejects almost all of them before any value is read.
func scanOperators(s string, m *scanMode, emit func(credHit)) {
	for p := 0; p < len(s); p++ {
		switch s[p] {
		case '=':
			next := byte(0)
			if p+1 < len(s) {
				next = s[p+1]
			}
			prev := byte(0)
			if p > 0 {
				prev = s[p-1]
			}
			switch {
			case next == '=':
				end := p + 2
				if end < len(s) && s[end] == '=' {
					end++
				}
				left := p
				if prev == '!' {
					left = p - 1
				}
				compareOp(s, left, end, m, emit)
				p = end - 1
			case prev == '!':
				compareOp(s, p-1, p+1, m, emit)
			case next == '~' || strings.IndexByte("<>+-*/%&|^~=", prev) >= 0 && prev != 0:
				// <=, >=, +=, =~ and the like assign or compare nothing literal.
			default:
				left := p
				if prev == ':' || prev == '?' {
					left = p - 1
				}
				vs := p + 1
				if next == '>' {
					vs++
				}
				assignOp(s, p, left, vs, '=', m, emit)
			}
		case ':':
			if p+1 < len(s) && (s[p+1] == '=' || s[p+1] == ':') {
				if s[p+1] == ':' {
					p++
				}
				continue
			}
			if p > 0 && s[p-1] == ':' || p+2 < len(s) && s[p+1] == '/' && s[p+2] == '/' {
				continue
			}
			assignOp(s, p, p, p+1, ':', m, emit)
		case ',':
			callPair(s, p, m, emit)
		case '(':
			callArgs(s, p, m, emit)
		}
	}
}

// token is a key or operand read to the left of an operator.
type token struct {
	start, end int
	quoted     bool
	subscript  bool // ["key"] or ['key']
}

func isKeyChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == '$' || c == '.' || c == '-'
}

func prevNonSpace(s string, i int) int {
	for i--; i >= 0 && isSpace(s[i]); i-- {
	}
	return i
}

func nextNonSpace(s string, i int) int {
	for ; i < len(s) && isSpace(s[i]); i++ {
	}
	return i
}

// leftToken reads the key or operand that ends before end: a quoted string
// ("password":), a subscript (config["password"] =) or an identifier.
func leftToken(s string, end int) (token, bool) {
	j := prevNonSpace(s, end)
	if j < 0 {
		return token{}, false
	}
	sub := false
	if s[j] == ']' {
		sub = true
		if j = prevNonSpace(s, j); j < 0 {
			return token{}, false
		}
	}
	if q := s[j]; q == '"' || q == '\'' || q == '`' {
		for o := j - 1; o >= 0 && o >= j-maxKey; o-- {
			if s[o] == q {
				e := j
				for e > o+1 && s[e-1] == '\\' {
					e--
				}
				return token{start: o + 1, end: e, quoted: true, subscript: sub}, true
			}
		}
		return token{}, false
	}
	if sub {
		return token{}, false
	}
	k := j
	for k >= 0 && k > j-maxKey && isKeyChar(s[k]) {
		k--
	}
	if k == j {
		return token{}, false
	}
	return token{start: k + 1, end: j + 1}, true
}

var typeNames = []string{"string", "str", "bytes", "char", "any", "secretstr", "charsequence", "text"}

// keyOf resolves the key of an assignment, stepping over a type between
// the name and the '=' (password: str = …, var password string = …).
func keyOf(s string, t token) (token, bool) {
	if t.quoted || !inFold(s[t.start:t.end], typeNames) {
		return t, true
	}
	j := prevNonSpace(s, t.start)
	for j >= 0 && (s[j] == '&' || s[j] == '*') {
		j = prevNonSpace(s, j)
	}
	if j < 0 {
		return t, true
	}
	if s[j] == ':' {
		return leftToken(s, j)
	}
	if isKeyChar(s[j]) {
		return leftToken(s, t.start)
	}
	return t, true
}

// cleanKey trims a key to the name that says what the value is: the last
// component of a member or property path (self.password, token.SUB,
// spring.datasource.password), without flag dashes.
func cleanKey(k string) string {
	k = strings.TrimLeft(k, "-.$@")
	k = strings.TrimRight(k, "-.\\")
	if d := strings.LastIndexByte(k, '.'); d >= 0 {
		k = k[d+1:]
	}
	return k
}

// optionDeclarers declare a command-line option whose first argument is
// its name (argparse, click, typer, cobra-style flags).
var optionDeclarers = []string{"add_argument", "option", "argument", "flag", "addoption", "add_option"}

// optionName returns the option a default= keyword argument at i belongs
// to, when the enclosing call declares a named option.
func optionName(s string, i int) string {
	depth := 0
	for k := i - 1; k >= 0 && k > i-400; k-- {
		switch s[k] {
		case ')', ']', '}':
			depth++
		case '[', '{':
			depth--
		case '(':
			if depth > 0 {
				depth--
				continue
			}
			name, _, _ := calleeName(s, k)
			if !inFold(name, optionDeclarers) {
				return ""
			}
			v, ok := readValue(s, k+1, false, false)
			if !ok {
				return ""
			}
			return cleanKey(s[v.start:v.end])
		}
	}
	return ""
}

// value is a literal read to the right of an operator.
type value struct {
	start, end int
	quoted     bool
}

// readValue reads the literal that starts at or after k. Quoted strings
// (with Python, C# prefixes) always count; a bare value only when bareOK,
// up to the end of the line when eol. A quoted string glued to '+', '%'
// or .format( is a template, not a value.
func readValue(s string, k int, bareOK, eol bool) (value, bool) {
	k = nextNonSpace(s, k)
	if k >= len(s) {
		return value{}, false
	}
	c := s[k]
	if isAlnum(c) {
		j := k
		for j < len(s) && j-k < 2 && strings.IndexByte("rRbBuUfF", s[j]) >= 0 {
			j++
		}
		if j > k && j < len(s) && (s[j] == '"' || s[j] == '\'') {
			k, c = j, s[j]
		}
	} else if (c == '@' || c == '$') && k+1 < len(s) && s[k+1] == '"' {
		k, c = k+1, '"'
	}
	// A literal converted to bytes is still the literal.
	for _, conv := range []string{"[]byte(", "Buffer.from(", "bytes("} {
		if strings.HasPrefix(s[k:], conv) && k+len(conv) < len(s) {
			k += len(conv)
			c = s[k]
			break
		}
	}
	if c == '\\' && k+1 < len(s) && (s[k+1] == '"' || s[k+1] == '\'') {
		// An escaped literal inside a string: "api_key = \"…\"" in a
		// notebook's JSON or a shell command.
		q := s[k+1]
		for e := k + 2; e+1 < len(s); e++ {
			if s[e] == '\\' && s[e+1] == q {
				return value{start: k + 2, end: e, quoted: true}, true
			}
		}
		return value{}, false
	}
	if c == '"' || c == '\'' || c == '`' {
		if k+2 < len(s) && s[k+1] == c && s[k+2] == c {
			return value{}, false
		}
		e := k + 1
		for e < len(s) && s[e] != c {
			if s[e] == '\\' && c != '`' {
				e++
			}
			e++
		}
		if e >= len(s) {
			return value{}, false
		}
		n := nextNonSpace(s, e+1)
		if n < len(s) && (s[n] == '+' || s[n] == '%' || strings.HasPrefix(s[n:], ".format(")) {
			return value{}, false
		}
		return value{start: k + 1, end: e, quoted: true}, true
	}
	if !bareOK || strings.IndexByte("([{", c) >= 0 {
		return value{}, false
	}
	e := k
	if eol {
		e = len(s)
		if h := strings.Index(s[k:], " #"); h >= 0 {
			e = k + h
		}
		for e > k && (isSpace(s[e-1]) || s[e-1] == ',' || s[e-1] == ';') {
			e--
		}
	} else {
		for e < len(s) && !isBareStop(s[e]) {
			e++
		}
		if e < len(s) && (s[e] == '(' || s[e] == '[') {
			// A call or a subscript: an expression, not a literal.
			return value{}, false
		}
	}
	if e <= k {
		return value{}, false
	}
	return value{start: k, end: e}, true
}

func isBareStop(c byte) bool {
	return isSpace(c) || strings.IndexByte(";&,|)]}\"'`<>\\([", c) >= 0
}

// assignOp handles key = value, key: value, key := value, key => value.
func assignOp(s string, op, left, vs int, kind byte, m *scanMode, emit func(credHit)) {
	t, ok := leftToken(s, left)
	if !ok {
		return
	}
	if kind == '=' {
		if t, ok = keyOf(s, t); !ok {
			return
		}
	}
	if kind == ':' && (strings.HasSuffix(s[:t.start], "://") || strings.HasSuffix(s[:t.start], "--- ")) {
		// scheme://user:password@host is for scanURLs; "--- PASS:" is test output.
		return
	}
	key := cleanKey(s[t.start:t.end])
	if !t.quoted && equalFold(key, "default") {
		// add_argument("--password", default="…"): the option names the value.
		if key = optionName(s, t.start); key == "" {
			return
		}
	}
	info := classifyKey(key)
	if !info.cred {
		return
	}
	before := byte(0)
	if t.start > 0 {
		before = s[t.start-1]
	}
	query := !t.quoted && (before == '?' || before == '&')
	inStr := m.inString != nil && m.inString(op)
	bareOK := m.unquoted || query || inStr
	eol := m.eol && !query && !inStr
	// auth=("user", "password") passes credentials as a tuple.
	if info.auth && kind == '=' {
		if k := nextNonSpace(s, vs); k < len(s) && s[k] == '(' {
			if v, ok := nthLiteralArg(s, k, 1); ok {
				judgeAndEmit(s, v, key, keyInfo{cred: true, password: true}, hitAssign, m, judgeCtx{}, emit)
			}
			return
		}
	}
	v, ok := readValue(s, vs, bareOK, eol)
	if !ok {
		return
	}
	if inStr && v.quoted && !m.inString(v.start-1) {
		// The quote closes the string the key sits in ("PWD="+cwd): what
		// follows is code, not a value.
		return
	}
	kwarg := false
	if !t.quoted && kind == '=' {
		if b := prevNonSpace(s, t.start); b >= 0 && (s[b] == '(' || s[b] == ',') {
			kwarg = true
		}
	}
	bare := !v.quoted && (m.redact || inStr)
	judgeAndEmit(s, v, key, info, hitAssign, m, judgeCtx{nameConstOK: kwarg, bare: bare}, emit)
}

func judgeAndEmit(s string, v value, key string, info keyInfo, kind hitKind, m *scanMode, ctx judgeCtx, emit func(credHit)) {
	text := s[v.start:v.end]
	start := v.start
	if trimmed := strings.TrimSpace(text); trimmed != text {
		start += strings.Index(text, trimmed)
		text = trimmed
	}
	if rest, off, ok := splitAuthScheme(text); ok {
		if strings.ContainsAny(rest, " \t") {
			return
		}
		text, start, kind = rest, start+off, hitAuthHeader
		info.password, info.secret = false, false
	}
	if v.quoted && !ctx.bare {
		text = unescapeQuotes(text)
	}
	ok, weak, strong := judge(info, key, text, m, ctx)
	if !ok {
		return
	}
	end := v.end
	for end > start && isSpace(s[end-1]) {
		end--
	}
	emit(credHit{start: start, end: end, key: key, kind: kind, weak: weak, strong: strong})
}

// unescapeQuotes drops the backslashes of \" and \' so that a JSON string
// embedded in code is judged by its content.
func unescapeQuotes(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	return strings.NewReplacer(`\"`, `"`, `\'`, `'`).Replace(v)
}

// compareOp handles password == "literal" and "literal" == password.
func compareOp(s string, left, right int, m *scanMode, emit func(credHit)) {
	t, ok := leftToken(s, left)
	if !ok {
		return
	}
	if !t.quoted || t.subscript {
		key := cleanKey(s[t.start:t.end])
		info := classifyKey(key)
		if !info.cred {
			return
		}
		v, ok := readValue(s, right, false, false)
		if !ok {
			return
		}
		judgeAndEmit(s, v, key, info, hitCompare, m, judgeCtx{nameConstOK: true}, emit)
		return
	}
	k := nextNonSpace(s, right)
	e := k
	for e < len(s) && e-k < maxKey && isKeyChar(s[e]) {
		e++
	}
	if e == k {
		return
	}
	key := cleanKey(s[k:e])
	info := classifyKey(key)
	if !info.cred {
		return
	}
	judgeAndEmit(s, value{start: t.start, end: t.end, quoted: true}, key, info, hitCompare, m, judgeCtx{nameConstOK: true}, emit)
}

// pairSetters store a (name, value) pair: os.Setenv("API_TOKEN", "…"),
// props.setProperty("db.password", "…"), headers.set("X-Api-Key", "…").
var pairSetters = []string{
	"setenv", "putenv", "set", "put", "string", "stringvar", "setproperty", "setitem", "setdefault", "add", "append",
	"header", "setheader", "set_header", "addheader", "add_header", "append_header", "withheader",
	"setrequestheader", "insert", "store", "save", "option", "setoption", "param", "setparam",
	"addparam", "define", "env", "withenv", "setsecret", "putstring", "setstring", "setvalue",
}

// calleeName returns the called name before an opening parenthesis at p,
// and whether it is a method (preceded by '.').
func calleeName(s string, p int) (string, int, bool) {
	t, ok := leftToken(s, p)
	if !ok || t.quoted {
		return "", 0, false
	}
	name := s[t.start:t.end]
	if d := strings.LastIndexByte(name, '.'); d >= 0 {
		return name[d+1:], t.start + d, true
	}
	return name, -1, false
}

// callPair handles name-value setters at the comma between the two.
func callPair(s string, comma int, m *scanMode, emit func(credHit)) {
	t, ok := leftToken(s, comma)
	if !ok || !t.quoted || t.subscript {
		return
	}
	key := cleanKey(s[t.start:t.end])
	info := classifyKey(key)
	if !info.cred {
		return
	}
	open := prevNonSpace(s, t.start-1)
	if open < 0 || s[open] != '(' {
		return
	}
	name, _, _ := calleeName(s, open)
	if !inFold(name, pairSetters) {
		return
	}
	v, ok := readValue(s, comma+1, false, false)
	if !ok {
		return
	}
	if n := nextNonSpace(s, v.end+1); n >= len(s) || s[n] != ')' && s[n] != ',' {
		return
	}
	judgeAndEmit(s, v, key, info, hitAssign, m, judgeCtx{}, emit)
}

// credentialCalls take a user name and a password as literal arguments;
// the value is the argument at the given index.
var credentialCalls = []struct {
	name string
	arg  int
}{
	{"setbasicauth", 1}, {"basicauth", 1}, {"httpbasicauth", 1}, {"httpdigestauth", 1}, {"basic_auth", 1},
	{"withbasicauth", 1}, {"usernamepasswordcredentials", 1}, {"passwordauthentication", 1},
	{"networkcredential", 1}, {"plainauth", 2},
}

// callArgs handles setters (setPassword("…"), withApiKey("…"), builder
// .password("…")), basic-auth helpers and password.equals("…").
func callArgs(s string, open int, m *scanMode, emit func(credHit)) {
	name, dot, method := calleeName(s, open)
	if name == "" || !isAlnum(name[0]) && name[0] != '_' {
		return
	}
	for _, cc := range credentialCalls {
		if equalFold(name, cc.name) {
			if v, ok := nthLiteralArg(s, open, cc.arg); ok {
				judgeAndEmit(s, v, "password", keyInfo{cred: true, password: true}, hitAssign, m, judgeCtx{}, emit)
			}
			return
		}
	}
	if method && (equalFold(name, "equals") || equalFold(name, "equalsIgnoreCase")) {
		recv, ok := leftToken(s, dot)
		if !ok || recv.quoted {
			return
		}
		key := cleanKey(s[recv.start:recv.end])
		if d := strings.LastIndexByte(key, '.'); d >= 0 {
			key = key[d+1:]
		}
		info := classifyKey(key)
		if !info.cred {
			return
		}
		if v, ok := soleLiteralArg(s, open); ok {
			judgeAndEmit(s, v, key, info, hitCompare, m, judgeCtx{nameConstOK: true}, emit)
		}
		return
	}
	var segs [16]string
	n := splitKey(name, &segs)
	if n == 0 {
		return
	}
	key := name
	switch {
	case n > 1 && inFold(segs[0], []string{"set", "with", "use"}):
		key = name[len(segs[0]):]
	case method && n <= 3 && allInFold(segs[:n], builderWords):
		// A builder step named after the credential: .password("…").
	default:
		return
	}
	info := classifyKey(key)
	if !info.cred {
		return
	}
	if v, ok := soleLiteralArg(s, open); ok {
		judgeAndEmit(s, v, key, info, hitAssign, m, judgeCtx{}, emit)
	}
}

// builderWords are the words a builder step named after a credential is
// made of (.password, .apiKey, .accessToken); verbs (validate, hash,
// revoke) make it an operation on a credential instead.
var builderWords = []string{"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "api", "key", "apikey", "access", "auth", "bearer", "credentials", "private", "client", "refresh"}

func allInFold(segs []string, words []string) bool {
	for _, s := range segs {
		if !inFold(s, words) {
			return false
		}
	}
	return true
}

// soleLiteralArg returns the literal when it is the only argument.
func soleLiteralArg(s string, open int) (value, bool) {
	v, ok := readValue(s, open+1, false, false)
	if !ok {
		return value{}, false
	}
	if n := nextNonSpace(s, v.end+1); n >= len(s) || s[n] != ')' {
		return value{}, false
	}
	return v, true
}

// nthLiteralArg returns argument n (from 0) of the call opened at open when
// it and every argument before it are string literals.
func nthLiteralArg(s string, open, n int) (value, bool) {
	k := open + 1
	for i := 0; ; i++ {
		v, ok := readValue(s, k, false, false)
		if !ok {
			return value{}, false
		}
		if i == n {
			return v, true
		}
		k = nextNonSpace(s, v.end+1)
		if k >= len(s) || s[k] != ',' {
			return value{}, false
		}
		k++
	}
}

// scanURLs finds scheme://user:password@host.
func scanURLs(s string, m *scanMode, emit func(credHit)) {
	for off := 0; off < len(s); {
		k := strings.Index(s[off:], "://")
		if k < 0 {
			return
		}
		k += off
		off = k + 3
		sch := k
		for sch > 0 && k-sch < 16 && (isAlnum(s[sch-1]) || s[sch-1] == '+' || s[sch-1] == '.' || s[sch-1] == '-') {
			sch--
		}
		if k-sch < 2 {
			continue
		}
		a := k + 3
		e := a
		for e < len(s) && e-a < 256 && strings.IndexByte("/?#\"'` \t<>\\", s[e]) < 0 {
			e++
		}
		at := strings.LastIndexByte(s[a:e], '@')
		if at < 0 {
			continue
		}
		userinfo := s[a : a+at]
		colon := strings.IndexByte(userinfo, ':')
		if colon < 0 {
			continue
		}
		user, pass := userinfo[:colon], userinfo[colon+1:]
		host := s[a+at+1 : e]
		if ok, weak, strong := judgeURLPassword(user, pass, host, m); ok {
			ps := a + colon + 1
			emit(credHit{start: ps, end: ps + len(pass), kind: hitURL, weak: weak, strong: strong})
		}
		off = e
	}
}

// urlPlaceholderPasswords are what docs and templates put in URLs.
var urlPlaceholderPasswords = []string{"password", "pass", "passwd", "pwd", "pw", "secret", "token", "changeme", "pa55word",
	"mypassword", "yourpassword", "p@ssword", "p@ssw0rd", "passw0rd", "pa$$word", "pass123", "password123", "secret123"}

func judgeURLPassword(user, pass, host string, m *scanMode) (ok, weak, strong bool) {
	if pass == "" || len(pass) > 128 || placeholderValue(pass) || inFold(pass, urlPlaceholderPasswords) ||
		envVarName(pass) || isProviderToken(pass) {
		return false, false, false
	}
	if h := strings.IndexByte(host, ':'); h >= 0 {
		host = host[:h]
	}
	if host == "" {
		return false, false, false
	}
	gate := len(pass) >= 8 && entropy(pass) >= 3.0
	strong = looksRandom(pass)
	if localHost(host) {
		// Local development databases (postgres:postgres@localhost) and the
		// examples in docs are not leaks unless the password is real-looking.
		if m.docs || pass == user || !gate {
			return false, false, false
		}
		return true, false, strong
	}
	if isWeakDefault(pass) {
		return true, true, false
	}
	if len(pass) < 6 {
		return false, false, false
	}
	return true, !gate, strong
}

// localHost reports development and documentation hosts: loopback, Docker
// service names without a domain, and the reserved example domains.
func localHost(h string) bool {
	h = strings.ToLower(strings.Trim(h, "[]"))
	switch {
	case h == "localhost", h == "::1", h == "0.0.0.0", h == "host.docker.internal", strings.HasPrefix(h, "127."):
		return true
	case !strings.Contains(h, "."):
		return true
	}
	for _, suf := range []string{".local", ".localhost", ".test", ".example", ".invalid", "example.com", "example.org", "example.net"} {
		if strings.HasSuffix(h, suf) {
			return true
		}
	}
	return false
}

// jwtIOSample is the signature of the sample JWT on jwt.io, pasted into
// countless docs and tests.
const jwtIOSample = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

// scanAuthHeaders finds "Bearer <token>" anywhere, and "Basic <base64>" on
// lines that mention Authorization.
func scanAuthHeaders(s string, m *scanMode, emit func(credHit)) {
	basic := containsFold(s, "authorization")
	// The next position of each scheme word is kept and searched again only
	// once passed, so that a line full of one word costs linear time.
	nextBearer, nextBasic := -2, -2
	if !basic {
		nextBasic = -1
	}
	for off := 0; off < len(s); {
		nextBearer = nextFold(s, "bearer ", off, nextBearer)
		nextBasic = nextFold(s, "basic ", off, nextBasic)
		k := nextBearer
		if k < 0 || nextBasic >= 0 && nextBasic < k {
			k = nextBasic
		}
		if k < 0 {
			return
		}
		w := strings.IndexByte(s[k:], ' ')
		if w < 0 {
			return
		}
		a := nextNonSpace(s, k+w)
		e := a
		for e < len(s) && (isAlnum(s[e]) || strings.IndexByte("._~+/=-_", s[e]) >= 0) {
			e++
		}
		off = max(e, k+1)
		if k > 0 && isAlnum(s[k-1]) {
			continue
		}
		tok := s[a:e]
		minLen := 16
		if hasPrefixFold(s[k:], "basic") {
			minLen = 12
		}
		if len(tok) < minLen || e < len(s) && (s[e] == '$' || s[e] == '{') {
			continue
		}
		if placeholderValue(tok) || proseOrLabel(tok) || identifierLike(tok, false) || isProviderToken(tok) ||
			strings.Contains(tok, jwtIOSample) || entropy(tok) < 3.0 {
			continue
		}
		emit(credHit{start: a, end: e, key: "Authorization", kind: hitAuthHeader, strong: looksRandom(tok)})
	}
}

// nextFold returns the first occurrence of word at or after off, reusing
// prev (-2: not searched yet, -1: none left) while it is still ahead.
func nextFold(s, word string, off, prev int) int {
	if prev == -1 || prev >= off {
		return prev
	}
	if k := indexFold(s[off:], word); k >= 0 {
		return off + k
	}
	return -1
}

var (
	xmlElement  = regexp.MustCompile(`<([A-Za-z_][\w:.-]{0,60})>([^<>]{1,256})</([A-Za-z_][\w:.-]{0,60})>`)
	xmlKeyValue = regexp.MustCompile(`key\s*=\s*"([^"]{1,80})"\s+value\s*=\s*"([^"]{0,256})"`)
)

// scanMarkup handles <password>…</password> (Maven settings, Spring XML)
// and .NET <add key="ApiKey" value="…"/>.
func scanMarkup(s string, m *scanMode, emit func(credHit)) {
	if strings.Contains(s, "</") {
		for _, g := range xmlElement.FindAllStringSubmatchIndex(s, -1) {
			name, closing := s[g[2]:g[3]], s[g[6]:g[7]]
			if name != closing {
				continue
			}
			info := classifyKey(name)
			if info.cred {
				judgeAndEmit(s, value{start: g[4], end: g[5]}, name, info, hitAssign, m, judgeCtx{}, emit)
			}
		}
	}
	if strings.Contains(s, "value=") {
		for _, g := range xmlKeyValue.FindAllStringSubmatchIndex(s, -1) {
			key := s[g[2]:g[3]]
			info := classifyKey(key)
			if info.cred {
				judgeAndEmit(s, value{start: g[4], end: g[5], quoted: true}, key, info, hitAssign, m, judgeCtx{}, emit)
			}
		}
	}
}

var dockerEnv = regexp.MustCompile(`^\s*(?:ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*?)\s*$`)

// scanDockerEnv handles the legacy "ENV KEY value" form.
func scanDockerEnv(s string, m *scanMode, emit func(credHit)) {
	if !strings.Contains(s, "ENV ") && !strings.Contains(s, "ARG ") {
		return
	}
	g := dockerEnv.FindStringSubmatchIndex(s)
	if g == nil || strings.Contains(s[g[2]:g[3]], "=") || strings.Contains(s[g[4]:g[5]], "=") {
		return
	}
	key := s[g[2]:g[3]]
	info := classifyKey(key)
	if !info.cred {
		return
	}
	v, ok := readValue(s, g[4], true, true)
	if ok {
		judgeAndEmit(s, v, key, info, hitAssign, m, judgeCtx{}, emit)
	}
}
