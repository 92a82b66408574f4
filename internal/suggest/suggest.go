// Package suggest finds the known name a mistyped one most likely meant,
// for "did you mean" hints in configuration and directive errors.
package suggest

import (
	"fmt"
	"sort"
)

// Closest returns the candidate nearest to s by edit distance when it is
// below maxDist, or "".
func Closest(s string, candidates []string, maxDist int) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestD := "", maxDist
	for _, c := range sorted {
		if d := Distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Hint is Closest phrased for an error message: ` (did you mean "x"?)`,
// or "" when nothing is close.
func Hint(s string, candidates []string, maxDist int) string {
	if c := Closest(s, candidates, maxDist); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
