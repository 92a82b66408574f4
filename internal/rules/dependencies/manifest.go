package dependencies

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"
)

// decls is what one manifest (or one directory's manifests) says about
// the packages code below it may import.
type decls struct {
	eco ecosystem
	// path of the manifest, named in messages.
	path string
	// dir is the directory the manifest governs; "" is the repository root.
	dir string
	// counts is set when the file declares dependencies, so that an import
	// missing from it can be judged (a pyproject.toml holding only tool
	// settings does not count).
	counts bool
	// opaque is set when the manifest declares dependencies in a way this
	// rule cannot read (computed install_requires): nothing below it is
	// judged.
	opaque bool
	// names are the declared packages: Go module paths, normalised Python
	// distributions, npm packages, Maven and Gradle group ids.
	names map[string]bool
	// own names the project itself: its Go module path, its Python
	// distribution and top-level packages, its npm package name.
	own map[string]bool
	// provided are Python import names the declared distributions install.
	provided map[string]bool
	// goMinor is the minor version of go.mod's go directive.
	goMinor int
	// JS: tsconfig path patterns, directories bare specifiers resolve
	// against (baseUrl), workspace globs (repository-relative).
	aliases    []string
	baseDirs   []string
	workspaces []string
	// includes are files this one pulls in: requirement files named by -r,
	// go.work's use directories, a tsconfig's extends.
	includes []string
}

func newDecls(eco ecosystem, p string) *decls {
	return &decls{eco: eco, path: p, dir: dirOf(p), names: map[string]bool{}, own: map[string]bool{}}
}

// dirOf is path.Dir with the root spelled "".
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// joinPath is path.Join that keeps "" for the root and refuses to climb
// above it.
func joinPath(elem ...string) string {
	p := path.Join(elem...)
	if p == "." || p == "/" || strings.HasPrefix(p, "../") || p == ".." {
		return ""
	}
	return strings.TrimPrefix(p, "/")
}

func (d *decls) merge(o *decls) {
	if o == nil {
		return
	}
	d.counts = d.counts || o.counts
	d.opaque = d.opaque || o.opaque
	for k := range o.names {
		d.names[k] = true
	}
	for k := range o.own {
		d.own[k] = true
	}
	for k := range o.provided {
		if d.provided == nil {
			d.provided = map[string]bool{}
		}
		d.provided[k] = true
	}
	d.aliases = append(d.aliases, o.aliases...)
	d.baseDirs = append(d.baseDirs, o.baseDirs...)
	d.workspaces = append(d.workspaces, o.workspaces...)
	if o.goMinor > d.goMinor {
		d.goMinor = o.goMinor
	}
}

// manifestKind names the parser for a file, or "" when it is no manifest.
func manifestKind(p string) (ecosystem, string) {
	base := path.Base(p)
	switch base {
	case "go.mod":
		return ecoGo, "go.mod"
	case "go.work":
		return ecoGo, "go.work"
	case "pyproject.toml":
		return ecoPython, "pyproject"
	case "setup.cfg":
		return ecoPython, "setup.cfg"
	case "setup.py":
		return ecoPython, "setup.py"
	case "Pipfile":
		return ecoPython, "pipfile"
	case "package.json":
		return ecoJS, "package.json"
	case "tsconfig.json", "jsconfig.json", "tsconfig.base.json":
		return ecoJS, "tsconfig"
	case "pnpm-workspace.yaml":
		return ecoJS, "pnpm-workspace"
	case "pom.xml":
		return ecoJava, "pom"
	case "build.gradle", "build.gradle.kts":
		return ecoJava, "gradle"
	case "libs.versions.toml":
		return ecoJava, "gradle"
	}
	if isRequirementsFile(p) {
		return ecoPython, "requirements"
	}
	return 0, ""
}

