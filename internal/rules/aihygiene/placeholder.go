package aihygiene

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// placeholderStub flags code an assistant left unfinished: stub raises and
// panics, bodies that return a fixed value "for now", placeholder secrets
// and hosts, and the comments that admit the code is a simplification.
//
// Test files are skipped whole: fakes, stubs and "changeme" passwords are
// what test doubles and fixtures are made of. Documentation and example
// paths, mocks and *.example/*.sample files are skipped for the same reason.
type placeholderStub struct{ checks.Described }

func newPlaceholderStub() *placeholderStub {
	return &placeholderStub{checks.Described{M: checks.Meta{
		ID:      "placeholder-stub-code",
		Family:  Family,
		Title:   "Placeholder or stub code",
		Summary: "Unimplemented stubs (NotImplementedError, panic(\"not implemented\"), throw new Error(\"TODO\")), placeholder values and endpoints, and \"in a real application\" comments left in non-test code.",
		Languages: []diff.Language{
			diff.Python, diff.Go, diff.JavaScript, diff.TypeScript, diff.Java, diff.Kotlin, diff.CSharp, diff.Rust,
		},
		Severity: checks.Warning,
		// Each keyword starts with a three-letter run that is rare in code,
		// or is long enough that the whole-keyword compare fails early.
		Keywords: []string{
			// stubs
			"implemented", "implement me", "todo", "fixme", "xxx", "...", "method stub",
			// placeholder values and hosts
			"your-", "your_", "<your", "your api", "replace-me", "replace_me", "replaceme\"", "replaceme'",
			"changeme", "change-me", "change_me", "lorem ipsum", "example.com", "example.org",
			// phrases
			"real ", "real-world", "you would", "you'd", "you should", "you'll", "you might", "you will",
			"simplicity", "demo purposes", "demonstration purposes", "simplified",
			"placeholder", "mock", "stub", "dummy", "replace ",
		},
	}}}
}

func (r *placeholderStub) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	raw := v.Lines[i].Text
	an := anchorsIn(raw)
	sev, msg := checks.Warning, stubMessage(fc, v, i, raw)
	if msg == "" && an&valueAnchors != 0 {
		msg = placeholderValueMessage(v, i, raw, an)
	}
	if msg == "" && an&(phraseAnchors|todoAnchors) != 0 {
		sev, msg = checks.Notice, phraseMessage(v, i, raw, an)
	}
	// The path tests cost more than the line tests, which rarely pass.
	if p := fc.Path(); msg == "" || isDocPath(p) || isMockPath(p) || isTemplatePath(p) {
		return
	}
	fc.Report(checks.Finding{StartLine: v.Lines[i].NewLine, Severity: sev, Message: msg})
}

// isMockPath is for test doubles kept outside test directories.
func isMockPath(p string) bool {
	b := baseName(p)
	for _, w := range []string{"mock", "fake", "stub", "dummy"} {
		if hasFold(b, w) {
			return true
		}
	}
	return pathHasDir(p, "mocks", "mock", "fakes", "fake", "stubs", "testutil", "testutils", "testhelpers", "fixtures", "seeds", "storybook")
}

// isTemplatePath is for files whose job is to show placeholders:
// settings.example.py, config.sample.ts, Button.stories.tsx.
func isTemplatePath(p string) bool {
	b := baseName(p)
	for _, w := range []string{".example", "example.", "_example", "example_", ".sample", "sample_", "_sample", ".template", ".dist.", ".stories."} {
		if hasFold(b, w) {
			return true
		}
	}
	return false
}

// stubPhrases open the message of an exception or panic that only says
// the code is missing.
var stubPhrases = []string{
	"not implemented", "not yet implemented", "unimplemented", "todo", "fixme", "implement me",
	"method not implemented", "function not implemented", "needs implementation", "stub",
}

func hasStubPhrasePrefix(msg string) bool {
	msg = strings.TrimLeft(msg, " ")
	for _, p := range stubPhrases {
		if hasPrefixFold(msg, p) {
			return true
		}
	}
	return false
}

// quotedAfter returns the text after an opening quote that starts s (after
// blanks), or false when s does not start with a string literal.
func quotedAfter(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t")
	if s == "" || !isQuote(s[0]) {
		return "", false
	}
	return s[1:], true
}

