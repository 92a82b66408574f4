// Package webhook receives GitHub's signed webhook deliveries and hands the
// work they ask for to the job queue.
//
// The handler verifies X-Hub-Signature-256 in constant time before it
// parses anything, answers 202 only once the queue has committed the
// delivery's jobs, and otherwise stays out of the way: it decodes only the
// few payload fields it routes on, so new fields or odd timestamps in
// GitHub's payloads cannot break it.
//
// Draft pull requests are analysed like any other: the check run is cheap,
// early feedback is the point of a draft, and ready_for_review on the same
// head is then deduplicated by the queue rather than run twice.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue/intake"
)

// MaxBodyBytes is GitHub's cap on a webhook payload; it sends nothing larger.
const MaxBodyBytes = 25 << 20

// Headers GitHub sets on every delivery.
const (
	HeaderSignature256  = "X-Hub-Signature-256"
	HeaderSignatureSHA1 = "X-Hub-Signature"
	HeaderEvent         = "X-GitHub-Event"
	HeaderDelivery      = "X-GitHub-Delivery"
)

// Outcomes, the label of the deliveries metric.
const (
	OutcomeAccepted     = "accepted"
	OutcomeDuplicate    = "duplicate"
	OutcomeIgnored      = "ignored"
	OutcomeLogged       = "logged" // installation events: noted, nothing to do
	OutcomeUnauthorized = "unauthorized"
	OutcomeTooLarge     = "too_large"
	OutcomeBadRequest   = "bad_request"
	OutcomeUnsupported  = "unsupported_media_type"
	OutcomeError        = "error"
)

// Enqueuer is the queue as the handler sees it. A nil error must mean the
// delivery and its jobs are committed.
type Enqueuer interface {
	Enqueue(ctx context.Context, deliveryID string, jobs ...analysis.Job) (intake.Result, error)
	EnqueueResolve(ctx context.Context, deliveryID string, s intake.Suite) (intake.Result, error)
}

// Metrics counts deliveries; internal/server implements it.
type Metrics interface {
	ObserveDelivery(event, outcome string)
}

type nopMetrics struct{}

func (nopMetrics) ObserveDelivery(string, string) {}

// Config configures a Handler.
type Config struct {
	// Secret is the App's webhook secret.
	Secret []byte
	// AppID tells this App's check runs and suites from other Apps'.
	AppID    int64
	Enqueuer Enqueuer
	Metrics  Metrics
	Logger   *slog.Logger
	// MaxBodyBytes defaults to MaxBodyBytes.
	MaxBodyBytes int64
	// EnqueueTimeout bounds the wait on the store, so that GitHub (which
	// gives up after 10 s) gets a 500 it records rather than a timeout.
	EnqueueTimeout time.Duration
}

