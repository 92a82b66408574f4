package insecuredefaults

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// probe is a FileRule that keeps the FileContext the engine built, so that
// helpers run on real, masked hunk views.
type probe struct {
	checks.Described
	fc *checks.FileContext
}

func (p *probe) CheckFile(fc *checks.FileContext) { p.fc = fc }

var probePaths = map[diff.Language]string{diff.Python: "a.py", diff.Go: "a.go", diff.JavaScript: "a.js",
	diff.TypeScript: "a.ts", diff.Java: "A.java", diff.YAML: "a.yml", diff.Properties: "a.properties", diff.Shell: "a.sh"}

// view returns the hunk view of src added as a file of lang.
func view(t *testing.T, lang diff.Language, src string) *checks.HunkView {
	t.Helper()
	p := &probe{Described: checks.Described{M: checks.Meta{ID: "probe", Family: "probe", Title: "probe", Summary: "probe", Severity: checks.Notice}}}
	reg, err := checks.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fixture.WriteAddedFile(&buf, probePaths[lang], []byte(src)); err != nil {
		t.Fatal(err)
	}
	if _, err := checks.NewEngine(reg, checks.Options{Workers: 1}).Run(context.Background(), diff.NewReader(&buf)); err != nil {
		t.Fatal(err)
	}
	if p.fc == nil || len(p.fc.Views) == 0 || p.fc.Lang() != lang {
		t.Fatalf("no %s view", lang)
	}
	return p.fc.Views[0]
}

func TestIdentWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"generateResetToken", []string{"generate", "reset", "token"}},
		{"APIKey", []string{"api", "key"}},
		{"api_key", []string{"api", "key"}},
		{"session_ID", []string{"session", "id"}},
		{"sessionID", []string{"session", "id"}},
		{"HTTPServer2", []string{"http", "server2"}},
		{"self.reset_token", []string{"self", "reset", "token"}},
		{"x", []string{"x"}},
		{"__", nil},
		{"", nil},
	} {
		if got := identWords(c.in); !slices.Equal(got, c.want) {
			t.Errorf("identWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestClassifySecret(t *testing.T) {
	for _, c := range []struct {
		name string
		want secretKind
	}{
		{"token", strongSecret},
		{"resetToken", strongSecret},
		{"password", strongSecret},
		{"temp_password", strongSecret},
		{"otp", strongSecret},
		{"session_id", strongSecret},
		{"sessionKey", strongSecret},
		{"apiKey", strongSecret},
		{"reset_code", strongSecret},
		{"generate_reset_token", strongSecret},
		{"session", weakSecret},
		{"code", weakSecret},
		{"pin", weakSecret},
		{"salt", secret},
		{"nonce", secret},
		{"csrfSecret", secret},
		{"verification_code", secret},
		{"inviteCode", secret},
		{"signing_key", secret},
		{"token_length", noiseName},
		{"session_timeout", noiseName},
		{"retry_delay", noiseName},
		{"max_tokens", noiseName},
		{"fake_password", noiseName},
		{"tokens", notSecret},
		{"tokenizer", notSecret},
		{"shuffle_tokens", notSecret},
		{"status_code", notSecret},
		{"cacheKey", notSecret},
		{"key", notSecret},
		{"passwords", notSecret},
		{"color", noiseName},
		{"value", notSecret},
		{"", notSecret},
	} {
		if got := classifySecret(c.name); got != c.want {
			t.Errorf("classifySecret(%q) = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestRoleName(t *testing.T) {
	for _, c := range []struct {
		line, at, want string
	}{
		{`token = "".join(random.choice(A) for _ in range(8))`, "random.", "token"},
		{`token: str = "".join(random.choices(A, k=8))`, "random.", "token"},
		{`data["reset_token"] = random.random()`, "random.", "reset_token"},
		{`return {"user": u, "session_id": random.getrandbits(64)}`, "random.", "session_id"},
		{`const sessionId = Math.random().toString(36)`, "Math.", "sessionId"},
		{`otp := fmt.Sprintf("%06d", rand.Intn(1e6))`, "rand.", "otp"},
		{`String otp = String.format("%06d", new Random().nextInt(999999));`, "new Random", "otp"},
		{`if token == random.random():`, "random.", ""},
		{`resp = session.get(url, timeout=random.randint(1, 5))`, "random.", "timeout"},
		{`url = "https://x.example.com/" + str(random.random())`, "str(", "url"},
		{`random.shuffle(x)`, "random.", ""},
	} {
		v := view(t, diff.Python, c.line)
		col := strings.Index(c.line, c.at)
		if got := roleName(v.Code(0), uncommented(v, 0), col); got != c.want {
			t.Errorf("roleName(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

func TestUncommented(t *testing.T) {
	for _, c := range []struct {
		lang     diff.Language
		in, want string
	}{
		{diff.Python, `x = "abc"  # note "y"`, `x = "abc"` + strings.Repeat(" ", 12)},
		{diff.Python, `f("a", 'b')`, `f("a", 'b')`},
		{diff.Go, "s := `raw` // c", "s := `raw`     "},
		{diff.JavaScript, `a('*') /* '*' */ + b("c")`, `a('*')           + b("c")`},
		{diff.Python, `# all comment`, `             `},
		{diff.Python, `plain = 1`, `plain = 1`},
	} {
		v := view(t, c.lang, c.in)
		if got := uncommented(v, 0); got != c.want {
			t.Errorf("uncommented(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestInsecureSetting(t *testing.T) {
	for _, c := range []struct {
		lang diff.Language
		line string
		want bool
	}{
		{diff.YAML, `  sslVerify: false`, true},
		{diff.YAML, `  verify_ssl: true`, false},
		{diff.YAML, `  validate_certs: no`, true},
		{diff.YAML, `  insecure_skip_verify: false`, false},
		{diff.YAML, `  disable_ssl_verify: false`, false},
		{diff.YAML, `  no_verify_ssl: true`, true},
		{diff.Properties, `a.b.skipSslValidation=true`, true},
		{diff.Shell, `git config --global http.sslVerify false`, true},
		{diff.JavaScript, `const a = { rejectUnauthorized: false };`, true},
		{diff.JavaScript, `process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = "0";`, true},
		{diff.JavaScript, `log("set ssl_verify=false to debug")`, false},
		{diff.JavaScript, `return opts.rejectUnauthorized !== false;`, false},
		{diff.Go, `cfg := &tls.Config{InsecureSkipVerify: true}`, true},
		{diff.Go, `cfg := &tls.Config{InsecureSkipVerify: opts.Insecure}`, false},
		{diff.Python, `verify_ssl: bool = False`, true},
		{diff.Python, `ctx.check_hostname = False`, true},
		{diff.Python, `ctx.check_hostname = True`, false},
		{diff.Python, `verify_certs = 0`, false},
	} {
		v := view(t, c.lang, c.line)
		_, got := insecureSetting(c.lang, v.Code(0), uncommented(v, 0))
		if got != c.want {
			t.Errorf("insecureSetting(%s, %q) = %v, want %v", c.lang, c.line, got, c.want)
		}
	}
}

func TestCalleeAndEnclosingFunc(t *testing.T) {
	src := "def fetch(url):\n    resp = requests.get(\n        url,\n        verify=False,\n    )\n    return resp"
	v := view(t, diff.Python, src)
	name, line, ok := callee(v, 3, strings.Index(v.Lines[3].Text, "verify"))
	if !ok || name != "requests.get" || line != 1 {
		t.Errorf("callee = %q, %d, %v; want requests.get, 1, true", name, line, ok)
	}
	if got := enclosingFunc(diff.Python, v, 3); got != "fetch" {
		t.Errorf("enclosingFunc(python) = %q", got)
	}
	if _, _, ok := callee(v, 0, 3); ok {
		t.Error("callee found a call around a def keyword")
	}
	for _, c := range []struct {
		lang diff.Language
		src  string
		want string
	}{
		{diff.Go, "func (s *Store) ResetCode() string {\n\tif x {\n\t\treturn y\n\t}\n\treturn z", "ResetCode"},
		{diff.JavaScript, "function generateToken(n) {\n  let t = '';\n  for (;;) {\n    t += x;", "generateToken"},
		{diff.JavaScript, "const createOtp = () => {\n  return x;", "createOtp"},
		{diff.Java, "    public String newOtp() {\n        if (a) {\n            b();\n        }\n        return x;", "newOtp"},
		{diff.Java, "public class A {\n    private int x = 1;", ""},
	} {
		v := view(t, c.lang, c.src)
		if got := enclosingFunc(c.lang, v, len(v.Lines)-1); got != c.want {
			t.Errorf("enclosingFunc(%s) = %q, want %q", c.lang, got, c.want)
		}
	}
}

func TestJudgeTransform(t *testing.T) {
	for _, c := range []struct {
		t    string
		bare bool
		bad  bool
	}{
		{"AES", true, true},
		{"AES", false, false},
		{"AES/ECB/PKCS5Padding", false, true},
		{"AES/GCM/NoPadding", true, false},
		{"AES/CBC/PKCS5Padding", true, false},
		{"DESede/CBC/PKCS5Padding", true, true},
		{"RSA/ECB/OAEPWithSHA-256AndMGF1Padding", true, false},
		{"RSA/ECB/PKCS1Padding", true, false},
		{"RSA/ECB/NoPadding", true, true},
		{"Blowfish", true, true},
	} {
		if got := judgeTransform(c.t, c.bare) != ""; got != c.bad {
			t.Errorf("judgeTransform(%q, %v) flagged=%v, want %v", c.t, c.bare, got, c.bad)
		}
	}
}

func TestPasswordNames(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"password.encode()", true},
		{"user.Password", true},
		{`data["password"]`, true},
		{"pwd", true},
		{"old_pw", true},
		{"passphrase", true},
		{"password_reset_token", false},
		{"passwordless_link", false},
		{"password_length", false},
		{"passwd_hash", true},
		{"body", false},
		{"pwned", false},
	} {
		if got := hasPasswordName(c.s); got != c.want {
			t.Errorf("hasPasswordName(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestSmallHelpers(t *testing.T) {
	if !containsFold("X-Insecure-TLS", "insecure") || containsFold("secure", "insecure") || !containsFold("a", "") {
		t.Error("containsFold")
	}
	for p, want := range map[string]bool{
		"config/development.yml": true, "settings/dev.py": true, "docker-compose.override.yml": true,
		"config/local.yml": true, "config/production.yml": false, "deploy/devices.yaml": false, "locale/en.yml": false,
	} {
		if got := devConfigPath(p); got != want {
			t.Errorf("devConfigPath(%q) = %v", p, got)
		}
	}
	for s, want := range map[string]string{"origin;": "origin", " origin)": "origin", "origin || '*'": "", "'*'": "", "9a": "", "": ""} {
		if got := leadingIdent(s); got != want {
			t.Errorf("leadingIdent(%q) = %q, want %q", s, got, want)
		}
	}
	if normKey("NODE_TLS-Reject.Unauthorized") != "nodetlsrejectunauthorized" {
		t.Error("normKey")
	}
	if !negatedKey("disable") || !negatedKey("no") || negatedKey("nodetls") {
		t.Error("negatedKey")
	}
	for b, want := range map[string]bool{"if mode ==": true, "x = ssl.": false, "if v is not": true, "return a !=": true} {
		if got := isComparison(b); got != want {
			t.Errorf("isComparison(%q) = %v", b, got)
		}
	}
	if firstArg("rand.Read(s.key)", 9) != "key" || firstArg("f()", 1) != "" || firstArg("x", 5) != "" {
		t.Error("firstArg")
	}
}

func TestDevGated(t *testing.T) {
	v := view(t, diff.Python, "def s():\n    if settings.DEBUG:\n        s.verify = False\n    s.verify = False")
	if !devGated(v, 2) {
		t.Error("the line inside if DEBUG is gated")
	}
	if devGated(v, 3) {
		t.Error("the line after the block is not gated")
	}
}
