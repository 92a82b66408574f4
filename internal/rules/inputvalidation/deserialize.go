package inputvalidation

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// unsafeDeserialization reports deserialisers that can run code or build
// arbitrary objects from their input.
type unsafeDeserialization struct{ checks.Described }

func newUnsafeDeserialization() *unsafeDeserialization {
	return &unsafeDeserialization{checks.Described{M: checks.Meta{
		ID:        "unsafe-deserialization",
		Family:    family,
		Title:     "Unsafe deserialization",
		Summary:   "A deserialiser that can execute code or instantiate arbitrary types reads data (pickle, yaml.load, ObjectInputStream, ...).",
		Languages: languages(),
		Severity:  checks.Warning,
		Keywords: []string{"pickle", "dill.", "shelve.", "marshal.", "jsonpickle", "yaml.", "torch.load", "joblib.load",
			"np.load", "numpy.load", "objectinputstream", "readobject()", "xmldecoder", "new yaml(", "defaulttyping",
			"id.class", "id.minimal_class", "unserialize(", "gob.newdecoder"},
	}}}
}

var (
	pyPickle    = regexp.MustCompile(`\b(?:pickle|cPickle|_pickle|dill|shelve|marshal|jsonpickle|cloudpickle)\.(?:loads?|Unpickler|decode|open)\s*\(|\b(?:pd|pandas)\.read_pickle\s*\(|\bjoblib\.load\s*\(`)
	pyYAMLLoad  = regexp.MustCompile(`\byaml\.(?:unsafe_load(?:_all)?|load(?:_all)?)\s*\(`)
	pySafeYAML  = regexp.MustCompile(`\b(?:C?SafeLoader|BaseLoader)\b`)
	pyTorchLoad = regexp.MustCompile(`\btorch\.load\s*\(`)
	pyWeights   = regexp.MustCompile(`\bweights_only\s*=\s*True\b`)
	pyNumpyLoad = regexp.MustCompile(`\b(?:np|numpy)\.load\s*\(`)
	pyAllowPkl  = regexp.MustCompile(`\ballow_pickle\s*=\s*True\b`)
	pyOpenLit   = regexp.MustCompile(`^(?:open|io\.open|gzip\.open|bz2\.open|lzma\.open)\s*\(\s*[rbRB]*["']`)
	pyWithOpen  = regexp.MustCompile(`\bopen\s*\(\s*[rbRB]*["'][^"']*["'][^)]*\)\s*as\s+([A-Za-z_]\w*)`)

	javaOIS        = regexp.MustCompile(`\bnew\s+ObjectInputStream\s*\(`)
	javaStream     = regexp.MustCompile(`\bnew\s+(?:ObjectInputStream|XMLDecoder)\s*\(`)
	javaReadObject = regexp.MustCompile(`\.\s*readObject\s*\(\s*\)`)
	javaOther      = regexp.MustCompile(`\bnew\s+XMLDecoder\s*\(|\bnew\s+Yaml\s*\(\s*\)|\b(?:enableDefaultTyping|activateDefaultTyping)\s*\(|JsonTypeInfo\.Id\.(?:MINIMAL_)?CLASS\b`)
	javaFilter     = regexp.MustCompile(`ObjectInputFilter|setObjectInputFilter|ValidatingObjectInputStream|resolveClass\s*\(|void\s+readObject\s*\(`)

	jsUnserialize = regexp.MustCompile(`(?:^|[^\w$])unserialize\s*\(`)

	goGob = regexp.MustCompile(`\bgob\.NewDecoder\s*\(\s*(?:r|req|request|c\.Request)\.Body\b`)

	// deserialSocket marks network input besides the request markers.
	deserialSocket = regexp.MustCompile(`\.recv\(|\bsocket\b|getInputStream\(\)|\br\.Body\b|\brequest\.(?:data|body|get_data|stream)\b`)
)

func (r *unsafeDeserialization) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	switch fc.Lang() {
	case diff.Python:
		r.python(fc, v, i)
	case diff.Java:
		r.java(fc, v, i)
	case diff.JavaScript, diff.TypeScript:
		code := lexical.LineSpan(v, i).Code
		if jsUnserialize.MatchString(code) && !strings.Contains(code, "function unserialize") {
			r.flag(fc, v, i, r.M.Severity, "unserialize() (node-serialize) evaluates functions embedded in its input", "use JSON.parse and validate the result")
		}
	case diff.Go:
		if goGob.MatchString(lexical.LineSpan(v, i).Code) {
			report(fc, v, i, severity(fc, checks.Notice, false),
				"gob decodes the raw request body: gob is meant for trusted peers, its input size and types are not bounded; decode JSON into a fixed struct behind http.MaxBytesReader instead.")
		}
	}
}

// flag reports at base severity, raised to failure when the data comes
// from a request or a socket.
func (r *unsafeDeserialization) flag(fc *checks.FileContext, v *checks.HunkView, i int, base checks.Severity, what, fix string) {
	r.flagFrom(fc, v, i, base, false, what, fix)
}

// flagFrom is flag with the caller's own evidence of network input.
func (r *unsafeDeserialization) flagFrom(fc *checks.FileContext, v *checks.HunkView, i int, base checks.Severity, network bool, what, fix string) {
	lang := fc.Lang()
	ui := base > checks.Notice && (network || userInputNear(lang, v, i) ||
		tainted(lang, v, i, lexical.LineSpan(v, i), func(t string) bool {
			return deserialSocket.MatchString(t) || checks.HasUserInput(lang, t)
		}))
	msg := what + "; " + fix + "."
	if ui {
		msg = what + ", and here it reads request or network data (remote code execution); " + fix + "."
	}
	report(fc, v, i, severity(fc, base, ui), msg)
}

