package dependencies

import (
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// ecosystem is the package world an import belongs to.
type ecosystem uint8

const (
	ecoGo ecosystem = iota + 1
	ecoPython
	ecoJS
	ecoJava
)

// importRef is one added import that the file alone does not clear: it is
// neither standard library nor relative. It keeps copies, never slices of
// the diff, because observations live until the end of the review.
type importRef struct {
	eco      ecosystem
	line     int
	evidence string
	// spec is the import as written: a Go import path, a Python dotted
	// module, a JS specifier, a Java import.
	spec string
	// name is what a manifest must declare: the Go path, the top-level
	// Python module, the npm package, the Java import without its class.
	name string
	// py holds the dotted module prefixes (and from-imported names) that a
	// distribution may be named after, e.g. google, google.cloud,
	// google.cloud.storage.
	py   []string
	test bool
	// existing is set for an import on a context line.
	existing bool
	// goStdLike is set for a Go path whose first element has no dot, which
	// only the standard library or a module without a dot may provide.
	goStdLike bool
}

// scanImports collects the added imports of the file that need a manifest
// to be judged. A hunk without the word "import" (or "require" for JS) is
// skipped with one substring search, and only the part of a hunk where
// imports can stand is masked and read, which keeps the rule cheap on the
// bulk of a diff.
func scanImports(fc *checks.FileContext, eco ecosystem, id string) []importRef {
	var out []importRef
	for _, v := range fc.Views {
		if !hunkMayImport(v, eco) {
			continue
		}
		r := newRegion(v, eco, fc.Lang())
		if r.n == 0 {
			continue
		}
		switch eco {
		case ecoGo:
			out = scanGo(fc, r, id, out)
		case ecoPython:
			out = scanPython(fc, r, id, out)
		case ecoJS:
			out = scanJS(fc, r, id, out)
		case ecoJava:
			out = scanJava(fc, r, id, out)
		}
	}
	return out
}

// region is the first n lines of a hunk view, where its imports stand,
// with their masked code.
type region struct {
	v    *checks.HunkView
	n    int
	code []string // nil: read the view's own (shared) masked code
}

func (r *region) Code(i int) string {
	if r.code == nil {
		return r.v.Code(i)
	}
	return r.code[i]
}

// newRegion bounds the lines to read: Go and Java imports precede the
// first declaration, Python and JS imports end at the last line that
// mentions one. A short region is masked on its own rather than the whole
// hunk (a new file is one hunk).
func newRegion(v *checks.HunkView, eco ecosystem, lang diff.Language) region {
	n := 0
	switch eco {
	case ecoGo:
		n = len(v.Lines)
		for i, l := range v.Lines {
			t := l.Text
			if strings.HasPrefix(t, "func") || strings.HasPrefix(t, "type ") || strings.HasPrefix(t, "var ") || strings.HasPrefix(t, "const ") {
				n = i
				break
			}
		}
	case ecoJava:
		n = len(v.Lines)
		for i, l := range v.Lines {
			t := strings.TrimSpace(l.Text)
			if t != "" && !strings.HasPrefix(t, "import") && !strings.HasPrefix(t, "package") &&
				!strings.HasPrefix(t, "//") && !strings.HasPrefix(t, "/*") && !strings.HasPrefix(t, "*") {
				n = i
				break
			}
		}
	default:
		for i := len(v.Lines) - 1; i >= 0; i-- {
			t := v.Lines[i].Text
			if strings.Contains(t, "import") || eco == ecoJS && strings.Contains(t, "require") {
				n = i + 1
				break
			}
		}
		if eco == ecoPython && n > 0 {
			// The except clause after an optional import.
			n = min(n+maxExceptLookahead, len(v.Lines))
		}
	}
	r := region{v: v, n: n}
	if n > 0 && (eco == ecoGo || eco == ecoJava) {
		// The lines above the first declaration hold comments, the
		// package clause and imports: no string but import paths, so
		// blanking comments is all the masking they need.
		r.code = blankComments(v.Lines[:n])
	} else if n > 0 && n < len(v.Lines)/2 {
		texts := make([]string, n)
		for i := range texts {
			texts[i] = v.Lines[i].Text
		}
		r.code = checks.MaskCode(lang, texts)
	}
	return r
}

// blankComments returns the lines with // and /* */ comments blanked to
// spaces, strings left as they are. A line without a comment is returned
// as it is, without a copy, and a line that is only a // comment as "".
func blankComments(lines []diff.Line) []string {
	out := make([]string, len(lines))
	inBlock := false
	for k, l := range lines {
		t := l.Text
		if !inBlock && strings.IndexByte(t, '/') < 0 {
			out[k] = t
			continue
		}
		if !inBlock && strings.HasPrefix(strings.TrimLeft(t, " \t"), "//") {
			// A comment line (a licence header): blank, without a copy.
			out[k] = ""
			continue
		}
		b := []byte(t)
		inStr := byte(0)
		for i := 0; i < len(b); i++ {
			c := b[i]
			switch {
			case inBlock:
				if c == '*' && i+1 < len(b) && b[i+1] == '/' {
					inBlock = false
					b[i], b[i+1] = ' ', ' '
					i++
				} else {
					b[i] = ' '
				}
			case inStr != 0:
				if c == '\\' {
					i++
				} else if c == inStr {
					inStr = 0
				}
			case c == '"' || c == '`':
				inStr = c
			case c == '/' && i+1 < len(b) && b[i+1] == '/':
				for j := i; j < len(b); j++ {
					b[j] = ' '
				}
				i = len(b)
			case c == '/' && i+1 < len(b) && b[i+1] == '*':
				inBlock = true
				b[i], b[i+1] = ' ', ' '
				i++
			}
		}
		out[k] = string(b)
	}
	return out
}

// maxExceptLookahead bounds how far below an import its try's except
// clause is looked for.
const maxExceptLookahead = 12

func hunkMayImport(v *checks.HunkView, eco ecosystem) bool {
	if v.Hunk == nil || len(v.Lines) == 0 {
		return false
	}
	text := v.Hunk.Text
	if text == "" {
		// Hunks built by hand have no shared text: judge line by line.
		return true
	}
	if strings.Contains(text, "import") {
		return true
	}
	switch eco {
	case ecoJS:
		return strings.Contains(text, "require")
	case ecoGo:
		// A hunk inside a long import block shows neither "import" nor the
		// block's opening line; git names the block in the hunk header.
		return isGoImportSection(v.Hunk.Section)
	}
	return false
}

func isGoImportSection(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "import (") || strings.HasPrefix(s, "import(")
}

