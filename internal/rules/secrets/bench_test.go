package secrets

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// evidenceLines are what Redact sees from other rules: code without secrets.
var evidenceLines = []string{
	`except Exception: pass`,
	`token = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")`,
	`cursor.execute("SELECT * FROM users WHERE name = '" + name + "'")`,
	`if err := validateToken(tokenString); err != nil { return }`,
	`resp, err := http.Get("https://api.acme.io/v1/users?page=" + page)`,
	`logger.info(f"login failed for {username}")`,
	`subprocess.run(cmd, shell=True)`,
	`const password = req.body.password;`,
}

func BenchmarkRedactNoSecret(b *testing.B) {
	n := 0
	for _, l := range evidenceLines {
		n += len(l)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, l := range evidenceLines {
			Redact(l)
		}
	}
}

// goCorpus builds an all-added diff of Go standard library sources: real
// code full of "token", "key", "auth" and "pass", and no secrets.
func goCorpus(b *testing.B, limit int) []byte {
	root := filepath.Join(runtime.GOROOT(), "src")
	var buf bytes.Buffer
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || buf.Len() > limit {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.Contains(p, "testdata") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		fixture.WriteAddedFile(&buf, rel, data)
		return nil
	})
	if buf.Len() == 0 {
		b.Skip("no GOROOT sources")
	}
	return buf.Bytes()
}

func benchEngine(b *testing.B, rules []checks.Rule) {
	corpus := goCorpus(b, 30<<20)
	reg, err := checks.NewRegistry(rules...)
	if err != nil {
		b.Fatal(err)
	}
	e := checks.NewEngine(reg, checks.Options{Workers: 1, Redact: Redact})
	b.SetBytes(int64(len(corpus)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Run(context.Background(), diff.NewReader(bytes.NewReader(corpus))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFamily runs the four rules over the corpus on one worker;
// BenchmarkBaseline runs a rule that never matches, to show the cost of
// parsing alone.
func BenchmarkFamily(b *testing.B) { benchEngine(b, Rules()) }

func BenchmarkBaseline(b *testing.B) {
	benchEngine(b, []checks.Rule{newPrivateKeyRule()})
}

// prefilteredLines hold a keyword of one of the rules but no secret: the
// lines whose cost decides the family's share of a review.
var prefilteredLines = []string{
	`    except Exception: pass`,
	`    token = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")`,
	`    if err := validateToken(tokenString); err != nil {`,
	`    "max_tokens": 1024,`,
	`__author__ = "Jane Doe <jane@acme.io>"`,
	`    resp = requests.get("https://api.acme.io/v1/users", headers=headers, timeout=10)`,
	`    password = request.form["password"]`,
	`    // Authorization header carries the caller's bearer token.`,
	`    cache_key = f"user:{user_id}:profile"`,
	`    api_key = os.environ["API_KEY"]`,
}

func BenchmarkCheckLineNoMatch(b *testing.B) {
	lines := make([]diff.Line, len(prefilteredLines))
	n := 0
	for i, l := range prefilteredLines {
		lines[i] = diff.Line{Kind: diff.Added, NewLine: i + 1, Text: l}
		n += len(l)
	}
	fc := &checks.FileContext{Ctx: context.Background(), File: &diff.File{NewPath: "app/service.py", Language: diff.Python}}
	v := &checks.HunkView{Lines: lines}
	var lineRules []checks.LineRule
	for _, r := range Rules() {
		if lr, ok := r.(checks.LineRule); ok {
			lineRules = append(lineRules, lr)
		}
	}
	b.SetBytes(int64(n * len(lineRules)))
	for b.Loop() {
		for _, r := range lineRules {
			for i := range lines {
				r.CheckLine(fc, v, i)
			}
		}
	}
}
