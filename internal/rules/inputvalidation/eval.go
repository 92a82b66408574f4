package inputvalidation

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// codeEvalDynamic reports code evaluated from text that can vary at run time.
type codeEvalDynamic struct{ checks.Described }

func newCodeEvalDynamic() *codeEvalDynamic {
	return &codeEvalDynamic{checks.Described{M: checks.Meta{
		ID:        "code-eval-dynamic",
		Family:    family,
		Title:     "Code evaluated from dynamic text",
		Summary:   "eval/exec, new Function, string timers, vm, ScriptEngine, GroovyShell or SpEL run code built at run time (code injection).",
		Languages: []diff.Language{diff.Python, diff.JavaScript, diff.TypeScript, diff.Java},
		Severity:  checks.Warning,
		Keywords: []string{"eval(", "exec(", "new function", "settimeout(", "setinterval(", "runinnewcontext(",
			"runinthiscontext(", "runincontext(", "compilefunction(", "vm.script(", ".evaluate(", "parseexpression("},
	}}}
}

var (
	jsNewFunction = regexp.MustCompile(`\bnew\s+Function\s*\(`)
	jsTimer       = regexp.MustCompile(`\b(?:setTimeout|setInterval)\s*\(`)
	jsVM          = regexp.MustCompile(`\bvm\.(?:runInNewContext|runInContext|runInThisContext|compileFunction)\s*\(|\bnew\s+vm\.Script\s*\(`)

	javaEval      = regexp.MustCompile(`(?:\b([\w$]+)|\))\s*\.\s*eval\s*\(`)
	javaEvaluate  = regexp.MustCompile(`\.\s*evaluate\s*\(`)
	javaSpEL      = regexp.MustCompile(`\bparseExpression\s*\(`)
	javaEngineWin = regexp.MustCompile(`ScriptEngine|getEngineBy`)
)

func (r *codeEvalDynamic) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	switch fc.Lang() {
	case diff.Python:
		r.python(fc, v, i)
	case diff.JavaScript, diff.TypeScript:
		r.javascript(fc, v, i)
	case diff.Java:
		r.java(fc, v, i)
	}
}

func (r *codeEvalDynamic) flag(fc *checks.FileContext, v *checks.HunkView, i int, what, fix string) {
	ui := userInputNear(fc.Lang(), v, i)
	msg := what + "; " + fix + "."
	if ui {
		msg = what + ", and it carries request data (code injection); " + fix + "."
	}
	report(fc, v, i, severity(fc, r.M.Severity, ui), msg)
}

// bareCalls calls fn with the index of '(' for every call of name on code
// that is not a method or attribute of something else (x.eval(), def eval).
func bareCalls(code, name string, fn func(open int) bool) {
	for off, n := 0, 0; off < len(code) && n < maxCallsPerLine; {
		k := strings.Index(code[off:], name)
		if k < 0 {
			return
		}
		a := off + k
		off = a + len(name)
		if a > 0 && (isIdentChar(code[a-1]) || code[a-1] == '.') {
			continue
		}
		p := skipBlanks(code, a+len(name))
		if p >= len(code) || code[p] != '(' {
			continue
		}
		before := strings.TrimRight(code[:a], " \t")
		if strings.HasSuffix(before, "def") || strings.HasSuffix(before, "function") {
			continue
		}
		n++
		if fn(p) {
			return
		}
	}
}

func (r *codeEvalDynamic) python(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	for _, name := range [...]string{"eval", "exec"} {
		done := false
		bareCalls(code, name, func(open int) bool {
			c := readCall(v, i, open)
			if len(c.args) > 0 && classify(diff.Python, c.args[0], nil) == argDynamic {
				r.flag(fc, v, i, name+"() runs code built at run time",
					"parse the data instead (ast.literal_eval for literals, json.loads, or a dispatch table of allowed operations)")
				done = true
			}
			return done
		})
		if done {
			return
		}
	}
}