// suppressed reports whether an inline directive on line i or the line
// above silences the rule. The engine applies directives to line and file
// rules itself, but not to a diff rule's findings, which carry no hunk.
func suppressed(v *checks.HunkView, i int, id string) bool {
	for _, j := range []int{i, i - 1} {
		if j < 0 || j >= len(v.Lines) || !strings.Contains(v.Lines[j].Text, "prodready:ignore") {
			continue
		}
		if d, ok := checks.DirectiveAt(v, j); ok && !d.File && d.Covers(id) {
			return true
		}
	}
	return false
}

func newRef(fc *checks.FileContext, v *checks.HunkView, i int, eco ecosystem, spec, name string) importRef {
	// One copy of the line, which spec and name are usually part of.
	line := strings.Clone(v.Lines[i].Text)
	return importRef{
		eco:      eco,
		line:     v.Lines[i].NewLine,
		evidence: line,
		spec:     within(line, spec),
		name:     within(line, name),
		test:     fc.IsTest,
	}
}

// within returns s as a substring of line when it occurs there, else a
// copy of s.
func within(line, s string) string {
	if i := strings.Index(line, s); i >= 0 {
		return line[i : i+len(s)]
	}
	return strings.Clone(s)
}

// existingRef is an import on a context line: code the project already
// runs, so its package is established however it is provided.
func existingRef(eco ecosystem, spec, name string) importRef {
	spec = strings.Clone(spec)
	return importRef{eco: eco, spec: spec, name: within(spec, name), existing: true}
}

// --- Go ---------------------------------------------------------------

