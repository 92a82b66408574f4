package githubtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// App is a GitHub App identity for tests: an id and a matching RSA key.
type App struct {
	ID            int64
	PrivateKeyPEM []byte
	Key           *rsa.PrivateKey
}

// TestAppID is the App id NewApp hands out; any positive id works.
const TestAppID int64 = 424242

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
	keyErr  error
)

// NewApp returns a test App with a 2048-bit RSA key. The key is generated
// once per test binary because generation costs up to a second; it only
// ever signs tokens for the fake.
func NewApp(t testing.TB) App {
	t.Helper()
	keyOnce.Do(func() { testKey, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	if keyErr != nil {
		t.Fatalf("generate test RSA key: %v", keyErr)
	}
	return App{ID: TestAppID, PrivateKeyPEM: EncodeKey(testKey), Key: testKey}
}

// GenerateKey returns a fresh RSA key as PKCS#1 PEM, for tests that need a
// key the fake does not trust.
func GenerateKey(t testing.TB) []byte {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate RSA key: %v", err)
	}
	return EncodeKey(k)
}

// EncodeKey encodes k the way GitHub hands out App keys (PKCS#1 PEM).
func EncodeKey(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

type jwtClaims struct {
	Issuer    json.RawMessage `json:"iss"`
	IssuedAt  int64           `json:"iat"`
	ExpiresAt int64           `json:"exp"`
}

// verifyAppJWT checks what GitHub checks of an App JWT: RS256 signed by the
// App's key, issued by the App id, not expired, and at most 10 minutes long.
func verifyAppJWT(token string, pub *rsa.PublicKey, appID int64, now time.Time) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("JWT does not have three parts")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return fmt.Errorf("JWT header: %w", err)
	}
	if header.Alg != "RS256" {
		return fmt.Errorf("JWT alg %q, want RS256", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("JWT signature encoding: %w", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("JWT signature: %w", err)
	}
	var c jwtClaims
	if err := decodeSegment(parts[1], &c); err != nil {
		return fmt.Errorf("JWT claims: %w", err)
	}
	// GitHub accepts iss as a number or a string (the client id).
	iss := strings.Trim(string(c.Issuer), `"`)
	if iss != strconv.FormatInt(appID, 10) {
		return fmt.Errorf("JWT iss %s, want %d", iss, appID)
	}
	const skew = 60 * time.Second
	iat, exp := time.Unix(c.IssuedAt, 0), time.Unix(c.ExpiresAt, 0)
	switch {
	case c.IssuedAt == 0 || c.ExpiresAt == 0:
		return errors.New("JWT lacks iat or exp")
	case iat.After(now.Add(skew)):
		return fmt.Errorf("JWT issued in the future (%s)", iat)
	case !exp.After(now):
		return fmt.Errorf("JWT expired at %s", exp)
	case exp.Sub(now) > 10*time.Minute+skew:
		return fmt.Errorf("JWT exp %s is more than 10 minutes ahead", exp)
	}
	return nil
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

const tokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newInstallationToken mimics GitHub's format (ghs_ + 36 characters) so
// that secret scanners and log tests recognise it.
func newInstallationToken() string {
	b := make([]byte, 36)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	for i := range b {
		b[i] = tokenAlphabet[int(b[i])%len(tokenAlphabet)]
	}
	return "ghs_" + string(b)
}
