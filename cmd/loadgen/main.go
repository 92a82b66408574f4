// Command loadgen measures how fast the App acknowledges webhooks: it sends
// N signed pull_request deliveries at concurrency C to a prodready server on
// this machine and reports acknowledgement latency (p50, p99, max), accepted
// deliveries per second and the status of every answer. With -self it
// starts the App's own HTTP stack and queue in-process (SQLite, or Postgres
// with -database-url) whose analyses do nothing, so only the webhook path is
// timed. It only ever talks to loopback addresses, and stops after -n
// requests or -timeout, whichever comes first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/server"
	"github.com/prodready/prodready/internal/webhook"
)

func main() {
	target := flag.String("url", "", "webhook URL of a running server (loopback only)")
	self := flag.Bool("self", false, "start an in-process server whose analyses do nothing, and measure it")
	dbURL := flag.String("database-url", "", "with -self: a postgres:// URL instead of a temporary SQLite file")
	secret := flag.String("secret", "loadgen-secret", "webhook secret shared with the server")
	n := flag.Int("n", 2000, "deliveries to send (at most 100000)")
	c := flag.Int("c", 50, "concurrent senders (at most 500)")
	dupEvery := flag.Int("dup-every", 10, "every k-th delivery repeats an earlier delivery id, as a GitHub redelivery does (0: none)")
	timeout := flag.Duration("timeout", 2*time.Minute, "stop after this long whatever remains")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run (server and senders) to this file")
	warmup := flag.Int("warmup", 0, "deliveries sent first, at the same concurrency, and left out of the figures: connections opened, a cold server's first transactions paid (at most 10000)")
	flag.Parse()
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
			os.Exit(1)
		}
		defer stopProfile()
	}
	if err := run(*target, *self, *dbURL, *secret, *n, *c, *dupEvery, *warmup, *timeout); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(1) // skips the deferred profile stop: a failed run's profile is of no use
	}
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "loadgen: cpu profile: %v\n", err)
		}
	}, nil
}

func run(target string, self bool, dbURL, secret string, n, c, dupEvery, warmup int, timeout time.Duration) error {
	if n < 1 || n > 100000 || c < 1 || c > 500 || warmup < 0 || warmup > 10000 {
		return errors.New("-n must be 1..100000, -c 1..500 and -warmup 0..10000")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	stop := func(int) {}
	if self {
		u, stopSelf, err := startSelf(ctx, dbURL, secret)
		if err != nil {
			return err
		}
		stop, target = stopSelf, u
	}
	if err := requireLoopback(target); err != nil {
		return err
	}
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}}
	warmAccepted := 0
	if warmup > 0 {
		// Ids and pull requests of their own, after those of the run.
		_, status, _ := burst(ctx, client, target, secret, warmup, c, 0, n)
		for _, code := range status {
			if code == http.StatusAccepted {
				warmAccepted++
			}
		}
		fmt.Printf("warm-up: %d deliveries, not counted below\n", warmup)
	}
	before, stealOK := readCPU()
	lat, status, elapsed := burst(ctx, client, target, secret, n, c, dupEvery, 0)
	after, _ := readCPU()
	accepted := report(os.Stdout, lat, status, elapsed)
	if stealOK && after.total > before.total {
		// On a shared virtual machine the host takes CPU time when its
		// other guests are busy; that, not the App, is often what moves
		// one run's tail from the next one's.
		fmt.Printf("cpu during the burst: %.0f%% busy, %.1f%% stolen by the host\n",
			100*float64(after.busy-before.busy)/float64(after.total-before.total),
			100*float64(after.steal-before.steal)/float64(after.total-before.total))
	}
	stop(warmAccepted + accepted)
	reportMemory(os.Stdout, self)
	return nil
}

// cpuTimes are the machine's CPU counters from /proc/stat, in ticks.
type cpuTimes struct{ total, busy, steal uint64 }

// readCPU reads the aggregate CPU line of /proc/stat (Linux only).
func readCPU() (cpuTimes, bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	// cpu user nice system idle iowait irq softirq steal ...
	if len(fields) < 9 || fields[0] != "cpu" {
		return cpuTimes{}, false
	}
	var t cpuTimes
	for i, f := range fields[1:] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return cpuTimes{}, false
		}
		if i >= 8 { // guest time is already counted in user time
			break
		}
		t.total += v
		switch i {
		case 3, 4: // idle, iowait
		case 7:
			t.steal += v
		default:
			t.busy += v
		}
	}
	return t, true
}

// reportMemory prints this process's peak resident memory (Linux only)
// and Go heap. With -self the process is the server and the senders.
func reportMemory(w io.Writer, self bool) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	who := "the senders"
	if self {
		who = "server and senders together"
	}
	peak := "unknown"
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.Lines(string(status)) {
			if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB"))); err == nil {
					peak = fmt.Sprintf("%.1f MB", float64(n)/1024)
				}
			}
		}
	}
	fmt.Fprintf(w, "memory (%s): peak RSS %s, Go heap %.1f MB in use at the end, %d GC cycles\n",
		who, peak, float64(ms.HeapInuse)/(1<<20), ms.NumGC)
}

