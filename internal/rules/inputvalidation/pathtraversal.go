package inputvalidation

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// pathTraversal reports file APIs whose path carries request data or an
// uploaded file's name, and archive extraction that trusts entry names
// (zip-slip), unless the hunk shows the usual containment check.
type pathTraversal struct{ checks.Described }

func newPathTraversal() *pathTraversal {
	return &pathTraversal{checks.Described{M: checks.Meta{
		ID:        "path-traversal-user-path",
		Family:    family,
		Title:     "File path from user input",
		Summary:   "A file path is built from request data, an upload's file name or an archive entry name without a containment check (path traversal, zip-slip).",
		Languages: languages(),
		Severity:  checks.Warning,
		Keywords: []string{"open(", "send_file(", "os.path.join(", "path(", "shutil.", "os.remove(", "os.unlink(",
			".save(", ".extractall(", "unpack_archive(", "os.open", "os.readfile(", "os.create(", "os.writefile(",
			"os.remove", "os.mkdir", "os.readdir(", "filepath.join(", "path.join(", "servefile(", "ioutil.", "fs.",
			"fspromises.", "sendfile(", "download(", "path.resolve(", "new file", "paths.get(", "path.of(", "files.",
			"readfile", "writefile", "createreadstream(", "createwritestream(", "unlink", ".resolve(", "transferto(",
			"new randomaccessfile("},
	}}}
}

var (
	pathAPIPython = regexp.MustCompile(`\b(?:open|send_file|Path)\s*\(|\bpathlib\.Path\s*\(|\bos\.path\.join\s*\(|\bshutil\.\w+\s*\(|\bos\.(?:remove|unlink|rmdir|removedirs|makedirs|mkdir|listdir|open|rename|replace|scandir)\s*\(|\.save\s*\(|\b(?:io|codecs|aiofiles)\.open\s*\(`)
	pathAPIGo     = regexp.MustCompile(`\bos\.(?:Open|OpenFile|ReadFile|Create|WriteFile|Remove|RemoveAll|Mkdir|MkdirAll|ReadDir|Rename|Chmod)\s*\(|\b(?:filepath|path)\.Join\s*\(|\bhttp\.ServeFile\s*\(|\bioutil\.(?:ReadFile|WriteFile|ReadDir)\s*\(`)
	pathAPIJS     = regexp.MustCompile(`\b(?:fs|fsp|fsPromises)(?:\.promises)?\.\w+\s*\(|\bres\.(?:sendFile|download)\s*\(|\bpath\.(?:join|resolve)\s*\(|(?:^|[^\w.$])(?:readFile|readFileSync|writeFile|writeFileSync|createReadStream|createWriteStream|unlink|unlinkSync|readdir|rm)\s*\(`)
	pathAPIJava   = regexp.MustCompile(`\bnew\s+(?:File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile)\s*\(|\bPaths\.get\s*\(|\bPath\.of\s*\(|\bFiles\.\w+\s*\(|\.resolve\s*\(|\.transferTo\s*\(`)

	pyExtractAll = regexp.MustCompile(`\.extractall\s*\(|\bshutil\.unpack_archive\s*\(`)
	pyFilterArg  = regexp.MustCompile(`\bfilter\s*=`)

	// Archive entry names, per language (zip-slip, gosec G305).
	pyMemberLoop  = regexp.MustCompile(`\bfor\s+(\w+)\s+in\s+[\w.]+\.(getmembers|infolist|namelist|getnames)\(\)`)
	goEntryName   = regexp.MustCompile(`\b(\w+)\.Name\b(?:[^(]|$)`)
	goRangeFiles  = regexp.MustCompile(`\bfor\s+\w+\s*,\s*(\w+)\s*:=\s*range\s+[\w.]+\.File\b`)
	goTarNext     = regexp.MustCompile(`\b(\w+)\s*,\s*\w+\s*:?=\s*\w+\.Next\(\)`)
	javaEntryName = regexp.MustCompile(`\.getName\(\)`)
	javaArchive   = regexp.MustCompile(`\b(?:ZipEntry|ZipInputStream|ZipFile|TarArchiveEntry|JarEntry|getNextEntry|getNextTarEntry)\b`)
	jsEntryName   = regexp.MustCompile(`\b(?:entry|zipEntry|header|file)\.(?:fileName|entryName|path|name)\b`)
	jsArchive     = regexp.MustCompile(`yauzl|adm-zip|unzipper|jszip|JSZip|tar-stream|\btar\.|\.entries\(|on\(\s*['"]entry['"]`)

	// A basename or safe join on the path itself makes it safe.
	pathBasename = regexp.MustCompile(`\b(?:secure_filename|safe_join|basename|FilenameUtils\.getName|IsLocal|OpenInRoot)\s*\(|\bfilepath\.Base\s*\(|\bpath\.Base\s*\(|\.getFileName\(\)|(?i:sanitize\w*)\s*\(`)
	// A containment check: normalise, then compare with the base directory.
	pathNormalise = regexp.MustCompile(`\b(?:filepath\.(?:Clean|Abs|Rel|EvalSymlinks)|os\.path\.(?:realpath|abspath|normpath)|path\.(?:resolve|normalize)|getCanonicalPath|toRealPath|normalize)\s*\(|\.resolve\(\)`)
	pathContain   = regexp.MustCompile(`\b(?:strings\.HasPrefix|startswith|startsWith|is_relative_to|commonpath)\s*\(|\bfilepath\.Rel\s*\(`)
	pathDotDot    = regexp.MustCompile(`(?:Contains|contains|includes|indexOf)\([^)]*["']\.\.["']|["']\.\.["']\s+(?:not\s+)?in\b`)
	pathRootAPI   = regexp.MustCompile(`\bos\.(?:OpenRoot|OpenInRoot)\s*\(|\bsend_from_directory\s*\(`)
)

