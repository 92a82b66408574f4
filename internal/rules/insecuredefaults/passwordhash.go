package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// weakPasswordHash reports a fast digest (MD5, SHA-1, SHA-2) applied to a
// password: a GPU tries billions of candidates a second against such a
// hash, salted or not.
type weakPasswordHash struct{ checks.Described }

func newWeakPasswordHash() *weakPasswordHash {
	return &weakPasswordHash{checks.Described{M: checks.Meta{
		ID:        "weak-password-hash",
		Family:    family,
		Title:     "Password hashed with a fast digest",
		Summary:   "A password goes through MD5, SHA-1 or SHA-2 (hashlib, createHash, crypto/sha256, MessageDigest) or a plain-text or digest PasswordEncoder, instead of bcrypt, scrypt, Argon2 or PBKDF2.",
		Languages: codeLanguages(),
		Severity:  checks.Warning,
		Keywords: []string{"shlib", "createhash", "md5.", "sha1.", "sha256.", "sha512.", "messagedigest", "digestutils",
			"hashing.sha", "hashing.md5", "passwordencoder", "cryptojs.", "subtle.digest", "md5(", "sha1(", "sha256(", "sha512("},
	}}}
}

var (
	pyHashCall   = regexp.MustCompile(`\bhashlib\.(?:md5|sha1|sha224|sha256|sha384|sha512|sha3_\d+|blake2[bs])\s*\(|\bhashlib\.new\s*\(\s*["'](?:md5|sha1|sha224|sha256|sha384|sha512)["']`)
	bareHashCall = regexp.MustCompile(`(?:^|[^\w.])(?:md5|sha1|sha256|sha512)\s*\(`)
	jsHashCall   = regexp.MustCompile(`\bcreateHash\s*\(\s*["'` + "`" + `](?:md5|sha1|sha224|sha256|sha384|sha512)["'` + "`" + `]|\bCryptoJS\.(?:MD5|SHA1|SHA224|SHA256|SHA384|SHA512|SHA3)\s*\(|\bsubtle\.digest\s*\(\s*["'](?:SHA-?1|SHA-?256|SHA-?384|SHA-?512)["']`)
	goHashCall   = regexp.MustCompile(`\b(?:md5|sha1|sha256|sha512)\.(?:Sum\w*|New\w*)\s*\(`)
	javaHashCall = regexp.MustCompile(`\bMessageDigest\.getInstance\s*\(\s*"(?:MD5|SHA-?1|SHA-?224|SHA-?256|SHA-?384|SHA-?512|SHA3-\d+)"|\bDigestUtils\.(?:md5|sha1|sha256|sha384|sha512|sha)(?:Hex)?\s*\(|\bHashing\.(?:md5|sha1|sha256|sha384|sha512)\s*\(\s*\)`)
	javaEncoder  = regexp.MustCompile(`\b(?:NoOpPasswordEncoder|Md5PasswordEncoder|ShaPasswordEncoder|MessageDigestPasswordEncoder|StandardPasswordEncoder|LdapShaPasswordEncoder)\b`)
	// slowKDF marks a line that already uses a password hash or a key
	// derivation in which the digest is only a parameter.
	slowKDF = regexp.MustCompile(`(?i)pbkdf2|bcrypt|scrypt|argon2|hkdf|hmac|PBEKeySpec|SecretKeyFactory|Rfc2898`)
	// feedsDigest marks a later line that feeds a hash object made on the
	// flagged line.
	feedsDigest = regexp.MustCompile(`\.(?:update|Write|digest|hash|hashString|putString)\s*\(|WriteString\s*\(`)
)