func scanGo(fc *checks.FileContext, r region, id string, out []importRef) []importRef {
	v := r.v
	inBlock := isGoImportSection(v.Hunk.Section)
	for i := range r.n {
		code := strings.TrimSpace(r.Code(i))
		if code == "" {
			continue
		}
		var rest string
		switch {
		case inBlock && strings.HasPrefix(code, ")"):
			inBlock = false
			continue
		case strings.HasPrefix(code, "import"):
			after := strings.TrimSpace(code[len("import"):])
			if strings.HasPrefix(after, "(") {
				inBlock = true
				rest = strings.TrimSpace(after[1:])
				if rest == "" {
					continue
				}
				if strings.HasSuffix(rest, ")") {
					// import ( "fmt" ) on one line.
					inBlock = false
					rest = strings.TrimSpace(strings.TrimSuffix(rest, ")"))
				}
			} else if after != "" && after[0] != '"' && !isGoAlias(after) {
				continue
			} else {
				rest = after
			}
		case inBlock:
			rest = code
		default:
			// Not an import: the first declaration after the imports
			// ends any block a hunk could have started in.
			if strings.HasPrefix(code, "func ") || strings.HasPrefix(code, "type ") || strings.HasPrefix(code, "var ") || strings.HasPrefix(code, "const ") {
				inBlock = false
			}
			continue
		}
		p, ok := goImportPath(v.Lines[i].Text, r.Code(i), rest)
		if !ok || p == "C" {
			continue
		}
		first, _, _ := strings.Cut(p, "/")
		dotted := strings.Contains(first, ".")
		if !dotted && isGoStdlib(p) {
			continue
		}
		if !v.IsAdded(i) {
			out = append(out, existingRef(ecoGo, p, p))
			continue
		}
		if suppressed(v, i, id) {
			continue
		}
		ref := newRef(fc, v, i, ecoGo, p, p)
		ref.goStdLike = !dotted
		out = append(out, ref)
	}
	return out
}

// isGoAlias reports whether s starts with an import alias (name, _ or .)
// followed by the quoted path.
func isGoAlias(s string) bool {
	sp := strings.IndexAny(s, " \t")
	if sp <= 0 {
		return false
	}
	name := s[:sp]
	if name != "_" && name != "." && !isIdent(name) {
		return false
	}
	return strings.HasPrefix(strings.TrimSpace(s[sp:]), `"`)
}

// goImportPath reads the quoted path of an import spec. The masked code
// keeps the quotes and blanks the path, so positions come from code and
// the path from the raw text. rest is the trimmed code of the spec.
func goImportPath(raw, code, rest string) (string, bool) {
	if rest == "" {
		return "", false
	}
	if rest[0] != '"' && !isGoAlias(rest) {
		return "", false
	}
	a := strings.IndexByte(code, '"')
	if a < 0 {
		return "", false
	}
	b := strings.IndexByte(code[a+1:], '"')
	if b < 0 || a+1+b > len(raw) {
		return "", false
	}
	tail := strings.TrimSpace(code[a+2+b:])
	if tail != "" && tail != ";" && tail != ")" {
		return "", false
	}
	p := raw[a+1 : a+1+b]
	if p == "" || strings.ContainsAny(p, " \t\\") {
		return "", false
	}
	return p, true
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return true
}

// --- Python -------------------------------------------------------------

func scanPython(fc *checks.FileContext, r region, id string, out []importRef) []importRef {
	v := r.v
	for i := range r.n {
		code := r.Code(i)
		if !strings.Contains(code, "import") {
			continue
		}
		for rest := code; rest != ""; {
			stmt := rest
			if k := strings.IndexByte(rest, ';'); k >= 0 {
				stmt, rest = rest[:k], rest[k+1:]
			} else {
				rest = ""
			}
			mods, ok := pythonImport(stmt)
			if !ok {
				continue
			}
			for _, m := range mods {
				top, _, _ := strings.Cut(m.module, ".")
				if top == "" || isPythonStdlib(top) || alwaysPresentPython(top) {
					continue
				}
				if !v.IsAdded(i) {
					out = append(out, existingRef(ecoPython, m.module, top))
					continue
				}
				if optionalImport(&r, i) || suppressed(v, i, id) {
					break
				}
				ref := newRef(fc, v, i, ecoPython, m.module, top)
				ref.py = pythonPrefixes(m.module, m.names)
				out = append(out, ref)
			}
		}
	}
	return out
}

