package checks

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// TestLiteralSetFindsWhatAScanFinds compares the prefilter with the
// obvious search on random text seeded with the keywords.
func TestLiteralSetFindsWhatAScanFinds(t *testing.T) {
	patterns := []string{"err != nil", "Exec(", "exec", "_ =", "://", "ab", "x", "select", "selected", "PASS", "assword"}
	ls := newLiteralSet(patterns)
	r := rand.New(rand.NewPCG(7, 9))
	alphabet := []string{"a", "b", "x", "E", "e", "(", " ", "_", "=", ":", "/", "\n", "SELECT", "Exec(", "err != nil", "pAsSwOrD", "ab"}
	for round := 0; round < 300; round++ {
		var b strings.Builder
		for k := 0; k < r.IntN(60); k++ {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		text := b.String()
		var got []string
		ls.scan(text, func(p, start int) { got = append(got, fmt.Sprintf("%d@%d", p, start)) })
		var want []string
		lower := strings.ToLower(text)
		for p, pat := range patterns {
			lp := strings.ToLower(pat)
			for i := 0; i+len(lp) <= len(lower); i++ {
				if lower[i:i+len(lp)] == lp {
					want = append(want, fmt.Sprintf("%d@%d", p, i))
				}
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("text %q:\n got %v\nwant %v", text, got, want)
		}
	}
}

func BenchmarkLiteralSet(b *testing.B) {
	keywords := []string{"err != nil", "_ =", "_ :=", "select", "update", "insert", "delete", "auth", "pass", "token", "://", "open(", "exec.command", ".query", ".exec", "eval(", "innerhtml", "fmt.fprint", "catch", "except", "pickle", "yaml.", "readall(", "filepath.join(", "path.join(", "os.remove", "secret", "pwd", "cred", "akia", "ghp_", "xox", "sk_live_", "aiza", "-----begin"}
	ls := newLiteralSet(keywords)
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString("\tif err := json.NewDecoder(r.Body).Decode(&req); err != nil {\n\t\treturn fmt.Errorf(\"decode request: %w\", err)\n\t}\n\tfor _, item := range req.Items {\n\t\ttotal += item.Price * item.Quantity\n\t}\n")
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ls.scan(text, func(int, int) {})
	}
}
