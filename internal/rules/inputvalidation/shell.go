package inputvalidation

import (
	"path"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// cmdShellInjection reports commands handed to a shell, or to exec, with
// text that can vary at run time.
type cmdShellInjection struct{ checks.Described }

func newCmdShellInjection() *cmdShellInjection {
	return &cmdShellInjection{checks.Described{M: checks.Meta{
		ID:        "cmd-shell-injection",
		Family:    family,
		Title:     "Shell command built from variable input",
		Summary:   "A command run through a shell (or exec) is built from non-literal text (command injection).",
		Languages: languages(),
		Severity:  checks.Warning,
		Keywords: []string{"subprocess", "popen", "os.system", "create_subprocess_shell", "getoutput", "check_output",
			"check_call", "shell=true", "shell = true", "exec.command", "exec(", "execsync(", "spawn", "execfile",
			"execasync(", "execpromise(", "execp(", "getruntime", "processbuilder", ".command("},
	}}}
}

var (
	pyShellCall  = regexp.MustCompile(`\b(?:Popen|run|call|check_call|check_output)\s*\(`)
	pyShellTrue  = regexp.MustCompile(`\bshell\s*=\s*True\b`)
	pyShellAlway = regexp.MustCompile(`\b(?:os\.(?:system|popen[234]?)|subprocess\.(?:getoutput|getstatusoutput)|commands\.(?:getoutput|getstatusoutput)|create_subprocess_shell)\s*\(`)

	goExecCommand = regexp.MustCompile(`\bexec\.Command(Context)?\s*\(`)

	jsCall      = regexp.MustCompile(`(?:([\w$]+)\s*\??\.\s*)?\b([\w$]+)\s*\(`)
	jsShellTrue = regexp.MustCompile(`\bshell\s*:\s*(?:true|['"]|process\.env)`)
	jsCPAlias   = regexp.MustCompile(`(?:const|let|var)\s+([\w$]+)\s*=\s*require\(\s*['"](?:node:)?child_process['"]|import\s+(?:\*\s+as\s+)?([\w$]+)\s+from\s+['"](?:node:)?child_process['"]`)
	jsCPImport  = regexp.MustCompile("['\"`](?:node:)?child_process['\"`]")
	jsPromisify = regexp.MustCompile(`(?:const|let|var)\s+([\w$]+)\s*=\s*(?:util\.)?promisify\(\s*(?:[\w$]+\.)?exec\s*\)`)

	javaRuntimeExec = regexp.MustCompile(`\bgetRuntime\(\)\s*\.\s*exec\s*\(`)
	javaVarExec     = regexp.MustCompile(`\b([\w$]+)\s*\.\s*exec\s*\(`)
	javaProcBuilder = regexp.MustCompile(`\bnew\s+ProcessBuilder\s*\(|\.\s*command\s*\(`)
)

func (r *cmdShellInjection) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	switch fc.Lang() {
	case diff.Python:
		r.python(fc, v, i)
	case diff.Go:
		r.golang(fc, v, i)
	case diff.JavaScript, diff.TypeScript:
		r.javascript(fc, v, i)
	case diff.Java:
		r.java(fc, v, i)
	}
}

func (r *cmdShellInjection) flag(fc *checks.FileContext, v *checks.HunkView, i int, base checks.Severity, what string) {
	ui := userInputNear(fc.Lang(), v, i)
	msg := what + "; pass an argument list without a shell (or quote every value) and validate the input against an allow-list."
	if ui {
		msg = what + ", and it carries request data (command injection); pass an argument list without a shell and validate the input against an allow-list."
	}
	report(fc, v, i, severity(fc, base, ui), msg)
}

