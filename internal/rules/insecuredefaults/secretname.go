package insecuredefaults

// secretKind is how sensitive a value is, judged by the name it is given.
type secretKind uint8

const (
	// notSecret: nothing suggests a secret.
	notSecret secretKind = iota
	// noiseName: the name says the value is a number about something
	// (token_length, session_timeout, retry_delay); it overrides any
	// secret-looking function the value is computed in.
	noiseName
	// weakSecret: a secret-like name that is also used for plain data
	// (session, code, pin); it counts only when the value is built
	// like a secret (a string of random characters or bytes).
	weakSecret
	// secret: nonce, salt, csrf, invite, verification code, signing key.
	secret
	// strongSecret: a credential (token, password, OTP, session id,
	// reset code, API key).
	strongSecret
)

var (
	noiseLast = map[string]bool{"delay": true, "jitter": true, "timeout": true, "sleep": true, "wait": true, "backoff": true,
		"interval": true, "retry": true, "retries": true, "count": true, "len": true, "length": true, "size": true, "num": true,
		"index": true, "idx": true, "offset": true, "ttl": true, "expiry": true, "expires": true, "expiration": true, "age": true,
		"duration": true, "limit": true, "max": true, "min": true, "rounds": true, "ms": true, "millis": true, "seconds": true, "secs": true,
		"weight": true, "weights": true, "prob": true, "probability": true, "ratio": true, "rate": true, "percent": true, "color": true,
		"colour": true, "port": true, "chance": true, "factor": true, "type": true, "label": true, "title": true, "position": true,
		"pos": true, "sample": true, "samples": true, "bucket": true, "shard": true, "order": true, "priority": true, "attempt": true,
		"attempts": true, "ids": true, "list": true, "names": true, "users": true, "text": true, "mock": true, "fake": true, "dummy": true}
	noiseFirst = map[string]bool{"num": true, "max": true, "min": true, "n": true, "total": true, "avg": true, "mock": true,
		"fake": true, "dummy": true, "sample": true, "test": true, "example": true}
	nlpWords = map[string]bool{"tokenizer": true, "tokenize": true, "tokenized": true, "tokens": true, "subword": true,
		"vocab": true, "bpe": true, "embedding": true, "embeddings": true, "logits": true, "sessions": true, "keys": true, "passwords": true}
	codeQualifiers = map[string]bool{"verification": true, "verify": true, "verif": true, "confirm": true, "confirmation": true,
		"auth": true, "authorization": true, "activation": true, "access": true, "login": true, "sms": true, "email": true,
		"recovery": true, "backup": true, "invite": true, "invitation": true, "referral": true, "promo": true, "coupon": true,
		"mfa": true, "2fa": true, "security": true, "pairing": true, "one": true, "onetime": true, "magic": true, "unlock": true}
	keyQualifiers = map[string]bool{"secret": true, "private": true, "signing": true, "sign": true, "encryption": true, "encrypt": true,
		"hmac": true, "aes": true, "crypto": true, "cipher": true, "access": true, "auth": true, "master": true, "jwt": true,
		"license": true, "licence": true, "activation": true, "client": true, "shared": true, "app": true, "webhook": true}
)

// classifySecret judges an identifier (or a function name) by its words.
func classifySecret(name string) secretKind {
	if name == "" {
		return notSecret
	}
	ws := identWords(name)
	if len(ws) == 0 {
		return notSecret
	}
	last := ws[len(ws)-1]
	if noiseLast[last] || noiseFirst[ws[0]] {
		return noiseName
	}
	best := notSecret
	raise := func(k secretKind) {
		if k > best {
			best = k
		}
	}
	for n, w := range ws {
		if nlpWords[w] {
			return notSecret
		}
		next := ""
		if n+1 < len(ws) {
			next = ws[n+1]
		}
		prev := ""
		if n > 0 {
			prev = ws[n-1]
		}
		switch w {
		case "token", "password", "passwd", "passphrase", "pwd", "otp", "totp", "hotp", "apikey", "sid", "pw":
			raise(strongSecret)
		case "api":
			if next == "key" || next == "secret" || next == "token" {
				raise(strongSecret)
			}
		case "session":
			switch next {
			case "id", "key", "secret", "cookie", "token", "sid":
				raise(strongSecret)
			case "":
				raise(weakSecret)
			}
		case "reset":
			switch next {
			case "token", "code", "key", "link", "hash", "otp", "pin":
				raise(strongSecret)
			case "":
				raise(weakSecret)
			}
		case "secret", "nonce", "salt", "csrf", "xsrf", "iv":
			raise(secret)
		case "invite", "invitation", "magic":
			if next == "code" || next == "link" || next == "token" || next == "" {
				raise(secret)
			}
		case "code":
			if codeQualifiers[prev] {
				raise(secret)
			} else if len(ws) == 1 {
				raise(weakSecret)
			}
		case "pin":
			if len(ws) == 1 || prev == "login" || prev == "verification" {
				raise(weakSecret)
			}
		case "key":
			// A bare key is as often a cache or map key as a secret one.
			if keyQualifiers[prev] {
				raise(secret)
			}
		case "link":
			if prev == "share" || prev == "sharing" {
				raise(secret)
			}
		}
	}
	return best
}
