package report

import (
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/prodready/prodready/internal/checks"
)

// SARIF 2.1.0, restricted to what GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Tags []string `json:"tags"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
}

type sarifSuppress struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	EndLine     int `json:"endLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.Failure:
		return "error"
	case checks.Warning:
		return "warning"
	default:
		return "note"
	}
}

func writeSARIF(w io.Writer, res *checks.Result, opts Options) error {
	metas := map[string]checks.Meta{}
	for _, m := range opts.Rules {
		metas[m.ID] = m
	}
	// Every rule that reported must be in the table even if the caller did
	// not describe it, or code scanning rejects the ruleIndex.
	all := append(append([]checks.Finding(nil), res.Findings...), res.Suppressed...)
	for _, f := range all {
		if _, ok := metas[f.RuleID]; !ok {
			metas[f.RuleID] = checks.Meta{ID: f.RuleID, Family: f.Family, Title: f.Title, Summary: f.Title, Severity: f.Severity}
		}
	}
	ids := make([]string, 0, len(metas))
	for id := range metas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	driver := sarifDriver{Name: "prodready", InformationURI: "https://github.com/prodready/prodready", Version: opts.Version, Rules: []sarifRule{}}
	for i, id := range ids {
		m := metas[id]
		index[id] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   id,
			Name:                 ruleName(id),
			ShortDescription:     sarifText{Text: m.Title},
			FullDescription:      sarifText{Text: m.Summary},
			HelpURI:              checks.DocBaseURL + id,
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(m.Severity)},
			Properties:           sarifRuleProperty{Tags: []string{m.Family}},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, f := range all {
		region := sarifRegion{StartLine: f.StartLine, EndLine: f.EndLine}
		if f.StartLine == f.EndLine && f.StartColumn > 0 {
			region.StartColumn, region.EndColumn = f.StartColumn, f.EndColumn
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:              f.RuleID,
			RuleIndex:           index[f.RuleID],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: (&url.URL{Path: f.Path}).EscapedPath()}, Region: region}}},
			PartialFingerprints: map[string]string{"prodready/v1": f.Fingerprint},
			Suppressions:        sarifSuppressions(f.Suppression),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// ruleName turns "sql-string-built" into "SqlStringBuilt", the PascalCase
// name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// sarifSuppressions marks a finding silenced in the source, which code
// scanning shows as dismissed rather than open.
func sarifSuppressions(s *checks.Suppression) []sarifSuppress {
	if s == nil {
		return nil
	}
	return []sarifSuppress{{Kind: "inSource", Justification: s.Kind + ": " + s.Reason}}
}