// Handler serves POST /webhook.
type Handler struct {
	cfg Config
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Handler, error) {
	if len(cfg.Secret) == 0 {
		return nil, errors.New("webhook: empty secret")
	}
	if cfg.Enqueuer == nil {
		return nil, errors.New("webhook: no Enqueuer")
	}
	if cfg.Metrics == nil {
		cfg.Metrics = nopMetrics{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = MaxBodyBytes
	}
	if cfg.EnqueueTimeout <= 0 {
		cfg.EnqueueTimeout = 8 * time.Second
	}
	return &Handler{cfg: cfg}, nil
}

// Register mounts the handler on r at POST /webhook.
func (h *Handler) Register(r *mux.Router) {
	r.Handle("/webhook", h).Methods(http.MethodPost)
}

// reply is the JSON body of every answer; GitHub shows it in the
// delivery's log, which makes it the App's first debugging aid.
type reply struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Jobs counts the jobs queued; one equal to a job already queued or
	// done is dropped afterwards, so two deliveries for one head can
	// both say 1 and still lead to one analysis.
	Jobs int `json:"jobs,omitempty"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	log := h.cfg.Logger.With(slog.String("delivery_id", safeHeader(r.Header.Get(HeaderDelivery))))
	status, outcome, event, rep, attrs := h.serve(r.Context(), w, r, log)
	h.cfg.Metrics.ObserveDelivery(event, outcome)
	attrs = append(attrs,
		slog.Int("status", status),
		slog.String("outcome", outcome),
		slog.Duration("took", time.Since(start)),
	)
	if rep.Reason != "" {
		attrs = append(attrs, slog.String("reason", rep.Reason))
	}
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	log.LogAttrs(r.Context(), level, "webhook delivery", attrs...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(rep)
}

// serve decides the answer; ServeHTTP writes it, logs it and counts it. The
// event label stays "unverified" until the signature checks out, so that
// unauthenticated callers cannot mint metric series.
func (h *Handler) serve(ctx context.Context, w http.ResponseWriter, r *http.Request, log *slog.Logger) (status int, outcome, event string, rep reply, attrs []slog.Attr) {
	event = "unverified"
	sig := r.Header.Get(HeaderSignature256)
	if sig == "" {
		reason := "missing " + HeaderSignature256
		if r.Header.Get(HeaderSignatureSHA1) != "" {
			reason += " (SHA-1 signatures are not accepted)"
		}
		return http.StatusUnauthorized, OutcomeUnauthorized, event, reply{Status: "rejected", Reason: reason}, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, OutcomeTooLarge, event,
				reply{Status: "rejected", Reason: fmt.Sprintf("body exceeds %d bytes", h.cfg.MaxBodyBytes)}, nil
		}
		return http.StatusBadRequest, OutcomeBadRequest, event, reply{Status: "rejected", Reason: "could not read body"},
			[]slog.Attr{slog.String("error", err.Error())}
	}
	if !validSignature(h.cfg.Secret, body, sig) {
		return http.StatusUnauthorized, OutcomeUnauthorized, event, reply{Status: "rejected", Reason: "signature does not match"}, nil
	}

	event = "other"
	name := r.Header.Get(HeaderEvent)
	delivery := r.Header.Get(HeaderDelivery)
	if !validToken(name, 64) {
		return http.StatusBadRequest, OutcomeBadRequest, event, reply{Status: "rejected", Reason: "missing or malformed " + HeaderEvent}, nil
	}
	if known[name] {
		event = name
	}
	attrs = append(attrs, slog.String("event", name))
	if !validToken(delivery, 128) {
		return http.StatusBadRequest, OutcomeBadRequest, event, reply{Status: "rejected", Reason: "missing or malformed " + HeaderDelivery}, attrs
	}
	payload, err := payloadOf(r.Header.Get("Content-Type"), body)
	if err != nil {
		return http.StatusUnsupportedMediaType, OutcomeUnsupported, event, reply{Status: "rejected", Reason: err.Error()}, attrs
	}

	d, err := route(name, payload, h.cfg.AppID)
	attrs = append(attrs, d.attrs()...)
	if err != nil {
		return http.StatusBadRequest, OutcomeBadRequest, event, reply{Status: "rejected", Reason: err.Error()}, attrs
	}
	switch d.kind {
	case decisionPing:
		return http.StatusOK, OutcomeIgnored, event, reply{Status: "pong"}, attrs
	case decisionIgnore:
		return http.StatusOK, OutcomeIgnored, event, reply{Status: "ignored", Reason: d.reason}, attrs
	case decisionLog:
		return http.StatusOK, OutcomeLogged, event, reply{Status: "logged"}, attrs
	}

	for i := range d.jobs {
		d.jobs[i].DeliveryID = delivery
	}
	ectx, cancel := context.WithTimeout(ctx, h.cfg.EnqueueTimeout)
	defer cancel()
	var res intake.Result
	if d.suite != nil {
		res, err = h.cfg.Enqueuer.EnqueueResolve(ectx, delivery, *d.suite)
	} else {
		res, err = h.cfg.Enqueuer.Enqueue(ectx, delivery, d.jobs...)
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		return http.StatusInternalServerError, OutcomeError, event, reply{Status: "error", Reason: "could not queue the delivery; redeliver it"}, attrs
	}
	attrs = append(attrs, slog.Int("jobs", res.Jobs))
	if res.Duplicate {
		return http.StatusOK, OutcomeDuplicate, event, reply{Status: "duplicate", Reason: "delivery already received"}, attrs
	}
	return http.StatusAccepted, OutcomeAccepted, event, reply{Status: "accepted", Jobs: res.Jobs}, attrs
}

// known are the event names the deliveries metric labels by name.
var known = map[string]bool{
	"pull_request": true, "check_suite": true, "check_run": true,
	"installation": true, "installation_repositories": true, "ping": true,
}

// validSignature checks "sha256=<hex>" against the body's HMAC-SHA256 in
// constant time.
func validSignature(secret, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	return hmac.Equal(got, digest(secret, body))
}

// Signature is the X-Hub-Signature-256 value GitHub sends with body:
// "sha256=" and the hex HMAC-SHA256 of the body under the webhook secret.
// Senders other than GitHub (tests, cmd/loadgen) sign with it, so that the
// scheme lives in one place.
func Signature(secret, body []byte) string {
	return "sha256=" + hex.EncodeToString(digest(secret, body))
}

func digest(secret, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}

// validToken accepts what GitHub puts in its event and delivery headers
// (names, GUIDs), which end up in logs, metrics and the database.
func validToken(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// safeHeader keeps a header fit for a log line even before it is validated.
func safeHeader(s string) string {
	if validToken(s, 128) {
		return s
	}
	if s == "" {
		return ""
	}
	return "(malformed)"
}

// payloadOf extracts the JSON from the body. A hook can be set to send
// form-encoded bodies, where the JSON is the "payload" field; the signature
// covers the raw body either way.
func payloadOf(contentType string, body []byte) ([]byte, error) {
	if contentType == "" {
		return body, nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, errors.New("malformed Content-Type")
	}
	switch mt {
	case "application/json":
		return body, nil
	case "application/x-www-form-urlencoded":
		// A malformed form leaves the payload empty, which then fails as
		// malformed JSON (400) like any other broken body.
		form, _ := url.ParseQuery(string(body))
		return []byte(form.Get("payload")), nil
	}
	return nil, fmt.Errorf("unsupported Content-Type %q", mt)
}