func (r *codeEvalDynamic) javascript(fc *checks.FileContext, v *checks.HunkView, i int) {
	lang := fc.Lang()
	code := lexical.LineSpan(v, i).Code
	done := false
	check := func(open int) bool {
		c := readCall(v, i, open)
		if len(c.args) > 0 && !c.declaration(v) && classify(lang, c.args[0], nil) == argDynamic {
			r.flag(fc, v, i, "eval() runs code built at run time", "use JSON.parse for data, or a lookup table of allowed operations")
			done = true
		}
		return done
	}
	bareCalls(code, "eval", check)
	for _, g := range [...]string{"window.eval", "globalThis.eval"} {
		if !done {
			if k := strings.Index(code, g); k >= 0 {
				if p := skipBlanks(code, k+len(g)); p < len(code) && code[p] == '(' {
					check(p)
				}
			}
		}
	}
	if done || !hasAny(code, "Function", "setTimeout", "setInterval", "vm.") {
		return
	}
	if loc := jsNewFunction.FindStringIndex(code); loc != nil {
		c := readCall(v, i, callOpen(code, loc))
		for _, a := range c.args {
			if classify(lang, a, nil) == argDynamic {
				r.flag(fc, v, i, "new Function() compiles code built at run time", "write the function in source, or use a lookup table of allowed operations")
				return
			}
		}
	}
	for _, loc := range jsTimer.FindAllStringIndex(code, 4) {
		c := readCall(v, i, callOpen(code, loc))
		if len(c.args) > 0 && c.args[0].Code != "" && strings.IndexByte("\"'`", c.args[0].Code[0]) >= 0 {
			r.flag(fc, v, i, "A string passed to setTimeout/setInterval is evaluated as code", "pass a function instead")
			return
		}
	}
	if loc := jsVM.FindStringIndex(code); loc != nil {
		c := readCall(v, i, callOpen(code, loc))
		if len(c.args) > 0 && classify(lang, c.args[0], nil) == argDynamic {
			r.flag(fc, v, i, "The vm module runs code built at run time and is not a security boundary", "do not run untrusted code in-process; use a separate, locked-down process")
		}
	}
}

func (r *codeEvalDynamic) java(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "eval", "evaluate", "parseExpression") {
		return
	}
	dynamicArg := func(loc []int) bool {
		open := callOpen(code, loc)
		if open < 0 {
			return false
		}
		c := readCall(v, i, open)
		return len(c.args) > 0 && classify(diff.Java, c.args[0], nil) == argDynamic
	}
	for _, m := range javaEval.FindAllStringSubmatchIndex(code, 4) {
		recv := ""
		if m[2] >= 0 {
			recv = code[m[2]:m[3]]
		}
		scripted := recv == "MVEL" || strings.Contains(strings.ToLower(recv), "engine") ||
			strings.Contains(code, "getEngineBy") || windowMatch(v, i, backWindow, 0, javaEngineWin)
		if scripted && dynamicArg(m[:2]) {
			r.flag(fc, v, i, "A script engine evaluates code built at run time", "do not evaluate request data as script; map inputs to allowed operations")
			return
		}
	}
	for _, loc := range javaEvaluate.FindAllStringIndex(code, 4) {
		if (strings.Contains(code, "GroovyShell") || windowHas(v, i, backWindow, 0, "GroovyShell")) && dynamicArg(loc) {
			r.flag(fc, v, i, "GroovyShell evaluates code built at run time", "do not evaluate request data as script; map inputs to allowed operations")
			return
		}
	}
	if loc := javaSpEL.FindStringIndex(code); loc != nil && dynamicArg(loc) {
		r.flag(fc, v, i, "A SpEL expression is parsed from text built at run time (expression injection)",
			"parse only literal expressions and pass data as variables of an EvaluationContext (SimpleEvaluationContext)")
	}
}
