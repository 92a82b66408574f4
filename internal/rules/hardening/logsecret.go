package hardening

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// logSensitiveData reports logging and printing calls whose dynamic part
// holds a secret or personal data (catalogue rule 25, CWE-532). The word in
// the message text alone ("password reset sent") does not count: what is
// judged is the identifiers passed, the placeholders they fill, and the
// structured keys ("token", tok) they are logged under.
type logSensitiveData struct{ checks.Described }

func newLogSensitiveData() *logSensitiveData {
	return &logSensitiveData{checks.Described{M: checks.Meta{
		ID:        "log-sensitive-data",
		Family:    family,
		Title:     "Secret written to a log",
		Summary:   "A logging or print call writes a password, token, key, cookie, session id or similar secret (or whole request headers) to the logs.",
		Languages: []diff.Language{diff.Python, diff.Go, diff.JavaScript, diff.TypeScript, diff.Java},
		Severity:  checks.Warning,
		Keywords: []string{"log.", "logger.", "logging.", "sole.", "print(", "t.print", "t.fprint", "system.out.",
			"system.err.", "logrus.", "zap."},
	}}}
}

func (r *logSensitiveData) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	// Masking the hunk costs more than everything else here: skip it for
	// a one-line statement without a stem of a secret's name.
	if raw := v.Lines[i].Text; !hasSecretStem(raw) && closesOnLine(raw) {
		return
	}
	lang := fc.Lang()
	code := v.Code(i)
	lexer := lexerPath(fc.Path())
	calls := 0
	for k := 0; k < len(code) && calls < 8; k++ {
		if code[k] != '(' {
			continue
		}
		name, start := callName(code, k)
		logCall, fprint := isLogCall(lang, code, name, start)
		if !logCall {
			continue
		}
		calls++
		// Nothing can leak without one of the stems of a secret's name:
		// most logging calls are rejected here, before any parsing.
		if !stemInCall(v, i, k) {
			continue
		}
		c := readBalanced(v, i, k, 12)
		from := 0
		if fprint {
			ranges := splitRanges(c.inner.Code)
			if len(ranges) < 2 {
				continue
			}
			w := strings.TrimSpace(c.inner.Code[ranges[0][0]:ranges[0][1]])
			if w != "os.Stderr" && w != "os.Stdout" {
				continue // writes a response or a file, not a log
			}
			from = ranges[1][0]
		}
		if what := leakIn(lang, c.inner, from); what != "" && !(lexer && strings.Contains(strings.ToLower(what), "token")) {
			report(fc, v, i, r.M.Severity, "This "+displayName(name)+" call writes "+what+" to the logs, where it is kept, shipped and read far more widely than the secret should be; log an identifier or a masked form (mask/redact) instead.")
			return
		}
	}
}

func displayName(name string) string {
	if name == "" || name[0] == '.' {
		return "logging"
	}
	return name
}

// isLogCall reports whether the call named name (a dotted name ending at
// the '(') logs or prints; fprint marks Go's fmt.Fprint family, whose
// first argument says whether it logs.
func isLogCall(lang diff.Language, code, name string, start int) (ok, fprint bool) {
	if name == "" {
		return false, false
	}
	if name[0] == '.' {
		// zap.L().Info(...), zap.S().Infow(...)
		before := code[:start]
		return strings.HasSuffix(before, "zap.L()") || strings.HasSuffix(before, "zap.S()"), false
	}
	switch lang {
	case diff.Python:
		if name == "print" {
			return true, false
		}
	case diff.Go:
		switch name {
		case "fmt.Print", "fmt.Printf", "fmt.Println":
			return true, false
		case "fmt.Fprint", "fmt.Fprintf", "fmt.Fprintln":
			return true, true
		}
	case diff.Java:
		if strings.HasPrefix(name, "System.out.print") || strings.HasPrefix(name, "System.err.print") {
			return true, false
		}
	}
	k := strings.LastIndexByte(name, '.')
	if k <= 0 {
		return false, false
	}
	method := strings.ToLower(name[k+1:])
	recv := name[:k]
	if j := strings.LastIndexByte(recv, '.'); j >= 0 {
		recv = recv[j+1:]
	}
	if !logMethod[method] {
		return false, false // console.input(...), logger.setLevel(...)
	}
	r := strings.ToLower(strings.TrimLeft(recv, "_"))
	switch r {
	case "log", "logger", "logging", "console", "slog", "logrus", "syslog", "zap":
		return true, false
	}
	return strings.HasSuffix(r, "logger"), false
}