// isRequirementsFile matches requirements*.txt / *.in, and any .txt or .in
// in a requirements/ directory.
func isRequirementsFile(p string) bool {
	base := strings.ToLower(path.Base(p))
	ext := path.Ext(base)
	if ext != ".txt" && ext != ".in" {
		return false
	}
	if strings.HasPrefix(base, "requirements") || strings.HasSuffix(strings.TrimSuffix(base, ext), "requirements") {
		return true
	}
	return path.Base(path.Dir(p)) == "requirements"
}

// parseManifest reads one manifest. partial is set when only the lines a
// diff shows are at hand: parsers then fall back to lenient scans.
func parseManifest(p, kind string, text string, partial bool) *decls {
	switch kind {
	case "go.mod":
		return parseGoMod(p, text)
	case "go.work":
		return parseGoWork(p, text)
	case "requirements":
		return parseRequirements(p, text)
	case "pyproject":
		return parsePyproject(p, text)
	case "setup.cfg":
		return parseSetupCfg(p, text)
	case "setup.py":
		return parseSetupPy(p, text)
	case "pipfile":
		return parsePipfile(p, text)
	case "package.json":
		return parsePackageJSON(p, text, partial)
	case "tsconfig":
		return parseTsconfig(p, text)
	case "pnpm-workspace":
		return parsePnpmWorkspace(p, text)
	case "pom":
		return parsePom(p, text)
	case "gradle":
		return parseGradle(p, text)
	}
	return nil
}

// --- Go -------------------------------------------------------------------

func parseGoMod(p, text string) *decls {
	d := newDecls(ecoGo, p)
	d.counts = true
	block := ""
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if block != "" {
			if f[0] == ")" {
				block = ""
				continue
			}
			goDirective(d, block, f)
			continue
		}
		if len(f) >= 2 && f[1] == "(" {
			block = f[0]
			continue
		}
		goDirective(d, f[0], f[1:])
	}
	return d
}

func goDirective(d *decls, verb string, args []string) {
	if len(args) == 0 {
		return
	}
	arg := strings.Trim(args[0], `"`)
	switch verb {
	case "module":
		d.own[arg] = true
	case "require", "replace":
		d.names[arg] = true
		// replace a => b v1: imports still say a; b is listed for
		// completeness.
		if verb == "replace" {
			for k, a := range args {
				if a == "=>" && k+1 < len(args) && !strings.HasPrefix(args[k+1], ".") && !strings.HasPrefix(args[k+1], "/") {
					d.names[strings.Trim(args[k+1], `"`)] = true
				}
			}
		}
	case "go":
		if _, minor, ok := strings.Cut(arg, "."); ok {
			minor, _, _ = strings.Cut(minor, ".")
			n := 0
			for _, c := range []byte(minor) {
				if c < '0' || c > '9' {
					break
				}
				n = n*10 + int(c-'0')
			}
			d.goMinor = n
		}
	case "use":
		d.includes = append(d.includes, joinPath(d.dir, arg, "go.mod"))
	}
}

func parseGoWork(p, text string) *decls {
	d := parseGoMod(p, text)
	// go.work declares no dependencies of its own: its modules do.
	d.counts = false
	return d
}

// --- Python -----------------------------------------------------------------

var (
	pySeparators  = regexp.MustCompile(`[-_.]+`)
	poetryInclude = regexp.MustCompile(`include\s*=\s*["']([A-Za-z0-9_.]+)["']`)
)

// normalise is PEP 503's name normalisation.
func normalise(s string) string {
	s = strings.ToLower(s)
	if !strings.ContainsAny(s, "_.") && !strings.Contains(s, "--") {
		return s
	}
	return pySeparators.ReplaceAllString(s, "-")
}

