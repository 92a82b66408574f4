package hardening

import (
	"path"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// debugModeEnabled reports debug switches that expose stack traces, an
// interactive debugger, profiling or internals in production (catalogue
// rule 24; Bandit B201, gosec G108).
//
// Settings meant for development are left alone: Django settings modules
// named dev/local/test (settings/dev.py, local_settings.py) and Spring
// profile files (application-dev.yml) exist precisely to turn debugging on,
// so reporting there would be noise, not even a notice.
type debugModeEnabled struct{ checks.Described }

func newDebugModeEnabled() *debugModeEnabled {
	return &debugModeEnabled{checks.Described{M: checks.Meta{
		ID:        "debug-mode-enabled",
		Family:    family,
		Title:     "Debug mode enabled",
		Summary:   "A debug switch (Flask/Django DEBUG, Go pprof, Android debuggable, Spring actuator exposure) is left on where production code runs.",
		Languages: []diff.Language{diff.Python, diff.Go, diff.Java, diff.Kotlin, diff.XML, diff.Properties, diff.YAML},
		Severity:  checks.Warning,
		Keywords: []string{
			"debug=true", "debug = true", "debug =true", "debug= true", `debug"] = true`, `debug'] = true`,
			"debugger=true", "wed_hosts", "efault=true", `debug", "`, `debug', '`, "/pprof", "webcontentsdebuggingenabled(",
			"oid:debuggable", "exposure.include", `ude: "*`, "ude: '*", "ude: *",
		},
	}}}
}

func (r *debugModeEnabled) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	switch fc.Lang() {
	case diff.Python:
		r.python(fc, v, i)
	case diff.Go:
		// Only the blank import, as gosec G108: a named import is used to
		// register the handlers on a mux of the program's choosing.
		if goPprofImport.MatchString(v.Lines[i].Text) {
			report(fc, v, i, r.M.Severity, `The blank import of net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, exposing profiles and goroutine dumps to anyone who reaches the server; register the handlers on a separate mux bound to localhost.`)
		}
	case diff.Java, diff.Kotlin:
		code := v.Code(i)
		if !webviewDebug.MatchString(code) {
			return
		}
		for j := i; j >= 0 && j >= i-3; j-- {
			if strings.Contains(v.Code(j), "BuildConfig.DEBUG") || strings.Contains(v.Code(j), "FLAG_DEBUGGABLE") {
				return
			}
		}
		report(fc, v, i, r.M.Severity, "WebView debugging is switched on unconditionally, so any app on a connected machine can inspect this WebView; guard it with if (BuildConfig.DEBUG).")
	case diff.XML:
		if androidDebuggable.MatchString(v.Code(i)) {
			report(fc, v, i, r.M.Severity, `android:debuggable="true" lets anyone attach a debugger to the installed app; remove it and let the build type set it.`)
		}
	case diff.Properties, diff.YAML:
		if devProfile(fc.Path()) {
			return
		}
		raw, code := v.Lines[i].Text, v.Code(i)
		if m := actuatorStar.FindStringIndex(raw); m != nil && m[0] < len(code) && code[m[0]] == raw[m[0]] {
			report(fc, v, i, r.M.Severity, "Every Spring Boot actuator endpoint (env, heapdump, loggers...) is exposed over HTTP; list only the ones you need, e.g. include=health,info.")
			return
		}
		if fc.Lang() == diff.YAML && yamlIncludeStar.MatchString(raw) && strings.TrimSpace(code) != "" && yamlParent(v, i) == "exposure" {
			report(fc, v, i, r.M.Severity, "Every Spring Boot actuator endpoint (env, heapdump, loggers...) is exposed over HTTP; list only the ones you need, e.g. include: health,info.")
		}
	}
}

var (
	goPprofImport     = regexp.MustCompile(`^\s*(?:import\s+)?_\s+"net/http/pprof"`)
	webviewDebug      = regexp.MustCompile(`\bsetWebContentsDebuggingEnabled\s*\(\s*true\s*\)`)
	androidDebuggable = regexp.MustCompile(`\bandroid:debuggable\s*=\s*["']true["']`)
	actuatorStar      = regexp.MustCompile(`\bmanagement\.endpoints\.web\.exposure\.include\s*[=:]\s*['"]?\*`)
	yamlIncludeStar   = regexp.MustCompile(`^\s*include\s*:\s*['"]?\*['"]?\s*(?:#.*)?$`)

	pyDjangoDebug = regexp.MustCompile(`^\s*DEBUG\s*=\s*True\b`)
	// DEBUG = env.bool("DEBUG", default=True), os.getenv("DEBUG", "True"):
	// on wherever the variable is not set, production included.
	pyDebugDefault = regexp.MustCompile(`^\s*DEBUG\s*=.*(?:\bdefault\s*=\s*True\b|["']DEBUG["']\s*,\s*["'](?i:true|1|yes|on)["'])`)
	pyAllowedAll   = regexp.MustCompile(`^\s*ALLOWED_HOSTS\s*=\s*[\[(]\s*(?:['"][^'"]*['"]\s*,\s*)*['"]\*['"]`)
	pyDebugKwarg   = regexp.MustCompile(`\b(?:debug|DEBUG|use_debugger)\s*=\s*True\b`)
	pyAppDebug     = regexp.MustCompile(`\b(?:app|application|flask_app|server)\.debug\s*=\s*True\b`)
	pyConfigDebug  = regexp.MustCompile(`\.config\[\s*['"]DEBUG['"]\s*\]\s*=\s*True\b`)
)