func pathAPI(lang diff.Language) *regexp.Regexp {
	switch lang {
	case diff.Python:
		return pathAPIPython
	case diff.Go:
		return pathAPIGo
	case diff.JavaScript, diff.TypeScript:
		return pathAPIJS
	case diff.Java:
		return pathAPIJava
	}
	return nil
}

const pathFix = "resolve the path, then check it stays under the base directory (Clean + HasPrefix, realpath + startswith, normalize + startsWith), or keep only the base name"

func (r *pathTraversal) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	lang := fc.Lang()
	api := pathAPI(lang)
	if api == nil {
		return
	}
	code := lexical.LineSpan(v, i).Code
	if lang == diff.Python && pyExtractAll.MatchString(code) {
		r.extractAll(fc, v, i)
		return
	}
	locs := api.FindAllStringIndex(code, 4)
	if locs == nil {
		return
	}
	var marks *pathMarks
	for _, loc := range locs {
		if lang == diff.Python && loc[0] > 0 && code[loc[0]-1] == '.' {
			continue // webbrowser.open(), Image.open(): not the builtin
		}
		open := callOpen(code, loc)
		if open < 0 {
			continue
		}
		c := readCall(v, i, open)
		if lang == diff.JavaScript || lang == diff.TypeScript {
			if strings.Contains(code[loc[0]:open], "sendFile") && strings.Contains(c.inner.Code, "root") {
				continue // send() rejects paths that climb out of root
			}
		}
		if entry := r.archiveEntry(fc, v, i, lang, c.inner); entry {
			if !r.contained(v, i) {
				report(fc, v, i, severity(fc, r.M.Severity, false),
					"An archive entry's name is joined into the extraction path, so an entry named ../../x escapes it (zip-slip); "+pathFix+".")
				return
			}
			continue
		}
		text := c.inner
		if lang == diff.Python && c.closed && c.last == i {
			// Path(BASE) / name: the joined part follows the call.
			if rest := lexical.LineSpan(v, i).Slice(c.end, len(code)); strings.Contains(rest.Code, "/") {
				text = span{Raw: text.Raw + rest.Raw, Code: text.Code + rest.Code}
			}
		}
		if marks == nil {
			marks = newPathMarks(fc)
		}
		if !tainted(lang, v, i, text, marks.any) {
			continue
		}
		if pathBasename.MatchString(c.inner.Code) || pathRootAPI.MatchString(code) || r.contained(v, i) || r.cleanedVars(lang, v, i, c.inner) {
			return
		}
		what := "A file path is built from request data"
		if marks.uploadName(c.inner.Raw) || !marks.web(c.inner.Raw) && tainted(lang, v, i, c.inner, marks.uploadName) {
			what = "An uploaded file's client-chosen name is used in a file path"
		}
		report(fc, v, i, severity(fc, r.M.Severity, false), what+", so ../ sequences can reach other files (path traversal); "+pathFix+".")
		return
	}
}

