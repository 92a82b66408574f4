package hardening

import "strings"

// secretWord are identifier words that name a credential or personal data
// on their own.
var secretWord = map[string]bool{
	"password": true, "passwd": true, "passwort": true, "pwd": true, "passphrase": true,
	"secret": true, "secrets": true, "token": true, "apikey": true, "authorization": true,
	"bearer": true, "cookie": true, "cookies": true, "sessionid": true, "privatekey": true,
	"cardnumber": true, "ssn": true, "credential": true, "credentials": true, "creds": true,
	"jwt": true, "cvv": true,
}

// secretPair are two-word names of secrets: api key, session id.
var secretPair = map[[2]string]bool{
	{"api", "key"}: true, {"private", "key"}: true, {"secret", "key"}: true, {"access", "key"}: true,
	{"signing", "key"}: true, {"encryption", "key"}: true, {"session", "id"}: true, {"session", "key"}: true,
	{"card", "number"}: true, {"card", "num"}: true, {"credit", "card"}: true, {"auth", "header"}: true,
	{"client", "secret"}: true, {"master", "key"}: true,
}

// transparentWord are trailing words that do not change what an
// identifier holds: token_value, password_str, api_key_b64.
var transparentWord = map[string]bool{
	"value": true, "val": true, "str": true, "string": true, "raw": true, "plain": true, "plaintext": true,
	"bytes": true, "b64": true, "base64": true, "encoded": true, "hex": true, "text": true,
}

// notSecretBefore are words that make a following "token" something else:
// a pagination cursor, a lexer token.
var notSecretBefore = map[string]bool{
	"next": true, "page": true, "continuation": true, "pagination": true, "cursor": true, "sync": true,
	"prev": true, "previous": true, "last": true, "current": true, "lexer": true, "parse": true, "parser": true,
	"start": true, "end": true, "eof": true, "num": true, "max": true, "min": true, "total": true,
	"starting": true, "idempotency": true, "cache": true, "acquire": true, "release": true, "cancel": true,
	"cancellation": true, "lock": true, "semaphore": true, "change": true, "version": true, "resume": true,
}

// secretWords reports whether the words of an identifier name a secret:
// the last word (after transparent suffixes) is a secret word, or the last
// two form a secret pair.
func secretWords(words []string) bool {
	n := len(words)
	for n > 1 && transparentWord[words[n-1]] {
		n--
	}
	if n == 0 {
		return false
	}
	if n >= 2 {
		switch words[0] {
		case "is", "has", "have", "can", "should", "missing", "no", "num", "count", "len", "validate", "check", "verify":
			return false // a truth value or a count about the secret
		}
	}
	last := words[n-1]
	if n >= 2 && secretPair[[2]string{words[n-2], last}] {
		return true
	}
	if last == "header" || last == "headers" {
		return n >= 2 && (words[n-2] == "auth" || words[n-2] == "authorization" || words[n-2] == "cookie")
	}
	if !secretWord[last] {
		return false
	}
	if last == "pwd" && n == 1 {
		return false // alone it is as often the working directory
	}
	return n < 2 || !notSecretBefore[words[n-2]]
}

func secretIdent(name string) bool { return secretWords(identWords(name)) }

// lastWordsSecret reports whether message text ends with the name of a
// secret, ignoring trailing punctuation: "API key: ", "token=", "Bearer ".
func lastWordsSecret(text string) bool {
	t := strings.TrimRight(text, " \t:=#\"'([{<-")
	if t == "" {
		return false
	}
	k := len(t)
	// The last two words at most.
	words := 0
	for k > 0 && words < 2 {
		for k > 0 && isIdentChar(t[k-1]) {
			k--
		}
		words++
		if words < 2 && k > 0 && (t[k-1] == ' ' || t[k-1] == '_' || t[k-1] == '-') {
			k--
			continue
		}
		break
	}
	return secretIdent(t[k:])
}

// safeWrapper reports a function whose result does not reveal its
// argument: masking, hashing, lengths and truth tests.
func safeWrapper(name string) bool {
	lower := strings.ToLower(name)
	if k := strings.LastIndexByte(lower, '.'); k >= 0 {
		lower = lower[k+1:]
	}
	for _, s := range []string{"mask", "redact", "sanitiz", "obfusc", "scrub", "censor", "hash", "digest", "fingerprint",
		"sha", "md5", "hmac", "encrypt", "len", "count", "bool", "type", "isinstance", "has", "exist", "isset",
		"isempty", "isblank", "isnotblank", "isnull", "nonnull", "notnull", "truncate", "last4", "preview", "shorten"} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// safeMember reports a member read after a secret that reveals only a
// property of it: token.length, password.is_empty(), token.expiry.
func safeMember(seg string) bool {
	words := identWords(seg)
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "is", "has", "can", "should", "startswith", "endswith", "starts", "ends", "count", "len", "length", "size",
		"equals", "compare", "matches", "slice", "substring", "substr", "expiry", "expires", "expiration", "exp",
		"expired", "type", "name", "id", "valid", "scope", "scopes", "claims", "issuer", "subject", "ttl", "kind",
		"isempty", "isblank", "created", "issued", "hint", "status", "state", "owner", "user", "username",
		"pos", "line", "lineno", "col", "column", "offset", "start", "end", "tok":
		return true
	}
	return false
}

// errorish reports an expression that holds an error, not a secret.
func errorish(expr string) bool {
	for _, w := range identWords(expr) {
		switch w {
		case "err", "error", "errors", "exc", "exception", "ex", "e", "reason", "cause":
			return true
		}
	}
	return false
}