var reqName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*`)

// requirementName returns the distribution a PEP 508 requirement or a
// requirements-file line names, normalised.
func requirementName(s string) string {
	s = strings.TrimSpace(s)
	if egg := strings.Index(s, "#egg="); egg >= 0 {
		n := reqName.FindString(s[egg+len("#egg="):])
		return normalise(n)
	}
	if i := strings.Index(s, "://"); i >= 0 {
		// name @ https://...: a direct reference still names its package.
		if at := strings.IndexByte(s, '@'); at < 0 || at > i {
			return ""
		}
	}
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") {
		// A local path: the directory is usually named after the package.
		b := path.Base(strings.TrimRight(s, "/"))
		if b == "." || b == ".." {
			return ""
		}
		return normalise(reqName.FindString(b))
	}
	return normalise(reqName.FindString(s))
}

func (d *decls) addDist(name string) {
	if name == "" {
		return
	}
	d.names[name] = true
	for _, imp := range pythonProvided(name) {
		if d.provided == nil {
			d.provided = map[string]bool{}
		}
		d.provided[imp] = true
	}
}

func parseRequirements(p, text string) *decls {
	d := newDecls(ecoPython, p)
	d.counts = true
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '-' {
			opt, arg := splitOption(line)
			switch opt {
			case "-r", "--requirement", "-c", "--constraint":
				if arg != "" && !strings.Contains(arg, "://") {
					d.includes = append(d.includes, joinPath(d.dir, arg))
				}
			case "-e", "--editable":
				d.addDist(requirementName(arg))
			}
			continue
		}
		d.addDist(requirementName(line))
	}
	return d
}

func splitOption(line string) (string, string) {
	if opt, arg, ok := strings.Cut(line, "="); ok && !strings.ContainsAny(opt, " \t") {
		return opt, strings.TrimSpace(arg)
	}
	f := strings.Fields(line)
	if len(f) == 1 {
		// -rrequirements.txt
		if len(f[0]) > 2 && f[0][1] != '-' {
			return f[0][:2], f[0][2:]
		}
		return f[0], ""
	}
	return f[0], strings.TrimSpace(strings.TrimPrefix(line, f[0]))
}

// tomlTables walks a TOML document line by line and calls fn with the
// current table name and each key = value (the value is read to its end,
// across lines, for arrays and inline tables). It is enough for the
// dependency tables of pyproject.toml and Pipfile, not a TOML parser.
func tomlTables(text string, fn func(table, key, value string)) {
	lines := strings.Split(text, "\n")
	table := ""
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			t := strings.Trim(strings.TrimSpace(stripTomlComment(line)), "[]")
			table = strings.ReplaceAll(strings.TrimSpace(t), `"`, "")
			continue
		}
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			continue
		}
		key := strings.Trim(strings.TrimSpace(line[:eq]), `"'`)
		value := strings.TrimSpace(line[eq+1:])
		// Read a multi-line array or inline table to its closing bracket.
		for depth := bracketDepth(value); depth > 0 && i+1 < len(lines); depth = bracketDepth(value) {
			i++
			value += "\n" + lines[i]
		}
		fn(table, key, value)
	}
}

func stripTomlComment(s string) string {
	in := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in != 0:
			if c == in {
				in = 0
			}
		case c == '"' || c == '\'':
			in = c
		case c == '#':
			return s[:i]
		}
	}
	return s
}

// bracketDepth is how many [ and { stay open in s, outside strings and
// comments.
func bracketDepth(s string) int {
	depth := 0
	in := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in != 0:
			if c == '\\' && in == '"' {
				i++
			} else if c == in {
				in = 0
			}
		case c == '"' || c == '\'':
			in = c
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return depth
}

// tomlStrings returns the string literals of a TOML value (or of a Python
// list or dict literal) that may be requirements: not dict keys (followed
// by ':') and not inline-table values ({include-group = "lint"}).
func tomlStrings(value string) []string {
	var out []string
	prev := byte(0) // the last non-space byte before the current string
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '#' {
			for i < len(value) && value[i] != '\n' {
				i++
			}
			continue
		}
		if c != '"' && c != '\'' {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				prev = c
			}
			continue
		}
		j := i + 1
		for j < len(value) && value[j] != c {
			if value[j] == '\\' && c == '"' {
				j++
			}
			j++
		}
		if j > len(value) {
			j = len(value)
		}
		next := strings.TrimLeft(value[min(j+1, len(value)):], " \t")
		if prev != '=' && !strings.HasPrefix(next, ":") {
			out = append(out, value[i+1:j])
		}
		prev = c
		i = j
	}
	return out
}

