package errorhandling

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// jsEmptyCatch flags empty catch blocks (ESLint no-empty: a comment inside
// makes it deliberate) and catch blocks that only log to the console.
type jsEmptyCatch struct{ checks.Described }

func newJSEmptyCatch() *jsEmptyCatch {
	return &jsEmptyCatch{checks.Described{M: checks.Meta{
		ID:        "js-empty-catch",
		Family:    Family,
		Title:     "Empty catch block",
		Summary:   "A catch block is empty or only logs to the console, so the error is swallowed.",
		Languages: []diff.Language{diff.JavaScript, diff.TypeScript},
		Severity:  checks.Warning,
		Keywords:  []string{"catch"},
	}}}
}

func (r *jsEmptyCatch) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if raw := v.Lines[i].Text; !mayHoldCatch(raw) || lintSuppressed(raw) {
		return
	}
	for _, c := range catchClauses(v, i, false) {
		if ignoredCatchNames[catchName(c.param)] || explained(c.comments) {
			continue
		}
		if len(c.stmts) == 0 {
			report(fc, v, i, checks.Warning,
				"Empty catch block: the error is silently swallowed. Handle it, rethrow it, or add a comment explaining why it is safe to ignore.")
			return
		}
		if allStmts(c.stmts, isConsoleCall) {
			report(fc, v, i, checks.Notice,
				"This catch block only logs the error to the console and carries on; handle it or rethrow it so callers (and users) see the failure.")
			return
		}
	}
}

// jsPromiseCatchNoop flags promise rejection handlers that do nothing:
// .catch(() => {}), .catch(() => null), .catch(console.error), ...
type jsPromiseCatchNoop struct{ checks.Described }

func newJSPromiseCatchNoop() *jsPromiseCatchNoop {
	return &jsPromiseCatchNoop{checks.Described{M: checks.Meta{
		ID:        "js-promise-catch-noop",
		Family:    Family,
		Title:     "Promise rejection swallowed",
		Summary:   "A promise's .catch() handler is a no-op or only logs, so the rejection disappears.",
		Languages: []diff.Language{diff.JavaScript, diff.TypeScript},
		Severity:  checks.Warning,
		Keywords:  []string{".catch("},
	}}}
}

// noopKind is what a rejection handler does.
type noopKind uint8

const (
	noopNone    noopKind = iota
	noopEmpty            // () => {}, noop
	noopValue            // () => null / undefined / false / [] / ({})
	noopConsole          // console.error, e => console.log(e)
)

var (
	jsNoopValue = regexp.MustCompile(`^(?:null|undefined|void 0|false|\[\]|\(\{\}\)|0|""|''|\{\})$`)
	jsNoopRef   = regexp.MustCompile(`^(?:console\.(?:log|error|warn|info|debug|trace)|(?:_|lodash|angular)\.noop|noop)$`)
	jsParamRef  = regexp.MustCompile(`^[\w$]+`)
	// jsUsesValue matches the start of a statement whose value is kept:
	// a declaration, an assignment, a return or an object property.
	jsUsesValue = regexp.MustCompile(`^\s*(?:(?:export\s+)?(?:const|let|var)\s|return\b|yield\b|[\w$.\[\]]+\s*(?:\?\?|\|\||&&)?=[^=>]|[\w$]+\s*:\s)`)
)

func (r *jsPromiseCatchNoop) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if lintSuppressed(v.Lines[i].Text) {
		return
	}
	code := v.Code(i)
	for off := 0; ; {
		k := strings.Index(code[off:], ".catch(")
		if k < 0 {
			return
		}
		k += off
		off = k + 1
		kind := jsHandlerKind(v, i, k+len(".catch("))
		if kind == noopNone {
			continue
		}
		if kind != noopConsole {
			// A fallback value that the code goes on to use is a
			// deliberate default, and media.play() rejects by design
			// under autoplay policies.
			if strings.HasSuffix(code[:k], ".play()") || jsValueUsed(v, i, k) {
				continue
			}
		}
		msg := "This .catch() handler does nothing with the rejection, so the failure disappears; handle the error (show it, retry, or rethrow) or let it propagate."
		if kind == noopConsole {
			msg = "This .catch() only logs the rejection to the console and resolves as if nothing failed; handle the error or rethrow it so callers can react."
		}
		report(fc, v, i, checks.Warning, msg)
		return
	}
}