// pathMarks decides what counts as attacker-controlled in a path: request
// data (not command-line arguments: the user running a tool picks its
// files), and uploaded files' client-chosen names. It lives for one
// CheckLine call.
type pathMarks struct {
	fc     *checks.FileContext
	lang   diff.Language
	upload *regexp.Regexp
	// uploads: 0 not yet known, 1 the file handles uploads, 2 it does not.
	uploads int8
}

var (
	uploadNamePython = regexp.MustCompile(`\.filename\b`)
	uploadNameGo     = regexp.MustCompile(`\.(?:Filename\b|FileName\(\))`)
	uploadNameJS     = regexp.MustCompile(`\.(?:originalname|originalFilename)\b`)
	uploadNameJava   = regexp.MustCompile(`\b(?:getOriginalFilename|getSubmittedFileName)\(\)`)
)

func newPathMarks(fc *checks.FileContext) *pathMarks {
	m := &pathMarks{fc: fc, lang: fc.Lang()}
	switch m.lang {
	case diff.Python:
		m.upload = uploadNamePython
	case diff.Go:
		m.upload = uploadNameGo
	case diff.JavaScript, diff.TypeScript:
		m.upload, m.uploads = uploadNameJS, 1
	case diff.Java:
		m.upload, m.uploads = uploadNameJava, 1
	}
	return m
}

// uploadName reports an upload's file name in t. Python's .filename
// (zip members, frames, log records) and Go's .Filename (token.Position)
// count only in files that handle uploads, looked up once, on first need.
func (m *pathMarks) uploadName(t string) bool {
	if m.upload == nil || !m.upload.MatchString(t) {
		return false
	}
	if m.uploads == 0 {
		m.uploads = 2
		if m.lang == diff.Python && fileHas(m.fc, "request.files", "request.FILES", "UploadFile", "FileStorage", "UploadedFile") ||
			m.lang == diff.Go && fileHas(m.fc, "FormFile", "multipart.", "MultipartForm", "NextPart") {
			m.uploads = 1
		}
	}
	return m.uploads == 1
}

// web is checks.HasUserInput without the command-line markers.
func (m *pathMarks) web(t string) bool {
	if !checks.HasUserInput(m.lang, t) {
		return false
	}
	if !hasAny(t, "os.Args", "sys.argv", "process.argv", "input(") {
		return true
	}
	for _, cli := range [...]string{"os.Args", "sys.argv", "process.argv", "input("} {
		t = strings.ReplaceAll(t, cli, "_")
	}
	return checks.HasUserInput(m.lang, t)
}

func (m *pathMarks) any(t string) bool { return m.web(t) || m.uploadName(t) }

// contained reports the usual defences in the lines around i: normalising
// and comparing against a base directory, or rejecting "..".
func (r *pathTraversal) contained(v *checks.HunkView, i int) bool {
	return windowMatch(v, i, 20, aheadWindow, pathContain) && windowMatch(v, i, 20, aheadWindow, pathNormalise) ||
		windowMatch(v, i, 20, aheadWindow, pathDotDot)
}

// cleanedVars reports whether a variable in the path was assigned from a
// base-name or sanitising call (name = secure_filename(f.filename)).
func (r *pathTraversal) cleanedVars(lang diff.Language, v *checks.HunkView, i int, s span) bool {
	clean := false
	identifiers(s, 6, func(name string) {
		if clean {
			return
		}
		for _, a := range assignments(lang, v, i, name) {
			if pathBasename.MatchString(a.rhs.Code) {
				clean = true
			}
		}
	})
	return clean
}

