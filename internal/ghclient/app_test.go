package ghclient

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/githubtest"
)

var (
	listDeliveriesRoute = githubtest.Route("GET /app/hook/deliveries")
	redeliverRoute      = githubtest.Route("POST /app/hook/deliveries/{delivery_id}/attempts")
)

func TestAppListsDeliveriesByCursor(t *testing.T) {
	e := newEnv(t)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		e.fake.AddDelivery(githubtest.Delivery{
			ID: int64(100 + i), GUID: fmt.Sprintf("guid-%d", i), Event: "pull_request", Action: "opened",
			StatusCode: 500 - 300*(i%2), DeliveredAt: at.Add(time.Duration(i) * time.Minute),
			InstallationID: 7, RepositoryID: 9,
		})
	}
	e.fake.AddDelivery(githubtest.Delivery{ID: 105, GUID: "ping", Event: "ping", StatusCode: 200, DeliveredAt: at.Add(time.Hour)})
	app := e.factory.App()
	if e.factory.App() != app {
		t.Fatal("App() is not cached")
	}
	var ids []int64
	cursor, pages := "", 0
	for {
		page, next, err := app.ListHookDeliveries(ctx(t), cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page {
			ids = append(ids, d.ID)
		}
		if pages == 1 {
			d := page[1] // newest first: 105 (the ping), then 104
			want := at.Add(4 * time.Minute)
			if d.ID != 104 || d.GUID != "guid-4" || d.Event != "pull_request" || d.Action != "opened" || d.StatusCode != 500 ||
				d.Redelivery || !d.DeliveredAt.Equal(want) || d.InstallationID != 7 || d.RepositoryID != 9 {
				t.Fatalf("delivery %+v", d)
			}
			if page[0].Action != "" {
				t.Fatalf("ping's null action became %q", page[0].Action)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if want := []int64{105, 104, 103, 102, 101, 100}; !slices.Equal(ids, want) || pages != 3 {
		t.Fatalf("listed %v in %d pages, want %v in 3", ids, pages, want)
	}
	for _, r := range e.fake.Requests() {
		if r.Auth != "Bearer" {
			t.Fatalf("%s %s authenticated with %q, want the App JWT", r.Method, r.Path, r.Auth)
		}
	}
}

func TestAppRedelivers(t *testing.T) {
	e := newEnv(t)
	e.fake.AddDelivery(githubtest.Delivery{ID: 42, GUID: "g", Event: "check_suite", Action: "requested", StatusCode: 0})
	app := e.factory.App()
	if err := app.RedeliverHookDelivery(ctx(t), 42); err != nil {
		t.Fatalf("202 must be success: %v", err)
	}
	if got := e.fake.Redelivered(); !slices.Equal(got, []int64{42}) {
		t.Fatalf("redelivered %v", got)
	}
	ds := e.fake.Deliveries()
	if last := ds[len(ds)-1]; last.GUID != "g" || !last.Redelivery || last.ID == 42 {
		t.Fatalf("the redelivery is recorded as %+v", last)
	}
	err := app.RedeliverHookDelivery(ctx(t), 999)
	if !errors.Is(err, analysis.ErrNotFound) {
		t.Fatalf("unknown delivery: %v", err)
	}
}

func TestAppRateLimitAndRetries(t *testing.T) {
	e := newEnv(t)
	e.fake.AddDelivery(githubtest.Delivery{ID: 1, GUID: "g", Event: "pull_request", Action: "opened"})
	app := e.factory.App()

	// A read is retried through an edge failure, like the installation clients'.
	e.fake.Inject(listDeliveriesRoute, githubtest.BadGateway())
	if _, _, err := app.ListHookDeliveries(ctx(t), "", 100); err != nil {
		t.Fatalf("list through a 502: %v", err)
	}
	if n := e.fake.CountRequests(listDeliveriesRoute); n != 2 {
		t.Fatalf("list requests %d, want 2", n)
	}

	// A write is not retried, and a secondary limit says how long to wait.
	e.fake.Inject(redeliverRoute, githubtest.SecondaryLimit(90*time.Second))
	err := app.RedeliverHookDelivery(ctx(t), 1)
	var ra *analysis.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != 90*time.Second {
		t.Fatalf("secondary limit: %v", err)
	}
	if n := e.fake.CountRequests(redeliverRoute); n != 1 {
		t.Fatalf("redeliver requests %d, want 1", n)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"/app/hook/deliveries/{id}/attempts"`) || !strings.Contains(logs, `"status":403`) {
		t.Fatalf("the 403 is not logged:\n%s", logs)
	}
	for _, s := range []string{"eyJ", "Bearer", "PRIVATE KEY"} {
		if strings.Contains(logs, s) {
			t.Errorf("logs contain %q", s)
		}
	}
}
