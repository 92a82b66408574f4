package hardening

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// worldWritable reports files and directories made writable by every user
// of the machine (catalogue rule 26; Bandit B103, gosec G301-G307).
//
// A mode given when creating a file or directory is filtered by the umask,
// so 0666/0777 there is the conventional "default" of Go and Node (os.Create
// itself uses 0666): gosec reports it, and so do we, but as a notice. chmod,
// which no umask filters, is a warning. Python's os.mkdir/os.makedirs
// (mode=0o777 is their default) are left alone, as Bandit does.
type worldWritable struct{ checks.Described }

func newWorldWritable() *worldWritable {
	return &worldWritable{checks.Described{M: checks.Meta{
		ID:      "file-permissions-world-writable",
		Family:  family,
		Title:   "World-writable file permissions",
		Summary: "A file or directory is made writable by every user (chmod 777/666, o+w, MODE_WORLD_*), so any local process can tamper with it.",
		Languages: []diff.Language{diff.Shell, diff.Dockerfile, diff.YAML, diff.Python, diff.Go, diff.Java, diff.Kotlin,
			diff.JavaScript, diff.TypeScript},
		Severity: checks.Warning,
		Keywords: []string{"chmod", "mkdir", "tefile", "ndfile", "enfile(", "s_iwoth", "s_irwxo", "etwritable(",
			"ixfilepermissions.fromstring(", "de_world_", "others_write", "umask", "install -m", "0777", "0666"},
	}}}
}

const (
	permMsg   = "%s makes the file or directory writable by every user on the machine, so any local process can replace or tamper with it; use 755/644 (or 700/600 for private data)."
	createMsg = "%s asks for a world-writable file or directory; the umask usually trims it, but where it does not (umask 0, containers, shared volumes) any local process can tamper with it. Ask for what you mean: 0o755/0o644, or 0o700/0o600 for private data."
	umaskMsg  = "A umask that leaves other-write open makes every file created afterwards world-writable; use umask 022 (or 077)."
	sharedMsg = "makes the file world-readable or world-writable for every app on the device; use MODE_PRIVATE and share through a ContentProvider."
)

func msg(what string) string { return strings.Replace(permMsg, "%s", what, 1) }

// permFinding is what a language check found: the message, and whether it
// is about a mode given when creating a file or directory, which the
// process umask filters, so that it is reported as a notice.
type permFinding struct {
	msg    string
	create bool
}

func found(m string) permFinding { return permFinding{msg: m} }

func createFinding(what string) permFinding {
	return permFinding{msg: strings.Replace(createMsg, "%s", what, 1), create: true}
}

func (r *worldWritable) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	var f permFinding
	switch fc.Lang() {
	case diff.Shell, diff.Dockerfile, diff.YAML:
		text := v.Code(i)
		if fc.Lang() == diff.YAML {
			// CI commands are YAML strings: keep them, drop comments.
			text = checks.MaskComments(diff.YAML, []string{v.Lines[i].Text})[0]
			if mm := yamlMode.FindStringSubmatch(text); mm != nil && modeWritable(mm[1]) {
				f = found(msg("`" + strings.TrimSpace(mm[0]) + "`"))
				break
			}
		}
		f = found(shellPerms(text))
	case diff.Python:
		f = found(pythonPerms(v, i))
	case diff.Go:
		f = goPerms(v, i)
	case diff.Java, diff.Kotlin:
		f = found(javaPerms(v, i))
	case diff.JavaScript, diff.TypeScript:
		f = jsPerms(v, i)
	}
	if f.msg == "" && fc.Lang() != diff.Shell && fc.Lang() != diff.Dockerfile && fc.Lang() != diff.YAML {
		f = found(execChmod(v, i))
	}
	if f.msg == "" {
		return
	}
	sev := r.M.Severity
	if f.create {
		sev = checks.Notice
	}
	report(fc, v, i, sev, f.msg)
}

var (
	yamlMode   = regexp.MustCompile(`^\s*-?\s*(?:mode|defaultMode|fileMode|dirMode)\s*:\s*['"]?(0?[0-7]{3,4})['"]?\s*$`)
	execMarker = regexp.MustCompile(`\bos\.system\s*\(|\bsubprocess\.\w+\s*\(|\bexec\.Command(?:Context)?\s*\(|\bexec(?:Sync)?\s*\(|\bspawn(?:Sync)?\s*\(|\bexecFile(?:Sync)?\s*\(|\.exec\s*\(|\bProcessBuilder\s*\(`)
)

