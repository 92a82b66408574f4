package secrets

// keyInfo is what a key name (variable, map key, YAML key, header, setter)
// says about the value assigned to it.
type keyInfo struct {
	cred bool
	// password and secret keys also take the weak-default check.
	password, secret bool
	// auth keys (Authorization, auth) hold "Basic …"/"Bearer …" values.
	auth bool
}

// maxKey bounds how far back a key is read, so that a long minified line
// costs linear time.
const maxKey = 80

// credHints are the cheap test before a key is split: every credential key
// contains one of them.
var credHints = []string{"pass", "pw", "secret", "token", "key", "auth", "bearer", "cred"}

var passwordWords = []string{"password", "passwd", "pwd", "pass", "passphrase", "pw", "passcode"}

// keyQualifiers turn a bare "key" segment into a credential (api_key,
// signingKey, AWS_SECRET_ACCESS_KEY); "key" alone names cache keys, map
// keys and primary keys.
var keyQualifiers = []string{
	"api", "access", "private", "secret", "signing", "encryption", "master", "app", "license",
	"auth", "webhook", "hmac", "jwt", "account", "storage", "shared", "subscription", "session",
	"client", "service", "admin", "write", "deploy", "cipher", "aes", "crypto", "ingest",
	// Services whose "<name>_key" is their API credential.
	"openai", "anthropic", "claude", "gemini", "mistral", "groq", "cohere", "replicate", "huggingface", "hf",
	"pinecone", "openrouter", "deepseek", "elevenlabs", "stripe", "paypal", "braintree", "square", "plaid",
	"github", "gitlab", "bitbucket", "slack", "discord", "telegram", "twilio", "vonage", "nexmo", "sendgrid",
	"mailgun", "mailchimp", "mailjet", "postmark", "resend", "google", "gcp", "aws", "azure", "firebase",
	"supabase", "mapbox", "algolia", "pusher", "datadog", "newrelic", "heroku", "vercel", "netlify",
	"cloudflare", "shopify", "hubspot", "salesforce", "zendesk", "intercom", "airtable", "notion", "linear",
	"segment", "amplitude", "mixpanel", "clerk", "auth0", "okta", "rapidapi", "openweather", "weather",
	"maps", "youtube", "spotify", "twitter", "facebook", "instagram", "linkedin", "npm", "docker",
}

// mergedCredSuffixes catch keys written as one word (PGPASSWORD, apikey,
// csrftoken) that segment splitting cannot break up.
var mergedCredSuffixes = []string{
	"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
	"secretkey", "signingkey", "masterkey", "encryptionkey", "authkey", "appkey",
}

// negativeSegments mark keys that name something about a credential (its
// label, length, header name, file, URL, type) rather than the credential,
// and words that merely contain "pass" or "token".
var negativeSegments = []string{
	"label", "labels", "hint", "placeholder", "prompt", "message", "messages", "msg", "text", "title",
	"description", "desc", "error", "errors", "err", "help", "field", "fields", "column", "col",
	"param", "params", "parameter", "header", "headers", "name", "names", "type", "types", "kind",
	"mode", "path", "paths", "file", "files", "filename", "dir", "directory", "url", "uri", "urls",
	"endpoint", "route", "host", "hostname", "port", "id", "ids", "index", "idx", "env", "var",
	"variable", "attr", "attribute", "policy", "regex", "regexp", "pattern", "format", "fmt",
	"template", "selector", "input", "class", "cls", "icon", "prefix", "suffix", "scope", "scopes",
	"audience", "issuer", "algorithm", "alg", "hash", "hashed", "digest", "fingerprint", "version",
	"length", "len", "size", "min", "max", "count", "limit", "ttl", "timeout", "expiry", "expires",
	"expiration", "exp", "lifetime", "duration", "age", "interval", "days", "hours", "minutes",
	"seconds", "secs", "ms", "strength", "validator", "validation", "valid", "required", "enabled",
	"enable", "disabled", "visible", "visibility", "show", "hidden", "toggle", "store", "backend",
	"provider", "source", "location", "ref", "refs", "reference", "arn", "method", "strategy",
	"grant", "flow", "response", "usage", "budget", "cost", "rate", "tokens", "tokenizer",
	"tokenize", "tokenized", "bypass", "compass", "passenger", "passengers", "passport", "through",
	"thru", "passive", "passed", "passes", "passing", "domain", "event", "events", "cache", "table",
	"schema", "style", "css", "color", "width", "height", "button", "btn", "link", "dialog", "modal",
	"page", "screen", "view", "component", "i18n", "lang", "locale", "translation", "display",
	"callback", "handler", "fn", "func", "function", "chars", "charset", "characters", "alphabet",
	"symbols", "digits", "letters", "status", "state", "created", "updated", "at", "date", "time",
	"encoding", "mock", "fake", "dummy", "example", "sample", "bucket", "queue", "topic", "channel",
	"region", "zone", "mask", "masked", "redacted", "manager", "generator", "factory", "count",
}