// inBranch reports whether line i is the first statement of a switch case
// or default, where "not implemented" means "unsupported value".
func inBranch(v *checks.HunkView, i int) bool {
	j := v.PrevCode(i)
	if j < 0 {
		return false
	}
	t := strings.TrimSpace(v.Code(j))
	return strings.HasPrefix(t, "default") || strings.HasPrefix(t, "case ") || strings.HasPrefix(t, "else")
}

// inIfBlock reports whether line i is the first statement of an if block
// (`if debug { panic("unimplemented") }`): a guard, not a stub body.
func inIfBlock(v *checks.HunkView, i int) bool {
	if indexWord(v.Code(i), "if") >= 0 {
		return true
	}
	j := v.PrevCode(i)
	if j < 0 {
		return false
	}
	t := strings.TrimSpace(v.Code(j))
	return strings.HasSuffix(t, "{") && (strings.HasPrefix(t, "if ") || strings.HasPrefix(t, "} else if "))
}

// jsHookCalled reports whether the JS/TS method whose body holds line i is
// called through `this` elsewhere in the file: a base class leaving a hook
// to subclasses (`dispatch () { throw new Error('not implemented') }`
// next to `this.dispatch.bind(this)`).
func jsHookCalled(fc *checks.FileContext, v *checks.HunkView, i int) bool {
	if l := fc.Lang(); l != diff.JavaScript && l != diff.TypeScript {
		return false
	}
	j := v.PrevCode(i)
	if j < 0 {
		return false
	}
	h := strings.TrimSpace(v.Code(j))
	k := strings.IndexByte(h, '(')
	if !strings.HasSuffix(h, "{") || k <= 0 {
		return false
	}
	name := strings.TrimSpace(h[:k])
	if f := strings.Fields(name); len(f) > 0 {
		name = f[len(f)-1] // past async, static, public
	}
	if name == "" || name == "function" || !isIdentByte(name[0]) {
		return false
	}
	ref := "this." + name
	for _, hv := range fc.Views {
		for _, l := range hv.Lines {
			t := l.Text
			for off := 0; ; {
				x := strings.Index(t[off:], ref)
				if x < 0 {
					break
				}
				end := off + x + len(ref)
				if end == len(t) || !isIdentByte(t[end]) {
					return true
				}
				off = end
			}
		}
	}
	return false
}

// inAbstractClass looks up the hunk for the class the line belongs to and
// reports whether it is declared abstract.
func inAbstractClass(v *checks.HunkView, i int) bool {
	for j := i - 1; j >= 0 && j >= i-300; j-- {
		c := v.Code(j)
		k := indexWord(c, "class")
		if k < 0 {
			continue
		}
		return strings.Contains(c[:k], "abstract")
	}
	return false
}

var stubReturn = regexp.MustCompile(`^(?:return(?:\s+(?:True|False|None|true|false|null|nil|undefined|0|-1|\[\]|\{\}|""|''|nil,\s*nil|Ok\(\(\)\)))?|pass)\s*;?$`)

var stubCommentStrong = regexp.MustCompile(`(?i)\b(?:implement\w*|placeholder|stub|mock(?:ed)?|dummy|fake|hard-?coded)\b`)

func bareMarker(c string) bool {
	c = strings.Trim(strings.TrimSpace(c), ":.!")
	return c == "TODO" || c == "FIXME" || c == "XXX" || c == "todo"
}

func returnsBool(stmt string) bool {
	for _, b := range []string{"True", "False", "true", "false"} {
		if strings.Contains(stmt, b) {
			return true
		}
	}
	return false
}

var stubCommentWord = regexp.MustCompile(`(?i)\b(?:todo|fixme|placeholder|stub|mock(?:ed)?|dummy|fake|hard-?coded|not (?:yet )?implemented)\b`)