// execChmod reads a chmod run through a shell or a process call from code:
// os.system(f"chmod 777 {p}"), subprocess.run(["chmod", "-R", "777", p]),
// exec.Command("chmod", "777", p). The string arguments are joined back
// into a command line.
func execChmod(v *checks.HunkView, i int) string {
	raw := v.Lines[i].Text
	if !strings.Contains(raw, "chmod") || !execMarker.MatchString(v.Code(i)) {
		return ""
	}
	s := lexical.LineSpan(v, i)
	var b strings.Builder
	for _, l := range stringLits(s) {
		b.WriteString(l.content(s))
		b.WriteByte(' ')
	}
	return shellPerms(b.String())
}

var (
	shChmod = regexp.MustCompile(`(?:^|[^\w-])chmod\s+(?:-[A-Za-z]+\s+|--[\w-]+\s+)*([0-7]{3,4}|[ugoa]*[+=-][rwxXst]*(?:,[ugoa]*[+=-][rwxXst]*)*)(?:\s|$|;|&|\|)`)
	shCopy  = regexp.MustCompile(`--chmod=([0-7]{3,4})\b`)
	shMode  = regexp.MustCompile(`(?:^|[^\w-])(?:mkdir|install)\s+(?:-[A-Za-z]+\s+)*(?:-m\s*|--mode=)([0-7]{3,4}|[ugoa]*[+=][rwxXst]+)\b`)
	shUmask = regexp.MustCompile(`(?:^|[^\w-])umask\s+([0-7]{1,4})\b`)
)

func shellPerms(text string) string {
	for _, re := range []*regexp.Regexp{shChmod, shCopy, shMode} {
		for _, m := range re.FindAllStringSubmatch(text, 4) {
			if modeWritable(m[1]) {
				return msg("`" + strings.Trim(m[0], " \t\"'`;&|()") + "`")
			}
		}
	}
	if m := shUmask.FindStringSubmatch(text); m != nil && umaskOpen(m[1]) {
		return umaskMsg
	}
	return ""
}

// modeWritable reads a chmod mode, numeric (777, 0666, 2777) or symbolic
// (o+w, a+rwx, u+rwx,o=rwx), and reports whether it grants write to
// others. A sticky directory (1777, the /tmp idiom) is not reported: its
// files can only be removed by their owners.
func modeWritable(mode string) bool {
	if mode == "" {
		return false
	}
	if isDigit(mode[0]) {
		n, err := strconv.ParseUint(mode, 8, 32)
		if err != nil {
			return false
		}
		if len(mode) == 4 && n&0o1000 != 0 {
			return false
		}
		return n&0o002 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		k := strings.IndexAny(clause, "+=-")
		if k < 0 {
			continue
		}
		who, op, perms := clause[:k], clause[k], clause[k+1:]
		if op == '-' || !strings.ContainsRune(perms, 'w') {
			continue
		}
		// No "who" means all users minus the umask: not reported.
		if strings.ContainsAny(who, "oa") {
			return true
		}
	}
	return false
}

// umaskOpen reports whether a umask leaves the write bit of others unset.
func umaskOpen(mask string) bool {
	n, err := strconv.ParseUint(mask, 8, 32)
	return err == nil && n&0o002 == 0
}

// octalWritable reads a numeric literal in the syntax of lang (0o777, 0777,
// 511) and reports whether it grants write to others.
func octalWritable(lit string, lang diff.Language) (writable, ok bool) {
	lit = strings.ReplaceAll(lit, "_", "")
	var n uint64
	var err error
	switch {
	case strings.HasPrefix(lit, "0o") || strings.HasPrefix(lit, "0O"):
		n, err = strconv.ParseUint(lit[2:], 8, 32)
	case len(lit) > 1 && lit[0] == '0' && lang != diff.Python:
		n, err = strconv.ParseUint(lit[1:], 8, 32)
	case len(lit) > 1 && lit[0] == '0':
		// Python 2 octal; a syntax error in Python 3, still a clear intent.
		n, err = strconv.ParseUint(lit[1:], 8, 32)
	case len(lit) > 1 && (lit[0] == 'x' || lit[0] == 'X'):
		return false, false
	default:
		n, err = strconv.ParseUint(lit, 10, 32)
	}
	if err != nil {
		return false, false
	}
	return n&0o002 != 0, true
}

var numLit = regexp.MustCompile(`\b0[oO][0-7_]+\b|\b\d+\b`)

