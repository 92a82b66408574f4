package server

import (
	"bytes"
	"cmp"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/recovery"
)

// Environment variables `app serve` reads.
const (
	EnvAppID          = "GITHUB_APP_ID"
	EnvPrivateKey     = "GITHUB_PRIVATE_KEY"
	EnvPrivateKeyPath = "GITHUB_PRIVATE_KEY_PATH"
	EnvWebhookSecret  = "GITHUB_WEBHOOK_SECRET"
	EnvAPIURL         = "GITHUB_API_URL"
	EnvDatabaseURL    = "DATABASE_URL"
	EnvDBPath         = "PRODREADY_DB_PATH"
	EnvPort           = "PORT"
	EnvLogLevel       = "LOG_LEVEL"
	EnvWorkers        = "PRODREADY_WORKERS"
	EnvJobTimeout     = "PRODREADY_JOB_TIMEOUT"
	EnvRescueAfter    = "PRODREADY_RESCUE_AFTER"
	EnvRecoveryEvery  = "PRODREADY_RECOVERY_INTERVAL"
	EnvRecoveryWindow = "PRODREADY_RECOVERY_WINDOW"
	EnvRecoveryMax    = "PRODREADY_RECOVERY_MAX"
)

// Defaults for the optional settings.
const (
	DefaultAPIURL          = "https://api.github.com/"
	DefaultDBPath          = "./prodready.db"
	DefaultPort            = 8080
	DefaultShutdownTimeout = 30 * time.Second
)

// Config is everything `app serve` needs; LoadConfig fills it.
type Config struct {
	AppID         int64
	PrivateKeyPEM []byte
	WebhookSecret []byte
	APIURL        string
	// DatabaseURL selects Postgres; empty selects SQLite at DBPath.
	DatabaseURL string
	DBPath      string
	Port        int
	LogLevel    slog.Level
	// Workers is how many analyses run at once (0: the queue's default).
	Workers int
	// JobTimeout bounds one analysis attempt; RescueAfter is when a job
	// still marked running on Postgres is taken for one whose process died
	// and retried by another instance (0: the queue's defaults). On SQLite
	// a restarted process rescues such jobs at once.
	JobTimeout  time.Duration
	RescueAfter time.Duration
	// RecoveryInterval spaces the passes of the missed-delivery recovery
	// (0: off); RecoveryWindow is how far back each looks (0: default) and
	// RecoveryMax caps the redeliveries one pass requests (0: default).
	RecoveryInterval time.Duration
	RecoveryWindow   time.Duration
	RecoveryMax      int
	// ShutdownTimeout bounds the drain after SIGTERM: in-flight requests
	// first, then running analyses. The platform's kill timeout must exceed it.
	ShutdownTimeout time.Duration
}

// ConfigError is a missing or malformed setting. Its message is one line
// that names the setting and never quotes a secret.
type ConfigError struct {
	Setting string
	Problem string
}

func (e *ConfigError) Error() string { return e.Setting + " " + e.Problem }

func cfgErr(setting, format string, a ...any) error {
	return &ConfigError{Setting: setting, Problem: fmt.Sprintf(format, a...)}
}

