package aihygiene

import (
	"context"
	"fmt"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// debugLeftover flags debugging output and breakpoints left in library
// code: console.log, debugger, pdb, breakpoint(), print() in Python
// modules, fmt.Print* outside package main, spew.Dump, System.out.print*.
//
// Output calls are legitimate in programs whose job is to print (CLIs,
// scripts, package main, examples, tests), so those are left alone.
// Breakpoints (debugger;, pdb.set_trace(), breakpoint()) are reported
// everywhere but documentation: a test that stops at a breakpoint hangs CI.
type debugLeftover struct{ checks.Described }

func newDebugLeftover() *debugLeftover {
	return &debugLeftover{checks.Described{M: checks.Meta{
		ID:        "debug-leftover",
		Family:    Family,
		Title:     "Debugging leftover",
		Summary:   "console.log, debugger, pdb/breakpoint(), print() in Python library modules, fmt.Print* outside package main, spew.Dump and System.out.print* left in non-test code.",
		Languages: []diff.Language{diff.JavaScript, diff.TypeScript, diff.Python, diff.Go, diff.Java},
		Severity:  checks.Notice,
		// "console." would wake the prefilter on every const, continue and
		// context; the rarer "ole." run keys on the same calls.
		Keywords: []string{
			"ole.log(", "ole.debug(", "ole.trace(", "ole.dir(", "ole.table(", "debugger",
			"pdb", "breakpoint(", "print(", "fmt.print", "spew.dump(",
			"system.out.print", "system.err.print",
		},
	}}}
}

func (r *debugLeftover) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if isDocPath(fc.Path()) {
		return
	}
	var msg string
	switch fc.Lang() {
	case diff.JavaScript, diff.TypeScript:
		msg = r.checkJS(fc, v, i)
	case diff.Python:
		msg = r.checkPython(fc, v, i)
	case diff.Go:
		msg = r.checkGo(fc, v, i)
	case diff.Java:
		msg = r.checkJava(fc, v, i)
	}
	if msg != "" {
		fc.Report(checks.Finding{StartLine: v.Lines[i].NewLine, Message: msg})
	}
}

// outputAllowed is where printing is the program's job.
func outputAllowed(fc *checks.FileContext) bool {
	p := fc.Path()
	if fc.IsTest || pathHasDir(p, "cmd", "scripts", "script", "bin", "examples", "example", "samples", "sample", "tools", "hack", "demo", "cli", "benchmarks", "notebooks") {
		return true
	}
	b := strings.ToLower(baseName(p))
	for _, n := range []string{"cli.", "__main__.py", "manage.py", "setup.py", "conftest.py", "gulpfile.", "gruntfile.", "main.go", "main.py", "test.", "tests.", "bench", "example"} {
		if strings.HasPrefix(b, n) {
			return true
		}
	}
	return strings.Contains(b, ".config.") || strings.HasSuffix(b, ".mjs") && strings.Contains(b, "config")
}

// callAt finds name followed by "(" in code at an identifier boundary
// (not a method of something else, unless name carries its receiver).
func callAt(code, name string) int {
	for off := 0; off < len(code); {
		k := strings.Index(code[off:], name)
		if k < 0 {
			return -1
		}
		a := off + k
		b := a + len(name)
		if (a == 0 || !isIdentByte(code[a-1]) && code[a-1] != '.') && b < len(code) && code[b] == '(' {
			return a
		}
		off = a + 1
	}
	return -1
}

// debugGuarded reports whether the output sits behind a debug or verbose
// flag on its own line or the line that opens its block.
func debugGuarded(v *checks.HunkView, i int) bool {
	for _, j := range []int{i, v.PrevCode(i)} {
		if j < 0 {
			continue
		}
		t := v.Lines[j].Text
		if indexWord(v.Code(j), "if") >= 0 && (hasFold(t, "debug") || hasFold(t, "verbose")) {
			return true
		}
	}
	return false
}

var consoleMethods = []string{"log", "debug", "trace", "dir", "table"}

func (r *debugLeftover) checkJS(fc *checks.FileContext, v *checks.HunkView, i int) string {
	code := v.Code(i)
	if t := strings.TrimSpace(code); t == "debugger" || t == "debugger;" {
		return "`debugger` statement left in: execution stops here whenever developer tools are open. Remove it."
	}
	k := indexWord(code, "console")
	if k < 0 || k+8 > len(code) || code[k+7] != '.' || k > 0 && code[k-1] == '.' {
		return ""
	}
	rest := code[k+8:]
	method := ""
	for _, m := range consoleMethods {
		if strings.HasPrefix(rest, m+"(") {
			method = m
			break
		}
	}
	if method == "" || outputAllowed(fc) || jsCLI(fc) || debugGuarded(v, i) || listenCallback(v, i) {
		return ""
	}
	return fmt.Sprintf("`console.%s` left in: debugging output ships to every user's console or the server log. Remove it, or log through the project's logger at debug level.", method)
}