// stubMessage recognises the language's ways of leaving a body unwritten.
func stubMessage(fc *checks.FileContext, v *checks.HunkView, i int, raw string) string {
	lang := fc.Lang()
	if hasFold(raw, "auto-generated method stub") && strings.Contains(raw, "TODO") {
		return "IDE-generated method stub: the body was never written. Implement the method, or throw an exception that says why it is unsupported."
	}
	switch lang {
	case diff.Python:
		if m := pythonStub(fc, v, i, raw); m != "" {
			return m
		}
	case diff.Go:
		if m := goStub(v, i, raw); m != "" {
			return m
		}
	case diff.Rust:
		if !strings.Contains(raw, "!(") {
			break
		}
		code := v.Code(i)
		for _, mac := range []string{"todo!(", "unimplemented!("} {
			if k := strings.Index(code, mac); k >= 0 && (k == 0 || !isIdentByte(code[k-1])) {
				return fmt.Sprintf("`%s)` panics when reached: the function is a stub. Implement it or return an error.", mac)
			}
		}
	default:
		if m := throwStub(fc, v, i, raw); m != "" {
			return m
		}
	}
	return fixedReturnMessage(lang, v, i, raw)
}

// fixedReturnMessage flags `return True  # placeholder` and `pass  # TODO`:
// a body that returns a constant and says so in its comment.
func fixedReturnMessage(lang diff.Language, v *checks.HunkView, i int, raw string) string {
	if !strings.Contains(raw, "return") && !strings.Contains(raw, "pass") {
		return ""
	}
	code := v.Code(i)
	t := strings.TrimSpace(code)
	if !strings.HasPrefix(t, "return") && t != "pass" {
		return ""
	}
	if !stubReturn.MatchString(t) {
		return ""
	}
	c, ok := trailingComment(lang, raw, code)
	if !ok || !stubCommentWord.MatchString(c) {
		return ""
	}
	// A TODO on a returned nil or zero is often a maintainer's note on
	// real code ("TODO(mdempsky): Unclear if this matters"); it marks a
	// stub when it says so, when it is bare, or when the constant is a
	// boolean: a check that always passes.
	if t != "pass" && !stubCommentStrong.MatchString(c) && !bareMarker(c) && !returnsBool(t) {
		return ""
	}
	if t == "pass" {
		return fmt.Sprintf("`pass` with a %q comment leaves the body empty: callers get None and no error. Implement it, or raise until it is.", clip(strings.TrimSpace(c), 60))
	}
	return fmt.Sprintf("`%s` with a %q comment is a placeholder body: it returns a fixed value instead of doing the work. Implement it, or fail loudly until it is.", t, clip(strings.TrimSpace(c), 60))
}

func pythonStub(fc *checks.FileContext, v *checks.HunkView, i int, raw string) string {
	t := strings.TrimSpace(raw)
	switch {
	case strings.Contains(raw, "NotImplementedError"):
		code := v.Code(i)
		k := strings.Index(code, "NotImplementedError")
		if k < 0 {
			return ""
		}
		tc := strings.TrimSpace(code)
		var d int
		switch {
		case strings.HasPrefix(tc, "raise "):
			d = pyDefFor(v, pyOpener(v, i))
			if d < 0 || !pyBodyOnlyStub(v, d, i) {
				return ""
			}
		case isPyDef(tc) && strings.Contains(tc, ": raise NotImplementedError"):
			d = i
		default:
			return ""
		}
		if !stubRaiseMessage(raw[k+len("NotImplementedError"):]) || !pyConcrete(fc, v, d) || pySelfCalled(fc, v, d) {
			return ""
		}
		return "`raise NotImplementedError` leaves this function unimplemented. Implement it, or declare the method `@abstractmethod` on an ABC if subclasses must provide it."
	case t == "..." || strings.HasSuffix(t, ": ..."):
		if strings.HasSuffix(strings.ToLower(fc.Path()), ".pyi") {
			return ""
		}
		code := strings.TrimSpace(v.Code(i))
		var d int
		if code == "..." {
			d = pyDefFor(v, pyOpener(v, i))
			if d < 0 || !pyBodyOnlyStub(v, d, i) {
				return ""
			}
			if n := v.NextCode(i); n >= 0 && indent(v.Code(n)) >= indent(v.Code(i)) {
				return ""
			}
		} else if isPyDef(code) && strings.HasSuffix(code, ": ...") {
			d = i
		} else {
			return ""
		}
		if !pyConcrete(fc, v, d) {
			return ""
		}
		return "This function's body is only `...`: it does nothing and returns None. Implement it, or declare it `@abstractmethod` (or in a Protocol or .pyi stub) if it is an interface."
	case strings.HasPrefix(t, "pass"):
		// pass  # TODO is handled as a fixed return.
	}
	return ""
}