func (r *weakPasswordHash) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	// Test code never ships these settings (catalogue 3.1 excludes test
	// paths from most security rules).
	if fc.IsTest {
		return
	}
	lang := fc.Lang()
	code := v.Code(i)
	text := uncommented(v, i)
	var loc []int
	switch lang {
	case diff.Python:
		loc = pyHashCall.FindStringIndex(text)
		if loc == nil && fileAnyRaw(fc, func(t string) bool { return strings.Contains(t, "from hashlib import") }) {
			if loc = bareHashCall.FindStringIndex(code); loc != nil && !isIdentChar(code[loc[0]]) {
				loc[0]++
			}
		}
	case diff.JavaScript, diff.TypeScript:
		loc = jsHashCall.FindStringIndex(text)
	case diff.Go:
		loc = goHashCall.FindStringIndex(code)
	case diff.Java, diff.Kotlin:
		if m := javaEncoder.FindString(code); m != "" && !importLine.MatchString(code) {
			report(fc, v, i, r.M.Severity, m+" stores passwords in plain text or as a fast digest; use BCryptPasswordEncoder or Argon2PasswordEncoder (PasswordEncoderFactories.createDelegatingPasswordEncoder()).")
			return
		}
		loc = javaHashCall.FindStringIndex(text)
	}
	// The call must be code, not a word in a message.
	if loc == nil || isBlank(code[loc[0]]) || slowKDF.MatchString(code) {
		return
	}
	if !hashesPassword(lang, v, i, text[loc[0]:]) && !isPasswordIdent(roleName(code, text, loc[0])) {
		return
	}
	// The Pwned Passwords range API takes the SHA-1 of the password by
	// design; that digest never leaves the prefix and is not stored.
	if windowAnyText(v, i, 6, 6, func(t string) bool { return containsFold(t, "pwned") }) {
		return
	}
	report(fc, v, i, r.M.Severity, "A fast digest of a password can be brute-forced at billions of guesses a second, salted or not; use "+passwordFix(lang)+".")
}

func passwordFix(lang diff.Language) string {
	switch lang {
	case diff.Python:
		return "bcrypt, argon2-cffi or hashlib.scrypt / pbkdf2_hmac with a per-user salt"
	case diff.JavaScript, diff.TypeScript:
		return "bcrypt, argon2 or crypto.scrypt with a per-user salt"
	case diff.Go:
		return "golang.org/x/crypto/bcrypt or argon2.IDKey with a per-user salt"
	default:
		return "Spring Security's BCryptPasswordEncoder / Argon2PasswordEncoder, or PBKDF2WithHmacSHA256 via SecretKeyFactory"
	}
}

// hashesPassword reports whether the digest made at the start of call on
// line i reads a password: a password-like name on the line (from the
// call on), on one of the next lines that feed the hash object, or as the
// name of the function it is computed in.
func hashesPassword(lang diff.Language, v *checks.HunkView, i int, call string) bool {
	if hasPasswordName(call) {
		return true
	}
	for j := i + 1; j < len(v.Lines) && j <= i+4; j++ {
		t := uncommented(v, j)
		if feedsDigest.MatchString(v.Code(j)) && hasPasswordName(t) && !slowKDF.MatchString(t) {
			return true
		}
	}
	name := enclosingFunc(lang, v, i)
	return name != "" && hasPasswordName(name)
}

// passwordWords are words of an identifier that name something about a
// password other than the password itself (a reset token is random and
// may be hashed with SHA-256; a length is a number).
var passwordWords = map[string]bool{"token": true, "reset": true, "url": true, "link": true, "hint": true, "policy": true,
	"length": true, "len": true, "field": true, "label": true, "prompt": true, "expiry": true, "expires": true, "changed": true,
	"updated": true, "strength": true, "rules": true, "less": true, "min": true, "max": true}

// hasPasswordName reports whether s holds an identifier (or quoted key)
// naming a password: one with a word starting "passw", or the word pwd,
// pw or passphrase, and no word that names something else about it.
func hasPasswordName(s string) bool {
	if !containsFold(s, "pw") && !containsFold(s, "passw") && !containsFold(s, "passphrase") {
		return false
	}
	for k := 0; k < len(s); {
		if !isIdentChar(s[k]) {
			k++
			continue
		}
		e := k
		for e < len(s) && isIdentChar(s[e]) {
			e++
		}
		if isPasswordIdent(s[k:e]) {
			return true
		}
		k = e
	}
	return false
}

func isPasswordIdent(id string) bool {
	if !containsFold(id, "pw") && !containsFold(id, "passw") && !containsFold(id, "passphrase") {
		return false
	}
	found := false
	for _, w := range identWords(id) {
		switch {
		case passwordWords[w]:
			return false
		case strings.HasPrefix(w, "passw") && !strings.HasSuffix(w, "less"), w == "pwd", w == "pw", w == "passphrase", w == "pwhash", w == "hashedpassword":
			found = true
		}
	}
	return found
}
