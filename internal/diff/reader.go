package diff

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"

	godiff "github.com/sourcegraph/go-diff/diff"
)

// ErrNotADiff is returned when non-empty input holds no file diff at all.
var ErrNotADiff = errors.New("input is not a unified diff (no 'diff --git' or '---'/'+++' file header found)")

// Reader yields one File at a time so that a diff of any size is never held
// in memory whole: only the file being parsed is.
type Reader struct {
	src       *countingReader
	mfr       *godiff.MultiFileDiffReader
	files     int
	done      bool
	malformed error
}

// NewReader reads a unified diff from r.
func NewReader(r io.Reader) *Reader {
	src := &countingReader{r: r}
	return &Reader{src: src, mfr: godiff.NewMultiFileDiffReader(bufio.NewReaderSize(src, 256<<10))}
}

// BytesRead is how much of the input has been consumed so far.
func (r *Reader) BytesRead() int64 { return r.src.n }

// Next returns the next file, or io.EOF after the last one.
func (r *Reader) Next() (*File, error) {
	if r.done {
		return nil, io.EOF
	}
	for {
		fd, trailing, err := r.mfr.ReadFileWithTrailingContent()
		if err == io.EOF {
			r.done = true
			// go-diff gives up on a last file that has only extended
			// headers (binary, rename, mode change) when other text, such
			// as a git log -p commit header, precedes it; it hands those
			// lines back as trailing content, so read them here.
			if strings.Contains(trailing, "diff --git ") {
				if f, cerr := convert(&godiff.FileDiff{Extended: strings.Split(trailing, "\n")}); cerr == nil && f != nil {
					r.files++
					return f, nil
				}
			}
			if r.files == 0 && strings.TrimSpace(trailing) != "" {
				return nil, ErrNotADiff
			}
			return nil, io.EOF
		}
		if err != nil {
			r.done = true
			return nil, fmt.Errorf("parse diff after %d file(s): %w", r.files, err)
		}
		if fd == nil {
			continue
		}
		f, err := convert(fd)
		if err != nil {
			r.done = true
			return nil, fmt.Errorf("parse diff of %q: %w", nameForError(fd), err)
		}
		if f == nil {
			continue
		}
		r.files++
		return f, nil
	}
}

func nameForError(fd *godiff.FileDiff) string {
	if fd.NewName != "" && fd.NewName != devNull {
		return fd.NewName
	}
	return fd.OrigName
}

const devNull = "/dev/null"

// gitHeader is what the extended header lines of one file say.
type gitHeader struct {
	hasGitLine           bool
	gitOld, gitNew       string
	prefixed             bool
	renameFrom, renameTo string
	copyFrom, copyTo     string
	newFileMode          string
	deletedFileMode      string
	oldMode, newMode     string
	binary               bool
}

func parseExtended(lines []string) gitHeader {
	// git log -p puts the commit header and message before "diff --git";
	// only what follows the last "diff --git" line describes this file.
	start := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "diff --git ") {
			start = i
		}
	}
	var h gitHeader
	for _, l := range lines[start:] {
		switch {
		case strings.HasPrefix(l, "diff --git "):
			h.hasGitLine = true
			h.gitOld, h.gitNew, h.prefixed = splitGitArgs(l[len("diff --git "):])
		case strings.HasPrefix(l, "rename from "):
			h.renameFrom = unquote(l[len("rename from "):])
		case strings.HasPrefix(l, "rename to "):
			h.renameTo = unquote(l[len("rename to "):])
		case strings.HasPrefix(l, "copy from "):
			h.copyFrom = unquote(l[len("copy from "):])
		case strings.HasPrefix(l, "copy to "):
			h.copyTo = unquote(l[len("copy to "):])
		case strings.HasPrefix(l, "new file mode "):
			h.newFileMode = strings.TrimSpace(l[len("new file mode "):])
		case strings.HasPrefix(l, "deleted file mode "):
			h.deletedFileMode = strings.TrimSpace(l[len("deleted file mode "):])
		case strings.HasPrefix(l, "old mode "):
			h.oldMode = strings.TrimSpace(l[len("old mode "):])
		case strings.HasPrefix(l, "new mode "):
			h.newMode = strings.TrimSpace(l[len("new mode "):])
		case strings.HasPrefix(l, "Binary files ") || l == "GIT binary patch":
			h.binary = true
		}
	}
	return h
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// prefixPairs are the source/destination prefixes git may write:
// the default a/ b/ and those of diff.mnemonicPrefix.
var prefixPairs = [][2]string{{"a/", "b/"}, {"c/", "w/"}, {"c/", "i/"}, {"i/", "w/"}, {"o/", "w/"}, {"w/", "i/"}}