// stubRaiseMessage reports whether what follows NotImplementedError says
// "not written yet": nothing, an empty message, or stub words. A message
// that explains ("System entropy source does not have state") marks a
// deliberate refusal.
func stubRaiseMessage(rest string) bool {
	rest = strings.TrimSpace(rest)
	if rest == "" || rest == "()" || strings.HasPrefix(rest, "#") {
		return true
	}
	if !strings.HasPrefix(rest, "(") {
		return false
	}
	return stubWords.MatchString(rest)
}

var stubWords = regexp.MustCompile(`(?i)\b(?:not (?:yet )?implemented|unimplemented|implement(?:ed)? (?:me|later|this|yet)|todo|fixme|stub|placeholder|yet|later|coming soon|not written|wip|work in progress)\b`)

// pySelfCalled reports whether the method on def line d is called through
// self or cls elsewhere in the diff: a hook of a template method, which
// subclasses fill in.
func pySelfCalled(fc *checks.FileContext, v *checks.HunkView, d int) bool {
	t := strings.TrimSpace(v.Lines[d].Text)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "async "), "def ")
	n := 0
	for n < len(t) && isIdentByte(t[n]) {
		n++
	}
	if n == 0 || indent(v.Code(d)) == 0 {
		return false
	}
	self, cls := "self."+t[:n]+"(", "cls."+t[:n]+"("
	for _, hv := range fc.Views {
		for _, l := range hv.Lines {
			if strings.Contains(l.Text, self) || strings.Contains(l.Text, cls) {
				return true
			}
		}
	}
	return false
}

// pyConcrete reports whether def line d is an ordinary function or method:
// not abstract, not an overload, not in an ABC/Protocol/base class, and
// its enclosing scope is visible.
func pyConcrete(fc *checks.FileContext, v *checks.HunkView, d int) bool {
	for _, dec := range pyDecorators(v, d) {
		for _, w := range []string{"abstract", "overload", "override"} {
			if strings.Contains(dec, w) {
				return false
			}
		}
	}
	scope, c := pyClassFor(v, d)
	switch scope {
	case pyScopeUnknown:
		return false
	case pyScopeClass:
		return !isAbstractPyClass(fc, v, c)
	}
	return true
}

func goStub(v *checks.HunkView, i int, raw string) string {
	if !strings.Contains(raw, "panic(") {
		return ""
	}
	code := v.Code(i)
	k := strings.Index(code, "panic(")
	if k < 0 || k > 0 && isIdentByte(code[k-1]) || k+6 > len(raw) {
		return ""
	}
	arg := strings.TrimLeft(raw[k+6:], " \t")
	// panic(fmt.Sprintf("not implemented: %s", x)) and friends.
	for _, wrap := range []string{"fmt.Sprintf(", "fmt.Errorf(", "errors.New(", "fmt.Sprint("} {
		arg = strings.TrimPrefix(arg, wrap)
	}
	msg, ok := quotedAfter(arg)
	if !ok || !hasStubPhrasePrefix(msg) || inBranch(v, i) || inIfBlock(v, i) {
		return ""
	}
	return fmt.Sprintf("`panic(\"%s\")` is a stub that crashes the program when reached. Implement the function, or return an error the caller can handle.", stubQuote(msg))
}