// listenCallback is the start-up line of a server ("listening on :3000"),
// which is output on purpose.
func listenCallback(v *checks.HunkView, i int) bool {
	for j := i; j >= 0 && j >= i-2; j-- {
		t := v.Lines[j].Text
		if strings.Contains(t, ".listen(") || strings.Contains(t, "'listening'") || strings.Contains(t, "\"listening\"") {
			return true
		}
	}
	return false
}

// jsCLI reports whether a JS/TS file is a command-line program: a shebang,
// or an argument parser, seen anywhere in the file's hunks.
func jsCLI(fc *checks.FileContext) bool {
	return memoBool(fc, "aihygiene/js-cli:", func() bool {
		return scanFile(fc, func(n int, t string) bool {
			return n == 1 && strings.HasPrefix(t, "#!") ||
				strings.Contains(t, "process.argv") || strings.Contains(t, "'commander'") || strings.Contains(t, "\"commander\"") ||
				strings.Contains(t, "yargs") || strings.Contains(t, "'meow'") || strings.Contains(t, "parseArgs(")
		})
	})
}

func (r *debugLeftover) checkPython(fc *checks.FileContext, v *checks.HunkView, i int) string {
	code := v.Code(i)
	t := strings.TrimSpace(code)
	for _, dbg := range []string{"pdb", "ipdb", "pudb"} {
		if k := indexWord(code, dbg); k >= 0 {
			if strings.HasPrefix(code[k+len(dbg):], ".set_trace(") {
				return fmt.Sprintf("`%s.set_trace()` left in: the process stops and waits for a debugger. Remove it.", dbg)
			}
			if strings.HasPrefix(t, "import "+dbg) || strings.HasPrefix(t, "from "+dbg+" import") {
				return fmt.Sprintf("`import %s` left in: a debugger import has no place in committed code. Remove it.", dbg)
			}
		}
	}
	if k := callAt(code, "breakpoint"); k >= 0 && !strings.HasPrefix(t, "def ") {
		return "`breakpoint()` left in: the process stops and waits for a debugger. Remove it."
	}
	if callAt(code, "print") < 0 || strings.HasPrefix(t, "def ") {
		return ""
	}
	raw := v.Lines[i].Text
	if strings.Contains(raw, "file=sys.stderr") || strings.Contains(raw, "file=") || outputAllowed(fc) || debugGuarded(v, i) || pyInMain(v, i) || pyScript(fc) {
		return ""
	}
	return "`print()` in a library module writes to whoever imports it. Use the `logging` module (logger.debug) or remove it."
}

// pyInMain reports whether line i sits in a function named like an entry
// point (main, cli, run_cli) or a `if __name__ == "__main__":` block.
func pyInMain(v *checks.HunkView, i int) bool {
	for j := pyOpener(v, i); j >= 0; j = pyOpener(v, j) {
		t := strings.TrimSpace(v.Lines[j].Text)
		if strings.HasPrefix(t, "if __name__") {
			return true
		}
		if d := pyDefFor(v, j); d >= 0 {
			name := strings.TrimSpace(v.Lines[d].Text)
			name = strings.TrimPrefix(strings.TrimPrefix(name, "async "), "def ")
			for _, n := range []string{"main(", "cli(", "run_cli(", "_main(", "print_", "show_", "display_", "dump", "usage(", "report("} {
				if strings.HasPrefix(name, n) {
					return true
				}
			}
			for _, dec := range pyDecorators(v, d) {
				if strings.Contains(dec, ".command") || strings.Contains(dec, "click.") {
					return true
				}
			}
		}
	}
	return false
}

// pyScript reports whether a Python file is a program rather than a
// module: a shebang on line 1, a __main__ guard or an argument parser.
// A modified file whose top is not in the diff is read from the
// repository; without one, a top-level file is taken as a script (they
// usually are) and a file in a package as a module.
func pyScript(fc *checks.FileContext) bool {
	return memoBool(fc, "aihygiene/py-script:", func() bool {
		isScript := func(n int, t string) bool {
			return n == 1 && strings.HasPrefix(t, "#!") || strings.HasPrefix(t, "if __name__") ||
				strings.HasPrefix(t, "import argparse") || strings.HasPrefix(t, "from argparse") ||
				strings.HasPrefix(t, "import click") || strings.HasPrefix(t, "import typer") ||
				strings.HasPrefix(t, "import fire") || strings.HasPrefix(t, "from docopt") || strings.Contains(t, "sys.argv")
		}
		if scanFile(fc, isScript) {
			return true
		}
		if seesTop(fc) {
			return false
		}
		if text, ok := readHead(fc); ok {
			return scanText(text, isScript)
		}
		return !strings.Contains(fc.Path(), "/")
	})
}

