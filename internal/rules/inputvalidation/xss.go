package inputvalidation

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// xssRawHTMLSink reports non-literal text written into HTML without the
// framework's escaping: DOM sinks, template "safe" markers, hand-written
// HTML responses.
type xssRawHTMLSink struct{ checks.Described }

func newXSSRawHTMLSink() *xssRawHTMLSink {
	return &xssRawHTMLSink{checks.Described{M: checks.Meta{
		ID:        "xss-raw-html-sink",
		Family:    family,
		Title:     "Unescaped HTML output",
		Summary:   "Non-literal text reaches an HTML sink that bypasses escaping (innerHTML, |safe, mark_safe, template.HTML, ...): cross-site scripting.",
		Languages: languages(diff.HTML),
		Severity:  checks.Warning,
		Keywords: []string{"innerhtml", "outerhtml", "insertadjacenthtml", "document.write", "dangerouslysetinnerhtml",
			"v-html", ".html(", "bypasssecuritytrust", "mark_safe", "markup(", "autoescape", "response(", `return f"`,
			"return f'", `return "<`, "return '<", "template.", "fmt.fprint", "io.writestring", ".write(", "getwriter",
			".print", "|safe", "| safe", "{{{", "{@html", "th:utext", "<%=", "text/template"},
	}}}
}

var (
	jsInnerHTML   = regexp.MustCompile(`\.(?:innerHTML|outerHTML)\s*\+?=`)
	jsAdjacent    = regexp.MustCompile(`\.insertAdjacentHTML\s*\(`)
	jsDocWrite    = regexp.MustCompile(`\bdocument\.write(?:ln)?\s*\(`)
	jsDangerous   = regexp.MustCompile(`\bdangerouslySetInnerHTML\s*=\s*\{`)
	jsHTMLKey     = regexp.MustCompile(`\b__html\s*:`)
	jsJQueryHTML  = regexp.MustCompile(`\$\([^)]*\)\s*\.\s*html\s*\(`)
	jsBypass      = regexp.MustCompile(`\bbypassSecurityTrust(?:Html|Script|Style|Url|ResourceUrl)\s*\(`)
	vueVHTML      = regexp.MustCompile(`\bv-html\s*=\s*["']([^"']*)`)
	tplSafeFilter = regexp.MustCompile(`\{\{[^}]*\|\s*safe\b|\{%-?\s*autoescape\s+(?:off|false)\b|\{\{\{\s*[^\s}]|\{@html\s|\bth:utext\s*=`)
	jspExpr       = regexp.MustCompile(`<%=[^%]*getParameter\s*\(`)

	pyMarkSafe   = regexp.MustCompile(`\b(?:mark_safe|Markup|SafeString)\s*\(`)
	pyAutoescape = regexp.MustCompile(`\bautoescape\s*=\s*False\b`)
	pyResponse   = regexp.MustCompile(`\b(?:HttpResponse|make_response|HTMLResponse|Response)\s*\(`)
	pyReturn     = regexp.MustCompile(`^\s*return\s+`)
	pyRoute      = regexp.MustCompile(`^\s*@[\w.]*\.(?:route|get|post|put|delete|patch|api_route)\s*\(|\bdef\s+\w+\s*\(\s*request\b`)

	htmlTag = regexp.MustCompile(`<\s*/?[A-Za-z][A-Za-z0-9]*[\s>/]`)

	goTemplateType = regexp.MustCompile(`\btemplate\.(?:HTML|JS|URL|HTMLAttr|CSS|JSStr|Srcset)\s*\(`)
	goFprint       = regexp.MustCompile(`\bfmt\.Fprint(f|ln)?\s*\(`)
	goWriteString  = regexp.MustCompile(`\bio\.WriteString\s*\(`)
	goWrite        = regexp.MustCompile(`\b(?:w|rw|writer|resp|res)\.Write\s*\(`)
	goFormatVerb   = regexp.MustCompile(`%[-+# 0-9.]*[sv]`)

	javaWriterCall = regexp.MustCompile(`getWriter\(\)\s*\.\s*(?:print|println|write|printf|format|append)\s*\(`)
	javaVarPrint   = regexp.MustCompile(`\b([\w$]+)\s*\.\s*(?:print|println|write|printf|format|append)\s*\(`)
)