// authFollowers make "auth" a credential when it is not the last segment
// (auth_token, AUTH_KEY); auth_url, auth_method and friends are not.
var authFollowers = []string{"token", "key", "secret", "pass", "password", "string", "value", "data", "basic", "creds", "credentials"}

func inFold(s string, list []string) bool {
	for _, w := range list {
		if equalFold(s, w) {
			return true
		}
	}
	return false
}

func hasSuffixFold(s, lower string) bool {
	return len(s) >= len(lower) && equalFold(s[len(s)-len(lower):], lower)
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLowerASCII(c byte) bool { return 'a' <= c && c <= 'z' }

// splitKey splits a key into its words: snake, kebab, dotted and camel case
// (APIKey → API, Key), letters and digits apart. It fills segs and returns
// how many it found; words past the array are dropped.
func splitKey(key string, segs *[16]string) int {
	n, start := 0, -1
	flush := func(end int) {
		if start >= 0 && end > start && n < len(segs) {
			segs[n] = key[start:end]
			n++
		}
		start = -1
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !isAlnum(c) {
			flush(i)
			continue
		}
		if start >= 0 {
			p := key[i-1]
			switch {
			case isUpperASCII(c) && (isLowerASCII(p) || isDigit(p)):
				flush(i)
			case isUpperASCII(c) && isUpperASCII(p) && i+1 < len(key) && isLowerASCII(key[i+1]):
				flush(i)
			case isDigit(c) != isDigit(p):
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(key))
	return n
}

// classifyKey decides whether a key names a credential.
func classifyKey(key string) keyInfo {
	var info keyInfo
	if key == "" || len(key) > maxKey {
		return info
	}
	hinted := false
	for _, h := range credHints {
		if containsFold(key, h) {
			hinted = true
			break
		}
	}
	if !hinted {
		return info
	}
	var segs [16]string
	n := splitKey(key, &segs)
	for k := 0; k < n; k++ {
		if inFold(segs[k], negativeSegments) {
			return keyInfo{}
		}
	}
	for k := 0; k < n; k++ {
		sg := segs[k]
		switch {
		case inFold(sg, passwordWords):
			info.cred, info.password = true, true
		case equalFold(sg, "secret") || equalFold(sg, "secrets"):
			info.cred, info.secret = true, true
		case equalFold(sg, "token") || equalFold(sg, "bearer") || equalFold(sg, "credential") ||
			equalFold(sg, "credentials") || equalFold(sg, "cred") || equalFold(sg, "creds") || equalFold(sg, "apikey"):
			info.cred = true
		case equalFold(sg, "authorization"):
			info.cred, info.auth = true, true
		case equalFold(sg, "auth"):
			if k == n-1 || inFold(segs[k+1], authFollowers) {
				info.cred, info.auth = true, true
			}
		case equalFold(sg, "key"):
			if k > 0 && inFold(segs[k-1], keyQualifiers) {
				info.cred = true
				if equalFold(segs[k-1], "secret") {
					info.secret = true
				}
			}
		default:
			for _, suf := range mergedCredSuffixes {
				if len(sg) > len(suf) && hasSuffixFold(sg, suf) {
					info.cred = true
					switch suf {
					case "password", "passwd", "passphrase":
						info.password = true
					case "secret", "secretkey":
						info.secret = true
					}
					break
				}
			}
		}
	}
	return info
}

// equalsKeyPart reports whether a value is the key itself or its
// credential word (PASSWORD = "password", FIELD_TOKEN = "token"): a name
// constant. ADMIN_PASSWORD = "admin" is not one: "admin" is the password.
func equalsKeyPart(key, v string) bool {
	if equalFold(normaliseName(key), normaliseName(v)) {
		return true
	}
	var segs [16]string
	n := splitKey(key, &segs)
	for k := 0; k < n; k++ {
		if equalFold(segs[k], v) && classifyKey(segs[k]).cred {
			return true
		}
	}
	return false
}

// normaliseName drops separators so that api_key, apiKey and API-KEY
// compare equal.
func normaliseName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			b = append(b, lowerASCII(s[i]))
		}
	}
	return string(b)
}