func (r *debugLeftover) checkGo(fc *checks.FileContext, v *checks.HunkView, i int) string {
	code := v.Code(i)
	call := ""
	for _, c := range []string{"fmt.Println", "fmt.Printf", "fmt.Print", "spew.Dump"} {
		if callAt(code, c) >= 0 {
			call = c
			break
		}
	}
	if call == "" || outputAllowed(fc) || debugGuarded(v, i) || goPrinterFunc(v, i) || goMain(fc) {
		return ""
	}
	if call == "spew.Dump" {
		return "`spew.Dump` is debugging output. Remove it before merging."
	}
	return fmt.Sprintf("`%s` outside package main writes to the stdout of every program that imports this package. Return the data, log it through the package's logger, or remove it.", call)
}

// goPrinterFunc reports whether line i is in a function whose job is to
// print (Print, Dump, Usage, String-like renderers).
func goPrinterFunc(v *checks.HunkView, i int) bool {
	for j := i; j >= 0 && j >= i-300; j-- {
		t := v.Lines[j].Text
		if !strings.HasPrefix(t, "func ") {
			continue
		}
		t = strings.TrimPrefix(t, "func ")
		if strings.HasPrefix(t, "(") {
			if k := strings.IndexByte(t, ')'); k >= 0 {
				t = strings.TrimSpace(t[k+1:])
			}
		}
		for _, p := range []string{"Print", "print", "Dump", "dump", "Usage", "usage", "Show", "show", "Display", "display", "Render", "render", "Debug", "debug", "Example", "main("} {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
		return false
	}
	return false
}

// goMain reports whether a Go file is in package main, from its package
// clause in the diff or the repository. Without either, a file at the
// repository root (where single-binary projects keep main) counts as main.
func goMain(fc *checks.FileContext) bool {
	return memoBool(fc, "aihygiene/go-main:", func() bool {
		pkg := ""
		clause := func(_ int, t string) bool {
			if strings.HasPrefix(t, "package ") {
				pkg = strings.TrimSpace(strings.TrimPrefix(t, "package "))
				if k := strings.IndexAny(pkg, " \t/"); k >= 0 {
					pkg = pkg[:k]
				}
				return true
			}
			return false
		}
		if !scanFile(fc, clause) {
			if text, ok := readHead(fc); ok {
				scanText(text, clause)
			}
		}
		if pkg != "" {
			return pkg == "main"
		}
		return !strings.Contains(fc.Path(), "/")
	})
}

func (r *debugLeftover) checkJava(fc *checks.FileContext, v *checks.HunkView, i int) string {
	code := v.Code(i)
	call := ""
	for _, c := range []string{"System.out.print", "System.err.print"} {
		if k := strings.Index(code, c); k >= 0 && (k == 0 || !isIdentByte(code[k-1]) && code[k-1] != '.') {
			call = c
			break
		}
	}
	if call == "" || outputAllowed(fc) || debugGuarded(v, i) || javaMain(fc) {
		return ""
	}
	return fmt.Sprintf("`%s…` in application code bypasses logging. Use the logger (SLF4J, java.util.logging) at debug level, or remove it.", call)
}

// javaMain reports whether the Java file declares a main method.
func javaMain(fc *checks.FileContext) bool {
	return memoBool(fc, "aihygiene/java-main:", func() bool {
		return scanFile(fc, func(_ int, t string) bool { return strings.Contains(t, "static void main(") })
	})
}

// memoBool computes a per-file fact once per review.
func memoBool(fc *checks.FileContext, key string, compute func() bool) bool {
	if fc.Run == nil {
		return compute()
	}
	v, _ := fc.Run.Memo(key+fc.Path(), func() (any, error) { return compute(), nil })
	b, _ := v.(bool)
	return b
}

// scanFile calls match with the new line number and trimmed text of every
// line the diff shows of the new file, until it returns true.
func scanFile(fc *checks.FileContext, match func(n int, t string) bool) bool {
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			if match(l.NewLine, strings.TrimSpace(l.Text)) {
				return true
			}
		}
	}
	return false
}

// scanText is scanFile over a whole file's text.
func scanText(text string, match func(n int, t string) bool) bool {
	n := 0
	for len(text) > 0 {
		n++
		line := text
		if k := strings.IndexByte(text, '\n'); k >= 0 {
			line, text = text[:k], text[k+1:]
		} else {
			text = ""
		}
		if match(n, strings.TrimSpace(line)) {
			return true
		}
	}
	return false
}

// seesTop reports whether the diff shows the whole file (a new file) or
// at least its first line.
func seesTop(fc *checks.FileContext) bool {
	if fc.File.Status == diff.AddedFile {
		return true
	}
	for _, v := range fc.Views {
		if len(v.Lines) > 0 && v.Lines[0].NewLine == 1 {
			return true
		}
	}
	return false
}

// readHead reads the file at the reviewed revision, when a repository is
// at hand.
func readHead(fc *checks.FileContext) (string, bool) {
	if fc.Run == nil || fc.Run.Repo == nil {
		return "", false
	}
	ctx := fc.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	b, err := fc.Run.Repo.ReadFile(ctx, fc.Path())
	if err != nil {
		return "", false
	}
	return string(b), true
}
