// Package ghclient implements analysis.GitHub over go-github and
// ghinstallation: one authenticated client per App installation, GitHub's
// errors translated into analysis.ErrNotFound, analysis.ErrDiffTooLarge
// and *analysis.RetryAfterError, and idempotent reads retried on GitHub's
// transient edge failures.
package ghclient

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"
	// ghinstallation's options type comes from the go-github it was built with.
	ghinstall "github.com/google/go-github/v88/github"

	"github.com/prodready/prodready/internal/analysis"
)

// DefaultBaseURL is github.com's REST root.
const DefaultBaseURL = "https://api.github.com/"

// Config configures a Factory.
type Config struct {
	AppID int64
	// PrivateKeyPEM is the App's private key as GitHub hands it out
	// (PKCS#1) or as PKCS#8; literal "\n" sequences, as left by
	// environment variables, are accepted.
	PrivateKeyPEM []byte
	// BaseURL is the REST root: DefaultBaseURL when empty, and
	// https://HOST/api/v3/ for GitHub Enterprise Server.
	BaseURL string
	// Transport carries every request (tests point it at a fake); default
	// a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// UserAgent identifies the App to GitHub; default "prodready".
	UserAgent string
	Logger    *slog.Logger
	Observer  Observer
	// MaxTries bounds the attempts of an idempotent GET (default 3, 1
	// disables retries); RetryBaseDelay is the first backoff (default
	// 250 ms).
	MaxTries       int
	RetryBaseDelay time.Duration
	// AttemptTimeout bounds how long one attempt waits for GitHub's
	// response headers (default DefaultAttemptTimeout; negative: no
	// bound). A GET that times out is retried within MaxTries; a write
	// that times out fails as transient and the job's retry repeats it
	// idempotently.
	AttemptTimeout time.Duration
}

// DefaultAttemptTimeout is a stalled answer's bound: GitHub ends requests
// it takes more than 10 s to process, so 30 s without headers leaves room
// for slow networks yet frees a worker long before the job timeout.
const DefaultAttemptTimeout = 30 * time.Second

// Factory hands out installation clients and the App-level client (App).
// It is safe for concurrent use.
type Factory struct {
	appID     int64
	key       *rsa.PrivateKey
	baseURL   *url.URL
	uploadURL *url.URL
	userAgent string
	transport http.RoundTripper
	logger    *slog.Logger

	mu      sync.Mutex
	clients map[int64]*Client
	app     *AppClient
}

var _ analysis.ClientFactory = (*Factory)(nil)

// NewFactory checks cfg and parses the key once.
func NewFactory(cfg Config) (*Factory, error) {
	if cfg.AppID <= 0 {
		return nil, errors.New("github app: AppID must be positive")
	}
	key, err := parseKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("github app %d: private key: %w", cfg.AppID, err)
	}
	base, upload, err := apiURLs(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With(slog.String("component", "github"))
	tr := cfg.Transport
	if tr == nil {
		dt := http.DefaultTransport.(*http.Transport).Clone()
		// A backstop behind AttemptTimeout, should that be switched off.
		dt.ResponseHeaderTimeout = time.Minute
		tr = dt
	}
	attemptTimeout := cfg.AttemptTimeout
	if attemptTimeout == 0 {
		attemptTimeout = DefaultAttemptTimeout
	}
	maxTries := cfg.MaxTries
	if maxTries == 0 {
		maxTries = 3
	}
	delay := cfg.RetryBaseDelay
	if delay <= 0 {
		delay = 250 * time.Millisecond
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "prodready"
	}
	// Each attempt gets its own bound, below the retries and the observer
	// (which then logs and counts a timed-out attempt as such).
	bounded := &attemptTimeoutTransport{next: tr, timeout: attemptTimeout}
	observed := &observeTransport{next: bounded, observer: cfg.Observer, logger: logger, basePath: base.Path}
	return &Factory{
		appID:     cfg.AppID,
		key:       key,
		baseURL:   base,
		uploadURL: upload,
		userAgent: ua,
		transport: &retryTransport{next: observed, maxTries: maxTries, base: delay, logger: logger, basePath: base.Path},
		logger:    logger,
		clients:   map[int64]*Client{},
	}, nil
}

// ForInstallation returns the installation's client, creating it on first
// use. Creating one does no I/O: ghinstallation fetches the token on the
// first request and refreshes it a minute before it expires, and a token
// GitHub refuses earlier (401) is replaced once per request (see
// reauthTransport), so the cached client stays valid for the life of the
// process.
func (f *Factory) ForInstallation(_ context.Context, installationID int64) (analysis.GitHub, error) {
	return f.Client(installationID)
}

// Client is ForInstallation with the concrete type.
func (f *Factory) Client(installationID int64) (*Client, error) {
	if installationID <= 0 {
		return nil, fmt.Errorf("github installation %d: id must be positive", installationID)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[installationID]; ok {
		return c, nil
	}
	logger := f.logger.With(slog.Int64("installation", installationID))
	reauth := newReauthTransport(installationID, func() *ghinstallation.Transport {
		return f.installationTransport(installationID)
	}, logger)
	gh := github.NewClient(&http.Client{Transport: reauth})
	base, upload := *f.baseURL, *f.uploadURL
	gh.BaseURL, gh.UploadURL = &base, &upload
	gh.UserAgent = f.userAgent
	c := &Client{
		gh:             gh,
		appID:          f.appID,
		installationID: installationID,
		logger:         logger,
	}
	f.clients[installationID] = c
	return c, nil
}

// installationTransport builds a token-less installation transport; it
// does no I/O.
func (f *Factory) installationTransport(installationID int64) *ghinstallation.Transport {
	root := strings.TrimSuffix(f.baseURL.String(), "/")
	// One AppsTransport per installation transport: ghinstallation writes
	// its BaseURL and Client fields on every token refresh, so sharing one
	// across installations, or with the transport a 401 replaced (which may
	// still be refreshing), would race.
	atr := ghinstallation.NewAppsTransportFromPrivateKey(f.transport, f.appID, f.key)
	atr.BaseURL = root
	itr := ghinstallation.NewFromAppsTransport(atr, installationID)
	itr.BaseURL = root
	// Without options ghinstallation posts the JSON body "null", which
	// GitHub's description does not allow; "{}" asks for the same token.
	itr.InstallationTokenOptions = &ghinstall.InstallationTokenOptions{}
	return itr
}

func parseKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	if len(bytes.TrimSpace(pemBytes)) == 0 {
		return nil, errors.New("empty")
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		block, _ = pem.Decode(bytes.ReplaceAll(pemBytes, []byte(`\n`), []byte("\n")))
	}
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS#1 key: %w", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS#8 key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("PKCS#8 key is %T, GitHub Apps sign with RSA", k)
		}
		return rk, nil
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key", block.Type)
	}
}

// apiURLs derives go-github's BaseURL and UploadURL from the REST root.
// The root is used as given rather than through WithEnterpriseURLs, which
// would append api/v3/ to any non-github.com host, tests' fakes included.
func apiURLs(raw string) (base, upload *url.URL, err error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err = url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, nil, fmt.Errorf("github base URL %q: want http(s)://host/path", raw)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	upload = &url.URL{Scheme: base.Scheme, Host: base.Host, Path: base.Path}
	switch {
	case base.Host == "api.github.com":
		upload.Host, upload.Path = "uploads.github.com", "/"
	case strings.HasSuffix(base.Path, "/api/v3/"):
		upload.Path = strings.TrimSuffix(base.Path, "v3/") + "uploads/"
	}
	return base, upload, nil
}
