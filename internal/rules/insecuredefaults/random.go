package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// insecureRandom reports a non-cryptographic generator (random,
// Math.random, math/rand, java.util.Random) producing a value that the
// name it is given, or the function it is made in, says is a secret: its
// outputs can be predicted from a few earlier ones. Also fixed seeds in a
// file that makes secrets that way.
type insecureRandom struct{ checks.Described }

func newInsecureRandom() *insecureRandom {
	return &insecureRandom{checks.Described{M: checks.Meta{
		ID:     "insecure-random-for-secret",
		Family: family,
		Title:  "Predictable random value used as a secret",
		Summary: "A non-cryptographic random generator (random.*, Math.random, math/rand, java.util.Random, RandomStringUtils) " +
			"makes a token, password, OTP, session id, salt or key, or is seeded with a constant.",
		Languages: codeLanguages(),
		Severity:  checks.Warning,
		// Keywords start where the letters are rare in code: "th.random" is
		// Math.random, "lrandom" ThreadLocalRandom, "xtint(" nextInt(.
		Keywords: []string{"random.", "rand.", "th.random", "new random(", "randomstringutils", "lrandom",
			"xtint(", "xtlong(", "xtbytes(", "pseudorandombytes", ".intn(", ".int63("},
	}}}
}

var (
	pyRandCall = regexp.MustCompile(`(?:^|[^\w.])random\.(random|randint|randrange|choice|choices|getrandbits|randbytes|sample|shuffle|uniform)\s*\(`)
	pySeed     = regexp.MustCompile(`(?:^|[^\w.])random\.seed\s*\(\s*\d+`)
	pyShadow   = regexp.MustCompile(`^\s*random\s*=`)
	jsRandCall = regexp.MustCompile(`\bMath\.random\s*\(\s*\)|\bcrypto\.pseudoRandomBytes\s*\(`)
	javaRand   = regexp.MustCompile(`\bnew\s+Random\s*\([^)]*\)(?:\s*\.\s*next\w+\s*\()?|\bMath\.random\s*\(|\bThreadLocalRandom\.current\s*\(\s*\)\s*\.\s*next\w+\s*\(|\bRandomStringUtils\.(?:insecure\s*\(\s*\)\s*\.\s*next\w*|random\w*)\s*\(|\bRandom\.next\w+\s*\(`)
	javaNext   = regexp.MustCompile(`\b([a-z_]\w*)\s*\.\s*next(?:Int|Long|Bytes|Double|Float|Boolean)\s*\(`)
	javaSeed   = regexp.MustCompile(`\bnew\s+Random\s*\(\s*\d+L?\s*\)`)
	goImport   = regexp.MustCompile(`^\s*(?:import\s+)?(?:([A-Za-z_]\w*)\s+)?"(math/rand(?:/v2)?|crypto/rand)"`)
	goRngCall  = regexp.MustCompile(`\b([A-Za-z_]\w*)\.(?:Intn|Int63n?|Int31n?|IntN|Int64N|Uint64|Uint32|Read|Float64|Perm)\s*\(`)

	// secretShape is a value built like a secret: a string of random
	// characters or bytes, a zero-padded number, an encoding.
	secretShape = regexp.MustCompile(`join\s*\(|\bchoices\s*\(|getrandbits|randbytes|toString\s*\(\s*(?:36|16|32)\s*\)|\.Read\s*\(|nextBytes|RandomStringUtils|%0\d+d|zfill|padStart|\bstr\s*\(|String\.valueOf|Integer\.toString|strconv\.|hex|base64|Base64|\.substr|\.slice\s*\(|\.substring\s*\(|\bSprintf\b|String\.format|\[\s*(?:rand|random|rng|r)\.\w+\s*\(|charAt\s*\(`)
)