// burst sends n deliveries from c senders; delivery i uses id and pull
// request offset+i, except that every dupEvery-th repeats the one before.
func burst(ctx context.Context, client *http.Client, target, secret string, n, c, dupEvery, offset int) ([]time.Duration, []int, time.Duration) {
	lat := make([]time.Duration, n)
	status := make([]int, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				delivery := i
				if dupEvery > 0 && i > 0 && i%dupEvery == 0 {
					delivery = i - 1
				}
				delivery += offset
				body := payload(delivery)
				t0 := time.Now()
				code, err := send(ctx, client, target, secret, fmt.Sprintf("loadgen-%06d", delivery), body)
				lat[i] = time.Since(t0)
				if err != nil {
					code = -1
				}
				status[i] = code
			}
		}()
	}
	wg.Wait()
	return lat, status, time.Since(start)
}

func payload(i int) string {
	sha := fmt.Sprintf("%040x", uint64(i)*2654435761+1)
	return fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"state":"open","draft":false,"head":{"sha":%q}},"repository":{"id":1,"name":"load","full_name":"acme/load","owner":{"login":"acme"}},"installation":{"id":1}}`, i+1, i+1, sha)
}

func send(ctx context.Context, client *http.Client, target, secret, delivery, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(secret), []byte(body)))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// report prints the figures and returns how many deliveries were accepted
// as new (202).
func report(w io.Writer, lat []time.Duration, status []int, elapsed time.Duration) int {
	var done []time.Duration
	counts := map[int]int{}
	for i, s := range status {
		if s == 0 {
			continue // never sent: stopped by -timeout
		}
		counts[s]++
		done = append(done, lat[i])
	}
	sort.Slice(done, func(i, j int) bool { return done[i] < done[j] })
	pct := func(p float64) time.Duration {
		if len(done) == 0 {
			return 0
		}
		return done[min(len(done)-1, int(p*float64(len(done))))]
	}
	codes := make([]int, 0, len(counts))
	for k := range counts {
		codes = append(codes, k)
	}
	sort.Ints(codes)
	fmt.Fprintf(w, "sent %d in %s: %.0f deliveries/s\n", len(done), elapsed.Round(time.Millisecond), float64(len(done))/elapsed.Seconds())
	fmt.Fprintf(w, "ack latency p50 %s, p99 %s, max %s\n", pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	for _, k := range codes {
		label := http.StatusText(k)
		if k == -1 {
			label = "transport error"
		}
		fmt.Fprintf(w, "  %d %s: %d\n", k, label, counts[k])
	}
	return counts[http.StatusAccepted]
}

// requireLoopback refuses any target that is not this machine.
func requireLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-url %q is not a URL (or use -self)", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: only loopback addresses are allowed", target)
	}
	return nil
}

type noGitHub struct{}

func (noGitHub) ForInstallation(context.Context, int64) (analysis.GitHub, error) {
	return nil, errors.New("loadgen: no GitHub")
}

// noopRunner counts the analyses the queue hands it, per pull request, so
// that lost and duplicated jobs show.
type noopRunner struct {
	mu   sync.Mutex
	seen map[int]int
}

func (r *noopRunner) Analyze(_ context.Context, job analysis.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[job.PR]++
	return nil
}

func (r *noopRunner) counts() (distinct, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range r.seen {
		distinct++
		total += k
	}
	return distinct, total
}

func startSelf(ctx context.Context, dbURL, secret string) (string, func(accepted int), error) {
	dir, err := os.MkdirTemp("", "loadgen-")
	if err != nil {
		return "", nil, err
	}
	cfg := server.Config{WebhookSecret: []byte(secret), DatabaseURL: dbURL, DBPath: filepath.Join(dir, "queue.db"), Workers: 4, ShutdownTimeout: 10 * time.Second, AppID: 1}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srvCtx, cancel := context.WithCancel(context.Background())
	runner := &noopRunner{seen: map[int]int{}}
	srv, err := server.New(srvCtx, cfg, runner, noGitHub{}, server.Options{Logger: logger})
	if err != nil {
		cancel()
		os.RemoveAll(dir)
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		os.RemoveAll(dir)
		return "", nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(srvCtx, ln)
	}()
	began := time.Now()
	stop := func(accepted int) {
		// Wait for the queue to drain while it makes progress, within
		// -timeout: only a queue that stopped running analyses has lost
		// the ones missing.
		const stalled = 15 * time.Second
		last, lastChange := -1, time.Now()
		for ctx.Err() == nil && time.Since(lastChange) < stalled {
			d, _ := runner.counts()
			if d >= accepted {
				break
			}
			if d != last {
				last, lastChange = d, time.Now()
			}
			time.Sleep(20 * time.Millisecond)
		}
		distinct, total := runner.counts()
		missing, ended := "lost 0", "all done"
		switch {
		case distinct >= accepted:
		case ctx.Err() != nil:
			ended = "stopped waiting"
			missing = fmt.Sprintf("%d still queued when -timeout ended the wait, not counted as lost", accepted-distinct)
		default:
			missing, ended = fmt.Sprintf("lost %d: none ran for %s", accepted-distinct, stalled), "stopped waiting"
		}
		fmt.Printf("analyses: %d distinct pull requests, %d runs (%s, duplicated %d), %s %s after the first delivery\n",
			distinct, total, missing, total-distinct, ended, time.Since(began).Round(time.Millisecond))
		cancel()
		<-done
		os.RemoveAll(dir)
	}
	return "http://" + ln.Addr().String() + "/webhook", stop, nil
}