// throwStub covers JS/TS, Java, Kotlin and C#: `throw new Error("Not
// implemented")`, UnsupportedOperationException("TODO"), C#'s
// NotImplementedException and Kotlin's TODO().
func throwStub(fc *checks.FileContext, v *checks.HunkView, i int, raw string) string {
	if !strings.Contains(raw, "throw") && !strings.Contains(raw, "TODO(") {
		return ""
	}
	code := v.Code(i)
	if fc.Lang() == diff.Kotlin {
		if k := indexWord(code, "TODO"); k >= 0 && k+4 < len(code) && code[k+4] == '(' && (k == 0 || code[k-1] != '.') && !strings.Contains(code[:k], "fun ") {
			return "Kotlin's `TODO()` throws NotImplementedError when reached: the function is a stub. Implement it before merging."
		}
	}
	k := indexWord(code, "throw")
	if k < 0 {
		return ""
	}
	rest := strings.TrimLeft(code[k+5:], " \t")
	rest = strings.TrimPrefix(rest, "new ")
	rest = strings.TrimLeft(rest, " \t")
	n := 0
	for n < len(rest) && (isIdentByte(rest[n]) || rest[n] == '.') {
		n++
	}
	name := rest[:n]
	if name == "" || n >= len(rest) || rest[n] != '(' {
		return ""
	}
	if inAbstractClass(v, i) || inBranch(v, i) || inIfBlock(v, i) || jsHookCalled(fc, v, i) {
		return ""
	}
	if strings.HasSuffix(name, "NotImplementedException") || strings.HasSuffix(name, "NotImplementedError") {
		return fmt.Sprintf("`throw new %s` marks an unwritten body: the code path fails at run time. Implement it before merging.", name)
	}
	if !strings.HasSuffix(name, "Error") && !strings.HasSuffix(name, "Exception") {
		return ""
	}
	// The message is in the raw text at the same offset as in the code.
	off := len(code) - len(rest) + n + 1
	if off > len(raw) {
		return ""
	}
	msg, ok := quotedAfter(raw[off:])
	if !ok || !hasStubPhrasePrefix(msg) {
		return ""
	}
	return fmt.Sprintf("`throw %s(\"%s\")` is a stub that fails at run time. Implement the code path, or make it an explicit, documented unsupported case.", name, stubQuote(msg))
}

// stubQuote is the message of a thrown stub up to its closing quote.
func stubQuote(msg string) string {
	if k := strings.IndexAny(msg, "\"'`"); k >= 0 {
		msg = msg[:k]
	}
	if len(msg) > 40 {
		msg = msg[:40] + "…"
	}
	return msg
}

var (
	placeholderValue = regexp.MustCompile(`(?i)["'` + "`" + `](?:[a-z]{1,4}[-_])?(?:your[-_ ]?[a-z0-9_ -]{0,30}?[-_ ]here|your[-_ ]?(?:api[-_ ]?key|access[-_ ]?(?:key|token)|auth[-_ ]?token|token|secret(?:[-_ ]?key)?|password|passwd|client[-_ ]?(?:id|secret)|key|username|user[-_ ]?name|webhook[-_ ]?(?:url|secret)|project[-_ ]?id|bucket(?:[-_ ]?name)?|domain|db[-_ ]?(?:name|password|user)|database[-_ ]?(?:url|name|password)|org(?:anization)?[-_ ]?id|account[-_ ]?id|tenant[-_ ]?id|app[-_ ]?(?:id|secret|key)|private[-_ ]?key|email)|replace[-_ ]?me|change[-_ ]?me)["'` + "`" + `]`)
	placeholderAngle = regexp.MustCompile(`(?i)<your[-_ a-z0-9.]*>`)
	placeholderLorem = regexp.MustCompile(`(?i)lorem ipsum`)
	exampleHost      = regexp.MustCompile(`(?i)https?://(?:[a-z0-9-]+\.)*example\.(?:com|org|net)\b`)
)

// placeholderGuard are the line contexts where a placeholder is compared
// against, shown as a hint, or documented, rather than used.
var placeholderGuard = []string{
	"==", "!=", ".equals(", "startswith(", "includes(", " in (", " in [", " in {", "placeholder", "hint", "help=", "help:",
	"usage", "e.g.", "example:", "example=", "example =", "@example", "new url(", "description",
}

func guarded(raw string) bool {
	for _, g := range placeholderGuard {
		if hasFold(raw, g) {
			return true
		}
	}
	return false
}

// placeholderValueMessage flags placeholder credentials, identifiers and
// hosts written into string literals.
func placeholderValueMessage(v *checks.HunkView, i int, raw string, an anchor) string {
	hasValue := an&(anYour|anReplace|anChange|anLorem) != 0
	hasHost := an&anExample != 0
	if !hasValue && !hasHost {
		return ""
	}
	if guarded(raw) {
		return ""
	}
	code := v.Code(i)
	if hasValue {
		for _, re := range []*regexp.Regexp{placeholderValue, placeholderAngle, placeholderLorem} {
			loc := re.FindStringIndex(raw)
			if loc == nil {
				continue
			}
			p := loc[0]
			if re == placeholderValue {
				p++ // past the opening quote
			}
			if !inString(code, p) {
				continue
			}
			val := strings.Trim(raw[loc[0]:loc[1]], "\"'`")
			return fmt.Sprintf("Placeholder value %q left in code: it will be used as is. Read the real value from configuration or a secret store, and fail at start-up when it is missing.", val)
		}
	}
	if hasHost {
		if loc := exampleHost.FindStringIndex(raw); loc != nil && inString(code, loc[0]) {
			return fmt.Sprintf("Placeholder endpoint %s in production code: requests go to a reserved example domain. Take the URL from configuration.", raw[loc[0]:loc[1]])
		}
	}
	return ""
}

