package insecuredefaults

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// weakCipher reports broken ciphers (DES, 3DES, RC4, Blowfish), ECB mode,
// unpadded RSA, the IV-less createCipher, NullCipher and IVs written into
// the source.
type weakCipher struct{ checks.Described }

func newWeakCipher() *weakCipher {
	return &weakCipher{checks.Described{M: checks.Meta{
		ID:        "weak-cipher-or-mode",
		Family:    family,
		Title:     "Weak cipher, mode or IV",
		Summary:   "Encryption uses a broken cipher (DES, 3DES, RC4, Blowfish), ECB mode, unpadded RSA, NullCipher, Node's IV-less createCipher, or a hard-coded IV.",
		Languages: codeLanguages(),
		Severity:  checks.Warning,
		// Keywords start where the letters are rare in code: "owfish" is
		// Blowfish, "rcfour" ARCFOUR, "itvector" initVector.
		Keywords: []string{"cipher.getinstance", "/ecb/", "mode_ecb", "modes.ecb", "mode.ecb", "nullcipher", "des.new", "des3.new",
			"rc2.new", "rc4.new", "owfish", "algorithms.tripledes", "algorithms.arc4", "algorithms.idea", "algorithms.cast5",
			"algorithms.seed", "des.newcipher", "des.newtripledescipher", "rc4.newcipher", "crypto/des", "crypto/rc4",
			"createcipher(", "createdecipher(", "createcipheriv", "createdecipheriv", "cryptojs.des", "cryptojs.tripledes",
			"cryptojs.rc4", "cryptojs.rabbit", "desede", "\"des/", "\"rc4", "rcfour", "keygenerator.getinstance", "secretkeyspec",
			"secretkeyfactory", "ivparameterspec", "iv =", "iv=", "iv :=", "iv:=", "iv: ", "_iv", "itvector", "it_vector",
			"modes.cbc(", "modes.cfb(", "modes.ofb(", "modes.ctr(", "modes.gcm(", "newcbcencrypter", "newcbcdecrypter", "newctr(",
			"newcfbencrypter", "newofb(", ".seal(", "nopadding", "aes.new("},
	}}}
}

const (
	weakAlgoMsg = " is broken or has a 64-bit block (practical attacks exist); use AES-GCM or ChaCha20-Poly1305."
	ecbMsg      = "ECB mode encrypts equal blocks to equal ciphertext and leaks the plaintext's patterns; use an authenticated mode such as AES-GCM with a random nonce per message."
	fixedIVMsg  = "A fixed IV or nonce makes equal plaintexts encrypt alike (and with GCM or CTR exposes the key stream); generate a random one for every message and store it with the ciphertext."
)

