package githubtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// DefaultSpecPath is the trimmed OpenAPI description written by
// fixtures/github/update.sh. It is found relative to this source file so
// that tests of any package can use the fake without copying the fixture.
func DefaultSpecPath() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("fixtures", "github", "openapi-trimmed.json")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "fixtures", "github", "openapi-trimmed.json")
}

// validator checks requests against GitHub's OpenAPI description. It never
// calls doc.Validate: GitHub's own description fails whole-document
// validation, while routing and per-request validation work.
type validator struct {
	router routers.Router
}

var (
	validatorsMu sync.Mutex
	validators   = map[string]*validator{}
)

// cachedValidator loads each description once per test binary: loading
// costs ~50 ms and the loaded document is only read afterwards.
func cachedValidator(path string) (*validator, error) {
	validatorsMu.Lock()
	defer validatorsMu.Unlock()
	if v, ok := validators[path]; ok {
		return v, nil
	}
	v, err := loadValidator(path)
	if err != nil {
		return nil, err
	}
	validators[path] = v
	return v, nil
}

func loadValidator(path string) (*validator, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read OpenAPI description: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI description %s: %w", path, err)
	}
	// The description's only server is https://api.github.com; the fake
	// listens on 127.0.0.1, so routing must match on the path alone.
	doc.Servers = nil
	if err := widenMultiSegmentParams(doc); err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route OpenAPI description: %w", err)
	}
	return &validator{router: router}, nil
}

// widenMultiSegmentParams rewrites {path} to {path:.+} where GitHub marks a
// parameter x-multi-segment (the contents API's file path): gorilla/mux
// would otherwise stop the variable at the first slash and report
// "path not found" for every file in a subdirectory.
func widenMultiSegmentParams(doc *openapi3.T) error {
	for _, key := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(key)
		newKey := key
		for _, op := range item.Operations() {
			for _, ref := range op.Parameters {
				p := ref.Value
				if p == nil || p.In != openapi3.ParameterInPath || p.Extensions["x-multi-segment"] != true {
					continue
				}
				newKey = strings.ReplaceAll(newKey, "{"+p.Name+"}", "{"+p.Name+":.+}")
			}
		}
		if newKey != key {
			doc.Paths.Delete(key)
			doc.Paths.Set(newKey, item)
		}
	}
	return nil
}

// validate reports whether r is an operation of the description and, if
// so, what it violates.
func (v *validator) validate(ctx context.Context, r *http.Request, body []byte) (routed bool, err error) {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return false, fmt.Errorf("%s %s is not an operation of the trimmed OpenAPI description: %w", r.Method, r.URL.Path, err)
	}
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		return true, fmt.Errorf("%s %s violates %s: %w", r.Method, r.URL.Path, route.Operation.OperationID, err)
	}
	return true, nil
}
