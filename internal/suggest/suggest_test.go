package suggest

import "testing"

func TestHint(t *testing.T) {
	known := []string{"missing-tests", "sql-string-built", "secrets"}
	cases := map[string]string{
		"missing-test":    ` (did you mean "missing-tests"?)`,
		"sql-strng-built": ` (did you mean "sql-string-built"?)`,
		"secret":          ` (did you mean "secrets"?)`,
		"unrelated-name":  "",
	}
	for in, want := range cases {
		if got := Hint(in, known, 3); got != want {
			t.Errorf("Hint(%q) = %q, want %q", in, got, want)
		}
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance = %d, want 3", d)
	}
}