// sanitiserCall matches an escaping or sanitising call (DOMPurify.sanitize,
// bleach.clean, html.escape, escapeHtml, html.EscapeString,
// Encode.forHtml): the catalogue suppresses the rule when one is on the
// line. It wants the call, so that Angular's this.sanitizer.bypass...()
// does not count.
var sanitiserCall = regexp.MustCompile(`(?i)(?:sanitiz|sanitis|escape|bleach\.clean|purify|forhtml)\w*\s*\(|\bxss\s*\(`)

func sanitiser(text string) bool {
	if !strings.ContainsAny(text, "(") {
		return false
	}
	return sanitiserCall.MatchString(text)
}

// cleanValue reports whether a value is sanitised where it is used, or is
// a variable whose assignment in the hunk sanitised it.
func cleanValue(lang diff.Language, v *checks.HunkView, i int, s span) bool {
	if sanitiser(s.Raw) {
		return true
	}
	name := strings.TrimSpace(s.Code)
	if !isPlainIdent(name) {
		return false
	}
	for _, a := range assignments(lang, v, i, name) {
		if sanitiser(a.rhs.Raw) {
			return true
		}
	}
	return false
}

func (r *xssRawHTMLSink) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	switch fc.Lang() {
	case diff.JavaScript, diff.TypeScript:
		r.javascript(fc, v, i)
	case diff.HTML:
		r.template(fc, v, i)
	case diff.Python:
		r.python(fc, v, i)
	case diff.Go:
		r.golang(fc, v, i)
	case diff.Java:
		r.java(fc, v, i)
	}
}

func (r *xssRawHTMLSink) flag(fc *checks.FileContext, v *checks.HunkView, i int, ui bool, what, fix string) {
	if sanitiser(v.Lines[i].Text) {
		return
	}
	ui = ui || userInputNear(fc.Lang(), v, i)
	msg := what + "; " + fix + "."
	if ui {
		msg = what + ", and it carries request data (cross-site scripting); " + fix + "."
	}
	report(fc, v, i, severity(fc, r.M.Severity, ui), msg)
}

// dynamicArg reads the call opening at the end of loc and reports whether
// argument n is non-literal and not sanitised.
func dynamicArg(lang diff.Language, v *checks.HunkView, i int, code string, loc []int, n int) (span, bool) {
	open := callOpen(code, loc)
	if open < 0 {
		return span{}, false
	}
	c := readCall(v, i, open)
	if len(c.args) <= n {
		return span{}, false
	}
	a := c.args[n]
	return a, classify(lang, a, nil) == argDynamic && !cleanValue(lang, v, i, a)
}

