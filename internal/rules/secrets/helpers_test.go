package secrets

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AKIAIOSFODNN7EXAMPLE", "AKIA************MPLE"},
		{"abcdefghijklm", "abcd*****jklm"},
		{"abcdefghijkl", "ab**********"},
		{"admin1", "ad****"},
		{"admin", "a****"},
		{"ab", "**"},
		{"", ""},
		{"pässwörd-länger", "päss*******nger"},
	}
	for _, tt := range tests {
		if got := maskValue(tt.in); got != tt.want {
			t.Errorf("maskValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if utf8.RuneCountInString(maskValue(tt.in)) != utf8.RuneCountInString(tt.in) {
			t.Errorf("maskValue(%q) changed the length", tt.in)
		}
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"Authorization: Bearer x", "bearer", 15},
		{"AUTHORIZATION", "authorization", 0},
		{"xx", "xxx", -1},
		{"", "a", -1},
		{"abc", "", 0},
		{"aaaaab", "aab", 3},
		{"tokTOKEN", "token", 3},
		{"passwoRD", "word", 4},
		{"no match here", "zzz", -1},
		{"_-_-_", "-_", 1},
	}
	for _, tt := range tests {
		if got := indexFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", tt.s, tt.sub, got, tt.want)
		}
	}
}

func TestEntropy(t *testing.T) {
	tests := []struct {
		in       string
		min, max float64
	}{
		{"", 0, 0},
		{"aaaaaaaa", 0, 0},
		{"abcdefgh", 3, 3},
		{"password", 2.7, 2.8},
		{"f9Kx2LmQ8vRt4ZpW7nYc3HbJ", 4.4, 4.6},
	}
	for _, tt := range tests {
		if got := entropy(tt.in); got < tt.min-1e-9 || got > tt.max+1e-9 {
			t.Errorf("entropy(%q) = %.3f, want [%.2f, %.2f]", tt.in, got, tt.min, tt.max)
		}
	}
}

func TestSplitKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DB_PASSWORD", "DB PASSWORD"},
		{"dbPassword", "db Password"},
		{"APIKey", "API Key"},
		{"x-api-key", "x api key"},
		{"spring.datasource.password", "spring datasource password"},
		{"oauth2Token", "oauth 2 Token"},
		{"PGPASSWORD", "PGPASSWORD"},
		{"", ""},
	}
	for _, tt := range tests {
		var segs [16]string
		n := splitKey(tt.in, &segs)
		if got := strings.Join(segs[:n], " "); got != tt.want {
			t.Errorf("splitKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClassifyKey(t *testing.T) {
	tests := []struct {
		key            string
		cred, password bool
	}{
		{"password", true, true},
		{"DB_PASSWORD", true, true},
		{"PGPASSWORD", true, true},
		{"db_pass", true, true},
		{"apiKey", true, false},
		{"AWS_SECRET_ACCESS_KEY", true, false},
		{"x-api-key", true, false},
		{"Authorization", true, false},
		{"auth", true, false},
		{"auth_token", true, false},
		{"client_secret", true, false},
		{"csrftoken", true, false},
		{"author", false, false},
		{"auth_url", false, false},
		{"authDomain", false, false},
		{"password_label", false, false},
		{"PASSWORD_MIN_LENGTH", false, false},
		{"max_tokens", false, false},
		{"tokenizer", false, false},
		{"bypassCache", false, false},
		{"passport", false, false},
		{"cache_key", false, false},
		{"primary_key", false, false},
		{"token_type", false, false},
		{"secretKeyRef", false, false},
		{"password_hash", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		got := classifyKey(tt.key)
		if got.cred != tt.cred || got.password != tt.password {
			t.Errorf("classifyKey(%q) = %+v, want cred=%v password=%v", tt.key, got, tt.cred, tt.password)
		}
	}
}

func TestPlaceholderValue(t *testing.T) {
	yes := []string{"", "<your-token>", "${DB_PASSWORD}", "{{ vault_pw }}", "your-api-key-here", "xxxxxxxx", "***",
		"$API_KEY", "%DB_PASS%", "@db.password@", "!Ref DbPassword", "sk-proj-...", "changeme-now", "null", "%s"}
	no := []string{"f9Kx2LmQ8vRt4ZpW7nYc3HbJ", "Orders2024!Prod", "$2b$12$abc", "hunter2hunter2"}
	for _, v := range yes {
		if !placeholderValue(v) {
			t.Errorf("placeholderValue(%q) = false", v)
		}
	}
	for _, v := range no {
		if placeholderValue(v) {
			t.Errorf("placeholderValue(%q) = true", v)
		}
	}
}

func TestIdentifierLike(t *testing.T) {
	yes := []string{"https://auth.acme.io/token", "/etc/secrets/db", "certs/key.pem", "credentials.json", "DB_PASSWORD",
		"app.secret.key", "config.apiKey", "super-secret-key", "x-auth-token", `C:\keys\a.pfx`}
	no := []string{"f9Kx2LmQ8vRt4ZpW7nYc3HbJ", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "JBSWY3DPEHPK3PXP"}
	for _, v := range yes {
		if !identifierLike(v, false) {
			t.Errorf("identifierLike(%q) = false", v)
		}
	}
	for _, v := range no {
		if identifierLike(v, false) {
			t.Errorf("identifierLike(%q) = true", v)
		}
	}
}

func TestEnvFile(t *testing.T) {
	yes := []string{".env", ".env.local", ".env.production", "app/.env", "config/prod.env"}
	no := []string{".env.example", ".env.sample", ".env.template", ".env.dist", "env.example", ".env.vault", "example.env", "main.go", ".envrc"}
	for _, p := range yes {
		if !isEnvFile(p) {
			t.Errorf("isEnvFile(%q) = false", p)
		}
	}
	for _, p := range no {
		if isEnvFile(p) {
			t.Errorf("isEnvFile(%q) = true", p)
		}
	}
	tests := []struct{ line, key, val string }{
		{"DB_PASSWORD=s3cret", "DB_PASSWORD", "s3cret"},
		{`export TOKEN="abc def"`, "TOKEN", "abc def"},
		{"EMPTY=", "EMPTY", ""},
		{"PORT=3000 # web", "PORT", "3000"},
	}
	for _, tt := range tests {
		k, v, at, ok := envAssignment(tt.line)
		if !ok || k != tt.key || v != tt.val || tt.val != "" && !strings.HasPrefix(tt.line[at:], v) {
			t.Errorf("envAssignment(%q) = %q %q %d %v", tt.line, k, v, at, ok)
		}
	}
	if _, _, _, ok := envAssignment("# comment"); ok {
		t.Error("envAssignment accepted a comment")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`key = "AKIAIOSFODNN7EXAMPLE"`, `key = "AKIA************MPLE"`},
		{`DB_PASSWORD=Xk9mP2vLq8wRz4Tb`, `DB_PASSWORD=Xk9m********z4Tb`},
		{`url = "postgres://app:Xk9mP2vLq8wR@db.acme.io/app"`, `url = "postgres://app:Xk**********@db.acme.io/app"`},
		{`"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"`,
			`"private_key": "-----BEGIN PRIVATE KEY-----` + strings.Repeat("*", 36) + `-----END PRIVATE KEY-----"`},
		{`log.Printf("token %s", tok) // ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5`, `log.Printf("token %s", tok) // ghp_********************************3hJ5`},
		// Ordinary code is left alone.
		{`except Exception: pass`, `except Exception: pass`},
		{`token = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")`, `token = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")`},
		{`if err := validateToken(tokenString); err != nil {`, `if err := validateToken(tokenString); err != nil {`},
		{`password = request.form["password"]`, `password = request.form["password"]`},
		{``, ``},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if again := Redact(Redact(tt.in)); again != Redact(tt.in) {
			t.Errorf("Redact is not idempotent on %q: %q", tt.in, again)
		}
	}
}

// TestRedactRandom feeds Redact random mixes of code fragments and secrets:
// it must never panic and never return a planted secret whole.
func TestRedactRandom(t *testing.T) {
	secretsList := []string{"AKIAQ3ZPL7XR2WMK4TVD", "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5", "f9Kx2LmQ8vRt4ZpW7nYc3HbJ",
		"xoxb-123456789012-1234567890123-aB3dE5gH7jK9mN1pQ3sT5vW7"}
	fragments := []string{"password", "=", ":", `"`, "'", " ", "://", "@", "token", "Bearer ", "(", ")", ",", "\\",
		"-----BEGIN PRIVATE KEY-----", "-----END", "api_key", "[", "]", "${", "}", "é", "\x00", "\xff", "==", "!=", ".equals(", "#", "\n"}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		planted := ""
		for k := r.Intn(12); k >= 0; k-- {
			if r.Intn(6) == 0 {
				planted = secretsList[r.Intn(len(secretsList))]
				b.WriteString(` api_key = "` + planted + `" `)
				continue
			}
			b.WriteString(fragments[r.Intn(len(fragments))])
		}
		in := b.String()
		out := Redact(in)
		if planted != "" && strings.Contains(out, planted) {
			t.Fatalf("Redact(%q) = %q keeps %q", in, out, planted)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("Redact(%q) broke UTF-8: %q", in, out)
		}
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{`password = "Xk9mP2vLq8wRz4Tb"`, "postgres://a:b@c", "-----BEGIN PRIVATE KEY-----MII", `Bearer eyJabc.def`, `auth=("a", "b")`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Redact broke UTF-8: %q -> %q", s, out)
		}
	})
}