// exprWritable reports whether a mode expression holds a number, ModePerm or
// an other-write stat flag that grants write to others. Expressions that
// mask bits off (&, &^, ~) are not judged.
func exprWritable(expr string, lang diff.Language) bool {
	if strings.ContainsAny(expr, "&~") {
		return false
	}
	if strings.Contains(expr, "ModePerm") || strings.Contains(expr, "S_IWOTH") || strings.Contains(expr, "S_IRWXO") {
		return true
	}
	for _, lit := range numLit.FindAllString(expr, 4) {
		if w, ok := octalWritable(lit, lang); ok && w && (len(lit) >= 3 || lang == diff.JavaScript || lang == diff.TypeScript) {
			return true
		}
	}
	return false
}

var (
	pyChmod  = regexp.MustCompile(`(?:\bos\.[fl]?chmod|\.chmod)\s*\(`)
	pyOthW   = regexp.MustCompile(`\bS_I(?:WOTH|RWXO)\b`)
	pyUmask  = regexp.MustCompile(`\bos\.umask\s*\(\s*(0[oO]?[0-7]*)\s*\)`)
	pyBitOps = regexp.MustCompile(`^\s*(?:if|elif|assert|return|while)\b`)
	pyKwarg  = regexp.MustCompile(`^\w+\s*=[^=]`)
)

func pythonPerms(v *checks.HunkView, i int) string {
	code := v.Code(i)
	if loc := pyChmod.FindStringIndex(code); loc != nil {
		c := readBalanced(v, i, loc[1]-1, 10)
		if c.closed {
			args := splitTop(c.inner)
			// os.chmod(path, mode, ...); Path.chmod(mode) and
			// sftp.chmod(path, mode) take it last among the positionals.
			idx := 1
			if !strings.HasPrefix(code[loc[0]:], "os.") {
				idx = 0
				for k, a := range args {
					if !pyKwarg.MatchString(a.Code) {
						idx = k
					}
				}
			}
			for k, a := range args {
				if strings.HasPrefix(a.Code, "mode") && pyKwarg.MatchString(a.Code) {
					idx = k
					a.Code = strings.TrimLeft(strings.TrimPrefix(a.Code, "mode"), " =")
					args[k] = a
				}
			}
			if idx < len(args) && exprWritable(args[idx].Code, diff.Python) {
				return msg("This chmod mode")
			}
			return ""
		}
	}
	if m := pyUmask.FindStringSubmatchIndex(code); m != nil && !pyAssigned(code[:m[0]]) {
		m := []string{code[m[0]:m[1]], code[m[2]:m[3]]}
		lit := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(m[1], "0o"), "0O"), "0")
		if lit == "" {
			lit = "0"
		}
		if umaskOpen(lit) {
			return umaskMsg
		}
	}
	// The bit outside a chmod call counts only when it is being combined
	// into a mode (mode | S_IWOTH, mode |= S_IWOTH): definitions, tables
	// and bit tests are not.
	for _, loc := range pyOthW.FindAllStringIndex(code, 4) {
		if pyBitOps.MatchString(code) {
			return ""
		}
		before := strings.TrimRight(code[:loc[0]], " \t")
		before = strings.TrimSuffix(before, "stat.")
		before = strings.TrimRight(before, " \t")
		after := strings.TrimLeft(code[loc[1]:], " \t")
		if strings.HasSuffix(before, "~") || strings.HasSuffix(before, "&") || strings.HasSuffix(before, "&=") {
			continue
		}
		if strings.HasSuffix(before, "|") || strings.HasSuffix(before, "|=") || strings.HasPrefix(after, "|") {
			return msg("The other-write bit")
		}
	}
	return ""
}

// pyAssigned reports code before a call that assigns its result: the
// old = os.umask(0); os.umask(old) idiom reads the umask.
func pyAssigned(before string) bool {
	t := strings.TrimRight(before, " \t")
	return strings.HasSuffix(t, "=") && !strings.HasSuffix(t, "==")
}

var (
	goPermCall = regexp.MustCompile(`\b(?:os\.(?:Chmod|Mkdir|MkdirAll|WriteFile|OpenFile)|ioutil\.WriteFile|\w+\.Chmod)\s*\(`)
	goUmask    = regexp.MustCompile(`\b(?:syscall|unix)\.Umask\s*\(\s*(0[oO]?[0-7]*)\s*\)`)
)

func goPerms(v *checks.HunkView, i int) permFinding {
	if raw := v.Lines[i].Text; !hasModeLiteral(raw) && !strings.Contains(raw, "Umask") && closesOnLine(raw) {
		return permFinding{} // no mode that could grant other-write
	}
	code := v.Code(i)
	if m := goUmask.FindStringSubmatch(code); m != nil {
		lit := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(m[1], "0o"), "0O"), "0")
		if lit == "" {
			lit = "0"
		}
		if umaskOpen(lit) {
			return found(umaskMsg)
		}
		return permFinding{}
	}
	for _, loc := range goPermCall.FindAllStringIndex(code, 4) {
		c := readBalanced(v, i, loc[1]-1, 10)
		if !c.closed {
			continue
		}
		args := splitTop(c.inner)
		if len(args) == 0 {
			continue
		}
		if exprWritable(args[len(args)-1].Code, diff.Go) {
			name, _ := callName(code, loc[1]-1)
			if strings.HasSuffix(name, "Chmod") {
				return found(msg("The mode given to " + name))
			}
			return createFinding("The mode given to " + name)
		}
	}
	return permFinding{}
}