func (r *xssRawHTMLSink) javascript(fc *checks.FileContext, v *checks.HunkView, i int) {
	lang := fc.Lang()
	ls := lexical.LineSpan(v, i)
	code := ls.Code
	const fix = "set textContent, or sanitise with DOMPurify.sanitize before inserting HTML"
	if !hasAny(code, "HTML", "document.write", ".html", "bypassSecurityTrust") && !strings.Contains(ls.Raw, "v-html") {
		return
	}
	if loc := jsInnerHTML.FindStringIndex(code); loc != nil && !(loc[1] < len(code) && code[loc[1]] == '=') {
		rhs := readStatement(lang, v, i, loc[1], false)
		if classify(lang, rhs, nil) == argDynamic && !cleanValue(lang, v, i, rhs.Trim()) {
			r.flag(fc, v, i, false, "Non-literal HTML is assigned to innerHTML/outerHTML", fix)
			return
		}
	}
	if loc := jsAdjacent.FindStringIndex(code); loc != nil {
		if _, dyn := dynamicArg(lang, v, i, code, loc, 1); dyn {
			r.flag(fc, v, i, false, "insertAdjacentHTML inserts non-literal HTML", fix)
			return
		}
	}
	if loc := jsDocWrite.FindStringIndex(code); loc != nil {
		if _, dyn := dynamicArg(lang, v, i, code, loc, 0); dyn {
			r.flag(fc, v, i, false, "document.write writes non-literal HTML", fix)
			return
		}
	}
	if jsDangerous.MatchString(code) {
		for j := i; j < len(v.Lines) && j <= i+3; j++ {
			c := lexical.LineSpan(v, j).Code
			loc := jsHTMLKey.FindStringIndex(c)
			if loc == nil {
				continue
			}
			val := readStatement(lang, v, j, loc[1], true).Trim()
			if classify(lang, val, nil) == argDynamic && !cleanValue(lang, v, i, val) {
				r.flag(fc, v, i, false, "dangerouslySetInnerHTML renders non-literal HTML", "render the text as JSX children, or sanitise it with DOMPurify.sanitize")
				return
			}
			break
		}
	}
	if loc := jsJQueryHTML.FindStringIndex(code); loc != nil {
		if _, dyn := dynamicArg(lang, v, i, code, loc, 0); dyn {
			r.flag(fc, v, i, false, "jQuery .html() inserts non-literal HTML", "use .text(), or sanitise with DOMPurify.sanitize")
			return
		}
	}
	if loc := jsBypass.FindStringIndex(code); loc != nil {
		if _, dyn := dynamicArg(lang, v, i, code, loc, 0); dyn {
			r.flag(fc, v, i, false, "bypassSecurityTrust* turns off Angular's sanitising for a non-literal value", "let Angular sanitise the binding, or sanitise the value yourself first")
			return
		}
	}
	if m := vueVHTML.FindStringSubmatch(ls.Raw); m != nil && !sanitiser(m[1]) {
		r.flag(fc, v, i, false, "v-html renders an expression as raw HTML", "use {{ }} interpolation, or sanitise the HTML with DOMPurify first")
	}
}

func (r *xssRawHTMLSink) template(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "v-html", "safe", "autoescape", "{{{", "{@html", "utext", "<%=") {
		return
	}
	if m := vueVHTML.FindStringSubmatch(code); m != nil && !sanitiser(m[1]) {
		r.flag(fc, v, i, false, "v-html renders an expression as raw HTML", "use {{ }} interpolation, or sanitise the HTML with DOMPurify first")
		return
	}
	if loc := tplSafeFilter.FindStringIndex(code); loc != nil && !inJinjaComment(code, loc[0]) {
		what := "The template marks a value as safe HTML, turning off autoescaping"
		switch m := code[loc[0]:loc[1]]; {
		case strings.Contains(m, "autoescape"):
			what = "The template turns autoescaping off"
		case strings.HasPrefix(m, "{{{"), strings.HasPrefix(m, "{@html"), strings.Contains(m, "utext"):
			what = "The template renders a value as raw, unescaped HTML"
		}
		r.flag(fc, v, i, false, what, "let the template escape it, or sanitise it (bleach, DOMPurify) before marking it safe")
		return
	}
	if jspExpr.MatchString(code) {
		r.flag(fc, v, i, true, "A JSP expression writes a request parameter into the page without escaping", "escape it with <c:out> or fn:escapeXml")
	}
}