// jsHandlerKind reads the handler passed to .catch( starting at p.
func jsHandlerKind(v *checks.HunkView, i, p int) noopKind {
	code := v.Code(i)
	s := strings.TrimLeft(code[p:], " \t")
	at := len(code) - len(s)
	if strings.HasPrefix(s, "async ") {
		s = strings.TrimLeft(s[len("async "):], " \t")
		at = len(code) - len(s)
	}
	switch {
	case strings.HasPrefix(s, "function"):
		rest := s[len("function"):]
		q := strings.IndexByte(rest, '(')
		if q < 0 {
			return noopNone
		}
		end := matchClose(rest, q)
		if end < 0 {
			return noopNone
		}
		after := at + len("function") + end
		return jsBlockKind(v, i, after)
	case strings.HasPrefix(s, "("):
		end := matchClose(s, 0)
		if end < 0 {
			return noopNone
		}
		return jsArrowKind(v, i, at+end)
	}
	name := jsParamRef.FindString(s)
	if name == "" {
		return noopNone
	}
	// A dotted reference (console.error) is passed as the handler itself.
	ref := name
	for rest := s[len(name):]; strings.HasPrefix(rest, "."); rest = s[len(ref):] {
		seg := jsParamRef.FindString(rest[1:])
		if seg == "" {
			break
		}
		ref += "." + seg
	}
	after := strings.TrimLeft(s[len(ref):], " \t")
	switch {
	case strings.HasPrefix(after, ")") && jsNoopRef.MatchString(ref):
		if strings.HasPrefix(ref, "console.") {
			return noopConsole
		}
		return noopEmpty
	case ref == name && strings.HasPrefix(after, "=>"):
		return jsArrowKind(v, i, at+len(name))
	}
	return noopNone
}

// jsArrowKind reads an arrow function's body after its parameters at
// code[p:], expecting "=>".
func jsArrowKind(v *checks.HunkView, i, p int) noopKind {
	code := v.Code(i)
	s := strings.TrimLeft(code[p:], " \t")
	if !strings.HasPrefix(s, "=>") {
		return noopNone
	}
	body := strings.TrimLeft(s[2:], " \t")
	at := len(code) - len(body)
	if strings.HasPrefix(body, "{") {
		return jsBlockKind(v, i, at)
	}
	// An expression body ends at the ')' that closes .catch(.
	depth, end := 0, -1
	for k := at; k < len(code) && end < 0; k++ {
		switch code[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				end = k
			}
			depth--
		case ',':
			if depth == 0 {
				end = k
			}
		}
	}
	if end < 0 {
		return noopNone
	}
	expr := strings.TrimSpace(code[at:end])
	switch {
	case jsNoopValue.MatchString(expr):
		return noopValue
	case isConsoleCall(expr):
		return noopConsole
	}
	return noopNone
}

// jsBlockKind reads a function body whose '{' follows code[p:] on line i
// (or opens the next line) and must be followed by the ')' of .catch(.
func jsBlockKind(v *checks.HunkView, i, p int) noopKind {
	open, ok := openBrace(v, i, p)
	if !ok {
		return noopNone
	}
	closing, ok := matchBrace(v, open)
	if !ok {
		return noopNone
	}
	after := strings.TrimLeft(v.Code(closing.line)[closing.col+1:], " \t")
	if !strings.HasPrefix(after, ")") {
		return noopNone
	}
	if explained(blockComments(v, open, closing, cOpeners)) {
		return noopNone
	}
	stmts := splitStatements(blockBody(v, open, closing))
	switch {
	case len(stmts) == 0:
		return noopEmpty
	case len(stmts) == 1 && (stmts[0] == "return" || strings.HasPrefix(stmts[0], "return ") && jsNoopValue.MatchString(strings.TrimSpace(stmts[0][len("return "):]))):
		return noopValue
	case allStmts(stmts, isConsoleCall):
		return noopConsole
	}
	return noopNone
}

// jsValueUsed reports whether the promise chain whose .catch( is at
// column k of line i is assigned, returned or passed on, so a fallback
// value is consumed by later code. Chains continued on lines starting with
// '.' are read back to their first line.
func jsValueUsed(v *checks.HunkView, i, k int) bool {
	text := v.Code(i)[:k]
	for j, n := i, 0; n < 10 && strings.HasPrefix(strings.TrimSpace(text), "."); n++ {
		if j = v.PrevCode(j); j < 0 {
			break
		}
		text = v.Code(j)
	}
	// Walk back to the start of the statement: an unmatched '(' or '['
	// means the chain is an argument or a condition (its value is used);
	// an unmatched '{' or a ';' starts the statement.
	depth := 0
scan:
	for x := len(text) - 1; x >= 0; x-- {
		switch text[x] {
		case ')', ']', '}':
			depth++
		case '(', '[':
			if depth == 0 {
				return true
			}
			depth--
		case '{':
			if depth == 0 {
				text = text[x+1:]
				break scan
			}
			depth--
		case ';':
			if depth == 0 {
				text = text[x+1:]
				break scan
			}
		}
	}
	return jsUsesValue.MatchString(text)
}
