package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// jwtVerificationDisabled reports JWTs read without checking their
// signature or expiry, and the "none" algorithm.
type jwtVerificationDisabled struct{ checks.Described }

func newJWTVerificationDisabled() *jwtVerificationDisabled {
	return &jwtVerificationDisabled{checks.Described{M: checks.Meta{
		ID:     "jwt-verification-disabled",
		Family: family,
		Title:  "JWT signature or expiry not verified",
		Summary: "A JWT is decoded without verifying its signature (verify=False, verify_signature: False, ParseUnverified, " +
			"jsonwebtoken's decode), the none algorithm is accepted, or expiry checks are switched off.",
		Languages: codeLanguages(),
		Severity:  checks.Warning,
		Keywords: []string{"verify=false", "verify = false", "verify_signature", "verify_exp", "verify_aud", "algorithms",
			"algorithm:", "algorithm =", "algorithm=",
			"parseunverified", "signingmethodnone", "unsafeallownone", "algorithm.none", "jwt.decode", "noreexpiration",
			"parseclaimsjwt", "aimsvalidation", "get_unverified_claims", "dejwt(", "plainjwt"},
	}}}
}

var (
	pyJWTVerifyFalse   = regexp.MustCompile(`\bverify\s*=\s*False\b`)
	pyOptionOff        = regexp.MustCompile(`["'](verify_signature|verify_exp|verify_aud|verify_iss|verify_iat|verify_nbf|require_exp)["']\s*:\s*False\b`)
	noneAlg            = regexp.MustCompile(`(?i)\balgorithms?\s*[:=]\s*\[?[^\]\n]*["'` + "`" + `]none["'` + "`" + `]`)
	pyUnverifiedClaims = regexp.MustCompile(`\bget_unverified_claims\s*\(`)
	jsDecode           = regexp.MustCompile(`\bjwt\.decode\s*\(|\bjose\.decodeJwt\s*\(`)
	jsJoseDecode       = regexp.MustCompile(`(?:^|[^\w.])decodeJwt\s*\(`)
	jsIgnoreExp        = regexp.MustCompile(`\bignoreExpiration\s*:\s*true\b`)
	goUnverified       = regexp.MustCompile(`\.ParseUnverified\s*\(`)
	goNone             = regexp.MustCompile(`\bSigningMethodNone\b|\bUnsafeAllowNoneSignatureType\b`)
	goNoClaims         = regexp.MustCompile(`\bWithoutClaimsValidation\s*\(|\bSkipClaimsValidation\s*[:=]\s*true\b`)
	javaNone           = regexp.MustCompile(`\bAlgorithm\.none\s*\(\s*\)|\bPlainJWT\b`)
	javaUnsigned       = regexp.MustCompile(`\.parseClaimsJwt\s*\(|\.parseUnsecuredClaims\s*\(`)
	javaDecode         = regexp.MustCompile(`\bJWT\.decode\s*\(`)
)

func (r *jwtVerificationDisabled) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := v.Code(i)
	if strings.TrimSpace(code) == "" {
		return
	}
	text := uncommented(v, i)
	sev, msg := r.detect(fc, v, i, code, text)
	if msg == "" {
		return
	}
	report(fc, v, i, inTests(fc, sev), msg)
}

const (
	jwtNoneMsg = "Accepting the \"none\" algorithm lets anyone forge a token by stripping its signature; list only the algorithm you sign with."
	jwtSigMsg  = "The token's signature is not verified, so anyone can forge its claims; decode with the key and an explicit algorithm list."
)