func (r *xssRawHTMLSink) python(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "mark_safe", "Markup", "SafeString", "autoescape", "esponse(", "return") {
		return
	}
	if loc := pyMarkSafe.FindStringIndex(code); loc != nil {
		if _, dyn := dynamicArg(diff.Python, v, i, code, loc, 0); dyn {
			r.flag(fc, v, i, false, sinkName(code, loc[0], callOpen(code, loc))+" marks non-literal text as safe HTML",
				"build the HTML with format_html / markupsafe escaping, or sanitise it with bleach first")
			return
		}
	}
	if pyAutoescape.MatchString(code) {
		r.flag(fc, v, i, false, "autoescape=False turns off HTML escaping for every template rendered", "use autoescape=select_autoescape() or True")
		return
	}
	if loc := pyResponse.FindStringIndex(code); loc != nil {
		if a, dyn := dynamicArg(diff.Python, v, i, code, loc, 0); dyn && htmlTag.MatchString(stringText(a)) {
			r.flag(fc, v, i, false, "An HTML response is built by formatting non-literal text", "render a template (autoescaped), or escape each value with html.escape")
			return
		}
	}
	if loc := pyReturn.FindStringIndex(code); loc != nil {
		rhs := readStatement(diff.Python, v, i, loc[1], false)
		if startsWithString(rhs.Code) && htmlTag.MatchString(stringText(rhs)) && classify(diff.Python, rhs, nil) == argDynamic &&
			!cleanValue(diff.Python, v, i, rhs) && windowMatch(v, i, 30, 0, pyRoute) {
			r.flag(fc, v, i, false, "A view returns HTML built by formatting non-literal text", "render a template (autoescaped), or escape each value with html.escape")
		}
	}
}

// isResponseWriter reports whether a Go expression names the usual
// http.ResponseWriter parameter.
func isResponseWriter(s string) bool {
	switch strings.TrimSpace(s) {
	case "w", "rw", "writer", "resp", "res", "c.Writer", "ctx.Writer", "c.Response()", "c.Response().Writer":
		return true
	}
	return false
}

func (r *xssRawHTMLSink) golang(fc *checks.FileContext, v *checks.HunkView, i int) {
	ls := lexical.LineSpan(v, i)
	code := ls.Code
	const fix = "render with html/template, or escape each value with html.EscapeString"
	const writeWhat = "HTML is written to the response with non-literal values and no escaping"
	if strings.Contains(code, "template.") {
		if loc := goTemplateType.FindStringIndex(code); loc != nil {
			if _, dyn := dynamicArg(diff.Go, v, i, code, loc, 0); dyn {
				r.flag(fc, v, i, false, "A non-literal value is converted to a trusted html/template type, which skips escaping",
					"pass the plain string and let html/template escape it")
				return
			}
		}
	}
	if strings.Contains(code, "fmt.Fprint") {
		if m := goFprint.FindStringSubmatchIndex(code); m != nil {
			c := readCall(v, i, callOpen(code, m[:2]))
			printf := m[2] >= 0 && code[m[2]:m[3]] == "f"
			if len(c.args) >= 2 && isResponseWriter(c.args[0].Code) && r.goHTMLArgs(v, i, c.args[1:], printf) && goServesHTTP(fc) {
				r.flag(fc, v, i, false, writeWhat, fix)
				return
			}
		}
	}
	if strings.Contains(code, "WriteString") {
		if loc := goWriteString.FindStringIndex(code); loc != nil {
			c := readCall(v, i, callOpen(code, loc))
			if len(c.args) >= 2 && isResponseWriter(c.args[0].Code) && r.goHTMLArgs(v, i, c.args[1:], false) && goServesHTTP(fc) {
				r.flag(fc, v, i, false, writeWhat, fix)
				return
			}
		}
	}
	if strings.Contains(code, ".Write(") {
		if loc := goWrite.FindStringIndex(code); loc != nil {
			c := readCall(v, i, callOpen(code, loc))
			if r.goHTMLArgs(v, i, c.args, false) && goServesHTTP(fc) {
				r.flag(fc, v, i, false, writeWhat, fix)
				return
			}
		}
	}
	if strings.Contains(ls.Raw, `"text/template"`) && fileHas(fc, "http.ResponseWriter") {
		r.flag(fc, v, i, false, "text/template is used in a file that writes HTTP responses; it does not escape HTML",
			`import "html/template" instead`)
	}
}

