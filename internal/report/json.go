package report

import (
	"encoding/json"
	"io"

	"github.com/prodready/prodready/internal/checks"
)

type jsonReport struct {
	Findings   []checks.Finding `json:"findings"`
	Suppressed []checks.Finding `json:"suppressed"`
	Stats      checks.Stats     `json:"stats"`
}

func writeJSON(w io.Writer, res *checks.Result) error {
	out := jsonReport{Findings: res.Findings, Suppressed: res.Suppressed, Stats: res.Stats}
	if out.Findings == nil {
		out.Findings = []checks.Finding{}
	}
	if out.Suppressed == nil {
		out.Suppressed = []checks.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