// logMethod are the methods of a logger or console that write a record or
// add fields to one (zap.String, slog.Any, logrus.WithField, structlog bind).
var logMethod = map[string]bool{
	"log": true, "info": true, "warn": true, "warning": true, "error": true, "err": true, "debug": true,
	"trace": true, "fatal": true, "fatalf": true, "fatalln": true, "panic": true, "panicf": true, "panicln": true,
	"print": true, "printf": true, "println": true, "critical": true, "exception": true, "notice": true,
	"verbose": true, "silly": true, "dir": true, "table": true, "d": true, "i": true, "w": true, "e": true,
	"v": true, "wtf": true, "infof": true, "warnf": true, "errorf": true, "debugf": true, "tracef": true,
	"infow": true, "warnw": true, "errorw": true, "debugw": true, "infoln": true, "warnln": true,
	"errorln": true, "debugln": true, "with": true, "withfield": true, "withfields": true, "bind": true,
	"child": true, "msg": true, "msgf": true, "string": true, "any": true, "stringer": true, "reflect": true,
	"infocontext": true, "warncontext": true, "errorcontext": true, "debugcontext": true, "logattrs": true,
	"severe": true, "fine": true, "config": true, "success": true, "fail": true,
}

// stemInCall reports whether the raw text of the call opening at column
// open of line i (read onto later lines while its parentheses are open, at
// most 12) holds a stem of a secret's name or of a dump (headers, environ).
func stemInCall(v *checks.HunkView, i, open int) bool {
	depth := 0
	for j := i; j < len(v.Lines) && j < i+12; j++ {
		code := v.Code(j)
		a := 0
		if j == i {
			a = open
		}
		if hasSecretStem(v.Lines[j].Text[min(a, len(v.Lines[j].Text)):]) {
			return true
		}
		for k := a; k < len(code); k++ {
			switch code[k] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
				if depth <= 0 {
					return false
				}
			}
		}
	}
	return false
}

// secretStems are lower-case stems that every secret name, secret header
// and dump the rule reports contains.
var secretStems = [...]string{"pass", "pwd", "secret", "token", "key", "auth", "bearer", "cookie", "session",
	"card", "ssn", "cred", "jwt", "cvv", "header", "meta", "environ", "env"}

// hasSecretStem reports whether s holds one of secretStems, ASCII
// case-insensitively, in one pass over s.
func hasSecretStem(s string) bool {
	for k := 0; k+3 <= len(s); k++ {
		c := s[k] | 0x20
		switch c {
		case 'p', 's', 't', 'k', 'a', 'b', 'c', 'j', 'h', 'm', 'e':
		default:
			continue
		}
		for _, st := range secretStems {
			if st[0] == c && len(s)-k >= len(st) && strings.EqualFold(s[k:k+len(st)], st) {
				return true
			}
		}
	}
	return false
}

// lexerPath reports files of tokenizers and parsers, where a "token" is a
// piece of source text.
func lexerPath(p string) bool {
	lower := strings.ToLower(p)
	for _, s := range []string{"lex", "tokeniz", "pars", "yacc", "grammar", "scanner"} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// splitRanges returns the [start, end) column ranges of the top-level
// comma-separated pieces of code.
func splitRanges(code string) [][2]int {
	var out [][2]int
	depth, start := 0, 0
	for k := 0; k < len(code); k++ {
		switch code[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, [2]int{start, k})
				start = k + 1
			}
		}
	}
	if strings.TrimSpace(code[start:]) != "" {
		out = append(out, [2]int{start, len(code)})
	}
	return out
}

