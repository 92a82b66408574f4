package aihygiene

import (
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// Python block structure read from indentation. Every helper looks only at
// the hunk: a hunk may start inside a class or a function, and then the
// answer is "unknown" rather than a guess.

// pyLookBack bounds how far the helpers walk up a hunk.
const pyLookBack = 200

// pyOpener returns the nearest line above i whose code is indented less
// than line i (the line that opens i's block), or -1.
func pyOpener(v *checks.HunkView, i int) int {
	cur := indent(v.Code(i))
	for j := i - 1; j >= 0 && j >= i-pyLookBack; j-- {
		c := v.Code(j)
		if isBlank(c) {
			continue
		}
		if indent(c) < cur {
			return j
		}
	}
	return -1
}

func isPyDef(trimmed string) bool {
	return strings.HasPrefix(trimmed, "def ") || strings.HasPrefix(trimmed, "async def ")
}

// pyDefFor returns the def line when line j is a def header, or the last
// line of a def signature split over several lines (`) -> int:`); else -1.
func pyDefFor(v *checks.HunkView, j int) int {
	if j < 0 {
		return -1
	}
	t := strings.TrimSpace(v.Code(j))
	if isPyDef(t) {
		return j
	}
	if !strings.HasPrefix(t, ")") || !strings.HasSuffix(t, ":") {
		return -1
	}
	ind := indent(v.Code(j))
	for k := j - 1; k >= 0 && k >= j-40; k-- {
		c := v.Code(k)
		if isBlank(c) || indent(c) != ind {
			continue
		}
		if isPyDef(strings.TrimSpace(c)) {
			return k
		}
		return -1
	}
	return -1
}

// pyDecorators returns the decorator lines directly above def line d.
func pyDecorators(v *checks.HunkView, d int) []string {
	var out []string
	ind := indent(v.Code(d))
	for k := d - 1; k >= 0 && k >= d-20; k-- {
		c := v.Code(k)
		if isBlank(c) {
			continue
		}
		t := strings.TrimSpace(c)
		if indent(c) != ind || !strings.HasPrefix(t, "@") {
			break
		}
		out = append(out, v.Lines[k].Text)
	}
	return out
}

type pyScope int

const (
	pyScopeUnknown  pyScope = iota // the enclosing block is not in the hunk
	pyScopeFunction                // module level, or nested in a function
	pyScopeClass                   // a method of the class at the returned line
)

// pyClassFor says what def line d belongs to.
func pyClassFor(v *checks.HunkView, d int) (pyScope, int) {
	if indent(v.Code(d)) == 0 {
		return pyScopeFunction, -1
	}
	op := pyOpener(v, d)
	if op < 0 {
		return pyScopeUnknown, -1
	}
	if strings.HasPrefix(strings.TrimSpace(v.Code(op)), "class ") {
		return pyScopeClass, op
	}
	return pyScopeFunction, -1
}

// pyClassName is the name in a `class Name(...)` line.
func pyClassName(line string) string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "class ")
	n := 0
	for n < len(t) && isIdentByte(t[n]) {
		n++
	}
	return t[:n]
}

// isAbstractPyClass reports whether the class opened at line c is meant
// to be subclassed: an ABC or Protocol, named like a base, documented as
// one, or subclassed elsewhere in the diff. Raising NotImplementedError
// there is the contract, not a stub.
func isAbstractPyClass(fc *checks.FileContext, v *checks.HunkView, c int) bool {
	line := v.Lines[c].Text
	name := pyClassName(line)
	if name == "" {
		return false
	}
	for _, p := range []string{"Base", "Abstract", "Interface"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	for _, s := range []string{"Base", "Interface", "Mixin", "Protocol", "ABC", "Backend", "Strategy", "Handler"} {
		if strings.HasSuffix(name, s) && name != s {
			return true
		}
	}
	if k := strings.IndexByte(line, '('); k >= 0 {
		bases := line[k:]
		for _, b := range []string{"ABC", "Protocol", "metaclass", "Interface", "Generic[", "(Base", " Base", "(Abstract", " Abstract"} {
			if strings.Contains(bases, b) {
				return true
			}
		}
	}
	for k := c + 1; k < len(v.Lines) && k <= c+4; k++ {
		t := v.Lines[k].Text
		for _, w := range []string{"base class", "abstract", "interface", "subclass", "override", "protocol"} {
			if hasFold(t, w) {
				return true
			}
		}
	}
	// Subclassed in the same diff: `class CsvExporter(Exporter):`.
	for _, hv := range fc.Views {
		for _, l := range hv.Lines {
			t := l.Text
			k := strings.Index(t, "class ")
			if k < 0 || strings.TrimSpace(t[:k]) != "" || t == line {
				continue
			}
			if p := strings.IndexByte(t, '('); p >= 0 && indexWord(t[p:], name) >= 0 {
				return true
			}
		}
	}
	return false
}

// pyBodyOnlyStub reports whether the lines between def line d and line i
// hold nothing but the rest of the signature, a docstring and comments, so
// that line i is the first statement of the function.
func pyBodyOnlyStub(v *checks.HunkView, d, i int) bool {
	h := d
	for h < i && !strings.HasSuffix(strings.TrimSpace(v.Code(h)), ":") {
		h++
	}
	for k := h + 1; k < i; k++ {
		// A docstring keeps only its quotes (and prefix) once masked.
		if strings.Trim(v.Code(k), "\"' \trRbBuU") != "" {
			return false
		}
	}
	return true
}
