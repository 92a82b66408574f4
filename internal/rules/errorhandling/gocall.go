package errorhandling

import "strings"

// callChain is a Go expression such as json.NewEncoder(w).Encode(v) read
// lexically: its final call, the receiver in front of it and what follows.
type callChain struct {
	callee string // the identifier of the final call: "Encode"
	recv   string // the text before ".callee": "json.NewEncoder(w)"; "" for a plain function
	args   string // inside the final call's parentheses (to the end of the text if unclosed)
	rest   string // what follows the expression
	isCall bool   // the expression ends in a call (not an index, a type assertion or a name)
}

// parseCallChain reads a selector/call/index chain at the start of s
// (leading spaces allowed). ok is false when s does not start with an
// identifier.
func parseCallChain(s string) (callChain, bool) {
	var c callChain
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	start := i
	if i >= len(s) || !isIdentByte(s[i]) || ('0' <= s[i] && s[i] <= '9') {
		return c, false
	}
	lastIdent, lastIdentStart := "", -1
	for i < len(s) {
		switch {
		case isIdentByte(s[i]):
			id := identAt(s, i)
			lastIdent, lastIdentStart = id, i
			i += len(id)
			c.isCall = false
		case s[i] == '.':
			if i+1 < len(s) && s[i+1] == '(' {
				end := matchClose(s, i+1)
				if end < 0 {
					return c, false
				}
				i = end
				lastIdent, c.isCall = "", false
				continue
			}
			if i+1 >= len(s) || !isIdentByte(s[i+1]) {
				c.rest = s[i:]
				return c, true
			}
			i++
		case s[i] == '[':
			end := matchClose(s, i)
			if end < 0 {
				return c, false
			}
			i = end
			c.isCall = false
		case s[i] == '(':
			end := matchClose(s, i)
			c.isCall = true
			c.callee = lastIdent
			c.recv = ""
			if lastIdentStart > start {
				c.recv = strings.TrimSuffix(s[start:lastIdentStart], ".")
			}
			if end < 0 {
				c.args = s[i+1:]
				return c, true
			}
			c.args = s[i+1 : end-1]
			i = end
			lastIdent, lastIdentStart = "", -1
		default:
			c.rest = s[i:]
			if c.callee != "" && !c.isCall {
				c.callee = ""
			}
			return c, true
		}
	}
	return c, true
}

// firstArg returns the first top-level argument of an argument list.
func firstArg(args string) string {
	depth := 0
	for k := 0; k < len(args); k++ {
		switch args[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				return strings.TrimSpace(args[:k])
			}
		}
	}
	return strings.TrimSpace(args)
}

// goFuncSig splits a Go function header ("func (s *S) Name(a int) (T,
// error) {" or a literal "func(a int) error {") into its parameter list and
// its results.
func goFuncSig(sig string) (params, results string, ok bool) {
	k := indexWord(sig, "func", 0)
	if k < 0 {
		return "", "", false
	}
	s := strings.TrimSpace(sig[k+len("func"):])
	if s == "" {
		return "", "", false
	}
	if s[0] == '(' {
		end := matchClose(s, 0)
		if end < 0 {
			return "", "", false
		}
		after := strings.TrimSpace(s[end:])
		name := identAt(after, 0)
		if next := after[len(name):]; name != "" && name != "func" && next != "" && (next[0] == '(' || next[0] == '[') {
			// A method: the first group was the receiver.
			s = after
		} else {
			return s[1 : end-1], trimResults(after), true
		}
	}
	name := identAt(s, 0)
	s = strings.TrimSpace(s[len(name):])
	if s != "" && s[0] == '[' {
		end := matchClose(s, 0)
		if end < 0 {
			return "", "", false
		}
		s = strings.TrimSpace(s[end:])
	}
	if s == "" || s[0] != '(' {
		return "", "", false
	}
	end := matchClose(s, 0)
	if end < 0 {
		return "", "", false
	}
	return s[1 : end-1], trimResults(s[end:]), true
}

func trimResults(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "{"))
	return s
}

// splitTop splits s on commas outside brackets.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:k]))
				start = k + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// resultsEndInError reports whether a results list ("error", "(*T, error)",
// "(n int, err error)") ends with an error.
func resultsEndInError(results string) (n int, ok bool) {
	r := strings.TrimSpace(results)
	if r == "" {
		return 0, false
	}
	if r[0] == '(' {
		end := matchClose(r, 0)
		if end != len(r) {
			return 0, false
		}
		r = r[1 : len(r)-1]
	}
	parts := splitTop(r)
	f := strings.Fields(parts[len(parts)-1])
	return len(parts), len(f) > 0 && f[len(f)-1] == "error"
}