// alwaysPresentPython are modules that come with every environment that
// installs packages at all, so no project declares them.
func alwaysPresentPython(top string) bool {
	switch top {
	case "setuptools", "pkg_resources", "pip", "_distutils_hack", "wheel":
		return true
	}
	return false
}

type pyModule struct {
	module string
	names  []string // from-imported names, which may be submodules
}

// pythonImport parses one masked statement: "import a.b as c, d" or
// "from a.b import c, d". Relative imports are local and yield nothing.
func pythonImport(stmt string) ([]pyModule, bool) {
	s := strings.TrimSpace(stmt)
	// One-line compound statements: "try: import x", "if y: import x".
	if strings.HasPrefix(s, "try:") || strings.HasPrefix(s, "else:") || strings.HasPrefix(s, "if ") || strings.HasPrefix(s, "elif ") {
		if c := strings.IndexByte(s, ':'); c >= 0 {
			s = strings.TrimSpace(s[c+1:])
		}
	}
	switch {
	case strings.HasPrefix(s, "import ") || strings.HasPrefix(s, "import\t"):
		var mods []pyModule
		for _, item := range strings.Split(s[len("import"):], ",") {
			f := strings.Fields(item)
			if len(f) == 0 || !isDotted(f[0]) {
				continue
			}
			if len(f) != 1 && (len(f) != 3 || f[1] != "as") {
				continue
			}
			mods = append(mods, pyModule{module: f[0]})
		}
		return mods, len(mods) > 0
	case strings.HasPrefix(s, "from ") || strings.HasPrefix(s, "from\t"):
		f := strings.Fields(s)
		if len(f) < 3 || f[2] != "import" || strings.HasPrefix(f[1], ".") || !isDotted(f[1]) {
			return nil, false
		}
		var names []string
		rest := strings.Trim(strings.Join(f[3:], " "), "()\\ ")
		for _, item := range strings.Split(rest, ",") {
			g := strings.Fields(strings.Trim(item, "() "))
			if len(g) > 0 && isIdent(g[0]) {
				names = append(names, g[0])
			}
		}
		return []pyModule{{module: f[1], names: names}}, true
	}
	return nil, false
}

func isDotted(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !isIdent(part) {
			return false
		}
	}
	return true
}

// pythonPrefixes lists the names a distribution providing module may be
// named after: the dotted prefixes up to three parts, and the from-imported
// names under them (from google.cloud import storage: google.cloud.storage).
func pythonPrefixes(module string, names []string) []string {
	parts := strings.Split(module, ".")
	var out []string
	for n := 1; n <= len(parts) && n <= 3; n++ {
		out = append(out, strings.Join(parts[:n], "."))
	}
	if len(parts) < 3 {
		for _, nm := range names {
			out = append(out, module+"."+nm)
		}
	}
	return out
}

// optionalImport reports whether the import on line i sits in a try block
// whose handler catches ImportError (or anything broader), or under
// contextlib.suppress(ImportError): the code runs without the package.
func optionalImport(r *region, i int) bool {
	v := r.v
	cur := indentOf(v.Lines[i].Text)
	if t := strings.TrimSpace(r.Code(i)); strings.HasPrefix(t, "try:") {
		return handlesImportError(r, i, cur)
	}
	for j := i - 1; j >= 0 && cur > 0; j-- {
		code := r.Code(j)
		t := strings.TrimSpace(code)
		if t == "" {
			continue
		}
		ind := indentOf(code)
		if ind >= cur {
			continue
		}
		cur = ind
		switch {
		case strings.HasPrefix(t, "try:"):
			if handlesImportError(r, j, ind) {
				return true
			}
		case strings.HasPrefix(t, "except") && catchesImportError(t[len("except"):]):
			// The fallback of an optional import.
			return true
		case strings.HasPrefix(t, "with ") && strings.Contains(v.Lines[j].Text, "suppress(") &&
			(strings.Contains(t, "ImportError") || strings.Contains(t, "ModuleNotFoundError")):
			return true
		}
	}
	return false
}