func (r *cmdShellInjection) python(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "os.", "getoutput", "getstatusoutput", "create_subprocess_shell", "Popen", "run", "call", "check_") {
		return
	}
	if loc := pyShellAlway.FindStringIndex(code); loc != nil && !strings.Contains(code[:loc[0]], "def ") {
		if open := callOpen(code, loc); open >= 0 {
			c := readCall(v, i, open)
			if len(c.args) > 0 && classify(diff.Python, c.args[0], nil) == argDynamic {
				r.flag(fc, v, i, r.M.Severity, "The shell command passed to "+sinkName(code, loc[0], open)+" is built from non-literal text")
				return
			}
		}
	}
	// Any receiver (sp.run, a wrapper's self.run) is judged: shell=True in the
	// call is the signal.
	for _, loc := range pyShellCall.FindAllStringIndex(code, 4) {
		if strings.HasSuffix(strings.TrimRight(code[:loc[0]], " \t"), "def") {
			continue // def run(cmd, shell=True): a wrapper's signature
		}
		open := callOpen(code, loc)
		if open < 0 {
			continue
		}
		c := readCall(v, i, open)
		if len(c.args) == 0 {
			continue
		}
		if !pyShellTrue.MatchString(c.inner.Code) {
			// ["bash", "-c", script] runs a shell without shell=True.
			if shellForm, dyn := shellScript(diff.Python, unwrapList(c.args[0])); shellForm && dyn {
				r.flag(fc, v, i, r.M.Severity, "A command runs a shell with -c and a script built from non-literal text")
				return
			}
			continue
		}
		if classify(diff.Python, c.args[0], nil) == argDynamic {
			r.flag(fc, v, i, r.M.Severity, "A command run with shell=True is built from non-literal text")
			return
		}
	}
}

// isShell reports whether a literal program name is a shell.
func isShell(name string) bool {
	base := strings.TrimSuffix(strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/"))), ".exe")
	switch base {
	case "sh", "bash", "zsh", "ksh", "dash", "ash", "fish", "cmd", "powershell", "pwsh":
		return true
	}
	return false
}

func isShellFlag(s string) bool {
	switch strings.ToLower(s) {
	case "-c", "/c", "-command", "-lc", "-ec", "/k":
		return true
	}
	return false
}

// shellScript reports whether args (program first) run a shell with -c and
// a script that is not literal.
func shellScript(lang diff.Language, args []span) (isShellForm, dynamic bool) {
	if len(args) < 2 {
		return false, false
	}
	prog, ok1 := literalValue(lang, args[0])
	flag, ok2 := literalValue(lang, args[1])
	if !ok1 || !ok2 || !isShell(prog) || !isShellFlag(flag) {
		return false, false
	}
	for _, a := range args[2:] {
		if classify(lang, a, nil) == argDynamic {
			return true, true
		}
	}
	return true, false
}

func (r *cmdShellInjection) golang(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !strings.Contains(code, "exec.Command") {
		return
	}
	for _, m := range goExecCommand.FindAllStringSubmatchIndex(code, 4) {
		open := callOpen(code, m[:2])
		if open < 0 {
			continue
		}
		args := readCall(v, i, open).args
		if m[2] >= 0 && len(args) > 0 { // CommandContext(ctx, ...)
			args = args[1:]
		}
		if len(args) == 0 {
			continue
		}
		if shellForm, dyn := shellScript(diff.Go, args); shellForm {
			if dyn {
				r.flag(fc, v, i, r.M.Severity, "exec.Command runs a shell with -c and a script built from non-literal text")
				return
			}
			continue
		}
		if strings.TrimSpace(args[0].Code) == "os.Args[0]" {
			continue // re-executing the program itself
		}
		if classify(diff.Go, args[0], nil) == argDynamic {
			r.flag(fc, v, i, checks.Notice, "exec.Command runs a program whose name is not a literal")
			return
		}
	}
}

// importScanLines bounds the search for child_process imports: they sit
// at the top of a file, and the search runs for every exec-like call.
const importScanLines = 400

// childProcessNames returns the receivers and bare names under which the
// file reaches child_process exec; ok is false when the file does not
// import child_process (or shelljs) in its first lines as the diff shows
// them.
func childProcessNames(fc *checks.FileContext) (recv, bare []string, ok bool) {
	n := 0
	recv = []string{"child_process", "childProcess", "cp"}
	bare = []string{"exec", "execSync"}
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			if n++; n > importScanLines {
				return recv, bare, ok
			}
			t := l.Text
			if strings.Contains(t, "child_process") && jsCPImport.MatchString(t) {
				ok = true
				if m := jsCPAlias.FindStringSubmatch(t); m != nil {
					recv = append(recv, m[1]+m[2])
				}
			}
			if strings.Contains(t, "'shelljs'") || strings.Contains(t, `"shelljs"`) {
				ok = true
				recv = append(recv, "shell")
			}
			if strings.Contains(t, "promisify") {
				if m := jsPromisify.FindStringSubmatch(t); m != nil {
					bare = append(bare, m[1])
				}
			}
		}
	}
	return recv, bare, ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *cmdShellInjection) javascript(fc *checks.FileContext, v *checks.HunkView, i int) {
	lang := fc.Lang()
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "exec", "spawn", "Exec") {
		return
	}
	var recv, bare []string
	imported := false
	loaded := false
	for _, m := range jsCall.FindAllStringSubmatchIndex(code, maxCallsPerLine) {
		name := code[m[4]:m[5]]
		receiver := ""
		if m[2] >= 0 {
			receiver = code[m[2]:m[3]]
		}
		isExec := strings.HasPrefix(name, "exec") && !strings.HasPrefix(name, "execFile") || strings.HasPrefix(name, "pexec")
		isSpawn := name == "spawn" || name == "spawnSync" || name == "execFile" || name == "execFileSync"
		if !isExec && !isSpawn {
			continue
		}
		if !loaded {
			recv, bare, imported = childProcessNames(fc)
			loaded = true
		}
		if !imported {
			return
		}
		start := m[0]
		if m[2] >= 0 {
			start = m[2]
		}
		if receiver == "" && start > 0 && code[start-1] == '.' {
			continue // a method of something else, e.g. regex.exec(s)
		}
		if receiver != "" && !contains(recv, receiver) && !strings.Contains(code[:start], "child_process") {
			continue
		}
		if receiver == "" && isExec && !contains(bare, name) {
			continue
		}
		c := readCall(v, i, m[1]-1)
		if len(c.args) == 0 || c.declaration(v) {
			continue
		}
		if isExec {
			if classify(lang, c.args[0], nil) == argDynamic {
				r.flag(fc, v, i, r.M.Severity, "The command passed to "+name+"() runs in a shell and is built from non-literal text")
				return
			}
			continue
		}
		if !jsShellTrue.MatchString(c.inner.Code) {
			continue
		}
		dyn := classify(lang, c.args[0], nil) == argDynamic
		if len(c.args) > 1 && !strings.HasPrefix(c.args[1].Code, "{") && classify(lang, c.args[1], nil) == argDynamic {
			dyn = true
		}
		if dyn {
			r.flag(fc, v, i, r.M.Severity, name+"() with shell: true runs a command built from non-literal text")
			return
		}
	}
}

