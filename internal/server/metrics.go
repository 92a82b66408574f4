package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/recovery"
	"github.com/prodready/prodready/internal/webhook"
)

// Metrics holds every collector the App exports, on a registry of its own
// (never the global default one). Other packages report through the small
// interfaces it satisfies: webhook.Metrics, queue.Metrics, ghclient.Observer,
// analysis.Observer and recovery.Metrics.
type Metrics struct {
	reg            *prometheus.Registry
	deliveries     *prometheus.CounterVec
	analyses       *prometheus.HistogramVec
	cancelled      *prometheus.CounterVec
	annotations    prometheus.Counter
	refused        *prometheus.CounterVec
	conclusions    *prometheus.CounterVec
	githubRequests *prometheus.CounterVec
	rateRemaining  prometheus.Gauge
	recoveryFound  *prometheus.CounterVec
	redelivered    prometheus.Counter
	recoveryErrors *prometheus.CounterVec
	intakeJobs     *prometheus.CounterVec
	intakeWait     prometheus.Histogram
}

// NewMetrics creates the collectors and a registry holding them plus the
// Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_webhook_deliveries_total",
			Help: "Webhook deliveries by event and outcome (accepted, duplicate, ignored, logged, unauthorized, too_large, bad_request, unsupported_media_type, error).",
		}, []string{"event", "outcome"}),
		analyses: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "prodready_analysis_duration_seconds",
			Help:    "Duration of analysis attempts by outcome (success, snoozed, retry, failed, cancelled, shutdown).",
			Buckets: []float64{0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300},
		}, []string{"outcome"}),
		cancelled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_analyses_cancelled_total",
			Help: "Analyses cancelled without further retries, by reason (not_found, rate_limited, forbidden, unauthorized, unprocessable, bad_request, gone, refused).",
		}, []string{"reason"}),
		annotations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "prodready_annotations_posted_total",
			Help: "Check-run annotations sent to GitHub.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_annotations_refused_total",
			Help: "Annotations missing from completed check runs because GitHub refused them for good, by reason (unprocessable: 422).",
		}, []string{"reason"}),
		conclusions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_check_runs_completed_total",
			Help: "Check runs the analysis completed, by conclusion.",
		}, []string{"conclusion"}),
		githubRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_github_requests_total",
			Help: "HTTP attempts to the GitHub API by method, route and status (0: no response).",
		}, []string{"method", "route", "status"}),
		rateRemaining: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "prodready_github_rate_limit_remaining",
			Help: "x-ratelimit-remaining of the latest GitHub response that carried it (any installation).",
		}),
		recoveryFound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_recovery_deliveries_found_total",
			Help: "Relevant webhook deliveries GitHub failed to hand over and the App never recorded, once per delivery id, by reason (failed: the App answered an error; missing: no answer reached GitHub).",
		}, []string{"reason"}),
		redelivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "prodready_recovery_redeliveries_total",
			Help: "Redeliveries the missed-delivery recovery requested and GitHub accepted.",
		}),
		recoveryErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prodready_recovery_errors_total",
			Help: "Missed-delivery recovery failures by kind (rate_limited, list, redeliver, store).",
		}, []string{"kind"}),
	}
	m.intakeJobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "prodready_queue_intake_jobs_total",
		Help: "Jobs of accepted deliveries taken from the intake into the queue, by result (inserted; deduplicated: equal to a job already queued or done; unreadable: a damaged intake row, dropped and logged with its delivery id).",
	}, []string{"result"})
	m.intakeWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "prodready_queue_intake_wait_seconds",
		Help:    "Time from a delivery's acceptance until its jobs were in the queue.",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	})
	for _, r := range []string{"inserted", "deduplicated", "unreadable"} {
		m.intakeJobs.WithLabelValues(r)
	}
	m.rateRemaining.Set(-1)
	for _, r := range []string{recovery.ReasonFailed, recovery.ReasonMissing} {
		m.recoveryFound.WithLabelValues(r)
	}
	m.reg.MustRegister(
		m.deliveries, m.analyses, m.cancelled, m.annotations, m.refused, m.conclusions, m.githubRequests, m.rateRemaining,
		m.recoveryFound, m.redelivered, m.recoveryErrors, m.intakeJobs, m.intakeWait,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry lets callers add collectors of their own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus' exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveDelivery implements webhook.Metrics.
func (m *Metrics) ObserveDelivery(event, outcome string) {
	m.deliveries.WithLabelValues(event, outcome).Inc()
}

// ObserveIntake implements queue.Metrics.
func (m *Metrics) ObserveIntake(inserted, deduplicated int, unreadable bool, waited time.Duration) {
	m.intakeJobs.WithLabelValues("inserted").Add(float64(inserted))
	m.intakeJobs.WithLabelValues("deduplicated").Add(float64(deduplicated))
	if unreadable {
		m.intakeJobs.WithLabelValues("unreadable").Inc()
	}
	m.intakeWait.Observe(waited.Seconds())
}

// ObserveAnalysis implements queue.Metrics.
func (m *Metrics) ObserveAnalysis(outcome string, took time.Duration) {
	m.analyses.WithLabelValues(outcome).Observe(took.Seconds())
}

// ObserveCancel implements queue.Metrics.
func (m *Metrics) ObserveCancel(reason string) {
	m.cancelled.WithLabelValues(reason).Inc()
}

// AnalysisDone counts completed check runs by conclusion (the analysis
// Observer); durations come from the queue's ObserveAnalysis.
func (m *Metrics) AnalysisDone(conclusion string, _ time.Duration) {
	m.conclusions.WithLabelValues(conclusion).Inc()
}

// AnnotationsPosted counts annotations sent in check-run writes.
func (m *Metrics) AnnotationsPosted(n int) {
	if n > 0 {
		m.annotations.Add(float64(n))
	}
}

// AnnotationsRefused counts annotations a completed run lacks because
// GitHub refused them (the analysis Observer).
func (m *Metrics) AnnotationsRefused(n int, reason string) {
	if n > 0 {
		m.refused.WithLabelValues(reason).Add(float64(n))
	}
}

// OnResponse implements ghclient.Observer.
func (m *Metrics) OnResponse(method, route string, status, remaining int) {
	m.githubRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	if remaining >= 0 {
		m.rateRemaining.Set(float64(remaining))
	}
}

// RecoveryFound implements recovery.Metrics.
func (m *Metrics) RecoveryFound(reason string) { m.recoveryFound.WithLabelValues(reason).Inc() }

// RecoveryRedelivered implements recovery.Metrics.
func (m *Metrics) RecoveryRedelivered() { m.redelivered.Inc() }

// RecoveryError implements recovery.Metrics.
func (m *Metrics) RecoveryError(kind string) { m.recoveryErrors.WithLabelValues(kind).Inc() }

// JobCounter is the queue as the jobs gauges see it.
type JobCounter interface {
	JobCounts(ctx context.Context) (map[string]int, error)
	IntakeBacklog(ctx context.Context) (int, error)
}

// jobsCollector reads job counts from the store at scrape time, so that
// every instance sharing a Postgres store reports the same, true numbers.
type jobsCollector struct {
	src    JobCounter
	logger *slog.Logger
	jobs   *prometheus.Desc
	intake *prometheus.Desc
	up     *prometheus.Desc
}

func (m *Metrics) registerJobs(src JobCounter, logger *slog.Logger) error {
	return m.reg.Register(&jobsCollector{
		src:    src,
		logger: logger,
		jobs:   prometheus.NewDesc("prodready_jobs", "Jobs in the queue store by state.", []string{"state"}, nil),
		intake: prometheus.NewDesc("prodready_queue_intake_deliveries", "Accepted deliveries whose jobs wait in the intake, not yet in the queue; more than a few for long means the queue cannot take them in.", nil, nil),
		up:     prometheus.NewDesc("prodready_queue_up", "1 when the queue store answered the last scrape's count.", nil, nil),
	})
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.intake
	ch <- c.up
}

// scrapeTimeout keeps a slow store from stalling the whole scrape.
const scrapeTimeout = 2 * time.Second

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := c.src.JobCounts(ctx)
	var backlog int
	if err == nil {
		backlog, err = c.src.IntakeBacklog(ctx)
	}
	if err != nil {
		c.logger.WarnContext(ctx, "metrics: counting jobs failed", slog.String("error", err.Error()))
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.intake, prometheus.GaugeValue, float64(backlog))
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(n), state)
	}
}

var (
	_ analysis.Observer = (*Metrics)(nil)
	_ webhook.Metrics   = (*Metrics)(nil)
	_ queue.Metrics     = (*Metrics)(nil)
	_ recovery.Metrics  = (*Metrics)(nil)
)