// goRandFuncs are the package-level functions of math/rand and
// math/rand/v2 that draw values.
var goRandFuncs = map[string]bool{"Int": true, "Intn": true, "Int31": true, "Int31n": true, "Int63": true, "Int63n": true,
	"Uint32": true, "Uint64": true, "Float32": true, "Float64": true, "Read": true, "Perm": true, "Shuffle": true, "N": true,
	"IntN": true, "Int64N": true, "Int32N": true, "Uint64N": true, "UintN": true, "Uint32N": true, "Int64": true, "Int32": true, "Uint": true}

// randMatch is a random call found on a line.
type randMatch struct {
	start, open int // the call's first column and its '('
	name        string
	// argRole: the call fills its argument (rand.Read(buf), shuffle(x)),
	// so the argument's name is what the value is used for.
	argRole bool
	seed    bool
}

func (r *insecureRandom) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	// Test code never ships these settings (catalogue 3.1 excludes test
	// paths from most security rules).
	if fc.IsTest {
		return
	}
	lang := fc.Lang()
	code := v.Code(i)
	m, ok := findRandom(fc, lang, v, code)
	if !ok {
		return
	}
	if m.seed {
		if fc.IsTest || !fileMakesSecrets(fc, lang) {
			return
		}
		report(fc, v, i, r.M.Severity, "A fixed seed makes every value this generator returns the same on every run, and this file uses it for secrets; use "+randomFix(lang)+" and do not seed.")
		return
	}
	kind := judgeRandom(lang, v, i, code, m)
	if kind < secret {
		return
	}
	// random = random.SystemRandom() makes the module name a CSPRNG.
	if lang == diff.Python && fileAnyRaw(fc, pyShadow.MatchString) {
		return
	}
	sev := r.M.Severity
	if kind == strongSecret {
		sev = checks.Failure
	}
	report(fc, v, i, sev, m.name+" is not a cryptographic generator: a few of its outputs reveal the next ones, so a secret made with it can be guessed; use "+randomFix(lang)+".")
}

func randomFix(lang diff.Language) string {
	switch lang {
	case diff.Python:
		return "the secrets module (secrets.token_urlsafe, secrets.choice)"
	case diff.JavaScript, diff.TypeScript:
		return "crypto.randomBytes, crypto.randomUUID or crypto.getRandomValues"
	case diff.Go:
		return "crypto/rand (rand.Read, rand.Text)"
	default:
		return "java.security.SecureRandom"
	}
}

// findRandom finds the first non-cryptographic random call (or constant
// seed) on a masked line.
func findRandom(fc *checks.FileContext, lang diff.Language, v *checks.HunkView, code string) (randMatch, bool) {
	switch lang {
	case diff.Python:
		if !strings.Contains(code, "random.") {
			return randMatch{}, false
		}
		if loc := pySeed.FindStringIndex(code); loc != nil {
			return randMatch{start: loc[0], seed: true, name: "random.seed"}, true
		}
		loc := pyRandCall.FindStringSubmatchIndex(code)
		if loc == nil {
			return randMatch{}, false
		}
		fn := code[loc[2]:loc[3]]
		return randMatch{start: loc[2] - len("random."), open: loc[1] - 1, name: "random." + fn, argRole: fn == "shuffle"}, true
	case diff.JavaScript, diff.TypeScript:
		if loc := jsRandCall.FindStringIndex(code); loc != nil {
			name := "Math.random()"
			if strings.Contains(code[loc[0]:loc[1]], "pseudo") {
				name = "crypto.pseudoRandomBytes"
			}
			return randMatch{start: loc[0], open: loc[1] - 1, name: name}, true
		}
	case diff.Java, diff.Kotlin:
		if loc := javaSeed.FindStringIndex(code); loc != nil && !javaNextOnSeed(code, loc[1]) {
			return randMatch{start: loc[0], seed: true, name: "new Random(seed)"}, true
		}
		if loc := javaRand.FindStringIndex(code); loc != nil {
			name := strings.TrimSpace(code[loc[0]:loc[1]])
			if k := strings.IndexByte(name, '('); k > 0 {
				name = strings.TrimSpace(name[:k])
			}
			return randMatch{start: loc[0], open: loc[1] - 1, name: name, argRole: strings.Contains(code[loc[0]:loc[1]], "nextBytes")}, true
		}
		if loc := javaNext.FindStringSubmatchIndex(code); loc != nil {
			recv := code[loc[2]:loc[3]]
			if javaInsecureVar(fc, recv) {
				return randMatch{start: loc[0], open: loc[1] - 1, name: "java.util.Random", argRole: strings.Contains(code[loc[0]:loc[1]], "nextBytes")}, true
			}
		}
	case diff.Go:
		alias := goMathRandAlias(fc)
		if alias == "" {
			return randMatch{}, false
		}
		return goRandom(fc, alias, code)
	}
	return randMatch{}, false
}

