package secrets

import (
	"sort"
	"strings"
)

// span is a byte range of a line that holds a secret. A full span (key
// material) is masked completely; any other keeps a few characters at its
// ends, as maskValue decides.
type span struct {
	start, end int
	full       bool
}

// Redact masks every secret the family recognises in s: provider tokens,
// private key material, passwords in URLs, bearer tokens and credential
// values assigned to credential-named keys. The engine runs it on the
// evidence of every finding, whatever rule produced it, so it must never
// panic and must leave ordinary code alone.
func Redact(s string) string {
	spans := secretSpans(s, nil)
	if len(spans) == 0 {
		return s
	}
	return applySpans(s, spans)
}

// RedactWith is Redact that also masks the configured token formats.
func RedactWith(opts Options) func(string) string {
	if len(opts.Patterns) == 0 {
		return Redact
	}
	return func(s string) string {
		spans := secretSpans(s, nil)
		for _, p := range opts.Patterns {
			for _, m := range p.Regex.FindAllStringIndex(s, -1) {
				spans = append(spans, span{start: m[0], end: m[1]})
			}
		}
		if len(spans) == 0 {
			return s
		}
		return applySpans(s, spans)
	}
}

// secretSpans appends the spans of every secret recognised in s. It is
// deliberately more generous than the rules: it masks the placeholders-free
// tokens a rule may have judged fake, and Twilio or Mailgun shapes without
// the nearby keyword a rule requires, since masking costs nothing.
func secretSpans(s string, spans []span) []span {
	if len(s) < 8 {
		return spans
	}
	forEachProviderToken(s, func(_ *provider, start, end int) bool {
		spans = append(spans, span{start: start, end: end})
		return true
	})
	spans = appendKeyMaterialSpans(s, spans)
	m := scanMode{redact: true, unquoted: true, codeConsts: true}
	scanCredentials(s, &m, func(h credHit) {
		spans = append(spans, span{start: h.start, end: h.end})
	})
	return spans
}

// maskLine is the evidence of a secret finding: the line with the spans the
// rule found, and anything else Redact recognises, masked.
func maskLine(s string, spans []span) string {
	return applySpans(s, secretSpans(s, spans))
}

// applySpans masks the spans of s. Other occurrences of a masked value in
// the same line are masked as well, so that a secret repeated where no rule
// would recognise it (a log message, a second header) does not leak.
func applySpans(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	valid := spans[:0:0]
	for _, sp := range spans {
		if sp.start < 0 || sp.end > len(s) || sp.start >= sp.end {
			continue
		}
		valid = append(valid, sp)
	}
	n := len(valid)
	for k := 0; k < n && len(valid) < 64; k++ {
		v := s[valid[k].start:valid[k].end]
		if len(v) < 8 || entropy(v) < 3.0 {
			// A weak default ("password") also spells the key it is given
			// to; masking every occurrence would hide the code.
			continue
		}
		for off := 0; off < len(s); {
			j := strings.Index(s[off:], v)
			if j < 0 {
				break
			}
			a := off + j
			if a != valid[k].start {
				valid = append(valid, span{start: a, end: a + len(v), full: valid[k].full})
			}
			off = a + len(v)
		}
	}
	sort.Slice(valid, func(i, j int) bool {
		if valid[i].start != valid[j].start {
			return valid[i].start < valid[j].start
		}
		return valid[i].end > valid[j].end
	})
	merged := valid[:0]
	for _, sp := range valid {
		if k := len(merged) - 1; k >= 0 && sp.start < merged[k].end {
			if sp.end > merged[k].end {
				merged[k].end = sp.end
			}
			merged[k].full = merged[k].full || sp.full
			continue
		}
		merged = append(merged, sp)
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := 0
	for _, sp := range merged {
		b.WriteString(s[prev:sp.start])
		if sp.full {
			b.WriteString(maskAll(s[sp.start:sp.end]))
		} else {
			b.WriteString(maskValue(s[sp.start:sp.end]))
		}
		prev = sp.end
	}
	b.WriteString(s[prev:])
	return b.String()
}