// archiveEntry reports whether a path call joins an archive entry's name in
// a file that reads archives.
func (r *pathTraversal) archiveEntry(fc *checks.FileContext, v *checks.HunkView, i int, lang diff.Language, inner span) bool {
	code := inner.Code
	switch lang {
	case diff.Go:
		m := goEntryName.FindStringSubmatch(code)
		if m == nil || !strings.Contains(code, ",") || !goArchiveVar(v, i, m[1]) {
			return false
		}
		return fileHas(fc, "archive/zip", "archive/tar", "zip.OpenReader", "zip.NewReader", "tar.NewReader")
	case diff.Java:
		// getName() is everywhere: the archive must be in sight.
		if !javaEntryName.MatchString(code) || !strings.Contains(code, ",") && !strings.Contains(code, "resolve") {
			return false
		}
		return windowMatch(v, i, backWindow, 0, javaArchive)
	case diff.JavaScript, diff.TypeScript:
		if !jsEntryName.MatchString(code) || !strings.Contains(code, ",") {
			return false
		}
		return windowMatch(v, i, backWindow, 0, jsArchive)
	case diff.Python:
		// Iterating getmembers()/infolist()/namelist() is archive-specific.
		return strings.Contains(code, ",") && pyArchiveMember(v, i, code)
	}
	return false
}

// extractAll judges tarfile/shutil extraction: without a filter= argument
// (Python 3.12+) member names like ../../etc/x are written where they say.
func (r *pathTraversal) extractAll(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	loc := pyExtractAll.FindStringIndex(code)
	c := readCall(v, i, callOpen(code, loc))
	if pyFilterArg.MatchString(c.inner.Code) {
		return
	}
	if strings.Contains(code[loc[0]:loc[1]], "extractall") && archiveKind(v, i) == "zip" {
		return // zipfile strips ../ and absolute paths from member names itself
	}
	if r.contained(v, i) {
		return
	}
	report(fc, v, i, severity(fc, r.M.Severity, false),
		"Archive extraction without filter= writes members wherever their names point, including ../ paths and links outside the target (zip-slip); pass filter=\"data\" (Python 3.12+) or check each member's resolved path first.")
}

// archiveKind tells which archive an extractall() call extracts: "tar",
// "zip", or "" when the hunk does not show it. The nearest opener above
// the call (or on it) decides.
func archiveKind(v *checks.HunkView, i int) string {
	for j := i; j >= 0 && j >= i-backWindow; j-- {
		t := v.Lines[j].Text
		switch {
		case strings.Contains(t, "tarfile") || strings.Contains(t, "TarFile"):
			return "tar"
		case strings.Contains(t, "zipfile") || strings.Contains(t, "ZipFile"):
			return "zip"
		}
	}
	return ""
}

// goArchiveVar reports whether name is an archive entry in the lines
// above: the range variable over a zip reader's File list, or a header
// returned by a tar reader's Next().
func goArchiveVar(v *checks.HunkView, i int, name string) bool {
	for j := i; j >= 0 && j >= i-20; j-- {
		t := v.Lines[j].Text
		if !strings.Contains(t, name) {
			continue
		}
		if m := goRangeFiles.FindStringSubmatch(t); m != nil && m[1] == name {
			return true
		}
		if m := goTarNext.FindStringSubmatch(t); m != nil && m[1] == name {
			return true
		}
	}
	return false
}

// pyArchiveMember reports whether code uses the name of an archive member
// iterated in the lines above: member.name / info.filename for
// getmembers()/infolist(), the bare string for namelist()/getnames().
func pyArchiveMember(v *checks.HunkView, i int, code string) bool {
	for j := i; j >= 0 && j >= i-20; j-- {
		t := v.Lines[j].Text
		if !strings.Contains(t, "for ") {
			continue
		}
		m := pyMemberLoop.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		if m[2] == "namelist" || m[2] == "getnames" {
			return checks.ContainsWord(code, m[1])
		}
		return strings.Contains(code, m[1]+".name") || strings.Contains(code, m[1]+".filename")
	}
	return false
}