// splitGitArgs splits the arguments of a "diff --git" line into the two
// paths. Unquoted paths may contain spaces, so the split point is found by
// requiring both halves to name the same path (true for all but renames,
// whose names also appear in "rename from/to" lines).
func splitGitArgs(args string) (oldPath, newPath string, prefixed bool) {
	args = strings.TrimSpace(args)
	if strings.HasPrefix(args, `"`) || strings.HasSuffix(args, `"`) {
		a, rest := readMaybeQuoted(args)
		b, _ := readMaybeQuoted(strings.TrimSpace(rest))
		return stripPair(a, b)
	}
	for _, p := range prefixPairs {
		if !strings.HasPrefix(args, p[0]) {
			continue
		}
		// "a/X b/X": total length is 2*len(X)+5.
		if (len(args)-5)%2 == 0 {
			n := (len(args) - 5) / 2
			if args[2+n:2+n+3] == " "+p[1] && args[2:2+n] == args[2+n+3:] {
				return args[2 : 2+n], args[2+n+3:], true
			}
		}
		if i := strings.Index(args, " "+p[1]); i > 0 {
			return args[2:i], args[i+3:], true
		}
	}
	// --no-prefix: "X X".
	if len(args)%2 == 1 {
		n := len(args) / 2
		if args[n] == ' ' && args[:n] == args[n+1:] {
			return args[:n], args[n+1:], false
		}
	}
	if i := strings.IndexByte(args, ' '); i > 0 {
		return args[:i], args[i+1:], false
	}
	return args, args, false
}