func (r *debugModeEnabled) python(fc *checks.FileContext, v *checks.HunkView, i int) {
	raw, code := v.Lines[i].Text, v.Code(i)
	if settingsFile(fc.Path()) {
		if pyDjangoDebug.MatchString(code) {
			report(fc, v, i, r.M.Severity, "DEBUG = True in a settings module shows stack traces, settings and SQL to every visitor; read it from the environment (default False) and keep True to dev settings.")
			return
		}
		if pyDebugDefault.MatchString(raw) && strings.HasPrefix(strings.TrimSpace(code), "DEBUG") {
			report(fc, v, i, r.M.Severity, "DEBUG defaults to True when the variable is unset, so a deployment that forgets it shows stack traces and settings to every visitor; make the default False.")
			return
		}
		if pyAllowedAll.MatchString(raw) && strings.HasPrefix(strings.TrimSpace(code), "ALLOWED_HOSTS") {
			report(fc, v, i, r.M.Severity, "ALLOWED_HOSTS = ['*'] accepts any Host header (cache poisoning, password-reset links to attacker hosts); list the real host names.")
			return
		}
	}
	if pyConfigDebug.MatchString(raw) && strings.Contains(code, ".config[") {
		report(fc, v, i, r.M.Severity, `app.config["DEBUG"] = True turns on the Werkzeug debugger, which runs arbitrary Python for anyone who can trigger an error; read it from the environment instead.`)
		return
	}
	if pyAppDebug.MatchString(code) {
		report(fc, v, i, r.M.Severity, "app.debug = True turns on the Werkzeug debugger, which runs arbitrary Python for anyone who can trigger an error; read it from the environment instead.")
		return
	}
	m := pyDebugKwarg.FindStringIndex(code)
	if m == nil || pyDjangoDebug.MatchString(code) {
		return
	}
	name := enclosingCall(v, i, m[0])
	switch {
	case name == "run" || strings.HasSuffix(name, ".run") || name == "run_simple" || strings.HasSuffix(name, ".run_simple"):
		report(fc, v, i, r.M.Severity, "Running the app with debug=True serves the interactive Werkzeug debugger, which executes arbitrary code for anyone who can trigger an error; read the flag from the environment (default off).")
	case name == "FastAPI" || name == "Starlette" || strings.HasSuffix(name, "config.update"):
		report(fc, v, i, r.M.Severity, "debug=True returns full tracebacks to clients on every error; read the flag from the environment (default off).")
	}
}

// enclosingCall returns the name of the call whose still-open '(' encloses
// column col of line i, reading back at most 10 lines.
func enclosingCall(v *checks.HunkView, i, col int) string {
	depth := 0
	for j := i; j >= 0 && j >= i-10; j-- {
		code := v.Code(j)
		end := len(code)
		if j == i {
			end = min(col, len(code))
		}
		for k := end - 1; k >= 0; k-- {
			switch code[k] {
			case ')', ']', '}':
				depth++
			case '(', '[', '{':
				if depth > 0 {
					depth--
					continue
				}
				if code[k] != '(' {
					return ""
				}
				name, _ := callName(code, k)
				return name
			}
		}
	}
	return ""
}

// settingsFile reports a Django-style settings module that is not meant
// for development or tests.
func settingsFile(p string) bool {
	lower := strings.ToLower(p)
	base := path.Base(lower)
	if !strings.HasSuffix(base, ".py") {
		return false
	}
	inDir := path.Base(path.Dir(lower)) == "settings"
	if !inDir && !strings.Contains(base, "settings") {
		return false
	}
	for _, w := range identWords(strings.TrimSuffix(base, ".py")) {
		switch w {
		case "dev", "development", "local", "test", "tests", "testing", "debug", "ci":
			return false
		}
	}
	return true
}

// devProfile reports a Spring profile file meant for development.
func devProfile(p string) bool {
	base := strings.ToLower(path.Base(p))
	for _, s := range []string{"-dev.", "-local.", "-test.", "-development.", "-debug."} {
		if strings.Contains(base, s) {
			return true
		}
	}
	return false
}

// yamlParent returns the key of the nearest line above i indented less
// than line i, read from the hunk, or "".
func yamlParent(v *checks.HunkView, i int) string {
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	own := indent(v.Lines[i].Text)
	for j := i - 1; j >= 0 && j >= i-30; j-- {
		t := v.Code(j)
		if strings.TrimSpace(t) == "" {
			continue
		}
		if indent(t) < own {
			key, _, _ := strings.Cut(strings.TrimSpace(t), ":")
			return strings.TrimSpace(key)
		}
	}
	return ""
}
