package checks

import (
	"strings"

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
	const (
		inCode = iota
		inBlock
		inRaw
		inTriple
	)
	state := inCode
	var triple string
	for li, s := range lines {
		var buf []byte // allocated on first change
		blank := func(i int) {
			if buf == nil {
				buf = []byte(s)
			}
			if buf[i] != '\t' {
				buf[i] = ' '
			}
		}
		blankStr := func(i int) {
			if blankStrings {
				blank(i)
			}
		}
		i := 0
		for i < len(s) {
			switch state {
			case inBlock:
				if hasAt(s, i, st.blockClose) {
					for k := 0; k < len(st.blockClose); k++ {
						blank(i + k)
					}
					i += len(st.blockClose)
					state = inCode
					continue
				}
				blank(i)
				i++
				continue
			case inRaw:
				if st.rawEscapes && s[i] == '\\' && i+1 < len(s) {
					blankStr(i)
					blankStr(i + 1)
					i += 2
					continue
				}
				if s[i] == st.rawQuote {
					i++
					state = inCode
					continue
				}
				blankStr(i)
				i++
				continue
			case inTriple:
				if hasAt(s, i, triple) {
					i += 3
					state = inCode
					continue
				}
				blankStr(i)
				i++
				continue
			}
			c := s[i]
			if st.blockOpen != "" && hasAt(s, i, st.blockOpen) {
				state = inBlock
				for k := 0; k < len(st.blockOpen); k++ {
					blank(i + k)
				}
				i += len(st.blockOpen)
				continue
			}
			if isLineComment(st, s, i) {
				for k := i; k < len(s); k++ {
					blank(k)
				}
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
						blankStr(j)
						j++
					}
					blankStr(j)
					j++
				}
				i = j + 1
				continue
			}
			i++
		}
		if buf != nil {
			out[li] = string(buf)
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
