package report

import (
	"encoding/json"
	"io"

	"github.com/prodready/prodready/internal/checks"
)

type jsonReport struct {
	Findings []checks.Finding `json:"findings"`
	Stats    checks.Stats     `json:"stats"`
}

func writeJSON(w io.Writer, res *checks.Result) error {
	out := jsonReport{Findings: res.Findings, Stats: res.Stats}
	if out.Findings == nil {
		out.Findings = []checks.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