// leakIn judges the arguments of a logging call (s, from column from) and
// returns what they reveal, or "".
func leakIn(lang diff.Language, s span, from int) string {
	c := s.Code
	for k := from; k < len(c); {
		if !isIdentStart(c[k]) || k > 0 && (isIdentChar(c[k-1]) || c[k-1] == '.') {
			k++
			continue
		}
		a := k
		k = chainEnd(c, k)
		if what := judgeChain(lang, s, a, k); what != "" {
			return what
		}
	}
	ranges := splitRanges(c)
	for _, l := range stringLits(s) {
		if l.start < from {
			continue
		}
		if what := judgeLiteral(lang, s, ranges, l); what != "" {
			return what
		}
	}
	return ""
}

// chainEnd returns the end of the dotted name starting at k.
func chainEnd(c string, k int) int {
	for k < len(c) && (isIdentChar(c[k]) || c[k] == '.' && k+1 < len(c) && isIdentStart(c[k+1])) {
		k++
	}
	return k
}

func skipBlank(c string, k int) int {
	for k < len(c) && (c[k] == ' ' || c[k] == '\t' || c[k] == '\n') {
		k++
	}
	return k
}

// judgeChain judges the dotted name at [a, b) of s.Code.
func judgeChain(lang diff.Language, s span, a, b int) string {
	c := s.Code
	name := c[a:b]
	next := skipBlank(c, b)
	if next < len(c) && (c[next] == '"' || c[next] == '\'' || c[next] == '`') {
		return "" // a string prefix
	}
	if isNeutralWord(name) || isConstantWord(name) {
		return ""
	}
	if !strings.Contains(name, ".") && isKeyPosition(c, next) {
		if secretIdent(name) && valueLeaks(lang, s.Slice(next+1, valueEnd(c, next+1))) {
			return quoteName(name)
		}
		return ""
	}
	segs := strings.Split(name, ".")
	if what, handled := dumpChain(segs, s, next); handled {
		if what != "" && safeContext(c, a, dumpEnd(s, next)) {
			return ""
		}
		return what
	}
	// A subscript with a literal key reads a field: creds["password"],
	// token["expires_at"].
	if next < len(c) && c[next] == '[' {
		if key := literalAt(s, next+1); key != "" {
			segs = append(segs, key)
			next = dumpEnd(s, next)
		}
	}
	idx := -1
	for k := len(segs) - 1; k >= 0; k-- {
		if secretIdent(segs[k]) {
			idx = k
			break
		}
	}
	if idx < 0 {
		return ""
	}
	if lang == diff.Go && idx == 0 && len(segs) > 1 && segs[0] == "token" && segs[1] != "" && 'A' <= segs[1][0] && segs[1][0] <= 'Z' {
		return "" // the go/token package
	}
	for _, m := range segs[idx+1:] {
		if safeMember(m) || isAllCaps(m) {
			return ""
		}
	}
	if next < len(c) && c[next] == '(' && idx == len(segs)-1 {
		// A function named after the secret: get_token() returns one,
		// validate_token() does not.
		words := identWords(segs[idx])
		if len(words) > 1 {
			switch words[0] {
			case "get", "fetch", "load", "read", "generate", "gen", "create", "issue", "make", "new", "build", "decrypt", "decode":
			default:
				return ""
			}
		}
	}
	if safeContext(c, a, next) {
		return ""
	}
	return quoteName(name)
}

func quoteName(n string) string { return "`" + n + "`" }

func isConstantWord(name string) bool {
	switch name {
	case "True", "False", "None", "true", "false", "null", "nil", "undefined":
		return true
	}
	return false
}

func isAllCaps(s string) bool {
	letter := false
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case 'A' <= c && c <= 'Z':
			letter = true
		case c == '_' || isDigit(c):
		default:
			return false
		}
	}
	return letter
}