// javaNextOnSeed reports whether a seeded new Random(42) is used at once
// (new Random(42).nextInt()), which the secret check judges instead.
func javaNextOnSeed(code string, end int) bool {
	return strings.HasPrefix(strings.TrimLeft(code[end:], " \t"), ".")
}

// javaInsecureVar reports whether a receiver is declared in the file as a
// java.util.Random (or kotlin.random.Random), not a SecureRandom.
func javaInsecureVar(fc *checks.FileContext, name string) bool {
	insecure := false
	secure := fileAny(fc, func(code string) bool {
		if !strings.Contains(code, name) {
			return false
		}
		if strings.Contains(code, "SecureRandom") && declares(code, name) {
			return true
		}
		if declares(code, name) && (strings.Contains(code, "new Random(") || strings.Contains(code, "Random "+name) ||
			strings.Contains(code, "= Random(") || strings.Contains(code, ": Random")) {
			insecure = true
		}
		return false
	})
	return insecure && !secure
}

// declares reports whether a line names a variable name in a declaration
// or assignment.
func declares(code, name string) bool {
	for off := 0; ; {
		k := strings.Index(code[off:], name)
		if k < 0 {
			return false
		}
		a, b := off+k, off+k+len(name)
		off = b
		if (a > 0 && isIdentChar(code[a-1])) || (b < len(code) && isIdentChar(code[b])) {
			continue
		}
		rest := strings.TrimLeft(code[b:], " \t")
		if strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "==") || strings.HasPrefix(rest, ";") || strings.HasPrefix(rest, ":") {
			return true
		}
	}
}

// goMathRandAlias returns the name under which the file imports math/rand
// (or math/rand/v2), reading the import lines the diff shows; "" when it
// does not.
func goMathRandAlias(fc *checks.FileContext) string {
	alias := ""
	n := 0
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			t := l.Text
			if strings.HasPrefix(t, "func ") || strings.HasPrefix(t, "type ") {
				return alias
			}
			if n++; n > 400 {
				return alias
			}
			if !strings.Contains(t, "rand\"") && !strings.Contains(t, "rand/v2\"") {
				continue
			}
			m := goImport.FindStringSubmatch(t)
			if m == nil || !strings.HasPrefix(m[2], "math/") {
				continue
			}
			if m[1] != "" {
				alias = m[1]
			} else {
				alias = "rand"
			}
		}
	}
	return alias
}

