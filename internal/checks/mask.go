package checks

import (
	"strings"
	"unsafe"

	"github.com/prodready/prodready/internal/diff"
)

type commentStyle struct {
	line        []string // line comment openers
	hashAtWord  bool     // '#' opens a comment only at a word start (shell, YAML)
	blockOpen   string
	blockClose  string
	quotes      string // single-line string delimiters
	rawQuote    byte   // multi-line string delimiter (Go raw strings, JS templates)
	rawEscapes  bool
	tripleQuote bool // Python """ and '''
}

var (
	cStyle      = commentStyle{line: []string{"//"}, blockOpen: "/*", blockClose: "*/", quotes: `"'`}
	goStyle     = commentStyle{line: []string{"//"}, blockOpen: "/*", blockClose: "*/", quotes: `"'`, rawQuote: '`'}
	jsStyle     = commentStyle{line: []string{"//"}, blockOpen: "/*", blockClose: "*/", quotes: `"'`, rawQuote: '`', rawEscapes: true}
	pythonStyle = commentStyle{line: []string{"#"}, quotes: `"'`, tripleQuote: true}
	hashStyle   = commentStyle{line: []string{"#"}, hashAtWord: true, quotes: `"'`}
	sqlStyle    = commentStyle{line: []string{"--"}, blockOpen: "/*", blockClose: "*/", quotes: `'`}
	markupStyle = commentStyle{blockOpen: "<!--", blockClose: "-->"}
	phpStyle    = commentStyle{line: []string{"//", "#"}, blockOpen: "/*", blockClose: "*/", quotes: `"'`}
)

func styleFor(lang diff.Language) (commentStyle, bool) {
	switch lang {
	case diff.Go:
		return goStyle, true
	case diff.JavaScript, diff.TypeScript:
		return jsStyle, true
	case diff.Java, diff.Kotlin, diff.C, diff.Cpp, diff.CSharp, diff.Rust:
		return cStyle, true
	case diff.PHP:
		return phpStyle, true
	case diff.Python:
		return pythonStyle, true
	case diff.Ruby, diff.Shell, diff.YAML, diff.TOML, diff.Dockerfile, diff.Properties, diff.Dotenv, diff.Terraform:
		return hashStyle, true
	case diff.SQL:
		return sqlStyle, true
	case diff.HTML, diff.XML, diff.Markdown:
		return markupStyle, true
	}
	return commentStyle{}, false
}

// MaskCode blanks comments and the insides of string literals in a run of
// consecutive lines, keeping every line's length and the quote characters,
// so that a rule can match code structure without matching prose. Block
// comments and multi-line strings carry over from line to line; a hunk
// that starts inside one is read as code, which errs toward reporting.
func MaskCode(lang diff.Language, lines []string) []string {
	return mask(lang, lines, true)
}

// MaskComments blanks comments only, keeping string literals, so that a
// directive can be told apart from text that merely contains its words.
func MaskComments(lang diff.Language, lines []string) []string {
	return mask(lang, lines, false)
}

func mask(lang diff.Language, lines []string, blankStrings bool) []string {
	st, ok := styleFor(lang)
	out := make([]string, len(lines))
	if !ok {
		copy(out, lines)
		return out
	}
	// Bytes that may open a comment or a string; every other byte of code
	// is skipped by one table lookup.
	var special [256]bool
	for _, open := range st.line {
		special[open[0]] = true
	}
	if st.blockOpen != "" {
		special[st.blockOpen[0]] = true
	}
	for i := 0; i < len(st.quotes); i++ {
		special[st.quotes[i]] = true
	}
	if st.rawQuote != 0 {
		special[st.rawQuote] = true
	}
	if st.tripleQuote {
		special['"'], special['\''] = true, true
	}
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	// One buffer holds every masked line, so a hunk costs two allocations
	// however many of its lines change.
	arena := make([]byte, 0, total)
	type span struct{ start, end int }
	spans := make([]span, len(lines))
	changed := make([]bool, len(lines))

	const (
		inCode = iota
		inBlock
		inRaw
		inTriple
	)
	state := inCode
	var triple string
	for li, s := range lines {
		base := len(arena)
		arena = append(arena, s...)
		buf := arena[base:]
		spans[li] = span{base, len(arena)}
		blankRange := func(from, to int) {
			for k := from; k < to; k++ {
				if buf[k] != '\t' {
					buf[k] = ' '
				}
			}
			if to > from {
				changed[li] = true
			}
		}
		strRange := func(from, to int) {
			if blankStrings {
				blankRange(from, to)
			}
		}
		i := 0
		for i < len(s) {
			switch state {
			case inBlock:
				k := strings.Index(s[i:], st.blockClose)
				if k < 0 {
					blankRange(i, len(s))
					i = len(s)
					continue
				}
				blankRange(i, i+k+len(st.blockClose))
				i += k + len(st.blockClose)
				state = inCode
				continue
			case inTriple:
				k := strings.Index(s[i:], triple)
				if k < 0 {
					strRange(i, len(s))
					i = len(s)
					continue
				}
				strRange(i, i+k)
				i += k + 3
				state = inCode
				continue
			case inRaw:
				j := i
				for j < len(s) && s[j] != st.rawQuote {
					if st.rawEscapes && s[j] == '\\' && j+1 < len(s) {
						j++
					}
					j++
				}
				strRange(i, min(j, len(s)))
				if j < len(s) {
					state = inCode
					j++
				}
				i = j
				continue
			}
			c := s[i]
			if !special[c] {
				i++
				continue
			}
			if st.blockOpen != "" && hasAt(s, i, st.blockOpen) {
				state = inBlock
				blankRange(i, i+len(st.blockOpen))
				i += len(st.blockOpen)
				continue
			}
			if isLineComment(st, s, i) {
				blankRange(i, len(s))
				i = len(s)
				continue
			}
			if st.tripleQuote && (hasAt(s, i, `"""`) || hasAt(s, i, `'''`)) {
				triple = s[i : i+3]
				state = inTriple
				i += 3
				continue
			}
			if st.rawQuote != 0 && c == st.rawQuote {
				state = inRaw
				i++
				continue
			}
			if strings.IndexByte(st.quotes, c) >= 0 {
				j := i + 1
				for j < len(s) && s[j] != c {
					if s[j] == '\\' && j+1 < len(s) {
						j++
					}
					j++
				}
				strRange(i+1, min(j, len(s)))
				i = j + 1
				continue
			}
			i++
		}
	}
	masked := unsafe.String(unsafe.SliceData(arena), len(arena))
	for li, s := range lines {
		if changed[li] {
			out[li] = masked[spans[li].start:spans[li].end]
		} else {
			out[li] = s
		}
	}
	return out
}

func isLineComment(st commentStyle, s string, i int) bool {
	for _, open := range st.line {
		if !hasAt(s, i, open) {
			continue
		}
		if open == "#" && st.hashAtWord && i > 0 && s[i-1] != ' ' && s[i-1] != '\t' {
			continue
		}
		return true
	}
	return false
}

func hasAt(s string, i int, sub string) bool {
	return len(sub) > 0 && len(s)-i >= len(sub) && s[i:i+len(sub)] == sub
}