var (
	javaSetWritable = regexp.MustCompile(`\bsetWritable\s*\(\s*true\s*,\s*false\s*\)`)
	javaFromString  = regexp.MustCompile(`\bPosixFilePermissions\.fromString\s*\(\s*"([rwx-]{9})"`)
	javaWorldMode   = regexp.MustCompile(`\bMODE_WORLD_(READABLE|WRITEABLE|WRITABLE)\b`)
	javaOthersWrite = regexp.MustCompile(`\bOTHERS_WRITE\b`)
	javaSetQuery    = regexp.MustCompile(`\.(?:remove|contains|removeAll|removeIf)\s*\(`)
)

func javaPerms(v *checks.HunkView, i int) string {
	raw, code := v.Lines[i].Text, v.Code(i)
	switch {
	case javaSetWritable.MatchString(code):
		return msg("setWritable(true, false)")
	case javaWorldMode.MatchString(code):
		return "MODE_WORLD_* " + sharedMsg
	case javaOthersWrite.MatchString(code) && !javaSetQuery.MatchString(code):
		return msg("Adding OTHERS_WRITE")
	}
	if m := javaFromString.FindStringSubmatchIndex(raw); m != nil && m[0] < len(code) && code[m[0]] == raw[m[0]] {
		if raw[m[2]+7] == 'w' {
			return msg(`The permission string "` + raw[m[2]:m[3]] + `"`)
		}
	}
	return ""
}

var (
	jsPermCall = regexp.MustCompile(`(?:^|[^\w$.])(?:(?:fs|fsp|fse|fsPromises|promises|fs\.promises)\.)?(chmod|chmodSync|fchmod|fchmodSync|lchmod|lchmodSync|mkdir|mkdirSync|writeFile|writeFileSync|appendFile|appendFileSync)\s*\(`)
	jsModeKey  = regexp.MustCompile(`\bmode\s*:\s*([0-9][0-9a-zA-Z_]*)`)
	jsQuoted   = regexp.MustCompile(`^['"]([0-7]{3,4})['"]$`)
)

// hasModeLiteral reports a run of three or more digits or a ModePerm: the
// forms a mode granting other-write can take.
func hasModeLiteral(s string) bool {
	run := 0
	for k := 0; k < len(s); k++ {
		if isDigit(s[k]) {
			run++
			if run >= 3 {
				return true
			}
			continue
		}
		run = 0
	}
	return strings.Contains(s, "ModePerm")
}

// closesOnLine reports whether every bracket opened on a line of code is
// closed on it.
func closesOnLine(code string) bool {
	depth := 0
	for k := 0; k < len(code); k++ {
		switch code[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
	}
	return depth <= 0
}

func jsPerms(v *checks.HunkView, i int) permFinding {
	code := v.Code(i)
	for _, m := range jsPermCall.FindAllStringSubmatchIndex(code, 4) {
		name := code[m[2]:m[3]]
		c := readBalanced(v, i, m[1]-1, 10)
		if !c.closed {
			continue
		}
		args := splitTop(c.inner)
		if strings.Contains(name, "chmod") {
			if len(args) < 2 {
				continue
			}
			a := args[1]
			if q := jsQuoted.FindStringSubmatch(a.Raw); q != nil {
				if n, err := strconv.ParseUint(q[1], 8, 32); err == nil && n&0o002 != 0 {
					return found(msg("The mode given to " + name))
				}
				continue
			}
			if exprWritable(a.Code, diff.JavaScript) {
				return found(msg("The mode given to " + name))
			}
			continue
		}
		// mkdir(path, mode | {mode}), writeFile(path, data, {mode}).
		if mm := jsModeKey.FindStringSubmatch(c.inner.Code); mm != nil {
			if w, ok := octalWritable(mm[1], diff.JavaScript); ok && w {
				return createFinding("The mode given to " + name)
			}
			continue
		}
		if strings.HasPrefix(name, "mkdir") && len(args) >= 2 && exprWritable(args[1].Code, diff.JavaScript) {
			return createFinding("The mode given to " + name)
		}
	}
	return permFinding{}
}