func (r *jwtVerificationDisabled) detect(fc *checks.FileContext, v *checks.HunkView, i int, code, text string) (checks.Severity, string) {
	if noneAlg.MatchString(text) && !isBlank(code[noneAlg.FindStringIndex(text)[0]]) {
		return checks.Failure, jwtNoneMsg
	}
	switch fc.Lang() {
	case diff.Python:
		if m := pyJWTVerifyFalse.FindStringIndex(code); m != nil {
			if name, _, ok := callee(v, i, m[0]); ok && jwtCall(name) {
				return checks.Failure, "jwt.decode(..., verify=False) skips the signature check, so anyone can forge the claims; pass the key and algorithms=[...] instead."
			}
		}
		if m := pyOptionOff.FindStringSubmatchIndex(text); m != nil && jwtContext(fc, v, i) {
			opt := text[m[2]:m[3]]
			if opt == "verify_signature" {
				return checks.Failure, "options={\"verify_signature\": False} skips the signature check, so anyone can forge the claims; decode with the key and an explicit algorithm list."
			}
			return checks.Warning, opt + ": False turns off a claim check, so expired or misdirected tokens are accepted; keep the default checks."
		}
		if pyUnverifiedClaims.MatchString(code) {
			return checks.Warning, "get_unverified_claims returns claims whose signature was never checked; use them only to pick the key, then verify with jwt.decode."
		}
	case diff.JavaScript, diff.TypeScript:
		if jsIgnoreExp.MatchString(code) {
			return checks.Warning, "ignoreExpiration: true accepts expired tokens forever; keep expiry checks on (use clockTolerance for skew)."
		}
		decodes := jsDecode.MatchString(code) ||
			jsJoseDecode.MatchString(code) && !strings.Contains(code, "function") && fileAnyRaw(fc, func(t string) bool {
				return strings.Contains(t, "'jose'") || strings.Contains(t, "\"jose\"")
			})
		if decodes && !fileAny(fc, func(c string) bool {
			return strings.Contains(c, "verify(") || strings.Contains(c, "jwtVerify(")
		}) {
			return checks.Notice, "jwt.decode only base64-decodes the token and never checks its signature, and this file never calls jwt.verify; use jwt.verify(token, key, { algorithms: [...] }) before trusting the claims."
		}
	case diff.Go:
		if goNone.MatchString(code) {
			return checks.Failure, jwtNoneMsg
		}
		if goUnverified.MatchString(code) {
			return checks.Warning, "ParseUnverified does not check the signature; use jwt.Parse with a key function that checks the signing method, unless the claims only pick the key."
		}
		if goNoClaims.MatchString(code) {
			return checks.Warning, "Skipping claims validation accepts expired and not-yet-valid tokens; keep the default validation."
		}
	case diff.Java, diff.Kotlin:
		if importLine.MatchString(code) {
			return checks.SeverityNone, ""
		}
		if javaNone.MatchString(code) {
			return checks.Failure, jwtNoneMsg
		}
		if javaUnsigned.MatchString(code) {
			return checks.Failure, "parseClaimsJwt accepts unsigned tokens, so anyone can forge the claims; use parseClaimsJws (or verifyWith(key).build().parseSignedClaims)."
		}
		if javaDecode.MatchString(code) && !fileAny(fc, func(c string) bool { return strings.Contains(c, "JWT.require(") || strings.Contains(c, ".verify(") }) {
			return checks.Notice, "JWT.decode does not check the signature and this file never verifies the token; use JWT.require(algorithm).build().verify(token) before trusting the claims."
		}
	}
	return checks.SeverityNone, ""
}

// jwtCall reports whether a callee name is a JWT decode.
func jwtCall(name string) bool {
	lower := strings.ToLower(name)
	return strings.Contains(lower, "jwt") || strings.Contains(lower, "jws") || strings.HasSuffix(lower, "decode") && strings.Contains(lower, "token")
}

// jwtContext reports whether a JWT library is in sight: on this line or
// the few around it, or imported by the file.
func jwtContext(fc *checks.FileContext, v *checks.HunkView, i int) bool {
	if windowAny(v, i, 6, 3, func(c string) bool { return containsFold(c, "jwt") || containsFold(c, "jose") }) {
		return true
	}
	return fileAnyRaw(fc, func(t string) bool {
		return strings.Contains(t, "import jwt") || strings.Contains(t, "from jose") || strings.Contains(t, "import jose") || strings.Contains(t, "from jwt")
	})
}
