package ghclient

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// reauthTransport sits above ghinstallation and recovers from GitHub
// refusing a cached installation token before the expiry ghinstallation
// holds for it (GitHub revoked it, or it expired early). ghinstallation
// cannot be told to forget a token, so on a 401 the whole installation
// transport is replaced by a fresh one, which fetches a new token, and the
// request is sent once more. A 401 means GitHub did nothing with the
// request, so repeating it is safe for writes too. A second 401 is
// returned as is: the credentials themselves are refused, and mapError
// turns that into a permanent analysis.RefusedError. Its token is dropped
// too, so the installation's next request asks for a new one rather than
// sending a token GitHub has refused.
type reauthTransport struct {
	installationID int64
	// renew builds an installation transport that has no token yet.
	renew  func() *ghinstallation.Transport
	logger *slog.Logger

	mu      sync.Mutex
	current *ghinstallation.Transport
}

func newReauthTransport(installationID int64, renew func() *ghinstallation.Transport, logger *slog.Logger) *reauthTransport {
	return &reauthTransport{installationID: installationID, renew: renew, logger: logger, current: renew()}
}

func (t *reauthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	itr := t.current
	t.mu.Unlock()
	resp, err := itr.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	retry, rerr := replay(req)
	if rerr != nil {
		t.logger.WarnContext(req.Context(), "github refused the installation token; the request cannot be replayed",
			slog.String("method", req.Method), slog.String("error", rerr.Error()))
		return resp, nil
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
	fresh := t.replace(itr)
	t.logger.WarnContext(req.Context(), "github refused the installation token before its expiry; retrying once with a fresh token",
		slog.String("method", req.Method), slog.Int64("installation", t.installationID))
	resp, err = fresh.RoundTrip(retry)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		t.replace(fresh)
	}
	return resp, err
}

// replace swaps the refused transport for a fresh one, unless another
// request already did: concurrent 401s then cost one new token, not one
// each.
func (t *reauthTransport) replace(refused *ghinstallation.Transport) *ghinstallation.Transport {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current == refused {
		t.current = t.renew()
	}
	return t.current
}

// replay clones req with a fresh body, which ghinstallation consumed.
func replay(req *http.Request) (*http.Request, error) {
	out := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return out, nil
	}
	if req.GetBody == nil {
		return nil, fmt.Errorf("%s %s: the body cannot be read again", req.Method, req.URL.Path)
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read the body again: %w", req.Method, req.URL.Path, err)
	}
	out.Body = body
	return out, nil
}