// LoadConfig reads the settings through getenv (os.Getenv, or flags laid
// over it) and key files through readFile, and reports the first setting
// that is missing or malformed.
func LoadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	cfg := Config{ShutdownTimeout: DefaultShutdownTimeout}

	appID := strings.TrimSpace(getenv(EnvAppID))
	if appID == "" {
		return cfg, cfgErr(EnvAppID, "is required (the App's numeric id, on its settings page)")
	}
	id, err := strconv.ParseInt(appID, 10, 64)
	if err != nil || id <= 0 {
		return cfg, cfgErr(EnvAppID, "must be a positive integer, got %q", appID)
	}
	cfg.AppID = id

	key, keyPath := getenv(EnvPrivateKey), strings.TrimSpace(getenv(EnvPrivateKeyPath))
	switch {
	case key != "" && keyPath != "":
		return cfg, cfgErr(EnvPrivateKey, "and %s are both set; set only one", EnvPrivateKeyPath)
	case key != "":
		pemBytes := normaliseKey([]byte(key))
		if err := checkRSAKey(pemBytes); err != nil {
			return cfg, cfgErr(EnvPrivateKey, "is not a PEM-encoded RSA private key (%v)", err)
		}
		cfg.PrivateKeyPEM = pemBytes
	case keyPath != "":
		b, err := readFile(keyPath)
		if err != nil {
			return cfg, cfgErr(EnvPrivateKeyPath, "cannot be read: %v", err)
		}
		pemBytes := normaliseKey(b)
		if err := checkRSAKey(pemBytes); err != nil {
			return cfg, cfgErr(EnvPrivateKeyPath, "%s is not a PEM-encoded RSA private key (%v)", keyPath, err)
		}
		cfg.PrivateKeyPEM = pemBytes
	default:
		return cfg, cfgErr(EnvPrivateKey, "or %s is required (the App's private key, PEM)", EnvPrivateKeyPath)
	}

	secret := getenv(EnvWebhookSecret)
	if secret == "" {
		return cfg, cfgErr(EnvWebhookSecret, "is required (the App's webhook secret)")
	}
	cfg.WebhookSecret = []byte(secret)

	cfg.APIURL = DefaultAPIURL
	if v := strings.TrimSpace(getenv(EnvAPIURL)); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return cfg, cfgErr(EnvAPIURL, "must be an absolute http(s) URL such as %s or https://HOST/api/v3/", DefaultAPIURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		cfg.APIURL = u.String()
	}

	if v := strings.TrimSpace(getenv(EnvDatabaseURL)); v != "" {
		if !queue.IsPostgres(v) {
			// Not quoted: it may hold a password.
			return cfg, cfgErr(EnvDatabaseURL, "must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)")
		}
		cfg.DatabaseURL = v
	}
	cfg.DBPath = DefaultDBPath
	if v := strings.TrimSpace(getenv(EnvDBPath)); v != "" {
		if strings.ContainsAny(v, "?#") {
			return cfg, cfgErr(EnvDBPath, "must be a file path without '?' or '#', got %q", v)
		}
		cfg.DBPath = v
	}

	cfg.Port = DefaultPort
	if v := strings.TrimSpace(getenv(EnvPort)); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return cfg, cfgErr(EnvPort, "must be a TCP port (1-65535), got %q", v)
		}
		cfg.Port = p
	}

	cfg.LogLevel = slog.LevelInfo
	if v := strings.TrimSpace(getenv(EnvLogLevel)); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return cfg, cfgErr(EnvLogLevel, "must be debug, info, warn or error, got %q", v)
		}
	}

	if v := strings.TrimSpace(getenv(EnvWorkers)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return cfg, cfgErr(EnvWorkers, "must be an integer from 1 to 64, got %q", v)
		}
		cfg.Workers = n
	}

	if v := strings.TrimSpace(getenv(EnvJobTimeout)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			return cfg, cfgErr(EnvJobTimeout, "must be a duration from 1s to 1h, got %q", v)
		}
		cfg.JobTimeout = d
	}
	if v := strings.TrimSpace(getenv(EnvRescueAfter)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			return cfg, cfgErr(EnvRescueAfter, "must be a duration from 1s to 24h, got %q", v)
		}
		cfg.RescueAfter = d
	}
	if jt := cmp.Or(cfg.JobTimeout, queue.DefaultJobTimeout); cfg.RescueAfter != 0 && cfg.RescueAfter <= jt {
		return cfg, cfgErr(EnvRescueAfter, "(%s) must exceed %s (%s): a job still running would be taken for an orphan and run twice",
			cfg.RescueAfter, EnvJobTimeout, jt)
	}

	cfg.RecoveryInterval = recovery.DefaultInterval
	if v := strings.TrimSpace(getenv(EnvRecoveryEvery)); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case strings.EqualFold(v, "off") || (err == nil && d == 0):
			cfg.RecoveryInterval = 0
		case err != nil || d < time.Minute || d > 24*time.Hour:
			return cfg, cfgErr(EnvRecoveryEvery, "must be a duration from 1m to 24h, or 0 or off to disable, got %q", v)
		default:
			cfg.RecoveryInterval = d
		}
	}
	cfg.RecoveryWindow = recovery.DefaultWindow
	if v := strings.TrimSpace(getenv(EnvRecoveryWindow)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > recovery.MaxWindow {
			return cfg, cfgErr(EnvRecoveryWindow, "must be a duration from 1m to 72h (GitHub keeps deliveries 3 days), got %q", v)
		}
		cfg.RecoveryWindow = d
	}
	if cfg.RecoveryInterval > cfg.RecoveryWindow {
		return cfg, cfgErr(EnvRecoveryWindow, "(%s) must not be shorter than %s (%s): deliveries failing between two passes would never be examined",
			cfg.RecoveryWindow, EnvRecoveryEvery, cfg.RecoveryInterval)
	}
	cfg.RecoveryMax = recovery.DefaultMax
	if v := strings.TrimSpace(getenv(EnvRecoveryMax)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > recovery.MaxPerRun {
			return cfg, cfgErr(EnvRecoveryMax, "must be an integer from 1 to %d, got %q", recovery.MaxPerRun, v)
		}
		cfg.RecoveryMax = n
	}
	return cfg, nil
}

// normaliseKey accepts a key pasted into an environment variable with its
// newlines written as "\n", as many deploy tools leave it.
func normaliseKey(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if !bytes.Contains(b, []byte("\n")) && bytes.Contains(b, []byte(`\n`)) {
		b = bytes.TrimSpace(bytes.ReplaceAll(b, []byte(`\n`), []byte("\n")))
	}
	return b
}

// checkRSAKey parses the key the way GitHub issues it (PKCS#1) or as
// PKCS#8. Its errors describe the shape, never the content.
func checkRSAKey(pemBytes []byte) error {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return errors.New("no PEM block found")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			return errors.New("PKCS#1 block does not parse")
		}
		return nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return errors.New("PKCS#8 block does not parse")
		}
		if _, ok := k.(*rsa.PrivateKey); !ok {
			return errors.New("PKCS#8 key is not RSA")
		}
		return nil
	}
	return fmt.Errorf("PEM block is %q, want \"RSA PRIVATE KEY\"", block.Type)
}
