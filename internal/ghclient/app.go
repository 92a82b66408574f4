package ghclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"

	"github.com/prodready/prodready/internal/recovery"
)

// AppClient calls the endpoints that act as the App itself, authenticated
// by a short-lived JWT signed with the App's key rather than by an
// installation token: the App's webhook delivery log. Requests go through
// the same retry and observing transports as the installation clients,
// and errors are mapped the same way. The JWT is set below the observer,
// which logs only method, route and status.
type AppClient struct {
	gh     *github.Client
	logger *slog.Logger
}

var _ recovery.Source = (*AppClient)(nil)

// App returns the App-level client, creating it on first use (no I/O).
func (f *Factory) App() *AppClient {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.app != nil {
		return f.app
	}
	atr := ghinstallation.NewAppsTransportFromPrivateKey(f.transport, f.appID, f.key)
	atr.BaseURL = strings.TrimSuffix(f.baseURL.String(), "/")
	gh := github.NewClient(&http.Client{Transport: atr})
	base, upload := *f.baseURL, *f.uploadURL
	gh.BaseURL, gh.UploadURL = &base, &upload
	gh.UserAgent = f.userAgent
	f.app = &AppClient{gh: gh, logger: f.logger.With(slog.String("client", "app"))}
	return f.app
}

// ListHookDeliveries reads one page of the App's webhook deliveries,
// newest first (GET /app/hook/deliveries, cursor pagination). perPage is
// clamped to GitHub's 1..100; next is "" after the last page.
func (a *AppClient) ListHookDeliveries(ctx context.Context, cursor string, perPage int) ([]recovery.HookDelivery, string, error) {
	opts := &github.ListCursorOptions{Cursor: cursor, PerPage: min(max(perPage, 1), 100)}
	ds, resp, err := a.gh.Apps.ListHookDeliveries(ctx, opts)
	if err != nil {
		return nil, "", mapError(err, "list app hook deliveries")
	}
	out := make([]recovery.HookDelivery, 0, len(ds))
	for _, d := range ds {
		out = append(out, recovery.HookDelivery{
			ID:             d.GetID(),
			GUID:           d.GetGUID(),
			Event:          d.GetEvent(),
			Action:         d.GetAction(),
			StatusCode:     d.GetStatusCode(),
			Redelivery:     d.GetRedelivery(),
			DeliveredAt:    d.GetDeliveredAt().Time,
			InstallationID: d.GetInstallationID(),
			RepositoryID:   d.GetRepositoryID(),
		})
	}
	return out, resp.Cursor, nil
}

// RedeliverHookDelivery asks GitHub to send delivery id again (POST
// /app/hook/deliveries/{id}/attempts). GitHub answers 202, which go-github
// reports as an *AcceptedError: that is success here. Not retried by the
// transport (it is a POST); a lost answer at worst causes one more
// redelivery, which the webhook's delivery-id dedupe absorbs.
func (a *AppClient) RedeliverHookDelivery(ctx context.Context, id int64) error {
	_, _, err := a.gh.Apps.RedeliverHookDelivery(ctx, id)
	var accepted *github.AcceptedError
	if err == nil || errors.As(err, &accepted) {
		return nil
	}
	return mapError(err, fmt.Sprintf("redeliver app hook delivery %d", id))
}