// isKeyPosition reports whether the name before column next is a keyword
// argument or an object key: name= (not ==), name: (not ::).
func isKeyPosition(c string, next int) bool {
	if next >= len(c) {
		return false
	}
	switch c[next] {
	case '=':
		return next+1 >= len(c) || c[next+1] != '='
	case ':':
		return next+1 >= len(c) || c[next+1] != ':' && c[next+1] != '='
	}
	return false
}

// valueEnd returns where the value starting at k ends: at the next
// top-level ',' or an unmatched closing bracket.
func valueEnd(c string, k int) int {
	depth := 0
	for ; k < len(c); k++ {
		switch c[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return k
			}
			depth--
		case ',':
			if depth == 0 {
				return k
			}
		}
	}
	return len(c)
}

// safeContext reports a secret read only for a property: compared, tested,
// sliced to a prefix, or passed to a masking, hashing or length function.
func safeContext(c string, a, next int) bool {
	if next < len(c) {
		rest := c[next:]
		switch {
		case strings.HasPrefix(rest, "==") || strings.HasPrefix(rest, "!=") || strings.HasPrefix(rest, "is ") ||
			strings.HasPrefix(rest, ">") || strings.HasPrefix(rest, "<") || strings.HasPrefix(rest, "?"):
			return true
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end > 0 && strings.Contains(rest[:end], ":") {
				return true
			}
		}
	}
	before := strings.TrimRight(c[:a], " \t\n")
	if strings.HasSuffix(before, "!") || strings.HasSuffix(before, "typeof") || strings.HasSuffix(before, "not") ||
		strings.HasSuffix(before, " if") || strings.HasSuffix(before, "&&") || strings.HasSuffix(before, "||") {
		return true
	}
	depth := 0
	for k := a - 1; k >= 0; k-- {
		switch c[k] {
		case ')', ']', '}':
			depth++
		case '[', '{':
			if depth == 0 {
				return false
			}
			depth--
		case '(':
			if depth > 0 {
				depth--
				continue
			}
			name, _ := callName(c, k)
			return name != "" && safeWrapper(name)
		}
	}
	return false
}

// dumpChain judges whole request headers and environments: logging them
// dumps every credential they hold. handled is false when the chain is
// neither.
func dumpChain(segs []string, s span, next int) (what string, handled bool) {
	c := s.Code
	for h := 1; h < len(segs); h++ {
		hdr := segs[h]
		if hdr != "headers" && hdr != "Header" && hdr != "META" && hdr != "COOKIES" {
			continue
		}
		switch strings.ToLower(segs[h-1]) {
		case "request", "req", "r", "ctx", "event", "httprequest":
		default:
			continue
		}
		if hdr == "COOKIES" && h == len(segs)-1 {
			return "the request cookies", true
		}
		rest := segs[h+1:]
		if len(rest) == 0 {
			if next < len(c) && c[next] == '[' {
				if secretHeader(literalAt(s, next+1)) {
					return "the " + literalAt(s, next+1) + " header", true
				}
				return "", true
			}
			return "the request headers", true
		}
		switch rest[0] {
		case "get", "Get", "get_all", "getlist", "getAll", "getHeader":
			if next < len(c) && c[next] == '(' && secretHeader(literalAt(s, next+1)) {
				return "the " + literalAt(s, next+1) + " header", true
			}
			return "", true
		case "items", "values", "copy", "to_dict", "toJSON", "entries", "raw":
			return "the request headers", true
		}
		if secretHeader(rest[0]) {
			return "the " + rest[0] + " header", true
		}
		return "", true
	}
	if n := len(segs); n >= 2 && (segs[n-1] == "getHeader" || segs[n-1] == "header" || segs[n-1] == "get_header") {
		switch strings.ToLower(segs[n-2]) {
		case "request", "req", "r", "ctx", "httprequest", "servletrequest":
			if next < len(c) && c[next] == '(' && secretHeader(literalAt(s, next+1)) {
				return "the " + literalAt(s, next+1) + " header", true
			}
			return "", true
		}
	}
	if len(segs) >= 2 && (segs[0] == "os" && segs[1] == "environ" || segs[0] == "process" && segs[1] == "env") {
		rest := segs[2:]
		switch {
		case len(rest) == 0 && next < len(c) && c[next] == '[':
			if key := literalAt(s, next+1); secretIdent(key) {
				return quoteName(key), true
			}
			return "", true
		case len(rest) == 0:
			return "the whole environment", true
		case rest[0] == "get" || rest[0] == "getenv":
			if key := literalAt(s, next+1); secretIdent(key) {
				return quoteName(key), true
			}
			return "", true
		case rest[0] == "copy" || rest[0] == "items":
			return "the whole environment", true
		}
	}
	return "", false
}