// goRandom finds a math/rand call through the package name or through a
// generator made with rand.New.
func goRandom(fc *checks.FileContext, alias, code string) (randMatch, bool) {
	prefix := alias + "."
	for off := 0; ; {
		k := strings.Index(code[off:], prefix)
		if k < 0 {
			break
		}
		a := off + k
		off = a + len(prefix)
		if a > 0 && (isIdentChar(code[a-1]) || code[a-1] == '.') {
			continue
		}
		e := off
		for e < len(code) && isIdentChar(code[e]) {
			e++
		}
		fn := code[off:e]
		rest := strings.TrimLeft(code[e:], " \t")
		if !strings.HasPrefix(rest, "(") {
			continue
		}
		open := len(code) - len(rest)
		if fn == "Seed" || fn == "NewSource" || fn == "NewPCG" {
			if inner := strings.TrimLeft(code[open+1:], " \t"); inner != "" && inner[0] >= '0' && inner[0] <= '9' {
				return randMatch{start: a, open: open, seed: true, name: prefix + fn}, true
			}
			continue
		}
		if goRandFuncs[fn] {
			return randMatch{start: a, open: open, name: "math/rand's " + fn, argRole: fn == "Read" || fn == "Shuffle"}, true
		}
	}
	if loc := goRngCall.FindStringSubmatchIndex(code); loc != nil {
		recv := code[loc[2]:loc[3]]
		if recv != alias && fileAny(fc, func(c string) bool {
			return strings.Contains(c, alias+".New(") && declares(c, recv)
		}) {
			return randMatch{start: loc[0], open: loc[1] - 1, name: "rand.New's generator", argRole: strings.Contains(code[loc[0]:loc[1]], ".Read")}, true
		}
	}
	return randMatch{}, false
}

// judgeRandom decides what the random value on line i is for: the name it
// is given, the name of what it fills, the statement it continues, or the
// function it is made in.
func judgeRandom(lang diff.Language, v *checks.HunkView, i int, code string, m randMatch) secretKind {
	text := uncommented(v, i)
	shaped := secretShape.MatchString(text)
	decide := func(name string) (secretKind, bool) {
		switch k := classifySecret(name); k {
		case noiseName:
			return notSecret, true
		case weakSecret:
			if shaped {
				return secret, true
			}
			return notSecret, false
		case notSecret:
			return notSecret, false
		default:
			return k, true
		}
	}
	// Drawing from a vocabulary or a list of words is text generation,
	// whatever the result is called (token = random.choice(vocab)).
	if isCorpus(firstArg(code, m.open)) {
		return notSecret
	}
	if m.argRole {
		if k, done := decide(firstArg(code, m.open)); done {
			return k
		}
	}
	if k, done := decide(roleName(code, text, m.start)); done {
		return k
	}
	// A call that continues a statement begun on an earlier line
	// (token = "".join(\n random.choice(...) ...)).
	if _, j, ok := callee(v, i, m.start); ok && j < i {
		prev := v.Code(j)
		if k, done := decide(roleName(prev, uncommented(v, j), len(prev))); done {
			return k
		}
	}
	if k, done := decide(enclosingFunc(lang, v, i)); done {
		return k
	}
	return notSecret
}

// firstArg returns the identifier that opens the argument list at open
// (the last dotted segment: rand.Read(s.key) -> key).
func firstArg(code string, open int) string {
	if open < 0 || open >= len(code) {
		return ""
	}
	s := strings.TrimLeft(code[open+1:], " \t&*")
	e := 0
	for e < len(s) && (isIdentChar(s[e]) || s[e] == '.') {
		e++
	}
	name := s[:e]
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		name = name[k+1:]
	}
	return name
}

// fileMakesSecrets reports whether any line the diff shows of the file
// uses the same kind of generator for a secret.
func fileMakesSecrets(fc *checks.FileContext, lang diff.Language) bool {
	n := 0
	for _, v := range fc.Views {
		for j := range v.Lines {
			if n++; n > fileScanLines {
				return false
			}
			code := v.Code(j)
			if !containsFold(code, "rand") {
				continue
			}
			m, ok := findRandom(fc, lang, v, code)
			if ok && !m.seed && judgeRandom(lang, v, j, code, m) >= secret {
				return true
			}
		}
	}
	return false
}

// isCorpus reports whether a collection's name says it holds text data.
func isCorpus(name string) bool {
	for _, w := range identWords(name) {
		switch w {
		case "vocab", "vocabulary", "tokens", "words", "corpus", "sentences", "stopwords", "lexicon", "dictionary":
			return true
		}
	}
	return false
}
