// Package server assembles the GitHub App: the webhook handler, the job
// queue and the operational endpoints, behind one http.Server with
// timeouts and a bounded, ordered shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/recovery"
	"github.com/prodready/prodready/internal/webhook"
)

// Options are the parts of a Server that callers may share or replace.
type Options struct {
	Logger *slog.Logger
	// Metrics lets the caller hand the same collectors to the GitHub
	// client (ghclient.Observer) and the analysis; NewMetrics when nil.
	Metrics *Metrics
	// HookDeliveries is the App's webhook delivery log (ghclient's
	// Factory.App()); the missed-delivery recovery runs only when it is
	// set and Config.RecoveryInterval is positive.
	HookDeliveries recovery.Source

	// queueTestOnly speeds River's start-up in this package's tests;
	// queueRetryBackoff and queuePoll shorten its retry schedule and its
	// polling (queue.Config's TestRetryBackoff and TestPollInterval).
	queueTestOnly     bool
	queueRetryBackoff func(attempt int) time.Duration
	queuePoll         time.Duration
}

// Server is the running App.
type Server struct {
	cfg      Config
	logger   *slog.Logger
	metrics  *Metrics
	queue    *queue.Queue
	handler  http.Handler
	draining atomic.Bool
}

// New opens the queue store (migrating SQLite, checking Postgres) and
// builds the routes. Nothing listens or runs until Run.
func New(ctx context.Context, cfg Config, runner analysis.Runner, factory analysis.ClientFactory, opts Options) (*Server, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	metrics := opts.Metrics
	if metrics == nil {
		metrics = NewMetrics()
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	q, err := queue.Open(ctx, queue.Config{
		DatabaseURL: cfg.DatabaseURL,
		SQLitePath:  cfg.DBPath,
		Workers:     cfg.Workers,
		JobTimeout:  cfg.JobTimeout,
		RescueAfter: cfg.RescueAfter,
		Logger:      logger,
		Metrics:     metrics,
		Recovery: recovery.Config{
			Source:   opts.HookDeliveries,
			Interval: cfg.RecoveryInterval,
			Window:   cfg.RecoveryWindow,
			Max:      cfg.RecoveryMax,
			Metrics:  metrics,
		},
		TestOnly:         opts.queueTestOnly,
		TestRetryBackoff: opts.queueRetryBackoff,
		TestPollInterval: opts.queuePoll,
	}, runner, factory)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if err := metrics.registerJobs(q, logger); err != nil {
		_ = q.Stop(ctx)
		return nil, fmt.Errorf("server: register job metrics: %w", err)
	}
	wh, err := webhook.New(webhook.Config{
		Secret:   cfg.WebhookSecret,
		AppID:    cfg.AppID,
		Enqueuer: q,
		Metrics:  metrics,
		Logger:   logger.With(slog.String("component", "webhook")),
	})
	if err != nil {
		_ = q.Stop(ctx)
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{cfg: cfg, logger: logger, metrics: metrics, queue: q}
	r := mux.NewRouter()
	wh.Register(r)
	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", metrics.Handler()).Methods(http.MethodGet)
	s.handler = r
	return s, nil
}

// Handler serves all routes; Run serves it too.
func (s *Server) Handler() http.Handler { return s.handler }

// healthz says the process is up; it checks nothing else on purpose, so
// that a slow store does not get a healthy process restarted.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says whether this instance should get traffic: the queue store
// answers, and no shutdown has begun.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("shutting down\n"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.queue.Ready(ctx); err != nil {
		s.logger.WarnContext(ctx, "readyz: queue store unreachable", slog.String("error", err.Error()))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("queue store unreachable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// Run listens on the configured port until ctx is cancelled (SIGTERM),
// then shuts down; see Serve.
func (s *Server) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", ":"+strconv.Itoa(s.cfg.Port))
	if err != nil {
		_ = s.queue.Stop(ctx)
		return fmt.Errorf("server: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve starts the queue's workers and serves HTTP on ln until ctx is
// done. Then, within ShutdownTimeout: readiness turns false, the listener
// closes and in-flight requests finish (so every 202 was committed), then
// the queue stops taking jobs and lets running ones finish, cancelling
// those that do not (they return to the queue).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		// A 25 MB payload over a slow link still fits; GitHub itself
		// gives up after 10 s.
		ReadTimeout:    30 * time.Second,
		WriteTimeout:   30 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if err := s.queue.Start(ctx); err != nil {
		_ = ln.Close()
		_ = s.queue.Stop(ctx)
		return fmt.Errorf("server: %w", err)
	}
	s.logger.InfoContext(ctx, "serving", slog.String("addr", ln.Addr().String()),
		slog.String("store", s.queue.Store()), slog.Int64("app_id", s.cfg.AppID))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	s.draining.Store(true)
	s.logger.InfoContext(ctx, "shutting down", slog.Duration("bound", s.cfg.ShutdownTimeout))

	deadline := time.Now().Add(s.cfg.ShutdownTimeout)
	// HTTP gets at most half the bound: a webhook request is short, and
	// running analyses deserve the rest.
	httpCtx, cancelHTTP := context.WithDeadline(context.Background(), time.Now().Add(s.cfg.ShutdownTimeout/2))
	defer cancelHTTP()
	var errs []error
	if err := srv.Shutdown(httpCtx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		_ = srv.Close()
	}
	queueCtx, cancelQueue := context.WithDeadline(context.Background(), deadline)
	defer cancelQueue()
	if err := s.queue.Stop(queueCtx); err != nil {
		errs = append(errs, err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("http serve: %w", serveErr))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	s.logger.InfoContext(ctx, "stopped")
	return nil
}

// Close releases the queue store of a Server that was never served.
func (s *Server) Close(ctx context.Context) error { return s.queue.Stop(ctx) }