var (
	javaTransform  = regexp.MustCompile(`\bCipher\.getInstance\s*\(\s*"([^"]*)"`)
	javaTransLit   = regexp.MustCompile(`"((?:AES|DES|DESede|TripleDES|Blowfish|RC2|RC4|ARCFOUR|SM4|ARIA|Camellia|RSA)/[A-Za-z0-9]+/[A-Za-z0-9]+)"`)
	javaKeyAlgo    = regexp.MustCompile(`\b(?:KeyGenerator|SecretKeyFactory)\.getInstance\s*\(\s*"(DES|DESede|TripleDES|RC2|RC4|ARCFOUR|Blowfish)"|\bSecretKeySpec\s*\([^;]*,\s*"(DES|DESede|TripleDES|RC2|RC4|ARCFOUR|Blowfish)"`)
	javaNullCipher = regexp.MustCompile(`\bnew\s+NullCipher\s*\(`)
	javaIVSpec     = regexp.MustCompile(`\bIvParameterSpec\s*\(\s*(?:"[^"]*"\s*\.\s*getBytes|new\s+byte\s*\[\s*\d+\s*\]\s*\)|new\s+byte\s*\[\s*\]\s*\{|\{)`)

	pyWeakNew   = regexp.MustCompile(`\b(DES|DES3|ARC2|ARC4|Blowfish|CAST|XOR)\.new\s*\(`)
	pyECB       = regexp.MustCompile(`\bMODE_ECB\b|\bmodes\.ECB\s*\(`)
	pyWeakAlgo  = regexp.MustCompile(`\balgorithms\.(TripleDES|ARC4|Blowfish|IDEA|CAST5|SEED)\s*\(`)
	pyModeIVLit = regexp.MustCompile(`\bmodes\.(?:CBC|CFB|CFB8|OFB|CTR|GCM)\s*\(\s*b["']|\bAES\.new\s*\([^,]+,\s*AES\.MODE_\w+\s*,\s*(?:iv\s*=\s*|nonce\s*=\s*)?b["']`)

	goWeakCall = regexp.MustCompile(`\b(des\.NewCipher|des\.NewTripleDESCipher|rc4\.NewCipher|blowfish\.NewCipher)\s*\(`)
	goWeakImp  = regexp.MustCompile(`"(crypto/des|crypto/rc4|golang\.org/x/crypto/blowfish)"`)
	goIVLit    = regexp.MustCompile(`\bcipher\.New(?:CBCEncrypter|CBCDecrypter|CTR|CFBEncrypter|CFBDecrypter|OFB)\s*\([^,]+,\s*\[\]byte\s*(?:\(\s*"|\{)|\.Seal\s*\([^,]+,\s*\[\]byte\s*(?:\(\s*"|\{)`)

	jsCreateCipher = regexp.MustCompile(`\bcreate(?:Cipher|Decipher)\s*\(`)
	jsWeakIV       = regexp.MustCompile(`(?i)\bcreate(?:Cipher|Decipher)iv\s*\(\s*["'` + "`" + `]((?:des|des3|des-ede|des-ede3|rc2|rc4|bf|blowfish|cast|cast5|idea|seed)\b[\w-]*|aes-\d+-ecb|aes\d+-ecb|id-aes\d+-ecb)["'` + "`" + `]`)
	jsCryptoJS     = regexp.MustCompile(`\bCryptoJS\.(DES|TripleDES|RC4|RC4Drop|Rabbit)\.|\bCryptoJS\.mode\.ECB\b`)
	jsIVArg        = regexp.MustCompile(`\bcreate(?:Cipher|Decipher)iv\s*\(\s*[^,]+,\s*[^,]+,\s*(?:["'` + "`" + `]|Buffer\.(?:from|alloc)\s*\(\s*(?:["'` + "`" + `]|\d))`)

	// ivName is an IV given a value: iv = ..., INIT_VECTOR = ..., iv: ...
	ivName = regexp.MustCompile(`(?i)(?:^|[^\w.])((?:\w+_)?iv|\w*Iv|\w*IV|init_?vector)\s*(?::=|=|:)\s*`)
	// ivLiteral is a value written into the source.
	ivLiteral = regexp.MustCompile(`^(?:[rbuRBU]{0,2}["'` + "`" + `]|\[\]byte\s*(?:\(\s*"|\{)|Buffer\.from\s*\(\s*["'` + "`" + `]|Buffer\.alloc\s*\(\s*\d+\s*(?:,\s*0\s*)?\)|bytes\s*\(\s*\d+\s*\)|bytearray\s*\(\s*\d+\s*\)|bytes\.fromhex\s*\(\s*["']|hex\.DecodeString\s*\(\s*"|CryptoJS\.enc\.\w+\.parse\s*\(\s*["'` + "`" + `]|\{\s*(?:0x)?\d|new\s+byte\s*\[\s*\]\s*\{|(?:b?["'])?[^"']*["']\s*\.\s*(?:getBytes|encode)\b)`)
	// ivZeroAlloc is an all-zero buffer that the next lines may fill.
	ivZeroAlloc = regexp.MustCompile(`^(?:make\s*\(\s*\[\]byte\s*,|new\s+byte\s*\[)`)
	ivFilled    = regexp.MustCompile(`nextBytes|ReadFull|rand\.Read|\.Read\s*\(|randomBytes|getRandomValues|urandom|get_random_bytes|token_bytes|getIV|\.read\s*\(`)
)

// weakAlgos are Java algorithm names that are broken whatever the mode.
var weakAlgos = map[string]bool{"DES": true, "DESede": true, "TripleDES": true, "RC2": true, "RC4": true, "ARCFOUR": true, "Blowfish": true}