// dumpEnd skips a subscript or call right after a chain (headers["x"],
// environ.get("X")) so that what follows the whole access is judged.
func dumpEnd(s span, next int) int {
	c := s.Code
	if next < len(c) && (c[next] == '[' || c[next] == '(') {
		if e := valueEnd(c, next+1); e < len(c) {
			return skipBlank(c, e+1)
		}
		return len(c)
	}
	return next
}

// literalAt returns the contents of the string literal that starts at or
// after column k (spaces skipped), or "".
func literalAt(s span, k int) string {
	k = skipBlank(s.Code, k)
	if k >= len(s.Code) {
		return ""
	}
	q := s.Code[k]
	if q != '"' && q != '\'' && q != '`' {
		return ""
	}
	e := strings.IndexByte(s.Code[k+1:], q)
	if e < 0 {
		return ""
	}
	return s.Raw[k+1 : k+1+e]
}

func secretHeader(h string) bool {
	switch strings.ToLower(h) {
	case "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
		"x-access-token", "x-csrf-token", "x-amz-security-token":
		return true
	}
	return h != "" && secretIdent(h)
}

// valueLeaks reports whether a logged value is dynamic and shown as is:
// not a literal, an error, a masked or hashed form, a length or a test.
func valueLeaks(lang diff.Language, s span) bool {
	if strings.TrimSpace(s.Code) == "" || errorish(s.Raw) {
		return false
	}
	c := s.Code
	for k := 0; k < len(c); {
		if !isIdentStart(c[k]) || k > 0 && (isIdentChar(c[k-1]) || c[k-1] == '.') {
			k++
			continue
		}
		a := k
		k = chainEnd(c, k)
		name := c[a:k]
		next := skipBlank(c, k)
		switch {
		case next < len(c) && c[next] == '(' && !safeWrapper(name) && dynamicReceiver(name):
			if !safeContext(c, a, dumpEnd(s, next)) {
				return true // a method of a variable: response.headers.get(...)
			}
			continue
		case next < len(c) && (c[next] == '(' || c[next] == '"' || c[next] == '\'' || c[next] == '`'):
			continue // a call (its arguments are read on) or a string prefix
		case isConstantName(name) || isNeutralWord(name) || isConstantWord(name):
			continue
		case !strings.Contains(name, ".") && isKeyPosition(c, next):
			continue
		}
		segs := strings.Split(name, ".")
		safe := false
		for _, m := range segs[1:] {
			if safeMember(m) {
				safe = true
			}
		}
		if !safe && !safeContext(c, a, next) {
			return true
		}
	}
	for _, l := range stringLits(s) {
		for _, e := range interpolations(lang, s, l) {
			if valueLeaks(lang, span{Raw: e.expr, Code: e.expr}) {
				return true
			}
		}
	}
	return false
}

// interp is a placeholder expression of an f-string or template literal,
// with the message text before it.
type interp struct{ before, expr string }

