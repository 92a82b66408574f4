package insecuredefaults

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

func newPackageEngine(t testing.TB) *checks.Engine {
	t.Helper()
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	return checks.NewEngine(reg, checks.Options{Workers: 1})
}

// run adds src at path and returns this package's findings; a panic fails
// the test.
func run(t testing.TB, e *checks.Engine, path, src string) []checks.Finding {
	t.Helper()
	var buf bytes.Buffer
	if err := fixture.WriteAddedFile(&buf, path, []byte(src)); err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(context.Background(), diff.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func TestRulesAreFreshAndValid(t *testing.T) {
	a, b := Rules(), Rules()
	if len(a) != 7 {
		t.Fatalf("want 7 rules, got %d", len(a))
	}
	for k := range a {
		if a[k] == b[k] {
			t.Errorf("%s: Rules() returned the same instance twice", a[k].Meta().ID)
		}
		m := a[k].Meta()
		if m.Family != family {
			t.Errorf("%s: family %q", m.ID, m.Family)
		}
		for _, kw := range m.Keywords {
			if len(kw) < 3 {
				t.Errorf("%s: keyword %q is too short to be selective", m.ID, kw)
			}
		}
	}
	if _, err := checks.NewRegistry(a...); err != nil {
		t.Fatal(err)
	}
}

// TestSeverities pins the catalogue's severity adjustments: failure and
// warning defaults, test files, development gates, credentials, stateless
// APIs.
func TestSeverities(t *testing.T) {
	e := newPackageEngine(t)
	for _, c := range []struct {
		path, src, rule string
		want            checks.Severity
	}{
		{"client.py", "requests.get(url, verify=False)", "tls-verification-disabled", checks.Failure},
		{"tests/test_client.py", "requests.get(url, verify=False)", "tls-verification-disabled", checks.Warning},
		{"client.py", "if settings.DEBUG:\n    s.verify = False", "tls-verification-disabled", checks.Warning},
		{"client.py", "requests.get('https://localhost:8443/x', verify=False)", "tls-verification-disabled", checks.Warning},
		{"config/development.yml", "api:\n  ssl_verify: false", "tls-verification-disabled", checks.Warning},
		{"auth.py", "claims = jwt.decode(t, options={'verify_signature': False})", "jwt-verification-disabled", checks.Failure},
		{"auth_test.go", "t := jwt.NewWithClaims(jwt.SigningMethodNone, c)", "jwt-verification-disabled", checks.Warning},
		{"mw.js", "const c = jwt.decode(token);", "jwt-verification-disabled", checks.Notice},
		{"mw.js", "const o = { ignoreExpiration: true };", "jwt-verification-disabled", checks.Warning},
		{"main.py", "app.add_middleware(CORSMiddleware, allow_origins=['*'])", "cors-permissive", checks.Warning},
		{"main.py", "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=['*'],\n    allow_credentials=True,\n)", "cors-permissive", checks.Failure},
		{"Api.java", "return http.csrf(c -> c.disable())\n    .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))\n    .build();", "csrf-protection-disabled", checks.Notice},
		{"Web.java", "http.csrf().disable();", "csrf-protection-disabled", checks.Warning},
		{"tokens.py", "import random\notp = str(random.randint(100000, 999999))", "insecure-random-for-secret", checks.Failure},
		{"tokens.py", "import random\nsalt = random.randbytes(16)", "insecure-random-for-secret", checks.Warning},
		{"users.py", "h = hashlib.sha256(password.encode()).hexdigest()", "weak-password-hash", checks.Warning},
		{"c.py", "cipher = AES.new(key, AES.MODE_ECB)", "weak-cipher-or-mode", checks.Warning},
	} {
		fs := run(t, e, c.path, c.src)
		var got []checks.Finding
		for _, f := range fs {
			if f.RuleID == c.rule {
				got = append(got, f)
			}
		}
		if len(got) != 1 || got[0].Severity != c.want {
			t.Errorf("%s %q: want one %s %s finding, got %v", c.path, c.src, c.want, c.rule, got)
		}
	}
}

// TestQuietInTests: the rules the catalogue excludes from test paths.
func TestQuietInTests(t *testing.T) {
	e := newPackageEngine(t)
	for path, src := range map[string]string{
		"tests/test_tokens.py":     "import random\ntoken = ''.join(random.choices(A, k=8))",
		"users_test.go":            "sum := sha256.Sum256([]byte(password))",
		"src/test/java/CTest.java": "Cipher c = Cipher.getInstance(\"DES\");",
		"app.spec.ts":              "app.use(cors());",
		"tests/test_views.py":      "@csrf_exempt\ndef view(request):\n    pass",
	} {
		if fs := run(t, e, path, src); len(fs) != 0 {
			t.Errorf("%s: want no finding, got %v", path, fs)
		}
	}
}

// TestRemovedAndContextLinesNotJudged feeds a modification whose removed
// line and context line hold the patterns.
func TestRemovedAndContextLinesNotJudged(t *testing.T) {
	d := "diff --git a/c.py b/c.py\n--- a/c.py\n+++ b/c.py\n@@ -1,3 +1,3 @@\n" +
		" r = requests.get(u, verify=False)\n-s.verify = False\n+s.verify = CA_BUNDLE\n x = 1\n"
	res, err := newPackageEngine(t).Run(context.Background(), diff.NewReader(strings.NewReader(d)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("want no finding, got %v", res.Findings)
	}
}

// TestAdversarialInput feeds broken and truncated constructs (hunks that
// start mid-construct, strings and calls that never close, huge lines) to
// every rule in every language they read.
func TestAdversarialInput(t *testing.T) {
	snippets := []string{
		"", "(", ")", "{", "}", "\"", "'", "`", `"""`, "=", ":", ":=", "@", "#", "//", "/*",
		"verify=False", "requests.get(", "verify=False)", "jwt.decode(", "random.choice(", "rand.Intn(",
		"Cipher.getInstance(\"", "Cipher.getInstance(\"/\")", "Cipher.getInstance(\"AES/\")", "new IvParameterSpec(",
		"iv = ", "iv := ", "iv: ", "Access-Control-Allow-Origin", "res.setHeader('Access-Control-Allow-Origin', ",
		"CORS(", "CORS(app", "@CrossOrigin(", "origin: ", "csrf: {", ".csrf()", "def enforce_csrf(self, request):",
		"checkServerTrusted(", "public void checkServerTrusted(X509Certificate[] c, String a) {",
		"public boolean verify(String h, SSLSession s) {", "hashlib.sha256(", "createHash(", "md5.New()",
		"sslVerify: ", "  verify: false", "tls:", "import \"math/rand\"", "rand.Read(", ".nextInt(",
		"algorithms: [", "ignoreExpiration: ", "InsecureSkipVerify: ", "curl -k",
		strings.Repeat("(", 3000), strings.Repeat("verify=False,", 500), strings.Repeat("\"", 2001),
		strings.Repeat("a", 1<<16) + " token = random.random()",
		strings.Repeat("x.", 5000) + "random.choice(ALPHABET)",
	}
	e := newPackageEngine(t)
	paths := []string{"a.py", "a.go", "a.js", "a.ts", "A.java", "A.kt", "a.yml", "a.json", "a.properties", "a.sh",
		"Dockerfile", ".npmrc", "a.rb", ".env"}
	for _, p := range paths {
		for _, s := range snippets {
			run(t, e, p, s)
			run(t, e, p, s+"\n"+s)
			run(t, e, p, "x = 1\n"+s)
		}
		run(t, e, p, strings.Join(snippets, "\n"))
	}
}

func FuzzRules(f *testing.F) {
	for _, s := range []string{
		"requests.get(url,\n    verify=False,\n)",
		"token = ''.join(random.choice(A) for _ in range(8))",
		"res.setHeader('Access-Control-Allow-Origin', req.headers.origin)",
		"Cipher.getInstance(\"AES/ECB/PKCS5Padding\")",
	} {
		f.Add(s)
	}
	e := newPackageEngine(f)
	f.Fuzz(func(t *testing.T, src string) {
		for _, p := range []string{"a.py", "a.go", "a.ts", "A.java", "a.yml"} {
			run(t, e, p, src)
		}
	})
}