func (r *weakCipher) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	// Test code never ships these settings (catalogue 3.1 excludes test
	// paths from most security rules).
	if fc.IsTest {
		return
	}
	code := v.Code(i)
	if strings.TrimSpace(code) == "" {
		return
	}
	text := uncommented(v, i)
	msg := ""
	switch fc.Lang() {
	case diff.Java, diff.Kotlin:
		msg = javaCipher(v, i, code, text)
	case diff.Python:
		switch {
		case pyWeakNew.MatchString(code):
			msg = pyWeakNew.FindStringSubmatch(code)[1] + weakAlgoMsg
		case pyWeakAlgo.MatchString(code):
			msg = pyWeakAlgo.FindStringSubmatch(code)[1] + weakAlgoMsg
		case pyECB.MatchString(code):
			msg = ecbMsg
		case pyModeIVLit.MatchString(text):
			msg = fixedIVMsg
		}
	case diff.Go:
		switch {
		case goWeakCall.MatchString(code):
			msg = goWeakCall.FindStringSubmatch(code)[1] + weakAlgoMsg
		case goWeakImp.MatchString(text) && !isBlank(code[goWeakImp.FindStringIndex(text)[0]]) &&
			!fileAny(fc, func(c string) bool { return goWeakCall.MatchString(c) }):
			msg = "This import brings in a broken cipher (DES, RC4 or Blowfish); use crypto/aes with cipher.NewGCM."
		case goIVLit.MatchString(text):
			msg = fixedIVMsg
		}
	case diff.JavaScript, diff.TypeScript:
		switch {
		case jsCreateCipher.MatchString(code):
			msg = "createCipher derives the key with one MD5 round and no salt and reuses the same IV; use createCipheriv with a key from scrypt and a random IV per message."
		case jsWeakIV.MatchString(text):
			name := jsWeakIV.FindStringSubmatch(text)[1]
			if strings.Contains(strings.ToLower(name), "ecb") {
				msg = ecbMsg
			} else {
				msg = name + weakAlgoMsg
			}
		case jsCryptoJS.MatchString(code):
			if strings.Contains(code, "mode.ECB") {
				msg = ecbMsg
			} else {
				msg = "CryptoJS." + jsCryptoJS.FindStringSubmatch(code)[1] + weakAlgoMsg
			}
		case jsIVArg.MatchString(text):
			msg = fixedIVMsg
		}
	}
	if msg == "" && fixedIV(v, i, code, text) {
		msg = fixedIVMsg
	}
	if msg != "" {
		report(fc, v, i, r.M.Severity, msg)
	}
}

// javaCipher judges Cipher.getInstance transformations, transformation
// constants, key algorithms, NullCipher and literal IvParameterSpecs.
func javaCipher(v *checks.HunkView, i int, code, text string) string {
	if importLine.MatchString(code) {
		return ""
	}
	if javaNullCipher.MatchString(code) {
		return "NullCipher does not encrypt at all; use Cipher.getInstance(\"AES/GCM/NoPadding\")."
	}
	if m := javaTransform.FindStringSubmatch(text); m != nil {
		if msg := judgeTransform(m[1], true); msg != "" {
			return msg
		}
	} else if m := javaTransLit.FindStringSubmatch(text); m != nil {
		if msg := judgeTransform(m[1], false); msg != "" {
			return msg
		}
	}
	if m := javaKeyAlgo.FindStringSubmatch(text); m != nil {
		return m[1] + m[2] + weakAlgoMsg
	}
	if javaIVSpec.MatchString(text) {
		return fixedIVMsg
	}
	return ""
}

// judgeTransform reads a JCA transformation "alg/mode/padding"; bare says
// it is Cipher.getInstance's argument, where "AES" alone means ECB.
func judgeTransform(t string, bare bool) string {
	parts := strings.Split(t, "/")
	alg := parts[0]
	if weakAlgos[alg] {
		return alg + weakAlgoMsg
	}
	if len(parts) == 1 {
		if bare && (alg == "AES" || alg == "AES_128" || alg == "AES_256") {
			return "Cipher.getInstance(\"AES\") means AES/ECB/PKCS5Padding, which leaks the plaintext's patterns; use \"AES/GCM/NoPadding\" with a random 12-byte IV."
		}
		return ""
	}
	mode := strings.ToUpper(parts[1])
	if alg == "RSA" {
		if len(parts) == 3 && parts[2] == "NoPadding" {
			return "RSA without padding (textbook RSA) is deterministic and malleable; use RSA/ECB/OAEPWithSHA-256AndMGF1Padding."
		}
		return ""
	}
	if mode == "ECB" {
		return ecbMsg
	}
	return ""
}

// fixedIV reports an IV (or initialisation vector) assigned a value written
// in the source, or an all-zero buffer the next lines never fill.
func fixedIV(v *checks.HunkView, i int, code, text string) bool {
	for _, m := range ivName.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		ws := identWords(name)
		if len(ws) == 0 || (ws[len(ws)-1] != "iv" && !(len(ws) >= 2 && ws[len(ws)-1] == "vector" && ws[len(ws)-2] == "init")) {
			continue
		}
		// '==' compares.
		if m[1] < len(code) && code[m[1]] == '=' {
			continue
		}
		rhs := text[m[1]:]
		if ivLiteral.MatchString(rhs) {
			return true
		}
		if ivZeroAlloc.MatchString(rhs) && !windowAny(v, i, 0, 4, func(c string) bool { return ivFilled.MatchString(c) }) {
			return true
		}
	}
	return false
}