func (r *cmdShellInjection) java(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "exec", "ProcessBuilder", "command") {
		return
	}
	var execLoc []int
	if loc := javaRuntimeExec.FindStringIndex(code); loc != nil {
		execLoc = loc
	} else if m := javaVarExec.FindStringSubmatchIndex(code); m != nil {
		name := code[m[2]:m[3]]
		if runtimeVar(v, i, name) {
			execLoc = m[:2]
		}
	}
	if execLoc != nil {
		if open := callOpen(code, execLoc); open >= 0 {
			c := readCall(v, i, open)
			if len(c.args) > 0 {
				list := unwrapList(c.args[0])
				if shellForm, dyn := shellScript(diff.Java, list); shellForm || len(list) > 1 {
					// An argument array runs no shell: only sh -c matters.
					if dyn {
						r.flag(fc, v, i, r.M.Severity, "Runtime.exec runs a shell with -c and a script built from non-literal text")
						return
					}
				} else if classify(diff.Java, c.args[0], nil) == argDynamic {
					r.flag(fc, v, i, r.M.Severity, "Runtime.exec runs a command built from non-literal text (a single string is split on spaces, so values can add arguments)")
					return
				}
			}
		}
	}
	for _, loc := range javaProcBuilder.FindAllStringIndex(code, 4) {
		open := callOpen(code, loc)
		if open < 0 {
			continue
		}
		if strings.Contains(code[loc[0]:open], "command") && !windowHas(v, i, backWindow, 0, "ProcessBuilder") {
			continue
		}
		args := readCall(v, i, open).args
		if len(args) == 1 {
			args = unwrapList(args[0])
		}
		if shellForm, dyn := shellScript(diff.Java, args); shellForm && dyn {
			r.flag(fc, v, i, r.M.Severity, "ProcessBuilder runs a shell with -c and a script built from non-literal text")
			return
		}
	}
}

// runtimeVar reports whether name was assigned Runtime.getRuntime() in the
// hunk before line i.
func runtimeVar(v *checks.HunkView, i int, name string) bool {
	for j := max(0, i-backWindow); j < i; j++ {
		t := v.Lines[j].Text
		if strings.Contains(t, "getRuntime()") && assignedName(lexical.LineSpan(v, j).Code) == name {
			return true
		}
	}
	return false
}
