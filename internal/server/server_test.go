package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/ghclient"
	"github.com/prodready/prodready/internal/recovery"
	"github.com/prodready/prodready/internal/webhook"
)

// Metrics is what serve.go hands the GitHub client and the analysis.
var (
	_ ghclient.Observer = (*Metrics)(nil)
	_ analysis.Observer = (*Metrics)(nil)
)

var testKey = sync.OnceValue(func() []byte {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
})

const webhookSecret = "hunter2-webhook-secret"

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func baseEnv() map[string]string {
	return map[string]string{
		EnvAppID:         "12345",
		EnvPrivateKey:    string(testKey()),
		EnvWebhookSecret: webhookSecret,
	}
}

func noFiles(string) ([]byte, error) {
	return nil, &fs.PathError{Op: "open", Path: "/keys/app.pem", Err: fs.ErrNotExist}
}

func TestLoadConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		set  map[string]string // "" deletes
		want string
	}{
		{"missing app id", map[string]string{EnvAppID: ""}, "GITHUB_APP_ID is required (the App's numeric id, on its settings page)"},
		{"malformed app id", map[string]string{EnvAppID: "abc"}, `GITHUB_APP_ID must be a positive integer, got "abc"`},
		{"negative app id", map[string]string{EnvAppID: "-4"}, `GITHUB_APP_ID must be a positive integer, got "-4"`},
		{"missing key", map[string]string{EnvPrivateKey: ""}, "GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is required (the App's private key, PEM)"},
		{"both keys", map[string]string{EnvPrivateKeyPath: "/keys/app.pem"}, "GITHUB_PRIVATE_KEY and GITHUB_PRIVATE_KEY_PATH are both set; set only one"},
		{"key not PEM", map[string]string{EnvPrivateKey: "MIIEvSECRETKEYMATERIAL"}, "GITHUB_PRIVATE_KEY is not a PEM-encoded RSA private key (no PEM block found)"},
		{"key wrong block", map[string]string{EnvPrivateKey: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}, `GITHUB_PRIVATE_KEY is not a PEM-encoded RSA private key (PEM block is "CERTIFICATE", want "RSA PRIVATE KEY")`},
		{"key corrupt", map[string]string{EnvPrivateKey: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"}, "GITHUB_PRIVATE_KEY is not a PEM-encoded RSA private key (PKCS#1 block does not parse)"},
		{"key path unreadable", map[string]string{EnvPrivateKey: "", EnvPrivateKeyPath: "/keys/app.pem"}, "GITHUB_PRIVATE_KEY_PATH cannot be read: open /keys/app.pem: file does not exist"},
		{"missing secret", map[string]string{EnvWebhookSecret: ""}, "GITHUB_WEBHOOK_SECRET is required (the App's webhook secret)"},
		{"bad API URL", map[string]string{EnvAPIURL: "api.github.com"}, "GITHUB_API_URL must be an absolute http(s) URL such as https://api.github.com/ or https://HOST/api/v3/"},
		{"bad database URL", map[string]string{EnvDatabaseURL: "mysql://root:pa55word@db/x"}, "DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)"},
		{"bad db path", map[string]string{EnvDBPath: "/data/x.db?mode=ro"}, `PRODREADY_DB_PATH must be a file path without '?' or '#', got "/data/x.db?mode=ro"`},
		{"bad port", map[string]string{EnvPort: "80a"}, `PORT must be a TCP port (1-65535), got "80a"`},
		{"port out of range", map[string]string{EnvPort: "70000"}, `PORT must be a TCP port (1-65535), got "70000"`},
		{"bad log level", map[string]string{EnvLogLevel: "verbose"}, `LOG_LEVEL must be debug, info, warn or error, got "verbose"`},
		{"bad workers", map[string]string{EnvWorkers: "0"}, `PRODREADY_WORKERS must be an integer from 1 to 64, got "0"`},
		{"bad job timeout", map[string]string{EnvJobTimeout: "5"}, `PRODREADY_JOB_TIMEOUT must be a duration from 1s to 1h, got "5"`},
		{"bad rescue delay", map[string]string{EnvRescueAfter: "0s"}, `PRODREADY_RESCUE_AFTER must be a duration from 1s to 24h, got "0s"`},
		{"rescue before timeout", map[string]string{EnvJobTimeout: "2m", EnvRescueAfter: "90s"}, `PRODREADY_RESCUE_AFTER (1m30s) must exceed PRODREADY_JOB_TIMEOUT (2m0s): a job still running would be taken for an orphan and run twice`},
		{"rescue before default timeout", map[string]string{EnvRescueAfter: "1m"}, `PRODREADY_RESCUE_AFTER (1m0s) must exceed PRODREADY_JOB_TIMEOUT (5m0s): a job still running would be taken for an orphan and run twice`},
		{"bad recovery interval", map[string]string{EnvRecoveryEvery: "5 minutes"}, `PRODREADY_RECOVERY_INTERVAL must be a duration from 1m to 24h, or 0 or off to disable, got "5 minutes"`},
		{"recovery interval too short", map[string]string{EnvRecoveryEvery: "10s"}, `PRODREADY_RECOVERY_INTERVAL must be a duration from 1m to 24h, or 0 or off to disable, got "10s"`},
		{"recovery window too long", map[string]string{EnvRecoveryWindow: "96h"}, `PRODREADY_RECOVERY_WINDOW must be a duration from 1m to 72h (GitHub keeps deliveries 3 days), got "96h"`},
		{"recovery window below interval", map[string]string{EnvRecoveryEvery: "1h", EnvRecoveryWindow: "30m"}, `PRODREADY_RECOVERY_WINDOW (30m0s) must not be shorter than PRODREADY_RECOVERY_INTERVAL (1h0m0s): deliveries failing between two passes would never be examined`},
		{"bad recovery max", map[string]string{EnvRecoveryMax: "0"}, `PRODREADY_RECOVERY_MAX must be an integer from 1 to 300, got "0"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := baseEnv()
			for k, v := range c.set {
				if v == "" {
					delete(m, k)
				} else {
					m[k] = v
				}
			}
			_, err := LoadConfig(env(m), noFiles)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != c.want {
				t.Fatalf("error\n got %q\nwant %q", err.Error(), c.want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("not a *ConfigError: %T", err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Fatalf("error spans lines: %q", msg)
			}
			for _, secret := range []string{webhookSecret, "SECRETKEYMATERIAL", "pa55word", string(testKey()[40:80])} {
				if strings.Contains(msg, secret) {
					t.Fatalf("error quotes a secret: %q", msg)
				}
			}
		})
	}
}

func TestLoadConfigDefaultsAndForms(t *testing.T) {
	cfg, err := LoadConfig(env(baseEnv()), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AppID != 12345 || cfg.APIURL != DefaultAPIURL || cfg.DBPath != DefaultDBPath || cfg.DatabaseURL != "" ||
		cfg.Port != 8080 || cfg.LogLevel.String() != "INFO" || string(cfg.WebhookSecret) != webhookSecret || cfg.ShutdownTimeout != DefaultShutdownTimeout {
		t.Fatalf("defaults: %+v", cfg)
	}

	m := baseEnv()
	// A key pasted with literal \n, as deploy tools often store it.
	m[EnvPrivateKey] = strings.ReplaceAll(string(testKey()), "\n", `\n`)
	m[EnvAPIURL] = "https://ghe.example.com/api/v3"
	m[EnvDatabaseURL] = "postgres://app@db/prodready"
	m[EnvPort] = "9000"
	m[EnvLogLevel] = "debug"
	m[EnvJobTimeout] = "2m"
	m[EnvRescueAfter] = "150s"
	cfg, err = LoadConfig(env(m), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APIURL != "https://ghe.example.com/api/v3/" || cfg.DatabaseURL != "postgres://app@db/prodready" || cfg.Port != 9000 || cfg.LogLevel.String() != "DEBUG" ||
		cfg.JobTimeout != 2*time.Minute || cfg.RescueAfter != 150*time.Second {
		t.Fatalf("set: %+v", cfg)
	}
	if !bytes.Equal(cfg.PrivateKeyPEM, bytes.TrimSpace(testKey())) {
		t.Fatal("escaped newlines not restored")
	}

	m = baseEnv()
	delete(m, EnvPrivateKey)
	m[EnvPrivateKeyPath] = "/keys/app.pem"
	cfg, err = LoadConfig(env(m), func(p string) ([]byte, error) {
		if p != "/keys/app.pem" {
			t.Fatalf("read %q", p)
		}
		return testKey(), nil
	})
	if err != nil || len(cfg.PrivateKeyPEM) == 0 {
		t.Fatalf("key from path: %v", err)
	}
}

func TestLoadConfigRecovery(t *testing.T) {
	cfg, err := LoadConfig(env(baseEnv()), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RecoveryInterval != 5*time.Minute || cfg.RecoveryWindow != 3*time.Hour || cfg.RecoveryMax != 50 {
		t.Fatalf("recovery defaults: %s %s %d", cfg.RecoveryInterval, cfg.RecoveryWindow, cfg.RecoveryMax)
	}
	for _, off := range []string{"0", "off", "OFF", "0s"} {
		m := baseEnv()
		m[EnvRecoveryEvery] = off
		if cfg, err := LoadConfig(env(m), noFiles); err != nil || cfg.RecoveryInterval != 0 {
			t.Errorf("%s=%q: interval %s, %v; want 0 (off)", EnvRecoveryEvery, off, cfg.RecoveryInterval, err)
		}
	}
	m := baseEnv()
	m[EnvRecoveryEvery], m[EnvRecoveryWindow], m[EnvRecoveryMax] = "10m", "72h", "200"
	cfg, err = LoadConfig(env(m), noFiles)
	if err != nil || cfg.RecoveryInterval != 10*time.Minute || cfg.RecoveryWindow != 72*time.Hour || cfg.RecoveryMax != 200 {
		t.Fatalf("set: %s %s %d, %v", cfg.RecoveryInterval, cfg.RecoveryWindow, cfg.RecoveryMax, err)
	}
}

// noDeliveries is a delivery log that is never read in these tests.
type noDeliveries struct{}

func (noDeliveries) ListHookDeliveries(context.Context, string, int) ([]recovery.HookDelivery, string, error) {
	return nil, "", errors.New("not here")
}

func (noDeliveries) RedeliverHookDelivery(context.Context, int64) error {
	return errors.New("not here")
}

func TestRecoveryWiring(t *testing.T) {
	base, err := LoadConfig(env(baseEnv()), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		interval time.Duration
		source   recovery.Source
		want     bool
	}{
		{"default", base.RecoveryInterval, noDeliveries{}, true},
		{"off", 0, noDeliveries{}, false},
		{"no delivery log", base.RecoveryInterval, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			cfg.DBPath = filepath.Join(t.TempDir(), "prodready.db")
			cfg.RecoveryInterval = c.interval
			s, err := New(context.Background(), cfg, okRunner{}, noFactory{}, Options{HookDeliveries: c.source, queueTestOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			if got := s.queue.Recovering(); got != c.want {
				t.Fatalf("recovery scheduled = %v, want %v", got, c.want)
			}
		})
	}
}

type okRunner struct{}

func (okRunner) Analyze(context.Context, analysis.Job) error { return nil }

type noFactory struct{}

func (noFactory) ForInstallation(context.Context, int64) (analysis.GitHub, error) {
	return nil, errors.New("no GitHub here")
}

func newTestServer(t *testing.T) (*Server, Config) {
	t.Helper()
	cfg, err := LoadConfig(env(baseEnv()), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DBPath = filepath.Join(t.TempDir(), "prodready.db")
	cfg.ShutdownTimeout = 5 * time.Second
	s, err := New(context.Background(), cfg, okRunner{}, noFactory{}, Options{queueTestOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s, cfg
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func signedDelivery(t *testing.T, h http.Handler, id string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(webhookSecret), body))
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

const prOpened = `{"action":"opened","number":3,"pull_request":{"number":3,"state":"open","head":{"sha":"0123abcd"}},
"repository":{"id":1,"name":"app","owner":{"login":"octo"}},"installation":{"id":77}}`

func TestHealthReadyMetrics(t *testing.T) {
	s, _ := newTestServer(t)
	h := s.Handler()

	if code, body := get(t, h, "/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, h, "/readyz"); code != 200 || body != "ok\n" {
		t.Fatalf("/readyz: %d %q", code, body)
	}
	if code := signedDelivery(t, h, "d-1", []byte(prOpened)); code != http.StatusAccepted {
		t.Fatalf("webhook: %d", code)
	}
	if code := signedDelivery(t, h, "d-1", []byte(prOpened)); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
	s.metrics.OnResponse("GET", "/repos/{owner}/{repo}/pulls/{id}", 200, 4999)
	s.metrics.ObserveAnalysis("success", 3*time.Second)
	s.metrics.AnnotationsPosted(51)
	s.metrics.RecoveryFound("missing")
	s.metrics.RecoveryRedelivered()
	s.metrics.RecoveryError("rate_limited")

	code, body := get(t, h, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`prodready_webhook_deliveries_total{event="pull_request",outcome="accepted"} 1`,
		`prodready_webhook_deliveries_total{event="pull_request",outcome="duplicate"} 1`,
		// Not started: the delivery's job waits in the intake.
		`prodready_queue_intake_deliveries 1`,
		`prodready_jobs{state="available"} 0`,
		`prodready_queue_intake_jobs_total{result="inserted"} 0`,
		`prodready_queue_up 1`,
		`prodready_analysis_duration_seconds_bucket{outcome="success",le="5"} 1`,
		`prodready_annotations_posted_total 51`,
		`prodready_github_requests_total{method="GET",route="/repos/{owner}/{repo}/pulls/{id}",status="200"} 1`,
		`prodready_github_rate_limit_remaining 4999`,
		`prodready_recovery_deliveries_found_total{reason="missing"} 1`,
		`prodready_recovery_deliveries_found_total{reason="failed"} 0`,
		`prodready_recovery_redeliveries_total 1`,
		`prodready_recovery_errors_total{kind="rate_limited"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, webhookSecret) {
		t.Error("/metrics contains the webhook secret")
	}

	// With the store gone, readiness fails and the job gauge says so.
	_ = s.queue.Stop(context.Background())
	if code, _ := get(t, h, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the store closed: %d", code)
	}
	if code, _ := get(t, h, "/healthz"); code != 200 {
		t.Fatalf("/healthz with the store closed: %d", code)
	}
	if _, body := get(t, h, "/metrics"); !strings.Contains(body, "prodready_queue_up 0") {
		t.Error("prodready_queue_up is not 0 with the store closed")
	}
}

func TestRoutesRejectWrongMethods(t *testing.T) {
	s, _ := newTestServer(t)
	for _, c := range []struct{ method, path string }{{"GET", "/webhook"}, {"POST", "/healthz"}, {"POST", "/metrics"}} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d", c.method, c.path, rec.Code)
		}
	}
}

// TestServeShutsDownOnCancel: cancelling the context (what SIGTERM does in
// main) stops the listener and the queue within the bound.
func TestServeShutsDownOnCancel(t *testing.T) {
	s, _ := newTestServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	url := "http://" + ln.Addr().String()
	var resp *http.Response
	for range 100 {
		if resp, err = http.Get(url + "/readyz"); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz: %d", resp.StatusCode)
	}

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return within its shutdown bound")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("shutdown took %s", took)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}

func TestNewFailsOnUnusableStore(t *testing.T) {
	cfg, err := LoadConfig(env(baseEnv()), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg.DBPath = dir // a directory, not a file
	if _, err := New(context.Background(), cfg, okRunner{}, noFactory{}, Options{queueTestOnly: true}); err == nil {
		t.Fatal("New succeeded on a directory as the SQLite file")
	}
	_ = os.Remove(dir)
}
