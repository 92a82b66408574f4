package hardening

import (
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

func TestNestedQuantifier(t *testing.T) {
	tests := []struct {
		re   string
		want bool
	}{
		{`(a+)+`, true},
		{`(\w+\s?)*`, true},
		{`(.*)*`, true},
		{`^(([a-z])+.)+[A-Z]([a-z])+$`, true},
		{`^([a-zA-Z0-9]+\s*)+$`, true},
		{`(\d+|\w+)*`, true},
		{`(?:\s*\w+\s*)+`, true},
		{`^(\w+)*@`, true},
		{`(x{2,})*`, true},
		{`(a+){2,}`, true},
		{`(?P<word>\w+\s?)+`, true},
		// Separated iterations, bounded or atomic repetition, no nesting.
		{`([a-z0-9]+\.)+[a-z]{2,}`, false},
		{`^(\w+\.)*\w+@\w+\.\w+$`, false},
		{`(?:\s*,\s*\w+)*`, false},
		{`(\d+)?`, false},
		{`(\d+){3}`, false},
		{`(\d{1,3}\.){3}\d{1,3}`, false},
		{`(?>a+)+`, false},
		{`(a+)++`, false},
		{`(?:[^"\\]|\\.)*`, false},
		{`^[\w.+-]+@[\w-]+\.[\w.]+$`, false},
		{`(\w+\s)+`, false},
		{`(.*a)*`, true},
		{`(\w+,?)+`, true},
		{`(a+a+)*`, true},
		{`(\s*\n)+`, true},
		{`(a+b+)*`, false},
		{`(-+[a-z0-9]+)*`, false},
		{`"[^"\\]*((\\.|"(?!""))[^"\\]*)*"`, false},
		{`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, false},
		{`^(\d+|\w+)(\.\w+|\[[^]]+\])*$`, false},
		{`(\b(int|long|short)\s*)+`, false},
		{`([a-z]+\s*,\s*)+`, false},
		{`(\.\w+(\([^)]*\))?)*\}?`, false},
		{`((::)?\w+)+`, true},
		{`(?:\.[^[]+)*$`, true},
		{`([+-]?\d)+`, false},
		{`(?i)(abc)+`, false},
		{`(?=\w+)+`, false},
		{`[(a+)+]`, false},
		{`\(a+\)+`, false},
		{``, false},
		{`(((`, false},
		{`)))+`, false},
		{`(a+`, false},
		{`(?`, false},
		{`[`, false},
		{`\`, false},
		{`a{99999999999999}`, false},
	}
	for _, tt := range tests {
		if got := nestedQuantifier(tt.re); got != tt.want {
			t.Errorf("nestedQuantifier(%q) = %v, want %v", tt.re, got, tt.want)
		}
	}
}

func TestIdentWords(t *testing.T) {
	tests := map[string][]string{
		"APIKey":         {"api", "key"},
		"user_SSN":       {"user", "ssn"},
		"accessToken":    {"access", "token"},
		"DB_PASSWORD":    {"db", "password"},
		"x-api-key":      {"x", "api", "key"},
		"getPassword":    {"get", "password"},
		"ssnLast4":       {"ssn", "last4"},
		"JWTToken":       {"jwt", "token"},
		"e.getMessage()": {"e", "get", "message"},
		"":               nil,
	}
	for in, want := range tests {
		if got := identWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("identWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretIdent(t *testing.T) {
	yes := []string{"password", "new_password", "DB_PASSWORD", "apiKey", "API_KEY", "access_token", "refreshToken",
		"client_secret", "session_id", "sessionId", "private_key", "card_number", "ssn", "user_ssn", "token_value",
		"auth_header", "Authorization", "cookies", "jwt", "cvv", "passwd", "secret", "credentials"}
	no := []string{"token_count", "tokens", "max_tokens", "next_token", "nextPageToken", "password_hash", "secret_name",
		"password_policy", "tokenizer", "ssn_last4", "key", "session", "username", "api_url", "token_type",
		"passwordLength", "MIN_PASSWORD_LENGTH", "has_token", "is_password_valid", ""}
	for _, s := range yes {
		if !secretIdent(s) {
			t.Errorf("secretIdent(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if secretIdent(s) {
			t.Errorf("secretIdent(%q) = true, want false", s)
		}
	}
}

func TestLastWordsSecret(t *testing.T) {
	tests := map[string]bool{
		"Token: ":             true,
		"Generated API key: ": true,
		"password=":           true,
		"Bearer ":             true,
		"Invalid token: ":     true,
		"password reset for ": false,
		"User ":               false,
		"":                    false,
		": ":                  false,
		"session id ":         true,
		"x-api-key":           true,
	}
	for in, want := range tests {
		if got := lastWordsSecret(in); got != want {
			t.Errorf("lastWordsSecret(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestModeWritable(t *testing.T) {
	tests := map[string]bool{
		"777": true, "0777": true, "666": true, "0666": true, "772": true, "4777": true, "o+w": true,
		"a+rwx": true, "u+rwx,o+w": true, "o=rwx": true, "ugo+w": true,
		"755": false, "0755": false, "644": false, "775": false, "1777": false, "o-w": false, "+w": false,
		"a+x": false, "g+w": false, "go-w": false, "": false, "9": false,
	}
	for in, want := range tests {
		if got := modeWritable(in); got != want {
			t.Errorf("modeWritable(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestExprWritable(t *testing.T) {
	tests := []struct {
		expr string
		lang diff.Language
		want bool
	}{
		{"0o777", diff.Python, true},
		{"0777", diff.Go, true},
		{"0o666", diff.Go, true},
		{"os.ModePerm", diff.Go, true},
		{"0777|os.ModeDir", diff.Go, true},
		{"stat.S_IRWXU | stat.S_IWOTH", diff.Python, true},
		{"755", diff.Python, true}, // decimal 755 is 0o1363
		{"0o755", diff.Python, false},
		{"0644", diff.Go, false},
		{"0o750", diff.Go, false},
		{"mode & ~stat.S_IWOTH", diff.Python, false},
		{"perm", diff.Go, false},
		{"511", diff.JavaScript, true},
		{"0x1ff", diff.JavaScript, false},
	}
	for _, tt := range tests {
		if got := exprWritable(tt.expr, tt.lang); got != tt.want {
			t.Errorf("exprWritable(%q, %s) = %v, want %v", tt.expr, tt.lang, got, tt.want)
		}
	}
}

func TestShellPerms(t *testing.T) {
	tests := map[string]bool{
		"chmod 777 /var/www":                         true,
		"RUN chmod -R 0777 /app/storage":             true,
		"sudo chmod o+w /etc/app.conf":               true,
		"chmod a+rwx run.sh && ./run.sh":             true,
		"COPY --chmod=777 entrypoint.sh /":           true,
		"mkdir -p -m 777 /data":                      true,
		"umask 000":                                  true,
		"find . -type d -exec chmod 777 {} \\;":      true,
		"chmod 755 /usr/local/bin/app":               false,
		"chmod +x ./gradlew":                         false,
		"chmod 1777 /tmp/shared":                     false,
		"chmod o-w file":                             false,
		"chmod 600 ~/.ssh/id_rsa":                    false,
		"umask 022":                                  false,
		"mkdir -p /data":                             false,
		"chmodx 777":                                 false,
		"install -m 0755 bin/app /usr/local/bin/":    false,
		"echo done # then chmod 777 the dir by hand": true, // the caller masks comments first
	}
	for in, want := range tests {
		if got := shellPerms(in) != ""; got != want {
			t.Errorf("shellPerms(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSettingsFile(t *testing.T) {
	tests := map[string]bool{
		"mysite/settings.py":               true,
		"config/settings/production.py":    true,
		"config/settings/base.py":          true,
		"config/settings/dev.py":           false,
		"config/settings/local.py":         false,
		"mysite/local_settings.py":         false,
		"mysite/settings_dev.py":           false,
		"mysite/test_settings.py":          false,
		"app/config.py":                    false,
		"app/settings.json":                false,
		"services/api/settings/staging.py": true,
	}
	for in, want := range tests {
		if got := settingsFile(in); got != want {
			t.Errorf("settingsFile(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestServerPath(t *testing.T) {
	tests := map[string]bool{
		"src/server/payments.ts":      true,
		"pages/api/users.ts":          true,
		"lambda/handler.js":           true,
		"src/components/UserList.tsx": false,
		"src/hooks/useUser.ts":        false,
		"src/lib/format.ts":           false,
		"app.server.ts":               true,
		"scripts/sync-prices.mjs":     true,
	}
	for in, want := range tests {
		if got := serverPath(in); got != want {
			t.Errorf("serverPath(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBraceExprs(t *testing.T) {
	tests := []struct {
		s, open string
		want    []string
	}{
		{`^{prefix}\d{2,3}{{x}}$`, "{", []string{"prefix"}},
		{"^${escaped}$", "${", []string{"escaped"}},
		{`{`, "{", nil},
		{`{}`, "{", nil},
	}
	for _, tt := range tests {
		if got := braceExprs(tt.s, tt.open); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("braceExprs(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestJSRegexLiterals(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`const re = /^(\w+\s?)*$/i;`, []string{`^(\w+\s?)*$`}},
		{`if (s.match(/[/]+/) || x) {`, []string{`[/]+`}},
		{`const half = total / 2 / count;`, nil},
		{`return /a(b)+/.test(s);`, []string{`a(b)+`}},
		{`x = /unterminated`, nil},
	}
	for _, tt := range tests {
		s := span{Raw: tt.line, Code: tt.line}
		if got := jsRegexLiterals(s); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("jsRegexLiterals(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestSplitTopAndKeys(t *testing.T) {
	s := span{Raw: "Timeout: 5, Transport: &http.Transport{IdleConnTimeout: 3}, f(a, b)", Code: ""}
	s.Code = s.Raw
	parts := splitTop(s)
	if len(parts) != 3 || !strings.HasPrefix(parts[2].Code, "f(") {
		t.Fatalf("splitTop = %q", parts)
	}
	if !topLevelKey(s, "Timeout") || topLevelKey(s, "IdleConnTimeout") {
		t.Error("topLevelKey read a nested key or missed a top-level one")
	}
}

func TestNestedBoundedRepetition(t *testing.T) {
	for re, want := range map[string]bool{
		`^([a-zA-Z0-9_.\-])+@(([a-zA-Z0-9\-])+\.)+([a-zA-Z0-9]{2,4})+$`: true,
		`([a-z0-9-]{1,63}\.)+[a-z]{2,}`:                                 false,
		`(\d{1,3}\.){3}\d{1,3}`:                                         false,
		`(a{2})+`:                                                       false,
	} {
		if got := nestedQuantifier(re); got != want {
			t.Errorf("nestedQuantifier(%q) = %v, want %v", re, got, want)
		}
	}
}

func TestHasSecretStem(t *testing.T) {
	for s, want := range map[string]bool{
		`log.Printf("%d items", n)`:   false,
		`log.Printf("%s", cfg.DBPwd)`: true,
		`fmt.Println(apiKey)`:         true,
		`print(os.environ)`:           true,
		`logger.info(TOKEN)`:          true,
		`x`:                           false,
		``:                            false,
	} {
		if got := hasSecretStem(s); got != want {
			t.Errorf("hasSecretStem(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestStripFormatSpec(t *testing.T) {
	for in, want := range map[string]string{
		"x":          "x",
		"x!r":        "x",
		"x:>10":      "x",
		"token[:8]":  "token[:8]",
		"x=":         "x",
		"a == b":     "a == b",
		"d['k']:^5":  "d['k']",
		"f(a, b=c)":  "f(a, b=c)",
		"n != 0":     "n != 0",
		"len(s):03d": "len(s)",
	} {
		if got := stripFormatSpec(in); got != want {
			t.Errorf("stripFormatSpec(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLeakIn judges the argument lists of logging calls directly.
func TestLeakIn(t *testing.T) {
	tests := []struct {
		lang diff.Language
		args string
		leak bool
	}{
		{diff.Python, `"login %s with %s", user, password`, true},
		{diff.Python, `"Password reset requested for %s", user.email`, false},
		{diff.Python, `"token=%s" % tok`, true},
		{diff.Python, `"token=%s" % (tok,)`, true},
		{diff.Python, `"token={}".format(tok)`, true},
		{diff.Python, `"{} {}".format(user, password=pw)`, true},
		{diff.Python, `f"token {token[:6]}..."`, false},
		{diff.Python, `f"Bearer {access_token}"`, true},
		{diff.Python, `"Invalid token: %s", e`, false},
		{diff.Python, `"Token: %s", token_id`, false},
		{diff.Python, `"ok", extra={"password": "***"}`, false},
		{diff.Python, `"ok", extra={"password": pw}`, true},
		{diff.Python, `"has token: %s", bool(token)`, false},
		{diff.Python, `"creds: %s", mask(creds)`, false},
		{diff.Python, `"env", os.environ.get("HOME")`, false},
		{diff.Python, `"env", os.environ["DB_PASSWORD"]`, true},
		{diff.JavaScript, "`token ${token}`", true},
		{diff.JavaScript, "`token length ${token.length}`", false},
		{diff.JavaScript, `'auth', !!req.headers.authorization`, false},
		{diff.JavaScript, `{ user, token: maskToken(t) }`, false},
		{diff.JavaScript, `{ user, token }`, true},
		{diff.JavaScript, `'issued token', user.id`, false},
		{diff.JavaScript, `'Token:', t`, true},
		{diff.Go, `"%s: %v", "token", err`, false},
		{diff.Go, `"cfg: password=%s", cfg.Password`, true},
		{diff.Go, `"pos %v", token.NoPos`, false},
		{diff.Java, `"User {} token {}", user, token`, true},
		{diff.Java, `"Authorization: " + request.getHeader("Authorization")`, true},
		{diff.Java, `"UA: " + request.getHeader("User-Agent")`, false},
		{diff.Python, ``, false},
		{diff.Python, `"%s %s %s", `, false},
	}
	for _, tt := range tests {
		code := checks.MaskCode(tt.lang, []string{tt.args})[0]
		got := leakIn(tt.lang, span{Raw: tt.args, Code: code}, 0) != ""
		if got != tt.leak {
			t.Errorf("%s leakIn(%s) = %v, want %v", tt.lang, tt.args, got, tt.leak)
		}
	}
}