// handlesImportError reads the except clauses of the try on line t (at
// indentation ind). A hunk that ends before any clause is read as
// optional: the rule cannot tell, and stays quiet.
func handlesImportError(r *region, t, ind int) bool {
	for k := t + 1; k < r.n; k++ {
		code := r.Code(k)
		s := strings.TrimSpace(code)
		if s == "" {
			continue
		}
		in := indentOf(code)
		if in > ind {
			continue
		}
		if in < ind || !strings.HasPrefix(s, "except") {
			return false
		}
		if catchesImportError(s[len("except"):]) {
			return true
		}
	}
	return true
}

// catchesImportError reads what follows "except" in a handler line.
func catchesImportError(rest string) bool {
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, ":") {
		return true // a bare except
	}
	for _, e := range []string{"ImportError", "ModuleNotFoundError", "Exception"} {
		if strings.Contains(rest, e) {
			return true
		}
	}
	return false
}

func indentOf(s string) int {
	n := 0
	for _, c := range []byte(s) {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 8 - n%8
		default:
			return n
		}
	}
	return n
}

// --- JavaScript / TypeScript -----------------------------------------------

func scanJS(fc *checks.FileContext, r region, id string, out []importRef) []importRef {
	v := r.v
	for i := range r.n {
		code := r.Code(i)
		if !strings.Contains(code, "from") && !strings.Contains(code, "require") && !strings.Contains(code, "import") {
			continue
		}
		raw := v.Lines[i].Text
		for _, spec := range jsSpecifiers(raw, code) {
			name, ok := npmPackage(spec)
			if !ok {
				continue
			}
			if !v.IsAdded(i) {
				out = append(out, existingRef(ecoJS, spec, name))
				continue
			}
			if suppressed(v, i, id) {
				break
			}
			out = append(out, newRef(fc, v, i, ecoJS, spec, name))
		}
	}
	return out
}

// jsSpecifiers returns the module specifiers of the line: the string
// after from, the argument of require( and import(, and the string of a
// side-effect import. Quotes are found in the masked code, where strings
// and comments are blank, and the text is read from the raw line.
func jsSpecifiers(raw, code string) []string {
	var out []string
	for q := 0; q < len(code); q++ {
		c := code[q]
		if c != '\'' && c != '"' {
			continue
		}
		end := strings.IndexByte(code[q+1:], c)
		if end < 0 {
			break
		}
		end += q + 1
		if end > len(raw) {
			break
		}
		if jsImportContext(code[:q]) {
			out = append(out, raw[q+1:end])
		}
		q = end
	}
	return out
}

// jsImportContext reports whether a string starting after before is a
// module specifier.
func jsImportContext(before string) bool {
	b := strings.TrimRight(before, " \t")
	if strings.HasSuffix(b, "(") {
		b = strings.TrimRight(b[:len(b)-1], " \t")
		if hasWordSuffix(b, "require") {
			return true
		}
		return hasWordSuffix(b, "import") && !strings.HasSuffix(b, ".import")
	}
	if hasWordSuffix(b, "from") {
		return true
	}
	// import 'polyfill'; at the start of a statement.
	return hasWordSuffix(b, "import") && strings.TrimSpace(b) == "import"
}

func hasWordSuffix(s, w string) bool {
	if !strings.HasSuffix(s, w) {
		return false
	}
	if len(s) == len(w) {
		return true
	}
	c := s[len(s)-len(w)-1]
	return !(c == '_' || c == '$' || c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

// npmPackage maps a specifier to the package that must be declared, or
// false when the specifier is local, built in, or something this rule
// cannot judge (aliases, URLs, loaders).
func npmPackage(spec string) (string, bool) {
	if i := strings.IndexAny(spec, "?!"); i >= 0 {
		if spec[i] == '!' {
			return "", false // webpack loader syntax
		}
		spec = spec[:i]
	}
	if spec == "" {
		return "", false
	}
	switch spec[0] {
	case '.', '/', '#', '~', '$':
		return "", false
	}
	if rest, ok := strings.CutPrefix(spec, "node:"); ok {
		if isNodeBuiltin(rest) || isNodePrefixOnly(rest) {
			return "", false
		}
		return spec, true // node:fetch: no such built-in
	}
	if strings.Contains(spec, ":") {
		// bun:, npm:, jsr:, virtual:, https: ...
		return "", false
	}
	if isNodeBuiltin(spec) {
		return "", false
	}
	name := spec
	if spec[0] == '@' {
		scope, rest, ok := strings.Cut(spec, "/")
		if !ok || scope == "@" || rest == "" {
			return "", false // @/components: an alias
		}
		pkg, _, _ := strings.Cut(rest, "/")
		name = scope + "/" + pkg
	} else {
		name, _, _ = strings.Cut(spec, "/")
	}
	if isNodeBuiltin(name) || !validNpmName(name) {
		return "", false
	}
	return name, true
}

// validNpmName rejects names npm would refuse (upper case, spaces): such a
// specifier can only be an alias the bundler resolves.
func validNpmName(name string) bool {
	if name == "" || len(name) > 214 {
		return false
	}
	for i, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
		case c == '@' && i == 0, c == '/':
		default:
			return false
		}
	}
	return name[0] != '.' && name[0] != '_'
}

