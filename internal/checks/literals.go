package checks

import "strings"

// literalSet finds every occurrence of a set of keywords, ASCII
// case-insensitively, overlapping matches included. It is the engine's
// prefilter: most of a diff matches no keyword, so the scan must cost little
// more than reading the bytes. Each position is tested against the
// keywords' first bytes, then a bitmap of hashed first three bytes; only
// positions that pass both are compared with the keywords that start with
// those three bytes. (Measured against an Aho-Corasick DFA over the same
// ~260 keywords, this ran several times faster on source code.)
type literalSet struct {
	patterns []string // lower-case
	// short are patterns of one or two bytes, checked directly.
	short []int
	first [256]bool
	// pairs marks the (lower-cased) first two bytes of every pattern of two
	// or more bytes: one lookup rejects nearly every position of code.
	pairs [1 << 16 / 64]uint64
	bloom [1 << 16 / 64]uint64
	// byTrigram lists the patterns of three or more bytes by their first
	// three (lower-cased) bytes.
	byTrigram map[uint32][]int32
}

var lowerTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		t[i] = c
	}
	return t
}()

func trigram(a, b, c byte) uint32 { return uint32(a)<<16 | uint32(b)<<8 | uint32(c) }

func bloomIndex(t uint32) uint32 { return (t * 0x9E3779B1) >> 16 }

func newLiteralSet(patterns []string) *literalSet {
	ls := &literalSet{byTrigram: map[uint32][]int32{}}
	for i, p := range patterns {
		p = strings.ToLower(p)
		ls.patterns = append(ls.patterns, p)
		if p == "" {
			continue
		}
		ls.first[p[0]] = true
		if len(p) >= 2 {
			pair := uint32(p[0])<<8 | uint32(p[1])
			ls.pairs[pair/64] |= 1 << (pair % 64)
		}
		if len(p) < 3 {
			ls.short = append(ls.short, i)
			continue
		}
		t := trigram(p[0], p[1], p[2])
		h := bloomIndex(t)
		ls.bloom[h/64] |= 1 << (h % 64)
		ls.byTrigram[t] = append(ls.byTrigram[t], int32(i))
	}
	return ls
}

// scan calls fn for every occurrence of every pattern in text, by start.
func (ls *literalSet) scan(text string, fn func(pattern, start int)) {
	n := len(text)
	if len(ls.short) > 0 {
		for i := 0; i < n; i++ {
			if !ls.first[lowerTable[text[i]]] {
				continue
			}
			for _, pi := range ls.short {
				if hasFoldAt(text, i, ls.patterns[pi]) {
					fn(pi, i)
				}
			}
		}
	}
	if n < 3 {
		return
	}
	c1 := lowerTable[text[0]]
	for i := 0; i+2 < n; i++ {
		c0 := c1
		c1 = lowerTable[text[i+1]]
		pair := uint32(c0)<<8 | uint32(c1)
		if ls.pairs[pair/64]&(1<<(pair%64)) == 0 {
			continue
		}
		t := pair<<8 | uint32(lowerTable[text[i+2]])
		h := bloomIndex(t)
		if ls.bloom[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, pi := range ls.byTrigram[t] {
			if hasFoldAt(text, i, ls.patterns[pi]) {
				fn(int(pi), i)
			}
		}
	}
}

// hasFoldAt reports whether text holds the lower-case pattern p at i,
// ignoring ASCII case.
func hasFoldAt(text string, i int, p string) bool {
	if len(text)-i < len(p) {
		return false
	}
	for k := 0; k < len(p); k++ {
		if lowerTable[text[i+k]] != p[k] {
			return false
		}
	}
	return true
}