func parsePyproject(p, text string) *decls {
	d := newDecls(ecoPython, p)
	dynamic := false
	hasProject := false
	tomlTables(text, func(table, key, value string) {
		switch {
		case table == "project":
			hasProject = true
			switch key {
			case "name":
				for _, s := range tomlStrings(value) {
					d.own[normalise(s)] = true
				}
			case "dependencies":
				for _, s := range tomlStrings(value) {
					d.addDist(requirementName(s))
				}
			case "dynamic":
				for _, s := range tomlStrings(value) {
					if s == "dependencies" {
						dynamic = true
					}
				}
			}
		case table == "project.optional-dependencies", table == "dependency-groups",
			table == "tool.pdm.dev-dependencies", table == "tool.uv" && (key == "dev-dependencies" || key == "constraint-dependencies"),
			table == "build-system" && key == "requires":
			if table == "dependency-groups" {
				d.counts = true
			}
			for _, s := range tomlStrings(value) {
				d.addDist(requirementName(s))
			}
		case table == "tool.poetry":
			if key == "name" {
				for _, s := range tomlStrings(value) {
					d.own[normalise(s)] = true
				}
			}
			if key == "packages" {
				// packages = [{ include = "mypkg", from = "src" }]
				for _, m := range poetryInclude.FindAllStringSubmatch(value, -1) {
					d.own[normalise(m[1])] = true
				}
			}
		case table == "tool.poetry.dependencies", table == "tool.poetry.dev-dependencies",
			strings.HasPrefix(table, "tool.poetry.group.") && strings.HasSuffix(table, ".dependencies"):
			d.counts = true
			if key != "python" {
				d.addDist(normalise(key))
			}
		case table == "tool.setuptools" && (key == "py-modules" || key == "packages"):
			for _, s := range tomlStrings(value) {
				d.own[normalise(s)] = true
			}
		}
	})
	if hasProject && !dynamic {
		d.counts = true
	}
	return d
}

func parsePipfile(p, text string) *decls {
	d := newDecls(ecoPython, p)
	d.counts = true
	tomlTables(text, func(table, key, value string) {
		switch table {
		case "source", "requires", "scripts", "pipenv":
			return
		}
		d.addDist(normalise(key))
	})
	return d
}

func parseSetupCfg(p, text string) *decls {
	d := newDecls(ecoPython, p)
	section, key := "", ""
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimRight(raw, " \t\r")
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		if t[0] == '[' {
			section, key = strings.Trim(t, "[] "), ""
			continue
		}
		value := t
		if line[0] != ' ' && line[0] != '\t' {
			k, v, ok := strings.Cut(t, "=")
			if !ok {
				key = ""
				continue
			}
			key, value = strings.TrimSpace(k), strings.TrimSpace(v)
		}
		switch {
		case section == "metadata" && key == "name":
			d.own[normalise(value)] = true
		case section == "options" && (key == "install_requires" || key == "tests_require" || key == "setup_requires"),
			section == "options.extras_require":
			if key == "install_requires" {
				d.counts = true
			}
			if strings.HasPrefix(value, "file:") || strings.HasPrefix(value, "attr:") {
				d.opaque = true
				continue
			}
			for _, r := range strings.Split(value, ";") {
				// A line holds one requirement; ';' starts its markers.
				d.addDist(requirementName(r))
				break
			}
		case section == "options" && key == "py_modules", section == "options" && key == "packages" && !strings.HasPrefix(value, "find"):
			for _, s := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
				d.own[normalise(s)] = true
			}
		}
	}
	return d
}

var (
	setupRequires = regexp.MustCompile(`\b(install_requires|tests_require|extras_require|setup_requires)\s*=\s*`)
	setupName     = regexp.MustCompile(`\bname\s*=\s*["']([A-Za-z0-9._-]+)["']`)
)