func interpolations(lang diff.Language, s span, l strLit) []interp {
	content := l.content(s)
	open := ""
	switch {
	case lang == diff.Python && strings.ContainsAny(l.prefix, "fF"):
		open = "{"
	case l.quote == '`' && (lang == diff.JavaScript || lang == diff.TypeScript):
		open = "${"
	default:
		return nil
	}
	var out []interp
	prev := 0
	for k := 0; k < len(content); {
		j := strings.Index(content[k:], open)
		if j < 0 {
			break
		}
		j += k
		body := j + len(open)
		if open == "{" && body < len(content) && content[body] == '{' {
			k = body + 1
			continue
		}
		e := matchingBrace(content, body)
		if e < 0 {
			break
		}
		expr := content[body:e]
		if open == "{" {
			expr = stripFormatSpec(expr) // f"{x!r}", f"{x:>10}", f"{x=}"
		}
		out = append(out, interp{before: content[prev:j], expr: expr})
		prev = e + 1
		k = e + 1
	}
	return out
}

// stripFormatSpec cuts an f-string placeholder at its conversion or format
// spec, outside brackets: x[:8]:>10 -> x[:8].
func stripFormatSpec(expr string) string {
	depth := 0
	for k := 0; k < len(expr); k++ {
		switch expr[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '!', ':', '=':
			if depth == 0 && (expr[k] != '=' || k+1 >= len(expr) || expr[k+1] != '=') && (expr[k] != '!' || k+1 >= len(expr) || expr[k+1] != '=') {
				if k > 0 && (expr[k-1] == '=' || expr[k-1] == '!' || expr[k-1] == '<' || expr[k-1] == '>') {
					continue
				}
				return expr[:k]
			}
		}
	}
	return expr
}

// matchingBrace returns the index of the '}' closing a placeholder whose
// body starts at k, or -1.
func matchingBrace(s string, k int) int {
	depth := 0
	for ; k < len(s); k++ {
		switch s[k] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return k
			}
			depth--
		}
	}
	return -1
}

var placeholderRe = regexp.MustCompile(`%%|%[-+ #0]*\d*(?:\.\d+)?[sdrvqxXfgiEeoT]|\{\d*\}|\{:[^}]*\}`)

// judgeLiteral judges a string literal of a logging call: its placeholder
// expressions, the arguments its positional placeholders take, and the
// value logged right after it under a secret's name ("token", tok).
func judgeLiteral(lang diff.Language, s span, ranges [][2]int, l strLit) string {
	content := l.content(s)
	ins := interpolations(lang, s, l)
	for _, in := range ins {
		es := span{Raw: in.expr, Code: maskedExpr(lang, in.expr)}
		if what := leakIn(lang, es, 0); what != "" {
			return what
		}
		if lastWordsSecret(in.before) && valueLeaks(lang, es) {
			return "the value after \"" + strings.TrimSpace(in.before) + "\""
		}
	}
	if len(ins) > 0 {
		return ""
	}
	var secretAt []int
	prev, n := 0, 0
	for _, m := range placeholderRe.FindAllStringIndex(content, 16) {
		if content[m[0]:m[1]] == "%%" {
			continue
		}
		if lastWordsSecret(content[prev:m[0]]) {
			secretAt = append(secretAt, n)
		}
		prev = m[1]
		n++
	}
	if n > 0 {
		args := formatArgs(s, ranges, l)
		for _, idx := range secretAt {
			if idx < len(args) && !namedHarmless(args[idx].Code) && valueLeaks(lang, args[idx]) {
				return "the value of the \"" + strings.TrimSpace(content) + "\" placeholder"
			}
		}
		return ""
	}
	if !lastWordsSecret(content) {
		return ""
	}
	if val, ok := valueAfter(s, ranges, l); ok && (labelLike(content) || val.dict) && !namedHarmless(val.Code) && valueLeaks(lang, val.span) {
		return "the value logged as \"" + strings.TrimSpace(content) + "\""
	}
	return ""
}

func maskedExpr(lang diff.Language, expr string) string {
	if !strings.ContainsAny(expr, "\"'`#/") {
		return expr
	}
	m := checks.MaskCode(lang, []string{expr})[0]
	if len(m) != len(expr) {
		return expr
	}
	return m
}