// phraseRules confirm, on the lower-cased line, the phrases that admit the
// code is a stand-in. Each runs only when its anchor word is on the line,
// and each starts with a literal so that the search skips ahead quickly.
var phraseRules = []struct {
	bits     anchor
	re       *regexp.Regexp
	sentence bool // must open a comment or a sentence
}{
	{anReal, regexp.MustCompile(`in (?:a )?real(?:[- ]world)? (?:app|application|implementation|system|scenario|project|deployment|environment|codebase|service|setting|product)\b`), false},
	{anProduction, regexp.MustCompile(`in production,? you(?:'d|'ll| would| should| might| will| may| could| need)\b`), false},
	{anDemo, regexp.MustCompile(`for (?:demo|demonstration) purposes\b`), false},
	{anThisIs, regexp.MustCompile(`this is (?:just |only )?a (?:simplified|placeholder|mock|stub|dummy|fake)\b`), true},
	{anReplace, regexp.MustCompile(`replace (?:this |these |it |them )?with (?:your|the actual|actual|a real|real)\b`), false},
	{anPlaceholder, regexp.MustCompile(`placeholder (?:implementation|logic|value|data|response|code|function)\b`), false},
	{anMock | anDummy | anFake, regexp.MustCompile(`(?:mock|dummy|fake) (?:implementation|data|response)\b`), false},
	{anStub, regexp.MustCompile(`stub implementation\b`), false},
}

// simplicityGaps are the words that turn "for simplicity" from a design
// note into an admission; the ones ending in "*" match as prefixes.
var simplicityGaps = []string{
	"fixed", "hardcoded", "hard-coded", "in-memory", "in memory", "mock*", "dummy", "fake", "skip*", "we'll", "just",
	"assum*", "for now", "placeholder", "static", "naive", "simple", "basic", "ignor*", "omit*", "without",
}

// todoStubWords after a TODO say what was left undone.
var todoStubWords = []string{
	"implement*", "placeholder", "stub*", "mock*", "dummy", "replace", "real", "actual", "later", "hardcoded", "hard-coded", "for now",
}

// hasWord reports whether lower holds w (lower case) as a word; a w ending
// in "*" matches as a word prefix.
func hasWord(lower, w string) bool {
	prefix := strings.HasSuffix(w, "*")
	w = strings.TrimSuffix(w, "*")
	for off := 0; off < len(lower); {
		k := strings.Index(lower[off:], w)
		if k < 0 {
			return false
		}
		a, b := off+k, off+k+len(w)
		if (a == 0 || !isIdentByte(lower[a-1])) && (prefix || b == len(lower) || !isIdentByte(lower[b])) {
			return true
		}
		off = a + 1
	}
	return false
}

func hasAnyWord(lower string, words []string) bool {
	for _, w := range words {
		if hasWord(lower, w) {
			return true
		}
	}
	return false
}

// toLowerASCII lower-cases ASCII letters only, so that offsets into the
// result are offsets into s.
func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// opensSentence reports whether position k of a line starts a comment's
// text or a sentence: only blanks, a comment marker, or ". " before it.
func opensSentence(line string, k int) bool {
	t := strings.TrimRight(line[:k], " \t")
	if t == "" {
		return true
	}
	switch t[len(t)-1] {
	case '#', '/', '*', '.', ';', ':', '"', '\'':
		return true
	}
	return false
}

// anchor is a set of the literal words the checks after the stub test
// need, found in one pass over the line so that a line that reached the
// rule through an unrelated keyword ("..." in Go) costs one scan.
type anchor uint32