// parseSetupPy reads install_requires and friends from a setup.py: a list
// literal, or a name bound to one in the same file. Anything computed makes
// the file opaque.
func parseSetupPy(p, text string) *decls {
	d := newDecls(ecoPython, p)
	if !strings.Contains(text, "setup(") {
		return d
	}
	d.counts = true
	if m := setupName.FindStringSubmatch(text); m != nil {
		d.own[normalise(m[1])] = true
	}
	for _, loc := range setupRequires.FindAllStringSubmatchIndex(text, -1) {
		rest := text[loc[1]:]
		value, ok := literalAt(rest)
		if !ok {
			ident := identAt(rest)
			if ident == "" {
				d.opaque = true
				continue
			}
			def := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(ident) + `\s*=\s*`).FindStringIndex(text)
			if def == nil {
				d.opaque = true
				continue
			}
			if value, ok = literalAt(text[def[1]:]); !ok {
				d.opaque = true
				continue
			}
		}
		for _, s := range tomlStrings(value) {
			d.addDist(requirementName(s))
		}
	}
	return d
}

// literalAt returns the [...] or {...} literal s starts with.
func literalAt(s string) (string, bool) {
	if s == "" || s[0] != '[' && s[0] != '{' && s[0] != '(' {
		return "", false
	}
	depth := 0
	in := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in != 0:
			if c == '\\' {
				i++
			} else if c == in {
				in = 0
			}
		case c == '"' || c == '\'':
			in = c
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '[' || c == '{' || c == '(':
			depth++
		case c == ']' || c == '}' || c == ')':
			depth--
			if depth == 0 {
				return s[:i+1], true
			}
		}
	}
	return "", false
}

func identAt(s string) string {
	n := 0
	for n < len(s) && (s[n] == '_' || 'a' <= s[n] && s[n] <= 'z' || 'A' <= s[n] && s[n] <= 'Z' || n > 0 && '0' <= s[n] && s[n] <= '9') {
		n++
	}
	if n == 0 {
		return ""
	}
	// install_requires=get_requirements() is computed, not a name.
	if rest := strings.TrimLeft(s[n:], " \t"); strings.HasPrefix(rest, "(") || strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "+") {
		return ""
	}
	return s[:n]
}

// --- JavaScript ----------------------------------------------------------------

type packageJSON struct {
	Name                 string         `json:"name"`
	Dependencies         map[string]any `json:"dependencies"`
	DevDependencies      map[string]any `json:"devDependencies"`
	PeerDependencies     map[string]any `json:"peerDependencies"`
	OptionalDependencies map[string]any `json:"optionalDependencies"`
	Workspaces           any            `json:"workspaces"`
}

var (
	jsonKey  = regexp.MustCompile(`"((?:@[a-z0-9][\w.~-]*/)?[a-z0-9][\w.~-]*)"\s*:\s*"`)
	jsonName = regexp.MustCompile(`"name"\s*:\s*"([^"]+)"`)
)

func parsePackageJSON(p, text string, partial bool) *decls {
	d := newDecls(ecoJS, p)
	d.counts = true
	var pj packageJSON
	if err := json.Unmarshal([]byte(text), &pj); err != nil {
		if !partial {
			// A package.json that does not parse cannot be judged.
			d.opaque = true
			return d
		}
		// The lines a diff shows of a modified package.json: every
		// "name": "version" pair may be a dependency.
		for _, m := range jsonKey.FindAllStringSubmatch(text, -1) {
			d.names[m[1]] = true
		}
		if m := jsonName.FindStringSubmatch(text); m != nil {
			d.own[m[1]] = true
		}
		return d
	}
	if pj.Name != "" {
		d.own[pj.Name] = true
	}
	for _, deps := range []map[string]any{pj.Dependencies, pj.DevDependencies, pj.PeerDependencies, pj.OptionalDependencies} {
		for k := range deps {
			d.names[k] = true
		}
	}
	var globs []any
	switch w := pj.Workspaces.(type) {
	case []any:
		globs = w
	case map[string]any:
		globs, _ = w["packages"].([]any)
	}
	for _, g := range globs {
		if s, ok := g.(string); ok {
			d.workspaces = append(d.workspaces, joinPath(d.dir, s))
		}
	}
	return d
}