func (r *unsafeDeserialization) python(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "pickle", "dill.", "shelve.", "marshal.", "joblib.", "yaml.", "torch.", "load(") {
		return
	}
	if loc := pyPickle.FindStringIndex(code); loc != nil {
		open := callOpen(code, loc)
		if open < 0 {
			return
		}
		c := readCall(v, i, open)
		name := sinkName(code, loc[0], open)
		base := r.M.Severity
		if len(c.args) > 0 && literalSource(v, i, c.args[0]) {
			base = checks.Notice
		}
		r.flag(fc, v, i, base, name+" can execute arbitrary code while loading", "load only files you wrote yourself, or use a data format such as JSON")
		return
	}
	if loc := pyYAMLLoad.FindStringIndex(code); loc != nil {
		open := callOpen(code, loc)
		if open < 0 || fileHas(fc, "ruamel") {
			return
		}
		c := readCall(v, i, open)
		unsafe := strings.Contains(code[loc[0]:open], "unsafe")
		if !unsafe && pySafeYAML.MatchString(c.inner.Code) {
			return
		}
		r.flag(fc, v, i, r.M.Severity, "yaml.load without SafeLoader can build arbitrary Python objects", "use yaml.safe_load (or Loader=yaml.SafeLoader)")
		return
	}
	if loc := pyTorchLoad.FindStringIndex(code); loc != nil {
		open := callOpen(code, loc)
		if open < 0 {
			return
		}
		c := readCall(v, i, open)
		if pyWeights.MatchString(c.inner.Code) {
			return
		}
		base := r.M.Severity
		if len(c.args) > 0 && literalSource(v, i, c.args[0]) {
			base = checks.Notice
		}
		r.flag(fc, v, i, base, "torch.load without weights_only=True unpickles the file and can execute code", "pass weights_only=True")
		return
	}
	if loc := pyNumpyLoad.FindStringIndex(code); loc != nil {
		open := callOpen(code, loc)
		if open < 0 {
			return
		}
		c := readCall(v, i, open)
		if pyAllowPkl.MatchString(c.inner.Code) {
			r.flag(fc, v, i, r.M.Severity, "numpy.load with allow_pickle=True unpickles object arrays and can execute code", "store plain arrays and keep allow_pickle=False")
		}
	}
}

// literalSource reports whether a loader's argument is a fixed local file:
// a literal path, open("literal"), or a name bound to one a few lines up
// (with open("model.pkl", "rb") as f).
func literalSource(v *checks.HunkView, i int, arg span) bool {
	if _, ok := literalValue(diff.Python, arg); ok {
		return true
	}
	if pyOpenLit.MatchString(arg.Code) {
		return true
	}
	name := strings.TrimSpace(arg.Code)
	if !isPlainIdent(name) {
		return false
	}
	for j := i; j >= 0 && j >= i-10; j-- {
		raw := v.Lines[j].Text
		if !strings.Contains(raw, name) {
			continue
		}
		if m := pyWithOpen.FindStringSubmatch(raw); m != nil && m[1] == name {
			return true
		}
		if j < i {
			code := lexical.LineSpan(v, j).Code
			if col, _, ok := assignmentAt(code, name); ok {
				rhs := lexical.LineSpan(v, j).Slice(col, len(code)).Trim()
				_, lit := literalValue(diff.Python, rhs)
				return lit || pyOpenLit.MatchString(rhs.Code)
			}
		}
	}
	return false
}

func (r *unsafeDeserialization) java(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	const fix = "use a data format such as JSON into fixed types, or set an ObjectInputFilter allow-list"
	if !hasAny(code, "ObjectInputStream", "readObject", "XMLDecoder", "Yaml", "DefaultTyping", "JsonTypeInfo") {
		return
	}
	if javaOIS.MatchString(code) {
		if windowMatch(v, i, backWindow, aheadWindow, javaFilter) {
			return
		}
		r.flag(fc, v, i, r.M.Severity, "ObjectInputStream deserialises any class on the classpath (gadget chains run code)", fix)
		return
	}
	if javaReadObject.MatchString(code) {
		if windowMatch(v, i, backWindow, aheadWindow, javaFilter) {
			return
		}
		// The stream's constructor reports when the diff added it; a
		// context one still tells where the bytes come from.
		network := false
		for j := max(0, i-20); j < i; j++ {
			if javaStream.MatchString(lexical.LineSpan(v, j).Code) {
				if v.IsAdded(j) {
					return
				}
				network = network || deserialSocket.MatchString(v.Lines[j].Text)
			}
		}
		r.flagFrom(fc, v, i, r.M.Severity, network, "readObject() deserialises any class on the classpath (gadget chains run code)", fix)
		return
	}
	if loc := javaOther.FindStringIndex(code); loc != nil {
		what := code[loc[0]:loc[1]]
		switch {
		case strings.Contains(what, "XMLDecoder"):
			r.flag(fc, v, i, r.M.Severity, "XMLDecoder runs the method calls its XML describes", "parse the XML into fixed types with a hardened parser")
		case strings.Contains(what, "Yaml"):
			r.flag(fc, v, i, r.M.Severity, "new Yaml() without a SafeConstructor can instantiate arbitrary classes (SnakeYAML before 2.0)", "use new Yaml(new SafeConstructor(new LoaderOptions()))")
		default:
			r.flag(fc, v, i, r.M.Severity, "Jackson polymorphic typing by class name lets the input choose which class to instantiate", "use @JsonTypeInfo(use = Id.NAME) with registered subtypes, or a PolymorphicTypeValidator allow-list")
		}
	}
}
