package testcoverage

import "strings"

// Masker states.
const (
	inCode uint8 = iota
	inBlock
	inTriple
	inRaw
)

// codeMasker blanks comments and the contents of string literals line by
// line, carrying block comments and multi-line strings from one line to
// the next, with the same conventions as checks.MaskCode. This rule reads
// every added line of every source file, so it cannot afford
// HunkView.Code, which masks and copies whole hunks: this masker skips
// ordinary bytes in a tight loop, reuses one buffer and allocates only for
// lines that hold a string literal next to code.
type codeMasker struct {
	fam   family
	state uint8
	quote byte // quote character of an open triple-quoted string
	buf   []byte
}

// line returns s masked. Lines that are blank once masked come back as "".
func (m *codeMasker) line(s string) string {
	var b []byte
	i := 0
	for i < len(s) {
		switch m.state {
		case inBlock:
			k := strings.Index(s[i:], "*/")
			if k < 0 {
				b = m.blank(s, b, i, len(s))
				i = len(s)
				continue
			}
			b = m.blank(s, b, i, i+k+2)
			i += k + 2
			m.state = inCode
		case inTriple:
			k := strings.Index(s[i:], triple(m.quote))
			if k < 0 {
				b = m.blank(s, b, i, len(s))
				i = len(s)
				continue
			}
			b = m.blank(s, b, i, i+k)
			i += k + 3
			m.state = inCode
		case inRaw:
			j := i
			for j < len(s) && s[j] != '`' {
				if s[j] == '\\' && m.fam == famJS {
					j++
				}
				j++
			}
			if j >= len(s) {
				b = m.blank(s, b, i, len(s))
				i = len(s)
				continue
			}
			b = m.blank(s, b, i, j)
			i = j + 1
			m.state = inCode
		default:
			j := i
			for j < len(s) {
				c := s[j]
				if c == '/' || c == '"' || c == '\'' || c == '`' || c == '#' {
					break
				}
				j++
			}
			if j >= len(s) {
				i = len(s)
				continue
			}
			i = m.special(s, &b, j)
		}
	}
	if b == nil {
		return s
	}
	m.buf = b
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return string(b)
		}
	}
	return ""
}

// special handles the possible comment or string opener at s[j] and
// returns where scanning resumes.
func (m *codeMasker) special(s string, b *[]byte, j int) int {
	c := s[j]
	next := byte(0)
	if j+1 < len(s) {
		next = s[j+1]
	}
	switch {
	case c == '/' && m.fam != famPython && next == '/':
		*b = m.blank(s, *b, j, len(s))
		return len(s)
	case c == '/' && m.fam != famPython && next == '*':
		*b = m.blank(s, *b, j, j+2)
		m.state = inBlock
		return j + 2
	case c == '#' && m.fam == famPython:
		*b = m.blank(s, *b, j, len(s))
		return len(s)
	case (c == '"' || c == '\'') && (m.fam == famPython || m.fam == famJVM && c == '"') && strings.HasPrefix(s[j:], triple(c)):
		m.state, m.quote = inTriple, c
		return j + 3
	case c == '`' && (m.fam == famGo || m.fam == famJS):
		m.state = inRaw
		return j + 1
	case c == '"' || c == '\'':
		k := j + 1
		for k < len(s) && s[k] != c {
			if s[k] == '\\' {
				k++
			}
			k++
		}
		if k > len(s) {
			k = len(s)
		}
		*b = m.blank(s, *b, j+1, k)
		return k + 1
	}
	return j + 1
}

// blank turns s[from:to] into spaces (tabs kept) in the line's copy,
// making the copy on first use.
func (m *codeMasker) blank(s string, b []byte, from, to int) []byte {
	if b == nil {
		b = append(m.buf[:0], s...)
	}
	for k := from; k < to; k++ {
		if b[k] != '\t' {
			b[k] = ' '
		}
	}
	return b
}

func triple(q byte) string {
	if q == '\'' {
		return "'''"
	}
	return `"""`
}
