package hardening

import "strings"

// charset is a set of bytes; every byte from 128 up stands for "some
// non-ASCII character", which is precise enough to tell separators apart.
type charset [4]uint64

func (c *charset) add(b byte) { c[b>>6] |= 1 << (b & 63) }

func (c *charset) addRange(lo, hi byte) {
	for b := int(lo); b <= int(hi); b++ {
		c.add(byte(b))
	}
}

func (c charset) union(o charset) charset {
	for k := range c {
		c[k] |= o[k]
	}
	return c
}

func (c charset) intersects(o charset) bool {
	for k := range c {
		if c[k]&o[k] != 0 {
			return true
		}
	}
	return false
}

func (c charset) invert() charset {
	for k := range c {
		c[k] = ^c[k]
	}
	return c
}

func classOf(esc byte) (charset, bool) {
	var c charset
	switch esc {
	case 'd', 'D':
		c.addRange('0', '9')
	case 'w', 'W':
		c.addRange('0', '9')
		c.addRange('a', 'z')
		c.addRange('A', 'Z')
		c.add('_')
	case 's', 'S':
		for _, b := range []byte(" \t\n\r\f\v") {
			c.add(b)
		}
	default:
		return c, false
	}
	if esc >= 'A' && esc <= 'Z' {
		c = c.invert()
	}
	return c, true
}

func escapedByte(esc byte) byte {
	switch esc {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'f':
		return '\f'
	case 'v':
		return '\v'
	}
	return esc
}

// readAtom reads one atom of re at i: its character set, its length, and
// whether it matches no character (anchors, back-references).
func readAtom(re string, i int) (set charset, n int, zeroWidth bool) {
	c := re[i]
	switch c {
	case '.':
		set = charset{}.invert()
		set[0] &^= 1 << '\n'
		return set, 1, false
	case '[':
		return readClass(re, i)
	case '\\':
		if i+1 >= len(re) {
			set.add('\\')
			return set, 1, false
		}
		e := re[i+1]
		if cs, ok := classOf(e); ok {
			return cs, 2, false
		}
		switch {
		case strings.IndexByte("bBAZzG", e) >= 0, isDigit(e) && e != '0':
			return set, 2, true
		case e == 'p' || e == 'P':
			// \p{L}: letters, approximated by ASCII letters and non-ASCII.
			n := 2
			if i+2 < len(re) && re[i+2] == '{' {
				if k := strings.IndexByte(re[i+2:], '}'); k >= 0 {
					n = k + 3
				}
			}
			set.addRange('a', 'z')
			set.addRange('A', 'Z')
			set.addRange(128, 255)
			if e == 'P' {
				set = set.invert()
			}
			return set, n, false
		}
		set.add(escapedByte(e))
		return set, 2, false
	}
	set.add(c)
	return set, 1, false
}

// readClass reads a bracket expression [...] starting at i.
func readClass(re string, i int) (set charset, n int, zeroWidth bool) {
	k := i + 1
	negate := k < len(re) && re[k] == '^'
	if negate {
		k++
	}
	first := true
	var prev int = -1
	for k < len(re) {
		c := re[k]
		if c == ']' && !first {
			k++
			break
		}
		first = false
		if c == '\\' && k+1 < len(re) {
			e := re[k+1]
			if cs, ok := classOf(e); ok {
				set = set.union(cs)
				prev = -1
			} else {
				b := escapedByte(e)
				set.add(b)
				prev = int(b)
			}
			k += 2
			continue
		}
		if c == '-' && prev >= 0 && k+1 < len(re) && re[k+1] != ']' {
			hi := re[k+1]
			if hi == '\\' && k+2 < len(re) {
				hi = escapedByte(re[k+2])
				k++
			}
			if int(hi) >= prev {
				set.addRange(byte(prev), hi)
			}
			prev = -1
			k += 2
			continue
		}
		set.add(c)
		prev = int(c)
		k++
	}
	if negate {
		set = set.invert()
	}
	return set, k - i, false
}

// readQuantifier reads the quantifier at i, if any: its minimum, whether it
// repeats a variable number of times (*, +, {n,}, {n,m}), and its length including a lazy or possessive
// suffix.
func readQuantifier(re string, i int) (minimum int, unbounded, possessive bool, n int) {
	if i >= len(re) {
		return 1, false, false, 0
	}
	switch re[i] {
	case '*':
		minimum, unbounded, n = 0, true, 1
	case '+':
		minimum, unbounded, n = 1, true, 1
	case '?':
		minimum, n = 0, 1
	case '{':
		k := i + 1
		lo := 0
		digits := 0
		for k < len(re) && isDigit(re[k]) {
			lo = lo*10 + int(re[k]-'0')
			k++
			digits++
			if lo > 1<<20 {
				return 1, false, false, 0
			}
		}
		if digits == 0 || k >= len(re) {
			return 1, false, false, 0
		}
		switch re[k] {
		case '}':
			minimum, n = lo, k+1-i
		case ',':
			k++
			hiDigits := 0
			for k < len(re) && isDigit(re[k]) {
				k++
				hiDigits++
			}
			if k >= len(re) || re[k] != '}' {
				return 1, false, false, 0
			}
			hi := 0
			for _, d := range re[k-hiDigits : k] {
				if hi < 1<<20 {
					hi = hi*10 + int(d-'0')
				}
			}
			// {2,4} repeats a variable number of times: inside another
			// repetition it splits input as ambiguously as + does.
			minimum, unbounded, n = lo, hiDigits == 0 || hi > lo, k+1-i
		default:
			return 1, false, false, 0
		}
	default:
		return 1, false, false, 0
	}
	if i+n < len(re) {
		switch re[i+n] {
		case '?':
			n++
		case '+':
			possessive = true
			n++
		}
	}
	return minimum, unbounded, possessive, n
}