// goHTMLArgs reports whether written arguments hold an HTML tag and a
// non-literal value: for Fprintf, a %s/%v verb in an HTML format string.
func (r *xssRawHTMLSink) goHTMLArgs(v *checks.HunkView, i int, args []span, printf bool) bool {
	if len(args) == 0 {
		return false
	}
	if printf {
		format := stringText(args[0])
		if !htmlTag.MatchString(format) {
			return false
		}
		if classify(diff.Go, args[0], nil) == argDynamic && !cleanValue(diff.Go, v, i, args[0]) {
			return true
		}
		if !goFormatVerb.MatchString(format) {
			return false
		}
		for _, a := range args[1:] {
			if classify(diff.Go, a, nil) == argDynamic && !cleanValue(diff.Go, v, i, a) {
				return true
			}
		}
		return false
	}
	tag, dyn := false, false
	for _, a := range args {
		tag = tag || htmlTag.MatchString(stringText(a))
		dyn = dyn || classify(diff.Go, a, nil) == argDynamic && !cleanValue(diff.Go, v, i, a)
	}
	return tag && dyn
}

func (r *xssRawHTMLSink) java(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, "print", "write", "format", "append") {
		return
	}
	var loc []int
	if l := javaWriterCall.FindStringIndex(code); l != nil {
		loc = l
	} else if m := javaVarPrint.FindStringSubmatchIndex(code); m != nil {
		name := code[m[2]:m[3]]
		if name != "out" || !strings.HasSuffix(strings.TrimRight(code[:m[2]], " \t"), "System.") {
			if writerVar(v, i, name) {
				loc = m[:2]
			}
		}
	}
	if loc == nil {
		return
	}
	if _, dyn := dynamicArg(diff.Java, v, i, code, loc, 0); !dyn {
		return
	}
	ui := userInputNear(diff.Java, v, i)
	if !ui && !windowHas(v, i, backWindow, 0, "getParameter(") {
		return
	}
	r.flag(fc, v, i, ui, "The servlet writes non-literal text straight into the response",
		"escape it with Encode.forHtml (OWASP Encoder) or render a template that escapes")
}

// writerVar reports whether name was assigned from getWriter() earlier in
// the hunk.
func writerVar(v *checks.HunkView, i int, name string) bool {
	for j := max(0, i-backWindow); j < i; j++ {
		if strings.Contains(v.Lines[j].Text, "getWriter()") && assignedName(lexical.LineSpan(v, j).Code) == name {
			return true
		}
	}
	return false
}

// inJinjaComment reports whether column k of a template line lies inside a
// {# ... #} comment, which the markup masker does not know.
func inJinjaComment(code string, k int) bool {
	open := strings.LastIndex(code[:k], "{#")
	return open >= 0 && !strings.Contains(code[open:k], "#}")
}

// startsWithString reports whether Python code begins with a string literal
// (after opening parentheses), as a view returning formatted HTML does;
// a call such as format_html(...) or render(...) does its own escaping.
func startsWithString(code string) bool {
	k := 0
	for k < len(code) && (lexical.IsSpace(code[k]) || code[k] == '(') {
		k++
	}
	p := k
	for p < len(code) && p-k < 2 && isIdentChar(code[p]) {
		p++
	}
	if p >= len(code) || code[p] != '"' && code[p] != '\'' {
		return false
	}
	return p == k || isPyStringPrefix(code[k:p])
}

// goServesHTTP reports whether the file handles HTTP requests, so that a
// writer named w is a response and not any io.Writer.
func goServesHTTP(fc *checks.FileContext) bool {
	return fileHas(fc, "http.ResponseWriter", "gin.Context", "echo.Context", "fiber.Ctx")
}