const (
	anYour anchor = 1 << iota
	anReplace
	anChange
	anLorem
	anExample
	anReal
	anProduction
	anDemo
	anThisIs
	anPlaceholder
	anMock
	anDummy
	anFake
	anStub
	anSimplicity
	anTodo
)

const (
	valueAnchors  = anYour | anReplace | anChange | anLorem | anExample
	phraseAnchors = anReal | anProduction | anDemo | anThisIs | anReplace | anPlaceholder | anMock | anDummy | anFake | anStub | anSimplicity
	todoAnchors   = anTodo
)

var anchorWords = [...]struct {
	word string
	bit  anchor
}{
	{"your", anYour}, {"replace", anReplace}, {"change", anChange}, {"lorem", anLorem}, {"example.", anExample},
	{"real", anReal}, {"production", anProduction}, {"demo", anDemo}, {"this is", anThisIs},
	{"placeholder", anPlaceholder}, {"mock", anMock}, {"dummy", anDummy}, {"fake", anFake}, {"stub", anStub},
	{"simplicity", anSimplicity}, {"todo", anTodo}, {"fixme", anTodo}, {"xxx", anTodo},
}

// anchorsByFirst lists, for each lower-case byte, the anchorWords that
// start with it. It is built once and only read.
var anchorsByFirst = func() (t [256][]uint8) {
	for k, w := range anchorWords {
		t[w.word[0]] = append(t[w.word[0]], uint8(k))
	}
	return t
}()

// anchorsIn returns the anchors that occur in s, ignoring ASCII case.
func anchorsIn(s string) anchor {
	var an anchor
	for i := 0; i < len(s); i++ {
		for _, k := range anchorsByFirst[lowerASCII(s[i])] {
			if w := anchorWords[k]; hasPrefixFold(s[i:], w.word) {
				an |= w.bit
			}
		}
	}
	return an
}

// phraseMessage flags comments (and docstrings) that admit the code is a
// stand-in, and TODOs that say what is missing.
func phraseMessage(v *checks.HunkView, i int, raw string, an anchor) string {
	var lower string
	if an&phraseAnchors != 0 {
		lower = toLowerASCII(raw)
		at, end := -1, -1
		for _, pr := range phraseRules {
			if an&pr.bits == 0 {
				continue
			}
			for _, loc := range pr.re.FindAllStringIndex(lower, 4) {
				if (loc[0] == 0 || !isIdentByte(lower[loc[0]-1])) && (!pr.sentence || opensSentence(lower, loc[0])) {
					at, end = loc[0], loc[1]
					break
				}
			}
			if at >= 0 {
				break
			}
		}
		if at < 0 && an&anSimplicity != 0 {
			if k := strings.Index(lower, "simplicity"); k >= 0 && hasAnyWord(lower, simplicityGaps) {
				for _, f := range []string{"for ", "for the sake of "} {
					if strings.HasSuffix(lower[:k], f) {
						at, end = k-len(f), k+len("simplicity")
					}
				}
			}
		}
		if at >= 0 {
			if code := v.Code(i); at < len(code) && isBlankByte(code[at]) {
				return fmt.Sprintf("The comment says this is not the real thing (%q). Make the code production-ready, or track the gap in an issue and say so.", raw[at:end])
			}
		}
	}
	if an&todoAnchors == 0 {
		return ""
	}
	for _, marker := range []string{"TODO", "FIXME", "XXX"} {
		k := indexWord(raw, marker)
		if k < 0 || !markedComment(raw[:k]) && !inCommentAt(v.Code(i), k) {
			continue
		}
		if hasAnyWord(toLowerASCII(raw[k:]), todoStubWords) {
			return fmt.Sprintf("%s left for unfinished work (%s). Finish it before merging, or link it to an issue.", marker, clip(strings.TrimSpace(raw[k:]), 80))
		}
	}
	return ""
}

// markedComment reports whether the text before a word opens a comment
// ("// TODO", "# TODO", "/* TODO", " * TODO") with no quote in between, so
// that the masked code need not be computed.
func markedComment(before string) bool {
	k := strings.LastIndex(before, "//")
	if h := strings.LastIndexByte(before, '#'); h > k {
		k = h
	}
	if k < 0 {
		t := strings.TrimLeft(before, " \t")
		return strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "*")
	}
	return !strings.ContainsAny(before, "\"'`")
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