func parsePnpmWorkspace(p, text string) *decls {
	d := newDecls(ecoJS, p)
	in := false
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' && line[0] != '-' {
			in = strings.HasPrefix(t, "packages:")
			continue
		}
		if in && strings.HasPrefix(t, "-") {
			g := strings.Trim(strings.TrimSpace(t[1:]), `"'`)
			if g != "" && !strings.HasPrefix(g, "!") {
				d.workspaces = append(d.workspaces, joinPath(d.dir, g))
			}
		}
	}
	return d
}

type tsconfig struct {
	Extends         any `json:"extends"`
	CompilerOptions struct {
		BaseURL string              `json:"baseUrl"`
		Paths   map[string][]string `json:"paths"`
	} `json:"compilerOptions"`
}

func parseTsconfig(p, text string) *decls {
	d := newDecls(ecoJS, p)
	var tc tsconfig
	if err := json.Unmarshal(stripJSONC(text), &tc); err != nil {
		return d
	}
	base := d.dir
	if tc.CompilerOptions.BaseURL != "" {
		base = joinPath(d.dir, tc.CompilerOptions.BaseURL)
		d.baseDirs = append(d.baseDirs, base)
	}
	for k, targets := range tc.CompilerOptions.Paths {
		if k == "*" {
			// "*": ["src/*", ...] makes those directories roots.
			for _, t := range targets {
				d.baseDirs = append(d.baseDirs, joinPath(base, strings.TrimSuffix(strings.TrimSuffix(t, "*"), "/")))
			}
			continue
		}
		d.aliases = append(d.aliases, k)
	}
	var ext []any
	switch e := tc.Extends.(type) {
	case string:
		ext = []any{e}
	case []any:
		ext = e
	}
	for _, e := range ext {
		if s, ok := e.(string); ok && strings.HasPrefix(s, ".") {
			if !strings.HasSuffix(s, ".json") {
				s += ".json"
			}
			d.includes = append(d.includes, joinPath(d.dir, s))
		}
	}
	return d
}

// stripJSONC removes the comments and trailing commas tsconfig files may
// hold, so that encoding/json reads them.
func stripJSONC(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				j = len(s) - 1
			}
			out = append(out, s[i:j+1]...)
			i = j
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			out = append(out, '\n')
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += end + 3
		case c == ',':
			k := i + 1
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
				k++
			}
			if k < len(s) && (s[k] == '}' || s[k] == ']') {
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// --- Java ----------------------------------------------------------------------

var (
	pomGroup     = regexp.MustCompile(`<groupId>\s*([A-Za-z0-9_.\-]+)\s*</groupId>`)
	gradleCoord  = regexp.MustCompile(`["']([A-Za-z0-9_.\-]+):[A-Za-z0-9_.\-]+(?::[^"'\s]*)?["']`)
	gradleGroup  = regexp.MustCompile(`\bgroup\s*[:=]\s*["']([A-Za-z0-9_.\-]+)["']`)
	gradlePlugin = regexp.MustCompile(`\bid\s*[(=]?\s*["']([A-Za-z0-9_.\-]+)["']`)
)

func parsePom(p, text string) *decls {
	d := newDecls(ecoJava, p)
	d.counts = true
	for _, m := range pomGroup.FindAllStringSubmatch(text, -1) {
		d.names[m[1]] = true
	}
	return d
}

func parseGradle(p, text string) *decls {
	d := newDecls(ecoJava, p)
	if strings.HasSuffix(p, ".toml") {
		// A version catalog serves the build files of the root.
		d.dir = ""
	} else {
		d.counts = true
	}
	for _, re := range []*regexp.Regexp{gradleCoord, gradleGroup, gradlePlugin} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if strings.Contains(m[1], ".") || re == gradleCoord {
				d.names[m[1]] = true
			}
		}
	}
	return d
}