func readMaybeQuoted(s string) (value, rest string) {
	if strings.HasPrefix(s, `"`) {
		escaped := false
		for i := 1; i < len(s); i++ {
			switch {
			case escaped:
				escaped = false
			case s[i] == '\\':
				escaped = true
			case s[i] == '"':
				if u, err := strconv.Unquote(s[:i+1]); err == nil {
					return u, s[i+1:]
				}
				return s[1:i], s[i+1:]
			}
		}
		return s, ""
	}
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func stripPair(a, b string) (string, string, bool) {
	for _, p := range prefixPairs {
		if strings.HasPrefix(a, p[0]) && strings.HasPrefix(b, p[1]) {
			return a[2:], b[2:], true
		}
	}
	return a, b, false
}

func convert(fd *godiff.FileDiff) (*File, error) {
	h := parseExtended(fd.Extended)
	f := &File{}

	oldName, newName := fd.OrigName, fd.NewName
	hasFileHeader := len(fd.Hunks) > 0 || (oldName != "" && newName != "" && (oldName == devNull || newName == devNull || !h.hasGitLine))
	switch {
	case hasFileHeader:
		f.OldPath = stripPrefix(oldName, 0, h)
		f.NewPath = stripPrefix(newName, 1, h)
		if oldName == devNull {
			f.OldPath = ""
		}
		if newName == devNull {
			f.NewPath = ""
		}
	case h.hasGitLine:
		f.OldPath, f.NewPath = h.gitOld, h.gitNew
	default:
		// Neither a file header nor a git line: stray text between files.
		return nil, nil
	}
	if h.renameFrom != "" || h.renameTo != "" {
		f.Status = Renamed
		f.OldPath, f.NewPath = orDefault(h.renameFrom, f.OldPath), orDefault(h.renameTo, f.NewPath)
	}
	if h.copyFrom != "" || h.copyTo != "" {
		f.Status = Copied
		f.OldPath, f.NewPath = orDefault(h.copyFrom, f.OldPath), orDefault(h.copyTo, f.NewPath)
	}
	switch {
	case h.newFileMode != "" || (hasFileHeader && oldName == devNull):
		f.Status, f.OldPath, f.NewMode = AddedFile, "", h.newFileMode
	case h.deletedFileMode != "" || (hasFileHeader && newName == devNull):
		f.Status, f.NewPath, f.OldMode = DeletedFile, "", h.deletedFileMode
	}
	if h.oldMode != "" || h.newMode != "" {
		f.OldMode, f.NewMode = h.oldMode, h.newMode
	}
	f.Binary = h.binary
	if f.Path() == "" {
		// go-diff leaves names empty for some header shapes; a file we cannot
		// name cannot be reported on, so it is skipped rather than guessed.
		return nil, nil
	}

	f.Hunks = make([]Hunk, 0, len(fd.Hunks))
	for _, gh := range fd.Hunks {
		hk, err := convertHunk(gh)
		if err != nil {
			return nil, err
		}
		for _, l := range hk.Lines {
			switch l.Kind {
			case Added:
				f.AddedLines++
			case Deleted:
				f.DeletedLines++
			}
		}
		f.Hunks = append(f.Hunks, hk)
	}
	f.ModeOnly = len(f.Hunks) == 0 && !f.Binary && f.OldMode != "" && f.NewMode != "" && f.Status == Modified
	f.Language = DetectLanguage(f.Path(), firstLine(f))
	f.Class = Classify(f)
	return f, nil
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// stripPrefix removes the a/ or b/ (side 0 or 1) prefix from a ---/+++ name
// when the diff was written with prefixes.
func stripPrefix(name string, side int, h gitHeader) string {
	if name == devNull || name == "" {
		return name
	}
	if h.hasGitLine {
		if !h.prefixed {
			return name
		}
		for _, p := range prefixPairs {
			if strings.HasPrefix(name, p[side]) {
				return name[2:]
			}
		}
		return name
	}
	// A plain unified diff: only the conventional a/ b/ pair is stripped.
	if strings.HasPrefix(name, []string{"a/", "b/"}[side]) {
		return name[2:]
	}
	return name
}

func convertHunk(gh *godiff.Hunk) (Hunk, error) {
	hk := Hunk{
		OldStart: int(gh.OrigStartLine), OldLines: int(gh.OrigLines),
		NewStart: int(gh.NewStartLine), NewLines: int(gh.NewLines),
		Section: gh.Section,
	}
	// go-diff hands over a fresh Body per hunk and never touches it again,
	// so the lines can be substrings of it without a copy of every hunk.
	body := unsafe.String(unsafe.SliceData(gh.Body), len(gh.Body))
	hk.Lines = make([]Line, 0, max(hk.OldLines, hk.NewLines)+1)
	oldNo, newNo := hk.OldStart, hk.NewStart
	oldSeen, newSeen := 0, 0
	for len(body) > 0 && (oldSeen < hk.OldLines || newSeen < hk.NewLines) {
		var raw string
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			raw, body = body[:i], body[i+1:]
		} else {
			raw, body = body, ""
		}
		raw = strings.TrimSuffix(raw, "\r")
		if raw == "" {
			// Some tools strip the single space of an empty context line.
			raw = " "
		}
		switch raw[0] {
		case '+':
			hk.Lines = append(hk.Lines, Line{Kind: Added, NewLine: newNo, Text: raw[1:]})
			newNo++
			newSeen++
		case '-':
			hk.Lines = append(hk.Lines, Line{Kind: Deleted, OldLine: oldNo, Text: raw[1:]})
			oldNo++
			oldSeen++
		case ' ':
			hk.Lines = append(hk.Lines, Line{Kind: Context, OldLine: oldNo, NewLine: newNo, Text: raw[1:]})
			oldNo++
			newNo++
			oldSeen++
			newSeen++
		case '\\':
			// "\ No newline at end of file": a marker, not a line.
		default:
			return hk, fmt.Errorf("hunk @@ -%d,%d +%d,%d @@: unexpected line %q", hk.OldStart, hk.OldLines, hk.NewStart, hk.NewLines, truncate(raw, 40))
		}
	}
	if oldSeen < hk.OldLines || newSeen < hk.NewLines {
		return hk, fmt.Errorf("hunk @@ -%d,%d +%d,%d @@ is truncated: body has %d old and %d new line(s)", hk.OldStart, hk.OldLines, hk.NewStart, hk.NewLines, oldSeen, newSeen)
	}
	return hk, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func firstLine(f *File) string {
	if len(f.Hunks) == 0 {
		return ""
	}
	for _, l := range f.Hunks[0].Lines {
		if l.NewLine == 1 {
			return l.Text
		}
	}
	return ""
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
