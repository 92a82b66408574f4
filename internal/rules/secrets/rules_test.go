package secrets

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// run adds content at path as a new file and returns this family's
// findings, evidence passed through Redact as the product does.
func run(t *testing.T, e *checks.Engine, path, content string) []checks.Finding {
	t.Helper()
	var buf bytes.Buffer
	if err := fixture.WriteAddedFile(&buf, path, []byte(content)); err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(context.Background(), diff.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func newEngine(t *testing.T) *checks.Engine {
	t.Helper()
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	return checks.NewEngine(reg, checks.Options{Workers: 1, Redact: Redact})
}

// lineCase is one line of a file of the given path; want is the rule that
// must report it, or "" for none of this family.
type lineCase struct {
	path, line, want string
}

func TestLines(t *testing.T) {
	const (
		none = ""
		cred = "secret-hardcoded-credential"
		prov = "secret-provider-token"
	)
	cases := []lineCase{
		// Python
		{"app.py", `token = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")`, none},
		{"app.py", `password = request.form["password"]`, none},
		{"app.py", `if not check_password_hash(user.password_hash, password):`, none},
		{"app.py", `user.set_password(form.password.data)`, none},
		{"app.py", `PASSWORD_REGEX = r"^(?=.*[A-Z])(?=.*\d).{8,}$"`, none},
		{"app.py", `max_tokens = 1024`, none},
		{"app.py", `token_type = "bearer"`, none},
		{"app.py", `data = {"grant_type": "password", "username": user, "password": pw}`, none},
		{"app.py", `AUTH_HEADER = "Authorization"`, none},
		{"app.py", `headers = {"Authorization": f"Bearer {token}"}`, none},
		{"app.py", `headers["Authorization"] = "Bearer " + token`, none},
		{"app.py", `logger.info("password reset email sent to %s", email)`, none},
		{"app.py", `raise ValueError("Password must contain a digit")`, none},
		{"app.py", `secret_name = "prod/db/credentials"`, none},
		{"app.py", `password_hash = "$2b$12$KIXQJvQ0Qc5ZpK1yQ2m7eOe8mQbq3h7W0z3xGkq1dYQx2QeXhW6a"`, none},
		{"app.py", `api_key_env = "OPENAI_API_KEY"`, none},
		{"app.py", `CSRF_COOKIE_NAME = "csrftoken"`, none},
		{"app.py", `def login(username: str, password: str) -> Token:`, none},
		{"app.py", `api_key: str = Field(..., env="API_KEY")`, none},
		{"app.py", `password = "********"`, none},
		{"app.py", `"password": "<redacted>",`, none},
		{"app.py", `token = "null"`, none},
		{"app.py", `TOKEN = "token"`, none},
		{"app.py", `token = "test-token"`, none},
		{"app.py", `PASSWORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"`, none},
		{"app.py", `engine = create_engine(f"mysql://{user}:{password}@{host}/{db}")`, none},
		{"app.py", `STRIPE_PUBLISHABLE_KEY = "pk_live_51Hc8xKJd9sYq2WmL0pZ"`, none},
		{"app.py", `secret = os.environ.get("APP_SECRET", "")`, none},
		{"app.py", `password = getpass.getpass("Password: ")`, none},
		{"app.py", `except Exception: pass`, none},
		{"app.py", `app.config["SECRET_KEY"] = "dev-secret-key-change-in-production"`, none},
		{"app.py", `app.config["SECRET_KEY"] = "f9Kx2LmQ8vRt4ZpW7nYc3HbJ"`, cred},
		{"app.py", `conn = psycopg2.connect(host="db", user="app", password="password")`, cred},
		{"app.py", `conn = psycopg2.connect(host="db", user="app", password="Pg!Acme2024x")`, cred},
		{"app.py", `client = Client(api_key="Zr8Qw2Lx5Nv9Tb3Hk7Pm1Jd")`, cred},
		// JavaScript / TypeScript
		{"app.ts", `const tokenizer = new Tokenizer("bert-base-uncased");`, none},
		{"app.ts", `const { password, ...rest } = user;`, none},
		{"app.ts", `password: z.string().min(8),`, none},
		{"app.ts", `password: { type: String, required: true },`, none},
		{"app.ts", `authDomain: "acme-prod.firebaseapp.com",`, none},
		{"app.ts", `const url = "mongodb+srv://" + user + ":" + pw + "@cluster0.mongodb.net";`, none},
		{"app.ts", `headers: { Authorization: "Bearer <token>" },`, none},
		{"app.ts", "headers: { Authorization: `Bearer ${token}` },", none},
		{"app.ts", `if (!token) throw new Error("token: missing");`, none},
		{"app.ts", `password?: string;`, none},
		{"app.ts", `const apiKey: string = "Hq3Lw9Zx2Pn7Rt5Ks8Vb4Mc";`, cred},
		{"app.ts", `if (password === "hunter2") return true;`, cred},
		// Go
		{"main.go", `token, err := auth.NewToken(ctx)`, none},
		{"main.go", `secret := []byte(os.Getenv("JWT_SECRET"))`, none},
		{"main.go", "Password string `json:\"password,omitempty\"`", none},
		{"main.go", `return fmt.Errorf("token: %w", err)`, none},
		{"main.go", `if password != confirm {`, none},
		{"main.go", `var jwtSecret = []byte("k8Jd2LqX9mZp4VtR7wNc3HyB")`, cred},
		{"main.go", `var jwtKey string = "k8Jd2LqX9mZp4VtR7wNc3HyB"`, cred},
		{"main.go", `os.Setenv("API_TOKEN", "k8Jd2LqX9mZp4VtR7wNc3HyB")`, cred},
		{"main.go", `auth := smtp.PlainAuth("", "alerts@acme.io", "Sm7p!Acme2024", "smtp.acme.io")`, cred},
		// Java / C#
		{"App.java", `String password = request.getParameter("password");`, none},
		{"App.java", `private String password;`, none},
		{"App.java", `props.setProperty("mail.smtp.password", "M4il!Relay2024");`, cred},
		{"App.cs", `var conn = "Server=db.acme.io;Database=app;User Id=sa;Password=Str0ngPa55!x;";`, cred},
		{"appsettings.json", `"Default": "Server=db.acme.io;Database=app;User Id=sa;Password=Str0ngPa55!x;"`, cred},
		// PHP / Ruby
		{"config.php", `'password' => env('DB_PASSWORD', ''),`, none},
		{"config.php", `'password' => 'S3cret!PassW0rd',`, cred},
		{"config.rb", `config.secret_key_base = ENV["SECRET_KEY_BASE"]`, none},
		// YAML / config
		{"ci.yml", `password: ${{ secrets.DOCKERHUB_TOKEN }}`, none},
		{"ci.yml", `token: ${{ secrets.GITHUB_TOKEN }}`, none},
		{"k8s.yaml", `- name: DB_PASSWORD`, none},
		{"k8s.yaml", `secretKeyRef:`, none},
		{"k8s.yaml", `key: password`, none},
		{"k8s.yaml", `password: ${DB_PASSWORD:-}`, none},
		{"values.yaml", `existingSecret: postgres-credentials`, none},
		{"values.yaml", `password: !Ref DbPassword`, none},
		{"values.yaml", `password: hunter2hunter2`, none}, // below the entropy gate, no symbol or capital
		{"values.yaml", `password: Hunter2hunter2`, cred},
		{"k8s.yaml", `  password: cGFzc3dvcmQxMjM0NTY=`, cred},
		{"app.properties", `app.jwt.secret-expiration=3600`, none},
		{"app.properties", `app.jwt.secret=Jw7!kQ2xLp9Zr4Vm`, cred},
		{"settings.ini", `password = Ini!Pass2024x`, cred},
		{"main.tf", `secret_string = jsonencode({ password = random_password.db.result })`, none},
		{"run.sh", `read -s -p "Password: " PASSWORD`, none},
		{"run.sh", `TOKEN=$(cat /run/secrets/token)`, none},
		{"run.sh", `docker login -u "$USER" --password-stdin < token.txt`, none},
		{"run.sh", `curl -H "Authorization: Bearer $API_TOKEN" https://api.acme.io`, none},
		{"run.sh", `curl -H "Authorization: Basic YWRtaW46UzNjcjN0UGFzcw==" https://api.acme.io`, cred},
		{"run.sh", `export DB_PASSWORD="Pr0d!Db#2024"`, cred},
		{"Dockerfile", `ENV API_TOKEN ${API_TOKEN}`, none},
		{"Dockerfile", `ENV API_TOKEN Zq8Lm2Xw5Rt9Kp3Vn7Hb`, cred},
		{"settings.xml", `<password>${env.NEXUS_PASSWORD}</password>`, none},
		{"settings.xml", `<password>Nx!us2024Deploy</password>`, cred},
		{"web.config", `<add key="ApiKey" value="Wq9Zt3Lp7Xm2Kd5Rn8Hv" />`, cred},
		{"main.tf", "variable \"db_password\" {\n  type      = string\n  default   = \"Tf!Secret2024x\"\n  sensitive = true\n}", cred},
		{"main.tf", "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}", none},
		{"cli.py", `parser.add_argument("--db-password", default="Cl1!Default99")`, cred},
		{"cli.py", `parser.add_argument("--db-password", default=os.environ.get("DB_PASSWORD"))`, none},
		{"cli.py", `parser.add_argument("--timeout", default="30s")`, none},
		{"main.go", `token := flag.String("token", "Fl4gT0ken9Xq2Lm", "API token")`, cred},
		{"main.go", `token := flag.String("token", "", "API token")`, none},
		{"lib.rs", `const API_KEY: &str = "Rs9kLm2Xq7Wz4Tb8";`, cred},
		{"seed.py", `DEFAULT_ADMIN_PASSWORD = "admin"`, cred},
		{"seed.py", `PASSWORD_FIELD = "password"`, none},
		{"nb.ipynb", `    "openai_key = \"Nb7kLm2Xq9Wz4TbPq\"\n",`, cred},
		{"config.php", `define('DB_PASSWORD', 'Php!Secret2024');`, cred},
		{"seed.js", `await User.create({ email: "admin@acme.io", password: "Admin@123" });`, cred},
		{"mailer.js", `auth: { user: "alerts@acme.io", pass: "Ml9!relayPass" },`, cred},
		// URLs
		{"app.py", `BROKER = "amqp://guest:guest@localhost:5672//"`, none},
		{"app.py", `DSN = "postgres://user:pass@example.com/db"`, none},
		{"app.py", `DSN = "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/app"`, none},
		{"app.py", `REPO = "git@github.com:acme/payments.git"`, none},
		{"app.py", `DSN = "postgres://app:app@db:5432/app"`, none},
		{"app.py", `DSN = "postgres://app:Xq7!Lm2Pz9@prod-db.acme.io:5432/app"`, cred},
		{"docs/setup.md", `DATABASE_URL=postgres://app:Xq7Lm2Pz9Kd4@localhost:5432/app`, none},
		// Markdown prose
		{"README.md", "The `password` field is required.", none},
		{"README.md", "Authorization: Bearer YOUR_API_KEY", none},
		{"README.md", "Use bearer authentication for every request.", none},
		// provider tokens in odd places
		{"app.py", `KEY = "AKIAIOSFODNN7EXAMPLE"`, none},
		{"app.py", `KEY = "AKIAQ3ZPL7XR2WMK4TVD"`, prov},
		{"app.py", `GH = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`, none},
	}
	e := newEngine(t)
	for _, c := range cases {
		fs := run(t, e, c.path, c.line+"\n")
		got := map[string]bool{}
		for _, f := range fs {
			if f.RuleID != "secret-env-file" {
				got[f.RuleID] = true
			}
		}
		switch {
		case c.want == none && len(got) > 0:
			t.Errorf("%s: %q: unexpected %v", c.path, c.line, keys(got))
		case c.want != none && !got[c.want]:
			t.Errorf("%s: %q: want %s, got %v", c.path, c.line, c.want, keys(got))
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestEvidenceMasked checks the promise of the family: no finding shows a
// secret in its evidence or its message.
func TestEvidenceMasked(t *testing.T) {
	secrets := map[string]string{
		"a.py":   `AWS = "AKIAQ3ZPL7XR2WMK4TVD"`,
		"b.py":   `SECRET_KEY = "f9Kx2LmQ8vRt4ZpW7nYc3HbJ"`,
		"c.yml":  `password: Hunter2hunter2`,
		"d.py":   `DSN = "postgres://app:Xq7!Lm2Pz9@prod-db.acme.io:5432/app"`,
		"e.sh":   `curl -H "Authorization: Bearer Zq8Lm2Xw5Rt9Kp3Vn7HbQ4Tx" https://x.acme.io`,
		"f.go":   `if token == "Zq8Lm2Xw5Rt9Kp3Vn7HbQ4Tx" { log.Print("Zq8Lm2Xw5Rt9Kp3Vn7HbQ4Tx") }`,
		".env":   `OPENAI_API_KEY=sk-live-Zq8Lm2Xw5Rt9Kp3Vn7HbQ4Tx`,
		"g.java": `ds.setPassword("admin");`,
		"h.pem":  "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAq3Lw9Zx2Pn7Rt5Ks8Vb4Mc1Jd6Hf0Gy2Tu4Io8Pa3Sd5Fg7\n-----END RSA PRIVATE KEY-----",
		"i.json": `{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q3Lw9Zx2Pn7\n-----END PRIVATE KEY-----\n"}`,
	}
	values := []string{"AKIAQ3ZPL7XR2WMK4TVD", "f9Kx2LmQ8vRt4ZpW7nYc3HbJ", "Hunter2hunter2", "Xq7!Lm2Pz9", "Zq8Lm2Xw5Rt9Kp3Vn7HbQ4Tx",
		"sk-live-Zq8Lm2Xw5Rt9Kp3Vn7HbQ4Tx", "admin", "MIIEpAIBAAKCAQEAq3Lw9Zx2Pn7Rt5Ks8Vb4Mc1Jd6Hf0Gy2Tu4Io8Pa3Sd5Fg7", "BKcwggSjAgEAAoIBAQC7q3Lw9Zx2Pn7"}
	e := newEngine(t)
	for path, content := range secrets {
		fs := run(t, e, path, content+"\n")
		if len(fs) == 0 {
			t.Errorf("%s: no finding", path)
		}
		for _, f := range fs {
			for _, v := range values {
				if strings.Contains(f.Evidence, v) || strings.Contains(f.Message, v) {
					t.Errorf("%s: %s leaks %q: evidence %q message %q", path, f.RuleID, v, f.Evidence, f.Message)
				}
			}
		}
	}
}