// --- Java -----------------------------------------------------------------

func scanJava(fc *checks.FileContext, r region, id string, out []importRef) []importRef {
	v := r.v
	for i := range r.n {
		imp, ok := javaImport(r.Code(i))
		if !ok || javaPlatform(imp) {
			continue
		}
		if !v.IsAdded(i) {
			out = append(out, existingRef(ecoJava, imp, imp))
			continue
		}
		if suppressed(v, i, id) {
			continue
		}
		out = append(out, newRef(fc, v, i, ecoJava, imp, imp))
	}
	return out
}

// javaImport parses "import [static] a.b.C;" or "import a.b.*;" and returns
// the imported name without a trailing ".*".
func javaImport(code string) (string, bool) {
	s := strings.TrimSpace(code)
	if !strings.HasPrefix(s, "import ") {
		return "", false
	}
	s = strings.TrimSpace(s[len("import "):])
	if strings.HasPrefix(s, "static ") {
		s = strings.TrimSpace(s[len("static "):])
	}
	semi := strings.IndexByte(s, ';')
	if semi < 0 {
		return "", false
	}
	s = strings.TrimSuffix(strings.TrimSpace(s[:semi]), ".*")
	if !isDotted(s) || !strings.Contains(s, ".") {
		return "", false
	}
	return s, true
}

// javaPackageLine returns the package a Java source line declares.
func javaPackageLine(code string) (string, bool) {
	s := strings.TrimSpace(code)
	if !strings.HasPrefix(s, "package ") {
		return "", false
	}
	s = strings.TrimSpace(s[len("package "):])
	semi := strings.IndexByte(s, ';')
	if semi < 0 {
		return "", false
	}
	s = strings.TrimSpace(s[:semi])
	return s, isDotted(s)
}

// javaPlatform reports whether an import comes with the JDK or the
// platform the code runs on.
func javaPlatform(imp string) bool {
	for _, p := range []string{"java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "org.w3c.dom.", "org.xml.sax.", "org.ietf.jgss.", "org.omg.", "android.", "dalvik.", "kotlin.", "javafx.", "netscape.javascript."} {
		if strings.HasPrefix(imp, p) {
			return true
		}
	}
	return false
}

// javaPathPackage derives a Java file's package from its path below a
// source root (src/main/java/com/acme/x/Y.java -> com.acme.x, root
// src/main/java).
func javaPathPackage(p string) (pkg, root string) {
	for _, marker := range []string{"/java/", "/kotlin/"} {
		k := strings.LastIndex("/"+p, marker)
		if k < 0 {
			continue
		}
		root = strings.TrimSuffix(("/" + p)[:k+len(marker)], "/")
		root = strings.TrimPrefix(root, "/")
		rest := ("/" + p)[k+len(marker):]
		dir := rest[:max(strings.LastIndexByte(rest, '/'), 0)]
		return strings.ReplaceAll(dir, "/", "."), root
	}
	return "", ""
}

func ecosystemOf(lang diff.Language) ecosystem {
	switch lang {
	case diff.Go:
		return ecoGo
	case diff.Python:
		return ecoPython
	case diff.JavaScript, diff.TypeScript:
		return ecoJS
	case diff.Java:
		return ecoJava
	}
	return 0
}