// argIndex returns the index of the top-level argument holding column k.
func argIndex(ranges [][2]int, k int) int {
	for n, r := range ranges {
		if r[0] <= k && k < r[1] {
			return n
		}
	}
	return -1
}

// formatArgs returns the values a format string's positional placeholders
// take: the following arguments, the operand of a Python '%', or the
// arguments of .format(...).
func formatArgs(s span, ranges [][2]int, l strLit) []span {
	f := argIndex(ranges, l.start)
	if f < 0 {
		return nil
	}
	c := s.Code
	rest := skipBlank(c, l.end+1)
	end := ranges[f][1]
	switch {
	case rest >= end:
		var out []span
		for _, r := range ranges[f+1:] {
			out = append(out, s.Slice(r[0], r[1]).Trim())
		}
		return out
	case c[rest] == '%':
		op := skipBlank(c, rest+1)
		if op < end && c[op] == '(' {
			close := valueEnd(c, op+1)
			for close < end && c[close] == ',' {
				close = valueEnd(c, close+1)
			}
			inner := s.Slice(op+1, min(close, end))
			return splitTop(inner)
		}
		return []span{s.Slice(op, end).Trim()}
	case strings.HasPrefix(c[rest:], ".format("):
		open := rest + len(".format")
		close := open + 1
		for close < end && c[close] != ')' {
			close = valueEnd(c, close)
			if close < end && c[close] == ',' {
				close++
			}
		}
		return splitTop(s.Slice(open+1, min(close, end)))
	}
	return nil
}

// valueAfter returns what is logged right after a literal: the next
// argument ("token", tok), a concatenated operand ("Token: " + tok), or a
// dict value ({"token": tok}).
func valueAfter(s span, ranges [][2]int, l strLit) (after, bool) {
	c := s.Code
	k := skipBlank(c, l.end+1)
	f := argIndex(ranges, l.start)
	if f < 0 {
		return after{}, false
	}
	if k >= ranges[f][1] {
		if f+1 < len(ranges) {
			r := ranges[f+1]
			return after{span: s.Slice(r[0], r[1]).Trim()}, true
		}
		return after{}, false
	}
	switch c[k] {
	case '+', ':':
		a := k + 1
		e := valueEnd(c, a)
		if c[k] == '+' {
			if p := strings.IndexByte(c[a:e], '+'); p >= 0 {
				e = a + p
			}
		}
		return after{span: s.Slice(a, e).Trim(), dict: c[k] == ':'}, true
	}
	return after{}, false
}

// after is the value logged after a literal; dict marks a dictionary or
// object value, whose literal is a key by construction.
type after struct {
	span
	dict bool
}

// namedHarmless reports a value that is a plain name saying it holds
// something other than the secret the message names: user_id,
// starting_token, email.
func namedHarmless(code string) bool {
	if !isBareName(code) {
		return false
	}
	last := code
	if k := strings.LastIndexByte(last, '.'); k >= 0 {
		last = last[k+1:]
	}
	words := identWords(last)
	for _, w := range words {
		if notSecretBefore[w] {
			return true
		}
		switch w {
		case "id", "ids", "name", "email", "user", "username", "count", "type", "kind", "len", "length", "size",
			"status", "path", "url", "uri", "file", "prefix", "expiry", "expires", "ttl", "scope", "scopes":
			return true
		}
	}
	return false
}

// labelLike reports message text that labels the value after it: a bare
// key ("token", "api_key") or text ending in ':' or '=' ("API key: "). A
// sentence such as "issued token" is a message, not a label.
func labelLike(text string) bool {
	t := strings.TrimRight(text, " \t")
	if strings.HasSuffix(t, ":") || strings.HasSuffix(t, "=") {
		return true
	}
	if t == "" {
		return false
	}
	for k := 0; k < len(t); k++ {
		if !isIdentChar(t[k]) && t[k] != '-' && t[k] != '.' {
			return false
		}
	}
	return true
}
