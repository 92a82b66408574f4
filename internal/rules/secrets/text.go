package secrets

import (
	"math"
	"strings"
	"unicode/utf8"
)

// The helpers below work on ASCII bytes without allocating, because they run
// on every line the keyword prefilter lets through.

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isTokenChar is what API tokens are made of; a token that runs on into
// more of these is not the token a length-exact pattern describes.
func isTokenChar(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }

func isBase64Char(c byte) bool { return isAlnum(c) || c == '+' || c == '/' || c == '=' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// indexFold finds lower (an ASCII lower-case needle) in s, ignoring ASCII case.
func indexFold(s, lower string) int {
	n := len(lower)
	if n == 0 {
		return 0
	}
	if n > len(s) {
		return -1
	}
	// Candidates are found with IndexByte (vectorised) for both cases of
	// the first byte; each next position is searched again only once passed.
	lo, up := lower[0], lower[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	last := len(s) - n + 1
	nextLo, nextUp := -2, -2
	if up == lo {
		nextUp = -1
	}
	for i := 0; i < last; {
		if nextLo != -1 && nextLo < i {
			nextLo = -1
			if k := strings.IndexByte(s[i:last], lo); k >= 0 {
				nextLo = i + k
			}
		}
		if nextUp != -1 && nextUp < i {
			nextUp = -1
			if k := strings.IndexByte(s[i:last], up); k >= 0 {
				nextUp = i + k
			}
		}
		c := nextLo
		if c < 0 || nextUp >= 0 && nextUp < c {
			c = nextUp
		}
		if c < 0 {
			return -1
		}
		j := 1
		for j < n && lowerASCII(s[c+j]) == lower[j] {
			j++
		}
		if j == n {
			return c
		}
		i = c + 1
	}
	return -1
}

func containsFold(s, lower string) bool { return indexFold(s, lower) >= 0 }

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, lower string) bool {
	return len(s) >= len(lower) && equalFold(s[:len(lower)], lower)
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]uint16
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// charClasses counts which of lower-case, upper-case and digits occur in s.
func charClasses(s string) int {
	var lower, upper, digit int
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower = 1
		case 'A' <= c && c <= 'Z':
			upper = 1
		case '0' <= c && c <= '9':
			digit = 1
		}
	}
	return lower + upper + digit
}

// maskKeep says how many leading and trailing characters of an n-character
// secret may be shown: 4 and 4 above 12 characters, at most 2 leading ones
// below, so that a short secret is never half revealed.
func maskKeep(n int) (head, tail int) {
	switch {
	case n > 12:
		return 4, 4
	case n >= 6:
		return 2, 0
	case n >= 3:
		return 1, 0
	default:
		return 0, 0
	}
}

// maskValue masks a secret, counting characters rather than bytes so that a
// multi-byte rune is never cut in half.
func maskValue(v string) string {
	if v == "" {
		return v
	}
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		head, tail := maskKeep(len(v))
		b := []byte(v)
		for i := head; i < len(b)-tail; i++ {
			b[i] = '*'
		}
		return string(b)
	}
	r := []rune(v)
	head, tail := maskKeep(len(r))
	for i := head; i < len(r)-tail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// maskAll replaces every character of v with '*' (key material shows nothing).
func maskAll(v string) string {
	return strings.Repeat("*", utf8.RuneCountInString(v))
}