// item is one element of a regex alternative, for the ambiguity test: an
// atom or a group with its quantifier applied.
type item struct {
	first    charset // characters it can start with
	last     charset // characters it can end with
	required bool    // matches at least one character
	variable bool    // repeats a variable number of times, or holds such a repetition
}

// alternative is a sequence of items between '|' separators.
type alternative []item

func (a alternative) first() charset {
	var f charset
	for _, it := range a {
		f = f.union(it.first)
		if it.required {
			break
		}
	}
	return f
}

func (a alternative) last() charset {
	var l charset
	for k := len(a) - 1; k >= 0; k-- {
		l = l.union(a[k].last)
		if a[k].required {
			break
		}
	}
	return l
}

func (a alternative) required() bool {
	for _, it := range a {
		if it.required {
			return true
		}
	}
	return false
}

// ambiguous reports whether repeating alt can split the same text in more
// than one way: a variable item A is followed (after optional items, and
// wrapping round to the next iteration) by an item that can start with a
// character A can end with, so either may take it. (\w+\s?)* and (.*a)* are
// ambiguous; (\d+\.)+ and (-+[a-z]+)* are not.
func (a alternative) ambiguous() bool {
	n := len(a)
	for i, A := range a {
		if !A.variable {
			continue
		}
		for k := 1; k <= n; k++ {
			B := a[(i+k)%n]
			if A.last.intersects(B.first) {
				return true
			}
			if B.required {
				break
			}
		}
	}
	return false
}

// nestedQuantifier reports whether re repeats a group a variable number of
// times whose iterations can split the same text in several ways: (a+)+,
// (\w+\s?)*, (.*)*, ([a-z]{2,4})+. A backtracking engine then tries every
// split on a near-miss input: exponential time (ReDoS). Atomic groups,
// possessive quantifiers and lookarounds are left alone.
func nestedQuantifier(re string) bool {
	type frame struct {
		alts   []alternative
		cur    alternative
		atomic bool
		look   bool
	}
	stack := make([]frame, 1, 8)
	for i := 0; i < len(re); {
		top := &stack[len(stack)-1]
		switch re[i] {
		case '(':
			f := frame{}
			j := i + 1
			if j < len(re) && re[j] == '?' {
				rest := re[j:]
				switch {
				case strings.HasPrefix(rest, "?>"):
					f.atomic, j = true, j+2
				case strings.HasPrefix(rest, "?:"):
					j += 2
				case strings.HasPrefix(rest, "?=") || strings.HasPrefix(rest, "?!"):
					f.look, j = true, j+2
				case strings.HasPrefix(rest, "?<=") || strings.HasPrefix(rest, "?<!"):
					f.look, j = true, j+3
				case strings.HasPrefix(rest, "?P<") || strings.HasPrefix(rest, "?<") || strings.HasPrefix(rest, "?'"):
					k := strings.IndexAny(rest[2:], ">'")
					if k < 0 {
						return false
					}
					j += 2 + k + 1
				case strings.HasPrefix(rest, "?#"):
					k := strings.IndexByte(rest, ')')
					if k < 0 {
						return false
					}
					i = j + k + 1
					continue
				default:
					// Inline flags: (?i) or (?i:...).
					k := j + 1
					for k < len(re) && (re[k] == '-' || 'a' <= re[k] && re[k] <= 'z' || 'A' <= re[k] && re[k] <= 'Z') {
						k++
					}
					if k < len(re) && re[k] == ')' {
						i = k + 1
						continue
					}
					if k < len(re) && re[k] == ':' {
						j = k + 1
					} else {
						j = k
					}
				}
			}
			if len(stack) > 64 {
				return false
			}
			stack = append(stack, f)
			i = j
			continue
		case ')':
			i++
			if len(stack) == 1 {
				continue
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			f.alts = append(f.alts, f.cur)
			minimum, variable, possessive, n := readQuantifier(re, i)
			i += n
			if f.look {
				continue // zero-width
			}
			if variable && !f.atomic && !possessive {
				for _, alt := range f.alts {
					if len(alt) > 0 && alt.ambiguous() {
						return true
					}
				}
			}
			parent := &stack[len(stack)-1]
			if len(f.alts) == 1 && n == 0 && !f.atomic {
				// A plain group: its items are the parent's.
				parent.cur = append(parent.cur, f.alts[0]...)
				continue
			}
			g := item{required: minimum >= 1, variable: variable && !possessive && !f.atomic}
			for _, alt := range f.alts {
				g.first = g.first.union(alt.first())
				g.last = g.last.union(alt.last())
				if !alt.required() {
					g.required = false
				}
				for _, it := range alt {
					if it.variable && !f.atomic {
						g.variable = true
					}
				}
			}
			parent.cur = append(parent.cur, g)
			continue
		case '|':
			top.alts = append(top.alts, top.cur)
			top.cur = nil
			i++
			continue
		case '^', '$':
			i++
			continue
		}
		set, n, zero := readAtom(re, i)
		i += n
		minimum, variable, possessive, qn := readQuantifier(re, i)
		i += qn
		if zero {
			continue
		}
		top.cur = append(top.cur, item{first: set, last: set, required: minimum >= 1, variable: variable && !possessive})
	}
	return false
}
