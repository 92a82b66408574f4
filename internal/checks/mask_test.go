package checks

import (
	"testing"

	"github.com/prodready/prodready/internal/diff"
)

func TestMaskCode(t *testing.T) {
	cases := []struct {
		lang diff.Language
		in   []string
		want []string
	}{
		{diff.Go, []string{`x := "a // b" // c`}, []string{`x := "      "     `}},
		{diff.Go, []string{"s := `raw", "still raw`; y()"}, []string{"s := `   ", "         `; y()"}},
		{diff.JavaScript, []string{`a = 'it\'s'; /* c`, `more */ b()`}, []string{`a = '     ';     `, `        b()`}},
		{diff.Python, []string{`x = f"{a}" # eval(x)`, `"""doc`, `eval(x)"""`, `eval(y)`}, []string{`x = f"   "          `, `"""   `, `       """`, `eval(y)`}},
		{diff.Shell, []string{`echo a#b # rm -rf /`}, []string{`echo a#b           `}},
		{diff.Unknown, []string{`anything # here`}, []string{`anything # here`}},
	}
	for _, c := range cases {
		got := MaskCode(c.lang, c.in)
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Errorf("%s %q line %d:\n got %q\nwant %q", c.lang, c.in, i, got[i], c.want[i])
			}
			if len(got[i]) != len(c.in[i]) {
				t.Errorf("%s %q: length changed", c.lang, c.in[i])
			}
		}
	}
}

func TestUserInputNear(t *testing.T) {
	v := &HunkView{Lines: []diff.Line{
		{Kind: diff.Context, NewLine: 1, Text: `name = request.args.get("name")`},
		{Kind: diff.Added, NewLine: 2, Text: `q = "SELECT * FROM t WHERE n = '%s'" % name`},
		{Kind: diff.Added, NewLine: 3, Text: `q = "SELECT * FROM t WHERE n = '%s'" % username`},
		{Kind: diff.Added, NewLine: 4, Text: `open(request.form["path"])`},
	}}
	for i, want := range []bool{true, true, false, true} {
		if got := UserInputNear(diff.Python, v, i); got != want {
			t.Errorf("line %d: UserInputNear = %v, want %v", i+1, got, want)
		}
	}
}

func TestIsTestPath(t *testing.T) {
	for p, want := range map[string]bool{
		"pkg/a_test.go": true, "pkg/a.go": false, "tests/test_api.py": true, "app/api_test.py": true,
		"src/a.spec.ts": true, "src/__tests__/a.js": true, "src/test/java/x/AppTest.java": true,
		"src/main/java/x/App.java": false, "src/contest.py": false, "lib/latest.js": false,
	} {
		if got := IsTestPath(p); got != want {
			t.Errorf("IsTestPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func BenchmarkMaskCode(b *testing.B) {
	lines := make([]string, 0, 200)
	for i := 0; i < 40; i++ {
		lines = append(lines,
			`	rows, err := db.Query("SELECT id, name FROM users WHERE org = $1", orgID) // load users`,
			`	if err != nil {`,
			`		return nil, fmt.Errorf("query users of %s: %w", orgID, err)`,
			`	}`,
			`	/* block comment */ defer rows.Close()`)
	}
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		MaskCode(diff.Go, lines)
	}
}
